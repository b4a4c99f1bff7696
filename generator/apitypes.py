"""Type trees within a manifest surface: the subtype order the classification rests on, definitions
renamed across two surfaces, and the direction each definition travels in.

`subtype(a, b)` asks whether every value of `a` is a value of `b`, looking through aliases and enums'
Literal aliases in the surface each tree comes from; it never parses annotation text. Undecidable
cases (a recursive alias) answer no, the safe side for classifying a change.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from generator import types
from generator.manifest import tree_json
from generator.surface import AliasDef, Definition, EnumDef, ModelDef, Surface
from generator.types import (
    BOOL,
    FLOAT,
    INT,
    STR,
    AnyType,
    Builtin,
    ListOf,
    LiteralOf,
    MapOf,
    Ref,
    Tagged,
    Type,
    UnionOf,
)

IN, OUT = "request", "response"
Direction = frozenset[str]
BOTH: Direction = frozenset({IN, OUT})


class TypeEnv:
    """The definitions one side's type trees name, for subtyping through aliases and enums."""

    def __init__(self, surface: Surface) -> None:
        self.defs: dict[str, Definition] = {d.name: d for d in surface.definitions}
        self.literals: dict[str, EnumDef] = {
            d.literal: d for d in surface.definitions if isinstance(d, EnumDef)
        }

    def expand(self, t: Type) -> Type | None:
        """What an alias or an enum's Literal alias stands for; None for a model or enum."""
        if not isinstance(t, Ref):
            return None
        d = self.defs.get(t.name)
        if isinstance(d, AliasDef):
            return d.type
        lit = self.literals.get(t.name)
        return LiteralOf(tuple(v for _, v in lit.values)) if lit and lit.values else None

    def enum_base(self, t: Type) -> Type | None:
        d = self.defs.get(t.name) if isinstance(t, Ref) else None
        return (INT if d.base == "int" else STR) if isinstance(d, EnumDef) else None


def same(a: Type | None, b: Type | None) -> bool:
    """Tree equality that keeps `Literal[True]` and `Literal[1]` apart (Python's `True == 1`)."""
    if a is None or b is None:
        return a is b
    return a == b and json.dumps(tree_json(a)) == json.dumps(tree_json(b))


def _literal_key(value: object) -> tuple[str, object]:
    return type(value).__name__, value  # so True and 1 stay different values


def _literal_type(value: object) -> Type:
    if isinstance(value, bool):
        return BOOL
    if isinstance(value, int):
        return INT
    return FLOAT if isinstance(value, float) else STR


def subtype(a: Type, ea: TypeEnv, b: Type, eb: TypeEnv, depth: int = 0) -> bool:
    """Whether every value of `a` (named in `ea`) is a value of `b` (named in `eb`)."""
    if depth > 40:  # a recursive alias: undecided, so not a subtype (the safe answer)
        return False
    if same(a, b) or isinstance(b, AnyType) or b == Builtin("object"):
        return True
    d = depth + 1
    # `a` is taken apart before `b`: a union on the left must fit whole, member by member, where
    # trying the right's members first would ask each of them to hold the whole left union
    for through in (_through_left, _through_right):
        answer = through(a, ea, b, eb, d)
        if answer is not None:
            return answer
    leaf = _LEAVES.get(type(a))
    return leaf is not None and leaf(a, ea, b, eb, d)


def _through_left(a: Type, ea: TypeEnv, b: Type, eb: TypeEnv, d: int) -> bool | None:
    """A union, a tagged union or an alias on the left; None when `a` is none of them."""
    if isinstance(a, UnionOf):
        return all(subtype(m, ea, b, eb, d) for m in a.members)
    if isinstance(a, Tagged):
        return all(subtype(Ref(v), ea, b, eb, d) for v in a.variants)
    expanded = ea.expand(a)
    return None if expanded is None else subtype(expanded, ea, b, eb, d)


def _through_right(a: Type, ea: TypeEnv, b: Type, eb: TypeEnv, d: int) -> bool | None:
    """A union, a tagged union or an alias on the right; None when `b` is none of them."""
    if isinstance(b, UnionOf):
        return any(subtype(a, ea, m, eb, d) for m in b.members)
    if isinstance(b, Tagged):
        return isinstance(a, Ref) and a.name in b.variants
    expanded = eb.expand(b)
    return None if expanded is None else subtype(a, ea, expanded, eb, d)


def _enum_subtype(a: Ref, ea: TypeEnv, b: Type, eb: TypeEnv, d: int) -> bool:
    base = ea.enum_base(a)  # an enum's members are values of its base type
    return base is not None and not isinstance(b, Ref) and subtype(base, ea, b, eb, d)


def _literal_subtype(a: LiteralOf, ea: TypeEnv, b: Type, eb: TypeEnv, d: int) -> bool:
    if isinstance(b, LiteralOf):
        return {_literal_key(v) for v in a.values} <= {_literal_key(v) for v in b.values}
    return all(subtype(_literal_type(v), ea, b, eb, d) for v in a.values)


def _builtin_subtype(a: Builtin, ea: TypeEnv, b: Type, eb: TypeEnv, d: int) -> bool:
    # the numeric tower typing accepts
    return isinstance(b, Builtin) and (a.name, b.name) == ("int", "float")


def _list_subtype(a: ListOf, ea: TypeEnv, b: Type, eb: TypeEnv, d: int) -> bool:
    # a list is a Sequence; a Sequence argument need not be a list
    return (
        isinstance(b, ListOf)
        and (b.abstract or not a.abstract)
        and subtype(a.item, ea, b.item, eb, d)
    )


