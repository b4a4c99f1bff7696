"""A strict mock server for an OpenAPI 3.x spec, on loopback, to drive generated clients in tests.

`python -m generator mock SPEC [--host 127.0.0.1] [--port N]` runs `serve()`; tests use
`MockServer`:

    with MockServer(Path("specs/laml_streams.yaml")) as mock:
        client = SomeClient(base_url=mock.url)  # http://127.0.0.1:PORT + servers[0] path
        ...
        assert mock.requests[-1].valid, mock.requests[-1].errors

Every request is routed, validated against the spec, recorded in `MockServer.requests`, and
answered:

* Routing: method + path against `paths`, below the path part of `servers[0].url` (server
  variables take their defaults); a templated segment matches exactly one segment, its value
  percent-decoded. Unknown path -> 404; known path, undocumented method -> 405 (`Allow` header).
* Validation (openapi-core): path/query/header/cookie parameters in every style, read as the
  OpenAPI 3.1 style table writes them (`generator.mock_styles`), the body by content type (JSON,
  form-urlencoded including `patternProperties` fields such as `Parameter1.Name`, ...), and
  security: one of the operation's security requirements must be met - HTTP basic/bearer need an
  `Authorization` header with that scheme, apiKey its header/query/cookie parameter, oauth2 and
  openIdConnect `Authorization: Bearer ...`; any credential value is accepted, but for the
  access tokens the mock's own token endpoint issued (see `generator.mock_oauth`: expired or
  revoked -> 401, missing scopes -> 403). Missing credentials -> 401 (with `WWW-Authenticate`
  for HTTP schemes), any other problem -> 400.
* OAuth 2.0: the `tokenUrl` of each client credentials flow is a working token endpoint
  (`MockServer.token_url()`, `revoke_tokens()`, `token_ttl=`, `oauth_clients=`).
  Messages name what was wrong, e.g. `body.Url: 'ws://x' does not match '^wss://'`.
* Answer: the operation's lowest documented 2xx response (else `2XX`, else `default` as 200).
  Its body is the media type's `example`, else its first `examples` entry, else an instance
  synthesised from the schema (required properties only; schema-level const/example/default/enum
  first, then a value by type and format). 204/304 and responses without content have no body.
  Text and binary examples are sent as they are; a `text/event-stream` example string is the wire
  format, any other value (or a synthesised one) becomes events, one per list item, `data` as JSON.
* Request bodies of every media type are validated: JSON, forms, multipart (each part decoded
  by its `encoding.contentType`, else by its schema: JSON for objects, files as binary), text and
  binary bodies (read as strings, so `type: string, format: binary` validates).
* Error bodies made by the mock itself (400/401/404/405/500) follow the spec's error model: the
  response documented for that status (on the operation, else on any operation, else
  `components.responses["<status>"]`, else the operation's or the spec's most used error
  response), shaped like its example when it has one, with the message in its `message` (else
  `detail` / `error`) string property and the status in its integer `status` / `StatusCode`
  property (`code` only when neither exists). Without any error model: `{"message": "..."}`;
  with a text/* one, the bare message; a status the operation documents without content gets
  an empty body. The messages are also in `RecordedRequest.errors`.

Request headers understood by the mock (as Prism does):

* `Prefer: code=404` answers with the operation's documented 404 response (exact code, else
  `4XX`, else `default`): its example, or an error-model instance when it has only a schema.
* `Prefer: example=large` picks that entry of the response media type's `examples`.
* Both combine (`Prefer: code=404, example=gone`). Asking for an undocumented code or example is
  the request's fault: the mock answers 400 with a message starting with `mock:` that names what
  is documented (`examples: small, large`).

Pagination: an operation with `x-pagination` is served as a finite list of pages (see `_Pages`):
the answer is page 1 of 3, every page carries real `next`/`prev` cursors (`mock-page-2`, ...), the
request's cursor (query or JSON body) picks the page, and the last page has no `next`, so a
client's pager ends. A cursor the mock never handed out is a 400.

Fault injection: `MockServer.script(Scripted(...), ...)` queues answers, consumed in order, one
per request (or per request to the operation named by `match`), that preempt the normal answer:
any status/headers/body, a `delay` before answering, or `reset` to send a partial status line and
headers and then abort the connection (TCP reset). Scripted requests are validated and recorded
all the same.
"""

from __future__ import annotations

import contextlib
import copy
import json
import re
import socket
import socketserver
import struct
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from generator.mock_oauth import TokenEndpoint
from generator.mock_styles import reader

__all__ = ["ListenError", "MockServer", "RecordedRequest", "Scripted", "serve"]

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_FORM = "application/x-www-form-urlencoded"
_MAX_DEPTH = 8  # synthesis: how deep nested schemas are followed


# --------------------------------------------------------------------------------------------------
# Public data types


class _Headers(Mapping[str, str]):
    """Read-only, case-insensitive view of request headers; repeated ones are joined by ', '."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        merged: dict[str, tuple[str, str]] = {}
        for name, value in pairs:
            key = name.lower()
            if key in merged:
                merged[key] = (merged[key][0], f"{merged[key][1]}, {value}")
            else:
                merged[key] = (name, value)
        self._items = merged

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __iter__(self) -> Iterator[str]:
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Headers({dict(self.items())!r})"


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the mock received it, with the outcome of its validation."""

    method: str
    path: str  # raw path as received, still percent-encoded, without the query string
    query: tuple[tuple[str, str], ...]
    headers: Mapping[str, str]  # case-insensitive
    body: bytes
    form: tuple[tuple[str, str], ...] | None  # parsed when the body is form-urlencoded
    json: object  # parsed when the body is JSON, else None
    operation_id: str | None
    valid: bool
    errors: tuple[str, ...]
    query_string: str = ""  # as received, still percent-encoded


