"""The compiled validator's yes/no: is a value valid against a JSON Schema, fast.

jsonschema explains every problem it finds, which the validate stage needs, but it is slow on the
common case of a valid document (seconds for a large spec). jsonschema-rs answers only whether a
value is valid, in milliseconds. The passes ask it first and run jsonschema only on a no, so the
problems reported are jsonschema's, unchanged. Whatever jsonschema-rs cannot build or check (an
unknown keyword, a value of a type JSON does not have) answers "not known valid", and jsonschema
decides as before: the fast path never refuses a spec and never accepts one by itself.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from generator import subschemas

# Tests turn the fast path off to check that it changes no reported problem.
ENABLED = True

Compiled = Any  # a jsonschema_rs validator, or None where it could not be built


def _refuse(uri: str) -> Any:
    # every schema the passes use ships with the packages: nothing is fetched over the network
    raise ValueError(f"{uri} is not fetched")


def compile_schema(schema: Any, resources: Iterable[tuple[str, Any]] = ()) -> Compiled:
    """A validator for `schema` (formats as annotations, as jsonschema does without a format
    checker), or None when jsonschema-rs cannot take it."""
    try:
        import jsonschema_rs

        registry = jsonschema_rs.Registry(list(resources)) if resources else None
        return jsonschema_rs.validator_for(
            schema, validate_formats=False, retriever=_refuse, registry=registry
        )
    except Exception:  # any failure leaves the decision to jsonschema
        return None


def surely_valid(compiled: Compiled, instance: Any) -> bool:
    """True only when the compiled validator says `instance` is valid."""
    if not ENABLED or compiled is None:
        return False
    try:
        return bool(compiled.is_valid(instance))
    except Exception:  # a value it cannot read: jsonschema decides
        return False


def _package_folders(package: str) -> list[str]:
    """Where an installed package's files are, found without importing it."""
    import importlib.util

    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return []
    return list(found.submodule_search_locations or []) if found is not None else []


def _read_json(path: Any) -> tuple[bool, Any]:
    import json

    try:
        return True, json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False, None


def package_json(package: str, *parts: str) -> Any:
    """A JSON file shipped inside an installed package, read without importing the package, or
    None when it is not there. (Importing openapi-spec-validator or openapi-schema-validator costs
    a tenth of a second each; the schema files the fast path needs from them take a millisecond.)"""
    from pathlib import Path

    for folder in _package_folders(package):
        ok, value = _read_json(Path(folder, *parts))
        if ok:
            return value
    return None


