"""The API manifest (`api.json`): a package's public surface (`generator.surface`), committed with it.

Types are written twice: `type`, the canonical annotation rendered from the tree (for people reading
a diff), and `tree`, the tree itself as JSON (what `generator.apidiff` compares, so annotation text
is never parsed back). The manifest also records what the package's changes are measured against:
its version, and two digests of the generated files (the generated code, and the verbatim runtime),
so a regeneration can tell "the spec or the generator changed the package" from "nothing changed"
without the old files.

It lives at the distribution root, next to pyproject.toml and CHANGELOG.md, not inside the import
package: it describes the distribution, the generator reads it back before replacing the package,
and users' installs do not need it. The text is deterministic: sorted keys, two-space indentation,
one line per argument, field and enum, LF, a final newline. Reading it back checks every key it
uses, so a damaged file is named with the key at fault, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from packaging.version import InvalidVersion, Version

from generator import layout, types
from generator.surface import (
    AliasDef,
    Argument,
    Auth,
    BodyShape,
    ClientArgument,
    ClientAttribute,
    Definition,
    EnumDef,
    Extra,
    Field,
    Method,
    ModelDef,
    Pages,
    Requirements,
    Resource,
    Surface,
)
from generator.types import (
    ANY,
    BUILTIN_TYPES,
    NONE,
    AnyType,
    Builtin,
    Imported,
    ListOf,
    LiteralOf,
    MapOf,
    NoneType,
    Qualified,
    Ref,
    Tagged,
    Type,
    UnionOf,
)

FORMAT = 1
PATH = layout.MANIFEST
CHANGELOG = layout.CHANGELOG
GENERATOR = "sdkgen"


class ManifestError(Exception):
    """An api.json that this generator did not write, or cannot read: named, never a traceback."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Manifest:
    """What api.json records of a package: its source, version, digests and Python API."""

    source: str
    version: str
    code_digest: str
    runtime_digest: str
    surface: Surface


# ---------------------------------------------------------------------------------------- digests


def digests(files: Mapping[PurePosixPath, str], package: str) -> tuple[str, str]:
    """(generated code, runtime) digests of a package's files, leaving out the files that record
    its history (this manifest, the changelog)."""
    runtime_dir = PurePosixPath(package) / "_runtime"
    code, runtime = hashlib.sha256(), hashlib.sha256()
    for path in sorted(files):
        if path in (PATH, CHANGELOG):
            continue
        target = runtime if path.parent == runtime_dir else code
        target.update(path.as_posix().encode() + b"\0" + files[path].encode("utf-8") + b"\0")
    return "sha256:" + code.hexdigest(), "sha256:" + runtime.hexdigest()


# ------------------------------------------------------------------------------------- type trees


def tree_json(t: Type) -> Any:
    """A type tree as JSON: builtins, `None` and `Any` by name, every other node a one-key object."""
    if isinstance(t, Builtin):
        return t.name
    if isinstance(t, NoneType):
        return "None"
    if isinstance(t, AnyType):
        return "Any"
    if isinstance(t, Qualified):
        return {"qualified": [t.module, t.name]}
    if isinstance(t, Imported):
        return {"imported": [t.module, t.name]}
    if isinstance(t, Ref):
        return {"ref": t.name}
    if isinstance(t, ListOf):
        return {"sequence" if t.abstract else "list": tree_json(t.item)}
    if isinstance(t, MapOf):
        return {"mapping" if t.abstract else "map": tree_json(t.value)}
    if isinstance(t, UnionOf):
        return {"union": [tree_json(m) for m in t.members]}
    if isinstance(t, LiteralOf):
        return {"literal": list(t.values)}
    return {
        "tagged": {"prop": t.prop, "variants": list(t.variants), "tags": [list(p) for p in t.tags]}
    }


