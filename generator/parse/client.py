"""Package identity, server URL and authentication → the client's IR (`Client`).

Generator extensions read here (all optional; see CONTRIBUTING.md):
  info.x-sdk: {package, client, distribution}
  servers[0].variables.<v>: x-sdk-argument, x-sdk-env
  securitySchemes.<s>.x-sdk-credentials: {username|password|token|value: {argument, env, description}}
  securitySchemes.<s>.x-sdk-constant: a fixed apiKey value (e.g. stream-auth-type: jwt)
  securitySchemes.<s>.x-sdk-jwt: {secret: {argument, env, description}, claims: {…}, ttl: seconds}

Constructor arguments are claimed in the constructor's scope (`naming.client_parameters`), which
already holds the arguments every client takes (`base_url`, `timeout`, …).
"""

from __future__ import annotations

from collections.abc import Mapping
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
)
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
            translator.problem(
                ptr,
                " ".join(
                    p
                    for p in (
                        f"security scheme type {scheme.get('type')!r}",
                        str(scheme.get("scheme") or scheme.get("in") or ""),
                        "is not supported",
                    )
                    if p
                ),
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
