"""generator.cache: keys follow the generator's own code and dependencies, and the suite keeps its
cache in a temporary directory of its own (never the user's ~/.cache/sdkgen), subprocesses included."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cache, validate
from generator.load import load_spec
from tests.conftest import SESSION_CACHE

ROOT = Path(__file__).resolve().parents[1]
SPEC = """\
openapi: 3.1.0
info: {title: Cache, version: 1.0.0}
paths:
  /ping:
    get:
      operationId: ping
      responses: {'204': {description: pong}}
"""


def test_source_fingerprint_follows_every_source_byte(tmp_path: Path) -> None:
    copy = tmp_path / "generator"
    shutil.copytree(ROOT / "generator", copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = cache.source_fingerprint(copy)
    assert before == cache.source_fingerprint(ROOT / "generator")
    (copy / "__pycache__").mkdir()
    (copy / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"bytecode")
    assert cache.source_fingerprint(copy) == before  # bytecode is not source

    target = copy / "cache.py"
    data = target.read_bytes()
    target.write_bytes(data.replace(b"content-addressed", b"content-addresses", 1))
    changed = cache.source_fingerprint(copy)
    assert changed != before
    target.write_bytes(data)
    assert cache.source_fingerprint(copy) == before
    (copy / "parse" / "extra.py").write_text("")  # a new module counts too
    assert cache.source_fingerprint(copy) not in (before, changed)


def test_installed_versions_are_what_importlib_metadata_says() -> None:
    """Read from folder names, for every distribution installed here (the generator's
    dependencies, test tools, the generated packages), and for some that are not."""
    names = {d.metadata["Name"] for d in importlib.metadata.distributions()}
    assert len(names) > 20
    for name in sorted(names):
        assert cache.installed_version(name) == importlib.metadata.version(name), name
    for spelled in ("black", "pyyaml", "jsonschema-rs", "JSONSCHEMA_RS", "openapi_spec.validator"):
        assert cache.installed_version(spelled) == importlib.metadata.version(spelled)
    assert cache.installed_version("not-installed-anywhere") is None


def test_the_first_folder_that_has_a_distribution_decides_its_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An .egg-info earlier on sys.path than a .dist-info of the same name wins, as in
    importlib.metadata."""
    eggs, wheels = tmp_path / "eggs", tmp_path / "wheels"
    (eggs / "fakepkg-2.0-py3.11.egg-info").mkdir(parents=True)
    (eggs / "fakepkg-2.0-py3.11.egg-info" / "PKG-INFO").write_text(
        "Metadata-Version: 1.1\nName: fakepkg\nVersion: 2.0\n", encoding="utf-8"
    )
    (wheels / "fakepkg-1.0.dist-info").mkdir(parents=True)
    (wheels / "fakepkg-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fakepkg\nVersion: 1.0\n", encoding="utf-8"
    )
    try:
        for first, version in ((eggs, "2.0"), (wheels, "1.0")):
            monkeypatch.setattr(sys, "path", [str(first), str(eggs), str(wheels), *sys.path])
            cache.installed.cache_clear()
            assert importlib.metadata.version("fakepkg") == version
            assert cache.installed_version("fakepkg") == version
    finally:
        monkeypatch.undo()
        cache.installed.cache_clear()


def test_the_fingerprint_follows_what_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = cache.generator_fingerprint()
    site = tmp_path / "site"
    (site / "newtool-1.0.dist-info").mkdir(parents=True)
    monkeypatch.syspath_prepend(str(site))
    for step in (cache.installed, cache.generator_fingerprint):
        step.cache_clear()
    try:
        assert cache.installed_version("NewTool") == "1.0"
        one = cache.generator_fingerprint()
        assert one != before
        (site / "newtool-1.0.dist-info").rename(site / "newtool-1.1.dist-info")
        for step in (cache.installed, cache.generator_fingerprint):
            step.cache_clear()
        assert cache.generator_fingerprint() not in (before, one)
    finally:
        monkeypatch.undo()
        for step in (cache.installed, cache.generator_fingerprint):
            step.cache_clear()
    assert cache.generator_fingerprint() == before


def test_validation_key_is_salted_with_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    data = b"{}"
    key = validate._cache().key(data)
    monkeypatch.setattr(validate, "generator_fingerprint", lambda: "a generator with a new check")
    assert validate._cache().key(data) != key


