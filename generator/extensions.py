"""The generator's own spec extensions (`x-sdk-*`, `x-pagination`, …): their JSON Schema and the check.

The parse stage reads these values and trusts their shape, so the validate stage checks every one of
them first against the JSON Schema below, which describes where each extension may appear and what
it holds. A wrong type or range is a located problem naming the extension and what it expects,
never a crash in the generator or in a generated client's constructor. An `x-sdk-*` key the
generator does not know, where it reads extensions, is a problem too (a typo would otherwise be
silently ignored). CONTRIBUTING.md documents the same rules for people.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from generator import quick
from generator.errors import Problem
from generator.load import LoadedSpec, Pointer

if TYPE_CHECKING:
    import jsonschema.exceptions

# What each extension holds, for messages (CONTRIBUTING.md says the same at more length).
EXPECTED = {
    "x-sdk": "{package: a Python identifier, client: a class name, distribution: a PEP 508 "
    "name, version: a PEP 440 version}",
    "x-sdk-name": "a dotted resource path and method name, 2 to 10 names: 'calls.streams.create'",
    "x-sdk-idempotent": "true or false",
    "x-pagination": "{next, prev, items}: the cursor fields and the item list, as strings",
    "x-sdk-client-default": "{argument: a name, from-credential: username, password or token}",
    "x-sdk-indexed-pairs": "{argument, name and value (each with {n}), max: 1 to 1000, "
    "description}",
    "x-sdk-credentials": "{username, password, token, value, client_id or client_secret (as "
    "the scheme takes): {argument, env, description}}",
    "x-sdk-constant": "a header-safe string (printable ASCII) on an apiKey scheme",
    "x-sdk-jwt": "{secret: {argument, env, description}, claims: {name: value} without iat or "
    "exp, ttl: seconds from 300 to 86400} on an http bearer scheme",
    "x-sdk-user-tokens": "{method: a method name} on an http bearer scheme with x-sdk-jwt",
    "x-sdk-webhook-signature": "{algorithm, header, description, validator, method, secret, "
    "example-url}",
    "x-sdk-env": "an environment variable name (letters, digits, _; not starting with a digit)",
    "x-sdk-argument": "a non-empty name",
    "x-inferred": "true or false",
    "x-curation-note": "a string",
}

_ENV = {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$", "maxLength": 100}
_NAME = {"type": "string", "minLength": 1, "maxLength": 100}
_CREDENTIAL = {
    "type": "object",
    "additionalProperties": False,
    "properties": {"argument": _NAME, "env": _ENV, "description": {"type": "string"}},
}


def _map_of(definition: str) -> dict[str, Any]:
    """A mapping whose every value is checked against `definition` ($defs)."""
    return {"type": "object", "additionalProperties": {"$ref": f"#/$defs/{definition}"}}


def _known(*names: str) -> dict[str, Any]:
    """Refuses `x-sdk…` keys other than `names` on the object it is applied to."""
    return {
        "propertyNames": {
            "if": {"pattern": "^x-sdk"},
            "then": {
                "enum": sorted(names),
                "message": "unknown generator extension here (known here: "
                + (", ".join(sorted(names)) or "none")
                + ")",
            },
        }
    }


def _with(names: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """An OpenAPI object where extensions are read: types are the OpenAPI schema's business."""
    return {"properties": names, **_known(*(n for n in names if n.startswith("x-"))), **extra}


_BEARER = "^[Bb][Ee][Aa][Rr][Ee][Rr]$"  # the parser compares the scheme case-insensitively
_ONLY_API_KEY = "x-sdk-constant is read on apiKey security schemes only"
_ONLY_BEARER = "x-sdk-jwt is read on http bearer security schemes only"


def _only(extension: str, where: dict[str, Any], message: str) -> dict[str, Any]:
    """`extension` is a problem on a security scheme whose properties do not match `where`."""
    return {
        "if": {"not": {"properties": where, "required": sorted(where)}},
        "then": {"properties": {extension: {"not": {}, "message": message}}},
    }


