"""The generated Stream Video client (``generated/stream_video``) driven over real HTTP.

Every call goes to ``generator.mock.MockServer`` serving ``specs/stream_video.yaml``: the mock
validates each request against the spec (openapi-core) and records it, so the assertions here are
about what actually went over the wire, not about what the client meant to send.

* ``test_operation``: all 67 operations, sync and async, built table-driven from the spec (path
  parameters, query parameters, request-body examples, 200 schema and example), never by hand.
* Pagination of the 7 ``x-pagination`` operations: ``*_all``, ``*_pages().pages()``, resuming
  from a saved position, walking backwards.
* JWT minting and renewal under a fake clock; environment fallbacks; missing credentials.
* Tolerance of unknown enum values and unknown fields; typed errors; retries; explicit ``None``.

Needs the generated package installed: ``pip install --no-deps -e generated/stream_video``.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import hmac
import inspect
import json
import keyword
import re
import sys
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the generator package, when not installed
    sys.path.insert(0, str(ROOT))

from stream_video import (  # noqa: E402
    AsyncVideoClient,
    ConfigurationError,
    NotFoundError,
    RateLimitError,
    RequestValidationError,
    RetryConfig,
    VideoClient,
)
from stream_video.models import APIError  # noqa: E402

from generator.load import load_spec  # noqa: E402
from generator.mock import MockServer, RecordedRequest, Scripted  # noqa: E402

SPEC_PATH = ROOT / "specs" / "stream_video.yaml"
SPEC: dict[str, Any] = load_spec(SPEC_PATH).data

API_KEY = "key123"
API_SECRET = "s3cr3t"
JWT_TTL = 3600  # what VideoClient passes to JwtServerAuth
JWT_LEEWAY = 30  # JwtServerAuth's default: iat is minted this far in the past (clock skew)
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
MODES = ("sync", "async")


# ------------------------------------------------------------------------------------------------
# The spec, as a table of operations


def resolve(node: Any) -> Any:
    """Follow local ``$ref``s of the bundled spec (``#/components/...``)."""
    for _ in range(32):
        if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
            return node
        target: Any = SPEC
        for raw in node["$ref"].removeprefix("#/").split("/"):
            target = target[raw.replace("~1", "/").replace("~0", "~")]
        node = target
    raise AssertionError("$ref chain too long")


def first_example(media: Mapping[str, Any]) -> Any:
    """A media type's ``example``, else the value of its first ``examples`` entry."""
    if "example" in media:
        return media["example"]
    examples = media.get("examples") or {}
    for entry in examples.values():
        return resolve(entry)["value"]
    return None


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # the template under `paths`
    sdk_name: str  # x-sdk-name: "calls.members.query"
    path_params: tuple[Mapping[str, Any], ...]  # in the order they appear in the path
    query_params: tuple[Mapping[str, Any], ...]
    body_schema: Mapping[str, Any] | None
    body_example: Mapping[str, Any] | None
    response_schema: str  # name of the 200 schema under components/schemas
    response_example: Any
    pagination: Mapping[str, str] | None
    idempotent: bool

    def __str__(self) -> str:
        return self.operation_id


def _operations() -> list[Operation]:
    ops = []
    for template, item in SPEC["paths"].items():
        item = resolve(item)
        shared = [resolve(p) for p in item.get("parameters", [])]
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = resolve(item[method])
            params = {(p["name"], p["in"]): p for p in shared}
            params.update({(p["name"], p["in"]): p for p in map(resolve, op.get("parameters", []))})
            by_name = {name: p for (name, where), p in params.items() if where == "path"}
            order = re.findall(r"\{([^{}]+)\}", template)
            body_schema = body_example = None
            if "requestBody" in op:
                media = resolve(op["requestBody"])["content"]["application/json"]
                body_schema = resolve(media["schema"])
                body_example = first_example(media)
            ok = resolve(op["responses"]["200"])["content"]["application/json"]
            ref = ok["schema"]["$ref"]
            assert ref.startswith("#/components/schemas/"), ref
            ops.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    path=template,
                    sdk_name=op["x-sdk-name"],
                    path_params=tuple(by_name[name] for name in order),
                    query_params=tuple(p for (_, where), p in params.items() if where == "query"),
                    body_schema=body_schema,
                    body_example=body_example,
                    response_schema=ref.rsplit("/", 1)[1],
                    response_example=first_example(ok),
                    pagination=op.get("x-pagination"),
                    idempotent=method in ("get", "put", "delete")
                    or bool(op.get("x-sdk-idempotent")),
                )
            )
    return ops