@dataclass(frozen=True)
class Scripted:
    """A scripted answer (fault injection) that preempts the normal behaviour for one request."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes | str | object = b""  # bytes/str sent as is, anything else as JSON
    delay: float = 0.0  # seconds to wait before answering
    reset: bool = False  # send a partial status line and headers, then abort the connection
    match: str | None = None  # only for requests to this operationId; None = any request


# --------------------------------------------------------------------------------------------------
# Spec helpers


def _load(spec: Mapping[str, Any] | Path | str) -> Mapping[str, Any]:
    if isinstance(spec, Mapping):
        return spec
    path = Path(spec)
    try:
        from generator.load import load_spec
    except ModuleNotFoundError as exc:  # fallback while the bundling loader is not there
        if exc.name not in ("generator.load", "generator"):
            raise
        import yaml

        with path.open(encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
        if not isinstance(data, Mapping):
            raise ValueError(f"{path}: an OpenAPI document must be a mapping") from None
        return data
    return load_spec(path).data


def _pointer(doc: Any, ref: str) -> Any:
    """Follow a local reference ('#/a/b'); None when it leads nowhere."""
    if not ref.startswith("#"):
        return None
    node = doc
    for raw in ref[1:].split("/")[1:]:
        token = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def _types(schema: Mapping[str, Any]) -> list[str]:
    kind = schema.get("type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return []


def _is_json(media: str) -> bool:
    mime = media.split(";", 1)[0].strip().lower()
    return mime == "application/json" or mime.endswith("+json")


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "replace")
    return str(value)


def _dump_json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, default=_json_default).encode("utf-8")


def _encode(media_type: str, value: Any) -> bytes:
    """A body for `media_type`: strings as text unless the type is JSON, anything else as JSON."""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str) and not _is_json(media_type):
        return value.encode("utf-8")
    return _dump_json(value)


_FORMAT_SAMPLES = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "duration": "P1D",
    "email": "user@example.com",
    "idn-email": "user@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com",
    "url": "https://example.com",
    "iri": "https://example.com",
    "uri-reference": "https://example.com",
    "iri-reference": "https://example.com",
    "uri-template": "https://example.com/{id}",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "byte": "",
    "binary": "",
    "password": "password",
    "json-pointer": "/",
    "regex": ".*",
}


@dataclass(frozen=True)
class _Operation:
    """One operation of the spec the mock serves."""

    template: str  # the key under `paths`
    method: str  # lowercase
    spec: Mapping[str, Any]
    item: Mapping[str, Any]

    @property
    def operation_id(self) -> str | None:
        value = self.spec.get("operationId")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class _Route:
    """A path template of the spec as a pattern requests are matched against."""

    template: str
    regex: re.Pattern[str]
    names: tuple[str, ...]
    item: Mapping[str, Any]


class _Api:
    """The parts of the spec the mock needs: routes, refs, examples, error model, synthesis."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self.spec = spec
        self.base_path = self._base_path()
        self.routes = self._routes()
        self.operations = [
            _Operation(route.template, method, self.resolve(route.item[method]), route.item)
            for route in self.routes
            for method in _METHODS
            if isinstance(route.item.get(method), Mapping)
        ]

    # ---- structure

    def resolve(self, node: Any) -> Any:
        for _ in range(32):
            if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
                return node
            target = _pointer(self.spec, node["$ref"])
            if target is None:
                return {}
            node = target
        return {}

    def _base_path(self) -> str:
        servers = self.spec.get("servers")
        if not (isinstance(servers, list) and servers and isinstance(servers[0], Mapping)):
            return ""
        server = servers[0]
        url = str(server.get("url", ""))
        variables = server.get("variables") if isinstance(server.get("variables"), Mapping) else {}

        def default(match: re.Match[str]) -> str:
            var = variables.get(match.group(1)) if variables else None
            return str(var.get("default", "")) if isinstance(var, Mapping) else ""

        url = re.sub(r"\{([^{}]+)\}", default, url)
        path = urlsplit(url).path if "://" in url else url.split("?", 1)[0]
        return path.rstrip("/")

    def _routes(self) -> list[_Route]:
        paths = self.spec.get("paths")
        routes: list[tuple[tuple[int, int], _Route]] = []
        for template, item in paths.items() if isinstance(paths, Mapping) else ():
            item = self.resolve(item)
            if not isinstance(template, str) or not isinstance(item, Mapping):
                continue
            parts = re.split(r"\{([^{}]+)\}", template)
            pattern = "".join(
                re.escape(part) if i % 2 == 0 else "([^/]+)" for i, part in enumerate(parts)
            )
            names = tuple(parts[1::2])
            literal = sum(len(part) for part in parts[0::2])
            route = _Route(template, re.compile(pattern + r"\Z"), names, item)
            routes.append(((len(names), -literal), route))
        routes.sort(key=lambda pair: pair[0])  # most concrete first
        return [route for _, route in routes]

    def route(
        self, raw_path: str, method: str
    ) -> tuple[_Operation | None, dict[str, str], list[str]]:
        """(operation, percent-decoded path params, allowed methods when the method is wrong)."""
        base = self.base_path
        if base:
            if raw_path != base and not raw_path.startswith(base + "/"):
                return None, {}, []
            raw_path = raw_path[len(base) :] or "/"
        allowed: list[str] = []
        for route in self.routes:
            found = route.regex.match(raw_path)
            if not found:
                continue
            operation = route.item.get(method)
            if isinstance(operation, Mapping):
                params = {n: unquote(v) for n, v in zip(route.names, found.groups(), strict=True)}
                op = _Operation(route.template, method, self.resolve(operation), route.item)
                return op, params, []
            allowed.extend(m.upper() for m in _METHODS if isinstance(route.item.get(m), Mapping))
        return None, {}, sorted(set(allowed))

    def parameter_names(self, op: _Operation) -> frozenset[str]:
        """The names of the operation's parameters (path-level ones included)."""
        names = set()
        for raw in (*(op.item.get("parameters") or ()), *(op.spec.get("parameters") or ())):
            param = self.resolve(raw)
            if isinstance(param, Mapping) and isinstance(param.get("name"), str):
                names.add(param["name"])
        return frozenset(names)

    def security_requirements(self, op: _Operation) -> list[Mapping[str, Any]]:
        security = op.spec.get("security", self.spec.get("security"))
        return (
            [req for req in security if isinstance(req, Mapping)]
            if isinstance(security, list)
            else []
        )

    def security_scheme(self, name: str) -> Mapping[str, Any]:
        schemes = (self.spec.get("components") or {}).get("securitySchemes") or {}
        scheme = self.resolve(schemes.get(name)) if isinstance(schemes, Mapping) else None
        return scheme if isinstance(scheme, Mapping) else {}

    def describe_security(self, op: _Operation) -> str:
        def one(name: str) -> str:
            scheme = self.security_scheme(name)
            kind = scheme.get("type")
            if kind == "http":
                word = str(scheme.get("scheme", "")).capitalize()
                return f"an 'Authorization: {word} ...' header ({name})"
            if kind == "apiKey":
                where = scheme.get("in")
                what = "query parameter" if where == "query" else f"{where}"
                return f"the API key {what} {scheme.get('name')!r} ({name})"
            return f"an 'Authorization: Bearer ...' header ({name})"

        options = [" and ".join(one(str(n)) for n in req) for req in self.security_requirements(op)]
        return "security: missing credentials; send " + " or ".join(o for o in options if o)

    def www_authenticate(self, op: _Operation) -> str | None:
        for req in self.security_requirements(op):
            for name in req:
                scheme = self.security_scheme(str(name))
                if scheme.get("type") == "http":
                    return f'{str(scheme.get("scheme", "basic")).capitalize()} realm="mock"'
        return None

    # ---- responses

    def responses(self, op: _Operation) -> dict[str, Mapping[str, Any]]:
        responses = op.spec.get("responses")
        if not isinstance(responses, Mapping):
            return {}
        out: dict[str, Mapping[str, Any]] = {}
        for code, response in responses.items():
            response = self.resolve(response)
            if isinstance(response, Mapping):
                out[str(code).upper()] = response
        return out

    def success(self, op: _Operation) -> tuple[int, Mapping[str, Any] | None]:
        responses = self.responses(op)
        codes = sorted(int(c) for c in responses if c.isdigit() and 200 <= int(c) < 300)
        if codes:
            return codes[0], responses[str(codes[0])]
        for key in ("2XX", "DEFAULT"):
            if key in responses:
                return 200, responses[key]
        return 204, None

    def documented(self, op: _Operation, status: int) -> Mapping[str, Any] | None:
        responses = self.responses(op)
        for key in (str(status), f"{status // 100}XX", "DEFAULT"):
            if key in responses:
                return responses[key]
        return None

    def documented_without_content(self, op: _Operation, status: int) -> bool:
        """Whether the operation documents `status` itself (not via `default`) with no body."""
        responses = self.responses(op)
        response = responses.get(str(status), responses.get(f"{status // 100}XX"))
        return response is not None and not response.get("content")

    def error_response(self, op: _Operation | None, status: int) -> Mapping[str, Any] | None:
        """The response whose schema is the error model for `status` (see the module docstring)."""

        def has_content(response: Mapping[str, Any] | None) -> bool:
            return bool(
                response and isinstance(response.get("content"), Mapping) and response["content"]
            )

        candidates: list[Mapping[str, Any] | None] = []
        if op is not None:
            candidates.append(self.documented(op, status))
        candidates.extend(self.responses(other).get(str(status)) for other in self.operations)
        components = (self.spec.get("components") or {}).get("responses") or {}
        if isinstance(components, Mapping):
            candidates.append(self.resolve(components.get(str(status))))
        if op is not None:
            responses = self.responses(op)
            candidates.extend(responses[c] for c in sorted(responses) if c[:1] in "45")
        for response in candidates:
            if isinstance(response, Mapping) and has_content(response):
                return response
        return self._common_error_response()

    def _common_error_response(self) -> Mapping[str, Any] | None:
        counts: dict[int, tuple[int, Mapping[str, Any]]] = {}
        for op in self.operations:
            for code, response in self.responses(op).items():
                is_error = code[:1] in "45" or code == "DEFAULT"
                if (
                    is_error
                    and isinstance(response.get("content"), Mapping)
                    and response["content"]
                ):
                    seen, _ = counts.get(id(response), (0, response))
                    counts[id(response)] = (seen + 1, response)
        if not counts:
            return None
        return max(counts.values(), key=lambda pair: pair[0])[1]

    @staticmethod
    def pick_media(content: Mapping[str, Any], accept: str | None) -> str:
        keys = [str(k) for k in content]
        ranges = [r.split(";", 1)[0].strip().lower() for r in (accept or "").split(",")]
        ranges = [r for r in ranges if r and r != "*/*"]
        for key in keys:  # an explicit Accept wins; otherwise (or when nothing fits) JSON first
            mime = key.split(";", 1)[0].strip().lower()
            if any(r == mime or (r.endswith("/*") and mime.startswith(r[:-1])) for r in ranges):
                return key
        return next((k for k in keys if _is_json(k)), keys[0])

    def example_names(self, media: Mapping[str, Any]) -> list[str]:
        examples = media.get("examples")
        return [str(k) for k in examples] if isinstance(examples, Mapping) else []

    def example(self, media: Mapping[str, Any], name: str | None = None) -> tuple[bool, Any]:
        """(found, value): the named example, else `example`, else the first usable `examples`."""
        examples = media.get("examples")
        examples = examples if isinstance(examples, Mapping) else {}
        if name is not None:
            entry = self.resolve(examples.get(name))
            if isinstance(entry, Mapping) and "value" in entry:
                return True, copy.deepcopy(entry["value"])
            return False, None
        if "example" in media:
            return True, copy.deepcopy(media["example"])
        for entry in examples.values():
            entry = self.resolve(entry)
            if isinstance(entry, Mapping) and "value" in entry:
                return True, copy.deepcopy(entry["value"])
        return False, None

    # ---- synthesis

    def synthesize(self, schema: Any, depth: int = 0, refs: tuple[str, ...] = ()) -> Any:
        """A value for `schema`: required properties only, examples/defaults/enums first."""
        while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
            ref = schema["$ref"]
            if ref in refs or depth > _MAX_DEPTH:
                return None  # bounded recursion
            refs = (*refs, ref)
            schema = _pointer(self.spec, ref)
        if not isinstance(schema, Mapping) or depth > _MAX_DEPTH:
            return None
        if "const" in schema:
            return copy.deepcopy(schema["const"])
        if "example" in schema:
            return copy.deepcopy(schema["example"])
        if isinstance(schema.get("examples"), list) and schema["examples"]:
            return copy.deepcopy(schema["examples"][0])
        if "default" in schema:
            return copy.deepcopy(schema["default"])
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return copy.deepcopy(schema["enum"][0])
        if isinstance(schema.get("allOf"), list):
            merged: Any = None
            for part in schema["allOf"]:
                value = self.synthesize(part, depth + 1, refs)
                if isinstance(value, dict) and isinstance(merged, dict):
                    merged.update(value)
                elif merged is None:
                    merged = value
            own = {k: v for k, v in schema.items() if k != "allOf"}
            if own.get("properties") or own.get("required"):
                value = self.synthesize(own, depth + 1, refs)
                if isinstance(value, dict):
                    merged = {**(merged if isinstance(merged, dict) else {}), **value}
            return merged
        for key in ("oneOf", "anyOf"):
            if isinstance(schema.get(key), list) and schema[key] and not _types(schema):
                return self.synthesize(schema[key][0], depth + 1, refs)
        kinds = [k for k in _types(schema) if k != "null"]
        if not kinds and ("properties" in schema or "required" in schema):
            kinds = ["object"]
        elif not kinds and "items" in schema:
            kinds = ["array"]
        if not kinds:
            return None if "null" in _types(schema) else {}
        kind = kinds[0]
        if kind == "object":
            props = (
                schema.get("properties") if isinstance(schema.get("properties"), Mapping) else {}
            )
            result: dict[str, Any] = {}
            for name in schema.get("required") or []:
                if isinstance(name, str):
                    sub = props.get(name) if props else None
                    if sub is None and isinstance(schema.get("additionalProperties"), Mapping):
                        sub = schema["additionalProperties"]
                    result[name] = self.synthesize(sub if sub is not None else {}, depth + 1, refs)
            return result
        if kind == "array":
            min_items = schema.get("minItems")
            count = min_items if isinstance(min_items, int) else 0
            items = schema.get("items", {})
            return [self.synthesize(items, depth + 1, refs) for _ in range(min(count, 3))]
        if kind in ("integer", "number"):
            low = schema.get("minimum")
            if isinstance(schema.get("exclusiveMinimum"), (int, float)) and not isinstance(
                schema.get("exclusiveMinimum"), bool
            ):
                low = schema["exclusiveMinimum"] + 1
            high = schema.get("maximum")
            value = low if isinstance(low, (int, float)) else 0
            if isinstance(high, (int, float)) and value > high:
                value = high
            return int(value) if kind == "integer" else value
        if kind == "boolean":
            return False
        if kind == "string":
            text = _FORMAT_SAMPLES.get(str(schema.get("format")), "string")
            min_len = schema.get("minLength")
            if isinstance(min_len, int) and len(text) < min_len:
                text = text + "x" * (min_len - len(text))
            max_len = schema.get("maxLength")
            if isinstance(max_len, int) and len(text) > max_len:
                text = text[:max_len]
            return text
        return None

    def properties(self, schema: Mapping[str, Any], depth: int = 0) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for part in schema.get("allOf") or []:
            part = self.resolve(part)
            if isinstance(part, Mapping) and depth < _MAX_DEPTH:
                props.update(self.properties(part, depth + 1))
        own = schema.get("properties")
        if isinstance(own, Mapping):
            props.update({str(k): self.resolve(v) for k, v in own.items()})
        return props

    def error_instance(
        self, response: Mapping[str, Any] | None, status: int, message: str
    ) -> tuple[str, Any]:
        """(media type, value) of the error model for `status`, carrying `message`."""
        content = response.get("content") if response else None
        if not isinstance(content, Mapping) or not content:
            return "application/json", {"message": message}
        media_type = self.pick_media(content, None)
        if not _is_json(media_type):
            if media_type.lower().startswith("text/"):
                return media_type, message
            return "application/json", {"message": message}
        media = self.resolve(content[media_type])
        media = media if isinstance(media, Mapping) else {}
        schema = self.resolve(media.get("schema", {}))
        schema = schema if isinstance(schema, Mapping) else {}
        found, instance = self.example(media)
        if not found or not isinstance(instance, dict):
            instance = self.synthesize(schema)
        if not isinstance(instance, dict):
            return media_type, {"message": message}
        props = self.properties(schema)

        def integer_field(name: str) -> bool:
            sub, current = props.get(name), instance.get(name)
            typed = isinstance(sub, Mapping) and "integer" in _types(sub)
            untyped = (sub is None or not _types(sub)) and type(current) is int
            return typed or untyped

        status_fields = [n for n in ("status", "StatusCode") if integer_field(n)]
        if not status_fields and integer_field("code"):  # `code` is often an API error code
            status_fields = ["code"]
        for name in status_fields:
            instance[name] = status
        placed = self._inject_message(instance, schema, message, 0)
        if not placed and schema.get("additionalProperties") is not False:
            instance["message"] = message
        return media_type, instance

    def _inject_message(
        self, instance: dict[str, Any], schema: Mapping[str, Any], message: str, depth: int
    ) -> bool:
        props = self.properties(schema)
        for name in ("message", "detail", "error"):
            sub = props.get(name)
            if isinstance(sub, Mapping) and (not _types(sub) or "string" in _types(sub)):
                instance[name] = message
                return True
            if sub is None and isinstance(instance.get(name), str):
                instance[name] = message
                return True
        if depth >= 3:
            return False
        for name, sub in props.items():
            if not isinstance(sub, Mapping):
                continue
            if "array" in _types(sub):
                items = self.resolve(sub.get("items"))
                if not isinstance(items, Mapping):
                    continue
                current = instance.get(name)
                if not (isinstance(current, list) and current and isinstance(current[0], dict)):
                    first = self.synthesize(items)
                    if not isinstance(first, dict):
                        continue
                    current = [first]
                if self._inject_message(current[0], items, message, depth + 1):
                    instance[name] = current
                    return True
            elif "object" in _types(sub) or "properties" in sub:
                current = instance.get(name)
                if not isinstance(current, dict):
                    current = self.synthesize(sub)
                    if not isinstance(current, dict):
                        continue
                if self._inject_message(current, sub, message, depth + 1):
                    instance[name] = current
                    return True
        return False


