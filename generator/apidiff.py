"""What a regeneration changes in a package's Python API: two manifests → classified changes.

Every change has a kind and a level: breaking (code written against the old package may stop
working), compatible (additions, widened inputs, narrowed outputs) or patch (visible only on the
wire or in the docs). Fixed levels are in `RULES`; types are compared on their trees, by variance:

* inputs (method and client arguments, models sent in requests) are contravariant: a change is
  compatible when every value the old type accepted still fits (`str` → `str | None` widens);
* outputs (return types, models read from responses) are covariant: compatible when every value the
  new type can hold was already possible (`str | None` → `str` narrows), so a response field that
  becomes optional, or whose type widens, is breaking;
* a model used both ways is invariant: any type change is breaking.

A model's direction is where it is reachable from (arguments, return types, the error model), in the
old API or the new one. A removed enum value is breaking in both directions: the enums are open (an
unknown value from the server is kept, not refused), which makes *added* values safe for old code,
but the removed member is a Python name that code may use (`Status.IN_PROGRESS`). Renames are
recognised where the wire keeps an identity: a method with the same route, an argument or field
with the same wire name, a definition with the same content under a new name.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from dataclasses import dataclass

from generator import types
from generator.apitypes import (
    BOTH,
    IN,
    OUT,
    Direction,
    TypeEnv,
    definition_renames,
    directions,
    renamed_surface,
    same,
    subtype,
)
from generator.surface import (
    AliasDef,
    Argument,
    Auth,
    BodyShape,
    Definition,
    EnumDef,
    Field,
    Method,
    ModelDef,
    Requirements,
    Surface,
)
from generator.types import Type


class Level(enum.IntEnum):
    PATCH = 1
    COMPATIBLE = 2
    BREAKING = 3

    @property
    def word(self) -> str:
        return self.name.lower()


B, C, P = Level.BREAKING, Level.COMPATIBLE, Level.PATCH

# Kinds whose level does not depend on direction. The others: `*-added` of a required argument is
# breaking (optional: compatible); type changes, and a model field's additions and required-ness,
# follow the variance rules above.
RULES: dict[str, Level] = {
    "distribution-renamed": B,
    "client-renamed": B,
    "server-changed": P,
    "client-argument-removed": B,
    "client-argument-required": B,
    "client-argument-optional": C,
    "client-argument-env-removed": B,
    "client-argument-env-added": C,
    "client-argument-default-changed": B,
    "client-attribute-removed": B,
    "client-attribute-added": C,
    "client-attribute-default-changed": B,
    "auth-changed": B,
    "auth-added": C,
    "auth-removed": B,
    "auth-wire-changed": P,
    "auth-scopes-changed": P,
    "error-model-changed": B,
    "helper-removed": B,
    "helper-added": C,
    "helper-changed": P,
    "resource-removed": B,
    "resource-added": C,
    "resource-class-renamed": B,
    "method-removed": B,
    "method-renamed": B,
    "method-added": C,
    "method-route-changed": P,
    "method-deprecated": C,
    "method-undeprecated": P,
    "method-status-changed": P,
    "method-errors-changed": P,
    "return-stream-changed": B,
    "response-types-changed": P,
    "body-kind-changed": P,
    "body-media-types-changed": P,
    "body-files-changed": P,
    "pagination-removed": B,
    "pagination-added": C,
    "pagination-renamed": B,
    "argument-removed": B,
    "argument-renamed": B,
    "argument-required": B,
    "argument-optional": C,
    "argument-moved": B,
    "argument-wire-changed": P,
    "argument-default-changed": P,
    "argument-style-changed": P,
    "definition-removed": B,
    "definition-renamed": B,
    "definition-added": C,
    "definition-kind-changed": B,
    "definition-wire-changed": P,
    "definition-module-changed": P,
    "field-removed": B,
    "field-renamed": B,
    "field-wire-changed": P,
    "additional-properties-changed": P,
    "enum-value-removed": B,
    "enum-value-added": C,
    "enum-member-renamed": B,
    "enum-base-changed": B,
    "enum-literal-renamed": B,
}
# Kinds classified by direction or requiredness (see the module docstring), and security
# requirements: breaking when credentials that satisfied an old alternative satisfy no new one,
# compatible when alternatives were added or need fewer schemes, patch when only scopes changed.
VARIANT_KINDS = (
    "security-changed",
    "method-security-changed",
    "client-argument-added",
    "argument-added",
    "argument-type-changed",
    "return-type-changed",
    "pagination-item-changed",
    "field-added",
    "field-required",
    "field-optional",
    "field-type-changed",
    "alias-type-changed",
)


@dataclass(frozen=True, slots=True)
class Change:
    """One difference between two Python APIs, at the release level it calls for."""

    level: Level
    kind: str
    subject: str  # what changed, as code: `client.calls.create()`, `Thing`
    detail: str  # how, in words

    def __str__(self) -> str:
        return f"{self.subject}: {self.detail}"

    def as_json(self) -> dict[str, str]:
        return {
            "level": self.level.word,
            "kind": self.kind,
            "subject": self.subject,
            "message": self.detail,
        }


def ordered(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Most severe first, then by subject: the order reports and changelogs list them in."""
    return tuple(sorted(set(changes), key=lambda c: (-c.level, c.subject, c.kind, c.detail)))


