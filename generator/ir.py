"""The intermediate model: what the templates print, decided entirely in Python.

Frozen, slotted dataclasses holding tuples; no back-links, no behaviour beyond derived read-only views.
Every node is complete when built (no field is filled in by a later pass). Every Python identifier is
fixed here by the parser through `generator.naming`, with the spec's wire name kept beside it; types are
trees (`generator.types`), rendered to annotation text by the renderer's one filter, in the scope each
module says is bound (`shadowed`). Strings that came from the spec (descriptions, wire names, enum
values, defaults) are kept raw here and escaped by the renderer's escaping filters. Each operation and
definition carries the JSON pointer of the spec node it came from, for diagnostics.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from generator.types import NOT_GIVEN, Type, union

HttpMethod = Literal["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]
Pointer = tuple[str | int, ...]
JsonScalar = str | int | float | bool


# --------------------------------------------------------------------------------------------- models


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # Python attribute
    wire_name: str  # JSON property name (the alias)
    type: Type  # including None when optional or nullable
    required: bool
    nullable: bool
    description: str
    default_doc: str | None  # the spec's default, as JSON text, for documentation only
    # pydantic Field() keywords → raw values (printed with the literal filter); empty: no `= …`
    kwargs: tuple[tuple[str, object], ...] = ()

    @property
    def plain_default(self) -> bool:
        """`= None` reads better than `= Field(default=None)`."""
        return self.kwargs == (("default", None),)


@dataclass(frozen=True, slots=True)
class Model:
    """A pydantic model for an object schema (allOf parts merged into one set of fields)."""

    name: str
    wire_name: str  # the schema's name in components, or a synthetic path for inline schemas
    pointer: Pointer
    description: str
    fields: tuple[Field, ...]
    # additionalProperties type when the object also takes arbitrary keys
    extra_values: Type | None
    inferred: bool = False
    non_nullable: tuple[str, ...] = ()  # request-side: wire names that may be absent but not null
    kind: ClassVar[str] = "model"


@dataclass(frozen=True, slots=True)
class EnumMember:
    name: str
    value: str | int  # the wire value, printed with the escaping filter


@dataclass(frozen=True, slots=True)
class Enum:
    """An open enum: known values are members; unknown values from the server are accepted, not fatal."""

    name: str
    wire_name: str
    pointer: Pointer
    description: str
    base: Literal["str", "int"]
    members: tuple[EnumMember, ...]
    literal: str  # a `Literal[...]` alias of the values: what arguments accept besides members
    kind: ClassVar[str] = "enum"


@dataclass(frozen=True, slots=True)
class Alias:
    """A named schema that is not an object or enum (a union, an array, a scalar): a type alias."""

    name: str
    wire_name: str
    pointer: Pointer
    description: str
    type: Type
    kind: ClassVar[str] = "alias"


Definition = Model | Enum | Alias


@dataclass(frozen=True, slots=True)
class ModelModule:
    """One module of the `models` package: a set of definitions that refer to each other in a cycle (or a
    single definition), so importing one model loads only what it needs."""

    module: str  # module name without the package, e.g. "_call_response"
    definitions: tuple[Definition, ...]
    imports: tuple[str, ...]  # sorted import lines this module needs ("" between groups)
    rebuild: tuple[str, ...]  # models to `model_rebuild()` at the end (self/mutually recursive)
    shadowed: frozenset[str]  # names the module's classes bind that annotations must not use bare

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the module defines for users: definitions and enums' literal aliases."""
        out = [d.name for d in self.definitions]
        out += [d.literal for d in self.definitions if isinstance(d, Enum)]
        return tuple(out)


# ----------------------------------------------------------------------------------------- operations


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str  # Python argument
    wire_name: str
    location: Literal["path", "query", "header", "body"]
    type: Type  # value type (without NotGiven)
    required: bool
    description: str
    default_doc: str | None
    # lists: repeated key ("multi") or comma-joined ("csv"); or the value as JSON text ("json")
    encoding: Literal["multi", "csv", "json"] = "multi"
    # filled from the client (e.g. account_sid), not an argument
    client_attribute: str | None = None
    # Python source of the spec's example value, for documentation
    example: str | None = None

    @property
    def declared(self) -> Type:
        """The type as written in the signature: optional arguments also take NOT_GIVEN."""
        return self.type if self.required else union([self.type, NOT_GIVEN])

    @property
    def default(self) -> str | None:
        return None if self.required else "NOT_GIVEN"


