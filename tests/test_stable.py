"""The format stage's fast path (generator/stable.py) writes exactly what black writes, or gives up.

Three ways in: every file rendered from the project's own and the golden specs; random specs of the
hostile-names property test; and random snippets in the shapes the templates write (calls, lists,
dicts, defs with union annotations, imports, docstrings), with lengths drawn around the line length
and line breaks and magic trailing commas in random places. Wherever the fast path answers, its
answer must be black's, byte for byte.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import black
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import SpecError
from generator.fmt import already_formatted, mode
from generator.pipeline import build
from generator.stable import stable_text
from tests.test_fuzz_names import Names, names_strategy, spec_of

ROOT = Path(__file__).resolve().parents[1]
SPECS = [
    ROOT / "specs" / "laml_streams.yaml",
    *sorted((ROOT / "tests" / "golden").glob("*/spec.yaml")),
]


def _black(text: str) -> str:
    return black.format_str(text, mode=mode())


def _answers(text: str) -> bool:
    """Whether the fast path answers for `text`; when it does, the answer must be black's."""
    fast = stable_text(text)
    if fast is None:
        return False
    assert fast == _black(text), f"fast path differs from black for:\n{text}"
    return True


@pytest.mark.parametrize(
    "spec", SPECS, ids=lambda p: p.parent.name if p.name == "spec.yaml" else p.stem
)
def test_rendered_files_of_real_specs(spec: Path) -> None:
    _, files = build(spec, formatted=False)
    python = [t for p, t in files.items() if p.suffix == ".py" and not already_formatted(p)]
    answered = sum(_answers(text) for text in python)
    # the fast path is what makes a cold run cheap: it must answer for nearly every file
    assert answered >= len(python) - 3, f"{answered} of {len(python)} files"


@settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(names=names_strategy)
def test_rendered_files_of_random_specs(names: Names) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "spec.yaml"
        path.write_text(yaml.safe_dump(spec_of(names)), encoding="utf-8")
        try:
            _, files = build(path, formatted=False)
        except SpecError:
            return
    for p, text in files.items():
        if p.suffix == ".py" and not already_formatted(p):
            _answers(text)


# ----------------------------------------------------------------------------------- snippets

_word = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=40).map(lambda s: "v" + s)
_text = st.text(st.sampled_from("abc XYZ.,:;-'\"\\{}()[]\x1b\té"), max_size=60)


@st.composite
def _string(draw: st.DrawFn) -> str:
    """A literal as the templates write one (`repr`), or double-quoted with escapes (JSON's)."""
    value = draw(_text)
    return json.dumps(value) if draw(st.booleans()) else repr(value)


@st.composite
def _expr(draw: st.DrawFn, depth: int = 0) -> str:
    kinds = ["name", "string", "number", "dotted"] + (["call", "list", "dict"] if depth < 3 else [])
    kinds += ["ternary"] if 0 < depth < 3 else []
    kind = draw(st.sampled_from(kinds))
    if kind == "ternary":
        test = draw(st.sampled_from(["{} is not None", "{}", "not {}", "{} and {}"]))
        condition = test.format(draw(_word), draw(_word))
        return f"{draw(_expr(depth + 1))} if {condition} else {draw(_expr(depth + 1))}"
    if kind == "name":
        return draw(_word)
    if kind == "string":
        return draw(_string())
    if kind == "number":
        return str(draw(st.integers(0, 10**6)))
    if kind == "dotted":
        return ".".join(draw(st.lists(_word, min_size=2, max_size=3)))
    items = draw(st.lists(_expr(depth + 1), max_size=5))
    if kind == "call":
        keywords = draw(st.lists(st.tuples(_word, _expr(depth + 1)), max_size=3))
        items = items + [f"{k}={v}" for k, v in keywords]
    if kind == "dict":
        items = [f"{draw(_string())}: {value}" for value in items]
    magic: bool = draw(st.booleans()) and draw(st.booleans())
    inner = ", ".join(items) + ("," if items and magic else "")
    opener, closer = {"call": ("(", ")"), "list": ("[", "]"), "dict": ("{", "}")}[kind]
    prefix = draw(_word) if kind == "call" else ""
    return f"{prefix}{opener}{inner}{closer}"


