"""Answers read as they arrive: binary downloads (:class:`BinaryStream`) and server-sent events
(:class:`EventStream`), each with an ``async`` twin.

A method returning one of these has already received the status and headers (an error status
raised as usual); the body is read at the caller's pace, so a download of any size never sits in
memory whole. Close it (``with`` / ``async with``, or read it to the end): until then it holds a
connection of the client's pool. The call's ``deadline`` covers the wait for the headers; reading
the body is bounded by the read timeout per chunk instead.

The event-stream parser follows the WHATWG HTML standard ("Server-sent events", "Interpreting an
event stream"): lines end with CRLF, LF or CR; ``event``, ``data`` (one or more lines, joined with
LF), ``id`` (kept for the events after it; ignored when it contains NUL) and ``retry`` (digits only)
fields; a line starting with ``:`` is a comment; a field name without a colon has an empty value;
a blank line dispatches the event, unless it has no data; an event the stream ends in the middle
of is dropped.
"""

from __future__ import annotations

import codecs
import os
import re
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Generic, Self, TypeVar

from ._errors import ApiConnectionError, ApiTimeoutError, ResponseValidationError, format_message
from ._response import call_info

if TYPE_CHECKING:
    import httpx
    import pydantic

__all__ = [
    "AsyncBinaryStream",
    "AsyncEventStream",
    "BinaryStream",
    "EventStream",
    "SSEDecoder",
    "ServerSentEvent",
]

T = TypeVar("T")
_LINE_END = re.compile(r"\r\n|\r|\n")


def _where(response: httpx.Response) -> tuple[str, str, str | None]:
    request = response.request  # already masked by the client
    return request.method, str(request.url), call_info(response).operation_id


def _read_error(response: httpx.Response, exc: Exception) -> ApiConnectionError:
    import httpx

    method, url, operation_id = _where(response)
    timeout = isinstance(exc, httpx.TimeoutException)
    message = format_message(
        "Timeout reading the body" if timeout else "Connection lost reading the body",
        method=method,
        url=url,
        operation_id=operation_id,
        detail=type(exc).__name__,
    )
    error_class = ApiTimeoutError if timeout else ApiConnectionError
    return error_class(message, method=method, url=url, operation_id=operation_id)


@contextmanager
def _reading(response: httpx.Response) -> Iterator[None]:
    import httpx

    try:
        yield
    except (httpx.TransportError, httpx.StreamError) as exc:
        raise _read_error(response, exc) from exc


@asynccontextmanager
async def _areading(response: httpx.Response) -> AsyncIterator[None]:
    import httpx

    try:
        yield
    except (httpx.TransportError, httpx.StreamError) as exc:
        raise _read_error(response, exc) from exc


class _Answer:
    """What both kinds of stream tell about the answer they read."""

    def __init__(self, response: httpx.Response) -> None:
        self.response = response

    @property
    def status_code(self) -> int:
        return self.response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.response.headers

    @property
    def content_type(self) -> str | None:
        value: str | None = self.response.headers.get("content-type")
        return value

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status_code={self.status_code}, content_type={self.content_type!r})"


# -- binary -----------------------------------------------------------------------------------


