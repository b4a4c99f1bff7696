"""Paths and operations → `Operation`s grouped into a tree of `Resource`s.

An operation's place in the client comes from `x-sdk-name: calls.streams.create` (resource path, then
method); without it, from its first tag and its operationId. Arguments: path parameters positional in
path order, then keyword-only query, header and body fields, required before optional. Optional
arguments default to NOT_GIVEN, so only what the caller passed is sent; `None` is sent as null where the
spec allows null.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast

from generator import naming
from generator.escape import py_literal
from generator.ir import (
    Body,
    Constant,
    Enum,
    HttpMethod,
    IndexedPairs,
    Model,
    Operation,
    Pagination,
    Parameter,
    Resource,
    TypeExpr,
)
from generator.load import Pointer
from generator.parse.schemas import NONE, SchemaTranslator, description_of, json_text

_METHODS: tuple[HttpMethod, ...] = (
    "GET",
    "PUT",
    "POST",
    "DELETE",
    "OPTIONS",
    "HEAD",
    "PATCH",
    "TRACE",
)
_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"


@dataclass
class OperationParser:
    schemas: SchemaTranslator
    # client attribute → (the credential it defaults to, its description)
    client_defaults: dict[str, tuple[str, str]] = field(default_factory=dict)
    error_refs: dict[str, int] = field(default_factory=dict)  # error schema class → uses

    @property
    def spec(self) -> Any:
        return self.schemas.spec

    def deref(self, node: Any) -> tuple[Any, Pointer | None]:
        """Follow local `$ref`s of non-schema objects (parameters, bodies, responses)."""
        ptr: Pointer | None = None
        for _ in range(32):
            if not (isinstance(node, Mapping) and isinstance(node.get("$ref"), str)):
                return node, ptr
            found = self.spec.follow(node["$ref"])
            if found is None:
                return None, ptr
            node, ptr = found
        return None, ptr

    # ------------------------------------------------------------------------------------ operations

    def operations(self) -> list[tuple[tuple[str, ...], Operation]]:
        """Every operation with its resource path, in the spec's order."""
        found = []
        for path, item in (self.spec.data.get("paths") or {}).items():
            item, _ = self.deref(item)
            if not isinstance(item, Mapping):
                continue
            shared = item.get("parameters") or []
            for method in _METHODS:
                op = item.get(method.lower())
                if isinstance(op, Mapping):
                    ptr: Pointer = ("paths", path, method.lower())
                    parsed = self.operation(path, method, op, shared, ptr)
                    if parsed is not None:
                        found.append(parsed)
        return found

    def operation(
        self, path: str, method: HttpMethod, op: Mapping[str, Any], shared: list[Any], ptr: Pointer
    ) -> tuple[tuple[str, ...], Operation] | None:
        op_id = op.get("operationId")
        if not isinstance(op_id, str) or not op_id:
            self.schemas.problem(
                ptr, "operation has no operationId: the generator names methods from it"
            )
            return None
        resource, method_name = self._placement(op, op_id, ptr)
        scope = naming.Scope()
        params = self._parameters(op, shared, ptr, scope)
        body = self._body(op, op_id, ptr, scope)
        self.schemas.notes.extend(
            f"{op_id}: argument {old!r} is {new!r} in Python" for old, new in scope.renames
        )
        status, response = self._response(op, op_id, ptr)
        accept = self._accept(op)
        errors = tuple(
            sorted(int(c) for c in op.get("responses", {}) if c.isdigit() and int(c) >= 400)
        )
        in_path = [
            seg[1:-1] for seg in path.split("/") if seg.startswith("{") and seg.endswith("}")
        ]
        path_params = sorted(
            (p for p in params if p.location == "path"),
            key=lambda p: in_path.index(p.wire_name) if p.wire_name in in_path else len(in_path),
        )
        operation = Operation(
            operation_id=op_id,
            method_name=method_name,
            http_method=method,
            path=path,
            summary=str(op.get("summary") or "").strip(),
            description=str(op.get("description") or "").strip(),
            deprecated=bool(op.get("deprecated")),
            idempotent=method in _IDEMPOTENT or bool(op.get("x-sdk-idempotent")),
            path_params=tuple(path_params),
            query_params=tuple(p for p in params if p.location == "query"),
            header_params=tuple(p for p in params if p.location == "header"),
            body=body,
            response=response,
            response_status=status,
            error_statuses=errors,
            pagination=None,
            accept=accept,
        )
        pagination = op.get("x-pagination")
        if isinstance(pagination, Mapping):
            operation = _with_pagination(self, operation, pagination, ptr)
        return resource, operation

    def _placement(
        self, op: Mapping[str, Any], op_id: str, ptr: Pointer
    ) -> tuple[tuple[str, ...], str]:
        sdk_name = op.get("x-sdk-name")
        if isinstance(sdk_name, str) and sdk_name.strip():
            parts = [p for p in sdk_name.strip().split(".") if p]
            if len(parts) < 2:
                self.schemas.problem(
                    (*ptr, "x-sdk-name"), "x-sdk-name needs a resource and a method: 'calls.get'"
                )
            else:
                return tuple(naming.method(p) for p in parts[:-1]), naming.method(parts[-1])
        tags = op.get("tags") or ["default"]
        return (naming.method(str(tags[0])),), naming.method(op_id)

    # ------------------------------------------------------------------------------------ parameters

    def _parameters(
        self, op: Mapping[str, Any], shared: list[Any], ptr: Pointer, scope: naming.Scope
    ) -> list[Parameter]:
        merged: dict[tuple[str, str], tuple[Mapping[str, Any], Pointer]] = {}
        for source, base in (
            (shared, (*ptr[:-1], "parameters")),
            (op.get("parameters") or [], (*ptr, "parameters")),
        ):
            for i, raw in enumerate(source):
                param, ref_ptr = self.deref(raw)
                if isinstance(param, Mapping):
                    merged[(str(param.get("name")), str(param.get("in")))] = (
                        param,
                        ref_ptr or (*base, i),
                    )
        out = []
        for (wire, location), (param, p_ptr) in merged.items():
            if location == "cookie":
                self.schemas.problem(p_ptr, "cookie parameters are not supported")
                continue
            if location == "header" and wire.lower() in ("authorization", "content-type", "accept"):
                continue  # set by the client from security and body; not the caller's to pass
            schema = param.get("schema") or {}
            # OpenAPI defaults: query lists are form/exploded (repeated), header lists simple (commas).
            default_style = "form" if location == "query" else "simple"
            exploded = param.get("explode", param.get("style", default_style) == "form")
            encoding = "multi" if exploded else "csv"
            content = param.get("content")
            if isinstance(content, Mapping) and content:
                # `content` instead of `schema`: the value is serialised as that media type (JSON).
                media_type, media = next(iter(content.items()))
                if "json" not in media_type:
                    self.schemas.problem(
                        (*p_ptr, "content"), f"parameter content {media_type!r} is not supported"
                    )
                schema = (media or {}).get("schema") or {}
                encoding = "json"
            context = naming.class_name(f"{op.get('operationId', '')}_{wire}")
            value_type = self._accept_literals(
                self.schemas.type_of(schema, (*p_ptr, "schema"), context)
            )
            required = bool(param.get("required")) or location == "path"
            client_default = param.get("x-sdk-client-default")
            attribute = None
            if location == "path" and isinstance(client_default, Mapping):
                attribute = naming.argument(str(client_default.get("argument") or wire))
                self.client_defaults[attribute] = (
                    str(client_default.get("from-credential") or ""),
                    str(param.get("description") or ""),
                )
            name = attribute or scope.claim(naming.argument(wire), wire)
            default = schema.get("default") if isinstance(schema, Mapping) else None
            out.append(
                Parameter(
                    name=name,
                    wire_name=wire,
                    location=cast(Any, location),
                    type=value_type,
                    required=required,
                    description=str(param.get("description") or description_of(schema)).strip(),
                    default_doc=json_text(default) if default is not None else None,
                    signature=_signature(name, value_type, required),
                    encoding=cast(Any, encoding),
                    client_attribute=attribute,
                    example=_example_source(_param_example(param, schema)),
                )
            )
        return out

    # ------------------------------------------------------------------------------------------ body

    def _body(
        self, op: Mapping[str, Any], op_id: str, ptr: Pointer, scope: naming.Scope
    ) -> Body | None:
        raw = op.get("requestBody")
        if raw is None:
            return None
        body, body_ptr = self.deref(raw)
        body_ptr = body_ptr or (*ptr, "requestBody")
        content = (body or {}).get("content") or {}
        content_type = next((ct for ct in (_JSON, _FORM) if ct in content), None)
        if content_type is None:
            json_like = next((ct for ct in content if ct.endswith("+json")), None)
            if json_like is None:
                self.schemas.problem(
                    (*body_ptr, "content"),
                    f"unsupported request content type(s) {sorted(content)}: JSON and form bodies are supported",
                )
                return None
            content_type = json_like
        media_ptr: Pointer = (*body_ptr, "content", content_type)
        schema = content[content_type].get("schema") or {}
        required = bool(body.get("required"))
        context = f"{naming.pascal(op_id)}Request"
        body_type = self.schemas.type_of(schema, (*media_ptr, "schema"), context)
        resolved, _ = self.deref(schema)
        model = self.schemas.definitions.get(body_type.annotation)
        pairs = _indexed_pairs(resolved)
        wire_type = _JSON if content_type not in (_FORM,) else _FORM
        example = _media_example(content[content_type])
        if not isinstance(model, Model):
            name = scope.claim("body")
            argument = Parameter(
                name,
                "",
                "body",
                body_type,
                required,
                "The request body.",
                None,
                _signature(name, body_type, required),
                example=_example_source(example),
            )
            return Body(cast(Any, wire_type), required, None, (argument,), body_type, pairs)
        field_examples = example if isinstance(example, Mapping) else {}
        fields, constants = [], []
        for f in model.fields:
            only = self._single_value(f.type)
            if f.required and only is not None:
                constants.append(Constant(f.wire_name, only))
                continue
            name = scope.claim(naming.argument(f.wire_name), f.wire_name)
            value_type = f.type if f.nullable else _strip_optional(f.type)
            value_type = self._accept_literals(value_type)
            fields.append(
                Parameter(
                    name,
                    f.wire_name,
                    "body",
                    value_type,
                    f.required,
                    f.description,
                    f.default_doc,
                    _signature(name, value_type, f.required),
                    example=_example_source(field_examples[f.wire_name])
                    if f.wire_name in field_examples
                    else None,
                )
            )
        if pairs is not None:
            pairs = IndexedPairs(
                scope.claim(naming.argument(pairs.argument)),
                pairs.name_template,
                pairs.value_template,
                pairs.max,
                pairs.description,
            )
        return Body(
            cast(Any, wire_type), required, model.name, tuple(fields), None, pairs, tuple(constants)
        )

    def _single_value(self, t: TypeExpr) -> str | int | float | bool | None:
        enum = self.schemas.definitions.get(t.annotation)
        if isinstance(enum, Enum) and len(enum.members) == 1:
            return enum.members[0].value
        return None

    def _accept_literals(self, t: TypeExpr) -> TypeExpr:
        """An enum argument also takes its values as plain strings, typed as a Literal: callers write
        track="both_tracks" without importing the enum, and type checkers still catch typos."""
        parts = t.annotation.split(" | ")
        out = []
        literals = False
        for part in parts:
            out.append(part)
            enum = self.schemas.definitions.get(part)
            if isinstance(enum, Enum):
                out.append("Literal[" + ", ".join(py_literal(m.value) for m in enum.members) + "]")
                literals = True
            if part == "Timestamp":
                # A timestamp argument takes an epoch number too, sent unchanged (the runtime's
                # Timestamp accepts it); the model field stays `datetime` for whoever reads it.
                out.append("float | int")
        if len(out) == len(parts):
            return t
        literal = {"from typing import Literal"} if literals else set()
        return TypeExpr(" | ".join(out), t.stdlib | literal, t.models)

    # -------------------------------------------------------------------------------------- response

    def _accept(self, op: Mapping[str, Any]) -> str:
        """Media types of the 2xx responses, JSON first; JSON when none is documented."""
        types: list[str] = []
        for code, response in sorted((op.get("responses") or {}).items()):
            if code.startswith("2"):
                resolved, _ = self.deref(response)
                types.extend(t for t in ((resolved or {}).get("content") or {}) if t not in types)
        types.sort(key=lambda t: "json" not in t)
        return ", ".join(types) or _JSON

    def _response(self, op: Mapping[str, Any], op_id: str, ptr: Pointer) -> tuple[int, TypeExpr]:
        responses = op.get("responses") or {}
        for code in sorted(c for c in responses if c.isdigit() and 400 <= int(c) < 600):
            resolved, _ = self.deref(responses[code])
            schema = ((resolved or {}).get("content") or {}).get(_JSON, {}).get("schema")
            if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
                name = self.schemas.names.get(schema["$ref"])
                if name:
                    self.error_refs[name] = self.error_refs.get(name, 0) + 1
        success = sorted(c for c in responses if c.isdigit() and 200 <= int(c) < 300)
        if not success:
            return 200, NONE
        code = success[0]
        resolved, r_ptr = self.deref(responses[code])
        content = (resolved or {}).get("content") or {}
        media = content.get(_JSON) or next(
            (v for k, v in content.items() if k.endswith("+json")), None
        )
        if media is None and content:
            # Not JSON: text comes back as str, anything else (files, audio) as the raw bytes.
            is_text = any(k.startswith("text/") for k in content)
            return int(code), TypeExpr("str" if is_text else "bytes")
        if not media or "schema" not in media:
            return int(code), NONE
        r_ptr = r_ptr or (*ptr, "responses", code)
        context = f"{naming.pascal(op_id)}Response"
        return int(code), self.schemas.type_of(
            media["schema"], (*r_ptr, "content", _JSON, "schema"), context
        )


