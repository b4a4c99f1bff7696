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
from typing import Any, Literal, cast

from generator import naming, types
from generator.escape import py_literal
from generator.ir import (
    DEFAULT_STYLES,
    Alias,
    Body,
    BodyKind,
    Constant,
    ContentChoice,
    Enum,
    FilePart,
    HttpMethod,
    IndexedPairs,
    Pagination,
    Parameter,
    Pointer,
    Requirement,
    Style,
)
from generator.parse.media import body_groups
from generator.parse.resources import Placement
from generator.parse.schemas import ModelDraft, SchemaTranslator, description_of, json_text
from generator.types import NONE, Imported, ListOf, LiteralOf, MapOf, Ref, Type, union, without_none

_IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"})
_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"
_EVENTS = "text/event-stream"
PAIRS_TYPE = MapOf(types.STR, abstract=True)
Stream = Literal["bytes", "events"] | None
# What a binary body and a multipart file part accept (runtime aliases, see _runtime/_content.py).
BINARY_CONTENT = Imported(".._runtime", "BinaryContent")
FILE_INPUT = Imported(".._runtime", "FileInput")
_BINARY_DOC = "The request body: bytes, a binary file or an iterator of chunks (streamed)."


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
    by_status: tuple[tuple[int, Type], ...] = ()
    stream: Stream = None
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
    """Turns the spec's operations into IR operations, with what they share across the spec."""

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

    def operation(
        self, placed: Placement, client_attrs: Mapping[str, str], variant: int = 0
    ) -> OperationDraft:
        """The operation's method; `variant` n > 0 is its method for the n-th other group of body
        media types (`<method>_<kind>`, without pagers)."""
        op, ptr, op_id = placed.raw, placed.pointer, placed.operation_id
        pages = placed.pages_method if variant == 0 else None
        scope = naming.method_parameters(paginated=pages is not None)
        # The body first: a non-object body is the generator's own `body` argument, which a query
        # parameter of that name must not take.
        body = self._body(op, op_id, ptr, scope, variant)
        params = self._parameters(op, placed.shared, ptr, scope, client_attrs)
        self.schemas.notes.extend(
            f"{op_id}: argument {old!r} is {new!r} in Python" for old, new in scope.renames
        )
        status, response, by_status, stream = self._response(op, op_id, ptr, variant == 0)
        query = tuple(p for p in params if p.location == "query")
        headers = tuple(p for p in params if p.location == "header")
        cookies = tuple(p for p in params if p.location == "cookie")
        pagination = None
        if pages is not None:
            arguments = [*query, *headers, *cookies, *(body.fields if body else ())]
            pagination = self._pagination(placed, arguments, response)
        return OperationDraft(
            operation_id=op_id,
            pointer=ptr,
            method_name=placed.variants[variant - 1] if variant else placed.method_name,
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
            by_status=by_status,
            stream=stream,
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

    def body_groups(self, op: Mapping[str, Any]) -> list[list[tuple[str, BodyKind]]]:
        """The media types of the operation's body that one method each sends (see `media`)."""
        body, _ = self.deref(op.get("requestBody"))
        content = (body or {}).get("content") if isinstance(body, Mapping) else None
        if not isinstance(content, Mapping):
            return []
        return body_groups(content, self.deref, lambda media: bool(self._file_fields(media)))

    def _body_media(
        self, op: Mapping[str, Any], ptr: Pointer, group: int
    ) -> tuple[Mapping[str, Any], list[tuple[str, BodyKind]], Pointer] | None:
        """(the request body, the media types this method sends with their kind, its pointer)."""
        body, body_ptr = self.deref(op["requestBody"])
        body_ptr = body_ptr or (*ptr, "requestBody")
        content = (body or {}).get("content") or {}
        groups = self.body_groups(op)
        if not groups:
            self.schemas.unsupported(
                (*body_ptr, "content"),
                f"unsupported request content type(s) {sorted(content)}: JSON, form, multipart, "
                "text and binary bodies are supported",
            )
            return None
        return body, groups[group], body_ptr

    def _body(
        self, op: Mapping[str, Any], op_id: str, ptr: Pointer, scope: naming.Scope, group: int
    ) -> Body | None:
        found = self._body_media(op, ptr, group) if op.get("requestBody") is not None else None
        if found is None:
            return None
        body, kinds, body_ptr = found
        content = body.get("content") or {}
        content_type, kind = kinds[0]
        media = content[content_type]
        media_ptr = (*body_ptr, "content", content_type)
        schema = media.get("schema") or {}
        required = bool(body.get("required"))
        example = _media_example(media)
        if kind in ("text", "binary"):
            return _content_body(kind, kinds, required, example, scope)
        body_type = self.schemas.type_of(
            schema, (*media_ptr, "schema"), f"{naming.pascal(op_id)}Request"
        )
        model = self.schemas.definitions.get(body_type.name) if isinstance(body_type, Ref) else None
        pairs_spec = _indexed_pairs(self.deref(schema)[0])
        files = self._file_fields(media) if kind == "multipart" else {}
        encodings = _encodings(media)
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
            choice = self._choice(kinds, body_ptr, scope, pairs)
            return Body(
                content_type,
                required,
                None,
                (argument,),
                body_type,
                pairs,
                kind=kind,
                encodings=encodings,
                choice=choice,
            )
        fields, constants = self._body_fields(model, example, scope, files)
        pairs = _claim_pairs(pairs_spec, scope)
        choice = self._choice(kinds, body_ptr, scope, pairs)
        parts = tuple(FilePart(p.wire_name, p.name) for p in fields if p.wire_name in files)
        return Body(
            content_type,
            required,
            model.name,
            fields,
            None,
            pairs,
            constants,
            kind=kind,
            files=parts,
            encodings=encodings,
            choice=choice,
        )

    def _choice(
        self,
        kinds: list[tuple[str, BodyKind]],
        body_ptr: Pointer,
        scope: naming.Scope,
        pairs: IndexedPairs | None,
    ) -> ContentChoice | None:
        """The media types the same fields can be sent as (the caller picks one per call)."""
        same = [m for m, _ in kinds]
        if pairs is not None and len(same) > 1:
            for media_type in same[1:]:
                self.schemas.warn(
                    (*body_ptr, "content", media_type),
                    f"{media_type} is not sent: indexed pairs (x-sdk-indexed-pairs) are a form "
                    f"encoding, so the method sends {same[0]} only",
                )
            same = same[:1]
        return _content_choice(scope, same) if len(same) > 1 else None

    def _file_fields(self, media: Any) -> dict[str, bool]:
        """Multipart fields sent as files (wire name → a list of files): binary strings
        (`format: binary`, or 3.1's `contentMediaType`), or fields whose `encoding` is a binary
        media type."""
        schema, _ = self.deref((media or {}).get("schema"))
        encodings = dict(_encodings(media))
        out: dict[str, bool] = {}
        for name, prop in self._properties(schema).items():
            prop, _ = self.deref(prop)
            is_list = isinstance(prop, Mapping) and prop.get("type") == "array"
            item, _ = self.deref(prop.get("items")) if is_list else (prop, None)
            if _is_file(item, encodings.get(name)):
                out[name] = is_list
        return out

    def _properties(self, schema: Any, depth: int = 0) -> dict[str, Any]:
        if not isinstance(schema, Mapping) or depth > 8:
            return {}
        out: dict[str, Any] = {}
        for part in schema.get("allOf") or []:
            out.update(self._properties(self.deref(part)[0], depth + 1))
        props = schema.get("properties")
        out.update(props if isinstance(props, Mapping) else {})
        return out

    def _body_fields(
        self, model: ModelDraft, example: Any, scope: naming.Scope, files: Mapping[str, bool]
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
            if f.wire_name in files:
                value_type = ListOf(FILE_INPUT) if files[f.wire_name] else FILE_INPUT
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
            if part == types.TIMESTAMP:
                # A timestamp argument takes an epoch number too, sent unchanged (the runtime's
                # Timestamp accepts it); the model field stays a datetime for whoever reads it.
                out.extend((types.FLOAT, types.INT))
        return union(out)

    # -------------------------------------------------------------------------------------- response

    def _accept(self, op: Mapping[str, Any]) -> str:
        """Media types of the success responses, JSON first; JSON when none is documented."""
        media: list[str] = []
        responses = op.get("responses") or {}
        for code in _success_codes(responses):
            resolved, _ = self.deref(responses[code])
            media.extend(t for t in ((resolved or {}).get("content") or {}) if t not in media)
        media.sort(key=lambda t: "json" not in t)
        return ", ".join(media) or _JSON

    def _count_error_models(self, responses: Mapping[str, Any]) -> None:
        """Tally the schemas of 4xx/5xx answers (and of `default` when it is not the success
        answer): the most used one becomes the client's error model."""
        codes = sorted(c for c in responses if c.isdigit() and 400 <= int(c) < 600)
        codes += sorted(c for c in responses if c.upper() in ("4XX", "5XX"))
        if "default" in responses and _success_codes(responses) != ["default"]:
            codes.append("default")
        for code in codes:
            resolved, _ = self.deref(responses[code])
            schema = ((resolved or {}).get("content") or {}).get(_JSON, {}).get("schema")
            if isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str):
                name = self.schemas.names.get(schema["$ref"])
                if name:
                    self.error_refs[name] = self.error_refs.get(name, 0) + 1

    def _response(
        self, op: Mapping[str, Any], op_id: str, ptr: Pointer, count_errors: bool = True
    ) -> tuple[int, Type, tuple[tuple[int, Type], ...], Stream]:
        """(status, type, the types by status when they differ, stream kind) of the answer: the 2xx
        responses, else `2XX`, else `default`."""
        responses = op.get("responses") or {}
        if count_errors:  # once per operation, however many methods it has
            self._count_error_models(responses)
        codes = _success_codes(responses)
        if not codes:
            return 200, NONE, (), None
        answers = []
        for i, code in enumerate(codes):
            # Inline schemas keep the name of old for the first status; the others are numbered.
            context = f"{naming.pascal(op_id)}Response" + ("" if i == 0 else code)
            answers.append((code, *self._one_response(responses[code], code, ptr, context)))
        status = int(codes[0]) if codes[0].isdigit() else 200
        first, stream = answers[0][1], answers[0][2]
        if stream is not None or len({t for _, t, _ in answers}) == 1:
            return status, first, (), stream
        by_status = tuple((int(c), t) for c, t, _ in answers if c.isdigit())
        return status, union([t for _, t, _ in answers]), by_status, None

    def _one_response(
        self, response: Any, code: str, ptr: Pointer, context: str
    ) -> tuple[Type, Stream]:
        resolved, r_ptr = self.deref(response)
        r_ptr = r_ptr or (*ptr, "responses", code)
        content = (resolved or {}).get("content") or {}
        json_type: str | None = _JSON if _JSON in content else None
        json_type = json_type or next((str(k) for k in content if k.endswith("+json")), None)
        if json_type is None:
            return self._not_json(content, r_ptr, context)
        media = content.get(json_type)
        if not media or "schema" not in media:
            return NONE, None
        return self.schemas.type_of(
            media["schema"], (*r_ptr, "content", json_type, "schema"), context
        ), None

    def _not_json(self, content: Any, r_ptr: Pointer, context: str) -> tuple[Type, Stream]:
        """An answer without a JSON media type: events, text (str) or anything else (files, audio)
        as a binary stream; nothing at all without content."""
        if _EVENTS in content:
            # Each event's data: text, unless the schema says it is JSON (an object, a union...).
            schema = (content[_EVENTS] or {}).get("schema")
            resolved_schema, _ = self.deref(schema)
            if not resolved_schema or resolved_schema.get("type") == "string":
                return types.STR, "events"
            events_ptr = (*r_ptr, "content", _EVENTS, "schema")
            return self.schemas.type_of(schema, events_ptr, f"{context}Event"), "events"
        if not content:
            return NONE, None
        if any(k.startswith("text/") for k in content):
            return types.STR, None
        return types.BYTES, "bytes"

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


def _content_body(
    kind: BodyKind,
    kinds: list[tuple[str, BodyKind]],
    required: bool,
    example: Any,
    scope: naming.Scope,
) -> Body:
    """A text or binary body: one `body` argument (str, or bytes / a file / chunks)."""
    value_type = types.STR if kind == "text" else BINARY_CONTENT
    shown = _example_source(example) if kind == "text" and isinstance(example, str) else None
    what = "The request body." if kind == "text" else _BINARY_DOC
    argument = Parameter(
        scope.claim("body"), "", "body", value_type, required, what, None, example=shown
    )
    media_types = [m for m, _ in kinds]
    choice = None
    if len(media_types) > 1 or "*" in media_types[0]:
        choice = _content_choice(scope, media_types)
    return Body(media_types[0], required, None, (argument,), value_type, kind=kind, choice=choice)


def _content_choice(scope: naming.Scope, media_types: list[str]) -> ContentChoice:
    """A range (`image/*`) is no Content-Type: the caller names the type, which defaults to the
    first documented one, or to application/octet-stream for any binary data."""
    concrete = [m for m in media_types if "*" not in m]
    if len(concrete) == len(media_types):
        literal = LiteralOf(tuple(media_types))
        return ContentChoice(scope.claim("content_type"), tuple(media_types), literal, concrete[0])
    anything = any(m.split(";")[0].strip() in ("*/*", "application/*") for m in media_types)
    default = concrete[0] if concrete else ("application/octet-stream" if anything else None)
    return ContentChoice(scope.claim("content_type"), tuple(media_types), types.STR, default)


def _encodings(media: Any) -> tuple[tuple[str, str], ...]:
    """The spec's `encoding.<field>.contentType` of a multipart (or form) body."""
    encoding = media.get("encoding") if isinstance(media, Mapping) else None
    if not isinstance(encoding, Mapping):
        return ()
    out = []
    for name, spec in sorted(encoding.items()):
        content_type = spec.get("contentType") if isinstance(spec, Mapping) else None
        if isinstance(content_type, str) and content_type.strip():
            out.append((str(name), content_type.strip()))
    return tuple(out)


def _is_file(schema: Any, encoding: str | None) -> bool:
    if not isinstance(schema, Mapping):
        return False
    if schema.get("format") == "binary":
        return True
    if schema.get("type") not in ("string", None) or schema.get("contentEncoding") == "base64":
        return False
    if schema.get("contentMediaType"):
        return True
    mime = (encoding or "").split(";", 1)[0].strip().lower()
    textual = mime.startswith("text/") or mime == _JSON or mime.endswith("+json")
    return bool(mime) and not textual and schema.get("type") == "string"


def _in_path_order(path: str, params: list[Parameter]) -> tuple[Parameter, ...]:
    in_path = [seg[1:-1] for seg in path.split("/") if seg.startswith("{") and seg.endswith("}")]
    return tuple(
        sorted(
            params,
            key=lambda p: in_path.index(p.wire_name) if p.wire_name in in_path else len(in_path),
        )
    )


def _success_codes(responses: Mapping[str, Any]) -> list[str]:
    """The documented success answers: each 2xx, else `2XX`, else `default`."""
    explicit = sorted(c for c in responses if c.isdigit() and 200 <= int(c) < 300)
    return (
        explicit
        or [c for c in responses if c.upper() == "2XX"][:1]
        or (["default"] if "default" in responses else [])
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
