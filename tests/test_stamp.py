"""Run stamps (generator/stamp.py): `generate` with nothing changed writes nothing and repeats what
the last run said, without building; anything a run depends on, changed, builds again.

Each test works in its own git repository (tests.test_regenerate's fixture): the baseline is HEAD.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from generator import baseline as baseline_module
from generator import cli as cli_module
from generator import stamp
from generator.baseline import Baselines
from tests.test_cli import SPEC, cli
from tests.test_regenerate import WITHOUT_NAME, commit, edit, git, repo

__all__ = ["repo"]  # the fixture, used by name


def _lines(text: str) -> list[str]:
    """Output lines with the per-spec time left out (the one thing a replay says differently)."""
    return [re.sub(r" in \d+\.\d+s$", "", line) for line in text.splitlines()]


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[list[Path]]:
    """The specs each `generate` sent through the pipeline (an empty list: all replayed)."""
    seen: list[list[Path]] = []
    real = cli_module._build_all

    def counting(specs: list[Path], *args: object, **kwargs: object) -> object:
        seen.append(list(specs))
        return real(specs, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cli_module, "_build_all", counting)
    return seen


def _built(builds: list[list[Path]]) -> bool:
    """Whether the last `generate` built a spec (a replay of every spec builds nothing); the
    record is cleared for the next one."""
    built = any(builds)
    builds.clear()
    return built


def test_unchanged_generate_replays_without_building(repo: Path, builds: list[list[Path]]) -> None:
    edit(repo, WITHOUT_NAME)  # a report to repeat: measured against HEAD, it stays the same
    first = cli("generate")
    assert _built(builds) and "tiny: 1.2.3 -> 2.0.0 (breaking changes)" in first.stdout
    again = cli("generate")
    assert not _built(builds), "nothing changed: nothing should be built"
    # what the build said, but for the counts of files written
    said = [
        line.replace("(5 written, 31 unchanged)", "(0 written, 36 unchanged)")
        for line in _lines(first.stdout)
    ]
    assert "(5 written, 31 unchanged)" in first.stdout
    assert _lines(again.stdout) == said
    assert again.stderr == first.stderr
    assert "(0 written, " in again.stdout
    assert cli("check").exit_code == 0


@pytest.mark.parametrize(
    "change",
    [
        "spec edited",
        "spec touched, same bytes",
        "generated file edited",
        "generated file added",
        "generated file removed",
        "options",
        "baseline committed",
        "generator",
    ],
)
def test_anything_a_run_depends_on_changed_builds_again(
    repo: Path, builds: list[list[Path]], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    cli("generate")  # the fixture's commit changed the baseline: built and stamped again
    builds.clear()
    cli("generate")
    assert not _built(builds)
    package = repo / "generated" / "tiny"
    args = ["generate"]
    if change == "spec edited":
        edit(repo, WITHOUT_NAME)
    elif change == "spec touched, same bytes":
        edit(repo, SPEC)
    elif change == "generated file edited":
        (package / "README.md").write_text("edited by hand\n", encoding="utf-8")
    elif change == "generated file added":
        (package / "tiny" / "extra.py").write_text("x = 1\n", encoding="utf-8")
    elif change == "generated file removed":
        (package / "README.md").unlink()
    elif change == "options":
        args.append("--lenient")
    elif change == "baseline committed":
        edit(repo, WITHOUT_NAME)
        cli("generate")
        commit(repo, "2.0.0")
        builds.clear()
        cli("generate")  # measured against the new HEAD: no report any more
        assert _built(builds)
        assert "->" not in cli("generate").stdout and not _built(builds)
        return
    elif change == "generator":
        stamp._generator.cache_clear()
        monkeypatch.setattr(stamp, "source_fingerprint", lambda *a: "another generator")
    result = cli(*args)
    assert result.exit_code == 0, result.output
    if change == "spec touched, same bytes":
        assert not _built(builds), "the same bytes: still a replay"
        return
    assert _built(builds), f"{change}: should have built"
    # and the package is what a build makes: a hand edit is undone, an extra file removed
    assert not (package / "tiny" / "extra.py").exists()
    assert (package / "README.md").read_text(encoding="utf-8") != "edited by hand\n"
    stamp._generator.cache_clear()


def test_a_fragment_the_spec_refers_to_is_an_input(
    tmp_path: Path, builds: list[list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs" / "tiny").mkdir(parents=True)
    shared = "Thing:\n  type: object\n  properties:\n    id: {type: string}\n"
    (tmp_path / "specs" / "tiny" / "schemas.yaml").write_text(shared, encoding="utf-8")
    root = SPEC.split("components:")[0] + "components:\n  schemas:\n    Thing:\n"
    root += "      $ref: 'tiny/schemas.yaml#/Thing'\n"
    (tmp_path / "specs" / "tiny.yaml").write_text(root, encoding="utf-8")
    assert cli("generate").exit_code == 0
    # outside git the baseline is the package on disk: the run after a write measures against
    # what it wrote (and stamps that), the one after it is a replay
    assert cli("generate").exit_code == 0
    builds.clear()
    assert cli("generate").exit_code == 0 and not _built(builds)
    edited = shared + "    note: {type: string}\n"
    (tmp_path / "specs" / "tiny" / "schemas.yaml").write_text(edited, encoding="utf-8")
    assert cli("generate").exit_code == 0 and _built(builds)
    assert "note" in (tmp_path / "generated" / "tiny" / "api.json").read_text(encoding="utf-8")


def test_no_cache_means_no_stamps(
    repo: Path, builds: list[list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDKGEN_NO_CACHE", "1")
    cli("generate")
    cli("generate")
    assert _built(builds)


def test_a_damaged_stamp_is_a_miss(repo: Path, builds: list[list[Path]]) -> None:
    cli("generate")
    store = stamp._store()
    spec, output = Path("specs/tiny.yaml"), Path("generated")
    slot = stamp._slot(spec, output, False, False)
    for damaged in ("not json", "[]", '{"inputs": 1}', '{"package": "tiny"}'):
        store.put(slot, damaged)
        assert cli("generate").exit_code == 0 and _built(builds), damaged


def _both_ways(output: Path, package: str) -> tuple[list[bytes | None] | None, list[bytes | None]]:
    """HEAD's files by the one-process read a stamp check makes, and by the located baseline."""
    quick = Baselines(output)._head_files(package)
    located = Baselines(output)
    assert located.git is not None or quick is None
    return quick, located.raw(package)


