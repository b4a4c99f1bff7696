"""Python types as a small tree, and the one place a tree becomes annotation text and imports.

The parser builds these nodes from Schema Objects; nothing ever parses annotation text back. A node
knows what it needs imported, so a module's imports are derived from the trees it uses. Rendering
takes the names bound in the scope the annotation is written in (`shadowed`): a builtin such as `list`
or `str` that a field, method or parameter of the same name would capture is written `builtins.list`,
and the module needs `import builtins`. The naming authority never lets a spec name take `builtins`
itself, so the qualified form always resolves.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from generator.escape import py_literal

LiteralValue = str | int | float | bool

# Builtins an annotation or a method body may name; a scope binding one of them gets it qualified.
BUILTIN_TYPES = frozenset({"str", "int", "float", "bool", "bytes", "list", "dict", "object"})


@dataclass(frozen=True, slots=True)
class Builtin:
    """`str`, `int`, `float`, `bool`, `bytes`, `object`."""

    name: str


@dataclass(frozen=True, slots=True)
class NoneType:
    """`None`: no body, or the null half of an optional."""


@dataclass(frozen=True, slots=True)
class AnyType:
    """`Any`: the spec says nothing about the value."""


@dataclass(frozen=True, slots=True)
class Qualified:
    """A name reached through a module: `datetime.datetime` (`import datetime`)."""

    module: str
    name: str


@dataclass(frozen=True, slots=True)
class Imported:
    """A name imported from a module: `NotGiven` (`from .._runtime import NotGiven`)."""

    module: str
    name: str


@dataclass(frozen=True, slots=True)
class Ref:
    """A generated definition (model, enum or alias), by its class name."""

    name: str


@dataclass(frozen=True, slots=True)
class ListOf:
    """`list[T]`; `abstract` gives `Sequence[T]` (what an argument accepts: a `list[X]` is not a
    `list[X | XParam]`, lists being invariant, but it is a `Sequence` of them)."""

    item: Type
    abstract: bool = False


@dataclass(frozen=True, slots=True)
class MapOf:
    """`dict[str, V]`; `abstract` gives `Mapping[str, V]` (what an argument accepts)."""

    value: Type
    abstract: bool = False


@dataclass(frozen=True, slots=True)
class UnionOf:
    """Members in order, flattened and distinct (see `union`)."""

    members: tuple[Type, ...]


@dataclass(frozen=True, slots=True)
class LiteralOf:
    """`Literal[...]` of some wire values."""

    values: tuple[LiteralValue, ...]


@dataclass(frozen=True, slots=True)
class Tagged:
    """A discriminated union of named models: pydantic picks the variant from the tag property."""

    variants: tuple[str, ...]  # definition names
    prop: str  # the wire name of the tag property
    tags: tuple[tuple[str, str], ...]  # tag value → variant name (mapping aliases included)


Type = (
    Builtin
    | NoneType
    | AnyType
    | Qualified
    | Imported
    | Ref
    | ListOf
    | MapOf
    | UnionOf
    | LiteralOf
    | Tagged
)

STR = Builtin("str")
INT = Builtin("int")
FLOAT = Builtin("float")
BOOL = Builtin("bool")
BYTES = Builtin("bytes")
NONE = NoneType()
ANY = AnyType()
DATETIME = Qualified("datetime", "datetime")
DATE = Qualified("datetime", "date")
NOT_GIVEN = Imported(".._runtime", "NotGiven")
# Date-times the runtime decodes tolerantly (`_runtime/_time.py`): RFC 3339 text or an epoch number,
# and RFC 2822 text (kept as the string when unreadable).
TIMESTAMP = Imported(".._runtime._time", "Timestamp")
RFC2822_TIMESTAMP = Imported(".._runtime._time", "Rfc2822Timestamp")


# --------------------------------------------------------------------------------------- building


def union(types: Iterable[Type]) -> Type:
    """`A | B`: nested unions flattened, duplicates dropped, `None` last; `Any` absorbs the rest."""
    members: list[Type] = []
    for t in types:
        for part in t.members if isinstance(t, UnionOf) else (t,):
            if part not in members:
                members.append(part)
    if ANY in members:
        return ANY
    if NONE in members:
        members = [m for m in members if m != NONE] + [NONE]
    if not members:
        return NONE
    return members[0] if len(members) == 1 else UnionOf(tuple(members))


def optional(t: Type) -> Type:
    return union([t, NONE])


def without_none(t: Type) -> Type:
    if isinstance(t, UnionOf):
        return union(m for m in t.members if m != NONE)
    return t


def members(t: Type) -> tuple[Type, ...]:
    return t.members if isinstance(t, UnionOf) else (t,)


def children(t: Type) -> tuple[Type, ...]:
    if isinstance(t, ListOf):
        return (t.item,)
    if isinstance(t, MapOf):
        return (t.value,)
    if isinstance(t, UnionOf):
        return t.members
    if isinstance(t, Tagged):
        return tuple(Ref(v) for v in t.variants)
    return ()


def walk(t: Type) -> Iterator[Type]:
    """Every node of the tree, depth first (iterative: trees from deep specs stay safe)."""
    todo = [t]
    while todo:
        node = todo.pop()
        yield node
        todo.extend(reversed(children(node)))


def refs(t: Type) -> frozenset[str]:
    """The generated definitions the type names."""
    return frozenset(n.name for n in walk(t) if isinstance(n, Ref))


# -------------------------------------------------------------------------------------- rendering


def annotation(t: Type, shadowed: frozenset[str] = frozenset()) -> str:
    """The annotation text for `t`, written in a scope where the names in `shadowed` are bound."""

    def builtin(name: str) -> str:
        return f"builtins.{name}" if name in shadowed else name

    if isinstance(t, Builtin):
        return builtin(t.name)
    if isinstance(t, NoneType):
        return "None"
    if isinstance(t, AnyType):
        return "Any"
    if isinstance(t, Qualified):
        return f"{t.module}.{t.name}"
    if isinstance(t, (Imported, Ref)):
        return t.name
    if isinstance(t, ListOf):
        head = "Sequence" if t.abstract else builtin("list")
        return f"{head}[{annotation(t.item, shadowed)}]"
    if isinstance(t, MapOf):
        head = "Mapping" if t.abstract else builtin("dict")
        return f"{head}[{builtin('str')}, {annotation(t.value, shadowed)}]"
    if isinstance(t, UnionOf):
        return " | ".join(annotation(m, shadowed) for m in t.members)
    if isinstance(t, LiteralOf):
        return f"Literal[{', '.join(py_literal(v) for v in t.values)}]"
    choices = " | ".join(f"Annotated[{v}, Tag({py_literal(v)})]" for v in t.variants)
    tags = py_literal(dict(t.tags))
    return f"Annotated[{choices}, Discriminator(discriminate({py_literal(t.prop)}, {tags}))]"


def imports(t: Type, shadowed: frozenset[str] = frozenset()) -> frozenset[str]:
    """Import lines the annotation of `t` needs (definitions excluded: see `refs`)."""
    out: set[str] = set()
    for node in walk(t):
        if isinstance(node, AnyType):
            out.add("from typing import Any")
        elif isinstance(node, Qualified):
            out.add(f"import {node.module}")
        elif isinstance(node, Imported):
            out.add(f"from {node.module} import {node.name}")
        elif isinstance(node, LiteralOf):
            out.add("from typing import Literal")
        elif isinstance(node, MapOf) and node.abstract:
            out.add("from collections.abc import Mapping")
        elif isinstance(node, ListOf) and node.abstract:
            out.add("from collections.abc import Sequence")
        elif isinstance(node, Tagged):
            out |= {
                "from typing import Annotated",
                "from pydantic import Discriminator, Tag",
                "from .._runtime._models import discriminate",
            }
        if uses_builtin(node) & shadowed:
            out.add("import builtins")
    return frozenset(out)


def uses_builtin(t: Type) -> frozenset[str]:
    """Builtin names this node itself writes (not its children)."""
    if isinstance(t, Builtin):
        return frozenset({t.name})
    if isinstance(t, ListOf):
        return frozenset() if t.abstract else frozenset({"list"})
    if isinstance(t, MapOf):
        return frozenset({"str"} if t.abstract else {"str", "dict"})
    return frozenset()


def names_used(t: Type) -> frozenset[str]:
    """Every bare name the annotation text refers to (what a scope must not rebind)."""
    out: set[str] = set()
    for node in walk(t):
        out |= uses_builtin(node)
        if isinstance(node, Qualified):
            out.add(node.module)
        elif isinstance(node, (Imported, Ref)):
            out.add(node.name)
        elif isinstance(node, AnyType):
            out.add("Any")
        elif isinstance(node, LiteralOf):
            out.add("Literal")
        elif isinstance(node, MapOf) and node.abstract:
            out.add("Mapping")
        elif isinstance(node, ListOf) and node.abstract:
            out.add("Sequence")
        elif isinstance(node, Tagged):
            out |= {"Annotated", "Tag", "Discriminator", "discriminate"}
    return frozenset(out)