def _roles(kind: str, scheme: str, roles: list[str]) -> dict[str, Any]:
    """On a scheme of this kind, x-sdk-credentials may describe only the credentials it takes."""
    condition: dict[str, Any] = {"properties": {"type": {"const": kind}}, "required": ["type"]}
    if kind == "http":
        condition["properties"]["scheme"] = {"pattern": scheme}
        condition["required"].append("scheme")
    return {
        "if": condition,
        "then": {
            "properties": {
                "x-sdk-credentials": {
                    "propertyNames": {
                        "enum": roles,
                        "message": f"this scheme takes {' and '.join(roles)} only",
                    }
                }
            }
        },
    }


SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://sdkgen.invalid/extensions.json",
    "description": "Where the generator's extensions may appear in an OpenAPI document, and what "
    "they hold. Everything else in the document is the OpenAPI schema's business.",
    "type": "object",
    "properties": {
        "info": _with(
            {
                # checked where it is read (generator/parse/client.py), with its own messages;
                # only the type the parser's checks take for granted is checked here
                "x-sdk-webhook-signature": {"properties": {"algorithm": {"type": "string"}}},
                "x-sdk": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "package": {
                            "type": "string",
                            "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
                            "maxLength": 100,
                            "message": "not a Python package name (letters, digits and _, not "
                            "starting with a digit, at most 100)",
                        },
                        "client": {
                            "type": "string",
                            "pattern": "^[A-Za-z_][A-Za-z0-9_]*$",
                            "maxLength": 100,
                            "message": "not a Python class name (letters, digits and _, not "
                            "starting with a digit, at most 100)",
                        },
                        "distribution": {
                            "type": "string",
                            # PEP 508's name: ASCII letters and digits, with . _ - inside.
                            "pattern": "^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])$",
                            "maxLength": 100,
                            "message": "not a valid distribution name (PEP 508: ASCII letters and "
                            "digits, with '.', '_' or '-' between them)",
                        },
                        "version": {"type": "string", "minLength": 1},
                    },
                },
                "x-curation-note": {"type": "string"},
            }
        ),
        "servers": {"type": "array", "items": {"$ref": "#/$defs/server"}},
        "paths": _map_of("pathItem"),
        "components": {
            "type": "object",
            "properties": {
                "schemas": _map_of("schemaRoot"),
                "parameters": _map_of("parameter"),
                "requestBodies": _map_of("requestBody"),
                "responses": {  # a response's content is shaped like a request body's
                    "type": "object",
                    "additionalProperties": {"$ref": "#/$defs/requestBody"},
                },
                "pathItems": _map_of("pathItem"),
                "securitySchemes": _map_of("securityScheme"),
            },
        },
    },
    "$defs": {
        # A Schema Object that is not part of another (checked on its own: see `check`).
        "schemaRoot": {"$ref": "#/$defs/schema"},
        "server": {
            "type": "object",
            "properties": {
                "variables": {
                    "type": "object",
                    "additionalProperties": _with(
                        {
                            "x-sdk-env": _ENV,
                            "x-sdk-argument": _NAME,
                            "x-curation-note": {"type": "string"},
                        }
                    ),
                }
            },
        },
        "pathItem": {
            "type": "object",
            "properties": {
                **{
                    method: {"$ref": "#/$defs/operation"}
                    for method in (
                        "get",
                        "put",
                        "post",
                        "delete",
                        "options",
                        "head",
                        "patch",
                        "trace",
                    )
                },
                "parameters": {"type": "array", "items": {"$ref": "#/$defs/parameter"}},
            },
        },
        "operation": _with(
            {
                "x-sdk-name": {
                    "type": "string",
                    "pattern": r"^[^.]+(\.[^.]+){1,9}$",
                    "message": "x-sdk-name needs a resource and a method, 2 to 10 non-empty "
                    "dotted names: 'calls.get'",
                },
                "x-sdk-idempotent": {"type": "boolean"},
                "x-pagination": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["items"],
                    "properties": {"next": _NAME, "prev": _NAME, "items": _NAME},
                },
                "x-curation-note": {"type": "string"},
                "parameters": {"type": "array", "items": {"$ref": "#/$defs/parameter"}},
                "requestBody": {"$ref": "#/$defs/requestBody"},
                "responses": _map_of("requestBody"),
            }
        ),
        "parameter": _with(
            {
                "x-sdk-client-default": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["from-credential"],
                    "properties": {
                        "argument": _NAME,
                        "from-credential": {"enum": ["username", "password", "token"]},
                    },
                },
                "x-curation-note": {"type": "string"},
                "schema": {"$ref": "#/$defs/schemaRoot"},
            }
        ),
        "requestBody": {  # or a response: both hold media types with schemas
            "type": "object",
            "properties": {
                "content": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "properties": {"schema": {"$ref": "#/$defs/schemaRoot"}},
                    },
                }
            },
        },
        "schema": _with(
            {
                "x-sdk-indexed-pairs": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "argument": _NAME,
                        "name": {
                            **_NAME,
                            "pattern": r"\{n\}",
                            "message": "needs {n}, the pair's number",
                        },
                        "value": {
                            **_NAME,
                            "pattern": r"\{n\}",
                            "message": "needs {n}, the pair's number",
                        },
                        "max": {"type": "integer", "minimum": 1, "maximum": 1000},
                        "description": {"type": "string"},
                    },
                },
                "x-inferred": {"type": "boolean"},
                "x-curation-note": {"type": "string"},
                "properties": _map_of("schema"),
                "items": {"$ref": "#/$defs/schema"},
                "additionalProperties": {"$ref": "#/$defs/schema"},
                "allOf": {"type": "array", "items": {"$ref": "#/$defs/schema"}},
                "anyOf": {"type": "array", "items": {"$ref": "#/$defs/schema"}},
                "oneOf": {"type": "array", "items": {"$ref": "#/$defs/schema"}},
            }
        ),
        "securityScheme": _with(
            {
                "x-sdk-credentials": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        role: _CREDENTIAL
                        for role in (
                            "username",
                            "password",
                            "token",
                            "value",
                            "client_id",
                            "client_secret",
                        )
                    },
                },
                "x-sdk-constant": {
                    "type": "string",
                    "pattern": "^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$",
                    "message": "not a header-safe value (printable ASCII, no line breaks, no "
                    "space at either end)",
                },
                # checked where it is read (generator/parse/client.py), with its own messages
                "x-sdk-user-tokens": {},
                "x-sdk-jwt": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "secret": _CREDENTIAL,
                        "claims": {
                            "type": "object",
                            "propertyNames": {
                                "not": {"enum": ["iat", "exp"]},
                                "message": "iat and exp are set by the client for each token",
                            },
                        },
                        "ttl": {"type": "integer", "minimum": 300, "maximum": 86400},
                    },
                },
                "x-curation-note": {"type": "string"},
            },
            allOf=[
                _only("x-sdk-constant", {"type": {"const": "apiKey"}}, _ONLY_API_KEY),
                _only(
                    "x-sdk-jwt",
                    {"type": {"const": "http"}, "scheme": {"pattern": _BEARER}},
                    _ONLY_BEARER,
                ),
                _roles("http", "^[Bb][Aa][Ss][Ii][Cc]$", ["username", "password"]),
                _roles("http", _BEARER, ["token"]),
                _roles("apiKey", ".*", ["value"]),
                _roles("oauth2", ".*", ["client_id", "client_secret", "token"]),
                _roles("openIdConnect", ".*", ["token"]),
            ],
        ),
    },
}