def _map_subtype(a: MapOf, ea: TypeEnv, b: Type, eb: TypeEnv, d: int) -> bool:
    return (
        isinstance(b, MapOf)
        and (b.abstract or not a.abstract)
        and subtype(a.value, ea, b.value, eb, d)
    )


# What a tree that is no union, tagged union or alias on either side is a subtype of, by its kind
# on the left (the kinds not listed, such as `None` or a qualified name, only of themselves).
_LEAVES: dict[type, Callable[[Any, TypeEnv, Type, TypeEnv, int], bool]] = {
    Ref: _enum_subtype,
    LiteralOf: _literal_subtype,
    Builtin: _builtin_subtype,
    ListOf: _list_subtype,
    MapOf: _map_subtype,
}


# --------------------------------------------------------------------------------------- renames


def rename_type(t: Type, names: Mapping[str, str]) -> Type:
    if isinstance(t, Ref):
        return Ref(names.get(t.name, t.name))
    if isinstance(t, ListOf):
        return ListOf(rename_type(t.item, names), t.abstract)
    if isinstance(t, MapOf):
        return MapOf(rename_type(t.value, names), t.abstract)
    if isinstance(t, UnionOf):
        return UnionOf(tuple(rename_type(m, names) for m in t.members))
    if isinstance(t, Tagged):
        return Tagged(
            tuple(names.get(v, v) for v in t.variants),
            t.prop,
            tuple((tag, names.get(v, v)) for tag, v in t.tags),
        )
    return t


def same_content(a: Definition, b: Definition) -> bool:
    if isinstance(a, ModelDef) and isinstance(b, ModelDef):
        return a.fields == b.fields and a.extra == b.extra
    if isinstance(a, EnumDef) and isinstance(b, EnumDef):
        return a.values == b.values and a.base == b.base
    if isinstance(a, AliasDef) and isinstance(b, AliasDef):
        return a.type == b.type
    return False


def definition_renames(old: Surface, new: Surface) -> dict[str, str]:
    """Old name → new name for a definition that disappeared while exactly one new definition with
    the same content appeared (and no other old one matches it)."""
    new_names = {d.name for d in new.definitions}
    old_names = {d.name for d in old.definitions}
    gone = [d for d in old.definitions if d.name not in new_names]
    came = [d for d in new.definitions if d.name not in old_names]
    out: dict[str, str] = {}
    for d in gone:
        matches = [n for n in came if same_content(d, n)]
        if len(matches) == 1 and [g for g in gone if same_content(g, matches[0])] == [d]:
            out[d.name] = matches[0].name
            if isinstance(d, EnumDef) and isinstance(matches[0], EnumDef):
                out[d.literal] = matches[0].literal
    return out


def renamed_surface(s: Surface, names: Mapping[str, str]) -> Surface:
    """The old surface with renamed definitions under their new names, so everything else compares
    as if they had always been called so (the rename itself is reported once)."""
    if not names:
        return s

    def ren(t: Type) -> Type:
        return rename_type(t, names)

    def definition(d: Definition) -> Definition:
        if isinstance(d, ModelDef):
            fields = tuple(replace(f, type=ren(f.type)) for f in d.fields)
            return replace(
                d,
                name=names.get(d.name, d.name),
                fields=fields,
                extra=ren(d.extra) if d.extra else None,
            )
        if isinstance(d, EnumDef):
            return replace(
                d, name=names.get(d.name, d.name), literal=names.get(d.literal, d.literal)
            )
        return replace(d, name=names.get(d.name, d.name), type=ren(d.type))

    methods = tuple(
        replace(
            m,
            arguments=tuple(replace(a, type=ren(a.type)) for a in m.arguments),
            returns=ren(m.returns),
            responses=tuple((status, ren(t)) for status, t in m.responses),
            pagination=replace(m.pagination, item=ren(m.pagination.item)) if m.pagination else None,
        )
        for m in s.methods
    )
    return replace(
        s,
        methods=methods,
        definitions=tuple(definition(d) for d in s.definitions),
        error_model=names.get(s.error_model, s.error_model) if s.error_model else None,
    )


# ------------------------------------------------------------------------------------- direction


def directions(s: Surface) -> dict[str, set[str]]:
    """Definition → the directions it travels in: request (reachable from an argument) and/or
    response (from a return type, a page item or the error model)."""
    env = TypeEnv(s)
    roots: dict[str, set[str]] = {IN: set(), OUT: set()}
    for m in s.methods:
        for a in m.arguments:
            roots[IN] |= types.refs(a.type)
        if m.body_model:
            roots[IN].add(m.body_model)
        roots[OUT] |= types.refs(m.returns)
        if m.pagination:
            roots[OUT] |= types.refs(m.pagination.item)
    if s.error_model:
        roots[OUT].add(s.error_model)
    out: dict[str, set[str]] = {}
    for direction, names in roots.items():
        todo = list(names)
        seen: set[str] = set()
        while todo:
            name = todo.pop()
            name = env.literals[name].name if name in env.literals else name
            if name in seen:
                continue
            seen.add(name)
            out.setdefault(name, set()).add(direction)
            d = env.defs.get(name)
            if isinstance(d, ModelDef):
                for f in d.fields:
                    todo.extend(types.refs(f.type))
                if d.extra is not None:
                    todo.extend(types.refs(d.extra))
            elif isinstance(d, AliasDef):
                todo.extend(types.refs(d.type))
    return out
