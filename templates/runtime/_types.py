"""Plain data shared by generated code and the clients: the ``NOT_GIVEN`` sentinel, per-call
:class:`RequestOptions`, the :class:`RequestSpec` a generated method builds for each call, and
the default timeout and retry budget.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal, TypeAlias, TypedDict, TypeVar

if TYPE_CHECKING:
    import httpx

    from ._content import Content

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "NotGiven",
    "NotGivenOr",
    "RequestOptions",
    "RequestSpec",
]

if TYPE_CHECKING:
    DEFAULT_TIMEOUT: httpx.Timeout
    """60 s to read, write or wait for a pooled connection; 5 s to connect."""


@functools.cache
def default_timeout() -> httpx.Timeout:
    """:data:`DEFAULT_TIMEOUT`, made when first asked for: the runtime imports httpx only once a
    client sends (or the caller reads this), since importing it costs more than the rest of the
    package together."""
    import httpx

    return httpx.Timeout(60.0, connect=5.0)


def __getattr__(name: str) -> object:
    if name == "DEFAULT_TIMEOUT":
        return default_timeout()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


DEFAULT_MAX_RETRIES: Final = 2
"""Retries after the first attempt, so at most three attempts per call."""


class NotGiven:
    """Type of :data:`NOT_GIVEN`: "the caller did not pass this argument".

    Distinct from ``None``, which generated code sends as an explicit JSON ``null``. There is
    exactly one instance; it is falsy, and copying or pickling it gives back the same object.
    """

    _instance: NotGiven | None = None

    def __new__(cls) -> NotGiven:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __reduce__(self) -> str:
        # Pickle by reference to the module attribute so unpickling keeps the singleton.
        return "NOT_GIVEN"

    def __copy__(self) -> NotGiven:
        return self

    def __deepcopy__(self, memo: object) -> NotGiven:
        return self


NOT_GIVEN: Final = NotGiven()

_T = TypeVar("_T")
NotGivenOr: TypeAlias = _T | NotGiven
"""``NotGivenOr[int | None]``: an int, an explicit ``None``, or not passed at all."""


class RequestOptions(TypedDict, total=False):
    """Per-call overrides; every generated method takes ``request_options``.

    A key that is absent means "use the client's setting". ``timeout: None`` disables the
    timeout for that call (httpx semantics), it does not mean "default".
    """

    timeout: float | httpx.Timeout | None
    max_retries: int
    extra_headers: Mapping[str, str]
    """Sent last, so they override generated headers and credentials of the same name."""
    extra_query: Mapping[str, str]
    deadline: float
    """Overall seconds for the call across all attempts and the waits between them."""


_IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """Everything about one call that the generated method knows; the client adds the rest
    (base URL, credentials, default headers, timeouts, retries).

    ``path`` must already be expanded and percent-encoded with :func:`build_path`, and ``query``
    percent-encoded too (``encode_query``): the delimiters a parameter's style puts between its
    values must stay apart from the same characters inside a value. ``cookies`` are sent in the
    ``Cookie`` header, merged with any cookie the caller sets (see the client).
    ``idempotent`` decides how cautiously the call is retried (see the retry module); ``None``
    leaves it to the method (GET, HEAD, PUT, DELETE, OPTIONS and TRACE are idempotent).
    ``accept`` is the ``Accept`` header: the media types of the documented answers.
    ``json`` is the body as plain JSON data; ``None`` sends ``null``, :data:`NOT_GIVEN` sends
    no JSON body. ``form`` sends an ``application/x-www-form-urlencoded`` body instead;
    ``content`` any other body (multipart, binary, text: see the content module).
    ``security`` lists the operation's own security requirements when they are not the API's
    (``[]``: send no credentials), each mapping a scheme to the scopes it asks for.
    """

    method: str
    path: str
    operation_id: str
    idempotent: bool | None = None
    accept: str = "application/json"
    query: tuple[tuple[str, str], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    cookies: tuple[tuple[str, str], ...] = ()
    json: object = NOT_GIVEN
    form: tuple[tuple[str, str], ...] | None = None
    content: Content | None = None
    security: Sequence[Mapping[str, Sequence[str]]] | None = None

    @property
    def retry_safe(self) -> bool:
        """Whether repeating the request cannot do harm: ``idempotent``, else the method's rule."""
        if self.idempotent is not None:
            return self.idempotent
        return self.method.upper() in _IDEMPOTENT_METHODS

    def __post_init__(self) -> None:
        bodies = (self.json is not NOT_GIVEN) + (self.form is not None) + (self.content is not None)
        if bodies > 1:
            raise ValueError(
                f"{self.operation_id}: a request has one body: JSON, a form or content"
            )
