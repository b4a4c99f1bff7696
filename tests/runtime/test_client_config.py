"""Client construction, per-call options, request bodies, parsing and lifetime."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pydantic
import pytest
from _harness import PACKAGE, VERSION, Harness, get, post
from _server import Reply, ScriptedServer
from runtime import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ApiResponse,
    ApiStatusError,
    AsyncApiClient,
    BearerAuth,
    NoAuth,
    RequestValidationError,
    ResponseValidationError,
    RetryConfig,
    SyncApiClient,
)
from runtime._response import _adapters


class Thing(pydantic.BaseModel):
    id: str
    size: int


def sync_client(**kwargs: Any) -> SyncApiClient:
    args: dict[str, Any] = {
        "base_url": "https://api.example.com",
        "auth": NoAuth(),
        "package": PACKAGE,
        "version": VERSION,
    }
    args.update(kwargs)
    return SyncApiClient(**args)


def test_user_agent_sent(harness: Harness) -> None:
    harness.request(get())
    agent = harness.server.requests[0].headers["user-agent"]
    assert re.fullmatch(r"acme_sdk/1\.2\.3 python-httpx/[\w.]+ Python/[\w.+]+", agent), agent


def test_default_headers_override_user_agent(harness: Harness) -> None:
    harness.request(get(), default_headers={"user-agent": "mine/1", "X-Tenant": "t1"})
    headers = harness.server.requests[0].headers
    assert headers["user-agent"] == "mine/1"
    assert headers["x-tenant"] == "t1"


def test_spec_headers_query_and_per_call_extras(harness: Harness) -> None:
    spec = get(query=(("page", "2"), ("tag", "a"), ("tag", "b")), headers=(("X-Op", "1"),))
    harness.request(
        spec,
        {
            "extra_headers": {"authorization": "Bearer override", "X-More": "m"},
            "extra_query": {"debug": "true"},
        },
        auth=BearerAuth("from-auth-token"),
    )
    received = harness.server.requests[0]
    assert received.query == [("page", "2"), ("tag", "a"), ("tag", "b"), ("debug", "true")]
    assert received.headers["x-op"] == "1"
    assert received.headers["x-more"] == "m"
    assert received.headers["authorization"] == "Bearer override"  # extras are applied last


def test_json_form_and_null_bodies(harness: Harness) -> None:
    harness.request(post(json={"name": "ü", "n": [1, None]}))
    harness.request(post(json=None))
    harness.request(post(form=(("To", "+1 555"), ("Url", "https://x/y?z=1"))))
    harness.request(get())
    first, null, form, empty = harness.server.requests
    assert first.headers["content-type"] == "application/json"
    assert json.loads(first.body) == {"name": "ü", "n": [1, None]}
    assert null.body == b"null"
    assert form.headers["content-type"] == "application/x-www-form-urlencoded"
    assert form.body == b"To=%2B1+555&Url=https%3A%2F%2Fx%2Fy%3Fz%3D1"
    assert empty.body == b"" and "content-type" not in empty.headers


def test_unencodable_json_refused_before_sending(harness: Harness) -> None:
    with pytest.raises(RequestValidationError) as info:
        harness.request(post(json={"x": float("nan")}))
    assert info.value.attempts == 0
    assert harness.server.requests == []


def test_redirects_are_not_followed(harness: Harness) -> None:
    harness.server.script(Reply(302, headers={"Location": "/elsewhere"}))
    with pytest.raises(ApiStatusError) as info:
        harness.request(get())
    assert info.value.status_code == 302
    assert len(harness.server.requests) == 1


def test_parse_models(harness: Harness) -> None:
    harness.server.script(
        Reply.json({"id": "a", "size": 1}),
        Reply.json([{"id": "a", "size": 1}, {"id": "b", "size": "2"}]),
        Reply(204),
        Reply(200, b"hello", {"Content-Type": "text/plain"}),
    )
    one = harness.call(get(), Thing)
    assert one.data == Thing(id="a", size=1)
    many = harness.call(get(), list[Thing])
    assert [t.size for t in many.data] == [1, 2]
    assert harness.call(get(), None).data is None
    assert harness.call(get(), str).data == "hello"
    assert list[Thing] in _adapters  # TypeAdapters are built once per type


def test_parse_mismatch_raises_response_validation_error(harness: Harness) -> None:
    harness.server.script(Reply.json({"id": "a", "size": "big"}, headers={"x-request-id": "R"}))
    with pytest.raises(ResponseValidationError) as info:
        harness.call(get(), Thing)
    err = info.value
    assert str(err).startswith(
        f"200 response does not match Thing from GET {harness.server.url}/things (getThing): size:"
    )
    assert str(err).endswith("[request id R]")
    assert isinstance(err.__cause__, pydantic.ValidationError)
    assert err.response.status_code == 200


def test_api_response_without_client_record() -> None:
    response = httpx.Response(201, json={"id": "x", "size": 3}, headers={"request-id": "q"})
    raw = ApiResponse(response, Thing(id="x", size=3))
    assert (raw.status_code, raw.attempts, raw.request_id) == (201, 1, "q")
    assert raw.headers["content-type"] == "application/json"
    assert raw.http_response is response
    assert repr(raw) == "ApiResponse(status_code=201, data=Thing, attempts=1, request_id='q')"


def test_base_url_handling() -> None:
    client = sync_client(base_url="https://api.example.com/v1/")
    assert client.base_url == "https://api.example.com/v1"
    client.close()
    for bad in ("api.example.com", "ftp://h/", "https://h/?x=1", "/relative"):
        with pytest.raises(ValueError):
            sync_client(base_url=bad)


def test_defaults() -> None:
    client = sync_client()
    try:
        assert client.timeout == DEFAULT_TIMEOUT == httpx.Timeout(60.0, connect=5.0)
        assert client.max_retries == DEFAULT_MAX_RETRIES == 2
        assert client._http.timeout == DEFAULT_TIMEOUT
        assert client._http.follow_redirects is False
        assert str(client._http.base_url) == "https://api.example.com"
    finally:
        client.close()


def test_max_retries_and_retry_config() -> None:
    assert sync_client(max_retries=5).max_retries == 5
    assert sync_client(retry=RetryConfig(max_retries=4)).max_retries == 4
    assert sync_client(max_retries=0, retry=RetryConfig(max_retries=4)).max_retries == 0
    with pytest.raises(ValueError):
        sync_client(max_retries=-1)


def test_negative_per_call_max_retries_refused(harness: Harness) -> None:
    with pytest.raises(ValueError):
        harness.request(get(), {"max_retries": -1})


def test_sync_context_manager_closes_owned_client() -> None:
    with sync_client() as client:
        inner = client._http
    assert inner.is_closed


def test_async_context_manager_closes_owned_client() -> None:
    async def run() -> httpx.AsyncClient:
        async with AsyncApiClient(
            base_url="https://api.example.com", auth=NoAuth(), package=PACKAGE, version=VERSION
        ) as client:
            return client._http

    assert asyncio.run(run()).is_closed


def test_injected_sync_client_stays_open(server: ScriptedServer) -> None:
    with httpx.Client() as http:
        client = sync_client(base_url=server.url + "/v2", http_client=http)
        client.request(get())
        client.close()
        assert not http.is_closed
        client.request(get())  # still usable
    first = server.requests[0]
    assert first.target == "/v2/things"
    assert first.headers["user-agent"].startswith("acme_sdk/1.2.3 ")


def test_injected_client_keeps_its_own_user_agent(server: ScriptedServer) -> None:
    with httpx.Client(headers={"User-Agent": "corp-proxy-agent/9"}) as http:
        sync_client(base_url=server.url, http_client=http).request(get())
    assert server.requests[0].headers["user-agent"] == "corp-proxy-agent/9"


def test_injected_async_client_stays_open(server: ScriptedServer) -> None:
    async def run() -> bool:
        async with httpx.AsyncClient() as http:
            client = AsyncApiClient(
                base_url=server.url,
                auth=NoAuth(),
                package=PACKAGE,
                version=VERSION,
                http_client=http,
            )
            response = await client.request(get())
            assert response.status_code == 200
            await client.aclose()
            return http.is_closed

    assert asyncio.run(run()) is False


def test_timeout_applies_through_injected_client(server: ScriptedServer) -> None:
    server.script(Reply.json({}, delay=2.0))
    with httpx.Client(timeout=30) as http:
        client = sync_client(base_url=server.url, http_client=http, timeout=0.1, max_retries=0)
        with pytest.raises(Exception, match="Timeout"):
            client.request(get())


def test_runtime_works_when_copied_into_a_package(tmp_path: Path) -> None:
    """Copied verbatim as ``<pkg>/_runtime``: relative imports only, no package name baked in."""
    source = Path(__file__).resolve().parents[2] / "templates" / "runtime"
    package = tmp_path / "some_sdk"
    package.mkdir()
    (package / "__init__.py").write_text("")
    shutil.copytree(source, package / "_runtime", ignore=shutil.ignore_patterns("__pycache__"))
    code = (
        "import some_sdk._runtime as r, sys;"
        "assert 'runtime' not in sys.modules;"
        "c = r.SyncApiClient(base_url='https://h', auth=r.NoAuth(), package='some_sdk',"
        " version='0'); print(repr(c)); c.close()"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "SyncApiClient(package='some_sdk', base_url='https://h')"


def test_parse_response_built_without_request() -> None:
    client = sync_client()
    try:
        with pytest.raises(ResponseValidationError, match=r"^200 response does not match Thing"):
            client.parse(httpx.Response(200, json={"id": 1}), Thing)
        assert client.parse(httpx.Response(200, json={"id": "a", "size": 2}), Thing).size == 2
        assert client.parse(httpx.Response(200, content=b"\x00\x01"), bytes) == b"\x00\x01"
    finally:
        client.close()
