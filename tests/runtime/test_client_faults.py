"""Fault injection over real loopback HTTP, each test through the sync and the async client."""

from __future__ import annotations

import email.utils
import itertools
import time

import pytest
from _harness import Harness, get, post
from _server import Fault, Reply, ScriptedServer
from runtime import (
    ApiConnectionError,
    ApiKeyAuth,
    ApiResponse,
    ApiStatusError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    BearerAuth,
    InternalServerError,
    JwtServerAuth,
    NotFoundError,
    RateLimitError,
    RedirectError,
    RequestSpec,
    RetryConfig,
)
from runtime._response import call_info


def test_503_then_200_is_retried(harness: Harness) -> None:
    harness.server.script(Reply(503), Reply.json({"id": "t1"}))
    response = harness.request(get())
    assert response.json() == {"id": "t1"}
    assert call_info(response).attempts == 2
    assert harness.timing.sleeps == [0.5]
    assert len(harness.server.requests) == 2


def test_429_retry_after_seconds(harness: Harness) -> None:
    harness.server.script(Reply(429, headers={"Retry-After": "3"}), Reply.json({}))
    response = harness.request(get())
    assert response.status_code == 200
    assert harness.timing.sleeps == [3.0]


def test_429_retry_after_http_date(harness: Harness) -> None:
    when = email.utils.formatdate(time.time() + 5, usegmt=True)
    harness.server.script(Reply(429, headers={"Retry-After": when}), Reply.json({}))
    harness.request(get())
    [slept] = harness.timing.sleeps
    assert 3.5 <= slept <= 5.0  # HTTP dates have whole-second precision


def test_retry_after_ms(harness: Harness) -> None:
    harness.server.script(Reply(503, headers={"retry-after-ms": "250"}), Reply.json({}))
    harness.request(get())
    assert harness.timing.sleeps == [0.25]


def test_retry_after_beyond_cap_gives_up_and_says_why(harness: Harness) -> None:
    harness.server.script(Reply(429, headers={"Retry-After": "120"}))
    with pytest.raises(RateLimitError) as info:
        harness.request(get())
    err = info.value
    assert err.attempts == 1
    assert err.retryable is True
    assert harness.timing.sleeps == []
    assert "server asked to wait 120s, more than max_retry_after=60s" in str(err)


def test_500_until_budget_spent(harness: Harness) -> None:
    harness.server.default = Reply(500)
    with pytest.raises(InternalServerError) as info:
        harness.request(get(), max_retries=3)
    err = info.value
    assert err.attempts == 4
    assert err.retryable is True
    assert len(harness.server.requests) == 4
    assert harness.timing.sleeps == [0.5, 1.0, 2.0]  # exponential, jitter hook returns 0
    assert "gave up after 4 attempts" in str(err)


def test_backoff_is_capped_at_max_delay(harness: Harness) -> None:
    harness.server.default = Reply(502)
    retry = harness.timing.config(max_retries=5, initial_delay=1.0, max_delay=3.0)
    with pytest.raises(InternalServerError):
        harness.request(get(), retry=retry)
    assert harness.timing.sleeps == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_jitter_takes_off_up_to_its_fraction(harness: Harness) -> None:
    harness.server.script(Reply(500), Reply.json({}))
    harness.request(get(), retry=harness.timing.config(random=lambda: 0.5, jitter=0.4))
    assert harness.timing.sleeps == [pytest.approx(0.5 * (1 - 0.4 * 0.5))]


def test_non_idempotent_post_not_retried_on_500(harness: Harness) -> None:
    harness.server.default = Reply(500)
    with pytest.raises(InternalServerError) as info:
        harness.request(post(json={"a": 1}))
    err = info.value
    assert err.attempts == 1
    assert err.retryable is False
    assert len(harness.server.requests) == 1
    assert "not idempotent" in str(err)


def test_idempotent_post_is_retried_on_500(harness: Harness) -> None:
    harness.server.script(Reply(500), Reply.json({}))
    harness.request(post(idempotent=True))
    assert len(harness.server.requests) == 2


@pytest.mark.parametrize(("status", "retried"), [(429, True), (503, True), (500, False)])
def test_non_idempotent_retried_only_on_refusal_with_retry_after(
    harness: Harness, status: int, retried: bool
) -> None:
    harness.server.script(Reply(status, headers={"Retry-After": "1"}), Reply.json({}))
    if retried:
        harness.request(post())
        assert harness.timing.sleeps == [1.0]
    else:
        with pytest.raises(ApiStatusError):
            harness.request(post())
        assert harness.timing.sleeps == []


