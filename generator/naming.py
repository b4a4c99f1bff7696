"""Every Python name the generator emits is made here, from the spec's wire names.

sanitize → split into words → snake_case / PascalCase / UPPER_CASE → escape keywords and names that
would shadow what generated modules use → prefix names that start with a digit → dedupe within a scope
(`_2`, `_3`), reporting each rename. Wire names never reach Python identifiers unchanged unless they are
already the identifier we would have made.
"""

from __future__ import annotations

import hashlib
import keyword
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# Boundaries: lower→Upper ("callSid"), acronym→Word ("SIPTrunk" → SIP, Trunk), letter↔digit kept together
# ("Parameter1" stays one word, "v2" too) since splitting digits makes names harder to read.
_WORDS = re.compile(
    r"[A-Z]{2,}s(?![a-z])"  # a plural acronym: "IDs", "URLs"
    r"|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+[a-z]*"
)

# ------------------------------------------------------------------------------------ reserved names
#
# What the generator itself puts into each kind of scope, before any spec name is admitted. A spec
# name that lands on one of these is escaped with a trailing `_` (and deduped after that), and the
# rename is reported. Names the generator invents for locals start with `_`; no spec name ever does
# (`snake` and `pascal` drop leading underscores), so those cannot collide and are listed only for
# the verify stage's sake.

# Names every lowercase scope keeps free: annotations qualify shadowed builtins as `builtins.x`, and
# date-time types are written `datetime.datetime`.
_ALWAYS = frozenset({"builtins", "datetime"})

# Attributes of pydantic.BaseModel (v2) and of the generated model base; a field with one of these names
# would shadow the method. A fixed list, not dir(BaseModel), so output does not depend on the installed
# pydantic version (tests/test_naming.py checks the list still covers the installed pydantic).
_MODEL_RESERVED = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
        "model_computed_fields",
        "model_config",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "register",
        # ApiModel's own
        "to_wire",
        # a tagged union's annotation calls it, and request models build their null check with
        # it, in the class body
        "discriminate",
        "frozenset",
    }
)
MODEL_ATTRIBUTES = _MODEL_RESERVED | _ALWAYS

# Helpers a generated method body calls, by bare name (module globals of a resource module).
BODY_HELPERS = frozenset(
    {
        "build_path",
        "encode_query",
        "encode_headers",
        "encode_cookies",
        "validate_body",
        "validate_any",
        "validate_value",
        "form_fields",
        "indexed_pairs",
        "fields_content",
        "binary_content",
        "text_content",
    }
)
# Names a generated method signature or body uses itself.
_ARGUMENT_RESERVED = frozenset({"self", "request_options", "cls"})
METHOD_PARAMETERS = _ARGUMENT_RESERVED | BODY_HELPERS | _ALWAYS
# A pager method's own arguments, and the locals of its body.
PAGER_PARAMETERS = frozenset({"start", "direction", "max_pages"})

# Names a generated resource class exposes besides its operations and sub-resources.
_METHOD_RESERVED = frozenset({"with_raw_response", "close", "aclose"})
RESOURCE_ATTRIBUTES = _METHOD_RESERVED | _ALWAYS | frozenset({"_client"})

# The client constructor's own arguments and what its body calls.
CLIENT_PARAMETERS = (
    frozenset(
        {
            "self",
            "base_url",
            "timeout",
            "max_retries",
            "http_client",
            "default_headers",
            "retry",
            "setting",
            "optional_setting",
            "expand_server",
            "httpx",
            "str",
        }
    )
    | _ALWAYS
)
# Client methods a spec may ask for by another name (x-sdk-user-tokens, x-sdk-webhook-signature).
SIGNING_METHODS = frozenset({"create_token", "verify_webhook"})
# Attributes of a generated client besides its resources and client values.
CLIENT_ATTRIBUTES = (
    frozenset(
        {
            "base_url",
            "close",
            "aclose",
            "create_token",
            "verify_webhook",
            "with_options",
            "_transport",
            # what the client class body names in annotations and decorators
            "httpx",
            "cached_property",
            "property",
            "str",
            "int",
            "float",
            "bool",
            "type",
            "object",
        }
    )
    | _ALWAYS
)

# Enum attributes that members must not shadow (members are UPPER_CASE, so only "_" shapes could).
_ENUM_RESERVED = frozenset({"_"})

