"""A call's ``deadline`` bounds the whole call on the real clock: connecting, sending, waiting for
and reading the response (headers and body), and the waits between attempts.

The servers here drip their reply one byte at a time, faster than the read timeout, which no
per-read timeout can catch; each test checks the call ends close to its deadline.
"""

from __future__ import annotations

import time

import httpx
import pytest
from _harness import Harness, get, post
from _server import Reply, ScriptedServer
from runtime import ApiTimeoutError, InternalServerError, NoAuth, RetryConfig, SyncApiClient

# Long enough that a call running to the end of the reply would take seconds.
BODY = {"items": ["x" * 20] * 10}
DRIP = 0.05
DEADLINE = 0.6
# Slack for a loaded machine: the loop notices the deadline within one drip interval.
SLACK = 0.4


def _timed(harness: Harness, *args: object, **kwargs: object) -> tuple[float, ApiTimeoutError]:
    started = time.monotonic()
    with pytest.raises(ApiTimeoutError) as info:
        harness.request(*args, **kwargs)  # type: ignore[arg-type]
    return time.monotonic() - started, info.value


def test_dripping_body_is_cut_at_the_deadline(harness: Harness) -> None:
    harness.server.script(Reply.json(BODY, drip=DRIP))
    elapsed, err = _timed(harness, get(), {"deadline": DEADLINE}, timeout=1.0, retry=None)
    assert DEADLINE - 0.05 <= elapsed < DEADLINE + SLACK
    assert err.attempts == 1
    assert "no complete response within the deadline" in str(err)
    assert f"the {DEADLINE:g}s deadline has passed" in str(err)


def test_dripping_headers_are_cut_at_the_deadline(harness: Harness) -> None:
    harness.server.script(Reply.json(BODY, drip=DRIP, drip_headers=True))
    elapsed, err = _timed(harness, get(), {"deadline": DEADLINE}, timeout=1.0, retry=None)
    assert DEADLINE - 0.05 <= elapsed < DEADLINE + SLACK
    assert err.attempts == 1


def test_client_wide_deadline_with_retries_left(harness: Harness) -> None:
    # Every attempt would drip for seconds; the deadline covers all of them together.
    harness.server.default = Reply.json(BODY, drip=DRIP)
    retry = RetryConfig(max_retries=5, initial_delay=0.01, max_delay=0.01, deadline=DEADLINE)
    elapsed, err = _timed(harness, get(), timeout=1.0, retry=retry)
    assert elapsed < DEADLINE + SLACK
    assert err.retryable is True
    assert "deadline has passed" in str(err)


def test_timeout_still_fires_before_the_deadline(harness: Harness) -> None:
    # The deadline cuts timeouts short; it never lengthens them.
    harness.server.script(Reply.json({}, delay=2.0))
    elapsed, err = _timed(
        harness, get(), {"deadline": 5.0, "max_retries": 0}, timeout=0.1, retry=None
    )
    assert elapsed < 1.0
    assert "ReadTimeout" in str(err)


def test_a_fast_response_within_the_deadline_is_untouched(harness: Harness) -> None:
    harness.server.script(Reply.json({"a": 1}, drip=0.001))
    response = harness.request(get(), {"deadline": 5.0}, retry=None)
    assert response.json() == {"a": 1}


def test_non_idempotent_call_cut_by_the_deadline_is_not_retryable(harness: Harness) -> None:
    harness.server.script(Reply.json(BODY, drip=DRIP))
    elapsed, err = _timed(harness, post(), {"deadline": DEADLINE}, timeout=1.0, retry=None)
    assert elapsed < DEADLINE + SLACK
    assert err.retryable is False
    assert len(harness.server.requests) == 1


def _injected(server: ScriptedServer, http: httpx.Client) -> SyncApiClient:
    return SyncApiClient(
        base_url=server.url, auth=NoAuth(), package="acme_sdk", version="1", http_client=http
    )


@pytest.mark.parametrize(
    "reply",
    [
        Reply.json(BODY, drip=DRIP),
        Reply.json(BODY, drip=DRIP, drip_headers=True),
        Reply.json({}, delay=3.0),  # a read waiting longer than the deadline, within its timeout
    ],
    ids=["body", "headers", "silence"],
)
def test_injected_sync_client_is_cut_at_the_deadline(server: ScriptedServer, reply: Reply) -> None:
    # Its transport is not ours and a waiting read cannot be interrupted: the attempt runs in a
    # worker thread the call stops waiting for at the deadline.
    server.script(reply)
    with httpx.Client(timeout=5.0) as http:
        client = _injected(server, http)
        started = time.monotonic()
        with pytest.raises(ApiTimeoutError) as info:
            client.request(get(), options={"deadline": DEADLINE, "max_retries": 0})
        elapsed = time.monotonic() - started
    assert DEADLINE - 0.05 <= elapsed < DEADLINE + SLACK
    assert "no complete response within the deadline" in str(info.value)


def test_injected_sync_client_after_an_abandoned_attempt(server: ScriptedServer) -> None:
    # The abandoned attempt ends on its own (its response closed, the connection given back):
    # the same client keeps working, and a fast answer within the deadline is untouched.
    server.script(Reply.json(BODY, drip=DRIP), Reply.json({"a": 1}), Reply.json({"b": 2}))
    with httpx.Client(timeout=5.0) as http:
        client = _injected(server, http)
        with pytest.raises(ApiTimeoutError):
            client.request(get(), options={"deadline": DEADLINE, "max_retries": 0})
        assert client.request(get(), options={"deadline": 5.0}).json() == {"a": 1}
        assert client.request(get()).json() == {"b": 2}


# -- waits between attempts (fake clock) --------------------------------------------------------


@pytest.mark.parametrize("deadline", [0.5, 1.0, 1.5, 2.9, 3.5, 7.4])
def test_backoff_sleeps_never_reach_the_deadline(harness: Harness, deadline: float) -> None:
    harness.server.default = Reply(503)
    retry = harness.timing.config(max_retries=10, initial_delay=0.5, deadline=deadline)
    with pytest.raises(InternalServerError) as info:
        harness.request(get(), retry=retry)
    assert sum(harness.timing.sleeps) < deadline
    assert "deadline" in str(info.value)


def test_retry_after_that_reaches_the_deadline_is_not_waited_for(harness: Harness) -> None:
    harness.server.script(Reply(503, headers={"Retry-After": "2"}))
    with pytest.raises(InternalServerError) as info:
        harness.request(get(), {"deadline": 2.0})
    assert harness.timing.sleeps == []
    assert "waiting 2s more would use up the 2s deadline" in str(info.value)
