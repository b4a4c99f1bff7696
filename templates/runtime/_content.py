"""Request bodies other than a single JSON document or form: ``multipart/form-data``, binary
content (bytes, a file, an iterator of chunks) and text, and field bodies whose media type the
caller picks (``content_type=``).

A :class:`Content` is what the client sends: the ``Content-Type``, the length when it is known in
advance, and the bytes as chunks, produced afresh for every attempt. Files and iterators are
streamed, never read into memory whole. Bytes and seekable files can be sent again (a retry
rewinds the file to where it was); an iterator or a pipe can be read only once, so a call whose
body is one of those is never retried.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, TypeAlias
from urllib.parse import urlencode

from ._encoding import encode_query_value
from ._errors import RequestValidationError
from ._request import form_fields
from ._types import NOT_GIVEN

__all__ = [
    "BinaryContent",
    "Content",
    "FileInput",
    "binary_content",
    "fields_content",
    "text_content",
]

BinaryContent: TypeAlias = bytes | IO[bytes] | Iterable[bytes] | AsyncIterable[bytes]
"""Binary data to send: bytes, a file opened in binary mode, or an (async) iterator of chunks."""

FileInput: TypeAlias = (
    BinaryContent | tuple[str | None, BinaryContent] | tuple[str | None, BinaryContent, str | None]
)
"""A file part of a multipart body: its content, or ``(filename, content)``, or
``(filename, content, content_type)``."""

CHUNK_SIZE = 64 * 1024
_OCTET_STREAM = "application/octet-stream"
_JSON = "application/json"
_FORM = "application/x-www-form-urlencoded"
_MULTIPART = "multipart/form-data"


def _refuse(operation_id: str, message: str) -> RequestValidationError:
    return RequestValidationError(f"{operation_id}: {message}", operation_id=operation_id)


class _Source:
    """One run of body bytes: literal bytes, a file, or an iterator."""

    length: int | None = None
    replayable = True

    def chunks(self) -> Iterator[bytes]:
        raise NotImplementedError

    async def achunks(self) -> AsyncIterator[bytes]:
        # Files and sync iterators are read in the event loop: a hop to a thread per chunk
        # costs more than a local read, and pipes of the caller's own making are the caller's.
        for chunk in self.chunks():
            yield chunk


class _Bytes(_Source):
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.length = len(data)

    def chunks(self) -> Iterator[bytes]:
        if self.data:
            yield self.data


class _File(_Source):
    def __init__(self, file: IO[bytes]) -> None:
        self.file = file
        self.start: int | None = None
        try:
            if file.seekable():
                self.start = file.tell()
                self.length = file.seek(0, os.SEEK_END) - self.start
                file.seek(self.start)
        except (OSError, ValueError):
            self.start = None
        self.replayable = self.start is not None
        self.used = False

    def chunks(self) -> Iterator[bytes]:
        if self.start is not None:
            self.file.seek(self.start)
        elif self.used:
            raise RuntimeError("a file that cannot seek can be sent only once")
        self.used = True
        while chunk := self.file.read(CHUNK_SIZE):
            if not isinstance(chunk, bytes):
                raise TypeError("the file must be opened in binary mode ('rb')")
            yield chunk


class _Iterator(_Source):
    replayable = False

    def __init__(self, chunks: Iterable[bytes] | AsyncIterable[bytes], operation_id: str) -> None:
        self.source = chunks
        self.operation_id = operation_id
        self.used = False

    def _claim(self) -> None:
        if self.used:
            raise RuntimeError("an iterator body can be sent only once")
        self.used = True

    @staticmethod
    def _checked(chunk: object) -> bytes:
        if isinstance(chunk, (bytes, bytearray, memoryview)):
            return bytes(chunk)
        raise TypeError(f"body chunks must be bytes, not {type(chunk).__name__}")

    def chunks(self) -> Iterator[bytes]:
        if not isinstance(self.source, Iterable):
            raise _refuse(
                self.operation_id,
                "an async iterator body needs the async client; pass bytes, a file or an "
                "iterator of bytes to the sync client",
            )
        self._claim()
        for chunk in self.source:
            yield self._checked(chunk)

    async def achunks(self) -> AsyncIterator[bytes]:
        if isinstance(self.source, AsyncIterable):
            self._claim()
            async for chunk in self.source:
                yield self._checked(chunk)
        else:
            async for chunk in super().achunks():
                yield chunk


def _source(value: object, what: str, operation_id: str) -> _Source:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return _Bytes(bytes(value))
    if isinstance(value, str):
        raise _refuse(operation_id, f"{what} must be bytes, a binary file or chunks, not str")
    if hasattr(value, "read"):
        return _File(value)  # type: ignore[arg-type]
    if isinstance(value, (Iterable, AsyncIterable)):
        return _Iterator(value, operation_id)
    raise _refuse(
        operation_id,
        f"{what} must be bytes, a binary file or an iterator of bytes, not {type(value).__name__}",
    )


@dataclass(frozen=True, slots=True)
class Content:
    """A request body: ``content_type`` (the header, boundary included) and its bytes."""

    content_type: str
    segments: tuple[_Source, ...]

    @property
    def length(self) -> int | None:
        """The body's size in bytes, when every part of it has a known size."""
        total = 0
        for segment in self.segments:
            if segment.length is None:
                return None
            total += segment.length
        return total

    @property
    def replayable(self) -> bool:
        """Whether the body can be sent again (for a retry)."""
        return all(segment.replayable for segment in self.segments)

    def as_bytes(self) -> bytes | None:
        """The whole body when it is only literal bytes (sent with no streaming), else None."""
        if all(isinstance(segment, _Bytes) for segment in self.segments):
            return b"".join(segment.data for segment in self.segments)  # type: ignore[attr-defined]
        return None

    def __iter__(self) -> Iterator[bytes]:
        for segment in self.segments:
            yield from segment.chunks()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for segment in self.segments:
            async for chunk in segment.achunks():
                yield chunk


