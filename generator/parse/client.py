"""Package identity, server URL and authentication → the client's IR (`Client`).

Generator extensions read here (all optional; see CONTRIBUTING.md):
  info.x-sdk: {package, client, distribution}
  servers[0].variables.<v>: x-sdk-argument, x-sdk-env
  securitySchemes.<s>.x-sdk-credentials: {username|password|token|value: {argument, env, description}}
  securitySchemes.<s>.x-sdk-constant: a fixed apiKey value (e.g. stream-auth-type: jwt)
  securitySchemes.<s>.x-sdk-jwt: {secret: {argument, env, description}, claims: {…}, ttl: seconds}
  securitySchemes.<s>.x-sdk-user-tokens: {method} (with x-sdk-jwt: a method minting user tokens)
  info.x-sdk-webhook-signature: {algorithm, header, description, validator, method, secret, example-url}

Constructor arguments are claimed in the constructor's scope (`naming.client_parameters`), which
already holds the arguments every client takes (`base_url`, `timeout`, …).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from generator import naming
from generator.ir import (
    ApiKeyAuth,
    AuthPart,
    BasicAuth,
    BearerAuth,
    ClientArg,
    ConstantKeyAuth,
    JwtBearerAuth,
    ServerVariable,
    UserTokens,
    WebhookSignature,
)
from generator.load import Pointer
from generator.parse.schemas import SchemaTranslator


def identity(translator: SchemaTranslator, spec_path: Path) -> tuple[str, str, str]:
    """(package, distribution, client class) from info.x-sdk, else from the spec's file name."""
    data = translator.spec.data
    sdk = (data.get("info") or {}).get("x-sdk") or {}
    sdk = sdk if isinstance(sdk, Mapping) else {}
    package = naming.module(str(sdk.get("package") or spec_path.stem))
    problem = naming.package_problem(package)
    if problem:
        where = ("info", "x-sdk", "package") if sdk.get("package") else ("info",)
        translator.problem(where, f"{problem}: set info.x-sdk.package")
    distribution = str(sdk.get("distribution") or package.replace("_", "-"))
    wanted = str(sdk.get("client") or f"{naming.pascal(package)}Client")
    client = naming.class_name(wanted)
    problem = naming.client_problem(naming.pascal(wanted)) or naming.client_problem(client)
    if problem:
        where = ("info", "x-sdk", "client") if sdk.get("client") else ("info",)
        translator.problem(where, f"{problem}: set info.x-sdk.client")
    translator.classes.claim_all(client, naming.client_class_variants)
    return package, distribution, client


class ClientArgs:
    """The constructor's scope: every argument a spec adds is claimed here."""

    def __init__(self, translator: SchemaTranslator) -> None:
        self.translator = translator
        self.scope = naming.client_parameters()

    def make(self, raw: Any, fallback: str, secret: bool, default: str | None = None) -> ClientArg:
        raw = raw if isinstance(raw, Mapping) else {}
        env = raw.get("env")
        wanted = str(raw.get("argument") or fallback)
        return ClientArg(
            name=self.scope.claim(naming.argument(wanted), wanted),
            env=str(env) if env else None,
            description=str(raw.get("description") or "").strip(),
            secret=secret,
            default=default,
        )

    def notes(self) -> list[str]:
        return [f"client argument {old!r} is {new!r} in Python" for old, new in self.scope.renames]


def server(args: ClientArgs) -> tuple[str, tuple[ServerVariable, ...]]:
    servers = args.translator.spec.data.get("servers") or [{"url": "/"}]
    first = servers[0]
    variables = []
    for wire, var in (first.get("variables") or {}).items():
        env = var.get("x-sdk-env")
        arg = args.make(
            {
                "argument": var.get("x-sdk-argument") or wire,
                "env": env,
                "description": var.get("description"),
            },
            str(wire),
            secret=False,
            # A variable users must set themselves (it has an env fallback) has no usable default.
            default=None if env else str(var.get("default", "")),
        )
        variables.append(ServerVariable(str(wire), arg))
    return str(first.get("url") or "/"), tuple(variables)


