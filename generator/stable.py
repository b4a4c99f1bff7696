"""Black's output for the code the templates write, without running black (the format stage's fast path).

Black stays the authority: `stable_text(text)` returns the text black would write for `text` only when
it can tell from the code's shape alone, and None otherwise (the format stage then runs black on that
file). The shapes it accepts are the ones the templates write, and what a spec can vary in them is
lengths, names and literal contents, never the spacing the templates lay out:

* every logical line that fits in 100 columns on one physical line, without a magic trailing comma;
* brackets exploded one element per line with a magic trailing comma (black keeps those as they
  are once each line fits), and a call holding a single exploded bracket;
* a too-long `from x import a, b` or `name = ["a", "b"]`, which black explodes one per line;
* docstrings and other strings black would leave alone: double quotes (a single-quoted literal
  without quotes or escaped quotes inside is requoted, as black does), no prefix, lowercase hex
  escapes, docstring lines already indented and stripped the way black (PEP 257) writes them;
* blank lines as black's empty-line rules place them (two around top-level definitions, one around
  nested ones, one after a class docstring or a module docstring, at most two / one kept).

Anything else (a comment after the first line, a backslash, a tab, a prefixed or triple-quoted
string inside code, a non-ASCII character in code, a line still too long, a shape not listed) makes
it give up on the whole file. tests/test_stable.py holds it to black's output on every generated
file and on random specs.
"""

from __future__ import annotations

import itertools
import keyword
import re
from collections.abc import Callable
from dataclasses import dataclass, field

LINE_LENGTH = 100

# One token of the subset: strings (one or three quotes; prefixes are caught as a name glued to a
# quote), comments, newlines, blanks, names, decimal numbers, operators. Anything else fails the match.
_TOKEN = re.compile(
    r'(?P<str>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r"|(?P<comment>#[^\n]*)"
    r"|(?P<nl>\n)"
    r"|(?P<sp> +)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<num>[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<op>->|\*\*|//|==|!=|<=|>=|[-+*/%@&|^~<>()=\[\]{}:,.])",
    re.DOTALL,
)
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")", "]", "}"}
# str.splitlines() boundaries other than \n, tabs and form feeds: black reads those in docstrings
# in ways this module does not follow, so a string holding one is left to black.
_AWKWARD = re.compile("[\t\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_ESCAPE = re.compile(r"(\\+)(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|N\{)")
_BACKSLASH_NEWLINE = re.compile(r"\\\s*\n")
_COMPOUND = {"if", "elif", "else", "for", "while", "with", "try", "except", "finally", "match"}


class _GiveUp(Exception):
    pass


@dataclass(slots=True)
class _Tok:
    """One token of the code being checked."""

    kind: str
    text: str
    row: int  # physical line the token starts on
    glued: bool  # no blank between this token and the previous one on the line


@dataclass(slots=True)
class _Logical:
    """One logical line of the code being checked, and the text black would write for it."""

    indent: int
    rows: list[int]  # the physical lines it spans
    toks: list[_Tok]
    blanks: int  # blank lines before it
    out: list[str] = field(default_factory=list)

    @property
    def first(self) -> str:
        return self.toks[0].text

    @property
    def depth(self) -> int:
        return self.indent // 4

    @property
    def is_comment(self) -> bool:
        return self.toks[0].kind == "comment"

    @property
    def is_decorator(self) -> bool:
        return self.first == "@"

    @property
    def is_def(self) -> bool:
        return self.first == "def" or (
            self.first == "async" and len(self.toks) > 1 and self.toks[1].text == "def"
        )

    @property
    def is_class(self) -> bool:
        return self.first == "class"

    @property
    def is_import(self) -> bool:
        return self.first in ("import", "from")

    @property
    def opens_block(self) -> bool:
        return self.toks[-1].text == ":"

    @property
    def is_string(self) -> bool:
        return len(self.toks) == 1 and self.toks[0].kind == "str"


def stable_text(text: str) -> str | None:
    """The text black (line length 100, magic trailing commas, string normalization) makes of
    `text`, or None when this module cannot tell."""
    try:
        lines = _logical_lines(text)
        out: list[str] = []
        # the first statement (a module docstring, if it is a string): after comments only
        first = next((i for i, line in enumerate(lines) if not line.is_comment), -1)
        _Blanks().place(lines, first)
        previous: _Logical | None = None
        for number, line in enumerate(lines):
            if (
                previous is not None
                and previous.is_comment
                and number > 1
                and (line.is_string or line.indent != previous.indent)
            ):
                raise _GiveUp  # where black attaches a comment is its own business
            docstring = line.is_string and (
                number == first
                or (
                    previous is not None
                    and previous.opens_block
                    and line.depth == previous.depth + 1
                )
            )
            line.out = _layout(line, text, docstring)
            previous = line
        for line in lines:
            out.extend([""] * line.blanks)
            out.extend(line.out)
    except _GiveUp:
        return None
    except (IndexError, KeyError, ValueError, StopIteration):
        return None  # a shape the checks above did not foresee: black decides
    return "\n".join(out) + "\n" if out else ""


# ------------------------------------------------------------------------------------- tokens


def _logical_lines(text: str) -> list[_Logical]:
    if _AWKWARD.search(text):
        raise _GiveUp
    reader = _Reader(text)
    # each token to the reader's method for its kind (`pos`: the offset just after it), inline: this
    # loop runs once per token of every generated file
    spaces, newline, token = reader._spaces, reader._newline, reader._token
    pos = 0
    for match in _TOKEN.finditer(text):
        if match.start() != pos:
            raise _GiveUp  # text no token matches
        pos = match.end()
        kind = match.lastgroup
        if kind == "sp":
            spaces(match.group(), pos)
        elif kind == "nl":
            newline()
        else:
            token(kind or "", match.group(), pos)
    if pos != len(text):
        raise _GiveUp
    return reader.finish()


class _Reader:
    """The tokens of a text gathered into logical lines, refusing on the way whatever black would
    respell or this module does not follow (spacing, prefixes, comments after code, odd numbers)."""

    __slots__ = (
        "blanks",
        "current",
        "depth",
        "glued",
        "indent",
        "line_start",
        "lines",
        "row",
        "rows",
        "text",
    )

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines: list[_Logical] = []
        self.row = 0
        self.depth = 0  # open brackets
        self.current: list[_Tok] = []
        self.rows: list[int] = []
        self.indent = 0
        self.blanks = 0
        self.line_start = True
        self.glued = False

    def finish(self) -> list[_Logical]:
        if self.current:
            if self.depth:
                raise _GiveUp
            self.lines.append(_Logical(self.indent, self.rows, self.current, self.blanks))
        return self.lines

    def _spaces(self, value: str, pos: int) -> None:
        if self.line_start and not self.current:
            self.indent = len(value)
        elif (
            not self.line_start
            and len(value) > 1
            and self.text[pos : pos + 1] not in ("\n", "", ")", "]", "}")
            and not (self.current and self.current[-1].text in _OPEN)
        ):
            raise _GiveUp  # spacing black would change; the templates never write it
        self.glued = False

    def _newline(self) -> None:
        self.row += 1
        if not self.current:
            if self.depth:
                raise _GiveUp
            self.blanks += 1
            self.indent = 0
            self.line_start = True
        elif self.depth:  # inside brackets: the logical line goes on
            self.rows.append(self.row)
            self.line_start = True
            self.glued = False
        else:
            self.lines.append(_Logical(self.indent, self.rows, self.current, self.blanks))
            self.current, self.rows, self.indent, self.blanks = [], [], 0, 0
            self.line_start, self.glued = True, False

    def _token(self, kind: str, value: str, pos: int) -> None:
        current = self.current
        if not current:
            self.rows = [self.row]
            if not self.line_start or self.indent % 4:
                raise _GiveUp
        row = self.row
        if kind != "name":  # the commonest kind needs no check
            check = _TOKEN_CHECKS.get(kind)
            if check is not None:
                value = check(self, value, pos)
            if kind == "str":
                row -= value.count("\n")  # a string spanning lines starts on an earlier one
        current.append(_Tok(kind, value, row, self.glued))
        self.line_start = False
        self.glued = True

    def _comment(self, value: str, pos: int) -> str:
        if (
            self.current
            or self.depth
            or value.rstrip() != value
            or not (value == "#" or value[:2] == "# ")
        ):
            raise _GiveUp  # a comment after code, or one black would respell
        return value

    def _operator(self, value: str, pos: int) -> str:
        if value in _OPEN:
            self.depth += 1
        elif value in _CLOSE:
            self.depth -= 1
            if self.depth < 0:
                raise _GiveUp
        elif value == "." and self.text[pos : pos + 1].isdigit():
            raise _GiveUp
        return value

    def _string(self, value: str, pos: int) -> str:
        current = self.current
        if current and current[-1].kind in ("name", "num") and self.glued:
            if current[-1].text != "f":
                raise _GiveUp  # a prefix (r"", b"", F"…") black would respell, or worse
            self.glued = current.pop().glued
            value = "f" + value
        self.row += value.count("\n")
        return value

    def _number(self, value: str, pos: int) -> str:
        following = self.text[pos : pos + 1]
        if following and (following.isalnum() or following in "._"):
            raise _GiveUp  # 1e5, 0x1F, 1_000, 1j, 1.: literals black may respell
        return value


# what each kind of token is checked for (and, for a string, respelled to) as it is read
_TOKEN_CHECKS: dict[str, Callable[[_Reader, str, int], str]] = {
    "comment": _Reader._comment,
    "op": _Reader._operator,
    "str": _Reader._string,
    "num": _Reader._number,
}


# -------------------------------------------------------------------------------------- strings


def _escapes_ok(body: str) -> bool:
    """Black lowercases the hex of \\x, \\u and \\U escapes and uppercases \\N{} names."""
    for match in _ESCAPE.finditer(body):
        if len(match.group(1)) % 2:
            code = match.group(2)
            if code.startswith("N") or code[1:] != code[1:].lower():
                return False
    return True


def _code_string(value: str) -> str:
    """A one-line string inside code, as black writes it: double quotes unless they would need
    more escaping (given up on here), lowercase hex escapes; an f-string like any other as long
    as no backslash or quote is involved."""
    prefix = "f" if value.startswith("f") else ""
    value = value[len(prefix) :]
    if value.startswith(('"""', "'''")) or not value.isascii():
        raise _GiveUp
    body = value[1:-1]
    if not _escapes_ok(body) or (prefix and ("\\" in body or "'" in body or '"' in body)):
        raise _GiveUp
    if value[0] == "'":
        if "\\'" in body or '\\"' in body:
            raise _GiveUp
        # double quotes unless they would need more escaping than the single ones
        return prefix + value if '"' in body else f'{prefix}"{body}"'
    if '"' in body:
        raise _GiveUp  # an escaped double quote: black may switch to single quotes
    return prefix + value


def _docstring(value: str, indent: str) -> str:
    """The docstring as black writes it: PEP 257 indentation (lines re-indented, stripped), the
    closing quotes on the text's line when nothing follows it, moved to a line of their own when
    the last line is too long. Given up on where black pads next to quotes or backslashes."""
    if not value.startswith('"""') or len(value) < 7 or _BACKSLASH_NEWLINE.search(value):
        raise _GiveUp
    body = value[3:-3]
    if _AWKWARD.search(body) or not _escapes_ok(body):
        raise _GiveUp
    lines = body.split("\n")
    first = lines[0].strip()
    if not first or first.startswith('"'):
        raise _GiveUp
    rest = lines[1:]
    filled = [line for line in rest if line.strip()]
    if not filled:  # nothing after the first line: black puts it on one line
        if first.endswith(('"', "\\")):
            raise _GiveUp
        return '"""' + first + '"""'
    margin = min(len(line) - len(line.lstrip(" ")) for line in filled)
    out = [first]
    for i, line in enumerate(rest):
        text = line[margin:].rstrip()
        out.append(indent + text if text or i == len(rest) - 1 else "")
    if out[-1].endswith(('"', "\\")):
        raise _GiveUp
    if len(out[-1]) + 3 > LINE_LENGTH and out[-1].strip():
        raise _GiveUp
    return '"""' + "\n".join(out) + '"""'


# -------------------------------------------------------------------------------------- layout


def _render_row(toks: list[_Tok]) -> str:
    """Tokens of one row, spaced as written except where black's spacing is fixed whatever the
    template wrote: none inside brackets, before a comma or a call's or subscript's bracket, one
    after a comma."""
    parts = []
    previous: _Tok | None = None
    for tok in toks:
        if previous is None:
            parts.append(tok.text)
        else:
            glue = tok.glued
            if previous.text in _OPEN or tok.text in _CLOSE or tok.text == ",":
                glue = True
            elif previous.text == ",":
                glue = False
            elif tok.text in ("(", "[") and (
                (previous.kind == "name" and previous.text not in _KEYWORDS)
                or previous.text in _CLOSE
            ):
                glue = True
            parts.append(tok.text if glue else " " + tok.text)
        previous = tok
    return "".join(parts)


def _layout(line: _Logical, text: str, docstring: bool) -> list[str]:
    pad = " " * line.indent
    if line.is_comment:
        return [pad + line.first]
    if line.is_string:
        return _string_statement(line.first, pad, docstring)
    _respell_tokens(line.toks)
    if line.first in _COMPOUND and len(line.rows) > 1:
        raise _GiveUp
    if line.first in _COMPOUND | {"class", "def", "async"} and not line.opens_block:
        raise _GiveUp  # `if x: y`, `class A: pass`: black splits them; the templates never do
    return _Code(line).lines()


def _string_statement(value: str, pad: str, docstring: bool) -> list[str]:
    """A line holding a string alone: a docstring, or a string black leaves as it is."""
    if docstring:
        return (pad + _docstring(value, pad)).split("\n")
    if "\n" in value:
        if not value.startswith('"""') or not _escapes_ok(value[3:-3]):
            raise _GiveUp
        return (pad + value).split("\n")
    if value.startswith('"""'):
        if not _escapes_ok(value[3:-3]):
            raise _GiveUp
        return [pad + value]
    return [pad + _code_string(value)]


def _respell_tokens(toks: list[_Tok]) -> None:
    """Strings inside code requoted as black writes them; what it would respace refused."""
    for i, tok in enumerate(toks):
        if (
            tok.text == "**"
            and i
            and (toks[i - 1].kind in ("name", "num") or toks[i - 1].text in _CLOSE)
        ):
            raise _GiveUp  # black hugs or spaces a power operator by its operands
        if tok.kind == "str":
            tok.text = _code_string(tok.text)
        elif tok.kind != "comment" and not tok.text.isascii():
            raise _GiveUp


class _Code:
    """One logical line of code laid out as black does: joined onto one line when it fits and has
    no magic trailing comma, else split at its last bracket (its first, for a def), recursively,
    each bracket's contents on one line when they fit (a call's or subscript's) or one element per
    line with a trailing comma (a list's or dict's, or when they do not fit or have a magic
    trailing comma)."""

    def __init__(self, line: _Logical) -> None:
        self.line = line
        self.toks = toks = line.toks
        self.match = _matching(toks)
        # the opening brackets holding a magic trailing comma (a one-element tuple's is not one)
        self.magic = set()
        for k in range(len(toks) - 1):
            if toks[k].text == "," and toks[k + 1].text in _CLOSE:
                opener = self.match[k + 1]
                if self._called(opener):
                    if toks[opener].text == "[":
                        raise _GiveUp  # a subscript's trailing comma follows rules of its own
                elif toks[opener].text == "(" and len(_items(toks, opener + 1, k + 1)[0]) == 1:
                    continue
                self.magic.add(opener)

    def _called(self, opener: int) -> bool:
        """Whether the bracket is a call's or a subscript's (a trailer) rather than a literal's."""
        if opener == 0:
            return False
        before = self.toks[opener - 1]
        return (before.kind == "name" and before.text not in _KEYWORDS) or before.text in _CLOSE

    def _magic_in(self, a: int, b: int) -> bool:
        return any(a <= m < b for m in self.magic)

    def lines(self) -> list[str]:
        line, toks = self.line, self.toks
        pad = " " * line.indent
        if not self.magic:
            row = pad + _render_row(toks)
            if len(row) <= LINE_LENGTH:
                return [row]
        if line.first == "from":
            return self._import()
        if line.is_def:
            return self._def()
        if line.first == "for" or (line.first == "async" and toks[1].text == "for"):
            return self._for()
        if line.is_class or line.is_decorator or line.first in _COMPOUND or line.first == "async":
            raise _GiveUp
        if len(toks) > 2 and toks[1].text == ":" and all(t.text != "=" for t in toks):
            return self._bare_annotation()
        last = len(toks) - 1
        if toks[last].text not in _CLOSE:
            raise _GiveUp
        opener = self.match[last]
        if self._magic_in(0, opener):
            raise _GiveUp
        _plain_head(toks[:opener])
        return self._rhs(line.indent, 0, opener, last, "")

    def _bare_annotation(self) -> list[str]:
        """`name: T` without a value, too long for one line. Black puts the annotation in
        parentheses of its own when it holds a `|` outside brackets (`name: (` / `A | B` / `)`),
        and otherwise splits it at its last bracket, as a right-hand side (`name: Required[` /
        `A | B` / `]`). Anything else (a value, dots, calls, an annotation that still does not fit
        in its parentheses) is left to black."""
        toks, pad = self.toks, " " * self.line.indent
        annotation = toks[2:]
        depth, bars = 0, 0
        for tok in annotation:
            if tok.text in _OPEN:
                depth += 1
            elif tok.text in _CLOSE:
                depth -= 1
            elif tok.text == "|" and depth == 0:
                bars += 1
            elif tok.text in ("=", ".", ":", "(", ")", "lambda", "if") or tok.kind not in (
                "name",
                "op",
                "str",
            ):
                raise _GiveUp
            if tok.text not in ("[", "]", "|", ",") and tok.kind == "op":
                raise _GiveUp
        if self.magic or any(t.text in ("(", ")", "{", "}") for t in annotation):
            raise _GiveUp
        if bars:
            body = self._union_lines(self.line.indent + 4, 2, len(toks))
            return [pad + toks[0].text + ": (", *body, pad + ")"]
        last = len(toks) - 1
        if toks[last].text != "]":
            raise _GiveUp
        opener = self.match[last]
        if opener < 3 or not _dotted(toks[2:opener]):
            raise _GiveUp
        items, trailing = _items(toks, opener + 1, last)
        head = pad + _render_row(toks[: opener + 1])
        row = " " * (self.line.indent + 4) + _render_row(toks[opener + 1 : last])
        if len(items) != 1 or trailing or len(head) > LINE_LENGTH:
            raise _GiveUp
        if len(row) <= LINE_LENGTH:
            return [head, row, pad + "]"]
        return [head, *self._union_lines(self.line.indent + 4, opener + 1, last), pad + "]"]

    def _union_lines(self, indent: int, a: int, b: int) -> list[str]:
        """Tokens [a, b) of a union on one line when it fits, else one operand per line, each
        after the first led by `| ` (black's split at its delimiters); operands that do not fit
        on their line are left to black."""
        pad = " " * indent
        row = pad + _render_row(self.toks[a:b])
        if len(row) <= LINE_LENGTH:
            return [row]
        out: list[str] = []
        depth, start = 0, a
        for k in range(a, b + 1):
            text = self.toks[k].text if k < b else "|"
            if text in _OPEN:
                depth += 1
            elif text in _CLOSE:
                depth -= 1
            elif text == "|" and depth == 0:
                if k == start:
                    raise _GiveUp
                lead = "| " if out else ""
                line = pad + lead + _render_row(self.toks[start:k])
                if len(line) > LINE_LENGTH:
                    raise _GiveUp
                out.append(line)
                start = k + 1
        if len(out) < 2:
            raise _GiveUp
        return out

    def _for(self) -> list[str]:
        """`for x in obj.method(...):`: split at the call's brackets, like a right-hand side."""
        toks = self.toks
        texts = [t.text for t in toks]
        if "in" not in texts or texts[-1] != ":" or texts[-2] not in _CLOSE:
            raise _GiveUp
        at = texts.index("in")
        opener = self.match[len(toks) - 2]
        if any(t.text in _OPEN or t.text in _CLOSE for t in toks[:opener]) or self._magic_in(
            0, opener
        ):
            raise _GiveUp
        dotted = toks[at + 1 : opener]
        if not dotted or any(
            not ((t.kind == "name" and t.text not in _KEYWORDS) or t.text == ".") for t in dotted
        ):
            raise _GiveUp
        return self._rhs(self.line.indent, 0, opener, len(toks) - 2, ":")

    def _import(self) -> list[str]:
        """`from x import a, b` (parentheses or not): one line when it fits without a magic
        trailing comma, else one name per line, always with a trailing comma."""
        toks = self.toks
        pad = " " * self.line.indent
        at = next((i for i, t in enumerate(toks) if t.text == "import"), -1)
        names = toks[at + 1 :]
        if at < 0 or not names:
            raise _GiveUp
        if names[0].text == "(":
            if self.match.get(at + 1) != len(toks) - 1:
                raise _GiveUp
            names = names[1:-1]
        if any(t.kind != "name" and t.text != "," for t in names):
            raise _GiveUp
        parts = _split_commas(names)
        head = pad + _render_row(toks[: at + 1])
        one = head + " " + ", ".join(_render_row(p) for p in parts)
        if not self.magic and len(one) <= LINE_LENGTH:
            return [one]
        if len(head) + 2 > LINE_LENGTH:
            raise _GiveUp
        # a name too long for its line stays long: black has nothing to split it at
        return [head + " (", *(pad + "    " + _render_row(p) + "," for p in parts), pad + ")"]

    def _def(self) -> list[str]:
        """Black splits a def at its parameters' bracket; only the form with a magic trailing
        comma (one parameter per line) is followed here."""
        toks = self.toks
        pad = " " * self.line.indent
        opener = next(i for i, t in enumerate(toks) if t.text in _OPEN)
        closer = self.match[opener]
        if (
            toks[opener].text != "("
            or opener not in self.magic
            or self._magic_in(closer, len(toks))
        ):
            raise _GiveUp
        head = pad + _render_row(toks[: opener + 1])
        tail = pad + _render_row(toks[closer:])
        if len(head) > LINE_LENGTH or len(tail) > LINE_LENGTH:
            raise _GiveUp
        items, _ = _items(toks, opener + 1, closer)
        out = [head]
        for a, b in items:
            out.extend(self._item(self.line.indent + 4, a, b, ","))
        out.append(tail)
        return out

    def _rhs(self, indent: int, start: int, opener: int, closer: int, suffix: str) -> list[str]:
        toks = self.toks
        head = " " * indent + _render_row(toks[start : opener + 1])
        if len(head) > LINE_LENGTH or closer == opener + 1:
            raise _GiveUp
        tail = " " * indent + toks[closer].text + suffix
        called = opener > start and self._called(opener)
        items, trailing = _items(toks, opener + 1, closer)
        if toks[opener].text == "(" and not called and len(items) < 2:
            raise _GiveUp  # a parenthesised expression or a one-element tuple
        inner = indent + 4
        if not self._magic_in(opener, closer) and (len(items) == 1 or called):
            body = " " * inner + _render_row(toks[opener + 1 : closer])
            if len(body) <= LINE_LENGTH:
                return [head, body, tail]
        if len(items) == 1 and not trailing:
            a, b = items[0]
            return [head, *self._item(inner, a, b, ""), tail]
        out = [head]
        for a, b in items:
            out.extend(self._item(inner, a, b, ","))
        out.append(tail)
        return out

    def _item(self, indent: int, a: int, b: int, suffix: str) -> list[str]:
        toks = self.toks
        row = " " * indent + _render_row(toks[a:b]) + suffix
        if not self._magic_in(a, b) and len(row) <= LINE_LENGTH:
            return [row]
        if self._left_long(a, b):
            return [row]  # a literal or a dict entry of two: black leaves it long
        if self.line.is_def and b - a > 2 and toks[a + 1].text == ":":
            return self._annotation(indent, a, b, suffix)
        ternary = self._ternary(indent, a, b, suffix)
        if ternary is not None:
            return ternary
        return self._split_element(indent, a, b, suffix)

    def _left_long(self, a: int, b: int) -> bool:
        """Whether the element is one that black has nothing to split at."""
        atoms = [t.kind in ("str", "name", "num") for t in self.toks[a:b]]
        return atoms == [True] or (
            not self.line.is_def and atoms == [True, False, True] and self.toks[a + 1].text == ":"
        )

    def _split_element(self, indent: int, a: int, b: int, suffix: str) -> list[str]:
        """An element ending in a bracket after a plain (dotted) name: split at that bracket."""
        toks = self.toks
        if toks[b - 1].text not in _CLOSE:
            raise _GiveUp
        opener = self.match[b - 1]
        if self._magic_in(a, opener) or any(t.text in _OPEN for t in toks[a:opener]):
            raise _GiveUp
        if not _dotted(toks[a + self._element_lead(a, opener) : opener]):
            raise _GiveUp
        return self._rhs(indent, a, opener, b - 1, suffix)

    def _element_lead(self, a: int, opener: int) -> int:
        """How many tokens before the element's callee or literal are not part of it."""
        prefix = [t.text for t in self.toks[a:opener]]
        kinds = [t.kind for t in self.toks[a:opener]]
        if len(prefix) >= 2 and prefix[1] == "=" and kinds[0] == "name":
            return 2  # a keyword argument
        if len(prefix) >= 2 and prefix[1] == ":" and kinds[0] in ("str", "name", "num"):
            return 2  # a dict entry
        if prefix and prefix[0] in ("*", "**"):
            return 1  # unpacked into the call or literal
        return 0

    def _ternary(self, indent: int, a: int, b: int, suffix: str) -> list[str] | None:
        """An argument or dict value too long for its line that is one conditional expression:
        black wraps it in parentheses of its own, on one line inside them if it fits, else split
        before `if` and before `else` (None when the element is not such an expression)."""
        at = self._keywords_at(a, b)
        if "if" not in at and "else" not in at:
            return None
        if set(at) - {"if", "else", "is", "not", "None", "True", "False", "and", "or"}:
            raise _GiveUp  # a lambda, a comprehension, an await…: not followed here
        if len(at.get("if", ())) != 1 or len(at.get("else", ())) != 1:
            raise _GiveUp
        start, prefix = self._ternary_target(a)
        (cond,) = at["if"]
        (other,) = at["else"]
        if not start < cond < other < b - 1 or self._magic_in(a, b):
            raise _GiveUp
        inner, head, tail = _ternary_frame(indent, prefix, suffix)
        if suffix:
            whole = " " * inner + _render_row(self.toks[start:b])
            if len(whole) <= LINE_LENGTH:
                return [*head, whole, *tail]
        body: list[str] = []
        for x, y in ((start, cond), (cond, other), (other, b)):
            body.extend(self._ternary_part(inner, x, y))
        return [*head, *body, *tail]

    def _keywords_at(self, a: int, b: int) -> dict[str, list[int]]:
        """Where each keyword stands outside brackets in [a, b)."""
        depth = 0
        at: dict[str, list[int]] = {}
        for k in range(a, b):
            text = self.toks[k].text
            if text in _OPEN:
                depth += 1
            elif text in _CLOSE:
                depth -= 1
            elif depth == 0 and self.toks[k].kind == "name" and text in _KEYWORDS:
                at.setdefault(text, []).append(k)
        return at

    def _ternary_target(self, a: int) -> tuple[int, str]:
        """Where the expression starts after a keyword argument's or a dict entry's key, and that
        key as black writes it before the parentheses."""
        toks = self.toks
        names = [t.text for t in toks[a : a + 2]]
        if len(names) == 2 and names[1] == "=" and toks[a].kind == "name":
            return a + 2, toks[a].text + "="
        if len(names) == 2 and names[1] == ":" and toks[a].kind in ("str", "name", "num"):
            return a + 2, toks[a].text + ": "
        return a, ""

    def _ternary_part(self, inner: int, x: int, y: int) -> list[str]:
        """One of the three parts: on its line if it fits, else split at its last bracket."""
        toks = self.toks
        row = " " * inner + _render_row(toks[x:y])
        if len(row) <= LINE_LENGTH:
            return [row]
        if toks[y - 1].text not in _CLOSE:
            raise _GiveUp
        opener = self.match[y - 1]
        lead = toks[x:opener]
        if lead and lead[0].text in ("if", "else"):
            lead = lead[1:]
        if not lead or not _dotted(lead):
            raise _GiveUp
        return self._rhs(inner, x, opener, y - 1, "")

    def _annotation(self, indent: int, a: int, b: int, suffix: str) -> list[str]:
        """A parameter too long for its line whose annotation is a union: black wraps the
        annotation in parentheses of its own, on one line if it fits, else split before each `|`."""
        toks = self.toks
        if toks[a].kind != "name":
            raise _GiveUp
        bars, eq = self._bars(a, b)
        default = toks[eq:b]
        if any(t.text in _OPEN or t.text in _CLOSE for t in default):
            raise _GiveUp
        if not bars:
            return self._subscript_annotation(indent, a, eq, default, suffix)
        inner = " " * (indent + 4)
        head = " " * indent + toks[a].text + ": ("
        tail = " " * indent + ")" + _after_annotation(default, suffix)
        whole = inner + _render_row(toks[a + 2 : eq])
        if len(whole) <= LINE_LENGTH:
            body = [whole]
        else:
            cuts = [a + 2, *bars, eq]
            body = [inner + _render_row(toks[x:y]) for x, y in itertools.pairwise(cuts)]
        if any(len(row) > LINE_LENGTH for row in (head, *body, tail)):
            raise _GiveUp
        return [head, *body, tail]

    def _bars(self, a: int, b: int) -> tuple[list[int], int]:
        """The `|` outside brackets in a parameter's annotation, and where its default's `=`
        stands (`b` without one)."""
        depth = 0
        bars: list[int] = []
        for k in range(a + 2, b):
            text = self.toks[k].text
            if text in _OPEN:
                depth += 1
            elif text in _CLOSE:
                depth -= 1
            elif depth == 0 and text == "|":
                bars.append(k)
            elif depth == 0 and text == "=":
                return bars, k
        return bars, b

    def _subscript_annotation(
        self, indent: int, a: int, eq: int, default: list[_Tok], suffix: str
    ) -> list[str]:
        """A lone subscript (`Literal[...]`): black drops its own parentheses and splits the
        subscript's brackets instead."""
        toks = self.toks
        last = eq - 1
        if toks[last].text != "]" or self._magic_in(a, eq):
            raise _GiveUp
        opener = self.match[last]
        dotted = toks[a + 2 : opener]
        if not dotted or not _dotted(dotted):
            raise _GiveUp
        return self._rhs(indent, a, opener, last, _after_annotation(default, suffix))


def _ternary_frame(indent: int, prefix: str, suffix: str) -> tuple[int, list[str], list[str]]:
    """The indent of a conditional expression's rows, and the lines around them."""
    if suffix:
        return indent + 4, [" " * indent + prefix + "("], [" " * indent + ")" + suffix]
    if prefix:
        raise _GiveUp
    # the sole argument: its parentheses would be redundant, black splits it bare
    return indent, [], []


def _after_annotation(default: list[_Tok], suffix: str) -> str:
    return (" " + _render_row(default) if default else "") + suffix


def _dotted(toks: list[_Tok]) -> bool:
    """Whether the tokens are names (no keywords) and dots only."""
    return all((t.kind == "name" and t.text not in _KEYWORDS) or t.text == "." for t in toks)


def _items(toks: list[_Tok], start: int, end: int) -> tuple[list[tuple[int, int]], bool]:
    """[start, end) index ranges of the comma-separated elements between two brackets, and
    whether a trailing comma ends them."""
    items = []
    depth = 0
    first = start
    for k in range(start, end):
        text = toks[k].text
        if text in _OPEN:
            depth += 1
        elif text in _CLOSE:
            depth -= 1
        elif text == "," and depth == 0:
            items.append((first, k))
            first = k + 1
    trailing = first == end
    if not trailing:
        items.append((first, end))
    if not items or any(a >= b for a, b in items):
        raise _GiveUp
    return items, trailing


def _split_commas(toks: list[_Tok]) -> list[list[_Tok]]:
    parts: list[list[_Tok]] = [[]]
    for tok in toks:
        if tok.text == ",":
            parts.append([])
        else:
            parts[-1].append(tok)
    if parts and not parts[-1]:
        parts.pop()
    if not parts or any(not p for p in parts):
        raise _GiveUp
    return parts


def _matching(toks: list[_Tok]) -> dict[int, int]:
    stack: list[int] = []
    match: dict[int, int] = {}
    for i, tok in enumerate(toks):
        if tok.text in _OPEN:
            stack.append(i)
        elif tok.text in _CLOSE:
            j = stack.pop()
            if _OPEN[toks[j].text] != tok.text:
                raise _GiveUp
            match[j] = i
            match[i] = j
    return match


def _plain_head(head: list[_Tok]) -> None:
    """What may stand before the exploded call of a statement: `x =`, `x: T =`, `return`, `await`
    and a dotted name, so that black's optional parentheses around the right-hand side are
    dropped and the split lands on the call's own brackets."""
    rest = head[_value_start(head) :]
    if rest and rest[0].text == "await":
        rest = rest[1:]
    if not rest:
        return  # `x = [` / `x = {`: the bracket itself is the right-hand side
    if rest[0].kind != "name" or not _dotted(rest):
        raise _GiveUp


def _value_start(head: list[_Tok]) -> int:
    """Where the value starts after an assignment's target or a `return`, `yield (from)`."""
    texts = [t.text for t in head]
    if "=" in texts:
        eq = texts.index("=")
        _plain_target(head[:eq])
        return eq + 1
    if texts and texts[0] in ("return", "yield"):
        return 2 if texts[1:2] == ["from"] else 1
    return 0


def _plain_target(target: list[_Tok]) -> None:
    """An assignment's target: a dotted name, annotated or not."""
    names = [t.text for t in target]
    dotted = target[: names.index(":")] if ":" in names else target
    if not dotted or not _dotted(dotted):
        raise _GiveUp
    if any(t.text == "=" for t in target):
        raise _GiveUp


_KEYWORDS = frozenset(keyword.kwlist)


# -------------------------------------------------------------------------------- blank lines


class _Blanks:
    """Black's empty-line rules (its EmptyLineTracker, for .py files), for the line kinds above:
    rewrites each line's `blanks` to the count black writes before it."""

    def place(self, lines: list[_Logical], first: int) -> None:
        previous: _Logical | None = None
        previous_after = 0
        defs: list[_Logical] = []
        for index, line in enumerate(lines):
            before, after = self._rule(line, previous, defs)
            before = max(0, before - previous_after)
            if (
                previous is not None
                and previous.is_string
                and previous.depth == 0
                and not (line.is_class or line.is_def)
                and index - 1 == first
            ):
                before = 1  # one blank line after a module docstring
            line.blanks = previous_after + before
            previous, previous_after = line, after
        if previous_after:
            raise _GiveUp

    @staticmethod
    def _rule(line: _Logical, previous: _Logical | None, defs: list[_Logical]) -> tuple[int, int]:
        """The blank lines black wants before `line` and those it wants after it."""
        before = min(line.blanks, 2 if line.depth == 0 else 1)
        user_went_with_blank = bool(before)
        previous_def = _Blanks._track_defs(line, defs)
        if previous is None:
            return 0, 0
        docstring = _Blanks._before_docstring(line, previous)
        if docstring is not None:
            return docstring
        if previous_def is not None:
            before = _Blanks._after_def(line, previous_def)
        if line.is_decorator or line.is_def or line.is_class:
            return _Blanks._before_def(line, previous, user_went_with_blank), 0
        return _Blanks._after_import(line, previous, before), 0

    @staticmethod
    def _track_defs(line: _Logical, defs: list[_Logical]) -> _Logical | None:
        """Pops the definitions `line` leaves (returning the last one left), pushes its own."""
        previous_def = None
        while defs and defs[-1].depth >= line.depth:
            previous_def = defs.pop()
        if line.is_def or line.is_class:
            if line.toks[-1].text == "." or line.toks[-1].text == "...":
                raise _GiveUp  # a dummy implementation on the def line
            defs.append(line)
        return previous_def

    @staticmethod
    def _before_docstring(line: _Logical, previous: _Logical) -> tuple[int, int] | None:
        """A class's or def's docstring: none before it (one after a class's); None otherwise."""
        if line.is_string and previous.opens_block and line.depth == previous.depth + 1:
            if previous.is_class:
                return 0, 1
            if previous.is_def:
                return 0, 0
        return None

    @staticmethod
    def _after_def(line: _Logical, previous_def: _Logical) -> int:
        if line.depth or (
            previous_def.depth
            and line.toks[-1].text == ":"
            and line.first not in ("with", "try", "for", "while", "if", "match")
        ):
            return 1
        return 2

    @staticmethod
    def _before_def(line: _Logical, previous: _Logical, user_went_with_blank: bool) -> int:
        """Before a decorator, a def or a class."""
        if previous.is_decorator:
            return 0
        if previous.depth < line.depth and (previous.is_class or previous.is_def):
            return 1 if user_went_with_blank else 0
        if previous.is_comment:
            raise _GiveUp  # black's rules for comments before definitions: not followed here
        return 1 if line.depth else 2

    @staticmethod
    def _after_import(line: _Logical, previous: _Logical, before: int) -> int:
        """At least one blank line between imports and what follows them at their depth."""
        if previous.is_import and not line.is_import:
            if previous.depth == 0 and line.depth == 0:
                return 1
            if line.depth == previous.depth:
                return before or 1
        return before
