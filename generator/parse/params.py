"""TypedDict twins of the request models, and the argument types that accept them.

A nested request argument takes a model or a plain dict. Every model a request body reaches (through
its fields, directly or in lists, maps, unions, aliases and other models) gets a `TypedDict` twin
keyed by wire names (`CallRequest` → `CallRequestParam`), and each such argument is typed
`CallRequest | CallRequestParam`: a dict literal is type-checked key by key, and at run time the
request model validates and serialises it exactly as it does a model. Twins are named last, in the
package's class scope, so they never take a name the spec gave a schema.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from generator import naming, types
from generator.ir import Alias, Enum, ParamDict, Parameter, ParamKey
from generator.parse.modules import reachable, references
from generator.parse.operations import OperationDraft
from generator.parse.schemas import Draft, ModelDraft, SchemaTranslator
from generator.types import ListOf, MapOf, Ref, Tagged, Type, UnionOf, union, without_none

# Names a twin's class body refers to besides its keys' types.
_CLASS_BODY_NAMES = frozenset({"TypedDict", "Required"})


@dataclass(frozen=True, slots=True)
class Twins:
    """The TypedDict twin of each model an argument also takes as a plain dict."""

    definitions: Mapping[str, Draft]
    names: Mapping[str, str]  # model → its twin

    def widen(self, t: Type, seen: frozenset[str] = frozenset()) -> Type:
        """What an argument of type `t` accepts: each model also as its twin, each enum also as
        its literal values, a timestamp also as an epoch number; lists and maps that now take more
        become `Sequence` and `Mapping`. Unchanged when nothing inside changes."""
        if isinstance(t, Ref):
            return self._widen_ref(t, seen)
        if t == types.TIMESTAMP:
            # sent unchanged, as the runtime's Timestamp accepts it
            return union([t, types.FLOAT, types.INT])
        if isinstance(t, ListOf):
            item = self.widen(t.item, seen)
            return t if item == t.item else ListOf(item, abstract=True)
        if isinstance(t, MapOf):
            value = self.widen(t.value, seen)
            return t if value == t.value else MapOf(value, abstract=True)
        if isinstance(t, UnionOf):
            return union(self.widen(m, seen) for m in t.members)
        if isinstance(t, Tagged):
            # an argument's annotation only: the request model picks the variant by its tag
            return union(self.widen(Ref(v), seen) for v in t.variants)
        return t

    def _widen_ref(self, t: Ref, seen: frozenset[str]) -> Type:
        definition = self.definitions.get(t.name)
        if isinstance(definition, ModelDraft) and t.name in self.names:
            return union([t, Ref(self.names[t.name])])
        if isinstance(definition, Enum):
            return union([t, Ref(definition.literal)])
        if isinstance(definition, Alias) and t.name not in seen:
            # An alias of models is written out, so that it takes their twins too; one that
            # leads back to itself stays the alias where it recurs.
            inner = self.widen(definition.type, seen | {t.name})
            return t if inner == definition.type else inner
        return t

    def param_dict(self, model: ModelDraft) -> ParamDict:
        keys = tuple(
            ParamKey(
                f.wire_name,
                # absent, not null, unless the spec allows null (the model refuses it otherwise)
                self.widen(f.type if f.nullable else without_none(f.type)),
                f.required,
                f.description,
            )
            for f in model.fields
        )
        return ParamDict(
            self.names[model.name], model.name, model.pointer, keys, _needs_functional(keys)
        )


def _needs_functional(keys: tuple[ParamKey, ...]) -> bool:
    """Whether a class body cannot hold the keys: one is no plain ASCII identifier (a keyword,
    `a-b`; non-ASCII names are NFKC-normalised by the parser), starts with `_` (`__x` would be
    mangled), or names what an annotation in the body uses (`str: str`)."""
    used = _CLASS_BODY_NAMES.union(*(types.names_used(k.type) for k in keys))
    return any(
        not (k.wire_name.isascii() and k.wire_name.isidentifier())
        or keyword.iskeyword(k.wire_name)
        or k.wire_name.startswith("_")
        or k.wire_name in used
        for k in keys
    )


def _request_roots(drafts: Iterable[OperationDraft]) -> set[str]:
    """Definitions the operations' arguments name."""
    roots: set[str] = set()
    for draft in drafts:
        for p in (*draft.parameters, *(draft.body.fields if draft.body else ())):
            roots |= types.refs(p.type)
    return roots


def twins(
    translator: SchemaTranslator, drafts: list[OperationDraft]
) -> tuple[dict[str, ParamDict], list[OperationDraft]]:
    """The twins by model, and the drafts with their arguments widened to accept them."""
    definitions = translator.definitions
    graph = {name: references(d) for name, d in definitions.items()}
    reached = reachable(graph, _request_roots(drafts))
    names: dict[str, str] = {}
    for model in sorted(n for n in reached if isinstance(definitions[n], ModelDraft)):
        wanted = naming.param_dict(model)
        names[model] = translator.classes.claim(wanted, f"{model} (TypedDict)")
        if names[model] != wanted:
            translator.notes.append(f"the TypedDict of {model!r} is {names[model]!r} in Python")
    plan = Twins(definitions, names)
    dicts = {
        model: plan.param_dict(draft)
        for model in names
        if isinstance(draft := definitions[model], ModelDraft)
    }
    return dicts, [_widened(plan, d) for d in drafts]


def _widened(plan: Twins, draft: OperationDraft) -> OperationDraft:
    path, query, headers, cookies = (
        tuple(_widened_parameter(plan, p) for p in params)
        for params in (
            draft.path_params,
            draft.query_params,
            draft.header_params,
            draft.cookie_params,
        )
    )
    validated = frozenset().union(
        *(types.refs(p.validated) for p in (*path, *query, *headers, *cookies) if p.validated)
    )
    body = draft.body
    if body is not None:
        files = {f.argument for f in body.files}
        fields = tuple(
            p if p.name in files else replace(p, type=plan.widen(p.type)) for p in body.fields
        )
        # `body_type` stays the model's: it is what the runtime validates a non-object body with.
        body = replace(body, fields=fields)
    return replace(
        draft,
        path_params=path,
        query_params=query,
        header_params=headers,
        cookie_params=cookies,
        body=body,
        # the models a parameter is validated as are needed at run time
        runtime_models=draft.runtime_models | validated,
    )


def _widened_parameter(plan: Twins, param: Parameter) -> Parameter:
    """A path, query, header or cookie parameter that takes a model takes its plain dict too; the
    method validates either as the model (`validated`) before the value is encoded."""
    widened = plan.widen(param.type)
    # (a model reached through an alias counts: the alias is written out in `widened`)
    if not set(plan.names.values()) & types.refs(widened):
        return replace(param, type=widened)
    return replace(param, type=widened, validated=param.type)
