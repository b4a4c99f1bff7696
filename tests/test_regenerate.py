"""Regenerating on spec change, through the CLI: the report, version and changelog measured against the
committed package (git HEAD, or the disk outside git), `diff [--against REF] [--json]`, and removed
specs. Each test works in its own git repository (specs/ and generated/) under a temporary directory.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path, PurePosixPath

import pytest

from generator import pipeline
from generator.ir import Api
from generator.write import LOCK_FILE
from tests.test_cli import SPEC, cli, files_of

GIT = [
    "git",
    "-c",
    "user.name=t",
    "-c",
    "user.email=t@example.invalid",
    "-c",
    "commit.gpgsign=false",
]
NAME_FIELD = "        name: {type: string}\n"
# The response model loses a field (breaking); the body gains an optional argument (compatible).
WITHOUT_NAME = SPEC.replace("      required: [id, name]\n", "      required: [id]\n").replace(
    "      properties:\n        id: {type: string}\n" + NAME_FIELD,
    "      properties:\n        id: {type: string}\n",
)
WITH_NOTE = WITHOUT_NAME.replace(
    "              properties:\n                name: {type: string}\n",
    "              properties:\n                name: {type: string}\n                note: {type: string}\n",
)
OTHER = SPEC.replace("package: tiny, client: TinyClient", "package: other, client: OtherClient")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run([*GIT, *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout


def commit(repo: Path, message: str = "step") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """specs/tiny.yaml generated into generated/tiny and committed; the working directory."""
    root = tmp_path / "repo"
    (root / "specs").mkdir(parents=True)
    (root / "specs" / "tiny.yaml").write_text(SPEC, encoding="utf-8")
    git(root, "init", "-q")
    monkeypatch.chdir(root)
    result = cli("generate")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("tiny: 2 operations")  # a new package: no report to print
    commit(root, "base")
    return root


def edit(repo: Path, text: str, name: str = "tiny") -> None:
    (repo / "specs" / f"{name}.yaml").write_text(text, encoding="utf-8")


def read(repo: Path, path: str) -> str:
    return (repo / "generated" / path).read_text(encoding="utf-8")


def test_generate_reports_the_change_and_bumps_the_version(repo: Path) -> None:
    edit(repo, WITHOUT_NAME)
    result = cli("generate")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "tiny: 1.2.3 -> 2.0.0 (breaking changes)",
        "  breaking: `Thing`: field `name` removed",
    ]
    assert 'version = "2.0.0"' in read(repo, "tiny/pyproject.toml")
    assert '__version__ = "2.0.0"' in read(repo, "tiny/tiny/_client.py")
    assert json.loads(read(repo, "tiny/api.json"))["version"] == "2.0.0"
    log = read(repo, "tiny/CHANGELOG.md")
    assert (
        "## 2.0.0\n\n### Breaking changes\n\n- `Thing`: field `name` removed.\n\n## 1.2.3\n" in log
    )
    assert (
        cli("check").exit_code == 0
    )  # the regenerated (uncommitted) tree is what HEAD + spec make


def test_regenerating_before_a_commit_does_not_stack_versions(repo: Path) -> None:
    edit(repo, WITHOUT_NAME)
    assert cli("generate").exit_code == 0
    first = files_of(repo / "generated")
    again = cli("generate")  # the same edit again: still one step from HEAD
    assert again.stdout.splitlines()[0] == "tiny: 1.2.3 -> 2.0.0 (breaking changes)"
    assert "(0 written," in again.stdout and files_of(repo / "generated") == first
    edit(repo, WITH_NOTE)  # a second edit before committing joins the same version
    more = cli("generate").stdout.splitlines()
    assert more[0] == "tiny: 1.2.3 -> 2.0.0 (breaking changes)"
    assert "  compatible: `client.things.create()`: optional keyword argument `note` added" in more
    assert read(repo, "tiny/CHANGELOG.md").count("\n## ") == 2
    edit(repo, SPEC)  # undoing the edit restores the committed package byte for byte
    assert cli("generate").exit_code == 0
    assert git(repo, "status", "--porcelain") == ""


def test_check_names_the_version_a_change_needs(repo: Path) -> None:
    edit(repo, WITHOUT_NAME)
    result = cli("check")
    assert result.exit_code == 1
    assert '+version = "2.0.0"' in result.stdout and "+## 2.0.0" in result.stdout
    assert (
        "tiny: breaking changes make it version 2.0.0 (from 1.2.3), with a CHANGELOG.md "
        "section for it:\n  breaking: `Thing`: field `name` removed\n"
    ) in result.stderr


def test_check_refuses_a_hand_set_version(repo: Path) -> None:
    """A version edited by hand everywhere but the changelog (api.json, pyproject, __version__)."""
    for path in ("tiny/api.json", "tiny/pyproject.toml", "tiny/tiny/_client.py"):
        file = repo / "generated" / path
        file.write_text(file.read_text().replace("1.2.3", "5.0.0"), encoding="utf-8")
    commit(repo, "hand edit")
    result = cli("check")
    assert result.exit_code == 1
    # the files no longer match the manifest's digest: regenerating makes a patch release of them
    assert "+## 5.0.1" in result.stdout and '+__version__ = "5.0.1"' in result.stdout


def test_a_merged_generator_change_is_a_patch_release_without_manual_steps(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What merging a branch that changes templates, a formatter or the runtime does: the spec and
    the Python API stay, the files do not. `check` names the release it needs; `generate` makes it."""
    original = pipeline.render

    def changed(api: Api) -> dict[PurePosixPath, str]:
        files = original(api)
        for path, text in files.items():
            if path.suffix != ".py":
                continue
            if path.parent.name == "_runtime":
                files[path] = text + "# a runtime fix\n"
            else:
                files[path] = text.replace("Do not edit:", "Never edit:", 1)
        return files

    monkeypatch.setattr(pipeline, "render", changed)
    stale = cli("check")
    assert stale.exit_code == 1
    assert (
        "tiny: patch changes make it version 1.2.4 (from 1.2.3), with a CHANGELOG.md section for "
        "it:\n  patch: The generated code changed; the Python API did not.\n  patch: The runtime "
    ) in stale.stderr
    result = cli("generate")
    assert result.stdout.splitlines()[0] == "tiny: 1.2.3 -> 1.2.4 (patch changes)"
    assert (
        "## 1.2.4\n\n### Other changes\n\n- The generated code changed; the Python API did not.\n"
        in (read(repo, "tiny/CHANGELOG.md"))
    )
    commit(repo, "merged and regenerated")
    assert cli("check").exit_code == 0
    assert "tiny: 1.2.4, no changes" in cli("diff").stdout


