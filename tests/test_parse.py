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
        "/xml": {
            "get": {
                "operationId": "xml",
                "parameters": [
                    {"name": "s", "in": "query", "content": {"application/xml": {"schema": {}}}}
                ],
                "responses": ok(),
            }
        },
    }
    api = api_of(paths, schemas)
    assert [o.operation_id for o in api.operations] == ["good"]
    assert api.skipped == ("bad (GET /bad)", "xml (GET /xml)")
    names = {d.name for d in api.definitions}
    assert "Fine" in names and not names & {"Mixed", "UsesMixed", "Unused"}
    assert sorted(w.pointer for w in api.warnings) == [
        "#/components/schemas/Mixed",
        "#/components/schemas/Unused",
        "#/paths/~1xml/get/parameters/0/content",
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


def test_parameter_styles_and_their_defaults() -> None:
    """Each parameter keeps the spec's style and explode (OpenAPI's defaults per location when it
    says nothing); a scalar outside the path takes its location's default, since every style
    spells a scalar alike there, and generated calls name only styles that differ."""
    arr = {"type": "array", "items": {"type": "string"}}
    params = [
        {
            "name": "p",
            "in": "path",
            "required": True,
            "style": "label",
            "schema": {"type": "integer"},
        },
        {"name": "q", "in": "query", "schema": arr},
        {"name": "r", "in": "query", "explode": False, "schema": arr},
        {"name": "s", "in": "query", "style": "pipeDelimited", "schema": {"type": "integer"}},
        {
            "name": "t",
            "in": "query",
            "style": "deepObject",
            "explode": True,
            "schema": {"type": "object"},
        },
        {"name": "u", "in": "query", "content": {"application/json": {"schema": arr}}},
        {"name": "H", "in": "header", "explode": True, "schema": arr},
        {"name": "c", "in": "cookie", "explode": False, "schema": arr},
    ]
    api = api_of({"/x/{p}": {"get": {"operationId": "x", "parameters": params, "responses": ok()}}})
    found = op(api, "x")
    styles = {
        p.wire_name: (p.location, p.style, p.explode, p.style_code)
        for p in (
            *found.path_params,
            *found.query_params,
            *found.header_params,
            *found.cookie_params,
        )
    }
    assert styles == {
        "p": ("path", "label", False, "label"),
        "q": ("query", "form", True, None),
        "r": ("query", "form", False, "form"),
        "s": ("query", "form", True, None),
        "t": ("query", "deepObject", True, "deepObject*"),
        "u": ("query", "json", False, "json"),
        "H": ("header", "simple", True, "simple*"),
        "c": ("cookie", "form", False, "form"),
    }
    assert found.path_styles == (("p", "label"),)
    assert [a.name for a in found.arguments] == ["q", "r", "s", "t", "u", "h", "c"]


def test_dynamic_and_recursive_refs() -> None:
    """`$dynamicRef: '#anchor'` names the component declaring that anchor (the enclosing one
    first, with a note when others redeclare it); `$recursiveRef: '#'` its own component; what
    has no such target blocks only the definition it is in."""
    node = {
        "$dynamicAnchor": "node",
        "type": "object",
        "properties": {"kids": {"type": "array", "items": {"$dynamicRef": "#node"}}},
    }
    schemas = {
        "Node": node,
        "Extended": {**node, "properties": {"up": {"$dynamicRef": "#node"}}},
        "Cat": {"type": "object", "properties": {"sub": {"$recursiveRef": "#"}}},
        "Plain": {
            "type": "object",
            "properties": {"n": {"$dynamicRef": "#/components/schemas/Cat"}},
        },
        "Lost": {"type": "object", "properties": {"x": {"$dynamicRef": "#nowhere"}}},
        "Odd": {"type": "object", "properties": {"x": {"$recursiveRef": "#/a"}}},
    }
    paths = {
        f"/{name.lower()}": {
            "get": {
                "operationId": name.lower(),
                "responses": ok({"$ref": f"#/components/schemas/{name}"}),
            }
        }
        for name in schemas
    }
    api = api_of(paths, schemas)
    fields = {
        d.name: {f.name: types.annotation(f.type) for f in d.fields}
        for d in api.definitions
        if isinstance(d, Model)
    }
    assert fields["Node"] == {"kids": "list[Node] | None"}
    assert fields["Extended"] == {"up": "Extended | None"}
    assert fields["Cat"] == {"sub": "Cat | None"}
    assert fields["Plain"] == {"n": "Cat | None"}
    assert api.skipped == ("lost (GET /lost)", "odd (GET /odd)")
    messages = sorted((w.pointer, w.message) for w in api.warnings)
    assert messages == [
        (
            "#/components/schemas/Extended/properties/up/$dynamicRef",
            "$dynamicRef '#node' is typed as 'Extended', the schema declaring the anchor it is "
            "written in; reached through 'Node', where the anchor is redeclared, it would mean "
            "that schema instead",
        ),
        (
            "#/components/schemas/Lost/properties/x/$dynamicRef",
            "$dynamicRef '#nowhere': the generator needs the target to be a component schema root",
        ),
        (
            "#/components/schemas/Node/properties/kids/items/$dynamicRef",
            "$dynamicRef '#node' is typed as 'Node', the schema declaring the anchor it is "
            "written in; reached through 'Extended', where the anchor is redeclared, it would "
            "mean that schema instead",
        ),
        (
            "#/components/schemas/Odd/properties/x/$recursiveRef",
            "$recursiveRef '#/a': only '#' is supported",
        ),
    ]


SCHEMES = {
    "basic": {"type": "http", "scheme": "basic"},
    "key": {"type": "apiKey", "in": "cookie", "name": "sid"},
    "oauth": {
        "type": "oauth2",
        "flows": {"clientCredentials": {"tokenUrl": "/token", "scopes": {"r": "", "w": ""}}},
    },
    "tls": {"type": "mutualTLS"},
}


def _secured(security: Any, own: dict[str, Any]) -> Api:
    paths = {
        f"/{name}": {
            "get": {"operationId": name, "responses": ok(), **({"security": s} if s != "-" else {})}
        }
        for name, s in own.items()
    }
    return api_of(paths, components={"securitySchemes": SCHEMES}, security=security)


def test_one_requirement_everywhere_is_sent_with_every_request() -> None:
    api = _secured([{"oauth": ["r"]}], {"a": "-", "b": [{"oauth": ["r"]}]})
    assert not api.client.per_call
    [part] = api.client.auth
    assert part.kind == "oauth2" and part.scopes == ("r",)  # type: ignore[union-attr]
    assert [op(api, n).security for n in "ab"] == [None, None]


def test_alternatives_and_operations_own_requirements_are_chosen_per_call() -> None:
    api = _secured(
        [{"basic": []}, {"key": []}],
        {"a": "-", "b": [], "c": [{"oauth": ["r", "w"]}, {}], "d": [{"tls": [], "key": []}]},
    )
    client = api.client
    assert client.per_call
    assert [p.scheme for p in client.auth] == ["basic", "key", "oauth"]  # tls: not supported
    assert client.security_literal == [{"basic": []}, {"key": []}]
    assert client.needs == {
        "basic": "username and password",
        "key": "sid",
        "oauth": "access_token, or client_id and client_secret",
    }
    assert [op(api, n).security_literal for n in "abcd"] == [
        None,
        [],
        [{"oauth": ["r", "w"]}, {}],
        [{"key": []}],  # the unsupported scheme is left to default_headers
    ]
    assert [w.pointer for w in api.warnings] == ["#/components/securitySchemes/tls"]


def test_an_undefined_scheme_is_a_located_problem() -> None:
    with pytest.raises(SpecError) as caught:
        _secured([{"nope": []}], {"a": [{"basic": [], "gone": []}]})
    assert [(p.pointer, p.message) for p in caught.value.problems] == [
        ("#/paths/~1a/get/security/0/gone", "security scheme 'gone' is not defined"),
        ("#/security/0/nope", "security scheme 'nope' is not defined"),
    ]


def test_a_models_extra_values_import_nothing() -> None:
    """Extras are kept untyped (the model base allows them), so a typed or `true`
    additionalProperties beside properties, own or from allOf, must not import what no field
    prints (an unused import fails ruff: found by the corpus)."""
    schemas = {
        "Other": {"type": "object", "properties": {"x": {"type": "string"}}},
        "Base": {"type": "object", "properties": {"id": {"type": "string"}}},
        "Typed": {
            "type": "object",
            "properties": {"a": {"type": "string"}},
            "additionalProperties": {"$ref": "#/components/schemas/Other"},
        },
        "Composed": {
            "additionalProperties": True,
            "allOf": [{"$ref": "#/components/schemas/Base"}],
        },
    }
    paths = {
        f"/{name.lower()}": {
            "get": {
                "operationId": f"get{name}",
                "responses": ok({"$ref": f"#/components/schemas/{name}"}),
            }
        }
        for name in ("Typed", "Composed")
    }
    api = api_of(paths, schemas)
    imports = {m.module: m.imports for m in api.models}
    assert not any("Other" in line for line in imports["_typed"])
    assert not any("Any" in line for line in imports["_composed"])
