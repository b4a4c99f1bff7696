"""The golden packages do at run time what their specs say: generated into a temp dir and imported."""

from __future__ import annotations

import datetime
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from pydantic import ValidationError

from generator.pipeline import build
from generator.write import write_tree

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("zoo")
    api, files = build(GOLDEN / "json_api" / "spec.yaml")
    write_tree(out / api.package, files)
    sys.path.insert(0, str(out / api.package))
    try:
        yield importlib.import_module("zoo.models")
    finally:
        sys.path.remove(str(out / api.package))
        for name in [n for n in sys.modules if n == "zoo" or n.startswith("zoo.")]:
            del sys.modules[name]


BASE = {"id": 1, "name": "Rex", "kind": "animal", "born_at": "2024-01-01T10:00:00Z"}


@pytest.mark.parametrize(
    ("pet", "cls"),
    [
        ({"pet_type": "Cat", "lives": 9}, "Cat"),
        ({"pet_type": "kitty"}, "Cat"),
        ({"pet_type": "Dog"}, "Dog"),
    ],
)
def test_discriminated_union_picks_the_variant_by_tag(
    zoo: ModuleType, pet: dict[str, object], cls: str
) -> None:
    animal = zoo.Animal.model_validate({**BASE, "pet": pet})
    assert type(animal.pet).__name__ == cls


def test_unknown_discriminator_value_is_a_clear_error(zoo: ModuleType) -> None:
    with pytest.raises(ValidationError, match="union_tag_not_found"):
        zoo.Animal.model_validate({**BASE, "pet": {"pet_type": "Fish"}})


def test_recursion_nesting_maps_and_timestamps(zoo: ModuleType) -> None:
    animal = zoo.Animal.model_validate(
        {
            **BASE,
            "parent": {**BASE, "id": 2},
            "attributes": {"a": "b"},
            "habitat": {"climate": "cold"},
        }
    )
    assert animal.parent.id == 2
    assert animal.attributes == {"a": "b"}
    assert animal.born_at == datetime.datetime(2024, 1, 1, 10, tzinfo=datetime.UTC)
    assert animal.habitat.climate.value == "cold"
    schedule = zoo.Schedule.model_validate(
        {"shifts": [{"schedule": {"shifts": []}, "hours": [[1, 2]]}]}
    )
    assert schedule.shifts[0].hours == [[1, 2]]


def test_a_number_stays_the_int_or_float_it_was(zoo: ModuleType) -> None:
    for weight, kind in ((12, int), (12.0, float), (12.5, float), (-1, int)):
        animal = zoo.Animal.model_validate({**BASE, "weight": weight})
        assert type(animal.weight) is kind and animal.weight == weight
        assert repr(animal.to_wire()["weight"]) == repr(weight)  # 12 is not sent as 12.0


def test_runtime_timestamps(zoo: ModuleType) -> None:
    animal = zoo.Animal.model_validate(
        {**BASE, "fed_at": 1718445000123, "vet_visit": "Wed, 26 Sept 2018 23:00:04 +0000"}
    )
    assert animal.fed_at == datetime.datetime(2024, 6, 15, 9, 50, 0, 123000, tzinfo=datetime.UTC)
    assert animal.vet_visit == datetime.datetime(2018, 9, 26, 23, 0, 4, tzinfo=datetime.UTC)
    assert animal.to_wire()["fed_at"] == 1718445000123
    assert zoo.Animal.model_validate({**BASE, "vet_visit": "?"}).vet_visit == "?"
    request = zoo.AnimalRequest(
        name="Rex", arrived_at=datetime.datetime(2024, 6, 15, tzinfo=datetime.UTC)
    )
    assert request.to_wire() == {"name": "Rex", "arrived_at": "2024-06-15T00:00:00Z"}


def test_unknown_enum_value_and_extra_fields_are_kept(zoo: ModuleType) -> None:
    animal = zoo.Animal.model_validate({**BASE, "habitat": {"climate": "humid"}, "stripes": 3})
    assert animal.habitat.climate.value == "humid"
    assert animal.habitat.climate.is_known is False
    assert animal.model_extra == {"stripes": 3}


def test_nullable_and_anyof(zoo: ModuleType) -> None:
    assert zoo.Animal.model_validate({**BASE, "location": None}).location is None
    assert zoo.Animal.model_validate({**BASE, "location": 7}).location == 7
    update = zoo.UpdateAnimalRequest.model_validate({"nickname": None})
    assert update.to_wire() == {"nickname": None}


def test_request_models_refuse_forbidden_null_and_unknown_enum(zoo: ModuleType) -> None:
    with pytest.raises(ValidationError, match="null is not allowed for name"):
        zoo.UpdateAnimalRequest.model_validate({"name": None})
    with pytest.raises(ValidationError, match="at least 1 character"):
        zoo.AnimalRequest.model_validate({"name": ""})
