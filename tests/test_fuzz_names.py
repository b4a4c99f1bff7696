"""Property-based: a spec full of hostile names still gives a package that works.

Hypothesis builds small OpenAPI 3.1 specs whose names (schemas, properties, path/query/header
parameters, request body fields, tags, `x-sdk-name` segments, server variables, operationIds,
security schemes, `info.x-sdk` package and client, paginated operations) are drawn from names that
collide with Python (keywords, soft keywords, builtins, dunders) or with what the generator itself
puts into the output (runtime and template names, the model base's attributes, pager and constructor
arguments), names equal after case folding, non-ASCII, leading digits, very long and empty-ish ones.

Each spec is generated in-process through the pipeline into a temporary directory, and the package
must compile, import every module (in a subprocess), resolve every model, construct its sync and
async clients and reach every operation from them, and pass `mypy --strict` and `ruff check`.
The generator may refuse a spec (a located SpecError) only for genuinely invalid input: a package
named like a stdlib module or a dependency (or, optionally, a client class named like a runtime
class), reported at that `info.x-sdk` entry.

Marked `fuzz_names`. The default profile (`make test`) runs a fixed, derandomized set of examples
without shrinking; `make fuzz` runs many more, random and shrunk (SDKGEN_FUZZ_PROFILE=fuzz,
SDKGEN_FUZZ_EXAMPLES=N).
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import json
import keyword
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from packaging.requirements import Requirement

from generator import naming
from generator.errors import SpecError
from generator.ir import Api, Resource
from generator.pipeline import build
from generator.verify import VerifyError
from generator.write import write_tree

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

settings.register_profile(
    "suite",
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples every run: a suite test must not flake
    database=None,
    # no shrinking in the suite: a failure prints its whole spec at once, and shrinking a slow
    # example can take minutes (`make fuzz` shrinks)
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile(
    "fuzz",
    max_examples=int(os.environ.get("SDKGEN_FUZZ_EXAMPLES", "200")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
PROFILE = settings.get_profile(os.environ.get("SDKGEN_FUZZ_PROFILE", "suite"))

# ------------------------------------------------------------------------------------ name pools


def _runtime_exports() -> frozenset[str]:
    tree = ast.parse((ROOT / "templates" / "runtime" / "__init__.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return frozenset(ast.literal_eval(node.value))
    raise AssertionError("templates/runtime/__init__.py has no __all__")


RUNTIME_EXPORTS = _runtime_exports()

# Names the templates, the runtime and the naming module put into generated modules: helpers method
# bodies call, locals, pager and constructor arguments, attributes of the model base and the enum base.
GENERATOR_NAMES = (
    "request_options",
    "build_path",
    "validate_body",
    "validate_any",
    "validate_value",
    "encode_params",
    "form_fields",
    "indexed_pairs",
    "NOT_GIVEN",
    "NotGiven",
    "ApiModel",
    "OpenEnum",
    "BaseModel",
    "Field",
    "ConfigDict",
    "ClassVar",
    "TypeAlias",
    "model_config",
    "model_fields",
    "model_dump",
    "model_validate",
    "to_wire",
    "is_known",
    "with_raw_response",
    "timeout",
    "base_url",
    "max_retries",
    "http_client",
    "default_headers",
    "retry",
    "start",
    "direction",
    "max_pages",
    "position",
    "page",
    "item",
    "body",
    "datetime",
    "date",
    "builtins",
    "typing",
    "importlib",
    "annotations",
    "Any",
    "Literal",
    "TYPE_CHECKING",
    "RequestSpec",
    "RequestOptions",
    "ApiResponse",
    "SyncPager",
    "AsyncPager",
    "Cursor",
    "Page",
    "Iterator",
    "AsyncIterator",
    "Mapping",
    "Sequence",
    "TypedDict",
    "Required",
    "NotRequired",
    "cached_property",
    "TracebackType",
    "httpx",
    "SERVER_URL",
    "setting",
    "optional_setting",
    "client",
    "close",
    "aclose",
    "token",
    "api_key",
    "api_secret",
    "_client",
    "_transport",
    "_spec",
    "_response",
    "_raw",
    "_fetch",
    "_error_model",
    "_LOCATIONS",
    "models",
    "resources",
    "errors",
)
PYTHON_NAMES = (
    *keyword.kwlist,
    *keyword.softkwlist,
    "type",
    "self",
    "cls",
    "str",
    "int",
    "float",
    "bool",
    "bytes",
    "list",
    "dict",
    "set",
    "tuple",
    "object",
    "id",
    "len",
    "next",
    "iter",
    "super",
    "property",
    "isinstance",
    "format",
    "filter",
    "hash",
    "range",
    "print",
    "vars",
    "Ellipsis",
    "Exception",
    "ValueError",
    "__init__",
    "__class__",
    "__dict__",
    "__all__",
    "__getattr__",
    "__name__",
    "__version__",
    "__slots__",
    "__non_nullable__",
)
ODD_NAMES = (
    "",
    "_",
    "__",
    "-",
    "$",
    "1st",
    "2fa",
    "123",
    "ñame",
    "名前",
    "Über",
    "two words",
    "x-trace",
    "a" * 120,
    "VeryLong" * 20,
    # equal after case folding or after snake_case
    "Name",
    "NAME",
    "name",
    "userId",
    "user_id",
    "UserID",
    "USER_ID",
    "Thing",
    "thing",
    "ID",
    "Id",
    "Items",
)
# A benign name first: Hypothesis shrinks towards the first element, so a shrunk example shows only
# the names that matter.
ALL_NAMES = tuple(
    dict.fromkeys(("value", *GENERATOR_NAMES, *PYTHON_NAMES, *sorted(RUNTIME_EXPORTS), *ODD_NAMES))
)

# OpenAPI restricts component keys (schemas, security schemes) to this.
_COMPONENT_KEY = re.compile(r"[A-Za-z0-9._-]+")


def _names(allowed: Any = None) -> st.SearchStrategy[str]:
    pool = [n for n in ALL_NAMES if allowed is None or allowed(n)]
    return st.sampled_from(pool)


component_key = _names(lambda n: bool(_COMPONENT_KEY.fullmatch(n)))
wire_name = _names(lambda n: n != "")
template_name = _names(lambda n: n != "" and not set(n) & set("{}/"))  # a {name} in a URL
segment = _names(lambda n: n.strip(" .") != "" and "." not in n)  # one part of x-sdk-name
any_name = _names()

PACKAGES = (
    "fuzz_pkg",
    "json",
    "typing",
    "types",
    "enum",
    "asyncio",
    "collections",
    "pydantic",
    "httpx",
    "anyio",
    "typing_extensions",
    "models",
    "_runtime",
    "str",
    "class",
    "Fuzz-Pkg",
    "1pkg",
    "-",
    "ñ",
)
CLIENTS = ("FuzzClient", *sorted(RUNTIME_EXPORTS), "BaseModel", "Field", "str", "class", "", "1st")

# ---------------------------------------------------------------------------------- the specs

MAIN = "#/components/schemas/<main>"  # replaced by the first schema: a self-reference
PROPERTY_TYPES: tuple[dict[str, Any], ...] = (
    {"type": "string"},
    {"$ref": MAIN},
    {"type": "array", "items": {"$ref": MAIN}},
    {"type": "integer"},
    {"type": "number"},
    {"type": "boolean"},
    {"type": "string", "format": "date-time"},
    {"type": "string", "format": "date"},
    {"type": "array", "items": {"type": "string"}},
    {"type": "object", "additionalProperties": {"type": "string"}},
    {"type": "string", "enum": ["a", "b"]},
    {"type": ["string", "null"]},
)


@dataclass(frozen=True)
class Names:
    """Every place a name can come from; an empty tuple keeps that place's benign default."""

    package: str = "fuzz_pkg"
    client: str = "FuzzClient"
    schemas: tuple[str, ...] = ()
    properties: tuple[tuple[str, int], ...] = ()  # (name, index into PROPERTY_TYPES)
    path_params: tuple[str, ...] = ()
    query_params: tuple[str, ...] = ()
    header_params: tuple[str, ...] = ()
    body_fields: tuple[str, ...] = ()
    body_query_params: tuple[str, ...] = ()  # query parameters next to the request body
    pager_params: tuple[str, ...] = ()  # extra query parameters of the paginated operation
    cursors: tuple[str, str] = ("next", "prev")
    items: str = "items"
    tags: tuple[str, ...] = ()
    sdk_name: tuple[str, ...] = ()  # x-sdk-name segments of the paginated operation
    server_variables: tuple[str, ...] = ()
    operation_ids: tuple[str, ...] = ()
    security_schemes: tuple[str, ...] = ()
    api_key_name: str = "X-Api-Key"


