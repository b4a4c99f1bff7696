"""generator.mock: real HTTP (httpx) against the mock server on 127.0.0.1, port 0."""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

HERE = Path(__file__).resolve().parent
if str(HERE.parent) not in sys.path:  # the generator package, when not installed
    sys.path.insert(0, str(HERE.parent))

from generator.mock import MockServer, RecordedRequest, Scripted, serve  # noqa: E402

FIXTURE = HERE / "mock_fixtures" / "mock_api.yaml"
LAML = HERE.parent / "specs" / "laml_streams.yaml"
BASIC = ("project", "token")


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(FIXTURE) as mock:
        yield mock


@pytest.fixture
def mock(server: MockServer) -> MockServer:
    server.clear()  # recorded requests and leftover scripted answers of an earlier test
    return server


@pytest.fixture(scope="module")
def shared_client(server: MockServer) -> Iterator[httpx.Client]:
    # verify=False: plain HTTP on loopback, and it spares building an SSL context per client
    with httpx.Client(base_url=server.url, timeout=5, verify=False) as http:
        yield http


@pytest.fixture
def client(mock: MockServer, shared_client: httpx.Client) -> httpx.Client:
    return shared_client


@pytest.fixture(scope="module")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=5, verify=False) as plain:
        yield plain


def last(mock: MockServer) -> RecordedRequest:
    assert mock.requests, "no request was recorded"
    return mock.requests[-1]


def message(response: httpx.Response) -> str:
    body = response.json()
    assert isinstance(body, dict)
    return str(body["message"])


def raw_request(mock: MockServer, data: bytes) -> bytes:
    """Send bytes as they are on a fresh connection and return everything the server answers."""
    host, port = mock.url.removeprefix("http://").split("/", 1)[0].split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# ---- URL and valid requests


def test_url_is_loopback_plus_server_path(server: MockServer) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert server.url.endswith("/api/v1")  # https://{region}.example.test/api/v1, region=eu


def test_form_post_with_basic_auth_answers_the_example(
    mock: MockServer, client: httpx.Client
) -> None:
    form = {"Url": "wss://example.com/a", "Parameter1.Name": "room", "Parameter1.Value": "7"}
    response = client.post("/Accounts/AC1/Streams", data=form, auth=BASIC)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "sid": "ST123",
        "url": "wss://example.com/audio",
        "track": "both_tracks",
        "status": "queued",
    }
    record = last(mock)
    assert record.valid and record.errors == ()
    assert record.operation_id == "createStream"
    assert record.form == (
        ("Url", "wss://example.com/a"),
        ("Parameter1.Name", "room"),
        ("Parameter1.Value", "7"),
    )
    assert record.json is None


def test_json_post_answers_the_first_examples_entry(mock: MockServer, client: httpx.Client) -> None:
    response = client.post(
        "/widgets", json={"name": "w", "size": 3, "tags": ["a"]}, params={"api_key": "k"}
    )
    assert response.status_code == 201, response.text
    assert response.json() == {"id": 1, "name": "small widget", "size": 1}
    record = last(mock)
    assert record.valid
    assert record.json == {"name": "w", "size": 3, "tags": ["a"]}
    assert record.form is None


def test_prefer_example_picks_a_named_example(client: httpx.Client) -> None:
    response = client.post(
        "/widgets",
        json={"name": "w"},
        headers={"X-Api-Key": "k", "Prefer": "example=large"},
    )
    assert response.status_code == 201
    assert response.json()["name"] == "large widget"


def test_get_with_typed_query_params_answers_a_synthesised_instance(
    mock: MockServer, client: httpx.Client
) -> None:
    params: dict[str, Any] = {"limit": 10, "active": "true", "tag": ["a", "b"]}
    response = client.get("/widgets", params=params, headers={"Authorization": "Bearer t"})
    assert response.status_code == 200, response.text
    # WidgetPage has no example: required fields only, by type; enum first; date-time format
    assert response.json() == {
        "items": [{"id": 0, "name": "string"}],
        "total": 0,
        "generated_at": "2024-01-01T00:00:00Z",
        "kind": "page",
    }
    assert last(mock).query == (("limit", "10"), ("active", "true"), ("tag", "a"), ("tag", "b"))


