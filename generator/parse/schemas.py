"""Schema Objects → Python types and definitions (models, enums, aliases).

One translator walks every schema once. Each schema kind has its own small method, picked from a
dispatch table by the first feature that applies; named components get their class names up front so
references (including recursive ones) resolve to a name before their target is translated. Inline
objects and enums become definitions named after where they sit (`AudioSettings.default_device` →
`AudioSettingsDefaultDevice`), so nothing in a spec is typed `Any` unless the spec says nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator import naming, patterns
from generator.errors import Problem, format_pointer
from generator.escape import py_literal
from generator.ir import Alias, Definition, Enum, EnumMember, Field, Model, TypeExpr
from generator.limits import MAX_DEPTH
from generator.load import LoadedSpec, Pointer

ANY = TypeExpr("Any", frozenset({"from typing import Any"}))
NONE = TypeExpr("None")

_FORMATS: dict[str, TypeExpr] = {
    "date-time": TypeExpr("datetime.datetime", frozenset({"import datetime"})),
    "date": TypeExpr("datetime.date", frozenset({"import datetime"})),
    "binary": TypeExpr("bytes"),
}
_SCALARS: dict[str, TypeExpr] = {
    "string": TypeExpr("str"),
    "integer": TypeExpr("int"),
    "number": TypeExpr("float"),
    "boolean": TypeExpr("bool"),
    "null": NONE,
}
# Spec keyword → pydantic Field() keyword, applied on request-side models only (see `constrained`).
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


def union(types: list[TypeExpr]) -> TypeExpr:
    """`A | B`, flattening and de-duplicating members; `None` last so Optional reads naturally."""
    seen: list[str] = []
    for t in types:
        for part in _split_union(t.annotation):
            if part not in seen:
                seen.append(part)
    if "Any" in seen:
        return _merge("Any", types)
    if "None" in seen:
        seen = [p for p in seen if p != "None"] + ["None"]
    return _merge(" | ".join(seen), types)


def _split_union(annotation: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(annotation):
        depth += ch in "[("
        depth -= ch in "])"
        if depth == 0 and annotation[i : i + 3] == " | ":
            parts.append(annotation[start:i])
            start = i + 3
    parts.append(annotation[start:])
    return parts


def _merge(annotation: str, types: list[TypeExpr]) -> TypeExpr:
    stdlib = frozenset().union(*(t.stdlib for t in types))
    models = frozenset().union(*(t.models for t in types))
    if annotation == "Any":
        stdlib |= ANY.stdlib
    return TypeExpr(annotation, stdlib, models)


def wrap(template: str, inner: TypeExpr, *stdlib: str) -> TypeExpr:
    return TypeExpr(template.format(inner.annotation), inner.stdlib | set(stdlib), inner.models)


def optional(t: TypeExpr) -> TypeExpr:
    return union([t, NONE])


def json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def description_of(schema: Mapping[str, Any]) -> str:
    """The description; the title only when there is no description (a title usually repeats the
    schema's name, which the class name already says)."""
    return str(schema.get("description") or schema.get("title") or "").strip()


@dataclass
class SchemaTranslator:
    spec: LoadedSpec
    is_31: bool
    definitions: dict[str, Definition] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # component pointer → class name
    problems: list[Problem] = field(default_factory=list)
    scope: naming.Scope = field(default_factory=naming.Scope)
    # renames made to avoid collisions (`user_id_2`): carried to Api.notes, printed by the CLI
    notes: list[str] = field(default_factory=list)
    _pending: dict[str, tuple[Mapping[str, Any], Pointer]] = field(default_factory=dict)
    _following: list[str] = field(default_factory=list)  # unnamed $refs being translated in place
    _defining: dict[Pointer, str] = field(default_factory=dict)  # inline models being made

    # ------------------------------------------------------------------------------------ entry points

    def declare_components(self) -> None:
        """Name every component schema first, sorted, so names do not depend on reference order."""
        schemas = (self.spec.data.get("components") or {}).get("schemas") or {}
        for wire in sorted(schemas):
            pointer = format_pointer(("components", "schemas", wire))
            self.names[pointer] = self.scope.claim(naming.class_name(wire), wire)
            self._pending[pointer] = (schemas[wire], ("components", "schemas", wire))

    def translate_components(self) -> None:
        for pointer, (schema, ptr) in sorted(self._pending.items()):
            self.define(self.names[pointer], ptr[-1], schema, ptr)  # type: ignore[arg-type]

    def type_of(self, schema: Any, ptr: Pointer, context: str) -> TypeExpr:
        """The annotation for `schema`; `context` names any inline definition it needs."""
        if schema is True or schema == {}:
            return ANY
        if schema is False:
            self.problem(ptr, "a schema of `false` (nothing allowed) cannot be typed")
            return ANY
        if not isinstance(schema, Mapping):
            self.problem(ptr, "a schema must be an object")
            return ANY
        for applies, handler in self._dispatch:
            if applies(schema):
                return handler(self, schema, ptr, context)
        return ANY

    def define(self, name: str, wire: str, schema: Mapping[str, Any], ptr: Pointer) -> None:
        """Create the definition for a named component (or a named inline schema)."""
        if name in self.definitions:
            return
        if not isinstance(schema, Mapping):  # a boolean schema (3.1): `true` allows anything
            self.definitions[name] = Alias(name, wire, "", self.type_of(schema, ptr, name))
            return
        body, _ = self._strip_null(schema)  # nullability is applied where the name is used
        description = description_of(schema)
        inferred = bool(schema.get("x-inferred"))
        if "enum" in body and any(v is not None for v in body["enum"]):  # not `enum: [null]`
            self.definitions[name] = self._enum(name, wire, body, ptr, description)
        elif self._is_object(body):
            # A placeholder while the fields are translated, so a cycle back here finds the name.
            self.definitions[name] = Alias(name, wire, description, ANY)
            self.definitions[name] = self._model(name, wire, body, ptr, description, inferred)
        else:
            self.definitions[name] = Alias(name, wire, description, ANY)
            inner = self.type_of(body, ptr, name)
            if inner.annotation == "None":  # `Name | None` where it is used must still evaluate
                inner = TypeExpr("Literal[None]", frozenset({"from typing import Literal"}))
            self.definitions[name] = Alias(name, wire, description, inner)

    # ------------------------------------------------------------------------------------------ kinds

    def _ref(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> TypeExpr:
        ref = schema["$ref"]
        name = self.names.get(ref)
        if name is not None:
            # A nullable named schema (3.0 `nullable`, 3.1 `type: [X, "null"]`) is nullable at every use.
            expr = TypeExpr(name, frozenset(), frozenset({name}))
            nullable = self._strip_null(self._pending[ref][0])[1]
            return optional(expr) if nullable else expr
        found = self.spec.follow(ref)
        if found is None:
            self.problem(ptr, f"$ref {ref!r} points to nothing")
            return ANY
        # An unnamed target is translated in place, so one that leads back to itself (or a chain of
        # them deeper than any document may nest) would never end: only components may recurse.
        if ref in self._following or len(self._following) >= MAX_DEPTH:
            self.problem(
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

    def _const(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> TypeExpr:
        value = schema["const"]
        if value is None:
            return NONE
        if not isinstance(value, (str, int, float, bool)):
            return self._by_type({k: v for k, v in schema.items() if k != "const"}, ptr, context)
        return TypeExpr(f"Literal[{py_literal(value)}]", frozenset({"from typing import Literal"}))

    def _enum_inline(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> TypeExpr:
        body, nullable = self._strip_null(schema)
        values = [v for v in body["enum"] if v is not None]
        if not values:
            return NONE
        if not all(isinstance(v, str) for v in values) and not all(
            isinstance(v, int) and not isinstance(v, bool) for v in values
        ):
            literal = ", ".join(
                py_literal(v) for v in values if isinstance(v, (str, int, float, bool))
            )
            expr = TypeExpr(f"Literal[{literal}]", frozenset({"from typing import Literal"}))
        else:
            name = self.scope.claim(naming.class_name(context), context)
            self.definitions[name] = self._enum(name, context, body, ptr, description_of(schema))
            expr = TypeExpr(name, frozenset(), frozenset({name}))
        return optional(expr) if nullable else expr

    def _composed(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> TypeExpr:
        body, nullable = self._strip_null(schema)
        if "allOf" in body:
            parts = body["allOf"]
            extra = {k: v for k, v in body.items() if k not in ("allOf", "description", "title")}
            if len(parts) == 1 and not self._is_object(extra):
                expr = self.type_of(parts[0], (*ptr, "allOf", 0), context)
            else:
                expr = self._inline_model(body, ptr, context)
        else:
            key = "oneOf" if "oneOf" in body else "anyOf"
            variants = body[key]
            members = [
                self.type_of(v, (*ptr, key, i), f"{context}Variant{i + 1}")
                for i, v in enumerate(variants)
                if not _is_null(v)
            ]
            expr = union(members) if members else NONE
            tagged = self._discriminated(body, variants, members, ptr)
            expr = tagged or expr
        return optional(expr) if nullable else expr

    def _discriminated(
        self,
        body: Mapping[str, Any],
        variants: list[Any],
        members: list[TypeExpr],
        ptr: Pointer,
    ) -> TypeExpr | None:
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
        if None in names or len(set(names)) != len(names) or len(members) != len(names):
            self.problem(
                (*ptr, "discriminator"),
                "a discriminator needs every variant to be a $ref to a named schema; typed as a plain union",
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
        choices = " | ".join(f"Annotated[{name}, Tag({py_literal(name)})]" for name in names)
        prop = py_literal(str(discriminator["propertyName"]))
        annotation = (
            f"Annotated[{choices}, Discriminator(discriminate({prop}, {py_literal(values)}))]"
        )
        stdlib = {
            "from typing import Annotated",
            "from pydantic import Discriminator, Tag",
            "from .._runtime._models import discriminate",
        }
        return TypeExpr(annotation, frozenset(stdlib), frozenset(str(n) for n in names))

    def _by_type(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> TypeExpr:
        body, nullable = self._strip_null(schema)
        types = body.get("type")
        if isinstance(types, list):
            expr = union(
                [self._by_type({**body, "type": t}, ptr, context) for t in types if t != "null"]
                or [NONE]
            )
        elif types == "array" or (types is None and "items" in body):
            items = body.get("items", {})
            expr = wrap("list[{}]", self.type_of(items, (*ptr, "items"), f"{context}Item"))
        elif types == "object" or (types is None and self._is_object(body)):
            expr = self._object(body, ptr, context)
        elif types == "string":
            expr = _FORMATS.get(str(body.get("format")), _SCALARS["string"])
        elif isinstance(types, str) and types in _SCALARS:
            expr = _SCALARS[types]
        else:
            expr = ANY
        return optional(expr) if nullable and expr.annotation != "Any" else expr

    _dispatch: tuple[tuple[Callable[[Mapping[str, Any]], bool], Callable[..., TypeExpr]], ...] = (
        (lambda s: "$ref" in s, _ref),
        (lambda s: "const" in s, _const),
        (lambda s: "enum" in s, _enum_inline),
        (lambda s: any(k in s for k in ("allOf", "oneOf", "anyOf")), _composed),
        (lambda s: True, _by_type),
    )

    # ---------------------------------------------------------------------------------------- objects

    def _object(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> TypeExpr:
        if schema.get("properties"):
            return self._inline_model(schema, ptr, context)
        values = self._extra_values(schema, ptr, context)
        return wrap("dict[str, {}]", values or ANY)

    def _inline_model(self, schema: Mapping[str, Any], ptr: Pointer, context: str) -> TypeExpr:
        """A model for an inline object schema, named after where it sits. Reached again while its
        own model is being made (an allOf `$ref` to the component around it), it is that model, a
        recursive type, rather than a new class each time round, for ever."""
        name = self._defining.get(ptr)
        if name is None:
            name = self.scope.claim(naming.class_name(context), context)
            self._defining[ptr] = name
            try:
                self.define(name, context, schema, ptr)
            finally:
                del self._defining[ptr]
        return TypeExpr(name, frozenset(), frozenset({name}))

    def _extra_values(
        self, schema: Mapping[str, Any], ptr: Pointer, context: str
    ) -> TypeExpr | None:
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
    ) -> Model:
        properties: dict[str, tuple[Any, Pointer]] = {}
        required: set[str] = set()
        for part, part_ptr in self._object_parts(schema, ptr):
            for prop, prop_schema in (part.get("properties") or {}).items():
                properties[prop] = (prop_schema, (*part_ptr, "properties", prop))
            required.update(part.get("required") or ())
        scope = naming.Scope()
        fields = []
        for wire_name, (prop_schema, prop_ptr) in properties.items():
            is_required = wire_name in required
            attr = scope.claim(naming.attribute(wire_name), wire_name)
            inner = self.type_of(prop_schema, prop_ptr, f"{name}{naming.pascal(wire_name)}")
            nullable = inner.annotation.endswith("| None") or inner.annotation == "None"
            fields.append(
                Field(
                    name=attr,
                    wire_name=wire_name,
                    type=inner if is_required else optional(inner),
                    required=is_required,
                    nullable=nullable,
                    description=description_of(prop_schema)
                    if isinstance(prop_schema, Mapping)
                    else "",
                    default_doc=json_text(prop_schema["default"])
                    if isinstance(prop_schema, Mapping) and "default" in prop_schema
                    else None,
                    constraints=self._constraints(prop_schema, prop_ptr),
                )
            )
        self.notes.extend(
            f"{name}: property {old!r} is {new!r} in Python" for old, new in scope.renames
        )
        extra = self._extra_values(schema, ptr, name) if "additionalProperties" in schema else None
        fields.sort(key=lambda f: not f.required)  # required first: reads like the API reference
        return Model(name, wire, description, tuple(fields), extra, inferred)

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
                    self.problem(ptr, f"allOf $ref {part['$ref']!r} points to nothing")
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
            self.problem(ptr, "enum values must be all strings or all integers")
        scope = naming.Scope()
        members = tuple(EnumMember(scope.claim(naming.enum_member(v)), v) for v in values)
        return Enum(name, wire, description, base, members)  # type: ignore[arg-type]

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
