"""Every Python name the generator emits is made here, from the spec's wire names.

sanitize → split into words → snake_case / PascalCase / UPPER_CASE → escape keywords and names that
would shadow what generated modules use → prefix names that start with a digit → dedupe within a scope
(`_2`, `_3`), reporting each rename. Wire names never reach Python identifiers unchanged unless they are
already the identifier we would have made.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

# Boundaries: lower→Upper ("callSid"), acronym→Word ("SIPTrunk" → SIP, Trunk), letter↔digit kept together
# ("Parameter1" stays one word, "v2" too) since splitting digits makes names harder to read.
_WORDS = re.compile(
    r"[A-Z]{2,}s(?![a-z])"  # a plural acronym: "IDs", "URLs"
    r"|[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+[a-z]*"
)

# Attributes of pydantic.BaseModel (v2) and of the generated model base; a field with one of these names
# would shadow the method. A fixed list, not dir(BaseModel), so output does not depend on the installed
# pydantic version.
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
    }
)
# Names a generated method body or signature uses itself.
_ARGUMENT_RESERVED = frozenset({"self", "request_options", "cls"})
# Names a generated resource class exposes besides its operations.
_METHOD_RESERVED = frozenset({"with_raw_response", "close", "aclose"})
# Enum attributes that members must not shadow (members are UPPER_CASE, so only "_" shapes could).
_ENUM_RESERVED = frozenset({"_"})
# Class names generated modules import and use.
_CLASS_RESERVED = frozenset(
    {
        "Any",
        "BaseModel",
        "ConfigDict",
        "Enum",
        "Field",
        "Literal",
        "Annotated",
        "ApiModel",
        "OpenEnum",
        "NotGiven",
        "RequestOptions",
        "RequestSpec",
        "ApiResponse",
        "Mapping",
        "Sequence",
        "Iterator",
        "AsyncIterator",
        "SyncPager",
        "AsyncPager",
        "Page",
        "Cursor",
        "TYPE_CHECKING",
        "None",
        "True",
        "False",
    }
)


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


def _escape(name: str, reserved: Iterable[str], digit_prefix: str, empty: str) -> str:
    if not name:
        name = empty
    if name[0].isdigit():
        name = digit_prefix + name
    if keyword.iskeyword(name) or (keyword.issoftkeyword(name) and name == "_") or name in reserved:
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


def module(wire: str) -> str:
    return _escape(snake(wire), frozenset({"models", "resources", "errors"}), "m_", "module")


@dataclass
class Scope:
    """Names already taken in one Python scope; `claim` dedupes with _2, _3… and records each rename."""

    taken: set[str] = field(default_factory=set)
    renames: list[tuple[str, str]] = field(default_factory=list)

    def claim(self, name: str, wire: str | None = None) -> str:
        candidate, n = name, 1
        while candidate in self.taken:
            n += 1
            # `class_` taken → `class_2`, not `class__2` (the escape underscore is not doubled)
            candidate = f"{name.rstrip('_') or name}_{n}"
        self.taken.add(candidate)
        if candidate != name:
            self.renames.append((wire or name, candidate))
        return candidate