# --------------------------------------------------------------------------------------------------
# Request validation with openapi-core

_CORE_HOST = "http://mock.invalid"


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:
        return type(value).__name__


class _Validator:
    """Runs openapi-core's request validator on an already routed request.

    openapi-core is fed a small adapter implementing its `Request` + `SupportsPathPattern`
    protocols. Routing is the mock's own (for 404/405), so the adapter names the matched `paths`
    key as its path pattern and a path finder built for that returns it directly: server URL
    templates never need to match the loopback address.
    """

    def __init__(self, spec: Mapping[str, Any], api: _Api) -> None:
        from openapi_core import Config, OpenAPI
        from openapi_core.casting.schemas import (
            oas30_write_schema_casters_factory,
            oas31_schema_casters_factory,
        )
        from openapi_core.deserializing.styles import StyleDeserializersFactory
        from openapi_core.deserializing.styles.deserializers import StyleDeserializer
        from openapi_core.security.exceptions import SecurityProviderError
        from openapi_core.security.factories import SecurityProviderFactory
        from openapi_core.security.providers import BaseProvider
        from openapi_core.templating.datatypes import TemplateResult
        from openapi_core.templating.paths.datatypes import PathOperationServer
        from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
        from openapi_core.templating.paths.finders import BasePathFinder

        class PatternFinder(BasePathFinder):
            def find(self, method: str, name: str) -> PathOperationServer:
                key = unquote(name.removeprefix(_CORE_HOST + "/"))
                for template, path in (self.spec / "paths").str_items():
                    if template == key:
                        if method not in path:
                            raise OperationNotFound(name, method)
                        result = TemplateResult(key, {})
                        return PathOperationServer(path, path / method, None, result, result)
                raise PathNotFound(name)

        # openapi-core's own providers compare HTTP schemes case-sensitively and accept empty
        # credentials; these accept any value but an empty one, and any scheme spelling
        class HttpProvider(BaseProvider):
            def __call__(self, parameters: Any) -> Any:
                header = str(parameters.header.get("Authorization", ""))
                auth_type, _, credentials = header.strip().partition(" ")
                expected = "bearer"  # oauth2 / openIdConnect tokens travel as bearer tokens
                if (self.scheme / "type").read_str() == "http":
                    expected = (self.scheme / "scheme").read_str("bearer")
                if auth_type.lower() != expected.lower() or not credentials.strip():
                    raise SecurityProviderError(f"Missing {expected} authorization.")
                return credentials

        class ApiKeyProvider(BaseProvider):
            def __call__(self, parameters: Any) -> Any:
                name = (self.scheme / "name").read_str()
                source = getattr(parameters, (self.scheme / "in").read_str())
                value = source.get(name)
                if not value:
                    raise SecurityProviderError("Missing api key parameter.")
                return value

        class Providers(SecurityProviderFactory):
            PROVIDERS = {  # noqa: RUF012 - class attribute of openapi-core's factory
                "apiKey": ApiKeyProvider,
                "http": HttpProvider,
                "oauth2": HttpProvider,
                "openIdConnect": HttpProvider,
            }

        validator = self

        class Styles(StyleDeserializersFactory):
            """Parameters read as the OpenAPI 3.1 style table writes them (`mock_styles`)."""

            def create(
                self, spec: Any, schema: Any, style: str, explode: bool, name: str
            ) -> StyleDeserializer:
                deserializer = super().create(spec, schema, style, explode, name)
                value = schema.read_value() if schema.exists() else {}
                read = reader(
                    value if isinstance(value, Mapping) else {},
                    style,
                    explode,
                    name,
                    lambda: validator.declared,
                )
                if read is not None:
                    deserializer.deserializer_callable = lambda _e, _n, _t, location: read(location)
                return deserializer

        is_30 = str(spec.get("openapi", "")).startswith("3.0")
        casters = oas30_write_schema_casters_factory if is_30 else oas31_schema_casters_factory
        self.api = api
        self.declared: frozenset[str] = frozenset()  # the current request's parameter names
        config = Config(
            path_finder_cls=PatternFinder,
            security_provider_factory=Providers(),
            style_deserializers_factory=Styles(casters),
            extra_media_type_deserializers=_BinaryAsText(),
        )
        self.app = OpenAPI.from_dict(dict(spec), config=config)
        self.core: Any = self.app.request_validator  # built now: spec problems surface at start
        self.lock = threading.Lock()  # openapi-core's caches are not documented as thread-safe

    def check(
        self,
        op: _Operation,
        path_params: Mapping[str, str],
        query: list[tuple[str, str]],
        headers: list[tuple[str, str]],
        body: bytes,
    ) -> tuple[bool, list[str]]:
        """(security failed, error messages)."""
        from openapi_core.validation.request.exceptions import SecurityValidationError

        content_type = next((v for k, v in headers if k.lower() == "content-type"), "")
        request = _CoreRequest(op, path_params, query, headers, body, content_type)
        errors: list[str] = []
        with self.lock:
            self.declared = self.api.parameter_names(op)
            try:
                for exc in self.app.iter_request_errors(request):
                    if isinstance(exc, SecurityValidationError):
                        return True, [self.api.describe_security(op)]
                    errors.extend(self._describe(exc))
                errors.extend(self._form_extras(op, content_type, body))
            except Exception as exc:
                errors.append(
                    f"request could not be validated: {type(exc).__name__}: {_safe_str(exc)}"
                )
        return False, errors

    def _describe(self, exc: BaseException) -> list[str]:
        from openapi_core.validation.request.exceptions import (
            MissingRequiredParameter,
            MissingRequiredRequestBody,
            ParameterValidationError,
            RequestBodyValidationError,
        )

        if isinstance(exc, MissingRequiredParameter):
            return [f"{exc.location}.{exc.name}: required {exc.location} parameter is missing"]
        if isinstance(exc, ParameterValidationError):
            return self._cause(f"{exc.location}.{exc.name}", exc.__cause__)
        if isinstance(exc, MissingRequiredRequestBody):
            return ["body: required request body is missing"]
        if isinstance(exc, RequestBodyValidationError):
            return self._cause("body", exc.__cause__)
        return [_safe_str(exc)]

    def _cause(self, where: str, cause: BaseException | None) -> list[str]:
        from openapi_core.casting.schemas.exceptions import CastError
        from openapi_core.deserializing.media_types.exceptions import MediaTypeDeserializeError
        from openapi_core.deserializing.styles.exceptions import EmptyQueryParameterValue
        from openapi_core.templating.media_types.exceptions import MediaTypeNotFound

        schema_errors = getattr(cause, "schema_errors", None)
        if schema_errors:
            lines = []
            for error in schema_errors:
                steps = getattr(error, "absolute_path", ())
                loc = where + "".join(f"[{s}]" if isinstance(s, int) else f".{s}" for s in steps)
                lines.append(f"{loc}: {getattr(error, 'message', _safe_str(error))}")
            return lines
        if isinstance(cause, MediaTypeNotFound):
            expected = ", ".join(cause.availableMimetypes)
            if not cause.mimetype:
                return [f"{where}: Content-Type header is missing (expected {expected})"]
            return [
                f"{where}: content type {cause.mimetype!r} is not accepted (expected {expected})"
            ]
        if isinstance(cause, MediaTypeDeserializeError):
            return [f"{where}: malformed {cause.mimetype} content"]
        if isinstance(cause, CastError):
            return [f"{where}: {cause.value!r} is not a valid {cause.type}"]
        if isinstance(cause, EmptyQueryParameterValue):
            return [f"{where}: must not be empty"]
        if cause is None:
            return [f"{where}: invalid"]
        return [f"{where}: {_safe_str(cause)}"]

    def _form_extras(self, op: _Operation, content_type: str, body: bytes) -> list[str]:
        """Form fields openapi-core leaves out: it decodes only the schema's named `properties`,
        so fields matching `patternProperties` (e.g. `Parameter1.Name`) or `additionalProperties`
        are cast and validated here, and unexpected fields refused when they are not allowed."""
        if not body or content_type.split(";", 1)[0].strip().lower() != _FORM:
            return []
        request_body = self.api.resolve(op.spec.get("requestBody"))
        content = request_body.get("content") if isinstance(request_body, Mapping) else None
        if not isinstance(content, Mapping) or _FORM not in content:
            return []
        media = self.api.resolve(content[_FORM])
        schema = self.api.resolve(media.get("schema")) if isinstance(media, Mapping) else None
        if not isinstance(schema, Mapping):
            return []
        try:
            pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return []  # already reported as malformed content
        schema_path = None
        for template, path in (self.app.spec / "paths").str_items():
            if template == op.template:
                schema_path = path / op.method / "requestBody" / "content" / _FORM / "schema"
        if schema_path is None:
            return []
        known = set(self.api.properties(schema))
        patterns = schema.get("patternProperties")
        patterns = patterns if isinstance(patterns, Mapping) else {}
        additional = schema.get("additionalProperties", True)
        composed = any(k in schema for k in ("allOf", "oneOf", "anyOf"))
        errors: list[str] = []
        for key, value in pairs:
            if key in known:
                continue
            matched = [p for p in patterns if re.search(str(p), key)]
            if matched:
                for sub_path_key, sub_path in (schema_path / "patternProperties").str_items():
                    if sub_path_key in matched:
                        errors.extend(self._check_value(f"body.{key}", sub_path, value))
            elif additional is False and not composed:
                errors.append(f"body: additional property {key!r} is not allowed")
            elif isinstance(additional, Mapping):
                errors.extend(
                    self._check_value(f"body.{key}", schema_path / "additionalProperties", value)
                )
        return errors

    def _check_value(self, where: str, schema_path: Any, raw: str) -> list[str]:
        from openapi_core.casting.schemas.exceptions import CastError
        from openapi_core.validation.schemas.exceptions import InvalidSchemaValue

        spec = self.app.spec
        try:
            value = self.core.schema_casters_factory.create(spec, schema_path).cast(raw)
        except CastError as exc:
            return self._cause(where, exc)
        try:
            self.core.schema_validators_factory.create(spec, schema_path).validate(value)
        except InvalidSchemaValue as exc:
            return self._cause(where, exc)
        return []