def level_of(changes: Iterable[Change]) -> Level | None:
    return max((c.level for c in changes), default=None)


def compare(old: Surface, new: Surface) -> tuple[Change, ...]:
    out = _Diff(old, new)
    return ordered(out.changes)


# ------------------------------------------------------------------------------------ comparison


def _ann(t: Type) -> str:
    return code(types.annotation(t))


def _names(names: Iterable[str]) -> str:
    return ", ".join(code(n) for n in names) or "none"


class _Diff:
    def __init__(self, old: Surface, new: Surface) -> None:
        self.renames = definition_renames(old, new)
        self.original = old
        old = renamed_surface(old, self.renames)
        self.old, self.new = old, new
        self.eo, self.en = TypeEnv(old), TypeEnv(new)
        do, dn = directions(old), directions(new)
        self.direction = {
            name: frozenset(do.get(name, set()) | dn.get(name, set())) or BOTH
            for name in {*self.eo.defs, *self.en.defs}
        }
        self.changes: list[Change] = []
        self.client = f"`{new.client}`"
        self._package()
        self._client()
        self._resources()
        self._methods()
        self._definitions()

    def add(self, kind: str, subject: str, detail: str, level: Level | None = None) -> None:
        self.changes.append(
            Change(level if level is not None else RULES[kind], kind, subject, detail)
        )

    # ---- types

    def type_change(self, old: Type, new: Type, direction: Direction) -> tuple[Level, str] | None:
        """(level, words) for a type change in that direction; None when the trees are equal."""
        if same(old, new):
            return None
        widened = subtype(old, self.eo, new, self.en)
        narrowed = subtype(new, self.en, old, self.eo)
        text = f"from {_ann(old)} to {_ann(new)}"
        if widened and narrowed:
            return P, f"type now written {_ann(new)} (was {_ann(old)}; the same values)"
        verb = "widened" if widened else "narrowed" if narrowed else "changed"
        if direction == frozenset({IN}):
            level = C if widened else B
        elif direction == frozenset({OUT}):
            level = C if narrowed else B
        else:
            level = B
        return level, f"type {verb} {text}"

    # ---- package and client

    def _package(self) -> None:
        o, n = self.old, self.new
        if o.distribution != n.distribution:
            self.add(
                "distribution-renamed",
                f"`{n.package}`",
                f"distribution renamed from {code(o.distribution)} to {code(n.distribution)} (what `pip install` names)",
            )

    def _client(self) -> None:
        o, n = self.old, self.new
        subject = f"`{n.client}()`"
        if o.client != n.client:
            self.add(
                "client-renamed",
                f"`{o.client}`",
                f"client class renamed to `{n.client}` (and `Async{o.client}` to `Async{n.client}`)",
            )
        if o.server != n.server:
            self.add(
                "server-changed",
                self.client,
                f"server URL now {code(n.server)} (was {code(o.server)})",
            )
        self._auth()
        if o.security != n.security:
            self.add(
                "security-changed",
                self.client,
                f"needs {_security(n.security)} (needed {_security(o.security)})",
                security_level(o.security, n.security),
            )
        if o.error_model != n.error_model:
            self.add(
                "error-model-changed",
                self.client,
                f"error bodies now parsed as {_opt(n.error_model)} (was {_opt(o.error_model)})",
            )
        self._client_arguments(subject)
        self._client_attributes()
        self._helpers()

    def _auth(self) -> None:
        """Auth schemes by name: which credential arguments each takes and how it sends them."""
        old = {a.scheme: a for a in self.old.auth}
        new = {a.scheme: a for a in self.new.auth}
        for name in sorted(old.keys() - new.keys()):
            self.add("auth-removed", self.client, f"{_auth_part(old[name])} removed")
        for name in sorted(new.keys() - old.keys()):
            self.add("auth-added", self.client, f"{_auth_part(new[name])} added")
        for name in sorted(old.keys() & new.keys()):
            a, b = old[name], new[name]
            if a == b:
                continue
            wire_a, wire_b = ({k: v for k, v in x.details if k in _AUTH_WIRE} for x in (a, b))
            scopes_a, scopes_b = dict(a.details).get("scopes"), dict(b.details).get("scopes")
            rest_a, rest_b = (
                tuple(d for d in x.details if d[0] not in _AUTH_WIRE and d[0] != "scopes")
                for x in (a, b)
            )
            if a.kind != b.kind or rest_a != rest_b:
                self.add(
                    "auth-changed",
                    self.client,
                    f"authentication changed from {_auth_part(a)} to {_auth_part(b)}",
                )
                continue
            if wire_a != wire_b:
                self.add(
                    "auth-wire-changed",
                    self.client,
                    f"{code(name)} credential now sent as {_wire(wire_b)} (was {_wire(wire_a)})",
                )
            if scopes_a != scopes_b:
                self.add(
                    "auth-scopes-changed",
                    self.client,
                    f"{code(name)} tokens now asked for scopes {_scopes(scopes_b)} "
                    f"(were {_scopes(scopes_a)})",
                )

    def _client_arguments(self, subject: str) -> None:
        o, n = self.old, self.new
        old_args = {a.name: a for a in o.arguments}
        new_args = {a.name: a for a in n.arguments}
        for name in sorted(old_args.keys() - new_args.keys()):
            self.add("client-argument-removed", subject, f"argument `{name}` removed")
        for name in sorted(new_args.keys() - old_args.keys()):
            a = new_args[name]
            how = "required" if a.required else "optional"
            if a.required and a.env:
                how = f"required, or the {code(a.env)} environment variable"
            self.add(
                "client-argument-added",
                subject,
                f"argument `{name}` added ({how})",
                B if a.required else C,
            )
        for name in sorted(old_args.keys() & new_args.keys()):
            a, b = old_args[name], new_args[name]
            if a.required != b.required:
                kind = "client-argument-required" if b.required else "client-argument-optional"
                self.add(
                    kind,
                    subject,
                    f"argument `{name}` is now {'required' if b.required else 'optional'}",
                )
            if a.env != b.env:
                if a.env is None:
                    self.add(
                        "client-argument-env-added",
                        subject,
                        f"argument `{name}` now defaults to the {code(b.env)} environment variable",
                    )
                else:
                    now = code(b.env) if b.env else "no environment variable"
                    self.add(
                        "client-argument-env-removed",
                        subject,
                        f"argument `{name}` no longer read from {code(a.env)} (now {now})",
                    )
            if a.default != b.default and a.required == b.required:
                self.add(
                    "client-argument-default-changed",
                    subject,
                    f"argument `{name}` default now {_opt(b.default)} (was {_opt(a.default)})",
                )

    def _client_attributes(self) -> None:
        o, n = self.old, self.new
        old_attrs = {a.name: a for a in o.attributes}
        new_attrs = {a.name: a for a in n.attributes}
        for name in sorted(old_attrs.keys() - new_attrs.keys()):
            self.add("client-attribute-removed", self.client, f"attribute `{name}` removed")
        for name in sorted(new_attrs.keys() - old_attrs.keys()):
            self.add("client-attribute-added", self.client, f"attribute `{name}` added")
        for name in sorted(old_attrs.keys() & new_attrs.keys()):
            if old_attrs[name].default_from != new_attrs[name].default_from:
                self.add(
                    "client-attribute-default-changed",
                    self.client,
                    f"attribute `{name}` now defaults to {_opt(new_attrs[name].default_from)} (was {_opt(old_attrs[name].default_from)})",
                )

    def _helpers(self) -> None:
        """The client's own methods (user tokens, webhook checks) and exported validator classes."""
        o, n = self.old, self.new
        old_helpers = {e.name: e for e in o.extras}
        new_helpers = {e.name: e for e in n.extras}
        for name in sorted(old_helpers.keys() | new_helpers.keys()):
            before, after = old_helpers.get(name), new_helpers.get(name)
            either = after or before
            # a validator is a class the package exports; the others are client methods
            exported = either is not None and either.kind == "webhook-validator"
            helper = f"`{name}`" if exported else f"`{n.client}.{name}()`"
            if after is None:
                self.add("helper-removed", helper, "removed")
            elif before is None:
                self.add("helper-added", helper, "added")
            elif before != after:
                now, was = _details(after.details), _details(before.details)
                self.add("helper-changed", helper, f"now {now} (was {was})")

    # ---- resources and methods

    def _resources(self) -> None:
        old = {r.key: r for r in self.old.resources}
        new = {r.key: r for r in self.new.resources}
        for key in sorted(old.keys() - new.keys()):
            self.add("resource-removed", f"`client.{key}`", "resource removed")
        for key in sorted(new.keys() - old.keys()):
            self.add("resource-added", f"`client.{key}`", "resource added")
        for key in sorted(old.keys() & new.keys()):
            a, b = old[key], new[key]
            if a.class_name != b.class_name:
                self.add(
                    "resource-class-renamed",
                    f"`client.{key}`",
                    f"class renamed from `{a.class_name}` to `{b.class_name}`",
                )
            elif a.module != b.module:
                self.add(
                    "resource-class-renamed",
                    f"`client.{key}`",
                    f"class moved from `resources.{a.module}` to `resources.{b.module}`",
                )

    def _methods(self) -> None:
        old = {m.key: m for m in self.old.methods}
        new = {m.key: m for m in self.new.methods}
        gone = sorted(old.keys() - new.keys())
        came = sorted(new.keys() - old.keys())
        by_route = {new[k].route: k for k in came}
        renamed: dict[str, str] = {}
        for key in gone:
            target = by_route.get(old[key].route)
            if target is not None and target not in renamed.values():
                renamed[key] = target
        for key in gone:
            if key in renamed:
                self.add(
                    "method-renamed", f"`client.{key}()`", f"renamed to `client.{renamed[key]}()`"
                )
                self._method(old[key], new[renamed[key]], f"`client.{renamed[key]}()`")
            else:
                self.add("method-removed", f"`client.{key}()`", "method removed")
        for key in came:
            if key not in renamed.values():
                self.add("method-added", f"`client.{key}()`", "method added")
        for key in sorted(old.keys() & new.keys()):
            self._method(old[key], new[key], f"`client.{key}()`")

    def _method(self, a: Method, b: Method, subject: str) -> None:
        if a.route != b.route:
            self.add("method-route-changed", subject, f"now {code(b.route)} (was {code(a.route)})")
        if a.deprecated != b.deprecated:
            kind = "method-deprecated" if b.deprecated else "method-undeprecated"
            self.add(kind, subject, "marked deprecated" if b.deprecated else "no longer deprecated")
        if a.status != b.status:
            self.add(
                "method-status-changed", subject, f"success status now {b.status} (was {a.status})"
            )
        if a.errors != b.errors:
            self.add(
                "method-errors-changed",
                subject,
                f"documented error statuses now {_codes(b.errors)} (were {_codes(a.errors)})",
            )
        if a.stream != b.stream:
            self.add(
                "return-stream-changed", subject, f"now returns {_returns(b)} (was {_returns(a)})"
            )
        else:
            change = self.type_change(a.returns, b.returns, frozenset({OUT}))
            if change:
                what = "event type" if b.stream == "events" else "return"
                self.add("return-type-changed", subject, f"{what} {change[1]}", change[0])
        if not _same_responses(a.responses, b.responses):
            self.add(
                "response-types-changed",
                subject,
                f"answers by status now {_by_status(b)} (were {_by_status(a)})",
            )
        if a.security != b.security:
            before = a.security if a.security is not None else self.old.security
            after = b.security if b.security is not None else self.new.security
            self.add(
                "method-security-changed",
                subject,
                f"needs {_security(after, b.security is None)} "
                f"(needed {_security(before, a.security is None)})",
                security_level(before, after),
            )
        self._body(a, b, subject)
        self._pagination(a, b, subject)
        self._arguments(a, b, subject)

    def _body(self, a: Method, b: Method, subject: str) -> None:
        """How the body is sent; what it takes is the method's arguments, compared on their own."""
        x, y = a.body, b.body
        if (x.kind if x else None) != (y.kind if y else None):
            self.add(
                "body-kind-changed",
                subject,
                f"request body now {_body_kind(y)} (was {_body_kind(x, False)})",
            )
            return
        if x is None or y is None:
            return
        if x.media_types != y.media_types:
            self.add(
                "body-media-types-changed",
                subject,
                f"request body media types now {_names(y.media_types)} (were {_names(x.media_types)})",
            )
        if x.files != y.files:
            self.add(
                "body-files-changed",
                subject,
                f"arguments sent as file parts now {_names(y.files)} (were {_names(x.files)})",
            )

    def _pagination(self, a: Method, b: Method, subject: str) -> None:
        pa, pb = a.pagination, b.pagination
        if pa is None or pb is None:
            if pa is not None:
                self.add(
                    "pagination-removed",
                    subject,
                    f"pagination removed (`{pa.pages}()`, `{pa.all}()`)",
                )
            if pb is not None:
                self.add(
                    "pagination-added", subject, f"pagination added (`{pb.pages}()`, `{pb.all}()`)"
                )
            return
        if (pa.pages, pa.all) != (pb.pages, pb.all):
            self.add(
                "pagination-renamed",
                subject,
                f"pagination methods now `{pb.pages}()`, `{pb.all}()` (were `{pa.pages}()`, `{pa.all}()`)",
            )
        change = self.type_change(pa.item, pb.item, frozenset({OUT}))
        if change:
            self.add("pagination-item-changed", subject, f"page item {change[1]}", change[0])

    def _arguments(self, a: Method, b: Method, subject: str) -> None:
        old = {x.name: x for x in a.arguments}
        new = {x.name: x for x in b.arguments}
        gone = [n for n in old if n not in new]
        came = [n for n in new if n not in old]
        renamed = _renamed_arguments(old, new, gone, came)
        self._arguments_gone(gone, renamed, subject)
        self._arguments_added([new[n] for n in came if n not in renamed.values()], subject)
        pairs = [(old[n], new[n]) for n in old if n in new]
        for x, y in pairs + [(old[n], new[t]) for n, t in renamed.items()]:
            self._argument(x, y, subject)
        self._argument_order(a, b, renamed, subject)

    def _arguments_gone(self, gone: list[str], renamed: dict[str, str], subject: str) -> None:
        for name in gone:
            if name in renamed:
                self.add(
                    "argument-renamed", subject, f"argument `{name}` renamed to `{renamed[name]}`"
                )
            else:
                self.add("argument-removed", subject, f"argument `{name}` removed")

    def _arguments_added(self, added: list[Argument], subject: str) -> None:
        for x in added:
            kind = "positional" if x.positional else "keyword"
            self.add(
                "argument-added",
                subject,
                f"{'required' if x.required else 'optional'} {kind} argument `{x.name}` added",
                B if x.required else C,
            )

    def _argument_order(self, a: Method, b: Method, renamed: dict[str, str], subject: str) -> None:
        """Positional arguments kept on both sides must keep their order (added and removed ones
        are reported on their own)."""
        old_order = [renamed.get(x.name, x.name) for x in a.arguments if x.positional]
        new_order = [y.name for y in b.arguments if y.positional]
        kept_old = [n for n in old_order if n in new_order]
        kept_new = [n for n in new_order if n in old_order]
        if kept_old != kept_new:
            self.add(
                "argument-moved",
                subject,
                f"positional arguments now ({_names(new_order)}), were ({_names(old_order)})",
            )

    def _argument(self, x: Argument, y: Argument, subject: str) -> None:
        name = f"argument `{y.name}`"
        if x.positional != y.positional:
            self.add(
                "argument-moved",
                subject,
                f"{name} is now {'positional' if y.positional else 'keyword-only'}",
            )
        if x.required != y.required:
            kind = "argument-required" if y.required else "argument-optional"
            self.add(kind, subject, f"{name} is now {'required' if y.required else 'optional'}")
        if (x.location, x.wire) != (y.location, y.wire):
            self.add(
                "argument-wire-changed",
                subject,
                f"{name} now sent as {y.location} {code(y.wire)} (was {x.location} {code(x.wire)})",
            )
        if x.style != y.style:
            self.add(
                "argument-style-changed",
                subject,
                f"{name} now serialised as {_style(y)} (was {_style(x)})",
            )
        if x.server_default != y.server_default:
            self.add(
                "argument-default-changed",
                subject,
                f"{name}: the server's documented default is now {_opt(y.server_default)} (was {_opt(x.server_default)})",
            )
        change = self.type_change(x.type, y.type, frozenset({IN}))
        if change:
            self.add("argument-type-changed", subject, f"{name} {change[1]}", change[0])

    # ---- definitions

    def _definitions(self) -> None:
        old = {d.name: d for d in self.old.definitions}
        new = {d.name: d for d in self.new.definitions}
        renamed_to = set()
        for before, after in sorted(self.renames.items()):
            d = next((x for x in self.original.definitions if x.name == before), None)
            if d is not None:  # (enum Literal aliases are renamed along with their enum)
                renamed_to.add(after)
                self.add("definition-renamed", f"`{before}`", f"{d.kind} renamed to `{after}`")
        for name in sorted(old.keys() - new.keys()):
            self.add("definition-removed", f"`{name}`", f"{old[name].kind} removed")
        for name in sorted(new.keys() - old.keys()):
            self.add("definition-added", f"`{name}`", f"{new[name].kind} added")
        for name in sorted(old.keys() & new.keys()):
            self._definition(old[name], new[name])

    def _definition(self, a: Definition, b: Definition) -> None:
        subject = f"`{b.name}`"
        if a.kind != b.kind:
            self.add(
                "definition-kind-changed",
                subject,
                f"now {_article(b.kind)} (was {_article(a.kind)})",
            )
            return
        renamed = b.name in self.renames.values()  # its spec name and module follow the rename
        if a.wire != b.wire and not renamed:
            self.add(
                "definition-wire-changed",
                subject,
                f"now the spec's {code(b.wire)} (was {code(a.wire)})",
            )
        if (
            a.module != b.module and b.name not in self.renames.values()
        ):  # the module follows the name
            self.add(
                "definition-module-changed",
                subject,
                f"defined in `models.{b.module}` (was `models.{a.module}`; import it from `models`)",
            )
        direction = self.direction.get(b.name, BOTH)
        if isinstance(a, ModelDef) and isinstance(b, ModelDef):
            self._fields(a, b, direction, subject)
            if not same(a.extra, b.extra):
                self.add(
                    "additional-properties-changed",
                    subject,
                    f"additional properties now {_opt_type(b.extra)} (were {_opt_type(a.extra)})",
                )
        elif isinstance(a, EnumDef) and isinstance(b, EnumDef):
            self._enum(a, b, subject)
        elif isinstance(a, AliasDef) and isinstance(b, AliasDef):
            change = self.type_change(a.type, b.type, direction)
            if change:
                self.add("alias-type-changed", subject, change[1], change[0])

    def _fields(self, a: ModelDef, b: ModelDef, direction: Direction, subject: str) -> None:
        old = {f.name: f for f in a.fields}
        new = {f.name: f for f in b.fields}
        came = [n for n in new if n not in old]
        by_wire = {new[n].wire: n for n in came}
        renamed = {n: by_wire[old[n].wire] for n in old if n not in new and old[n].wire in by_wire}
        self._fields_gone(sorted(n for n in old if n not in new), renamed, subject)
        added = [new[n] for n in came if n not in renamed.values()]
        self._fields_added(added, IN in direction, subject)
        pairs: list[tuple[Field, Field]] = [(old[n], new[n]) for n in old if n in new]
        pairs += [(old[n], new[t]) for n, t in renamed.items()]
        for x, y in sorted(pairs, key=lambda p: p[1].name):
            self._field(x, y, direction, subject)

    def _fields_gone(self, gone: list[str], renamed: dict[str, str], subject: str) -> None:
        for name in gone:
            if name in renamed:
                self.add("field-renamed", subject, f"field `{name}` renamed to `{renamed[name]}`")
            else:
                self.add("field-removed", subject, f"field `{name}` removed")

    def _fields_added(self, added: list[Field], writes: bool, subject: str) -> None:
        for f in added:
            level = B if writes and f.required else C
            self.add(
                "field-added",
                subject,
                f"{'required' if f.required else 'optional'} field `{f.name}` added",
                level,
            )

    def _field(self, x: Field, y: Field, direction: Direction, subject: str) -> None:
        field = f"field `{y.name}`"
        if x.wire != y.wire:
            self.add(
                "field-wire-changed",
                subject,
                f"{field} now the wire's {code(y.wire)} (was {code(x.wire)})",
            )
        if x.required != y.required:
            self._field_required(field, y.required, direction, subject)
        skip = x.required != y.required and types.without_none(x.type) == types.without_none(y.type)
        change = None if skip else self.type_change(x.type, y.type, direction)
        if change:
            self.add("field-type-changed", subject, f"{field} {change[1]}", change[0])

    def _field_required(
        self, field: str, required: bool, direction: Direction, subject: str
    ) -> None:
        if required:
            level = B if IN in direction else C
            self.add("field-required", subject, f"{field} is now required", level)
        else:
            level = B if OUT in direction else C
            self.add("field-optional", subject, f"{field} is now optional (may be absent)", level)

    def _enum(self, a: EnumDef, b: EnumDef, subject: str) -> None:
        if a.base != b.base:
            self.add("enum-base-changed", subject, f"values are now {b.base} (were {a.base})")
        if a.literal != b.literal:
            self.add(
                "enum-literal-renamed",
                subject,
                f"values alias renamed from `{a.literal}` to `{b.literal}`",
            )
        old = {v: m for m, v in a.values}
        new = {v: m for m, v in b.values}
        for value in sorted(old.keys() - new.keys(), key=str):
            self.add(
                "enum-value-removed",
                subject,
                f"value {code(value)} removed (member `{old[value]}`)",
            )
        for value in sorted(new.keys() - old.keys(), key=str):
            self.add(
                "enum-value-added", subject, f"value {code(value)} added (member `{new[value]}`)"
            )
        for value in sorted(old.keys() & new.keys(), key=str):
            if old[value] != new[value]:
                self.add(
                    "enum-member-renamed",
                    subject,
                    f"member `{old[value]}` renamed to `{new[value]}` (value {code(value)})",
                )