# Class-like names generated modules import or define besides the spec's: a schema, resource or client
# named like one of these is escaped, since generated modules import both into one namespace.
_CLASS_RESERVED = frozenset(
    {
        "Any",
        "Annotated",
        "ApiConnectionError",
        "ApiError",
        "ApiKeyAuth",
        "ApiModel",
        "ApiResponse",
        "ApiStatusError",
        "ApiTimeoutError",
        "AsyncApiClient",
        "AsyncBinaryStream",
        "AsyncEventStream",
        "AsyncIterator",
        "AsyncPager",
        "AuthenticationError",
        "BadRequestError",
        "BaseModel",
        "BasicAuth",
        "BearerAuth",
        "BinaryContent",
        "BinaryStream",
        "ByStatus",
        "ClassVar",
        "CompositeAuth",
        "ConfigDict",
        "ConfigurationError",
        "ConflictError",
        "Cursor",
        "DEFAULT_MAX_RETRIES",
        "DEFAULT_TIMEOUT",
        "Discriminator",
        "Enum",
        "EventStream",
        "False",
        "Field",
        "FileInput",
        "InternalServerError",
        "Iterator",
        "JwtServerAuth",
        "Literal",
        "Mapping",
        "NOT_GIVEN",
        "NoAuth",
        "None",
        "NotFoundError",
        "NotGiven",
        "NotRequired",
        "OAuth2ClientCredentials",
        "OpenEnum",
        "Page",
        "PaginationError",
        "PermissionDeniedError",
        "RateLimitError",
        "RedirectError",
        "RequestOptions",
        "RequestSpec",
        "RequestValidationError",
        "Required",
        "ResponseValidationError",
        "RetryConfig",
        "SERVER_URL",
        "SecuritySchemes",
        "Sequence",
        "SyncApiClient",
        "SyncPager",
        "TYPE_CHECKING",
        "Tag",
        "TracebackType",
        "True",
        "TypeAlias",
        "TypeAliasType",
        "TypedDict",
        "UnprocessableEntityError",
    }
)
PACKAGE_CLASSES = _CLASS_RESERVED

# Package names a generated distribution must not take: it would shadow the standard library or a
# dependency of every generated package.
DEPENDENCIES = frozenset(
    {
        "httpx",
        "pydantic",
        "pydantic_core",
        "anyio",
        "httpcore",
        "certifi",
        "idna",
        "sniffio",
        "h11",
        # pydantic's own, and the deferred aliases' (TypeAliasType)
        "typing_extensions",
        "annotated_types",
        "typing_inspection",
    }
)
MODULE_NAME_MAX = 96  # module file names stay far below any file system's limit (255 bytes)


def words(name: str) -> list[str]:
    """Split any wire name into words: 'StatusCallbackMethod', 'stream-auth-type', 'Parameter1.Name'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _WORDS.findall(ascii_name)


def snake(name: str) -> str:
    """snake_case identifier body (may start with a digit or be empty; see `attribute`)."""
    return "_".join(w.lower() for w in words(name))


def pascal(name: str) -> str:
    """PascalCase; a name that already is a PascalCase identifier is kept as written (GetCallResponse,
    SIPTrunk), so the spec's schema names stay recognisable."""
    if re.fullmatch(r"[A-Z][A-Za-z0-9]*", name):
        return name
    return "".join(w[:1].upper() + w[1:] for w in words(name))


def upper(name: str) -> str:
    return "_".join(w.upper() for w in words(name))


# Names pycodestyle (ruff E741-E743) rejects anywhere, being hard to tell from 1 and 0.
_AMBIGUOUS = frozenset({"l", "O", "I"})


def _escape(name: str, reserved: Iterable[str], digit_prefix: str, empty: str) -> str:
    if not name:
        name = empty
    if name[0].isdigit():
        name = digit_prefix + name
    if (
        keyword.iskeyword(name)
        or (keyword.issoftkeyword(name) and name == "_")
        or name in _AMBIGUOUS
        or name in reserved
    ):
        name += "_"
    return name


def attribute(wire: str) -> str:
    """A model field name."""
    return _escape(snake(wire), _MODEL_RESERVED, "field_", "field")


def argument(wire: str) -> str:
    """A method or constructor argument."""
    return _escape(snake(wire), _ARGUMENT_RESERVED, "arg_", "arg")


def method(wire: str) -> str:
    return _escape(snake(wire), _METHOD_RESERVED, "op_", "op")


def class_name(wire: str) -> str:
    return _escape(pascal(wire), _CLASS_RESERVED, "Model", "Model")


def enum_member(value: object) -> str:
    text = str(value)
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        text = "NEG_" + str(-value) if value < 0 else str(value)
        text = text.replace(".", "_")
    name = upper(text)
    return _escape(name, _ENUM_RESERVED, "VALUE_", "EMPTY")


def param_dict(model: str) -> str:
    """The TypedDict twin of a request model (claimed in the package's class scope, after every
    class the spec names, so a spec schema already called `XParam` keeps its name)."""
    return f"{model}Param"