def auth(args: ClientArgs) -> tuple[AuthPart, ...]:
    translator = args.translator
    data = translator.spec.data
    requirements = data.get("security") or []
    if not requirements:
        return ()
    schemes = (data.get("components") or {}).get("securitySchemes") or {}
    parts: list[AuthPart] = []
    for scheme_name in requirements[0]:
        scheme = schemes.get(scheme_name)
        ptr = ("components", "securitySchemes", scheme_name)
        if not isinstance(scheme, Mapping):
            translator.problem(
                ("security", 0, scheme_name), f"security scheme {scheme_name!r} is not defined"
            )
            continue
        part = _part(args, str(scheme_name), scheme)
        if part is None:
            kind = " ".join(
                str(p) for p in (scheme.get("type"), scheme.get("scheme") or scheme.get("in")) if p
            )
            translator.warn(
                ptr,
                f"security scheme type {kind!r} is not supported: the client sends no credentials "
                "for it (pass them with default_headers)",
            )
            continue
        parts.append(part)
    return tuple(parts)


def _part(args: ClientArgs, name: str, scheme: Mapping[str, Any]) -> AuthPart | None:
    creds = scheme.get("x-sdk-credentials") or {}
    kind = scheme.get("type")
    http = str(scheme.get("scheme", "")).lower()
    if kind == "http" and http == "basic":
        return BasicAuth(
            name,
            args.make(creds.get("username"), "username", secret=False),
            args.make(creds.get("password"), "password", secret=True),
        )
    if kind == "http" and http == "bearer":
        token = args.make(creds.get("token"), "token", secret=True)
        jwt = scheme.get("x-sdk-jwt")
        if isinstance(jwt, Mapping):
            claims = jwt.get("claims") or {}
            return JwtBearerAuth(
                name,
                token,
                args.make(jwt.get("secret"), "api_secret", secret=True),
                tuple(sorted((str(k), v) for k, v in claims.items())),
                int(jwt.get("ttl") or 3600),
            )
        return BearerAuth(name, token)
    location = scheme.get("in")
    if kind == "apiKey" and location in ("header", "query"):
        wire = str(scheme.get("name") or "")
        constant = scheme.get("x-sdk-constant")
        if constant is not None:
            return ConstantKeyAuth(name, wire, cast(Any, location), str(constant))
        value = args.make(creds.get("value"), wire or name, secret=True)
        return ApiKeyAuth(name, wire, cast(Any, location), value)
    return None


# ------------------------------------------------------------------------------------------------
# Local signing (issue 13): x-sdk-user-tokens on a bearer scheme with x-sdk-jwt, and
# x-sdk-webhook-signature under info.

_USER_TOKEN_KEYS = frozenset({"method"})
_WEBHOOK_KEYS = frozenset(
    {"algorithm", "header", "description", "validator", "method", "secret", "example-url"}
)
# algorithm → (runtime validator, what its signature is, its check as the README shows it, whether
# it checks a body alone, so that a client method `(body, signature)` can do it)
_ALGORITHMS: dict[str, tuple[str, str, str, bool]] = {
    "hmac-sha256-hex": (
        "HexHmacSha256Validator",
        "the hex HMAC-SHA256 of the raw request body",
        "validate(body, signature)",
        True,
    ),
    "twilio": (
        "TwilioSignatureValidator",
        "the base64 HMAC-SHA1 of the full URL followed by each form parameter's name and value, "
        "sorted by name",
        "validate_body(url, body, signature)",
        False,
    ),
}
# Names the client class defines itself, and the names the package's __init__ exports.
_CLIENT_OWN = frozenset({"base_url", "close", "aclose"})
_PACKAGE_EXPORTS = frozenset(
    {
        "NOT_GIVEN",
        "ApiConnectionError",
        "ApiError",
        "ApiResponse",
        "ApiStatusError",
        "ApiTimeoutError",
        "AuthenticationError",
        "BadRequestError",
        "ConfigurationError",
        "ConflictError",
        "InternalServerError",
        "NotFoundError",
        "NotGiven",
        "PaginationError",
        "PermissionDeniedError",
        "RateLimitError",
        "RedirectError",
        "RequestOptions",
        "RequestValidationError",
        "ResponseValidationError",
        "RetryConfig",
        "UnprocessableEntityError",
        "__version__",
        *(runtime for runtime, *_ in _ALGORITHMS.values()),
    }
)
# RFC 9110 token characters: what a header name may be made of.
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# The README prints it inside code: no quotes, backslashes, markup or spaces.
_EXAMPLE_URL = re.compile(r"https?://[^\s/\"'\\<>`]+[^\s\"'\\<>`]*")