def test_non_idempotent_503_without_retry_after_not_retried(harness: Harness) -> None:
    harness.server.script(Reply(503))
    with pytest.raises(InternalServerError) as info:
        harness.request(post())
    assert info.value.attempts == 1


def test_non_idempotent_post_retried_on_connect_error(harness: Harness) -> None:
    closed = ScriptedServer(listen=False)  # bound, not listening: connections are refused
    try:
        harness.server = closed
        harness.timing.on_sleep = closed.start  # the "server" comes up while we back off
        response = harness.request(post(json={"n": 1}))
        assert response.status_code == 200
        assert call_info(response).attempts == 2
        assert len(closed.requests) == 1  # the first attempt never arrived
        assert closed.requests[0].body == b'{"n":1}'
    finally:
        closed.close()


def test_connect_error_when_nothing_listens(harness: Harness) -> None:
    closed = ScriptedServer(listen=False)
    try:
        harness.server = closed
        with pytest.raises(ApiConnectionError) as info:
            harness.request(get(), max_retries=1)
    finally:
        closed.close()
    err = info.value
    assert not isinstance(err, ApiTimeoutError)
    assert err.attempts == 2
    assert err.retryable is True
    assert "Connection error from GET" in str(err)
    assert isinstance(err.__cause__, Exception)


FAULTS: list[Fault] = ["close", "reset", "partial_headers", "partial_body"]


@pytest.mark.parametrize("fault", FAULTS)
def test_connection_dropped_mid_response_is_retried_when_idempotent(
    harness: Harness, fault: Fault
) -> None:
    harness.server.script(Reply.json({"x": "y" * 50}, fault=fault), Reply.json({"ok": True}))
    response = harness.request(get())
    assert response.json() == {"ok": True}
    assert call_info(response).attempts == 2


@pytest.mark.parametrize("fault", FAULTS)
def test_connection_dropped_mid_response_not_retried_when_not_idempotent(
    harness: Harness, fault: Fault
) -> None:
    harness.server.script(Reply.json({"x": "y" * 50}, fault=fault))
    with pytest.raises(ApiConnectionError) as info:
        harness.request(post())
    err = info.value
    assert type(err) is ApiConnectionError
    assert err.attempts == 1
    assert err.retryable is False
    assert len(harness.server.requests) == 1


def test_read_timeout(harness: Harness) -> None:
    harness.server.script(Reply.json({}, delay=2.0))
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError) as info:
        harness.request(get(), max_retries=0, timeout=0.1)
    assert time.monotonic() - started < 1.5
    err = info.value
    assert isinstance(err, ApiConnectionError)
    assert err.attempts == 1
    assert err.retryable is True
    assert "ReadTimeout" in str(err)


def test_read_timeout_retried_when_idempotent(harness: Harness) -> None:
    harness.server.script(Reply.json({}, delay=2.0), Reply.json({"ok": 1}))
    response = harness.request(get(), timeout=0.1)
    assert response.json() == {"ok": 1}


def test_read_timeout_not_retried_when_not_idempotent(harness: Harness) -> None:
    harness.server.script(Reply.json({}, delay=2.0))
    with pytest.raises(ApiTimeoutError) as info:
        harness.request(post(), timeout=0.1)
    assert info.value.attempts == 1
    assert info.value.retryable is False


def test_per_call_timeout_overrides_client(harness: Harness) -> None:
    harness.server.script(Reply.json({"slow": True}, delay=0.2))
    response = harness.request(get(), {"timeout": 5.0}, timeout=0.05, max_retries=0)
    assert response.json() == {"slow": True}


def test_per_call_max_retries_zero(harness: Harness) -> None:
    harness.server.default = Reply(503)
    with pytest.raises(InternalServerError) as info:
        harness.request(get(), {"max_retries": 0})
    err = info.value
    assert err.attempts == 1
    assert err.retryable is True
    assert "retries disabled" in str(err)
    assert len(harness.server.requests) == 1


def test_per_call_max_retries_raises_the_budget(harness: Harness) -> None:
    harness.server.script(Reply(500), Reply(500), Reply(500), Reply.json({}))
    response = harness.request(get(), {"max_retries": 3}, max_retries=0)
    assert call_info(response).attempts == 4


def test_deadline_stops_retrying(harness: Harness) -> None:
    harness.server.default = Reply(500)
    retry = harness.timing.config(max_retries=10, initial_delay=1.0, deadline=2.5)
    with pytest.raises(InternalServerError) as info:
        harness.request(get(), retry=retry)
    err = info.value
    # waits 1s, then the next 2s wait would end at 3s > 2.5s
    assert harness.timing.sleeps == [1.0]
    assert err.attempts == 2
    assert "deadline" in str(err)


