"""Broken specs: `validate` reports every problem as `file:line: #/pointer: message` and exits 2.

Each spec under tests/bad_specs/ has its exact expected problem lines below (file names as the spec's
path was given on the command line, here relative to the repo root, and fragments named from there). Multi-file cases keep their fragments in
tests/bad_specs/parts/. The CLI is driven in-process with click's CliRunner from the repo root (fast);
one test runs the real `python -m generator` once over every case and checks it prints the same.
A failed `generate` must leave the output directory exactly as it was.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from generator.cli import main

ROOT = Path(__file__).resolve().parent.parent
BAD = "tests/bad_specs"
MEDIA_SCHEMA = "#/paths/~1a/get/responses/200/content/application~1json/schema"

# spec file (in tests/bad_specs/) → the exact problem lines `validate` must print, in order.
CASES: dict[str, list[str]] = {
    # YAML itself
    "yaml_syntax.yaml": [
        f"{BAD}/yaml_syntax.yaml:9: #: invalid YAML: mapping values are not allowed in this context",
    ],
    "duplicate_key.yaml": [
        f"{BAD}/duplicate_key.yaml:12: #/paths/~1a/get: duplicate key 'get'",
    ],
    "tab_indent.yaml": [
        f"{BAD}/tab_indent.yaml:4: #: invalid YAML: while scanning a plain scalar "
        "found a tab character that violates indentation",
    ],
    "empty.yaml": [
        f"{BAD}/empty.yaml:1: #: file is empty",
    ],
    "not_mapping.yaml": [
        f"{BAD}/not_mapping.yaml:1: #: an OpenAPI document must be a mapping",
    ],
    "fragment_duplicate_key.yaml": [  # the problem is in the fragment, so its file and line
        f"{BAD}/parts/duplicate_path.yaml:4: #/a/get/operationId: duplicate key 'operationId'",
    ],
    # OpenAPI structure
    "missing_info_version.yaml": [
        f"{BAD}/missing_info_version.yaml:2: #/info: 'version' is a required property",
    ],
    "misspelled_keyword.yaml": [  # each at its own key
        f"{BAD}/misspelled_keyword.yaml:10: #/paths/~1a/get/responses/200: "
        "'description' is a required property",
        f"{BAD}/misspelled_keyword.yaml:11: #/paths/~1a/get/responses/200/descriptio: "
        "unknown field 'descriptio' (did you mean 'description'?)",
    ],
    "bad_type_in_fragment.yaml": [  # the line is the fragment's, the pointer the bundled document's
        f"{BAD}/parts/schemas.yaml:8: #/components/schemas/Thing/properties/name/type: "
        "unknown type 'strin': one of array, boolean, integer, null, number, object, string",
    ],
    # in the spec's terms, not the OpenAPI JSON Schema's (`'$ref' is a required property`)
    "schema_words_30.yaml": [
        f"{BAD}/schema_words_30.yaml:17: {MEDIA_SCHEMA}/properties/count/type: "
        "unknown type 'integr': one of array, boolean, integer, number, object, string",
        f"{BAD}/schema_words_30.yaml:18: {MEDIA_SCHEMA}/properties/kind/const: "
        "'const' is not allowed in an OpenAPI 3.0 schema (it is a 3.1 keyword)",
        f"{BAD}/schema_words_30.yaml:19: {MEDIA_SCHEMA}/properties/gone/type: "
        "OpenAPI 3.0 has no type 'null': use `nullable: true`",
        f"{BAD}/schema_words_30.yaml:20: {MEDIA_SCHEMA}/properties/size/minimun: "
        "unknown field 'minimun' (did you mean 'minimum'?)",
    ],
    "status_codes.yaml": [
        f"{BAD}/status_codes.yaml:10: #/paths/~1a/get/responses/2OO: "
        "'2OO' is not a status code: three digits from 100 to 599, 1XX to 5XX, or default",
        f"{BAD}/status_codes.yaml:12: #/paths/~1a/get/responses/600: "
        "'600' is not a status code: three digits from 100 to 599, 1XX to 5XX, or default",
        f"{BAD}/status_codes.yaml:22: #/paths/~1b/post/requestBody/content/application~1json/"
        "schema: expected an object or a boolean, found null",
    ],
    "repeated_items.yaml": [
        f"{BAD}/repeated_items.yaml:10: #/components/schemas/Thing/required/2: "
        '"id" is listed twice (first as item 0)',
    ],
    "swagger2.yaml": [
        f"{BAD}/swagger2.yaml:1: #/swagger: unsupported OpenAPI version '2.0': 3.0.x or 3.1.x wanted",
    ],
    "openapi_32.yaml": [
        f"{BAD}/openapi_32.yaml:1: #/openapi: unsupported OpenAPI version '3.2.0': 3.0.x or 3.1.x wanted",
    ],
    # references
    "ref_missing_schema.yaml": [
        f"{BAD}/ref_missing_schema.yaml:14: #/paths/~1a/get/responses/200/content/application~1json/"
        "schema: $ref '#/components/schemas/Nope' points to nothing",
    ],
    "ref_missing_file.yaml": [
        f"{BAD}/ref_missing_file.yaml:14: #/paths/~1a/get/responses/200/content/application~1json/"
        "schema: $ref 'parts/nowhere.yaml#/Thing': file not found",
    ],
    "ref_missing_in_fragment.yaml": [
        f"{BAD}/ref_missing_in_fragment.yaml:14: #/paths/~1a/get/responses/200/content/"
        "application~1json/schema: $ref 'parts/schemas.yaml#/Nope' points to nothing",
    ],
    # OpenAPI semantics
    "undeclared_path_param.yaml": [
        f"{BAD}/undeclared_path_param.yaml:7: #/paths/~1things~1{{thingId}}/get: "
        "path parameter {thingId} of '/things/{thingId}' is not declared for get",
    ],
    # each default at its own node: the same message at two places is two problems
    "bad_defaults.yaml": [
        f"{BAD}/bad_defaults.yaml:12: #/paths/~1a/get/parameters/0/schema/default: "
        "default does not match its schema: 'ten' is not of type 'integer'",
        f"{BAD}/bad_defaults.yaml:15: #/paths/~1a/get/parameters/1/schema/default: "
        "default does not match its schema: 'ten' is not of type 'integer'",
        f"{BAD}/bad_defaults.yaml:24: #/components/schemas/Page/properties/size/default: "
        "default does not match its schema: 'ten' is not of type 'integer'",
        f"{BAD}/bad_defaults.yaml:29: #/components/schemas/Page/properties/tags/default/1: "
        "default does not match its schema: 1 is not of type 'string'",
        f"{BAD}/bad_defaults.yaml:34: #/components/schemas/Sort/default: "
        "default does not match its schema: 'up' is not one of ['asc', 'desc']",
    ],
    # a dangling $ref, structure and semantics: every stage's problems in one run
    "every_stage.yaml": [
        f"{BAD}/every_stage.yaml:7: #/paths/~1things~1{{id}}/get: "
        "path parameter {id} of '/things/{id}' is not declared for get",
        f"{BAD}/every_stage.yaml:14: #/paths/~1things~1{{id}}/get/responses/200/content/"
        "application~1json/schema: $ref '#/components/schemas/Missing' points to nothing",
        f"{BAD}/every_stage.yaml:17: #/paths/~1others/get/operationId: "
        "operationId 'getThing' is already used by GET /things/{id}",
        f"{BAD}/every_stage.yaml:20: #/paths/~1others/get/parameters/1: "
        "parameter 'q' in query is declared twice (first at #/paths/~1others/get/parameters/0)",
        f"{BAD}/every_stage.yaml:21: #/paths/~1others/get/parameters/2: "
        "path parameter 'id' does not appear in '/others'",
        f"{BAD}/every_stage.yaml:27: #/paths/~1others/get/responses/200/content/application~1json/"
        "schema/type: unknown type 'integr': one of array, boolean, integer, number, object, string",
        f"{BAD}/every_stage.yaml:30: #/tags/1/name: tag 'things' is declared twice",
    ],
    # what the generator needs or supports
    "bad_version.yaml": [
        f"{BAD}/bad_version.yaml:4: #/info/version: '2010-04-01' is not a PEP 440 version "
        "pip can install: the package is 2010.4.1 (set info.x-sdk.version to choose)"
    ],
    "no_operation_id.yaml": [
        f"{BAD}/no_operation_id.yaml:7: #/paths/~1a/get: "
        "operation has no operationId: named 'get_a' from its method and path",
    ],
    "duplicate_sdk_name.yaml": [
        f"{BAD}/duplicate_sdk_name.yaml:14: #/paths/~1b/get: "
        "operations 'getA' and 'getB' both become things.get(): set x-sdk-name on one",
    ],
    "param_content.yaml": [
        f"{BAD}/param_content.yaml:12: #/paths/~1a/get/parameters/0/content: "
        "parameter content 'application/xml' is not supported",
    ],
    "xml_body.yaml": [
        f"{BAD}/xml_body.yaml:10: #/paths/~1files/post/requestBody/content: "
        "unsupported request content type(s) ['application/xml']: JSON, form, multipart, text and "
        "binary bodies are supported",
    ],
    "unsupported_scheme.yaml": [
        f"{BAD}/unsupported_scheme.yaml:16: #/components/securitySchemes/tls: "
        "security scheme type 'mutualTLS' is not supported: the client sends no credentials for it "
        "(pass them with default_headers)",
    ],
    # the signing extensions (x-sdk-user-tokens, x-sdk-webhook-signature): wrong types and misuse
    "bad_user_tokens.yaml": [
        f"{BAD}/bad_user_tokens.yaml:20: #/components/securitySchemes/jwt/x-sdk-user-tokens: "
        "unknown key(s) ['claims']: expected ['method']",
        f"{BAD}/bad_user_tokens.yaml:20: #/components/securitySchemes/jwt/x-sdk-user-tokens/method: "
        "42 is not a method name",
        f"{BAD}/bad_user_tokens.yaml:25: #/components/securitySchemes/key/x-sdk-user-tokens: "
        "x-sdk-user-tokens needs x-sdk-jwt on the same bearer scheme, and the scheme in the "
        "security requirement the client uses: the tokens are signed with its secret",
        f"{BAD}/bad_user_tokens.yaml:25: #/components/securitySchemes/key/x-sdk-user-tokens/method: "
        "'close' is reserved: the generated code uses it",
        f"{BAD}/bad_user_tokens.yaml:29: #/components/securitySchemes/other/x-sdk-user-tokens: "
        "x-sdk-user-tokens must be a mapping, not bool",
    ],
    "bad_webhook_signature.yaml": [
        f"{BAD}/bad_webhook_signature.yaml:7: #/info/x-sdk-webhook-signature/header: "
        "header must be the name of the HTTP header carrying the signature, not 'X Bad Header'",
        f"{BAD}/bad_webhook_signature.yaml:8: #/info/x-sdk-webhook-signature/validator: "
        "'not a class' is not a class name (e.g. 'NotAClass')",
        f"{BAD}/bad_webhook_signature.yaml:9: #/info/x-sdk-webhook-signature/method: "
        "a client method needs an algorithm that signs the body alone (hmac-sha256-hex); "
        "use validator for 'twilio'",
        f"{BAD}/bad_webhook_signature.yaml:10: #/info/x-sdk-webhook-signature/description: "
        "description must be a string, not list",
        f"{BAD}/bad_webhook_signature.yaml:11: #/info/x-sdk-webhook-signature/example-url: "
        "example-url must be an http(s) URL: 'ftp://example.com/cb'",
    ],
    "bad_webhook_secret.yaml": [
        f"{BAD}/bad_webhook_secret.yaml:6: #/info/x-sdk-webhook-signature: unknown key(s) "
        "['colour']: expected ['algorithm', 'description', 'example-url', 'header', 'method', "
        "'secret', 'validator']",
        f"{BAD}/bad_webhook_secret.yaml:9: #/info/x-sdk-webhook-signature/validator: "
        "BadClient is already a name the package exports",
        f"{BAD}/bad_webhook_secret.yaml:10: #/info/x-sdk-webhook-signature/method: "
        "client method things() is already taken",
        f"{BAD}/bad_webhook_secret.yaml:11: #/info/x-sdk-webhook-signature/secret: "
        "method needs secret: the client argument holding the key, one of ['password']",
    ],
    "bad_webhook_algorithm.yaml": [
        f"{BAD}/bad_webhook_algorithm.yaml:5: #/info/x-sdk-webhook-signature/algorithm: "
        "algorithm must be one of ['hmac-sha256-hex', 'twilio'], not 'hmac-md5'",
    ],
    # examples must match the schemas they illustrate (the README and the mock use them)
    "bad_examples.yaml": [
        f"{BAD}/bad_examples.yaml:12: #/paths/~1things~1{{id}}/parameters/0/example: "
        "example does not match its schema: 'seven' is not of type 'integer'",
        f"{BAD}/bad_examples.yaml:23: #/paths/~1things~1{{id}}/post/requestBody/content/"
        "application~1json/examples/wrong/value/size: "
        "example does not match its schema: 'big' is not of type 'integer'",
        f"{BAD}/bad_examples.yaml:30: #/paths/~1things~1{{id}}/post/responses/200/headers/X-Rate/"
        "example: example does not match its schema: -1 is less than the minimum of 0",
        f"{BAD}/bad_examples.yaml:34: #/paths/~1things~1{{id}}/post/responses/200/content/"
        "application~1json/example: example does not match its schema: 'name' is a required property",
        # a shared response is reported once, where it is written
        f"{BAD}/bad_examples.yaml:48: #/components/responses/NotFound/content/application~1json/"
        "example/code: example does not match its schema: '404' is not of type 'integer'",
        f"{BAD}/bad_examples.yaml:59: #/components/schemas/Thing/properties/seen_at/examples/0: "
        "example does not match its schema: 'yesterday' is not a 'date-time'",
    ],
    "bad_example_30.yaml": [  # 3.0's dialect: `nullable` allows the null, the float is refused
        f"{BAD}/bad_example_30.yaml:19: #/paths/~1a/get/responses/200/content/application~1json/"
        "example/count: example does not match its schema: 1.5 is not of type 'integer'",
    ],
    # several problems in one spec: all reported at once, sorted by file and line
    "many_problems.yaml": [
        f"{BAD}/many_problems.yaml:12: #/paths/~1a/get/parameters/0/content: "
        "parameter content 'application/xml' is not supported",
        f"{BAD}/many_problems.yaml:17: #/paths/~1b/get: "
        "operation has no operationId: named 'get_b' from its method and path",
        f"{BAD}/many_problems.yaml:26: #/paths/~1c/post/requestBody/content: "
        "unsupported request content type(s) ['application/xml']: JSON, form, multipart, text and "
        "binary bodies are supported",
    ],
    "many_files.yaml": [
        f"{BAD}/many_files.yaml:2: #/info: 'version' is a required property",
        f"{BAD}/many_files.yaml:9: #/paths/~1things/get/responses/200: "
        "'description' is a required property",
        f"{BAD}/many_files.yaml:10: #/paths/~1things/get/responses/200/descriptio: "
        "unknown field 'descriptio' (did you mean 'description'?)",
        f"{BAD}/parts/schemas.yaml:8: #/components/schemas/Thing/properties/name/type: "
        "unknown type 'strin': one of array, boolean, integer, null, number, object, string",
    ],
}

# What the generator cannot generate is skipped (or generated around) with a warning, unless --strict:
# spec → (warnings as printed, skipped operations, operations generated).
LENIENT = {
    "param_content.yaml": (1, ["getA (GET /a)"], 0),
    "xml_body.yaml": (1, ["upload (POST /files)"], 0),
    "unsupported_scheme.yaml": (1, [], 1),
    "no_operation_id.yaml": (1, [], 1),
    "bad_version.yaml": (1, [], 1),
    "many_problems.yaml": (3, ["getA (GET /a)", "postC (POST /c)"], 1),
}


@pytest.mark.parametrize("name", sorted(LENIENT))
def test_without_strict_unsupported_parts_are_skipped_with_located_warnings(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    warnings, skipped, kept = LENIENT[name]
    result = run_cli(["generate", "-o", str(tmp_path), f"{BAD}/{name}"], ROOT, monkeypatch)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    located = [line for line in lines if ": warning: " in line and line.startswith(BAD)]
    # the same problems --strict refuses, each at its node, now as warnings
    assert [line.replace(": warning: ", ": ") for line in located] == CASES[name][:warnings]
    assert [line.split("skipped ", 1)[1] for line in lines if ": warning: skipped " in line] == (
        skipped
    )
    summary = result.stdout.splitlines()[-1]
    assert f"{kept} operations" in summary
    assert (f"{len(skipped)} skipped" in summary) == bool(skipped)
    [package] = [p for p in tmp_path.iterdir() if p.is_dir()]
    for path in package.rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")


# A small valid spec, for the "a failed generate writes nothing" tests.
GOOD_SPEC = """\
openapi: 3.1.0
info:
  title: Tiny
  version: 1.2.3
  x-sdk: {package: tiny, client: TinyClient}
