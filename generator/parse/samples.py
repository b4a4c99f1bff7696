"""Placeholder values for the README's example calls, for arguments the spec gives no example of.

A placeholder must run as written and type-check: a value of the argument's type, built from the
type tree (an enum's first value, a list of one sample, a nested model as the plain dict its
TypedDict twin types, with its required keys). `...` is left only where no such value can be
written without an import (a date, a model an argument takes without a twin).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from generator import types
from generator.escape import py_literal
from generator.ir import Alias, Definition, Enum, Model, Parameter
from generator.types import ListOf, LiteralOf, MapOf, Ref, Type

# Nested models deeper than this are not written out (a recursive model's required keys).
_MAX_DEPTH = 4
_SCALARS: dict[Type, object] = {types.INT: 10, types.FLOAT: 1.5, types.BOOL: True}


class _Missing:
    pass


_MISSING = _Missing()


@dataclass(frozen=True, slots=True)
class Samples:
    """Example values of arguments as Python source: the spec's example, else a placeholder."""

    definitions: Mapping[str, Definition]
    twinned: Collection[str]  # models an argument also takes as a plain dict

    def source(self, param: Parameter) -> str:
        """Python source of a value for `param`."""
        value = self._value(types.without_none(param.type), param.wire_name, 0)
        return "..." if isinstance(value, _Missing) else py_literal(value)

    def _value(self, t: Type, wire: str, depth: int) -> object:
        for member in types.members(t):
            value = self._one(member, wire, depth)
            if not isinstance(value, _Missing):
                return value
        return _MISSING

    def _one(self, t: Type, wire: str, depth: int) -> object:
        if t == types.STR:
            return f"my-{wire.lower()}" if wire else "..."
        if t in _SCALARS:
            return _SCALARS[t]
        if isinstance(t, LiteralOf):
            return t.values[0]
        if isinstance(t, ListOf):
            item = self._value(t.item, wire, depth + 1)
            return [] if isinstance(item, _Missing) else [item]
        if isinstance(t, MapOf):
            return {}
        if isinstance(t, Ref) and depth < _MAX_DEPTH:
            return self._definition(t.name, wire, depth)
        return _MISSING

    def _definition(self, name: str, wire: str, depth: int) -> object:
        definition = self.definitions.get(name)
        if isinstance(definition, Enum):
            return definition.members[0].value if definition.members else _MISSING
        if isinstance(definition, Alias):
            return self._value(definition.type, wire, depth + 1)
        if isinstance(definition, Model) and name in self.twinned:
            out = {}
            for f in definition.fields:
                if f.required:
                    value = self._value(types.without_none(f.type), f.wire_name, depth + 1)
                    if isinstance(value, _Missing):
                        return _MISSING
                    out[f.wire_name] = value
            return out
        return _MISSING
