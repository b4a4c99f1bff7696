"""Recursive schemas at run time: the `recursive_schemas` golden package, its models validating
recursive data, and its operations sending and receiving it over the mock, sync and async.

A recursive alias (`Tree = dict[str, Tree]`) or a union inside a reference cycle (`Expr = Num |
Add` where `Add` holds `Expr`) raised NameError on first use when written as a plain TypeAlias;
they are TypeAliasTypes now. `$dynamicRef`/`$recursiveRef` resolve to the schema they recurse
into; discriminators whose variants a tag cannot pick among are plain unions.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from generator.mock import MockServer
from generator.pipeline import build
from tests.golden_import import GOLDEN, golden_package

SPEC = GOLDEN / "recursive_schemas" / "spec.yaml"


@pytest.fixture(scope="module")
def recursive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with golden_package("recursive_schemas", tmp_path_factory.mktemp("recursive")) as package:
        yield package


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(SPEC) as server:
        yield server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def call(package: ModuleType, mode: str, mock: MockServer, dotted: str, **kwargs: Any) -> Any:
    resource, method = dotted.split(".")
    if mode == "sync":
        with package.RecursiveClient(base_url=mock.url) as client:
            return getattr(getattr(client, resource), method)(**kwargs)
    async with package.AsyncRecursiveClient(base_url=mock.url) as client:
        return await getattr(getattr(client, resource), method)(**kwargs)


def test_recursive_aliases_validate_recursive_data(recursive: ModuleType) -> None:
    models = importlib.import_module("recursive.models")
    deep: dict[str, Any] = {}
    for name in "abcdefghij":
        deep = {name: deep}
    assert TypeAdapter(models.Tree).validate_python(deep) == deep
    with pytest.raises(ValidationError):
        TypeAdapter(models.Tree).validate_python({"a": {"b": 1}})
    assert TypeAdapter(models.Forest).validate_python([[[], [[]]], []]) == [[[], [[]]], []]
    with pytest.raises(ValidationError):
        TypeAdapter(models.Forest).validate_python([[1]])
    doc = {"a": [1.5, "x", None, {"b": [True, {"c": None}]}]}
    assert TypeAdapter(models.Json).validate_python(doc) == doc


def test_union_inside_a_cycle(recursive: ModuleType) -> None:
    models = importlib.import_module("recursive.models")
    expr = TypeAdapter(models.Expr).validate_python(
        {
            "op": "add",
            "left": {"value": 1},
            "right": {"op": "add", "left": {"value": 2}, "right": {"value": 3}},
        }
    )
    assert isinstance(expr, models.Add)
    assert isinstance(expr.left, models.Num) and isinstance(expr.right, models.Add)
    assert expr.right.right.value == 3


def test_dynamic_and_recursive_refs_recurse_into_their_schema(recursive: ModuleType) -> None:
    models = importlib.import_module("recursive.models")
    node = models.Node.model_validate(
        {"name": "r", "children": [{"name": "a", "children": [{"name": "b"}]}]}
    )
    assert isinstance(node.children[0].children[0], models.Node)
    category = models.Category.model_validate({"label": "t", "sub": [{"label": "i", "sub": []}]})
    assert isinstance(category.sub[0], models.Category)


def test_discriminators_a_tag_cannot_use_are_plain_unions_that_pick_the_right_variant(
    recursive: ModuleType,
) -> None:
    models = importlib.import_module("recursive.models")
    drawing = models.Drawing.model_validate(
        {
            "inline": {"kind": "square", "side": 1},
            "repeated": {"kind": "circle", "radius": 2},
            "scalar": "red",
        }
    )
    assert isinstance(drawing.inline, models.Square)
    assert isinstance(drawing.repeated, models.Circle)
    assert drawing.scalar == "red"
    inline = models.Drawing.model_validate({"inline": {"kind": "circle", "radius": 1}}).inline
    assert isinstance(inline, models.DrawingInlineVariant1)


def test_each_unused_discriminator_is_a_located_warning() -> None:
    api, _ = build(SPEC)
    found = [(w.pointer, w.message.split(": ", 1)[1]) for w in api.warnings]
    assert found == [
        (
            "#/components/schemas/Drawing/properties/inline/discriminator",
            "variant(s) [1] are not a $ref to a named schema; typed as a plain union of the variants",
        ),
        (
            "#/components/schemas/Drawing/properties/repeated/discriminator",
            "Square is listed more than once; typed as a plain union of the variants",
        ),
        (
            "#/components/schemas/Drawing/properties/scalar/discriminator",
            "Colour is not an object; typed as a plain union of the variants",
        ),
    ]
    assert all(
        str(w.pos).endswith(f":{line}")
        for w, line in zip(api.warnings, (161, 168, 174), strict=True)
    )


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_recursive_data_over_the_mock(
    recursive: ModuleType, mock: MockServer, mode: str
) -> None:
    models = importlib.import_module("recursive.models")
    mock.clear()
    document = {"title": "x", "children": [{"title": "y", "children": []}], "score": 1.5}
    stored = await call(recursive, mode, mock, "documents.store", body=document)
    assert stored == {
        "title": "Notes",
        "tags": ["a", "b"],
        "meta": {"pages": 2.0, "draft": False, "parent": None},
    }
    assert mock.requests[-1].json == document
    tree = await call(recursive, mode, mock, "tree.get")
    assert tree == {"src": {"generator": {}, "tests": {"golden": {}}}, "README": {}}
    expr = await call(
        recursive,
        mode,
        mock,
        "expressions.evaluate",
        body=models.Add(op="add", left=models.Num(value=1), right={"value": 2}),
    )
    assert isinstance(expr, models.Add) and isinstance(expr.right.left, models.Num)
    assert mock.requests[-1].json == {"op": "add", "left": {"value": 1.0}, "right": {"value": 2.0}}
    node = await call(recursive, mode, mock, "nodes.get")
    assert [c.name for c in node.children] == ["a", "b"]
    category = await call(recursive, mode, mock, "categories.get")
    assert isinstance(category.sub[0], models.Category)
    shape = await call(recursive, mode, mock, "shapes.get")
    assert isinstance(shape.inline, models.Square) and isinstance(shape.repeated, models.Square)
    assert all(r.valid for r in mock.requests), [r.errors for r in mock.requests]