def _renamed_arguments(
    old: dict[str, Argument], new: dict[str, Argument], gone: list[str], came: list[str]
) -> dict[str, str]:
    """Old name → new name for an argument that disappeared while one sent the same way (same
    location and wire name) appeared; an argument without a wire name has no such identity."""
    by_wire = {(new[n].location, new[n].wire): n for n in came}
    renamed: dict[str, str] = {}
    for name in gone:
        target = by_wire.get((old[name].location, old[name].wire))
        if target is not None and old[name].wire:
            renamed[name] = target
    return renamed


def code(value: object) -> str:
    """Spec text as inline code. A report line is Markdown in the changelog and a line in the
    terminal, so what could end the code span or the line (backticks, newlines, control characters)
    is written as a JSON string instead."""
    text = str(value)
    if "`" in text or not text.isprintable():
        text = json.dumps(text).replace("`", "\\u0060")
    return f"`{text}`"


def _opt(value: str | None) -> str:
    return code(value) if value is not None else "none"


def _opt_type(t: Type | None) -> str:
    return _ann(t) if t is not None else "not allowed"


def _codes(codes: tuple[int, ...]) -> str:
    return ", ".join(map(str, codes)) or "none"


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _details(details: tuple[tuple[str, str], ...]) -> str:
    return ", ".join(f"{k} {code(v) if v else 'none'}" for k, v in details)


