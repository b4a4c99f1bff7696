"""Structural fuzzing of the generator: mutate real specs and check what the generator does with each.

Seeds are the project's own specs (the Video spec cut into slices of a few operations, so one mutant
validates in a fraction of a second) and the golden specs, fragments included. Each mutant gets one to
three edits: a key deleted, a value swapped for one of another type, a wrong value (hostile strings,
out-of-range numbers, misspelled keywords), a duplicated or colliding name, a random `$ref`, or a
generator extension given a wrong value. The generator must then either

* refuse it with located problems (a SpecError, exit status 2: every problem has a file, a line and a
  JSON pointer), or
* generate a package whose every module compiles and imports, and whose models all build (what it
  skipped or generated around, if anything, said in located warnings);

never anything else (an internal error, exit status 3). Mutant `i` of seed `s` depends only on
(seed, i), so a failure is reproduced by its number: `python -m tests.fuzz --seed S --only I`.

`python -m tests.fuzz [COUNT]` (`make fuzz`, count from $SDKGEN_FUZZ_COUNT) runs many more than the
bounded test in tests/test_fuzz.py.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from generator.errors import SpecError
from generator.load import _parse_file, load_spec
from generator.pipeline import build
from generator.write import write_tree

ROOT = Path(__file__).resolve().parent.parent
Files = dict[str, Any]  # relative path → parsed YAML data; "spec.yaml" is the root

# ------------------------------------------------------------------------------------------ seeds


def _read_tree(root: Path) -> Files:
    """The root spec and every file it references, as plain data keyed by path relative to its folder."""
    loaded = load_spec(root)
    out: Files = {}
    for path in loaded.files:
        rel = path.relative_to(root.resolve().parent).as_posix()
        data = _parse_file(path, rel).data
        out["spec.yaml" if path == root.resolve() else rel] = data
    return out


def _local_refs(node: Any) -> Iterator[str]:
    todo = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            ref = item.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/"):
                yield ref
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)


def _video_slices() -> list[tuple[str, Files]]:
    """The bundled Video spec cut into single-file specs of a few paths each, with the components
    they reach: the whole spec takes seconds to validate, a slice a small fraction of that."""
    data = load_spec(ROOT / "specs" / "stream_video.yaml").data
    paths = list(data["paths"])
    groups = [paths[i : i + 2] for i in range(0, len(paths), 2)]
    slices = []
    for n, group in enumerate(groups):
        picked = {p: data["paths"][p] for p in group}
        components: dict[str, dict[str, Any]] = {
            "securitySchemes": data["components"]["securitySchemes"]
        }
        todo = list(_local_refs(picked))
        seen: set[str] = set()
        while todo:
            ref = todo.pop()
            if ref in seen:
                continue
            seen.add(ref)
            parts = ref[2:].split("/")
            if len(parts) != 3 or parts[0] != "components":
                continue
            target = data["components"][parts[1]][parts[2]]
            components.setdefault(parts[1], {})[parts[2]] = target
            todo.extend(_local_refs(target))
        doc = {key: data[key] for key in ("openapi", "info", "servers", "security") if key in data}
        doc["paths"] = picked
        doc["components"] = components
        slices.append((f"video-{n}", {"spec.yaml": doc}))
    return slices


@cache
def seeds() -> tuple[tuple[str, Files], ...]:
    found = [("laml", _read_tree(ROOT / "specs" / "laml_streams.yaml"))]
    found += _video_slices()
    for case in sorted((ROOT / "tests" / "golden").iterdir()):
        if (case / "spec.yaml").is_file():
            found.append((f"golden-{case.name}", _read_tree(case / "spec.yaml")))
    return tuple(found)


# ---------------------------------------------------------------------------------------- mutation

Pointer = tuple[str | int, ...]

HOSTILE_STRINGS = (
    "",
    " ",
    "x",
    "a.b",
    ".",
    "..",
    "{",
    "}",
    "{x}",
    "-->",
    "<!--",
    '"""',
    "'",
    "\\",
    "\x7f",
    "\x1b[31mred",
    "\x00",
    "line\nbreak",
    "# heading\n![img](http://example.com/x.png)",
    "class",
    "None",
    "self",
    "model_config",
    "__init__",
    "é",
    "名前",
    "😀",
    "1st",
    "_",
    "-",
    "a" * 300,
    "0",
    "true",
    "null",
    "(?<name>a)",
    "\\p{L}+",
    "[",
    "*",
    "${x}",
)
# References the loader must refuse without opening (or without reading for ever).
OUTSIDE_REFS = ("../outside.yaml#/x", "/etc/hostname", "/dev/zero", "/dev/stdin")
WRONG_SCALARS = (0, -1, 1, 2**63, 10**30, 1.5, -0.0, 1e308, True, False, None)
SWAPS: tuple[Any, ...] = (
    "",
    "text",
    0,
    -7,
    3.5,
    True,
    None,
    [],
    {},
    ["a"],
    {"a": 1},
    [{"a": 1}],
)
KEYWORD_VALUES = {
    "type": [
        "strin",
        "object",
        "array",
        "null",
        "integer",
        "number",
        "boolean",
        "string",
        ["string", "null"],
    ],
    "in": ["path", "query", "header", "cookie", "body"],
    "format": ["date-time", "date", "binary", "uuid", "int64", "nope"],
    "style": ["form", "simple", "deepObject", "matrix"],
    "openapi": ["3.0.3", "3.1.0", "3.2.0", "2.0", "3"],
    "required": [True, [], ["nope"], ["a", "a"]],
    "scheme": ["basic", "bearer", "digest", "Bearer"],
    "pattern": ["(?<name>a)b", "\\p{L}+", "[", "(?<=a+)b", "^a$", "\\k<n>", "\\d{2,1}"],
    "enum": [[], [None], [1, "a"], ["a", "a"], [True], [1.5, 2]],
    "additionalProperties": [True, False, {}, {"type": "integer"}],
    "nullable": [True, False],
    "explode": [True, False],
    "minimum": [-1, 10**30, 0.5],
    "maxLength": [0, -1, 10**30],
}
# Generator extensions and values of the wrong type or range for them.
EXTENSIONS: dict[str, list[Any]] = {
    "x-sdk": ["pkg", {"package": 1}, {"distribution": "-bad-"}, {"client": ""}, {"version": "x.y"}],
    "x-sdk-name": ["", "one", "a..b", 3, ["a", "b"], "a.b.c", "class.import"],
    "x-sdk-idempotent": ["yes", 1, None],
    "x-pagination": ["next", {"next": 1}, {"items": ["a"]}, {}],
    "x-sdk-client-default": ["x", {"argument": 3}, {"from-credential": "nope"}],
    "x-sdk-indexed-pairs": ["x", {"max": -1}, {"max": "ten"}, {"name": 5}],
    "x-sdk-credentials": ["x", {"token": "x"}, {"password": {"env": 5}}],
    "x-sdk-constant": [{"a": 1}, ["a"], 5, "a\r\nb"],
    "x-sdk-jwt": ["x", {"ttl": -5}, {"ttl": 1}, {"claims": "x"}, {"claims": {"iat": 1}}],
    "x-sdk-env": [5, "1BAD", "A B", ""],
    "x-sdk-argument": [5, "", "class"],
    "x-inferred": ["yes", 3],
}


