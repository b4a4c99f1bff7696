"""Load stage: spec path → one bundled plain-data document, with the file:line of every node.

A spec may be split into files joined by relative `$ref`s. Bundling follows one rule, so the result is a
single self-contained OpenAPI document:

* The root file's `components/<kind>/<Name>` entries that are a bare external `$ref` form an index: the
  entry takes the target's content, and every `$ref` to that target, from any file, becomes
  `#/components/<kind>/<Name>`. Named (and recursive) schemas must be indexed this way.
* Any other external `$ref` (a path item, a response, an anonymous schema) is inlined in place.
* A `#/…` reference inside a fragment file means that fragment's own pointer, as JSON Reference says.

YAML is parsed with libyaml (`CSafeLoader`), whose event stream keeps each node's position; values are
built here from the events (`_Reader`), so duplicate keys are reported, not silently dropped, only JSON
values are accepted, and every limit of generator/limits.py holds while the file is read. A `$ref`
reads only regular files in the root spec's folder or below (symlinks resolved), checked before
they are opened.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote

import yaml

from generator.errors import Fix, Problem, SourcePos, SpecError, format_pointer
from generator.limits import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_INT_DIGITS,
    MAX_NODES,
    MAX_REPEATED_NODES,
)

Pointer = tuple[str | int, ...]

try:  # libyaml is many times faster than the pure-Python parser; fall back only where it is missing
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment,unused-ignore]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _BaseLoader = yaml.SafeLoader


class _JsonLoader(_BaseLoader):  # type: ignore[misc,valid-type,unused-ignore]
    """Safe loader with YAML 1.2's core schema (what OpenAPI documents use), not PyYAML's 1.1:
    `on`/`no`/`yes` and `1:30` stay strings, `010` is ten, and timestamps stay strings."""


_CORE = "tag:yaml.org,2002:"
_STR, _INT, _FLOAT, _BOOL, _NULL, _MERGE = (
    _CORE + kind for kind in ("str", "int", "float", "bool", "null", "merge")
)
_INT_TEXT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT_TEXT = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_BOOL_TEXT = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_NULL_TEXT = frozenset({"~", "null", "Null", "NULL", ""})
_IMPLICIT = [
    (_BOOL, "|".join(_BOOL_TEXT), "tTfF"),
    (_INT, _INT_TEXT.pattern, "-+0123456789"),
    (_FLOAT, _FLOAT_TEXT.pattern, "-+0123456789."),
    (_NULL, r"~|null|Null|NULL|", ["~", "n", "N", ""]),
    # Recognised only to be refused with a clear message (YAML 1.2 has no merge keys).
    (_MERGE, r"<<", ["<"]),
]
_JsonLoader.yaml_implicit_resolvers = {}
for _tag, _pattern, _first in _IMPLICIT:
    _JsonLoader.add_implicit_resolver(_tag, re.compile(f"^(?:{_pattern})$"), list(_first))


_INT_BOUND = 10**MAX_INT_DIGITS


def _tag_name(tag: str) -> str:
    return "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag


class _Refused(Exception):
    """Stops reading a file at once (too deep, too big, a recursive alias): the problem it carries."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem


# A position in the YAML text: yaml.Mark, or the equivalent type of libyaml's binding.
_Mark = Any


@dataclass(slots=True)
class _Frame:
    """A mapping or list being read. A mapping alternates between expecting a key and its value."""

    value: dict[str, Any] | list[Any]
    ptr: Pointer
    keep: bool  # False inside a subtree that is read but dropped (a duplicate key's value)
    anchor: str | None
    first_node: int
    key: str | None = None
    key_mark: _Mark | None = None
    drop_value: bool = False


