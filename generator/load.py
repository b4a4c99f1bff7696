"""Load stage: spec path → one bundled plain-data document, with the file:line of every node.

A spec may be split into files joined by relative `$ref`s. Bundling follows one rule, so the result is a
single self-contained OpenAPI document:

* The root file's `components/<kind>/<Name>` entries that are a bare external `$ref` form an index: the
  entry takes the target's content, and every `$ref` to that target, from any file, becomes
  `#/components/<kind>/<Name>`. Named (and recursive) schemas must be indexed this way.
* Any other external `$ref` (a path item, a response, an anonymous schema) is inlined in place.
* A `#/…` reference inside a fragment file means that fragment's own pointer, as JSON Reference says.

YAML is parsed with libyaml (`CSafeLoader`) through `compose`, which keeps each node's position while
still running at C speed; values are built here so duplicate keys are reported, not silently dropped, and
timestamps stay strings (an OpenAPI document is JSON data).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

from generator.errors import Problem, SourcePos, SpecError, format_pointer

Pointer = tuple[str | int, ...]

try:  # libyaml is many times faster than the pure-Python parser; fall back only where it is missing
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment,unused-ignore]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class _JsonLoader(_BaseLoader):  # type: ignore[misc,valid-type,unused-ignore]
    """Safe loader with YAML 1.2's core schema (what OpenAPI documents use), not PyYAML's 1.1:
    `on`/`no`/`yes` and `1:30` stay strings, `010` is ten, and timestamps stay strings."""


def _yaml12_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    text = str(loader.construct_scalar(node))
    if text.lstrip("+-").startswith("0x"):
        return int(text, 16)
    if text.lstrip("+-").startswith("0o"):
        return int(text.replace("0o", "", 1), 8)
    return int(text, 10)


_IMPLICIT = [
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "tag:yaml.org,2002:float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    # Recognised only to be refused with a clear message (YAML 1.2 has no merge keys).
    ("tag:yaml.org,2002:merge", r"^(?:<<)$", ["<"]),
]
_JsonLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in _IMPLICIT:
    _JsonLoader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))
_JsonLoader.add_constructor("tag:yaml.org,2002:int", _yaml12_int)


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    """The bundled document, where each of its nodes came from, and the files it was read from."""

    path: Path
    data: dict[str, Any]
    positions: Mapping[Pointer, SourcePos]
    files: tuple[Path, ...]

    def locate(self, pointer: Pointer) -> SourcePos:
        """Position of the node at `pointer`, or of its nearest ancestor that has one."""
        parts = tuple(pointer)
        while parts:
            pos = self.positions.get(parts)
            if pos is not None:
                return pos
            parts = parts[:-1]
        return self.positions.get((), SourcePos(display_path(self.path), 1))

    def follow(self, ref: str) -> tuple[Any, Pointer] | None:
        """The node a local `#/…` reference of the bundle leads to, and its pointer; None if nowhere."""
        return _resolve_pointer(self.data, ref.partition("#")[2])

    def problem(self, pointer: Pointer, message: str) -> Problem:
        return Problem(self.locate(pointer), format_pointer(tuple(pointer)), message)


def display_path(path: Path) -> str:
    """A path as users should see it in messages: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


@dataclass(slots=True)
class _File:
    path: Path
    data: Any
    positions: dict[Pointer, SourcePos]