def _nodes(data: Any) -> list[tuple[Pointer, Any]]:
    out: list[tuple[Pointer, Any]] = []
    todo: list[tuple[Pointer, Any]] = [((), data)]
    while todo:
        ptr, node = todo.pop()
        out.append((ptr, node))
        if isinstance(node, dict):
            todo.extend(((*ptr, k), v) for k, v in node.items())
        elif isinstance(node, list):
            todo.extend(((*ptr, i), v) for i, v in enumerate(node))
    out.sort(key=lambda item: [str(p) for p in item[0]])  # deterministic, whatever the walk order
    return out


def _get(data: Any, ptr: Pointer) -> Any:
    for part in ptr:
        data = data[part]
    return data


def _set(data: Any, ptr: Pointer, value: Any) -> Any:
    if not ptr:
        return value
    _get(data, ptr[:-1])[ptr[-1]] = value
    return data


def _pointer_text(ptr: Pointer) -> str:
    return "#/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in ptr)


def _collide(name: str, rng: random.Random) -> str:
    """A different name that the generator may turn into the same Python identifier."""
    options = [
        name.upper(),
        name.lower(),
        name + "_",
        "_" + name,
        name.replace("_", "-"),
        re.sub(r"_(\w)", lambda m: m.group(1).upper(), name),
        re.sub(r"([A-Z])", r"_\1", name).lower(),
        name + " ",
        name + "2",
    ]
    options = [o for o in options if o != name] or [name + "_"]
    return rng.choice(options)


