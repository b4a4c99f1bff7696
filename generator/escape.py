"""The one place spec strings are made safe for where they land: Python source (literals,
docstrings, comments), TOML strings, Markdown and HTML comments, and the terminal.

A spec is untrusted input. Whatever a description, enum value, default or name contains (quotes,
backslashes, newlines, `\"\"\"`, control characters, Markdown or HTML syntax), the file generated from
it must parse and mean exactly what the template says, with the string kept intact (or, where the
format cannot hold a character, spelled out as `\\x1b`).
"""

from __future__ import annotations

import json
import math
import re


def py_literal(value: object) -> str:
    """Python source for a JSON-like value; `repr` of str is always a valid, inert string literal."""
    if value is None or isinstance(value, (bool, int, str)):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f"float({str(value)!r})"
        return repr(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def docstring(text: str) -> str:
    """Text safe inside a triple-double-quoted (non-raw) docstring, reading the same once parsed.

    Lines lose trailing blanks. Backslashes are doubled (so `\\n` in a description is not an escape);
    quotes are escaped where they could end the string (runs of two or more, and a quote that ends the
    text); other control characters are spelled out.
    """
    out = text.replace("\r\n", "\n").replace("\r", "\n").strip().replace("\\", "\\\\")
    # Trailing blanks (Markdown's hard line break) are invisible in a docstring, and linters reject them.
    out = "\n".join(line.rstrip(" \t") for line in out.split("\n"))
    out = re.sub(r'"{2,}|"$', lambda m: '\\"' * len(m.group()), out)
    return "".join(
        ch
        if ch in "\n\t" or ch.isprintable()
        else f"\\u{ord(ch):04x}"
        if ord(ch) < 0x10000
        else f"\\U{ord(ch):08x}"
        for ch in out
    )


def comment(text: str) -> str:
    """One line safe after a `#`: no newline can end the comment early."""
    return " ".join(docstring(text).split())


def terminal(text: str) -> str:
    """Text safe to print as one line of CLI output: every character that is not printable (ESC,
    DEL, NUL, line breaks, bidi controls, …) is spelled out as \\xNN, \\uNNNN or \\UNNNNNNNN, so a
    spec string can neither drive the terminal (move the cursor, recolour, clear the screen) nor
    fake further lines of output."""
    return "".join(ch if ch.isprintable() else _spelled(ch) for ch in text)


def _spelled(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def toml_string(value: str) -> str:
    """A TOML basic string. JSON's escapes are TOML's, but TOML also forbids DEL, and characters that
    are not printable are spelled as \\u escapes rather than written raw."""
    out = json.dumps(value, ensure_ascii=False)
    return "".join(
        ch
        if ch.isprintable()
        else f"\\u{ord(ch):04x}"
        if ord(ch) < 0x10000
        else f"\\U{ord(ch):08x}"
        for ch in out
    )


def _printable_text(text: str) -> str:
    """Line breaks and tabs kept, every other character that is not printable spelled out."""
    return "".join(ch if ch.isprintable() or ch in "\n\t" else _spelled(ch) for ch in text)


def markdown(text: str) -> str:
    """Markdown from the spec (descriptions are CommonMark): kept as written, but no raw HTML (so no
    markup, scripts or comments) and no control characters."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _printable_text(out)


# Characters that make Markdown syntax inside a line that does not start with them: emphasis, code
# spans, links and images (both need `[`), strikethrough. Escaped with a backslash, as CommonMark
# allows for any punctuation; `<` and `&` (HTML, autolinks, entities) become entities instead.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]~])")


def markdown_text(text: str) -> str:
    """Plain text (a title, a summary) as one line of Markdown that renders as exactly that text: no
    heading, list, link, image or emphasis can be made from it, whatever it contains."""
    line = " ".join(_printable_text(text).split())
    line = line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", line)


def markdown_code(text: str) -> str:
    """A Markdown code span showing `text` (one line) literally, even when it holds backticks."""
    line = " ".join(_printable_text(text).split())
    fence = "`" * (max((len(run) for run in re.findall("`+", line)), default=0) + 1)
    pad = " " if line.startswith("`") or line.endswith("`") else ""
    return f"{fence}{pad}{line}{pad}{fence}"


def html_comment(text: str) -> str:
    """One line safe inside `<!-- … -->`: nothing in it can end the comment (`-->`, `--!>`)."""
    return comment(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