@cache
def _document_schema() -> dict[str, Any]:
    """SCHEMA without descending into Schema Objects, which `check` validates one by one."""
    document = copy.deepcopy(SCHEMA)
    document["$defs"]["schemaRoot"] = {}
    return document


@cache
def _document_validator() -> Any:
    import jsonschema

    document = _document_schema()
    return jsonschema.validators.validator_for(document)(document)


@cache
def _quick_document() -> quick.Compiled:
    return quick.compile_schema(_document_schema())


@cache
def _quick_schema() -> quick.Compiled:
    return quick.compile_schema(
        {"$schema": SCHEMA["$schema"], "$ref": "#/$defs/schema", "$defs": SCHEMA["$defs"]}
    )


@cache
def _schema_validator() -> Any:
    import jsonschema

    schema = {"$schema": SCHEMA["$schema"], "$ref": "#/$defs/schema", "$defs": SCHEMA["$defs"]}
    return jsonschema.validators.validator_for(schema)(schema)


# Schema Object (as JSON text) → its problems (pointer within it, message). Specs share most of
# their schemas with the spec validated before them (an edited spec, the tests): check those once.
_SCHEMA_PROBLEMS: dict[str, list[tuple[Pointer, str]]] = {}


def check(spec: LoadedSpec) -> Iterator[Problem]:
    """Every place the spec's extensions break the schema above, located and explained."""
    if not quick.surely_valid(_quick_document(), spec.data):
        for path, message in _problems(_document_validator(), spec.data):
            yield spec.problem(path, message)
    for root, schema in schema_roots(spec.data, ()):
        if quick.surely_valid(_quick_schema(), schema):
            continue
        key = json.dumps(schema, sort_keys=True, ensure_ascii=False)
        found = _SCHEMA_PROBLEMS.get(key)
        if found is None:
            found = list(_problems(_schema_validator(), schema))
            if len(_SCHEMA_PROBLEMS) >= 4096:
                _SCHEMA_PROBLEMS.clear()
            _SCHEMA_PROBLEMS[key] = found
        for path, message in found:
            yield spec.problem((*root, *path), message)


