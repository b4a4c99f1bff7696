"""The generated clients against a hostile or unusual server, over real loopback HTTP, sync and
async: deadlines that hold against a trickling server, secrets that never show (short ones
without mangling other text), headers refused before sending, a minted JWT renewed after
"token expired", redirects reported with their Location.

The runtime's own suite (tests/runtime/) covers each mechanism in detail; this module checks
they reach users through the generated packages and what those export.
"""

from __future__ import annotations

import asyncio
import base64
import importlib
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import laml_streams
import pytest
import stream_video
from laml_streams import AsyncLamlClient, LamlClient
from stream_video import AsyncVideoClient, VideoClient

from generator.pipeline import build
from generator.write import write_tree
from tests.runtime._server import Reply, ScriptedServer

GOLDEN = Path(__file__).parent / "golden"
STREAM_EXPIRED = {
    "code": 5,
    "message": 'DeleteCallType failed with error: "JWTAuth error: token is expired"',
    "StatusCode": 401,
    "duration": "0.52ms",
    "more_info": "https://getstream.io/chat/docs/api_errors_response",
    "details": [],
}


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture(params=["sync", "async"])
def run(request: pytest.FixtureRequest) -> Callable[..., Any]:
    """``run(Client, AsyncClient, kwargs, call)``: builds the sync or async client and applies
    ``call(client)`` to it (awaiting the result for the async one)."""

    def runner(sync_cls: Any, async_cls: Any, kwargs: dict[str, Any], call: Any) -> Any:
        if request.param == "sync":
            with sync_cls(**kwargs) as client:
                return call(client)

        async def go() -> Any:
            async with async_cls(**kwargs) as client:
                return await call(client)

        return asyncio.run(go())

    return runner


def _video(server: ScriptedServer, **overrides: Any) -> dict[str, Any]:
    return {"api_key": "k-7", "api_secret": "video-secret", "base_url": server.url, **overrides}


def _laml(server: ScriptedServer, **overrides: Any) -> dict[str, Any]:
    return {"project_id": "PJ1", "api_token": "tok", "base_url": server.url, **overrides}


def _jwt_payload(authorization: str) -> dict[str, Any]:
    payload = authorization.removeprefix("Bearer ").split(".")[1]
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert isinstance(decoded, dict)
    return decoded


# -- deadline --------------------------------------------------------------------------------------


def test_deadline_holds_against_a_trickling_server(
    run: Callable[..., Any], server: ScriptedServer
) -> None:
    stream = {"sid": "ST1", "call_sid": "CA1", "status": "stopped"}
    server.default = Reply.json({**stream, "padding": "x" * 200}, drip=0.05)
    started = time.monotonic()
    with pytest.raises(laml_streams.ApiTimeoutError) as info:
        run(
            LamlClient,
            AsyncLamlClient,
            _laml(server, timeout=1.0),
            lambda c: c.calls.streams.stop("CA1", "ST1", request_options={"deadline": 0.6}),
        )
    assert time.monotonic() - started < 1.0
    assert "deadline has passed" in str(info.value)


# -- secrets ---------------------------------------------------------------------------------------


def test_reprs_hide_a_password_in_base_url(server: ScriptedServer) -> None:
    base = server.url.replace("http://", "http://bob:hunter2@")
    with VideoClient(**_video(server, base_url=base)) as video, LamlClient(**_laml(server)) as laml:
        for client in (video, laml):
            assert "hunter2" not in repr(client)
            assert "hunter2" not in client.base_url
        assert repr(video) == f"VideoClient(base_url='{server.url.replace('//', '//***@')}')"


def test_error_objects_show_no_credentials(run: Callable[..., Any], server: ScriptedServer) -> None:
    server.default = Reply.json({**STREAM_EXPIRED, "code": 16, "message": "no such"}, status=404)
    with pytest.raises(stream_video.NotFoundError) as info:
        run(VideoClient, AsyncVideoClient, _video(server), lambda c: c.call_types.delete("x"))
    err = info.value
    sent = server.requests[0]
    jwt = sent.headers["authorization"].removeprefix("Bearer ")
    request = err.response.request
    shown = [str(err), repr(err), repr(request), str(request.url), repr(request.headers)]
    shown += list(request.headers.values())
    for text in shown:
        for secret in ("k-7", jwt, "video-secret"):
            assert secret not in text
    assert request.url.params["api_key"] == "***"
    assert request.headers["authorization"] == "Bearer ***"
    assert ("api_key", "k-7") in sent.query  # the real key did go out


