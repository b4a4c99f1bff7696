"""The generator's extensions are checked against their own JSON Schema (generator/extensions.py).

A spec that uses every extension generates; each edit below breaks one of them and must give exactly
the located problem shown (exit status 2), never a crash in the generator or in a generated client.
"""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest

from generator import extensions
from generator.errors import SpecError
from generator.load import load_spec
from generator.pipeline import build
from generator.validate import validate

ROOT = Path(__file__).resolve().parent.parent

SPEC = """\
openapi: 3.1.0
info:
  title: Every extension
  version: 1.0.0
  x-sdk: {package: every, client: EveryClient, distribution: every-sdk, version: 1.0.0}
servers:
  - url: https://{region}.example.com
    variables:
      region: {default: eu, x-sdk-env: EVERY_REGION, x-sdk-argument: region}
security:
  - basic: []
    jwt: []
    kind: []
paths:
  /accounts/{AccountSid}/things:
    post:
      operationId: createThing
      x-sdk-name: things.create
      x-sdk-idempotent: true
      parameters:
        - name: AccountSid
          in: path
          required: true
          schema: {type: string}
          x-sdk-client-default: {argument: account_sid, from-credential: username}
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema:
              type: object
              properties:
                Name: {type: string}
              x-sdk-indexed-pairs: {argument: parameters, name: 'P{n}.Name', value: 'P{n}.Value', max: 9}
      responses:
        '201': {description: Created.}
    get:
      operationId: listThings
      x-sdk-name: things.list
      x-pagination: {next: next, prev: prev, items: things}
      parameters:
        - {name: AccountSid, in: path, required: true, schema: {type: string}}
        - {name: next, in: query, schema: {type: string}}
        - {name: prev, in: query, schema: {type: string}}
      responses:
        '200':
          description: A page.
          content:
            application/json:
              schema:
                type: object
                x-inferred: true
                properties:
                  next: {type: string}
                  prev: {type: string}
                  things: {type: array, items: {type: string}}
components:
  securitySchemes:
    basic:
      type: http
      scheme: basic
      x-sdk-credentials:
        username: {argument: project_id, env: EVERY_PROJECT}
        password: {argument: api_token, env: EVERY_TOKEN, description: The token.}
    jwt:
      type: http
      scheme: bearer
      x-sdk-credentials:
        token: {argument: token, env: EVERY_JWT}
      x-sdk-jwt:
        secret: {argument: api_secret, env: EVERY_SECRET}
        claims: {server: true}
        ttl: 3600
    kind:
      type: apiKey
      in: header
      name: auth-kind
      x-sdk-constant: jwt
      x-curation-note: A constant header.
"""


def spec_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "every.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_spec_using_every_extension_generates(tmp_path: Path) -> None:
    api, files = build(spec_file(tmp_path, SPEC), formatted=False)
    assert api.package == "every" and api.distribution == "every-sdk"
    client = next(text for path, text in files.items() if path.name == "_client.py")
    assert "ttl=3600" in client and "'auth-kind', 'jwt'" in client


