"""Successful responses: parsing a body into the declared type, and :class:`ApiResponse`, the
raw-access wrapper that generated ``with_raw_response`` methods return.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from ._errors import ResponseValidationError, format_message, request_id_from

if TYPE_CHECKING:
    import httpx
    import pydantic

__all__ = ["ApiResponse", "ByStatus", "CallInfo", "call_info", "parse_body", "record_call"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CallInfo:
    """What the client knows about the call that produced a response."""

    attempts: int
    elapsed: float
    """Seconds from the first attempt's start to the response, waits included."""
    operation_id: str | None = None


# Keyed weakly by response so the record lives exactly as long as the response does
# (httpx.Response.extensions is typed read-only, so it cannot carry this).
_calls: weakref.WeakKeyDictionary[httpx.Response, CallInfo] = weakref.WeakKeyDictionary()
_calls_lock = threading.Lock()


def record_call(response: httpx.Response, info: CallInfo) -> None:
    with _calls_lock:
        _calls[response] = info


def call_info(response: httpx.Response) -> CallInfo:
    """The call record for ``response`` (a single attempt if it did not come from a client)."""
    with _calls_lock:
        info = _calls.get(response)
    return info if info is not None else CallInfo(attempts=1, elapsed=0.0)


class ApiResponse(Generic[T]):
    """A parsed response plus everything about the HTTP exchange behind it.

    ``data`` is the parsed model; ``http_response`` the ``httpx.Response`` (its ``request`` is
    a copy of the request sent, credentials masked); ``attempts`` how many attempts the call
    took; ``elapsed`` its seconds across all attempts and waits.
    """

    __slots__ = ("attempts", "data", "elapsed", "http_response")

    def __init__(
        self,
        http_response: httpx.Response,
        data: T,
        *,
        attempts: int | None = None,
        elapsed: float | None = None,
    ) -> None:
        info = call_info(http_response)
        self.http_response = http_response
        self.data = data
        self.attempts = info.attempts if attempts is None else attempts
        self.elapsed = info.elapsed if elapsed is None else elapsed

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        return request_id_from(self.http_response.headers)

    def __repr__(self) -> str:
        # The data may be large or sensitive: show its type only.
        return (
            f"ApiResponse(status_code={self.status_code}, data={type(self.data).__name__}, "
            f"attempts={self.attempts}, request_id={self.request_id!r})"
        )


class ByStatus:
    """The type of a successful answer by the status the server sent, for an operation whose
    2xx responses differ (``{200: Job, 202: JobAccepted, 204: None}``); a status the spec does not
    document is parsed as ``fallback``."""

    __slots__ = ("fallback", "types")

    def __init__(self, types: Mapping[int, Any], fallback: Any) -> None:
        self.types = dict(types)
        self.fallback = fallback

    def for_status(self, status: int) -> Any:
        return self.types.get(status, self.fallback)


_adapters: dict[Any, pydantic.TypeAdapter[Any]] = {}


def _adapter(type_: Any) -> pydantic.TypeAdapter[Any]:
    import pydantic

    try:
        cached = _adapters.get(type_)
    except TypeError:  # an unhashable type expression: build it each time
        return pydantic.TypeAdapter(type_)
    if cached is None:
        # Building an adapter compiles a validator; racing threads may both build one,
        # which is harmless, so no lock.
        cached = _adapters[type_] = pydantic.TypeAdapter(type_)
    return cached


def _type_name(type_: Any) -> str:
    return getattr(type_, "__name__", None) or repr(type_)


def _method_and_url(response: httpx.Response, redact: Callable[[str], str]) -> tuple[str, str]:
    try:
        request = response.request
    except RuntimeError:  # a response built by hand, without a request
        return "?", "?"
    return request.method, redact(str(request.url))


def parse_body(
    response: httpx.Response,
    type_: Any,
    *,
    redact_url: Callable[[str], str],
    redact: Callable[[str], str],
) -> Any:
    """Parse ``response``'s body as ``type_`` (a model, ``list[Model]``, a union, ...).

    ``None`` as the type means "no body expected" and returns ``None``; ``bytes`` returns the
    raw body; ``str`` returns the text of a non-JSON body. A body that does not fit raises
    :class:`ResponseValidationError` (the pydantic error is its ``__cause__``); in its message
    the URL goes through ``redact_url`` and what came from the server through ``redact``.
    A :class:`ByStatus` picks the type by the response's status first.
    """
    import pydantic

    if isinstance(type_, ByStatus):
        type_ = type_.for_status(response.status_code)
    if type_ is None or type_ is type(None):
        return None
    if type_ is bytes:
        return response.content
    is_json = "json" in response.headers.get("content-type", "")
    if type_ is str and not is_json:
        return response.text
    adapter = _adapter(type_)
    try:
        if not response.content.strip():
            return adapter.validate_python(None)
        return adapter.validate_json(response.content)
    except pydantic.ValidationError as exc:
        info = call_info(response)
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        more = f" (+{exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        method, url = _method_and_url(response, redact_url)
        request_id = request_id_from(response.headers)
        message = format_message(
            f"{response.status_code} response does not match {_type_name(type_)}",
            method=method,
            url=url,
            operation_id=info.operation_id,
            # The location names keys of the server's body, so it is the server's text too.
            detail=redact(f"{where}: {first['msg']}{more}"),
            request_id=redact(request_id) if request_id else None,
        )
        raise ResponseValidationError(
            message,
            response=response,
            method=method,
            url=url,
            operation_id=info.operation_id,
            attempts=info.attempts,
        ) from exc
