"""Nesting at the documented limit goes through every stage; what could recurse for ever is refused.

Every recursive walk of the generator (the loader's bundling, the three validation passes, schema
translation, black, the compiler and pydantic in the generated package) gets a spec that nests
exactly MAX_DEPTH levels, in each shape that recurses differently. Past the limit the loader refuses
(tests/test_load_limits.py). `$ref` chains that never end (an allOf that includes itself, an unnamed
schema that refers into itself) are located problems, not a RecursionError.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError
from generator.limits import MAX_DEPTH
from generator.pipeline import build
from generator.write import write_tree

SHAPES = ("properties", "items", "additionalProperties", "allOf", "oneOf", "example")


def _nest(levels: int, shape: str) -> dict[str, Any]:
    inner: dict[str, Any] = {"type": "string"}
    for i in range(levels):
        if shape == "properties":
            inner = {"type": "object", "properties": {f"p{i}": inner}}
        elif shape == "items":
            inner = {"type": "array", "items": inner}
        elif shape == "additionalProperties":
            inner = {"type": "object", "additionalProperties": inner}
        elif shape == "allOf":
            inner = {
                "allOf": [inner, {"type": "object", "properties": {f"q{i}": {"type": "integer"}}}]
            }
        elif shape == "oneOf":
            inner = {"oneOf": [inner, {"type": "integer"}]}
    return inner


def _value(levels: int) -> Any:
    value: Any = "x"
    for i in range(levels):
        value = [value] if i % 2 else {"k": value}
    return value


def deep_spec(shape: str, depth: int = MAX_DEPTH) -> dict[str, Any]:
    """A spec whose deepest node sits exactly `depth` levels below the root."""
    base = 3  # components/schemas/Deep
    if shape == "example":  # example and default values: data, not schemas
        value = _value(depth - base - 3)  # …/Deep/properties/e/example/<value>
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {"e": {"example": value, "default": value}},
        }
    else:
        per = 2 if shape in ("properties", "allOf", "oneOf") else 1
        schema = _nest((depth - base - 1) // per, shape)  # the innermost `type` is one more
    ref = {"$ref": "#/components/schemas/Deep"}
    doc = {
        "openapi": "3.1.0",
        "info": {"title": "Deep", "version": "1", "x-sdk": {"package": f"deep_{shape.lower()}"}},
        "paths": {
            "/deep": {
                "post": {
                    "operationId": "deep",
                    "x-sdk-name": "deep.post",
                    "requestBody": {"content": {"application/json": {"schema": ref}}},
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": ref}},
                        }
                    },
                }
            }
        },
        "components": {"schemas": {"Deep": schema}},
    }
    if shape != "example" and depth_of(doc) > depth:  # a shape whose side branch is deeper
        levels = (depth - base - 1) // per
        while depth_of(doc) > depth:
            levels -= 1
            doc["components"]["schemas"]["Deep"] = _nest(levels, shape)
    return doc


def depth_of(node: Any) -> int:
    if isinstance(node, dict):
        return 1 + max((depth_of(v) for v in node.values()), default=0)
    if isinstance(node, list):
        return 1 + max((depth_of(v) for v in node), default=0)
    return 0


_IMPORT = """
import importlib, json, pkgutil, sys
from pydantic import BaseModel
for root, package in json.loads(sys.argv[1]):
    sys.path.insert(0, root)
    top = importlib.import_module(package)
    for info in pkgutil.walk_packages(top.__path__, package + "."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel:
                value.model_rebuild()
print("ok")
"""


def test_every_stage_handles_the_deepest_allowed_spec(tmp_path: Path) -> None:
    packages = []
    for shape in SHAPES:
        doc = deep_spec(shape)
        assert depth_of(doc) == MAX_DEPTH, shape  # the pointer length of its deepest node
        spec = tmp_path / f"{shape}.yaml"
        spec.write_text(json.dumps(doc), encoding="utf-8")
        # black recurses over nested expressions: annotations (items, additionalProperties) and
        # literals (example, default). allOf and oneOf nest definitions, not expressions.
        api, files = build(spec, formatted=shape not in ("allOf", "oneOf"))
        write_tree(tmp_path / "out" / api.package, files)
        packages.append((str(tmp_path / "out" / api.package), api.package))
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT, json.dumps(packages)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.strip() == "ok", done.stderr[-3000:]


def test_one_level_more_is_refused(tmp_path: Path) -> None:
    for shape in ("items", "example"):
        spec = tmp_path / f"{shape}.yaml"
        spec.write_text(json.dumps(deep_spec(shape, MAX_DEPTH + 1)), encoding="utf-8")
        with pytest.raises(SpecError) as caught:
            build(spec, formatted=False)
        assert [p.message for p in caught.value.problems] == [
            f"nested more than {MAX_DEPTH} levels deep"
        ]


def problems_of(tmp_path: Path, schemas: dict[str, Any]) -> list[str]:
    doc = deep_spec("items")
    doc["components"]["schemas"] = {"Deep": {"type": "string"}, **schemas}
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    # strict: what is skipped (with a warning) by default is refused, so the message can be read
    with pytest.raises(SpecError) as caught:
        build(spec, strict=True, formatted=False)
    return [f"{p.pointer}: {p.message}" for p in caught.value.problems]


def _all_of(target: str, prop: str) -> dict[str, Any]:
    return {
        "allOf": [
            {"$ref": f"#/components/schemas/{target}"},
            {"type": "object", "properties": {prop: {"type": "string"}}},
        ]
    }


def test_an_all_of_cycle_is_a_problem(tmp_path: Path) -> None:
    found = problems_of(tmp_path, {"A": _all_of("B", "a"), "B": _all_of("A", "b")})
    assert found == [
        "#/components/schemas/B/allOf/0: allOf includes itself: #/components/schemas/B -> "
        "#/components/schemas/A -> #/components/schemas/B"
    ]


def test_an_all_of_that_includes_itself_is_a_problem(tmp_path: Path) -> None:
    found = problems_of(tmp_path, {"A": _all_of("A", "a")})
    assert found == [
        "#/components/schemas/A/allOf/0: allOf includes itself: #/components/schemas/A -> "
        "#/components/schemas/A"
    ]


def test_an_all_of_chain_past_the_limit_is_a_problem(tmp_path: Path) -> None:
    chain = {f"A{i}": _all_of(f"A{i + 1}", f"p{i}") for i in range(MAX_DEPTH + 5)}
    chain[f"A{MAX_DEPTH + 5}"] = {"type": "object", "properties": {"z": {"type": "string"}}}
    found = problems_of(tmp_path, chain)
    assert found == [
        f"#/components/schemas/A4/allOf: allOf parts nest more than {MAX_DEPTH} levels deep"
    ]


def test_an_all_of_chain_within_the_limit_generates(tmp_path: Path) -> None:
    doc = deep_spec("items")
    chain = {f"A{i}": _all_of(f"A{i + 1}", f"p{i}") for i in range(MAX_DEPTH - 1)}
    chain[f"A{MAX_DEPTH - 1}"] = {"type": "object", "properties": {"z": {"type": "string"}}}
    doc["components"]["schemas"] = {"Deep": {"$ref": "#/components/schemas/A0"}, **chain}
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(doc), encoding="utf-8")
    _, files = build(spec, formatted=False)
    model = next(text for path, text in files.items() if path.name == "_a0.py")
    assert "p0" in model and f"p{MAX_DEPTH - 2}" in model and "z:" in model


def test_an_unnamed_schema_that_refers_into_itself_is_a_problem(tmp_path: Path) -> None:
    inner = "#/components/schemas/A/properties/c"
    found = problems_of(
        tmp_path,
        {"A": {"type": "object", "properties": {"c": {"type": "array", "items": {"$ref": inner}}}}},
    )
    assert found == [
        f"#/components/schemas/A/properties/c/items: $ref '{inner}' leads back to itself: make "
        "the schema it points to a component (components.schemas) to let it be recursive"
    ]
