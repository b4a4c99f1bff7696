"""The two clients every generated package is built on: :class:`SyncApiClient` (``httpx.Client``)
and :class:`AsyncApiClient` (``httpx.AsyncClient``).

They own only the I/O loop (send, read, wait, retry) and the lifetime of the HTTP client;
everything else is shared in ``_base_client.py``. Retry behaviour is documented in ``_retry.py``;
how a deadline bounds an attempt that is still receiving, in ``_transport.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self, TypeVar, overload

from ._base_client import BaseApiClient, _Call, ssl_context_for
from ._raw import armed, capture
from ._types import RequestOptions, RequestSpec

if TYPE_CHECKING:
    # httpx, anyio and our transport are imported by the first request (see _base_client.py).
    import httpx

__all__ = ["AsyncApiClient", "SyncApiClient"]

T = TypeVar("T")
S = TypeVar("S")


class SyncApiClient(BaseApiClient["httpx.Client"]):
    """Sends generated requests with retries, timeouts, redacted logging and typed errors.

    Owns its ``httpx.Client`` and closes it in :meth:`close`, unless one was injected with
    ``http_client`` (then that stays open, and the caller closes it). The ``timeout`` given
    here applies to every request, also through an injected client.
    """

    def _make_http_client(self, headers: dict[str, str]) -> httpx.Client:
        import httpx

        from ._transport import DeadlineTransport

        return httpx.Client(
            base_url=self._base_url,
            timeout=self.timeout,
            headers=headers,
            follow_redirects=False,
            transport=DeadlineTransport(ssl_context=ssl_context_for(self._base_url)),
        )

    def _send(self, call: _Call, request: httpx.Request) -> httpx.Response:
        if call.deadline is None:
            return self._http.send(request)
        from ._transport import deadline_scope, guard_body

        def attempt() -> httpx.Response:
            with deadline_scope(call.remaining):
                response = self._http.send(request, stream=True)
                try:
                    guard_body(response, call.remaining)
                    response.read()
                finally:
                    response.close()
            return response

        return self._bounded(call, request, attempt)

    def _open(self, call: _Call, request: httpx.Request) -> httpx.Response:
        """Send, and read the body only of an error: a 2xx answer stays open for the caller."""
        from ._transport import deadline_scope

        def attempt() -> httpx.Response:
            with deadline_scope(call.remaining) if call.deadline is not None else nullcontext():
                response = self._http.send(request, stream=True)
                if not response.is_success:
                    try:
                        response.read()
                    finally:
                        response.close()
            return response

        return attempt() if call.deadline is None else self._bounded(call, request, attempt)

    def _bounded(
        self, call: _Call, request: httpx.Request, attempt: Callable[[], httpx.Response]
    ) -> httpx.Response:
        """Our own transport holds the deadline on every socket operation; an injected client's
        cannot, so there the attempt runs in a thread the call stops waiting for at the deadline."""
        if self._owns_http:
            return attempt()
        from ._transport import until_deadline

        return until_deadline(attempt, call.remaining, request)

    def request(
        self,
        spec: RequestSpec,
        *,
        options: RequestOptions | None = None,
        stream: bool = False,
        hand_out: bool = True,
    ) -> httpx.Response:
        """Send ``spec``, retrying as the policy allows; return the 2xx response (its body not
        read yet with ``stream``: close it).

        Raises ``ApiStatusError`` (by status), ``ApiConnectionError`` or ``ApiTimeoutError``.
        ``hand_out=False`` is for a 2xx response only parsed here: its request is not redacted.
        """
        import httpx

        call = self._start_call(spec, options, hand_out)
        send = self._open if stream else self._send
        while True:
            request = call.next_token_request(self._http) or call.next_request(self._http)
            try:
                response = send(call, request)
            except httpx.RequestError as exc:
                delay = call.on_exception(request, exc)
            else:
                done = call.on_response(request, response)
                if done is None:
                    return response
                delay = done
            self.retry.sleep(delay)

    def stream(
        self,
        spec: RequestSpec,
        decode: Callable[[httpx.Response], S],
        options: RequestOptions | None,
    ) -> S:
        """Send ``spec`` and hand the open 2xx answer to ``decode`` (a binary or event stream)."""
        response = self.request(spec, options=options, stream=True)
        capture(response)
        try:
            return decode(response)
        except BaseException:
            response.close()
            raise

    @overload
    def call(self, spec: RequestSpec, type_: type[T], options: RequestOptions | None) -> T: ...
    @overload
    def call(self, spec: RequestSpec, type_: None, options: RequestOptions | None) -> None: ...
    @overload
    def call(self, spec: RequestSpec, type_: Any, options: RequestOptions | None) -> Any: ...
    def call(self, spec: RequestSpec, type_: Any, options: RequestOptions | None) -> Any:
        """Send ``spec`` and parse the answer as ``type_``: what a generated method does."""
        response = self.request(spec, options=options, hand_out=armed())
        capture(response)
        return self.parse(response, type_)

    def close(self) -> None:
        """Close the underlying HTTP client if this client created it."""
        if self._owns_http:
            if self._http_client is None:
                self._closed = True  # nothing opened yet; a later request fails as on a closed one
            else:
                self._http_client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncApiClient(BaseApiClient["httpx.AsyncClient"]):
    """The ``async`` twin of :class:`SyncApiClient`: same options, same retry decisions."""

    def _make_http_client(self, headers: dict[str, str]) -> httpx.AsyncClient:
        import httpx

        return httpx.AsyncClient(
            base_url=self._base_url,
            timeout=self.timeout,
            headers=headers,
            follow_redirects=False,
            verify=ssl_context_for(self._base_url),
        )

    async def _send(self, call: _Call, request: httpx.Request) -> httpx.Response:
        if call.deadline is None:
            return await self._http.send(request)
        import anyio

        try:
            # Cancels the attempt wherever it is waiting, the body included.
            with anyio.fail_after(max(call.remaining(), 0.0)):
                response = await self._http.send(request, stream=True)
                try:
                    await response.aread()
                finally:
                    await response.aclose()
        except TimeoutError as exc:
            raise call.deadline_exceeded(request) from exc
        return response

    async def _open(self, call: _Call, request: httpx.Request) -> httpx.Response:
        """Send, and read the body only of an error: a 2xx answer stays open for the caller."""
        import anyio

        limit = max(call.remaining(), 0.0) if call.deadline is not None else None
        try:
            with anyio.fail_after(limit):
                response = await self._http.send(request, stream=True)
                if not response.is_success:
                    try:
                        await response.aread()
                    finally:
                        await response.aclose()
        except TimeoutError as exc:
            raise call.deadline_exceeded(request) from exc
        return response

    async def request(
        self,
        spec: RequestSpec,
        *,
        options: RequestOptions | None = None,
        stream: bool = False,
        hand_out: bool = True,
    ) -> httpx.Response:
        """Send ``spec``, retrying as the policy allows; return the 2xx response (its body not
        read yet with ``stream``: close it).

        Raises ``ApiStatusError`` (by status), ``ApiConnectionError`` or ``ApiTimeoutError``.
        ``hand_out=False`` is for a 2xx response only parsed here: its request is not redacted.
        """
        import httpx

        call = self._start_call(spec, options, hand_out)
        send = self._open if stream else self._send
        while True:
            request = call.next_token_request(self._http) or call.next_request(self._http)
            try:
                response = await send(call, request)
            except httpx.RequestError as exc:
                delay = call.on_exception(request, exc)
            else:
                done = call.on_response(request, response)
                if done is None:
                    return response
                delay = done
            await self.retry.async_sleep(delay)

    @overload
    async def call(
        self, spec: RequestSpec, type_: type[T], options: RequestOptions | None
    ) -> T: ...
    @overload
    async def call(
        self, spec: RequestSpec, type_: None, options: RequestOptions | None
    ) -> None: ...
    @overload
    async def call(self, spec: RequestSpec, type_: Any, options: RequestOptions | None) -> Any: ...
    async def call(self, spec: RequestSpec, type_: Any, options: RequestOptions | None) -> Any:
        """Send ``spec`` and parse the answer as ``type_``: what a generated method does."""
        response = await self.request(spec, options=options, hand_out=armed())
        capture(response)
        return self.parse(response, type_)

    async def stream(
        self,
        spec: RequestSpec,
        decode: Callable[[httpx.Response], S],
        options: RequestOptions | None,
    ) -> S:
        """Send ``spec`` and hand the open 2xx answer to ``decode`` (a binary or event stream)."""
        response = await self.request(spec, options=options, stream=True)
        capture(response)
        try:
            return decode(response)
        except BaseException:
            await response.aclose()
            raise

    async def aclose(self) -> None:
        """Close the underlying HTTP client if this client created it."""
        if self._owns_http:
            if self._http_client is None:
                self._closed = True
            else:
                await self._http_client.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