servers:
  - url: https://api.tiny.example/v1
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
      required: [id]
      properties:
        id: {type: string}
"""


def run_cli(args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, args)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def test_every_fixture_has_a_case() -> None:
    on_disk = {p.name for p in (ROOT / BAD).glob("*.yaml")}
    assert on_disk == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_validate_reports_exact_problems(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["validate", "--strict", f"{BAD}/{name}"], ROOT, monkeypatch)
    expected = CASES[name]
    assert result.stderr.splitlines() == [
        *expected,
        f"{len(expected)} problem(s); nothing was written",
    ]
    assert result.stdout == ""
    assert result.exit_code == 2


def test_missing_spec_file(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_cli(["validate", f"{BAD}/does_not_exist.yaml"], ROOT, monkeypatch)
    assert result.stderr.splitlines() == [
        f"{BAD}/does_not_exist.yaml:1: #: file not found",
        "1 problem(s); nothing was written",
    ]
    assert result.exit_code == 2


def test_paths_are_printed_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never by way of the working directory (`../../tmp/…`): an absolute path stays absolute, a
    relative one stays relative to where the user is, and fragments are named from the root's."""
    line = CASES["bad_type_in_fragment.yaml"][0].removeprefix(f"{BAD}/")
    given = ROOT / BAD / "bad_type_in_fragment.yaml"
    result = run_cli(["validate", str(given)], tmp_path, monkeypatch)
    assert result.stderr.splitlines()[0] == f"{ROOT / BAD}/{line}"
    result = run_cli(
        ["validate", "bad_specs/./bad_type_in_fragment.yaml"], ROOT / "tests", monkeypatch
    )
    assert result.stderr.splitlines()[0] == f"bad_specs/{line}"