def module(wire: str) -> str:
    """A package name (a name too long for a folder is refused where it is made)."""
    return _escape(snake(wire), frozenset({"models", "resources", "errors"}), "m_", "module")


def cap(name: str, limit: int = MODULE_NAME_MAX) -> str:
    """A name short enough for a file name: a long one keeps its start and gains a short hash of the
    whole, so two long names that share a start stay distinct."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    return f"{name[: limit - 9].rstrip('_')}_{digest}"


@dataclass
class Scope:
    """Names already taken in one Python scope.

    `reserved` holds what the generator itself puts there; a spec name equal to one of them is escaped
    with a trailing `_`. `claim` then dedupes with _2, _3… and records each rename, so the CLI can
    tell the user which Python name a wire name got.
    """

    reserved: frozenset[str] = frozenset()
    taken: set[str] = field(default_factory=set)
    renames: list[tuple[str, str]] = field(default_factory=list)

    def _free(self, name: str) -> bool:
        return name not in self.taken and name not in self.reserved

    def claim(self, name: str, wire: str | None = None) -> str:
        return self.claim_all(name, lambda n: (n,), wire)

    def claim_all(
        self, name: str, variants: Callable[[str], Iterable[str]], wire: str | None = None
    ) -> str:
        """Claim `name` such that every name derived from it by `variants` is free too (a resource
        class `X` also defines `AsyncX` and `XWithRawResponse`); all of them are then taken."""
        base = name + "_" if name in self.reserved else name
        candidate, n = base, 1
        while not all(self._free(v) for v in variants(candidate)):
            n += 1
            # `class_` taken → `class_2`, not `class__2` (the escape underscore is not doubled)
            candidate = f"{base.rstrip('_') or base}_{n}"
        self.taken.update(variants(candidate))
        if candidate != name:
            self.renames.append((wire or name, candidate))
        return candidate


def claim_in(scopes: Iterable[Scope], name: str, wire: str | None = None) -> str:
    """One name free in every one of `scopes` (a value that is both a constructor argument and an
    attribute), claimed in all of them; the rename is recorded in the first."""
    scopes = list(scopes)
    reserved = any(name in s.reserved for s in scopes)
    base = name + "_" if reserved else name
    candidate, n = base, 1
    while not all(s._free(candidate) for s in scopes):
        n += 1
        candidate = f"{base.rstrip('_') or base}_{n}"
    for s in scopes:
        s.taken.add(candidate)
    if candidate != name and scopes:
        scopes[0].renames.append((wire or name, candidate))
    return candidate


# ------------------------------------------------------------------------------------------- scopes


def model_attributes() -> Scope:
    """Fields of one generated model class."""
    return Scope(MODEL_ATTRIBUTES)


def enum_members() -> Scope:
    return Scope(_ENUM_RESERVED)


def method_parameters(paginated: bool) -> Scope:
    """Parameters of one generated operation method (and of its pagers, when it has them)."""
    return Scope(METHOD_PARAMETERS | (PAGER_PARAMETERS if paginated else frozenset()))


def resource_attributes() -> Scope:
    """Methods and sub-resources of one resource class."""
    return Scope(RESOURCE_ATTRIBUTES)


def client_parameters() -> Scope:
    return Scope(CLIENT_PARAMETERS)


def client_attributes() -> Scope:
    return Scope(CLIENT_ATTRIBUTES)


def package_classes() -> Scope:
    """Every class a package defines: client, resources, models. They share module namespaces (a
    resource module imports models and the client under TYPE_CHECKING), so they share one scope."""
    return Scope(PACKAGE_CLASSES)


def module_files(reserved: Iterable[str] = ()) -> Scope:
    return Scope(frozenset(reserved) | {"__init__"})


def resource_class_variants(name: str) -> tuple[str, ...]:
    return (name, f"Async{name}", f"{name}WithRawResponse", f"Async{name}WithRawResponse")


def client_class_variants(name: str) -> tuple[str, ...]:
    return (name, f"Async{name}")


def package_problem(package: str) -> str | None:
    """Why `package` cannot be a generated package's import name, if it cannot."""
    if package in sys.stdlib_module_names:
        return f"package name {package!r} would shadow the standard library module of that name"
    if package in DEPENDENCIES:
        return f"package name {package!r} would shadow {package!r}, which every generated package imports"
    return None


def client_problem(client: str) -> str | None:
    taken = [v for v in client_class_variants(client) if v in PACKAGE_CLASSES]
    if taken:
        return f"client class {client!r} would define {taken[0]!r}, a name the generated package imports"
    return None