def test_the_stamp_checks_head_in_one_git_process_and_agrees_with_the_baseline(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    output = repo / "generated"
    quick, located = _both_ways(output, "tiny")
    assert quick == located and located[0] is not None and located[1] is not None
    # edited on disk, not committed: HEAD's bytes still
    (output / "tiny" / "CHANGELOG.md").write_text("edited\n", encoding="utf-8")
    assert _both_ways(output, "tiny")[0] == located
    # a package HEAD does not have, and a repository without commits
    quick, located = _both_ways(output, "other")
    assert quick == located == [None, None, None]
    bare = tmp_path / "fresh"
    (bare / "generated" / "tiny").mkdir(parents=True)
    git(bare, "init", "-q")
    assert _both_ways(bare / "generated", "tiny") == ([None, None, None], [None, None, None])
    # outside any work tree (and without git at all) it does not answer: the baseline is the disk
    outside = tmp_path / "outside" / "generated"
    shutil.copytree(output / "tiny", outside / "tiny")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert _both_ways(outside, "tiny")[0] is None
    assert Baselines(outside).raw("tiny")[1] == b"edited\n"
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    assert Baselines(output)._head_files("tiny") is None
    calls: list[tuple[str, ...]] = []
    real = baseline_module._git

    def spy(cwd: Path, *args: str, stdin: bytes | None = None) -> object:
        calls.append(args)
        return real(cwd, *args, stdin=stdin)

    monkeypatch.undo()
    monkeypatch.chdir(repo)
    monkeypatch.setattr(baseline_module, "_git", spy)
    Baselines(output).raw("tiny")
    assert [args[0] for args in calls] == ["cat-file"]


def _no_git_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith(baseline_module._GIT_SETTINGS)]:
        monkeypatch.delenv(name)


def test_head_commit_reads_what_git_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """baseline.head_commit against `git rev-parse HEAD`, in each layout it reads, and None
    wherever it should leave the answer to git."""
    _no_git_settings(monkeypatch)
    head_commit = baseline_module.head_commit
    main = tmp_path / "main"
    deep = main / "generated" / "not" / "there" / "yet"
    main.mkdir()
    assert head_commit(deep) is None  # no repository above it
    git(main, "init", "-q", "-b", "main")
    assert head_commit(deep) is None  # unborn branch
    commit(main, "one")

    def agrees(where: Path) -> str:
        found = head_commit(where / "generated" / "pkg")
        assert found is not None and found.commit == git(where, "rev-parse", "HEAD").strip()
        assert found.top == git(where, "rev-parse", "--show-toplevel").strip()
        return found.commit

    first = agrees(main)
    assert head_commit(deep) == (str(main.resolve()), first)
    git(main, "pack-refs", "--all")  # the branch now only in packed-refs
    assert not (main / ".git" / "refs" / "heads" / "main").exists()
    commit(main, "two")  # a loose ref again, newer than the packed one
    second = agrees(main)
    assert second != first
    git(main, "pack-refs", "--all")
    assert agrees(main) == second
    git(main, "checkout", "-q", "--detach")
    assert agrees(main) == second
    git(main, "checkout", "-q", "main")
    # a symbolic ref naming another
    git(main, "symbolic-ref", "refs/heads/alias", "refs/heads/main")
    git(main, "symbolic-ref", "HEAD", "refs/heads/alias")
    assert agrees(main) == second
    git(main, "symbolic-ref", "HEAD", "refs/heads/main")
    # a linked worktree: `.git` is a file naming its gitdir, refs are in the common dir
    tree = tmp_path / "tree"
    git(main, "worktree", "add", "-q", "-b", "side", str(tree))
    assert (tree / ".git").is_file()
    assert agrees(tree) == second
    commit(tree, "three")
    assert agrees(tree) not in (first, second) and agrees(main) == second
    # SHA-256 object names
    wide = tmp_path / "wide"
    wide.mkdir()
    git(wide, "init", "-q", "--object-format=sha256")
    commit(wide, "one")
    assert len(agrees(wide)) == 64
    monkeypatch.setenv("GIT_SSL_CAINFO", "/nowhere")  # a setting that does not bear on it
    assert agrees(main) == second
    # left to git: replace refs, the reftable format, settings that change where git looks
    git(main, "replace", first, second)
    assert head_commit(main) is None
    git(main, "replace", "-d", first)
    assert agrees(main) == second
    (main / ".git" / "reftable").mkdir()
    assert head_commit(main) is None
    (main / ".git" / "reftable").rmdir()
    for name in ("GIT_DIR", "GIT_CONFIG_COUNT", "GIT_CEILING_DIRECTORIES"):
        monkeypatch.setenv(name, str(tree / ".git"))
        assert head_commit(main) is None
        monkeypatch.delenv(name)
    assert agrees(main) == second


