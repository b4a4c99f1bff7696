"""The format stage's shortcut holds: what it does not send through black is already black's output."""

from __future__ import annotations

from pathlib import PurePosixPath

import black

from generator.fmt import already_formatted, format_files, mode
from generator.render import templates_dir


def test_runtime_sources_are_black_stable() -> None:
    # Generated packages get these files verbatim (after a header comment) without black.
    sources = sorted((templates_dir() / "runtime").glob("*.py"))
    assert sources
    for source in sources:
        text = "# header\n" + source.read_text(encoding="utf-8")
        assert black.format_str(text, mode=mode()) == text, f"{source.name}: run black on it"


def test_only_the_runtime_skips_black() -> None:
    assert already_formatted(PurePosixPath("pkg/_runtime/_client.py"))
    assert not already_formatted(PurePosixPath("pkg/models/_runtime.py"))
    assert not already_formatted(PurePosixPath("pkg/_client.py"))
    unformatted = "x = ( 1, )\n"
    out = format_files(
        {PurePosixPath("pkg/_runtime/a.py"): unformatted, PurePosixPath("pkg/a.py"): unformatted}
    )
    assert out[PurePosixPath("pkg/_runtime/a.py")] == unformatted
    assert out[PurePosixPath("pkg/a.py")] == "x = (1,)\n"