_NO_EXAMPLE = object()


def _first_example(node: Any) -> Any:
    """`example`, else the first of `examples` (a list in a schema, Example Objects elsewhere)."""
    if not isinstance(node, Mapping):
        return _NO_EXAMPLE
    if "example" in node:
        return node["example"]
    examples = node.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    if isinstance(examples, Mapping) and examples:
        first = next(iter(examples.values()))
        return first.get("value", _NO_EXAMPLE) if isinstance(first, Mapping) else _NO_EXAMPLE
    return _NO_EXAMPLE


def _param_example(param: Mapping[str, Any], schema: Any) -> Any:
    found = _first_example(param)
    if found is _NO_EXAMPLE:
        found = _first_example(schema)
    if found is _NO_EXAMPLE and isinstance(schema, Mapping) and schema.get("enum"):
        found = schema["enum"][0]
    return found


def _media_example(media: Any) -> Any:
    found = _first_example(media)
    if found is _NO_EXAMPLE and isinstance(media, Mapping):
        return _first_example(media.get("schema"))
    return found


def _example_source(value: Any) -> str | None:
    if value is _NO_EXAMPLE:
        return None
    try:
        return py_literal(value)
    except TypeError:
        return None


def _signature(name: str, value_type: TypeExpr, required: bool) -> str:
    if required:
        return f"{name}: {value_type.annotation}"
    return f"{name}: {value_type.annotation} | NotGiven = NOT_GIVEN"


