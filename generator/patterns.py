"""`pattern` keywords: ECMA-262 regular expressions (what JSON Schema specifies) → Python `re`.

Generated models check patterns with Python's `re` (pydantic's python-re engine), which reads some
ECMA-262 syntax differently or not at all. `translate` rewrites a pattern so Python matches what
ECMA-262 would:

* named groups `(?<name>…)` and backreferences `\\k<name>` become `(?P<name>…)` and `(?P=name)`;
* `\\d \\w \\b` and their negations keep ECMA-262's ASCII meaning (in Python they are Unicode-aware),
  and `\\s \\S` keep ECMA-262's own set of white space;
* `.` does not match the four ECMA-262 line terminators, `$` matches only at the very end (Python's
  also matches before a final newline);
* `[]` (matches nothing) and `[^]` (matches anything), `\\u{…}`, surrogate pairs `\\uD83D\\uDE00`
  and `\\cX` are spelled the way Python understands.

What Python cannot express (Unicode property escapes `\\p{…}`, variable-length lookbehind) is
reported as a note and the constraint is dropped: the server still checks it. Syntax that is not
ECMA-262 (or that no engine accepts) is a PatternError, reported as a located spec problem. Either
way a generated model never fails with `re.error` when it is first used.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass


class PatternError(ValueError):
    """A pattern that is not a valid ECMA-262 regular expression."""


@dataclass(frozen=True, slots=True)
class Translation:
    """An ECMA-262 pattern as Python `re` source, or why it could not be kept."""

    pattern: str | None  # Python `re` source; None: the constraint cannot be kept
    note: str | None = None  # why it was dropped


# ECMA-262 white space and line terminators (WhiteSpace and LineTerminator), and their complement.
_SPACE = r"\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_NOT_SPACE = (
    r"\x00-\x08\x0e-\x1f!-\x9f\xa1-\u167f\u1681-\u1fff\u200b-\u2027\u202a-\u202e"
    r"\u2030-\u205e\u2060-\u2fff\u3001-\ufefe\uff00-\U0010ffff"
)
_DIGIT, _NOT_DIGIT = "0-9", r"\x00-/:-\U0010ffff"
_WORD, _NOT_WORD = "A-Za-z0-9_", r"\x00-/:-@\[-\^`\{-\U0010ffff"
# Class escapes: (outside a class, inside a class).
_CLASSES = {
    "d": (f"[{_DIGIT}]", _DIGIT),
    "D": (f"[{_NOT_DIGIT}]", _NOT_DIGIT),
    "w": (f"[{_WORD}]", _WORD),
    "W": (f"[{_NOT_WORD}]", _NOT_WORD),
    "s": (f"[{_SPACE}]", _SPACE),
    "S": (f"[{_NOT_SPACE}]", _NOT_SPACE),
}
_DOT = r"[^\n\r\u2028\u2029]"
# Escapes both dialects read alike.
_SAME = set("tnrfv0123456789") | set("^$\\.*+?()[]{}|/-")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Not ECMA-262: Python-only groups and flags, possessive quantifiers.
_NOT_ECMA = re.compile(r"\(\?(?:P|>|#|\(|[aiLmsux-]+\))|[*+?}]\+")


def translate(pattern: str) -> Translation:
    """`pattern` for Python's `re`, or None with a note; PatternError if it is not valid at all."""
    if _NOT_ECMA.search(_without_escapes_and_classes(pattern)):
        raise PatternError(
            "uses syntax that is not ECMA-262 (a Python-only group or flag, or a possessive "
            "quantifier)"
        )
    if re.search(r"\\[pP]\{", pattern):
        return Translation(None, "uses Unicode property escapes (\\p{…}), which Python's re lacks")
    out = _Scanner(pattern).run()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a FutureWarning means Python reads it differently
            re.compile(out)
    except re.error as exc:
        if "look-behind requires fixed-width pattern" in str(exc):
            return Translation(None, "has a variable-length lookbehind, which Python's re lacks")
        raise PatternError(f"not a valid regular expression ({exc.msg})") from None
    except (FutureWarning, DeprecationWarning) as exc:
        raise PatternError(f"ambiguous regular expression ({exc})") from None
    except (OverflowError, RecursionError, ValueError) as exc:
        raise PatternError(f"not a usable regular expression ({exc})") from None
    return Translation(out)