def tree_from_json(node: Any, where: str) -> Type:
    """The inverse of `tree_json`, refusing anything it would not have written."""
    if isinstance(node, str):
        return _named_tree(node, where)
    if not isinstance(node, dict) or len(node) != 1:
        raise ManifestError(where, "a type is a name or an object with one key")
    ((kind, value),) = node.items()
    read = _TREE_NODES.get(kind)
    if read is None:
        raise ManifestError(where, f"unknown type node {kind!r}")
    return read(kind, value, where)


def _named_tree(node: str, where: str) -> Type:
    if node == "None":
        return NONE
    if node == "Any":
        return ANY
    if node in BUILTIN_TYPES:
        return Builtin(node)
    raise ManifestError(where, f"unknown type {node!r}")


def _imported_tree(kind: str, value: Any, where: str) -> Type:
    if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
        raise ManifestError(where, f"{kind}: [module, name] expected")
    return Qualified(value[0], value[1]) if kind == "qualified" else Imported(value[0], value[1])


def _ref_tree(kind: str, value: Any, where: str) -> Type:
    return Ref(_text(value, where))


def _list_tree(kind: str, value: Any, where: str) -> Type:
    return ListOf(tree_from_json(value, where), abstract=kind == "sequence")


def _map_tree(kind: str, value: Any, where: str) -> Type:
    return MapOf(tree_from_json(value, where), abstract=kind == "mapping")


def _union_tree(kind: str, value: Any, where: str) -> Type:
    members = tuple(tree_from_json(m, where) for m in _list(value, where))
    if len(members) < 2:
        raise ManifestError(where, "a union has two members or more")
    return UnionOf(members)


def _literal_tree(kind: str, value: Any, where: str) -> Type:
    values = _list(value, where)
    if not values or not all(isinstance(v, (str, int, float, bool)) for v in values):
        raise ManifestError(where, "literal: a list of strings, numbers or booleans expected")
    return LiteralOf(tuple(values))


def _tagged_tree(kind: str, value: Any, where: str) -> Type:
    tagged = _object(value, where)
    tags = _list(tagged.get("tags"), where)
    if not all(
        isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in tags
    ):
        raise ManifestError(where, "tagged: tags are [tag, variant] pairs")
    return Tagged(
        tuple(_text(v, where) for v in _list(tagged.get("variants"), where)),
        _text(tagged.get("prop"), where),
        tuple((p[0], p[1]) for p in tags),
    )


# The one-key objects `tree_json` writes, by key: each reader gets the key, its value and where it is.
_TREE_NODES: dict[str, Callable[[str, Any, str], Type]] = {
    "qualified": _imported_tree,
    "imported": _imported_tree,
    "ref": _ref_tree,
    "list": _list_tree,
    "sequence": _list_tree,
    "map": _map_tree,
    "mapping": _map_tree,
    "union": _union_tree,
    "literal": _literal_tree,
    "tagged": _tagged_tree,
}


# ------------------------------------------------------------------------------------ JSON text


class _Line(dict[str, Any]):
    """A record written on one line: one argument, field, auth part… changes one line of a diff."""


def _typed(t: Type) -> dict[str, Any]:
    return {"type": types.annotation(t), "tree": tree_json(t)}


def to_json(manifest: Manifest) -> dict[str, Any]:
    s = manifest.surface
    return {
        "format": FORMAT,
        "generator": GENERATOR,
        "source": manifest.source,
        "package": s.package,
        "distribution": s.distribution,
        "version": manifest.version,
        "code_digest": manifest.code_digest,
        "runtime_digest": manifest.runtime_digest,
        "client": {
            "class": s.client,
            "server": s.server,
            "arguments": {
                a.name: _Line(env=a.env, required=a.required, secret=a.secret, default=a.default)
                for a in s.arguments
            },
            "attributes": {a.name: _Line(default_from=a.default_from) for a in s.attributes},
            "auth": [_Line(kind=a.kind, scheme=a.scheme, **dict(a.details)) for a in s.auth],
            "error_model": s.error_model,
            "security": _security_json(s.security),
            "extras": {e.name: _Line(kind=e.kind, **dict(e.details)) for e in s.extras},
        },
        "resources": {
            r.key: _Line({"class": r.class_name, "module": r.module}) for r in s.resources
        },
        "methods": {m.key: _method_json(m) for m in s.methods},
        "models": {
            d.name: {
                "wire": d.wire,
                "module": d.module,
                "extra": _Line(_typed(d.extra)) if d.extra is not None else None,
                "fields": {
                    f.name: _Line(wire=f.wire, required=f.required, **_typed(f.type))
                    for f in d.fields
                },
            }
            for d in s.definitions
            if isinstance(d, ModelDef)
        },
        "enums": {
            d.name: {
                "wire": d.wire,
                "module": d.module,
                "base": d.base,
                "literal": d.literal,
                "values": dict(d.values),
            }
            for d in s.definitions
            if isinstance(d, EnumDef)
        },
        "aliases": {
            d.name: _Line(wire=d.wire, module=d.module, **_typed(d.type))
            for d in s.definitions
            if isinstance(d, AliasDef)
        },
    }