def _strip_optional(t: TypeExpr) -> TypeExpr:
    if t.annotation.endswith(" | None"):
        return TypeExpr(t.annotation[: -len(" | None")], t.stdlib, t.models)
    return t


def _indexed_pairs(schema: Any) -> IndexedPairs | None:
    spec = schema.get("x-sdk-indexed-pairs") if isinstance(schema, Mapping) else None
    if not isinstance(spec, Mapping):
        return None
    return IndexedPairs(
        argument=str(spec.get("argument") or "parameters"),
        name_template=str(spec.get("name") or "Parameter{n}.Name"),
        value_template=str(spec.get("value") or "Parameter{n}.Value"),
        max=int(spec.get("max") or 99),
        description=str(spec.get("description") or "").strip(),
    )


def _with_pagination(
    parser: OperationParser, op: Operation, spec: Mapping[str, Any], ptr: Pointer
) -> Operation:
    next_field, prev_field = str(spec.get("next", "next")), str(spec.get("prev", "prev"))
    items = str(spec.get("items", ""))
    model = parser.schemas.definitions.get(_strip_optional(op.response).annotation)
    args = {p.wire_name: p.name for p in op.arguments}
    attrs = {f.wire_name: f for f in model.fields} if isinstance(model, Model) else {}
    missing = [name for name in (next_field, prev_field) if name not in args or name not in attrs]
    item_field = attrs.get(items)
    inner = _strip_optional(item_field.type) if item_field else None
    if (
        missing
        or inner is None
        or item_field is None
        or not (inner.annotation.startswith("list[") and inner.annotation.endswith("]"))
    ):
        parser.schemas.problem(
            (*ptr, "x-pagination"),
            f"x-pagination: the request must take {next_field!r} and {prev_field!r}, and the response "
            f"must have them and a list field {items!r}",
        )
        return op
    item_type = TypeExpr(inner.annotation[5:-1], inner.stdlib, inner.models)
    return replace(
        op,
        pagination=Pagination(
            next_field,
            prev_field,
            args[next_field],
            args[prev_field],
            attrs[next_field].name,
            attrs[prev_field].name,
            item_field.name,
            item_type,
            pages_method=f"{op.method_name}_pages",
            all_method=f"{op.method_name}_all",
        ),
    )


def build_resources(
    placed: list[tuple[tuple[str, ...], Operation]], descriptions: Mapping[str, str]
) -> list[Resource]:
    """Nest operations by resource path; top-level resources in first-appearance order."""
    tree: dict[tuple[str, ...], list[Operation]] = {}
    for path, op in placed:
        for depth in range(1, len(path) + 1):
            tree.setdefault(path[:depth], [])
        tree[path].append(op)

    def make(path: tuple[str, ...]) -> Resource:
        children = tuple(
            make(p) for p in tree if len(p) == len(path) + 1 and p[: len(path)] == path
        )
        class_name = "".join(naming.pascal(p) for p in path) + "Resource"
        return Resource(
            attribute=path[-1],
            class_name=class_name,
            path=path,
            description=descriptions.get(path[-1], "") if len(path) == 1 else "",
            operations=tuple(tree[path]),
            children=children,
        )

    return [make(p) for p in tree if len(p) == 1]
