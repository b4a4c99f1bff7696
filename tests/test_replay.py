"""generator/replay.py: `python -m generator generate` with nothing changed is answered without
click or any stage, and says exactly what the full command line says for such a run; any other
command line, and any run with something to do, goes to generator.cli.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from generator import replay
from tests.test_cli import ROOT, SPEC

_PROBE = (
    "import sys\n"
    "from generator import replay\n"
    "answered = replay.main(sys.argv[1:])\n"
    "heavy = sorted(m for m in ('click', 'generator.cli', 'generator.pipeline', 'yaml', 'jinja2')"
    " if m in sys.modules)\n"
    "print('ANSWERED' if answered else 'LEFT', *heavy, file=sys.stderr)\n"
)
_CLICK = "import sys\nfrom generator.cli import main\nsys.argv[0] = 'sdkgen'\nmain()\n"


def _run(code: str, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _timeless(text: str) -> str:
    return re.sub(r" in \d+\.\d+s$", " in …s", text, flags=re.M)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A spec in specs/ and its package generated into generated/ (no git: the disk is the
    baseline), plus a second copy under another name."""
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "tiny.yaml").write_text(SPEC, encoding="utf-8")
    done = _run(_CLICK, ["generate"], tmp_path)
    assert done.returncode == 0, done.stderr
    return tmp_path


@pytest.mark.parametrize(
    "args",
    [
        ["generate"],
        ["generate", "specs/tiny.yaml"],
        ["generate", "specs/tiny.yaml", "-o", "generated"],
        ["generate", "--output=generated", "specs/tiny.yaml"],
        ["generate", "--output", "generated", "specs/tiny.yaml", "specs/tiny.yaml"],
    ],
)
def test_a_run_with_nothing_to_do_is_answered_alike_without_click(
    project: Path, args: list[str]
) -> None:
    full = _run(_CLICK, args, project)  # stamps this exact command line, then replays it
    full = _run(_CLICK, args, project)
    quick = _run(_PROBE, args, project)
    assert quick.stderr.splitlines()[-1] == "ANSWERED", quick.stderr
    assert _timeless(quick.stdout) == _timeless(full.stdout) and "0 written" in quick.stdout
    assert quick.stderr.splitlines()[:-1] == full.stderr.splitlines()


@pytest.mark.parametrize(
    "args",
    [
        ["generate", "--strict"],  # never run with --strict here: no stamp, a build is needed
        ["generate", "--lenient", "--strict"],
        ["generate", "--help"],
        ["generate", "-o"],
        ["generate", "-ogenerated"],
        ["generate", "--"],
        ["check"],
        ["--version"],
        [],
    ],
)
def test_every_other_command_line_is_left_to_click(project: Path, args: list[str]) -> None:
    _run(_CLICK, ["generate"], project)
    done = _run(_PROBE, args, project)
    assert done.stderr.splitlines()[-1] == "LEFT", done.stderr


def test_a_package_to_remove_or_a_changed_spec_is_left_to_click(project: Path) -> None:
    _run(_CLICK, ["generate"], project)
    assert _run(_PROBE, ["generate"], project).stderr.strip() == "ANSWERED"
    orphan = project / "generated" / "old"
    (orphan).mkdir()
    (orphan / "api.json").write_bytes((project / "generated" / "tiny" / "api.json").read_bytes())
    assert _run(_PROBE, ["generate"], project).stderr.strip() == "LEFT"
    # the full run removes it; then a spec edit is a miss too
    assert "removed" in _run(_CLICK, ["generate"], project).stdout
    (project / "specs" / "tiny.yaml").write_text(SPEC.replace("1.2.3", "1.2.4"), encoding="utf-8")
    assert _run(_PROBE, ["generate"], project).stderr.strip() == "LEFT"


def test_python_m_generator_answers_through_replay(project: Path) -> None:
    _run(_CLICK, ["generate"], project)
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "generator", "generate"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert "0 written" in done.stdout
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()}
    assert "generator.replay" in imported and "click" not in imported


def test_arguments() -> None:
    assert replay._arguments(["generate"]) == ([], Path("generated"), False, False)
    assert replay._arguments(["generate", "a.yaml", "-o", "out", "--lenient"]) == (
        [Path("a.yaml")],
        Path("out"),
        False,
        True,
    )
    for refused in (["validate"], ["generate", "-x"], ["generate", ""], ["generate", "-o", "-x"]):
        assert replay._arguments(refused) is None
