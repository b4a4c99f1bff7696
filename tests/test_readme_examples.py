"""Every Python example in each generated package's README runs as written and type-checks.

The examples are the ```python blocks of ``generated/<package>/README.md``. The block that builds
the client (``client = XClient(``, under *Configure*) is the setup of every other block that uses
``client``; it is changed in one mechanical way only: ``base_url=<the mock's URL>`` is inserted as
its first argument. Its ``"..."`` credentials stay as written, since the mock checks that
credentials are sent, not what they are. Each example becomes a module (the setup, then the block),
which is

* run in-process against ``generator.mock.MockServer`` serving the package's spec: no exception,
  and an operation's example sends that operation, valid by the spec, and nothing else fails;
* type-checked with ``mypy --strict``: one run over every module, for speed.

No example is left out of either check.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.mock import MockServer

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = sorted(p.parent for p in (ROOT / "generated").glob("*/README.md"))
_BLOCK = re.compile(r"^```python\n(.*?)^```$", re.S | re.M)
# the heading of an operation's example: **Summary** (`operationId`, `METHOD /path`)
_OPERATION = re.compile(r"^\*\*.*\*\* \(`([^`]+)`, `[A-Z]+ [^`]*`\)$", re.M)
_SETUP = re.compile(r"^client = \w+\($", re.M)


@dataclass(frozen=True)
class Example:
    package: str
    index: int
    source: str  # as the README writes it
    operation_id: str | None  # the operation it calls, when it is an operation's example

    @property
    def name(self) -> str:
        return f"{self.package}[{self.index}]"

    @property
    def module(self) -> str:
        return f"readme_{self.package}_{self.index:03d}"


def examples(package: Path) -> list[Example]:
    text = (package / "README.md").read_text(encoding="utf-8")
    out = []
    for i, match in enumerate(_BLOCK.finditer(text)):
        # the operation heading right before the block, if that is what precedes it
        before = text[: match.start()].rstrip().rsplit("\n", 1)[-1]
        heading = _OPERATION.fullmatch(before)
        out.append(Example(package.name, i, match.group(1), heading[1] if heading else None))
    return out


def setup_of(package_examples: list[Example], base_url: str) -> Example:
    """The block that builds the client, pointed at `base_url` (the one substitution)."""
    found = [e for e in package_examples if _SETUP.search(e.source)]
    assert len(found) == 1, f"expected one block building the client, got {len(found)}"
    setup = found[0]
    source = _SETUP.sub(lambda m: f"{m[0]}\n    base_url={base_url!r},", setup.source, count=1)
    return Example(setup.package, setup.index, source, None)


def module_source(example: Example, setup: Example) -> str:
    """The example as a module: after the setup when it uses the client."""
    if example.index == setup.index:
        return setup.source
    if re.search(r"\bclient\b", example.source):
        return f"{setup.source}\n{example.source}"
    return example.source


def spec_of(package: Path) -> Path:
    header = (package / "README.md").read_text(encoding="utf-8").split("\n", 1)[0]
    found = re.search(r"from (\S+)\. Do not edit", header)
    assert found, header
    return ROOT / "specs" / found[1]


ALL = [(package, e) for package in PACKAGES for e in examples(package)]


def test_every_package_has_examples() -> None:
    assert {p.name for p in PACKAGES} >= {"laml_streams", "stream_video"}
    for package in PACKAGES:
        found = examples(package)
        assert any(e.operation_id for e in found), package
        assert sum(1 for e in found if _SETUP.search(e.source)) == 1, package


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[Path, MockServer]]:
    started = {package: MockServer(spec_of(package)).start() for package in PACKAGES}
    yield started
    for server in started.values():
        server.stop()


@pytest.mark.parametrize(("package", "example"), ALL, ids=[e.name for _, e in ALL])
def test_example_runs(package: Path, example: Example, servers: dict[Path, MockServer]) -> None:
    mock = servers[package]
    mock.clear()
    setup = setup_of(examples(package), mock.url)
    source = module_source(example, setup)
    namespace: dict[str, object] = {"__name__": example.module}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, f"{example.name}.py", "exec"), namespace)
    closing = namespace.get("client")
    close: Callable[[], None] | None = getattr(closing, "close", None)
    if close is not None:
        close()
    invalid = [r for r in mock.requests if not r.valid]
    assert not invalid, [(r.operation_id, r.errors) for r in invalid]
    if example.operation_id is not None:
        sent = {r.operation_id for r in mock.requests}
        assert sent == {example.operation_id}, sent


def test_examples_type_check(tmp_path: Path) -> None:
    """One `mypy --strict` run over every example written as a module."""
    for package in PACKAGES:
        found = examples(package)
        setup = setup_of(found, "http://127.0.0.1:4010")
        for example in found:
            (tmp_path / f"{example.module}.py").write_text(module_source(example, setup))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--cache-dir",
            str(ROOT / ".mypy_cache" / "readme-examples"),
            *(str(p) for p in sorted(tmp_path.glob("readme_*.py"))),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "MYPYPATH": os.pathsep.join(str(p) for p in PACKAGES)},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
