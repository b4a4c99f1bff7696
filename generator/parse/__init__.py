"""Parse stage: a validated, bundled spec → the `Api` intermediate model (pure; raises SpecError).

The order is the order names are claimed in: the client class, the resource tree (classes,
attributes, methods), the schemas' classes, the client's constructor arguments; then the schemas and
operations are translated, the model modules laid out, and every IR node built once, complete.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from packaging.version import InvalidVersion, Version

from generator import naming
from generator.errors import SpecError
from generator.ir import (
    Api,
    Client,
    ClientAttribute,
    ClientResource,
    Model,
    Operation,
    ResourceModule,
)
from generator.load import LoadedSpec
from generator.parse.client import ClientArgs, auth, identity, server, signing
from generator.parse.modules import finish_operation, model_modules, resource_module, sort_imports
from generator.parse.operations import OperationParser
from generator.parse.resources import Placement, ResourceTree
from generator.parse.schemas import ModelDraft, SchemaTranslator


def parse(spec: LoadedSpec) -> Api:
    data = spec.data
    translator = SchemaTranslator(spec, is_31=str(data.get("openapi", "")).startswith("3.1"))
    package, distribution, client_class = identity(translator, spec.path)
    ops = OperationParser(translator)
    client_attributes = naming.client_attributes()
    tree = ResourceTree(translator, client_attributes)
    placed = tree.place(ops.deref)
    translator.declare_components()
    args = ClientArgs(translator)
    server_url, variables = server(args)
    auth_parts = auth(args)
    attribute_names = _client_attribute_names(ops, placed, args.scope, client_attributes)
    translator.translate_components()
    drafts = [(p, ops.operation(p, attribute_names)) for p in placed]
    version = package_version(translator, data.get("info") or {})
    credentials = {role: arg.name for part in auth_parts for role, arg in part.roles}
    attributes = tuple(
        ClientAttribute(attribute_names[wanted], credentials.get(source), doc)
        for wanted, (source, doc) in sorted(ops.client_defaults.items())
    )
    # The client's own methods that sign or verify locally; their names are the client's attributes.
    user_tokens, webhook, signing_imports = signing(
        translator,
        auth_parts,
        client_class,
        client_attributes.taken | (naming.CLIENT_ATTRIBUTES - naming.SIGNING_METHODS),
    )
    if translator.problems:
        raise SpecError(translator.problems)
    response_roots: set[str] = set()
    for _, draft in drafts:
        response_roots |= draft.response_refs
    error_model = (
        max(sorted(ops.error_refs), key=lambda n: ops.error_refs[n]) if ops.error_refs else None
    )
    if error_model:
        response_roots.add(error_model)
    modules, where = model_modules(translator.definitions, response_roots)
    operations: dict[tuple[str, ...], list[Operation]] = {}
    classes = frozenset(d.name for m in modules for d in m.definitions if d.kind != "alias")
    for placement, draft in drafts:
        operations.setdefault(placement.resource, []).append(finish_operation(draft, classes))
    tags = {
        naming.method(str(t.get("name"))): str(t.get("description") or "").strip()
        for t in data.get("tags") or []
        if isinstance(t, Mapping)
    }
    files = naming.module_files()
    resources = tuple(
        resource_module(files.claim(naming.cap(r.attribute)), r)
        for r in tree.build(operations, tags)
    )
    if not isinstance(translator.definitions.get(error_model or ""), ModelDraft):
        error_model = None
    client = Client(
        class_name=client_class,
        server_url=server_url,
        server_variables=variables,
        auth=auth_parts,
        attributes=attributes,
        resources=tuple(
            ClientResource(m.root.attribute, m.root.class_name, m.module, m.root.description)
            for m in resources
        ),
        error_model=error_model,
        error_module=where[error_model] if error_model else None,
        imports=tuple(_client_imports(auth_parts, variables, signing_imports)),
        resource_imports=_resource_imports(resources),
    )
    info: Mapping[str, Any] = data.get("info") or {}
    return Api(
        source=spec.path.name,
        package=package,
        distribution=distribution,
        version=version,
        # info.x-sdk.version pins the version; otherwise generator/release.py bumps it on changes
        version_pinned=isinstance(info.get("x-sdk"), Mapping)
        and bool(info["x-sdk"].get("version")),
        api_version=str(info.get("version") or ""),
        title=str(info.get("title") or package),
        description=str(info.get("description") or "").strip(),
        client=client,
        models=modules,
        resources=resources,
        notes=tuple(sorted(set(translator.notes + args.notes()))),
        user_tokens=user_tokens,
        webhook=webhook,
    )


def _client_attribute_names(
    ops: OperationParser,
    placed: list[Placement],
    parameters: naming.Scope,
    attributes: naming.Scope,
) -> dict[str, str]:
    """Values the client holds for every call (x-sdk-client-default) are both a constructor argument
    and an attribute of the client: each gets one name free in both scopes."""
    wanted: list[str] = []
    for p in placed:
        for raw in (*p.shared, *(p.raw.get("parameters") or [])):
            param, _ = ops.deref(raw)
            default = param.get("x-sdk-client-default") if isinstance(param, Mapping) else None
            if isinstance(default, Mapping) and param.get("in") == "path":
                name = naming.argument(str(default.get("argument") or param.get("name")))
                if name not in wanted:
                    wanted.append(name)
    return {name: naming.claim_in((parameters, attributes), name) for name in wanted}


def _client_imports(
    auth_parts: tuple[Any, ...], variables: tuple[Any, ...], extra: tuple[str, ...]
) -> list[str]:
    runtime = {
        "DEFAULT_MAX_RETRIES",
        "DEFAULT_TIMEOUT",
        "AsyncApiClient",
        "RetryConfig",
        "SyncApiClient",
    }
    for part in auth_parts:
        runtime.update(part.runtime)
    if len(auth_parts) > 1:
        runtime.add("CompositeAuth")
    if not auth_parts:
        runtime.add("NoAuth")
    config = set()
    if any(part.args for part in auth_parts) or any(
        v.argument.env or v.argument.default is not None for v in variables
    ):
        config.add("setting")
    if variables:
        config.add("expand_server")
    if any(part.kind == "jwt" for part in auth_parts):
        config.add("optional_setting")
    lines = {
        "from __future__ import annotations",
        "from collections.abc import Mapping",
        "from functools import cached_property",
        "from types import TracebackType",
        "from typing import TYPE_CHECKING",
        "import httpx",
        f"from ._runtime import {', '.join(sorted(runtime))}",
    }
    if config:
        lines.add(f"from ._runtime._config import {', '.join(sorted(config))}")
    return sort_imports(lines | set(extra))


def _resource_imports(resources: tuple[ResourceModule, ...]) -> tuple[str, ...]:
    from generator.parse.modules import isort_names

    return tuple(
        f"from .resources.{m.module} import "
        + ", ".join(isort_names([m.root.class_name, "Async" + m.root.class_name]))
        for m in sorted(resources, key=lambda m: m.module)
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


__all__ = ["Model", "parse"]