def test_path_param_and_no_content_response(client: httpx.Client) -> None:
    assert client.get("/widgets/7").json() == {"id": 7, "name": "seven", "size": 7}
    deleted = client.delete("/widgets/7")
    assert deleted.status_code == 204
    assert deleted.content == b""


# ---- security


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"api_key": "k"}, {}),
        ({}, {"x-api-key": "k"}),
        ({}, {"Authorization": "Bearer anything"}),
        ({}, {"Authorization": "bearer anything"}),  # HTTP auth schemes are case-insensitive
    ],
    ids=["apikey-query", "apikey-header", "bearer", "bearer-lowercase"],
)
def test_any_security_alternative_is_accepted(
    client: httpx.Client, params: dict[str, str], headers: dict[str, str]
) -> None:
    assert client.get("/widgets", params=params, headers=headers).status_code == 200


def test_missing_basic_auth_is_401_with_the_error_model(
    mock: MockServer, client: httpx.Client
) -> None:
    response = client.post("/Accounts/AC1/Streams", data={"Url": "wss://x"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    body = response.json()
    assert set(body) == {"code", "message", "more_info", "status"}  # Error's required fields
    assert body["status"] == 401
    assert "Authorization: Basic" in body["message"]
    record = last(mock)
    assert not record.valid
    assert record.errors == (body["message"],)


@pytest.mark.parametrize(
    ("params", "headers"),
    [
        ({"api_key": ""}, {}),
        ({}, {"X-Api-Key": ""}),
        ({}, {"Authorization": "Bearer"}),
        ({}, {"Authorization": "Token abc"}),
    ],
    ids=["empty-query-key", "empty-header-key", "no-token", "other-scheme"],
)
def test_empty_or_wrong_credentials_are_401(
    client: httpx.Client, params: dict[str, str], headers: dict[str, str]
) -> None:
    assert client.get("/widgets", params=params, headers=headers).status_code == 401


def test_wrong_auth_scheme_is_401_and_names_every_alternative(client: httpx.Client) -> None:
    response = client.get("/widgets", auth=BASIC)
    assert response.status_code == 401
    text = message(response)
    assert "'api_key'" in text and "'X-Api-Key'" in text and "Bearer" in text


# ---- invalid requests


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ({"Url": "ws://example.com"}, "body.Url: 'ws://example.com' does not match '^wss://'"),
        ({"Url": "wss://x", "Track": "sideways"}, "body.Track: 'sideways' is not one of"),
        ({"Name": "no url"}, "body: 'Url' is a required property"),
        ({"Url": "wss://x", "Parameter1.Name": "x" * 21}, "body.Parameter1.Name: "),
        ({"Url": "wss://x", "Parameter100.Name": "n"}, "'Parameter100.Name' is not allowed"),
        ({"Url": "wss://x", "Other": "1"}, "additional property 'Other' is not allowed"),
    ],
    ids=["ws-url", "enum", "missing-required", "pattern-property", "bad-pair-index", "extra"],
)
def test_invalid_form_body_is_400_naming_the_field(
    mock: MockServer, client: httpx.Client, form: dict[str, str], expected: str
) -> None:
    response = client.post("/Accounts/AC1/Streams", data=form, auth=BASIC)
    assert response.status_code == 400
    body = response.json()
    assert expected in body["message"]
    # shaped like the BadRequest example, with the status and the message replaced
    assert body["code"] == 21205 and body["status"] == 400
    assert body["more_info"] == "https://example.test/errors"
    assert not last(mock).valid
    assert any(expected in error for error in last(mock).errors)