@dataclass
class Mutant:
    seed: str
    index: int
    files: Files
    edits: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.seed}#{self.index}"


def _edit(files: Files, rng: random.Random) -> str:
    path = "spec.yaml" if rng.random() < 0.7 or len(files) == 1 else rng.choice(sorted(files))
    data = files[path]
    nodes = _nodes(data)
    op = rng.choice(
        [
            "delete",
            "swap",
            "wrong",
            "duplicate",
            "ref",
            "extension",
            "schema",
            "schema",
            "operation",
        ]
    )
    if op == "schema":
        return _schema_edit(path, data, nodes, rng)
    if op == "operation":
        return _operation_edit(path, data, nodes, rng)
    if op == "delete":
        maps = [(p, n) for p, n in nodes if isinstance(n, dict) and n]
        ptr, node = rng.choice(maps)
        key = rng.choice(sorted(node))
        del node[key]
        return f"{path}: delete {_pointer_text((*ptr, key))}"
    if op == "swap":
        ptr, node = rng.choice(nodes[1:])
        value = rng.choice([v for v in SWAPS if type(v) is not type(node)])
        _set(data, ptr, copy.deepcopy(value))
        return f"{path}: {_pointer_text(ptr)} = {value!r}"
    if op == "wrong":
        keyed = [(p, n) for p, n in nodes if p and p[-1] in KEYWORD_VALUES]
        if keyed and rng.random() < 0.5:
            ptr, _ = rng.choice(keyed)
            value = rng.choice(KEYWORD_VALUES[str(ptr[-1])])
        else:
            scalars = [(p, n) for p, n in nodes if p and not isinstance(n, (dict, list))]
            if not scalars:
                return "no scalar to change"
            ptr, node = rng.choice(scalars)
            value = rng.choice(HOSTILE_STRINGS if isinstance(node, str) else WRONG_SCALARS)
        _set(data, ptr, copy.deepcopy(value))
        return f"{path}: {_pointer_text(ptr)} = {value!r}"
    if op == "duplicate":
        named = [(p, n) for p, n in nodes if isinstance(n, dict) and n]
        lists = [(p, n) for p, n in nodes if isinstance(n, list) and n]
        if lists and rng.random() < 0.3:
            ptr, items = rng.choice(lists)
            items.append(copy.deepcopy(rng.choice(items)))
            return f"{path}: duplicate an item of {_pointer_text(ptr)}"
        ptr, node = rng.choice(named)
        key = rng.choice(sorted(node))
        new = _collide(str(key), rng)
        node.setdefault(new, copy.deepcopy(node[key]))
        return f"{path}: {_pointer_text(ptr)}: copy {key!r} as {new!r}"
    if op == "ref":
        maps = [(p, n) for p, n in nodes[1:] if isinstance(n, dict)]
        ptr, _ = rng.choice(maps)
        targets = [_pointer_text(p) for p, n in nodes if isinstance(n, dict)]
        others = [f for f in sorted(files) if f != path]
        choices = [
            rng.choice(targets),
            rng.choice(targets),
            "#/components/schemas/Nope",
            "#/paths",
            "#",
            "#/" + "/".join(str(p) for p in ptr),  # itself
            "http://example.com/x.yaml",
            "missing.yaml",
            "#/components/schemas/" + "%7B",
            *OUTSIDE_REFS,
        ]
        if others:
            other = rng.choice(others)
            choices += [other, f"{other}#/nope"] + [
                other + _pointer_text(p)[1:] for p, _ in rng.sample(_nodes(files[other]), 2)
            ]
        ref = rng.choice(choices)
        _set(data, ptr, {"$ref": ref})
        return f"{path}: {_pointer_text(ptr)} = {{$ref: {ref!r}}}"
    # extension: a wrong or odd value where the generator reads it (or somewhere it does not)
    name = rng.choice(sorted(EXTENSIONS))
    maps = [(p, n) for p, n in nodes if isinstance(n, dict)]
    ptr, node = rng.choice(maps)
    value = copy.deepcopy(rng.choice(EXTENSIONS[name]))
    node[name] = value
    return f"{path}: {_pointer_text((*ptr, name))} = {value!r}"


