"""The loader against hostile input: what it refuses, where it says so, and that it stays cheap.

`$ref`s stay inside the root spec's folder and never open anything but regular files of bounded
size; YAML aliases, nesting, tags and integers are bounded (generator/limits.py). Each refusal is a
located problem (file:line: #/pointer: message), never a traceback, a hang or a crash.
"""

from __future__ import annotations

import os
import textwrap
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from generator import load
from generator.errors import SpecError
from generator.limits import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    MAX_INT_DIGITS,
    MAX_NODES,
    MAX_REPEATED_NODES,
)
from generator.load import load_spec

HEAD = """\
openapi: 3.1.0
info: {title: T, version: '1'}
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # positions are printed relative to the working directory


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(spec: Path | str) -> list[str]:
    with pytest.raises(SpecError) as caught:
        load_spec(Path(spec))
    return [str(p) for p in caught.value.problems]


def spec_with_ref(ref: str) -> Path:
    body = f"paths: {{}}\ncomponents:\n  schemas:\n    Thing: {{$ref: {ref!r}}}\n"
    return write(Path("spec/spec.yaml"), HEAD + body)


def in_thread(work: Any, timeout: float = 10) -> Any:
    """Run `work()` with a deadline, so a loader that blocks (on a FIFO) fails instead of hanging."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(_catch(work)), daemon=True)
    thread.start()
    thread.join(timeout)
    assert result, f"still running after {timeout}s"
    return result[0]


def _catch(work: Any) -> Any:
    try:
        return work()
    except SpecError as exc:
        return [str(p) for p in exc.problems]


# ------------------------------------------------------------------------------- $ref confinement


OUTSIDE = "leads outside the spec's folder (spec): only files there and below can be referenced"


@pytest.mark.parametrize(
    ("ref", "reason"),
    [
        ("/etc/hostname", "an absolute path: refer to files relative to the spec"),
        ("/dev/zero", "an absolute path: refer to files relative to the spec"),
        ("../outside.yaml#/Thing", OUTSIDE),
        ("parts/../../outside.yaml#/Thing", OUTSIDE),
        ("..%2Foutside.yaml#/Thing", OUTSIDE),
    ],
)
def test_refs_outside_the_folder_are_refused(ref: str, reason: str) -> None:
    write(Path("outside.yaml"), "Thing: {type: string, description: a secret}\n")
    spec = spec_with_ref(ref)
    assert problems(spec) == [
        f"spec/spec.yaml:6: #/components/schemas/Thing: $ref {ref!r}: {reason}"
    ]


