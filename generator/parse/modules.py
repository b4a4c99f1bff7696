"""Lay definitions and resources out in modules, and compute each module's imports.

Models are grouped by strongly connected component of the reference graph: mutually recursive models
share a module, every other model has its own, and a module imports only what its models use. So
importing one model loads its dependency closure and nothing else (the package imports lazily).
Imports are derived from the type trees a module uses (`generator.types.imports`), in the scope the
module binds (`shadowed`), never from annotation text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from generator import naming, types
from generator.escape import py_literal
from generator.ir import (
    Alias,
    Body,
    Definition,
    Enum,
    Model,
    ModelModule,
    Operation,
    ParamDict,
    Parameter,
    Resource,
    ResourceModule,
)
from generator.limits import fit_file_name
from generator.parse.operations import OperationDraft
from generator.parse.samples import Samples
from generator.parse.schemas import Draft, ModelDraft, freeze
from generator.types import Type


def _types_of(d: Draft | Definition) -> list[Type]:
    if isinstance(d, (Model, ModelDraft)):
        return [f.type for f in d.fields] + ([d.extra_values] if d.extra_values else [])
    if isinstance(d, Alias):
        return [d.type]
    return []


def references(definition: Draft) -> frozenset[str]:
    return frozenset().union(*(types.refs(t) for t in _types_of(definition)))


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


def _module_names(groups: list[list[str]], definitions: Mapping[str, Draft]) -> dict[str, str]:
    """Each definition's module (enums' literal aliases live beside their enum)."""
    where: dict[str, str] = {}
    files = naming.module_files()
    for group in groups:
        # A file name has a length limit that a schema name has not (see generator/limits.py).
        module = files.claim(fit_file_name("_" + naming.snake(group[0])))
        for name in group:
            where[name] = module
            definition = definitions[name]
            if isinstance(definition, Enum):
                where[definition.literal] = module
    return where


# What each kind of definition needs besides the types it uses.
_KIND_IMPORTS = {
    "model": {"from .._runtime._models import ApiModel"},
    "enum": {"from .._runtime._models import OpenEnum", "from typing import Literal, TypeAlias"},
    "alias": {"from typing import TypeAlias"},
}


def _module_imports(
    members: list[Definition],
    module: str,
    where: Mapping[str, str],
    shadowed: frozenset[str],
    deferred: frozenset[str],
) -> set[str]:
    imports: set[str] = {_FUTURE}
    for d in members:
        if d.name in deferred:
            imports.add("from typing_extensions import TypeAliasType")
        else:
            imports |= _KIND_IMPORTS[d.kind]
        # a model's extra values are kept untyped (the model base allows extras), so only what
        # its fields print is imported
        printed = [f.type for f in d.fields] if isinstance(d, Model) else _types_of(d)
        for t in printed:
            imports |= types.imports(t, shadowed)
            imports |= {f"from .{where[m]} import {m}" for m in types.refs(t) if where[m] != module}
        if isinstance(d, Model) and any(f.kwargs and not f.plain_default for f in d.fields):
            imports.add("from pydantic import Field")
    return imports


def _param_imports(
    params: tuple[ParamDict, ...], module: str, where: Mapping[str, str]
) -> set[str]:
    """What the TypedDict twins need; their annotations are written at module level (functional
    syntax) or in a class body that binds none of the names they use, so nothing is shadowed."""
    if not params:
        return set()
    imports = {"from typing import TypedDict"}
    for twin in params:
        if any(k.required for k in twin.keys):
            imports.add("from typing import Required")
        for key in twin.keys:
            imports |= types.imports(key.type)
            imports |= {
                f"from .{where[m]} import {m}" for m in types.refs(key.type) if where[m] != module
            }
    return imports


def model_modules(
    definitions: Mapping[str, Draft],
    response_roots: Iterable[str],
    params: Mapping[str, ParamDict] | None = None,
) -> tuple[tuple[ModelModule, ...], dict[str, str]]:
    """The model modules; `params` are the TypedDict twins by model, each written in its model's
    module (a recursive twin names itself, or its cycle's other twins, in the same module)."""
    params = params or {}
    graph = {name: references(d) for name, d in definitions.items()}
    answered = reachable(graph, response_roots)
    groups = _components(graph)
    where = _module_names(groups, definitions)
    where.update({twin.name: where[model] for model, twin in params.items()})
    modules = []
    for group in groups:
        module = where[group[0]]
        # Request-side models (not reachable from any answer) get the spec's constraints.
        members: list[Definition] = [
            freeze(d, name not in answered) if isinstance(d, ModelDraft) else d
            for name, d in (
                (n, definitions[n]) for n in definition_order(group, definitions, graph)
            )
        ]
        shadowed = frozenset(f.name for d in members if isinstance(d, Model) for f in d.fields)
        recursive = [n for n in group if len(group) > 1 or n in graph[n]]
        deferred = frozenset(n for n in recursive if isinstance(definitions[n], Alias))
        twins = tuple(params[d.name] for d in members if d.name in params)
        imports = _module_imports(members, module, where, shadowed, deferred)
        imports |= _param_imports(twins, module, where)
        modules.append(
            ModelModule(
                module,
                tuple(members),
                tuple(sort_imports(imports)),
                tuple(n for n in recursive if isinstance(definitions[n], ModelDraft)),
                shadowed,
                deferred,
                twins,
            )
        )
    modules.sort(key=lambda m: m.module)
    return tuple(modules), where


def definition_order(
    group: list[str], definitions: Mapping[str, Draft], graph: Mapping[str, frozenset[str]]
) -> list[str]:
    """The order definitions of one module are written in. A type alias is evaluated when its
    module runs (classes' annotations are not), so aliases come after the classes and enums, each
    after the aliases it uses (aliases in a cycle are deferred TypeAliasTypes, which may come in any
    order)."""
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


def sort_imports(lines: Iterable[str]) -> list[str]:
    """isort's layout: __future__, stdlib, third party, relative; a blank line ("") between groups;
    in a group `import x` lines before `from x import …`, each by module name."""

    def key(line: str) -> tuple[int, int, tuple[tuple[int, int | str], ...]]:
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
            natural(module.lstrip(".")),
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


_THIRD_PARTY = frozenset({"httpx", "pydantic", "typing_extensions"})
_FUTURE = "from __future__ import annotations"


def finish_operation(draft: OperationDraft, classes: frozenset[str], samples: Samples) -> Operation:
    """The operation, with the models its method body imports (from the lazy `models` package, on
    first call); `classes` are the definitions that are classes (models and enums), `samples`
    writes its README example's placeholders."""
    response = draft.response
    returns_class = isinstance(response, (types.Builtin, types.NoneType)) or (
        isinstance(response, types.Ref) and response.name in classes
    )
    return Operation(
        operation_id=draft.operation_id,
        pointer=draft.pointer,
        method_name=draft.method_name,
        http_method=draft.http_method,
        path=draft.path,
        summary=draft.summary,
        description=draft.description,
        deprecated=draft.deprecated,
        idempotent=draft.idempotent,
        path_params=draft.path_params,
        query_params=draft.query_params,
        header_params=draft.header_params,
        cookie_params=draft.cookie_params,
        body=draft.body,
        response=draft.response,
        response_status=draft.response_status,
        error_statuses=draft.error_statuses,
        pagination=draft.pagination,
        runtime_imports=tuple(isort_names(draft.runtime_models)),
        accept=draft.accept,
        returns_class=returns_class and not draft.by_status,
        example=example_arguments(draft, samples),
        by_status=draft.by_status,
        stream=draft.stream,
        security=draft.security,
    )


def _example_value(param: Parameter, samples: Samples) -> str:
    """The spec's example for an argument, else a placeholder of its type (generator/parse/samples.py)."""
    if param.example is not None:
        return param.example
    first = types.members(types.without_none(param.type))[0]
    files = ("BinaryContent", "FileInput")
    if isinstance(first, types.Imported) and first.name in files:
        return 'open("data.bin", "rb")'
    if isinstance(first, types.ListOf) and getattr(first.item, "name", None) in files:
        return '[open("data.bin", "rb")]'
    return samples.source(param)


def example_arguments(draft: OperationDraft, samples: Samples) -> tuple[tuple[str, str], ...]:
    """The arguments of the README's example call, as (name, Python source), name "" when
    positional: path values, required arguments and those the spec's own request example sets
    (cursor arguments are left to the pager)."""
    cursors = (draft.pagination.next_arg, draft.pagination.prev_arg) if draft.pagination else ()
    out = [
        ("", _example_value(p, samples)) for p in draft.path_params if p.client_attribute is None
    ]
    rest = [
        *draft.query_params,
        *draft.header_params,
        *draft.cookie_params,
        *(draft.body.fields if draft.body else ()),
    ]
    rest.sort(key=lambda p: not p.required)
    out += [
        (p.name, _example_value(p, samples))
        for p in rest
        if (p.required or p.example is not None) and p.name not in cursors
    ]
    if draft.body and draft.body.pairs:
        out.append((draft.body.pairs.argument, py_literal({"FirstName": "Ada"})))
    choice = draft.body.choice if draft.body else None
    if choice and choice.default is None:  # a range such as image/*: a type of that range
        major = choice.media_types[0].split("/")[0]
        out.append((choice.argument, py_literal(f"{major}/{_SUBTYPES.get(major, 'octet-stream')}")))
    return tuple(out)


_SUBTYPES = {"image": "png", "audio": "mpeg", "video": "mp4", "text": "plain"}


def _walk(resource: Resource) -> Iterator[Resource]:
    todo = [resource]
    while todo:
        node = todo.pop()
        yield node
        todo.extend(reversed(node.children))


def _bound_names(root: Resource) -> frozenset[str]:
    """Names the module's classes and methods bind: attributes, methods, pagers, parameters."""
    names: set[str] = {"with_raw_response"}
    for resource in _walk(root):
        names |= {child.attribute for child in resource.children}
        for op in resource.operations:
            names.add(op.method_name)
            if op.pagination:
                names |= {op.pagination.pages_method, op.pagination.all_method}
            names |= {p.name for p in (*op.positional, *op.arguments)}
            if op.body and op.body.pairs:
                names.add(op.body.pairs.argument)
            if op.body and op.body.choice:
                names.add(op.body.choice.argument)
    return frozenset(names)


def _operation_types(op: Operation) -> list[Type]:
    out = [op.response, *(p.declared for p in (*op.positional, *op.arguments))]
    out += [p.validated for p in op.path_params + op.arguments if p.validated]
    if op.body:
        if op.body.body_type is not None:
            out.append(op.body.body_type)
        if op.body.pairs:
            out.append(types.union([op.body.pairs.type, types.NOT_GIVEN]))
        if op.body.choice:
            out.append(op.body.choice.type)
    out += [t for _, t in op.by_status]
    if op.pagination:
        out.append(op.pagination.item_type)
    return out


def _body_imports(body: Body) -> set[str]:
    if body.sends in ("text", "binary"):
        return {f"from .._runtime._content import {body.sends}_content"}
    out = {
        "from .._runtime._request import validate_body"
        if body.model
        else "from .._runtime._request import validate_any"
    }
    if body.sends == "fields":
        out.add("from .._runtime._content import fields_content")
    if body.sends == "form":
        out.add("from .._runtime._request import form_fields")
    if body.pairs:
        out.add("from .._runtime._request import indexed_pairs")
    return out


def _answer_imports(op: Operation) -> set[str]:
    """What a method body names to read its answer: a stream class, or the types by status."""
    if op.stream == "bytes":
        return {"from .._runtime import AsyncBinaryStream, BinaryStream"}
    if op.stream == "events":
        return {"from .._runtime import AsyncEventStream, EventStream"}
    return {"from .._runtime import ByStatus"} if op.by_status else set()


def resource_module(module: str, root: Resource) -> ResourceModule:
    """Imports of a resource module. Models are imported lazily: annotations see them under
    TYPE_CHECKING, and each method imports the few it needs at run time on its first call, so
    reaching `client.calls` does not build the hundreds of models its operations use."""
    shadowed = _bound_names(root)
    imports = {
        _FUTURE,
        "from typing import TYPE_CHECKING",
        "from .._runtime import RequestOptions, RequestSpec",
        "from .._runtime import async_raw_response, raw_response",
    }
    type_imports: set[str] = set()  # names, imported from the lazy models package
    for resource in _walk(root):
        for op in resource.operations:
            if op.substitutes_path:
                imports.add("from .._runtime import build_path")
            if any(not p.required for p in op.arguments) or (op.body and op.body.pairs):
                imports.add("from .._runtime import NOT_GIVEN")
            for t in _operation_types(op):
                imports |= types.imports(t, shadowed)
                type_imports |= types.refs(t)
            if op.pagination:
                imports.add("from .._runtime import NOT_GIVEN, AsyncPager, Cursor, SyncPager")
                imports.add("from collections.abc import AsyncIterator, Iterator")
                imports.add("from typing import Literal")
            if any(p.validated for p in op.path_params + op.arguments):
                imports.add("from .._runtime._request import validate_value")
            for params, helper in (
                (op.query_params, "encode_query"),
                (op.header_params, "encode_headers"),
                (op.cookie_params, "encode_cookies"),
            ):
                if params:
                    imports.add(f"from .._runtime._request import {helper}")
            if op.body:
                imports |= _body_imports(op.body)
            imports |= _answer_imports(op)
    exports = isort_names(n for r in _walk(root) for n in (r.class_name, f"Async{r.class_name}"))
    return ResourceModule(
        module,
        root,
        tuple(sort_imports(imports)),
        (f"from ..models import {', '.join(isort_names(type_imports))}",) if type_imports else (),
        shadowed,
        tuple(exports),
    )


def natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """isort's (and ruff's) order: case-insensitive, numbers by value (`V2` before `V10`)."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"(\d+)", text.lower())
        if part
    )


def isort_key(name: str) -> tuple[bool, bool, tuple[tuple[int, int | str], ...], str]:
    """isort's order-by-type: CONSTANTS, then Classes, then functions."""
    return (not name.isupper(), not name[:1].isupper(), natural(name), name)


def isort_names(names: Iterable[str]) -> list[str]:
    """Names in isort's order-by-type: CONSTANTS, then Classes, then functions."""
    return sorted(set(names), key=isort_key)


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