def signing(
    translator: SchemaTranslator,
    parts: tuple[AuthPart, ...],
    client_class: str,
    taken: set[str],
) -> tuple[UserTokens | None, WebhookSignature | None, tuple[str, ...]]:
    """The user-token and webhook-signature features the spec asks for, and the import lines the
    client module then needs. `taken` holds the client's attribute names (resources, settings)."""
    tokens = _user_tokens(translator, parts, taken)
    if tokens:
        taken = taken | {tokens.method}
    credentials = tuple(arg for p in parts for arg in p.args)
    webhook = _webhook(translator, credentials, client_class, taken)
    imports: set[str] = set()
    if tokens:
        imports |= {
            "import datetime",
            "from collections.abc import Sequence",
            "from ._runtime import mint_user_token",
        }
    if webhook and webhook.method:
        imports.add(f"from ._runtime import {webhook.runtime_class}")
    if imports:
        imports.add("from ._runtime._config import optional_setting, required_for")
    return tokens, webhook, tuple(sorted(imports))


def _mapping(
    translator: SchemaTranslator, ptr: Pointer, value: Any, allowed: frozenset[str]
) -> bool:
    if not isinstance(value, Mapping):
        translator.problem(ptr, f"{ptr[-1]} must be a mapping, not {type(value).__name__}")
        return False
    # x- keys are bookkeeping (x-curation-note), as anywhere else in a spec.
    unknown = sorted(str(k) for k in value if k not in allowed and not str(k).startswith("x-"))
    if unknown:
        translator.problem(ptr, f"unknown key(s) {unknown}: expected {sorted(allowed)}")
    return True


def _python_name(
    translator: SchemaTranslator, ptr: Pointer, value: Any, make: Callable[[str], str], kind: str
) -> str | None:
    """A name the spec gives for generated code: it must already be the identifier it would become."""
    if isinstance(value, str) and value and make(value) == value:
        return value
    if isinstance(value, str) and value and make(value).rstrip("_") == value:
        translator.problem(ptr, f"{value!r} is reserved: the generated code uses it")
    else:
        hint = f" (e.g. {make(value)!r})" if isinstance(value, str) and value else ""
        translator.problem(ptr, f"{value!r} is not a {kind}{hint}")
    return None


def _user_tokens(
    translator: SchemaTranslator, parts: tuple[AuthPart, ...], taken: set[str]
) -> UserTokens | None:
    schemes = (translator.spec.data.get("components") or {}).get("securitySchemes") or {}
    found: UserTokens | None = None
    for scheme_name, scheme in schemes.items():
        if not isinstance(scheme, Mapping) or "x-sdk-user-tokens" not in scheme:
            continue
        ptr: Pointer = ("components", "securitySchemes", scheme_name, "x-sdk-user-tokens")
        raw = scheme["x-sdk-user-tokens"]
        if not _mapping(translator, ptr, raw, _USER_TOKEN_KEYS):
            continue
        method = _python_name(
            translator,
            (*ptr, "method"),
            raw.get("method", "create_token"),
            naming.method,
            "method name",
        )
        part = next(
            (p for p in parts if p.scheme == scheme_name and isinstance(p, JwtBearerAuth)), None
        )
        if part is None:
            translator.problem(
                ptr,
                "x-sdk-user-tokens needs x-sdk-jwt on the same bearer scheme, and the scheme in "
                "the security requirement the client uses: the tokens are signed with its secret",
            )
            continue
        if found is not None:
            translator.problem(ptr, "x-sdk-user-tokens may be set on one security scheme only")
            continue
        if method is None:
            continue
        if method in taken | _CLIENT_OWN:
            translator.problem((*ptr, "method"), f"client method {method}() is already taken")
            continue
        found = UserTokens(method=method, secret=part.secret)
    return found


