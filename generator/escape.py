"""The one place spec strings are turned into Python source: literals and docstring text.

A spec is untrusted input. Whatever a description, enum value, default or name contains (quotes,
backslashes, newlines, `\"\"\"`, control characters), the code generated from it must compile and mean
exactly what the template says, with the string kept intact.
"""

from __future__ import annotations

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