def spec_of(names: Names) -> dict[str, Any]:
    """A valid OpenAPI 3.1 document using `names` wherever it has a name."""
    schemas = list(dict.fromkeys(names.schemas)) or ["Item"]
    ref = {"$ref": f"#/components/schemas/{schemas[0]}"}
    props = dict(names.properties) or {"value": 0}
    main_properties = {
        p: json.loads(json.dumps(PROPERTY_TYPES[t]).replace(MAIN, ref["$ref"]))
        for p, t in props.items()
    }
    # The first schema carries the drawn properties; the others refer to it (a model per name).
    components: dict[str, Any] = {schemas[0]: {"type": "object", "properties": main_properties}}
    for name in schemas[1:]:
        components[name] = {
            "type": "object",
            "properties": {"label": {"type": "string"}, "main": ref},
        }
    ok = {"description": "ok", "content": {"application/json": {"schema": ref}}}
    op_ids = list(dict.fromkeys(names.operation_ids))
    op_ids += [f"op{n}" for n in range(5) if f"op{n}" not in op_ids]
    tags = list(names.tags) or ["things"]

    def param(name: str, where: str, schema: Mapping[str, Any] | None = None) -> dict[str, Any]:
        return {
            "name": name,
            "in": where,
            "required": where == "path",
            "schema": dict(schema or {"type": "string"}),
        }

    path_params = list(dict.fromkeys(names.path_params)) or ["thing_id"]
    template = "/things/" + "/".join("{" + p + "}" for p in path_params)
    get = {
        "operationId": op_ids[0],
        "tags": [tags[0]],
        "parameters": [
            *(param(p, "path") for p in path_params),
            *(param(p, "query", {"type": "integer"}) for p in dict.fromkeys(names.query_params)),
            *(param(p, "header") for p in dict.fromkeys(names.header_params)),
        ],
        "responses": {"200": ok},
    }
    body_fields = list(dict.fromkeys(names.body_fields)) or ["value"]
    body_properties: dict[str, Any] = {f: {"type": "string"} for f in body_fields}
    # A nested model, so the package has TypedDict twins keyed by the drawn property names.
    nested = body_fields[-1] if len(body_fields) > 1 else "nested"
    body_properties[nested] = {"$ref": f"#/components/schemas/{schemas[-1]}"}
    post = {
        "operationId": op_ids[1],
        "tags": [tags[min(1, len(tags) - 1)]],
        "parameters": [param(p, "query") for p in dict.fromkeys(names.body_query_params)],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "required": body_fields[:1],
                        "properties": body_properties,
                    }
                }
            },
        },
        "responses": {"200": ok},
    }
    # A text response (the method body passes `str` to the parser) taking the query parameters, and
    # a body that is not an object (one `body` argument) beside the body's query parameters.
    text = {
        "operationId": op_ids[3],
        "tags": [tags[0]],
        "parameters": [param(p, "query") for p in dict.fromkeys(names.query_params)],
        "responses": {
            "200": {
                "description": "text",
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        },
    }
    replace = {
        "operationId": op_ids[4],
        "tags": [tags[min(1, len(tags) - 1)]],
        "parameters": [param(p, "query") for p in dict.fromkeys(names.body_query_params)],
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "string"}}}
            },
        },
        "responses": {"204": {"description": "replaced"}},
    }
    next_, prev = names.cursors
    if next_ == prev:
        prev = f"{prev}_prev"
    items = names.items if names.items not in (next_, prev) else f"{names.items}_list"
    pager_params = [p for p in dict.fromkeys(names.pager_params) if p not in (next_, prev)]
    listing: dict[str, Any] = {
        "operationId": op_ids[2],
        "tags": [tags[-1]],
        "parameters": [
            param(next_, "query"),
            param(prev, "query"),
            *(param(p, "query", {"type": "integer"}) for p in pager_params),
        ],
        "x-pagination": {"next": next_, "prev": prev, "items": items},
        "responses": {
            "200": {
                "description": "a page",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": [items],
                            "properties": {
                                items: {"type": "array", "items": ref},
                                next_: {"type": "string"},
                                prev: {"type": "string"},
                            },
                        }
                    }
                },
            }
        },
    }
    if len(names.sdk_name) >= 2:
        listing["x-sdk-name"] = ".".join(names.sdk_name)
    variables = list(dict.fromkeys(names.server_variables))
    host = ".".join("{" + v + "}" for v in variables) or "api"
    schemes = list(dict.fromkeys(names.security_schemes)) or ["apiKey"]
    security_schemes: dict[str, Any] = {
        schemes[0]: {"type": "apiKey", "in": "header", "name": names.api_key_name},
        **{s: {"type": "http", "scheme": "bearer"} for s in schemes[1:2]},
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Fuzz",
            "version": "1.0.0",
            "x-sdk": {"package": names.package, "client": names.client},
        },
        "servers": [
            {
                "url": f"https://{host}.example",
                "variables": {v: {"default": "x"} for v in variables},
            }
        ],
        "security": [{s: [] for s in security_schemes}],
        "tags": [{"name": t} for t in dict.fromkeys(tags)],
        "paths": {
            template: {"get": get},
            "/things": {"post": post, "put": replace},
            "/notes": {"get": text},
            "/pages": {"get": listing},
        },
        "components": {"schemas": components, "securitySchemes": security_schemes},
    }


