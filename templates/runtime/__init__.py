"""Runtime shared by every generated SDK: the HTTP clients, retries, errors, redaction, auth,
pagination, user tokens and webhook signatures. Generated code imports the names re-exported
here, plus the client settings of ``_config`` and the validator a package subclasses.

This package is copied verbatim into each generated package, so it uses relative imports only.
"""

from typing import TYPE_CHECKING

from ._auth import (
    ApiKeyAuth,
    Auth,
    BasicAuth,
    BearerAuth,
    CompositeAuth,
    JwtServerAuth,
    NoAuth,
    RenewableAuth,
    TokenAuth,
)
from ._client import AsyncApiClient, SyncApiClient
from ._content import BinaryContent, FileInput
from ._encoding import build_path, encode_query_value
from ._errors import (
    ApiConnectionError,
    ApiError,
    ApiStatusError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    RequestValidationError,
    ResponseValidationError,
    UnprocessableEntityError,
)
from ._oauth2 import OAuth2ClientCredentials, OAuth2Token, TokenError
from ._pagination import AsyncPager, Cursor, Page, PaginationError, SyncPager
from ._raw import async_raw_response, raw_response
from ._response import ApiResponse, ByStatus
from ._retry import RetryConfig
from ._security import SecuritySchemes
from ._streaming import (
    AsyncBinaryStream,
    AsyncEventStream,
    BinaryStream,
    EventStream,
    ServerSentEvent,
)
from ._tokens import mint_user_token
from ._types import (
    DEFAULT_MAX_RETRIES,
    NOT_GIVEN,
    NotGiven,
    NotGivenOr,
    RequestOptions,
    RequestSpec,
)
from ._webhooks import HexHmacSha256Validator, TwilioSignatureValidator

if TYPE_CHECKING:
    from ._types import DEFAULT_TIMEOUT

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "NOT_GIVEN",
    "ApiConnectionError",
    "ApiError",
    "ApiKeyAuth",
    "ApiResponse",
    "ApiStatusError",
    "ApiTimeoutError",
    "AsyncApiClient",
    "AsyncBinaryStream",
    "AsyncEventStream",
    "AsyncPager",
    "Auth",
    "AuthenticationError",
    "BadRequestError",
    "BasicAuth",
    "BearerAuth",
    "BinaryContent",
    "BinaryStream",
    "ByStatus",
    "CompositeAuth",
    "ConflictError",
    "Cursor",
    "EventStream",
    "FileInput",
    "HexHmacSha256Validator",
    "InternalServerError",
    "JwtServerAuth",
    "NoAuth",
    "NotFoundError",
    "NotGiven",
    "NotGivenOr",
    "OAuth2ClientCredentials",
    "OAuth2Token",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "RenewableAuth",
    "RequestOptions",
    "RequestSpec",
    "RequestValidationError",
    "ResponseValidationError",
    "RetryConfig",
    "SecuritySchemes",
    "ServerSentEvent",
    "SyncApiClient",
    "SyncPager",
    "TokenAuth",
    "TokenError",
    "TwilioSignatureValidator",
    "UnprocessableEntityError",
    "async_raw_response",
    "build_path",
    "encode_query_value",
    "mint_user_token",
    "raw_response",
]


def __getattr__(name: str) -> object:
    # DEFAULT_TIMEOUT is an httpx.Timeout, made (and httpx imported) when first asked for.
    if name == "DEFAULT_TIMEOUT":
        from ._types import default_timeout

        return default_timeout()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