class _Reader:
    """YAML events → plain JSON-like data and the position of every node, in one iterative pass.

    Reading events instead of composing a node graph keeps every limit in force while the file is
    read: depth (libyaml's composer recurses in C and crashes the process on deeply nested input),
    nodes reached through aliases (a few hundred bytes of nested aliases can stand for billions of
    nodes) and aliases that contain themselves. Only YAML 1.2 core tags are accepted: an OpenAPI
    document holds JSON values. Duplicate keys and merge keys are reported, not silently resolved.
    """

    def __init__(self, name: str, loader: yaml.SafeLoader) -> None:
        self.name = name
        self.loader: Any = loader  # PyYAML's event and resolver methods are untyped
        self.positions: dict[Pointer, SourcePos] = {}
        self.problems: list[Problem] = []
        self.anchors: dict[str, tuple[Any, int]] = {}  # name → (value, nodes it stands for)
        self.open_anchors: set[str] = set()
        self.nodes = 0
        self.aliased = 0

    def resolve(self, event: Any) -> str:
        """The tag of an untagged scalar, by the implicit rules of YAML 1.2's core schema."""
        tag: str = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        return tag

    def at(self, mark: _Mark) -> SourcePos:
        return SourcePos(self.name, mark.line + 1, mark.column + 1)

    def report(self, mark: _Mark, ptr: Pointer, message: str) -> None:
        self.problems.append(Problem(self.at(mark), format_pointer(ptr), message))

    def refuse(self, mark: _Mark, ptr: Pointer, message: str) -> _Refused:
        return _Refused(Problem(self.at(mark), format_pointer(ptr), message))

    def read(self) -> Any:
        loader = self.loader
        loader.get_event()  # stream start
        if loader.check_event(yaml.StreamEndEvent):
            raise _Refused(Problem(SourcePos(self.name, 1), "#", "file is empty"))
        loader.get_event()  # document start
        root: Any = None
        stack: list[_Frame] = []
        while True:
            event = loader.get_event()
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                self.close(stack.pop())
                if not stack:
                    break
                continue
            top = stack[-1] if stack else None
            if (
                top is not None
                and isinstance(top.value, dict)
                and top.key is None
                and not top.drop_value
            ):
                self.key(top, event, stack)
                continue
            placed = self.place(top, event)
            if placed is None:
                continue  # a key that was refused: its value is read and dropped
            ptr, keep, mark = placed
            value = self.node(event, ptr, keep, mark, stack)
            if top is None:
                root = value
                if not stack:
                    break  # a scalar document
            elif keep and isinstance(top.value, list):
                top.value.append(value)
            elif keep and isinstance(top.value, dict):
                top.value[str(ptr[-1])] = value
            elif isinstance(top.value, list):
                top.value.append(None)  # keeps the indexes of later items right
        loader.get_event()  # document end
        if not loader.check_event(yaml.StreamEndEvent):
            self.report(
                loader.peek_event().start_mark,
                (),
                "a spec file holds one YAML document, not several",
            )
        return root

    def place(self, top: _Frame | None, event: Any) -> tuple[Pointer, bool, _Mark] | None:
        """Where the node that `event` starts goes: its pointer, whether it is kept, its position."""
        if top is None:
            return (), True, event.start_mark
        if isinstance(top.value, list):
            return (*top.ptr, len(top.value)), top.keep, event.start_mark
        keep = top.keep and not top.drop_value
        ptr = (*top.ptr, top.key if top.key is not None else "?")
        mark = top.key_mark or event.start_mark
        top.key, top.key_mark, top.drop_value = None, None, False
        return ptr, keep, mark

    def key(self, top: _Frame, event: Any, stack: list[_Frame]) -> None:
        """A mapping key: a scalar, named once; anything else is reported and its value dropped."""
        assert isinstance(top.value, dict)
        mark = event.start_mark
        if isinstance(event, yaml.ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = self.resolve(event)
            key = event.value  # keys are names: `200:` means the string "200", as in JSON
            if tag == _MERGE:  # only a plain `<<` resolves to it; a quoted one is a name
                self.report(mark, top.ptr, "YAML merge keys (<<) are not supported")
            elif tag not in (_STR, _INT, _FLOAT, _BOOL, _NULL):
                self.report(mark, top.ptr, f"YAML tag {_tag_name(tag)} is not supported on a key")
            elif key in top.value:
                self.report(mark, (*top.ptr, key), f"duplicate key {key!r}")
            else:
                top.key, top.key_mark = key, mark
                return
            top.drop_value = True
            return
        self.report(mark, top.ptr, "mapping keys must be scalars")
        top.drop_value = True
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            self.node(event, (*top.ptr, "?"), False, mark, stack)  # read through the key, dropped

    def node(self, event: Any, ptr: Pointer, keep: bool, mark: _Mark, stack: list[_Frame]) -> Any:
        if len(ptr) > MAX_DEPTH:
            raise self.refuse(mark, ptr[:MAX_DEPTH], f"nested more than {MAX_DEPTH} levels deep")
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.refuse(mark, ptr, f"more than {MAX_NODES} nodes in one file")
        if keep:
            self.positions[ptr] = self.at(mark)
        if isinstance(event, yaml.AliasEvent):
            return self.alias(event, ptr)
        if isinstance(event, yaml.ScalarEvent):
            value = self.scalar(event, ptr, mark)
            if event.anchor is not None:
                self.anchors[event.anchor] = (value, 1)
            return value
        if isinstance(event, yaml.MappingStartEvent):
            container: dict[str, Any] | list[Any] = {}
            expected = _CORE + "map"
        else:
            container = []
            expected = _CORE + "seq"
        if event.tag not in (None, "!", expected):
            self.report(mark, ptr, f"YAML tag {_tag_name(event.tag)} is not supported")
        if event.anchor is not None:
            self.open_anchors.add(event.anchor)
        stack.append(_Frame(container, ptr, keep, event.anchor, self.nodes))
        return container

    def close(self, frame: _Frame) -> None:
        if frame.anchor is not None:
            self.open_anchors.discard(frame.anchor)
            self.anchors[frame.anchor] = (frame.value, self.nodes - frame.first_node + 1)

    def alias(self, event: Any, ptr: Pointer) -> Any:
        name = event.anchor
        if name in self.open_anchors:
            raise self.refuse(event.start_mark, ptr, f"YAML alias *{name} contains itself")
        if name not in self.anchors:
            self.report(
                event.start_mark, ptr, f"YAML alias *{name} has no anchor &{name} before it"
            )
            return None
        value, size = self.anchors[name]
        self.aliased += size
        self.nodes += size - 1
        if self.aliased > MAX_ALIAS_NODES or self.nodes > MAX_NODES:
            raise self.refuse(
                event.start_mark,
                ptr,
                f"YAML aliases expand to more than {MAX_ALIAS_NODES} nodes: write the values out "
                "or use a $ref",
            )
        return value  # shared, not copied: the data is never modified in place

    def scalar(self, event: Any, ptr: Pointer, mark: _Mark) -> Any:
        text = event.value
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(event)
        if tag in (_STR, _MERGE):  # `<<` as a value is just text
            return text
        if tag == _INT and _INT_TEXT.fullmatch(text):
            return self.integer(text, ptr, mark)
        if tag == _FLOAT and _FLOAT_TEXT.fullmatch(text):
            if text.lower().endswith(".nan"):
                self.report(mark, ptr, "NaN is not a JSON value")
                return None
            if text.lower().endswith(".inf"):
                return -math.inf if text.startswith("-") else math.inf
            return float(text)
        if tag == _BOOL and text in _BOOL_TEXT:
            return _BOOL_TEXT[text]
        if tag == _NULL and text in _NULL_TEXT:
            return None
        if tag in (_INT, _FLOAT, _BOOL, _NULL):
            self.report(mark, ptr, f"{text!r} is not a YAML 1.2 {_tag_name(tag)[2:]}")
        else:
            self.report(
                mark,
                ptr,
                f"YAML tag {_tag_name(tag)} is not supported: a spec holds JSON values "
                "(strings, numbers, booleans, null, mappings, lists)",
            )
        return None

    def integer(self, text: str, ptr: Pointer, mark: _Mark) -> int | None:
        if text.startswith(("0x", "0o")):  # the 1.2 core schema has no signed hex or octal
            value: int | None = int(text[2:], 16 if text[1] == "x" else 8)
            too_long = value is not None and value >= _INT_BOUND
        else:
            too_long = len(text.lstrip("+-").lstrip("0")) > MAX_INT_DIGITS
            value = None if too_long else int(text, 10)
        if too_long:
            self.report(mark, ptr, f"integer with more than {MAX_INT_DIGITS} digits")
            return None
        return value


@dataclass(frozen=True, slots=True)
class LoadedSpec:
    """The bundled document, where each of its nodes came from, and the files it was read from."""

    path: Path
    data: dict[str, Any]
    positions: Mapping[Pointer, SourcePos]
    files: tuple[Path, ...]
    # What bundling found (a `$ref` leading nowhere, a fragment that does not parse), left for the
    # validate stage to report together with its own; the references stay in place as written.
    problems: tuple[Problem, ...] = ()
    # The vendor mistakes lenient validation generated around (already applied to `data`), as
    # warnings for the parse stage to report with its own.
    warnings: tuple[Problem, ...] = ()
    # The list items those fixes dropped, (the list's pointer, the item's index) in the order they
    # were dropped: later items moved up, so a pointer into `data` is mapped back through them to
    # the node as written (its line, and the pointer the user sees in the file).
    dropped: tuple[tuple[Pointer, int], ...] = ()

    def as_written(self, pointer: Pointer) -> Pointer:
        """`pointer` into `data` as a pointer into the document as it was written."""
        parts = tuple(pointer)
        for where, index in reversed(self.dropped):
            depth = len(where)
            if len(parts) > depth and parts[:depth] == where:
                item = parts[depth]
                if isinstance(item, int) and item >= index:
                    parts = (*where, item + 1, *parts[depth + 1 :])
        return parts

    def locate(self, pointer: Pointer) -> SourcePos:
        """Position of the node at `pointer`, or of its nearest ancestor that has one."""
        return self._locate(self.as_written(pointer))

    def _locate(self, parts: tuple[str | int, ...]) -> SourcePos:
        while parts:
            pos = self.positions.get(parts)
            if pos is not None:
                return pos
            parts = parts[:-1]
        return self.positions.get((), SourcePos(str(self.path), 1))

    def follow(self, ref: str) -> tuple[Any, Pointer] | None:
        """The node a local `#/…` reference of the bundle leads to, and its pointer; None if nowhere."""
        return _resolve_pointer(self.data, ref.partition("#")[2])

    def dynamic_ref(
        self, pointer: Pointer, keyword: str, value: str
    ) -> tuple[str | None, list[str]]:
        """Where `$recursiveRef: "#"` or `$dynamicRef: "#anchor"` at `pointer` leads, as a local
        `$ref`, read lexically (as when no other schema extends the recursion): the recursive ref to
        the component schema it is in; the dynamic one to the component declaring that
        `$dynamicAnchor` (or `$anchor`) at its root, the enclosing one first. Also the other
        components redeclaring the anchor, which would be reached dynamically instead."""
        parts = tuple(pointer)
        enclosing = (
            str(parts[2]) if parts[:2] == ("components", "schemas") and len(parts) > 2 else None
        )
        if keyword == "$recursiveRef":
            declaring = [enclosing] if enclosing is not None else []
        else:
            schemas = (self.data.get("components") or {}).get("schemas") or {}
            declaring = [
                str(name)
                for name in sorted(schemas)
                if isinstance(schemas[name], Mapping)
                and value[1:] in (schemas[name].get("$dynamicAnchor"), schemas[name].get("$anchor"))
            ]
        target = enclosing if enclosing in declaring else next(iter(declaring), None)
        if target is None:
            return None, []
        others = [name for name in declaring if name != target]
        return format_pointer(("components", "schemas", target)), others

    def problem(self, pointer: Pointer, message: str) -> Problem:
        written = self.as_written(pointer)
        return Problem(self._locate(written), format_pointer(written), message)

    def mistake(
        self,
        pointer: Pointer,
        message: str,
        consequence: str,
        *,
        at: Pointer | None = None,
        action: Literal["drop", "set"] = "drop",
        value: Any = None,
    ) -> Problem:
        """A vendor mistake at `pointer`, generated around in lenient mode by dropping the node at
        `at` (default: `pointer` itself) or setting it to `value`."""
        fix = Fix(tuple(pointer if at is None else at), action, consequence, value)
        written = self.as_written(pointer)
        return Problem(self._locate(written), format_pointer(written), message, fix)


def display_path(path: Path, root: Path, root_as_given: str) -> str:
    """A file as messages name it: the root spec as the user wrote its path, a fragment by its way
    from there (`specs/video.yaml` → `specs/video/schemas/call.yaml`), never via the working
    directory (`../../tmp/…`)."""
    if path == root:
        return root_as_given
    try:
        relative = os.path.relpath(path, root.parent)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)
    return os.path.normpath(os.path.join(os.path.dirname(root_as_given), relative))