def binary_content(value: object, content_type: str, operation_id: str) -> Content:
    """A binary body: bytes, a binary file (streamed from where it stands) or chunks."""
    return Content(content_type, (_source(value, "the body", operation_id),))


def text_content(value: object, content_type: str, operation_id: str) -> Content:
    """A text body, sent as UTF-8 (said in the Content-Type when the spec's type has no charset)."""
    if not isinstance(value, str):
        raise _refuse(operation_id, f"the body must be str, not {type(value).__name__}")
    if "charset=" not in content_type.lower():
        content_type += "; charset=utf-8"
    return Content(content_type, (_Bytes(value.encode("utf-8")),))


def _json_bytes(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fields_content(
    content_type: str,
    data: Mapping[str, object],
    *,
    files: Sequence[tuple[str, object]] = (),
    encodings: Mapping[str, str] | None = None,
    operation_id: str,
) -> Content:
    """A body of named fields (validated, JSON-ready ``data``, plus ``files`` as (wire name,
    :data:`FileInput` or a list of them)) in the media type ``content_type``: JSON, a form or
    multipart. ``encodings`` are the spec's per-field ``encoding.contentType``."""
    given = [(name, value) for name, value in files if value is not NOT_GIVEN and value is not None]
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == _MULTIPART:
        return _multipart(data, given, encodings or {}, operation_id)
    if given:
        names = ", ".join(name for name, _ in given)
        raise _refuse(operation_id, f"{names}: files can be sent as {_MULTIPART} only")
    if mime == _FORM:
        encoded = urlencode(form_fields(data)).encode("ascii")
        return Content(content_type, (_Bytes(encoded),))
    if mime == _JSON or mime.endswith("+json"):
        return Content(content_type, (_Bytes(_json_bytes(dict(data))),))
    raise _refuse(operation_id, f"cannot send fields as {content_type!r}")


# -- multipart/form-data (RFC 7578) ---------------------------------------------------------


def _quoted(text: str) -> str:
    # What browsers do (WHATWG HTML, "multipart/form-data encoding algorithm"): the quote and line
    # breaks percent-encoded, everything else as UTF-8.
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def _part_head(boundary: str, name: str, filename: str | None, content_type: str | None) -> bytes:
    disposition = f'form-data; name="{_quoted(name)}"'
    if filename is not None:
        disposition += f'; filename="{_quoted(filename)}"'
    lines = [f"--{boundary}", f"Content-Disposition: {disposition}"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8")


def _file_part(
    name: str, value: object, declared: str | None, operation_id: str
) -> tuple[str, _Source, str]:
    """(filename, content, content type) of one file part."""
    filename: str | None = None
    content_type: str | None = None
    content: object = value
    if isinstance(value, tuple):
        if len(value) not in (2, 3):
            raise _refuse(
                operation_id, f"{name}: a file is (filename, content) or (filename, content, type)"
            )
        filename, content = value[0], value[1]
        content_type = value[2] if len(value) == 3 else None
    if filename is None:
        path = getattr(content, "name", None)
        # Many servers take a part for a file only when it has a filename: the field's name then.
        filename = os.path.basename(path) if isinstance(path, str) and path else name
    declared = declared if declared and "*" not in declared and "," not in declared else None
    chosen = content_type or declared or _OCTET_STREAM
    return filename, _source(content, name, operation_id), chosen


def _value_parts(
    name: str, value: object, declared: str | None
) -> Iterator[tuple[bytes, str | None]]:
    """(payload, content type) of the parts a non-file field becomes: a list of scalars one part
    per item (OpenAPI: an array's parts follow its items), structured data as JSON, a scalar as
    text."""
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        for item in value:
            yield from _value_parts(name, item, declared)
        return
    if value is None:
        return  # multipart cannot say null; leaving the part out is the faithful choice
    declared_json = declared is not None and (
        declared.split(";")[0].strip() == _JSON or declared.split(";")[0].endswith("+json")
    )
    if isinstance(value, (dict, list)) or declared_json:
        yield _json_bytes(value), declared or _JSON
    else:
        yield encode_query_value(value).encode("utf-8"), declared


def _multipart(
    data: Mapping[str, object],
    files: list[tuple[str, object]],
    encodings: Mapping[str, str],
    operation_id: str,
) -> Content:
    boundary = secrets.token_hex(16)
    segments: list[_Source] = []
    pending = b""
    for name, value in data.items():
        for payload, content_type in _value_parts(name, value, encodings.get(name)):
            pending += _part_head(boundary, name, None, content_type) + payload + b"\r\n"
    for name, value in files:
        for item in value if isinstance(value, list) else [value]:
            filename, source, content_type = _file_part(
                name, item, encodings.get(name), operation_id
            )
            segments.append(_Bytes(pending + _part_head(boundary, name, filename, content_type)))
            segments.append(source)
            pending = b"\r\n"
    segments.append(_Bytes(pending + f"--{boundary}--\r\n".encode("ascii")))
    return Content(f"{_MULTIPART}; boundary={boundary}", tuple(segments))
