"""generator.verify: each rule on small hand-written modules (should flag / should not flag), the
spec pointers findings carry, its cache, and the pipeline refusing to write what fails it."""

from __future__ import annotations

import textwrap
from pathlib import Path, PurePosixPath

import pytest
from click.testing import CliRunner

from generator import pipeline, verify
from generator.cli import main
from generator.render import runtime_sources
from generator.verify import Finding, VerifyError, check_source

FILE = PurePosixPath("pkg/mod.py")

# (id, source, {(line, qualified name)} it must flag, exactly). Line numbers count from the
# first line of the dedented source.
CASES: list[tuple[str, str, set[tuple[int, str]]]] = [
    # ------------------------------------------------------------------ duplicate parameter
    ("dup-positional", "def f(a, b, a): pass", {(1, "f.a")}),
    ("dup-keyword-only", "def f(a, *, a=1): pass", {(1, "f.a")}),
    ("dup-star-args", "def f(*a, **a): pass", {(1, "f.a")}),
    (
        "dup-method",
        """\
        class R:
            def m(self, x, *, x=None):
                pass
        """,
        {(2, "R.m.x")},
    ),
    ("dup-lambda-left-to-compile", "g = lambda a, a: a", {(1, "")}),
    ("ok-all-parameter-kinds", "def f(a, /, b, *args, c, **kw): pass", set()),
    # ------------------------------------------------------------------------- bound twice
    ("twice-class", "class A: pass\nclass A: pass", {(2, "A")}),
    ("twice-class-and-def", "class A: pass\ndef A(): pass", {(2, "A")}),
    ("twice-assign-then-def", "x = 1\ndef x(): pass", {(2, "x")}),
    ("twice-import-then-class", "from pydantic import Field\nclass Field: pass", {(2, "Field")}),
    ("twice-imports-of-two-objects", "from a import b\nfrom c import b", {(2, "b")}),
    ("twice-module-and-name", "import a\nfrom b import a", {(2, "a")}),
    ("twice-tuple-target", "x, y = 1, 2\ny = 3", {(2, "y")}),
    (
        "twice-field",
        """\
        class M:
            x: int
            x: str = ""
        """,
        {(3, "M.x")},
    ),
    (
        "twice-field-and-method",
        """\
        class M:
            list: int = 0
            def list(self): pass
        """,
        {(3, "M.list")},
    ),
    (
        "twice-under-type-checking-and-outside",
        """\
        from typing import TYPE_CHECKING
        if TYPE_CHECKING:
            from .m import A
        A = 1
        """,
        {(4, "A")},
    ),
    (
        "ok-exclusive-if-arms",
        """\
        import sys
        if sys.version_info >= (3, 12):
            from typing import override
        else:
            def override(f): return f
        """,
        set(),
    ),
    (
        "ok-try-import-fallback",
        """\
        try:
            import orjson as json
        except ImportError:
            import json
        """,
        set(),
    ),
    (
        "ok-overloads",
        """\
        from typing import overload
        @overload
        def f(x: int) -> int: ...
        @overload
        def f(x: str) -> str: ...
        def f(x): return x
        """,
        set(),
    ),
    (
        "ok-property-accessors",
        """\
        class C:
            @property
            def x(self): return 1
            @x.setter
            def x(self, value): pass
        """,
        set(),
    ),
    ("ok-submodule-imports", "import os.path\nimport os", set()),
    ("ok-same-import-twice", "from a import b\nfrom a import b", set()),
    ("ok-augmented", "__all__ = ['a']\n__all__ += ['b']", set()),
    (
        "ok-same-name-other-scopes",
        """\
        x = 1
        class A:
            x = 2
            def f(self):
                x = 3
                x = 4
                return x
        class B:
            x = 5
        """,
        set(),
    ),
    # ----------------------------------------------------------------- shadowing parameter
    (
        "param-called-import",
        """\
        from .r import validate_body
        def f(validate_body):
            return validate_body(1)
        """,
        {(3, "f.validate_body")},
    ),
    (
        "param-attribute-of-module",
        """\
        import json
        def f(json):
            return json.dumps(1)
        """,
        {(3, "f.json")},
    ),
    (
        "param-isinstance-builtin",
        "def f(x, str):\n    return isinstance(x, (int, str))",
        {(2, "f.str")},
    ),
    ("param-called-builtin", "def f(list):\n    return list(())", {(2, "f.list")}),
    (
        "param-local-annotation",
        "def f(list):\n    x: list[int] = []\n    return x",
        {(2, "f.list")},
    ),
    (
        "param-nested-signature",
        """\
        import builtins
        def f(builtins):
            def g() -> builtins.list[int]:
                return []
            return g
        """,
        {(3, "f.builtins")},
    ),
    (
        "param-except",
        """\
        def f(ValueError):
            try:
                pass
            except ValueError:
                pass
        """,
        {(4, "f.ValueError")},
    ),
    (
        "param-replaced-by-local-import",
        """\
        def f(thing):
            from .m import thing
            return thing
        """,
        {(2, "f.thing")},
    ),
    (
        "param-used-in-closure",
        """\
        from .r import encode
        def f(encode):
            def fetch():
                return encode(1)
            return fetch
        """,
        {(4, "f.encode")},
    ),
    (
        "param-generic-argument",
        "def f(str, body):\n    return validate_any(list[str], body)",
        {(2, "f.str")},
    ),
    (
        "param-qualified-generic-argument",
        """\
        import builtins
        def f(int):
            return g(builtins.dict[str, int])
        """,
        {(3, "f.int")},
    ),
    (
        "ok-item-of-a-local",
        "def f(items, str):\n    d = {}\n    return items[str], d[str]",
        set(),
    ),
    (
        "param-hidden-by-nested-function",
        """\
        def pages(self, position, limit):
            def fetch(position):
                return self.get(position=position, limit=limit)
            return fetch
        """,
        {(2, "pages.position")},
    ),
    (
        "ok-nested-function-not-reading-its-twin",
        """\
        def pages(self, position):
            def fetch(position):
                return self.get(cursor=None)
            return fetch(position)
        """,
        set(),
    ),
    ("ok-builtin-passed-as-value", 'def f(id, type):\n    return {"id": id, "t": type}', set()),
    ("ok-builtin-passed-positionally", "def f(type, id):\n    return g(type, id, next=id)", set()),
    ("ok-not-a-global", "def f(mock):\n    return mock.calls", set()),
    (
        "ok-global-not-shadowed",
        """\
        from .r import helper
        def f(x):
            return helper(x)
        """,
        set(),
    ),
    (
        "ok-comprehension-rebinds",
        "def f(str, items):\n    return [str.upper() for str in items] + [str]",
        set(),
    ),
    (
        "ok-lambda-rebinds",
        "def f(str, items):\n    return sorted(items, key=lambda str: str.lower()), str",
        set(),
    ),
    # ----------------------------------------------------------------- shadowed annotation
    (
        "field-default-own-annotation",
        """\
        class M:
            str: str | None = None
        """,
        {(2, "M.str")},
    ),
    (
        "field-default-then-later-annotation",
        """\
        class M:
            str: str | None = None
            x: str
        """,
        {(2, "M.str"), (3, "M.str")},
    ),
    (
        "field-annotation-before-runtime-binding",
        """\
        class M:
            x: str
            str: int = 0
        """,
        {(2, "M.str")},
    ),
    (
        "annotation-only-field-then-later-annotation",
        """\
        import datetime
        class M:
            datetime: datetime.datetime
            y: datetime.date
        """,
        {(4, "M.datetime")},
    ),
    (
        "method-then-return-annotation",
        """\
        class R:
            def list(self) -> None: ...
            def f(self) -> list[int]: ...
        """,
        {(3, "R.list")},
    ),
    (
        "field-then-class-level-expression",
        """\
        from typing import ClassVar
        class M:
            frozenset: int
            y: ClassVar[frozenset[int]] = frozenset({1})
        """,
        {(4, "M.frozenset")},
    ),
    (
        "string-annotation",
        """\
        class M:
            bool: int = 0
            x: "bool | None"
        """,
        {(3, "M.bool")},
    ),
    (
        "ok-literal-strings-are-values",
        """\
        from typing import Annotated, Literal
        class R:
            def next(self) -> None: ...
            def pages(self, direction: Literal["next", "prev"] = "next") -> None: ...
            x: Annotated[int, "next"] = 0
        """,
        set(),
    ),
    (
        "literal-base-and-annotated-type-still-read",
        """\
        from typing import Annotated
        class M:
            int: int = 0
            x: Annotated["int", "meta"] = 0
        """,
        {(3, "M.int"), (4, "M.int")},
    ),
    ("ok-annotation-only-own", "class M:\n    str: str", set()),
    ("ok-annotation-only-after", "class M:\n    x: str\n    str: str", set()),
    (
        "ok-method-signature-before-method",
        """\
        class R:
            def f(self) -> list[int]: ...
            def list(self) -> None: ...
        """,
        set(),
    ),
    (
        "ok-class-alias-of-a-method",
        """\
        class H:
            def _dispatch(self): ...
            do_GET = do_POST = _dispatch
        """,
        set(),
    ),
    (
        "ok-nested-class-as-type",
        """\
        class M:
            class Inner: ...
            x: Inner
        """,
        set(),
    ),
    (
        "ok-method-body-does-not-see-class-scope",
        """\
        class R:
            def list(self) -> None: ...
            def f(self) -> None:
                x: list[int] = list()
        """,
        set(),
    ),
    # -------------------------------------------------------------------- compile errors
    ("syntax-error", "def f(:\n    pass", {(1, "")}),
    ("return-outside-function", "x = 1\nreturn x", {(2, "")}),
    ("await-outside-async", "def f():\n    await g()", {(2, "")}),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rule(source: str, expected: set[tuple[int, str]]) -> None:
    found = check_source(textwrap.dedent(source), FILE)
    assert {(f.line, f.qualname) for f in found} == expected, "\n".join(map(str, found))
    assert all(f.file == FILE and f.message for f in found)


def test_messages_say_what_is_wrong() -> None:
    source = textwrap.dedent("""\
        from .r import validate_body
        class M:
            str: str | None = None
            x: str
        class M: pass
        def f(a, a): pass
        def g(validate_body):
            return validate_body(1)
        """)
    messages = [f.message for f in check_source(source, FILE)]
    assert messages == [
        "the annotation of field 'str' in class M reads 'str', which resolves to the class's "
        "own field 'str' (line 3), not to the global",
        "the annotation of field 'x' in class M reads 'str', which resolves to the class's own "
        "field 'str' (line 3), not to the global",
        "'M' is bound twice in the module: class on line 2, class here",
        "parameter 'a' appears twice in the signature of f()",
        "parameter 'validate_body' of g() shadows a module-level name that its body calls",
    ]


def test_compile_error_message() -> None:
    (finding,) = check_source("x = 1\nreturn x\n", FILE)
    assert str(finding) == "pkg/mod.py:2: does not compile: 'return' outside function"


def test_clean_files_and_non_python_pass() -> None:
    verify.verify({FILE: "x = 1\n", PurePosixPath("README.md"): "def f(a, a): pass\n"})


def test_error_lists_every_file_and_the_spec_pointer() -> None:
    files = {
        PurePosixPath("pkg/models/_m.py"): "class M:\n    str: str | None = None\n",
        PurePosixPath("pkg/resources/r.py"): "class R:\n    def get(self, a, a): pass\n",
        PurePosixPath("pkg/other.py"): "x = 1\nx = 2\n",
    }
    pointers = {
        (PurePosixPath("pkg/models/_m.py"), "M.str"): "#/components/schemas/M/properties/str",
        (PurePosixPath("pkg/models/_m.py"), "M"): "#/components/schemas/M",
        (PurePosixPath("pkg/resources/r.py"), "R.get"): "#/paths/~1r/get",  # the enclosing name
        (PurePosixPath("pkg/resources/r.py"), "get.a"): "#/wrong",  # another qualified name
    }
    with pytest.raises(VerifyError) as caught:
        verify.verify(files, pointers)
    assert str(caught.value).splitlines() == [
        "pkg/models/_m.py:2: M.str: the annotation of field 'str' in class M reads 'str', which "
        "resolves to the class's own field 'str' (line 2), not to the global (from the spec at "
        "#/components/schemas/M/properties/str)",
        "pkg/other.py:2: x: 'x' is bound twice in the module: assignment on line 1, "
        "assignment here",
        "pkg/resources/r.py:2: R.get.a: parameter 'a' appears twice in the signature of R.get() "
        "(from the spec at #/paths/~1r/get)",
    ]
    assert caught.value.findings[1] == Finding(
        PurePosixPath("pkg/other.py"),
        2,
        "x",
        "'x' is bound twice in the module: assignment on line 1, assignment here",
    )


def _spy_on_checks(monkeypatch: pytest.MonkeyPatch) -> list[PurePosixPath]:
    """The files verify() checks from now on, in order (they are still checked)."""
    checked: list[PurePosixPath] = []
    real = verify.check_source

    def spy(text: str, path: PurePosixPath) -> list[Finding]:
        checked.append(path)
        return real(text, path)

    monkeypatch.setattr(verify, "check_source", spy)
    return checked


def test_the_runtime_sources_verify_clean() -> None:
    # verify() skips runtime modules copied verbatim: this is where their source is checked
    sources = runtime_sources()
    assert len(sources) > 10
    for name, text in sources.items():
        assert check_source(text, PurePosixPath("pkg/_runtime") / name) == [], name


def test_only_a_verbatim_runtime_module_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDKGEN_NO_CACHE", "1")
    name, source = sorted(runtime_sources().items())[0]
    header = "# Generated by sdkgen from x.yaml. Do not edit."
    verbatim = PurePosixPath("pkg/_runtime") / name
    checked = _spy_on_checks(monkeypatch)
    verify.verify({verbatim: f"{header}\n{source}"})
    assert checked == []
    edited = f"{header}\n{source}\nx = 1\nx = 2\n"
    with pytest.raises(VerifyError, match="bound twice"):
        verify.verify({verbatim: edited})
    # a header that is not a comment line, or the same text outside _runtime/, is checked
    for files in (
        {verbatim: f"x = 1\n{source}"},
        {PurePosixPath("pkg/models") / name: f"{header}\n{source}"},
    ):
        checked.clear()
        verify.verify(files)
        assert checked == list(files)


def test_a_file_that_passed_is_not_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    clean = {PurePosixPath("pkg/cached_once.py"): "value = 'verify cache test'\n"}
    verify.verify(clean)
    broken = {PurePosixPath("pkg/broken.py"): "y = 1\ny = 2  # verify cache test\n"}
    with pytest.raises(VerifyError):
        verify.verify(broken)

    def refuse(text: str, path: PurePosixPath) -> list[Finding]:
        raise AssertionError(f"{path} was checked again")

    monkeypatch.setattr(verify, "check_source", refuse)
    verify.verify(clean)  # a hit: not checked
    with pytest.raises(AssertionError, match=r"broken\.py was checked again"):
        verify.verify(broken)  # a failure is never cached


def test_verify_cache_is_salted_with_the_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    files = {PurePosixPath("pkg/salted.py"): "value = 'salt test'\n"}
    verify.verify(files)
    checked = _spy_on_checks(monkeypatch)
    monkeypatch.setattr(verify, "generator_fingerprint", lambda: "another generator")
    verify.verify(files)
    assert checked == [PurePosixPath("pkg/salted.py")]


# ------------------------------------------------------------------------------------ pipeline

SPEC = """\
openapi: 3.1.0
info:
  title: Tiny
  version: 1.0.0
  x-sdk: {package: tiny, client: TinyClient}
servers:
  - url: https://{region}.tiny.example
    variables:
      region: {default: eu}
paths:
  /things/{thingId}:
    get:
      operationId: getThing
      x-sdk-name: things.get
      parameters:
        - {name: thingId, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: The thing.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {type: string}
"""


@pytest.fixture
def spec(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(SPEC, encoding="utf-8")
    return path


def test_spec_pointers_name_the_nodes_behind_generated_names(spec: Path) -> None:
    from generator.load import load_spec
    from generator.parse import parse

    loaded = load_spec(spec)
    pointers = pipeline.spec_pointers(parse(loaded))
    model = PurePosixPath("tiny/models/_thing.py")
    resource = PurePosixPath("tiny/resources/things.py")
    client = PurePosixPath("tiny/_client.py")
    assert pointers[(model, "Thing")] == "#/components/schemas/Thing"
    assert pointers[(model, "Thing.name")] == "#/components/schemas/Thing/properties/name"
    for cls in (
        "ThingsResource",
        "AsyncThingsResource",
        "ThingsResourceWithRawResponse",
        "AsyncThingsResourceWithRawResponse",
    ):
        assert pointers[(resource, f"{cls}.get")] == "#/paths/~1things~1{thingId}/get"
    assert pointers[(client, "TinyClient.__init__.region")] == "#/servers/0/variables/region"
    assert pointers[(client, "AsyncTinyClient")] == "#/info/x-sdk"


def test_generated_code_that_fails_verification_is_not_written(
    spec: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.ir import Api
    from generator.render import render

    def render_with_a_bug(api: Api) -> dict[PurePosixPath, str]:
        files = render(api)
        path = PurePosixPath("tiny/models/_thing.py")
        files[path] += "\n\nclass Thing:\n    pass\n"
        return files

    monkeypatch.setattr(pipeline, "render", render_with_a_bug)
    out = tmp_path / "out"
    for command in (["generate", str(spec), "-o", str(out)], ["check", str(spec), "-o", str(out)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 3, result.output
        assert "Traceback" not in result.stderr
        lines = result.stderr.splitlines()
        assert lines[0] == (
            f"internal error: the code generated from {spec} would not work (a bug in the "
            "generator, not in the spec); nothing was written:"
        )
        assert len(lines) == 2
        assert lines[1].startswith("  tiny/models/_thing.py:")
        assert lines[1].endswith(
            ": Thing: 'Thing' is bound twice in the module: class on line "
            f"{lines[1].split('line ')[1].split(',')[0]}, class here "
            "(from the spec at #/components/schemas/Thing)"
        )
    assert not out.exists()