def _unique(strategy: st.SearchStrategy[str], most: int) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(strategy, max_size=most, unique=True).map(tuple)


names_strategy = st.builds(
    Names,
    package=st.sampled_from(PACKAGES),
    client=st.sampled_from(CLIENTS),
    schemas=_unique(component_key, 3),
    properties=st.lists(
        st.tuples(any_name, st.integers(0, len(PROPERTY_TYPES) - 1)),
        max_size=5,
        unique_by=lambda p: p[0],
    ).map(tuple),
    path_params=_unique(template_name, 2),
    query_params=_unique(wire_name, 3),
    header_params=_unique(wire_name, 2),
    body_fields=_unique(any_name, 3),
    body_query_params=_unique(wire_name, 2),
    pager_params=_unique(wire_name, 3),
    cursors=st.tuples(wire_name, wire_name),
    items=any_name,
    tags=_unique(any_name, 3),
    sdk_name=_unique(segment, 3),
    server_variables=_unique(template_name, 2),
    operation_ids=_unique(wire_name, 3),
    security_schemes=_unique(component_key, 2),
    api_key_name=wire_name,
)

# ------------------------------------------------------------------------------------ the checks


@functools.cache
def _dependency_modules() -> frozenset[str]:
    """Top-level modules of what a generated package installs with it (httpx, pydantic and theirs)."""
    wanted, seen = ["httpx", "pydantic"], set()
    while wanted:
        name = wanted.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            requires = importlib.metadata.requires(name) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for line in requires:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                wanted.append(req.name.lower().replace("_", "-"))
    modules = {
        module
        for module, dists in importlib.metadata.packages_distributions().items()
        if any(d.lower().replace("_", "-") in seen for d in dists)
    }
    return frozenset(modules)


