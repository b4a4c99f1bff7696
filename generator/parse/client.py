"""Package identity, server URL and authentication → the client's constructor arguments.

Generator extensions read here (all optional; see CONTRIBUTING.md):
  info.x-sdk: {package, client, distribution}
  servers[0].variables.<v>: x-sdk-argument, x-sdk-env
  securitySchemes.<s>.x-sdk-credentials: {username|password|token|value: {argument, env, description}}
  securitySchemes.<s>.x-sdk-constant: a fixed apiKey value (e.g. stream-auth-type: jwt)
  securitySchemes.<s>.x-sdk-jwt: {secret: {argument, env, description}, claims: {…}, ttl: seconds}
  securitySchemes.<s>.x-sdk-user-tokens: {method} (with x-sdk-jwt: a method minting user tokens)
  info.x-sdk-webhook-signature: {algorithm, header, description, validator, method, secret, example-url}
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

from generator import naming
from generator.ir import AuthPart, ClientArg, ServerVariable, UserTokens, WebhookSignature
from generator.load import Pointer
from generator.parse.schemas import SchemaTranslator, json_text

_ROLES = {"basic": ("username", "password"), "bearer": ("token",), "api_key": ("value",)}


def identity(spec_path: Path, data: Mapping[str, Any]) -> tuple[str, str, str]:
    """(package, distribution, client class) from info.x-sdk, else from the spec's file name."""
    sdk = (data.get("info") or {}).get("x-sdk") or {}
    package = naming.module(str(sdk.get("package") or spec_path.stem))
    distribution = str(sdk.get("distribution") or package.replace("_", "-"))
    client = naming.class_name(str(sdk.get("client") or f"{naming.pascal(package)}Client"))
    return package, distribution, client


def _arg(raw: Any, fallback: str, secret: bool, default: str | None = None) -> ClientArg:
    raw = raw if isinstance(raw, Mapping) else {}
    env = raw.get("env")
    return ClientArg(
        name=naming.argument(str(raw.get("argument") or fallback)),
        env=str(env) if env else None,
        description=str(raw.get("description") or "").strip(),
        secret=secret,
        default=default,
    )


def server(translator: SchemaTranslator) -> tuple[str, tuple[ServerVariable, ...]]:
    servers = translator.spec.data.get("servers") or [{"url": "/"}]
    first = servers[0]
    variables = []
    for wire, var in (first.get("variables") or {}).items():
        env = var.get("x-sdk-env")
        arg = ClientArg(
            name=naming.argument(str(var.get("x-sdk-argument") or wire)),
            env=str(env) if env else None,
            description=str(var.get("description") or "").strip(),
            secret=False,
            # A variable users must set themselves (it has an env fallback) has no usable default.
            default=None if env else str(var.get("default", "")),
        )
        variables.append(ServerVariable(wire, arg))
    return str(first.get("url") or "/"), tuple(variables)


def auth(translator: SchemaTranslator) -> tuple[AuthPart, ...]:
    data = translator.spec.data
    requirements = data.get("security") or []
    if not requirements:
        return ()
    schemes = (data.get("components") or {}).get("securitySchemes") or {}
    parts = []
    for scheme_name in requirements[0]:
        scheme = schemes.get(scheme_name)
        ptr = ("components", "securitySchemes", scheme_name)
        if not isinstance(scheme, Mapping):
            translator.problem(
                ("security", 0, scheme_name), f"security scheme {scheme_name!r} is not defined"
            )
            continue
        kind = _kind(scheme)
        if kind is None:
            translator.problem(
                ptr,
                " ".join(
                    part
                    for part in (
                        f"security scheme type {scheme.get('type')!r}",
                        str(scheme.get("scheme") or scheme.get("in") or ""),
                        "is not supported",
                    )
                    if part
                ),
            )
            continue
        creds = scheme.get("x-sdk-credentials") or {}
        constant = scheme.get("x-sdk-constant")
        args: tuple[ClientArg, ...] = ()
        if constant is None:
            args = tuple(
                _arg(
                    creds.get(role),
                    role if kind != "api_key" else scheme.get("name", scheme_name),
                    secret=role != "username",
                )
                for role in _ROLES[kind]
            )
        jwt = scheme.get("x-sdk-jwt") if kind == "bearer" else None
        parts.append(
            AuthPart(
                kind=cast(Any, kind),
                scheme=scheme_name,
                args=args,
                wire_name=str(scheme.get("name") or ""),
                location=scheme.get("in", "") if kind == "api_key" else "",
                constant=str(constant) if constant is not None else None,
                jwt_secret=_arg(jwt.get("secret"), "api_secret", secret=True)
                if isinstance(jwt, Mapping)
                else None,
                jwt_claims=tuple(
                    sorted(
                        (str(k), json_text(v)) for k, v in ((jwt or {}).get("claims") or {}).items()
                    )
                ),
                jwt_ttl=int((jwt or {}).get("ttl") or 3600),
            )
        )
    return tuple(parts)