def test_all_errors_are_reported_at_once(mock: MockServer, client: httpx.Client) -> None:
    form = {"Url": "ws://x", "Track": "sideways"}
    assert client.post("/Accounts/AC1/Streams", data=form, auth=BASIC).status_code == 400
    assert [e.split(":")[0] for e in last(mock).errors] == ["body.Url", "body.Track"]


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        (b'{"name": ', "application/json", "body: malformed application/json content"),
        (b'{"name": "w", "colour": 1}', "application/json", "('colour' was unexpected)"),
        (b'{"size": 0}', "application/json", "body.size: 0 is less than the minimum of 1"),
        (b"name=w", "application/x-www-form-urlencoded", "is not accepted"),
        (b"", "application/json", "body: required request body is missing"),
    ],
    ids=["malformed", "additional", "minimum", "content-type", "empty"],
)
def test_invalid_json_body_is_400(
    client: httpx.Client, content: bytes, content_type: str, expected: str
) -> None:
    response = client.post(
        "/widgets", content=content, headers={"content-type": content_type, "x-api-key": "k"}
    )
    assert response.status_code == 400
    assert expected in message(response)


def test_invalid_params_are_400_naming_them(client: httpx.Client) -> None:
    response = client.get("/widgets", params={"api_key": "k", "limit": "many", "active": "maybe"})
    assert response.status_code == 400
    assert "query.limit: 'many' is not a valid integer" in message(response)
    assert "query.active: 'maybe' is not a valid boolean" in message(response)
    too_big = client.get("/widgets", params={"api_key": "k", "limit": 1000})
    assert "query.limit: 1000 is greater than the maximum of 100" in message(too_big)
    assert "path.widgetId" in message(client.get("/widgets/seven"))