# Auth details that say how a credential travels, not which arguments hold it.
_AUTH_WIRE = frozenset({"in", "wire"})


def _wire(details: dict[str, str]) -> str:
    return f"{details.get('in', '?')} {_opt(details.get('wire'))}"


def _auth_part(a: Auth) -> str:
    return f"{a.kind} {code(a.scheme)} ({_details(a.details)})"


def _scopes(text: str | None) -> str:
    return _names(text.split()) if text else "none"


def _alternatives(reqs: Requirements) -> list[frozenset[str]]:
    """The scheme sets of each alternative; no requirements at all is one empty alternative."""
    return [frozenset(name for name, _ in alternative) for alternative in reqs] or [frozenset()]


def security_level(old: Requirements, new: Requirements) -> Level:
    """Breaking when some credentials that satisfied an old alternative satisfy no new one
    (each new alternative needs a scheme that old alternative did not); compatible when every
    old alternative still works but the alternatives changed; patch when only scopes changed."""
    before, after = _alternatives(old), _alternatives(new)
    if not all(any(b <= a for b in after) for a in before):
        return B
    return C if set(before) != set(after) else P


def _security(reqs: Requirements, inherited: bool = False) -> str:
    def one(alternative: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
        if not alternative:
            return "no credentials"
        return " + ".join(
            code(name) + (f" (scopes {_names(scopes)})" if scopes else "")
            for name, scopes in alternative
        )

    text = " or ".join(one(a) for a in reqs) if reqs else "no credentials"
    return f"{text}, the API's" if inherited else text


def _returns(m: Method) -> str:
    if m.stream == "bytes":
        return "a binary stream (`BinaryStream`)"
    if m.stream == "events":
        return f"an event stream of {_ann(m.returns)}"
    return _ann(m.returns)


def _same_responses(a: tuple[tuple[int, Type], ...], b: tuple[tuple[int, Type], ...]) -> bool:
    return len(a) == len(b) and all(
        x[0] == y[0] and same(x[1], y[1]) for x, y in zip(a, b, strict=True)
    )


def _by_status(m: Method) -> str:
    if not m.responses:
        return f"one type for every status ({_ann(m.returns)})"
    return ", ".join(f"{status} {_ann(t)}" for status, t in m.responses)


def _body_kind(body: BodyShape | None, verb: bool = True) -> str:
    if body is None:
        return "absent"
    kind = {"json": "JSON", "form": "a form", "multipart": "multipart", "text": "text"}
    text = f"{kind.get(body.kind, body.kind)} ({_names(body.media_types)})"
    return f"sent as {text}" if verb else text


def _style(a: Argument) -> str:
    if a.style is None:
        return f"{a.location}'s default"
    if a.style == "json":
        return "JSON (`content`)"
    exploded = a.style.endswith("*")
    return f"{code(a.style.rstrip('*'))} style{', exploded' if exploded else ', not exploded'}"
