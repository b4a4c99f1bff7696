"""Schema Objects → Python types and definitions (models, enums, aliases).

One translator walks every schema once. Each schema kind has its own small method, picked from a
dispatch table by the first feature that applies; named components get their class names up front so
references (including recursive ones) resolve to a name before their target is translated. Inline
objects and enums become definitions named after where they sit (`AudioSettings.default_device` →
`AudioSettingsDefaultDevice`), so nothing in a spec is typed `Any` unless the spec says nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from generator import naming, patterns, types
from generator.errors import Problem, format_pointer
from generator.ir import Alias, Enum, EnumMember, Field, Model
from generator.limits import MAX_DEPTH
from generator.load import LoadedSpec, Pointer
from generator.types import (
    ANY,
    NONE,
    ListOf,
    LiteralOf,
    MapOf,
    NoneType,
    Ref,
    Tagged,
    Type,
    optional,
    union,
)

_FORMATS: dict[str, Type] = {
    "date-time": types.DATETIME,
    "date": types.DATE,
    "binary": types.BYTES,
    # RFC 2822 dates, read tolerantly by the runtime (unreadable text is kept as the string)
    "rfc2822": types.RFC2822_TIMESTAMP,
}
# Formats of `type: [number, string]` (or integer): a date-time sent as RFC 3339 text or as an
# epoch number, both decoded into an aware datetime by the runtime (`_runtime/_time.py`).
_NUMBER_OR_TEXT_FORMATS: dict[str, Type] = {"date-time": types.TIMESTAMP}
_SCALARS: dict[str, Type] = {
    "string": types.STR,
    "integer": types.INT,
    # `float | int`, not `float`: pydantic would turn an int into a float, and `10` would go out
    # as `10.0`, which an API that decodes the field into an integer refuses.
    "number": types.UnionOf((types.FLOAT, types.INT)),
    "boolean": types.BOOL,
    "null": NONE,
}
# Spec keyword → pydantic Field() keyword, applied on request-side models only (see `freeze`).
_CONSTRAINTS = {
    "pattern": "pattern",
    "minLength": "min_length",
    "maxLength": "max_length",
    "minimum": "ge",
    "maximum": "le",
    "exclusiveMinimum": "gt",
    "exclusiveMaximum": "lt",
    "minItems": "min_length",
    "maxItems": "max_length",
}


@dataclass(frozen=True, slots=True)
class FieldDraft:
    """A model field as the schema says it; `freeze` decides its `= Field(...)` keywords."""

    name: str
    wire_name: str
    type: Type
    required: bool
    nullable: bool
    description: str
    default_doc: str | None
    constraints: tuple[tuple[str, object], ...]
    pointer: Pointer


@dataclass(frozen=True, slots=True)
class ModelDraft:
    """A model before it is known whether requests or answers use it (constraints and null checks
    apply to request-side models only): the parser's working copy, never part of the IR."""

    name: str
    wire_name: str
    pointer: Pointer
    description: str
    fields: tuple[FieldDraft, ...]
    extra_values: Type | None
    inferred: bool


Draft = ModelDraft | Enum | Alias


def freeze(draft: ModelDraft, constrained: bool) -> Model:
    """The final model. Spec constraints only on request-side models (a server answer that breaks a
    documented pattern should still reach the caller)."""
    fields = []
    for f in draft.fields:
        kwargs: list[tuple[str, object]] = [] if f.required else [("default", None)]
        if f.wire_name != f.name:
            kwargs.append(("alias", f.wire_name))
        if constrained:
            kwargs.extend(f.constraints)
        fields.append(
            Field(
                f.name,
                f.wire_name,
                f.type,
                f.required,
                f.nullable,
                f.description,
                f.default_doc,
                tuple(kwargs),
                f.pointer,
            )
        )
    # Request side: an optional field may be absent, but an explicit null the spec forbids is refused
    # (the runtime's ApiModel checks these wire names before validation). Answers stay tolerant.
    non_nullable = tuple(
        f.wire_name for f in draft.fields if constrained and not f.required and not f.nullable
    )
    return Model(
        draft.name,
        draft.wire_name,
        draft.pointer,
        draft.description,
        tuple(fields),
        draft.extra_values,
        draft.inferred,
        non_nullable,
    )


def _nullable(t: Type) -> bool:
    return t == NONE or NONE in types.members(t)


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def description_of(schema: Any) -> str:
    """The description; the title only when there is no description (a title usually repeats the
    schema's name, which the class name already says). A boolean schema has neither."""
    if not isinstance(schema, Mapping):
        return ""
    return str(schema.get("description") or schema.get("title") or "").strip()


