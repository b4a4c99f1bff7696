"""Vendor mistakes in all three modes: `--strict` and the default refuse them like any problem (the
default says how many `--lenient` would generate around), `--lenient` prints each as a located
warning with its consequence and generates from the fixed document; an error still refuses.

Each spec under tests/mistake_specs/ has its exact lines below, as (location, message, consequence),
the consequence None for a problem that stays an error in every mode.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from generator.errors import Fix, Problem, SourcePos
from generator.load import LoadedSpec, bundle
from generator.pipeline import build
from generator.repair import repaired
from generator.validate import validate
from tests.test_bad_specs import ROOT, run_cli

DIR = "tests/mistake_specs"
THING = "#/components/schemas/Thing"
MEDIA = "#/paths/~1things/post/requestBody/content/application~1json"
Line = tuple[str, str, str | None]

CASES: dict[str, list[Line]] = {
    "defaults.yaml": [
        (
            "10: #/paths/~1things/get/parameters/0/schema/default",
            "default does not match its schema: 'ten' is not of type 'integer'",
            "default dropped",
        ),
        (
            f"22: {THING}/properties/order/default",
            "default does not match its schema: 'up' is not one of ['asc', 'desc']",
            "default dropped",
        ),
    ],
    "examples.yaml": [
        (
            f"13: {MEDIA}/examples/wrong/value/size",
            "example does not match its schema: 'big' is not of type 'integer'",
            "example not used",
        ),
        (
            "20: #/paths/~1things/post/responses/200/content/application~1json/example/size",
            "example does not match its schema: -1 is less than the minimum of 0",
            "example not used",
        ),
        (
            f"26: {THING}/properties/size/example",
            "example does not match its schema: 'seven' is not of type 'integer'",
            "example not used",
        ),
        (
            f"30: {THING}/properties/tags/examples/1",
            "example does not match its schema: 5 is not of type 'array'",
            "example not used",
        ),
    ],
    "required_twice.yaml": [
        (
            f"17: {THING}/required/2",
            '"id" is listed twice (first as item 0)',
            "repeated entry ignored",
        ),
    ],
    "operation_ids.yaml": [  # the first free suffix: getThing_2 is another operation's own id
        (
            "10: #/paths/~1things/post/operationId",
            "operationId 'getThing' is already used by GET /things",
            "operationId 'getThing' renamed 'getThing_3'",
        ),
        (
            "19: #/paths/~1others/post/operationId",
            "operationId 'getThing' is already used by GET /things",
            "operationId 'getThing' renamed 'getThing_4'",
        ),
    ],
    "keywords_31_in_30.yaml": [
        (
            f"18: {THING}/properties/kind/const",
            "'const' is not allowed in an OpenAPI 3.0 schema (it is a 3.1 keyword)",
            "keyword ignored",
        ),
        (
            f"19: {THING}/properties/count/exclusiveMinimum",
            "expected a boolean, found a number",
            "read as `exclusiveMinimum: true, minimum: 0`",
        ),
        (
            f"20: {THING}/properties/note/type",
            "expected a string, found an array",
            'read as `type: "string", nullable: true`',
        ),
        (
            f"20: {THING}/properties/note/type",
            "unknown type ['string', 'null']: one of array, boolean, integer, number, object, "
            "string",
            'read as `type: "string", nullable: true`',
        ),
        (
            f"21: {THING}/properties/both/type",
            "expected a string, found an array",
            'read as `anyOf: [{"type": "string"}, {"type": "integer"}]` without `type`',
        ),
        (
            f"21: {THING}/properties/both/type",
            "unknown type ['string', 'integer']: one of array, boolean, integer, number, object, "
            "string",
            'read as `anyOf: [{"type": "string"}, {"type": "integer"}]` without `type`',
        ),
    ],
    "keywords_30_in_31.yaml": [
        (
            f"18: {THING}/properties/count/exclusiveMinimum",
            "expected a number, found a boolean",
            "read as `exclusiveMinimum: 0` without `minimum`",
        ),
        (
            f"19: {THING}/properties/ratio/exclusiveMaximum",
            "expected a number, found a boolean",
            "`exclusiveMaximum` ignored",
        ),
    ],
    "null_type_30.yaml": [  # the 3.1 way to say nullable, in 3.0
        (
            f"22: {THING}/properties/meta/anyOf/2/type",
            "OpenAPI 3.0 has no type 'null': use `nullable: true`",
            "alternative dropped, read as `nullable: true` on the anyOf",
        ),
        (
            f"23: {THING}/properties/gone/type",
            "OpenAPI 3.0 has no type 'null': use `nullable: true`",
            "read as `nullable: true` without `type`",
        ),
    ],
    "empty_values.yaml": [  # `key:` with nothing after it
        (
            "7: #/paths/~1things/post/parameters",
            "expected an array, found null",
            "empty value ignored",
        ),
        (
            "11: #/paths/~1things/post/requestBody/content/application~1json/schema",
            "expected an object, found null",
            "empty value ignored",
        ),
    ],
    "unknown_fields.yaml": [
        (
            "7: #/paths/~1things/get/summmary",
            "unknown field 'summmary' (did you mean 'summary'?)",
            "field ignored",
        ),
        (
            "16: #/paths/~1things/get/responses/200/content/application~1json/schema/properties/"
            "size/minimun",
            "unknown field 'minimun' (did you mean 'minimum'?)",
            "field ignored",
        ),
    ],
    "declarations.yaml": [
        ("5: #/tags/1/name", "tag 'things' is declared twice", "second declaration ignored"),
        (
            "13: #/paths/~1things/get/parameters/1",
            "parameter 'q' in query is declared twice (first at #/paths/~1things/get/parameters/0)",
            "second declaration ignored",
        ),
        (
            "14: #/paths/~1things/get/parameters/2",
            "path parameter 'id' does not appear in '/things'",
            "parameter ignored",
        ),
        (
            "24: #/paths/~1things/get/responses/200/content/application~1json/schema/required/1",
            "required property 'nmae' is defined neither in properties nor in allOf",
            "requirement ignored",
        ),
    ],
    # a real error refuses in every mode; lenient mode still reports the mistakes beside it
    "with_an_error.yaml": [
        (
            "5: #/paths/~1things~1{id}/get",
            "path parameter {id} of '/things/{id}' is not declared for get",
            None,
        ),
        (
            "12: #/paths/~1things~1{id}/get/responses/200/content/application~1json/schema/default",
            "default does not match its schema: 'ten' is not of type 'integer'",
            "default dropped",
        ),
    ],
}


# Found only once lenient mode has fixed the first round's mistakes (examples are checked when
# the rest is sound), and still located as written although a parameter before it was dropped.
LATER: dict[str, list[Line]] = {
    "declarations.yaml": [
        (
            "15: #/paths/~1things/get/parameters/3/example",
            "example does not match its schema: 'x' is not of type 'integer'",
            "example not used",
        ),
    ],
}


def _problems(name: str) -> list[str]:
    return [f"{DIR}/{name}:{where}: {message}" for where, message, _ in CASES[name]]


def test_every_fixture_has_a_case() -> None:
    assert {p.name for p in (ROOT / DIR).glob("*.yaml")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_strict_refuses_every_mistake(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["validate", "--strict", f"{DIR}/{name}"], ROOT, monkeypatch)
    problems = _problems(name)
    assert result.stderr.splitlines() == [
        *problems,
        f"{len(problems)} problem(s); nothing was written",
    ]
    assert result.exit_code == 2


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_default_refuses_and_counts_what_lenient_would_fix(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli(["validate", f"{DIR}/{name}"], ROOT, monkeypatch)
    problems = _problems(name)
    fixable = sum(consequence is not None for *_, consequence in CASES[name])
    assert result.stderr.splitlines() == [
        *problems,
        f"{len(problems)} problem(s); nothing was written "
        f"(--lenient would generate around {fixable} of them)",
    ]
    assert result.exit_code == 2


@pytest.mark.parametrize("name", sorted(CASES))
def test_lenient_warns_with_the_consequence_and_generates(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    result = run_cli(
        ["generate", "--lenient", "-o", str(tmp_path), f"{DIR}/{name}"], ROOT, monkeypatch
    )
    found = sorted(
        [*CASES[name], *LATER.get(name, [])], key=lambda line: int(line[0].split(":")[0])
    )
    warnings = [
        f"{DIR}/{name}:{where}: warning: {message}; {consequence}"
        for where, message, consequence in found
        if consequence is not None
    ]
    errors = [f"{DIR}/{name}:{w}: {m}" for w, m, c in CASES[name] if c is None]
    lines = [line for line in result.stderr.splitlines() if ": note: " not in line]
    if errors:
        assert lines == [*warnings, *errors, f"{len(errors)} problem(s); nothing was written"]
        assert result.exit_code == 2
        assert not any(tmp_path.iterdir())
        return
    assert lines == warnings
    assert result.exit_code == 0, result.output
    summary = result.stdout.splitlines()[-1]
    assert re.search(rf", {len(warnings)} spec mistake\(s\) generated around, \d+ files", summary)
    [package] = [p for p in tmp_path.iterdir() if p.is_dir()]
    for path in package.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


def test_a_structural_error_beside_a_mistake_still_refuses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = "tests/bad_specs/misspelled_keyword.yaml"
    result = run_cli(["validate", "--lenient", name], ROOT, monkeypatch)
    assert result.stderr.splitlines() == [
        f"{name}:11: #/paths/~1a/get/responses/200/descriptio: warning: "
        "unknown field 'descriptio' (did you mean 'description'?); field ignored",
        f"{name}:10: #/paths/~1a/get/responses/200: 'description' is a required property",
        "1 problem(s); nothing was written",
    ]
    assert result.exit_code == 2


def _files(name: str) -> dict[str, str]:
    api, files = build(ROOT / DIR / name, lenient=True)
    assert api.warnings and all(w.severity == "mistake" for w in api.warnings)
    return {
        str(path).split("/", 1)[1] if "/" in str(path) else str(path): text
        for path, text in files.items()
    }


def _thing(name: str) -> dict[str, Any]:
    spec = validate(bundle(ROOT / DIR / name), lenient=True)
    return spec.data["components"]["schemas"]["Thing"]  # type: ignore[no-any-return]


def test_what_lenient_mode_generates_follows_each_fix() -> None:
    models = _files("defaults.yaml")["models/_thing.py"]
    assert "order: ThingOrder | None = None" in models  # no default 'up'
    assert "size: int | None = None" in models and "``3``" in models  # the good one stays
    resources = _files("operation_ids.yaml")["resources/default.py"]
    for method in ("get_thing", "get_thing_2", "get_thing_3", "get_thing_4"):
        assert f'RequestSpec("{"POST" if method[-1] in "34" else "GET"}"' in resources
        assert f"    def {method}(" in resources
    thing = _files("keywords_31_in_30.yaml")["models/_thing.py"]
    assert "note: str | None = None" in thing and "both: str | int | None = None" in thing
    thing = _files("null_type_30.yaml")["models/_thing.py"]
    assert "meta: str | int | None = None" in thing and "gone: Any = None" in thing
    readme = _files("examples.yaml")["README.md"]
    assert "big" not in readme and "seven" not in readme


def test_the_fixed_document_is_what_the_parse_stage_reads() -> None:
    assert _thing("keywords_31_in_30.yaml")["properties"] == {
        "kind": {"type": "string"},
        "count": {"type": "integer", "exclusiveMinimum": True, "minimum": 0},
        "note": {"type": "string", "nullable": True},
        "both": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    }
    assert _thing("keywords_30_in_31.yaml")["properties"] == {
        "count": {"type": "integer", "exclusiveMinimum": 0},
        "ratio": {"type": "number", "maximum": 1},
    }
    assert _thing("required_twice.yaml")["required"] == ["id", "name"]
    assert _thing("null_type_30.yaml")["properties"] == {
        "meta": {"anyOf": [{"type": "string"}, {"type": "integer"}], "nullable": True},
        "gone": {"description": "Always empty.", "nullable": True},
    }
    spec = validate(bundle(ROOT / DIR / "declarations.yaml"), lenient=True)
    assert spec.data["tags"] == [{"name": "things"}]
    operation = spec.data["paths"]["/things"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["q", "r"]
    assert "example" not in operation["parameters"][1]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["id"]
    spec = validate(bundle(ROOT / DIR / "examples.yaml"), lenient=True)
    media = spec.data["paths"]["/things"]["post"]["requestBody"]["content"]["application/json"]
    assert list(media["examples"]) == ["good"]
    assert "example" not in spec.data["components"]["schemas"]["Thing"]["properties"]["size"]


# --------------------------------------------------------------------------- repair.py


def _spec(data: dict[str, object]) -> LoadedSpec:
    return LoadedSpec(Path("s.yaml"), data, {}, ())


def _mistake(at: tuple[str | int, ...], action: str = "drop", value: object = None) -> Problem:
    fix = Fix(at, action, "done", value)  # type: ignore[arg-type]
    return Problem(SourcePos("s.yaml", 1), "#", "wrong", fix)


def test_repairs_copy_only_what_they_change_and_never_touch_the_original() -> None:
    shared = {"type": "integer", "default": "x"}
    untouched = {"type": "string"}
    data: dict[str, object] = {"a": {"b": shared, "c": untouched}, "d": shared}
    spec = repaired(_spec(data), [_mistake(("a", "b", "default"))])
    assert spec.data == {"a": {"b": {"type": "integer"}, "c": untouched}, "d": shared}
    assert shared == {"type": "integer", "default": "x"}  # the node reached from "d" too
    assert spec.data["a"]["c"] is untouched  # type: ignore[index]
    assert [w.message for w in spec.warnings] == ["wrong; done"]


def test_list_items_are_dropped_last_first_and_an_emptied_required_goes() -> None:
    data: dict[str, object] = {
        "s": {"required": ["a", "a", "b", "b"], "properties": {"required": {"default": 1}}},
        "t": {"required": ["x"], "enum": [1, 1]},
    }
    fixes = [
        _mistake(("s", "required", 1)),
        _mistake(("s", "required", 3)),
        _mistake(("s", "properties", "required", "default")),  # a property named `required`
        _mistake(("t", "required", 0)),
        _mistake(("t", "enum", 1)),
        _mistake(("t", "enum", 1)),  # the same fix twice is applied once
    ]
    spec = repaired(_spec(data), fixes)
    assert spec.data == {
        "s": {"required": ["a", "b"], "properties": {"required": {}}},
        "t": {"enum": [1]},
    }


def test_pointers_after_a_dropped_item_are_mapped_back_to_the_document_as_written() -> None:
    spec = _spec({"p": [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 3}, {"q": [5, 5, 6]}]})
    spec = repaired(spec, [_mistake(("p", 1)), _mistake(("p", 2)), _mistake(("p", 4, "q", 1))])
    assert spec.data == {"p": [{"n": 0}, {"n": 3}, {"q": [5, 6]}]}
    assert spec.as_written(("p", 1)) == ("p", 3)
    assert spec.as_written(("p", 2, "q", 1)) == ("p", 4, "q", 2)
    assert spec.as_written(("p", 0, "n")) == ("p", 0, "n")
    spec = repaired(spec, [_mistake(("p", 0))])  # a second round maps through both
    assert spec.as_written(("p", 0)) == ("p", 3)
    assert spec.problem(("p", 1, "q"), "x").pointer == "#/p/4/q"


def test_a_set_fix_replaces_the_value() -> None:
    data: dict[str, object] = {"paths": {"/a": {"get": {"operationId": "x"}}}}
    spec = repaired(_spec(data), [_mistake(("paths", "/a", "get", "operationId"), "set", "x_2")])
    assert spec.data == {"paths": {"/a": {"get": {"operationId": "x_2"}}}}


# --------------------------------------------------------------------------- the flag


def test_strict_and_lenient_exclude_each_other(monkeypatch: pytest.MonkeyPatch) -> None:
    for command in ("generate", "check", "validate"):
        result = run_cli(
            [command, "--strict", "--lenient", f"{DIR}/defaults.yaml"], ROOT, monkeypatch
        )
        assert result.exit_code == 2
        assert "--strict and --lenient exclude each other" in result.stderr


@pytest.mark.parametrize("command", ["generate", "check", "validate"])
def test_the_flag_is_documented_in_the_help(command: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli([command, "--help"], ROOT, monkeypatch)
    text = " ".join(result.output.split())  # click wraps the help text
    assert "--lenient For specs you do not own: generate around the vendor's mistakes" in text


def test_check_lenient_compares_with_what_generate_lenient_wrote(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec = f"{DIR}/operation_ids.yaml"
    assert (
        run_cli(["generate", "--lenient", "-o", str(tmp_path), spec], ROOT, monkeypatch).exit_code
        == 0
    )
    result = run_cli(["check", "--lenient", "-o", str(tmp_path), spec], ROOT, monkeypatch)
    assert result.exit_code == 0 and "generated code is up to date" in result.stdout
    refused = run_cli(["check", "-o", str(tmp_path), spec], ROOT, monkeypatch)
    assert refused.exit_code == 2