def test_malformed_requests_never_kill_the_server(
    mock: MockServer, client: httpx.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    not_utf8 = client.post(
        "/Accounts/AC1/Streams",
        content=b"Url=\xff\xfe",
        headers={"content-type": "application/x-www-form-urlencoded"},
        auth=BASIC,
    )
    assert not_utf8.status_code == 400
    odd_type = client.post(
        "/widgets",
        content=b"{}",
        headers={"content-type": "application/json; =;", "x-api-key": "k"},
    )
    assert odd_type.status_code == 400
    bad_length = raw_request(
        mock, b"POST /api/v1/widgets HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n"
    )
    assert bad_length.startswith(b"HTTP/1.1 400 ")
    chunked = raw_request(
        mock,
        b"POST /api/v1/widgets?api_key=k HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5\r\n{"nam\r\n8\r\ne": "w"}\r\n0\r\n\r\n',
    )
    assert chunked.startswith(b"HTTP/1.1 201 ")
    assert last(mock).json == {"name": "w"}
    assert client.get("/widgets/1").status_code == 200
    assert capfd.readouterr().err == ""


# ---- routing


def test_unknown_path_is_404_with_the_error_model(
    mock: MockServer, client: httpx.Client, http: httpx.Client
) -> None:
    response = client.get("/gadgets")
    assert response.status_code == 404
    body = response.json()
    assert body["status"] == 404 and body["code"] == 20404  # NotFound's example shape
    assert "GET /api/v1/gadgets" in body["message"]
    assert last(mock).operation_id is None and not last(mock).valid
    outside = http.get(mock.url.removesuffix("/api/v1") + "/widgets")
    assert outside.status_code == 404


def test_wrong_method_is_405_with_allow(client: httpx.Client) -> None:
    response = client.put("/widgets/7")
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET"
    assert response.json()["status"] == 405
    assert "PUT" in message(response)


def test_templated_segment_matches_one_segment_percent_decoded(
    mock: MockServer, client: httpx.Client
) -> None:
    response = client.post("/Accounts/A%2FB%20C/Streams", data={"Url": "wss://x"}, auth=BASIC)
    assert response.status_code == 200
    assert last(mock).path == "/api/v1/Accounts/A%2FB%20C/Streams"  # raw, as received
    assert client.post("/Accounts/A/B/Streams", data={"Url": "wss://x"}).status_code == 404


# ---- Prefer


def test_prefer_code_answers_the_documented_response(client: httpx.Client) -> None:
    response = client.get("/widgets/7", headers={"Prefer": "code=404"})
    assert response.status_code == 404
    assert response.json() == {
        "code": 20404,
        "message": "The requested resource was not found.",
        "more_info": "https://example.test/errors",
        "status": 404,
    }


def test_prefer_undocumented_code_or_example_is_a_400_naming_what_is_documented(
    client: httpx.Client,
) -> None:
    response = client.get("/widgets/7", headers={"Prefer": "code=418"})
    assert response.status_code == 400
    assert message(response).startswith("mock: Prefer: code=418 is not documented")
    response = client.post(
        "/widgets", json={"name": "w"}, headers={"X-Api-Key": "k", "Prefer": "example=huge"}
    )
    assert response.status_code == 400
    assert message(response) == (
        "mock: Prefer: example=huge is not an example of response 201 application/json"
        " (examples: small, large)"
    )


# ---- scripted answers


def test_scripted_503_then_normal(mock: MockServer, client: httpx.Client) -> None:
    mock.script(Scripted(status=503, body={"message": "down"}, headers={"Retry-After": "1"}))
    first = client.get("/widgets/7")
    assert first.status_code == 503
    assert first.json() == {"message": "down"}
    assert first.headers["retry-after"] == "1"
    second = client.get("/widgets/7")
    assert second.status_code == 200
    assert [r.valid for r in mock.requests] == [True, True]  # scripted requests are validated too


def test_scripted_match_waits_for_its_operation(client: httpx.Client, mock: MockServer) -> None:
    mock.script(Scripted(status=500, body="boom", match="deleteWidget"))
    assert client.get("/widgets/7").status_code == 200
    response = client.delete("/widgets/7")
    assert response.status_code == 500
    assert response.text == "boom"
    assert response.headers["content-type"].startswith("text/plain")
    assert client.delete("/widgets/7").status_code == 204


def test_scripted_delay(client: httpx.Client, mock: MockServer) -> None:
    mock.script(Scripted(delay=0.3, status=202))
    started = time.monotonic()
    response = client.get("/widgets/7")
    assert response.status_code == 202
    assert time.monotonic() - started >= 0.3
    with pytest.raises(httpx.ReadTimeout):
        mock.script(Scripted(delay=0.5))
        client.get("/widgets/7", timeout=0.1)


def test_scripted_reset_is_a_connection_error(
    mock: MockServer, client: httpx.Client, capfd: pytest.CaptureFixture[str]
) -> None:
    mock.script(Scripted(reset=True))
    with pytest.raises(httpx.TransportError):
        client.get("/widgets/7")
    assert client.get("/widgets/7").status_code == 200
    assert len(mock.requests) == 2
    assert capfd.readouterr().err == ""


# ---- recorded requests


def test_recorded_request_fields(mock: MockServer, client: httpx.Client) -> None:
    client.post(
        "/widgets",
        params={"api_key": "k", "trace": ""},
        json={"name": "ü"},
        headers={"X-Custom": "one"},
    )
    record = last(mock)
    assert record.method == "POST"
    assert record.path == "/api/v1/widgets"
    assert record.query == (("api_key", "k"), ("trace", ""))
    assert record.headers["x-custom"] == "one" and record.headers["X-CUSTOM"] == "one"
    assert record.headers["Content-Type"] == "application/json"
    assert record.body == '{"name":"ü"}'.encode()
    assert record.json == {"name": "ü"}
    assert record.form is None
    assert record.operation_id == "createWidget"
    assert record.valid and record.errors == ()


def test_requests_are_recorded_from_many_threads(mock: MockServer) -> None:
    def hit() -> None:
        with httpx.Client(base_url=mock.url, verify=False) as own:
            for _ in range(5):
                own.get("/widgets/1")

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(mock.requests) == 20


# ---- error model and synthesis, on small in-memory specs


def tiny_spec(**components: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "Tiny", "version": "1"},
        "paths": {
            "/things": {
                "post": {
                    "operationId": "makeThing",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "required": ["n"]},
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Node"}
                                }
                            },
                        },
                        **components.pop("responses", {}),
                    },
                }
            }
        },
        "components": {
            "schemas": {
                "Node": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string", "format": "uuid"},
                        "child": {"$ref": "#/components/schemas/Node"},
                        "size": {"type": "integer", "minimum": 3},
                    },
                    "required": ["id", "child", "size"],
                },
                **components.pop("schemas", {}),
            }
        },
    }