@dataclass(frozen=True, slots=True)
class IndexedPairs:
    """A mapping argument flattened to numbered wire fields, e.g. Parameter1.Name / Parameter1.Value."""

    argument: str
    type: Type  # Mapping[str, str]
    name_template: str  # wire field name with "{n}" for the 1-based index
    value_template: str
    max: int
    description: str


@dataclass(frozen=True, slots=True)
class Constant:
    """A required body field with a single allowed value: always sent, never an argument."""

    wire_name: str
    value: JsonScalar


@dataclass(frozen=True, slots=True)
class Body:
    content_type: Literal["application/json", "application/x-www-form-urlencoded"]
    required: bool
    model: str | None  # request model validating the fields (None: the body is one `body` argument)
    fields: tuple[Parameter, ...]  # keyword arguments making up the body
    body_type: Type | None  # when the body is not an object of fields: the `body` argument type
    pairs: IndexedPairs | None = None
    constants: tuple[Constant, ...] = ()

    @property
    def is_form(self) -> bool:
        return self.content_type == "application/x-www-form-urlencoded"


@dataclass(frozen=True, slots=True)
class Pagination:
    """A cursor query: `<method>_pages()` returns a pager, `<method>_all()` iterates every item."""

    next_field: str  # wire names, in request and response
    prev_field: str
    next_arg: str  # the operation's Python arguments carrying the cursors
    prev_arg: str
    next_attr: str  # the response model's attributes carrying the cursors
    prev_attr: str
    items_field: str  # Python attribute of the response model holding the items
    item_type: Type
    pages_method: str
    all_method: str


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
    pointer: Pointer
    method_name: str  # Python method on its resource
    http_method: HttpMethod
    path: str  # template with wire names, e.g. "/Accounts/{AccountSid}/Calls"
    summary: str
    description: str
    deprecated: bool
    idempotent: bool
    path_params: tuple[Parameter, ...]  # in path order
    query_params: tuple[Parameter, ...]
    header_params: tuple[Parameter, ...]
    body: Body | None
    response: Type  # NONE when the success response has no body
    response_status: int
    error_statuses: tuple[int, ...]
    pagination: Pagination | None
    runtime_imports: tuple[str, ...]  # models the method body needs, imported on first call
    accept: str  # the Accept header: the success response's media types
    # the response type is a class (or None), so the transport's answer is typed without a local
    returns_class: bool
    # the README's example call: (argument name, Python source), name "" when positional
    example: tuple[tuple[str, str], ...]

    @property
    def arguments(self) -> tuple[Parameter, ...]:
        """Keyword arguments after the positional path parameters: required first, then optional."""
        rest = [*self.query_params, *self.header_params, *(self.body.fields if self.body else ())]
        return tuple(p for p in rest if p.required) + tuple(p for p in rest if not p.required)

    @property
    def positional(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.path_params if p.client_attribute is None)

    @property
    def pager_arguments(self) -> tuple[Parameter, ...]:
        """The keyword arguments a pager passes through (the cursors are the pager's own)."""
        if self.pagination is None:
            return ()
        cursors = (self.pagination.next_arg, self.pagination.prev_arg)
        return tuple(p for p in self.arguments if p.name not in cursors)

    @property
    def documented(self) -> tuple[Parameter, ...]:
        """Arguments with something to say in the docstring beyond their name."""
        return tuple(p for p in (*self.positional, *self.arguments) if p.description)

    @property
    def substitutes_path(self) -> bool:
        return bool(self.path_params)

    @property
    def idempotent_override(self) -> bool | None:
        """`idempotent` when it differs from what the runtime assumes for the method, else None."""
        default = self.http_method in ("GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE")
        return None if self.idempotent == default else self.idempotent

    @property
    def accept_override(self) -> str | None:
        return None if self.accept == "application/json" else self.accept


@dataclass(frozen=True, slots=True)
class Resource:
    """A group of operations reached as an attribute chain, e.g. client.calls.streams."""

    attribute: str  # attribute on the parent (client or resource)
    class_name: str  # sync class; the async one is "Async" + class_name
    path: tuple[str, ...]  # attribute chain from the client
    description: str
    operations: tuple[Operation, ...]
    children: tuple[Resource, ...]

    @property
    def reads_client(self) -> bool:
        """Whether a method fills a path parameter from a value the client holds."""
        return any(p.client_attribute for op in self.operations for p in op.path_params)