def _read_as_bytes(mimetype: str) -> bool:
    """Whether openapi-core would read a body (or part) of this type as bytes."""
    mime = mimetype.split(";", 1)[0].strip().lower()
    structured = _is_json(mime) or mime in (_FORM, "multipart/form-data", "text/plain", "text/html")
    return not (structured or mime.endswith(("/xml", "+xml")))


def _latin1(value: bytes, **parameters: str) -> str:
    return value.decode("latin-1")


def _text(value: bytes, **parameters: str) -> str:
    return value.decode(parameters.get("charset", "utf-8"), errors="replace")


class _BinaryAsText(dict[str, Callable[..., Any]]):
    """openapi-core reads binary bodies, file parts and text types it does not know as bytes,
    which its 3.1 validator does not take for `type: string`: read as text (binary byte for byte as
    latin-1), they validate as the strings the spec says they are. (openapi-core looks its
    deserializers up with `in` and `[]` only.)"""

    def __contains__(self, mimetype: object) -> bool:
        return isinstance(mimetype, str) and _read_as_bytes(mimetype)

    def __getitem__(self, mimetype: str) -> Callable[..., Any]:
        return _text if mimetype.lower().startswith("text/") else _latin1


class _CoreRequest:
    """openapi-core `Request` (+ `SupportsPathPattern`) protocol implementation for one request."""

    host_url = _CORE_HOST

    def __init__(
        self,
        op: _Operation,
        path_params: Mapping[str, str],
        query: list[tuple[str, str]],
        headers: list[tuple[str, str]],
        body: bytes,
        content_type: str,
    ) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        cookies = [
            pair for name, value in headers if name.lower() == "cookie" for pair in _cookies(value)
        ]
        # the matched `paths` key, quoted so no URL joining can alter it; see _Validator's finder
        self.path_pattern = "/" + quote(op.template, safe="")
        self.path = self.path_pattern
        self.method = op.method
        self.body = body or None
        mime, sep, params = content_type.partition(";")
        self.content_type = mime.strip().lower() + (sep + params if sep else "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query),
            header=Headers(headers),
            cookie=ImmutableMultiDict(cookies),
            path=dict(path_params),
        )


