"""The pure retry decision shared by both clients (``_retry.py``), without any HTTP."""

from __future__ import annotations

import email.utils
import ssl
from typing import Any

import httpx
import pytest
from runtime import RetryConfig
from runtime._retry import (
    Failure,
    backoff_delay,
    classify_exception,
    decide_retry,
    is_retryable_status,
    retry_after_seconds,
)

NOW = 1_700_000_000.0
CONFIG = RetryConfig()


def decide(**overrides: Any) -> Any:
    config = overrides.pop("config", CONFIG)
    args: dict[str, Any] = {
        "idempotent": True,
        "attempts": 1,
        "max_retries": 2,
        "elapsed": 0.0,
        "deadline": None,
        "now": NOW,
        "rand": 0.0,
    }
    args.update(overrides)
    return decide_retry(config, **args)


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 599])
def test_retryable_statuses(status: int) -> None:
    assert is_retryable_status(status)
    decision = decide(status=status)
    assert decision.retry and decision.retryable
    assert decision.delay == 0.5


@pytest.mark.parametrize("status", [300, 302, 400, 401, 403, 404, 410, 422])
def test_final_statuses(status: int) -> None:
    decision = decide(status=status)
    assert not decision.retry and not decision.retryable
    assert decision.note is None


@pytest.mark.parametrize(
    ("failure", "idempotent", "retry"),
    [
        (Failure.NOT_SENT, True, True),
        (Failure.NOT_SENT, False, True),  # provably never reached the server
        (Failure.TIMEOUT, True, True),
        (Failure.TIMEOUT, False, False),
        (Failure.NETWORK, True, True),
        (Failure.NETWORK, False, False),
        (Failure.FATAL, True, False),
    ],
)
def test_failures(failure: Failure, idempotent: bool, retry: bool) -> None:
    decision = decide(failure=failure, idempotent=idempotent)
    assert decision.retry is retry
    assert decision.retryable is retry


@pytest.mark.parametrize(
    ("status", "headers", "retry"),
    [
        (429, {"retry-after": "2"}, True),
        (503, {"retry-after-ms": "10"}, True),
        (429, {}, False),
        (503, {"retry-after": "soon"}, False),  # unparseable: no promise it was refused
        (500, {"retry-after": "2"}, False),
        (502, {"retry-after": "2"}, False),
        (409, {"retry-after": "2"}, False),
    ],
)
def test_non_idempotent_statuses(status: int, headers: dict[str, str], retry: bool) -> None:
    decision = decide(status=status, headers=httpx.Headers(headers), idempotent=False)
    assert decision.retry is retry
    if not retry:
        assert decision.note == (
            "not retried: the request is not idempotent and may have reached the server"
        )


def test_budget() -> None:
    assert decide(status=500, attempts=3, max_retries=2).note == "gave up after 3 attempts"
    assert decide(status=500, attempts=3, max_retries=2).retryable is True
    assert decide(status=500, attempts=1, max_retries=0).note == "retries disabled"
    assert decide(status=500, attempts=2, max_retries=2).retry is True


def test_exponential_backoff_and_cap() -> None:
    config = RetryConfig(initial_delay=0.5, max_delay=3.0, jitter=0.0)
    assert [backoff_delay(config, n, 0.9) for n in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]


def test_jitter_is_a_fraction_taken_off() -> None:
    config = RetryConfig(initial_delay=2.0, jitter=0.25)
    assert backoff_delay(config, 1, 0.0) == 2.0
    assert backoff_delay(config, 1, 0.999999) == pytest.approx(1.5, abs=1e-5)


def test_retry_after_used_instead_of_backoff() -> None:
    decision = decide(status=503, headers=httpx.Headers({"Retry-After": "7"}))
    assert decision.delay == 7.0


def test_retry_after_above_cap_gives_up() -> None:
    decision = decide(status=429, headers=httpx.Headers({"Retry-After": "61"}), attempts=2)
    assert not decision.retry and decision.retryable
    assert decision.note == (
        "not retried: server asked to wait 61s, more than max_retry_after=60s; after 2 attempts"
    )


def test_deadline() -> None:
    assert decide(status=500, elapsed=9.0, deadline=10.0).retry is True  # 9 + 0.5 <= 10
    decision = decide(status=500, elapsed=9.6, deadline=10.0)
    assert not decision.retry and decision.retryable
    assert decision.note is not None and "10s deadline" in decision.note


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": " 1.5 "}, 1.5),
        ({"retry-after": "0"}, 0.0),
        ({"retry-after": "-1"}, None),
        ({"retry-after": "nan"}, None),
        ({"retry-after": "tomorrow"}, None),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after-ms": "junk", "retry-after": "9"}, 9.0),
        ({"retry-after": email.utils.formatdate(NOW + 30, usegmt=True)}, 30.0),
        ({"retry-after": email.utils.formatdate(NOW - 30, usegmt=True)}, 0.0),
        ({}, None),
    ],
)
def test_retry_after_parsing(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(httpx.Headers(headers), NOW) == expected


def test_classify_exceptions() -> None:
    request = httpx.Request("GET", "https://h/")
    cert = httpx.ConnectError("verify failed", request=request)
    cert.__cause__ = ssl.SSLCertVerificationError("bad cert")
    cases: list[tuple[httpx.RequestError, Failure]] = [
        (httpx.ConnectError("refused", request=request), Failure.NOT_SENT),
        (httpx.ConnectTimeout("slow", request=request), Failure.NOT_SENT),
        (httpx.PoolTimeout("busy", request=request), Failure.NOT_SENT),
        (httpx.ReadTimeout("slow", request=request), Failure.TIMEOUT),
        (httpx.WriteTimeout("slow", request=request), Failure.TIMEOUT),
        (httpx.ReadError("reset", request=request), Failure.NETWORK),
        (httpx.RemoteProtocolError("eof", request=request), Failure.NETWORK),
        (httpx.LocalProtocolError("bad", request=request), Failure.FATAL),
        (httpx.UnsupportedProtocol("ftp", request=request), Failure.FATAL),
        (cert, Failure.FATAL),
    ]
    for exc, expected in cases:
        assert classify_exception(exc) is expected, exc


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        RetryConfig(max_retries=-1)
    with pytest.raises(ValueError):
        RetryConfig(jitter=1.5)
    with pytest.raises(ValueError):
        RetryConfig(initial_delay=5, max_delay=1)
    with pytest.raises(ValueError):
        RetryConfig(deadline=0)