def _webhook_texts(
    translator: SchemaTranslator, ptr: Pointer, raw: Mapping[str, Any]
) -> tuple[str, str | None]:
    """(description, example URL), checked."""
    texts = {}
    for key in ("description", "example-url"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str):
            translator.problem((*ptr, key), f"{key} must be a string, not {type(value).__name__}")
        texts[key] = value.strip() if isinstance(value, str) else None
    example = texts["example-url"]
    if example is not None and not _EXAMPLE_URL.fullmatch(example):
        translator.problem(
            (*ptr, "example-url"), f"example-url must be an http(s) URL: {example!r}"
        )
    return texts["description"] or "", example


def _webhook_validator(
    translator: SchemaTranslator, ptr: Pointer, raw: Mapping[str, Any], client_class: str
) -> str | None:
    if "validator" not in raw:
        return None
    validator = _python_name(
        translator, (*ptr, "validator"), raw["validator"], naming.class_name, "class name"
    )
    if validator in _PACKAGE_EXPORTS | {client_class, f"Async{client_class}"}:
        translator.problem(
            (*ptr, "validator"), f"{validator} is already a name the package exports"
        )
    return validator


def _webhook_method(
    translator: SchemaTranslator,
    ptr: Pointer,
    raw: Mapping[str, Any],
    args: tuple[ClientArg, ...],
    taken: set[str],
) -> tuple[str | None, ClientArg | None]:
    """(client method, the secret it checks with)."""
    if "method" not in raw:
        if "secret" in raw:
            translator.problem((*ptr, "secret"), "secret is only used by method")
        return None, None
    algorithm = raw.get("algorithm")
    body_only = _ALGORITHMS[str(algorithm)][3]
    method = _python_name(translator, (*ptr, "method"), raw["method"], naming.method, "method name")
    if not body_only:
        translator.problem(
            (*ptr, "method"),
            f"a client method needs an algorithm that signs the body alone "
            f"({', '.join(a for a, spec in sorted(_ALGORITHMS.items()) if spec[3])}); "
            f"use validator for {algorithm!r}",
        )
        return method, None
    if method in taken | _CLIENT_OWN:
        translator.problem((*ptr, "method"), f"client method {method}() is already taken")
    names = {a.name: a for a in args if a.secret}
    secret = names.get(str(raw.get("secret")))
    if secret is None:
        translator.problem(
            (*ptr, "secret") if "secret" in raw else ptr,
            f"method needs secret: the client argument holding the key, one of {sorted(names)}"
            if names
            else "method needs secret, a secret credential of the client, and it has none",
        )
    return method, secret


def _webhook(
    translator: SchemaTranslator, args: tuple[ClientArg, ...], client_class: str, taken: set[str]
) -> WebhookSignature | None:
    info = translator.spec.data.get("info") or {}
    if "x-sdk-webhook-signature" not in info:
        return None
    ptr: Pointer = ("info", "x-sdk-webhook-signature")
    raw = info["x-sdk-webhook-signature"]
    if not _mapping(translator, ptr, raw, _WEBHOOK_KEYS):
        return None
    before = len(translator.problems)
    algorithm = raw.get("algorithm")
    if algorithm not in _ALGORITHMS:
        translator.problem(
            (*ptr, "algorithm") if "algorithm" in raw else ptr,
            f"algorithm must be one of {sorted(_ALGORITHMS)}, not {algorithm!r}",
        )
        return None
    runtime_class, signs, check_call, _ = _ALGORITHMS[algorithm]
    header = raw.get("header")
    if not (isinstance(header, str) and _HEADER_NAME.fullmatch(header)):
        translator.problem(
            (*ptr, "header") if "header" in raw else ptr,
            f"header must be the name of the HTTP header carrying the signature, not {header!r}",
        )
    description, example = _webhook_texts(translator, ptr, raw)
    validator = _webhook_validator(translator, ptr, raw, client_class)
    method, secret = _webhook_method(translator, ptr, raw, args, taken)
    if "validator" not in raw and "method" not in raw:
        translator.problem(
            ptr, "set validator (an exported class), method (a client method) or both"
        )
    if len(translator.problems) > before:
        return None
    return WebhookSignature(
        algorithm=cast(Any, algorithm),
        runtime_class=runtime_class,
        header=str(header),
        signs=signs,
        check_call=check_call,
        description=description,
        validator=validator,
        method=method,
        secret=secret,
        example_url=example,
    )
