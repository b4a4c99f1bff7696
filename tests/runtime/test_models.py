"""The model base: nulls refused where the spec forbids them, and only there, so decoding a
response stays on pydantic's native JSON path."""

from __future__ import annotations

import pydantic
import pytest
from runtime._models import ApiModel


class Strict(ApiModel):
    name: str | None = None
    __non_nullable__ = frozenset({"name"})


class Loose(ApiModel):
    name: str | None = None


class Derived(Strict):
    size: int | None = None


def test_a_forbidden_null_is_refused_also_in_a_subclass() -> None:
    for model in (Strict, Derived):
        assert model.model_validate({"name": "a"}).name == "a"
        assert model.model_validate({}).name is None
        with pytest.raises(pydantic.ValidationError, match="null is not allowed for name"):
            model.model_validate_json('{"name": null}')


def test_a_model_without_forbidden_nulls_has_no_python_validator() -> None:
    assert Loose.model_validate_json('{"name": null}').name is None
    assert not Loose.__pydantic_decorators__.model_validators
    assert Strict.__pydantic_decorators__.model_validators
