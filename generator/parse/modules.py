"""Lay definitions and resources out in modules, and compute each module's imports.

Models are grouped by strongly connected component of the reference graph: mutually recursive models
share a module, every other model has its own, and a module imports only what its models use. So
importing one model loads its dependency closure and nothing else (the package imports lazily).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

from generator import naming
from generator.escape import py_literal
from generator.ir import (
    Alias,
    Definition,
    Enum,
    Model,
    ModelModule,
    Operation,
    Parameter,
    Resource,
    ResourceModule,
    TypeExpr,
)
from generator.limits import fit_file_name


def _references(definition: Definition) -> frozenset[str]:
    return frozenset().union(*(t.models for t in _types_of(definition)))


def _components(graph: Mapping[str, frozenset[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively, in a deterministic order."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    result: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in graph:
                    continue
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(sorted(component))
    return result


def reachable(graph: Mapping[str, frozenset[str]], roots: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    todo = [r for r in roots if r in graph]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(r for r in graph[name] if r in graph)
    return seen


def finalize_fields(model: Model, constrained: bool) -> Model:
    """Decide each field's `= …` part; spec constraints only on request-side models (a server answer
    that breaks a documented pattern should still reach the caller)."""
    fields = []
    for f in model.fields:
        kwargs = [] if f.required else ["default=None"]
        if f.wire_name != f.name:
            kwargs.append(f"alias={py_literal(f.wire_name)}")
        if constrained:
            kwargs.extend(f"{key}={py_literal(value)}" for key, value in f.constraints)
        if kwargs == ["default=None"]:
            assignment = " = None"
        elif kwargs:
            assignment = f" = Field({', '.join(kwargs)})"
        else:
            assignment = ""
        fields.append(replace(f, assignment=assignment))
    # Request side: an optional field may be absent, but an explicit null the spec forbids is refused
    # (the runtime's ApiModel checks these wire names before validation). Answers stay tolerant.
    non_nullable = tuple(
        f.wire_name for f in model.fields if constrained and not f.required and not f.nullable
    )
    return replace(model, fields=tuple(fields), non_nullable=non_nullable)


def model_modules(
    definitions: Mapping[str, Definition], response_roots: Iterable[str]
) -> tuple[tuple[ModelModule, ...], dict[str, str]]:
    graph = {name: _references(d) for name, d in definitions.items()}
    answered = reachable(graph, response_roots)
    where: dict[str, str] = {}
    groups = _components(graph)
    scope = naming.Scope()
    for group in groups:
        # A file name has a length limit that a schema name has not (see generator/limits.py).
        module = scope.claim(fit_file_name("_" + naming.snake(group[0])))
        for name in group:
            where[name] = module
    modules = []
    for group in groups:
        module = where[group[0]]
        members = []
        for name in definition_order(group, definitions, graph):
            d = definitions[name]
            members.append(finalize_fields(d, name not in answered) if isinstance(d, Model) else d)
        imports: set[str] = set()
        for d in members:
            for t in _types_of(d):
                imports |= t.stdlib
                imports |= {
                    f"from .{where[m]} import {m}" for m in t.models if where.get(m) != module
                }
            if isinstance(d, Model):
                imports.add("from .._runtime._models import ApiModel")
                if d.non_nullable:
                    imports.add("from typing import ClassVar")
                if any("Field(" in f.assignment for f in d.fields):
                    imports.add("from pydantic import Field")
            elif isinstance(d, Enum):
                imports.add("from .._runtime._models import OpenEnum")
            else:
                imports.add("from typing import TypeAlias")
        recursive = [n for n in group if len(group) > 1 or n in graph[n]]
        rebuild = tuple(n for n in recursive if isinstance(definitions[n], Model))
        modules.append(
            ModelModule(module, tuple(members), tuple(sort_imports(imports | {_FUTURE})), rebuild)
        )
    modules.sort(key=lambda m: m.module)
    return tuple(modules), where


def definition_order(
    group: list[str], definitions: Mapping[str, Definition], graph: Mapping[str, frozenset[str]]
) -> list[str]:
    """The order definitions of one module are written in. A type alias is evaluated when its
    module runs (classes' annotations are not), so aliases come after the classes and enums, each
    after the aliases it uses. Aliases that use each other in a cycle cannot be written at all:
    `alias_cycles` reports them before this runs."""
    aliases = [n for n in group if isinstance(definitions[n], Alias)]
    ordered = [n for n in group if n not in aliases]
    done: set[str] = set()

    def visit(name: str, path: set[str]) -> None:
        if name in done or name in path:
            return
        path.add(name)
        for used in sorted(graph.get(name, ())):
            if used in aliases:
                visit(used, path)
        done.add(name)
        ordered.append(name)

    for name in aliases:
        visit(name, set())
    return ordered


def alias_cycles(definitions: Mapping[str, Definition]) -> list[list[str]]:
    """Type aliases that use each other (or themselves) with no class in between: `A = list[A]`.
    Python evaluates an alias at once, so such a type cannot be generated."""
    graph = {
        name: frozenset(m for m in _references(d) if isinstance(definitions.get(m), Alias))
        for name, d in definitions.items()
        if isinstance(d, Alias)
    }
    return [group for group in _components(graph) if len(group) > 1 or group[0] in graph[group[0]]]


def _types_of(d: Definition) -> list[TypeExpr]:
    if isinstance(d, Model):
        return [f.type for f in d.fields] + ([d.extra_values] if d.extra_values else [])
    if isinstance(d, Alias):
        return [d.type]
    return []


def sort_imports(lines: Iterable[str]) -> list[str]:
    """isort's layout: __future__, stdlib, third party, relative; a blank line ("") between groups;
    in a group `import x` lines before `from x import …`, each by module name."""

    def key(line: str) -> tuple[int, int, str]:
        module = line.split()[1]
        group = (
            0
            if module == "__future__"
            else 3
            if module.startswith(".")
            else 2
            if module.split(".")[0] in _THIRD_PARTY
            else 1
        )
        dots = len(module) - len(module.lstrip("."))
        return (
            group,
            (-dots if group == 3 else 0) * 2 + (0 if line.startswith("import ") else 1),
            module.lstrip("."),
        )

    out: list[str] = []
    previous = None
    for line in sorted(_merge_from_imports(lines), key=key):
        group = key(line)[0]
        if previous is not None and group != previous:
            out.append("")
        out.append(line)
        previous = group
    return out


_THIRD_PARTY = frozenset({"httpx", "pydantic"})
_FUTURE = "from __future__ import annotations"


_BUILTIN_TYPES = ("list", "dict", "str", "int", "float", "bool", "bytes", "set", "tuple", "type")


def _qualify(annotation: str, shadowed: frozenset[str]) -> str:
    """`list[X]` → `builtins.list[X]` where a method of the same name would shadow the builtin in
    the class body (a resource with a `list()` method annotating `-> list[Call]`)."""
    pattern = r"(?<![\w.])(" + "|".join(sorted(shadowed)) + r")(?![\w])"
    return re.sub(pattern, r"builtins.\1", annotation)


def _qualify_resource(resource: Resource, shadowed: frozenset[str]) -> Resource:
    def fix_param(p: Parameter) -> Parameter:
        t = TypeExpr(_qualify(p.type.annotation, shadowed), p.type.stdlib, p.type.models)
        return replace(p, type=t, signature=_qualify(p.signature, shadowed))

    ops = []
    for op in resource.operations:
        response = TypeExpr(
            _qualify(op.response.annotation, shadowed), op.response.stdlib, op.response.models
        )
        body = op.body and replace(op.body, fields=tuple(fix_param(p) for p in op.body.fields))
        ops.append(
            replace(
                op,
                response=response,
                body=body,
                path_params=tuple(fix_param(p) for p in op.path_params),
                query_params=tuple(fix_param(p) for p in op.query_params),
                header_params=tuple(fix_param(p) for p in op.header_params),
            )
        )
    children = tuple(_qualify_resource(c, shadowed) for c in resource.children)
    return replace(resource, operations=tuple(ops), children=children)


def _walk(resource: Resource) -> Iterator[Resource]:
    yield resource
    for child in resource.children:
        yield from _walk(child)


def resource_module(root: Resource, where: Mapping[str, str]) -> ResourceModule:
    """Imports of a resource module. Models are imported lazily: annotations see them under
    TYPE_CHECKING, and each method imports the few it needs at run time on its first call, so
    reaching `client.calls` does not build the hundreds of models its operations use."""
    imports = {
        _FUTURE,
        "from typing import TYPE_CHECKING",
        "from .._runtime import ApiResponse, RequestOptions, RequestSpec",
        "from .._runtime import build_path",
    }
    type_imports: set[str] = set()
    methods = {op.method_name for r in _walk(root) for op in r.operations}
    shadowed = frozenset(methods & set(_BUILTIN_TYPES))
    if shadowed:
        qualified = _qualify_resource(root, shadowed)
        if qualified != root:
            root = qualified
            imports.add("import builtins")
    for resource in _walk(root):
        for op in resource.operations:
            if any(not p.required for p in op.arguments) or (op.body and op.body.pairs):
                imports.add("from .._runtime import NOT_GIVEN, NotGiven")
            for t in _operation_types(op):
                imports |= t.stdlib
                type_imports |= {f"from ..models.{where[m]} import {m}" for m in t.models}
            if op.pagination:
                imports.add("from .._runtime import NOT_GIVEN, AsyncPager, Cursor, SyncPager")
                imports.add("from collections.abc import AsyncIterator, Iterator")
                imports.add("from typing import Literal")
            if op.query_params or op.header_params:
                imports.add("from .._runtime._request import encode_params")
            if op.body:
                imports.add(
                    "from .._runtime._request import validate_body"
                    if op.body.model
                    else "from .._runtime._request import validate_any"
                )
                if op.body.content_type == "application/x-www-form-urlencoded":
                    imports.add("from .._runtime._request import form_fields")
                if op.body.pairs:
                    imports.add("from .._runtime._request import indexed_pairs")
                    imports.add("from collections.abc import Mapping")
    root = _with_runtime_imports(root, where)
    return ResourceModule(
        fit_file_name(root.attribute),  # the attribute may be longer than a file name can be
        root,
        tuple(sort_imports(imports)),
        tuple(sort_imports(type_imports)),
    )


def _with_runtime_imports(resource: Resource, where: Mapping[str, str]) -> Resource:
    ops = []
    for op in resource.operations:
        needed = set(op.response.models)
        if op.body and op.body.model:
            needed.add(op.body.model)
        elif op.body and op.body.body_type:
            needed |= op.body.body_type.models
        lines = tuple(sort_imports(f"from ..models.{where[m]} import {m}" for m in needed))
        ops.append(replace(op, runtime_imports=lines))
    children = tuple(_with_runtime_imports(c, where) for c in resource.children)
    return replace(resource, operations=tuple(ops), children=children)


def _operation_types(op: Operation) -> list[TypeExpr]:
    types = [op.response, *(p.type for p in op.path_params + op.query_params + op.header_params)]
    if op.body:
        types.extend(p.type for p in op.body.fields)
    if op.pagination:
        types.append(op.pagination.item_type)
    return types


def isort_names(names: Iterable[str]) -> list[str]:
    """Names in isort's order-by-type: CONSTANTS, then Classes, then functions."""
    return sorted(set(names), key=lambda n: (not n.isupper(), not n[:1].isupper(), n))


def _merge_from_imports(lines: Iterable[str]) -> set[str]:
    """`from m import a` + `from m import b` → `from m import a, b` (sorted names)."""
    plain: set[str] = set()
    grouped: dict[str, set[str]] = {}
    for line in lines:
        if line.startswith("from "):
            module, _, names = line[5:].partition(" import ")
            grouped.setdefault(module, set()).update(n.strip() for n in names.split(","))
        else:
            plain.add(line)
    for module, imported in grouped.items():
        plain.add(f"from {module} import {', '.join(isort_names(imported))}")
    return plain
