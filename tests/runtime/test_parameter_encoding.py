"""The parameter encoder against the OpenAPI 3.1 "Style Examples" table, row by row, cell by cell.

The table is copied from the specification (section "Style Examples" of the Parameter Object),
as it stands; every cell but the `n/a` ones must come out of the runtime exactly: path styles
through `build_path`, query styles through `query_pairs`, `simple` also as a header. Below it, what
the table does not show: delimiters inside values, nesting, empty containers, cookies. (The
spaceDelimited and pipeDelimited rows show only the value, `color=` left out; it is compared so.)
"""

from __future__ import annotations

from typing import Any

import pytest
from runtime._encoding import build_path, cookie_pairs, header_text, query_pairs
from runtime._request import encode_cookies, encode_headers, encode_query, merge_cookies
from runtime._types import NOT_GIVEN

# Assume a parameter named `color` has one of the following values:
#    string -> "blue"
#    array -> ["blue","black","brown"]
#    object -> { "R": 100, "G": 200, "B": 150 }
STYLE_EXAMPLES = """
style | explode | empty | string | array | object
matrix | false | ;color | ;color=blue | ;color=blue,black,brown | ;color=R,100,G,200,B,150
matrix | true | ;color | ;color=blue | ;color=blue;color=black;color=brown | ;R=100;G=200;B=150
label | false | . | .blue | .blue.black.brown | .R.100.G.200.B.150
label | true | . | .blue | .blue.black.brown | .R=100.G=200.B=150
form | false | color= | color=blue | color=blue,black,brown | color=R,100,G,200,B,150
form | true | color= | color=blue | color=blue&color=black&color=brown | R=100&G=200&B=150
simple | false | n/a | blue | blue,black,brown | R,100,G,200,B,150
simple | true | n/a | blue | blue,black,brown | R=100,G=200,B=150
spaceDelimited | false | n/a | n/a | blue%20black%20brown | R%20100%20G%20200%20B%20150
pipeDelimited | false | n/a | n/a | blue|black|brown | R|100|G|200|B|150
deepObject | true | n/a | n/a | n/a | color[R]=100&color[G]=200&color[B]=150
"""
VALUES: dict[str, object] = {
    "empty": "",
    "string": "blue",
    "array": ["blue", "black", "brown"],
    "object": {"R": 100, "G": 200, "B": 150},
}


def _cells() -> list[tuple[str, bool, str, str]]:
    header, *rows = [line.split(" | ") for line in STYLE_EXAMPLES.strip().splitlines()]
    out = []
    for style, explode, *cells in rows:
        for column, expected in zip(header[2:], cells, strict=True):
            if expected != "n/a":
                out.append((style, explode == "true", column, expected))
    return out


CELLS = _cells()


def _code(style: str, explode: bool) -> str:
    return style + ("*" if explode else "")


def _query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{k}={v}" for k, v in pairs)


def test_the_table_has_every_cell() -> None:
    assert len(CELLS) == 11 * 4 - 9  # 44 cells, 9 of them n/a


@pytest.mark.parametrize(("style", "explode", "column", "expected"), CELLS)
def test_style_examples_table(style: str, explode: bool, column: str, expected: str) -> None:
    value = VALUES[column]
    code = _code(style, explode)
    if style in ("matrix", "label", "simple"):
        # In a segment after a literal ("/cars{color}" as in RFC 6570's "X{.var}"), so that the
        # empty label's "." is not a whole dot-segment (see test_label_dot_segment).
        assert build_path("/cars{color}", value, styles={"color": code}) == "/cars" + expected
    if style == "simple":
        assert header_text(value, code) == expected
    if style in ("form", "deepObject"):
        assert _query(query_pairs("color", value, code)) == expected
    if style in ("spaceDelimited", "pipeDelimited"):
        # These two rows show the value alone, without the "color=" the others write.
        assert query_pairs("color", value, code) == [("color", expected)]


def test_default_styles_are_the_locations_defaults() -> None:
    array, obj = VALUES["array"], VALUES["object"]
    assert build_path("/{color}", array) == "/blue,black,brown"  # path: simple, not exploded
    assert encode_query(("color", array)) == (
        ("color", "blue"),
        ("color", "black"),
        ("color", "brown"),
    )
    assert encode_query(("color", obj)) == (("R", "100"), ("G", "200"), ("B", "150"))
    assert encode_headers(("X-Color", obj)) == (("X-Color", "R,100,G,200,B,150"),)
    assert encode_cookies(("color", array)) == (
        ("color", "blue"),
        ("color", "black"),
        ("color", "brown"),
    )