def _schemas_in(nodes: list[tuple[Pointer, Any]]) -> list[Pointer]:
    """Pointers of nodes that are Schema Objects: what the generator turns into types."""
    found = []
    for ptr, _ in nodes:
        if (
            (len(ptr) >= 3 and ptr[-3:-1] == ("components", "schemas"))
            or (ptr and ptr[-1] in ("schema", "items", "additionalProperties", "not"))
            or (len(ptr) >= 2 and ptr[-2] in ("properties", "allOf", "oneOf", "anyOf"))
        ):
            found.append(ptr)
    return found


def _valid_schemas(refs: list[str], rng: random.Random) -> list[Any]:
    """Schemas an OpenAPI validator accepts, each odd in its own way for a code generator."""
    ref = {"$ref": rng.choice(refs)} if refs else {"type": "string"}
    other = {"$ref": rng.choice(refs)} if refs else {"type": "integer"}
    return [
        True,
        False,
        {},
        {"type": "string", "format": "date-time"},
        {"type": ["string", "null"]},
        {"type": ["integer", "string", "array"], "items": {"type": "string"}},
        {"type": "null"},
        {"enum": [1, 2, 3]},
        {"enum": ["a", None]},
        {"enum": [None]},
        {"enum": [True, "x", 1.5]},
        {"enum": ["class", "None", "", "a-b", "A B", "1st", "é"]},
        {"const": "fixed"},
        {"const": {"a": 1}},
        {"const": None},
        {"oneOf": [ref, {"type": "integer"}]},
        {"anyOf": [ref, other, {"type": "null"}]},
        {"allOf": [ref]},
        {"allOf": [ref, other]},
        {"allOf": [ref, {"type": "object", "properties": {"extra": {"type": "string"}}}]},
        {"oneOf": [ref, other], "discriminator": {"propertyName": "kind"}},
        {"oneOf": [ref, other], "discriminator": {"propertyName": "kind", "mapping": {"a": "X"}}},
        {"type": "array", "items": ref},
        {"type": "array", "items": {"type": "array", "items": other}},
        {"type": "object", "additionalProperties": ref},
        {"type": "object", "additionalProperties": False},
        {"type": "object", "properties": {}, "additionalProperties": True},
        {"not": {"type": "string"}},
        {
            "type": "object",
            "required": ["class", "from", "self", "model_config"],
            "properties": {
                name: {"type": "string"}
                for name in ("class", "from", "self", "model_config", "json", "user-id", "user_id")
            },
        },
        {"type": "object", "properties": {"": {"type": "string"}, "_": {"type": "integer"}}},
        {"type": "string", "pattern": rng.choice(KEYWORD_VALUES["pattern"])},
        {"type": "string", "minLength": 5, "maxLength": 2},
        {"type": "integer", "minimum": 10, "maximum": 1, "default": 99},
        {"type": "number", "exclusiveMinimum": 0, "multipleOf": 0.1},
        {"type": "string", "default": '\x7f\x1b"""'},
        {"type": "string", "example": {"nested": [1, {"deep": None}]}},
        {"nullable": True, "type": "string"},
        {"type": "object", "x-sdk-indexed-pairs": {"argument": "pairs", "max": 3}},
        {"$ref": "#/components/schemas/" + ("Very" * 70)},
    ]


def _schema_edit(path: str, data: Any, nodes: list[tuple[Pointer, Any]], rng: random.Random) -> str:
    """Replace a schema with one that is valid OpenAPI but odd, or make it self-referring."""
    schemas = _schemas_in(nodes)
    if not schemas:
        return "no schema to change"
    ptr = rng.choice(schemas)
    refs = [_pointer_text(p) for p in schemas if len(p) == 3 and p[0] == "components"]
    value = rng.choice(_valid_schemas(refs, rng))
    if rng.random() < 0.15:  # a reference to where it sits, or to a part of itself
        value = {"$ref": _pointer_text(ptr[: rng.randint(max(1, len(ptr) - 2), len(ptr))])}
    _set(data, ptr, copy.deepcopy(value))
    return f"{path}: {_pointer_text(ptr)} = {value!r}"[:300]