def test_without_error_schema_the_body_is_a_message(http: httpx.Client) -> None:
    with MockServer(tiny_spec()) as mock:
        assert mock.url.count("/") == 2  # no servers: no base path
        response = http.post(mock.url + "/things", json={})
    assert response.status_code == 400
    assert response.json() == {"message": "body: 'n' is a required property"}


def test_synthesis_bounds_recursion(http: httpx.Client) -> None:
    with MockServer(tiny_spec(), validate=False) as mock:
        response = http.post(mock.url + "/things", json={})
    assert response.status_code == 200  # validate=False: no request validation
    assert response.json() == {
        "id": "00000000-0000-0000-0000-000000000000",
        "child": None,  # Node -> Node is cut
        "size": 3,
    }


def test_nested_error_model_gets_the_message(http: httpx.Client) -> None:
    errors_schema = {
        "type": "object",
        "properties": {
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"detail": {"type": "string"}, "kind": {"type": "string"}},
                    "required": ["detail", "kind"],
                },
            },
            "StatusCode": {"type": "integer"},
        },
        "required": ["errors"],
    }
    responses = {
        "default": {
            "description": "error",
            "content": {"application/problem+json": {"schema": errors_schema}},
        }
    }
    with MockServer(tiny_spec(responses=responses)) as mock:
        response = http.post(mock.url + "/things", json={})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "errors": [{"detail": "body: 'n' is a required property", "kind": "string"}],
        "StatusCode": 400,
    }


# ---- serve()


def test_serve_prints_and_stops(http: httpx.Client) -> None:
    lines: list[str] = []
    ready, stop = threading.Event(), threading.Event()
    thread = threading.Thread(
        target=serve,
        args=(FIXTURE, "127.0.0.1", 0),
        kwargs={"echo": lines.append, "ready": ready, "stop": stop},
        daemon=True,
    )
    thread.start()
    try:
        assert ready.wait(10)
        first = lines[0]
        assert first.startswith(
            "mock: serving Mock Fixture API (5 operations) on http://127.0.0.1:"
        )
        url = first.rsplit(" ", 1)[1]
        assert url.endswith("/api/v1")
        assert http.get(url + "/widgets/7").status_code == 200
        assert http.put(url + "/widgets/7").status_code == 405
    finally:
        stop.set()
        thread.join(5)
    assert not thread.is_alive()
    assert lines[1] == f'mock: point clients at it with base_url="{url}"'
    assert lines[2] == "GET /api/v1/widgets/7 -> 200 getWidget"
    assert lines[3].startswith("PUT /api/v1/widgets/7 -> 405 - (method PUT is not allowed")
    with pytest.raises(httpx.ConnectError):
        http.get(url + "/widgets/7")


# ---- the project's own spec


@pytest.mark.skipif(not LAML.exists(), reason="specs/laml_streams.yaml not written yet")
def test_laml_streams_create_call_stream(http: httpx.Client) -> None:
    with MockServer(LAML) as mock:
        assert mock.url.endswith("/api/laml/2010-04-01")
        response = http.post(
            mock.url + "/Accounts/AC123/Calls/CA123/Streams",
            data={
                "Url": "wss://example.com/audio-stream",
                "Name": "my_first_stream",
                "Parameter1.Name": "customer_id",
                "Parameter1.Value": "12345",
            },
            auth=BASIC,
        )
        assert response.status_code == 200, response.text
        op = mock.spec["paths"]["/Accounts/{AccountSid}/Calls/{CallSid}/Streams"]["post"]
        assert response.json() == op["responses"]["200"]["content"]["application/json"]["example"]
        assert mock.requests[-1].operation_id == "createCallStream"
        assert mock.requests[-1].valid
        unauthenticated = http.post(mock.url + "/Accounts/AC123/Calls/CA123/Streams", data={})
        assert unauthenticated.status_code == 401
        assert unauthenticated.json()["status"] == 401
