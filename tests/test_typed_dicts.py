"""The TypedDict twins of request models (generator/parse/params.py) and what they accept.

* Table-driven: which twins need the functional syntax, and how argument types widen.
* The golden `typed_dicts` case, parsed: names (a spec schema already named like a twin keeps its
  name), modules, syntax.
* Generated and driven over loopback HTTP against the mock: a dict is sent byte for byte as the
  model is, nested, recursive, in lists, maps and unions, with enums, timestamps and nulls, and is
  refused as the model would be.
* Type-checked: `mypy --strict` accepts the dicts and flags wrong keys and values.
"""

from __future__ import annotations

import datetime
import importlib
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from generator import types
from generator.ir import Alias, Enum, EnumMember, ParamKey
from generator.load import LoadedSpec
from generator.mock import MockServer
from generator.parse import parse
from generator.parse.params import Twins, _needs_functional
from generator.parse.schemas import ModelDraft
from generator.pipeline import build
from generator.types import INT, STR, ListOf, MapOf, Ref, Tagged, UnionOf
from generator.write import write_tree

SPEC = Path(__file__).parent / "golden" / "typed_dicts" / "spec.yaml"


# ------------------------------------------------------------------------------------ unit tables


@pytest.mark.parametrize(
    ("keys", "functional"),
    [
        ([("name", STR)], False),
        ([("name", STR), ("kind", INT)], False),
        ([("class", STR)], True),  # a keyword
        ([("match", STR)], False),  # a soft keyword is a fine attribute
        ([("a-b", STR)], True),
        ([("x.y", STR)], True),
        ([("1st", STR)], True),
        ([("", STR)], True),
        ([("__hidden", STR)], True),  # mangled in a class body
        ([("_private", STR)], True),
        ([("naïve", STR)], True),  # NFKC-normalised in source
        ([("str", STR)], True),  # `str: str` rebinds what the annotation names
        ([("str", INT)], False),  # no annotation there names `str`
        ([("int", INT), ("name", STR)], True),
        ([("Required", STR)], True),
        ([("Node", Ref("Node"))], True),
        ([("TypedDict", STR)], True),
        ([("Sequence", ListOf(STR, abstract=True))], True),
        ([("list", ListOf(STR))], True),
    ],
)
def test_functional_syntax_when_a_class_body_cannot_hold_the_keys(
    keys: list[tuple[str, types.Type]], functional: bool
) -> None:
    params = tuple(ParamKey(wire, t, True, "") for wire, t in keys)
    assert _needs_functional(params) is functional


def _model(name: str, *fields: tuple[str, types.Type]) -> ModelDraft:
    from generator.parse.schemas import FieldDraft

    drafts = tuple(FieldDraft(wire, wire, t, True, False, "", None, (), ()) for wire, t in fields)
    return ModelDraft(name, name, (), "", drafts, None, False)


DEFINITIONS = {
    "Node": _model("Node", ("children", ListOf(Ref("Node")))),
    "Point": _model("Point", ("x", INT)),
    "Color": Enum("Color", "Color", (), "", "str", (EnumMember("RED", "red"),), "ColorLiteral"),
    "Points": Alias("Points", "Points", (), "", ListOf(Ref("Point"))),
    "Names": Alias("Names", "Names", (), "", ListOf(STR)),
    "Tree": Alias("Tree", "Tree", (), "", UnionOf((MapOf(Ref("Tree")), Ref("Point")))),
}
TWINS = Twins(DEFINITIONS, {"Node": "NodeParam", "Point": "PointParam"})


