"""Every exception the SDK raises, and how a failed HTTP response becomes one.

::

    ApiError
    ├── ApiConnectionError          no usable response (refused, reset, DNS, TLS, ...)
    │   └── ApiTimeoutError         connect/read/write/pool timeout, or the call's deadline
    ├── ApiStatusError              non-2xx response; subclasses by status:
    │   ├── RedirectError 3xx (redirects are not followed; names the Location),
    │   ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
    │   ├── NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
    │   └── RateLimitError 429, InternalServerError 5xx
    ├── ResponseValidationError     2xx response whose body does not fit the declared type
    └── RequestValidationError      (also a ValueError) refused before sending

Every error carries ``retryable`` (would the retry policy consider another attempt safe and
useful, budget aside) and ``attempts`` (how many were made; 0 if nothing was sent). Its
``str()`` is one line, e.g.::

    404 Not Found from POST https://api.example.com/Streams/x (createCallStream): No such
    stream (code 20404) [request id RQ123]

The caller (the client) passes URLs already redacted, and a ``redact`` function that is applied
to what the server said (message, request id, Location), since a server may echo a credential.
The SDK's own words are never passed through it, so a short secret cannot mangle them. The
``response`` an error carries holds a copy of the request with its credentials masked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx
    import pydantic

__all__ = [
    "REQUEST_ID_HEADERS",
    "ApiConnectionError",
    "ApiError",
    "ApiStatusError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "RequestValidationError",
    "ResponseValidationError",
    "UnprocessableEntityError",
    "format_message",
    "request_id_from",
    "status_error_from_response",
]

REQUEST_ID_HEADERS = (
    "x-request-id",
    "request-id",
    "x-amzn-requestid",
    "x-amz-request-id",
    "x-ms-request-id",
    "x-correlation-id",
)
"""Response headers that carry the server's request id, first present wins."""

_MAX_DETAIL = 300


def _rebuild(cls: type[ApiError], args: tuple[Any, ...], state: dict[str, Any]) -> ApiError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class ApiError(Exception):
    """Base class of every error raised by the SDK."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        operation_id: str | None = None,
        retryable: bool = False,
        attempts: int = 0,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        """The request URL with secrets masked."""
        self.operation_id = operation_id
        self.retryable = retryable
        self.attempts = attempts

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only constructors defeat Exception's default pickling (multiprocessing,
        # some task queues); rebuild from the instance state instead.
        return (_rebuild, (type(self), self.args, dict(self.__dict__)))


class ApiConnectionError(ApiError):
    """The request got no usable response: refused, reset, DNS or TLS failure, ..."""


class ApiTimeoutError(ApiConnectionError):
    """An attempt timed out, or the call's overall deadline ran out."""


class RequestValidationError(ApiError, ValueError):
    """Generated code refused the arguments before sending anything (``attempts == 0``)."""

    def __init__(self, message: str, *, operation_id: str | None = None) -> None:
        super().__init__(message, operation_id=operation_id)


