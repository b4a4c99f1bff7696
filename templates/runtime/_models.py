"""Bases of every generated model and enum: tolerant of what a newer server may send.

* :class:`ApiModel` keeps unknown fields (``extra="allow"``: readable as attributes and in
  ``model_extra``), accepts both wire names and Python names, and serialises by wire name.
* :class:`OpenEnum` accepts values the spec did not list: an unknown ``"paused"`` becomes a
  pseudo-member whose ``.value`` is ``"paused"``, instead of failing the whole response. Known
  values still compare and hash like their members; pseudo-members are cached so ``is`` works.
"""

from __future__ import annotations

import enum
import threading
from collections.abc import Callable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["ApiModel", "OpenEnum", "discriminate"]


class ApiModel(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        # Spec patterns are ECMA-262 regexes; Python's engine is the closer match (lookarounds).
        regex_engine="python-re",
        protected_namespaces=(),
    )

    # Wire names that may be left out but not sent as null (set on request-side models only).
    __non_nullable__: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Only a model that names non-nullable fields gets the check: a Python validator on a
        # model takes its JSON off pydantic's native path (decoding a response ~2x slower).
        # Set here, during class creation, pydantic collects it like a decorated method.
        if cls.__dict__.get("__non_nullable__"):
            check = model_validator(mode="before")(_refuse_forbidden_nulls)
            setattr(cls, "_refuse_forbidden_nulls", check)  # noqa: B010
        super().__init_subclass__(**kwargs)

    def to_wire(self) -> dict[str, Any]:
        """JSON-ready data with the API's field names; fields never set are left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _refuse_forbidden_nulls(cls: type[ApiModel], data: Any) -> Any:
    if isinstance(data, dict):
        nulls = sorted(k for k in cls.__non_nullable__ if k in data and data[k] is None)
        if nulls:
            raise ValueError(f"null is not allowed for {', '.join(nulls)}")
    return data


_PSEUDO_LOCK = threading.Lock()


class OpenEnum(enum.Enum):
    """An enum that accepts unknown values (see the module docstring); subclasses mix in str/int."""

    _unknown_: ClassVar[dict[Any, Any]]

    @classmethod
    def _missing_(cls, value: object) -> Any:
        base: Any = getattr(cls, "_member_type_", object)
        if base is object or not isinstance(value, base):
            return None
        with _PSEUDO_LOCK:
            cache = cls.__dict__.get("_unknown_")
            if cache is None:
                cache = {}
                type.__setattr__(cls, "_unknown_", cache)
            member = cache.get(value)
            if member is None:
                member = base.__new__(cls, value)
                member._name_ = f"UNKNOWN({value!r})"
                member._value_ = value
                cache[value] = member
            return member

    @property
    def is_known(self) -> bool:
        """False for a value the spec did not list (a newer server's addition)."""
        return self._name_ in type(self).__members__

    def __str__(self) -> str:
        return str(self._value_)


def discriminate(prop: str, tags: dict[str, str]) -> Callable[[Any], str | None]:
    """The callable discriminator of a tagged union: the wire value of ``prop`` (read from raw
    data or from a model, by wire name) mapped to the variant's tag; None when it is missing or
    unknown, which pydantic reports as a validation error naming the union."""

    def pick(value: Any) -> str | None:
        if isinstance(value, dict):
            raw = value.get(prop)
        elif isinstance(value, BaseModel):
            raw = value.model_dump(by_alias=True).get(prop)
        else:
            raw = getattr(value, prop, None)
        if isinstance(raw, enum.Enum):
            raw = raw.value
        return tags.get(str(raw)) if raw is not None else None

    return pick