def _security_json(reqs: Requirements) -> list[Any]:
    return [_Line({name: list(scopes) for name, scopes in alternative}) for alternative in reqs]


STREAMS = {"bytes": "BinaryStream", "events": "EventStream"}


def returns_text(m: Method) -> str:
    """The return annotation as a sync method writes it (streams wrap the event type)."""
    if m.stream == "bytes":
        return STREAMS["bytes"]
    if m.stream == "events":
        return f"{STREAMS['events']}[{types.annotation(m.returns)}]"
    return types.annotation(m.returns)


def _method_json(m: Method) -> dict[str, Any]:
    pg = m.pagination
    body = m.body
    return {
        "route": m.route,
        "operation_id": m.operation_id,
        "body_model": m.body_model,
        "body": _Line(kind=body.kind, media_types=list(body.media_types), files=list(body.files))
        if body
        else None,
        "arguments": [
            _Line(
                name=a.name,
                wire=a.wire,
                kind="positional" if a.positional else "keyword",
                required=a.required,
                server_default=a.server_default,
                style=a.style,
                **{"in": a.location},
                **_typed(a.type),
            )
            for a in m.arguments
        ],
        # the tree is the event type of a stream ("stream" says which kind)
        "returns": _Line(stream=m.stream, **{**_typed(m.returns), "type": returns_text(m)}),
        "responses": {str(status): _Line(_typed(t)) for status, t in m.responses},
        "security": _security_json(m.security) if m.security is not None else None,
        "status": m.status,
        "errors": list(m.errors),
        "deprecated": m.deprecated,
        "pagination": _Line(
            pages=pg.pages, all=pg.all, **{"item_" + k: v for k, v in _typed(pg.item).items()}
        )
        if pg
        else None,
    }


def dumps(manifest: Manifest) -> str:
    return _dump(to_json(manifest), 0) + "\n"


def _scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _dump(value: Any, level: int) -> str:
    if (
        isinstance(value, _Line)
        or _scalar(value)
        or not value
        or all(_scalar(v) for v in (value.values() if isinstance(value, dict) else value))
    ):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(", ", ": "))
    pad = "  " * (level + 1)
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(k, ensure_ascii=False)}: {_dump(value[k], level + 1)}"
            for k in sorted(value)
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    items = [pad + _dump(v, level + 1) for v in value]
    return "[\n" + ",\n".join(items) + "\n" + "  " * level + "]"


# ----------------------------------------------------------------------------------- reading back


def _object(node: Any, where: str) -> dict[str, Any]:
    if not isinstance(node, dict):
        raise ManifestError(where, "an object expected")
    return node


def _list(node: Any, where: str) -> list[Any]:
    if not isinstance(node, list):
        raise ManifestError(where, "a list expected")
    return node


def _text(node: Any, where: str) -> str:
    if not isinstance(node, str):
        raise ManifestError(where, "a string expected")
    return node


