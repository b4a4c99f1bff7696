"""Raw-response access without a second copy of every method.

A generated method is written once per flavour (sync, async) and returns the parsed data. Its
``with_raw_response`` twin is derived here: :func:`raw_response` calls the very same method while a
capture is armed in the current context, and the transport hands the HTTP response of the call to
that capture (:func:`capture`) before parsing. Only the outermost request of the call is captured,
so a method that sends further requests internally still reports its own response.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from ._response import ApiResponse

if TYPE_CHECKING:
    import httpx

__all__ = ["armed", "async_raw_response", "capture", "raw_response"]

P = ParamSpec("P")
T = TypeVar("T")

_armed: ContextVar[list[httpx.Response] | None] = ContextVar("_armed", default=None)


def armed() -> bool:
    """Whether a raw-response call is waiting for its response (which it then hands out)."""
    box = _armed.get()
    return box is not None and not box


def capture(response: httpx.Response) -> None:
    """Record ``response`` for a raw-response call in progress (the first one only)."""
    box = _armed.get()
    if box is not None and not box:
        box.append(response)


def _result(box: list[httpx.Response], data: T) -> ApiResponse[T]:
    if not box:  # pragma: no cover - every generated method sends a request
        raise RuntimeError("the method returned without sending a request")
    return ApiResponse(box[0], data)


def raw_response(method: Callable[P, T]) -> Callable[P, ApiResponse[T]]:
    """``method`` returning an :class:`ApiResponse` (status, headers, attempts, parsed data)."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> ApiResponse[T]:
        box: list[httpx.Response] = []
        token = _armed.set(box)
        try:
            data = method(*args, **kwargs)
        finally:
            _armed.reset(token)
        return _result(box, data)

    return wrapper


def async_raw_response(
    method: Callable[P, Awaitable[T]],
) -> Callable[P, Awaitable[ApiResponse[T]]]:
    """The coroutine twin of :func:`raw_response`."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> ApiResponse[T]:
        box: list[httpx.Response] = []
        token = _armed.set(box)
        try:
            data = await method(*args, **kwargs)
        finally:
            _armed.reset(token)
        return _result(box, data)

    return wrapper