def test_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    write(Path("outside.yaml"), "Thing: {type: string}\n")
    spec = spec_with_ref("parts/link.yaml#/Thing")
    (spec.parent / "parts").mkdir()
    (spec.parent / "parts" / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    assert problems(spec) == [
        f"spec/spec.yaml:6: #/components/schemas/Thing: $ref 'parts/link.yaml#/Thing': {OUTSIDE}"
    ]


def test_a_symlink_within_the_folder_is_followed(tmp_path: Path) -> None:
    spec = spec_with_ref("parts/link.yaml#/Thing")
    write(spec.parent / "real" / "schemas.yaml", "Thing: {type: string}\n")
    (spec.parent / "parts").mkdir()
    (spec.parent / "parts" / "link.yaml").symlink_to(
        (spec.parent / "real" / "schemas.yaml").resolve()
    )
    assert load_spec(spec).data["components"]["schemas"]["Thing"] == {"type": "string"}


def test_the_folder_is_the_root_specs_after_resolving_symlinks(tmp_path: Path) -> None:
    """A root spec reached through a symlink is confined to the folder it really is in."""
    real = write(Path("real/spec.yaml"), HEAD + "paths: {}\nx-a: {$ref: 'parts/a.yaml'}\n")
    write(Path("real/parts/a.yaml"), "{type: string}\n")
    Path("elsewhere").mkdir()
    Path("elsewhere/spec.yaml").symlink_to(real.resolve())
    assert load_spec(Path("elsewhere/spec.yaml")).data["x-a"] == {"type": "string"}


def test_a_fifo_is_refused_without_opening_it() -> None:
    spec = spec_with_ref("pipe.yaml#/Thing")
    os.mkfifo(spec.parent / "pipe.yaml")
    found = in_thread(lambda: load_spec(spec))
    assert found == [
        "spec/spec.yaml:6: #/components/schemas/Thing: $ref 'pipe.yaml#/Thing': "
        "not a regular file (a device, FIFO or socket): not read"
    ]


def test_a_device_as_the_root_spec_is_refused_without_reading_it() -> None:
    found = in_thread(lambda: load_spec(Path("/dev/zero")))
    assert len(found) == 1 and found[0].endswith(
        ":1: #: not a regular file (a device, FIFO or socket): not read"
    )


def test_a_directory_is_refused() -> None:
    spec = spec_with_ref("parts")
    (spec.parent / "parts").mkdir()
    assert problems(spec) == [
        "spec/spec.yaml:6: #/components/schemas/Thing: $ref 'parts': is a directory, not a file"
    ]


def test_a_file_over_the_size_cap_is_refused_without_reading_it() -> None:
    spec = spec_with_ref("huge.yaml#/Thing")
    with open(spec.parent / "huge.yaml", "wb") as handle:  # sparse: takes no disk space
        handle.truncate(load.MAX_FILE_BYTES + 1)
    started = time.perf_counter()
    assert problems(spec) == [
        "spec/spec.yaml:6: #/components/schemas/Thing: $ref 'huge.yaml#/Thing': "
        "file is larger than 16 MiB"
    ]
    assert time.perf_counter() - started < 1


def test_a_path_with_a_nul_byte_is_a_problem() -> None:
    spec = write(Path("spec/spec.yaml"), HEAD + 'paths: {}\nx-a: {$ref: "a\\0b.yaml"}\n')
    found = problems(spec)
    assert len(found) == 1 and found[0].startswith(
        "spec/spec.yaml:4: #/x-a: $ref 'a\\x00b.yaml': not a usable path"
    )


def test_an_unreadable_fragment_is_reported_at_each_reference() -> None:
    spec = write(
        Path("spec/spec.yaml"),
        HEAD + "paths: {}\nx-a: {$ref: 'gone.yaml'}\nx-b: {$ref: 'gone.yaml#/x'}\n",
    )
    assert problems(spec) == [
        "spec/spec.yaml:4: #/x-a: $ref 'gone.yaml': file not found",
        "spec/spec.yaml:5: #/x-b: $ref 'gone.yaml#/x': file not found",
    ]


def test_a_file_that_is_not_utf8_is_a_problem() -> None:
    Path("spec.yaml").write_bytes(b"openapi: 3.1.0\ninfo: \xff\n")
    assert problems("spec.yaml") == [
        "spec.yaml:1: #: cannot read file: not UTF-8 (byte 21: invalid start byte)"
    ]


# ------------------------------------------------------------------------------------ YAML aliases

BOMB = """\
openapi: 3.1.0
info: {title: T, version: '1'}
x-a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
x-b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
x-c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
x-d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
x-e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
x-f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
x-g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
x-h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
x-i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
paths: {}
"""


def test_an_alias_bomb_is_refused_quickly_and_cheaply() -> None:
    """About 600 bytes that stand for 9**9 (387 million) strings."""
    Path("spec.yaml").write_text(BOMB, encoding="utf-8")
    assert len(BOMB) < 700
    tracemalloc.start()
    started = time.perf_counter()
    try:
        found = problems("spec.yaml")
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert time.perf_counter() - started < 0.5
    assert peak < 5_000_000, f"{peak} bytes"
    assert found == [
        "spec.yaml:8: #/x-f/0: YAML aliases expand to more than 100000 nodes: "
        "write the values out or use a $ref"
    ]


def test_aliases_within_budget_are_fine() -> None:
    Path("spec.yaml").write_text(
        HEAD + "paths: {}\nx-a: &a {type: string, enum: [x, y]}\nx-b: [*a, *a]\n", encoding="utf-8"
    )
    data = load_spec(Path("spec.yaml")).data
    assert data["x-b"] == [{"type": "string", "enum": ["x", "y"]}] * 2


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    Path("spec.yaml").write_text(HEAD + "paths: {}\nx-a: &a [1, *a]\n", encoding="utf-8")
    assert problems("spec.yaml") == ["spec.yaml:4: #/x-a/1: YAML alias *a contains itself"]


def test_an_alias_without_anchor_is_a_problem() -> None:
    Path("spec.yaml").write_text(HEAD + "paths: {}\nx-a: *nowhere\n", encoding="utf-8")
    found = problems("spec.yaml")
    assert found == ["spec.yaml:4: #/x-a: YAML alias *nowhere has no anchor &nowhere before it"]


# ---------------------------------------------------------------------------------------- nesting


def nested(levels: int) -> str:
    """A document whose deepest node is `levels` below the root (lists in `x-deep`)."""
    return HEAD + "paths: {}\nx-deep: " + "[" * (levels - 1) + "1" + "]" * (levels - 1) + "\n"


def test_nesting_up_to_the_limit_loads() -> None:
    Path("spec.yaml").write_text(nested(MAX_DEPTH), encoding="utf-8")
    value = load_spec(Path("spec.yaml")).data["x-deep"]
    for _ in range(MAX_DEPTH - 2):
        (value,) = value
    assert value == [1]


def test_nesting_past_the_limit_is_refused() -> None:
    Path("spec.yaml").write_text(nested(MAX_DEPTH + 1), encoding="utf-8")
    (found,) = problems("spec.yaml")
    assert found.startswith("spec.yaml:4: #/x-deep/0/0/") and found.endswith(
        f": nested more than {MAX_DEPTH} levels deep"
    )


def test_very_deep_nesting_is_refused_without_crashing() -> None:
    """libyaml's own composer recurses in C and kills the process on input like this."""
    Path("spec.yaml").write_text(nested(200_000), encoding="utf-8")
    started = time.perf_counter()
    (found,) = problems("spec.yaml")
    assert found.endswith(f"nested more than {MAX_DEPTH} levels deep")
    assert time.perf_counter() - started < 2


def test_inlined_refs_cannot_nest_past_the_limit() -> None:
    """Each file is shallow enough; the fragment inlined into itself through a chain is not."""
    half = MAX_DEPTH // 2 + 2
    inner = "[" * half + "{$ref: 'b.yaml'}" + "]" * half
    write(Path("spec.yaml"), HEAD + "paths: {}\nx-a: {$ref: 'a.yaml'}\n")
    Path("a.yaml").write_text(inner + "\n", encoding="utf-8")
    Path("b.yaml").write_text("[" * half + "1" + "]" * half + "\n", encoding="utf-8")
    (found,) = problems("spec.yaml")
    assert found.startswith("b.yaml:1: #/x-a/0/0/") and found.endswith(
        f"nested more than {MAX_DEPTH} levels deep once $refs are inlined"
    )


def test_inlining_that_multiplies_is_refused_early() -> None:
    """Each file refers to the next ten times: a million copies of the last one."""
    write(Path("spec.yaml"), HEAD + "paths: {}\nx-a: {$ref: 'f0.yaml'}\n")
    for i in range(6):
        Path(f"f{i}.yaml").write_text(
            "[" + ", ".join([f"{{$ref: 'f{i + 1}.yaml'}}"] * 10) + "]\n", encoding="utf-8"
        )
    Path("f6.yaml").write_text("{type: string}\n", encoding="utf-8")
    started = time.perf_counter()
    (found,) = problems("spec.yaml")
    assert found.endswith(
        f"$refs inlined more than once repeat more than {MAX_REPEATED_NODES} nodes: list what "
        "they point to in the root file's components and refer to it there"
    ), found
    assert time.perf_counter() - started < 3


def test_the_bundle_size_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(load, "MAX_NODES", 50)
    """Each file is within the limit; together they are not."""
    write(Path("spec.yaml"), HEAD + "paths: {}\nx-a: {$ref: 'a.yaml'}\nx-b: {$ref: 'b.yaml'}\n")
    for name in ("a", "b"):
        Path(f"{name}.yaml").write_text("[" + ", ".join(["1"] * 30) + "]\n", encoding="utf-8")
    (found,) = problems("spec.yaml")
    assert found.endswith("more than 50 nodes once $refs are inlined"), found


def test_a_long_chain_of_refs_is_bounded() -> None:
    chain = "\n".join(f"x{i}: {{$ref: '#/x{i + 1}'}}" for i in range(5000))
    write(Path("spec.yaml"), HEAD + "paths: {}\nx-a: {$ref: 'chain.yaml#/x0'}\n")
    Path("chain.yaml").write_text(chain + "\nx5000: {type: string}\n", encoding="utf-8")
    (found,) = problems("spec.yaml")
    assert found.endswith(f"nested more than {MAX_DEPTH} levels deep once $refs are inlined")


# ------------------------------------------------------------------------------- tags and scalars


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!timestamp 2024-01-01", "YAML tag !!timestamp is not supported"),
        ("!!binary aGVsbG8=", "YAML tag !!binary is not supported"),
        ("!custom x", "YAML tag !custom is not supported"),
        ("!!python/object:os.system x", "YAML tag !!python/object:os.system is not supported"),
        ("!!set {a, b}", "YAML tag !!set is not supported"),
        ("!!omap [a: 1]", "YAML tag !!omap is not supported"),
        ("!!bool yes", "'yes' is not a YAML 1.2 bool"),
        ("!!int twelve", "'twelve' is not a YAML 1.2 int"),
        ("!!float 1:30", "'1:30' is not a YAML 1.2 float"),
        ("!!null nothing", "'nothing' is not a YAML 1.2 null"),
    ],
)
def test_tags_outside_the_core_schema_are_refused(value: str, message: str) -> None:
    Path("spec.yaml").write_text(HEAD + f"paths: {{}}\nx-a: {value}\n", encoding="utf-8")
    (found,) = problems("spec.yaml")
    assert found.startswith(f"spec.yaml:4: #/x-a: {message}")


