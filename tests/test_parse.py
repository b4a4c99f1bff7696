"""The IR builders, tested directly on small specs: what `parse` decides, node by node."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator import types
from generator.errors import SpecError
from generator.ir import Api, Enum, Model, Operation
from generator.load import LoadedSpec
from generator.parse import parse


def api_of(paths: dict[str, Any], schemas: dict[str, Any] | None = None, **top: Any) -> Api:
    data: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1.0.0", **top.pop("info", {})},
        "paths": paths,
        "components": {"schemas": schemas or {}, **top.pop("components", {})},
        **top,
    }
    return parse(LoadedSpec(Path("t.yaml"), data, {}, ()))


def ok(schema: Any = None) -> dict[str, Any]:
    content = {"application/json": {"schema": schema}} if schema is not None else None
    return {"200": {"description": "ok", **({"content": content} if content else {})}}


def op(api: Api, operation_id: str) -> Operation:
    return next(o for o in api.operations if o.operation_id == operation_id)


def test_operations_carry_their_pointer_and_place() -> None:
    api = api_of(
        {
            "/a": {"get": {"operationId": "listA", "tags": ["things"], "responses": ok()}},
            "/b/{id}": {
                "delete": {
                    "operationId": "removeB",
                    "x-sdk-name": "things.parts.remove",
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": ok(),
                }
            },
        }
    )
    assert op(api, "listA").pointer == ("paths", "/a", "get")
    assert op(api, "removeB").pointer == ("paths", "/b/{id}", "delete")
    [module] = api.resources
    assert module.root.attribute == "things" and module.root.class_name == "ThingsResource"
    [child] = module.root.children
    assert child.path == ("things", "parts") and child.class_name == "ThingsPartsResource"
    assert [o.method_name for o in child.operations] == ["remove"]
    assert op(api, "removeB").positional[0].name == "id"


def test_method_name_collisions_are_renamed_and_reported() -> None:
    api = api_of(
        {
            "/a": {"get": {"operationId": "get", "tags": ["x"], "responses": ok()}},
            "/b": {"get": {"operationId": "GET", "tags": ["x"], "responses": ok()}},
        }
    )
    assert sorted(o.method_name for o in api.operations) == ["get", "get_2"]
    assert any("'GET' is 'get_2'" in n for n in api.notes)


def test_explicit_duplicate_names_are_an_error() -> None:
    with pytest.raises(SpecError, match=r"both become x\.get"):
        api_of(
            {
                "/a": {"get": {"operationId": "a", "x-sdk-name": "x.get", "responses": ok()}},
                "/b": {"get": {"operationId": "b", "x-sdk-name": "x.get", "responses": ok()}},
            }
        )


def test_a_sub_resource_keeps_its_name_over_a_method() -> None:
    api = api_of(
        {
            "/a": {"get": {"operationId": "a", "x-sdk-name": "x.parts", "responses": ok()}},
            "/b": {"get": {"operationId": "b", "x-sdk-name": "x.parts.list", "responses": ok()}},
        }
    )
    root = api.resources[0].root
    assert root.children[0].attribute == "parts"
    assert root.operations[0].method_name == "parts_2"


def test_pager_names_and_reserved_pager_arguments() -> None:
    page = {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"type": "string"}},
            "next": {"type": "string"},
            "prev": {"type": "string"},
        },
    }
    params = [
        {"name": n, "in": "query", "schema": {"type": "string"}}
        for n in ("next", "prev", "start", "direction")
    ]
    api = api_of(
        {
            "/a": {
                "get": {
                    "operationId": "query",
                    "tags": ["x"],
                    "parameters": params,
                    "x-pagination": {"next": "next", "prev": "prev", "items": "items"},
                    "responses": ok({"$ref": "#/components/schemas/Page"}),
                }
            }
        },
        {"Page": page},
    )
    o = op(api, "query")
    assert o.pagination is not None
    assert (o.pagination.pages_method, o.pagination.all_method) == ("query_pages", "query_all")
    assert o.pagination.item_type == types.STR
    assert [p.name for p in o.arguments] == ["next", "prev", "start_", "direction_"]
    assert [p.name for p in o.pager_arguments] == ["start_", "direction_"]


def test_body_argument_and_query_body_do_not_share_a_name() -> None:
    api = api_of(
        {
            "/a": {
                "post": {
                    "operationId": "send",
                    "parameters": [{"name": "body", "in": "query", "schema": {"type": "string"}}],
                    "requestBody": {"content": {"application/json": {"schema": {"type": "array"}}}},
                    "responses": ok(),
                }
            }
        }
    )
    o = op(api, "send")
    assert o.body is not None and o.body.fields[0].name == "body"
    assert [p.name for p in o.query_params] == ["body_2"]


def test_models_fields_and_request_side_constraints() -> None:
    schemas = {
        "In": {
            "type": "object",
            "required": ["n"],
            "properties": {
                "n": {"type": "integer", "minimum": 1},
                "datetime": {"type": "string", "format": "date-time"},
                "mode": {"type": "string", "enum": ["a", "b"]},
            },
        },
        "Out": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}},
    }
    api = api_of(
        {
            "/a": {
                "post": {
                    "operationId": "make",
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/In"}}
                        }
                    },
                    "responses": ok({"$ref": "#/components/schemas/Out"}),
                }
            }
        },
        schemas,
    )
    defs = {d.name: d for d in api.definitions}
    request, answer = defs["In"], defs["Out"]
    assert isinstance(request, Model) and isinstance(answer, Model)
    assert request.pointer == ("components", "schemas", "In")
    n, when, _mode = request.fields
    assert (n.name, n.required, n.kwargs) == ("n", True, (("ge", 1),))
    assert (when.name, when.wire_name) == ("datetime_", "datetime")
    assert when.kwargs == (("default", None), ("alias", "datetime"))
    assert request.non_nullable == ("datetime", "mode")
    # answers are tolerant: no constraint, nulls accepted
    assert answer.fields[0].kwargs == (("default", None),) and answer.non_nullable == ()
    enum = defs["InMode"]
    assert isinstance(enum, Enum) and enum.literal == "InModeLiteral"
    # an enum argument takes the members and the literal values
    make = op(api, "make")
    mode_arg = next(p for p in make.arguments if p.wire_name == "mode")
    assert mode_arg.type == types.UnionOf((types.Ref("InMode"), types.Ref("InModeLiteral")))
    assert make.runtime_imports == ("In", "Out") and make.returns_class


def test_client_arguments_are_claimed_in_the_constructors_scope() -> None:
    api = api_of(
        {"/a": {"get": {"operationId": "a", "responses": ok()}}},
        servers=[
            {
                "url": "https://{timeout}.example.com",
                "variables": {"timeout": {"default": "x"}, "region": {"default": "eu"}},
            }
        ],
        security=[{"basic": []}],
        components={"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
    )
    assert [a.name for a in api.client.args] == ["timeout_", "region", "username", "password"]
    [part] = api.client.auth
    assert part.kind == "basic" and part.password.secret and not part.username.secret
    assert any("'timeout' is 'timeout_'" in n for n in api.notes)


@pytest.mark.parametrize(
    ("sdk", "message"),
    [
        ({"package": "json"}, "shadow the standard library"),
        ({"package": "pydantic"}, "every generated package imports"),
        ({"client": "SyncApiClient"}, "a name the generated package imports"),
    ],
)
def test_package_and_client_names_that_would_shadow(sdk: dict[str, str], message: str) -> None:
    with pytest.raises(SpecError, match=message) as caught:
        api_of({"/a": {"get": {"operationId": "a", "responses": ok()}}}, info={"x-sdk": sdk})
    assert "#/info/x-sdk/" in str(caught.value)


def test_a_broken_schema_blocks_only_what_uses_it() -> None:
    """An unusable schema costs the operations that use it (skipped, with located warnings); a
    schema no operation uses never blocks anything; --strict refuses instead."""
    schemas = {
        "Mixed": {"enum": [1, 2.5]},  # neither all strings nor all integers
        "UsesMixed": {
            "type": "object",
            "properties": {"m": {"$ref": "#/components/schemas/Mixed"}},
        },
        "Unused": {"enum": ["a", 1.5]},
        "Fine": {"type": "object", "properties": {"a": {"type": "string"}}},
    }
    paths = {
        "/bad": {
            "get": {
                "operationId": "bad",
                "responses": ok({"$ref": "#/components/schemas/UsesMixed"}),
            }
        },
        "/good": {
            "get": {"operationId": "good", "responses": ok({"$ref": "#/components/schemas/Fine"})}
        },
        "/cookie": {
            "get": {
                "operationId": "cookie",
                "parameters": [{"name": "s", "in": "cookie", "schema": {"type": "string"}}],
                "responses": ok(),
            }
        },
    }
    api = api_of(paths, schemas)
    assert [o.operation_id for o in api.operations] == ["good"]
    assert api.skipped == ("bad (GET /bad)", "cookie (GET /cookie)")
    names = {d.name for d in api.definitions}
    assert "Fine" in names and not names & {"Mixed", "UsesMixed", "Unused"}
    assert sorted(w.pointer for w in api.warnings) == [
        "#/components/schemas/Mixed",
        "#/components/schemas/Unused",
        "#/paths/~1cookie/get/parameters/0",
    ]
    with pytest.raises(SpecError) as caught:
        parse(LoadedSpec(Path("t.yaml"), _spec(paths, schemas), {}, ()), strict=True)
    assert len(caught.value.problems) == 3


def _spec(paths: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "T", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }
