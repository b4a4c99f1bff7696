"""Request bodies and answers beyond one JSON document, through generated clients over the mock.

The packages are generated from the `request_bodies` and `responses` golden specs into a temporary
directory and driven, sync and async, against `generator.mock.MockServer` serving the same specs:
the mock validates every request (openapi-core: multipart parts, binary and text bodies, media
types) and answers binary, text and event-stream bodies. The assertions are on what went over the
wire, byte for byte: multipart boundaries and parts, Content-Type and Content-Length headers.
"""

from __future__ import annotations

import asyncio
import importlib
import io
import json
import sys
from collections.abc import AsyncIterator, Iterator
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import pytest

from generator.mock import MockServer, RecordedRequest, Scripted
from generator.pipeline import build
from generator.write import write_tree

GOLDEN = Path(__file__).parent / "golden"
UPLOADS = GOLDEN / "request_bodies" / "spec.yaml"
ANSWERS = GOLDEN / "responses" / "spec.yaml"
MODES = ("sync", "async")


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    out = tmp_path_factory.mktemp("media_packages")
    names = []
    for spec in (UPLOADS, ANSWERS):
        api, files = build(spec)
        write_tree(out / api.package, files)
        names.append(api.package)
    sys.path[:0] = [str(out / name) for name in names]
    try:
        yield {name: importlib.import_module(name) for name in names}
    finally:
        for name in names:
            sys.path.remove(str(out / name))
            for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[module]


@pytest.fixture(scope="module")
def uploads_mock() -> Iterator[MockServer]:
    with MockServer(UPLOADS) as mock:
        yield mock


@pytest.fixture(scope="module")
def answers_mock() -> Iterator[MockServer]:
    with MockServer(ANSWERS) as mock:
        yield mock


def run(mode: str, make: Any, use: Any) -> Any:
    """`use(client)` with a fresh sync or async client (`use` returns a coroutine for async)."""
    if mode == "sync":
        with make(sync=True) as client:
            return use(client)

    async def main() -> Any:
        async with make(sync=False) as client:
            return await use(client)

    return asyncio.run(main())


@pytest.fixture
def media(packages: dict[str, Any], uploads_mock: MockServer) -> Any:
    uploads_mock.clear()
    pkg = packages["media_uploads"]

    def make(sync: bool) -> Any:
        cls = pkg.MediaClient if sync else pkg.AsyncMediaClient
        return cls(token="t0k", base_url=uploads_mock.url, max_retries=0)

    return make


@pytest.fixture
def jobs(packages: dict[str, Any], answers_mock: MockServer) -> Any:
    answers_mock.clear()
    pkg = packages["job_answers"]

    def make(sync: bool) -> Any:
        cls = pkg.JobsClient if sync else pkg.AsyncJobsClient
        return cls(base_url=answers_mock.url, max_retries=0)

    return make


def only(mock: MockServer) -> RecordedRequest:
    [record] = mock.requests
    assert record.valid, record.errors
    return record


def parts_of(record: RecordedRequest) -> list[tuple[dict[str, str], bytes]]:
    """The multipart body as (headers, payload) per part, checking the framing on the way."""
    content_type = record.headers["Content-Type"]
    head, _, boundary = content_type.partition("; boundary=")
    assert head == "multipart/form-data" and boundary
    body = record.body
    assert body.startswith(f"--{boundary}\r\n".encode())
    assert body.endswith(f"\r\n--{boundary}--\r\n".encode())
    chunks = body[: -len(f"\r\n--{boundary}--\r\n")].split(f"--{boundary}\r\n".encode())[1:]
    out = []
    for chunk in chunks:
        raw_head, _, payload = chunk.partition(b"\r\n\r\n")
        message = BytesParser(policy=HTTP).parsebytes(raw_head + b"\r\n\r\n")
        out.append((dict(message.items()), payload.removesuffix(b"\r\n")))
    return out


