"""Lenient mode's edits: a bundled document with the fixes of its vendor mistakes applied.

The validate stage finds each mistake and says how to generate around it (`errors.Fix`); this
module only carries the edits out. The document is never changed in place: the containers on the
way to each edited node are copied and everything else is shared, so a 13 MB spec with a handful of
mistakes costs a handful of copies, and a node the loader reached from several places (an inlined
`$ref`, a YAML alias) changes only where the mistake was reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from generator.errors import Fix, Problem
from generator.load import LoadedSpec, Pointer


def _order(at: tuple[str | int, ...]) -> tuple[tuple[int, int, str], ...]:
    # Deeper nodes and later list items first, so dropping an item never shifts the index of a
    # node another fix still has to reach.
    return tuple((1, p, "") if isinstance(p, int) else (0, 0, p) for p in at)


def repaired(spec: LoadedSpec, mistakes: Iterable[Problem]) -> LoadedSpec:
    """`spec` with each mistake's fix applied and the mistakes added to its warnings."""
    found = list(mistakes)
    fixes: dict[tuple[str | int, ...], Fix] = {}
    for problem in found:
        if problem.fix is not None:
            fixes.setdefault(problem.fix.at, problem.fix)
    root: dict[str, Any] = dict(spec.data)
    fresh = {id(root)}  # containers already copied in this pass, safe to change
    dropped = list(spec.dropped)
    for at in sorted(fixes, key=_order, reverse=True):
        if at:  # the whole document is never a mistake's node
            _apply(root, fresh, fixes[at], dropped)
    warnings = (*spec.warnings, *(p.as_warning() for p in found if p.fix is not None))
    return replace(spec, data=root, warnings=warnings, dropped=tuple(dropped))


def _apply(
    root: dict[str, Any], fresh: set[int], fix: Fix, dropped: list[tuple[Pointer, int]]
) -> None:
    trail: list[tuple[Any, str | int]] = []  # (copied container, key into it) down to the node
    node: Any = root
    for part in fix.at[:-1]:
        child = _get(node, part)
        if not isinstance(child, (Mapping, list)):
            return  # an earlier fix dropped the way there
        if id(child) not in fresh:
            child = dict(child) if isinstance(child, Mapping) else list(child)
            fresh.add(id(child))
            node[part] = child
        trail.append((node, part))
        node = child
    last = fix.at[-1]
    if _get(node, last) is _MISSING:
        return
    if fix.action == "set":
        node[last] = fix.value
        return
    del node[last]
    if isinstance(node, list) and isinstance(last, int):
        dropped.append((fix.at[:-1], last))
    # A list a drop leaves empty goes too: `required: []` is itself wrong in 3.0, and an empty
    # `examples` or `parameters` says nothing. Other containers stay (an emptied media type
    # object still says the body has that type).
    if not node and trail:
        parent, key = trail[-1]
        # ... unless the key is a property's name (`properties: {required: ...}`)
        named = len(trail) > 1 and trail[-2][1] in _NAME_MAPS
        if isinstance(parent, dict) and key in _EMPTY_MEANS_NOTHING and not named:
            del parent[key]


_MISSING = object()
_EMPTY_MEANS_NOTHING = frozenset({"required", "examples", "parameters", "tags"})
_NAME_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions"})


def _get(node: Any, part: str | int) -> Any:
    if isinstance(node, Mapping):
        return node.get(part, _MISSING)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _MISSING
