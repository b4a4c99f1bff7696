"""generator.load: positions, bundling of multi-file specs, and JSON-typed YAML values."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from generator.errors import SpecError
from generator.load import LoadedSpec, load_spec

ROOT_SPEC = """\
openapi: 3.1.0
info:
  title: Tree
  version: "1"
paths:
  /nodes:
    $ref: 'parts/paths.yaml#/nodes'
  /nodes/{id}:
    get:
      operationId: getNode
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      responses:
        '200':
          description: One node.
          content:
            application/json:
              schema: {$ref: './parts/../parts/schemas.yaml#/Node'}
components:
  schemas:
    Node: {$ref: 'parts/schemas.yaml#/Node'}
    Local:
      type: object
      properties:
        node: {$ref: '#/components/schemas/Node'}
        note: {$ref: 'parts/schemas.yaml#/Meta', description: A sibling of $ref.}
"""
PATHS = """\
nodes:
  get:
    operationId: listNodes
    responses:
      '200':
        description: Nodes.
        content:
          application/json:
            schema:
              type: array
              items: {$ref: 'schemas.yaml#/Node'}
  post:
    operationId: createNode
    requestBody:
      content:
        application/json:
          schema: {$ref: 'schemas.yaml#/Meta'}
    responses:
      '204': {description: Created.}
"""
SCHEMAS = """\
Node:
  type: object
  properties:
    children:
      type: array
      items: {$ref: '#/Node'}
    meta: {$ref: '#/Meta'}
Meta:
  type: object
  properties:
    created: {type: string}
"""
META = {"type": "object", "properties": {"created": {"type": "string"}}}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LoadedSpec:
    write(
        tmp_path, {"spec.yaml": ROOT_SPEC, "parts/paths.yaml": PATHS, "parts/schemas.yaml": SCHEMAS}
    )
    monkeypatch.chdir(tmp_path)  # file names in positions are relative to the working directory
    return load_spec(Path("spec.yaml"))


def problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> list[str]:
    write(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError) as caught:
        load_spec(Path("spec.yaml"))
    return [str(p) for p in caught.value.problems]


def loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> dict[str, Any]:
    write(tmp_path, {"spec.yaml": text})
    monkeypatch.chdir(tmp_path)
    return load_spec(Path("spec.yaml")).data


# ------------------------------------------------------------------------------------------ positions


@pytest.mark.parametrize(
    ("pointer", "file", "line"),
    [
        ((), "spec.yaml", 1),
        (("openapi",), "spec.yaml", 1),
        (("info", "version"), "spec.yaml", 4),
        (("paths", "/nodes/{id}", "get", "operationId"), "spec.yaml", 10),
        (("paths", "/nodes/{id}", "get", "parameters", 0), "spec.yaml", 12),
        (("components", "schemas", "Local", "properties", "node"), "spec.yaml", 25),
        # nodes that came from fragments keep the fragment's file and line
        (("paths", "/nodes", "get", "operationId"), "parts/paths.yaml", 3),
        (("paths", "/nodes", "post", "responses", "204", "description"), "parts/paths.yaml", 19),
        (
            ("components", "schemas", "Node", "properties", "children", "items"),
            "parts/schemas.yaml",
            6,
        ),
        # an inlined (not indexed) schema: its lines are in the file it was written in
        (
            (
                "paths",
                "/nodes",
                "post",
                "requestBody",
                "content",
                "application/json",
                "schema",
                "properties",
                "created",
            ),
            "parts/schemas.yaml",
            11,
        ),
        # a pointer with no node of its own: the nearest ancestor's position
        (("paths", "/nodes", "get", "nothing", "here"), "parts/paths.yaml", 2),
    ],
)
def test_positions(tree: LoadedSpec, pointer: tuple[str | int, ...], file: str, line: int) -> None:
    pos = tree.locate(pointer)
    assert (pos.file, pos.line) == (file, line)


def test_problem_is_located(tree: LoadedSpec) -> None:
    problem = tree.problem(("paths", "/nodes", "get", "operationId"), "bad")
    assert str(problem) == "parts/paths.yaml:3: #/paths/~1nodes/get/operationId: bad"


def test_files_read(tree: LoadedSpec, tmp_path: Path) -> None:
    assert {p.relative_to(tmp_path.resolve()).as_posix() for p in tree.files} == {
        "spec.yaml",
        "parts/paths.yaml",
        "parts/schemas.yaml",
    }
    assert tree.path == Path("spec.yaml")


# ------------------------------------------------------------------------------------------- bundling


def test_indexed_component_refs_become_local(tree: LoadedSpec) -> None:
    data = tree.data
    node = {"$ref": "#/components/schemas/Node"}
    get = data["paths"]["/nodes"]["get"]
    assert get["responses"]["200"]["content"]["application/json"]["schema"]["items"] == node
    by_id = data["paths"]["/nodes/{id}"]["get"]
    assert by_id["responses"]["200"]["content"]["application/json"]["schema"] == node
    assert data["components"]["schemas"]["Local"]["properties"]["node"] == node


def test_index_entry_takes_the_target_content(tree: LoadedSpec) -> None:
    # recursion through an indexed component is fine: the inner ref is rewritten, not inlined
    assert tree.data["components"]["schemas"]["Node"] == {
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            "meta": META,  # not indexed: inlined
        },
    }


def test_other_external_refs_are_inlined(tree: LoadedSpec) -> None:
    data = tree.data
    assert "$ref" not in data["paths"]["/nodes"]  # a path item from a fragment
    assert data["paths"]["/nodes"]["get"]["operationId"] == "listNodes"
    body = data["paths"]["/nodes"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == META


def test_siblings_of_an_inlined_ref_are_kept(tree: LoadedSpec) -> None:
    assert tree.data["components"]["schemas"]["Local"]["properties"]["note"] == {
        **META,
        "description": "A sibling of $ref.",
    }


def test_bundle_has_no_external_refs(tree: LoadedSpec) -> None:
    def refs(node: Any) -> list[str]:
        if isinstance(node, dict):
            own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
            return own + [r for v in node.values() for r in refs(v)]
        if isinstance(node, list):
            return [r for v in node for r in refs(v)]
        return []

    assert refs(tree.data) and all(r.startswith("#/components/") for r in refs(tree.data))


LOOP = """\
Loop:
  type: object
  properties:
    next: {$ref: '#/Loop'}