def test_diff_against_head_and_a_ref_as_text_and_json(repo: Path) -> None:
    edit(repo, WITHOUT_NAME)
    pending = cli("diff")
    assert pending.stdout.splitlines() == [
        "tiny: 1.2.3 -> 2.0.0 (breaking changes)",
        "  breaking: `Thing`: field `name` removed",
    ]
    assert git(repo, "status", "--porcelain") == " M specs/tiny.yaml\n"  # diff writes nothing
    assert cli("generate").exit_code == 0
    commit(repo, "remove name")
    assert cli("diff").stdout == "tiny: 2.0.0, no changes\n"
    assert (
        cli("diff", "--against", "HEAD~1").stdout.splitlines()[0]
        == "tiny: 1.2.3 -> 2.0.0 (breaking changes)"
    )
    document = json.loads(cli("diff", "--json", "--against", "HEAD~1").stdout)
    assert document == {
        "against": "HEAD~1",
        "packages": [
            {
                "package": "tiny",
                "source": "tiny.yaml",
                "status": "changed",
                "previous_version": "1.2.3",
                "version": "2.0.0",
                "level": "breaking",
                "changes": [
                    {
                        "level": "breaking",
                        "kind": "field-removed",
                        "subject": "`Thing`",
                        "message": "field `name` removed",
                    }
                ],
                "notes": [],
            }
        ],
    }
    bad = cli("diff", "--against", "no-such-ref")
    assert bad.exit_code == 2 and "--against no-such-ref: no such commit" in bad.stderr


def test_a_removed_spec_removes_its_package(repo: Path) -> None:
    edit(repo, OTHER, "other")
    assert cli("generate").exit_code == 0
    (repo / "generated" / "notes").mkdir()  # not made by the generator: never touched
    (repo / "generated" / "notes" / "README.txt").write_text("keep me\n")
    commit(repo, "other")
    (repo / "specs" / "other.yaml").unlink()
    assert cli("diff").stdout.splitlines()[-1] == "other: removed (no spec generates it)"
    entries = json.loads(cli("diff", "--json").stdout)["packages"]
    assert entries[-1] == {
        "package": "other",
        "source": "other.yaml",
        "status": "removed",
        "previous_version": "1.2.3",
        "version": None,
        "level": None,
        "changes": [],
        "notes": [],
    }
    stale = cli("check")
    assert stale.exit_code == 1
    assert (
        "generated/other: no spec generates this package any more: run `make generate` to remove it"
        in stale.stderr
    )
    assert "notes" not in stale.output
    explicit = cli("generate", "specs/tiny.yaml")  # only a full run removes packages
    assert explicit.exit_code == 0 and (repo / "generated" / "other").is_dir()
    result = cli("generate")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1].startswith("other: removed generated/other (")
    assert not (repo / "generated" / "other").exists()
    assert (repo / "generated" / "notes" / "README.txt").read_text() == "keep me\n"
    assert cli("check").exit_code == 0
    # nothing left of the removal (the lock file stays: it is how runs take turns)
    leftovers = [p.name for p in (repo / "generated").iterdir() if p.name.startswith(".")]
    assert leftovers == [LOCK_FILE]