class _Reader:
    """Field access on the parsed JSON that names the offending key instead of raising KeyError."""

    def __init__(self, node: Any, where: str) -> None:
        self.node = _object(node, where)
        self.where = where

    def at(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def get(self, key: str, kind: type | tuple[type, ...], optional: bool = False) -> Any:
        if key not in self.node:
            raise ManifestError(self.at(key), "missing")
        value = self.node[key]
        if value is None and optional:
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, (int,))):
            raise ManifestError(self.at(key), f"{_kind_name(kind)} expected")
        return value

    def text(self, key: str) -> str:
        return str(self.get(key, str))

    def maybe_text(self, key: str) -> str | None:
        value = self.get(key, str, optional=True)
        return None if value is None else str(value)

    def flag(self, key: str) -> bool:
        return bool(self.get(key, bool))

    def tree(self, key: str) -> Type:
        return tree_from_json(self.node.get(key), self.at(key))

    def sub(self, key: str) -> _Reader:
        return _Reader(self.get(key, dict), self.at(key))

    def entries(self, key: str) -> Iterable[tuple[str, _Reader]]:
        container = self.sub(key)
        for name in sorted(container.node):
            yield name, _Reader(container.node[name], container.at(name))

    def items(self, key: str) -> Iterable[_Reader]:
        for i, node in enumerate(self.get(key, list)):
            yield _Reader(node, f"{self.at(key)}[{i}]")

    def details(self, skip: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((k, self.text(k)) for k in self.node if k not in skip))


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = {
        str: "a string",
        bool: "true or false",
        int: "an integer",
        dict: "an object",
        list: "a list",
    }
    return " or ".join(names.get(k, k.__name__) for k in kinds)


