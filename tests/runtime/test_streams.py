"""Answers read as they arrive: the event-stream parser against the WHATWG rules, event and binary
streams through both clients over loopback, and answers typed by their status."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from _harness import Harness, get
from _server import Reply
from pydantic import BaseModel
from runtime import (
    ApiStatusError,
    AsyncApiClient,
    AsyncBinaryStream,
    AsyncEventStream,
    BinaryStream,
    ByStatus,
    EventStream,
    ResponseValidationError,
    SyncApiClient,
)
from runtime._streaming import SSEDecoder


def decode(*chunks: str) -> list[tuple[str, str, str | None, int | None]]:
    decoder = SSEDecoder()
    out = [raw for chunk in chunks for raw in decoder.feed(chunk)] + decoder.close()
    return [(raw.event, raw.data, raw.id, raw.retry) for raw in out]


@pytest.mark.parametrize(
    ("chunks", "events"),
    [
        # data lines joined with LF; one leading space dropped, a second one kept
        (["data: a\ndata:  b\ndata\n\n"], [("message", "a\n b\n", None, None)]),
        # CRLF, CR and LF all end lines, also a CRLF split between chunks
        (
            ["data: 1\r\n\r", "\ndata: 2\r\rdata: 3\n\n"],
            [("message", "1", None, None)] * 1
            + [("message", "2", None, None), ("message", "3", None, None)],
        ),
        # comments, unknown fields, a field without a colon
        ([": keep-alive\nfoo: bar\ndata\n\n"], [("message", "", None, None)]),
        # event type is per event; id persists; retry only when all digits
        (
            ["event: add\nid: 7\nretry: 1500\ndata: x\n\ndata: y\nretry: 1.5\n\n"],
            [("add", "x", "7", 1500), ("message", "y", "7", None)],
        ),
        # an id with NUL is ignored; an empty id clears it
        (
            ["id: 1\0\ndata: a\n\nid\ndata: b\n\n"],
            [("message", "a", None, None), ("message", "b", "", None)],
        ),
        # no data: nothing dispatched (but the event type is reset)
        (["event: ping\n\ndata: z\n\n"], [("message", "z", None, None)]),
        # a BOM at the start; the unfinished last event is dropped
        (["\ufeffdata: a\n\n", "data: cut"], [("message", "a", None, None)]),
        # a final CR still ends the blank line
        (["data: a\n\r"], [("message", "a", None, None)]),
        # "data:" with nothing after the colon is an empty line of data
        (["data:\ndata:\n\n"], [("message", "\n", None, None)]),
    ],
)
def test_sse_wire_format(
    chunks: list[str], events: list[tuple[str, str, str | None, int | None]]
) -> None:
    assert decode(*chunks) == events


def test_sse_one_character_at_a_time_is_the_same() -> None:
    text = 'event: e\r\nid: 3\r\ndata: {"a":\r\ndata: 1}\r\n\r\n: c\r\ndata: end\r\r'
    assert (
        decode(*text)
        == decode(text)
        == [
            ("e", '{"a":\n1}', "3", None),
            ("message", "end", "3", None),
        ]
    )


class Chunk(BaseModel):
    n: int


SSE = Reply(
    200,
    b'data: {"n": 1}\n\nevent: done\nid: 9\ndata: {"n": 2}\n\n',
    {"Content-Type": "text/event-stream"},
)


def stream(harness: Harness, spec: Any, decode: Any, consume: Any) -> Any:
    """Open the answer as a stream through the harness's client and hand it to ``consume``."""
    if harness.kind == "sync":
        with (
            SyncApiClient(**harness.client_kwargs()) as client,
            client.stream(spec, decode, None) as opened,
        ):
            return consume(opened)

    async def run() -> Any:
        async with (
            AsyncApiClient(**harness.client_kwargs()) as client,
            await client.stream(spec, decode, None) as opened,
        ):
            return await consume(opened)

    return asyncio.run(run())


def test_typed_events(harness: Harness) -> None:
    harness.server.script(SSE)
    factory = (EventStream if harness.kind == "sync" else AsyncEventStream).of(Chunk)

    def take(events: Any) -> Any:
        if harness.kind == "sync":
            return [(e.event, e.data, e.id, e.text) for e in events], events.last_event_id

        async def run() -> Any:
            return [(e.event, e.data, e.id, e.text) async for e in events], events.last_event_id

        return run()

    seen, last_id = stream(harness, get(), factory, take)
    assert seen == [
        ("message", Chunk(n=1), None, '{"n": 1}'),
        ("done", Chunk(n=2), "9", '{"n": 2}'),
    ]
    assert last_id == "9"
    assert harness.server.requests[0].headers["accept"] == "application/json"


def test_an_event_that_does_not_fit_is_a_located_error(harness: Harness) -> None:
    harness.server.script(
        Reply(200, b'data: {"n": "x"}\n\n', {"Content-Type": "text/event-stream"})
    )
    factory = (EventStream if harness.kind == "sync" else AsyncEventStream).of(Chunk)

    def take(events: Any) -> Any:
        if harness.kind == "sync":
            return list(events)

        async def run() -> Any:
            return [e async for e in events]

        return run()

    with pytest.raises(
        ResponseValidationError, match=r"event 'message' does not match Chunk .*: n: "
    ):
        stream(harness, get(), factory, take)


def test_binary_download_in_chunks(harness: Harness, tmp_path: Any) -> None:
    data = bytes(range(256)) * 1000
    harness.server.script(Reply(200, data, {"Content-Type": "application/pdf"}))
    target = tmp_path / "out.pdf"
    factory = BinaryStream if harness.kind == "sync" else AsyncBinaryStream

    def take(download: Any) -> Any:
        assert download.content_type == "application/pdf"
        assert download.content_length == len(data)
        return download.write_to(target)

    assert stream(harness, get(), factory, take) == len(data)
    assert target.read_bytes() == data


def test_an_error_status_raises_before_any_stream(harness: Harness) -> None:
    harness.server.script(Reply.json({"message": "nope"}, 404))
    factory = BinaryStream if harness.kind == "sync" else AsyncBinaryStream
    with pytest.raises(ApiStatusError) as err:
        stream(harness, get(), factory, lambda s: pytest.fail("no stream expected"))
    assert err.value.status_code == 404 and err.value.body == {"message": "nope"}


def test_a_stream_is_retried_like_any_call(harness: Harness) -> None:
    harness.server.script(Reply(503), Reply(200, b"payload", {"Content-Type": "application/zip"}))
    factory = BinaryStream if harness.kind == "sync" else AsyncBinaryStream
    assert stream(harness, get(), factory, lambda s: s.read()) == b"payload"
    assert len(harness.server.requests) == 2


class Job(BaseModel):
    id: str


class Accepted(BaseModel):
    queue: int


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        (Reply.json({"id": "j1"}, 200), Job(id="j1")),
        (Reply.json({"queue": 3}, 202), Accepted(queue=3)),
        (Reply(204), None),
        (Reply.json({"queue": 4}, 203), Accepted(queue=4)),  # undocumented: the fallback
    ],
)
def test_answers_typed_by_status(harness: Harness, reply: Reply, expected: object) -> None:
    harness.server.script(reply)
    by_status = ByStatus({200: Job, 202: Accepted, 204: None}, Job | Accepted | None)
    assert harness.call(get(), by_status).data == expected
