"""The type mapping, table by table: Schema Object → type tree → annotation text + imports.

The tree is built by the parser's SchemaTranslator, rendered by `generator.types.annotation` (the one
place annotation text is made) in a scope whose bound names may shadow builtins.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator import types
from generator.load import LoadedSpec
from generator.parse.schemas import SchemaTranslator
from generator.types import (
    ANY,
    INT,
    NONE,
    NOT_GIVEN,
    STR,
    ListOf,
    LiteralOf,
    MapOf,
    Ref,
    Tagged,
    UnionOf,
)

COMPONENTS = {
    "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
    "Cat": {"type": "object", "properties": {"kind": {"type": "string"}}},
    "Dog": {"type": "object", "properties": {"kind": {"type": "string"}}},
    "MaybePet": {"type": ["object", "null"], "properties": {"name": {"type": "string"}}},
}


def translator(is_31: bool = True) -> SchemaTranslator:
    data: dict[str, Any] = {
        "openapi": "3.1.0" if is_31 else "3.0.3",
        "components": {"schemas": COMPONENTS},
    }
    t = SchemaTranslator(LoadedSpec(Path("t.yaml"), data, {}, ()), is_31=is_31)
    t.declare_components()
    t.translate_components()
    return t


# schema, annotation, imports (besides definitions)
MAPPING: list[tuple[Any, str, set[str]]] = [
    ({"type": "string"}, "str", set()),
    ({"type": "integer"}, "int", set()),
    ({"type": "number"}, "float | int", set()),  # an int stays an int on the wire
    ({"type": "boolean"}, "bool", set()),
    ({"type": "null"}, "None", set()),
    ({"type": "string", "format": "date-time"}, "datetime.datetime", {"import datetime"}),
    ({"type": "string", "format": "date"}, "datetime.date", {"import datetime"}),
    ({"type": "string", "format": "binary"}, "bytes", set()),
    ({"type": "string", "format": "uuid"}, "str", set()),
    ({}, "Any", {"from typing import Any"}),
    (True, "Any", {"from typing import Any"}),
    ({"type": ["string", "null"]}, "str | None", set()),
    ({"type": ["string", "integer"]}, "str | int", set()),
    ({"type": ["null"]}, "None", set()),
    ({"type": "array", "items": {"type": "integer"}}, "list[int]", set()),
    ({"type": "array"}, "list[Any]", {"from typing import Any"}),
    (
        {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
        "list[list[str]]",
        set(),
    ),
    ({"type": "object"}, "dict[str, Any]", {"from typing import Any"}),
    ({"type": "object", "additionalProperties": {"type": "string"}}, "dict[str, str]", set()),
    ({"const": "x"}, "Literal['x']", {"from typing import Literal"}),
    ({"const": None}, "None", set()),
    ({"enum": [1, "a"]}, "Literal[1, 'a']", {"from typing import Literal"}),
    ({"enum": [None]}, "None", set()),
    ({"oneOf": [{"type": "string"}, {"type": "integer"}]}, "str | int", set()),
    ({"anyOf": [{"type": "string"}, {"type": "null"}]}, "str | None", set()),
    # nested unions are flattened, duplicates dropped, None last, Any absorbs the rest
    ({"oneOf": [{"oneOf": [{"type": "string"}]}, {"type": "string"}]}, "str", set()),
    ({"anyOf": [{"type": "null"}, {"type": "integer"}]}, "int | None", set()),
    ({"anyOf": [{}, {"type": "string"}]}, "Any", {"from typing import Any"}),
    ({"$ref": "#/components/schemas/Pet"}, "Pet", set()),
    ({"$ref": "#/components/schemas/MaybePet"}, "MaybePet | None", set()),
    ({"allOf": [{"$ref": "#/components/schemas/Pet"}]}, "Pet", set()),
    ({"type": "array", "items": {"$ref": "#/components/schemas/Pet"}}, "list[Pet]", set()),
]


@pytest.mark.parametrize(("schema", "annotation", "imports"), MAPPING, ids=repr)
def test_schema_to_annotation(schema: Any, annotation: str, imports: set[str]) -> None:
    t = translator().type_of(schema, ("x",), "Ctx")
    assert types.annotation(t) == annotation
    assert types.imports(t) == imports


def test_nullable_is_the_30_spelling() -> None:
    t = translator(is_31=False).type_of({"type": "string", "nullable": True}, ("x",), "Ctx")
    assert types.annotation(t) == "str | None"


def test_inline_object_becomes_a_named_definition() -> None:
    tr = translator()
    t = tr.type_of({"type": "object", "properties": {"a": {"type": "string"}}}, ("x",), "Owner")
    assert t == Ref("Owner")
    assert "Owner" in tr.definitions


def test_inline_enum_becomes_an_enum_with_its_literal_alias() -> None:
    tr = translator()
    t = tr.type_of({"type": "string", "enum": ["a", "b"]}, ("x",), "Mode")
    assert t == Ref("Mode")
    enum = tr.definitions["Mode"]
    assert enum.kind == "enum" and getattr(enum, "literal", None) == "ModeLiteral"


def test_discriminator_is_a_tagged_union() -> None:
    schema = {
        "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
        "discriminator": {"propertyName": "kind", "mapping": {"kitty": "Cat"}},
    }
    t = translator().type_of(schema, ("x",), "Ctx")
    assert t == Tagged(("Cat", "Dog"), "kind", (("kitty", "Cat"), ("Cat", "Cat"), ("Dog", "Dog")))
    assert types.annotation(t) == (
        "Annotated[Annotated[Cat, Tag('Cat')] | Annotated[Dog, Tag('Dog')], "
        "Discriminator(discriminate('kind', {'kitty': 'Cat', 'Cat': 'Cat', 'Dog': 'Dog'}))]"
    )
    assert types.imports(t) == {
        "from typing import Annotated",
        "from pydantic import Discriminator, Tag",
        "from .._runtime._models import discriminate",
    }
    assert types.refs(t) == {"Cat", "Dog"}


# tree, shadowed names, annotation, imports
SHADOWED: list[tuple[types.Type, frozenset[str], str, set[str]]] = [
    (ListOf(STR), frozenset({"list"}), "builtins.list[str]", {"import builtins"}),
    (ListOf(STR), frozenset({"str"}), "list[builtins.str]", {"import builtins"}),
    (MapOf(INT), frozenset({"dict"}), "builtins.dict[str, int]", {"import builtins"}),
    (
        MapOf(STR, abstract=True),
        frozenset({"str"}),
        "Mapping[builtins.str, builtins.str]",
        {"import builtins", "from collections.abc import Mapping"},
    ),
    (UnionOf((INT, NONE)), frozenset({"int"}), "builtins.int | None", {"import builtins"}),
    (ListOf(STR), frozenset({"tuple", "items"}), "list[str]", set()),
    (
        types.union([STR, NOT_GIVEN]),
        frozenset(),
        "str | NotGiven",
        {"from .._runtime import NotGiven"},
    ),
]


@pytest.mark.parametrize(("t", "shadowed", "annotation", "imports"), SHADOWED, ids=repr)
def test_shadowed_builtins_are_qualified(
    t: types.Type, shadowed: frozenset[str], annotation: str, imports: set[str]
) -> None:
    assert types.annotation(t, shadowed) == annotation
    assert types.imports(t, shadowed) == imports


def test_union_rules() -> None:
    assert types.union([]) == NONE
    assert types.union([STR]) == STR
    assert types.union([NONE, STR, STR]) == UnionOf((STR, NONE))
    assert types.union([UnionOf((STR, INT)), INT, NONE]) == UnionOf((STR, INT, NONE))
    assert types.union([STR, ANY]) == ANY
    assert types.optional(ANY) == ANY
    assert types.without_none(UnionOf((STR, NONE))) == STR
    assert types.without_none(UnionOf((STR, INT, NONE))) == UnionOf((STR, INT))


def test_walking_a_deep_tree_needs_no_recursion() -> None:
    t: types.Type = STR
    for _ in range(20_000):
        t = ListOf(t)
    assert sum(1 for _ in types.walk(t)) == 20_001
    assert types.refs(ListOf(Ref("A"))) == {"A"}
    assert types.imports(t) == set()


def test_names_used_lists_every_bare_name() -> None:
    t = types.union([ListOf(Ref("Pet")), MapOf(types.DATETIME), LiteralOf(("a",)), ANY])
    assert t == ANY  # Any absorbs
    t = UnionOf((ListOf(Ref("Pet")), MapOf(types.DATETIME), LiteralOf(("a",))))
    assert types.names_used(t) == {"list", "Pet", "dict", "str", "datetime", "Literal"}
