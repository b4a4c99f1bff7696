"""What the sync and async clients share: configuration, building each attempt's request,
logging, and turning each attempt's outcome into "done", "wait and retry" or an error.

The clients in ``_client.py`` only add the I/O: send, read, sleep, close. The retry policy
itself lives in ``_retry.py``; redaction in ``_redact.py``; holding the deadline on the wire in
``_transport.py``.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeGuard, TypeVar, overload
from urllib.parse import quote, unquote, urlencode, urlsplit

from ._auth import Auth, CompositeAuth, RenewableAuth, TokenAuth
from ._config import ConfigurationError
from ._errors import (
    ApiConnectionError,
    ApiTimeoutError,
    RequestValidationError,
    ResponseValidationError,
    format_message,
    status_error_from_response,
)
from ._oauth2 import TokenError
from ._redact import Redactor, register
from ._request import checked_header, header_problem, merge_cookies, parse_cookies
from ._response import CallInfo, parse_body, record_call
from ._retry import RetryConfig, RetryDecision, classify_exception, decide_retry
from ._security import choose
from ._types import (
    DEFAULT_MAX_RETRIES,
    NOT_GIVEN,
    NotGiven,
    RequestOptions,
    RequestSpec,
    default_timeout,
)
from ._urls import plain

if TYPE_CHECKING:
    # httpx and pydantic are imported when they are first needed (the first request, the first
    # body to validate or parse), not with the package: together they cost several times more
    # to import than the rest of the runtime.
    import ssl

    import httpx
    import pydantic

    from ._transport import DeadlineExceeded

__all__ = ["BaseApiClient", "user_agent"]

T = TypeVar("T")
HttpClientT = TypeVar("HttpClientT", "httpx.Client", "httpx.AsyncClient")

# A deadline never leaves an attempt less than this: a zero timeout would mean "none" to some
# transports, and a tiny positive one still fails fast with a proper timeout error.
_MIN_ATTEMPT_TIMEOUT = 0.001


def user_agent(package: str, version: str) -> str:
    import platform

    import httpx

    return (
        f"{package}/{version} python-httpx/{httpx.__version__} Python/{platform.python_version()}"
    )


def _set_headers(headers: dict[str, str], items: Iterable[tuple[str, str]]) -> None:
    """Set each header, replacing any existing one whose name differs only in case."""
    for name, value in items:
        lowered = name.lower()
        for existing in [k for k in headers if k.lower() == lowered]:
            del headers[existing]
        headers[name] = value


def _has_header(headers: Mapping[str, str], name: str) -> bool:
    return any(k.lower() == name.lower() for k in headers)


def _pop_header(headers: dict[str, str], name: str) -> str | None:
    found = None
    for key in [k for k in headers if k.lower() == name]:
        found = headers.pop(key)
    return found


def _query_string(
    encoded: Iterable[tuple[str, str]],
    credentials: Iterable[tuple[str, str]],
    extra: Iterable[tuple[str, str]],
) -> str:
    """``?…`` for the URL. The generated method's pairs are already percent-encoded (their style's
    delimiters must stay literal); the credentials' and the caller's extra ones are encoded here.
    A credential replaces a parameter of the same name; extra pairs are added."""
    pairs = list(encoded)
    secret = [(quote(k, safe=""), quote(v, safe="")) for k, v in credentials]
    names = {unquote(k) for k, _ in secret}
    pairs = [(k, v) for k, v in pairs if unquote(k) not in names] + secret
    pairs += [(quote(k, safe=""), quote(v, safe="")) for k, v in extra]
    return "?" + "&".join(f"{k}={v}" for k, v in pairs) if pairs else ""


def _userinfo_secrets(base_url: str) -> tuple[str, ...]:
    """A password in the base URL, and the Basic credential httpx derives from it."""
    if "@" not in base_url:
        return ()
    import httpx

    url = httpx.URL(base_url)
    if not url.password:
        return ()
    blob = base64.b64encode(f"{url.username}:{url.password}".encode()).decode("ascii")
    return (url.password, blob)


def _normalize_base_url(base_url: str) -> str:
    if plain(base_url):  # what httpx would give back, known without importing it
        return base_url.rstrip("/")
    import httpx

    url = httpx.URL(base_url)
    if url.scheme not in ("http", "https") or not url.host:
        raise ValueError("base_url must be an absolute http:// or https:// URL")
    if url.query or url.fragment:
        raise ValueError("base_url must not have a query or fragment")
    return str(url).rstrip("/")


def _resolve_retry(retry: RetryConfig | None, max_retries: int) -> RetryConfig:
    if max_retries < 0:
        raise ValueError("max_retries must be >= 0")
    if retry is None:
        return RetryConfig(max_retries=max_retries)
    # max_retries left at its default means "as the RetryConfig says".
    if max_retries != DEFAULT_MAX_RETRIES:
        return dataclasses.replace(retry, max_retries=max_retries)
    return retry


def _package_logger(package: str) -> logging.Logger:
    logger = logging.getLogger(package)
    # Libraries stay silent unless the application configures logging (never the root).
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    return logger


def _describe(exc: BaseException) -> str:
    """``"ReadError: [Errno 104] Connection reset by peer"``: httpx's own message is sometimes
    empty, and then the underlying OS error is the useful part."""
    cause: BaseException | None = exc
    for _ in range(5):
        if cause is None:
            break
        if str(cause):
            return f"{type(exc).__name__}: {cause}"
        cause = cause.__cause__ or cause.__context__
    return type(exc).__name__


@functools.cache
def shared_ssl_context() -> ssl.SSLContext:
    """httpx's default verifying context, built once per process instead of once per client.

    Building one loads the whole CA bundle (tens of milliseconds); a context is safe to share
    between clients and threads. Callers needing other TLS settings inject an http_client.
    """
    import httpx

    return httpx.create_ssl_context()


@functools.cache
def _context_without_cas() -> ssl.SSLContext:
    # Still verifying (CERT_REQUIRED, hostname checks): should anything ever start TLS through it,
    # the handshake fails rather than trusting the peer.
    import ssl

    return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)


def ssl_context_for(base_url: str) -> ssl.SSLContext:
    """The shared verifying context, except for a plain ``http://`` base URL: requests only go to
    the base URL (redirects are not followed), so loading the CA bundle would be wasted."""
    if urlsplit(base_url).scheme.lower() == "http":
        return _context_without_cas()
    return shared_ssl_context()


def _outcome(status: int) -> str:
    import httpx

    return f"{status} {httpx.codes.get_reason_phrase(status)}".rstrip()


@functools.cache
def _token_class(kind: type) -> bool:
    return issubclass(kind, TokenAuth)


def _fetches_tokens(part: Auth) -> TypeGuard[TokenAuth]:
    # isinstance() against a runtime-checkable protocol inspects the protocol's members on
    # every call; per credential class it is asked once.
    return _token_class(type(part))


def _plain_timeout(timeout: object) -> bool:
    return timeout is None or isinstance(timeout, NotGiven | int | float)


def _as_timeout(timeout: float | httpx.Timeout | NotGiven | None) -> httpx.Timeout:
    import httpx

    return default_timeout() if isinstance(timeout, NotGiven) else httpx.Timeout(timeout)


def _is_async(http: httpx.Client | httpx.AsyncClient) -> bool:
    import httpx

    return isinstance(http, httpx.AsyncClient)


def _cap(limit: float | None, remaining: float) -> float:
    return remaining if limit is None else min(limit, remaining)


class BaseApiClient(Generic[HttpClientT]):
    """Configuration and shared behaviour of :class:`SyncApiClient` / :class:`AsyncApiClient`.

    Constructing one imports no httpx and opens nothing: the HTTP client it owns (and the
    ``httpx.Timeout`` of a plain number) is made for the first request, so an application that
    builds a client at start-up and calls it later pays for httpx only then.
    """

    def __init__(
        self,
        *,
        base_url: str,
        auth: Auth,
        package: str,
        version: str,
        timeout: float | httpx.Timeout | NotGiven | None = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        http_client: HttpClientT | None = None,
        default_headers: Mapping[str, str] | None = None,
        error_model: type[pydantic.BaseModel] | None = None,
        retry: RetryConfig | None = None,
        error_model_loader: Callable[[], type[pydantic.BaseModel]] | None = None,
    ) -> None:
        self._base_url = _normalize_base_url(base_url)
        for name, value in (default_headers or {}).items():
            problem = header_problem(name, value)
            if problem is not None:
                raise ConfigurationError(f"default_headers: {problem}")
        self.auth = auth
        self.package = package
        self.version = version
        self._timeout_setting = timeout
        # A number or None cannot be refused by httpx.Timeout; anything else is converted (and
        # refused) now, as a bad setting should be.
        self._timeout = None if _plain_timeout(timeout) else _as_timeout(timeout)
        self.retry = _resolve_retry(retry, max_retries)
        # Importing the error model builds its pydantic schema (tens of milliseconds for a large
        # one): generated clients pass a loader, called on the first error response.
        self._error_model = error_model
        self._error_model_loader = error_model_loader
        self.logger = _package_logger(package)
        self._redactor = Redactor(auth, extra_secrets=_userinfo_secrets(self._base_url))
        register(self._redactor)

        self._default_headers = dict(default_headers or {})
        self._http_client: HttpClientT | None = http_client
        self._owns_http = http_client is None
        self._http_lock = threading.Lock()
        self._closed = False
        self._request_headers: dict[str, str] = {}
        if http_client is not None:
            headers = self._headers()
            # An injected client keeps its own User-Agent if it set one on purpose.
            own_agent = http_client.headers.get("user-agent", "")
            custom = own_agent and not own_agent.startswith("python-httpx/")
            if custom and not _has_header(self._default_headers, "user-agent"):
                del headers["User-Agent"]
            self._request_headers = headers

    def _headers(self) -> dict[str, str]:
        headers: dict[str, str] = {"User-Agent": user_agent(self.package, self.version)}
        _set_headers(headers, self._default_headers.items())
        return headers

    @property
    def _http(self) -> HttpClientT:
        """The HTTP client: the injected one, else ours, made on first use."""
        http = self._http_client
        if http is None:
            if self._closed:  # closed before any request: as httpx says of a closed client
                raise RuntimeError("Cannot send a request, as the client has been closed.")
            with self._http_lock:
                http = self._http_client
                if http is None:
                    http = self._http_client = self._make_http_client(self._headers())
        return http

    @property
    def timeout(self) -> httpx.Timeout:
        """Each attempt's timeout (``request_options`` may override it per call)."""
        timeout = self._timeout
        if timeout is None:
            timeout = self._timeout = _as_timeout(self._timeout_setting)
        return timeout

    def _make_http_client(self, headers: dict[str, str]) -> HttpClientT:
        raise NotImplementedError

    @property
    def base_url(self) -> str:
        """The URL requests go to, with a password in it shown as ``***`` (it is printed in
        reprs and logs; the real one stays inside the client)."""
        return self._redactor.url(self._base_url)

    @property
    def error_model(self) -> type[pydantic.BaseModel] | None:
        if self._error_model is None and self._error_model_loader is not None:
            self._error_model = self._error_model_loader()
        return self._error_model

    @property
    def max_retries(self) -> int:
        return self.retry.max_retries

    def __repr__(self) -> str:
        # Never the auth, headers or anything else that may hold a credential.
        return f"{type(self).__name__}(package={self.package!r}, base_url={self.base_url!r})"

    @overload
    def parse(self, response: httpx.Response, type_: type[T]) -> T: ...
    @overload
    def parse(self, response: httpx.Response, type_: Any) -> Any: ...
    def parse(self, response: httpx.Response, type_: Any) -> Any:
        """Parse a successful response's body as ``type_`` (see ``parse_body``)."""
        try:
            return parse_body(
                response, type_, redact_url=self._redactor.url, redact=self._redactor.text
            )
        except ResponseValidationError:
            # the error hands the response out: it must not show credentials from here on
            with contextlib.suppress(RuntimeError):  # a response built by hand has no request
                response.request = self._redactor.request(response.request)
            raise

    def _start_call(
        self, spec: RequestSpec, options: RequestOptions | None, hand_out: bool = True
    ) -> _Call:
        return _Call(self, spec, options or {}, hand_out)