def shadowed_module(package: str) -> bool:
    """True for an import name that would hide a stdlib module or a dependency's."""
    return package in sys.stdlib_module_names or package in _dependency_modules()


def _identity_key(raw: str) -> str:
    return raw.strip().lower().replace("-", "_")


def refusal_allowed(names: Names, error: SpecError) -> str | None:
    """None when refusing this spec is right; else why the refusal is wrong."""
    allowed: set[str] = set()

    # x-sdk.package and x-sdk.client are the spec author's own choice of Python names: one that is
    # not an ASCII identifier (or is too long) is refused where it is written (generator/extensions.py):
    # a package's name is also its distribution's, and PEP 508 names are ASCII.
    def not_a_name(raw: str) -> bool:
        return (
            not (raw.isascii() and raw.isidentifier()) or keyword.iskeyword(raw) or len(raw) > 100
        )

    if shadowed_module(_identity_key(names.package)) or not_a_name(names.package):
        allowed.add("#/info/x-sdk/package")
    # A client class (or its Async twin) named like something the generated modules import is
    # refused: the table of those names is naming.PACKAGE_CLASSES, which this test checks from the
    # other side (a name missing from it gives a broken package, which fails below).
    if (
        names.client in RUNTIME_EXPORTS
        or names.client in ("BaseModel", "ApiModel", "OpenEnum")
        or {names.client, f"Async{names.client}"} & naming.PACKAGE_CLASSES
        or not_a_name(names.client)
    ):
        allowed.add("#/info/x-sdk/client")
    # x-pagination names fields of the response: the extension's schema wants 1 to 100 characters
    fields = {"next": names.cursors[0], "prev": names.cursors[1], "items": names.items}
    for key, field in fields.items():
        if not 1 <= len(field) <= 100:
            allowed.add(f"#/paths/~1pages/get/x-pagination/{key}")
    wrong = [str(p) for p in error.problems if p.pointer not in allowed]
    return "refused a merely hostile name:\n" + "\n".join(wrong) if wrong else None