@pytest.mark.parametrize(
    ("given", "widened"),
    [
        (STR, "str"),
        (ListOf(STR), "list[str]"),  # nothing to widen: unchanged
        (Ref("Point"), "Point | PointParam"),
        (types.optional(Ref("Point")), "Point | PointParam | None"),
        (ListOf(Ref("Point")), "Sequence[Point | PointParam]"),
        (MapOf(Ref("Point")), "Mapping[str, Point | PointParam]"),
        (ListOf(ListOf(Ref("Point"))), "Sequence[Sequence[Point | PointParam]]"),
        (Ref("Color"), "Color | ColorLiteral"),
        (ListOf(Ref("Color")), "Sequence[Color | ColorLiteral]"),
        (types.TIMESTAMP, "Timestamp | float | int"),
        (Ref("Points"), "Sequence[Point | PointParam]"),  # an alias of models, written out
        (Ref("Names"), "Names"),  # an alias with nothing to widen stays the alias
        (Ref("Tree"), "dict[str, Tree] | Point | PointParam"),  # recursion stays the alias
        (Ref("Node"), "Node | NodeParam"),
        (Tagged(("Node", "Point"), "kind", ()), "Node | NodeParam | Point | PointParam"),
    ],
)
def test_arguments_widen_to_take_twins(given: types.Type, widened: str) -> None:
    assert types.annotation(TWINS.widen(given)) == widened


# ------------------------------------------------------------------------------- the golden case


@pytest.fixture(scope="module")
def built() -> tuple[Any, dict[Any, str]]:
    return build(SPEC)


def test_twins_are_named_after_every_spec_class(built: tuple[Any, dict[Any, str]]) -> None:
    api, _ = built
    twins = {t.model: t for t in api.param_dicts}
    # the spec's own FilterParam keeps its name; Filter's twin takes the next free one
    assert twins["Filter"].name == "FilterParam_2"
    assert twins["FilterParam"].name == "FilterParamParam"
    assert "the TypedDict of 'Filter' is 'FilterParam_2' in Python" in api.notes
    # every model a request reaches, and no other (Shape is only answered)
    assert set(twins) == {
        "Box",
        "Fill",
        "Filter",
        "FilterParam",
        "Marks",
        "Node",
        "Outline",
        "Point",
        "Stroke",
        "Style",
    }
    assert twins["Outline"].functional and not twins["Node"].functional
    # ruff's UP013 would ask for the class syntax for Marks (identifiers only), not for Outline
    assert twins["Marks"].functional and twins["Marks"].ruff_converts
    assert not twins["Outline"].ruff_converts
    where = dict(api.model_names)
    assert where["NodeParam"] == where["Node"]
    assert where["FilterParam_2"] == where["FilterParam"] == where["Filter"]


def test_a_parameter_taking_a_model_through_an_alias_is_validated_as_the_alias() -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    spec["components"]["schemas"]["BoxOrName"] = {
        "oneOf": [{"$ref": "#/components/schemas/Box"}, {"type": "string"}]
    }
    find = spec["paths"]["/shapes/near/{box}"]["get"]
    find["parameters"].append(
        {"name": "X-Near", "in": "header", "schema": {"$ref": "#/components/schemas/BoxOrName"}}
    )
    api = parse(LoadedSpec(SPEC, spec, {}, ()))
    op = next(op for op in api.operations if op.operation_id == "findShapes")
    near = next(p for p in op.header_params if p.wire_name == "X-Near")
    assert types.annotation(near.type) == "Box | BoxParam | str"
    assert near.validated == Ref("BoxOrName")
    assert "BoxOrName" in op.runtime_imports


