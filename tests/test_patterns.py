"""generator.patterns: ECMA-262 `pattern`s for Python's `re`, table-driven; and the spec side.

MATCHES holds what an ECMA-262 engine answers for `new RegExp(pattern, "u").test(text)`; the
translated pattern must answer the same under `re.search`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.patterns import PatternError, Translation, translate
from generator.pipeline import build

TRANSLATED = [
    ("^wss://", "^wss://"),
    ("^[a-z]+$", r"^[a-z]+\Z"),
    ("(?<year>[0-9]{4})-\\k<year>", r"(?P<year>[0-9]{4})-(?P=year)"),
    ("(?<=a)b(?<!c)d", r"(?<=a)b(?<!c)d"),
    ("\\d+", r"[0-9]+"),
    ("[\\d.]", r"[0-9.]"),
    ("a.b", r"a[^\n\r\u2028\u2029]b"),
    ("[.]", "[.]"),
    ("[]", "(?!)"),
    ("[^]", r"[\s\S]"),
    ("\\u{1F600}", r"\U0001f600"),
    ("\\uD83D\\uDE00", r"\U0001f600"),
    ("\\u00e9", r"\u00e9"),
    ("\\cJ", r"\x0a"),
    ("\\bword\\B", r"(?a:\b)word(?a:\B)"),
    ("[\\b]", r"[\x08]"),
    ("a\\/b", r"a\/b"),
    ("[[]", r"[\[]"),
    ("[+--]", r"[+-\-]"),
    ("[a&&b]", r"[a\&\&b]"),
    ("(?i:abc)", "(?i:abc)"),
]


@pytest.mark.parametrize(("ecma", "python"), TRANSLATED)
def test_translation(ecma: str, python: str) -> None:
    assert translate(ecma) == Translation(python)


# (pattern, text, what ECMA-262 says)
MATCHES = [
    ("^[a-z]+$", "abc", True),
    ("^[a-z]+$", "abc\n", False),  # Python's `$` alone would match before the newline
    ("^\\d+$", "123", True),
    ("^\\d+$", "١٢٣", False),  # Arabic-Indic digits: Unicode \d in Python, not in ECMA-262
    ("^\\w+$", "é", False),
    ("^\\W$", "é", True),
    ("^[^\\W]$", "é", False),
    ("^[\\D]$", "٣", True),
    ("^\\s$", "\ufeff", True),  # ECMA-262 white space, not Python's
    ("^\\s$", "\x1c", False),  # Python's \s has the file separators
    ("^\\S$", "\x1c", True),
    ("^[\\S]$", "\x85", True),
    ("^[\\s\\S]$", "\n", True),
    ("^a.b$", "a\u2028b", False),
    ("^a.b$", "a\rb", False),
    ("^a.b$", "a-b", True),
    ("\\bé", " é", False),  # é is no word character for ECMA-262's \b
    ("^[]$", "", False),
    ("^[^]$", "\n", True),
    ("(?<y>a)\\k<y>", "aa", True),
    ("^\\u{1F600}$", "😀", True),
    ("^\\uD83D\\uDE00$", "😀", True),
    ("^\\cJ$", "\n", True),
    ("^[+--]$", ",", True),
]


@pytest.mark.parametrize(("ecma", "text", "matches"), MATCHES)
def test_translated_patterns_match_as_ecma_262_does(ecma: str, text: str, matches: bool) -> None:
    translated = translate(ecma).pattern
    assert translated is not None
    assert bool(re.search(translated, text)) is matches


DROPPED = [
    ("\\p{L}+", "uses Unicode property escapes (\\p{…}), which Python's re lacks"),
    ("^\\P{Lu}", "uses Unicode property escapes (\\p{…}), which Python's re lacks"),
    ("(?<=a+)b", "has a variable-length lookbehind, which Python's re lacks"),
]


@pytest.mark.parametrize(("ecma", "note"), DROPPED)
def test_what_python_cannot_express_is_dropped_with_a_note(ecma: str, note: str) -> None:
    assert translate(ecma) == Translation(None, note)


INVALID = [
    ("[", "unterminated character class at position 0"),
    ("(", "not a valid regular expression (missing ), unterminated subpattern)"),
    ("a{2,1}", "not a valid regular expression (min repeat greater than max repeat)"),
    ("*a", "not a valid regular expression (nothing to repeat)"),
    ("\\e", "unknown escape \\e"),
    ("\\Z", "unknown escape \\Z"),
    ("a\\", "ends with a lone backslash"),
    ("\\k<>", "\\k needs a group name: \\k<name>"),
    ("\\k<nope>", "not a valid regular expression (unknown group name 'nope')"),
    ("\\u12", "\\u needs four hex digits or {…}"),
    ("\\u{110000}", "\\u{…} beyond U+10FFFF"),
    ("\\c1", "\\c needs a letter: \\cJ"),
    ("(?P<n>a)", "uses syntax that is not ECMA-262"),
    ("(?i)abc", "uses syntax that is not ECMA-262"),
    ("a++", "uses syntax that is not ECMA-262"),
    ("(?>a)", "uses syntax that is not ECMA-262"),
]


@pytest.mark.parametrize(("ecma", "message"), INVALID)
def test_invalid_patterns_are_errors(ecma: str, message: str) -> None:
    with pytest.raises(PatternError) as caught:
        translate(ecma)
    assert str(caught.value).startswith(message)


# ------------------------------------------------------------------------------------- in a spec

SPEC = """\
openapi: 3.1.0
info: {{title: P, version: '1', x-sdk: {{package: patterned}}}}
paths:
  /things:
    post:
      operationId: createThing
      x-sdk-name: things.create
      requestBody:
        content:
          application/json:
            schema: {{$ref: '#/components/schemas/Thing'}}
      responses:
        '204': {{description: Done.}}
components:
  schemas:
    Thing:
      type: object
      properties:
        code: {{type: string, pattern: '{pattern}'}}
"""


def build_with(tmp_path: Path, pattern: str) -> tuple[list[str], str]:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC.format(pattern=pattern), encoding="utf-8")
    api, files = build(spec, formatted=False)
    model = next(text for path, text in files.items() if path.name == "_thing.py")
    return list(api.notes), model


def test_a_translated_pattern_is_what_the_model_checks(tmp_path: Path) -> None:
    notes, model = build_with(tmp_path, "^(?<area>\\d{3})-\\k<area>$")
    assert notes == []
    assert "pattern='^(?P<area>[0-9]{3})-(?P=area)\\\\Z'" in model


def test_a_dropped_pattern_is_a_located_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    notes, model = build_with(Path("."), "^\\p{Lu}")
    assert notes == [
        "spec.yaml:19: #/components/schemas/Thing/properties/code/pattern: pattern '^\\\\p{Lu}' "
        "uses Unicode property escapes (\\p{…}), which Python's re lacks: not checked by the client"
    ]
    assert "pattern=" not in model


def test_an_invalid_pattern_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError) as caught:
        build_with(Path("."), "(?<n>a")
    assert [str(p) for p in caught.value.problems] == [
        "spec.yaml:19: #/components/schemas/Thing/properties/code/pattern: pattern '(?<n>a' not a "
        "valid regular expression (missing ), unterminated subpattern)"
    ]