class ResponseValidationError(ApiError):
    """A successful response whose body does not match the type the spec declares.

    ``response`` is the raw response; the pydantic error is the ``__cause__``.
    """

    def __init__(self, message: str, *, response: httpx.Response, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.response = response
        self.status_code = response.status_code


class ApiStatusError(ApiError):
    """The server answered with a non-2xx status.

    ``text`` is the full raw body; ``body`` the body parsed as JSON (``None`` if it is not
    JSON); ``error`` the body parsed into the package's error model (``None`` if it does not
    fit). ``response`` is the underlying ``httpx.Response``.
    """

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: object = None,
        error: pydantic.BaseModel | None = None,
        request_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(message, **kwargs)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.text = response.text
        self.body = body
        self.error = error
        self.request_id = request_id


class RedirectError(ApiStatusError):
    """3xx: the server sent the request elsewhere, and the client does not follow redirects
    (following one would send the credentials to wherever it points).

    ``location`` is the absolute target from the ``Location`` header (secrets masked), or
    ``None`` when the response has none (e.g. 304 Not Modified).
    """

    def __init__(self, message: str, *, location: str | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.location = location


class BadRequestError(ApiStatusError):
    """400"""


class AuthenticationError(ApiStatusError):
    """401"""


class PermissionDeniedError(ApiStatusError):
    """403"""


class NotFoundError(ApiStatusError):
    """404"""


class ConflictError(ApiStatusError):
    """409"""


class UnprocessableEntityError(ApiStatusError):
    """422"""


class RateLimitError(ApiStatusError):
    """429"""


class InternalServerError(ApiStatusError):
    """Any 5xx."""


_STATUS_CLASSES: dict[int, type[ApiStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status: int) -> type[ApiStatusError]:
    if 500 <= status <= 599:
        return InternalServerError
    if 300 <= status <= 399:
        return RedirectError
    return _STATUS_CLASSES.get(status, ApiStatusError)


def request_id_from(headers: httpx.Headers) -> str | None:
    """The server's request id, from the first of :data:`REQUEST_ID_HEADERS` present."""
    for name in REQUEST_ID_HEADERS:
        value: str | None = headers.get(name)
        if value:
            return value
    return None


def format_message(
    what: str,
    *,
    method: str,
    url: str,
    operation_id: str | None,
    detail: str | None = None,
    request_id: str | None = None,
    note: str | None = None,
) -> str:
    """``<what> from <METHOD> <url> (<operation>): <detail> [request id <id>] (<note>)``."""
    message = f"{what} from {method} {url}"
    if operation_id:
        message += f" ({operation_id})"
    if detail:
        message += f": {detail}"
    if request_id:
        message += f" [request id {request_id}]"
    if note:
        message += f" ({note})"
    return message


def _parse_json(content: bytes) -> object:
    if not content.strip():
        return None
    try:
        return json.loads(content)
    except ValueError:  # not JSON, malformed JSON, or not UTF-8
        return None


_MESSAGE_KEYS = ("message", "error_description", "detail", "title", "error", "errors", "msg")


def _message_from_body(body: object, depth: int = 0) -> str | None:
    """Find the human-readable message in the common JSON error shapes.

    Covers ``{"message": ...}``, ``{"error": {"message": ...}}``, ``{"error": "..."}``,
    ``{"errors": [{"message": ...}]}``, ``{"detail": ...}`` and problem+json title/detail.
    """
    if depth > 3:
        return None
    if isinstance(body, str):
        return body.strip() or None
    if isinstance(body, list):
        return _message_from_body(body[0], depth + 1) if body else None
    if not isinstance(body, dict):
        return None
    title, detail = body.get("title"), body.get("detail")
    if isinstance(title, str) and isinstance(detail, str) and title and detail:
        message: str | None = f"{title}: {detail}"
    else:
        message = None
        for key in _MESSAGE_KEYS:
            if key in body:
                message = _message_from_body(body[key], depth + 1)
                if message:
                    break
    code = body.get("code")
    if message and isinstance(code, str | int) and not isinstance(code, bool):
        message += f" (code {code})"
    return message


_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HTML_NOISE = re.compile(r"<(script|style)\b.*?</\1>|<[^>]*>", re.IGNORECASE | re.DOTALL)


def _snippet(text: str) -> str | None:
    """A short one-line excerpt of a body that carries no JSON message (an HTML proxy page)."""
    stripped = text.lstrip()
    if stripped.startswith("<"):
        title = _HTML_TITLE.search(stripped)
        text = title.group(1) if title and title.group(1).strip() else _HTML_NOISE.sub(" ", text)
    return _shorten(text)


def _shorten(text: str) -> str | None:
    line = " ".join(text.split())
    if len(line) > _MAX_DETAIL:
        line = line[: _MAX_DETAIL - 3].rstrip() + "..."
    return line or None


def _location(response: httpx.Response, url: str, redact: Callable[[str], str]) -> str | None:
    """The redirect target as an absolute URL (``Location`` may be relative to the request)."""
    import httpx

    raw = response.headers.get("location", "").strip()
    if not raw:
        return None
    try:
        target = str(httpx.URL(url).join(raw))
    except (httpx.InvalidURL, ValueError):  # not a URL at all: show what the server sent
        target = raw
    return redact(target)


def status_error_from_response(
    response: httpx.Response,
    *,
    method: str,
    url: str,
    operation_id: str | None,
    retryable: bool,
    attempts: int,
    note: str | None,
    error_model: type[pydantic.BaseModel] | None,
    redact: Callable[[str], str],
) -> ApiStatusError:
    """Build the right :class:`ApiStatusError` subclass for a non-2xx response.

    ``url`` must already be redacted; ``redact`` is applied to the parts the server wrote (its
    message, request id, redirect target), because a server may echo a credential back.
    """
    import httpx
    import pydantic

    status = response.status_code
    body = _parse_json(response.content)
    error: pydantic.BaseModel | None = None
    if error_model is not None and body is not None:
        try:
            error = error_model.model_validate(body)
        except pydantic.ValidationError:
            error = None
    extra: dict[str, Any] = {}
    if 300 <= status <= 399:
        location = _location(response, url, redact)
        extra["location"] = location
        where = f"redirected to {_shorten(location)}" if location else "no Location header"
        detail: str | None = f"{where}; redirects are not followed"
    else:
        detail = _message_from_body(body)
        detail = _shorten(detail) if detail else _snippet(response.text)
        detail = redact(detail) if detail else None
    request_id = request_id_from(response.headers)
    if request_id:
        request_id = redact(request_id)
    reason = httpx.codes.get_reason_phrase(status)
    message = format_message(
        f"{status} {reason}" if reason else str(status),
        method=method,
        url=url,
        operation_id=operation_id,
        detail=detail,
        request_id=request_id,
        note=note,
    )
    return status_error_class(status)(
        message,
        response=response,
        body=body,
        error=error,
        request_id=request_id,
        method=method,
        url=url,
        operation_id=operation_id,
        retryable=retryable,
        attempts=attempts,
        **extra,
    )
