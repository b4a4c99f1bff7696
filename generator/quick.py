"""The compiled validator's yes/no: is a value valid against a JSON Schema, fast.

jsonschema explains every problem it finds, which the validate stage needs, but it is slow on the
common case of a valid document (seconds for a large spec). jsonschema-rs answers only whether a
value is valid, in milliseconds. The passes ask it first and run jsonschema only on a no, so the
problems reported are jsonschema's, unchanged. Whatever jsonschema-rs cannot build or check (an
unknown keyword, a value of a type JSON does not have) answers "not known valid", and jsonschema
decides as before: the fast path never refuses a spec and never accepts one by itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Tests turn the fast path off to check that it changes no reported problem.
ENABLED = True

Compiled = Any  # a jsonschema_rs validator, or None where it could not be built


def _refuse(uri: str) -> Any:
    # every schema the passes use ships with the packages: nothing is fetched over the network
    raise ValueError(f"{uri} is not fetched")


def compile_schema(schema: Any, resources: Iterable[tuple[str, Any]] = ()) -> Compiled:
    """A validator for `schema` (formats as annotations, as jsonschema does without a format
    checker), or None when jsonschema-rs cannot take it."""
    try:
        import jsonschema_rs

        registry = jsonschema_rs.Registry(list(resources)) if resources else None
        return jsonschema_rs.validator_for(
            schema, validate_formats=False, retriever=_refuse, registry=registry
        )
    except Exception:  # any failure leaves the decision to jsonschema
        return None


def surely_valid(compiled: Compiled, instance: Any) -> bool:
    """True only when the compiled validator says `instance` is valid."""
    if not ENABLED or compiled is None:
        return False
    try:
        return bool(compiled.is_valid(instance))
    except Exception:  # a value it cannot read: jsonschema decides
        return False