@dataclass(frozen=True, slots=True)
class ResourceModule:
    module: str  # e.g. "calls" → resources/calls.py
    root: Resource
    imports: tuple[str, ...]  # sorted import lines: stdlib, typing, runtime
    type_imports: tuple[str, ...]  # models used in annotations only: imported under TYPE_CHECKING
    shadowed: frozenset[str]  # names bound in the module's classes and methods
    exports: tuple[str, ...]

    @property
    def all_resources(self) -> tuple[Resource, ...]:
        """Depth-first, children before parents, so every class is defined before it is used."""
        out: list[Resource] = []
        todo: list[tuple[Resource, bool]] = [(self.root, False)]
        while todo:
            resource, expanded = todo.pop()
            if expanded:
                out.append(resource)
                continue
            todo.append((resource, True))
            todo.extend((child, False) for child in reversed(resource.children))
        return tuple(out)


# --------------------------------------------------------------------------------------- client, auth


@dataclass(frozen=True, slots=True)
class ClientArg:
    """A constructor argument of the client: a credential or a server variable."""

    name: str
    env: str | None
    description: str
    secret: bool
    default: str | None  # raw default value (escaped when rendered), None when required


@dataclass(frozen=True, slots=True)
class ServerVariable:
    wire_name: str
    argument: ClientArg


@dataclass(frozen=True, slots=True)
class BasicAuth:
    scheme: str
    username: ClientArg
    password: ClientArg
    kind: ClassVar[str] = "basic"
    runtime: ClassVar[tuple[str, ...]] = ("BasicAuth",)

    @property
    def args(self) -> tuple[ClientArg, ...]:
        return (self.username, self.password)

    @property
    def roles(self) -> tuple[tuple[str, ClientArg], ...]:
        return (("username", self.username), ("password", self.password))


@dataclass(frozen=True, slots=True)
class BearerAuth:
    scheme: str
    token: ClientArg
    kind: ClassVar[str] = "bearer"
    runtime: ClassVar[tuple[str, ...]] = ("BearerAuth",)

    @property
    def args(self) -> tuple[ClientArg, ...]:
        return (self.token,)

    @property
    def roles(self) -> tuple[tuple[str, ClientArg], ...]:
        return (("token", self.token),)


@dataclass(frozen=True, slots=True)
class JwtBearerAuth:
    """A bearer token, or when none is given, HS256 tokens minted from a secret (x-sdk-jwt)."""

    scheme: str
    token: ClientArg
    secret: ClientArg
    claims: tuple[tuple[str, object], ...]  # claim → raw JSON value
    ttl: int
    kind: ClassVar[str] = "jwt"
    runtime: ClassVar[tuple[str, ...]] = ("BearerAuth", "JwtServerAuth")

    @property
    def args(self) -> tuple[ClientArg, ...]:
        return (self.token, self.secret)

    @property
    def roles(self) -> tuple[tuple[str, ClientArg], ...]:
        return (("token", self.token),)


@dataclass(frozen=True, slots=True)
class ApiKeyAuth:
    scheme: str
    wire_name: str  # header or query parameter name
    location: Literal["header", "query"]
    value: ClientArg
    kind: ClassVar[str] = "api_key"
    runtime: ClassVar[tuple[str, ...]] = ("ApiKeyAuth",)

    @property
    def args(self) -> tuple[ClientArg, ...]:
        return (self.value,)

    @property
    def roles(self) -> tuple[tuple[str, ClientArg], ...]:
        return (("value", self.value),)


@dataclass(frozen=True, slots=True)
class ConstantKeyAuth:
    """An apiKey with a fixed value sent with every request (x-sdk-constant)."""

    scheme: str
    wire_name: str
    location: Literal["header", "query"]
    value: str
    kind: ClassVar[str] = "constant"
    runtime: ClassVar[tuple[str, ...]] = ("ApiKeyAuth",)

    @property
    def args(self) -> tuple[ClientArg, ...]:
        return ()

    @property
    def roles(self) -> tuple[tuple[str, ClientArg], ...]:
        return ()


