"""What kind of body each media type of a `requestBody` is, and which of them one method can send.

A method sends one kind of body; the media types it can send are those that take the same arguments
(JSON, form and multipart with one schema; text types; binary types), the caller picking one with
`content_type=`. A media type taking other arguments gets a method of its own (`<method>_<kind>`),
so every documented media type is reachable. Preference, for the first (the operation's own
method): JSON, then a form, multipart, text, binary; multipart first when its fields hold files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from generator.ir import BodyKind

Deref = Callable[[Any], tuple[Any, Any]]

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
KINDS: tuple[BodyKind, ...] = ("json", "form", "multipart", "text", "binary")


def media_kind(media_type: str, media: Any, deref: Deref) -> BodyKind | None:
    """The kind of body a media type is; None for a structured type the generator cannot encode
    (XML and the like)."""
    mime = media_type.split(";", 1)[0].strip().lower()
    if mime == JSON or mime.endswith("+json"):
        return "json"
    if mime in (FORM, MULTIPART):
        return "form" if mime == FORM else "multipart"
    schema, _ = deref(media.get("schema") if isinstance(media, Mapping) else None)
    structured = isinstance(schema, Mapping) and (
        schema.get("type") in ("object", "array") or "properties" in schema
    )
    if structured and not mime.startswith("text/"):
        return None
    textual = mime.startswith("text/") or mime.endswith(("/xml", "+xml"))
    binary = isinstance(schema, Mapping) and schema.get("format") == "binary"
    return "text" if textual and not binary else "binary"


def body_groups(
    content: Mapping[str, Any], deref: Deref, has_files: Callable[[Any], bool]
) -> list[list[tuple[str, BodyKind]]]:
    """The media types of a body that one method each sends, in order of preference (the first is
    the operation's own method); media types the generator cannot encode are left out."""
    kinds: list[tuple[str, BodyKind]] = []
    for media_type, media in content.items():
        kind = media_kind(str(media_type), media, deref)
        if kind is not None:
            kinds.append((str(media_type), kind))
    with_files = any(k == "multipart" and has_files(content[m]) for m, k in kinds)
    order = ("multipart", *KINDS) if with_files else KINDS
    kinds.sort(key=lambda pair: order.index(pair[1]))
    groups: list[tuple[object, list[tuple[str, BodyKind]]]] = []
    for media_type, kind in kinds:
        schema = (content[media_type] or {}).get("schema", {})
        family = "fields" if kind in ("json", "form", "multipart") else kind
        key = (family, schema) if family == "fields" else (family,)
        for existing, members in groups:
            if existing == key:
                members.append((media_type, kind))
                break
        else:
            groups.append((key, [(media_type, kind)]))
    return [members for _, members in groups]
