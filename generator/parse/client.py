"""Package identity, server URL and authentication → the client's constructor arguments.

Generator extensions read here (all optional; see CONTRIBUTING.md):
  info.x-sdk: {package, client, distribution}
  servers[0].variables.<v>: x-sdk-argument, x-sdk-env
  securitySchemes.<s>.x-sdk-credentials: {username|password|token|value: {argument, env, description}}
  securitySchemes.<s>.x-sdk-constant: a fixed apiKey value (e.g. stream-auth-type: jwt)
  securitySchemes.<s>.x-sdk-jwt: {secret: {argument, env, description}, claims: {…}, ttl: seconds}
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast

from generator import naming
from generator.ir import AuthPart, ClientArg, ServerVariable
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
