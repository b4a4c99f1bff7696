"""The command line: generate / check / validate / mock, their output and exit statuses.

generate and check run in-process (click's CliRunner) on a small spec written to a temporary directory;
--help, --version and mock run as the real `python -m generator` from the repo root.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator import __version__
from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent

SPEC = """\
openapi: 3.1.0
info:
  title: Tiny
  version: 1.2.3
  x-sdk: {package: tiny, client: TinyClient}
servers:
  - url: https://api.tiny.example/v1
paths:
  /things/{thingId}:
    get:
      operationId: getThing
      tags: [things]
      x-sdk-name: things.get
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: The thing.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
              example: {id: t1, name: First}
  /things:
    post:
      operationId: createThing
      tags: [things]
      x-sdk-name: things.create
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [name]
              properties:
                name: {type: string}
      responses:
        '201':
          description: Created.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
              example: {id: t2, name: Second}
components:
  schemas:
    Thing:
      type: object
      required: [id, name]
      properties:
        id: {type: string}
        name: {type: string}
"""
OLD = 1_000_000_000_000_000_000  # an mtime (ns) in the past: any rewrite shows, whatever the clock


def cli(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr, (
        result.stderr
    )  # (stdout may be a diff of code that says it)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def real_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def files_of(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def age(root: Path) -> None:
    for path in root.rglob("*"):
        os.utime(path, ns=(OLD, OLD))


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


@pytest.fixture
def out(tmp_path: Path, spec: Path) -> Path:
    """The spec's package generated into tmp_path/out, every mtime set in the past."""
    target = tmp_path / "out"
    result = cli("generate", str(spec), "-o", str(target))
    assert result.exit_code == 0, result.output
    age(target)
    return target


SUMMARY = re.compile(
    r"tiny: 2 operations, (\d+) models, (\d+) files \((\d+) written, (\d+) unchanged\) in \d+\.\d\ds"
)


# ------------------------------------------------------------------------------------------ generate


