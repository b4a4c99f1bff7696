"""The intermediate model: what the templates print, decided entirely in Python.

Frozen, slotted dataclasses holding tuples; no back-links, no behaviour beyond derived read-only views.
Every Python identifier and every annotation string is fixed here by the parser, with the spec's wire
name kept beside it; templates only lay the values out. Strings that came from the spec (descriptions,
wire names, enum values, defaults) are kept raw here and escaped by the renderer's one escaping filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

HttpMethod = Literal["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]


# ---------------------------------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class TypeExpr:
    """A Python type annotation plus what it needs: the `typing`/stdlib names and the model names it uses."""

    annotation: str
    # import lines, e.g. "from typing import Any", "import datetime"
    stdlib: frozenset[str] = frozenset()
    models: frozenset[str] = frozenset()  # class names of generated models/enums/aliases referenced


# --------------------------------------------------------------------------------------------- models


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # Python attribute
    wire_name: str  # JSON property name (the alias)
    type: TypeExpr  # full annotation, including `| None` when optional or nullable
    required: bool
    nullable: bool
    description: str
    default_doc: str | None  # the spec's default, as JSON text, for documentation only
    constraints: tuple[tuple[str, object], ...] = ()  # pydantic Field() keyword → spec value
    # Python source after the annotation: " = None", " = Field(alias='Url')", ""
    assignment: str = ""


@dataclass(frozen=True, slots=True)
class Model:
    """A pydantic model for an object schema (allOf parts merged into one set of fields)."""

    name: str
    wire_name: str  # the schema's name in components, or a synthetic path for inline schemas
    description: str
    fields: tuple[Field, ...]
    # additionalProperties type when the object also takes arbitrary keys
    extra_values: TypeExpr | None
    inferred: bool = False
    non_nullable: tuple[str, ...] = ()  # request-side: wire names that may be absent but not null
    kind: ClassVar[str] = "model"


@dataclass(frozen=True, slots=True)
class EnumMember:
    name: str
    value: str | int | float  # the wire value, printed with the escaping filter


@dataclass(frozen=True, slots=True)
class Enum:
    """An open enum: known values are members; unknown values from the server are accepted, not fatal."""

    name: str
    wire_name: str
    description: str
    base: Literal["str", "int", "float"]
    members: tuple[EnumMember, ...]
    kind: ClassVar[str] = "enum"


@dataclass(frozen=True, slots=True)
class Alias:
    """A named schema that is not an object or enum (a union, an array, a scalar): a type alias."""

    name: str
    wire_name: str
    description: str
    type: TypeExpr
    kind: ClassVar[str] = "alias"


Definition = Model | Enum | Alias


@dataclass(frozen=True, slots=True)
class ModelModule:
    """One module of the `models` package: a set of definitions that refer to each other in a cycle (or a
    single definition), so importing one model loads only what it needs."""

    module: str  # module name without the package, e.g. "_call_response"
    definitions: tuple[Definition, ...]
    imports: tuple[str, ...]  # sorted import lines this module needs
    rebuild: tuple[str, ...]  # models to `model_rebuild()` at the end (self/mutually recursive)


# ----------------------------------------------------------------------------------------- operations


@dataclass(frozen=True, slots=True)
class Parameter:
    name: str  # Python argument
    wire_name: str
    location: Literal["path", "query", "header", "body"]
    type: TypeExpr  # value annotation (without NotGiven)
    required: bool
    description: str
    default_doc: str | None
    # the parameter as written in a `def`: "url: str", "name: str | NotGiven = NOT_GIVEN"
    signature: str
    # lists: repeated key ("multi") or comma-joined ("csv"); or the value as JSON text ("json")
    encoding: Literal["multi", "csv", "json"] = "multi"
    # filled from the client (e.g. account_sid), not an argument
    client_attribute: str | None = None
    # Python source of the spec's example value, for documentation
    example: str | None = None


@dataclass(frozen=True, slots=True)
class IndexedPairs:
    """A mapping argument flattened to numbered wire fields, e.g. Parameter1.Name / Parameter1.Value."""

    argument: str
    name_template: str  # wire field name with "{n}" for the 1-based index
    value_template: str
    max: int
    description: str


@dataclass(frozen=True, slots=True)
class Constant:
    """A required body field with a single allowed value: always sent, never an argument."""

    wire_name: str
    value: str | int | float | bool


@dataclass(frozen=True, slots=True)
class Body:
    content_type: Literal["application/json", "application/x-www-form-urlencoded"]
    required: bool
    model: str | None  # request model validating the fields (None: the body is one `body` argument)
    fields: tuple[Parameter, ...]  # keyword arguments making up the body (location unused: "query")
    body_type: TypeExpr | None  # when the body is not an object of fields: the `body` argument type
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
    item_type: TypeExpr
    pages_method: str
    all_method: str


@dataclass(frozen=True, slots=True)
class Operation:
    operation_id: str
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
    response: TypeExpr  # "None" when the success response has no body
    response_status: int
    error_statuses: tuple[int, ...]
    pagination: Pagination | None = None
    runtime_imports: tuple[str, ...] = ()  # models the method body needs, imported on first call
    accept: str = "application/json"  # the Accept header: the success response's media types

    @property
    def arguments(self) -> tuple[Parameter, ...]:
        """Keyword arguments after the positional path parameters: required first, then optional."""
        rest = [*self.query_params, *self.header_params, *(self.body.fields if self.body else ())]
        return tuple(p for p in rest if p.required) + tuple(p for p in rest if not p.required)

    @property
    def positional(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.path_params if p.client_attribute is None)


@dataclass(frozen=True, slots=True)
class Resource:
    """A group of operations reached as an attribute chain, e.g. client.calls.streams."""

    attribute: str  # attribute on the parent (client or resource)
    class_name: str  # sync class; the async one is "Async" + class_name
    path: tuple[str, ...]  # attribute chain from the client
    description: str
    operations: tuple[Operation, ...]
    children: tuple[Resource, ...]


@dataclass(frozen=True, slots=True)
class ResourceModule:
    module: str  # e.g. "calls" → resources/calls.py
    root: Resource
    imports: tuple[str, ...]  # sorted import lines: stdlib, typing, runtime
    type_imports: tuple[str, ...]  # models used in annotations only: imported under TYPE_CHECKING

    @property
    def all_resources(self) -> tuple[Resource, ...]:
        """Depth-first, children before parents, so every class is defined before it is used."""
        out: list[Resource] = []

        def walk(resource: Resource) -> None:
            for child in resource.children:
                walk(child)
            out.append(resource)

        walk(self.root)
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
class AuthPart:
    """One security scheme of the (single) requirement the client satisfies."""

    kind: Literal["basic", "bearer", "api_key"]
    scheme: str  # name in components.securitySchemes
    args: tuple[
        ClientArg, ...
    ]  # basic: (username, password); bearer: (token,); api_key: (value,) or ()
    wire_name: str = ""  # api_key: header/query name
    location: Literal["header", "query", ""] = ""
    constant: str | None = None  # api_key with a fixed value (x-sdk-constant)
    jwt_secret: ClientArg | None = None  # bearer that can mint its own JWT from this secret
    jwt_claims: tuple[tuple[str, str], ...] = ()  # claim → value as JSON text
    jwt_ttl: int = 3600


@dataclass(frozen=True, slots=True)
class ClientAttribute:
    """A value the client holds for every call, e.g. account_sid defaulting to the Basic username."""

    name: str
    default_from: str | None  # a ClientArg name whose value is the default
    description: str


# Signing done locally (issue 13): user tokens and webhook signatures. Kept together in one hunk so
# the IR redesign can port it as a unit; read in generator/parse/client.py.


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
    version: str  # the package's PEP 440 version (info.x-sdk.version, else info.version)
    api_version: str  # info.version as the spec writes it, for documentation
    title: str
    description: str
    client_class: str
    server_url: str  # template with {wire_name} variables
    server_variables: tuple[ServerVariable, ...]
    auth: tuple[AuthPart, ...]
    client_attributes: tuple[ClientAttribute, ...]
    error_model: str | None
    models: tuple[ModelModule, ...]
    resources: tuple[ResourceModule, ...]
    notes: tuple[str, ...] = ()  # names changed to avoid collisions, for the user to review
    user_tokens: UserTokens | None = None
    webhook: WebhookSignature | None = None
    client_imports: tuple[str, ...] = ()  # import lines the two above add to the client module

    @property
    def definitions(self) -> tuple[Definition, ...]:
        return tuple(sorted((d for m in self.models for d in m.definitions), key=lambda d: d.name))

    @property
    def operations(self) -> tuple[Operation, ...]:
        out: list[Operation] = []
        for module in self.resources:
            for resource in module.all_resources:
                out.extend(resource.operations)
        return tuple(out)

    @property
    def retained_secrets(self) -> tuple[ClientArg, ...]:
        """Credentials the client keeps (never sends) for the methods that sign or verify locally."""
        args = [self.user_tokens.secret] if self.user_tokens else []
        if self.webhook and self.webhook.secret:
            args.append(self.webhook.secret)
        return tuple({arg.name: arg for arg in args}.values())

    @property
    def client_args(self) -> tuple[ClientArg, ...]:
        args = [v.argument for v in self.server_variables]
        for part in self.auth:
            args.extend(part.args)
            if part.jwt_secret is not None:
                args.append(part.jwt_secret)
        return tuple(args)