def package_jsons(package: str, *parts: str) -> list[Any]:
    """Every file under a folder of an installed package (recursively, sorted by path, dot files
    left out), each read as JSON as `package_json` reads one."""
    from pathlib import Path

    out = []
    for folder in _package_folders(package):
        for path in sorted(Path(folder, *parts).rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                ok, value = _read_json(path)
                if ok:
                    out.append(value)
    return out


# Where the OpenAPI 3.1 Schema Object dialect (openapi-schema-validator's OAS31Validator, with its
# format checker) is stricter than plain JSON Schema 2020-12 without formats, which is what
# jsonschema-rs checks here. A schema node holding one of these is made stricter still for the
# fast path, never looser: an instance the dialect might refuse answers "not known valid", and
# jsonschema decides. The formats the dialect checks: int32 and int64 are ranges of integers
# (bounds here); float, double and password always pass; `regex` is left to jsonschema; every other
# format jsonschema's own checker knows (date-time, uuid, email, …, as installed) is checked here by
# that same checker, through a keyword of the fast path's own. A discriminator dispatches
# on a property. `pattern` is matched with Python's `re.search` (unless the optional `regress`
# package gives it ECMA semantics): the fast path matches it the same way, through a keyword of
# its own, and leaves strings to jsonschema when `regress` is there. `patternProperties` keys are
# matched by Python's `re` there too: the fast path checks that jsonschema-rs's matching of each key
# agrees with it (else "not known valid"), so the properties each subschema applies to are the same.
_INT_RANGES = {"int32": 31, "int64": 63}
_NOT_A_STRING = {"not": {"type": "string"}}
_PATTERN = "sdkgen:python-pattern"
_KEYS_ALIKE = "sdkgen:keys-matched-alike"
_FORMAT = "sdkgen:format"
_ALWAYS_PASS = frozenset({"float", "double", "password"})


# Every format name jsonschema has a checker for, in some draft, given its optional packages;
# a format outside these is an annotation to it.
_KNOWN_FORMATS = frozenset(
    {"date-time", "date", "time", "duration", "email", "idn-email", "hostname", "idn-hostname"}
    | {"ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference", "uuid", "uri-template"}
    | {"json-pointer", "relative-json-pointer", "regex", "color", "host-name", "ip-address"}
)
# jsonschema checks these only with one of these packages installed
_URI_FORMATS = frozenset({"uri", "uri-reference", "iri", "iri-reference"})


class _Format:
    """A `format` as the dialect checks it: jsonschema's format checker (imported on the first
    value that needs it), whose checks the dialect's own adds to. Every check of jsonschema's
    passes a value that is not a string, and one for a name it does not know; the formats APIs
    use most are decided without importing it, the way jsonschema decides them: `date-time` by
    rfc3339-validator on the upper-cased text (unchecked without that package), `uuid` by
    `uuid.UUID` with dashes in their places, URIs unchecked unless rfc3987 or rfc3986-validator is
    installed."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        self._format = value

    def validate(self, instance: Any) -> None:
        name = self._format
        if not isinstance(instance, str) or name not in _KNOWN_FORMATS:
            return
        if name == "date-time":
            rfc3339 = _rfc3339()
            if rfc3339 is not None and not rfc3339(instance.upper()):
                raise ValueError("not a date-time")
            return
        if name == "uuid":
            import uuid

            uuid.UUID(instance)  # a ValueError for text that is none
            if any(instance[at] != "-" for at in (8, 13, 18, 23)):
                raise ValueError("not a uuid")
            return
        if name in _URI_FORMATS and not _uri_checkers():
            return
        if not _format_checker().conforms(instance, name):
            raise ValueError("does not conform")


_CHECKER: list[Any] = []


@functools.cache
def _rfc3339() -> Any:
    try:
        from rfc3339_validator import validate_rfc3339  # type: ignore[import-untyped]
    except ImportError:
        return None
    return validate_rfc3339


@functools.cache
def _uri_checkers() -> bool:
    import importlib.util

    return any(importlib.util.find_spec(n) is not None for n in ("rfc3987", "rfc3986_validator"))


def _format_checker() -> Any:
    if not _CHECKER:
        import jsonschema

        _CHECKER.append(jsonschema.FormatChecker())
    return _CHECKER[0]


class _PythonPattern:
    """The `pattern` keyword as jsonschema evaluates it: `re.search` on strings."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        import re

        self._regex = re.compile(value)

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and self._regex.search(instance) is None:
            raise ValueError("does not match")


class _KeysMatchedAlike:
    """For an object, that jsonschema-rs matches each key against each `patternProperties`
    pattern as Python's `re.search` does (what jsonschema does)."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        import re

        import jsonschema_rs

        self._pairs = [
            (re.compile(p), jsonschema_rs.Draft202012Validator({"pattern": p})) for p in value
        ]

    def validate(self, instance: Any) -> None:
        if not isinstance(instance, dict):
            return
        for key in instance:
            for python, compiled in self._pairs:
                if (python.search(key) is not None) != compiled.is_valid(key):
                    raise ValueError("a key the engines match differently")


def _ecma_patterns() -> bool:
    import importlib.util

    return importlib.util.find_spec("regress") is not None


_DATA = frozenset({"example", "examples", "default", "enum", "const"})
_SCHEMA_MAPS = frozenset(subschemas.MAP)
_SCHEMA_ONE = frozenset(subschemas.ONE)
_SCHEMA_LISTS = frozenset(subschemas.LIST)


def _stricter_schema(node: Any) -> Any:
    """One Schema Object made at least as strict as the dialect (see above)."""
    if not isinstance(node, dict):
        return node
    if "discriminator" in node:
        return False
    out = dict(node)
    for key, value in node.items():
        if key in _SCHEMA_ONE:
            out[key] = _stricter_schema(value)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_stricter_schema(item) for item in value]
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _stricter_schema(item) for name, item in value.items()}
    extra: list[Any] = []
    if "pattern" in node:
        pattern = out.pop("pattern")
        if isinstance(pattern, str) and not _ecma_patterns():
            out[_PATTERN] = pattern
        else:
            extra.append(_NOT_A_STRING)
    form = node.get("format")
    if isinstance(form, str) and form not in _ALWAYS_PASS:
        if form in _INT_RANGES:
            bits = _INT_RANGES[form]
            extra.append({"minimum": -(1 << bits), "maximum": (1 << bits) - 1})
        elif form == "regex":
            extra.append(_NOT_A_STRING)
        else:
            out[_FORMAT] = form
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict) and patterns:
        out[_KEYS_ALIKE] = list(patterns)
    if extra:
        parts = out.get("allOf", [])
        if not isinstance(parts, list):
            return False
        out["allOf"] = [*parts, *extra]
    return out


def _stricter(node: Any, path: tuple[Any, ...] = ()) -> Any:
    """A copy of a 3.1 document whose Schema Objects (each `schema` of a parameter, header or
    media type, and every entry of components.schemas, with everything nested in them) are made
    at least as strict as the dialect checks them; example and default values are left alone."""
    if isinstance(node, list):
        return [_stricter(item, (*path, i)) for i, item in enumerate(node)]
    if not isinstance(node, dict):
        return node
    if path == ("components", "schemas"):
        return {name: _stricter_schema(value) for name, value in node.items()}
    out = {}
    for key, value in node.items():
        if key == "schema" and isinstance(value, dict):
            out[key] = _stricter_schema(value)
        elif key in _DATA:
            out[key] = value
        else:
            out[key] = _stricter(value, (*path, key))
    return out


_KEYWORDS: dict[str, Any] = {
    _PATTERN: _PythonPattern,
    _KEYS_ALIKE: _KeysMatchedAlike,
    _FORMAT: _Format,
}


class DocumentValues:
    """Whether values (examples, defaults) surely match schemas of one OpenAPI 3.1 document, at
    JSON pointers into it (percent-encoded URI fragments). Only ever answers True when
    openapi-schema-validator's OAS31Validator with its format checker would find no error and
    raise nothing; for a 3.0 document (its dialect differs more: `nullable`, sibling `$ref`s,
    `byte`) it always answers False."""

    def __init__(self, document: Any, is_31: bool, uri: str) -> None:
        self._uri = uri
        self._registry: Any = None
        self._document: Any = None
        self._acyclic: dict[int, bool] = {}  # schema → nothing it reaches loops in place
        self._loop_free: dict[int, bool] = {}  # schema → no in-place chain from it loops
        if not (ENABLED and is_31):
            return
        try:
            import jsonschema_rs

            self._document = _stricter(document)
            self._registry = jsonschema_rs.Registry(
                [(uri, self._document)], draft=jsonschema_rs.Draft202012
            )
        except Exception:
            self._registry = None

    def surely_valid(self, fragment: str, value: Any) -> bool:
        if self._registry is None or not self._cycle_free(fragment):
            return False
        try:
            import jsonschema_rs

            validator = jsonschema_rs.Draft202012Validator(
                {"$ref": f"{self._uri}#{fragment}"},
                registry=self._registry,
                validate_formats=False,
                retriever=_refuse,
                keywords=_KEYWORDS,
            )
            return bool(validator.is_valid(value))
        except Exception:
            return False

    def _resolve(self, fragment: str) -> tuple[bool, Any]:
        from urllib.parse import unquote

        node = self._document
        if fragment in ("", "/"):
            return fragment == "", node
        if not fragment.startswith("/"):
            return False, None  # an anchor: not followed here
        for part in unquote(fragment)[1:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return False, None
        return True, node

    def _cycle_free(self, fragment: str) -> bool:
        """False when some schema the one at `fragment` can reach (through any keyword or
        `$ref`) can reach itself without descending into the instance (`A: {$ref: A}`, or through
        allOf/anyOf/oneOf/not/if/then/else): jsonschema recurses until it fails there, where
        jsonschema-rs answers. Also False for what this walk does not follow (a `$ref` that is not
        a pointer into the document, a nested `$id`)."""
        found, start = self._resolve(fragment)
        if not found:
            return False
        known = self._acyclic.get(id(start))
        if known is not None:
            return known
        seen: set[int] = set()
        todo = [start]
        while todo:
            node = todo.pop()
            if id(node) in seen or not isinstance(node, dict):
                continue
            seen.add(id(node))
            if node is not start and self._acyclic.get(id(node)) is True:
                continue  # what it reaches was walked before and found free of loops
            if not self._no_loop_from(node):
                return self._remember(start, False)
            inner = self._in_place(node) or []
            todo.extend(inner)
            for key in _SCHEMA_ONE:
                if key in node:
                    todo.append(node[key])
            for key in _SCHEMA_LISTS:
                if isinstance(node.get(key), list):
                    todo.extend(node[key])
            for key in _SCHEMA_MAPS:
                if isinstance(node.get(key), dict):
                    todo.extend(node[key].values())
        # everything each schema here reaches was walked too: none needs walking again (without
        # this, each example's schema would walk all it reaches: quadratic in a connected spec)
        self._acyclic.update(dict.fromkeys(seen, True))
        return True

    def _no_loop_from(self, start: Any) -> bool:
        """True when no chain of in-place applicators from `start` comes back to a schema of the
        chain (and every `$ref` on the way could be followed)."""
        known = self._loop_free.get(id(start))
        if known is not None:
            return known
        state: dict[int, int] = {}  # 1: on the current chain, 2: done
        stack: list[tuple[Any, Iterator[Any] | None]] = [(start, None)]
        while stack:
            node, children = stack[-1]
            if children is None:
                key = id(node)
                if state.get(key) == 2 or self._loop_free.get(key) is True:
                    stack.pop()
                    continue
                if state.get(key) == 1 or self._loop_free.get(key) is False:
                    self._loop_free[id(start)] = False
                    return False
                state[key] = 1
                targets = self._in_place(node)
                if targets is None:
                    self._loop_free[id(start)] = False
                    return False
                stack[-1] = (node, iter(targets))
                continue
            child = next(children, _END)
            if child is _END:
                state[id(node)] = 2
                self._loop_free[id(node)] = True
                stack.pop()
            else:
                stack.append((child, None))
        return True

    def _remember(self, node: Any, answer: bool) -> bool:
        self._acyclic[id(node)] = answer
        return answer

    def _in_place(self, node: Any) -> list[Any] | None:
        """The schemas applied to the same instance as `node`; None for one not followed."""
        if not isinstance(node, dict):
            return []
        if "$id" in node or "$dynamicRef" in node or "$recursiveRef" in node:
            return None
        out: list[Any] = []
        ref = node.get("$ref")
        if ref is not None:
            if not isinstance(ref, str) or not ref.startswith("#"):
                return None
            found, target = self._resolve(ref[1:])
            if not found:
                return None
            out.append(target)
        for key in ("not", "if", "then", "else"):
            if key in node:
                out.append(node[key])
        for key in ("allOf", "anyOf", "oneOf"):
            if isinstance(node.get(key), list):
                out.extend(node[key])
        dependent = node.get("dependentSchemas")
        if isinstance(dependent, dict):
            out.extend(dependent.values())
        return out


_END = object()


_LAST: list[tuple[Any, bool, str, DocumentValues]] = []


def document_values(document: Any, is_31: bool, uri: str) -> DocumentValues:
    """`DocumentValues` of a document, shared by the passes that ask about the same document
    object one after the other (examples and defaults): the stricter copy is made once."""
    for held, held_31, held_uri, values in _LAST:
        if held is document and held_31 == is_31 and held_uri == uri:
            return values
    values = DocumentValues(document, is_31, uri)
    _LAST[:] = [(document, is_31, uri, values)]
    return values