def _without_escapes_and_classes(pattern: str) -> str:
    """The pattern with escapes and character classes blanked out, for syntax checks."""
    escape = r"\\[pPu]\{[^}]*\}|\\k<[^>]*>|\\."
    return re.sub(rf"{escape}|\[(?:\\.|[^\]\\])*\]", "_", pattern, flags=re.DOTALL)


class _Scanner:
    def __init__(self, pattern: str) -> None:
        self.src = pattern
        self.i = 0
        self.out: list[str] = []

    def run(self) -> str:
        src = self.src
        while self.i < len(src):
            ch = src[self.i]
            if ch == "\\":
                self.out.append(self.escape(in_class=False))
            elif ch == "[":
                self.char_class()
            elif src.startswith("(?<", self.i) and src[self.i + 3 : self.i + 4] not in "=!":
                self.out.append("(?P<")
                self.i += 3
            elif ch == ".":
                self.out.append(_DOT)
                self.i += 1
            elif ch == "$":
                self.out.append(r"\Z")
                self.i += 1
            else:
                self.out.append(ch)
                self.i += 1
        return "".join(self.out)

    def char_class(self) -> None:
        src = self.src
        start = self.i
        self.i += 1
        negated = src.startswith("^", self.i)
        if negated:
            self.i += 1
        if src.startswith("]", self.i):  # ECMA-262's empty classes
            self.i += 1
            self.out.append(r"[\s\S]" if negated else "(?!)")
            return
        body: list[str] = []
        while self.i < len(src) and src[self.i] != "]":
            ch = src[self.i]
            if ch == "\\":
                body.append(self.escape(in_class=True))
            elif ch in "[&~|" or (ch == "-" and body[-1:] == ["-"]):
                body.append("\\" + ch)  # literal in ECMA-262; Python warns of future set syntax
                self.i += 1
            else:
                body.append(ch)
                self.i += 1
        if self.i >= len(src):
            raise PatternError(f"unterminated character class at position {start}")
        self.i += 1
        self.out.append("[" + ("^" if negated else "") + "".join(body) + "]")

    def escape(self, in_class: bool) -> str:
        src = self.src
        if self.i + 1 >= len(src):
            raise PatternError("ends with a lone backslash")
        ch = src[self.i + 1]
        self.i += 2
        if ch in _CLASSES:
            return _CLASSES[ch][1 if in_class else 0]
        if ch in "bB":
            return r"\x08" if in_class and ch == "b" else f"(?a:\\{ch})"
        if ch == "k" and not in_class:
            match = re.match(r"<([^>]*)>", src[self.i :])
            if not match or not _NAME.fullmatch(match.group(1)):
                raise PatternError("\\k needs a group name: \\k<name>")
            self.i += match.end()
            return f"(?P={match.group(1)})"
        if ch == "u":
            return self.unicode_escape()
        if ch == "c":
            letter = src[self.i : self.i + 1]
            if not letter.isascii() or not letter.isalpha():
                raise PatternError("\\c needs a letter: \\cJ")
            self.i += 1
            return f"\\x{ord(letter) % 32:02x}"
        if ch == "x":
            digits = src[self.i : self.i + 2]
            if not re.fullmatch(r"[0-9A-Fa-f]{2}", digits):
                raise PatternError("\\x needs two hex digits")
            self.i += 2
            return f"\\x{digits}"
        if ch in _SAME or not (ch.isascii() and ch.isalnum()):
            return "\\" + ch
        raise PatternError(f"unknown escape \\{ch}")

    def unicode_escape(self) -> str:
        src = self.src
        braced = re.match(r"\{([0-9A-Fa-f]{1,6})\}", src[self.i :])
        if braced:
            self.i += braced.end()
            code = int(braced.group(1), 16)
            if code > 0x10FFFF:
                raise PatternError("\\u{…} beyond U+10FFFF")
            return f"\\U{code:08x}"
        four = src[self.i : self.i + 4]
        if not re.fullmatch(r"[0-9A-Fa-f]{4}", four):
            raise PatternError("\\u needs four hex digits or {…}")
        self.i += 4
        code = int(four, 16)
        low = re.match(r"\\u([Dd][C-Fc-f][0-9A-Fa-f]{2})", src[self.i :])
        if 0xD800 <= code <= 0xDBFF and low:  # a surrogate pair: one character
            self.i += low.end()
            code = 0x10000 + ((code - 0xD800) << 10) + (int(low.group(1), 16) - 0xDC00)
            return f"\\U{code:08x}"
        return f"\\u{code:04x}"