def _operation_edit(
    path: str, data: Any, nodes: list[tuple[Pointer, Any]], rng: random.Random
) -> str:
    """Change an operation in ways the OpenAPI schema allows: parameters, bodies, responses, names."""
    operations = [
        (p, n)
        for p, n in nodes
        if len(p) == 3
        and p[0] == "paths"
        and p[2] in ("get", "post", "put", "delete", "patch")
        and isinstance(n, dict)
    ]
    if not operations:
        return "no operation to change"
    ptr, op = rng.choice(operations)
    name = rng.choice(
        [
            "class",
            "self",
            "request_options",
            "timeout",
            "body",
            "next",
            "from",
            "x-y",
            "X_Y",
            "_",
            "list",
        ]
    )
    choice = rng.randrange(9)
    if choice == 0:
        where = rng.choice(["query", "header", "path"])
        param = {
            "name": name,
            "in": where,
            "required": where == "path",
            "schema": {"type": "string"},
        }
        op.setdefault("parameters", []).append(param)
        return f"{path}: {_pointer_text(ptr)}: parameter {param}"
    if choice == 1:
        media = rng.choice(
            [
                "text/plain",
                "application/octet-stream",
                "application/problem+json",
                "application/xml",
                "*/*",
            ]
        )
        op["responses"] = {
            "200": {"description": "ok", "content": {media: {"schema": {"type": "string"}}}}
        }
        return f"{path}: {_pointer_text(ptr)}: responds {media}"
    if choice == 2:
        media = rng.choice(
            [
                "application/x-www-form-urlencoded",
                "application/json",
                "application/merge-patch+json",
                "multipart/form-data",
                "text/plain",
            ]
        )
        schema = rng.choice(
            [
                {"type": "object", "properties": {name: {"type": "string"}}},
                {"type": "string"},
                {"type": "array", "items": {"type": "integer"}},
                {},
            ]
        )
        op["requestBody"] = {"required": rng.random() < 0.5, "content": {media: {"schema": schema}}}
        return f"{path}: {_pointer_text(ptr)}: body {media} {schema}"
    if choice == 3:
        op["x-sdk-name"] = rng.choice(
            [
                "calls.get",
                "calls.list",
                "a.b.c.d",
                "class.import",
                "with_raw_response.get",
                "x.close",
                "list.list",
            ]
        )
        return f"{path}: {_pointer_text(ptr)}: x-sdk-name {op['x-sdk-name']}"
    if choice == 4:
        op["operationId"] = rng.choice(
            ["import", "class", "list", "getThing", "get_thing", "GetThing", "__init__", "1st"]
        )
        return f"{path}: {_pointer_text(ptr)}: operationId {op['operationId']}"
    if choice == 5:
        op["x-pagination"] = {
            "next": rng.choice(["next", "cursor", name]),
            "prev": "prev",
            "items": rng.choice(["items", "calls", name]),
        }
        return f"{path}: {_pointer_text(ptr)}: x-pagination {op['x-pagination']}"
    if choice == 6:
        op["tags"] = [
            rng.choice(["", "Odd Tag!", "class", "models", "with_raw_response", "é", "a" * 250])
        ]
        op.pop("x-sdk-name", None)
        return f"{path}: {_pointer_text(ptr)}: tags {op['tags']}"
    if choice == 7:
        code = rng.choice(["default", "2XX", "201", "204", "400", "418", "599"])
        op.setdefault("responses", {})[code] = {
            "description": "x",
            "content": {
                "application/json": {
                    "schema": rng.choice([{"type": "object"}, {"type": "string"}, True])
                }
            },
        }
        return f"{path}: {_pointer_text(ptr)}: response {code}"
    data["paths"][ptr[1] + "/copy"] = {ptr[2]: copy.deepcopy(op)}  # the same operation twice
    return f"{path}: {_pointer_text(ptr)}: copied to {ptr[1]}/copy"


def mutant(seed_name: str, files: Files, index: int, fuzz_seed: int) -> Mutant:
    rng = random.Random(f"{fuzz_seed}:{seed_name}:{index}")
    out = Mutant(seed_name, index, copy.deepcopy(files))
    for _ in range(rng.choice((1, 1, 2, 3))):
        try:
            out.edits.append(_edit(out.files, rng))
        except (IndexError, KeyError, TypeError, ValueError):  # the chosen node vanished: skip
            out.edits.append("(edit skipped)")
    return out


def seed_size(files: Files) -> int:
    return sum(len(_nodes(data)) for data in files.values())