# --------------------------------------------------------------------------------------------------
# The HTTP side


class _Abort(Exception):
    """Unwinds the request handler after a scripted connection reset."""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    mock: MockServer

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host's FQDN, which can stall on DNS: not needed here
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # no tracebacks on stderr: a broken client connection is not the mock's business


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sdkgen-mock/1"
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms stalls
    server: _HTTPServer
    _reset = False

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        self.server.mock._track(self.connection, add=True)

    def handle(self) -> None:
        try:
            super().handle()
        except (_Abort, OSError):
            self.close_connection = True

    def finish(self) -> None:
        self.server.mock._track(self.connection, add=False)
        if self._reset:  # close for real now, so the kernel sends the reset (SO_LINGER 0)
            for stream in (self.wfile, self.rfile):
                with contextlib.suppress(OSError):
                    stream.close()
            self.connection.close()
            return
        with contextlib.suppress(OSError):
            super().finish()

    def _dispatch(self) -> None:
        try:
            self.server.mock._handle(self)
        except (_Abort, OSError):
            raise
        except Exception as exc:
            # a bug of the mock: tell the client (not stderr), then drop the connection
            self.close_connection = True
            message = f"mock: internal error: {type(exc).__name__}: {_safe_str(exc)}"
            with contextlib.suppress(Exception):
                self.answer(
                    500, [("Content-Type", "application/json")], _dump_json({"message": message})
                )

    do_GET = do_PUT = do_POST = do_DELETE = _dispatch
    do_OPTIONS = do_HEAD = do_PATCH = do_TRACE = _dispatch

    # ---- helpers used by MockServer._handle

    def read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size_line = self.rfile.readline(65537)
                size = int(size_line.split(b";", 1)[0].strip(), 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunk = self.rfile.read(size)
                if len(chunk) < size:
                    raise ValueError("truncated chunk")
                chunks.append(chunk)
                self.rfile.readline(65537)
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        size = int(length)
        if size < 0:
            raise ValueError("negative Content-Length")
        data = self.rfile.read(size)
        if len(data) < size:
            raise ValueError("truncated body")
        return data

    def answer(self, status: int, headers: Iterable[tuple[str, str]], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        if status >= 200 and status != 204:  # 1xx and 204 must not carry Content-Length
            self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and status >= 200 and status not in (204, 304):
            self.wfile.write(body)
        self.wfile.flush()

    def reset(self, status: int) -> None:
        self.wfile.write(f"HTTP/1.1 {status} Mock\r\nContent-Type: applic".encode("ascii"))
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self._reset = True
        self.close_connection = True
        raise _Abort


class MockServer:
    """Mock server for an OpenAPI spec on loopback; see the module docstring for its behaviour.

    `spec` is a bundled OpenAPI document or a path to load (multi-file specs are bundled).
    `validate=False` skips request validation (routing still applies). `on_request(record,
    status)` is called for every request, just before it is answered (`serve()` prints with it).
    The spec itself is checked by openapi-core when validation is on: an invalid spec raises here.
    """

    def __init__(
        self,
        spec: Mapping[str, Any] | Path | str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        validate: bool = True,
        on_request: Callable[[RecordedRequest, int], None] | None = None,
        token_ttl: float = 3600,
        oauth_clients: Mapping[str, str] | None = None,
    ) -> None:
        self.spec: Mapping[str, Any] = _load(spec)
        self.host = host
        self.port = port
        self.validate = validate
        self.requests: list[RecordedRequest] = []
        self._on_request = on_request
        self._api = _Api(self.spec)
        self._tokens = TokenEndpoint(
            self.spec, self._api.base_path, ttl=token_ttl, clients=oauth_clients
        )
        self._validator = _Validator(self.spec, self._api) if validate else None
        self._scripts: list[Scripted] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle

    @property
    def title(self) -> str:
        info = self.spec.get("info")
        return str(info.get("title", "API")) if isinstance(info, Mapping) else "API"

    @property
    def operation_count(self) -> int:
        return len(self._api.operations)

    @property
    def url(self) -> str:
        """Base URL for clients: the loopback address + the path part of `servers[0].url`."""
        return self._origin() + self._api.base_path

    def _origin(self) -> str:
        if self._httpd is None:
            raise RuntimeError("MockServer is not started")
        host, port = self._httpd.server_address[:2]
        host = str(host)
        if host in ("", "0.0.0.0"):
            host = "127.0.0.1"
        elif host == "::":
            host = "::1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{port}"

    def token_url(self, scheme: str | None = None) -> str:
        """The mock's OAuth 2.0 token endpoint for `scheme` (default: the only or first one)."""
        for path, (name, _) in self._tokens.paths.items():
            if scheme is None or name == scheme:
                return self._origin() + path
        raise KeyError(f"no client credentials flow for {scheme!r}")

    def revoke_tokens(self) -> None:
        """Refuse every access token issued so far (401 invalid_token), as after a rotation."""
        self._tokens.revoke()

    def start(self) -> MockServer:
        with self._lock:
            if self._httpd is not None:
                return self
            self._stopping.clear()
            server_cls = _HTTPServer6 if ":" in self.host else _HTTPServer
            httpd = server_cls((self.host, self.port), _Handler)
            httpd.mock = self
            self._httpd = httpd
            self._thread = threading.Thread(
                target=httpd.serve_forever,
                kwargs={"poll_interval": 0.05},
                name="mock-server",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            httpd, thread = self._httpd, self._thread
            self._httpd = self._thread = None
            connections = list(self._connections)
        if httpd is None:
            return
        self._stopping.set()  # wakes scripted delays
        httpd.shutdown()
        httpd.server_close()
        for conn in connections:  # idle keep-alive connections would keep their threads alive
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> MockServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _track(self, conn: socket.socket, *, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)

    # ---- scripting

    def script(self, *answers: Scripted) -> None:
        """Queue scripted answers; each is consumed, in order, by the next request it matches."""
        with self._lock:
            self._scripts.extend(answers)

    def clear(self) -> None:
        """Forget the recorded requests and any scripted answers not consumed yet."""
        with self._lock:
            self.requests.clear()
            self._scripts.clear()

    def _take_script(self, operation_id: str | None) -> Scripted | None:
        with self._lock:
            for i, entry in enumerate(self._scripts):
                if entry.match is None or entry.match == operation_id:
                    return self._scripts.pop(i)
        return None

    # ---- one request

    def _handle(self, handler: _Handler) -> None:
        try:
            body = handler.read_body()
        except (ValueError, OSError):
            handler.close_connection = True
            message = "malformed request framing (Content-Length / chunked body)"
            media, value = self._api.error_instance(
                self._api.error_response(None, 400), 400, message
            )
            handler.answer(400, [("Content-Type", media)], _encode(media, value))
            return
        method = handler.command.lower()
        split = urlsplit(handler.path)
        raw_path = split.path
        query = parse_qsl(split.query, keep_blank_values=True)
        header_pairs = [(k, v) for k, v in handler.headers.items()]
        headers = _Headers(header_pairs)
        if raw_path in self._tokens.paths:
            self._token_request(handler, method, raw_path, split.query, headers, body)
            return
        op, path_params, allowed = self._api.route(raw_path, method)

        status = 200
        out_headers: list[tuple[str, str]] = []
        errors: list[str] = []
        security_failed = False
        if op is None:
            status = 405 if allowed else 404
            if allowed:
                listed = ", ".join(allowed)
                errors = [
                    f"method {method.upper()} is not allowed on {raw_path} (allowed: {listed})"
                ]
                out_headers.append(("Allow", listed))
            else:
                errors = [f"no operation for {method.upper()} {raw_path}"]
        elif self._validator is not None:
            security_failed, errors = self._validator.check(
                op, path_params, query, header_pairs, body
            )
            if errors:
                status = 401 if security_failed else 400
            else:
                refused = self._tokens.check(headers, self._api.security_requirements(op))
                if refused is not None:
                    status, challenge, message = refused
                    errors, security_failed = [message], True
                    out_headers.append(("WWW-Authenticate", challenge))
        record = RecordedRequest(
            method=method.upper(),
            path=raw_path,
            query=tuple(query),
            headers=headers,
            body=body,
            form=_parse_form(headers.get("Content-Type"), body),
            json=_parse_json(headers.get("Content-Type"), body),
            operation_id=op.operation_id if op else None,
            valid=not errors,
            errors=tuple(errors),
            query_string=split.query,
        )
        with self._lock:
            self.requests.append(record)

        scripted = self._take_script(record.operation_id)
        if scripted is not None:
            status = scripted.status
            if scripted.delay > 0:
                self._stopping.wait(scripted.delay)
            self._notify(record, status)
            if scripted.reset:
                handler.reset(status)
            payload, script_media = _script_body(scripted.body)
            out_headers = list(scripted.headers.items())
            if script_media and not any(k.lower() == "content-type" for k, _ in out_headers):
                out_headers.append(("Content-Type", script_media))
        else:
            try:
                status, out_headers, payload = self._normal_answer(
                    op, record, status, errors, security_failed, out_headers
                )
            except Exception as exc:
                status = 500
                out_headers = [("Content-Type", "application/json")]
                text = f"mock: internal error: {type(exc).__name__}: {_safe_str(exc)}"
                payload = _dump_json({"message": text})
            self._notify(record, status)  # before answering: observers see requests in order
        handler.answer(status, out_headers, payload)

    def _token_request(
        self,
        handler: _Handler,
        method: str,
        raw_path: str,
        query: str,
        headers: _Headers,
        body: bytes,
    ) -> None:
        status, out_headers, payload, errors = self._tokens.handle(
            raw_path, method.upper(), headers, body
        )
        record = RecordedRequest(
            method=method.upper(),
            path=raw_path,
            query=tuple(parse_qsl(query, keep_blank_values=True)),
            headers=headers,
            body=body,
            form=_parse_form(headers.get("Content-Type"), body),
            json=None,
            operation_id=None,
            valid=not errors,
            errors=tuple(errors),
            query_string=query,
        )
        with self._lock:
            self.requests.append(record)
        self._notify(record, status)
        handler.answer(status, out_headers, payload)

    def _normal_answer(
        self,
        op: _Operation | None,
        record: RecordedRequest,
        status: int,
        errors: list[str],
        security_failed: bool,
        out_headers: list[tuple[str, str]],
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        if not errors:
            assert op is not None
            status, extra, payload = self._answer(op, record)
            return status, out_headers + extra, payload
        if security_failed and op is not None:
            challenge = self._api.www_authenticate(op)
            if challenge:
                out_headers.append(("WWW-Authenticate", challenge))
        if op is not None and self._api.documented_without_content(op, status):
            return status, out_headers, b""
        response = self._api.error_response(op, status)
        media, value = self._api.error_instance(response, status, "; ".join(errors))
        return status, [*out_headers, ("Content-Type", media)], _encode(media, value)

    def _notify(self, record: RecordedRequest, status: int) -> None:
        if self._on_request is not None:
            with contextlib.suppress(Exception):  # a broken observer must not break the answer
                self._on_request(record, status)

    def _answer(
        self, op: _Operation, record: RecordedRequest
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """The documented answer for a valid request, honouring `Prefer: code=` / `example=`;
        a paginated operation's success answer is the page its cursor names."""
        api = self._api
        headers = record.headers
        prefer = _parse_prefer(headers.get("Prefer", ""))
        wanted_example = prefer.get("example")
        if "code" in prefer:
            code = prefer["code"]
            if not (code.isdigit() and 100 <= int(code) <= 599):
                return self._usage_error(op, f"Prefer: code={code} is not an HTTP status")
            status = int(code)
            response = api.documented(op, status)
            if response is None:
                documented = ", ".join(c.replace("DEFAULT", "default") for c in api.responses(op))
                return self._usage_error(
                    op,
                    f"Prefer: code={status} is not documented for {op.operation_id or op.template} "
                    f"(documented: {documented})",
                )
        else:
            status, response = api.success(op)
        out: list[tuple[str, str]] = []
        if response is None:
            return status, out, b""
        out.extend(self._response_headers(response))
        content = response.get("content")
        if not isinstance(content, Mapping) or not content or status in (204, 304):
            if wanted_example is not None:
                return self._usage_error(
                    op, f"Prefer: example={wanted_example}: response {status} has no content"
                )
            return status, out, b""
        media_type = api.pick_media(content, headers.get("Accept"))
        media = api.resolve(content[media_type])
        media = media if isinstance(media, Mapping) else {}
        found, value = api.example(media, wanted_example)
        if wanted_example is not None and not found:
            names = ", ".join(api.example_names(media)) or "none"
            return self._usage_error(
                op,
                f"Prefer: example={wanted_example} is not an example of response {status} "
                f"{media_type} (examples: {names})",
            )
        if not found:
            if status >= 400:
                message = f"mock: response {status} requested with the Prefer header"
                media_type, value = api.error_instance(response, status, message)
            else:
                value = api.synthesize(media.get("schema", {}))
        if 200 <= status < 300 and isinstance(value, dict):
            pages = _Pages.of(op, api, media.get("schema", {}))
            if pages is not None:
                page, problem = pages.requested(record)
                if problem is not None:
                    return self._usage_error(op, problem)
                value = pages.answer(value, page)
        if _is_event_stream(media_type) and not (found and isinstance(value, str)):
            value = _events(value)  # an example string is the wire format already
        payload = _encode(media_type, value)
        out.append(("Content-Type", media_type if "*" not in media_type else "application/json"))
        return status, out, payload

    def _response_headers(self, response: Mapping[str, Any]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        documented = response.get("headers")
        for name, header in documented.items() if isinstance(documented, Mapping) else ():
            header = self._api.resolve(header)
            if not isinstance(header, Mapping) or str(name).lower() == "content-type":
                continue
            if "example" in header:
                value = header["example"]
            elif header.get("required"):
                value = self._api.synthesize(header.get("schema", {}))
            else:
                continue
            out.append((str(name), value if isinstance(value, str) else json.dumps(value)))
        return out

    def _usage_error(
        self, op: _Operation, message: str
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """A request the mock cannot answer as asked (a `Prefer` header naming what the spec does
        not document, a cursor it never handed out): the request's fault, so a 400."""
        media, value = self._api.error_instance(
            self._api.error_response(op, 400), 400, f"mock: {message}"
        )
        return 400, [("Content-Type", media)], _encode(media, value)


_PAGE_COUNT = 3  # how many pages the mock serves for every paginated operation
_CURSOR = re.compile(r"mock-page-(\d+)")


@dataclass(frozen=True)
class _Pages:
    """A paginated operation (`x-pagination`) served as a finite list of pages.

    The answer (example or synthesised) is page 1 of `_PAGE_COUNT`; each page carries the `next`
    cursor of the page after it and the `prev` cursor of the page before (`mock-page-<n>`), and
    the last page no `next`, so a client walking the cursors ends, forwards or backwards. A
    cursor the mock did not hand out is refused (400), as a real API refuses a forged one.
    """

    next: str
    prev: str
    required: frozenset[str]

    @classmethod
    def of(cls, op: _Operation, api: _Api, schema: Any) -> _Pages | None:
        spec = op.spec.get("x-pagination")
        if not isinstance(spec, Mapping):
            return None
        resolved = api.resolve(schema)
        parts = [resolved, *resolved.get("allOf", ())] if isinstance(resolved, Mapping) else []
        required: set[str] = set()
        for part in map(api.resolve, parts):
            if isinstance(part, Mapping):
                required.update(str(r) for r in part.get("required") or ())
        return cls(
            str(spec.get("next", "next")), str(spec.get("prev", "prev")), frozenset(required)
        )

    def requested(self, record: RecordedRequest) -> tuple[int, str | None]:
        """(page number, problem): the page the request's cursor names, 1 without a cursor."""
        sent: Mapping[str, Any] = record.json if isinstance(record.json, Mapping) else {}
        query = dict(record.query)
        for name in (self.next, self.prev):
            cursor = sent.get(name, query.get(name))
            if cursor in (None, ""):
                continue
            found = _CURSOR.fullmatch(str(cursor))
            if found is None or not 1 <= int(found.group(1)) <= _PAGE_COUNT:
                known = ", ".join(f"mock-page-{n}" for n in range(2, _PAGE_COUNT + 1))
                return 1, f"{name}={cursor!r} is not a cursor this mock handed out ({known})"
            return int(found.group(1)), None
        return 1, None

    def answer(self, value: dict[str, Any], page: int) -> dict[str, Any]:
        out = dict(value)
        for name, target in ((self.next, page + 1), (self.prev, page - 1)):
            if 1 <= target <= _PAGE_COUNT:
                out[name] = f"mock-page-{target}"
            elif name in self.required:
                out[name] = ""  # "no more"; a required cursor cannot simply be left out
            else:
                out.pop(name, None)
        return out


def _is_event_stream(media_type: str) -> bool:
    return media_type.split(";", 1)[0].strip().lower() == "text/event-stream"


def _events(value: Any) -> str:
    """A `text/event-stream` body: one event per item of a list, else one event; data that is not
    a string as JSON."""
    out = []
    for item in value if isinstance(value, list) else [value]:
        text = item if isinstance(item, str) else json.dumps(item, default=_json_default)
        out.append("".join(f"data: {line}\n" for line in text.split("\n")) + "\n")
    return "".join(out)


def _cookies(header: str) -> list[tuple[str, str]]:
    """A Cookie header's (name, value) pairs, repeats kept (an exploded array parameter sends one
    cookie per item), values percent-decoded as the client encodes them and unquoted."""
    out = []
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if name and sep:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] == '"':
                value = value[1:-1]
            out.append((name.strip(), unquote(value)))
    return out


def _parse_prefer(value: str) -> dict[str, str]:
    prefs: dict[str, str] = {}
    for token in re.split(r"[,;]", value):
        key, sep, val = token.strip().partition("=")
        if sep and key.strip():
            prefs[key.strip().lower()] = val.strip().strip('"')
    return prefs


def _parse_form(content_type: str | None, body: bytes) -> tuple[tuple[str, str], ...] | None:
    if not content_type or content_type.split(";", 1)[0].strip().lower() != _FORM:
        return None
    try:
        return tuple(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except (UnicodeDecodeError, ValueError):
        return None


def _parse_json(content_type: str | None, body: bytes) -> object:
    if not content_type or not _is_json(content_type) or not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _script_body(body: bytes | str | object) -> tuple[bytes, str | None]:
    if isinstance(body, (bytes, bytearray)):
        return bytes(body), None
    if isinstance(body, str):
        return body.encode("utf-8"), "text/plain; charset=utf-8"
    return _dump_json(body), "application/json"


# --------------------------------------------------------------------------------------------------
# Command-line entry point


class ListenError(Exception):
    """The mock could not listen where it was asked to (the port is taken, the host is not ours)."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        super().__init__(f"cannot listen on {host}:{port}: {reason}")
        self.host, self.port, self.reason = host, port, reason


def serve(
    spec_path: Path,
    host: str,
    port: int,
    *,
    echo: Callable[[str], None],
    ready: threading.Event | None = None,
    stop: threading.Event | None = None,
) -> None:
    """Serve `spec_path` until KeyboardInterrupt (or `stop` is set); `echo` a line per request.

    `ready` is set once the server accepts connections; tests use it with `stop`. Port 0 picks a
    free port; the lines printed first say which, and the base URL a client should be given
    (the server's path prefix included). A port that cannot be bound raises `ListenError`.
    """

    def on_request(record: RecordedRequest, status: int) -> None:
        line = f"{record.method} {record.path} -> {status} {record.operation_id or '-'}"
        if record.errors:
            line += f" ({'; '.join(record.errors)})"
        echo(line)

    server = MockServer(spec_path, host=host, port=port, on_request=on_request)
    try:
        server.start()
    except OSError as exc:
        raise ListenError(host, port, exc.strerror or str(exc)) from None
    try:
        echo(f"mock: serving {server.title} ({server.operation_count} operations) on {server.url}")
        echo(f'mock: point clients at it with base_url="{server.url}"')
        if ready is not None:
            ready.set()
        waiter = stop if stop is not None else threading.Event()
        while not waiter.wait(0.2):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
