"""The retry policy: which failures are retried, how long to wait, when to give up.

What is retried
    Connection failures, timeouts, and the statuses 408, 409, 429 and 5xx.

Non-idempotent requests are safe by default
    A request marked ``idempotent=False`` (a POST or PATCH the spec did not mark
    ``x-sdk-idempotent``) is retried only when it provably did not reach the application, so a
    retry can never, say, place an order twice:

    * the connection could not be made (connect error, connect timeout, no pooled connection),
    * or the server answered 429 or 503 *with* ``Retry-After``/``retry-after-ms``: it refused
      the request and said when to come back.

    A read timeout, a connection reset mid-response or a 500 on such a request is not retried;
    the error says so, and its ``retryable`` is False.

How long to wait
    ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date) when the server sends one;
    if it asks for more than ``max_retry_after`` the call gives up at once instead of waiting,
    and the error says why. Otherwise exponential backoff: ``initial_delay * 2**n`` capped at
    ``max_delay``, minus up to ``jitter`` of itself at random so clients do not retry in step.

When to give up
    After ``max_retries`` retries (so ``max_retries + 1`` attempts), or when the next wait
    would reach the call's ``deadline`` (overall seconds across attempts, waits and reading
    each response; see ``_transport.py`` for how it holds on the wire).

:func:`decide_retry` is a pure function holding all of this; the sync and async clients both
call it after every failed attempt, so they cannot drift apart.
"""

from __future__ import annotations

import datetime
import enum
import math
import random as _random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import anyio

from ._types import DEFAULT_MAX_RETRIES

if TYPE_CHECKING:
    import httpx

__all__ = [
    "Failure",
    "RetryConfig",
    "RetryDecision",
    "backoff_delay",
    "classify_exception",
    "decide_retry",
    "is_retryable_status",
    "retry_after_seconds",
]