def mutants(count: int, fuzz_seed: int, max_seed_nodes: int | None = None) -> list[Mutant]:
    """`count` mutants spread evenly over the seeds (those of at most `max_seed_nodes` nodes, if
    given: validation time grows with a spec's size), in a fixed order."""
    pool = [s for s in seeds() if max_seed_nodes is None or seed_size(s[1]) <= max_seed_nodes]
    return [
        mutant(pool[i % len(pool)][0], pool[i % len(pool)][1], i, fuzz_seed) for i in range(count)
    ]


# ------------------------------------------------------------------------------------------ running

# YAML cannot carry these raw, so the writer escapes them inside the (JSON) strings.
_UNPRINTABLE = re.compile("[\x7f-\x9f\ufeff\ud800-\udfff\ufffe\uffff]")


def _dump(data: Any) -> str:
    """JSON is YAML: exact for every value the seeds and edits use, including hostile strings."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


@dataclass
class Outcome:
    kind: str  # "refused", "generated" or "internal"
    detail: str = ""
    package_dir: Path | None = None
    package: str = ""
    seconds: float = 0.0


def run(m: Mutant, workdir: Path, formatted: bool = False, lenient: bool = False) -> Outcome:
    """Write the mutant's files, run the pipeline in-process, and write the package if it builds
    (`lenient`: with the vendor mistakes generated around, as `--lenient` does)."""
    spec_dir = workdir / "spec"
    for rel, data in m.files.items():
        target = spec_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(_dump(data), encoding="utf-8")
    started = time.perf_counter()
    try:
        mode = {"lenient": True} if lenient else {}
        api, files = build(spec_dir / "spec.yaml", formatted=formatted, **mode)
    except SpecError as exc:
        bad = [
            str(p)
            for p in exc.problems
            if not (p.pos.file and p.pos.line >= 1 and p.pointer.startswith("#") and p.message)
        ]
        if not exc.problems or bad:
            return Outcome("internal", f"unlocated problem(s): {bad or 'none at all'}")
        return Outcome("refused", str(exc.problems[0]), seconds=time.perf_counter() - started)
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        site = f"{Path(frame.filename).name}:{frame.lineno} ({frame.name})"
        return Outcome("internal", f"{type(exc).__name__} at {site}: {exc}"[:500])
    unlocated = [str(w) for w in api.warnings if not (w.pos.file and w.pos.line >= 1)]
    if unlocated:  # what was generated around or skipped must be located too
        return Outcome("internal", f"unlocated warning(s): {unlocated}")
    out = workdir / "out"
    try:
        write_tree(out / api.package, files)
    except BaseException as exc:
        return Outcome("internal", f"write failed: {type(exc).__name__}: {exc}"[:500])
    for path in files:
        if path.suffix == ".py":
            try:
                compile(files[path], str(path), "exec")
            except SyntaxError as exc:
                return Outcome("internal", f"{path} does not compile: {exc}")
    return Outcome("generated", package_dir=out / api.package, package=api.package)


_IMPORT_ALL = r"""
import importlib, json, pkgutil, sys, traceback
from pydantic import BaseModel
results = {}
for name, root, package in json.loads(sys.argv[1]):
    sys.path.insert(0, root)
    try:
        top = importlib.import_module(package)
        if not top.__file__.startswith(root):  # an installed package of the same name
            raise ImportError(f"imported {top.__file__}, not the generated package")
        for info in pkgutil.walk_packages(top.__path__, package + "."):
            module = importlib.import_module(info.name)
            for value in list(vars(module).values()):
                if isinstance(value, type) and issubclass(value, BaseModel) and value.__module__ == info.name:
                    value.model_rebuild()  # builds the schema now: patterns compile, refs resolve
        results[name] = ""
    except BaseException as exc:
        results[name] = f"{type(exc).__name__}: {exc}"[:500] + "\n" + traceback.format_exc()[-1500:]
    finally:
        sys.path.remove(root)
        for key in [k for k in sys.modules if k == package or k.startswith(package + ".")]:
            del sys.modules[key]