@dataclass
class SchemaTranslator:
    """Turns the spec's schemas into IR types and definitions, naming each class once."""

    spec: LoadedSpec
    is_31: bool
    # every class of the package (client and resources are claimed before any schema)
    classes: naming.Scope = field(default_factory=naming.package_classes)
    definitions: dict[str, Draft] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # component pointer → class name
    problems: list[Problem] = field(default_factory=list)
    # renames made to avoid collisions (`user_id_2`): carried to Api.notes, printed by the CLI
    notes: list[str] = field(default_factory=list)
    _pending: dict[str, tuple[Mapping[str, Any], Pointer]] = field(default_factory=dict)
    # Problems that block only what they are found in: an operation ("op:<id>") or a definition
    # ("def:<name>"), skipped with a warning instead of refusing the whole spec.
    blocked: dict[str, list[Problem]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)  # generated around, said once
    _owners: list[str] = field(default_factory=list)
    _following: list[str] = field(default_factory=list)  # unnamed $refs being translated in place
    _defining: dict[Pointer, str] = field(default_factory=dict)  # inline models being made

    # ------------------------------------------------------------------------------------ entry points

    def declare_components(self) -> None:
        """Name every component schema first, sorted, so names do not depend on reference order."""
        schemas = (self.spec.data.get("components") or {}).get("schemas") or {}
        for wire in sorted(schemas):
            pointer = format_pointer(("components", "schemas", wire))
            self.names[pointer] = self._claim(naming.class_name(wire), wire)
            self._pending[pointer] = (schemas[wire], ("components", "schemas", wire))

    def translate_components(self) -> None:
        """Every component not translated yet (no operation used it): never blocks anything."""
        for pointer, (schema, ptr) in sorted(self._pending.items()):
            self.define(self.names[pointer], str(ptr[-1]), schema, ptr)

    @contextmanager
    def owner(self, key: str) -> Iterator[None]:
        """Attribute what `unsupported` finds while translating `key` to it."""
        self._owners.append(key)
        try:
            yield
        finally:
            self._owners.pop()

    def unsupported(self, ptr: Pointer, message: str) -> None:
        """Something the generator cannot generate: it blocks the operation or definition being
        translated (skipped, with a located warning), or the whole spec outside of both."""
        found = self.spec.problem(ptr, message)
        if self._owners:
            self.blocked.setdefault(self._owners[-1], []).append(found)
        else:
            self.problems.append(found)

    def warn(self, ptr: Pointer, message: str) -> None:
        """Generated around (e.g. a plain union for a discriminator it cannot tag), said once."""
        self.warnings.append(self.spec.problem(ptr, message))

    def _claim(self, name: str, wire: str) -> str:
        claimed = self.classes.claim(name, wire)
        if claimed != name:
            self.notes.append(f"schema {wire!r} is class {claimed!r} in Python")
        return claimed

    def type_of(self, schema: Any, ptr: Pointer, context: str) -> Type:
        """The type of `schema`; `context` names any inline definition it needs."""
        if schema is True or schema == {}:
            return ANY
        if schema is False:
            self.warn(ptr, "a schema of `false` (nothing allowed) cannot be typed: typed Any")
            return ANY
        if not isinstance(schema, Mapping):
            self.unsupported(ptr, "a schema must be an object")
            return ANY
        for applies, handler in self._dispatch:
            if applies(schema):
                result: Type = handler(self, schema, ptr, context)
                return result
        return ANY

    def define(self, name: str, wire: str, schema: Mapping[str, Any], ptr: Pointer) -> None:
        """Create the definition for a named component (or a named inline schema)."""
        if name in self.definitions:
            return
        with self.owner(f"def:{name}"):
            self._define(name, wire, schema, ptr)

    def _define(self, name: str, wire: str, schema: Mapping[str, Any], ptr: Pointer) -> None:
        if not isinstance(schema, Mapping):  # a boolean schema (3.1): `true` allows anything
            self.definitions[name] = Alias(name, wire, ptr, "", self.type_of(schema, ptr, name))
            return
        body, _ = self._strip_null(schema)  # nullability is applied where the name is used
        description = description_of(schema)
        inferred = bool(schema.get("x-inferred"))
        # A placeholder while the parts are translated, so a cycle back here finds the name.
        self.definitions[name] = Alias(name, wire, ptr, description, ANY)
        if "enum" in body and any(v is not None for v in body["enum"]):  # not `enum: [null]`
            self.definitions[name] = self._enum(name, wire, body, ptr, description)
        elif self._is_object(body):
            self.definitions[name] = self._model(name, wire, body, ptr, description, inferred)
        else:
            inner = self.type_of(body, ptr, name)
            self.definitions[name] = Alias(name, wire, ptr, description, inner)

    def _inline(self, context: str, schema: Mapping[str, Any], ptr: Pointer) -> Type:
        # Reached again while its own definition is being made (an allOf `$ref` to the component
        # around it), an inline schema is that definition, a recursive type, rather than a new
        # class each time round, for ever.
        name = self._defining.get(ptr)
        if name is None:
            name = self._claim(naming.class_name(context), context)
            self._defining[ptr] = name
            try:
                self.define(name, context, schema, ptr)
            finally:
                del self._defining[ptr]
        return Ref(name)

    # ------------------------------------------------------------------------------------------ kinds

    def _ref(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> Type:
        ref = schema["$ref"]
        name = self.names.get(ref)
        if name is not None:
            if name not in self.definitions:  # translated on first use, attributed to itself
                target, target_ptr = self._pending[ref]
                self.define(name, str(target_ptr[-1]), target, target_ptr)
            defined = self.definitions.get(name)
            if isinstance(defined, Alias) and isinstance(defined.type, NoneType):
                return NONE  # a schema that allows only null: `Name | None` would not evaluate
            # A nullable named schema (3.0 `nullable`, 3.1 `type: [X, "null"]`) is nullable at every use.
            nullable = self._strip_null(self._pending[ref][0])[1]
            return optional(Ref(name)) if nullable else Ref(name)
        found = self.spec.follow(ref)
        if found is None:
            self.unsupported(ptr, f"$ref {ref!r} points to nothing")
            return ANY
        # An unnamed target is translated in place, so one that leads back to itself (or a chain of
        # them deeper than any document may nest) would never end: only components may recurse.
        if ref in self._following or len(self._following) >= MAX_DEPTH:
            self.unsupported(
                ptr,
                f"$ref {ref!r} leads back to itself: make the schema it points to a "
                "component (components.schemas) to let it be recursive",
            )
            return ANY
        self._following.append(ref)
        try:
            return self.type_of(found[0], found[1], context)
        finally:
            self._following.pop()

    def _dynamic_ref(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> Type:
        """`$recursiveRef: "#"` (2019-09) and `$dynamicRef: "#anchor"` (2020-12, OpenAPI 3.1),
        resolved lexically (`LoadedSpec.dynamic_ref`). A schema that extends a recursive one by
        redeclaring its anchor would be reached dynamically instead; that is generated around,
        with a note."""
        key = "$recursiveRef" if "$recursiveRef" in schema else "$dynamicRef"
        value = schema[key]
        rest = {k: v for k, v in schema.items() if k != key}
        if not isinstance(value, str) or (key == "$recursiveRef" and value != "#"):
            self.unsupported((*ptr, key), f"{key} {value!r}: only '#' is supported")
            return ANY
        if key == "$dynamicRef" and not re.fullmatch(r"#[A-Za-z_][-A-Za-z0-9._]*", value):
            # a JSON pointer (or no fragment): a $dynamicRef without an anchor is a plain $ref
            return self.type_of({**rest, "$ref": value}, ptr, context)
        target, others = self.spec.dynamic_ref(ptr, key, value)
        if target is None:
            where = "a component schema" if key == "$recursiveRef" else "a component schema root"
            self.unsupported(
                (*ptr, key), f"{key} {value!r}: the generator needs the target to be {where}"
            )
            return ANY
        if others:
            self.warn(
                (*ptr, key),
                f"{key} {value!r} is typed as {target.rsplit('/', 1)[-1]!r}, the schema declaring "
                f"the anchor it is written in; reached through {' or '.join(map(repr, others))}, "
                "where the anchor is redeclared, it would mean that schema instead",
            )
        return self.type_of({**rest, "$ref": target}, ptr, context)

    def _const(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> Type:
        value = schema["const"]
        if value is None:
            return NONE
        if not isinstance(value, (str, int, float, bool)):
            return self._by_type({k: v for k, v in schema.items() if k != "const"}, ptr, context)
        return LiteralOf((value,))

    def _enum_inline(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> Type:
        body, nullable = self._strip_null(schema)
        values = [v for v in body["enum"] if v is not None]
        if not values:
            return NONE
        expr: Type
        if not all(isinstance(v, str) for v in values) and not all(
            isinstance(v, int) and not isinstance(v, bool) for v in values
        ):
            literal = tuple(v for v in values if isinstance(v, (str, int, float, bool)))
            expr = LiteralOf(literal) if literal else ANY
        else:
            name = self._claim(naming.class_name(context), context)
            self.definitions[name] = self._enum(name, context, body, ptr, description_of(schema))
            expr = Ref(name)
        return optional(expr) if nullable else expr

    def _composed(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> Type:
        body, nullable = self._strip_null(schema)
        expr: Type
        if "allOf" in body:
            parts = body["allOf"]
            extra = {k: v for k, v in body.items() if k not in ("allOf", "description", "title")}
            if len(parts) == 1 and not self._is_object(extra):
                expr = self.type_of(parts[0], (*ptr, "allOf", 0), context)
            else:
                expr = self._inline(context, body, ptr)
        else:
            key = "oneOf" if "oneOf" in body else "anyOf"
            variants = body[key]
            members = [
                self.type_of(v, (*ptr, key, i), f"{context}Variant{i + 1}")
                for i, v in enumerate(variants)
                if not _is_null(v)
            ]
            expr = union(members) if members else NONE
            expr = self._discriminated(body, variants, members, ptr) or expr
        return optional(expr) if nullable else expr

    def _discriminated(
        self,
        body: Mapping[str, Any],
        variants: list[Any],
        members: list[Type],
        ptr: Pointer,
    ) -> Type | None:
        """A tagged union when the spec names a discriminator and every variant is a named model.

        pydantic picks the variant from the tag instead of trying each in turn. The tag is read by
        a callable discriminator (`discriminate`), so it works whatever type the variants give the
        property (an enum, a const, a plain string), and `mapping` aliases are honoured.
        """
        discriminator = body.get("discriminator")
        if not isinstance(discriminator, Mapping) or "propertyName" not in discriminator:
            return None
        refs = [
            v.get("$ref") if isinstance(v, Mapping) else None for v in variants if not _is_null(v)
        ]
        names = [self.names.get(r) if isinstance(r, str) else None for r in refs]
        why = self._untaggable(refs, names)
        if why is not None or len(members) != len(names):
            # pydantic then tries the variants in turn and keeps the one that fits best.
            self.warn(
                (*ptr, "discriminator"),
                f"discriminator on {discriminator['propertyName']!r} is not used: {why}; "
                "typed as a plain union of the variants",
            )
            return None
        values: dict[str, str] = {}
        for value, target in (discriminator.get("mapping") or {}).items():
            name = self.names.get(str(target)) or self.names.get(f"#/components/schemas/{target}")
            if name in names:
                values[str(value)] = str(name)
        for ref, name in zip(refs, names, strict=True):
            # The schema's own name is a valid value too; `mapping` only adds aliases.
            values.setdefault(str(ref).rsplit("/", 1)[-1], str(name))
        return Tagged(
            tuple(str(n) for n in names), str(discriminator["propertyName"]), tuple(values.items())
        )

    def _untaggable(self, refs: list[Any], names: list[str | None]) -> str | None:
        """Why a tag cannot pick among these variants, or None: each must be a `$ref` to its own
        named schema, and an object (a tag is a property)."""
        inline = [i + 1 for i, name in enumerate(names) if name is None]
        if inline:
            return f"variant(s) {inline} are not a $ref to a named schema"
        repeated = sorted({str(n) for n in names if names.count(n) > 1})
        if repeated:
            return f"{', '.join(repeated)} is listed more than once"
        scalar = [str(n) for r, n in zip(refs, names, strict=True) if not self._object_like(r)]
        if scalar:
            return f"{', '.join(scalar)} is not an object"
        return None

    def _object_like(self, ref: str) -> bool:
        """Whether the schema `ref` names is an object (through refs and single-part allOfs)."""
        node: Any = {"$ref": ref}
        for _ in range(32):
            body, _ = self._strip_null(node)
            if "$ref" in body:
                found = self.spec.follow(str(body["$ref"]))
                node = found[0] if found else None
            elif isinstance(body.get("allOf"), list) and len(body["allOf"]) == 1:
                node = body["allOf"][0]
            else:
                kinds = body.get("type")
                kinds = kinds if isinstance(kinds, list) else [kinds]
                return (
                    "object" in kinds
                    or self._is_object(body)
                    or (kinds == [None] and "additionalProperties" in body)
                )
        return False

    def _by_type(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> Type:
        body, nullable = self._strip_null(schema)
        if nullable and body.get("type") is None and schema.get("type") is not None:
            return NONE  # `type: [null]`: nothing but null
        expr = self._typed(body, ptr, context)
        return optional(expr) if nullable else expr

    def _typed(self, body: Mapping[str, Any], ptr: Pointer, context: str) -> Type:
        """The type of a schema by its `type` keyword (or the keywords that imply one), null aside."""
        types_ = body.get("type")
        if isinstance(types_, list):
            number_or_text = sorted(set(types_) - {"null"}) in (
                ["number", "string"],
                ["integer", "string"],
            )
            if number_or_text and str(body.get("format")) in _NUMBER_OR_TEXT_FORMATS:
                return _NUMBER_OR_TEXT_FORMATS[str(body.get("format"))]
            return union(
                [self._by_type({**body, "type": t}, ptr, context) for t in types_ if t != "null"]
                or [NONE]
            )
        if types_ == "array" or (types_ is None and "items" in body):
            items = body.get("items", {})
            return ListOf(self.type_of(items, (*ptr, "items"), f"{context}Item"))
        if types_ == "object" or (types_ is None and self._is_object(body)):
            return self._object(body, ptr, context)
        if types_ == "string":
            return _FORMATS.get(str(body.get("format")), types.STR)
        if isinstance(types_, str) and types_ in _SCALARS:
            return _SCALARS[types_]
        return ANY

    _dispatch: tuple[tuple[Callable[[Mapping[str, Any]], bool], Callable[..., Type]], ...] = (
        (lambda s: "$ref" in s, _ref),
        (lambda s: "$dynamicRef" in s or "$recursiveRef" in s, _dynamic_ref),
        (lambda s: "const" in s, _const),
        (lambda s: "enum" in s, _enum_inline),
        (lambda s: any(k in s for k in ("allOf", "oneOf", "anyOf")), _composed),
        (lambda s: True, _by_type),
    )

    # ---------------------------------------------------------------------------------------- objects

    def _object(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> Type:
        if self._is_object(schema):
            return self._inline(context, schema, ptr)
        values = self._extra_values(schema, ptr, context)
        return MapOf(values or ANY)

    def _extra_values(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> Type | None:
        extra = schema.get("additionalProperties")
        if extra is False:
            return None
        if extra is None or extra is True:
            return ANY if not schema.get("properties") else None
        return self.type_of(extra, (*ptr, "additionalProperties"), f"{context}Value")

    def _model(
        self,
        name: str,
        wire: str,
        schema: Mapping[str, Any],
        ptr: Pointer,
        description: str,
        inferred: bool,
    ) -> ModelDraft:
        properties: dict[str, tuple[Any, Pointer]] = {}
        required: set[str] = set()
        for part, part_ptr in self._object_parts(schema, ptr):
            for prop, prop_schema in (part.get("properties") or {}).items():
                properties[prop] = (prop_schema, (*part_ptr, "properties", prop))
            required.update(part.get("required") or ())
        scope = naming.model_attributes()
        fields = []
        for wire_name, (prop_schema, prop_ptr) in properties.items():
            is_required = wire_name in required
            attr = scope.claim(naming.attribute(wire_name), wire_name)
            inner = self.type_of(prop_schema, prop_ptr, f"{name}{naming.pascal(wire_name)}")
            fields.append(
                FieldDraft(
                    name=attr,
                    wire_name=wire_name,
                    type=inner if is_required else optional(inner),
                    required=is_required,
                    nullable=_nullable(inner),
                    description=description_of(prop_schema)
                    if isinstance(prop_schema, Mapping)
                    else "",
                    default_doc=json_text(prop_schema["default"])
                    if isinstance(prop_schema, Mapping) and "default" in prop_schema
                    else None,
                    constraints=self._constraints(prop_schema, prop_ptr),
                    pointer=prop_ptr,
                )
            )
        self.notes.extend(
            f"{name}: property {old!r} is {new!r} in Python" for old, new in scope.renames
        )
        extra = self._extra_values(schema, ptr, name) if "additionalProperties" in schema else None
        fields.sort(key=lambda f: not f.required)  # required first: reads like the API reference
        return ModelDraft(name, wire, ptr, description, tuple(fields), extra, inferred)

    def _object_parts(
        self, schema: Mapping[str, Any], ptr: Pointer
    ) -> Iterator[tuple[Mapping[str, Any], Pointer]]:
        """The schema and, recursively, every allOf part (refs followed), in declaration order."""
        yield schema, ptr
        for i, part in enumerate(schema.get("allOf") or ()):
            part_ptr: Pointer = (*ptr, "allOf", i)
            if isinstance(part, Mapping) and "$ref" in part:
                found = self.spec.follow(part["$ref"])
                if found is None or not isinstance(found[0], Mapping):
                    self.unsupported(ptr, f"allOf $ref {part['$ref']!r} points to nothing")
                    continue
                part, part_ptr = found
            if isinstance(part, Mapping):
                yield from self._object_parts(part, part_ptr)

    def _constraints(self, schema: Any, ptr: Pointer = ()) -> tuple[tuple[str, object], ...]:
        if not isinstance(schema, Mapping):
            return ()
        out = []
        for key, target in _CONSTRAINTS.items():
            value = schema.get(key)
            if value is None or (isinstance(value, bool) and key.startswith("exclusive")):
                continue  # 3.0's boolean exclusiveMinimum modifies minimum; not a bound itself
            if key == "pattern":  # ECMA-262 → Python `re` (generator/patterns.py)
                value = self._python_pattern(value, (*ptr, "pattern"))
                if value is None:
                    continue
            out.append((target, value))
        return tuple(out)

    def _python_pattern(self, pattern: object, ptr: Pointer) -> str | None:
        """The pattern as generated models check it; None (with a note) when it cannot be."""
        if not isinstance(pattern, str):
            return None
        try:
            translated = patterns.translate(pattern)
        except patterns.PatternError as exc:
            self.problem(ptr, f"pattern {pattern!r} {exc}")
            return None
        if translated.note:
            where = f"{self.spec.locate(ptr)}: {format_pointer(ptr)}"
            self.notes.append(
                f"{where}: pattern {pattern!r} {translated.note}: not checked by the client"
            )
        return translated.pattern

    # ------------------------------------------------------------------------------------------ enums

    def _enum(
        self, name: str, wire: str, schema: Mapping[str, Any], ptr: Pointer, description: str
    ) -> Enum:
        values = [v for v in schema["enum"] if v is not None]
        base = "str" if all(isinstance(v, str) for v in values) else "int"
        if base == "int" and not all(
            isinstance(v, int) and not isinstance(v, bool) for v in values
        ):
            self.unsupported(ptr, "enum values must be all strings or all integers")
        scope = naming.enum_members()
        members = tuple(EnumMember(scope.claim(naming.enum_member(v)), v) for v in values)
        literal = self._claim(f"{name}Literal", f"{wire} (values)")
        return Enum(name, wire, ptr, description, base, members, literal)  # type: ignore[arg-type]

    # ---------------------------------------------------------------------------------------- helpers

    def _strip_null(self, schema: Mapping[str, Any]) -> tuple[Mapping[str, Any], bool]:
        """The schema without its nullability, and whether it was nullable (3.0 or 3.1 spelling)."""
        if not isinstance(schema, Mapping):
            return {}, False
        nullable = bool(schema.get("nullable"))
        body = dict(schema)
        body.pop("nullable", None)
        types = schema.get("type")
        if isinstance(types, list) and "null" in types:
            nullable = True
            rest = [t for t in types if t != "null"]
            if len(rest) == 1:
                body["type"] = rest[0]
            elif rest:
                body["type"] = rest
            else:
                body.pop("type")
        if "enum" in schema and None in schema["enum"]:
            nullable = True
        for key in ("oneOf", "anyOf"):
            if key in schema and any(_is_null(v) for v in schema[key]):
                nullable = True
        return body, nullable

    @staticmethod
    def _is_object(schema: Mapping[str, Any]) -> bool:
        if schema.get("properties"):
            return True
        if (
            schema.get("type") == "object"
            and schema.get("additionalProperties") is False
            and not schema.get("patternProperties")
        ):
            # An object that admits no property at all is a model without fields, not a free-form
            # dict: a request body that must be `{}` is then sent as `{}` without an argument.
            return True
        if "allOf" in schema and len(schema["allOf"]) > 1:
            return True
        return schema.get("type") == "object" and bool(schema.get("properties"))

    def problem(self, ptr: Pointer, message: str) -> None:
        self.problems.append(self.spec.problem(ptr, message))


def _is_null(schema: Any) -> bool:
    return isinstance(schema, Mapping) and (
        schema.get("type") == "null"
        or schema.get("enum") == [None]
        or ("const" in schema and schema["const"] is None)
    )
