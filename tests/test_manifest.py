"""The API manifest (api.json): what it records from the IR, its text, reading it back, its digests."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from generator import manifest, surface
from generator.load import load_spec
from generator.manifest import Manifest, ManifestError
from generator.parse import parse
from generator.pipeline import build
from generator.types import (
    ANY,
    DATETIME,
    FLOAT,
    INT,
    NONE,
    NOT_GIVEN,
    STR,
    ListOf,
    LiteralOf,
    MapOf,
    Ref,
    Tagged,
    Type,
    union,
)
from generator.validate import validate
from tests.golden_tool import cases

ROOT = Path(__file__).resolve().parent.parent
SPECS = [*(case / "spec.yaml" for case in cases()), ROOT / "specs" / "laml_streams.yaml"]


def surface_of(spec: Path) -> surface.Surface:
    return surface.surface(parse(validate(load_spec(spec))))


@pytest.fixture(scope="module")
def zoo() -> surface.Surface:
    return surface_of(ROOT / "tests" / "golden" / "json_api" / "spec.yaml")


@pytest.mark.parametrize(
    "spec", SPECS, ids=lambda p: p.parent.name if p.name == "spec.yaml" else p.name
)
def test_text_reads_back_to_the_same_manifest(spec: Path) -> None:
    m = Manifest("x.yaml", "1.2.3", "sha256:a", "sha256:b", surface_of(spec))
    text = manifest.dumps(m)
    assert manifest.loads(text, "api.json") == m
    assert manifest.dumps(manifest.loads(text, "api.json")) == text


def _keys_sorted(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    assert keys == sorted(keys), keys
    return dict(pairs)


def test_text_is_deterministic_json(zoo: surface.Surface) -> None:
    text = manifest.dumps(Manifest("x.yaml", "1.0.0", "sha256:a", "sha256:b", zoo))
    assert text.endswith("}\n") and "\r" not in text and "\t" not in text
    json.loads(text, object_pairs_hook=_keys_sorted)  # every object's keys sorted
    lines = text.splitlines()
    # one argument, field, enum's values a line: a change to one shows as one line of a diff
    assert any(
        line.strip().startswith('{"in": "query", "kind": "keyword", "name": "limit"')
        for line in lines
    )
    assert any(line.strip().startswith('"born_at": {"required": true') for line in lines)
    assert '      "values": {"VALUE_1": 1, "VALUE_2": 2, "VALUE_3": 3},' in lines


def test_what_the_zoo_manifest_records(zoo: surface.Surface) -> None:
    by_name = {a.name: a for a in zoo.arguments}
    # either JWT credential will do (a ready token, or the secret to mint one): neither is required
    assert not by_name["token"].required and not by_name["api_secret"].required
    assert by_name["api_key"].required and by_name["api_key"].env == "ZOO_API_KEY"
    assert [a.kind for a in zoo.auth] == ["jwt", "constant", "api_key"]
    assert {e.name: e.kind for e in zoo.extras} == {
        "check_signature": "webhook-check",
        "user_token": "user-tokens",
        "ZooSignature": "webhook-validator",
    }
    get = next(m for m in zoo.methods if m.key == "animals.get")
    assert [(a.name, a.positional, a.type) for a in get.arguments] == [
        ("zoo", True, STR),
        ("id", True, INT),
    ]
    assert (
        get.route == "GET /animals/{zoo}/{id}"
        and get.errors == (404,)
        and get.returns == Ref("Animal")
    )
    listing = next(m for m in zoo.methods if m.key == "animals.list")
    assert listing.pagination == surface.Pages("list_pages", "list_all", Ref("Animal"))
    # argument types are what they accept, without NotGiven (every optional argument takes it)
    assert all(
        NOT_GIVEN not in (a.type, *getattr(a.type, "members", ())) for a in listing.arguments
    )
    create = next(m for m in zoo.methods if m.key == "animals.create")
    assert create.body_model == "AnimalRequest" and create.status == 201
    animal = next(d for d in zoo.definitions if d.name == "Animal")
    assert isinstance(animal, surface.ModelDef)
    fields = {f.name: f for f in animal.fields}
    assert fields["born_at"] == surface.Field("born_at", "born_at", DATETIME, True)
    # a JSON number takes ints too
    assert fields["weight"].type == union([FLOAT, INT, NONE]) and not fields["weight"].required


def test_indexed_pairs_are_an_argument() -> None:
    s = surface_of(ROOT / "specs" / "laml_streams.yaml")
    create = next(m for m in s.methods if m.key == "calls.streams.create")
    pairs = create.arguments[-1]
    assert (pairs.name, pairs.wire, pairs.required, pairs.type) == (
        "parameters",
        "Parameter{n}.Name",
        False,
        MapOf(STR, abstract=True),
    )


TREES: list[Type] = [
    STR,
    NONE,
    ANY,
    DATETIME,
    FLOAT,
    NOT_GIVEN,
    Ref("Thing"),
    ListOf(ListOf(INT)),
    ListOf(Ref("X"), abstract=True),
    MapOf(STR),
    MapOf(Ref("X"), abstract=True),
    union([STR, INT, NONE]),
    LiteralOf(("a", 1, 1.5, True)),
    Tagged(("Cat", "Dog"), "pet_type", (("Cat", "Cat"), ("kitty", "Cat"), ("Dog", "Dog"))),
]


@pytest.mark.parametrize("tree", TREES, ids=repr)
def test_type_trees_round_trip(tree: Type) -> None:
    encoded = json.loads(json.dumps(manifest.tree_json(tree)))
    assert manifest.tree_from_json(encoded, "t") == tree
    assert json.dumps(manifest.tree_json(manifest.tree_from_json(encoded, "t"))) == json.dumps(
        encoded
    )


def _good() -> dict[str, Any]:
    _, files = build(ROOT / "tests" / "golden" / "form_body" / "spec.yaml")
    data: dict[str, Any] = json.loads(files[manifest.PATH])
    return data


def _set(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    if value is _DROP:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


_DROP = object()
FIRST_METHOD = ("methods", "jobs.create")

BAD: list[tuple[str, Any, str]] = [
    ("not JSON", "{", "api.json: not JSON"),
    ("someone else's JSON", {"name": "x"}, "api.json: format: not an sdkgen manifest of format 1"),
    ("a later format", ("format", 2), "api.json: format: not an sdkgen manifest of format 1"),
    ("a key missing", ("methods", _DROP), "api.json: methods: missing"),
    (
        "a wrong type",
        (*FIRST_METHOD, "status", "200"),
        "api.json: methods.jobs.create.status: an integer expected",
    ),
    (
        "a bool for an integer",
        (*FIRST_METHOD, "status", True),
        "methods.jobs.create.status: an integer expected",
    ),
    (
        "an unknown type name",
        (*FIRST_METHOD, "returns", "tree", "strr"),
        "methods.jobs.create.returns.tree: unknown type 'strr'",
    ),
    (
        "a malformed type node",
        (*FIRST_METHOD, "returns", "tree", {"ref": 1}),
        "methods.jobs.create.returns.tree: a string expected",
    ),
    (
        "a one-member union",
        (*FIRST_METHOD, "returns", "tree", {"union": ["str"]}),
        "a union has two members or more",
    ),
    (
        "a bad argument list",
        (*FIRST_METHOD, "arguments", {}),
        "methods.jobs.create.arguments: a list expected",
    ),
    (
        "an unreadable version",
        ("version", "one"),
        "api.json: version: 'one' is not a PEP 440 version",
    ),
    (
        "an unknown stream kind",
        (*FIRST_METHOD, "returns", "stream", "video"),
        "methods.jobs.create.returns.stream: unknown stream kind 'video'",
    ),
    (
        "a status that is not a code",
        (*FIRST_METHOD, "responses", {"2XX": {"tree": "str", "type": "str"}}),
        "methods.jobs.create.responses: '2XX' is not a status code",
    ),
    (
        "one status written twice",
        (
            *FIRST_METHOD,
            "responses",
            {"200": {"tree": "str", "type": "str"}, "0200": {"tree": "int", "type": "int"}},
        ),
        "methods.jobs.create.responses: status 200 is listed twice",
    ),
    (
        "a body without its kind",
        (*FIRST_METHOD, "body", {"files": [], "media_types": []}),
        "methods.jobs.create.body.kind: missing",
    ),
    (
        "scopes that are not strings",
        ("client", "security", [{"basic": [1]}]),
        "client.security[0].basic: a list of strings expected",
    ),
    (
        "bad error codes",
        (*FIRST_METHOD, "errors", ["404"]),
        "methods.jobs.create.errors: a list of status codes expected",
    ),
]


@pytest.mark.parametrize(
    ("damage", "message"), [(d, m) for _, d, m in BAD], ids=[n for n, _, _ in BAD]
)
def test_a_damaged_manifest_is_named_not_a_traceback(damage: Any, message: str) -> None:
    if isinstance(damage, str):
        text = damage
    elif isinstance(damage, dict):
        text = json.dumps(damage)
    else:
        text = json.dumps(_set(_good(), damage[:-1], damage[-1]))
    with pytest.raises(ManifestError) as caught:
        manifest.loads(text, "api.json")
    assert message in str(caught.value)


def test_the_good_manifest_of_the_damage_table_reads() -> None:
    data = _good()
    assert "jobs.create" in data["methods"]  # so every row above damages a real key
    manifest.loads(json.dumps(data), "api.json")


def test_digests_separate_code_and_runtime_and_leave_out_the_history() -> None:
    files = {
        PurePosixPath("pyproject.toml"): "a",
        PurePosixPath("pkg/_client.py"): "b",
        PurePosixPath("pkg/_runtime/_retry.py"): "c",
    }
    code, runtime = manifest.digests(files, "pkg")
    assert code.startswith("sha256:") and runtime.startswith("sha256:") and code != runtime
    with_history = {**files, manifest.PATH: "{}", manifest.CHANGELOG: "# Changelog"}
    assert manifest.digests(with_history, "pkg") == (code, runtime)
    runtime_edit = {**files, PurePosixPath("pkg/_runtime/_retry.py"): "c2"}
    assert manifest.digests(runtime_edit, "pkg") == (code, manifest.digests(runtime_edit, "pkg")[1])
    assert manifest.digests(runtime_edit, "pkg")[1] != runtime
    code_edit = {**files, PurePosixPath("pkg/_client.py"): "b2"}
    assert manifest.digests(code_edit, "pkg")[1] == runtime
    assert manifest.digests(code_edit, "pkg")[0] != code
    # a file's name counts, not only its bytes
    moved = {
        PurePosixPath("pkg/_moved.py") if k.name == "_client.py" else k: v for k, v in files.items()
    }
    assert manifest.digests(moved, "pkg")[0] != code