# JSON writes a character beyond U+FFFF as a UTF-16 surrogate pair (`"\ud83d\udc4d"`); libyaml
# refuses such escapes, so in a JSON document (where every string is double-quoted) each pair is
# rewritten to YAML's `\U0001f44d` first. An odd number of backslashes before `u` marks an escape.
_SURROGATE_PAIR = re.compile(
    r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
)


def _join_surrogate_escapes(text: str) -> str:
    if not text.lstrip().startswith(("{", "[")) or "\\u" not in text:
        return text

    def joined(match: re.Match[str]) -> str:
        high, low = int(match.group(2), 16), int(match.group(3), 16)
        return f"{match.group(1)}\\U{0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00):08x}"

    return _SURROGATE_PAIR.sub(joined, text)


@dataclass(slots=True)
class _File:
    """One spec file as read: its data and the position of every node in it."""

    path: Path
    data: Any
    positions: dict[Pointer, SourcePos]


class _Unreadable(Exception):
    """A file that cannot be read at all (missing, not a regular file, too big): reported where it
    is referenced, or at the root file itself."""


def _read_text(path: Path) -> str:
    """The text of a regular file of at most MAX_FILE_BYTES. A device, FIFO or socket is never
    opened (reading `/dev/zero` never ends; opening a FIFO blocks until someone writes to it)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise _Unreadable("file not found") from None
    except (OSError, ValueError) as exc:
        raise _Unreadable(f"cannot read file: {exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _Unreadable("is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise _Unreadable("not a regular file (a device, FIFO or socket): not read")
    too_big = f"file is larger than {MAX_FILE_BYTES // 2**20} MiB"
    if info.st_size > MAX_FILE_BYTES:
        raise _Unreadable(too_big)
    try:
        # O_NONBLOCK: should the path have become a FIFO since the stat, opening it must not wait.
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
        with os.fdopen(os.open(path, flags), "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise _Unreadable("not a regular file (a device, FIFO or socket): not read")
            chunks, size = [], 0
            while size <= MAX_FILE_BYTES:  # in chunks: the file may have grown since the stat
                chunk = handle.read(1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
            raw = b"".join(chunks)
    except OSError as exc:
        raise _Unreadable(f"cannot read file: {exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise _Unreadable(too_big)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"cannot read file: not UTF-8 (byte {exc.start}: {exc.reason})") from None


class _NeedsPositions(Exception):
    """The fast JSON path met something to report, or something only the located reader checks:
    load again the located way."""


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise _NeedsPositions
    return result


def _not_json(constant: str) -> Any:
    raise _NeedsPositions  # NaN, Infinity: Python's json accepts them, JSON does not


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-").lstrip("0")) > MAX_INT_DIGITS:
        raise _NeedsPositions
    return int(text)


# a \uD800-\uDFFF escape: the located reader joins or reports surrogates, json.loads keeps them
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _parse_json_fast(path: Path, text: str) -> _File:
    """libyaml's composer is ~30x slower than json.loads on a large JSON spec, and positions are
    only needed to locate a problem: anything to report sends the load back to the located way.
    The budgets the located reader enforces per file (depth, nodes) are enforced again once $refs
    are inlined (`_Bundler.copy`), so skipping the reader skips no limit."""
    if _SURROGATE_ESCAPE.search(text):
        raise _NeedsPositions
    try:
        data = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_not_json,
            parse_int=_bounded_int,
        )
    except (ValueError, RecursionError):
        raise _NeedsPositions from None
    return _File(path, data, {})


def _parse_file(path: Path, name: str, fast_json: bool = False) -> _File:
    text = _read_text(path)
    if fast_json:
        return _parse_json_fast(path, text)
    loader = _JsonLoader(_join_surrogate_escapes(text))
    reader = _Reader(name, loader)
    try:
        data = reader.read()
    except _Refused as exc:
        raise SpecError([*reader.problems, exc.problem]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        reason = " ".join(filter(None, [exc.context, exc.problem]))
        raise SpecError([Problem(SourcePos(name, line), "#", f"invalid YAML: {reason}")]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (control characters)
        line = text.count("\n", 0, exc.position) + 1
        raise SpecError(
            [
                Problem(
                    SourcePos(name, line),
                    "#",
                    f"invalid YAML: {exc.reason} (#x{exc.character:04x})",
                )
            ]
            if isinstance(exc.character, int)
            else [Problem(SourcePos(name, line), "#", f"invalid YAML: {exc.reason}")]
        ) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(SourcePos(name, 1), "#", f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()
    if reader.problems:
        raise SpecError(reader.problems)
    return _File(path, data, reader.positions)


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
    """The state of one bundling: the files read, the refs followed, the problems found."""

    root: Path
    root_as_given: str
    files: dict[Path, _File] = field(default_factory=dict)
    failed: dict[Path, str | SpecError] = field(default_factory=dict)
    index: dict[Target, str] = field(default_factory=dict)
    positions: dict[Pointer, SourcePos] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    nodes: int = 0
    inlined: set[Target] = field(default_factory=set)
    repeating: int = 0  # > 0 while copying a target inlined before
    repeated: int = 0  # nodes copied that way
    # (folder of the referring file, location) → local_path's answer: resolving costs a stat per
    # path component, and the same few locations are referenced over and over
    paths: dict[tuple[Path, str], Path | str] = field(default_factory=dict)
    names: dict[Path, str] = field(default_factory=dict)  # display's answers
    fast_json: bool = False  # .json files read with json.loads (see _parse_json_fast)

    @property
    def folder(self) -> Path:
        """Every file a spec references must be here or below (symlinks resolved)."""
        return self.root.parent

    def file(self, path: Path) -> _File:
        cached = self.files.get(path)
        if cached is None:
            fast = self.fast_json and path.suffix == ".json"
            cached = self.files[path] = _parse_file(path, self.display(path), fast)
        return cached

    def display(self, path: Path) -> str:
        name = self.names.get(path)
        if name is None:
            name = self.names[path] = display_path(path, self.root, self.root_as_given)
        return name

    def fragment(self, path: Path, ref: str, at: SourcePos, ptr: Pointer) -> _File | None:
        """A referenced file, or None with the problem reported once (at the first reference when
        the file cannot be read at all, in the file itself when its content is wrong)."""
        if path not in self.files and path not in self.failed:
            try:
                self.file(path)
            except _Unreadable as exc:
                self.failed[path] = str(exc)
            except SpecError as exc:
                self.failed[path] = exc
                self.problems.extend(exc.problems)
        failure = self.failed.get(path)
        if isinstance(failure, str):
            self.problems.append(Problem(at, format_pointer(ptr), f"$ref {ref!r}: {failure}"))
        return self.files.get(path)

    def local_path(self, location: str, origin: Path) -> Path | str:
        """The file a `$ref` location names, or why it may not be read."""
        raw = unquote(location)
        if Path(raw).is_absolute():
            return "an absolute path: refer to files relative to the spec"
        try:
            path = (origin.parent / raw).resolve()
        except (OSError, ValueError, RuntimeError) as exc:  # NUL byte, symlink loop, …
            return f"not a usable path ({exc})"
        if not path.is_relative_to(self.folder):
            return (
                f"leads outside the spec's folder ({self.display(self.folder)}): only files "
                "there and below can be referenced"
            )
        return path

    def target(
        self, ref: str, origin: Path, at: SourcePos, ptr: Pointer
    ) -> tuple[Target, Any] | None:
        location, _, fragment = ref.partition("#")
        if "://" in location:
            self.problems.append(
                Problem(at, format_pointer(ptr), f"remote $ref {ref!r} is not supported")
            )
            return None
        path: Path | str = origin
        if location:
            key = (origin.parent, location)
            if key not in self.paths:
                self.paths[key] = self.local_path(location, origin)
            path = self.paths[key]
        if isinstance(path, str):
            self.problems.append(Problem(at, format_pointer(ptr), f"$ref {ref!r}: {path}"))
            return None
        doc = self.fragment(path, ref, at, ptr)
        if doc is None:
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
                found = self.target(
                    ref,
                    root.path,
                    root.positions.get(ptr) or SourcePos(self.display(root.path), 1),
                    ptr,
                )
                if found is not None:
                    self.index[found[0]] = format_pointer(("components", kind, name))

    def copy(
        self, doc: _File, src: Pointer, value: Any, out: Pointer, stack: tuple[Target, ...]
    ) -> Any:
        """Copy `value` (at `src` in `doc`) to `out` in the bundle, rewriting or inlining its refs.

        Inlining can nest a fragment deeper than any file does and repeat it many times over, so
        depth and size are checked here too, on the bundle as it grows."""
        pos = doc.positions.get(src)
        if pos is not None:
            self.positions[out] = pos
        self.nodes += 1
        self.repeated += self.repeating > 0
        if len(out) > MAX_DEPTH or len(stack) > MAX_DEPTH:
            reason = f"nested more than {MAX_DEPTH} levels deep once $refs are inlined"
        elif self.nodes > MAX_NODES:
            reason = f"more than {MAX_NODES} nodes once $refs are inlined"
        elif self.repeated > MAX_REPEATED_NODES:
            reason = (
                f"$refs inlined more than once repeat more than {MAX_REPEATED_NODES} nodes: "
                "list what they point to in the root file's components and refer to it there"
            )
        else:
            reason = ""
        if reason:
            at = _near(doc.positions, src) or SourcePos(self.display(doc.path), 1)
            raise _Refused(Problem(at, format_pointer(out[:MAX_DEPTH]), reason))
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
        at = doc.positions.get(src, SourcePos(self.display(doc.path), 1))
        seen = {ref: None}  # in order, for the message; a dict so membership is O(1)
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
            seen[nxt] = None
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
        at = doc.positions.get(src, SourcePos(self.display(doc.path), 1))
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
        repeat = key in self.inlined
        self.inlined.add(key)
        self.repeating += repeat
        try:
            inlined = self.copy(self.file(key[0]), key[1], target_value, out, (*stack, key))
        finally:
            self.repeating -= repeat
        if isinstance(inlined, dict):
            return {**inlined, **siblings}
        return inlined


def _near(positions: Mapping[Pointer, SourcePos], ptr: Pointer) -> SourcePos | None:
    """The position of `ptr`, or of its nearest ancestor that has one."""
    for end in range(len(ptr), -1, -1):
        found = positions.get(ptr[:end])
        if found is not None:
            return found
    return None


def pointer_parts(pointer: str) -> Pointer:
    return tuple(
        p.replace("~1", "/").replace("~0", "~") for p in pointer.removeprefix("#/").split("/")
    )


def load_spec(path: Path) -> LoadedSpec:
    """Read the spec at `path` and every file it references; raise SpecError listing all problems."""
    spec = bundle(path)
    if spec.problems:
        raise SpecError(spec.problems)
    return spec


class _LazyPositions(Mapping[Pointer, SourcePos]):
    """Positions of a spec whose JSON files were read with json.loads: composed the located way
    only when something asks (a problem to locate), giving exactly what the located load would."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._positions: Mapping[Pointer, SourcePos] | None = None

    def _get(self) -> Mapping[Pointer, SourcePos]:
        if self._positions is None:
            self._positions = _bundle(self._path, fast_json=False).positions
        return self._positions

    def __getitem__(self, pointer: Pointer) -> SourcePos:
        return self._get()[pointer]

    def __iter__(self) -> Iterator[Pointer]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def bundle(path: Path) -> LoadedSpec:
    """Like `load_spec`, but a problem with a reference or a fragment is kept in `problems` (the
    reference left as written) so that later stages can report theirs in the same run; only a root
    file that cannot be read as a mapping, or a budget exceeded, raises."""
    if path.suffix == ".json":
        try:
            spec = _bundle(path, fast_json=True)
        except (_NeedsPositions, SpecError):
            pass  # start over the located way, which reports the problem with its line
        else:
            if not spec.problems:
                return spec
    return _bundle(path, fast_json=False)


def _bundle(path: Path, fast_json: bool) -> LoadedSpec:
    try:
        root_path = path.resolve()
    except (OSError, ValueError, RuntimeError) as exc:
        raise SpecError(
            [Problem(SourcePos(str(path), 1), "#", f"cannot read file: {exc}")]
        ) from None
    bundler = _Bundler(root_path, str(path), fast_json=fast_json)
    try:
        root = bundler.file(root_path)
    except _Unreadable as exc:
        raise SpecError([Problem(SourcePos(str(path), 1), "#", str(exc))]) from None
    if not isinstance(root.data, dict):
        if fast_json:
            raise _NeedsPositions
        raise SpecError([Problem(root.positions[()], "#", "an OpenAPI document must be a mapping")])
    bundler.build_index(root)
    try:
        data = bundler.copy(root, (), root.data, (), ())
    except _Refused as exc:
        raise SpecError([*bundler.problems, exc.problem]) from None
    positions: Mapping[Pointer, SourcePos] = bundler.positions
    if fast_json:
        positions = _LazyPositions(path)
    return LoadedSpec(
        path=path,
        data=data,
        positions=positions,
        files=tuple(sorted(bundler.files)),
        problems=tuple(bundler.problems),
    )
