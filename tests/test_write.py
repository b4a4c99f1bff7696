"""The write stage under concurrency, kills and failing disks.

Runs into one output directory take turns (an flock there), so the tree that ends up on disk is
exactly one run's; what a killed run leaves (no package directory, staging directories) is repaired
by the next run; an output directory that cannot be written is one line and exit status 4.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from generator import write
from generator.cli import main
from generator.write import LOCK_FILE, diff_tree, locked, write_tree

ROOT = Path(__file__).resolve().parent.parent


def tree(tag: str, count: int = 60) -> dict[PurePosixPath, str]:
    """A package of `count` files, every one of them naming `tag`."""
    return {PurePosixPath(f"pkg/m{i:03d}.py"): f"TAG = {tag!r}  # {i}\n" * 20 for i in range(count)}


def on_disk(root: Path) -> dict[PurePosixPath, str]:
    return {
        PurePosixPath(p.relative_to(root).as_posix()): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith(".") and p.name != LOCK_FILE)


def variant(base: dict[PurePosixPath, str], tag: str, parity: int) -> dict[PurePosixPath, str]:
    """`base` with every other file (odd or even ones) changed: two variants overlap nowhere, so
    each takes the other's files for unchanged ones, which is how unserialized runs mix trees."""
    return {
        path: f"TAG = {tag!r}\n" if i % 2 == parity else text
        for i, (path, text) in enumerate(sorted(base.items()))
    }