def test_per_call_deadline(harness: Harness) -> None:
    harness.server.default = Reply(500)
    with pytest.raises(InternalServerError) as info:
        harness.request(get(), {"deadline": 0.6, "max_retries": 10})
    assert harness.timing.sleeps == [0.5]
    assert info.value.attempts == 2


def test_deadline_bounds_a_slow_attempt(harness: Harness) -> None:
    # Real clock: the deadline must cut the attempt short even though the timeout is long.
    harness.server.script(Reply.json({}, delay=3.0))
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError):
        harness.request(get(), {"deadline": 0.2}, timeout=30.0, retry=None)
    assert time.monotonic() - started < 2.0


def test_404_is_not_retried(harness: Harness) -> None:
    harness.server.script(Reply.json({"message": "nope"}, status=404))
    with pytest.raises(NotFoundError) as info:
        harness.request(get())
    assert info.value.attempts == 1
    assert info.value.retryable is False


def test_malformed_json_error_body(harness: Harness) -> None:
    raw = b'{"message": "bad input", "code": '
    harness.server.script(Reply(400, raw, {"Content-Type": "application/json"}))
    with pytest.raises(BadRequestError) as info:
        harness.request(post())
    err = info.value
    assert err.body is None
    assert err.text == raw.decode()
    assert err.error is None
    assert str(err).endswith(raw.decode().strip())


def test_html_error_page(harness: Harness) -> None:
    page = (
        "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
        "</h1></center><hr><center>nginx</center>" + "<!-- padding -->" * 200 + "</body></html>"
    )
    harness.server.script(Reply(502, page.encode(), {"Content-Type": "text/html"}))
    with pytest.raises(InternalServerError) as info:
        harness.request(get(), {"max_retries": 0})
    err = info.value
    assert err.status_code == 502
    assert err.text == page
    assert err.body is None
    assert str(err).startswith("502 Bad Gateway from GET http://127.0.0.1:")
    assert ": 502 Bad Gateway (retries disabled)" in str(err)
    assert len(str(err)) < 300


def test_long_plain_text_body_is_truncated_in_message_only(harness: Harness) -> None:
    body = "upstream exploded " * 500
    harness.server.script(Reply(500, body.encode(), {"Content-Type": "text/plain"}))
    with pytest.raises(InternalServerError) as info:
        harness.request(post())
    err = info.value
    assert err.text == body
    assert len(str(err)) < 500
    assert "upstream exploded upstream" in str(err)
    assert "..." in str(err)


def test_message_format(harness: Harness) -> None:
    harness.server.script(
        Reply.json(
            {"code": 20404, "message": "The requested resource was not found"},
            status=404,
            headers={"X-Request-Id": "RQ42"},
        )
    )
    spec = RequestSpec(
        method="POST",
        path="/Accounts/AC1/Calls/CA1/Streams/x",
        operation_id="createCallStream",
        idempotent=False,
    )
    with pytest.raises(NotFoundError) as info:
        harness.request(spec)
    err = info.value
    assert str(err) == (
        f"404 Not Found from POST {harness.server.url}/Accounts/AC1/Calls/CA1/Streams/x "
        "(createCallStream): The requested resource was not found (code 20404) [request id RQ42]"
    )
    assert err.request_id == "RQ42"
    assert err.method == "POST"
    assert err.operation_id == "createCallStream"
    assert err.body == {"code": 20404, "message": "The requested resource was not found"}


def test_success_after_retries_reports_attempts_in_api_response(harness: Harness) -> None:
    harness.server.script(Reply(500), Reply(500), Reply.json({"a": 1}, headers={"request-id": "r"}))
    raw: ApiResponse[dict[str, int]] = harness.call(get(), dict[str, int])
    assert raw.data == {"a": 1}
    assert raw.attempts == 3
    assert raw.status_code == 200
    assert raw.request_id == "r"
    assert raw.elapsed == pytest.approx(1.5)  # fake clock: the two waits


def test_credentials_applied_fresh_on_every_attempt(harness: Harness) -> None:
    class CountingAuth:
        calls = 0

        def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
            self.calls += 1
            headers["Authorization"] = f"Bearer token-{self.calls}"

        def secrets(self) -> tuple[str, ...]:
            return tuple(f"token-{n}" for n in range(1, self.calls + 1))

        def secret_query_params(self) -> frozenset[str]:
            return frozenset()

    auth = CountingAuth()
    harness.server.script(Reply(503), Reply.json({}))
    harness.request(get(), auth=auth)
    sent = [r.headers["authorization"] for r in harness.server.requests]
    assert sent == ["Bearer token-1", "Bearer token-2"]


