"""Where each operation goes: the tree of resources, their class and attribute names, method names.

An operation's place in the client comes from `x-sdk-name: calls.streams.create` (resource path, then
method); without it, from its first tag and its operationId. Names are claimed scope by scope before any
operation is parsed: top-level resources among the client's attributes, sub-resources and then methods
(and their pagers) among their resource's attributes, resource classes among the package's classes.
A collision renames the later name and reports it; two operations explicitly given one `x-sdk-name`
are a spec error, since the spec's author asked for both names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator import naming
from generator.ir import HttpMethod, Operation, Pointer, Resource
from generator.parse.schemas import SchemaTranslator

METHODS: tuple[HttpMethod, ...] = (
    "GET",
    "PUT",
    "POST",
    "DELETE",
    "OPTIONS",
    "HEAD",
    "PATCH",
    "TRACE",
)


@dataclass(frozen=True, slots=True)
class Placement:
    """An operation of the spec with its place in the client decided."""

    raw: Mapping[str, Any]
    path: str
    http_method: HttpMethod
    shared: list[Any]  # path-level parameters
    pointer: Pointer
    operation_id: str
    resource: tuple[str, ...]  # wire segments of the resource path (keys of the tree)
    method_name: str
    pages_method: str | None
    all_method: str | None
    # methods sending the body's other media types (`upload_binary`), one per group after the first
    variants: tuple[str, ...] = ()


@dataclass
class _Node:
    """One resource of the tree built from operation paths, before it becomes IR."""

    attribute: str
    class_name: str
    path: tuple[str, ...]  # Python attribute chain from the client
    scope: naming.Scope = field(default_factory=naming.resource_attributes)
    children: dict[str, _Node] = field(default_factory=dict)
    explicit: dict[str, str] = field(default_factory=dict)  # x-sdk-name method → operationId


def _raw_operations(
    translator: SchemaTranslator, deref: Any
) -> Iterator[tuple[str, HttpMethod, Mapping[str, Any], list[Any], Pointer]]:
    for path, item in (translator.spec.data.get("paths") or {}).items():
        item, _ = deref(item)
        if not isinstance(item, Mapping):
            continue
        shared = item.get("parameters") or []
        for method in METHODS:
            op = item.get(method.lower())
            if isinstance(op, Mapping):
                yield path, method, op, shared, ("paths", path, method.lower())


def _wanted(
    translator: SchemaTranslator, op: Mapping[str, Any], op_id: str, ptr: Pointer
) -> tuple[tuple[str, ...], str, bool]:
    """(resource segments, method, explicitly named) as the spec asks for them."""
    sdk_name = op.get("x-sdk-name")
    if isinstance(sdk_name, str) and sdk_name.strip():
        parts = [p for p in sdk_name.strip().split(".") if p]
        if len(parts) >= 2:
            return tuple(parts[:-1]), parts[-1], True
        translator.problem(
            (*ptr, "x-sdk-name"), "x-sdk-name needs a resource and a method: 'calls.get'"
        )
    tags = op.get("tags") or ["default"]
    return (str(tags[0]),), op_id, False


class ResourceTree:
    """The client's resource tree, built in the order operations appear in the spec."""

    def __init__(self, translator: SchemaTranslator, client_attributes: naming.Scope) -> None:
        self.translator = translator
        self.client_attributes = client_attributes
        self.roots: dict[str, _Node] = {}
        self.operations: dict[tuple[str, ...], list[Operation]] = {}

    def _node(self, segments: tuple[str, ...]) -> _Node:
        nodes, parent = self.roots, None
        for depth, segment in enumerate(segments):
            node = nodes.get(segment)
            if node is None:
                scope = parent.scope if parent else self.client_attributes
                attribute = scope.claim(naming.method(segment), segment)
                path = (*(parent.path if parent else ()), attribute)
                class_name = self.translator.classes.claim_all(
                    "".join(naming.pascal(p) for p in path) + "Resource",
                    naming.resource_class_variants,
                    ".".join(segments[: depth + 1]),
                )
                node = nodes[segment] = _Node(attribute, class_name, path)
            parent, nodes = node, node.children
        assert parent is not None
        return parent

    def place(
        self,
        deref: Any,
        body_groups: Callable[[Mapping[str, Any]], Sequence[Sequence[tuple[str, str]]]],
    ) -> list[Placement]:
        """Every operation with an operationId, placed; resources first, then methods, so a
        sub-resource keeps its name when a method would take it."""
        wanted = []
        for path, method, op, shared, ptr in _raw_operations(self.translator, deref):
            op_id = op.get("operationId")
            if not isinstance(op_id, str) or not op_id:
                op_id = naming.method(f"{method} {path}")
                self.translator.warn(
                    ptr, f"operation has no operationId: named {op_id!r} from its method and path"
                )
            segments, name, explicit = _wanted(self.translator, op, op_id, ptr)
            self._node(segments)
            wanted.append((path, method, op, shared, ptr, op_id, segments, name, explicit))
        placed = []
        for path, method, op, shared, ptr, op_id, segments, name, explicit in wanted:
            node = self._node(segments)
            base = naming.method(name)
            if explicit and base in node.explicit:
                self.translator.problem(
                    ptr,
                    f"operations {node.explicit[base]!r} and {op_id!r} both become "
                    f"{'.'.join(node.path)}.{base}(): set x-sdk-name on one",
                )
                continue
            if explicit:
                node.explicit[base] = op_id
            method_name = node.scope.claim(base, op_id)
            pages = all_ = None
            if isinstance(op.get("x-pagination"), Mapping):
                pages = node.scope.claim(f"{method_name}_pages", op_id)
                all_ = node.scope.claim(f"{method_name}_all", op_id)
            variants = tuple(
                node.scope.claim(f"{method_name}_{group[0][1]}", op_id)
                for group in body_groups(op)[1:]
            )
            placed.append(
                Placement(
                    op,
                    path,
                    method,
                    shared,
                    ptr,
                    op_id,
                    segments,
                    method_name,
                    pages,
                    all_,
                    variants,
                )
            )
        for node in self._walk():
            self.translator.notes.extend(
                f"{'.'.join(node.path)}: {old!r} is {new!r} in Python"
                for old, new in node.scope.renames
            )
        self.translator.notes.extend(
            f"client: {old!r} is {new!r} in Python" for old, new in self.client_attributes.renames
        )
        return placed

    def _walk(self) -> Iterator[_Node]:
        todo = list(self.roots.values())
        while todo:
            node = todo.pop()
            yield node
            todo.extend(node.children.values())

    def build(
        self, operations: Mapping[tuple[str, ...], list[Operation]], descriptions: Mapping[str, str]
    ) -> list[Resource]:
        """The finished resources, top-level ones in first-appearance order."""

        def make(segments: tuple[str, ...], node: _Node) -> Resource:
            return Resource(
                attribute=node.attribute,
                class_name=node.class_name,
                path=node.path,
                description=descriptions.get(naming.method(segments[0]), "")
                if len(segments) == 1
                else "",
                operations=tuple(operations.get(segments, ())),
                children=tuple(
                    make((*segments, key), child) for key, child in node.children.items()
                ),
            )

        return [make((key,), node) for key, node in self.roots.items()]