@pytest.mark.parametrize("token", ["s", "ed", "1"])
def test_short_secret_does_not_mangle_the_message(
    run: Callable[..., Any], server: ScriptedServer, token: str
) -> None:
    body = {"code": 20003, "message": f"Connection refused: token {token} is not valid"}
    server.default = Reply.json(body, status=401)
    with pytest.raises(laml_streams.AuthenticationError) as info:
        run(
            LamlClient,
            AsyncLamlClient,
            _laml(server, api_token=token),
            lambda c: c.calls.streams.stop("CA1", "ST1"),
        )
    assert str(info.value) == (
        f"401 Unauthorized from POST {server.url}/Accounts/PJ1/Calls/CA1/Streams/ST1 "
        "(stopCallStream): Connection refused: token *** is not valid (code 20003)"
    )


# -- headers ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "options", "where"),
    [
        ({"token": "abc\r\nX-Evil: 1"}, None, "'Authorization' contains a line break"),
        ({}, {"extra_headers": {"X-Note": "caf\u00e9"}}, "'X-Note' contains a non-ASCII"),
    ],
    ids=["credential", "extra-header"],
)
def test_bad_header_is_refused_before_sending(
    run: Callable[..., Any],
    server: ScriptedServer,
    overrides: dict[str, str],
    options: dict[str, Any] | None,
    where: str,
) -> None:
    with pytest.raises(stream_video.RequestValidationError) as info:
        run(
            VideoClient,
            AsyncVideoClient,
            _video(server, **overrides),
            lambda c: c.call_types.delete("x", request_options=options),
        )
    assert f"DeleteCallType: header {where}" in str(info.value)
    assert "abc" not in str(info.value)
    assert server.requests == []


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("zoo_client")
    api, files = build(GOLDEN / "json_api" / "spec.yaml")
    write_tree(out / api.package, files)
    sys.path.insert(0, str(out / api.package))
    try:
        yield importlib.import_module("zoo")
    finally:
        sys.path.remove(str(out / api.package))
        for name in [n for n in sys.modules if n == "zoo" or n.startswith("zoo.")]:
            del sys.modules[name]


def test_header_parameter_with_a_line_break_is_refused(
    zoo: ModuleType, server: ScriptedServer
) -> None:
    client = zoo.ZooClient(token="t", api_key="k", base_url=server.url)
    with client, pytest.raises(zoo.RequestValidationError) as info:
        client.animals.list(x_trace="a\r\nX-Injected: 1")
    assert "header 'X-Trace' contains a line break" in str(info.value)
    assert "(a header parameter)" in str(info.value)
    assert server.requests == []


# -- JWT renewal -----------------------------------------------------------------------------------


def test_expired_minted_jwt_is_renewed_once(
    run: Callable[..., Any], server: ScriptedServer
) -> None:
    # The delay puts the renewal in a later second than the first token, so the new one differs.
    server.script(
        Reply.json(STREAM_EXPIRED, status=401, delay=1.05), Reply.json({"duration": "1ms"})
    )
    result = run(VideoClient, AsyncVideoClient, _video(server), lambda c: c.call_types.delete("x"))
    assert result.duration == "1ms"
    first, second = (r.headers["authorization"] for r in server.requests)
    assert first != second
    old, new = _jwt_payload(first), _jwt_payload(second)
    assert new["iat"] > old["iat"] and new["server"] is True
    assert new["iat"] < time.time() - 20  # minted with the clock-skew leeway


def test_user_given_token_is_not_renewed(run: Callable[..., Any], server: ScriptedServer) -> None:
    server.default = Reply.json(STREAM_EXPIRED, status=401)
    with pytest.raises(stream_video.AuthenticationError) as info:
        run(
            VideoClient,
            AsyncVideoClient,
            _video(server, token="user-minted", api_secret=None),
            lambda c: c.call_types.delete("x"),
        )
    assert info.value.attempts == 1
    assert len(server.requests) == 1


# -- redirects -------------------------------------------------------------------------------------


def test_redirect_is_a_typed_error_naming_the_location(
    run: Callable[..., Any], server: ScriptedServer
) -> None:
    server.default = Reply(307, headers={"Location": "https://other.example/moved"})
    with pytest.raises(laml_streams.RedirectError) as info:
        run(LamlClient, AsyncLamlClient, _laml(server), lambda c: c.calls.streams.stop("CA1", "S"))
    err = info.value
    assert isinstance(err, laml_streams.ApiStatusError)
    assert err.location == "https://other.example/moved"
    assert "redirected to https://other.example/moved; redirects are not followed" in str(err)
    assert len(server.requests) == 1
    assert stream_video.RedirectError.__name__ in stream_video.__all__