print(json.dumps(results))
"""


def import_all(generated: list[tuple[str, Outcome]], workers: int = 1) -> dict[str, str]:
    """Import every generated package (all its modules, every model built) in fresh interpreters
    (`workers` of them, sharing the packages); the error text per mutant name ('' if it imports)."""
    if not generated:
        return {}
    chunks = [generated[i::workers] for i in range(workers) if generated[i::workers]]
    importers = [
        (
            chunk,
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _IMPORT_ALL,
                    json.dumps([(n, str(o.package_dir), o.package) for n, o in chunk]),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for chunk in chunks
    ]
    results: dict[str, str] = {}
    for chunk, importer in importers:
        stdout, stderr = importer.communicate(timeout=600)
        if importer.returncode != 0:
            results.update({name: f"importer crashed: {stderr[-2000:]}" for name, _ in chunk})
        else:
            results.update(json.loads(stdout.splitlines()[-1]))
    return results


@dataclass
class Report:
    outcomes: dict[str, Outcome]
    edits: dict[str, list[str]]
    seconds: float

    @property
    def failures(self) -> dict[str, str]:
        return {n: o.detail for n, o in self.outcomes.items() if o.kind == "internal"}

    def summary(self) -> str:
        kinds = Counter(o.kind for o in self.outcomes.values())
        sites = Counter(detail.split(":", 1)[0] for detail in self.failures.values())
        lines = [
            f"{len(self.outcomes)} mutants in {self.seconds:.1f}s: {kinds['refused']} refused, "
            f"{kinds['generated']} generated, {kinds['internal']} internal errors"
        ]
        lines += [f"  {count} x {site}" for site, count in sites.most_common()]
        for name, detail in sorted(self.failures.items()):
            lines.append(f"- {name}: {'; '.join(self.edits[name])}\n    {detail}")
        return "\n".join(lines)


def _run_one(job: tuple[Mutant, Path, bool, bool]) -> tuple[str, Outcome]:
    m, workdir, formatted, lenient = job
    return m.name, run(m, workdir, formatted, lenient)


def fuzz(
    count: int,
    fuzz_seed: int = 0,
    formatted: bool = False,
    only: int | None = None,
    progress: Callable[[str], None] | None = None,
    workers: int | None = None,
    max_seed_nodes: int | None = None,
    lenient: bool = False,
) -> Report:
    """Run `count` mutants (or just number `only`) in `workers` processes (default: one per CPU,
    at most 4; $SDKGEN_FUZZ_WORKERS), then import what they generated."""
    started = time.perf_counter()
    chosen = mutants(count if only is None else only + 1, fuzz_seed, max_seed_nodes)
    if only is not None:
        chosen = chosen[only:]
    if workers is None:
        workers = int(os.environ.get("SDKGEN_FUZZ_WORKERS") or min(os.cpu_count() or 1, 4))
    workers = max(1, min(workers, len(chosen)))
    outcomes: dict[str, Outcome] = {}
    edits = {m.name: m.edits for m in chosen}
    with tempfile.TemporaryDirectory(prefix="sdkgen-fuzz-") as tmp:
        jobs = [(m, Path(tmp) / str(m.index), formatted, lenient) for m in chosen]
        if workers == 1:
            results: Iterator[tuple[str, Outcome]] = map(_run_one, jobs)
            pool = None
        else:  # forked workers start with the generator imported and its caches warm
            pool = concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork")
            )
            results = pool.map(_run_one, jobs, chunksize=4)
        try:
            for name, outcome in results:
                outcomes[name] = outcome
                if progress and outcome.kind == "internal":
                    progress(f"{name}: {outcome.detail}")
        finally:
            if pool is not None:
                pool.shutdown()
        generated = [(n, o) for n, o in outcomes.items() if o.kind == "generated"]
        for name, error in import_all(generated, workers).items():
            if error:
                outcomes[name] = Outcome("internal", f"import failed: {error}")
    return Report(outcomes, edits, time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "count", nargs="?", type=int, default=int(os.environ.get("SDKGEN_FUZZ_COUNT", "2000"))
    )
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SDKGEN_FUZZ_SEED", "0")))
    parser.add_argument("--only", type=int, help="run just this mutant number")
    parser.add_argument("--black", action="store_true", help="format with black too (slower)")
    parser.add_argument(
        "--lenient", action="store_true", help="generate around vendor mistakes (--lenient)"
    )
    args = parser.parse_args()
    report = fuzz(
        args.count, args.seed, args.black, args.only, progress=print, lenient=args.lenient
    )
    if args.only is not None:
        for name, edits in report.edits.items():
            print(name, edits)
    print(report.summary())
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