@dataclass(frozen=True)
class RetryConfig:
    """How a client retries. The callables are hooks so tests can run without real waiting.

    ``max_retries`` here is used when the client's ``max_retries`` argument is left at its
    default; a per-call ``request_options["max_retries"]`` overrides both.
    ``async_sleep`` defaults to ``anyio.sleep`` (works under asyncio and trio).
    """

    max_retries: int = DEFAULT_MAX_RETRIES
    initial_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    """Fraction of each backoff delay that is randomly taken off (0 = no jitter)."""
    max_retry_after: float = 60.0
    deadline: float | None = None
    sleep: Callable[[float], None] = time.sleep
    async_sleep: Callable[[float], Awaitable[None]] = anyio.sleep
    clock: Callable[[], float] = time.monotonic
    random: Callable[[], float] = _random.random

    def __post_init__(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if self.initial_delay < 0 or self.max_delay < self.initial_delay:
            raise ValueError("need 0 <= initial_delay <= max_delay")
        if not 0 <= self.jitter <= 1:
            raise ValueError("jitter must be a fraction between 0 and 1")
        if self.max_retry_after < 0:
            raise ValueError("max_retry_after must be >= 0")
        if self.deadline is not None and self.deadline <= 0:
            raise ValueError("deadline must be positive")


class Failure(enum.Enum):
    """What kind of transport failure an attempt ended in."""

    NOT_SENT = "not sent"
    """Connect error, connect timeout, or no pooled connection: nothing reached the server."""
    TIMEOUT = "timeout"
    """Read or write timeout: the server may have processed the request."""
    NETWORK = "network"
    """Connection dropped mid-exchange: the server may have processed the request."""
    FATAL = "fatal"
    """A local problem (bad URL, protocol misuse, certificate rejected): retrying cannot help."""


def classify_exception(exc: httpx.RequestError) -> Failure:
    import httpx

    if isinstance(exc, httpx.ConnectError) and _caused_by_certificate(exc):
        return Failure.FATAL
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return Failure.NOT_SENT
    if isinstance(exc, httpx.TimeoutException):
        return Failure.TIMEOUT
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return Failure.NETWORK
    return Failure.FATAL


def _caused_by_certificate(exc: BaseException) -> bool:
    import ssl

    seen: BaseException | None = exc
    for _ in range(10):  # the cause chain is short; the bound guards against cycles
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def is_retryable_status(status: int) -> bool:
    return status in (408, 409, 429) or 500 <= status <= 599


def retry_after_seconds(headers: Mapping[str, str], now: float) -> float | None:
    """The wait the server asked for, in seconds, or ``None`` if it asked for none (validly).

    ``retry-after-ms`` wins over ``Retry-After`` (it is more precise). ``now`` is wall-clock
    time (``time.time()``), needed for the HTTP-date form; a date in the past means 0.
    """
    from email.utils import parsedate_to_datetime

    millis = headers.get("retry-after-ms")
    if millis:
        try:
            value = float(millis) / 1000
        except ValueError:
            value = math.nan
        if math.isfinite(value) and value >= 0:
            return value
    header = headers.get("retry-after")
    if not header:
        return None
    header = header.strip()
    try:
        seconds = float(header)
    except ValueError:
        try:
            when = parsedate_to_datetime(header)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # HTTP dates are GMT; parsedate leaves "-0000" naive
            when = when.replace(tzinfo=datetime.UTC)
        return max(0.0, when.timestamp() - now)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def backoff_delay(config: RetryConfig, retry_number: int, rand: float) -> float:
    """Delay before retry ``retry_number`` (1 for the first retry); ``rand`` in [0, 1)."""
    base = min(config.max_delay, config.initial_delay * 2.0 ** (retry_number - 1))
    return base * (1 - config.jitter * rand)


@dataclass(frozen=True, slots=True)
class RetryDecision:
    retry: bool
    retryable: bool
    """Whether the policy considers another attempt safe and useful, budget aside."""
    delay: float = 0.0
    note: str | None = None
    """Why the call stopped, for the error message (``None`` when there is nothing to say)."""


def decide_retry(
    config: RetryConfig,
    *,
    idempotent: bool,
    attempts: int,
    max_retries: int,
    elapsed: float,
    deadline: float | None,
    now: float,
    rand: float,
    status: int | None = None,
    headers: Mapping[str, str] | None = None,
    failure: Failure | None = None,
) -> RetryDecision:
    """Decide what to do after a failed attempt: exactly one of ``status`` or ``failure``.

    ``attempts`` counts the attempts made so far (>= 1); ``elapsed`` is seconds since the
    first one started; ``now`` is wall-clock time; ``rand`` a random number in [0, 1).
    """
    server_delay = retry_after_seconds(headers, now) if headers is not None else None
    if failure is not None:
        transient = failure is not Failure.FATAL
        safe = idempotent or failure is Failure.NOT_SENT
    else:
        if status is None:
            raise ValueError("decide_retry needs a status or a failure")
        transient = is_retryable_status(status)
        # A 429/503 that says when to come back was refused before the application acted.
        safe = idempotent or (status in (429, 503) and server_delay is not None)

    if not transient:
        return RetryDecision(retry=False, retryable=False, note=_after(attempts) or None)
    if not safe:
        return RetryDecision(
            retry=False,
            retryable=False,
            note="not retried: the request is not idempotent and may have reached the server",
        )
    if deadline is not None and elapsed >= deadline:
        return RetryDecision(
            retry=False,
            retryable=True,
            note=f"the {deadline:g}s deadline has passed" + _after(attempts, "; "),
        )
    if attempts > max_retries:
        if max_retries == 0:
            return RetryDecision(retry=False, retryable=True, note="retries disabled")
        return RetryDecision(retry=False, retryable=True, note=f"gave up after {attempts} attempts")
    if server_delay is not None and server_delay > config.max_retry_after:
        return RetryDecision(
            retry=False,
            retryable=True,
            note=(
                f"not retried: server asked to wait {server_delay:g}s, more than "
                f"max_retry_after={config.max_retry_after:g}s" + _after(attempts, "; ")
            ),
        )
    delay = server_delay if server_delay is not None else backoff_delay(config, attempts, rand)
    # At the deadline itself there would be no time left for the attempt.
    if deadline is not None and elapsed + delay >= deadline:
        return RetryDecision(
            retry=False,
            retryable=True,
            note=(
                f"gave up: waiting {delay:.3g}s more would use up the {deadline:g}s deadline"
                + _after(attempts, "; ")
            ),
        )
    return RetryDecision(retry=True, retryable=True, delay=delay)


def _after(attempts: int, prefix: str = "") -> str:
    return f"{prefix}after {attempts} attempts" if attempts > 1 else ""
