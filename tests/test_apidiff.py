"""Every kind of API change and its classification, table-driven.

`SPEC_EDITS` edits a small spec and compares the two parsed APIs' manifests (the path a regeneration
takes); `SURFACE_EDITS` edits a manifest surface directly, for changes a spec edit cannot isolate
(a rename where the wire name stays, a member renamed with its value kept). Together they cover
every kind `generator.apidiff` knows (`test_every_kind_is_in_a_table`). The subtype order the type
rules rest on has its own table.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from generator import surface
from generator.apidiff import RULES, VARIANT_KINDS, Level, compare, security_level
from generator.apitypes import TypeEnv, subtype
from generator.load import LoadedSpec
from generator.parse import parse
from generator.surface import Surface
from generator.types import (
    ANY,
    BOOL,
    DATETIME,
    FLOAT,
    INT,
    NONE,
    STR,
    Builtin,
    ListOf,
    LiteralOf,
    MapOf,
    Ref,
    Tagged,
    Type,
    union,
)

B, C, P = Level.BREAKING, Level.COMPATIBLE, Level.PATCH


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def body(schema: dict[str, Any], description: str = "ok") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


STRING: dict[str, Any] = {"type": "string"}
ERROR = {"404": body(ref("Error"), "Not found.")}

BASE: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Shop",
        "version": "1.0.0",
        "x-sdk": {"package": "shop", "client": "ShopClient"},
    },
    "servers": [
        {
            "url": "https://{region}.shop.example/v1",
            "variables": {"region": {"default": "eu"}},
        }
    ],
    "security": [{"key": []}],
    "paths": {
        "/items": {
            "get": {
                "operationId": "listItems",
                "x-sdk-name": "items.list",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 10}},
                    {"name": "cursor", "in": "query", "schema": STRING},
                    {"name": "back", "in": "query", "schema": STRING},
                ],
                "x-pagination": {"next": "cursor", "prev": "back", "items": "items"},
                "responses": {"200": body(ref("ItemPage")), **ERROR},
            },
            "post": {
                "operationId": "createItem",
                "x-sdk-name": "items.create",
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("NewItem")}},
                },
                "responses": {"201": body(ref("Item")), **ERROR},
            },
        },
        "/items/{item_id}": {
            "get": {
                "operationId": "getItem",
                "x-sdk-name": "items.get",
                "parameters": [
                    {"name": "item_id", "in": "path", "required": True, "schema": STRING},
                    {"name": "fields", "in": "query", "schema": {"type": "array", "items": STRING}},
                ],
                "responses": {"200": body(ref("Item")), **ERROR},
            }
        },
        "/shops/{shop}/items/{item_id}": {
            "delete": {
                "operationId": "removeItem",
                "x-sdk-name": "shops.remove_item",
                "parameters": [
                    {"name": "shop", "in": "path", "required": True, "schema": STRING},
                    {"name": "item_id", "in": "path", "required": True, "schema": STRING},
                ],
                "responses": {"204": {"description": "Removed."}, **ERROR},
            }
        },
    },
    "components": {
        "securitySchemes": {
            "key": {
                "type": "apiKey",
                "in": "header",
                "name": "X-Key",
                "x-sdk-credentials": {"value": {"argument": "api_key", "env": "SHOP_KEY"}},
            }
        },
        "schemas": {
            "Item": {
                "type": "object",
                "required": ["id", "name", "status"],
                "properties": {
                    "id": STRING,
                    "name": STRING,
                    "price": {"type": "number"},
                    "status": ref("Status"),
                    "note": {"type": ["string", "null"]},
                    "size": ref("Size"),
                },
            },
            "NewItem": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": STRING,
                    "price": {"type": "number"},
                    "color": ref("Color"),
                    "size": ref("Size"),
                },
            },
            "ItemPage": {
                "type": "object",
                "required": ["items"],
                "properties": {
                    "items": {"type": "array", "items": ref("Item")},
                    "cursor": STRING,
                    "back": STRING,
                },
            },
            "Size": {"type": "object", "properties": {"width": {"type": "integer"}}},  # both ways
            "Status": {"type": "string", "enum": ["active", "sold"]},  # response only
            "Color": {"type": "string", "enum": ["red", "blue"]},  # request only
            "Error": {"type": "object", "required": ["message"], "properties": {"message": STRING}},
            "Tags": {"type": "array", "items": STRING},  # used nowhere: both ways
        },
    },
}

Edit = Callable[[dict[str, Any]], object]


def at(spec: dict[str, Any], *path: str | int) -> Any:
    node: Any = spec
    for part in path:
        node = node[part]
    return node


def set_(*path_and_value: Any) -> Edit:
    *path, value = path_and_value
    return lambda s: at(s, *path[:-1]).__setitem__(path[-1], copy.deepcopy(value))


def drop(*path: str | int) -> Edit:
    return lambda s: at(s, *path[:-1]).pop(path[-1])


def append(*path_and_value: Any) -> Edit:
    *path, value = path_and_value
    return lambda s: at(s, *path).append(copy.deepcopy(value))


def both(*edits: Edit) -> Edit:
    return lambda s: [e(s) for e in edits]


def item_prop(name: str, *rest: Any) -> tuple[Any, ...]:
    return ("components", "schemas", "Item", "properties", name, *rest)


def new_item_prop(name: str, *rest: Any) -> tuple[Any, ...]:
    return ("components", "schemas", "NewItem", "properties", name, *rest)


LIST = ("paths", "/items", "get")
GET = ("paths", "/items/{item_id}", "get")
CREATE = ("paths", "/items", "post")
SCHEMAS = ("components", "schemas")
SCHEMES = ("components", "securitySchemes")
KEY = (*SCHEMES, "key")
BASIC = {"type": "http", "scheme": "basic"}
OAUTH2 = {
    "type": "oauth2",
    "flows": {
        "clientCredentials": {
            "tokenUrl": "https://auth.shop.example/token",
            "scopes": {"read": "Read items."},
        }
    },
}
BINARY = {"type": "string", "format": "binary"}
Q = {"name": "q", "in": "query", "schema": STRING}

SPEC_EDITS: list[tuple[str, Edit, list[tuple[str, Level]]]] = [
    ("nothing", lambda s: None, []),
    ("description only", set_(*GET, "description", "Fetch one item."), []),
    ("method removed", drop("paths", "/items/{item_id}"), [("method-removed", B)]),
    (
        "method added",
        set_(
            "paths",
            "/items/{item_id}",
            "delete",
            {
                "operationId": "deleteItem",
                "x-sdk-name": "items.delete",
                "parameters": [
                    {"name": "item_id", "in": "path", "required": True, "schema": STRING}
                ],
                "responses": {"204": {"description": "Gone."}},
            },
        ),
        [("method-added", C)],
    ),
    (
        "method renamed (same route)",
        set_(*GET, "x-sdk-name", "items.fetch"),
        [("method-renamed", B)],
    ),
    (
        "route changed",
        lambda s: s["paths"].__setitem__("/products/{item_id}", s["paths"].pop("/items/{item_id}")),
        [("method-route-changed", P)],
    ),
    (
        "positional arguments reordered",
        lambda s: s["paths"].__setitem__(
            "/shops/{item_id}/items/{shop}", s["paths"].pop("/shops/{shop}/items/{item_id}")
        ),
        [("argument-moved", B), ("method-route-changed", P)],
    ),
    ("optional argument added", append(*LIST, "parameters", Q), [("argument-added", C)]),
    (
        "required argument added",
        append(*LIST, "parameters", {**Q, "required": True}),
        [("argument-added", B)],
    ),
    ("argument removed", drop(*LIST, "parameters", 0), [("argument-removed", B)]),
    (
        "argument became required",
        set_(*LIST, "parameters", 0, "required", True),
        [("argument-required", B)],
    ),
    (
        "body argument became optional (request model field too)",
        set_(*SCHEMAS, "NewItem", "required", []),
        [("argument-optional", C), ("field-optional", C)],
    ),
    (
        "argument widened (int → float)",
        set_(*LIST, "parameters", 0, "schema", "type", "number"),
        [("argument-type-changed", C)],
    ),
    (
        "argument narrowed (float → int), request model field too",
        set_(*new_item_prop("price"), {"type": "integer"}),
        [("argument-type-changed", B), ("field-type-changed", B)],
    ),
    (
        "argument narrowed to an enum",
        set_(*LIST, "parameters", 1, "schema", {"type": "string", "enum": ["a"]}),
        [("argument-type-changed", B), ("definition-added", C)],
    ),
    (
        "argument wire name changed",
        set_(*LIST, "parameters", 0, "name", "Limit"),
        [("argument-wire-changed", P)],
    ),
    (
        "argument's server default changed",
        set_(*LIST, "parameters", 0, "schema", "default", 20),
        [("argument-default-changed", P)],
    ),
    ("response field removed", drop(*item_prop("price")), [("field-removed", B)]),
    ("optional response field added", set_(*item_prop("colour"), STRING), [("field-added", C)]),
    (
        "response field became optional",
        set_(*SCHEMAS, "Item", "required", ["id", "status"]),
        [("field-optional", B)],
    ),
    (
        "response field became required",
        set_(*SCHEMAS, "Item", "required", ["id", "name", "status", "price"]),
        [("field-required", C)],
    ),
    (
        "response field widened",
        set_(*item_prop("id"), {"type": ["string", "integer"]}),
        [("field-type-changed", B)],
    ),
    (
        "response field narrowed (float → int)",
        set_(*item_prop("price"), {"type": "integer"}),
        [("field-type-changed", C)],
    ),
    # optional fields are `X | None` in Python whether or not the spec lets them be null
    ("optional response field no longer nullable", set_(*item_prop("note"), STRING), []),
    (
        "response field wire name changed",
        lambda s: at(s, *SCHEMAS, "Item", "properties").__setitem__(
            "Price", at(s, *SCHEMAS, "Item", "properties").pop("price")
        ),
        [("field-wire-changed", P)],
    ),
    (
        "required request field added",
        both(
            set_(*new_item_prop("sku"), STRING),
            set_(*SCHEMAS, "NewItem", "required", ["name", "sku"]),
        ),
        [("argument-added", B), ("field-added", B)],
    ),
    (
        "optional field added to a model used both ways",
        set_(*SCHEMAS, "Size", "properties", "height", {"type": "integer"}),
        [("field-added", C)],
    ),
    (
        "a field of a model used both ways widened",
        set_(*SCHEMAS, "Size", "properties", "width", {"type": "number"}),
        [("field-type-changed", B)],
    ),
    ("unused alias removed", drop(*SCHEMAS, "Tags"), [("definition-removed", B)]),
    (
        "model added",
        set_(*SCHEMAS, "Extra", {"type": "object", "properties": {"a": STRING}}),
        [("definition-added", C)],
    ),
    (
        "model renamed (same content)",
        lambda s: (
            at(s, *SCHEMAS).__setitem__("Problem", at(s, *SCHEMAS).pop("Error")),
            [
                op["responses"]["404"]["content"]["application/json"].__setitem__(
                    "schema", ref("Problem")
                )
                for path in s["paths"].values()
                for op in path.values()
            ],
        ),
        [("definition-renamed", B)],
    ),
    (
        "alias type narrowed (unused: both ways)",
        set_(*SCHEMAS, "Tags", "items", {"type": "string", "enum": ["x"]}),
        [("alias-type-changed", B), ("definition-added", C)],
    ),
    (
        "response enum value added",
        append(*SCHEMAS, "Status", "enum", "lost"),
        [("enum-value-added", C)],
    ),
    (
        "response enum value removed",
        set_(*SCHEMAS, "Status", "enum", ["active"]),
        [("enum-value-removed", B)],
    ),
    (
        "request enum value added",
        append(*SCHEMAS, "Color", "enum", "green"),
        [("enum-value-added", C)],
    ),
    (
        "request enum value removed",
        set_(*SCHEMAS, "Color", "enum", ["red"]),
        [("enum-value-removed", B)],
    ),
    (
        "model became an alias",
        set_(*SCHEMAS, "Size", {"type": "string"}),
        # the argument took the model's plain dict too (SizeParam), which a string is not
        [("definition-kind-changed", B), ("argument-type-changed", B)],
    ),
    (
        "return type changed",
        set_(*GET, "responses", "200", body(ref("ItemPage"))),
        [("return-type-changed", B)],
    ),
    ("pagination removed", drop(*LIST, "x-pagination"), [("pagination-removed", B)]),
    ("method deprecated", set_(*GET, "deprecated", True), [("method-deprecated", C)]),
    (
        "documented errors changed",
        set_(*GET, "responses", "409", body(ref("Error"), "Conflict.")),
        [("method-errors-changed", P)],
    ),
    (
        "success status changed",
        lambda s: at(s, *CREATE, "responses").__setitem__(
            "200", at(s, *CREATE, "responses").pop("201")
        ),
        [("method-status-changed", P)],
    ),
    (
        "server variable added (with a default)",
        both(
            set_("servers", 0, "url", "https://{region}.shop.example/{stage}"),
            set_("servers", 0, "variables", "stage", {"default": "v1"}),
        ),
        [("client-argument-added", C), ("server-changed", P)],
    ),
    (
        "server URL changed",
        set_("servers", 0, "url", "https://{region}.shop.example/v2"),
        [("server-changed", P)],
    ),
    (
        "credential's environment variable renamed",
        set_(*KEY, "x-sdk-credentials", "value", "env", "SHOP_API_KEY"),
        [("client-argument-env-removed", B)],
    ),
    (
        "server variable's default changed",
        set_("servers", 0, "variables", "region", "default", "us"),
        [("client-argument-default-changed", B)],
    ),
    ("auth header renamed", set_(*KEY, "name", "X-Api-Key"), [("auth-wire-changed", P)]),
    ("auth key sent as a cookie", set_(*KEY, "in", "cookie"), [("auth-wire-changed", P)]),
    (
        "credential added (a second scheme, both needed)",
        both(set_(*SCHEMES, "basic", BASIC), set_("security", [{"key": [], "basic": []}])),
        [
            ("auth-added", C),
            ("client-argument-added", B),
            ("client-argument-added", B),
            ("security-changed", B),
        ],
    ),
    (
        "alternative credentials (either scheme)",
        both(set_(*SCHEMES, "basic", BASIC), set_("security", [{"key": []}, {"basic": []}])),
        [
            ("auth-added", C),
            ("client-argument-added", C),  # chosen per call: every credential is optional
            ("client-argument-added", C),
            ("client-argument-optional", C),
            ("security-changed", C),
        ],
    ),
    (
        "no credentials at all",
        both(drop("security"), drop(*SCHEMES, "key")),
        [("auth-removed", B), ("client-argument-removed", B), ("security-changed", C)],
    ),
    (
        "operation needs no credentials",
        set_(*GET, "security", []),
        [("method-security-changed", C), ("client-argument-optional", C)],
    ),
    (
        "operation needs another scheme",
        both(set_(*SCHEMES, "basic", BASIC), set_(*GET, "security", [{"basic": []}])),
        [
            ("method-security-changed", B),
            ("auth-added", C),
            ("client-argument-added", C),
            ("client-argument-added", C),
            ("client-argument-optional", C),
        ],
    ),
    (
        "operation takes either scheme",
        both(set_(*SCHEMES, "basic", BASIC), set_(*GET, "security", [{"key": []}, {"basic": []}])),
        [
            ("method-security-changed", C),
            ("auth-added", C),
            ("client-argument-added", C),
            ("client-argument-added", C),
            ("client-argument-optional", C),
        ],
    ),
    (
        "OAuth 2.0 client credentials instead of a key",
        set_(*KEY, OAUTH2),
        [
            ("auth-changed", B),
            ("client-argument-removed", B),
            ("client-argument-added", C),
            ("client-argument-added", C),
            ("client-argument-added", C),
            ("client-argument-added", C),
        ],
    ),
    (
        "OAuth 2.0 scopes asked for",
        both(set_(*KEY, OAUTH2), set_("security", [{"key": ["read"]}])),
        [
            ("auth-changed", B),
            ("client-argument-removed", B),
            ("client-argument-added", C),
            ("client-argument-added", C),
            ("client-argument-added", C),
            ("client-argument-added", C),
            ("security-changed", P),
        ],
    ),
    (
        "cookie argument added",
        append(*LIST, "parameters", {"name": "session", "in": "cookie", "schema": STRING}),
        [("argument-added", C)],
    ),
    (
        "argument now sent as a cookie",
        set_(*GET, "parameters", 1, "in", "cookie"),
        [("argument-wire-changed", P)],
    ),
    (
        "argument serialised in another style",
        set_(*GET, "parameters", 1, "explode", False),
        [("argument-style-changed", P)],
    ),
    (
        "body sent as a form",
        lambda s: at(s, *CREATE, "requestBody", "content").__setitem__(
            "application/x-www-form-urlencoded",
            at(s, *CREATE, "requestBody", "content").pop("application/json"),
        ),
        [("body-kind-changed", P)],
    ),
    (
        "body also taken as multipart",
        set_(*CREATE, "requestBody", "content", "multipart/form-data", {"schema": ref("NewItem")}),
        [("argument-added", C), ("body-media-types-changed", P)],
    ),
    (
        "answer now a binary stream",
        set_(*GET, "responses", "200", "content", {"application/pdf": {"schema": BINARY}}),
        [("return-stream-changed", B)],
    ),
    (
        "answer now an event stream",
        set_(*GET, "responses", "200", "content", {"text/event-stream": {"schema": ref("Item")}}),
        [("return-stream-changed", B)],
    ),
    (
        "another success type",
        set_(*CREATE, "responses", "202", body(ref("ItemPage"))),
        [("return-type-changed", B), ("response-types-changed", P)],
    ),
    (
        "distribution renamed",
        set_("info", "x-sdk", "distribution", "shop-client"),
        [("distribution-renamed", B)],
    ),
    (
        "client class renamed",
        set_("info", "x-sdk", "client", "StoreClient"),
        [("client-renamed", B)],
    ),
    (
        "resource removed",
        drop("paths", "/shops/{shop}/items/{item_id}"),
        [("method-removed", B), ("resource-removed", B)],
    ),
    (
        "resource added",
        set_(
            "paths",
            "/orders",
            {
                "get": {
                    "operationId": "listOrders",
                    "x-sdk-name": "orders.list",
                    "responses": {"204": {"description": "None."}},
                }
            },
        ),
        [("method-added", C), ("resource-added", C)],
    ),
    (
        "webhook validator added",
        set_(
            "info",
            "x-sdk-webhook-signature",
            {"algorithm": "hmac-sha256-hex", "header": "X-Sig", "validator": "ShopSignature"},
        ),
        [("helper-added", C)],
    ),
]


def api_surface(spec: dict[str, Any]) -> Surface:
    return surface.surface(parse(LoadedSpec(Path("shop.yaml"), spec, {}, ())))


OLD = api_surface(BASE)


@pytest.mark.parametrize(
    ("edit", "expected"), [(e, x) for _, e, x in SPEC_EDITS], ids=[n for n, _, _ in SPEC_EDITS]
)
def test_spec_edit_is_classified(edit: Edit, expected: list[tuple[str, Level]]) -> None:
    spec = copy.deepcopy(BASE)
    edit(spec)
    changes = compare(OLD, api_surface(spec))
    assert sorted((c.kind, c.level) for c in changes) == sorted(expected), "\n".join(
        map(str, changes)
    )


def test_reports_are_words_about_code() -> None:
    spec = copy.deepcopy(BASE)
    set_(*SCHEMAS, "Item", "required", ["id", "status"])(spec)
    drop(*LIST, "parameters", 0)(spec)
    assert [(c.level.word, str(c)) for c in compare(OLD, api_surface(spec))] == [
        ("breaking", "`Item`: field `name` is now optional (may be absent)"),
        ("breaking", "`client.items.list()`: argument `limit` removed"),
    ]


# ----------------------------------------------------------------------------- surface edits


def method(s: Surface, key: str) -> surface.Method:
    return next(m for m in s.methods if m.key == key)


def definition(s: Surface, name: str) -> surface.Definition:
    return next(d for d in s.definitions if d.name == name)


def with_method(s: Surface, key: str, **changes: Any) -> Surface:
    return replace(
        s, methods=tuple(replace(m, **changes) if m.key == key else m for m in s.methods)
    )


def with_definition(s: Surface, name: str, new: surface.Definition) -> Surface:
    return replace(s, definitions=tuple(new if d.name == name else d for d in s.definitions))


def with_argument(s: Surface, key: str, argument: str, **changes: Any) -> Surface:
    m = method(s, key)
    args = tuple(replace(a, **changes) if a.name == argument else a for a in m.arguments)
    return with_method(s, key, arguments=args)


def with_field(s: Surface, model: str, field: str, **changes: Any) -> Surface:
    d = definition(s, model)
    assert isinstance(d, surface.ModelDef)
    fields = tuple(replace(f, **changes) if f.name == field else f for f in d.fields)
    return with_definition(s, model, replace(d, fields=fields))


def with_def(s: Surface, which: str, **changes: Any) -> Surface:
    return with_definition(s, which, replace(definition(s, which), **changes))


def client_arg(s: Surface, name: str, **changes: Any) -> Surface:
    return replace(
        s, arguments=tuple(replace(a, **changes) if a.name == name else a for a in s.arguments)
    )


ATTRIBUTE = surface.ClientAttribute("store_id", None)
HELPER = surface.Extra(
    "verify",
    "webhook-check",
    (("algorithm", "hmac-sha256-hex"), ("header", "X-Sig"), ("secret", "api_key")),
)
# A surface with the parts the spec above does not have, to take away or change.
RICH = replace(OLD, attributes=(ATTRIBUTE,), extras=(HELPER,))
ITEM = "items.get"

CREATE_KEY = "items.create"
MULTIPART_BODY = surface.BodyShape("multipart", ("multipart/form-data",), ())
MULTIPART = with_method(OLD, CREATE_KEY, body=MULTIPART_BODY)
BY_STATUS = with_method(
    OLD,
    ITEM,
    returns=union([Ref("Item"), Ref("ItemPage")]),
    responses=((200, Ref("Item")), (202, Ref("ItemPage"))),
)
EVENTS = with_method(OLD, ITEM, stream="events")


def oauth2_part(scopes: str) -> surface.Auth:
    roles = (("client_id", "client_id"), ("client_secret", "client_secret"), ("token", "token"))
    return surface.Auth("oauth2", "key", tuple(sorted((*roles, ("scopes", scopes)))))


OAUTH2_PART = oauth2_part("read")

SURFACE_EDITS: list[tuple[str, Surface, Surface, list[tuple[str, Level]]]] = [
    (
        "argument renamed (same wire name)",
        OLD,
        with_argument(OLD, ITEM, "item_id", name="id"),
        [("argument-renamed", B)],
    ),
    (
        "argument became keyword-only",
        OLD,
        with_argument(OLD, ITEM, "item_id", positional=False),
        [("argument-moved", B)],
    ),
    (
        "field renamed (same wire name)",
        OLD,
        with_field(OLD, "Item", "price", name="cost"),
        [("field-renamed", B)],
    ),
    (
        "enum member renamed (same value)",
        OLD,
        with_def(OLD, "Status", values=(("ACTIVE", "active"), ("GONE", "sold"))),
        [("enum-member-renamed", B)],
    ),
    ("enum base changed", OLD, with_def(OLD, "Status", base="int"), [("enum-base-changed", B)]),
    (
        "enum literal alias renamed",
        OLD,
        with_def(OLD, "Status", literal="StatusValues"),
        [("enum-literal-renamed", B)],
    ),
    (
        "definition module changed",
        OLD,
        with_def(OLD, "Status", module="_other"),
        [("definition-module-changed", P)],
    ),
    (
        "definition wire name changed",
        OLD,
        with_def(OLD, "Status", wire="ItemStatus"),
        [("definition-wire-changed", P)],
    ),
    (
        "additional properties allowed",
        OLD,
        with_def(OLD, "Size", extra=STR),
        [("additional-properties-changed", P)],
    ),
    (
        "return type narrowed",
        with_method(OLD, ITEM, returns=union([Ref("Item"), NONE])),
        OLD,
        [("return-type-changed", C)],
    ),
    (
        "return type widened",
        OLD,
        with_method(OLD, ITEM, returns=union([Ref("Item"), NONE])),
        [("return-type-changed", B)],
    ),
    (
        "return type written differently (same values)",
        with_method(OLD, ITEM, returns=union([INT, FLOAT])),
        with_method(OLD, ITEM, returns=FLOAT),
        [("return-type-changed", P)],
    ),
    (
        "pagination methods renamed",
        OLD,
        with_method(
            OLD,
            "items.list",
            pagination=replace(method(OLD, "items.list").pagination, pages="pages"),
        ),  # type: ignore[type-var]
        [("pagination-renamed", B)],
    ),
    (
        "page item widened",
        OLD,
        with_method(
            OLD, "items.list", pagination=replace(method(OLD, "items.list").pagination, item=ANY)
        ),  # type: ignore[type-var]
        [("pagination-item-changed", B)],
    ),
    (
        "pagination added",
        with_method(OLD, "items.list", pagination=None),
        OLD,
        [("pagination-added", C)],
    ),
    (
        "no longer deprecated",
        with_method(OLD, ITEM, deprecated=True),
        OLD,
        [("method-undeprecated", P)],
    ),
    (
        "resource class renamed",
        OLD,
        replace(
            OLD,
            resources=tuple(replace(r, class_name="X") for r in OLD.resources if r.key == "items")
            + tuple(r for r in OLD.resources if r.key != "items"),
        ),
        [("resource-class-renamed", B)],
    ),
    (
        "client argument removed",
        OLD,
        replace(OLD, arguments=tuple(a for a in OLD.arguments if a.name != "region")),
        [("client-argument-removed", B)],
    ),
    (
        "client argument became required",
        OLD,
        client_arg(OLD, "region", required=True, default=None),
        [("client-argument-required", B)],
    ),
    (
        "client argument became optional",
        OLD,
        client_arg(OLD, "api_key", required=False, default="x"),
        [("client-argument-optional", C)],
    ),
    (
        "client argument reads an environment variable",
        OLD,
        client_arg(OLD, "region", env="SHOP_REGION"),
        [("client-argument-env-added", C)],
    ),
    ("client attribute added", OLD, RICH, [("client-attribute-added", C), ("helper-added", C)]),
    (
        "client attribute removed",
        RICH,
        replace(RICH, attributes=()),
        [("client-attribute-removed", B)],
    ),
    (
        "client attribute's default changed",
        RICH,
        replace(RICH, attributes=(replace(ATTRIBUTE, default_from="api_key"),)),
        [("client-attribute-default-changed", B)],
    ),
    ("client helper removed", RICH, replace(RICH, extras=()), [("helper-removed", B)]),
    (
        "client helper changed",
        RICH,
        replace(
            RICH, extras=(replace(HELPER, details=(("algorithm", "twilio"), ("header", "X-Sig"))),)
        ),
        [("helper-changed", P)],
    ),
    ("error model changed", OLD, replace(OLD, error_model=None), [("error-model-changed", B)]),
    (
        "a body argument now sent as a file part",
        MULTIPART,
        with_method(MULTIPART, CREATE_KEY, body=replace(MULTIPART_BODY, files=("name",))),
        [("body-files-changed", P)],
    ),
    (
        "answers by status swapped (same union)",
        BY_STATUS,
        with_method(BY_STATUS, ITEM, responses=((200, Ref("ItemPage")), (202, Ref("Item")))),
        [("response-types-changed", P)],
    ),
    (
        "event type widened",
        EVENTS,
        with_method(EVENTS, ITEM, returns=union([Ref("Item"), NONE])),
        [("return-type-changed", B)],
    ),
    (
        "event type narrowed",
        with_method(EVENTS, ITEM, returns=union([Ref("Item"), NONE])),
        EVENTS,
        [("return-type-changed", C)],
    ),
    (
        "OAuth 2.0 scopes changed",
        replace(OLD, auth=(OAUTH2_PART,)),
        replace(OLD, auth=(oauth2_part("read write"),)),
        [("auth-scopes-changed", P)],
    ),
    (
        "operation asks for other scopes",
        with_method(OLD, ITEM, security=((("key", ("read",)),),)),
        with_method(OLD, ITEM, security=((("key", ("write",)),),)),
        [("method-security-changed", P)],
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [(o, n, x) for _, o, n, x in SURFACE_EDITS],
    ids=[name for name, _, _, _ in SURFACE_EDITS],
)
def test_surface_edit_is_classified(
    old: Surface, new: Surface, expected: list[tuple[str, Level]]
) -> None:
    changes = compare(old, new)
    assert sorted((c.kind, c.level) for c in changes) == sorted(expected), "\n".join(
        map(str, changes)
    )


def test_every_kind_is_in_a_table() -> None:
    covered = {kind for _, _, expected in SPEC_EDITS for kind, _ in expected}
    covered |= {kind for _, _, _, expected in SURFACE_EDITS for kind, _ in expected}
    assert covered == set(RULES) | set(VARIANT_KINDS)


def test_fixed_kinds_keep_their_level() -> None:
    rows = [x for _, _, x in SPEC_EDITS] + [x for _, _, _, x in SURFACE_EDITS]
    for kind, level in (pair for row in rows for pair in row):
        if kind in RULES:
            assert level == RULES[kind], kind


def test_renamed_model_is_one_change_not_a_cascade() -> None:
    """Return types and fields naming a renamed model are compared as the new name."""
    spec = copy.deepcopy(BASE)
    at(spec, *SCHEMAS).__setitem__("Product", at(spec, *SCHEMAS).pop("Item"))
    for op in (GET, CREATE):
        at(spec, *op, "responses", "200" if op == GET else "201")["content"]["application/json"][
            "schema"
        ] = ref("Product")
    at(spec, *SCHEMAS, "ItemPage", "properties", "items")["items"] = ref("Product")
    assert [str(c) for c in compare(OLD, api_surface(spec))] == [
        "`Item`: model renamed to `Product`"
    ]


def test_spec_text_cannot_break_a_report_line() -> None:
    """Enum values are spec text: a newline or backtick in one is quoted, not printed raw."""
    spec = copy.deepcopy(BASE)
    append(*SCHEMAS, "Status", "enum", "a`b\n## 9.9.9")(spec)
    (change,) = compare(OLD, api_surface(spec))
    assert "\n" not in str(change) and str(change).count("`") % 2 == 0
    assert '"a\\u0060b\\n## 9.9.9"' in str(change)


HOSTILE = "x`\n## 9.9.9"
HOSTILE_EDITS = [
    (
        "a media type",
        set_(
            *CREATE,
            "requestBody",
            "content",
            f"application/{HOSTILE}+json",
            {"schema": ref("NewItem")},
        ),
    ),
    ("a scope", set_("security", [{"key": [HOSTILE]}])),
    ("a scheme name", lambda s: at(s, *SCHEMES).__setitem__(HOSTILE, at(s, *SCHEMES).pop("key"))),
]


@pytest.mark.parametrize("edit", [e for _, e in HOSTILE_EDITS], ids=[n for n, _ in HOSTILE_EDITS])
def test_spec_text_in_security_and_bodies_cannot_break_a_report_line(edit: Edit) -> None:
    spec = copy.deepcopy(BASE)
    edit(spec)
    if "security" in spec and HOSTILE in at(spec, *SCHEMES):
        spec["security"] = [{HOSTILE: []}]
    changes = compare(OLD, api_surface(spec))
    assert changes
    for change in changes:
        assert "\n" not in str(change) and str(change).count("`") % 2 == 0, str(change)


# ------------------------------------------------------------------------------------ type order

ENV = TypeEnv(OLD)  # Status (str enum), Color, Tags (an alias of list[str]), models

SUBTYPES: list[tuple[Type, Type, bool]] = [
    (STR, STR, True),
    (STR, union([STR, NONE]), True),
    (union([STR, NONE]), STR, False),
    (INT, FLOAT, True),
    (FLOAT, INT, False),
    (BOOL, INT, False),
    (STR, ANY, True),
    (ANY, STR, False),
    (INT, Builtin("object"), True),
    (LiteralOf(("a",)), STR, True),
    (LiteralOf(("a",)), LiteralOf(("a", "b")), True),
    (LiteralOf(("a", "b")), LiteralOf(("a",)), False),
    (LiteralOf((True,)), LiteralOf((1,)), False),
    (LiteralOf((1,)), FLOAT, True),
    (STR, LiteralOf(("a",)), False),
    (Ref("Status"), STR, True),  # a str enum's members are strings
    (STR, Ref("Status"), False),
    (Ref("StatusLiteral"), STR, True),
    (Ref("StatusLiteral"), union([Ref("Status"), Ref("StatusLiteral")]), True),
    (LiteralOf(("sold",)), Ref("StatusLiteral"), True),
    (LiteralOf(("gone",)), Ref("StatusLiteral"), False),
    (Ref("Tags"), ListOf(STR), True),  # an alias is what it stands for
    (ListOf(STR), Ref("Tags"), True),
    (Ref("Item"), Ref("Item"), True),
    (Ref("Item"), Ref("NewItem"), False),
    (Ref("Item"), STR, False),
    (ListOf(INT), ListOf(FLOAT), True),
    (ListOf(FLOAT), ListOf(INT), False),
    (MapOf(STR), MapOf(STR, abstract=True), True),  # a dict is a Mapping
    (MapOf(STR, abstract=True), MapOf(STR), False),
    (ListOf(STR), ListOf(STR, abstract=True), True),  # a list is a Sequence
    (ListOf(STR, abstract=True), ListOf(STR), False),
    (ListOf(Ref("Item")), ListOf(union([Ref("Item"), Ref("ItemParam")]), abstract=True), True),
    (Tagged(("Item",), "kind", (("i", "Item"),)), union([Ref("Item"), Ref("NewItem")]), True),
    (Ref("Item"), Tagged(("Item", "NewItem"), "kind", ()), True),
    (DATETIME, STR, False),
    (NONE, union([STR, NONE]), True),
]


@pytest.mark.parametrize(
    ("a", "b", "expected"), SUBTYPES, ids=lambda v: repr(v) if isinstance(v, bool) else None
)
def test_subtype(a: Type, b: Type, expected: bool) -> None:
    assert subtype(a, ENV, b, ENV) is expected


def test_a_recursive_alias_is_undecided_not_a_crash() -> None:
    loop = replace(
        OLD, definitions=(surface.AliasDef("Loop", "Loop", "_loop", union([Ref("Loop"), INT])),)
    )
    env = TypeEnv(loop)
    assert subtype(Ref("Loop"), env, STR, env) is False


KEY_ONLY = ((("key", ()),),)
BASIC_ONLY = ((("basic", ()),),)
SECURITY_LEVELS = [
    ("an alternative added", KEY_ONLY, KEY_ONLY + BASIC_ONLY, C),
    ("an alternative removed", KEY_ONLY + BASIC_ONLY, BASIC_ONLY, B),
    ("another scheme instead", KEY_ONLY, BASIC_ONLY, B),
    ("a second scheme needed too", KEY_ONLY, ((("basic", ()), ("key", ())),), B),
    ("one scheme fewer needed", ((("basic", ()), ("key", ())),), KEY_ONLY, C),
    ("credentials needed where none were", (), KEY_ONLY, B),
    ("`security: []` is no credentials", (), ((),), P),
    ("no credentials needed any more", KEY_ONLY, (), C),
    ("only the scopes changed", ((("key", ("read",)),),), ((("key", ("write",)),),), P),
    ("the alternatives reordered", KEY_ONLY + BASIC_ONLY, BASIC_ONLY + KEY_ONLY, P),
]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [(o, n, x) for _, o, n, x in SECURITY_LEVELS],
    ids=[name for name, _, _, _ in SECURITY_LEVELS],
)
def test_security_level(old: Any, new: Any, expected: Level) -> None:
    assert security_level(old, new) == expected