def test_problems_of_several_specs_are_reported_together(monkeypatch: pytest.MonkeyPatch) -> None:
    names = ["no_operation_id.yaml", "param_content.yaml", "missing_info_version.yaml"]
    result = run_cli(["validate", "--strict", *(f"{BAD}/{n}" for n in names)], ROOT, monkeypatch)
    expected = sorted(line for n in names for line in CASES[n])
    assert result.stderr.splitlines()[:-1] == expected
    assert result.exit_code == 2


def test_real_cli_prints_what_the_runner_sees(monkeypatch: pytest.MonkeyPatch) -> None:
    """One real `python -m generator validate` over every case: same output, same status, no traceback."""
    args = ["validate", "--strict", *(f"{BAD}/{name}" for name in sorted(CASES))]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    real = subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in real.stderr, real.stderr
    runner = run_cli(args, ROOT, monkeypatch)
    assert (real.returncode, real.stdout, real.stderr) == (2, runner.stdout, runner.stderr)


# ------------------------------------------------------------------ a failed generate writes nothing


def snapshot(root: Path) -> dict[str, tuple[str, bytes | None, int]]:
    """Every entry under root: kind, bytes (files) and mtime in nanoseconds."""
    out: dict[str, tuple[str, bytes | None, int]] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file():
            out[rel] = ("file", path.read_bytes(), path.stat().st_mtime_ns)
        else:
            out[rel] = ("dir", None, path.stat().st_mtime_ns)
    return out


