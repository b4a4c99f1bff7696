"""Parse stage: a validated, bundled spec → the `Api` intermediate model (pure; raises SpecError).

The order is the order names are claimed in: the client class, the resource tree (classes,
attributes, methods), the schemas' classes, the client's constructor arguments; then the schemas and
operations are translated, the model modules laid out, and every IR node built once, complete.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from packaging.version import InvalidVersion, Version

from generator import naming
from generator.errors import Problem, SpecError
from generator.ir import (
    Api,
    Client,
    ClientAttribute,
    ClientResource,
    Model,
    ModelModule,
    Operation,
    ResourceModule,
    ServerVariable,
)
from generator.limits import fit_file_name
from generator.load import LoadedSpec
from generator.parse.client import ClientArgs, SecurityPlan, identity, security, server, signing
from generator.parse.modules import (
    finish_operation,
    model_modules,
    references,
    resource_module,
    sort_imports,
)
from generator.parse.operations import OperationDraft, OperationParser
from generator.parse.params import twins
from generator.parse.resources import Placement, ResourceTree
from generator.parse.samples import Samples
from generator.parse.schemas import ModelDraft, SchemaTranslator


def parse(spec: LoadedSpec, strict: bool = False) -> Api:
    """The package `spec` describes. What the generator cannot generate is skipped with a located
    warning (an operation, or a definition and what uses it); `strict` refuses the spec instead, as
    the project does for the specs it owns."""
    data = spec.data
    translator = SchemaTranslator(spec, is_31=str(data.get("openapi", "")).startswith("3.1"))
    package, distribution, client_class = identity(translator, spec.path)
    ops = OperationParser(translator)
    client_attributes = naming.client_attributes()
    tree = ResourceTree(translator, client_attributes)
    placed = tree.place(ops.deref, ops.body_groups)
    translator.declare_components()
    args = ClientArgs(translator)
    server_url, variables = server(args)
    plan = security(args, placed)
    ops.security = plan.overrides
    attribute_names = _client_attribute_names(ops, placed, args.scope, client_attributes)
    all_drafts = _drafts(translator, ops, placed, attribute_names)
    translator.translate_components()
    drafts, skipped = _without_blocked(translator, all_drafts)
    version = package_version(translator, data.get("info") or {})
    attributes = _client_values(ops, attribute_names, plan.parts)
    # The client's own methods that sign or verify locally; their names are the client's attributes.
    user_tokens, webhook, signing_imports = signing(
        translator,
        plan.parts,
        client_class,
        client_attributes.taken | (naming.CLIENT_ATTRIBUTES - naming.SIGNING_METHODS),
    )
    blocked = [p for found in translator.blocked.values() for p in found]
    _refuse_on_problems(translator, blocked, strict)
    # named after every class the spec has, and before the notes are collected
    params, widened = twins(translator, [draft for _, draft in drafts])
    drafts = [(placement, draft) for (placement, _), draft in zip(drafts, widened, strict=True)]
    errors = _most_used(ops.error_refs)
    roots: set[str] = {errors} if errors else set()
    roots = roots.union(*(draft.response_refs for _, draft in drafts))
    modules, where = model_modules(translator.definitions, roots, params)
    resources = _resources(tree, drafts, modules, data)
    error_model = (
        errors if isinstance(translator.definitions.get(errors or ""), ModelDraft) else None
    )
    info: Mapping[str, Any] = data.get("info") or {}
    client = _client(
        class_name=client_class,
        server_url=server_url,
        variables=variables,
        plan=plan,
        attributes=attributes,
        resources=resources,
        error_model=error_model,
        error_module=where[error_model] if error_model else None,
        signing_imports=signing_imports,
        info=info,
    )
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
        warnings=tuple(sorted(set(translator.warnings + blocked))),
        skipped=tuple(skipped),
    )


def _refuse_on_problems(translator: SchemaTranslator, blocked: list[Problem], strict: bool) -> None:
    """Spec errors always refuse; under `strict` so do warnings and what would be skipped."""
    problems = translator.problems + (translator.warnings + blocked if strict else [])
    if problems:
        raise SpecError(problems)


def _drafts(
    translator: SchemaTranslator,
    ops: OperationParser,
    placed: list[Placement],
    attribute_names: Mapping[str, str],
) -> list[tuple[Placement, OperationDraft]]:
    drafts = []
    for placement in placed:
        with translator.owner(f"op:{placement.operation_id}"):
            # one method per group of body media types: the operation's own, then `<method>_<kind>`
            for variant in range(1 + len(placement.variants)):
                drafts.append((placement, ops.operation(placement, attribute_names, variant)))
    return drafts


def _client(
    *,
    class_name: str,
    server_url: str,
    variables: tuple[ServerVariable, ...],
    plan: SecurityPlan,
    attributes: tuple[ClientAttribute, ...],
    resources: tuple[ResourceModule, ...],
    error_model: str | None,
    error_module: str | None,
    signing_imports: tuple[str, ...],
    info: Mapping[str, Any],
) -> Client:
    return Client(
        class_name=class_name,
        server_url=server_url,
        server_variables=variables,
        auth=plan.parts,
        attributes=attributes,
        resources=tuple(
            ClientResource(m.root.attribute, m.root.class_name, m.module, m.root.description)
            for m in resources
        ),
        error_model=error_model,
        error_module=error_module,
        imports=tuple(_client_imports(plan, variables, signing_imports)),
        resource_imports=_resource_imports(resources),
        pointer=("info", "x-sdk") if isinstance(info.get("x-sdk"), Mapping) else ("info",),
        per_call=plan.per_call,
        security=plan.default,
    )


def _most_used(counts: Mapping[str, int]) -> str | None:
    return max(sorted(counts), key=lambda n: counts[n]) if counts else None


def _client_values(
    ops: OperationParser, names: Mapping[str, str], auth_parts: tuple[Any, ...]
) -> tuple[ClientAttribute, ...]:
    credentials = {role: arg.name for part in auth_parts for role, arg in part.roles}
    return tuple(
        ClientAttribute(names[wanted], credentials.get(source), doc)
        for wanted, (source, doc) in sorted(ops.client_defaults.items())
    )


def _resources(
    tree: ResourceTree,
    drafts: list[tuple[Placement, OperationDraft]],
    modules: tuple[ModelModule, ...],
    data: Mapping[str, Any],
) -> tuple[ResourceModule, ...]:
    """The finished operations in their resources, one module per top-level resource."""
    classes = frozenset(d.name for m in modules for d in m.definitions if d.kind != "alias")
    samples = Samples(
        {d.name: d for m in modules for d in m.definitions},
        frozenset(p.model for m in modules for p in m.params),
    )
    operations: dict[tuple[str, ...], list[Operation]] = {}
    for placement, draft in drafts:
        finished = finish_operation(draft, classes, samples)
        operations.setdefault(placement.resource, []).append(finished)
    tags = {
        naming.method(str(t.get("name"))): str(t.get("description") or "").strip()
        for t in data.get("tags") or []
        if isinstance(t, Mapping)
    }
    files = naming.module_files()
    return tuple(
        resource_module(files.claim(fit_file_name(r.attribute)), r)
        for r in tree.build(operations, tags)
    )


def _without_blocked(
    translator: SchemaTranslator, drafts: list[tuple[Placement, OperationDraft]]
) -> tuple[list[tuple[Placement, OperationDraft]], list[str]]:
    """Drop the definitions the generator could not translate, every definition that uses one, and
    every operation that uses one or could not be translated itself."""
    definitions = translator.definitions
    users: dict[str, set[str]] = {}
    for name, definition in definitions.items():
        for used in references(definition):
            users.setdefault(used, set()).add(name)
    broken = {key[4:] for key in translator.blocked if key.startswith("def:")}
    todo = list(broken)
    while todo:
        for user in users.get(todo.pop(), ()):
            if user not in broken:
                broken.add(user)
                todo.append(user)
    for name in sorted(broken):
        definitions.pop(name, None)
    kept, skipped = [], []
    for placement, draft in drafts:
        if f"op:{draft.operation_id}" in translator.blocked or draft.all_refs & broken:
            entry = f"{draft.operation_id} ({draft.http_method} {draft.path})"
            skipped += [entry] if entry not in skipped else []  # once for all its methods
        else:
            kept.append((placement, draft))
    return kept, skipped


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
    plan: SecurityPlan, variables: tuple[Any, ...], extra: tuple[str, ...]
) -> list[str]:
    runtime = {
        "DEFAULT_MAX_RETRIES",
        "NOT_GIVEN",
        "AsyncApiClient",
        "NotGiven",
        "RetryConfig",
        "SyncApiClient",
    }
    parts = plan.parts
    for part in parts:
        runtime.update(part.runtime)
    config = set()
    if plan.per_call:
        # every credential optional; each call checks it has what its requirement needs
        runtime.add("SecuritySchemes")
        if any(part.args for part in parts):
            config.add("optional_setting")
    else:
        if len(parts) > 1:
            runtime.add("CompositeAuth")
        if not parts:
            runtime.add("NoAuth")
        # credentials resolved when the client is built; a JWT secret or OAuth client only
        # when no ready token is given
        if any(part.args for part in parts):
            config.add("setting")
        if any(part.kind in ("jwt", "oauth2") for part in parts):
            config.add("optional_setting")
    if any(v.argument.env or v.argument.default is not None for v in variables):
        config.add("setting")
    if variables:
        config.add("expand_server")
    lines = {
        "from __future__ import annotations",
        "from collections.abc import Mapping",
        "from functools import cached_property",
        "from types import TracebackType",
        "from typing import TYPE_CHECKING",
        f"from ._runtime import {', '.join(sorted(runtime))}",
    }
    if config:
        lines.add(f"from ._runtime._config import {', '.join(sorted(config))}")
    return sort_imports(lines | set(extra))


def _resource_imports(resources: tuple[ResourceModule, ...]) -> tuple[str, ...]:
    """The client module's imports for type checks only: httpx (a client imports it when it first
    sends, not with the package) and the resource classes (imported on first use)."""
    from generator.parse.modules import isort_names

    return (
        "import httpx",
        *([""] if resources else []),
        *(
            f"from .resources.{m.module} import "
            + ", ".join(isort_names([m.root.class_name, "Async" + m.root.class_name]))
            for m in sorted(resources, key=lambda m: m.module)
        ),
    )


def package_version(translator: SchemaTranslator, info: Mapping[str, Any]) -> str:
    """The distribution's version: pip accepts only PEP 440, so anything else is reported."""
    sdk = info.get("x-sdk") or {}
    raw = str(sdk.get("version") or info.get("version") or "0.0.0")
    try:
        return str(Version(raw))
    except InvalidVersion:
        pass
    if sdk.get("version"):  # the pin is the spec author's own choice: it must be right
        translator.problem(
            ("info", "x-sdk", "version"), f"{raw!r} is not a PEP 440 version pip can install"
        )
        return "0.0.0"
    # An API version such as a date (2023-08-16): its numbers make a version pip orders the same way.
    numbers = re.findall(r"\d+", raw)
    derived = ".".join(str(int(n)) for n in numbers[:4]) if numbers else "0.0.0"
    translator.warn(
        ("info", "version"),
        f"{raw!r} is not a PEP 440 version pip can install: the package is {derived} "
        "(set info.x-sdk.version to choose)",
    )
    return derived


__all__ = ["Model", "parse"]
