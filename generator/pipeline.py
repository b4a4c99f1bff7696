"""The stages composed: spec path → (Api, formatted and verified files). Pure: reads the spec, writes
nothing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from generator.errors import format_pointer
from generator.fmt import format_files
from generator.ir import Api, Resource
from generator.load import LoadedSpec, load_spec
from generator.parse import parse
from generator.render import render
from generator.validate import validate
from generator.verify import verify


def build(spec_path: Path) -> tuple[Api, dict[PurePosixPath, str]]:
    """Raises SpecError for a bad spec, VerifyError (a generator bug) for generated code that would
    not work; in both cases before anything could be written."""
    spec = validate(load_spec(spec_path))
    api = parse(spec)
    files = format_files(render(api))
    verify(files, spec_pointers(api, spec))
    return api, files


def discover(specs_dir: Path) -> list[Path]:
    """Root specs are the YAML files directly in specs/; sub-folders hold the fragments they $ref."""
    return sorted(p for p in specs_dir.glob("*.y*ml") if p.is_file())


def spec_pointers(api: Api, spec: LoadedSpec) -> dict[tuple[PurePosixPath, str], str]:
    """(generated file, qualified name) → JSON pointer of the spec node it came from, so a verify
    finding names the node behind it.

    Interim: rebuilt here from the IR's names and the layout render() writes (model modules, the
    resource classes and their Async/WithRawResponse variants, the client). Once IR nodes carry
    their own spec pointers this becomes a plain walk over them.
    """
    data: Mapping[str, Any] = spec.data
    pkg = PurePosixPath(api.package)
    out: dict[tuple[PurePosixPath, str], str] = {}
    schemas = (data.get("components") or {}).get("schemas") or {}
    for module in api.models:
        path = pkg / "models" / f"{module.module}.py"
        for definition in module.definitions:
            schema = schemas.get(definition.wire_name)
            if not isinstance(schema, Mapping):
                continue  # an inline schema: its name is synthetic, not a components entry
            where = ("components", "schemas", definition.wire_name)
            out[(path, definition.name)] = format_pointer(where)
            properties = schema.get("properties") or {}
            for field in getattr(definition, "fields", ()):
                if field.wire_name in properties:
                    out[(path, f"{definition.name}.{field.name}")] = format_pointer(
                        (*where, "properties", field.wire_name)
                    )
    operations: dict[str, str] = {}
    for route, item in (data.get("paths") or {}).items():
        for method, op in (item or {}).items() if isinstance(item, Mapping) else ():
            if isinstance(op, Mapping) and isinstance(op.get("operationId"), str):
                operations[op["operationId"]] = format_pointer(("paths", route, method))

    def resource(path: PurePosixPath, node: Resource) -> None:
        for prefix in ("", "Async"):
            for suffix in ("", "WithRawResponse"):
                cls = f"{prefix}{node.class_name}{suffix}"
                for op in node.operations:
                    pointer = operations.get(op.operation_id)
                    if pointer is None:
                        continue
                    out[(path, f"{cls}.{op.method_name}")] = pointer
                    if op.pagination and not suffix:
                        out[(path, f"{cls}.{op.pagination.pages_method}")] = pointer
                        out[(path, f"{cls}.{op.pagination.all_method}")] = pointer
        for child in node.children:
            resource(path, child)

    for rmodule in api.resources:
        resource(pkg / "resources" / f"{rmodule.module}.py", rmodule.root)
    client = pkg / "_client.py"
    sdk = (data.get("info") or {}).get("x-sdk")
    for cls in (api.client_class, f"Async{api.client_class}"):
        if isinstance(sdk, Mapping):
            out[(client, cls)] = format_pointer(("info", "x-sdk"))
        for variable in api.server_variables:
            out[(client, f"{cls}.__init__.{variable.argument.name}")] = format_pointer(
                ("servers", 0, "variables", variable.wire_name)
            )
        for part in api.auth:
            scheme = format_pointer(("components", "securitySchemes", part.scheme))
            for arg in (*part.args, *((part.jwt_secret,) if part.jwt_secret else ())):
                out[(client, f"{cls}.__init__.{arg.name}")] = scheme
    return out
