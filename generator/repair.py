"""Lenient mode's edits: a bundled document with the fixes of its vendor mistakes applied.

The validate stage finds each mistake and says how to generate around it (`errors.Fix`); this
module carries the edits out, and works out the two that rewrite a schema: the other OpenAPI
version's forms in this one's (`other_version`, `null_as_nullable`). The document is never changed in place: the containers on the
way to each edited node are copied and everything else is shared, so a 13 MB spec with a handful of
mistakes costs a handful of copies, and a node the loader reached from several places (an inlined
`$ref`, a YAML alias) changes only where the mistake was reported.
"""

from __future__ import annotations

import json
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


# ------------------------------------------------------------------ schemas in the other version

# (the node to set, its new value, the consequence in words)
Rewrite = tuple[Pointer, dict[str, Any], str]


def node_at(data: Any, path: Pointer) -> Any:
    for part in path:
        if isinstance(data, Mapping):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def other_version(data: Any, path: Pointer, is_31: bool) -> Rewrite | None:
    """The schema holding the keyword at `path`, with the other version's forms of `type` and
    the exclusive bounds written in this version's; None when they cannot be."""
    schema = node_at(data, path[:-1])
    if not isinstance(schema, Mapping):
        return None
    out = dict(schema)
    for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = out.get(bound)
        if is_31 and isinstance(value, bool):  # 3.0: a flag on minimum/maximum
            del out[bound]
            if value and isinstance(out.get(limit), (int, float)):
                out[bound] = out.pop(limit)
        elif not is_31 and isinstance(value, (int, float)) and not isinstance(value, bool):
            out[limit] = value  # 3.1: the bound itself
            out[bound] = True
    kinds = out.get("type")
    if not is_31 and isinstance(kinds, list):  # 3.1: a list of types, 'null' among them
        named = [k for k in kinds if k != "null"]
        if not named or not all(isinstance(k, str) for k in kinds):
            return None
        if len(named) == 1:
            out["type"] = named[0]
        elif "anyOf" in out:
            return None
        else:  # several types: one alternative each
            del out["type"]
            out["anyOf"] = [{"type": k} for k in dict.fromkeys(named)]
        if "null" in kinds:
            out["nullable"] = True
    changed = ", ".join(
        f"{k}: {json.dumps(v)}" for k, v in out.items() if schema.get(k, _MISSING) != v
    )
    gone = ", ".join(f"`{k}`" for k in schema if k not in out)
    if changed:
        said = f"read as `{changed}`" + (f" without {gone}" if gone else "")
    else:
        said = f"{gone} ignored"
    return path[:-1], out, said


def null_as_nullable(data: Any, path: Pointer, is_31: bool) -> Rewrite | None:
    """`type: 'null'` (at `path`) in 3.0, which says it with `nullable: true`: on the schema
    around when it is one alternative of an anyOf/oneOf (the alternative dropped), else on
    itself."""
    if len(path) >= 3 and path[-3] in ("anyOf", "oneOf") and isinstance(path[-2], int):
        around = node_at(data, path[:-3])
        parts = around.get(path[-3]) if isinstance(around, Mapping) else None
        if isinstance(parts, list) and len(parts) > 1:
            rest = [part for i, part in enumerate(parts) if i != path[-2]]
            said = f"alternative dropped, read as `nullable: true` on the {path[-3]}"
            return path[:-3], {**around, str(path[-3]): rest, "nullable": True}, said
    schema = node_at(data, path[:-1])
    if not isinstance(schema, Mapping):
        return None
    value = {**{k: v for k, v in schema.items() if k != "type"}, "nullable": True}
    return path[:-1], value, "read as `nullable: true` without `type`"