OPERATIONS = _operations()
BY_ID = {op.operation_id: op for op in OPERATIONS}
PAGINATED = [op for op in OPERATIONS if op.pagination]


def test_the_table_covers_the_whole_spec() -> None:
    assert len(OPERATIONS) == 67
    assert len(BY_ID) == 67
    assert len(PAGINATED) == 7
    assert all(op.response_example is not None for op in OPERATIONS)


# ------------------------------------------------------------------------------------------------
# Arguments synthesised from the spec


def synthesise(schema: Any, name: str, depth: int = 0) -> Any:
    """A value for ``schema``: its example/enum if any, else one by type."""
    schema = resolve(schema)
    for key in ("const", "example", "default"):
        if key in schema:
            return copy.deepcopy(schema[key])
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("oneOf", "anyOf", "allOf"):
        if schema.get(key):
            return synthesise(schema[key][0], name, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next(k for k in kind if k != "null")
    if kind == "string":
        return f"{name}-value"
    if kind == "integer":
        return max(int(schema.get("minimum", 0)), min(3, int(schema.get("maximum", 3))))
    if kind == "number":
        return 2.5
    if kind == "boolean":
        return True
    if kind == "array":  # two items, so that `explode` (repeat vs comma-join) shows
        item = synthesise(schema.get("items", {}), name, depth + 1)
        return [item, f"{item}-2" if isinstance(item, str) else copy.deepcopy(item)]
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        required = schema.get("required", [])
        if not required and not props:
            return {f"{name}_key": "value"}
        return {p: synthesise(props[p], p, depth + 1) for p in required}
    return f"{name}-value"


def query_param_value(param: Mapping[str, Any]) -> Any:
    if "example" in param:
        return copy.deepcopy(param["example"])
    if "schema" in param:
        return synthesise(param["schema"], param["name"])
    (media,) = param["content"].values()
    schema = resolve(media["schema"])
    if schema.get("type") == "array":  # e.g. sort: [SortParamRequest]
        return [{"field": "created_at", "direction": -1}]
    return {"user_id": {"$eq": "john"}}


def path_value(param: Mapping[str, Any]) -> str:
    """The parameter's example plus characters that must be percent-encoded in one segment."""
    return f"{param.get('example', param['name'])} x/%ü"


def snake(name: str) -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"[^0-9a-zA-Z]+", "_", name).strip("_").lower()


def arg_name(wire: str, signature: inspect.Signature, taken: set[str]) -> str:
    """The Python argument a wire name became: snake_case, ``_`` after a keyword, ``_2`` after
    a collision with a path parameter. Fails if the generated signature has none of them."""
    base = snake(wire)
    candidates = [base + "_"] if keyword.iskeyword(base) else [base]
    candidates.append(base + "_2")
    for candidate in candidates:
        if candidate in signature.parameters and candidate not in taken:
            return candidate
    raise AssertionError(f"no argument for wire name {wire!r} in {signature}")


@dataclass
class Call:
    """One invocation of an operation and what the mock should see for it."""

    op: Operation
    args: list[str]  # positional: path parameters
    kwargs: dict[str, Any]  # Python argument names
    query: dict[str, Any]  # wire name -> value passed
    body: dict[str, Any] | None  # wire name -> value passed (None: no body expected)

    @property
    def expected_path(self) -> str:
        values = iter(self.args)
        return re.sub(r"\{[^{}]+\}", lambda _: quote(next(values), safe=""), self.op.path)


def method_of(root: Any, dotted: str) -> Any:
    target = root
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