AuthPart = BasicAuth | BearerAuth | JwtBearerAuth | ApiKeyAuth | ConstantKeyAuth


@dataclass(frozen=True, slots=True)
class ClientAttribute:
    """A value the client holds for every call, e.g. account_sid defaulting to the Basic username."""

    name: str
    default_from: str | None  # a ClientArg name whose value is the default
    description: str


@dataclass(frozen=True, slots=True)
class ClientResource:
    """A top-level resource as the client reaches it (a lazily built attribute)."""

    attribute: str
    class_name: str
    module: str
    description: str


@dataclass(frozen=True, slots=True)
class Client:
    """The client module: constructor arguments, auth, server URL and the top-level resources."""

    class_name: str
    server_url: str  # template with {wire_name} variables
    server_variables: tuple[ServerVariable, ...]
    auth: tuple[AuthPart, ...]
    attributes: tuple[ClientAttribute, ...]
    resources: tuple[ClientResource, ...]
    error_model: str | None
    error_module: str | None
    imports: tuple[str, ...]
    resource_imports: tuple[str, ...]  # under TYPE_CHECKING

    @property
    def args(self) -> tuple[ClientArg, ...]:
        out = [v.argument for v in self.server_variables]
        for part in self.auth:
            out.extend(part.args)
        return tuple(out)


@dataclass(frozen=True, slots=True)
class UserTokens:
    """x-sdk-user-tokens: a client method minting HS256 tokens for the application's users."""

    method: str
    secret: ClientArg  # the x-sdk-jwt secret of the same scheme, which signs them


@dataclass(frozen=True, slots=True)
class WebhookSignature:
    """x-sdk-webhook-signature: how the API signs the requests it sends (webhooks, callbacks)."""

    algorithm: Literal["hmac-sha256-hex", "twilio"]
    runtime_class: str  # the runtime validator implementing the algorithm
    header: str  # wire name of the header carrying the signature
    signs: str  # what the signature is, in words, for docstrings
    check_call: str  # the validator's checking call, as the README shows it
    description: str  # the spec's own words: where the key comes from, what is signed
    validator: str | None  # a subclass exported by the package
    method: str | None  # a client method checking a body with `secret`
    secret: ClientArg | None
    example_url: str | None  # a URL the API would call, for the README


@dataclass(frozen=True, slots=True)
class Api:
    """Everything one generated package is made of."""

    source: str  # spec file name, for the header line
    package: str  # import name
    distribution: str  # pip name
    # The package's PEP 440 version. As parsed: info.x-sdk.version, else info.version; the release
    # step (generator/release.py) then bumps the replaced package's version by what changed, unless
    # info.x-sdk.version pins it (version_pinned).
    version: str
    version_pinned: bool
    api_version: str  # info.version as the spec writes it, for documentation
    title: str
    description: str
    client: Client
    models: tuple[ModelModule, ...]
    resources: tuple[ResourceModule, ...]
    notes: tuple[str, ...] = ()  # names changed to avoid collisions, for the user to review
    user_tokens: UserTokens | None = None
    webhook: WebhookSignature | None = None

    @property
    def retained_secrets(self) -> tuple[ClientArg, ...]:
        """Credentials the client keeps (never sends) for the methods that sign or verify locally."""
        args = [self.user_tokens.secret] if self.user_tokens else []
        if self.webhook and self.webhook.secret:
            args.append(self.webhook.secret)
        return tuple({arg.name: arg for arg in args}.values())

    @property
    def client_class(self) -> str:
        return self.client.class_name

    @property
    def client_args(self) -> tuple[ClientArg, ...]:
        return self.client.args

    @property
    def client_attributes(self) -> tuple[ClientAttribute, ...]:
        return self.client.attributes

    @property
    def error_model(self) -> str | None:
        return self.client.error_model

    @property
    def definitions(self) -> tuple[Definition, ...]:
        return tuple(sorted((d for m in self.models for d in m.definitions), key=lambda d: d.name))

    @property
    def model_names(self) -> tuple[tuple[str, str], ...]:
        """(name, module) of everything `models` exports, by name."""
        return tuple(sorted((n, m.module) for m in self.models for n in m.names))

    @property
    def operations(self) -> tuple[Operation, ...]:
        out: list[Operation] = []
        for module in self.resources:
            for resource in module.all_resources:
                out.extend(resource.operations)
        return tuple(out)