def test_core_tags_are_fine() -> None:
    Path("spec.yaml").write_text(
        HEAD + "paths: {}\nx-a: [!!str 12, !!int '12', !!float '1.5', !!bool 'true', !!null '']\n"
        "x-b: !!map {a: !!seq [1]}\nx-c: <<\n",
        encoding="utf-8",
    )
    data = load_spec(Path("spec.yaml")).data
    assert data["x-a"] == ["12", 12, 1.5, True, None]
    assert data["x-b"] == {"a": [1]}
    assert data["x-c"] == "<<"  # a merge key only as a key


def test_integers_too_long_for_int_are_refused() -> None:
    ok = "9" * MAX_INT_DIGITS
    Path("spec.yaml").write_text(
        HEAD + f"paths: {{}}\nx-ok: {ok}\nx-long: 1{ok}\nx-hex: 0x{'f' * 4000}\n", encoding="utf-8"
    )
    assert problems("spec.yaml") == [
        f"spec.yaml:5: #/x-long: integer with more than {MAX_INT_DIGITS} digits",
        f"spec.yaml:6: #/x-hex: integer with more than {MAX_INT_DIGITS} digits",
    ]
    Path("spec.yaml").write_text(HEAD + f"paths: {{}}\nx-ok: {ok}\n", encoding="utf-8")
    assert load_spec(Path("spec.yaml")).data["x-ok"] == int(ok)