class BinaryStream(_Answer):
    """A binary answer, read in chunks: ``for chunk in stream``, ``stream.write_to(path)``."""

    @property
    def content_length(self) -> int | None:
        """The size the server announced, if it did."""
        value = self.response.headers.get("content-length", "")
        return int(value) if value.isdigit() else None

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body's bytes as they arrive; the stream is closed at the end."""
        try:
            with _reading(self.response):
                yield from self.response.iter_bytes(chunk_size)
        finally:
            self.response.close()

    def __iter__(self) -> Iterator[bytes]:
        return self.iter_bytes()

    def read(self) -> bytes:
        """The whole body in memory (for answers known to be small)."""
        return b"".join(self.iter_bytes())

    def write_to(self, file: str | os.PathLike[str] | IO[bytes]) -> int:
        """Write the body to a path or a binary file as it arrives; the number of bytes written."""
        if isinstance(file, (str, os.PathLike)):
            with open(file, "wb") as out:
                return self.write_to(out)
        written = 0
        for chunk in self.iter_bytes():
            file.write(chunk)
            written += len(chunk)
        return written

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncBinaryStream(_Answer):
    """The ``async`` twin of :class:`BinaryStream`: ``async for chunk in stream``."""

    @property
    def content_length(self) -> int | None:
        value = self.response.headers.get("content-length", "")
        return int(value) if value.isdigit() else None

    async def iter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        try:
            async with _areading(self.response):
                async for chunk in self.response.aiter_bytes(chunk_size):
                    yield chunk
        finally:
            await self.response.aclose()

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self.iter_bytes()

    async def read(self) -> bytes:
        return b"".join([chunk async for chunk in self.iter_bytes()])

    async def write_to(self, file: str | os.PathLike[str] | IO[bytes]) -> int:
        """Write the body to a path or a binary file as it arrives (file writes are the caller's
        local disk: done in the event loop)."""
        if isinstance(file, (str, os.PathLike)):
            with open(file, "wb") as out:
                return await self.write_to(out)
        written = 0
        async for chunk in self.iter_bytes():
            file.write(chunk)
            written += len(chunk)
        return written

    async def aclose(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


# -- server-sent events ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ServerSentEvent(Generic[T]):
    """One event: ``data`` parsed as the spec says (text, or JSON into a model)."""

    data: T
    event: str = "message"
    """The ``event`` field; ``"message"`` when the event has none."""
    id: str | None = None
    """The last ``id`` the stream sent, at or before this event (``None``: none yet)."""
    retry: int | None = None
    """The ``retry`` field of this event (reconnection time in milliseconds), if it had one."""
    text: str = ""
    """``data`` as sent."""


@dataclass(frozen=True, slots=True)
class _Raw:
    event: str
    data: str
    id: str | None
    retry: int | None


class SSEDecoder:
    """Incremental parser of the ``text/event-stream`` format: feed text, get finished events."""

    def __init__(self) -> None:
        self._buffer = ""
        self._started = False
        self._data: list[str] = []
        self._event = ""
        self._retry: int | None = None
        self.last_id: str | None = None
        self.retry: int | None = None  # the stream's latest reconnection time

    def feed(self, text: str) -> list[_Raw]:
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")
        self._buffer += text
        out: list[_Raw] = []
        position = 0
        for match in _LINE_END.finditer(self._buffer):
            if match.group() == "\r" and match.end() == len(self._buffer):
                break  # perhaps the first half of a CRLF split across chunks
            event = self._line(self._buffer[position : match.start()])
            position = match.end()
            if event is not None:
                out.append(event)
        self._buffer = self._buffer[position:]
        return out

    def close(self) -> list[_Raw]:
        """The end of the stream: a final CR still ends its line; an unfinished event is dropped."""
        out = self.feed("\n") if self._buffer.endswith("\r") else []
        self._buffer, self._data, self._event = "", [], ""
        return out

    def _line(self, line: str) -> _Raw | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "event":
            self._event = value
        elif name == "data":
            self._data.append(value)
        elif name == "id":
            if "\0" not in value:
                self.last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = self.retry = int(value)
        return None

    def _dispatch(self) -> _Raw | None:
        data, event, retry = self._data, self._event, self._retry
        self._data, self._event, self._retry = [], "", None
        if not data:
            return None
        return _Raw(event or "message", "\n".join(data), self.last_id, retry)


def _event_parser(data_type: Any) -> Callable[[_Raw, httpx.Response], ServerSentEvent[Any]]:
    import pydantic

    if data_type is str:

        def as_text(raw: _Raw, response: httpx.Response) -> ServerSentEvent[Any]:
            return ServerSentEvent(raw.data, raw.event, raw.id, raw.retry, raw.data)

        return as_text
    adapter: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(data_type)

    def as_json(raw: _Raw, response: httpx.Response) -> ServerSentEvent[Any]:
        try:
            data = adapter.validate_json(raw.data)
        except pydantic.ValidationError as exc:
            method, url, operation_id = _where(response)
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"]) or "data"
            message = format_message(
                f"event {raw.event!r} does not match {getattr(data_type, '__name__', data_type)}",
                method=method,
                url=url,
                operation_id=operation_id,
                detail=f"{where}: {first['msg']}",
            )
            raise ResponseValidationError(
                message, response=response, method=method, url=url, operation_id=operation_id
            ) from exc
        return ServerSentEvent(data, raw.event, raw.id, raw.retry, raw.data)

    return as_json


class EventStream(_Answer, Generic[T]):
    """``text/event-stream`` as an iterator of :class:`ServerSentEvent`; closed at its end."""

    def __init__(self, response: httpx.Response, data_type: Any = str) -> None:
        super().__init__(response)
        self._decoder = SSEDecoder()
        self._parse = _event_parser(data_type)

    @classmethod
    def of(cls, data_type: Any) -> Callable[[httpx.Response], EventStream[Any]]:
        """The stream factory for events whose data is ``data_type`` (what generated code passes)."""
        return lambda response: cls(response, data_type)

    @property
    def last_event_id(self) -> str | None:
        """The last ``id`` received: what a reconnection sends as ``Last-Event-ID``."""
        return self._decoder.last_id

    @property
    def retry(self) -> int | None:
        """The reconnection time (ms) the server last asked for."""
        return self._decoder.retry

    def __iter__(self) -> Iterator[ServerSentEvent[T]]:
        text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        try:
            with _reading(self.response):
                for chunk in self.response.iter_bytes():
                    for raw in self._decoder.feed(text.decode(chunk)):
                        yield self._parse(raw, self.response)
            for raw in self._decoder.feed(text.decode(b"", final=True)) + self._decoder.close():
                yield self._parse(raw, self.response)
        finally:
            self.response.close()

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncEventStream(_Answer, Generic[T]):
    """The ``async`` twin of :class:`EventStream`: ``async for event in stream``."""

    def __init__(self, response: httpx.Response, data_type: Any = str) -> None:
        super().__init__(response)
        self._decoder = SSEDecoder()
        self._parse = _event_parser(data_type)

    @classmethod
    def of(cls, data_type: Any) -> Callable[[httpx.Response], AsyncEventStream[Any]]:
        return lambda response: cls(response, data_type)

    @property
    def last_event_id(self) -> str | None:
        return self._decoder.last_id

    @property
    def retry(self) -> int | None:
        return self._decoder.retry

    async def _events(self) -> AsyncIterator[ServerSentEvent[T]]:
        text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        try:
            async with _areading(self.response):
                async for chunk in self.response.aiter_bytes():
                    for raw in self._decoder.feed(text.decode(chunk)):
                        yield self._parse(raw, self.response)
            for raw in self._decoder.feed(text.decode(b"", final=True)) + self._decoder.close():
                yield self._parse(raw, self.response)
        finally:
            await self.response.aclose()

    def __aiter__(self) -> AsyncIterator[ServerSentEvent[T]]:
        return self._events()

    async def aclose(self) -> None:
        await self.response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