def test_runs_in_threads_never_mix_their_trees(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for trial in range(5):
        base = tree(f"base-{trial}", 120)
        write_tree(out / "pkg", base)
        trees = [variant(base, f"{trial}-a", 0), variant(base, f"{trial}-b", 1)]
        start = threading.Barrier(len(trees))

        def run(files: dict[PurePosixPath, str], start: threading.Barrier = start) -> None:
            start.wait()
            write_tree(out / "pkg", files)

        threads = [threading.Thread(target=run, args=(t,)) for t in trees]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert on_disk(out / "pkg") in trees, f"trial {trial}: the trees were mixed"
        assert leftovers(out) == []


_WRITER = """
import sys
from pathlib import Path, PurePosixPath
from generator.write import write_tree
files = {PurePosixPath("pkg/m.py"): "TAG = 'other process'\\n"}
write_tree(Path(sys.argv[1]) / "pkg", files, waiting=lambda: print("waiting", flush=True))
print("written", flush=True)
"""


def test_a_run_in_another_process_waits_for_the_lock(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out / "pkg", tree("mine"))
    with locked(out):  # as a run in this process would hold it while writing
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(out)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert writer.stdout is not None
        assert writer.stdout.readline() == "waiting\n"
        time.sleep(0.3)
        assert writer.poll() is None, "it went ahead while this process held the lock"
        assert on_disk(out / "pkg") == tree("mine")
    assert writer.stdout.readline() == "written\n"
    assert writer.wait(30) == 0
    assert on_disk(out / "pkg") == {PurePosixPath("pkg/m.py"): "TAG = 'other process'\n"}


def test_a_run_waits_for_the_lock_and_says_so(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    waited = threading.Event()
    done = threading.Event()
    with locked(out):
        worker = threading.Thread(
            target=lambda: (write_tree(out / "pkg", tree("x"), waiting=waited.set), done.set())
        )
        worker.start()
        assert waited.wait(10), "the second run did not notice the lock"
        time.sleep(0.2)
        assert not done.is_set(), "it wrote while another run held the lock"
    worker.join(10)
    assert done.is_set() and on_disk(out / "pkg") == tree("x")


_KILLED = """
import os, signal, sys
from pathlib import Path, PurePosixPath
from generator import write
calls = []
real = os.replace
def replace(src, dst):
    calls.append(dst)
    if len(calls) == 2:  # after moving the old tree aside, before moving the new one in
        os.kill(os.getpid(), signal.SIGKILL)
    real(src, dst)
write.os.replace = replace
files = {PurePosixPath(f"pkg/m{i:03d}.py"): f"TAG = 'new'  # {i}\\n" * 20 for i in range(60)}
write.write_tree(Path(sys.argv[1]) / "pkg", files)
"""


def test_a_run_killed_between_the_renames_is_repaired_by_the_next(tmp_path: Path) -> None:
    out = tmp_path / "out"
    old = tree("old")
    write_tree(out / "pkg", old)
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED, str(out)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=60,
        check=False,
    )
    assert killed.returncode == -signal.SIGKILL
    assert not (out / "pkg").exists()  # the state the kill left: no package directory at all
    assert len(leftovers(out)) == 2  # the moved-aside old tree and the complete staging tree

    assert diff_tree(out / "pkg", old) != ""  # check sees the damage
    result = write_tree(out / "pkg", old)
    assert (result.written, result.unchanged) == (0, len(old))  # the old tree came back as it was
    assert on_disk(out / "pkg") == old
    assert leftovers(out) == []


def test_staging_left_by_killed_runs_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tree(out / "pkg", tree("a"))
    for name in (".pkg.abc123", ".pkg.old", ".pkg.x_y"):
        (out / name / "pkg").mkdir(parents=True)
        (out / name / "pkg" / "half.py").write_text("TAG = 'half")
    (out / ".other.abc").mkdir()  # another package's: not ours to touch
    write_tree(out / "pkg", tree("b"))
    assert on_disk(out / "pkg") == tree("b")
    assert leftovers(out) == [".other.abc"]


# ------------------------------------------------------------------------------ failing output dirs

SPEC = (ROOT / "tests" / "golden" / "openapi30_multifile" / "spec.yaml").resolve()


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result.exit_code, result.stdout, result.stderr


def test_an_output_path_under_a_file_is_one_line_and_exit_4(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    status, stdout, stderr = cli("generate", str(SPEC), "-o", str(blocker / "out"))
    assert status == 4
    assert stderr.splitlines() == [
        f"cannot write {blocker / 'out'}/{package_of(SPEC)}: Not a directory: {blocker / 'out'}"
    ]
    assert stdout == ""


def package_of(spec: Path) -> str:
    from generator.pipeline import build

    return build(spec, formatted=False)[0].package


@pytest.mark.parametrize(
    ("where", "error"),
    [
        ("mkdtemp", OSError(errno.EROFS, "Read-only file system")),
        ("write_bytes", OSError(errno.ENOSPC, "No space left on device")),
        ("write_bytes", PermissionError(errno.EACCES, "Permission denied")),
    ],
)
def test_an_unwritable_output_is_one_line_and_exit_4_and_the_old_tree_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, error: OSError
) -> None:
    out = tmp_path / "out"
    status, _, _ = cli("generate", str(SPEC), "-o", str(out))
    assert status == 0
    package = out / package_of(SPEC)
    before = on_disk(package)
    (package / "README.md").write_text("edited, so the next run has something to write\n")
    before[PurePosixPath("README.md")] = "edited, so the next run has something to write\n"

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    if where == "mkdtemp":
        monkeypatch.setattr(write.tempfile, "mkdtemp", fail)
    else:
        monkeypatch.setattr(write.Path, "write_bytes", fail)
    status, stdout, stderr = cli("generate", str(SPEC), "-o", str(out))
    assert status == 4
    assert stderr.splitlines() == [f"cannot write {package}: {error.strerror}"]
    assert stdout == ""
    assert on_disk(package) == before
    assert leftovers(out) == []


def test_exit_4_is_documented() -> None:
    readme = (ROOT / "README.md").read_text()
    cli_doc = (ROOT / "generator" / "cli.py").read_text().split('"""')[1]
    for text in (readme, cli_doc):
        assert "4" in text and "could not be written" in text


def test_check_reads_a_tree_it_cannot_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only checkout: no lock file can be created, and check still compares."""
    write_tree(tmp_path / "pkg", tree("a"))

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(write, "locked", refuse)
    assert diff_tree(tmp_path / "pkg", tree("a")) == ""
    assert "TAG = 'b'" in diff_tree(tmp_path / "pkg", tree("b"))


def test_the_lock_file_is_ignored_by_git() -> None:
    assert LOCK_FILE in (ROOT / ".gitignore").read_text().split()