# -- request bodies ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_multipart_upload_parts_on_the_wire(
    mode: str, media: Any, uploads_mock: MockServer
) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256))

    def use(client: Any) -> Any:
        return client.files.upload(
            file=("report.csv", io.BytesIO(b"a,b\r\n1,2\r\n"), "text/csv"),
            purpose="avatar",
            metadata={"label": "Q1", "rank": 2},
            tags=["x", "y"],
            thumbnails=[png, ("small.png", png[:20])],
            note="**hi**",
        )

    stored = run(mode, media, use)
    assert (stored.id, stored.size) == ("file_1", 3)
    record = only(uploads_mock)
    assert record.headers["Content-Length"] == str(len(record.body))
    assert parts_of(record) == [
        ({"Content-Disposition": 'form-data; name="purpose"'}, b"avatar"),
        (
            {
                "Content-Disposition": 'form-data; name="metadata"',
                "Content-Type": "application/json",
            },
            b'{"label":"Q1","rank":2}',
        ),
        ({"Content-Disposition": 'form-data; name="tags"'}, b"x"),
        ({"Content-Disposition": 'form-data; name="tags"'}, b"y"),
        (
            {"Content-Disposition": 'form-data; name="note"', "Content-Type": "text/markdown"},
            b"**hi**",
        ),
        (
            {
                "Content-Disposition": 'form-data; name="file"; filename="report.csv"',
                "Content-Type": "text/csv",
            },
            b"a,b\r\n1,2\r\n",
        ),
        (
            {
                "Content-Disposition": 'form-data; name="thumbnails"; filename="thumbnails"',
                "Content-Type": "image/png",
            },
            png,
        ),
        (
            {
                "Content-Disposition": 'form-data; name="thumbnails"; filename="small.png"',
                "Content-Type": "image/png",
            },
            png[:20],
        ),
    ]


@pytest.mark.parametrize("mode", MODES)
def test_multipart_fields_are_validated_before_sending(
    mode: str, media: Any, uploads_mock: MockServer, packages: dict[str, Any]
) -> None:
    error = packages["media_uploads"].RequestValidationError

    def use(client: Any) -> Any:
        return client.files.upload(file=b"x", purpose="avatar", note="x" * 21)

    with pytest.raises(
        error, match="uploadFile: invalid arguments: note: String should have at most 20"
    ):
        run(mode, media, use)
    assert uploads_mock.requests == []


@pytest.mark.parametrize("mode", MODES)
def test_the_mock_refuses_a_multipart_body_missing_a_required_part(
    mode: str, packages: dict[str, Any], uploads_mock: MockServer
) -> None:
    uploads_mock.clear()
    import httpx

    response = httpx.post(
        uploads_mock.url + "/files",
        files={"purpose": (None, b"avatar")},
        headers={"Authorization": "Bearer x"},
    )
    assert response.status_code == 400
    assert "file" in response.json()["message"]


def test_the_mock_refuses_a_media_type_the_body_does_not_document(uploads_mock: MockServer) -> None:
    uploads_mock.clear()
    import httpx

    response = httpx.put(
        uploads_mock.url + "/files/f1/content",
        content=b"a,b",
        headers={"Authorization": "Bearer x", "Content-Type": "text/csv"},
    )
    assert response.status_code == 400
    assert response.json()["message"] == (
        "body: content type 'text/csv' is not accepted (expected application/octet-stream)"
    )


def _chunks() -> Iterator[bytes]:
    yield b"part one, "
    yield b"part two"


async def _achunks() -> AsyncIterator[bytes]:
    yield b"part one, "
    yield b"part two"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("source", ["bytes", "file", "iterator"])
def test_binary_body_streamed(mode: str, source: str, media: Any, uploads_mock: MockServer) -> None:
    data = b"part one, part two"

    def body() -> Any:
        if source == "bytes":
            return data
        if source == "file":
            return io.BytesIO(data)
        return _achunks() if mode == "async" else _chunks()

    def use(client: Any) -> Any:
        return client.files.put_content("f1", body=body())

    assert run(mode, media, use) is None
    record = only(uploads_mock)
    assert record.body == data
    assert record.headers["Content-Type"] == "application/octet-stream"
    if source == "iterator":
        assert record.headers["Transfer-Encoding"] == "chunked"
        assert "Content-Length" not in record.headers
    else:
        assert record.headers["Content-Length"] == str(len(data))


@pytest.mark.parametrize("mode", MODES)
def test_binary_body_in_the_chosen_media_type(
    mode: str, media: Any, uploads_mock: MockServer
) -> None:
    def use(client: Any) -> Any:
        return client.images.upload(body=b"\xff\xd8\xff", content_type="image/jpeg")

    assert run(mode, media, use).id == "file_1"
    record = only(uploads_mock)
    assert (record.headers["Content-Type"], record.body) == ("image/jpeg", b"\xff\xd8\xff")