def test_a_changed_generator_validates_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "cache.yaml"
    path.write_text(SPEC.replace("Cache", f"Cache {tmp_path.name}"), encoding="utf-8")
    spec = load_spec(path)
    runs: list[object] = []
    real = validate._validate

    def spy(loaded: object, lenient: bool = False) -> object:
        runs.append(loaded)
        return real(spec, lenient)

    monkeypatch.setattr(validate, "_validate", spy)
    validate.validate(spec)
    validate.validate(spec)
    assert len(runs) == 1  # the second is a cache hit
    monkeypatch.setattr(validate, "generator_fingerprint", lambda: "a generator with a new check")
    validate.validate(spec)
    assert len(runs) == 2  # an entry from another generator is never taken as this one's


def test_the_suite_uses_its_own_cache_directory() -> None:
    assert os.environ["SDKGEN_CACHE_DIR"] == str(SESSION_CACHE)
    home_cache = Path.home() / ".cache" / "sdkgen"
    assert not SESSION_CACHE.resolve().is_relative_to(home_cache.resolve())
    entry = cache.DiskCache("suite-check", "salt")
    key = entry.key(b"x")
    entry.put(key, "value")
    assert (SESSION_CACHE / "suite-check" / key[:2] / key).read_text() == "value"


def test_subprocesses_inherit_the_session_cache(tmp_path: Path) -> None:
    path = tmp_path / "sub.yaml"
    path.write_text(SPEC.replace("Cache", f"Subprocess {tmp_path.name}"), encoding="utf-8")
    before = set((SESSION_CACHE / "validate").rglob("*"))
    home = tmp_path / "home"
    home.mkdir()
    # Validation only (what writes the cache), not a whole generation: the suite stays fast.
    code = "import sys; from generator.load import load_spec; from generator.validate import validate; "
    code += "from pathlib import Path; validate(load_spec(Path(sys.argv[1])))"
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(home)},
    )
    assert result.returncode == 0, result.stderr
    assert set((SESSION_CACHE / "validate").rglob("*")) - before, "nothing cached in the session"
    assert not list(home.rglob("*")), "the subprocess wrote under HOME"


def test_a_pack_holds_one_runs_entries_in_one_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SDKGEN_CACHE_DIR", str(tmp_path))
    store = cache.DiskCache("packs", "salt")
    assert store.get_pack("pkg") == {}
    store.put_pack("pkg", {"a": "1", "b": "2"})
    store.put_pack("other", {"c": "3"})
    assert store.get_pack("pkg") == {"a": "1", "b": "2"}
    assert len([p for p in (tmp_path / "packs").rglob("*") if p.is_file()]) == 2
    store.put_pack("pkg", {"b": "2"})  # replaced, not merged
    assert store.get_pack("pkg") == {"b": "2"}
    assert cache.DiskCache("packs", "other salt").get_pack("pkg") == {}
    path = store._pack_path("pkg")
    assert path is not None and path.is_file()
    for damaged in ("not json", "[1, 2]", '{"a": 1}'):
        path.write_text(damaged, encoding="utf-8")
        assert store.get_pack("pkg") == {}, damaged
    monkeypatch.setenv("SDKGEN_NO_CACHE", "1")
    off = cache.DiskCache("packs", "salt")
    off.put_pack("pkg", {"x": "y"})
    assert off.get_pack("pkg") == {}


def test_formatting_a_package_writes_one_pack_and_reuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pathlib import PurePosixPath

    from generator import fmt, stable

    monkeypatch.setenv("SDKGEN_CACHE_DIR", str(tmp_path))
    files = {PurePosixPath(f"pkg/m{i}.py"): f"x{i} = 'v'\n" for i in range(30)}
    first = fmt.format_files(files)
    assert len([p for p in (tmp_path / "black").rglob("*") if p.is_file()]) == 1
    calls: list[str] = []
    real = stable.stable_text

    def counting(text: str) -> str | None:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(stable, "stable_text", counting)
    assert fmt.format_files(files) == first and calls == []
    changed = {**files, PurePosixPath("pkg/m0.py"): "x0 = 'w'\n"}
    assert fmt.format_files(changed)[PurePosixPath("pkg/m0.py")] == 'x0 = "w"\n'
    assert calls == ["x0 = 'w'\n"]  # only the changed file
