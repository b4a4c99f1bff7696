"""Where Schema Objects nest inside a Schema Object (JSON Schema 2020-12, its earlier drafts and
OpenAPI 3.0), for the passes that walk nested schemas: keywords whose value is one schema, a map
of schemas, or a list of schemas."""

from __future__ import annotations

ONE = (
    *("items", "not", "additionalProperties", "additionalItems", "contains", "propertyNames"),
    *("if", "then", "else", "unevaluatedItems", "unevaluatedProperties"),
)
MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