@pytest.fixture
def generated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A good spec in tmp_path and its package generated into tmp_path/out (mtimes set in the past)."""
    spec = tmp_path / "tiny.yaml"
    spec.write_text(GOOD_SPEC, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(["generate", str(spec), "-o", str(out)], ROOT, monkeypatch)
    assert result.exit_code == 0, result.output
    for path in out.rglob(
        "*"
    ):  # an old mtime makes any rewrite visible, whatever the clock resolution
        os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    os.utime(out, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    return spec, out


@pytest.mark.parametrize("bad", ["param_content.yaml", "yaml_syntax.yaml", "many_files.yaml"])
def test_failed_generate_leaves_output_unchanged(
    generated: tuple[Path, Path], bad: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec, out = generated
    before = snapshot(out.parent)
    result = run_cli(
        ["generate", "--strict", str(spec), f"{BAD}/{bad}", "-o", str(out)], ROOT, monkeypatch
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        *CASES[bad],
        f"{len(CASES[bad])} problem(s); nothing was written",
    ]
    assert result.stdout == ""
    assert snapshot(out.parent) == before


def test_failed_generate_into_a_new_directory_creates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "fresh"
    result = run_cli(
        ["generate", "--strict", f"{BAD}/unsupported_scheme.yaml", "-o", str(out)],
        ROOT,
        monkeypatch,
    )
    assert result.exit_code == 2
    assert not out.exists()