class _NeedsPositions(Exception):
    """The fast JSON path met something to report: load again the located way."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _NeedsPositions
    return result


def _not_json(constant: str) -> Any:
    raise _NeedsPositions  # NaN, Infinity: Python's json accepts them, JSON does not


def _parse_file(path: Path, fast_json: bool = False) -> _File:
    name = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError([Problem(SourcePos(name, 1), "#", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecError([Problem(SourcePos(name, 1), "#", f"cannot read file: {exc}")]) from None
    if fast_json:
        # libyaml's composer is ~30x slower than json.loads on a large JSON spec, and positions are
        # only needed to locate a problem: any problem makes load_spec start over without this path.
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_not_json)
        except ValueError:
            raise _NeedsPositions from None
        return _File(path, data, {})
    loader = _JsonLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(filter(None, [exc.context, exc.problem]))
        raise SpecError([Problem(SourcePos(name, line), "#", f"invalid YAML: {reason}")]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(SourcePos(name, 1), "#", f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    positions: dict[Pointer, SourcePos] = {}
    problems: list[Problem] = []
    if node is None:
        raise SpecError([Problem(SourcePos(name, 1), "#", "file is empty")])
    data = _construct(node, (), name, loader, positions, problems)
    if problems:
        raise SpecError(problems)
    return _File(path, data, positions)


def _construct(
    node: yaml.Node,
    ptr: Pointer,
    name: str,
    loader: yaml.SafeLoader,
    positions: dict[Pointer, SourcePos],
    problems: list[Problem],
    mark: yaml.Mark | None = None,
) -> Any:
    # A mapping entry is located at its key (`get:`), not at the first line of its value.
    start = mark or node.start_mark
    pos = SourcePos(name, start.line + 1, start.column + 1)
    positions[ptr] = pos
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_pos = SourcePos(name, key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(
                    Problem(key_pos, format_pointer(ptr), "mapping keys must be scalars")
                )
                continue
            if key_node.tag == "tag:yaml.org,2002:merge":
                problems.append(
                    Problem(key_pos, format_pointer(ptr), "YAML merge keys (<<) are not supported")
                )
                continue
            key = key_node.value  # keys are names: `200:` means the string "200", as in JSON
            if key in result:
                problems.append(
                    Problem(key_pos, format_pointer((*ptr, key)), f"duplicate key {key!r}")
                )
                continue
            result[key] = _construct(
                value_node, (*ptr, key), name, loader, positions, problems, key_node.start_mark
            )
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, (*ptr, i), name, loader, positions, problems)
            for i, item in enumerate(node.value)
        ]
    value = loader.construct_object(node, deep=True)
    if isinstance(value, float) and value != value:  # NaN: JSON has no such value
        problems.append(Problem(pos, format_pointer(ptr), "NaN is not a JSON value"))
    return value


def _resolve_pointer(data: Any, pointer: str) -> tuple[Any, Pointer] | None:
    """Follow a JSON pointer fragment ('/a/b~1c'); None when it leads nowhere."""
    parts: list[str | int] = []
    node = data
    if pointer in ("", "/"):
        return (node, ()) if pointer == "" else None
    if not pointer.startswith("/"):
        return None
    for raw in pointer[1:].split("/"):
        token = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
            parts.append(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
            parts.append(int(token))
        else:
            return None
    return node, tuple(parts)


Target = tuple[Path, Pointer]


@dataclass(slots=True)
class _Bundler:
    root: Path
    files: dict[Path, _File] = field(default_factory=dict)
    index: dict[Target, str] = field(default_factory=dict)
    positions: dict[Pointer, SourcePos] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # Path.resolve() is a syscall per component; a spec names the same few files thousands of times.
    resolved: dict[tuple[Path, str], Path] = field(default_factory=dict)

    fast_json: bool = False

    def file(self, path: Path) -> _File:
        cached = self.files.get(path)
        if cached is None:
            fast = self.fast_json and path.suffix == ".json"
            cached = self.files[path] = _parse_file(path, fast)
        return cached

    def target(
        self, ref: str, origin: Path, at: SourcePos, ptr: Pointer
    ) -> tuple[Target, Any] | None:
        location, _, fragment = ref.partition("#")
        if "://" in location:
            self.problems.append(
                Problem(at, format_pointer(ptr), f"remote $ref {ref!r} is not supported")
            )
            return None
        path = self.resolved.get((origin, location)) or origin
        if location and (origin, location) not in self.resolved:
            path = self.resolved[origin, location] = (origin.parent / unquote(location)).resolve()
        try:
            doc = self.file(path)
        except SpecError as exc:
            if path.exists():
                self.problems.extend(exc.problems)
            else:
                self.problems.append(
                    Problem(at, format_pointer(ptr), f"$ref {ref!r}: file not found")
                )
            return None
        found = _resolve_pointer(doc.data, fragment)
        if found is None:
            self.problems.append(
                Problem(at, format_pointer(ptr), f"$ref {ref!r} points to nothing")
            )
            return None
        value, parts = found
        return (path, parts), value

    def build_index(self, root: _File) -> None:
        components = root.data.get("components") if isinstance(root.data, dict) else None
        if not isinstance(components, dict):
            return
        for kind, entries in components.items():
            if not isinstance(entries, dict):
                continue
            for name, entry in entries.items():
                ref = entry.get("$ref") if isinstance(entry, dict) else None
                if not isinstance(ref, str) or ref.startswith("#") or len(entry) != 1:
                    continue
                ptr: Pointer = ("components", kind, name)
                at = root.positions.get(ptr) or SourcePos(display_path(root.path), 1)
                found = self.target(ref, root.path, at, ptr)
                if found is not None:
                    self.index[found[0]] = format_pointer(("components", kind, name))

    def copy(
        self, doc: _File, src: Pointer, value: Any, out: Pointer, stack: tuple[Target, ...]
    ) -> Any:
        """Copy `value` (at `src` in `doc`) to `out` in the bundle, rewriting or inlining its refs."""
        pos = doc.positions.get(src)
        if pos is not None:
            self.positions[out] = pos
        if isinstance(value, list):
            return [
                self.copy(doc, (*src, i), item, (*out, i), stack) for i, item in enumerate(value)
            ]
        if not isinstance(value, dict):
            return value
        ref = value.get("$ref")
        if isinstance(ref, str) and not (doc.path == self.root and ref.startswith("#")):
            return self.follow(doc, src, value, ref, out, stack)
        if isinstance(ref, str):
            self.check_local(doc, ref, src, out)
        return {
            key: self.copy(doc, (*src, key), item, (*out, key), stack)
            for key, item in value.items()
        }

    def check_local(self, doc: _File, ref: str, src: Pointer, out: Pointer) -> None:
        """A `#/…` reference within the root file must lead somewhere, and a chain of such
        references must end in something other than another reference."""
        at = doc.positions.get(src, SourcePos(display_path(doc.path), 1))
        seen = [ref]
        target = ref
        while True:
            found = _resolve_pointer(doc.data, target.partition("#")[2])
            if found is None:
                self.problems.append(
                    Problem(at, format_pointer(out), f"$ref {target!r} points to nothing")
                )
                return
            value = found[0]
            nxt = value.get("$ref") if isinstance(value, dict) else None
            if not isinstance(nxt, str) or not nxt.startswith("#"):
                return
            if nxt in seen:
                chain = " -> ".join([*seen, nxt])
                self.problems.append(
                    Problem(at, format_pointer(out), f"$ref chain loops without a schema: {chain}")
                )
                return
            seen.append(nxt)
            target = nxt

    def follow(
        self,
        doc: _File,
        src: Pointer,
        value: dict[str, Any],
        ref: str,
        out: Pointer,
        stack: tuple[Target, ...],
    ) -> Any:
        at = doc.positions.get(src, SourcePos(display_path(doc.path), 1))
        found = self.target(ref, doc.path, at, out)
        siblings = {
            key: self.copy(doc, (*src, key), item, (*out, key), stack)
            for key, item in value.items()
            if key != "$ref"
        }
        if found is None:
            return {"$ref": ref, **siblings}
        key, target_value = found
        local = self.index.get(key)
        if local is None and key[0] == self.root:
            local = format_pointer(key[1])
        if local is not None and out != pointer_parts(local):
            return {"$ref": local, **siblings}
        if key in stack:
            self.problems.append(
                Problem(
                    at,
                    format_pointer(out),
                    f"$ref {ref!r} is recursive: list its target in the root file's components",
                )
            )
            return {}
        inlined = self.copy(self.file(key[0]), key[1], target_value, out, (*stack, key))
        if isinstance(inlined, dict):
            return {**inlined, **siblings}
        return inlined


def pointer_parts(pointer: str) -> Pointer:
    return tuple(
        p.replace("~1", "/").replace("~0", "~") for p in pointer.removeprefix("#/").split("/")
    )


class _LazyPositions(Mapping[Pointer, SourcePos]):
    """Positions of a spec whose JSON files were read with json.loads: composed with libyaml only
    when something asks (a problem to locate), giving exactly what the located load would."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._positions: Mapping[Pointer, SourcePos] | None = None

    def _get(self) -> Mapping[Pointer, SourcePos]:
        if self._positions is None:
            self._positions = _load(self._path, fast_json=False).positions
        return self._positions

    def __getitem__(self, pointer: Pointer) -> SourcePos:
        return self._get()[pointer]

    def __iter__(self) -> Iterator[Pointer]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def load_spec(path: Path) -> LoadedSpec:
    """Read the spec at `path` and every file it references; raise SpecError listing all problems."""
    if path.suffix == ".json":
        try:
            return _load(path, fast_json=True)
        except (_NeedsPositions, SpecError):
            pass  # start over the located way, which reports the problem with its line
    return _load(path, fast_json=False)


def _load(path: Path, fast_json: bool) -> LoadedSpec:
    root_path = path.resolve()
    bundler = _Bundler(root_path, fast_json=fast_json)
    root = bundler.file(root_path)
    if not isinstance(root.data, dict):
        if fast_json:
            raise _NeedsPositions
        raise SpecError([Problem(root.positions[()], "#", "an OpenAPI document must be a mapping")])
    bundler.build_index(root)
    data = bundler.copy(root, (), root.data, (), ())
    if bundler.problems:
        raise SpecError(bundler.problems)
    positions: Mapping[Pointer, SourcePos] = bundler.positions
    if any(not f.positions for f in bundler.files.values()):
        positions = _LazyPositions(path)
    return LoadedSpec(path=path, data=data, positions=positions, files=tuple(sorted(bundler.files)))
