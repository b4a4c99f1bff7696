"""Specs the structural fuzz test (tests/fuzz.py) found the generator failing on, each reduced to a
few lines: they generate a package that imports, or what cannot be generated is skipped with a
located warning (refused with that problem under --strict)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError
from generator.pipeline import build
from generator.write import write_tree


def doc(schemas: dict[str, Any], paths: dict[str, Any] | None = None) -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/A"}
    default_paths = {
        "/a": {
            "get": {
                "operationId": "getA",
                "x-sdk-name": "a.get",
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": ref}}}
                },
            }
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "F", "version": "1", "x-sdk": {"package": "found"}},
        "paths": default_paths if paths is None else paths,
        "components": {"schemas": schemas},
    }


GENERATES = {
    # an alias in a cycle with a model: the alias must be written after the class it names
    "alias_and_model_in_a_cycle": doc(
        {
            "A": {"oneOf": [{"$ref": "#/components/schemas/M"}, {"type": "integer"}]},
            "M": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}},
        }
    ),
    # an inline allOf that includes the component around it: one recursive model, not endless ones
    "inline_all_of_of_its_own_component": doc(
        {
            "A": {
                "type": "object",
                "properties": {
                    "x": {"type": "string"},
                    "from": {
                        "allOf": [
                            {"$ref": "#/components/schemas/A"},
                            {"$ref": "#/components/schemas/B"},
                        ]
                    },
                },
            },
            "B": {"type": "object", "properties": {"b": {"type": "integer"}}},
        }
    ),
    # a boolean schema as a component (3.1)
    "boolean_component": doc(
        {
            "A": {"type": "object", "properties": {"t": {"$ref": "#/components/schemas/T"}}},
            "T": True,
        }
    ),
    # no operations at all: a client with no resources
    "no_operations": doc({"A": {"type": "string"}}, paths={}),
    # a parameter whose schema is `true`
    "boolean_parameter_schema": doc(
        {"A": {"type": "string"}},
        paths={
            "/a": {
                "get": {
                    "operationId": "getA",
                    "x-sdk-name": "a.get",
                    "parameters": [{"name": "q", "in": "query", "schema": True}],
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
    ),
    # components that allow only null, used (nullable) by a request body's fields
    "null_only_components": doc(
        {
            "A": {
                "type": "object",
                "properties": {
                    "e": {"$ref": "#/components/schemas/E"},
                    "o": {"$ref": "#/components/schemas/O"},
                    "w": {"allOf": [{"$ref": "#/components/schemas/E"}]},
                },
            },
            "E": {"enum": [None]},
            "O": {"oneOf": [{"type": "null"}]},
        },
        paths={
            "/a": {
                "post": {
                    "operationId": "createA",
                    "x-sdk-name": "a.create",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/A"}}
                        }
                    },
                    "responses": {"204": {"description": "ok"}},
                }
            }
        },
    ),
}


def test_found_specs_generate_packages_that_import(tmp_path: Path) -> None:
    roots = []
    for name, spec in GENERATES.items():
        path = tmp_path / name / "spec.json"
        path.parent.mkdir()
        path.write_text(json.dumps(spec), encoding="utf-8")
        api, files = build(path, formatted=False)
        for file, text in files.items():
            if file.suffix == ".py":
                compile(text, str(file), "exec")
        write_tree(tmp_path / name / "out" / api.package, files)
        roots.append(str(tmp_path / name / "out" / api.package))
    script = """
import importlib, json, pkgutil, sys
from pydantic import BaseModel
for root in json.loads(sys.argv[1]):
    sys.path.insert(0, root)
    top = importlib.import_module("found")
    for info in pkgutil.walk_packages(top.__path__, "found."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel) and value is not BaseModel:
                value.model_rebuild()
    top.FoundClient(base_url="http://127.0.0.1:9")
    sys.path.remove(root)
    for key in [k for k in sys.modules if k == "found" or k.startswith("found.")]:
        del sys.modules[key]
print("ok")
"""
    done = subprocess.run(
        [sys.executable, "-c", script, json.dumps(roots)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.strip() == "ok", done.stderr[-3000:]


CYCLES = [
    {"A": {"type": "array", "items": {"$ref": "#/components/schemas/A"}}},
    {"A": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/A"}}},
    {
        "A": {"oneOf": [{"$ref": "#/components/schemas/B"}, {"type": "integer"}]},
        "B": {"oneOf": [{"$ref": "#/components/schemas/A"}, {"type": "string"}]},
    },
]


@pytest.mark.parametrize("schemas", CYCLES)
def test_alias_cycles_generate_types_that_validate(tmp_path: Path, schemas: dict[str, Any]) -> None:
    """A schema containing itself only through arrays, maps or unions (once skipped): a deferred
    alias (TypeAliasType) that a model of the package validates values against at run time."""
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(doc(schemas)), encoding="utf-8")
    api, files = build(path, strict=True, formatted=False)
    assert api.warnings == () and api.skipped == ()
    write_tree(tmp_path / "out" / api.package, files)
    script = """
import sys
import pydantic
sys.path.insert(0, sys.argv[1])
from found.models import A
value = {"k": {"k": {}}} if "additionalProperties" in sys.argv[2] else [[[]], []]
value = 3 if "oneOf" in sys.argv[2] else value
print(pydantic.TypeAdapter(A).validate_python(value) == value)
"""
    done = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "out" / api.package), json.dumps(schemas)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.stdout.strip() == "True", done.stderr[-3000:]


def test_a_webhook_algorithm_of_the_wrong_type_is_a_problem(tmp_path: Path) -> None:
    spec = doc({"A": {"type": "string"}})
    spec["info"]["x-sdk-webhook-signature"] = {"algorithm": ["a"], "header": "X-Sig"}
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        build(path, formatted=False)
    assert [f"{p.pointer}: {p.message}" for p in caught.value.problems] == [
        "#/info/x-sdk-webhook-signature/algorithm: x-sdk-webhook-signature: ['a'] is not of type "
        "'string'; expected {algorithm, header, description, validator, method, secret, example-url}"
    ]


def test_a_default_beside_a_broken_enum_is_refused_with_the_enum_located(tmp_path: Path) -> None:
    """Found by the fuzz test once defaults were checked by the semantic pass: jsonschema, asked to
    check a default against a schema with `enum: null`, raised TypeError."""
    path = tmp_path / "spec.json"
    schemas = {"A": {"type": "object", "properties": {"p": {"enum": None, "default": "x"}}}}
    path.write_text(json.dumps(doc(schemas)), encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        build(path, formatted=False)
    assert any(
        p.pointer == "#/components/schemas/A/properties/p/enum" for p in caught.value.problems
    ), caught.value.problems
