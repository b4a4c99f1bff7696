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
    DEFAULT_STYLES,
    Alias,
    Body,
    Constant,
    Enum,
    HttpMethod,
    IndexedPairs,
    Pagination,
    Parameter,
    Pointer,
    Requirement,
    Style,
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
    cookie_params: tuple[Parameter, ...]
    body: Body | None
    response: Type
    response_status: int
    error_statuses: tuple[int, ...]
    pagination: Pagination | None
    accept: str
    runtime_models: frozenset[str]  # models the method body uses at run time
    security: tuple[Requirement, ...] | None = None

    @property
    def parameters(self) -> tuple[Parameter, ...]:
        return (*self.path_params, *self.query_params, *self.header_params, *self.cookie_params)

    @property
    def response_refs(self) -> frozenset[str]:
        return types.refs(self.response)

    @property
    def all_refs(self) -> frozenset[str]:
        """Every definition the operation's method names, in its signature or its body."""
        out = set(self.runtime_models) | types.refs(self.response)
        for p in self.parameters:
            out |= types.refs(p.type)
        if self.body:
            out |= {r for p in self.body.fields for r in types.refs(p.type)}
        if self.pagination:
            out |= types.refs(self.pagination.item_type)
        return frozenset(out)

    @property
    def argument_names(self) -> frozenset[str]:
        names = {p.name for p in self.parameters}
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
    # operation pointer → its own security requirements, when the client picks per call
    security: Mapping[Pointer, tuple[Requirement, ...]] = field(default_factory=dict)

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
        query = tuple(p for p in params if p.location == "query")
        headers = tuple(p for p in params if p.location == "header")
        cookies = tuple(p for p in params if p.location == "cookie")
        pagination = None
        if placed.pages_method is not None:
            arguments = [*query, *headers, *cookies, *(body.fields if body else ())]
            pagination = self._pagination(placed, arguments, response)
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
            path_params=_in_path_order(placed.path, [p for p in params if p.location == "path"]),
            query_params=query,
            header_params=headers,
            cookie_params=cookies,
            body=body,
            response=response,
            response_status=status,
            error_statuses=_error_statuses(op),
            pagination=pagination,
            accept=self._accept(op),
            runtime_models=_runtime_models(response, body),
            security=self.security.get(ptr),
        )

    # ------------------------------------------------------------------------------------ parameters

    def _merged_parameters(
        self, op: Mapping[str, Any], shared: list[Any], ptr: Pointer
    ) -> dict[tuple[str, str], tuple[Mapping[str, Any], Pointer]]:
        """Path-level parameters overridden by the operation's own, by (name, location)."""
        merged: dict[tuple[str, str], tuple[Mapping[str, Any], Pointer]] = {}
        for source, base in (
            (shared, (*ptr[:-1], "parameters")),
            (op.get("parameters") or [], (*ptr, "parameters")),
        ):
            for i, raw in enumerate(source):
                param, ref_ptr = self.deref(raw)
                if isinstance(param, Mapping):
                    key = (str(param.get("name")), str(param.get("in")))
                    merged[key] = (param, ref_ptr or (*base, i))
        return merged

    def _parameters(
        self,
        op: Mapping[str, Any],
        shared: list[Any],
        ptr: Pointer,
        scope: naming.Scope,
        client_attrs: Mapping[str, str],
    ) -> list[Parameter]:
        out = []
        for (wire, location), (param, p_ptr) in self._merged_parameters(op, shared, ptr).items():
            if location == "header" and wire.lower() in ("authorization", "content-type", "accept"):
                continue  # set by the client from security and body; not the caller's to pass
            out.append(self._parameter(op, wire, location, param, p_ptr, scope, client_attrs))
        return out

    def _parameter(
        self,
        op: Mapping[str, Any],
        wire: str,
        location: str,
        param: Mapping[str, Any],
        p_ptr: Pointer,
        scope: naming.Scope,
        client_attrs: Mapping[str, str],
    ) -> Parameter:
        schema, schema_ptr, style, explode = self._parameter_schema(param, location, p_ptr)
        context = naming.class_name(f"{op.get('operationId', '')}_{wire}")
        plain_type = self.schemas.type_of(schema, schema_ptr, context)
        if location != "path" and style != "json" and self._scalar(plain_type):
            style, explode = DEFAULT_STYLES[location]
        value_type = self._accept_literals(plain_type)
        attribute = self._client_default(param, wire, location, client_attrs)
        name = attribute or scope.claim(naming.argument(wire), wire)
        default = schema.get("default") if isinstance(schema, Mapping) else None
        return Parameter(
            name=name,
            wire_name=wire,
            location=cast(Any, location),
            type=value_type,
            required=bool(param.get("required")) or location == "path",
            description=str(param.get("description") or description_of(schema)).strip(),
            default_doc=json_text(default) if default is not None else None,
            style=style,
            explode=explode,
            client_attribute=attribute,
            example=_example_source(_param_example(param, schema)),
        )

    def _parameter_schema(
        self, param: Mapping[str, Any], location: str, p_ptr: Pointer
    ) -> tuple[Any, Pointer, Style, bool]:
        """(schema, its pointer, style, explode)."""
        content = param.get("content")
        if isinstance(content, Mapping) and content:
            # `content` instead of `schema`: the value is serialised as that media type (JSON).
            media_type, media = next(iter(content.items()))
            if "json" not in media_type:
                self.schemas.unsupported(
                    (*p_ptr, "content"), f"parameter content {media_type!r} is not supported"
                )
            schema = (media or {}).get("schema") or {}
            return schema, (*p_ptr, "content", media_type, "schema"), "json", False
        # The validator has checked that the style is one OpenAPI defines for the location.
        style = cast(Style, param.get("style", DEFAULT_STYLES[location][0]))
        # OpenAPI: explode defaults to true for form, false for every other style.
        explode = param.get("explode", style == "form")
        return param.get("schema") or {}, (*p_ptr, "schema"), style, bool(explode)

    def _scalar(self, t: Type, seen: frozenset[str] = frozenset()) -> bool:
        """Whether every value of `t` is a scalar, which every style of a query, header or cookie
        spells alike (an enum is a string; an alias is what it stands for)."""
        for part in types.members(without_none(t)):
            if isinstance(part, (types.Builtin, types.Qualified, types.LiteralOf)):
                continue
            if not isinstance(part, Ref) or part.name in seen:
                return False
            definition = self.schemas.definitions.get(part.name)
            if isinstance(definition, Enum):
                continue
            if not (
                isinstance(definition, Alias) and self._scalar(definition.type, seen | {part.name})
            ):
                return False
        return True

    def _client_default(
        self, param: Mapping[str, Any], wire: str, location: str, client_attrs: Mapping[str, str]
    ) -> str | None:
        """The client attribute filling this path parameter (x-sdk-client-default), if any."""
        client_default = param.get("x-sdk-client-default")
        if location != "path" or not isinstance(client_default, Mapping):
            return None
        wanted = naming.argument(str(client_default.get("argument") or wire))
        self.client_defaults.setdefault(
            wanted,
            (str(client_default.get("from-credential") or ""), str(param.get("description") or "")),
        )
        return client_attrs.get(wanted, wanted)

    # ------------------------------------------------------------------------------------------ body

    def _body_media(
        self, op: Mapping[str, Any], ptr: Pointer
    ) -> tuple[Mapping[str, Any], str, Any, Pointer] | None:
        """(the request body, its content type, the media object, its pointer), or None."""
        body, body_ptr = self.deref(op["requestBody"])
        body_ptr = body_ptr or (*ptr, "requestBody")
        content = (body or {}).get("content") or {}
        content_type = next((ct for ct in (_JSON, _FORM) if ct in content), None)
        content_type = content_type or next((ct for ct in content if ct.endswith("+json")), None)
        if content_type is None:
            self.schemas.unsupported(
                (*body_ptr, "content"),
                f"unsupported request content type(s) {sorted(content)}: JSON and form bodies are supported",
            )
            return None
        return body, content_type, content[content_type], (*body_ptr, "content", content_type)

    def _body(
        self, op: Mapping[str, Any], op_id: str, ptr: Pointer, scope: naming.Scope
    ) -> Body | None:
        found = self._body_media(op, ptr) if op.get("requestBody") is not None else None
        if found is None:
            return None
        body, content_type, media, media_ptr = found
        schema = media.get("schema") or {}
        required = bool(body.get("required"))
        body_type = self.schemas.type_of(
            schema, (*media_ptr, "schema"), f"{naming.pascal(op_id)}Request"
        )
        model = self.schemas.definitions.get(body_type.name) if isinstance(body_type, Ref) else None
        wire_type = cast(Any, _FORM if content_type == _FORM else _JSON)
        example = _media_example(media)
        pairs_spec = _indexed_pairs(self.deref(schema)[0])
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
            pairs = _claim_pairs(pairs_spec, scope)
            return Body(wire_type, required, None, (argument,), body_type, pairs)
        fields, constants = self._body_fields(model, example, scope)
        pairs = _claim_pairs(pairs_spec, scope)
        return Body(wire_type, required, model.name, fields, None, pairs, constants)

    def _body_fields(
        self, model: ModelDraft, example: Any, scope: naming.Scope
    ) -> tuple[tuple[Parameter, ...], tuple[Constant, ...]]:
        """The request model's fields as keyword arguments; single-valued required ones are sent
        as constants instead."""
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
        return tuple(fields), tuple(constants)

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

    def _count_error_models(self, responses: Mapping[str, Any]) -> None:
        """Tally the schemas of 4xx/5xx answers: the most used one becomes the client's error model."""
        for code in sorted(c for c in responses if c.isdigit() and 400 <= int(c) < 600):
            resolved, _ = self.deref(responses[code])
            schema = ((resolved or {}).get("content") or {}).get(_JSON, {}).get("schema")
            if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
                name = self.schemas.names.get(schema["$ref"])
                if name:
                    self.error_refs[name] = self.error_refs.get(name, 0) + 1

    def _response(self, op: Mapping[str, Any], op_id: str, ptr: Pointer) -> tuple[int, Type]:
        responses = op.get("responses") or {}
        self._count_error_models(responses)
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


def _in_path_order(path: str, params: list[Parameter]) -> tuple[Parameter, ...]:
    in_path = [seg[1:-1] for seg in path.split("/") if seg.startswith("{") and seg.endswith("}")]
    return tuple(
        sorted(
            params,
            key=lambda p: in_path.index(p.wire_name) if p.wire_name in in_path else len(in_path),
        )
    )


def _error_statuses(op: Mapping[str, Any]) -> tuple[int, ...]:
    return tuple(sorted(int(c) for c in op.get("responses", {}) if c.isdigit() and int(c) >= 400))


def _runtime_models(response: Type, body: Body | None) -> frozenset[str]:
    """The models a method body names at run time: the response type's and the body's."""
    runtime = set(types.refs(response))
    if body and body.model:
        runtime.add(body.model)
    elif body and body.body_type:
        runtime |= types.refs(body.body_type)
    return frozenset(runtime)


def _claim_pairs(
    spec: tuple[str, Type, str, str, int, str] | None, scope: naming.Scope
) -> IndexedPairs | None:
    if spec is None:
        return None
    return IndexedPairs(scope.claim(naming.argument(spec[0])), *spec[1:])


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
