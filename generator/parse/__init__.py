"""Parse stage: a validated, bundled spec → the `Api` intermediate model (pure; raises SpecError)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from packaging.version import InvalidVersion, Version

from generator import naming
from generator.errors import SpecError
from generator.ir import Api, ClientAttribute, Model, Operation
from generator.load import LoadedSpec
from generator.parse.client import auth, identity, server
from generator.parse.modules import alias_cycles, model_modules, resource_module
from generator.parse.operations import OperationParser, build_resources
from generator.parse.schemas import SchemaTranslator


def parse(spec: LoadedSpec) -> Api:
    data = spec.data
    translator = SchemaTranslator(spec, is_31=str(data.get("openapi", "")).startswith("3.1"))
    translator.declare_components()
    translator.translate_components()
    ops = OperationParser(translator)
    placed = ops.operations()
    _check_names(translator, placed)
    package, distribution, client_class = identity(spec.path, data)
    version = package_version(translator, data.get("info") or {})
    server_url, variables = server(translator)
    auth_parts = auth(translator)
    credentials = {}
    for part in auth_parts:
        for role, arg in zip(
            ("username", "password") if part.kind == "basic" else ("token",),
            part.args,
            strict=False,
        ):
            credentials[role] = arg.name
    attributes = tuple(
        ClientAttribute(name, credentials.get(source), doc)
        for name, (source, doc) in sorted(ops.client_defaults.items())
    )
    for cycle in alias_cycles(translator.definitions):  # Python cannot write these (see modules.py)
        first = translator.definitions[cycle[0]]
        translator.problem(
            ("components", "schemas", first.wire_name),
            f"{' -> '.join([*cycle, cycle[0]])}: a schema that contains itself only through "
            "arrays, maps or unions cannot be generated; let an object schema close the cycle",
        )
    if translator.problems:
        raise SpecError(translator.problems)
    response_roots: set[str] = set()
    for _, op in placed:
        response_roots |= op.response.models
    error_model = (
        max(sorted(ops.error_refs), key=lambda n: ops.error_refs[n]) if ops.error_refs else None
    )
    if error_model:
        response_roots.add(error_model)
    modules, where = model_modules(translator.definitions, response_roots)
    tags = {
        naming.method(str(t.get("name"))): str(t.get("description") or "").strip()
        for t in data.get("tags") or []
        if isinstance(t, Mapping)
    }
    resources = tuple(resource_module(r, where) for r in build_resources(placed, tags))
    info: Mapping[str, Any] = data.get("info") or {}
    return Api(
        source=spec.path.name,
        package=package,
        distribution=distribution,
        version=version,
        api_version=str(info.get("version") or ""),
        title=str(info.get("title") or package),
        description=str(info.get("description") or "").strip(),
        client_class=client_class,
        server_url=server_url,
        server_variables=variables,
        auth=auth_parts,
        client_attributes=attributes,
        error_model=error_model
        if isinstance(translator.definitions.get(error_model or ""), Model)
        else None,
        models=modules,
        resources=resources,
        notes=tuple(sorted(set(translator.notes))),
    )


def package_version(translator: SchemaTranslator, info: Mapping[str, Any]) -> str:
    """The distribution's version: pip accepts only PEP 440, so anything else is reported."""
    sdk = info.get("x-sdk") or {}
    raw = str(sdk.get("version") or info.get("version") or "0.0.0")
    try:
        return str(Version(raw))
    except InvalidVersion:
        where = ("info", "x-sdk", "version") if sdk.get("version") else ("info", "version")
        translator.problem(
            where, f"{raw!r} is not a PEP 440 version pip can install: set info.x-sdk.version"
        )
        return "0.0.0"


def _check_names(
    translator: SchemaTranslator, placed: list[tuple[tuple[str, ...], Operation]]
) -> None:
    """Two operations with one method name on one resource, or a method named like a sub-resource,
    would overwrite each other: report them instead of generating a broken client."""
    seen: dict[tuple[tuple[str, ...], str], str] = {}
    resources = {path[:i] for path, _ in placed for i in range(1, len(path) + 1)}
    for path, op in placed:
        if op.pagination:
            for extra in (op.pagination.pages_method, op.pagination.all_method):
                if (path, extra) in seen:
                    translator.problem(
                        ("paths",), f"{'.'.join(path)}.{extra}() is both a method and a pager"
                    )
                seen[(path, extra)] = op.operation_id
        key = (path, op.method_name)
        pointer = next(
            (
                ("paths", p, m)
                for p, item in (translator.spec.data.get("paths") or {}).items()
                for m, o in (item or {}).items()
                if isinstance(o, Mapping) and o.get("operationId") == op.operation_id
            ),
            ("paths",),
        )
        if key in seen:
            translator.problem(
                pointer,
                f"operations {seen[key]!r} and {op.operation_id!r} both become "
                f"{'.'.join(path)}.{op.method_name}(): set x-sdk-name on one",
            )
        seen[key] = op.operation_id
        if (*path, op.method_name) in resources:
            translator.problem(
                pointer, f"method {'.'.join(path)}.{op.method_name}() collides with a sub-resource"
            )