def _problems(validator: Any, instance: Any) -> Iterator[tuple[Pointer, str]]:
    import jsonschema.exceptions

    for error in validator.iter_errors(instance):
        best = jsonschema.exceptions.best_match([error, *(error.context or [])])
        path = tuple(best.absolute_path)
        if best.validator == "type" and not any(p in EXPECTED for p in path if isinstance(p, str)):
            # the way to an extension is not what this schema says (`parameters: null`): the
            # structural pass reports that, in the spec's terms
            continue
        if "propertyNames" in best.schema_path:  # about a key: locate it at the key
            path = (*path, str(best.instance))
        yield path, _describe(best, path)


def schema_roots(node: Any, path: Pointer) -> Iterator[tuple[Pointer, Any]]:
    """Every top-level Schema Object: components.schemas entries and each `schema` of a parameter,
    header or media type (nested schemas are checked as part of their root)."""
    todo: list[tuple[Pointer, Any]] = [(path, node)]
    while todo:
        here, value = todo.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                inner = (*here, key)
                if here == ("components", "schemas") or (
                    key == "schema" and isinstance(item, dict)
                ):
                    yield inner, item
                elif key not in ("example", "examples", "default", "enum", "const"):
                    todo.append((inner, item))
        elif isinstance(value, list):
            todo.extend(((*here, i), item) for i, item in enumerate(value))


def _describe(error: jsonschema.exceptions.ValidationError, path: tuple[Any, ...]) -> str:
    extension = next((p for p in reversed(path) if isinstance(p, str) and p in EXPECTED), None)
    custom = str(error.schema.get("message") or "") if isinstance(error.schema, dict) else ""
    if error.validator == "type":
        custom = ""  # the type is what is wrong: say so plainly
    if custom and error.validator == "not" and error.validator_value == {}:
        text = custom  # refused wherever it is, whatever its value
    elif custom:
        text = f"{_short(error.instance)}: {custom}"
    else:
        text = error.message if len(error.message) <= 200 else error.message[:199] + "…"
        if extension:
            text = f"{text}; expected {EXPECTED[extension]}"
    if extension and not text.startswith(extension) and extension not in text.split(":")[0]:
        text = f"{extension}: {text}"
    return text


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"
