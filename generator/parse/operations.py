"""One operation of the spec → an `OperationDraft`: its arguments, body, response and pager.

Arguments: path parameters positional in path order, then keyword-only query, header and body fields,
required before optional. Every argument name is claimed in the method's own scope
(`naming.method_parameters`), which already holds what the generated method itself uses. Optional
arguments default to NOT_GIVEN, so only what the caller passed is sent; `None` is sent as null where the
spec allows null. The draft becomes an `Operation` once the model modules are laid out (its method
body imports the models it needs from them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from generator import naming, types
from generator.escape import py_literal
from generator.ir import (
    Body,
    Constant,
    Enum,
    HttpMethod,
    IndexedPairs,
    Pagination,
    Parameter,
    Pointer,
)
from generator.parse.resources import Placement
from generator.parse.schemas import ModelDraft, SchemaTranslator, description_of, json_text
from generator.types import NONE, ListOf, MapOf, Ref, Type, union, without_none

_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"
PAIRS_TYPE = MapOf(types.STR, abstract=True)


@dataclass(frozen=True, slots=True)
class OperationDraft:
    """Everything an `Operation` holds but the import lines of its method body."""

    operation_id: str
    pointer: Pointer
    method_name: str
    http_method: HttpMethod
    path: str
    summary: str
    description: str
    deprecated: bool
    idempotent: bool
    path_params: tuple[Parameter, ...]
    query_params: tuple[Parameter, ...]
    header_params: tuple[Parameter, ...]
    body: Body | None
    response: Type
    response_status: int
    error_statuses: tuple[int, ...]
    pagination: Pagination | None
    accept: str
    runtime_models: frozenset[str]  # models the method body uses at run time

    @property
    def response_refs(self) -> frozenset[str]:
        return types.refs(self.response)

    @property
    def all_refs(self) -> frozenset[str]:
        """Every definition the operation's method names, in its signature or its body."""
        out = set(self.runtime_models) | types.refs(self.response)
        for p in (*self.path_params, *self.query_params, *self.header_params):
            out |= types.refs(p.type)
        if self.body:
            out |= {r for p in self.body.fields for r in types.refs(p.type)}
        if self.pagination:
            out |= types.refs(self.pagination.item_type)
        return frozenset(out)

    @property
    def argument_names(self) -> frozenset[str]:
        names = {p.name for p in (*self.path_params, *self.query_params, *self.header_params)}
        if self.body:
            names |= {p.name for p in self.body.fields}
            if self.body.pairs:
                names.add(self.body.pairs.argument)
        return frozenset(names)


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

    def operation(self, placed: Placement, client_attrs: Mapping[str, str]) -> OperationDraft:
        op, ptr, op_id = placed.raw, placed.pointer, placed.operation_id
        scope = naming.method_parameters(paginated=placed.pages_method is not None)
        # The body first: a non-object body is the generator's own `body` argument, which a query
        # parameter of that name must not take.
        body = self._body(op, op_id, ptr, scope)
        params = self._parameters(op, placed.shared, ptr, scope, client_attrs)
        self.schemas.notes.extend(
            f"{op_id}: argument {old!r} is {new!r} in Python" for old, new in scope.renames
        )
        status, response = self._response(op, op_id, ptr)
        errors = tuple(
            sorted(int(c) for c in op.get("responses", {}) if c.isdigit() and int(c) >= 400)
        )
        in_path = [
            seg[1:-1] for seg in placed.path.split("/") if seg.startswith("{") and seg.endswith("}")
        ]
        path_params = sorted(
            (p for p in params if p.location == "path"),
            key=lambda p: in_path.index(p.wire_name) if p.wire_name in in_path else len(in_path),
        )
        query = tuple(p for p in params if p.location == "query")
        headers = tuple(p for p in params if p.location == "header")
        pagination = None
        if placed.pages_method is not None and placed.all_method is not None:
            arguments = [*query, *headers, *(body.fields if body else ())]
            pagination = self._pagination(placed, arguments, response)
        runtime = set(types.refs(response))
        if body and body.model:
            runtime.add(body.model)
        elif body and body.body_type:
            runtime |= types.refs(body.body_type)
        return OperationDraft(
            operation_id=op_id,
            pointer=ptr,
            method_name=placed.method_name,
            http_method=placed.http_method,
            path=placed.path,
            summary=str(op.get("summary") or "").strip(),
            description=str(op.get("description") or "").strip(),
            deprecated=bool(op.get("deprecated")),
            idempotent=placed.http_method in _IDEMPOTENT or bool(op.get("x-sdk-idempotent")),
            path_params=tuple(path_params),
            query_params=query,
            header_params=headers,
            body=body,
            response=response,
            response_status=status,
            error_statuses=errors,
            pagination=pagination,
            accept=self._accept(op),
            runtime_models=frozenset(runtime),
        )

    # ------------------------------------------------------------------------------------ parameters

    def _parameters(
        self,
        op: Mapping[str, Any],
        shared: list[Any],
        ptr: Pointer,
        scope: naming.Scope,
        client_attrs: Mapping[str, str],
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
                self.schemas.unsupported(p_ptr, "cookie parameters are not supported")
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
                    self.schemas.unsupported(
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
                wanted = naming.argument(str(client_default.get("argument") or wire))
                attribute = client_attrs.get(wanted, wanted)
                self.client_defaults.setdefault(
                    wanted,
                    (
                        str(client_default.get("from-credential") or ""),
                        str(param.get("description") or ""),
                    ),
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
                self.schemas.unsupported(
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
        model = self.schemas.definitions.get(body_type.name) if isinstance(body_type, Ref) else None
        pairs_spec = _indexed_pairs(resolved)
        wire_type = _JSON if content_type not in (_FORM,) else _FORM
        example = _media_example(content[content_type])
        if not isinstance(model, ModelDraft):
            argument = Parameter(
                scope.claim("body"),
                "",
                "body",
                body_type,
                required,
                "The request body.",
                None,
                example=_example_source(example),
            )
            pairs = None
            if pairs_spec is not None:
                pairs = IndexedPairs(scope.claim(naming.argument(pairs_spec[0])), *pairs_spec[1:])
            return Body(cast(Any, wire_type), required, None, (argument,), body_type, pairs)
        field_examples = example if isinstance(example, Mapping) else {}
        fields, constants = [], []
        for f in model.fields:
            only = self._single_value(f.type)
            if f.required and only is not None:
                constants.append(Constant(f.wire_name, only))
                continue
            name = scope.claim(naming.argument(f.wire_name), f.wire_name)
            value_type = f.type if f.nullable else without_none(f.type)
            fields.append(
                Parameter(
                    name,
                    f.wire_name,
                    "body",
                    self._accept_literals(value_type),
                    f.required,
                    f.description,
                    f.default_doc,
                    example=_example_source(field_examples[f.wire_name])
                    if f.wire_name in field_examples
                    else None,
                )
            )
        pairs = None
        if pairs_spec is not None:
            pairs = IndexedPairs(scope.claim(naming.argument(pairs_spec[0])), *pairs_spec[1:])
        return Body(
            cast(Any, wire_type), required, model.name, tuple(fields), None, pairs, tuple(constants)
        )

    def _single_value(self, t: Type) -> str | int | None:
        enum = self.schemas.definitions.get(t.name) if isinstance(t, Ref) else None
        if isinstance(enum, Enum) and len(enum.members) == 1:
            return enum.members[0].value
        return None

    def _accept_literals(self, t: Type) -> Type:
        """An enum argument also takes its values as plain strings, typed as a Literal: callers write
        track="both_tracks" without importing the enum, and type checkers still catch typos."""
        out: list[Type] = []
        for part in types.members(t):
            out.append(part)
            enum = self.schemas.definitions.get(part.name) if isinstance(part, Ref) else None
            if isinstance(enum, Enum):
                out.append(Ref(enum.literal))
        return union(out)

    # -------------------------------------------------------------------------------------- response

    def _accept(self, op: Mapping[str, Any]) -> str:
        """Media types of the 2xx responses, JSON first; JSON when none is documented."""
        media: list[str] = []
        for code, response in sorted((op.get("responses") or {}).items()):
            if code.startswith("2"):
                resolved, _ = self.deref(response)
                media.extend(t for t in ((resolved or {}).get("content") or {}) if t not in media)
        media.sort(key=lambda t: "json" not in t)
        return ", ".join(media) or _JSON

    def _response(self, op: Mapping[str, Any], op_id: str, ptr: Pointer) -> tuple[int, Type]:
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
            return int(code), types.STR if is_text else types.BYTES
        if not media or "schema" not in media:
            return int(code), NONE
        r_ptr = r_ptr or (*ptr, "responses", code)
        context = f"{naming.pascal(op_id)}Response"
        return int(code), self.schemas.type_of(
            media["schema"], (*r_ptr, "content", _JSON, "schema"), context
        )

    # ------------------------------------------------------------------------------------ pagination

    def _pagination(
        self, placed: Placement, arguments: list[Parameter], response: Type
    ) -> Pagination | None:
        spec = placed.raw.get("x-pagination")
        spec = spec if isinstance(spec, Mapping) else {}
        next_field, prev_field = str(spec.get("next", "next")), str(spec.get("prev", "prev"))
        items = str(spec.get("items", ""))
        target = without_none(response)
        model = self.schemas.definitions.get(target.name) if isinstance(target, Ref) else None
        args = {p.wire_name: p.name for p in arguments}
        attrs = {f.wire_name: f for f in model.fields} if isinstance(model, ModelDraft) else {}
        missing = [n for n in (next_field, prev_field) if n not in args or n not in attrs]
        item_field = attrs.get(items)
        inner = without_none(item_field.type) if item_field else None
        if missing or item_field is None or not isinstance(inner, ListOf):
            self.schemas.problem(
                (*placed.pointer, "x-pagination"),
                f"x-pagination: the request must take {next_field!r} and {prev_field!r}, and the response "
                f"must have them and a list field {items!r}",
            )
            return None
        return Pagination(
            next_field,
            prev_field,
            args[next_field],
            args[prev_field],
            attrs[next_field].name,
            attrs[prev_field].name,
            item_field.name,
            inner.item,
            pages_method=str(placed.pages_method),
            all_method=str(placed.all_method),
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


def _indexed_pairs(schema: Any) -> tuple[str, Type, str, str, int, str] | None:
    """(argument wire name, type, name template, value template, max, description)."""
    spec = schema.get("x-sdk-indexed-pairs") if isinstance(schema, Mapping) else None
    if not isinstance(spec, Mapping):
        return None
    return (
        str(spec.get("argument") or "parameters"),
        PAIRS_TYPE,
        str(spec.get("name") or "Parameter{n}.Name"),
        str(spec.get("value") or "Parameter{n}.Value"),
        int(spec.get("max") or 99),
        str(spec.get("description") or "").strip(),
    )