A:
  type: object
  properties:
    b: {$ref: '#/B'}
B:
  type: object
  properties:
    a: {$ref: '#/A'}
"""


def spec_using(schema_ref: str, components: str = "") -> str:
    return (
        "openapi: 3.1.0\n"
        "info: {title: Loop, version: '1'}\n"
        "paths:\n"
        "  /loops:\n"
        "    get:\n"
        "      operationId: getLoop\n"
        "      responses:\n"
        "        '200':\n"
        "          description: A loop.\n"
        "          content:\n"
        "            application/json:\n"
        f"              schema: {{$ref: '{schema_ref}'}}\n" + components
    )


def test_recursion_through_an_indexed_component(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    components = "components:\n  schemas:\n    Loop: {$ref: 'parts/loop.yaml#/Loop'}\n"
    write(
        tmp_path,
        {"spec.yaml": spec_using("parts/loop.yaml#/Loop", components), "parts/loop.yaml": LOOP},
    )
    monkeypatch.chdir(tmp_path)
    data = load_spec(Path("spec.yaml")).data
    schema = data["paths"]["/loops"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert schema == {"$ref": "#/components/schemas/Loop"}
    assert data["components"]["schemas"]["Loop"] == {
        "type": "object",
        "properties": {"next": {"$ref": "#/components/schemas/Loop"}},
    }


def test_recursion_through_a_non_indexed_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = problems(
        tmp_path,
        monkeypatch,
        {"spec.yaml": spec_using("parts/loop.yaml#/Loop"), "parts/loop.yaml": LOOP},
    )
    assert found == [
        "parts/loop.yaml:4: #/paths/~1loops/get/responses/200/content/application~1json/schema/"
        "properties/next: $ref '#/Loop' is recursive: list its target in the root file's components"
    ]


def test_mutual_recursion_through_non_indexed_schemas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = problems(
        tmp_path,
        monkeypatch,
        {"spec.yaml": spec_using("parts/loop.yaml#/A"), "parts/loop.yaml": LOOP},
    )
    assert found == [
        "parts/loop.yaml:12: #/paths/~1loops/get/responses/200/content/application~1json/schema/"
        "properties/b/properties/a: $ref '#/A' is recursive: list its target in the root file's components"
    ]


def test_mutual_recursion_is_fine_once_one_side_is_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    components = "components:\n  schemas:\n    A: {$ref: 'parts/loop.yaml#/A'}\n"
    write(
        tmp_path,
        {"spec.yaml": spec_using("parts/loop.yaml#/A", components), "parts/loop.yaml": LOOP},
    )
    monkeypatch.chdir(tmp_path)
    data = load_spec(Path("spec.yaml")).data
    assert data["components"]["schemas"]["A"] == {
        "type": "object",
        "properties": {
            "b": {"type": "object", "properties": {"a": {"$ref": "#/components/schemas/A"}}}
        },
    }


def test_bad_refs_are_reported_at_the_ref(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fragment = """\
    Thing:
      type: object
      properties:
        gone: {$ref: 'missing.yaml#/X'}
        nowhere: {$ref: '#/Nope'}
        remote: {$ref: 'https://example.com/schemas.yaml#/Y'}
    """
    found = problems(
        tmp_path,
        monkeypatch,
        {"spec.yaml": spec_using("parts/thing.yaml#/Thing"), "parts/thing.yaml": fragment},
    )
    at = "#/paths/~1loops/get/responses/200/content/application~1json/schema/properties"
    assert found == [
        f"parts/thing.yaml:4: {at}/gone: $ref 'missing.yaml#/X': file not found",
        f"parts/thing.yaml:5: {at}/nowhere: $ref '#/Nope' points to nothing",
        f"parts/thing.yaml:6: {at}/remote: remote $ref 'https://example.com/schemas.yaml#/Y' "
        "is not supported",
    ]


def test_root_local_refs_are_left_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = loaded(
        tmp_path,
        monkeypatch,
        spec_using(
            "#/components/schemas/Thing",
            "components:\n  schemas:\n    Thing: {type: string}\n",
        ),
    )
    schema = data["paths"]["/loops"]["get"]["responses"]["200"]["content"]["application/json"][
        "schema"
    ]
    assert schema == {"$ref": "#/components/schemas/Thing"}


# -------------------------------------------------------------------------------------- YAML values


def test_timestamps_stay_strings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = loaded(
        tmp_path,
        monkeypatch,
        """\
        date: 2024-01-01
        datetime: 2024-01-01T10:00:00Z
        spaced: 2024-01-01 10:00:00
        list: [2024-01-01]
    """,
    )
    assert data == {
        "date": "2024-01-01",
        "datetime": "2024-01-01T10:00:00Z",
        "spaced": "2024-01-01 10:00:00",
        "list": ["2024-01-01"],
    }


def test_keys_are_strings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = loaded(
        tmp_path,
        monkeypatch,
        """\
        responses:
          200: {description: OK.}
          '404': {description: Missing.}
          true: yes-key
          null: null-key
          1.5: float-key
    """,
    )
    assert data == {
        "responses": {
            "200": {"description": "OK."},
            "404": {"description": "Missing."},
            "true": "yes-key",
            "null": "null-key",
            "1.5": "float-key",
        },
    }
    assert all(isinstance(k, str) for k in data["responses"])


def test_json_scalars_keep_their_types(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = loaded(
        tmp_path,
        monkeypatch,
        """\
        int: 10
        negative: -3
        float: 1.5
        exponent: 1.0e+3
        bool: true
        nothing: null
        tilde: ~
        string: '10'
    """,
    )
    assert data == {
        "int": 10,
        "negative": -3,
        "float": 1.5,
        "exponent": 1000.0,
        "bool": True,
        "nothing": None,
        "tilde": None,
        "string": "10",
    }
    assert type(data["int"]) is int and type(data["bool"]) is bool


@pytest.mark.parametrize(
    "scalar",
    ["1:30", "on", "no"],
)
def test_yaml_11_only_scalars_stay_strings(
    scalar: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader's implicit types are JSON's (as OpenAPI's YAML 1.2 / JSON schema rules): a YAML 1.1
    sexagesimal number (`1:30` → 90) or boolean word (`on` → True) is just a string."""
    data = loaded(tmp_path, monkeypatch, f"value: {scalar}\nlist: [{scalar}]\n")
    assert data == {"value": scalar, "list": [scalar]}


