"""A package's public Python surface, as plain data derived from the IR: what the manifest records
(`generator.manifest`) and what `generator.apidiff` compares.

The client (constructor arguments, attributes, auth schemes, the API's security requirements, its
own methods), the resources, every method with its arguments (Python name, wire name, where it is
sent: path, query, header, cookie or body, its serialisation style, positional or keyword, required,
type, the server's documented default; a body's media-type choice is the `content_type` argument),
how the body is sent (JSON, form, multipart with its file parts, text, binary; its media types), the
return type (a binary or event stream said as such), the types answered per status, documented error
statuses, pagination, request model and the operation's own security requirements, and every model
(fields), enum (members and values) and alias. Types stay trees. Tuples are sorted by name wherever
Python's order does not matter, so two surfaces compare field by field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

from generator.ir import Alias, Api, Body, Enum, Model, Operation, Requirement
from generator.types import Type

# Security requirements: alternatives, each the schemes sent together with the scopes each asks for
# (sorted by scheme). An empty tuple: no credentials needed.
Requirements = tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]


@dataclass(frozen=True, slots=True)
class Argument:
    """One argument of a method, as the API report compares it."""

    name: str
    wire: str
    location: str  # path, query, header or body
    positional: bool
    required: bool
    type: Type
    server_default: str | None  # the spec's documented default, as JSON text
    # how the value is spelled on the wire, when not its location's default style ("label*")
    style: str | None = None


@dataclass(frozen=True, slots=True)
class BodyShape:
    """How a method sends its request body (its arguments are the method's)."""

    kind: str  # json, form, multipart, text, binary
    media_types: tuple[str, ...]  # the one sent unless `content_type` names another, first
    files: tuple[str, ...]  # multipart: the arguments sent as file parts, by name


@dataclass(frozen=True, slots=True)
class Pages:
    """The paging methods of a paginated operation."""

    pages: str  # the pager method
    all: str  # the every-item iterator
    item: Type


@dataclass(frozen=True, slots=True)
class Method:
    """One method of a resource, as the API report compares it."""

    resource: tuple[str, ...]
    name: str
    route: str  # "POST /things/{id}"
    operation_id: str
    arguments: tuple[Argument, ...]  # in signature order
    returns: Type
    status: int
    errors: tuple[int, ...]  # documented error statuses
    deprecated: bool
    pagination: Pages | None
    body_model: str | None  # the model validating the body arguments (a request model)
    body: BodyShape | None = None
    # "bytes": returns a BinaryStream; "events": an EventStream of `returns`; None: `returns` itself
    stream: str | None = None
    # when the 2xx answers differ in type: each status's type (`returns` is their union)
    responses: tuple[tuple[int, Type], ...] = ()
    security: Requirements | None = None  # the operation's own requirements; None: the API's

    @property
    def key(self) -> str:
        return ".".join((*self.resource, self.name))


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource class and the attribute chain it is reached by."""

    path: tuple[str, ...]
    class_name: str
    module: str

    @property
    def key(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True, slots=True)
class ClientArgument:
    """One argument of the client's constructor."""

    name: str
    env: str | None
    required: bool  # neither a default nor an alternative credential stands in for it
    secret: bool
    default: str | None


@dataclass(frozen=True, slots=True)
class ClientAttribute:
    """A value the client holds for every call, as the API report compares it."""

    name: str
    default_from: str | None


@dataclass(frozen=True, slots=True)
class Auth:
    """One security scheme the client supports."""

    kind: str
    scheme: str
    details: tuple[tuple[str, str], ...]  # what identifies the credential: argument names, header


@dataclass(frozen=True, slots=True)
class Extra:
    """Public API beyond resources: a client method (user tokens, webhook check) or exported class."""

    name: str
    kind: str
    details: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a model, as the API report compares it."""

    name: str
    wire: str
    type: Type
    required: bool


@dataclass(frozen=True, slots=True)
class ModelDef:
    """A model class, as the API report compares it."""

    name: str
    wire: str
    module: str
    fields: tuple[Field, ...]
    extra: Type | None  # additionalProperties' value type
    kind: ClassVar[str] = "model"


@dataclass(frozen=True, slots=True)
class EnumDef:
    """An enum class, as the API report compares it."""

    name: str
    wire: str
    module: str
    base: str
    literal: str  # the Literal alias of the values
    values: tuple[tuple[str, str | int], ...]  # (member, wire value), by member
    kind: ClassVar[str] = "enum"


@dataclass(frozen=True, slots=True)
class AliasDef:
    """A type alias, as the API report compares it."""

    name: str
    wire: str
    module: str
    type: Type
    kind: ClassVar[str] = "alias"


Definition = ModelDef | EnumDef | AliasDef


@dataclass(frozen=True, slots=True)
class Surface:
    """A package's whole Python API: what a release is measured on."""

    package: str
    distribution: str
    client: str  # the sync class; the asyncio one is "Async" + client
    server: str
    arguments: tuple[ClientArgument, ...]
    attributes: tuple[ClientAttribute, ...]
    auth: tuple[Auth, ...]
    error_model: str | None
    extras: tuple[Extra, ...]
    resources: tuple[Resource, ...]
    methods: tuple[Method, ...]
    definitions: tuple[Definition, ...]
    security: Requirements = ()  # the API's requirements (every method's, unless it has its own)


# ---------------------------------------------------------------------------------- IR → surface


def surface(api: Api) -> Surface:
    resources: list[Resource] = []
    methods: list[Method] = []
    for module in api.resources:
        for resource in module.all_resources:
            resources.append(Resource(resource.path, resource.class_name, module.module))
            methods.extend(_method(resource.path, op) for op in resource.operations)
    # Either credential of a JWT or OAuth 2.0 scheme will do (a ready token, or what mints or
    # fetches one); a client choosing its credentials per call takes every one as optional.
    alternatives = {
        arg.name
        for part in api.client.auth
        if api.client.per_call or part.kind in ("jwt", "oauth2")
        for arg in part.args
    }
    where = {d.name: m.module for m in api.models for d in m.definitions}
    return Surface(
        package=api.package,
        distribution=api.distribution,
        client=api.client.class_name,
        server=api.client.server_url,
        arguments=tuple(
            ClientArgument(
                a.name,
                a.env,
                a.default is None and a.name not in alternatives,
                a.secret,
                a.default,
            )
            for a in sorted(api.client.args, key=lambda a: a.name)
        ),
        attributes=tuple(
            ClientAttribute(a.name, a.default_from)
            for a in sorted(api.client.attributes, key=lambda a: a.name)
        ),
        auth=tuple(_auth(part) for part in api.client.auth),
        error_model=api.client.error_model,
        extras=_extras(api),
        resources=tuple(sorted(resources, key=lambda r: r.key)),
        methods=tuple(sorted(methods, key=lambda m: m.key)),
        definitions=tuple(_definition(d, where[d.name]) for d in api.definitions),
        security=requirements(api.client.security),
    )


def requirements(reqs: tuple[Requirement, ...]) -> Requirements:
    return tuple(tuple(sorted((name, tuple(scopes)) for name, scopes in r.schemes)) for r in reqs)


def _method(resource: tuple[str, ...], op: Operation) -> Method:
    args = [
        Argument(
            p.name,
            p.wire_name,
            p.location,
            positional,
            p.required,
            p.type,
            p.default_doc,
            p.style_code if p.location != "body" else None,
        )
        for positional, params in ((True, op.positional), (False, op.arguments))
        for p in params
    ]
    pairs = op.body.pairs if op.body else None
    if pairs is not None:
        args.append(
            Argument(pairs.argument, pairs.name_template, "body", False, False, pairs.type, None)
        )
    choice = op.body.choice if op.body else None
    if choice is not None:  # the media type to send: the Content-Type header
        default = json.dumps(choice.default) if choice.default is not None else None
        args.append(
            Argument(
                choice.argument,
                "Content-Type",
                "header",
                False,
                choice.default is None,
                choice.type,
                default,
            )
        )
    pg = op.pagination
    return Method(
        resource=resource,
        name=op.method_name,
        route=f"{op.http_method} {op.path}",
        operation_id=op.operation_id,
        arguments=tuple(args),
        returns=op.response,
        status=op.response_status,
        errors=tuple(sorted(op.error_statuses)),
        deprecated=op.deprecated,
        pagination=Pages(pg.pages_method, pg.all_method, pg.item_type) if pg else None,
        body_model=op.body.model if op.body else None,
        body=_body(op.body) if op.body else None,
        stream=op.stream,
        responses=op.by_status,
        security=requirements(op.security) if op.security is not None else None,
    )


def _body(body: Body) -> BodyShape:
    media: tuple[str, ...] = (body.content_type,)
    if body.choice is not None:
        media += tuple(m for m in body.choice.media_types if m != body.content_type)
    return BodyShape(body.kind, media, tuple(sorted(f.argument for f in body.files)))


def _auth(part: Any) -> Auth:
    details = [(role, arg.name) for role, arg in part.roles]
    if part.kind == "jwt":
        details.append(("secret", part.secret.name))
    if part.kind in ("api_key", "constant"):
        details += [("in", part.location), ("wire", part.wire_name)]
    if part.kind == "oauth2":  # (its token URL is a client argument's default)
        details += [("client_id", part.client_id.name), ("client_secret", part.client_secret.name)]
        details.append(("scopes", " ".join(part.scopes)))
    return Auth(part.kind, part.scheme, tuple(sorted(details)))


def _extras(api: Api) -> tuple[Extra, ...]:
    out: list[Extra] = []
    if api.user_tokens:
        out.append(
            Extra(api.user_tokens.method, "user-tokens", (("secret", api.user_tokens.secret.name),))
        )
    hook = api.webhook
    if hook:
        signs = (("algorithm", hook.algorithm), ("header", hook.header))
        if hook.method and hook.secret:
            out.append(Extra(hook.method, "webhook-check", (*signs, ("secret", hook.secret.name))))
        if hook.validator:
            out.append(Extra(hook.validator, "webhook-validator", signs))
    return tuple(sorted(out, key=lambda e: e.name))


def _definition(d: Model | Enum | Alias, module: str) -> Definition:
    if isinstance(d, Model):
        fields = tuple(
            sorted(
                (Field(f.name, f.wire_name, f.type, f.required) for f in d.fields),
                key=lambda f: f.name,
            )
        )
        return ModelDef(d.name, d.wire_name, module, fields, d.extra_values)
    if isinstance(d, Enum):
        values = tuple(sorted((m.name, m.value) for m in d.members))
        return EnumDef(d.name, d.wire_name, module, d.base, d.literal, values)
    return AliasDef(d.name, d.wire_name, module, d.type)