def test_a_shallow_clone_and_a_worktree_measure_against_their_own_head(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What CI sees (a clone at depth 1, no history before HEAD) and a second work tree of the
    same repository on another branch: each checks against its own HEAD."""
    clone = tmp_path / "clone"
    git(repo, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    assert git(clone, "rev-list", "--count", "HEAD").strip() == "1"
    monkeypatch.chdir(clone)
    assert cli("check").exit_code == 0
    assert cli("diff").stdout == "tiny: 1.2.3, no changes\n"
    work = tmp_path / "work"
    git(repo, "worktree", "add", "-q", "-b", "edit", str(work))
    monkeypatch.chdir(work)
    edit(work, WITHOUT_NAME)
    assert cli("generate").stdout.startswith("tiny: 1.2.3 -> 2.0.0 (breaking changes)\n")
    commit(work, "breaking")
    assert cli("check").exit_code == 0
    monkeypatch.chdir(repo)  # the first work tree's HEAD still has 1.2.3
    assert cli("check").exit_code == 0 and 'version = "1.2.3"' in read(repo, "tiny/pyproject.toml")


def test_outside_git_the_package_on_disk_is_the_baseline(tmp_path: Path) -> None:
    spec, out = tmp_path / "tiny.yaml", tmp_path / "out"
    spec.write_text(SPEC, encoding="utf-8")
    assert cli("generate", str(spec), "-o", str(out)).exit_code == 0
    spec.write_text(WITHOUT_NAME, encoding="utf-8")
    result = cli("generate", str(spec), "-o", str(out))
    assert result.stdout.splitlines()[0] == "tiny: 1.2.3 -> 2.0.0 (breaking changes)"
    again = cli("generate", str(spec), "-o", str(out))  # the disk now has 2.0.0: nothing to report
    assert again.stdout.startswith("tiny: 2 operations") and "(0 written," in again.stdout
    assert cli("diff", str(spec), "-o", str(out)).stdout == "tiny: 2.0.0, no changes\n"
    refused = cli("diff", str(spec), "-o", str(out), "--against", "HEAD")
    assert refused.exit_code == 2 and "is not in a git work tree" in refused.stderr


def test_a_damaged_manifest_stops_generate_with_its_name(tmp_path: Path) -> None:
    spec, out = tmp_path / "tiny.yaml", tmp_path / "out"
    spec.write_text(SPEC, encoding="utf-8")
    assert cli("generate", str(spec), "-o", str(out)).exit_code == 0
    (out / "tiny" / "api.json").write_text("{", encoding="utf-8")
    before = files_of(out)
    result = cli("generate", str(spec), "-o", str(out))
    assert result.exit_code == 2
    assert "tiny/api.json: not JSON" in result.stderr and "nothing was written" in result.stderr
    assert files_of(out) == before


def test_a_pin_below_the_committed_version_is_a_located_spec_error(repo: Path) -> None:
    edit(
        repo,
        SPEC.replace(
            "x-sdk: {package: tiny, client: TinyClient}",
            "x-sdk: {package: tiny, client: TinyClient, version: 1.0.0}",
        ),
    )
    result = cli("generate")
    assert result.exit_code == 2
    assert (
        "specs/tiny.yaml:5: #/info/x-sdk/version: 1.0.0 is lower than the version of the package it "
        "replaces (1.2.3, HEAD:generated/tiny): versions only go up"
    ) in result.stderr


def test_a_committed_package_without_a_manifest_starts_the_record(repo: Path) -> None:
    """Packages generated before api.json existed: compared with nothing, versioned from the spec."""
    for name in ("api.json", "CHANGELOG.md"):
        (repo / "generated" / "tiny" / name).unlink()
    commit(repo, "a package from before manifests")
    assert cli("diff").stdout == "tiny: 1.2.3, first version with an api.json to compare with\n"
    result = cli("generate")
    assert result.exit_code == 0
    assert result.stdout.startswith("tiny: 1.2.3, first version with an api.json to compare with\n")
    assert (repo / "generated" / "tiny" / "api.json").is_file()