def build_call(op: Operation, client: Any, *, optional_query: bool = True) -> Call:
    """Arguments for ``op`` derived from the spec, named after the generated signature."""
    signature = inspect.signature(method_of(client, op.sdk_name))
    positional = [
        p.name
        for p in signature.parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    assert positional == [snake(p["name"]) for p in op.path_params], (positional, op.path)
    args = [path_value(p) for p in op.path_params]
    taken = set(positional)
    kwargs: dict[str, Any] = {}
    query: dict[str, Any] = {}
    cursors = set(op.pagination.values()) if op.pagination else set()
    for param in op.query_params:
        wanted = param.get("required") or (optional_query and param["name"] not in cursors)
        if wanted:
            value = query_param_value(param)
            query[param["name"]] = value
            python = arg_name(param["name"], signature, taken)
            taken.add(python)
            kwargs[python] = value
    body: dict[str, Any] | None = None
    if op.body_schema is not None:
        body = copy.deepcopy(dict(op.body_example or {}))
        props = op.body_schema.get("properties", {})
        for field_name in op.body_schema.get("required", []):
            body.setdefault(field_name, synthesise(props[field_name], field_name))
        for wire, value in body.items():
            python = arg_name(wire, signature, taken)
            taken.add(python)
            kwargs[python] = copy.deepcopy(value)
    return Call(op, args, kwargs, query, body)


# ------------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def _server() -> Any:
    server = MockServer(SPEC).start()
    yield server
    server.stop()


@pytest.fixture
def mock(_server: MockServer) -> Any:
    _server.clear()
    yield _server
    _server.clear()


class Sleeps(list[float]):
    """RetryConfig hooks that record the delays instead of waiting."""

    def sleep(self, seconds: float) -> None:
        self.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@contextlib.asynccontextmanager
async def open_client(
    mode: str, mock: MockServer, sleeps: Sleeps | None = None, **overrides: Any
) -> AsyncIterator[Any]:
    sleeps = Sleeps() if sleeps is None else sleeps
    options: dict[str, Any] = {
        "api_key": API_KEY,
        "api_secret": API_SECRET,
        "base_url": mock.url,
        "retry": RetryConfig(sleep=sleeps.sleep, async_sleep=sleeps.async_sleep),
    }
    options.update(overrides)
    if mode == "sync":
        with VideoClient(**options) as client:
            yield client
    else:
        async with AsyncVideoClient(**options) as client:
            yield client


async def invoke(mode: str, client: Any, dotted: str, *args: Any, **kwargs: Any) -> Any:
    result = method_of(client, dotted)(*args, **kwargs)
    return await result if mode == "async" else result


def requests_for(mock: MockServer, operation_id: str) -> list[RecordedRequest]:
    return [r for r in mock.requests if r.operation_id == operation_id]


def only_request(mock: MockServer) -> RecordedRequest:
    assert len(mock.requests) == 1, [(r.method, r.path) for r in mock.requests]
    (record,) = mock.requests
    assert record.valid is True, record.errors
    return record


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_jwt(token: str, secret: str) -> dict[str, Any]:
    """The payload of an HS256 JWT, after checking its header and signature."""
    header_b64, payload_b64, signature_b64 = token.split(".")
    assert json.loads(_b64url(header_b64)) == {"alg": "HS256", "typ": "JWT"}
    expected = hmac.new(
        secret.encode(), f"{header_b64}.{payload_b64}".encode(), hashlib.sha256
    ).digest()
    assert hmac.compare_digest(_b64url(signature_b64), expected), "bad JWT signature"
    payload: dict[str, Any] = json.loads(_b64url(payload_b64))
    return payload


def bearer(record: RecordedRequest) -> str:
    scheme, _, token = record.headers["Authorization"].partition(" ")
    assert scheme == "Bearer", record.headers["Authorization"]
    return token


def assert_server_jwt(
    record: RecordedRequest, *, secret: str = API_SECRET, around: float | None = None
) -> dict[str, Any]:
    payload = verify_jwt(bearer(record), secret)
    assert payload["server"] is True
    assert isinstance(payload["iat"], int) and isinstance(payload["exp"], int)
    assert payload["exp"] - payload["iat"] == JWT_TTL  # short-lived: one hour
    if around is not None:
        assert abs(payload["iat"] - (around - JWT_LEEWAY)) <= 5
    assert set(payload) == {"iat", "exp", "server"}
    return payload


def query_text(param: Mapping[str, Any], value: Any) -> list[str]:
    """What a query parameter should look like on the wire (one string per occurrence)."""
    if "content" in param:
        return [json.dumps(value, separators=(",", ":"))]

    def one(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v)

    if isinstance(value, list):
        explode = param.get("explode", param.get("style", "form") == "form")
        return [one(v) for v in value] if explode else [",".join(one(v) for v in value)]
    return [one(value)]


def assert_query(record: RecordedRequest, call: Call, *, api_key: str = API_KEY) -> None:
    """The query holds the API key and exactly the query arguments passed, each encoded as the
    spec says (JSON-encoded `content` parameters compare as JSON, not as text)."""
    params = {p["name"]: p for p in call.op.query_params}
    expected = [("api_key", api_key)]
    for name, value in call.query.items():
        expected += [(name, text) for text in query_text(params[name], value)]

    def normalise(pairs: Any) -> list[tuple[str, Any]]:
        decoded = [(k, json.loads(v) if "content" in params.get(k, {}) else v) for k, v in pairs]
        return sorted(decoded, key=repr)

    assert normalise(record.query) == normalise(expected), (record.query, expected)


# ------------------------------------------------------------------------------------------------
# 1. Every operation, sync and async


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("op", OPERATIONS, ids=str)
async def test_operation(op: Operation, mode: str, mock: MockServer) -> None:
    async with open_client(mode, mock) as client:
        call = build_call(op, client)
        started = time.time()
        result = await invoke(mode, client, op.sdk_name, *call.args, **call.kwargs)

    record = only_request(mock)
    assert record.operation_id == op.operation_id
    assert record.method == op.method
    assert record.path == call.expected_path
    assert_query(record, call)
    # credentials: a fresh server-side JWT, the auth type header, the API key (above)
    assert_server_jwt(record, around=started)
    assert record.headers["stream-auth-type"] == "jwt"
    # body: exactly the fields passed, by wire name; nothing at all without a request body
    if call.body is None:
        assert record.body == b""
        assert "Content-Type" not in record.headers
    else:
        assert record.headers["Content-Type"] == "application/json"
        assert record.json == call.body
    # response: the 200 schema's model, holding the 200 example, dumped back to exactly the
    # example (ints stay ints in `number` fields); nothing is normalised.
    assert type(result).__name__ == op.response_schema
    dumped = result.model_dump(by_alias=True, exclude_unset=True, mode="json")
    expected = copy.deepcopy(op.response_example)
    if op.pagination:  # the mock serves page 1 of its pages: its own cursors, not the example's
        next_key, prev_key = op.pagination["next"], op.pagination["prev"]
        assert dumped.pop(next_key) == "mock-page-2" and prev_key not in dumped
        expected.pop(next_key, None)
        expected.pop(prev_key, None)
    assert dumped == expected


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_dot_segments_stay_inside_their_segment(mode: str, mock: MockServer) -> None:
    async with open_client(mode, mock) as client:
        await invoke(mode, client, "calls.recordings.delete", "default", "..", ".", "a/../b")
    record = only_request(mock)
    assert record.operation_id == "DeleteRecording"
    assert record.path == "/api/v2/video/call/default/%2E%2E/%2E/recordings/a%2F..%2Fb"


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_a_ready_token_is_sent_as_is(mode: str, mock: MockServer) -> None:
    token = "eyJhbGciOiJIUzI1NiJ9.ready-made.token"
    async with open_client(mode, mock, token=token, api_secret=None) as client:
        await invoke(mode, client, "calls.get", "default", "my-call")
        await invoke(mode, client, "edges.list")
    assert [r.headers["Authorization"] for r in mock.requests] == [f"Bearer {token}"] * 2
    assert all(r.valid and ("api_key", API_KEY) in r.query for r in mock.requests)
    assert all(r.headers["stream-auth-type"] == "jwt" for r in mock.requests)


# ------------------------------------------------------------------------------------------------
# 2. Pagination


def _marker_path(item: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """Where an item keeps an identifying string (depth-first: id, cid, user_id, ...)."""
    if isinstance(item, Mapping):
        for key, value in item.items():
            if key in ("id", "cid", "call_cid", "call_id", "user_id", "name") and isinstance(
                value, str
            ):
                return (*path, key)
            if isinstance(value, Mapping):
                found = _marker_path(value, (*path, key))
                if found:
                    return found
    return None


def _schema_validator(name: str) -> Any:
    from openapi_schema_validator import OAS31Validator

    return OAS31Validator(
        {"$ref": f"#/components/schemas/{name}", "components": SPEC["components"]}
    )


class Pages:
    """Scripted pages for one paginated operation, built from its 200 example."""

    def __init__(self, op: Operation) -> None:
        assert op.pagination is not None
        self.op = op
        self.items_key = op.pagination["items"]
        self.next_key = op.pagination["next"]
        self.prev_key = op.pagination["prev"]
        self.template = op.response_example[self.items_key][0]
        marker = _marker_path(self.template)
        assert marker is not None, op.operation_id
        self.marker = marker
        self.validator = _schema_validator(op.response_schema)

    def item(self, label: str) -> dict[str, Any]:
        item = copy.deepcopy(self.template)
        target = item
        for key in self.marker[:-1]:
            target = target[key]
        target[self.marker[-1]] = label
        return item

    def label(self, item: Any) -> str:
        value = item.model_dump(by_alias=True, mode="json")
        for key in self.marker:
            value = value[key]
        return str(value)

    def page(self, labels: list[str], *, next: str | None = None, prev: str | None = None) -> Any:
        body = copy.deepcopy(self.op.response_example)
        body.pop(self.next_key, None)
        body.pop(self.prev_key, None)
        body[self.items_key] = [self.item(label) for label in labels]
        if next is not None:
            body[self.next_key] = next
        if prev is not None:
            body[self.prev_key] = prev
        errors = [e.message for e in self.validator.iter_errors(body)]
        assert not errors, errors  # the scripted page is valid per the response schema
        return body

    def script(self, mock: MockServer, *bodies: Any) -> None:
        mock.script(*(Scripted(body=b, match=self.op.operation_id) for b in bodies))

    def cursors(self, mock: MockServer) -> list[tuple[str | None, str | None]]:
        """(next, prev) sent by each request, from the JSON body (POST) or the query (GET)."""
        out = []
        for record in requests_for(mock, self.op.operation_id):
            assert record.valid, record.errors
            if self.op.method == "POST":  # cursors in the JSON body, not in the query
                sent = record.json
                assert [k for k, _ in record.query] == ["api_key"]
            else:  # GET: cursors in the query string, no body
                sent = dict(record.query)
                assert record.body == b""
            assert isinstance(sent, dict)
            assert sent.get("limit") in (2, "2")  # the query's other arguments are kept
            out.append((sent.get(self.next_key), sent.get(self.prev_key)))
        return out


def pager_args(op: Operation, client: Any) -> tuple[list[str], dict[str, Any]]:
    call = build_call(op, client, optional_query=False)
    kwargs = {k: v for k, v in call.kwargs.items() if k not in ("next", "prev")}
    if op.method == "POST":  # the example's sort/filter are fine; keep only what is needed
        required = set(op.body_schema.get("required", [])) if op.body_schema else set()
        kwargs = {k: v for k, v in kwargs.items() if k in required}
    kwargs["limit"] = 2
    return call.args, kwargs


async def collect(mode: str, iterable: Any) -> list[Any]:
    if mode == "async":
        return [x async for x in iterable]
    return list(iterable)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("op", PAGINATED, ids=str)
async def test_all_items_across_pages(op: Operation, mode: str, mock: MockServer) -> None:
    pages = Pages(op)
    pages.script(
        mock,
        pages.page(["a1", "a2"], next="cur-2"),
        pages.page(["b1", "b2"], next="cur-3", prev="cur-1"),
        pages.page(["c1"], prev="cur-2"),
    )
    async with open_client(mode, mock) as client:
        args, kwargs = pager_args(op, client)
        items = await collect(mode, method_of(client, op.sdk_name + "_all")(*args, **kwargs))
    assert [pages.label(i) for i in items] == ["a1", "a2", "b1", "b2", "c1"]
    assert pages.cursors(mock) == [(None, None), ("cur-2", None), ("cur-3", None)]
    assert all(r.path == requests_for(mock, op.operation_id)[0].path for r in mock.requests)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("op", PAGINATED, ids=str)
async def test_pages_forward_resume_and_backward(
    op: Operation, mode: str, mock: MockServer
) -> None:
    pages = Pages(op)
    first, second, third = (
        pages.page(["a1", "a2"], next="cur-2"),
        pages.page(["b1", "b2"], next="cur-3", prev="cur-1"),
        pages.page(["c1"], prev="cur-2b"),
    )
    async with open_client(mode, mock) as client:
        args, kwargs = pager_args(op, client)
        query_pages = method_of(client, op.sdk_name + "_pages")

        # forward, page by page
        pages.script(mock, first, second, third)
        walked = await collect(mode, query_pages(*args, **kwargs).pages())
        assert [[pages.label(i) for i in p.items] for p in walked] == [
            ["a1", "a2"],
            ["b1", "b2"],
            ["c1"],
        ]
        assert [p.position for p in walked] == [None, ("next", "cur-2"), ("next", "cur-3")]
        assert [(p.next_cursor, p.prev_cursor) for p in walked] == [
            ("cur-2", None),
            ("cur-3", "cur-1"),
            (None, "cur-2b"),
        ]
        assert type(walked[0].data).__name__ == op.response_schema
        assert pages.cursors(mock) == [(None, None), ("cur-2", None), ("cur-3", None)]

        # a saved position resumes where the first page left off
        mock.clear()
        pages.script(mock, first)
        pager = query_pages(*args, **kwargs)
        head = pager.first_page()
        head = await head if mode == "async" else head
        saved = head.next_position()
        assert saved == ("next", "cur-2")
        saved = tuple(json.loads(json.dumps(saved)))  # survives a round trip through storage
        pages.script(mock, second, third)
        resumed = await collect(mode, query_pages(*args, start=saved, **kwargs).pages())
        assert [[pages.label(i) for i in p.items] for p in resumed] == [["b1", "b2"], ["c1"]]
        assert pages.cursors(mock) == [(None, None), ("cur-2", None), ("cur-3", None)]

        # backwards from a saved `prev` position, with `prev` cursors only
        mock.clear()
        pages.script(
            mock,
            pages.page(["c1"], prev="back-2"),
            pages.page(["b1", "b2"], next="fwd-3", prev="back-1"),
            pages.page(["a1", "a2"], next="fwd-2", prev=""),  # "" means: no more
        )
        backward = query_pages(*args, start=("prev", "back-3"), direction="prev", **kwargs)
        items = await collect(mode, backward)
        assert [pages.label(i) for i in items] == ["c1", "b1", "b2", "a1", "a2"]
        assert pages.cursors(mock) == [(None, "back-3"), (None, "back-2"), (None, "back-1")]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("op", PAGINATED, ids=str)
async def test_pagers_end_against_the_mock(op: Operation, mode: str, mock: MockServer) -> None:
    """Unscripted: the mock's own pages, three of them, with real cursors both ways."""
    assert op.pagination is not None
    pages = Pages(op)
    per_page = len(op.response_example[op.pagination["items"]])
    async with open_client(mode, mock) as client:
        args, kwargs = pager_args(op, client)
        items = await collect(mode, method_of(client, op.sdk_name + "_all")(*args, **kwargs))
        assert len(items) == 3 * per_page > 0
        assert pages.cursors(mock) == [(None, None), ("mock-page-2", None), ("mock-page-3", None)]

        mock.clear()
        backward = method_of(client, op.sdk_name + "_pages")(
            *args, start=("prev", "mock-page-3"), direction="prev", **kwargs
        )
        walked = await collect(mode, backward.pages())
        assert [p.prev_cursor for p in walked] == ["mock-page-2", "mock-page-1", None]
        assert [p.next_cursor for p in walked] == [None, "mock-page-3", "mock-page-2"]
        assert pages.cursors(mock) == [
            (None, "mock-page-3"),
            (None, "mock-page-2"),
            (None, "mock-page-1"),
        ]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_looping_cursors_raise_the_packages_pagination_error(
    mode: str, mock: MockServer
) -> None:
    import laml_streams
    import stream_video

    # exported from each package (each has its own copy of the runtime)
    assert "PaginationError" in stream_video.__all__ and "PaginationError" in laml_streams.__all__
    assert stream_video.PaginationError is stream_video._runtime.PaginationError
    assert laml_streams.PaginationError is laml_streams._runtime.PaginationError
    op = BY_ID["QueryCalls"]
    pages = Pages(op)
    pages.script(mock, pages.page(["a"], next="same"), pages.page(["b"], next="same"))
    async with open_client(mode, mock) as client:
        with pytest.raises(stream_video.PaginationError, match="same"):
            await collect(mode, client.calls.query_all())


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_a_cursor_the_mock_never_gave_is_refused(mode: str, mock: MockServer) -> None:
    from stream_video import BadRequestError

    async with open_client(mode, mock) as client:
        with pytest.raises(BadRequestError, match="next='forged' is not a cursor"):
            await invoke(mode, client, "calls.query", next="forged")


# ------------------------------------------------------------------------------------------------
# 3. JWT minting and renewal; configuration


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def jwt_auth(client: Any) -> Any:
    from stream_video._runtime import CompositeAuth, JwtServerAuth

    auth = client._transport.auth
    parts = auth.parts if isinstance(auth, CompositeAuth) else (auth,)
    (found,) = [p for p in parts if isinstance(p, JwtServerAuth)]
    return found


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_jwt_is_cached_then_renewed(mode: str, mock: MockServer) -> None:
    t0 = 1_700_000_000.0
    clock = FakeClock(t0)
    async with open_client(mode, mock) as client:
        auth = jwt_auth(client)
        auth._clock = clock
        assert auth.leeway == JWT_LEEWAY
        renew_at = t0 - JWT_LEEWAY + JWT_TTL - auth.renew_before

        await invoke(mode, client, "calls.get", "default", "my-call")
        clock.now = t0 + 100
        await invoke(mode, client, "edges.list")
        clock.now = renew_at - 1
        await invoke(mode, client, "call_types.list")
        clock.now = renew_at
        await invoke(mode, client, "calls.get", "default", "my-call")
        clock.now = renew_at + 10
        await invoke(mode, client, "edges.list")

    tokens = [bearer(r) for r in mock.requests]
    assert all(r.valid for r in mock.requests)
    assert tokens[0] == tokens[1] == tokens[2]  # within its lifetime: the same token
    assert tokens[3] != tokens[2]  # at exp - renew_before: a new one
    assert tokens[4] == tokens[3]
    old = verify_jwt(tokens[0], API_SECRET)
    new = verify_jwt(tokens[3], API_SECRET)
    iat0, iat1 = int(t0 - JWT_LEEWAY), int(renew_at - JWT_LEEWAY)
    assert old == {"iat": iat0, "exp": iat0 + JWT_TTL, "server": True}
    assert new == {"iat": iat1, "exp": iat1 + JWT_TTL, "server": True}
    assert new["iat"] > old["iat"]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_credentials_from_the_environment(
    mode: str, mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STREAM_TOKEN", raising=False)
    monkeypatch.setenv("STREAM_API_KEY", "env-key")
    monkeypatch.setenv("STREAM_API_SECRET", "env-secret")
    async with open_client(mode, mock, api_key=None, api_secret=None) as client:
        await invoke(mode, client, "calls.get", "default", "my-call")
    record = only_request(mock)
    assert ("api_key", "env-key") in record.query
    assert_server_jwt(record, secret="env-secret", around=time.time())


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_token_from_the_environment(
    mode: str, mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAM_TOKEN", "env.token.value")
    monkeypatch.delenv("STREAM_API_SECRET", raising=False)
    async with open_client(mode, mock, api_secret=None) as client:
        await invoke(mode, client, "edges.list")
    assert only_request(mock).headers["Authorization"] == "Bearer env.token.value"


@pytest.mark.parametrize("client_class", [VideoClient, AsyncVideoClient])
def test_missing_credentials_raise_configuration_error(
    client_class: type[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("STREAM_TOKEN", "STREAM_API_SECRET", "STREAM_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigurationError, match="api_secret"):
        client_class(api_key=API_KEY, base_url="http://127.0.0.1:9")
    with pytest.raises(ConfigurationError, match="api_key"):
        client_class(api_secret=API_SECRET, base_url="http://127.0.0.1:9")


# ------------------------------------------------------------------------------------------------
# 4. Tolerance of a newer server


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_unknown_enum_value_and_extra_fields_are_kept(mode: str, mock: MockServer) -> None:
    body = copy.deepcopy(BY_ID["GetCall"].response_example)
    body["call"]["settings"]["audio"]["default_device"] = "bluetooth-headset"
    body["call"]["settings"]["video"]["camera_facing"] = "front"
    body["call"]["hologram"] = {"enabled": True}
    body["brand_new_top_level"] = [1, 2]
    mock.script(Scripted(body=body, match="GetCall"))
    async with open_client(mode, mock) as client:
        result = await invoke(mode, client, "calls.get", "default", "my-call")

    device = result.call.settings.audio.default_device
    assert device.value == "bluetooth-headset"
    assert device.is_known is False
    facing = result.call.settings.video.camera_facing
    assert facing.value == "front" and facing.is_known is True
    assert result.model_extra == {"brand_new_top_level": [1, 2]}
    assert result.call.model_extra == {"hologram": {"enabled": True}}
    assert result.model_dump(by_alias=True, exclude_unset=True, mode="json") == body


# ------------------------------------------------------------------------------------------------
# 5. Errors and retries


def error_example(name: str) -> Any:
    return resolve(SPEC["components"]["responses"][name])["content"]["application/json"]["example"]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_documented_404_is_not_found_error(mode: str, mock: MockServer) -> None:
    async with open_client(mode, mock) as client:
        with pytest.raises(NotFoundError) as caught:
            await invoke(
                mode,
                client,
                "calls.get",
                "default",
                "missing",
                request_options={"extra_headers": {"Prefer": "code=404"}},
            )
    only_request(mock)
    error = caught.value
    example = error_example("NotFound")
    assert error.status_code == 404
    assert error.attempts == 1 and error.retryable is False
    assert isinstance(error.error, APIError)
    assert error.error.code == example["code"]
    assert error.error.message == example["message"]
    assert error.error.status_code == 404
    assert error.error.model_dump(by_alias=True, exclude_unset=True) == example


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_429_is_retried_then_rate_limit_error(
    mode: str, mock: MockServer, sleeps: Sleeps
) -> None:
    example = error_example("TooManyRequests")
    mock.script(*[Scripted(status=429, body=example, match="GetCall")] * 3)
    async with open_client(mode, mock, sleeps) as client:
        with pytest.raises(RateLimitError) as caught:
            await invoke(mode, client, "calls.get", "default", "my-call")
    records = requests_for(mock, "GetCall")
    assert len(records) == 3 and all(r.valid for r in records)
    assert caught.value.attempts == 3  # 1 + the default 2 retries
    assert caught.value.retryable is True
    assert caught.value.status_code == 429
    assert isinstance(caught.value.error, APIError) and caught.value.error.code == 9
    assert len(sleeps) == 2 and all(0 < s <= 8 for s in sleeps)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_429_then_success_counts_attempts(
    mode: str, mock: MockServer, sleeps: Sleeps
) -> None:
    mock.script(Scripted(status=429, body=error_example("TooManyRequests"), match="GetCall"))
    async with open_client(mode, mock, sleeps) as client:
        raw = await invoke(mode, client, "calls.with_raw_response.get", "default", "my-call")
    assert raw.attempts == 2 and raw.status_code == 200
    assert type(raw.data).__name__ == "GetCallResponse"
    assert len(requests_for(mock, "GetCall")) == 2 and len(sleeps) == 1


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_429_on_a_non_idempotent_post_is_not_retried_without_retry_after(
    mode: str, mock: MockServer, sleeps: Sleeps
) -> None:
    op = BY_ID["GoLive"]
    assert op.idempotent is False
    mock.script(*[Scripted(status=429, body=error_example("TooManyRequests"))] * 3)
    async with open_client(mode, mock, sleeps) as client:
        with pytest.raises(RateLimitError) as caught:
            await invoke(mode, client, "calls.go_live", "default", "my-call")
    assert caught.value.attempts == 1 and caught.value.retryable is False
    assert len(mock.requests) == 1 and sleeps == []


# ------------------------------------------------------------------------------------------------
# 6. Explicit None vs unset (UpdateCall)


def test_update_call_has_no_nullable_field() -> None:
    """So an explicit None must be refused (test below) rather than sent as null."""
    props = BY_ID["UpdateCall"].body_schema["properties"]  # type: ignore[index]

    def nullable(schema: Any) -> bool:
        schema = resolve(schema)
        kind = schema.get("type")
        return (
            schema.get("nullable") is True
            or (isinstance(kind, list) and "null" in kind)
            or any(nullable(s) for key in ("oneOf", "anyOf") for s in schema.get(key, []))
        )

    assert not [name for name, schema in props.items() if nullable(schema)]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", MODES)
async def test_update_call_none_versus_unset(mode: str, mock: MockServer) -> None:
    async with open_client(mode, mock) as client:
        for field_name in ("starts_at", "custom", "settings_override"):
            with pytest.raises(RequestValidationError) as caught:
                await invoke(
                    mode, client, "calls.update", "default", "my-call", **{field_name: None}
                )
            assert caught.value.attempts == 0
            assert field_name in str(caught.value)
        assert mock.requests == []  # refused before anything was sent

        await invoke(mode, client, "calls.update", "default", "my-call", custom={"color": "red"})
        await invoke(mode, client, "calls.update", "default", "my-call", starts_at=1718445600.5)
        await invoke(mode, client, "calls.update", "default", "my-call")

    assert all(r.valid and r.method == "PATCH" for r in mock.requests)
    assert [r.json for r in mock.requests] == [
        {"custom": {"color": "red"}},  # starts_at not passed: absent, not null
        {"starts_at": 1718445600.5},
        {},
    ]