def test_an_unchanged_run_in_a_repository_starts_no_git_while_head_stays(
    repo: Path, builds: list[list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_git_settings(monkeypatch)
    cli("generate")  # the fixture's commit moved HEAD: built and stamped again, pinned to HEAD
    assert _built(builds)
    calls: list[tuple[str, ...]] = []
    real = baseline_module._git

    def spy(cwd: Path, *args: str, stdin: bytes | None = None) -> object:
        calls.append(args)
        return real(cwd, *args, stdin=stdin)

    monkeypatch.setattr(baseline_module, "_git", spy)
    first = cli("generate")
    assert not _built(builds) and "(0 written, " in first.stdout
    assert calls == [], "HEAD is the commit the stamp is pinned to: git has nothing to say"
    # HEAD moves without touching the package: git is asked, and it is still a replay
    (repo / "notes.txt").write_text("unrelated\n", encoding="utf-8")
    commit(repo, "unrelated")
    again = cli("generate")
    assert not _built(builds) and _lines(again.stdout) == _lines(first.stdout)
    assert [args[0] for args in calls] == ["cat-file"]
    # a stamp pinned to a commit whose package differs from the new HEAD's is a miss
    edit(repo, WITHOUT_NAME)
    cli("generate")
    commit(repo, "2.0.0")
    assert _built(builds)
    cli("generate")
    assert _built(builds), "the baseline moved to the new commit: measured again"
    assert "->" not in cli("generate").stdout and not _built(builds)


def test_a_commit_made_while_building_is_not_taken_for_the_baseline(
    repo: Path, builds: list[list[Path]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The build measures against the commit HEAD named when it started. A commit landing
    before the write must not be what the stamp pins: the next run measures again."""
    _no_git_settings(monkeypatch)
    cli("generate")  # the fixture's commit moved HEAD: built and stamped again
    builds.clear()
    changelog = repo / "generated" / "tiny" / "CHANGELOG.md"
    real = cli_module._build_all

    def committing_meanwhile(specs: list[Path], *args: object, **kwargs: object) -> object:
        done = real(specs, *args, **kwargs)  # type: ignore[arg-type]
        changelog.write_text(changelog.read_text(encoding="utf-8") + "\nmeanwhile\n", "utf-8")
        commit(repo, "landed during the build")
        return done

    edit(repo, WITHOUT_NAME)
    monkeypatch.setattr(cli_module, "_build_all", committing_meanwhile)
    cli("generate")
    monkeypatch.setattr(cli_module, "_build_all", real)
    builds.clear()
    again = cli("generate")
    assert _built(builds), "the baseline is the new commit now: measured again, not replayed"
    assert "(0 written, " not in again.stdout


def test_head_commit_names_the_work_tree_and_reads_head_as_git_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_git_settings(monkeypatch)
    outer = tmp_path / "outer"
    outer.mkdir()
    git(outer, "init", "-q")
    commit(outer, "one")
    output = outer / "sub" / "generated"
    output.mkdir(parents=True)
    head = baseline_module.head_commit(output)
    assert head is not None and head.top == str(outer.resolve())
    # a repository nested between the output and the old top, at the very same commit
    nested = outer / "sub"
    shutil.copytree(outer / ".git", nested / ".git")
    inner = baseline_module.head_commit(output)
    assert inner is not None and inner.commit == head.commit and inner.top != head.top
    # git reads HEAD from its first character: leading blanks make it no repository at all
    head_file = nested / ".git" / "HEAD"
    head_file.write_text(" " + head_file.read_text(encoding="utf-8"), encoding="utf-8")
    assert baseline_module.head_commit(output) is None
    # a repository another user owns is git's to judge (safe.directory)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(outer).st_uid + 1)
    assert baseline_module.head_commit(outer) is None
