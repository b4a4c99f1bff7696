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

import keyword
from dataclasses import dataclass
from typing import ClassVar, Literal

from generator.errors import Problem
from generator.types import NOT_GIVEN, Type, union

HttpMethod = Literal["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]
Pointer = tuple[str | int, ...]
JsonScalar = str | int | float | bool


# --------------------------------------------------------------------------------------------- models


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a model: its attribute, its JSON property and how it is declared."""

    name: str  # Python attribute
    wire_name: str  # JSON property name (the alias)
    type: Type  # including None when optional or nullable
    required: bool
    nullable: bool
    description: str
    default_doc: str | None  # the spec's default, as JSON text, for documentation only
    # pydantic Field() keywords → raw values (printed with the literal filter); empty: no `= …`
    kwargs: tuple[tuple[str, object], ...] = ()
    pointer: Pointer = ()  # the property's schema (inside an allOf part when merged from one)

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
    """One member of an enum: its Python name and the value on the wire."""

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
class ParamKey:
    """One key of a TypedDict twin (ParamDict), by its wire name."""

    wire_name: str  # the key, as sent
    type: Type  # what the value may be: nested models also as their TypedDicts
    required: bool
    description: str


@dataclass(frozen=True, slots=True)
class ParamDict:
    """The TypedDict twin of a request-side model: the plain dict a nested argument accepts
    besides the model, keyed by wire names, validated by the model once it is sent. Keys the
    model takes beyond its properties (additionalProperties) are the model's alone."""

    name: str
    model: str  # the model it mirrors
    pointer: Pointer
    keys: tuple[ParamKey, ...]
    # `X = TypedDict("X", {...})`, for keys a class body cannot hold (`class`, `a-b`, `__x`) or
    # would bind over a name an annotation there uses; values are then strings (forward refs).
    functional: bool
    kind: ClassVar[str] = "typeddict"

    @property
    def ruff_converts(self) -> bool:
        """Whether ruff's UP013 would ask for the class syntax anyway: it does whenever every key
        is an identifier (non-ASCII and `_x` included), none a keyword, none starting with `__`,
        unaware of the names an annotation in the body uses. The functional form then carries
        `# noqa: UP013`, so a package never fails `ruff check` for a choice made on purpose."""
        return all(
            k.wire_name.isidentifier()
            and not keyword.iskeyword(k.wire_name)
            and not k.wire_name.startswith("__")
            for k in self.keys
        )


@dataclass(frozen=True, slots=True)
class ModelModule:
    """One module of the `models` package: a set of definitions that refer to each other in a cycle (or a
    single definition), so importing one model loads only what it needs."""

    module: str  # module name without the package, e.g. "_call_response"
    definitions: tuple[Definition, ...]
    imports: tuple[str, ...]  # sorted import lines this module needs ("" between groups)
    rebuild: tuple[str, ...]  # models to `model_rebuild()` at the end (self/mutually recursive)
    shadowed: frozenset[str]  # names the module's classes bind that annotations must not use bare
    # Aliases inside a reference cycle (`Tree = dict[str, Tree]`, a union of models that use it):
    # written as a `TypeAliasType` whose value is text, evaluated on first use, since a plain
    # alias would name itself, or a class defined below it, before it exists.
    deferred: frozenset[str] = frozenset()
    # TypedDict twins of the module's request-side models, written after every definition
    params: tuple[ParamDict, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the module defines for users: definitions, enums' literal aliases and the
        models' TypedDicts."""
        out = [d.name for d in self.definitions]
        out += [d.literal for d in self.definitions if isinstance(d, Enum)]
        out += [p.name for p in self.params]
        return tuple(out)


# ----------------------------------------------------------------------------------------- operations


Location = Literal["path", "query", "header", "cookie", "body"]
# How a parameter value is serialised: an OpenAPI style, or "json" (declared with `content`).
Style = Literal[
    "simple", "label", "matrix", "form", "spaceDelimited", "pipeDelimited", "deepObject", "json"
]
# What the runtime assumes when a generated call names no style: OpenAPI's default per location.
DEFAULT_STYLES: dict[str, tuple[Style, bool]] = {
    "path": ("simple", False),
    "query": ("form", True),
    "header": ("simple", False),
    "cookie": ("form", True),
}


@dataclass(frozen=True, slots=True)
class Parameter:
    """One argument of an operation's methods and where its value goes in the request."""

    name: str  # Python argument
    wire_name: str
    location: Location
    type: Type  # value type (without NotGiven)
    required: bool
    description: str
    default_doc: str | None
    # The spec's style and explode; a scalar parameter has its location's default, since every
    # style spells a scalar the same way there (path styles differ even for scalars).
    style: Style = "form"
    explode: bool = True
    # filled from the client (e.g. account_sid), not an argument
    client_attribute: str | None = None
    # Python source of the spec's example value, for documentation
    example: str | None = None
    # The model type the value is validated and dumped as before it is encoded, when the
    # argument also takes a model as its plain dict (generator/parse/params.py).
    validated: Type | None = None

    @property
    def declared(self) -> Type:
        """The type as written in the signature: optional arguments also take NOT_GIVEN."""
        return self.type if self.required else union([self.type, NOT_GIVEN])

    @property
    def default(self) -> str | None:
        return None if self.required else "NOT_GIVEN"

    @property
    def style_code(self) -> str | None:
        """The runtime's spelling of the style ("form", "label*", "json"), or None when it is the
        location's default, which generated calls leave out."""
        if DEFAULT_STYLES.get(self.location) == (self.style, self.explode):
            return None
        return self.style + ("*" if self.explode and self.style != "json" else "")


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


BodyKind = Literal["json", "form", "multipart", "text", "binary"]


@dataclass(frozen=True, slots=True)
class ContentChoice:
    """The `content_type=` keyword of a body the spec documents in several media types."""

    argument: str
    media_types: tuple[str, ...]  # as documented
    type: Type  # a Literal of them, or str when one is a range (image/*)
    default: str | None  # None: the caller must name one (the spec gives only a range)


@dataclass(frozen=True, slots=True)
class FilePart:
    """A multipart field sent as a file (binary content, or a list of them)."""

    wire_name: str
    argument: str


@dataclass(frozen=True, slots=True)
class Body:
    """The request body of an operation: its media type and the arguments that make it up."""

    content_type: str  # the media type sent (the default one, with a `choice`)
    required: bool
    model: str | None  # request model validating the fields (None: the body is one `body` argument)
    fields: tuple[Parameter, ...]  # keyword arguments making up the body
    body_type: Type | None  # when the body is not an object of fields: the `body` argument type
    pairs: IndexedPairs | None = None
    constants: tuple[Constant, ...] = ()
    kind: BodyKind = "json"
    files: tuple[FilePart, ...] = ()  # multipart: the fields sent as files
    encodings: tuple[tuple[str, str], ...] = ()  # multipart: wire name → the spec's contentType
    choice: ContentChoice | None = None

    @property
    def is_form(self) -> bool:
        return self.kind == "form"

    @property
    def sends(self) -> Literal["json", "form", "fields", "text", "binary"]:
        """How the method hands the body to the request: a JSON document, form fields, named fields
        as content (multipart, or a media type chosen per call), text or binary content."""
        if self.kind in ("text", "binary"):
            return self.kind
        if self.kind == "multipart" or self.choice is not None:
            return "fields"
        return self.kind

    @property
    def validated_fields(self) -> tuple[Parameter, ...]:
        """The fields the request model validates (files are checked as they are sent)."""
        files = {f.argument for f in self.files}
        return tuple(p for p in self.fields if p.name not in files)


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
    """One operation of the spec, as a method of its resource (sync and async alike)."""

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
    cookie_params: tuple[Parameter, ...]
    body: Body | None
    response: Type  # NONE when the success response has no body; a stream's item type
    response_status: int
    error_statuses: tuple[int, ...]
    pagination: Pagination | None
    runtime_imports: tuple[str, ...]  # models the method body needs, imported on first call
    accept: str  # the Accept header: the success response's media types
    # the response type is a class (or None), so the transport's answer is typed without a local
    returns_class: bool
    # the README's example call: (argument name, Python source), name "" when positional
    example: tuple[tuple[str, str], ...]
    # 2xx statuses whose types differ: the answer is parsed by the status the server sent
    by_status: tuple[tuple[int, Type], ...] = ()
    # the answer read as it arrives: binary chunks, or server-sent events of `response`
    stream: Literal["bytes", "events"] | None = None
    # the operation's own security requirements, when the client picks per call and they are
    # not the API's (an empty tuple: `security: []`, no credentials)
    security: tuple[Requirement, ...] | None = None

    @property
    def security_literal(self) -> list[dict[str, list[str]]] | None:
        return None if self.security is None else requirements_literal(self.security)

    @property
    def arguments(self) -> tuple[Parameter, ...]:
        """Keyword arguments after the positional path parameters: required first, then optional."""
        rest = [
            *self.query_params,
            *self.header_params,
            *self.cookie_params,
            *(self.body.fields if self.body else ()),
        ]
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
    def path_styles(self) -> tuple[tuple[str, str], ...]:
        """(wire name, style) of the path parameters not in the default (simple) style."""
        return tuple((p.wire_name, p.style_code) for p in self.path_params if p.style_code)

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
    def streams(self) -> bool:
        """Whether a method reads its answer as a stream (the client's `stream`, not `call`)."""
        return any(op.stream for op in self.operations)

    @property
    def reads_client(self) -> bool:
        """Whether a method fills a path parameter from a value the client holds."""
        return any(p.client_attribute for op in self.operations for p in op.path_params)


@dataclass(frozen=True, slots=True)
class ResourceModule:
    """One module under resources/: a top-level resource with its sub-resources."""

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
    """A variable of the server URL, filled from a client argument."""

    wire_name: str
    argument: ClientArg


def needs(part: AuthPart) -> str:
    """The client arguments a scheme takes, in words, for the error of a call that lacks them."""
    if isinstance(part, BasicAuth):
        return f"{part.username.name} and {part.password.name}"
    if isinstance(part, JwtBearerAuth):
        return f"{part.token.name} or {part.secret.name}"
    if isinstance(part, OAuth2Auth):
        return f"{part.token.name}, or {part.client_id.name} and {part.client_secret.name}"
    if isinstance(part, ConstantKeyAuth):
        return ""
    return part.args[0].name


@dataclass(frozen=True, slots=True)
class BasicAuth:
    """An HTTP Basic security scheme: the client arguments for its username and password."""

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
    """An HTTP Bearer security scheme: the client argument holding the token."""

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
    """An API key security scheme: where the key goes and the client argument holding it."""

    scheme: str
    wire_name: str  # header, query parameter or cookie name
    location: Literal["header", "query", "cookie"]
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
    location: Literal["header", "query", "cookie"]
    value: str
    kind: ClassVar[str] = "constant"
    runtime: ClassVar[tuple[str, ...]] = ("ApiKeyAuth",)

    @property
    def args(self) -> tuple[ClientArg, ...]:
        return ()

    @property
    def roles(self) -> tuple[tuple[str, ClientArg], ...]:
        return ()


@dataclass(frozen=True, slots=True)
class OAuth2Auth:
    """OAuth 2.0 with the client credentials flow: tokens fetched from the token endpoint with
    the client's id and secret (scopes: what a call asks for when it names none), or a ready
    access token."""

    scheme: str
    token_url: ClientArg  # its default is the spec's tokenUrl (relative: to the server URL)
    client_id: ClientArg
    client_secret: ClientArg
    token: ClientArg
    scopes: tuple[str, ...]
    kind: ClassVar[str] = "oauth2"
    runtime: ClassVar[tuple[str, ...]] = ("BearerAuth", "OAuth2ClientCredentials")

    @property
    def args(self) -> tuple[ClientArg, ...]:
        return (self.client_id, self.client_secret, self.token, self.token_url)

    @property
    def roles(self) -> tuple[tuple[str, ClientArg], ...]:
        return (("token", self.token),)


AuthPart = BasicAuth | BearerAuth | JwtBearerAuth | ApiKeyAuth | ConstantKeyAuth | OAuth2Auth


@dataclass(frozen=True, slots=True)
class Requirement:
    """One alternative of a list of security requirements: schemes sent together, each with the
    scopes it asks for. No schemes: nothing is needed."""

    schemes: tuple[tuple[str, tuple[str, ...]], ...]


def requirements_literal(requirements: tuple[Requirement, ...]) -> list[dict[str, list[str]]]:
    """Requirements as the runtime takes them: a list of {scheme: [scopes]}."""
    return [{name: list(scopes) for name, scopes in r.schemes} for r in requirements]


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
    # Every scheme the client can send. When the whole API has one security requirement, these
    # are its schemes, sent with every request; else (alternatives, operations with their own
    # requirements) the client picks per call (`per_call`), and `security` is the API's list.
    auth: tuple[AuthPart, ...]
    attributes: tuple[ClientAttribute, ...]
    resources: tuple[ClientResource, ...]
    error_model: str | None
    error_module: str | None
    imports: tuple[str, ...]
    resource_imports: tuple[str, ...]  # under TYPE_CHECKING
    pointer: Pointer = ("info",)  # info.x-sdk when the spec names the client there
    per_call: bool = False
    security: tuple[Requirement, ...] = ()

    @property
    def security_literal(self) -> list[dict[str, list[str]]]:
        return requirements_literal(self.security)

    @property
    def needs(self) -> dict[str, str]:
        return {part.scheme: needs(part) for part in self.auth}

    @property
    def fetches_tokens(self) -> bool:
        """Whether the client fetches OAuth 2.0 access tokens (client credentials)."""
        return any(isinstance(part, OAuth2Auth) for part in self.auth)

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
    # what was generated around (located; printed as warnings) and the operations left out
    warnings: tuple[Problem, ...] = ()
    skipped: tuple[str, ...] = ()

    @property
    def uses_typing_extensions(self) -> bool:
        """Whether a model module imports typing_extensions (a deferred alias), which the package
        then lists as a dependency."""
        return any(m.deferred for m in self.models)

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
    def param_dicts(self) -> tuple[ParamDict, ...]:
        """The models' TypedDict twins, by name."""
        return tuple(sorted((p for m in self.models for p in m.params), key=lambda p: p.name))

    @property
    def model_names(self) -> tuple[tuple[str, str], ...]:
        """(name, module) of everything `models` exports, by name."""
        return tuple(sorted((n, m.module) for m in self.models for n in m.names))

    @property
    def sends_binary(self) -> bool:
        """Whether a method takes binary content (a binary body or a multipart file)."""
        return any(
            op.body and (op.body.kind == "binary" or op.body.files) for op in self.operations
        )

    @property
    def streams(self) -> bool:
        """Whether a method answers with a binary or event stream."""
        return any(op.stream for op in self.operations)

    @property
    def operations(self) -> tuple[Operation, ...]:
        out: list[Operation] = []
        for module in self.resources:
            for resource in module.all_resources:
                out.extend(resource.operations)
        return tuple(out)
