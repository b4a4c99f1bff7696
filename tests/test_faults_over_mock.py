"""Faults injected by the project's mock server (the one `python -m generator mock` runs), met by a
generated client over real loopback HTTP, sync and async.

The runtime's own suite (tests/runtime/) covers the wire-level corner cases a spec-driven mock
cannot express (half-sent headers, FIN versus RST); this module checks the same behaviours end to end
through a generated package and the mock users get.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from laml_streams import (
    ApiConnectionError,
    ApiTimeoutError,
    AsyncLamlClient,
    InternalServerError,
    LamlClient,
    RetryConfig,
)

from generator.mock import MockServer, Scripted

SPEC = Path(__file__).resolve().parents[1] / "specs" / "laml_streams.yaml"
SECRET = "tok-9f8e7d"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def mock(mock_server: Callable[[Path], MockServer]) -> MockServer:
    return mock_server(SPEC)


@pytest.fixture(params=["sync", "async"])
def call(request: pytest.FixtureRequest, mock: MockServer) -> Callable[..., Any]:
    """Runs `client.calls.streams.<method>(...)` on a sync or async client; returns (result, sleeps)."""
    sleeps: list[float] = []

    async def pause(seconds: float) -> None:
        sleeps.append(seconds)

    retry = RetryConfig(max_retries=2, sleep=sleeps.append, async_sleep=pause)

    async def run(method: str, *args: Any, timeout: float = 5.0, **kwargs: Any) -> Any:
        options = {"base_url": mock.url, "project_id": "PJ1", "api_token": SECRET, "retry": retry}
        if request.param == "sync":
            with LamlClient(timeout=timeout, **options) as client:
                return getattr(client.calls.streams, method)(*args, **kwargs), sleeps
        async with AsyncLamlClient(timeout=timeout, **options) as aclient:
            return await getattr(aclient.calls.streams, method)(*args, **kwargs), sleeps

    return run


@pytest.mark.anyio
async def test_reset_mid_response_is_retried_for_an_idempotent_call(
    call: Callable[..., Any], mock: MockServer
) -> None:
    mock.script(Scripted(reset=True, match="stopCallStream"))
    stream, sleeps = await call("stop", "CA1", "ST1")
    assert stream.sid
    assert len(sleeps) == 1
    assert [r.operation_id for r in mock.requests] == ["stopCallStream", "stopCallStream"]


@pytest.mark.anyio
async def test_reset_mid_response_is_not_retried_for_a_create(
    call: Callable[..., Any], mock: MockServer
) -> None:
    mock.script(Scripted(reset=True, match="createCallStream"))
    with pytest.raises(ApiConnectionError) as caught:
        await call("create", "CA1", url="wss://example.com/a")
    assert caught.value.attempts == 1
    assert len(mock.requests) == 1


@pytest.mark.anyio
async def test_slow_server_hits_the_read_timeout(
    call: Callable[..., Any], mock: MockServer
) -> None:
    mock.script(*[Scripted(delay=1.0, match="createCallStream")] * 3)
    with pytest.raises(ApiTimeoutError):
        await call("create", "CA1", url="wss://example.com/a", timeout=0.2)


@pytest.mark.anyio
async def test_html_error_page_keeps_its_text(call: Callable[..., Any], mock: MockServer) -> None:
    page = "<html><body><h1>502 Bad Gateway</h1></body></html>"
    mock.script(*[Scripted(status=502, body=page, headers={"Content-Type": "text/html"})] * 3)
    with pytest.raises(InternalServerError) as caught:
        await call("stop", "CA1", "ST1")
    error = caught.value
    assert error.status_code == 502
    assert error.text == page
    assert error.body is None and error.error is None
    assert error.attempts == 3 and error.retryable is True


@pytest.mark.anyio
async def test_malformed_json_error_body_keeps_its_text(
    call: Callable[..., Any], mock: MockServer
) -> None:
    broken = '{"code": 21205, "message": "bad'
    mock.script(Scripted(status=400, body=broken, headers={"Content-Type": "application/json"}))
    with pytest.raises(Exception) as caught:
        await call("create", "CA1", url="wss://example.com/a")
    assert type(caught.value).__name__ == "BadRequestError"
    assert caught.value.text == broken  # type: ignore[attr-defined]
    assert caught.value.error is None  # type: ignore[attr-defined]


@pytest.mark.anyio
async def test_secrets_never_reach_logs_or_errors(
    call: Callable[..., Any], mock: MockServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mock.script(*[Scripted(status=503, body={"message": f"echo {SECRET}"})] * 3)
    with pytest.raises(InternalServerError) as caught:
        await call("stop", "CA1", "ST1")
    assert SECRET not in caplog.text
    assert SECRET not in str(caught.value)
    assert "laml_streams" in {r.name for r in caplog.records}
    assert httpx.BasicAuth("PJ1", SECRET)._auth_header.split()[1] not in caplog.text  # type: ignore[attr-defined]
