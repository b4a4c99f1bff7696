"""Spec strings with control characters and markup, in every file they reach and on the terminal.

pyproject.toml must stay valid TOML (DEL in a title broke it), the README's header comment must stay
one comment (a spec file named with `-->`), a title or summary must not become Markdown structure
(headings, links, images, HTML), and CLI lines must never carry a raw control character.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt

from generator import escape
from generator.cli import main
from generator.pipeline import build

NASTY = 'Evil \x7f \x1b[2J \x00 "quoted" \\back\\ \u2028 é'
INJECTION = (
    "Evil\n# Injected heading\n![img](http://evil.example/x.png)\n[link](http://evil.example/)\n"
    "<script>alert(1)</script> *bold* `code` ~~gone~~"
)


def spec_text(title: str, summary: str = "Get a thing.", operation_id: str = "getThing") -> str:
    def q(text: str) -> str:  # a YAML double-quoted scalar holding any text
        return (
            '"'
            + "".join(c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in text)
            + '"'
        )

    return f"""\
openapi: 3.1.0
info:
  title: {q(title)}
  version: 1.0.0
  x-sdk: {{package: hostile_out, client: HostileClient}}
paths:
  /things:
    get:
      operationId: {q(operation_id)}
      summary: {q(summary)}
      x-sdk-name: things.get
      responses:
        '204': {{description: Nothing.}}
"""


def generated(tmp_path: Path, text: str, name: str = "spec.yaml") -> dict[str, str]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    _, files = build(path, formatted=False)
    return {str(p): t for p, t in files.items()}


def test_pyproject_is_valid_toml_whatever_the_title(tmp_path: Path) -> None:
    files = generated(tmp_path, spec_text(NASTY + "\nsecond line"))
    data = tomllib.loads(files["pyproject.toml"])
    assert data["project"]["description"] == "Typed Python client for the " + " ".join(
        (NASTY + "\nsecond line").split()
    )
    assert "\x7f" not in files["pyproject.toml"] and "\x1b" not in files["pyproject.toml"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", '"plain"'),
        ("a\x7fb", '"a\\u007fb"'),
        ("tab\tnew\nline", '"tab\\tnew\\nline"'),
        ('q"b\\', '"q\\"b\\\\"'),
        ("nul\x00esc\x1b", '"nul\\u0000esc\\u001b"'),
        ("c1\x85 ls\u2028", '"c1\\u0085 ls\\u2028"'),
        ("é 😀", '"é 😀"'),
    ],
)
def test_toml_strings(value: str, expected: str) -> None:
    assert escape.toml_string(value) == expected
    assert tomllib.loads(f"v = {expected}")["v"] == value


def test_the_readme_header_comment_cannot_be_closed_by_the_file_name(tmp_path: Path) -> None:
    files = generated(tmp_path, spec_text("T"), name="x-->y<!--z--!>.yaml")
    first = files["README.md"].split("\n", 1)[0]
    assert first.startswith("<!-- ") and first.endswith(" -->")
    assert "-->" not in first[:-3] and "--!>" not in first
    tokens = MarkdownIt("commonmark").parse(files["README.md"])
    assert tokens[0].type == "html_block" and tokens[0].content == first + "\n"


def _rendered(readme: str) -> list:  # type: ignore[type-arg]
    tokens = MarkdownIt("commonmark").enable("strikethrough").parse(readme)
    flat = []
    for token in tokens:
        flat.append(token)
        flat.extend(token.children or [])
    return flat


@pytest.mark.parametrize("field", ["title", "summary"])
def test_a_title_or_summary_cannot_inject_markdown(tmp_path: Path, field: str) -> None:
    text = spec_text(INJECTION) if field == "title" else spec_text("T", summary=INJECTION)
    readme = generated(tmp_path, text)["README.md"]
    tokens = _rendered(readme)
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert not [h for h in headings if "Injected" in h], headings
    assert not [t for t in tokens if t.type == "image"]
    assert not [t for t in tokens if t.type == "link_open"]
    assert not [t for t in tokens if t.type in ("html_inline", "html_block")][1:]  # the header only
    assert "code" not in [t.content for t in tokens if t.type == "code_inline"]
    assert "\x7f" not in readme
    text_of = "".join(t.content for t in tokens if t.type == "text")
    assert "# Injected heading ![img](http://evil.example/x.png)" in text_of  # shown, as text
    assert "<script>alert(1)</script> *bold* `code` ~~gone~~" in text_of  # no emphasis either


def test_an_operation_id_with_backticks_stays_in_its_code_span(tmp_path: Path) -> None:
    readme = generated(tmp_path, spec_text("T", operation_id="get`Thing`[x](http://e/)"))[
        "README.md"
    ]
    spans = [t.content for t in _rendered(readme) if t.type == "code_inline"]
    assert "get`Thing`[x](http://e/)" in spans
    assert not [t for t in _rendered(readme) if t.type == "link_open"]


def test_descriptions_keep_their_markdown_but_lose_control_characters() -> None:
    assert escape.markdown("**bold** `code`\n- item\x1b\x7f <b>") == (
        "**bold** `code`\n- item\\x1b\\x7f &lt;b&gt;"
    )


# ------------------------------------------------------------------------------------------- the CLI


def test_problem_lines_carry_no_raw_control_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "bad\x1b[2J.yaml"
    spec.write_text(
        spec_text("T")
        .replace("  /things:", '  "/th\\e[31mings\\x7f":')
        .replace('      operationId: "getThing"\n', ""),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate", "--strict", spec.name])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\x7f" not in result.stderr
    assert (
        "bad\\x1b[2J.yaml:8: #/paths/~1th\\x1b[31mings\\x7f/get: operation has no operationId"
        in result.stderr
    )


def test_note_lines_carry_no_raw_control_characters(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    text = spec_text("T", operation_id="get\x1b[31mThing").replace(
        "      responses:",
        "      parameters:\n"
        "        - {name: user-id, in: query, schema: {type: string}}\n"
        "        - {name: user_id, in: query, schema: {type: string}}\n"
        "      responses:",
    )
    spec.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["generate", str(spec), "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if ": note: " in line]
    assert notes == [
        "hostile_out: note: get\\x1b[31mThing: argument 'user_id' is 'user_id_2' in Python"
    ]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain é 😀", "plain é 😀"),
        ("esc\x1b[2J", "esc\\x1b[2J"),
        ("del\x7f nul\x00", "del\\x7f nul\\x00"),
        ("two\nlines\r", "two\\x0alines\\x0d"),
        ("bidi\u202eevil", "bidi\\u202eevil"),
    ],
)
def test_terminal_spelling(raw: str, shown: str) -> None:
    assert escape.terminal(raw) == shown