def _break_lines(draw: st.DrawFn, line: str, indent: str) -> str:
    """Break a one-line statement after some commas and opening brackets (inside brackets, so it
    stays one logical line), indenting the pieces anyhow."""
    out = []
    depth = 0
    in_string: str | None = None
    i = 0
    while i < len(line):
        ch = line[i]
        out.append(ch)
        if in_string:
            if ch == "\\":
                out.append(line[i + 1])
                i += 1
            elif ch == in_string:
                in_string = None
        elif ch in "'\"":
            in_string = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if not in_string and depth > 0 and ch in ",([{" and draw(st.integers(0, 3)) == 0:
            if out[-1] == "," and line[i + 1 : i + 2] == " ":
                i += 1
            out.append("\n" + indent + " " * draw(st.sampled_from([4, 8, 12])))
        i += 1
    return "".join(out)


@st.composite
def _statement(draw: st.DrawFn, indent: str) -> str:
    kinds = ["assign", "call", "import", "all"] + (["return"] if indent else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "import":
        names = draw(st.lists(_word, min_size=1, max_size=8))
        module = ".".join(draw(st.lists(_word, min_size=1, max_size=2)))
        return f"{indent}from .{module} import {', '.join(names)}"
    if kind == "all":
        names = draw(st.lists(_word, min_size=1, max_size=12))
        return indent + "__all__ = [" + ", ".join(f'"{n}"' for n in names) + "]"
    value = draw(_expr(1))
    if kind == "assign":
        target = draw(_word)
        if draw(st.booleans()):
            target += ": " + draw(st.sampled_from(["int", "dict[str, Any]", "Thing | None"]))
        line = f"{indent}{target} = {value}"
    elif kind == "return":
        line = f"{indent}return {value}"
    else:
        line = f"{indent}{draw(_word)}({value})"
    return _break_lines(draw, line, indent) if draw(st.booleans()) else line


@st.composite
def _function(draw: st.DrawFn) -> str:
    params = ["self", "*"]  # keyword-only: defaults may come in any order
    for _ in range(draw(st.integers(0, 4))):
        union = " | ".join(draw(st.lists(_word, min_size=1, max_size=4)))
        default = draw(st.sampled_from(["", " = NOT_GIVEN", " = None", ' = "x"']))
        params.append(f"{draw(_word)}: {union}{default}")
    trailing = "," if draw(st.booleans()) else ""
    body = "\n".join(draw(_statement("        ")) for _ in range(draw(st.integers(1, 3))))
    doc = draw(_docstring("        "))
    head = f"    def {draw(_word)}(\n" + "".join(f"        {p},\n" for p in params[:-1])
    head += f"        {params[-1]}{trailing}\n    ) -> {draw(_word)}:\n"
    return head + (doc + "\n" if doc else "") + body + "\n"


@st.composite
def _docstring(draw: st.DrawFn, indent: str) -> str:
    if not draw(st.booleans()):
        return ""
    lines = draw(st.lists(st.text("abc xyz.-*`", max_size=90), min_size=1, max_size=4))
    lines[0] = lines[0].strip() or "Doc."
    rest = [(indent + " " * draw(st.sampled_from([0, 0, 2])) + line).rstrip() for line in lines[1:]]
    if not rest:
        return f'{indent}"""{lines[0]}"""'
    closing = indent if draw(st.booleans()) else ""
    return f'{indent}"""{lines[0]}\n' + "\n".join(rest) + f"\n{closing}" + '"""'


@st.composite
def _bare_annotation(draw: st.DrawFn) -> str:
    """A field without a value (a TypedDict key): a union, a subscript around one, or a name."""
    union = " | ".join(draw(st.lists(_word, min_size=1, max_size=4)))
    around = draw(st.sampled_from(["", "Required", "Sequence", "Mapping[str, ", "list"]))
    if around.endswith(", "):
        union = f"{around}{union}]"
    elif around:
        union = f"{around}[{union}]"
    if draw(st.booleans()):
        union += " | None"
    return f"{draw(_word)}: {union}"


@st.composite
def _module(draw: st.DrawFn) -> str:
    parts = ["# header", "from __future__ import annotations", ""]
    parts += [draw(_statement("")) for _ in range(draw(st.integers(0, 3)))]
    for _ in range(draw(st.integers(1, 2))):
        parts += ["", "", f"class {draw(_word).title()}(Base):"]
        doc = draw(_docstring("    "))
        if doc:
            parts += [doc, ""]
        fields = draw(st.lists(st.tuples(_word, _word), max_size=3))
        parts += [f"    {a}: {b} | None = None" for a, b in fields]
        parts += [f"    {line}" for line in draw(st.lists(_bare_annotation(), max_size=3))]
        for _ in range(draw(st.integers(0, 2))):
            parts += ["", draw(_function()).rstrip("\n")]
        if not fields and parts[-1].endswith(":"):
            parts.append("    pass")
    return "\n".join(parts) + "\n"


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(source=_module())
def test_snippets_in_the_templates_shapes(source: str) -> None:
    try:
        compile(source, "<snippet>", "exec")
    except SyntaxError:
        return  # the strategy can write what is not Python; black and the fast path may differ there
    _answers(source)


# ------------------------------------------------------------------------------- known shapes

KNOWN = {
    "short call joined": 'x = f(\n    "a",\n    b\n)\n',
    "magic comma kept": 'x = f(\n    "a",\n)\n',
    "long call, body on one line": "value_name = some_callable("
    + ", ".join(f"argument_{i}" for i in range(9))
    + ")\n",
    "long call, one per line": "value_name = some_callable("
    + ", ".join(f"argument_number_{i}" for i in range(9))
    + ")\n",
    "long list": "__all__ = [" + ", ".join(f'"Name{i}"' for i in range(20)) + "]\n",
    "long import": "from .module import " + ", ".join(f"Name{i}" for i in range(20)) + "\n",
    "single quotes": "x = 'a'\ny = 'it \"is\"'\n",
    "docstring on one line": 'def f():\n    """Text.\n    """\n    return 1\n',
    "set in a call": "x = frozenset(\n    {\n        'a',\n    }\n)\n",
    "long union parameter": "def f(\n    self,\n    language: "
    + " | ".join(f"LanguageChoice{i}" for i in range(6))
    + " = NOT_GIVEN,\n) -> None:\n    pass\n",
    "long conditional expression argument": "x = make(\n    auth=Bearer(token) if token is not None else "
    + "ServerAuth(setting('api_secret', api_secret, 'API_SECRET'), ttl=3600, claims={'server': True}),\n)\n",
    "long bare union annotation": "class A(TypedDict):\n    closed_caption_mode: "
    + " | ".join(f"TranscriptionSettingsRequestClosedCaptionMode{i}" for i in range(2))
    + "\n",
    "very long bare union annotation": "class A(TypedDict):\n    closed_caption_mode: "
    + " | ".join(f"TranscriptionSettingsRequestClosedCaptionMode{i}" for i in range(3))
    + "\n",
    "long bare subscript annotation": "class A(TypedDict):\n    output_types: Sequence["
    + " | ".join(f"IndividualRecordingSettingsRequestOutputTypesItem{i}" for i in range(2))
    + "]\n",
    "long required annotation that fits split": "class A(TypedDict):\n    device: Required["
    + " | ".join(f"AudioSettingsRequestDefaultDevice{i}" for i in range(2))
    + "]\n",
    "conditional expressions that fit": "x = f(" + "a if b else c, " * 8 + "d)\n",
    "blank lines": 'import a\nx = 1\nclass A:\n    """Doc."""\n    x: int\n    def f(self):\n        pass\n    y = 2\ndef g():\n    pass\n',
}


@pytest.mark.parametrize("source", KNOWN.values(), ids=KNOWN.keys())
def test_known_shapes(source: str) -> None:
    assert _answers(source), "the fast path should answer for this shape"


GIVE_UP = {
    "long conditional expression": "x = f(" + "a" * 90 + " if b else c if d else e, d)\n",
    "comment after code": "x = 1  # note\n",
    "backslash continuation": "x = 1 + \\\n    2\n",
    "prefixed string": "x = r'a'\n",
    "long string assignment": "x = '" + "a" * 120 + "'\n",
    "subscript trailing comma": "x: tuple[int,] = (1,)\n",
}


@pytest.mark.parametrize("source", GIVE_UP.values(), ids=GIVE_UP.keys())
def test_gives_up_on_what_it_does_not_follow(source: str) -> None:
    assert stable_text(source) is None