def test_default_sleep_and_clock_hooks(harness: Harness) -> None:
    """The real time.sleep / anyio.sleep / monotonic defaults, with tiny delays."""
    harness.server.script(Reply(500), Reply.json({"ok": True}))
    retry = RetryConfig(initial_delay=0.01, max_delay=0.01)
    started = time.monotonic()
    response = harness.request(get(), retry=retry)
    assert response.json() == {"ok": True}
    assert 0.007 <= time.monotonic() - started < 1.0


# -- redirects are not followed ---------------------------------------------------------------------


def test_redirect_is_an_error_naming_the_location(harness: Harness) -> None:
    auth = ApiKeyAuth("api_key", "k-7", "query")
    harness.server.script(Reply(302, headers={"Location": "/v2/things?api_key=k-7&page=2"}))
    with pytest.raises(RedirectError) as info:
        harness.request(get(), auth=auth)
    err = info.value
    assert err.location == f"{harness.server.url}/v2/things?api_key=***&page=2"
    assert str(err) == (
        f"302 Found from GET {harness.server.url}/things?api_key=*** (getThing): redirected to "
        f"{harness.server.url}/v2/things?api_key=***&page=2; redirects are not followed"
    )
    assert err.attempts == 1 and err.retryable is False
    assert len(harness.server.requests) == 1  # not followed, not retried


def test_redirect_to_another_host_and_without_location(harness: Harness) -> None:
    harness.server.script(
        Reply(301, headers={"Location": "https://elsewhere.example/x"}), Reply(304)
    )
    with pytest.raises(RedirectError) as info:
        harness.request(get())
    assert info.value.location == "https://elsewhere.example/x"
    with pytest.raises(RedirectError) as info:
        harness.request(get())
    assert info.value.location is None
    assert "no Location header; redirects are not followed" in str(info.value)


# -- a minted JWT the server calls expired is renewed once --------------------------------------

STREAM_EXPIRED = {
    "code": 5,
    "message": 'GetCall failed with error: "JWTAuth error: token is expired"',
    "StatusCode": 401,
}


def _ticking_jwt() -> JwtServerAuth:
    # Ten seconds pass between any two readings, so every minted token differs.
    ticks = itertools.count(1_700_000_000, 10)
    return JwtServerAuth("api-secret", clock=lambda: float(next(ticks)))


@pytest.mark.parametrize("spec", [get(), post()], ids=["idempotent", "not-idempotent"])
def test_expired_jwt_is_renewed_and_the_request_repeated(
    harness: Harness, spec: RequestSpec
) -> None:
    harness.server.script(Reply.json(STREAM_EXPIRED, status=401), Reply.json({"ok": True}))
    response = harness.request(spec, {"max_retries": 0}, auth=_ticking_jwt())
    assert response.json() == {"ok": True}
    first, second = (r.headers["authorization"] for r in harness.server.requests)
    assert first != second and second.startswith("Bearer ")
    assert call_info(response).attempts == 2


def test_jwt_renewal_happens_once_per_call(harness: Harness) -> None:
    harness.server.default = Reply.json(STREAM_EXPIRED, status=401)
    with pytest.raises(AuthenticationError) as info:
        harness.request(get(), auth=_ticking_jwt())
    assert info.value.attempts == 2
    assert len(harness.server.requests) == 2
    assert "token is expired" in str(info.value)


def test_other_401_is_not_repeated(harness: Harness) -> None:
    harness.server.script(Reply.json({"message": "signature is invalid"}, status=401))
    with pytest.raises(AuthenticationError):
        harness.request(get(), auth=_ticking_jwt())
    assert len(harness.server.requests) == 1


def test_user_given_token_is_not_renewed(harness: Harness) -> None:
    harness.server.script(Reply.json(STREAM_EXPIRED, status=401))
    with pytest.raises(AuthenticationError) as info:
        harness.request(get(), auth=BearerAuth("user-minted"))
    assert info.value.attempts == 1
    assert len(harness.server.requests) == 1


def test_renewal_does_not_use_up_the_retry_budget(harness: Harness) -> None:
    harness.server.script(
        Reply.json(STREAM_EXPIRED, status=401), Reply(503), Reply(503), Reply.json({})
    )
    response = harness.request(get(), auth=_ticking_jwt(), max_retries=2)
    assert call_info(response).attempts == 4
    assert harness.timing.sleeps == [0.0, 0.5, 1.0]