class _Call:
    """One logical call: its resolved options, its attempts so far, and the decision after
    each attempt. The client's loop is just: build request, send and read, ask this what to do.
    """

    __slots__ = (
        "_token_part",
        "_token_request",
        "attempt_started",
        "attempts",
        "auth",
        "client",
        "content",
        "content_type",
        "deadline",
        "extra_headers",
        "extra_query",
        "hand_out",
        "max_retries",
        "renewed",
        "spec",
        "started",
        "stream",
        "timeout",
        "token_attempts",
        "url",
    )

    def __init__(
        self,
        client: BaseApiClient[Any],
        spec: RequestSpec,
        options: RequestOptions,
        hand_out: bool = True,
    ) -> None:
        self.client = client
        self.spec = spec
        # Whether a 2xx response leaves the runtime (a stream, a raw response): only then is
        # its request redacted on success; errors always are.
        self.hand_out = hand_out
        self.max_retries = options.get("max_retries", client.max_retries)
        if self.max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        self.timeout = _as_timeout(options["timeout"]) if "timeout" in options else client.timeout
        self.deadline = options.get("deadline", client.retry.deadline)
        if self.deadline is not None and self.deadline <= 0:
            raise ValueError("deadline must be positive")
        self.extra_headers = dict(options.get("extra_headers") or {})
        self.extra_query = list((options.get("extra_query") or {}).items())
        self.url = client._base_url + spec.path
        self.content, self.content_type = self._encode_body(spec)
        self.stream = spec.content if spec.content is not None and self.content is None else None
        if self.stream is not None and not self.stream.replayable:
            self.max_retries = 0  # an iterator or a pipe cannot be sent again
        # The credential this call sends: the first of its security requirements the client has
        # credentials for (ConfigurationError, before anything is sent, when it has none).
        self.auth = choose(client.auth, spec.security, spec.operation_id)
        self.attempts = 0
        self.token_attempts = 0
        self._token_request: httpx.Request | None = None
        self._token_part: TokenAuth | None = None
        self.renewed = False
        self.started = self.attempt_started = client.retry.clock()

    @staticmethod
    def _encode_body(spec: RequestSpec) -> tuple[bytes | None, str | None]:
        # Encoded once per call, not per attempt, and here rather than by httpx so an explicit
        # JSON null (json=None) is sent as "null" instead of meaning "no body".
        if spec.form is not None:
            return urlencode(spec.form).encode("ascii"), "application/x-www-form-urlencoded"
        if spec.content is not None:
            return spec.content.as_bytes(), spec.content.content_type
        if spec.json is NOT_GIVEN:
            return None, None
        try:
            text = json.dumps(spec.json, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except ValueError as exc:  # NaN or infinity: not representable in JSON
            raise RequestValidationError(
                f"{spec.operation_id}: request body is not valid JSON: {exc}",
                operation_id=spec.operation_id,
            ) from exc
        return text.encode("utf-8"), "application/json"

    # -- the deadline ---------------------------------------------------------------------

    def remaining(self) -> float:
        """Seconds left before the deadline (infinite without one; zero or less once passed)."""
        if self.deadline is None:
            return float("inf")
        return self.deadline - (self.client.retry.clock() - self.started)

    def _attempt_timeout(self) -> httpx.Timeout:
        if self.deadline is None:
            return self.timeout
        import httpx

        remaining = max(self.remaining(), _MIN_ATTEMPT_TIMEOUT)
        t = self.timeout
        return httpx.Timeout(
            connect=_cap(t.connect, remaining),
            read=_cap(t.read, remaining),
            write=_cap(t.write, remaining),
            pool=_cap(t.pool, remaining),
        )

    # -- building an attempt ------------------------------------------------------------

    def _add_headers(
        self, headers: dict[str, str], items: Iterable[tuple[str, str]], source: str
    ) -> None:
        operation_id = self.spec.operation_id
        _set_headers(
            headers,
            (
                (name, checked_header(name, value, source=source, operation_id=operation_id))
                for name, value in items
            ),
        )

    def next_token_request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request | None:
        """The request fetching an access token the call's credential needs first (OAuth 2.0),
        when one is due; the client sends it before :meth:`next_request`."""
        parts = self.auth.parts if isinstance(self.auth, CompositeAuth) else (self.auth,)
        for part in parts:
            if _fetches_tokens(part):
                request = part.token_request(http)
                if request is not None:
                    request.extensions["timeout"] = self._attempt_timeout().as_dict()
                    self._token_request, self._token_part = request, part
                    self.token_attempts += 1
                    self.attempt_started = self.client.retry.clock()
                    return request
        return None

    def next_request(self, http: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        client, spec = self.client, self.spec
        headers: dict[str, str] = {}
        _set_headers(headers, client._request_headers.items())
        if self.content_type is not None:
            headers["Content-Type"] = self.content_type
        content: Any = self.content
        if self.stream is not None:
            # A fresh pass over the body per attempt; a known length spares chunked encoding,
            # which some servers (object stores) refuse.
            length = self.stream.length
            if length is not None:
                headers["Content-Length"] = str(length)
            content = self.stream.__aiter__() if _is_async(http) else iter(self.stream)
        _set_headers(headers, (("Accept", spec.accept),))
        self._add_headers(headers, spec.headers, "a header parameter")
        # Per attempt, so a credential that renews itself (a JWT) is fresh on every retry.
        credentials: dict[str, str] = {}
        auth_query: list[tuple[str, str]] = []
        self.auth.apply(credentials, auth_query)
        # Cookies (parameters, an API key sent as a cookie) are merged with the caller's cookies,
        # not replaced by them (below).
        cookies = [*spec.cookies, *parse_cookies(_pop_header(credentials, "cookie"))]
        self._add_headers(headers, credentials.items(), "from the credentials")
        extra = dict(self.extra_headers)
        extra_cookie = _pop_header(extra, "cookie") if cookies else None
        self._add_headers(headers, extra.items(), "request_options extra_headers")
        self.attempts += 1
        self.attempt_started = client.retry.clock()
        request = http.build_request(
            spec.method,
            self.url + _query_string(spec.query, auth_query, self.extra_query),
            headers=headers,
            content=content,
            timeout=self._attempt_timeout(),
        )
        if cookies:
            # What the request already carries (default_headers, the HTTP client's cookie jar)
            # gives way to the parameters and credentials, and they to a Cookie in
            # request_options.
            merged = merge_cookies(
                request.headers.get("cookie"), cookies, parse_cookies(extra_cookie)
            )
            request.headers["Cookie"] = checked_header(
                "Cookie", merged, source="cookies", operation_id=spec.operation_id
            )
        return request

    # -- after an attempt ---------------------------------------------------------------

    def _decide(
        self,
        *,
        status: int | None = None,
        headers: httpx.Headers | None = None,
        exc: httpx.RequestError | None = None,
        token: bool = False,
    ) -> RetryDecision:
        retry = self.client.retry
        return decide_retry(
            retry,
            # A token request asks for nothing but a token: always safe to repeat. It has its own
            # attempts, so fetching a token does not use up the call's.
            idempotent=token or self.spec.retry_safe,
            # A repeat with a renewed credential is not a retry: it does not use up the budget.
            attempts=self.token_attempts if token else self.attempts - int(self.renewed),
            max_retries=self.max_retries,
            elapsed=retry.clock() - self.started,
            deadline=self.deadline,
            now=time.time(),
            rand=retry.random(),
            status=status,
            headers=headers,
            failure=classify_exception(exc) if exc is not None else None,
        )

    def _log_attempt(self, url: str, outcome: str, method: str | None = None) -> None:
        logger = self.client.logger
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug(
                "%s %s -> %s in %.3fs (attempt %d/%d)",
                method or self.spec.method,
                url,
                outcome,
                self.client.retry.clock() - self.attempt_started,
                self.token_attempts if method else self.attempts,
                self.max_retries + 1 + int(self.renewed and not method),
            )

    def _log_retry(
        self, url: str, outcome: str, delay: float, why: str = "", method: str | None = None
    ) -> None:
        self.client.logger.warning(
            "Retrying %s %s (%s) in %.2fs%s: attempt %d/%d failed with %s",
            method or self.spec.method,
            url,
            self.spec.operation_id,
            delay,
            why,
            self.token_attempts if method else self.attempts,
            self.max_retries + 1 + int(self.renewed and not method),
            outcome,
        )

    def _renew(self, request: httpx.Request, response: httpx.Response) -> bool:
        """After a 401: whether the credential was renewed, so the request is worth repeating
        (once per call, and only while the deadline allows)."""
        auth = self.auth
        if self.renewed or not isinstance(auth, RenewableAuth) or self.remaining() <= 0:
            return False
        if self.stream is not None and not self.stream.replayable:
            return False
        self.renewed = auth.renew(request, response)
        return self.renewed

    def on_response(self, request: httpx.Request, response: httpx.Response) -> float | None:
        """``None`` if the call is done; else the delay before the next attempt.

        Raises the matching ``ApiStatusError`` when a non-2xx response ends the call.
        """
        if request is self._token_request:
            return self._on_token_response(request, response)
        client = self.client
        status = response.status_code
        # A 401 is refused before the application acts, so repeating it is safe for any method.
        renewed = status == 401 and self._renew(request, response)
        if response.is_success:
            # What we hand out (ApiResponse.http_response, err.response) must not show
            # credentials; a response parsed and dropped needs no copy (nor, with logging
            # off, a redacted URL).
            if self.hand_out:
                response.request = client._redactor.request(request)
            if client.logger.isEnabledFor(logging.DEBUG):
                self._log_attempt(client._redactor.url(request.url), _outcome(status))
            elapsed = client.retry.clock() - self.started
            record_call(response, CallInfo(self.attempts, elapsed, self.spec.operation_id))
            return None
        response.request = client._redactor.request(request)
        url = client._redactor.url(request.url)
        outcome = _outcome(status)
        self._log_attempt(url, outcome)
        if renewed:
            self._log_retry(url, outcome, 0.0, " with a renewed credential")
            return 0.0
        decision = self._decide(status=status, headers=response.headers)
        if decision.retry:
            self._log_retry(url, outcome, decision.delay)
            return decision.delay
        raise status_error_from_response(
            response,
            method=self.spec.method,
            url=url,
            operation_id=self.spec.operation_id,
            retryable=decision.retryable,
            attempts=self.attempts,
            note=decision.note,
            error_model=client.error_model,
            redact=client._redactor.text,
        )

    def _on_token_response(self, request: httpx.Request, response: httpx.Response) -> float:
        """After a token request: 0 (go on with the call) once the token is kept, else the delay
        before fetching again; raises when the token endpoint refuses."""
        client = self.client
        status = response.status_code
        response.request = client._redactor.request(request)
        url = client._redactor.url(request.url)
        outcome = _outcome(status)
        self._log_attempt(url, outcome, request.method)
        part = self._token_part
        if response.is_success and part is not None:
            try:
                part.token_received(response)
            except TokenError as exc:
                raise ResponseValidationError(
                    format_message(
                        "Invalid token response",
                        method=request.method,
                        url=url,
                        operation_id=self.spec.operation_id,
                        detail=str(exc),
                        note=None,
                    ),
                    response=response,
                    method=request.method,
                    url=url,
                    operation_id=self.spec.operation_id,
                    attempts=self.token_attempts,
                ) from None
            self._token_request = self._token_part = None
            self.token_attempts = 0
            return 0.0
        decision = self._decide(status=status, headers=response.headers, token=True)
        if decision.retry:
            self._log_retry(url, outcome, decision.delay, method=request.method)
            return decision.delay
        raise status_error_from_response(
            response,
            method=request.method,
            url=url,
            operation_id=self.spec.operation_id,
            retryable=decision.retryable,
            attempts=self.token_attempts,
            note="; ".join(n for n in ("fetching an access token", decision.note) if n),
            error_model=None,
            redact=client._redactor.text,
        )

    def on_exception(self, request: httpx.Request, exc: httpx.RequestError) -> float:
        """The delay before the next attempt, or raises ``ApiConnectionError``/``ApiTimeoutError``.

        Must be called from the ``except`` block, so the raised error chains ``exc``.
        """
        client = self.client
        token = request is self._token_request
        client._redactor.scrub(exc)
        url = client._redactor.url(request.url)
        outcome = client._redactor.text(_describe(exc))
        self._log_attempt(url, outcome, request.method if token else None)
        decision = self._decide(exc=exc, token=token)
        if decision.retry:
            self._log_retry(url, outcome, decision.delay, method=request.method if token else None)
            return decision.delay
        import httpx

        timeout = isinstance(exc, httpx.TimeoutException)
        error_class = ApiTimeoutError if timeout else ApiConnectionError
        note = "; ".join(
            n for n in ("fetching an access token" if token else None, decision.note) if n
        )
        message = format_message(
            "Timeout" if timeout else "Connection error",
            method=request.method,
            url=url,
            operation_id=self.spec.operation_id,
            detail=outcome,
            note=note or None,
        )
        raise error_class(
            message,
            method=request.method,
            url=url,
            operation_id=self.spec.operation_id,
            retryable=decision.retryable,
            attempts=self.token_attempts if token else self.attempts,
        ) from exc

    def deadline_exceeded(self, request: httpx.Request) -> DeadlineExceeded:
        """The exception for an attempt cut short by the deadline (the async cancel scope)."""
        from ._transport import DEADLINE_MESSAGE, DeadlineExceeded

        return DeadlineExceeded(DEADLINE_MESSAGE, request=request)