@dataclass(frozen=True)
class Outcome:
    # the first check that failed: refused, identity, internal, compile, verify, import, construct,
    # reach, mypy or ruff
    stage: str
    detail: str


def _expected_calls(api: Api) -> list[str]:
    """Dotted paths from a client to every method an operation gives it."""
    out: list[str] = []

    def walk(resource: Resource) -> None:
        base = ".".join(resource.path)
        for op in resource.operations:
            out.append(f"{base}.{op.method_name}")
            out.append(f"{base}.with_raw_response.{op.method_name}")
            if op.pagination:
                out.append(f"{base}.{op.pagination.pages_method}")
                out.append(f"{base}.{op.pagination.all_method}")
        for child in resource.children:
            walk(child)

    for module in api.resources:
        walk(module.root)
    return out


_PROBE = textwrap.dedent(
    """\
    import asyncio, importlib, inspect, json, pkgutil, sys, traceback, warnings
    root, package, client, calls = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    sys.path.insert(0, root)
    # pydantic only warns when a field hides an attribute of the model base (`to_wire`, …)
    warnings.filterwarnings("error", message=".*shadows an attribute", category=UserWarning)
    stage = "import"
    try:
        pkg = importlib.import_module(package)
        for info in pkgutil.walk_packages(pkg.__path__, package + "."):
            importlib.import_module(info.name)
        import pydantic
        models = importlib.import_module(package + ".models")
        for name in models.__all__:
            value = getattr(models, name)
            if isinstance(value, type) and issubclass(value, pydantic.BaseModel):
                value.model_rebuild(raise_errors=True)
        stage = "construct"
        fixed = {"self", "base_url", "timeout", "max_retries", "http_client", "default_headers", "retry"}
        clients = []
        for cls in (getattr(pkg, client), getattr(pkg, "Async" + client)):
            args = {p: "x" for p in inspect.signature(cls.__init__).parameters if p not in fixed}
            clients.append(cls(base_url="http://127.0.0.1:9", **args))
        stage = "reach"
        for made in clients:
            for call in calls:
                value = made
                for attribute in call.split("."):
                    value = getattr(value, attribute)
                if not callable(value):
                    raise TypeError(f"{type(made).__name__}.{call} is not callable")
        clients[0].close()
        asyncio.run(clients[1].aclose())
    except BaseException:
        print(json.dumps({"stage": stage, "detail": traceback.format_exc(limit=-3)}))
        sys.exit(1)
    """
)


