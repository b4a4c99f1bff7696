"""Which kind of body each media type is, and which media types one method sends (parse/media.py)."""

from __future__ import annotations

from typing import Any

import pytest

from generator.parse.media import body_groups, media_kind


def no_refs(node: Any) -> tuple[Any, None]:
    return node, None


@pytest.mark.parametrize(
    ("media_type", "schema", "kind"),
    [
        ("application/json", {"type": "object"}, "json"),
        ("application/merge-patch+json", {}, "json"),
        ("application/x-www-form-urlencoded", {"type": "object"}, "form"),
        ("multipart/form-data", {"type": "object"}, "multipart"),
        ("text/plain", {"type": "string"}, "text"),
        ("text/csv; charset=utf-8", None, "text"),
        ("application/xml", {"type": "string"}, "text"),
        ("application/xml", {"type": "object"}, None),  # no XML encoder
        ("image/svg+xml", {"type": "string", "format": "binary"}, "binary"),
        ("application/octet-stream", {"type": "string", "format": "binary"}, "binary"),
        ("image/*", None, "binary"),
        ("application/pdf", {}, "binary"),
    ],
)
def test_media_kind(media_type: str, schema: Any, kind: str | None) -> None:
    media = {} if schema is None else {"schema": schema}
    assert media_kind(media_type, media, no_refs) == kind


LABEL = {"type": "object", "properties": {"name": {"type": "string"}}}
UPLOAD = {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}


@pytest.mark.parametrize(
    ("content", "has_files", "groups"),
    [
        # the same schema as JSON, form and multipart: one method, JSON first
        (
            {
                "multipart/form-data": {"schema": LABEL},
                "application/x-www-form-urlencoded": {"schema": LABEL},
                "application/json": {"schema": LABEL},
            },
            False,
            [["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]],
        ),
        # files: multipart first, JSON of the same schema still reachable with content_type=
        (
            {"application/json": {"schema": UPLOAD}, "multipart/form-data": {"schema": UPLOAD}},
            True,
            [["multipart/form-data", "application/json"]],
        ),
        # other arguments: a method each; binary types together; XML left out
        (
            {
                "image/png": {},
                "application/json": {"schema": LABEL},
                "image/jpeg": {},
                "text/plain": {"schema": {"type": "string"}},
                "application/xml": {"schema": LABEL},
            },
            False,
            [["application/json"], ["text/plain"], ["image/png", "image/jpeg"]],
        ),
        # two JSON schemas: two methods
        (
            {"application/json": {"schema": LABEL}, "application/vnd.v2+json": {"schema": UPLOAD}},
            False,
            [["application/json"], ["application/vnd.v2+json"]],
        ),
        ({"application/xml": {"schema": LABEL}}, False, []),
    ],
)
def test_body_groups(content: dict[str, Any], has_files: bool, groups: list[list[str]]) -> None:
    found = body_groups(content, no_refs, lambda media: has_files)
    assert [[media_type for media_type, _ in group] for group in found] == groups