def _kind(scheme: Mapping[str, Any]) -> str | None:
    if scheme.get("type") == "http":
        return {"basic": "basic", "bearer": "bearer"}.get(str(scheme.get("scheme", "")).lower())
    if scheme.get("type") == "apiKey" and scheme.get("in") in ("header", "query"):
        return "api_key"
    return None


# ------------------------------------------------------------------------------------------------
# Local signing (issue 13): x-sdk-user-tokens on a bearer scheme with x-sdk-jwt, and
# x-sdk-webhook-signature under info. Self-contained so the parser redesign can port it as a unit.

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
        "PermissionDeniedError",
        "RateLimitError",
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
    credentials = tuple(
        arg for p in parts for arg in (*p.args, *((p.jwt_secret,) if p.jwt_secret else ()))
    )
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
        part = next((p for p in parts if p.scheme == scheme_name and p.jwt_secret), None)
        if part is None or part.jwt_secret is None:
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
        found = UserTokens(method=method, secret=part.jwt_secret)
    return found


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
    runtime_class, signs, check_call, body_only = _ALGORITHMS[algorithm]
    header = raw.get("header")
    if not (isinstance(header, str) and _HEADER_NAME.fullmatch(header)):
        translator.problem(
            (*ptr, "header") if "header" in raw else ptr,
            f"header must be the name of the HTTP header carrying the signature, not {header!r}",
        )
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
    validator = None
    if "validator" in raw:
        validator = _python_name(
            translator, (*ptr, "validator"), raw["validator"], naming.class_name, "class name"
        )
        client_names = {client_class, f"Async{client_class}"}
        if validator in _PACKAGE_EXPORTS | client_names:
            translator.problem(
                (*ptr, "validator"), f"{validator} is already a name the package exports"
            )
    method = secret = None
    if "method" in raw:
        method = _python_name(
            translator, (*ptr, "method"), raw["method"], naming.method, "method name"
        )
        if not body_only:
            translator.problem(
                (*ptr, "method"),
                f"a client method needs an algorithm that signs the body alone "
                f"({', '.join(a for a, spec in sorted(_ALGORITHMS.items()) if spec[3])}); "
                f"use validator for {algorithm!r}",
            )
        elif method in taken | _CLIENT_OWN:
            translator.problem((*ptr, "method"), f"client method {method}() is already taken")
        names = {a.name: a for a in args if a.secret}
        secret = names.get(str(raw.get("secret")))
        if secret is None and body_only:
            translator.problem(
                (*ptr, "secret") if "secret" in raw else ptr,
                f"method needs secret: the client argument holding the key, one of {sorted(names)}"
                if names
                else "method needs secret, a secret credential of the client, and it has none",
            )
    elif "secret" in raw:
        translator.problem((*ptr, "secret"), "secret is only used by method")
    if validator is None and "method" not in raw and "validator" not in raw:
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
        description=texts["description"] or "",
        validator=validator,
        method=method,
        secret=secret,
        example_url=example,
    )
