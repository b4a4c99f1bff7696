"""The corpus harness (tests/corpus.py) without the network: skips attributed to their causes, the
table it prints, and a pinned hash that does not match refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import corpus

SOURCE = corpus.Source("tiny", "@example/spec", "1.0.0", "package/spec.json", "0" * 64, "a test")


def test_each_skipped_operation_is_listed_under_its_own_warnings() -> None:
    skipped = ["upload (POST /files/{id})", "render (POST /markdown/raw)", "usesBroken (GET /b)"]
    warnings = [
        ("#/paths/~1files~1{id}/post/requestBody/content", "multipart bodies are not supported"),
        ("#/paths/~1markdown~1raw/post/requestBody/content", "text bodies are not supported"),
        ("#/paths/~1markdown~1raw/post/parameters/0", "cookie parameters are not supported"),
        ("#/paths/~1files~1{id}/post2", "a warning of another operation"),
        ("#/components/schemas/Broken", "a schema it cannot generate"),
    ]
    assert corpus.skip_causes(skipped, warnings) == {
        "multipart bodies are not supported": ["upload (POST /files/{id})"],
        "text bodies are not supported": ["render (POST /markdown/raw)"],
        "cookie parameters are not supported": ["render (POST /markdown/raw)"],
        "uses a skipped schema: a schema it cannot generate": ["usesBroken (GET /b)"],
    }


def test_table_and_details_name_every_failure() -> None:
    good = corpus.Result(SOURCE, operations=3, skipped=["x (GET /x)"], seconds=1.25)
    good.checks = {"import": "ok", "import time": "2s", "mypy": "ok", "mypy time": "9s"}
    good.checks |= {"ruff": "W291 Trailing whitespace", "ruff time": "0s"}
    good.causes = {"text bodies are not supported": ["x (GET /x)"]}
    good.mistakes = {"default dropped": 2, "operationId … renamed …": 1}
    refused = corpus.Result(SOURCE, error="1 spec problem(s): spec.json:3: #/info: bad")
    lines = corpus.table([good, refused]).splitlines()
    assert lines[2].split("|")[3:12] == [
        " 4          ",
        " 3         ",
        " 1       ",
        " 3        ",
        " refused      ",
        " 1.2s     ",
        " ok (2s) ",
        " ok (9s) ",
        " FAIL ",
    ]
    assert lines[3].split("|")[3:12] == [
        " -          ",
        " -         ",
        " -       ",
        " -        ",
        " -            ",
        " 0.0s     ",
        " -       ",
        " -       ",
        " -    ",
    ]
    text = corpus.details([good, refused])
    assert "tiny: ruff failed:\n  W291 Trailing whitespace" in text
    assert "tiny: 1 spec problem(s): spec.json:3: #/info: bad" in text
    assert "   1  text bodies are not supported\n        tiny: x (GET /x)" in text
    assert "  default dropped: tiny 2\n  operationId … renamed …: tiny 1" in text
    assert not good.ok and not refused.ok
    good.checks["ruff"] = "ok"
    assert good.ok  # the recorded times are no checks


def test_mistakes_are_counted_by_what_was_done_not_by_name() -> None:
    kinds = corpus.mistake_kinds(
        [
            "operationId 'a' renamed 'a_2'",
            "operationId 'b' renamed 'b_2'",
            "default dropped",
            'read as `type: "string", nullable: true`',
        ]
    )
    assert kinds == {"operationId … renamed …": 2, "default dropped": 1, "read as …": 1}


def test_a_cached_file_with_another_hash_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "tiny.json").write_text("{}", encoding="utf-8")
    with pytest.raises(RuntimeError, match="SHA-256 44136fa3"):
        corpus.fetch(SOURCE, tmp_path)


def test_every_corpus_entry_is_pinned() -> None:
    names = [s.name for s in corpus.CORPUS]
    assert len(names) == len(set(names)) >= 5
    for source in corpus.CORPUS:
        assert source.version[0].isdigit() and len(source.sha256) == 64, source