def test_duplicate_keys_and_nan_are_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = problems(
        tmp_path,
        monkeypatch,
        {
            "spec.yaml": """\
        openapi: 3.1.0
        info:
          title: A
          title: B
        x-number: .nan
    """
        },
    )
    assert found == [
        "spec.yaml:4: #/info/title: duplicate key 'title'",
        "spec.yaml:5: #/x-number: NaN is not a JSON value",
    ]


def test_merge_keys_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = problems(
        tmp_path,
        monkeypatch,
        {
            "spec.yaml": """\
        base: &base {a: 1}
        copy:
          <<: *base
          b: 2
    """
        },
    )
    assert found == ["spec.yaml:3: #/copy: YAML merge keys (<<) are not supported"]


def test_json_surrogate_pairs_are_characters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JSON spells a character beyond U+FFFF as a UTF-16 pair of escapes, which libyaml refuses
    alone; an escaped backslash before `u` is no escape, and a lone surrogate stays an error."""
    text = r'{"a": "Hello! \ud83d\udc4d", "b": "\\ud83d\\udc4d", "c": "\\\ud83d\udc4d"}'
    assert loaded(tmp_path, monkeypatch, text) == {
        "a": "Hello! \U0001f44d",
        "b": "\\ud83d\\udc4d",
        "c": "\\\U0001f44d",
    }
    found = problems(tmp_path, monkeypatch, {"spec.yaml": '{\n"a": "\\udc4d"\n}'})
    assert found == [
        "spec.yaml:2: #: invalid YAML: while parsing a quoted scalar "
        "found invalid Unicode character escape code"
    ]


# --------------------------------------------------------------------------------- JSON fast path

JSON_SPEC = """\
{
  "openapi": "3.1.0",
  "info": {"title": "J", "version": "1"},
  "paths": {
    "/a": {"get": {"operationId": "a", "responses": {"200": {"description": "ok",
      "content": {"application/json": {"schema": {"$ref": "parts/schemas.yaml#/Node"}}}}}}}
  },
  "components": {"schemas": {"Node": {"$ref": "parts/schemas.yaml#/Node"}}},
  "x-numbers": [1, -0, 1.5, 1e3, true, null, "2024-01-01"]
}
"""


def test_json_spec_read_fast_is_the_located_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import load

    write(tmp_path, {"spec.json": JSON_SPEC, "parts/schemas.yaml": SCHEMAS})
    monkeypatch.chdir(tmp_path)
    fast = load_spec(Path("spec.json"))
    located = load._bundle(Path("spec.json"), fast_json=False)
    assert fast.data == located.data
    assert [type(v) for v in fast.data["x-numbers"]] == [type(v) for v in located.data["x-numbers"]]
    assert not isinstance(located.positions, load._LazyPositions)
    assert isinstance(fast.positions, load._LazyPositions)  # nothing composed until asked
    assert fast.locate(("paths", "/a", "get")) == located.locate(("paths", "/a", "get"))
    assert dict(fast.positions) == dict(located.positions)


def test_json_spec_problems_are_located(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dup = '{\n  "openapi": "3.1.0",\n  "openapi": "3.1.0"\n}\n'
    write(tmp_path, {"spec.json": dup})
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SpecError) as caught:
        load_spec(Path("spec.json"))
    assert [str(p) for p in caught.value.problems] == [
        "spec.json:3: #/openapi: duplicate key 'openapi'"
    ]


def test_json_constants_python_accepts_take_the_located_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import load

    write(tmp_path, {"spec.json": '{"openapi": "3.1.0", "x": NaN}'})
    monkeypatch.chdir(tmp_path)
    fast = load_spec(Path("spec.json"))
    assert fast.data == load._bundle(Path("spec.json"), fast_json=False).data
    assert not isinstance(fast.positions, load._LazyPositions)
