"""generator.escape: hostile spec strings become Python source that compiles and means the string."""

from __future__ import annotations

import math

import pytest

from generator.escape import comment, docstring, py_literal

HOSTILE = [
    '"""',
    "\\",
    "\n",
    "\x00",
    'ends with a quote"',
    '"',
    '"quoted"',
    "a\r\nb\rc",
    "emoji 🎉 and 😀",
    "'''",
    "{{ jinja }} {% raw %}",
    "%s %d {0} {name}",
    "back\\slash \\n \\t \\N{BULLET} \\u0041 \\x00",
    'a \\""" b',
    'x ""',
    '""""""',
    "tab\there",
    "bell\x07 escape\x1b[31m del\x7f",
    "line\u2028separator \x85 next",
    "bom\ufeff",
    "  padded \n  lines  \n",
    "Markdown hard break  \nnext line\t\n   \nafter a blank line",
    "ends with backslash\\",
    "lone surrogate \ud800",
    "plain text",
]


def normalised(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return "\n".join(line.rstrip(" \t") for line in text.split("\n"))


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_docstring_between_triple_quotes_reads_back(text: str) -> None:
    source = '"""' + docstring(text) + '"""'
    assert eval(compile(source, "<docstring>", "eval")) == normalised(text)


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_docstring_as_templates_lay_it_out_reads_back(text: str) -> None:
    """The templates' layout: text right after the opening quotes, closing quotes on their own line."""
    source = f'def f():\n    """{docstring(text)}\n    """\n'
    namespace: dict[str, object] = {}
    exec(compile(source, "<module>", "exec"), namespace)
    assert namespace["f"].__doc__ == normalised(text) + "\n    "  # type: ignore[attr-defined]


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_docstring_is_one_source_line_per_text_line(text: str) -> None:
    assert docstring(text).count("\n") == normalised(text).count("\n")
    assert "\r" not in docstring(text)


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_docstring_lines_end_without_blanks(text: str) -> None:
    """Trailing blanks are invisible in a docstring and fail ruff's W291/W293."""
    assert not [line for line in docstring(text).split("\n") if line != line.rstrip(" \t")]


@pytest.mark.parametrize("text", HOSTILE, ids=repr)
def test_comment_is_one_line(text: str) -> None:
    line = comment(text)
    assert "\n" not in line and "\r" not in line
    assert line.splitlines() in ([line], [])
    namespace: dict[str, object] = {}
    exec(compile(f"x = 1  # {line}\ny = 2\n", "<comment>", "exec"), namespace)
    assert (namespace["x"], namespace["y"]) == (1, 2)


VALUES: list[object] = [
    "",
    "plain",
    '"""',
    "'''",
    "\\",
    "\x00\n\r\t",
    "🎉",
    "{{ x }} %s",
    0,
    -1,
    2**70,
    1.5,
    -0.0,
    1e300,
    5e-324,
    math.inf,
    -math.inf,
    True,
    False,
    None,
    [],
    {},
    [1, "a", None, [True, 2.5]],
    {"a": 1, "b": [None, {"c": "\"'"}], "": False},
    {"nested": {"inf": math.inf, "list": [-math.inf]}},
]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_py_literal_evaluates_back(value: object) -> None:
    back = eval(compile(py_literal(value), "<literal>", "eval"), {"__builtins__": {"float": float}})
    assert back == value
    assert type(back) is type(value)
    if isinstance(value, float):
        assert math.copysign(1, back) == math.copysign(1, value)


def test_py_literal_nan() -> None:
    for source in (py_literal(math.nan), py_literal([math.nan])):
        back = eval(compile(source, "<literal>", "eval"), {"__builtins__": {"float": float}})
        value = back[0] if isinstance(back, list) else back
        assert isinstance(value, float) and math.isnan(value)


def test_py_literal_bool_is_not_an_int() -> None:
    assert py_literal(True) == "True" and py_literal(1) == "1"


@pytest.mark.parametrize("value", [{1, 2}, object(), b"bytes", complex(1, 2)], ids=repr)
def test_py_literal_refuses_what_json_has_not(value: object) -> None:
    with pytest.raises(TypeError):
        py_literal(value)