@pytest.mark.parametrize("mode", MODES)
def test_a_media_type_range_makes_the_caller_name_the_type(
    mode: str, media: Any, uploads_mock: MockServer, packages: dict[str, Any]
) -> None:
    import inspect

    signature = inspect.signature(
        packages["media_uploads"].resources.images.ImagesResource.put_avatar
    )
    assert signature.parameters["content_type"].default is inspect.Parameter.empty

    def use(client: Any) -> Any:
        return client.images.put_avatar(body=b"RIFF", content_type="image/webp")

    run(mode, media, use)
    record = only(uploads_mock)
    assert (record.headers["Content-Type"], record.body) == ("image/webp", b"RIFF")


@pytest.mark.parametrize("mode", MODES)
def test_text_body(mode: str, media: Any, uploads_mock: MockServer) -> None:
    def use(client: Any) -> Any:
        return client.notes.create(body="Remember the mïlk.")

    run(mode, media, use)
    record = only(uploads_mock)
    assert record.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert record.body == "Remember the mïlk.".encode()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        (None, ("application/json", b'{"name":"urgent","color":"red"}')),
        (
            "application/x-www-form-urlencoded",
            ("application/x-www-form-urlencoded", b"name=urgent&color=red"),
        ),
    ],
)
def test_one_body_in_several_media_types(
    mode: str,
    content_type: str | None,
    expected: tuple[str, bytes],
    media: Any,
    uploads_mock: MockServer,
) -> None:
    extra = {"content_type": content_type} if content_type else {}

    def use(client: Any) -> Any:
        return client.labels.create(name="urgent", color="red", **extra)

    assert run(mode, media, use).id == "lbl_1"
    record = only(uploads_mock)
    assert (record.headers["Content-Type"], record.body) == expected


@pytest.mark.parametrize("mode", MODES)
def test_one_body_as_multipart(mode: str, media: Any, uploads_mock: MockServer) -> None:
    def use(client: Any) -> Any:
        return client.labels.create(name="urgent", content_type="multipart/form-data")

    run(mode, media, use)
    assert parts_of(only(uploads_mock)) == [
        ({"Content-Disposition": 'form-data; name="name"'}, b"urgent")
    ]


@pytest.mark.parametrize("mode", MODES)
def test_media_types_with_other_arguments_get_their_own_method(
    mode: str, media: Any, uploads_mock: MockServer
) -> None:
    def use(client: Any) -> Any:
        if mode == "sync":
            client.documents.put("d1", title="T")
            return client.documents.put_binary("d1", body=b"%PDF-1.7")

        async def go() -> Any:
            await client.documents.put("d1", title="T")
            return await client.documents.put_binary("d1", body=b"%PDF-1.7")

        return go()

    run(mode, media, use)
    first, second = uploads_mock.requests
    assert first.valid and second.valid, (first.errors, second.errors)
    assert (first.headers["Content-Type"], first.body) == ("application/json", b'{"title":"T"}')
    assert (second.headers["Content-Type"], second.body) == ("application/pdf", b"%PDF-1.7")


# -- answers -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("code", "expected"),
    [("200", ("Job", "job_1")), ("202", ("Queued", 3)), ("204", ("NoneType", None))],
)
def test_answer_typed_by_the_status_sent(
    mode: str, code: str, expected: tuple[str, object], jobs: Any
) -> None:
    def use(client: Any) -> Any:
        return client.jobs.with_raw_response.submit(
            task="t", request_options={"extra_headers": {"Prefer": f"code={code}"}}
        )

    raw = run(mode, jobs, use)
    assert raw.status_code == int(code)
    data = raw.data
    value = getattr(data, "id", None) or getattr(data, "position", None)
    assert (type(data).__name__, value) == expected


@pytest.mark.parametrize("mode", MODES)
def test_default_is_the_answer_when_no_2xx_is_documented(mode: str, jobs: Any) -> None:
    def use(client: Any) -> Any:
        return client.jobs.get("job_1")

    assert run(mode, jobs, use).state == "done"