def test_control_characters_in_yaml_are_located() -> None:
    Path("spec.yaml").write_text(HEAD + "paths: {}\nx-a: 'a\x7fb'\n", encoding="utf-8")
    (found,) = problems("spec.yaml")
    assert found == "spec.yaml:4: #: invalid YAML: control characters are not allowed (#x007f)"


def test_escaped_control_characters_are_data() -> None:
    Path("spec.yaml").write_text(HEAD + 'paths: {}\nx-a: "a\\x7fb\\x1b\\0"\n', encoding="utf-8")
    assert load_spec(Path("spec.yaml")).data["x-a"] == "a\x7fb\x1b\x00"


def test_two_documents_in_one_file_are_a_problem() -> None:
    Path("spec.yaml").write_text(HEAD + "paths: {}\n---\nmore: 1\n", encoding="utf-8")
    assert problems("spec.yaml") == [
        "spec.yaml:4: #: a spec file holds one YAML document, not several"
    ]


def test_collection_keys_are_refused_and_reading_goes_on() -> None:
    Path("spec.yaml").write_text(
        HEAD + "paths: {}\nx-a:\n  ? [a, b]\n  : value\n  ok: 1\nx-b: {ok: 2, ok: 3}\n",
        encoding="utf-8",
    )
    assert problems("spec.yaml") == [
        "spec.yaml:5: #/x-a: mapping keys must be scalars",
        "spec.yaml:8: #/x-b/ok: duplicate key 'ok'",
    ]


def test_the_limits_are_documented() -> None:
    contributing = (Path(__file__).resolve().parent.parent / "CONTRIBUTING.md").read_text()
    for number in (
        "16 MiB",
        str(MAX_DEPTH),
        f"{MAX_NODES:,}",
        f"{MAX_ALIAS_NODES:,}",
        str(MAX_INT_DIGITS),
    ):
        assert number in contributing, number