def test_generate_prints_summary(tmp_path: Path, spec: Path) -> None:
    target = tmp_path / "out"
    result = cli("generate", str(spec), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    (summary,) = result.stdout.splitlines()
    match = SUMMARY.fullmatch(summary)
    assert match, summary
    models, files, written, unchanged = map(int, match.groups())
    assert models == 2  # Thing and the inline CreateThingRequest body
    written_files = files_of(target / "tiny")
    assert (files, written, unchanged) == (len(written_files), len(written_files), 0)
    assert {
        "pyproject.toml",
        "README.md",
        "tiny/__init__.py",
        "tiny/resources/things.py",
        "tiny/models/_thing.py",
        "tiny/py.typed",
    } <= set(written_files)
    left = [p for p in tmp_path.rglob(".*") if p.name != ".sdkgen.lock"]  # the lock stays
    assert not left, "a staging or backup directory was left behind"


def test_second_generate_writes_nothing(out: Path, spec: Path) -> None:
    before = files_of(out)
    result = cli("generate", str(spec), "-o", str(out))
    assert result.exit_code == 0, result.output
    match = SUMMARY.fullmatch(result.stdout.splitlines()[0])
    assert match, result.stdout
    _, files, written, unchanged = map(int, match.groups())
    assert (written, unchanged) == (0, files)
    assert files_of(out) == before  # same bytes, same mtimes


def test_generate_rewrites_only_what_changed(out: Path, spec: Path) -> None:
    before = files_of(out)
    edited = out / "tiny" / "tiny" / "models" / "_thing.py"
    edited.write_text(edited.read_text() + "# edited\n")
    age(out)
    result = cli("generate", str(spec), "-o", str(out))
    assert result.exit_code == 0, result.output
    _, files, written, unchanged = map(
        int, SUMMARY.fullmatch(result.stdout.splitlines()[0]).groups()
    )  # type: ignore[union-attr]
    assert (written, unchanged) == (1, files - 1)
    after = files_of(out)
    assert after["tiny/tiny/models/_thing.py"][0] == before["tiny/tiny/models/_thing.py"][0]
    assert after["tiny/tiny/models/_thing.py"][1] != OLD
    assert {k: v for k, v in after.items() if k != "tiny/tiny/models/_thing.py"} == {
        k: v for k, v in before.items() if k != "tiny/tiny/models/_thing.py"
    }


def test_generate_removes_stray_files(out: Path, spec: Path) -> None:
    (out / "tiny" / "tiny" / "stray.py").write_text("x = 1\n")
    result = cli("generate", str(spec), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert ", 1 removed)" in result.stdout.splitlines()[0]
    assert not (out / "tiny" / "tiny" / "stray.py").exists()


def test_generate_without_specs_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("generate")
    assert result.exit_code == 2
    assert "no specs given and none found in specs/" in result.stderr


# --------------------------------------------------------------------------------------------- check


def test_check_up_to_date(out: Path, spec: Path) -> None:
    before = files_of(out)
    result = cli("check", str(spec), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == "generated code is up to date\n"
    assert files_of(out) == before


def test_check_finds_an_edited_file(out: Path, spec: Path) -> None:
    path = out / "tiny" / "tiny" / "resources" / "things.py"
    original = path.read_text()
    path.write_text(original.replace("class ThingsResource", "class EditedResource", 1))
    before = files_of(out)
    result = cli("check", str(spec), "-o", str(out))
    assert result.exit_code == 1
    diff = result.stdout
    assert diff.startswith(
        "--- a/tiny/tiny/resources/things.py\n+++ b/tiny/tiny/resources/things.py\n@@ "
    )
    assert "\n-class EditedResource" in diff and "\n+class ThingsResource" in diff
    assert f"{out / 'tiny'} is out of date: run `make generate`" in result.stderr
    assert files_of(out) == before  # check never writes


def test_check_finds_an_extra_file(out: Path, spec: Path) -> None:
    (out / "tiny" / "tiny" / "extra.py").write_text("print('hi')\n")
    result = cli("check", str(spec), "-o", str(out))
    assert result.exit_code == 1
    assert "--- a/tiny/tiny/extra.py\n+++ /dev/null\n" in result.stdout
    assert "\n-print('hi')\n" in result.stdout


def test_check_finds_an_extra_empty_file(out: Path, spec: Path) -> None:
    """`generate` would delete it (it reports "1 removed"), so `check` must not call the tree up to date."""
    (out / "tiny" / "tiny" / "stray.py").touch()
    result = cli("check", str(spec), "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "tiny/tiny/stray.py" in result.stdout


def test_check_finds_a_deleted_file(out: Path, spec: Path) -> None:
    (out / "tiny" / "tiny" / "models" / "_thing.py").unlink()
    result = cli("check", str(spec), "-o", str(out))
    assert result.exit_code == 1
    assert "--- /dev/null\n+++ b/tiny/tiny/models/_thing.py\n" in result.stdout
    assert "\n+class Thing(ApiModel):" in result.stdout


def test_check_without_output(tmp_path: Path, spec: Path) -> None:
    result = cli("check", str(spec), "-o", str(tmp_path / "nothing"))
    assert result.exit_code == 1
    assert "+++ b/tiny/tiny/__init__.py" in result.stdout
    assert not (tmp_path / "nothing").exists()


# ------------------------------------------------------------------------------------------ validate


def test_validate_ok(spec: Path) -> None:
    result = cli("validate", str(spec))
    assert result.exit_code == 0, result.output
    assert result.stdout == "tiny.yaml: ok (2 operations, 2 models)\n"
    assert result.stderr == ""


MINIMAL = """\
openapi: 3.1.0
info: {title: Minimal, version: "1"}
paths:
  /ping:
    get:
      operationId: ping
      responses: {'204': {description: Pong.}}
"""


def test_validate_a_spec_without_models(tmp_path: Path) -> None:
    """A valid spec that defines no schema at all is still a client (one method, no models)."""
    path = tmp_path / "minimal.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    result = cli("validate", str(path))
    assert result.stderr == ""
    assert result.stdout == "minimal.yaml: ok (1 operations, 0 models)\n"
    assert result.exit_code == 0


def test_validate_needs_a_spec() -> None:
    result = cli("validate")
    assert result.exit_code == 2
    assert "Missing argument 'SPECS...'" in result.stderr


# ------------------------------------------------------------------------------------- the real CLI


def test_help() -> None:
    done = real_cli("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: python -m generator [OPTIONS] COMMAND [ARGS]...")
    for command in ("generate", "check", "diff", "validate", "mock"):
        assert re.search(rf"^  {command}\s", done.stdout, re.MULTILINE), done.stdout


def test_version() -> None:
    """From a checkout too: the `sdkgen` distribution need not be installed for `python -m generator`."""
    done = real_cli("--version")
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0
    assert __version__ in done.stdout


def test_the_real_process_ends_with_all_it_said_and_the_runners_status(
    tmp_path: Path, spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m generator` ends without the interpreter's teardown (generator/__main__.py): what
    it printed still arrives whole through a pipe, with the status click gives."""
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)  # a pipe is then block-buffered
    out = tmp_path / "out"
    done = real_cli("generate", str(spec), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("tiny: 2 operations")
    # outside git, the run after a write measures against what it wrote; the next is a replay,
    # which generator/replay.py answers
    real_cli("generate", str(spec), "-o", str(out))
    again = real_cli("generate", str(spec), "-o", str(out))
    assert (again.returncode, again.stderr) == (0, "")
    assert re.fullmatch(r"tiny: .* files \(0 written, \d+ unchanged\) in \d\.\d\ds\n", again.stdout)
    for path in out.rglob("*.py"):  # a diff of every file: far more than a pipe's buffer
        path.write_text("# emptied\n", encoding="utf-8")
    monkeypatch.chdir(ROOT)
    runner = cli("check", str(spec), "-o", str(out))
    done = real_cli("check", str(spec), "-o", str(out))
    assert len(done.stdout) > 100_000
    assert (done.returncode, done.stdout, done.stderr) == (1, runner.stdout, runner.stderr)
    done = real_cli("generate", str(tmp_path / "missing.yaml"), "-o", str(out))
    assert done.returncode == 2 and "missing.yaml" in done.stderr
    assert "Traceback" not in done.stderr


def test_output_that_cannot_be_flushed_makes_the_status_120_as_python_does() -> None:
    code = "from generator.__main__ import hard_exit\nprint('lost')\nhard_exit(0)\n"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:  # every write to it fails: the disk is full
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, stdout=full, env=env)
    assert done.returncode == 120


def test_under_a_profiler_the_process_exits_normally(tmp_path: Path) -> None:
    profile = tmp_path / "run.prof"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "generator", "--version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout and profile.stat().st_size > 0


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (3, 3), ("bye", 1)])
def test_the_status_of_a_system_exit_is_pythons(
    code: object, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.__main__ import _status

    assert _status(SystemExit(code)) == status
    assert capsys.readouterr().err == ("bye\n" if code == "bye" else "")


def test_mock_help() -> None:
    done = real_cli("mock", "--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: python -m generator mock [OPTIONS] SPEC")
    assert "--port INTEGER" in done.stdout and "--host TEXT" in done.stdout


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("generate", "[SPECS]..."),
        ("check", "[SPECS]..."),
        ("diff", "[SPECS]..."),
        ("validate", "SPECS..."),
    ],
)
def test_command_help(command: str, usage: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"], prog_name="sdkgen")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: sdkgen {command} [OPTIONS] {usage}\n")


# ---------------------------------------------------------------------------------------------- mock


@pytest.fixture
def mock_process(spec: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "mock", str(spec), "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"},
        # Ctrl-C must raise KeyboardInterrupt in the child even if this run ignores SIGINT.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def read_line(process: subprocess.Popen[str], timeout: float = 30) -> str:
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()))  # type: ignore[union-attr]
    reader.daemon = True
    reader.start()
    reader.join(timeout)
    assert lines, "the mock server printed nothing in time"
    return lines[0]


def test_mock_serves_and_stops_on_ctrl_c(mock_process: subprocess.Popen[str]) -> None:
    banner = read_line(mock_process)
    match = re.fullmatch(
        r"mock: serving Tiny \(2 operations\) on (http://127\.0\.0\.1:\d+/v1)\n", banner
    )
    assert match, banner
    assert (
        read_line(mock_process) == f'mock: point clients at it with base_url="{match.group(1)}"\n'
    )
    with urllib.request.urlopen(f"{match.group(1)}/things/t1", timeout=10) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"id": "t1", "name": "First"}
    assert read_line(mock_process) == "GET /v1/things/t1 -> 200 getThing\n"
    mock_process.send_signal(signal.SIGINT)
    assert mock_process.wait(timeout=10) == 0
    assert "Traceback" not in mock_process.stderr.read()  # type: ignore[union-attr]


def test_mock_on_a_taken_port_is_a_one_line_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = real_cli("mock", "specs/laml_streams.yaml", "--port", str(port))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        f"mock: cannot listen on 127.0.0.1:{port}: Address already in use "
        "(pick another --port, or --port 0 for a free one)\n"
    )


@pytest.mark.parametrize("spec", [ROOT / "specs" / "laml_streams.yaml"])
def test_mock_prints_the_base_url_with_the_servers_prefix(
    mock_process: subprocess.Popen[str],
) -> None:
    banner = read_line(mock_process)
    found = re.search(r" on (http://127\.0\.0\.1:(\d+)/api/laml/2010-04-01)\n$", banner)
    assert found, banner
    assert found.group(2) != "0"  # --port 0: a free port, and the one actually bound is printed
    assert (
        read_line(mock_process) == f'mock: point clients at it with base_url="{found.group(1)}"\n'
    )
    mock_process.send_signal(signal.SIGINT)
    assert mock_process.wait(timeout=10) == 0


def test_mock_reports_a_spec_that_does_not_load() -> None:
    done = real_cli("mock", "tests/bad_specs/duplicate_key.yaml", "--port", "0")
    assert done.returncode == 2
    assert "tests/bad_specs/duplicate_key.yaml:12: #/paths/~1a/get: duplicate key 'get'" in (
        done.stderr.splitlines()
    )


def test_mock_reports_an_invalid_spec() -> None:
    """An invalid spec is bad input (exit 2, file:line problems), not a crash."""
    done = real_cli("mock", "tests/bad_specs/missing_info_version.yaml", "--port", "0", timeout=30)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode == 2
    assert (
        "tests/bad_specs/missing_info_version.yaml:2: #/info: 'version' is a required property"
        in (done.stderr.splitlines())
    )