# ----------------------------------------------------------------------------- over the wire


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ModuleType]]:
    out = tmp_path_factory.mktemp("typed_dicts")
    api, files = build(SPEC)
    write_tree(out / api.package, files)
    sys.path.insert(0, str(out / api.package))
    try:
        yield out / api.package, importlib.import_module(api.package)
    finally:
        sys.path.remove(str(out / api.package))
        for name in [n for n in sys.modules if n == api.package or n.startswith(f"{api.package}.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    server = MockServer(SPEC).start()
    yield server
    server.stop()


AT = datetime.datetime(2024, 5, 1, 12, 30, tzinfo=datetime.UTC)
DICTS: dict[str, Any] = {
    "outline": {"class": "closed", "a-b": 1, "__hidden": False, "points": [{"x": 1, "y": 2.5}]},
    "tree": {"name": "root", "children": [{"name": "leaf", "parent": None}], "parent": None},
    "filter": {"kind": "all", "left": {"value": "v", "filter": {"kind": "any"}}},
    "styles": {"a": {"color": "red"}, "b": {}},
    "layers": [{"type": "Fill", "opacity": 0.5}, {"type": "Stroke", "width": 2}],
}


def _as_models(models: ModuleType) -> dict[str, Any]:
    return {
        "outline": models.Outline.model_validate(
            {"class": "closed", "a-b": 1, "__hidden": False, "points": [models.Point(x=1, y=2.5)]}
        ),
        "tree": models.Node(
            name="root", children=[models.Node(name="leaf", parent=None)], parent=None
        ),
        "filter": models.Filter(
            kind="all",
            left=models.FilterParam(value="v", filter=models.Filter(kind="any")),
        ),
        "styles": {"a": models.Style(color="red"), "b": models.Style()},
        "layers": [models.Fill(type="Fill", opacity=0.5), models.Stroke(type="Stroke", width=2)],
    }


def test_a_dict_is_sent_as_the_model_is(package: tuple[Path, ModuleType], mock: MockServer) -> None:
    _, pkg = package
    models = importlib.import_module(f"{pkg.__name__}.models")
    mock.clear()
    with pkg.ShapesClient(base_url=mock.url) as client:
        client.shapes.create(**DICTS)
        client.shapes.create(**_as_models(models))
        # mixed: models inside dicts, dicts inside models
        client.shapes.create(
            outline={**DICTS["outline"], "points": [models.Point(x=1, y=2.5)]},
            tree=models.Node(name="root", children=[{"name": "leaf", "parent": None}], parent=None),
            filter=DICTS["filter"],
            styles={"a": {"color": "red"}, "b": models.Style()},
            layers=[models.Fill(type="Fill", opacity=0.5), {"type": "Stroke", "width": 2}],
        )
        client.shapes.create_many(body=[{"x": 1, "y": 2, "at": AT}, {"x": 3, "y": 4}])
        client.shapes.create_many(body=[models.Point(x=1, y=2, at=AT), models.Point(x=3, y=4)])
    bodies = [r.body for r in mock.requests]
    assert all(r.valid for r in mock.requests), [r.errors for r in mock.requests]
    assert len(bodies) == 5
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[3] == bodies[4]
    # what was never set is not sent; what was set to null is; ints stay ints
    assert mock.requests[0].json == {
        "outline": {"class": "closed", "a-b": 1, "__hidden": False, "points": [{"x": 1, "y": 2.5}]},
        "tree": {"name": "root", "children": [{"name": "leaf", "parent": None}], "parent": None},
        "filter": {"kind": "all", "left": {"value": "v", "filter": {"kind": "any"}}},
        "styles": {"a": {"color": "red"}, "b": {}},
        "layers": [{"type": "Fill", "opacity": 0.5}, {"type": "Stroke", "width": 2}],
    }
    assert mock.requests[3].json == [
        {"x": 1, "y": 2, "at": "2024-05-01T12:30:00Z"},
        {"x": 3, "y": 4},
    ]


def test_a_parameter_takes_the_dict_as_the_model(
    package: tuple[Path, ModuleType], mock: MockServer
) -> None:
    _, pkg = package
    models = importlib.import_module(f"{pkg.__name__}.models")
    mock.clear()
    with pkg.ShapesClient(base_url=mock.url) as client:
        client.shapes.find({"w": 1, "h": 2}, within={"w": 3, "h": 4})
        client.shapes.find(models.Box(w=1, h=2), within=models.Box(w=3, h=4))
        with pytest.raises(pkg.RequestValidationError, match="findShapes: invalid argument"):
            client.shapes.find({"w": 1}, within={"w": 3, "h": 4})
        with pytest.raises(pkg.RequestValidationError, match="findShapes: invalid argument"):
            client.shapes.find({"w": 1, "h": 2}, within={"w": "three", "h": 4})
    first, second = mock.requests
    assert first.valid, first.errors
    assert (first.path, first.query_string) == (second.path, second.query_string)
    assert first.query == (("within[w]", "3"), ("within[h]", "4"))


def test_a_dict_is_refused_as_the_model_would_be(
    package: tuple[Path, ModuleType], mock: MockServer
) -> None:
    _, pkg = package
    mock.clear()
    with pkg.ShapesClient(base_url=mock.url) as client:
        for outline in (
            {"class": "closed"},  # a required key missing
            {"class": "closed", "a-b": "one"},  # the wrong type
            {"class": "closed", "a-b": 1, "str": None},  # a null the spec forbids
        ):
            with pytest.raises(pkg.RequestValidationError, match="createShape"):
                client.shapes.create(outline=outline)
        with pytest.raises(pkg.RequestValidationError, match="createShapes"):
            client.shapes.create_many(body=[{"x": 1}])
    assert mock.requests == []


def test_mypy_checks_the_dicts_key_by_key(package: tuple[Path, ModuleType], tmp_path: Path) -> None:
    root, _ = package
    lines = {
        "ok": """
            client.shapes.find({"w": 1, "h": 2}, within=Box(w=1, h=2))
            client.shapes.create(
                outline={"class": "c", "a-b": 1, "points": [{"x": 1, "y": 2, "at": 1.5}]},
                tree={"name": "r", "children": [{"name": "l", "parent": None}, Node(name="m")]},
                filter={"kind": "any", "left": {"filter": {"kind": "all"}}},
                styles={"a": {"color": "red"}},
                layers=[{"type": "Fill", "opacity": 1}, Stroke(type="Stroke")],
            )
            client.shapes.create_many(body=[{"x": 1, "y": 2}, Point(x=1, y=2)])
            points: list[Point] = [Point(x=1, y=2)]
            client.shapes.create_many(body=points)
            twin: FilterParam_2 = {"left": {"value": "v"}}
            own: FilterParam = FilterParam(value="v")
        """,
        "missing": 'client.shapes.create(outline={"class": "c"})',
        "unknown": 'client.shapes.create(outline={"class": "c", "a-b": 1, "ab": 2})',
        "type": 'client.shapes.create(outline={"class": "c", "a-b": "1"})',
        "null": 'client.shapes.create(outline={"class": "c", "a-b": 1, "str": None})',
        "nested": 'client.shapes.create(outline={"class": "c", "a-b": 1}, tree={"children": []})',
        "enum": 'client.shapes.create(outline={"class": "c", "a-b": 1}, filter={"kind": "al"})',
        "parameter": 'client.shapes.find({"w": 1})',
    }
    head = (
        "from typed_dicts import ShapesClient\n"
        "from typed_dicts.models import Box, FilterParam, FilterParam_2, Node, Point, Stroke\n\n"
        'client = ShapesClient(base_url="http://127.0.0.1:9")\n'
    )
    for name, body in lines.items():
        (tmp_path / f"case_{name}.py").write_text(head + textwrap.dedent(body).strip() + "\n")
    result = subprocess.run(
        [
            sys.executable,
            *("-m", "mypy", "--strict", "--cache-dir", str(tmp_path / ".cache")),
            *sorted(p.name for p in tmp_path.glob("case_*.py")),
        ],
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    failing = {
        line.split(".py:", 1)[0].removeprefix("case_")
        for line in result.stdout.splitlines()
        if ": error:" in line
    }
    assert failing == set(lines) - {"ok"}, result.stdout
