"""Holding a call's deadline while bytes are on the wire.

httpx's timeouts bound each socket operation, not a response: a server that sends one byte just
before every read timeout keeps a response (its headers or its body) going for ever. So:

* the async client runs each attempt, body included, inside a cancel scope that ends at the
  deadline (``anyio.fail_after``), whatever the ``httpx.AsyncClient``;
* a blocking read cannot be cancelled, so the sync client, when it builds its own
  ``httpx.Client``, gives it :class:`DeadlineTransport`: httpx's usual HTTP/1.1 connection pool
  (httpcore) whose every connect, TLS handshake, read and write waits at most until the deadline
  of the call in progress, and fails at once if that has passed;
* an injected sync ``http_client`` has its own transport, out of reach: there each attempt runs
  in a worker thread the caller stops waiting for at the deadline (:func:`until_deadline`). The
  abandoned attempt ends on its own, at its next timeout or chunk (the body is read in chunks and
  the deadline checked between them, :func:`guard_body`), and a response it still gets is closed.

The call in progress is found through a context variable (:func:`deadline_scope`), so one
transport serves every thread and call.
"""

from __future__ import annotations

import contextlib
import contextvars
import ssl
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpcore
import httpx

__all__ = [
    "DEADLINE_MESSAGE",
    "DeadlineExceeded",
    "DeadlineTransport",
    "deadline_scope",
    "guard_body",
    "until_deadline",
]

DEADLINE_MESSAGE = "no complete response within the deadline"

Remaining = Callable[[], float]
"""Seconds left before the call's deadline (zero or less: it has passed)."""

_remaining: contextvars.ContextVar[Remaining | None] = contextvars.ContextVar(
    "sdk_call_remaining", default=None
)


class DeadlineExceeded(httpx.TimeoutException):
    """The call's overall deadline passed while an attempt was still sending or receiving."""


class _DeadlinePassed(Exception):
    """Raised inside httpcore when no time is left; the transport turns it into
    :class:`DeadlineExceeded` (httpcore closes the connection on any exception)."""


@contextlib.contextmanager
def deadline_scope(remaining: Remaining | None) -> Iterator[None]:
    """Make ``remaining`` the deadline of socket operations in this context."""
    token = _remaining.set(remaining)
    try:
        yield
    finally:
        _remaining.reset(token)


def _bounded(timeout: float | None) -> tuple[float | None, bool]:
    """``timeout`` cut to the time left; and whether the cut is what limits it."""
    remaining = _remaining.get()
    if remaining is None:
        return timeout, False
    left = remaining()
    if left <= 0:
        raise _DeadlinePassed
    if timeout is None or left < timeout:
        return left, True
    return timeout, False


class _Stream(httpcore.NetworkStream):
    __slots__ = ("_inner",)

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        bounded, by_deadline = _bounded(timeout)
        try:
            return self._inner.read(max_bytes, bounded)
        except httpcore.TimeoutException as exc:
            if by_deadline:
                raise _DeadlinePassed from exc
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        bounded, by_deadline = _bounded(timeout)
        try:
            self._inner.write(buffer, bounded)
        except httpcore.TimeoutException as exc:
            if by_deadline:
                raise _DeadlinePassed from exc
            raise

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        bounded, by_deadline = _bounded(timeout)
        try:
            return _Stream(self._inner.start_tls(ssl_context, server_hostname, bounded))
        except httpcore.TimeoutException as exc:
            if by_deadline:
                raise _DeadlinePassed from exc
            raise

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _Backend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded, by_deadline = _bounded(timeout)
        try:
            inner = self._inner.connect_tcp(host, port, bounded, local_address, socket_options)
        except httpcore.TimeoutException as exc:
            if by_deadline:
                raise _DeadlinePassed from exc
            raise
        return _Stream(inner)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        bounded, _ = _bounded(timeout)
        return _Stream(self._inner.connect_unix_socket(path, bounded, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


# httpcore's exceptions and the httpx ones they stand for, most specific first.
_MAPPED: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except _DeadlinePassed as exc:
        raise DeadlineExceeded(DEADLINE_MESSAGE) from exc
    except Exception as exc:
        for source, target in _MAPPED:
            if isinstance(exc, source):
                raise target(str(exc)) from exc
        raise


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, inner: Iterable[bytes]) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._inner

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            with _as_httpx_errors():
                close()


class DeadlineTransport(httpx.BaseTransport):
    """HTTP/1.1 over httpcore's connection pool, like ``httpx.HTTPTransport`` with its defaults,
    but every socket operation bounded by the deadline of the call in progress."""

    def __init__(self, *, ssl_context: ssl.SSLContext, limits: httpx.Limits | None = None) -> None:
        limits = limits or httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_Backend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not isinstance(request.stream, httpx.SyncByteStream):
            raise TypeError("a sync transport needs a request with a sync body")
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = self._pool.handle_request(core_request)
        if not isinstance(response.stream, Iterable):
            raise TypeError("httpcore returned a response without a sync body")
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class _GuardedBody(httpx.SyncByteStream):
    def __init__(self, inner: httpx.SyncByteStream, remaining: Remaining) -> None:
        self._inner = inner
        self._remaining = remaining

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if self._remaining() <= 0:
                raise DeadlineExceeded(DEADLINE_MESSAGE)
            yield chunk

    def close(self) -> None:
        self._inner.close()


def guard_body(response: httpx.Response, remaining: Remaining) -> None:
    """Check the deadline between the chunks of a sync response body not yet read."""
    if isinstance(response.stream, httpx.SyncByteStream):
        response.stream = _GuardedBody(response.stream, remaining)


class _Attempt:
    """One attempt in a worker thread, and who is still waiting for it."""

    def __init__(self, work: Callable[[], httpx.Response]) -> None:
        self._work = work
        self._context = contextvars.copy_context()  # the caller's (deadline, raw capture, ...)
        self._lock = threading.Lock()
        self._abandoned = False
        self.done = threading.Event()
        self.response: httpx.Response | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            response = self._context.run(self._work)
        except BaseException as exc:  # handed to the caller's thread, raised there
            self.error = exc
        else:
            with self._lock:
                if self._abandoned:
                    response.close()  # nobody will read it: give the connection back
                else:
                    self.response = response
        finally:
            self.done.set()

    def abandon(self) -> bool:
        """Stop waiting; False when the attempt finished meanwhile (its outcome stands)."""
        with self._lock:
            if self.done.is_set():
                return False
            self._abandoned = True
            return True


def until_deadline(
    work: Callable[[], httpx.Response], remaining: Remaining, request: httpx.Request
) -> httpx.Response:
    """Run `work` (one attempt through an injected sync client) so that the caller has its answer,
    or DeadlineExceeded, by the deadline whatever the transport does. A blocking read cannot be
    interrupted, so the attempt runs in a daemon thread that is left to end at its own timeouts."""
    left = remaining()
    if left <= 0:
        raise DeadlineExceeded(DEADLINE_MESSAGE, request=request)
    attempt = _Attempt(work)
    threading.Thread(target=attempt.run, name="sdk-call-attempt", daemon=True).start()
    if not attempt.done.wait(left) and attempt.abandon():
        raise DeadlineExceeded(DEADLINE_MESSAGE, request=request)
    attempt.done.wait()  # set, or about to be: the attempt finished as the deadline came
    if attempt.error is not None:
        raise attempt.error
    assert attempt.response is not None
    return attempt.response