@pytest.mark.parametrize("mode", MODES)
def test_default_is_the_error_model_beside_2xx(
    mode: str, jobs: Any, packages: dict[str, Any], answers_mock: MockServer
) -> None:
    pkg = packages["job_answers"]
    answers_mock.script(Scripted(status=409, body={"title": "busy", "status": 409}))

    def use(client: Any) -> Any:
        return client.jobs.submit(task="t")

    with pytest.raises(pkg.ConflictError) as err:
        run(mode, jobs, use)
    assert isinstance(err.value.error, pkg.models.Problem)
    assert err.value.error.title == "busy"


@pytest.mark.parametrize("mode", MODES)
def test_text_answer(mode: str, jobs: Any, answers_mock: MockServer) -> None:
    def use(client: Any) -> Any:
        return client.jobs.log("job_1")

    assert run(mode, jobs, use) == "started\nfinished\n"
    assert only(answers_mock).headers["Accept"] == "text/plain"


@pytest.mark.parametrize("mode", MODES)
def test_binary_answer_streamed_to_a_file(
    mode: str, jobs: Any, answers_mock: MockServer, tmp_path: Path
) -> None:
    data = b"%PDF-1.7\n" + bytes(range(256)) * 512
    answers_mock.script(
        Scripted(status=200, headers={"Content-Type": "application/pdf"}, body=data)
    )
    target = tmp_path / "out.pdf"

    def use(client: Any) -> Any:
        if mode == "sync":
            with client.jobs.download("job_1") as stream:
                chunks = [len(c) for c in stream.iter_bytes(4096)]
            return chunks

        async def go() -> Any:
            stream = await client.jobs.download("job_1")
            async with stream:
                return [len(c) async for c in stream.iter_bytes(4096)]

        return go()

    sizes = run(mode, jobs, use)
    assert sum(sizes) == len(data) and max(sizes) <= 4096 and len(sizes) > 10
    answers_mock.clear()
    answers_mock.script(
        Scripted(status=200, headers={"Content-Type": "application/pdf"}, body=data)
    )

    def save(client: Any) -> Any:
        stream = client.jobs.download("job_1")
        return stream.write_to(target) if mode == "sync" else _awrite(stream, target)

    assert run(mode, jobs, save) == len(data)
    assert target.read_bytes() == data
    assert only(answers_mock).headers["Accept"] == "application/pdf"


async def _awrite(stream: Any, target: Path) -> int:
    return int(await (await stream).write_to(target))


@pytest.mark.parametrize("mode", MODES)
def test_binary_answer_error_is_raised_not_streamed(
    mode: str, jobs: Any, packages: dict[str, Any]
) -> None:
    def use(client: Any) -> Any:
        return client.jobs.download(
            "nope", request_options={"extra_headers": {"Prefer": "code=404"}}
        )

    with pytest.raises(packages["job_answers"].NotFoundError):
        run(mode, jobs, use)


@pytest.mark.parametrize("mode", MODES)
def test_event_stream_typed_events(mode: str, jobs: Any, packages: dict[str, Any]) -> None:
    progress = packages["job_answers"].models.Progress

    def use(client: Any) -> Any:
        if mode == "sync":
            with client.jobs.watch("job_1") as events:
                return [(e.event, e.id, e.data) for e in events]

        async def go() -> Any:
            async with await client.jobs.watch("job_1") as events:
                return [(e.event, e.id, e.data) async for e in events]

        return go()

    assert run(mode, jobs, use) == [
        ("progress", "1", progress(percent=50)),
        ("progress", "2", progress(percent=100, done=True)),
    ]


@pytest.mark.parametrize("mode", MODES)
def test_event_stream_text_events_synthesised_by_the_mock(
    mode: str, jobs: Any, answers_mock: MockServer
) -> None:
    def use(client: Any) -> Any:
        if mode == "sync":
            return [e.data for e in client.ticker.follow()]

        async def go() -> Any:
            return [e.data async for e in await client.ticker.follow()]

        return go()

    assert run(mode, jobs, use) == ["string"]
    assert only(answers_mock).headers["Accept"] == "text/event-stream"


def test_the_mock_answers_event_streams_with_their_media_type(answers_mock: MockServer) -> None:
    import httpx

    response = httpx.get(answers_mock.url + "/jobs/j/events")
    assert response.headers["content-type"] == "text/event-stream"
    assert response.text.startswith("event: progress\nid: 1\n")
    body = json.loads(response.text.split("data: ", 1)[1].split("\n", 1)[0])
    assert body == {"percent": 50}