def run_checks(names: Names, workdir: Path, *, mypy: bool = True) -> Outcome | None:
    """Generate `names`' spec under `workdir` and check the package; None when all is well."""
    spec_path = workdir / "fuzz.yaml"
    spec_path.write_text(yaml.safe_dump(spec_of(names), allow_unicode=True, sort_keys=False))
    try:
        api, files = build(spec_path)
    except SpecError as exc:
        why = refusal_allowed(names, exc)
        return Outcome("refused", why) if why else None
    except VerifyError as exc:
        compiled = all(
            "does not compile" in f.message or "does not parse" in f.message for f in exc.findings
        )
        return Outcome("compile" if compiled else "verify", str(exc))
    except Exception as exc:  # the generator crashed: as bad as a broken package
        return Outcome("internal", f"{type(exc).__name__}: {exc}")
    if shadowed_module(api.package):
        return Outcome("identity", f"accepted package name {api.package!r}, which hides a module")
    out = workdir / "out"
    write_tree(out / api.package, files)
    root = out / api.package
    for path, text in files.items():
        if path.suffix == ".py":
            try:
                compile(text, str(path), "exec", dont_inherit=True)
            except SyntaxError as exc:
                return Outcome("compile", f"{path}:{exc.lineno}: {exc.msg}")
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            _PROBE,
            str(root),
            api.package,
            api.client_class,
            json.dumps(_expected_calls(api)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=workdir,
    )
    if probe.returncode != 0:
        try:
            report = json.loads(probe.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            return Outcome("import", probe.stdout + probe.stderr)
        return Outcome(report["stage"], report["detail"])
    if mypy:
        # Every example is a package of one name, written within the same second: mypy would take
        # a module whose size and whole-second mtime match its cache entry for the cached one.
        # Without sqlite, the cache keeps files per module: the package's are removed before each
        # run, and what pydantic and httpx need stays cached.
        shutil.rmtree(_mypy_cache() / _PYTHON / api.package, ignore_errors=True)
        for stale in (_mypy_cache() / _PYTHON).glob(f"{api.package}.*"):
            stale.unlink()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "mypy",
                "--strict",
                "--no-error-summary",
                "--no-sqlite-cache",
                "--cache-dir",
                str(_mypy_cache()),
                api.package,
            ],
            capture_output=True,
            text=True,
            timeout=300,
            cwd=root,
        )
        if result.returncode != 0:
            return Outcome("mypy", result.stdout + result.stderr)
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "--no-cache", "--quiet", "."],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=root,
    )
    if result.returncode != 0:
        return Outcome("ruff", result.stdout + result.stderr)
    return None


_PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"


@functools.cache
def _mypy_cache() -> Path:
    # mypy's own cache, shared by every example and kept between runs (beside the one `make check`
    # uses), so pydantic and httpx are analysed once rather than per example.
    path = ROOT / ".mypy_cache" / "fuzz-names-json"
    path.mkdir(parents=True, exist_ok=True)
    return path


class CompileFailure(AssertionError): ...


class VerifyFailure(AssertionError): ...


class RefusedFailure(AssertionError): ...


class IdentityFailure(AssertionError): ...


class InternalFailure(AssertionError): ...


class ImportFailure(AssertionError): ...


class ConstructFailure(AssertionError): ...


class ReachFailure(AssertionError): ...


class MypyFailure(AssertionError): ...


class RuffFailure(AssertionError): ...


# One exception type per stage, so Hypothesis reports (and shrinks) each kind of failure on its own.
FAILURES: dict[str, type[AssertionError]] = {
    "compile": CompileFailure,
    "verify": VerifyFailure,
    "refused": RefusedFailure,
    "identity": IdentityFailure,
    "internal": InternalFailure,
    "import": ImportFailure,
    "construct": ConstructFailure,
    "reach": ReachFailure,
    "mypy": MypyFailure,
    "ruff": RuffFailure,
}


@pytest.mark.fuzz_names
@PROFILE
@given(names=names_strategy)
def test_hostile_names_give_a_working_package(
    names: Names, tmp_path_factory: pytest.TempPathFactory
) -> None:
    workdir = tmp_path_factory.mktemp("fuzz")
    outcome = run_checks(names, workdir)
    if outcome is not None:
        spec = yaml.safe_dump(spec_of(names), allow_unicode=True, sort_keys=False)
        raise FAILURES[outcome.stage](f"{outcome.stage}: {outcome.detail}\n--- spec ---\n{spec}")


@pytest.mark.fuzz_names
@settings(max_examples=6, deadline=None, derandomize=True, database=None)
@given(names=names_strategy)
def test_the_strategy_draws_valid_openapi(names: Names) -> None:
    """The drawn documents are valid OpenAPI 3.1 (run in the default suite): so a refusal in the
    test above is always about a name, never about the document around it."""
    from generator.errors import SpecError
    from generator.load import LoadedSpec
    from generator.validate import _validate

    try:
        _validate(LoadedSpec(Path("fuzz.yaml"), spec_of(names), {}, ()))
    except SpecError as exc:
        # the generator's own extensions hold Python names: a non-identifier is refused there
        assert refusal_allowed(names, exc) is None, exc