# (old text, new text) in SPEC → the one problem `validate` must report (line: pointer: message)
EDITS: list[tuple[str, str, str]] = [
    (
        "  x-sdk: {package: every,",
        "  x-sdk: pkg\n  x-other: {package: every,",
        "5: #/info/x-sdk: x-sdk: 'pkg' is not of type 'object'; expected "
        + extensions.EXPECTED["x-sdk"],
    ),
    (
        "distribution: every-sdk",
        "distribution: -every-",
        "5: #/info/x-sdk/distribution: x-sdk: '-every-': not a valid distribution name (PEP 508: "
        "ASCII letters and digits, with '.', '_' or '-' between them)",
    ),
    (
        "distribution: every-sdk",
        "distribution: 'every sdk'",
        "5: #/info/x-sdk/distribution: x-sdk: 'every sdk': not a valid distribution name (PEP 508: "
        "ASCII letters and digits, with '.', '_' or '-' between them)",
    ),
    (
        "package: every,",
        "package: every-pkg,",
        "5: #/info/x-sdk/package: x-sdk: 'every-pkg': not a Python package name (letters, digits "
        "and _, not starting with a digit, at most 100)",
    ),
    (
        "client: EveryClient,",
        "client: EveryClient, colour: blue,",
        "5: #/info/x-sdk: x-sdk: Additional properties are not allowed ('colour' was unexpected); "
        "expected " + extensions.EXPECTED["x-sdk"],
    ),
    (
        "      x-sdk-name: things.create",
        "      x-sdk-nam: things.create",
        "18: #/paths/~1accounts~1{AccountSid}~1things/post/x-sdk-nam: 'x-sdk-nam': unknown "
        "generator extension here (known here: x-curation-note, x-pagination, x-sdk-idempotent, "
        "x-sdk-name)",
    ),
    (
        "x-sdk-name: things.create",
        "x-sdk-name: create",
        "18: #/paths/~1accounts~1{AccountSid}~1things/post/x-sdk-name: x-sdk-name: 'create': "
        "x-sdk-name needs a resource and a method, 2 to 10 non-empty dotted names: 'calls.get'",
    ),
    (
        "x-sdk-name: things.create",
        "x-sdk-name: " + ".".join(["a"] * 3000),
        "18: #/paths/~1accounts~1{AccountSid}~1things/post/x-sdk-name: x-sdk-name: 'a.a.a.a.a.a.a.a."
        "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.…: x-sdk-name needs a resource "
        "and a method, 2 to 10 non-empty dotted names: 'calls.get'",
    ),
    (
        "x-sdk-idempotent: true",
        "x-sdk-idempotent: 'yes'",
        "19: #/paths/~1accounts~1{AccountSid}~1things/post/x-sdk-idempotent: x-sdk-idempotent: "
        "'yes' is not of type 'boolean'; expected true or false",
    ),
    (
        "x-pagination: {next: next, prev: prev, items: things}",
        "x-pagination: things",
        "39: #/paths/~1accounts~1{AccountSid}~1things/get/x-pagination: x-pagination: 'things' is "
        "not of type 'object'; expected " + extensions.EXPECTED["x-pagination"],
    ),
    (
        "x-pagination: {next: next, prev: prev, items: things}",
        "x-pagination: {next: 1, items: things}",
        "39: #/paths/~1accounts~1{AccountSid}~1things/get/x-pagination/next: x-pagination: 1 is "
        "not of type 'string'; expected " + extensions.EXPECTED["x-pagination"],
    ),
    (
        "from-credential: username}",
        "from-credential: secret}",
        "25: #/paths/~1accounts~1{AccountSid}~1things/post/parameters/0/x-sdk-client-default/"
        "from-credential: x-sdk-client-default: 'secret' is not one of ['username', 'password', "
        "'token']; expected " + extensions.EXPECTED["x-sdk-client-default"],
    ),
    (
        "x-sdk-client-default: {argument: account_sid, from-credential: username}",
        "x-sdk-client-default: account_sid",
        "25: #/paths/~1accounts~1{AccountSid}~1things/post/parameters/0/x-sdk-client-default: "
        "x-sdk-client-default: 'account_sid' is not of type 'object'; expected "
        + extensions.EXPECTED["x-sdk-client-default"],
    ),
    (
        "max: 9}",
        "max: ten}",
        "33: #/paths/~1accounts~1{AccountSid}~1things/post/requestBody/content/application~1x-www-"
        "form-urlencoded/schema/x-sdk-indexed-pairs/max: x-sdk-indexed-pairs: 'ten' is not of type "
        "'integer'; expected " + extensions.EXPECTED["x-sdk-indexed-pairs"],
    ),
    (
        "max: 9}",
        "max: -1}",
        "33: #/paths/~1accounts~1{AccountSid}~1things/post/requestBody/content/application~1x-www-"
        "form-urlencoded/schema/x-sdk-indexed-pairs/max: x-sdk-indexed-pairs: -1 is less than the "
        "minimum of 1; expected " + extensions.EXPECTED["x-sdk-indexed-pairs"],
    ),
    (
        "name: 'P{n}.Name'",
        "name: 'P.Name'",
        "33: #/paths/~1accounts~1{AccountSid}~1things/post/requestBody/content/application~1x-www-"
        "form-urlencoded/schema/x-sdk-indexed-pairs/name: x-sdk-indexed-pairs: 'P.Name': needs {n}, "
        "the pair's number",
    ),
    (
        "x-inferred: true",
        "x-inferred: 'no'",
        "51: #/paths/~1accounts~1{AccountSid}~1things/get/responses/200/content/application~1json/"
        "schema/x-inferred: x-inferred: 'no' is not of type 'boolean'; expected true or false",
    ),
    (
        "      x-sdk-credentials:\n        username:",
        "      x-sdk-credentials:\n        token: {argument: t}\n        username:",
        "62: #/components/securitySchemes/basic/x-sdk-credentials/token: x-sdk-credentials: "
        "'token': this scheme takes username and password only",
    ),
    (
        "env: EVERY_PROJECT}",
        "env: 'EVERY PROJECT'}",
        "62: #/components/securitySchemes/basic/x-sdk-credentials/username/env: x-sdk-credentials: "
        "'EVERY PROJECT' does not match '^[A-Za-z_][A-Za-z0-9_]*$'; expected "
        + extensions.EXPECTED["x-sdk-credentials"],
    ),
    (
        "        ttl: 3600",
        "        ttl: -5",
        "72: #/components/securitySchemes/jwt/x-sdk-jwt/ttl: x-sdk-jwt: -5 is less than the "
        "minimum of 300; expected " + extensions.EXPECTED["x-sdk-jwt"],
    ),
    (
        "        ttl: 3600",
        "        ttl: 1",
        "72: #/components/securitySchemes/jwt/x-sdk-jwt/ttl: x-sdk-jwt: 1 is less than the "
        "minimum of 300; expected " + extensions.EXPECTED["x-sdk-jwt"],
    ),
    (
        "        ttl: 3600",
        "        ttl: 3600.5",
        "72: #/components/securitySchemes/jwt/x-sdk-jwt/ttl: x-sdk-jwt: 3600.5 is not of type "
        "'integer'; expected " + extensions.EXPECTED["x-sdk-jwt"],
    ),
    (
        "claims: {server: true}",
        "claims: {server: true, exp: 1}",
        "71: #/components/securitySchemes/jwt/x-sdk-jwt/claims/exp: x-sdk-jwt: 'exp': iat and exp "
        "are set by the client for each token",
    ),
    (
        "claims: {server: true}",
        "claims: server",
        "71: #/components/securitySchemes/jwt/x-sdk-jwt/claims: x-sdk-jwt: 'server' is not of type "
        "'object'; expected " + extensions.EXPECTED["x-sdk-jwt"],
    ),
    (
        "      scheme: basic\n",
        "      scheme: basic\n      x-sdk-jwt: {ttl: 3600}\n",
        "61: #/components/securitySchemes/basic/x-sdk-jwt: x-sdk-jwt is read on http bearer "
        "security schemes only",
    ),
    (
        "      scheme: basic\n",
        "      scheme: basic\n      x-sdk-constant: x\n",
        "61: #/components/securitySchemes/basic/x-sdk-constant: x-sdk-constant is read on apiKey "
        "security schemes only",
    ),
    (
        "x-sdk-constant: jwt",
        'x-sdk-constant: "a\\r\\nb"',
        "77: #/components/securitySchemes/kind/x-sdk-constant: x-sdk-constant: 'a\\r\\nb': not a "
        "header-safe value (printable ASCII, no line breaks, no space at either end)",
    ),
    (
        "x-sdk-constant: jwt",
        "x-sdk-constant: {value: jwt}",
        "77: #/components/securitySchemes/kind/x-sdk-constant: x-sdk-constant: {'value': 'jwt'} is "
        "not of type 'string'; expected " + extensions.EXPECTED["x-sdk-constant"],
    ),
    (
        "x-sdk-env: EVERY_REGION",
        "x-sdk-env: 5",
        "9: #/servers/0/variables/region/x-sdk-env: x-sdk-env: 5 is not of type 'string'; "
        "expected " + extensions.EXPECTED["x-sdk-env"],
    ),
    (
        "x-sdk-argument: region}",
        "x-sdk-argument: ''}",
        "9: #/servers/0/variables/region/x-sdk-argument: x-sdk-argument: '' should be non-empty; "
        "expected " + extensions.EXPECTED["x-sdk-argument"],
    ),
    (
        "x-curation-note: A constant header.",
        "x-curation-note: [a, list]",
        "78: #/components/securitySchemes/kind/x-curation-note: x-curation-note: ['a', 'list'] is "
        "not of type 'string'; expected a string",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "problem"), EDITS, ids=lambda v: v if len(v) < 40 else v[:40]
)
def test_a_wrong_extension_value_is_a_located_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, old: str, new: str, problem: str
) -> None:
    assert SPEC.count(old) == 1, old
    monkeypatch.chdir(tmp_path)
    path = spec_file(tmp_path, SPEC.replace(old, new))
    with pytest.raises(SpecError) as caught:
        validate(load_spec(Path(path.name)))
    assert [str(p) for p in caught.value.problems] == [f"every.yaml:{problem}"]


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(extensions.SCHEMA)


def test_every_extension_the_parser_reads_is_in_the_schema_and_documented() -> None:
    read = set()
    for module in (ROOT / "generator").rglob("*.py"):
        read |= set(
            re.findall(r"""["'](x-(?:sdk[a-z-]*|pagination|inferred))["']""", module.read_text())
        )
    read.discard("x-sdk-")
    assert read <= set(extensions.EXPECTED), read - set(extensions.EXPECTED)
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    table = contributing.split("### Generator extensions")[1].split("##")[0]
    documented = set(re.findall(r"^\| (`x-[^|]*)\|", table, re.MULTILINE))
    names = {n.strip("` ") for cell in documented for n in cell.split(",")}
    assert names == set(extensions.EXPECTED)
