"""Request content: multipart bytes exactly as sent, files and iterators streamed, retries only
for bodies that can be sent again, text and binary bodies; through both clients over loopback."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator, Iterator

import pytest
from _harness import Harness, Timing, post
from _server import Reply, ScriptedServer
from runtime import RequestValidationError
from runtime._content import Content, binary_content, fields_content, text_content


def body_of(content: Content) -> bytes:
    return b"".join(content)


def boundary_of(content: Content) -> str:
    head, _, boundary = content.content_type.partition("; boundary=")
    assert head == "multipart/form-data"
    assert len(boundary) == 32
    return boundary


def test_multipart_parts_exactly() -> None:
    content = fields_content(
        "multipart/form-data",
        {"name": "Ada", "meta": {"a": 1, "b": "ü"}, "tags": ["x", "y"], "n": 3, "ok": True},
        files=[("file", ("a.txt", b"hi\r\n", "text/plain")), ("raw", b"\x00\x01")],
        encodings={"n": "text/plain"},
        operation_id="upload",
    )
    b = boundary_of(content)
    expected = (
        (
            f"--{b}\r\n"
            'Content-Disposition: form-data; name="name"\r\n\r\n'
            "Ada\r\n"
            f"--{b}\r\n"
            'Content-Disposition: form-data; name="meta"\r\n'
            "Content-Type: application/json\r\n\r\n"
            '{"a":1,"b":"ü"}\r\n'
            f"--{b}\r\n"
            'Content-Disposition: form-data; name="tags"\r\n\r\n'
            "x\r\n"
            f"--{b}\r\n"
            'Content-Disposition: form-data; name="tags"\r\n\r\n'
            "y\r\n"
            f"--{b}\r\n"
            'Content-Disposition: form-data; name="n"\r\n'
            "Content-Type: text/plain\r\n\r\n"
            "3\r\n"
            f"--{b}\r\n"
            'Content-Disposition: form-data; name="ok"\r\n\r\n'
            "true\r\n"
            f"--{b}\r\n"
            'Content-Disposition: form-data; name="file"; filename="a.txt"\r\n'
            "Content-Type: text/plain\r\n\r\n"
            "hi\r\n\r\n"
            f"--{b}\r\n"
            'Content-Disposition: form-data; name="raw"; filename="raw"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + b"\x00\x01\r\n"
        + f"--{b}--\r\n".encode()
    )
    assert body_of(content) == expected
    assert content.length == len(expected)
    assert content.replayable


def test_multipart_names_are_escaped_and_files_named_from_the_file(tmp_path: object) -> None:
    path = os.path.join(str(tmp_path), "photo.png")
    with open(path, "wb") as out:
        out.write(b"PNG")
    with open(path, "rb") as file:
        content = fields_content(
            "multipart/form-data",
            {'a"b\r\nc': "v"},
            files=[("img", file), ("skipped", None)],
            encodings={"img": "image/png"},
            operation_id="upload",
        )
        body = body_of(content)
    assert b'name="a%22b%0D%0Ac"' in body
    assert b'name="img"; filename="photo.png"\r\nContent-Type: image/png\r\n\r\nPNG\r\n' in body
    assert b"skipped" not in body


def test_a_seekable_file_is_streamed_in_chunks_and_rewound_for_each_pass() -> None:
    data = os.urandom(200_000)
    file = io.BytesIO(b"header" + data)
    file.seek(6)  # sent from where it stands
    content = binary_content(file, "application/octet-stream", "put")
    chunks = list(content)
    assert len(chunks) > 1 and max(len(c) for c in chunks) <= 64 * 1024
    assert b"".join(chunks) == data
    assert content.length == len(data) and content.replayable
    assert body_of(content) == data  # a retry sends it all again


def test_an_iterator_is_sent_once() -> None:
    content = binary_content(iter([b"a", b"b"]), "application/octet-stream", "put")
    assert not content.replayable and content.length is None
    assert body_of(content) == b"ab"
    with pytest.raises(RuntimeError, match="only once"):
        body_of(content)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("text", "put: the body must be bytes, a binary file or chunks, not str"),
        (12, "put: the body must be bytes, a binary file or an iterator of bytes, not int"),
    ],
)
def test_binary_bodies_refuse_what_is_not_binary(value: object, message: str) -> None:
    with pytest.raises(RequestValidationError) as err:
        binary_content(value, "application/octet-stream", "put")
    assert str(err.value) == message


def test_text_is_utf8_and_says_so() -> None:
    content = text_content("héllo", "text/plain", "say")
    assert content.content_type == "text/plain; charset=utf-8"
    assert body_of(content) == "héllo".encode()
    assert text_content("x", "text/csv; charset=utf-8", "say").content_type == (
        "text/csv; charset=utf-8"
    )


def test_fields_in_the_chosen_media_type() -> None:
    data = {"name": "Ada", "tags": ["x"]}
    as_json = fields_content("application/json", data, operation_id="op")
    assert (as_json.content_type, body_of(as_json)) == (
        "application/json",
        b'{"name":"Ada","tags":["x"]}',
    )
    as_form = fields_content("application/x-www-form-urlencoded", data, operation_id="op")
    assert body_of(as_form) == b"name=Ada&tags=%5B%22x%22%5D"
    with pytest.raises(RequestValidationError, match="op: file: files can be sent as multipart"):
        fields_content("application/json", data, files=[("file", b"x")], operation_id="op")


# -- over the wire ----------------------------------------------------------------------------


def test_a_file_body_goes_out_with_its_length_and_is_resent_on_retry(harness: Harness) -> None:
    harness.server.script(Reply(503), Reply(204))
    data = os.urandom(100_000)
    spec = post(idempotent=True, content=binary_content(io.BytesIO(data), "image/png", "put"))
    response = harness.request(spec)
    assert response.status_code == 204
    first, second = harness.server.requests
    for recorded in (first, second):
        assert recorded.body == data
        assert recorded.headers["content-type"] == "image/png"
        assert recorded.headers["content-length"] == str(len(data))


def _chunks() -> Iterator[bytes]:
    yield b"one,"
    yield b"two"


async def _achunks() -> AsyncIterator[bytes]:
    yield b"one,"
    await asyncio.sleep(0)
    yield b"two"


def test_an_iterator_body_is_chunked_and_never_retried(harness: Harness) -> None:
    harness.server.script(Reply(503))
    source = _achunks() if harness.kind == "async" else _chunks()
    spec = post(idempotent=True, content=binary_content(source, "text/csv", "put"))
    with pytest.raises(Exception, match="503"):
        harness.request(spec)
    [recorded] = harness.server.requests
    assert recorded.body == b"one,two"
    assert recorded.headers["transfer-encoding"] == "chunked"
    assert "content-length" not in recorded.headers


def test_the_sync_client_refuses_an_async_iterator(server: ScriptedServer, timing: Timing) -> None:
    harness = Harness("sync", server, timing)  # the async client takes both kinds
    spec = post(content=binary_content(_achunks(), "text/csv", "put"))
    with pytest.raises(RequestValidationError, match="put: an async iterator body needs the async"):
        harness.request(spec)
    assert harness.server.requests == []


def test_multipart_over_the_wire(harness: Harness) -> None:
    harness.server.script(Reply(204))
    content = fields_content(
        "multipart/form-data",
        {"title": "t"},
        files=[("file", ("f.bin", io.BytesIO(b"\x00" * 70_000), None))],
        operation_id="upload",
    )
    harness.request(post(content=content))
    [recorded] = harness.server.requests
    assert recorded.headers["content-type"] == content.content_type
    assert recorded.headers["content-length"] == str(content.length)
    assert recorded.body == body_of(content)
    assert recorded.body.count(b"\x00") == 70_000