def loads(text: str, where: str) -> Manifest:
    """Read an api.json back; `where` names it in errors (a path, or `REF:path`)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ManifestError(where, f"not JSON ({exc})") from None
    top = _Reader(data, "")
    try:
        if top.node.get("generator") != GENERATOR or top.node.get("format") != FORMAT:
            raise ManifestError(
                "format", f"not an sdkgen manifest of format {FORMAT} (regenerate with this sdkgen)"
            )
        return _read(top)
    except ManifestError as exc:
        raise ManifestError(
            where, f"{exc.where}: {exc.message}" if exc.where else exc.message
        ) from None


def is_manifest(text: str) -> bool:
    """Whether the text claims to be a manifest this generator wrote (however damaged otherwise)."""
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and data.get("generator") == GENERATOR


def _read(top: _Reader) -> Manifest:
    client = top.sub("client")
    methods = tuple(_method_from(key, m) for key, m in top.entries("methods"))
    definitions: list[Definition] = [_model_from(n, d) for n, d in top.entries("models")]
    definitions += [_enum_from(n, d) for n, d in top.entries("enums")]
    definitions += [
        AliasDef(name, d.text("wire"), d.text("module"), d.tree("tree"))
        for name, d in top.entries("aliases")
    ]
    surface = Surface(
        package=top.text("package"),
        distribution=top.text("distribution"),
        client=client.text("class"),
        server=client.text("server"),
        arguments=tuple(
            ClientArgument(
                n,
                a.maybe_text("env"),
                a.flag("required"),
                a.flag("secret"),
                a.maybe_text("default"),
            )
            for n, a in client.entries("arguments")
        ),
        attributes=tuple(
            ClientAttribute(n, a.maybe_text("default_from"))
            for n, a in client.entries("attributes")
        ),
        auth=tuple(
            Auth(a.text("kind"), a.text("scheme"), a.details(("kind", "scheme")))
            for a in client.items("auth")
        ),
        error_model=client.maybe_text("error_model"),
        security=_security_from(client, "security") or (),
        extras=tuple(
            Extra(n, e.text("kind"), e.details(("kind",))) for n, e in client.entries("extras")
        ),
        resources=tuple(
            Resource(tuple(key.split(".")), r.text("class"), r.text("module"))
            for key, r in top.entries("resources")
        ),
        methods=methods,
        definitions=tuple(sorted(definitions, key=lambda d: d.name)),
    )
    version = top.text("version")
    try:
        Version(version)  # bumps need to read it
    except InvalidVersion:
        raise ManifestError(top.at("version"), f"{version!r} is not a PEP 440 version") from None
    return Manifest(
        top.text("source"),
        version,
        top.text("code_digest"),
        top.text("runtime_digest"),
        surface,
    )


def _method_from(key: str, m: _Reader) -> Method:
    *resource, name = key.split(".")
    arguments = tuple(_argument_from(a) for a in m.items("arguments"))
    pagination = None
    if m.get("pagination", dict, optional=True) is not None:
        pg = m.sub("pagination")
        pagination = Pages(pg.text("pages"), pg.text("all"), pg.tree("item_tree"))
    errors = tuple(m.get("errors", list))
    if not all(isinstance(e, int) and not isinstance(e, bool) for e in errors):
        raise ManifestError(m.at("errors"), "a list of status codes expected")
    returns = m.sub("returns")
    stream = returns.maybe_text("stream")
    if stream is not None and stream not in STREAMS:
        raise ManifestError(returns.at("stream"), f"unknown stream kind {stream!r}")
    responses = _responses_from(m)
    return Method(
        tuple(resource),
        name,
        m.text("route"),
        m.text("operation_id"),
        arguments,
        returns.tree("tree"),
        int(m.get("status", int)),
        errors,
        m.flag("deprecated"),
        pagination,
        m.maybe_text("body_model"),
        _body_from(m),
        stream,
        tuple(sorted(responses)),
        _security_from(m, "security", optional=True),
    )


def _argument_from(a: _Reader) -> Argument:
    return Argument(
        a.text("name"),
        a.text("wire"),
        a.text("in"),
        a.text("kind") == "positional",
        a.flag("required"),
        a.tree("tree"),
        a.maybe_text("server_default"),
        a.maybe_text("style"),
    )


def _responses_from(m: _Reader) -> list[tuple[int, Type]]:
    responses: list[tuple[int, Type]] = []
    for status, r in m.entries("responses"):
        if not status.isdigit():
            raise ManifestError(m.at("responses"), f"{status!r} is not a status code")
        if any(code == int(status) for code, _ in responses):  # "200" and "0200"
            raise ManifestError(m.at("responses"), f"status {int(status)} is listed twice")
        responses.append((int(status), r.tree("tree")))
    return responses


def _model_from(name: str, d: _Reader) -> ModelDef:
    extra = d.sub("extra").tree("tree") if d.get("extra", dict, optional=True) is not None else None
    fields = tuple(
        Field(fname, f.text("wire"), f.tree("tree"), f.flag("required"))
        for fname, f in d.entries("fields")
    )
    return ModelDef(name, d.text("wire"), d.text("module"), fields, extra)


def _enum_from(name: str, d: _Reader) -> EnumDef:
    raw = d.get("values", dict)
    if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in raw.values()):
        raise ManifestError(d.at("values"), "member → string or integer value expected")
    values = tuple(sorted(raw.items()))
    return EnumDef(
        name, d.text("wire"), d.text("module"), d.text("base"), d.text("literal"), values
    )


def _texts(node: Any, where: str) -> tuple[str, ...]:
    values = _list(node, where)
    if not all(isinstance(v, str) for v in values):
        raise ManifestError(where, "a list of strings expected")
    return tuple(values)


def _body_from(m: _Reader) -> BodyShape | None:
    if m.get("body", dict, optional=True) is None:
        return None
    b = m.sub("body")
    return BodyShape(
        b.text("kind"),
        _texts(b.node.get("media_types"), b.at("media_types")),
        _texts(b.node.get("files"), b.at("files")),
    )


def _security_from(r: _Reader, key: str, optional: bool = False) -> Requirements | None:
    """Requirements as `_security_json` writes them: a list of {scheme: [scopes]}."""
    if optional and r.get(key, list, optional=True) is None:
        return None
    out = []
    for alternative in r.items(key):
        out.append(
            tuple(
                sorted(
                    (name, _texts(scopes, alternative.at(name)))
                    for name, scopes in alternative.node.items()
                )
            )
        )
    return tuple(out)