def test_label_dot_segment() -> None:
    """A whole segment of "." or ".." would be removed by URL normalisation: it is encoded."""
    assert build_path("/c/{color}", "", styles={"color": "label"}) == "/c/%2E"
    assert build_path("/c/{color}", ".", styles={"color": "label"}) == "/c/%2E%2E"
    assert build_path("/c/{color}", "x", styles={"color": "label"}) == "/c/.x"


@pytest.mark.parametrize(
    ("style", "value", "expected"),
    [
        # a delimiter inside a value is percent-encoded; the style's own stays literal
        ("form", ["a,b", "c"], "color=a%2Cb,c"),
        ("form*", ["a&b", "c=d"], "color=a%26b&color=c%3Dd"),
        ("pipeDelimited", ["a|b", "c"], "color=a%7Cb|c"),
        ("spaceDelimited", ["a b", "c"], "color=a%20b%20c"),
        ("form*", {"a b": "c&d"}, "a%20b=c%26d"),
        ("deepObject", {"a]": "x"}, "color[a%5D]=x"),
        # nested deeper than the style defines: JSON text; deepObject nests
        ("form", [{"a": 1}], "color=%7B%22a%22%3A1%7D"),
        ("deepObject", {"a": {"b": {"c": 1}}, "d": True}, "color[a][b][c]=1&color[d]=true"),
        ("json", {"a": [1, 2]}, "color=%7B%22a%22%3A%5B1%2C2%5D%7D"),
        # scalars in every style, the JSON spellings of booleans
        ("deepObject", True, "color=true"),
        ("form", [True, 1.5, None], None),
        # empty containers are not sent (RFC 6570: undefined)
        ("form*", [], ""),
        ("form", {}, ""),
        ("deepObject", {}, ""),
    ],
)
def test_query_values(style: str, value: Any, expected: str | None) -> None:
    if expected is None:
        with pytest.raises(TypeError, match="NoneType"):
            query_pairs("color", value, style)
    else:
        assert _query(query_pairs("color", value, style)) == expected


@pytest.mark.parametrize(
    ("style", "value", "expected"),
    [
        ("simple", ["a,b", "c"], "/a%2Cb,c"),
        ("label", ["a/b", "c"], "/.a%2Fb.c"),
        ("matrix*", {"k;": "v=1"}, "/;k%3B=v%3D1"),
        ("matrix", "a b", "/;color=a%20b"),
        ("json", {"a": 1}, "/%7B%22a%22%3A1%7D"),
    ],
)
def test_path_values(style: str, value: Any, expected: str) -> None:
    assert build_path("/{color}", value, styles={"color": style}) == expected


@pytest.mark.parametrize("value", ["", [], {}])
def test_path_values_must_not_be_empty(value: object) -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        build_path("/a/{color}/b", value)
    with pytest.raises(ValueError, match="must not be empty"):
        build_path("/a/{color}/b", [], styles={"color": "matrix"})


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown parameter style 'fancy'"):
        query_pairs("color", ["a"], "fancy")


def test_headers_and_absent_values() -> None:
    assert encode_headers(("A", ["x", 1]), ("B", NOT_GIVEN), ("C", None), ("D", [])) == (
        ("A", "x,1"),
    )
    assert header_text({"a": {"b": 1}}, "simple*") == 'a={"b":1}'


def test_cookies() -> None:
    assert cookie_pairs("c", ["mint", "lime"], "form") == [("c", "mint,lime")]
    assert cookie_pairs("c", {"R": 1, "G": 2}, "form") == [("c", "R,1,G,2")]
    assert cookie_pairs("c", {"R": 1, "G": 2}, "form*") == [("R", "1"), ("G", "2")]
    # not a cookie-octet (space, quote, comma, semicolon, backslash, non-ASCII) or '%': encoded
    assert cookie_pairs("c", 'a b"c,d;e\\f%g=h~ü') == [("c", "a%20b%22c%2Cd%3Be%5Cf%25g=h~%C3%BC")]
    assert encode_cookies(("a", 1), ("b", NOT_GIVEN), ("c", True)) == (("a", "1"), ("c", "true"))


def test_merge_cookies() -> None:
    assert merge_cookies(None, [("a", "1")]) == "a=1"
    assert merge_cookies("x=1; a=0; y", [("a", "1"), ("a", "2")]) == "x=1; y=; a=1; a=2"
    assert merge_cookies("a=1", [("b", "2")], [("a", "3")]) == "b=2; a=3"
