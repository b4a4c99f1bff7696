"""Exact on the wire: the bytes the generated clients send, and what they make of what comes back.

Every request goes to ``generator.mock.MockServer`` (which validates it against the spec) and the
assertions compare the recorded body byte for byte, since a server that decodes `max_participants`
into an integer refuses `10.0` even though it equals `10`.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from stream_video import VideoClient

from generator.load import load_spec
from generator.mock import MockServer, RecordedRequest, Scripted

ROOT = Path(__file__).resolve().parents[1]
VIDEO_SPEC = ROOT / "specs" / "stream_video.yaml"
VIDEO: dict[str, Any] = load_spec(VIDEO_SPEC).data
LAML_SPEC = ROOT / "specs" / "laml_streams.yaml"


@pytest.fixture
def video_mock(mock_server: Any) -> MockServer:
    server: MockServer = mock_server(VIDEO_SPEC)
    return server


@pytest.fixture
def laml_mock(mock_server: Any) -> MockServer:
    server: MockServer = mock_server(LAML_SPEC)
    return server


@pytest.fixture
def video(video_mock: MockServer) -> Iterator[VideoClient]:
    with VideoClient(api_key="key", api_secret="secret", base_url=video_mock.url) as client:
        yield client


def sent(mock: MockServer) -> RecordedRequest:
    (record,) = mock.requests
    assert record.valid, record.errors
    return record


def example_of(operation_id: str) -> Any:
    """The 200 example of a Video operation, for scripting a variant of it."""
    for item in VIDEO["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return copy.deepcopy(
                    op["responses"]["200"]["content"]["application/json"]["example"]
                )
    raise KeyError(operation_id)


# ------------------------------------------------------------------------------------------------
# Numbers


def test_whole_numbers_go_out_as_ints(video: VideoClient, video_mock: MockServer) -> None:
    video.calls.query(limit=10, sort=[{"field": "created_at", "direction": -1}])  # type: ignore[list-item]
    assert sent(video_mock).body == b'{"limit":10,"sort":[{"direction":-1,"field":"created_at"}]}'


def test_settings_limits_go_out_as_ints(video: VideoClient, video_mock: MockServer) -> None:
    video.call_types.create(
        name="town-hall",
        settings={"limits": {"max_participants": 10, "max_duration_seconds": 3600}},  # type: ignore[arg-type]
    )
    assert sent(video_mock).body == (
        b'{"name":"town-hall","settings":{"limits":{"max_duration_seconds":3600,"max_participants":10}}}'
    )


def test_answers_keep_ints_as_ints(video: VideoClient, video_mock: MockServer) -> None:
    body = example_of("GetEdges")
    body["edges"][0]["latitude"] = 52
    body["edges"][0]["longitude"] = 4.9041
    video_mock.script(Scripted(body=body, match="GetEdges"))
    edge = video.edges.list().edges[0]
    assert type(edge.latitude) is int and edge.latitude == 52
    assert type(edge.longitude) is float and edge.longitude == 4.9041
    assert type(edge.green) is int  # `0` in the answer stays `0`, not `0.0`


# ------------------------------------------------------------------------------------------------
# Request enums: open at run time, closed for type checkers


def test_enum_values_the_reference_cuts_short_are_sent(
    video: VideoClient, video_mock: MockServer
) -> None:
    # The reference's tables stop after three values; the API takes these all the same. The mock
    # checks the spec's three, so it is told to answer 200 and its complaint is checked too.
    video_mock.script(Scripted(body=example_of("CreateCallType"), match="CreateCallType"))
    video.call_types.create(
        name="town-hall",
        settings={  # type: ignore[arg-type]
            "recording": {"mode": "available", "quality": "1080p", "layout": {"name": "mobile"}},
            "individual_recording": {"mode": "auto-on", "output_types": ["screenshare_video_only"]},
        },
    )
    (record,) = video_mock.requests
    assert record.body == (
        b'{"name":"town-hall","settings":{'
        b'"individual_recording":{"mode":"auto-on","output_types":["screenshare_video_only"]},'
        b'"recording":{"mode":"available","layout":{"name":"mobile"},"quality":"1080p"}}}'
    )
    assert sorted(e.split(":")[0] for e in record.errors) == [
        "body.settings.individual_recording.output_types[0]",
        "body.settings.recording.layout.name",
        "body.settings.recording.quality",
    ]


def test_typed_enum_arguments_still_take_members(
    video: VideoClient, video_mock: MockServer
) -> None:
    from stream_video.models import LayoutSettingsRequestName

    video.call_types.create(
        name="grid-room",
        settings={
            "recording": {"mode": "available", "layout": {"name": LayoutSettingsRequestName.GRID}}
        },  # type: ignore[arg-type]
    )
    assert sent(video_mock).json == {
        "name": "grid-room",
        "settings": {"recording": {"layout": {"name": "grid"}, "mode": "available"}},
    }


@pytest.mark.parametrize(
    ("settings", "complaint"),
    [
        ({"recording": {"mode": 5}}, "settings.recording.mode"),  # the wrong JSON type
        ({"recording": {"quality": "720p"}}, "settings.recording.mode: Field required"),
        ({"recording": {"mode": None}}, "settings.recording"),  # a null the spec forbids
    ],
)
def test_what_is_certainly_wrong_is_still_refused(
    settings: dict[str, Any], complaint: str, video: VideoClient, video_mock: MockServer
) -> None:
    from stream_video import RequestValidationError

    with pytest.raises(RequestValidationError, match=complaint):
        video.call_types.create(name="x", settings=settings)  # type: ignore[arg-type]
    assert video_mock.requests == []


# ------------------------------------------------------------------------------------------------
# Required flags the reference does not settle are optional, both ways


def test_transcription_settings_take_mode_alone(video: VideoClient, video_mock: MockServer) -> None:
    video.call_types.create(name="captioned", settings={"transcription": {"mode": "available"}})  # type: ignore[arg-type]
    assert sent(video_mock).body == (
        b'{"name":"captioned","settings":{"transcription":{"mode":"available"}}}'
    )


def test_answers_without_unsettled_fields_are_read(
    video: VideoClient, video_mock: MockServer
) -> None:
    body = example_of("GetCallType")
    settings = body["settings"]
    settings["transcription"] = {}
    settings["frame_recording"].pop("mode")
    settings["individual_recording"] = {}
    video_mock.script(Scripted(body=body, match="GetCallType"))
    answer = video.call_types.get("default").settings
    assert answer.transcription.mode is None and answer.transcription.language is None
    assert answer.frame_recording.mode is None
    assert answer.individual_recording.mode is None


# ------------------------------------------------------------------------------------------------
# Every Video POST carries a JSON object, `{}` when the reference documents no field

EMPTY_BODY_CALLS = [
    ("EndCall", "calls.end", ("default", "my-call")),
    ("StopRecording", "calls.recordings.stop", ("default", "my-call", "composite")),
    ("StopFrameRecording", "calls.frame_recordings.stop", ("default", "my-call")),
    ("StartHLSBroadcasting", "calls.broadcasts.start_hls", ("default", "my-call")),
    ("StopHLSBroadcasting", "calls.broadcasts.stop_hls", ("default", "my-call")),
    ("StopRTMPBroadcast", "calls.broadcasts.stop_rtmp", ("default", "my-call", "youtube")),
    ("StopAllRTMPBroadcasts", "calls.broadcasts.stop_all_rtmp", ("default", "my-call")),
]


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize(("operation_id", "method", "args"), EMPTY_BODY_CALLS, ids=lambda v: str(v))
async def test_posts_without_fields_send_an_empty_object(
    operation_id: str, method: str, args: tuple[str, ...], mode: str, video_mock: MockServer
) -> None:
    from stream_video import AsyncVideoClient

    options = {"api_key": "key", "api_secret": "secret", "base_url": video_mock.url}
    if mode == "sync":
        with VideoClient(**options) as client:
            _method(client, method)(*args)
    else:
        async with AsyncVideoClient(**options) as aclient:
            await _method(aclient, method)(*args)
    record = sent(video_mock)
    assert record.operation_id == operation_id and record.method == "POST"
    assert record.headers["Content-Type"] == "application/json"
    assert record.body == b"{}"


def test_every_video_post_has_a_json_object_body() -> None:
    posts = [
        op
        for item in VIDEO["paths"].values()
        for method, op in item.items()
        if method == "post" and isinstance(op, dict)
    ]
    missing = [op["operationId"] for op in posts if "requestBody" not in op]
    assert posts and missing == []
    assert {name for name, _, _ in EMPTY_BODY_CALLS} == {
        op["operationId"]
        for op in posts
        if not (op["requestBody"]["content"]["application/json"]["schema"].get("properties"))
        and "$ref" not in op["requestBody"]["content"]["application/json"]["schema"]
    }


def _method(client: Any, dotted: str) -> Any:
    target = client
    for part in dotted.split("."):
        target = getattr(target, part)
    return target


# ------------------------------------------------------------------------------------------------
# Timestamps

UTC = dt.UTC


@pytest.mark.parametrize(
    ("starts_at", "wire"),
    [
        (dt.datetime(2024, 6, 15, 10, 0, tzinfo=UTC), b'"2024-06-15T10:00:00Z"'),
        (dt.datetime(2024, 6, 15, 10, 0, 0, 250000, tzinfo=UTC), b'"2024-06-15T10:00:00.250000Z"'),
        (
            dt.datetime(2024, 6, 15, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
            b'"2024-06-15T12:00:00+02:00"',
        ),
        (1718445600, b"1718445600"),  # a number is sent unchanged, whatever its unit
        (1718445600.5, b"1718445600.5"),
        (1718445600000, b"1718445600000"),
    ],
    ids=repr,
)
def test_timestamp_arguments_go_out_as_given(
    starts_at: Any, wire: bytes, video: VideoClient, video_mock: MockServer
) -> None:
    video.calls.update("default", "my-call", starts_at=starts_at)
    assert sent(video_mock).body == b'{"starts_at":' + wire + b"}"


def test_nested_timestamps_go_out_as_rfc3339(video: VideoClient, video_mock: MockServer) -> None:
    video.calls.get_or_create(
        "default",
        "my-call",
        data={"created_by_id": "john", "starts_at": dt.datetime(2024, 6, 15, 10, tzinfo=UTC)},  # type: ignore[arg-type]
    )
    assert sent(video_mock).body == (
        b'{"data":{"created_by_id":"john","starts_at":"2024-06-15T10:00:00Z"}}'
    )
    video_mock.clear()
    video.calls.closed_captions.send(
        "default",
        "my-call",
        speaker_id="john",
        text="Hello",
        start_time=dt.datetime(2024, 6, 15, 10, tzinfo=UTC),
        end_time=1718445602,
    )
    assert sent(video_mock).json == {
        "speaker_id": "john",
        "text": "Hello",
        "start_time": "2024-06-15T10:00:00Z",
        "end_time": 1718445602,
    }


def test_a_naive_datetime_is_refused_before_sending(
    video: VideoClient, video_mock: MockServer
) -> None:
    from stream_video import RequestValidationError

    with pytest.raises(RequestValidationError, match="timezone"):
        video.calls.update("default", "my-call", starts_at=dt.datetime(2024, 6, 15, 10))
    assert video_mock.requests == []


@pytest.mark.parametrize(
    "created_at",
    [
        "2024-06-15T09:50:00Z",
        "2024-06-15T11:50:00+02:00",
        "2024-06-15T09:50:00.000000000Z",
        1718445000,
        1718445000.0,
        1718445000000,
        1718445000000000,
        1718445000000000000,
    ],
    ids=repr,
)
def test_video_timestamps_decode_from_every_form(
    created_at: Any, video: VideoClient, video_mock: MockServer
) -> None:
    body = example_of("GetCall")
    body["call"]["created_at"] = created_at
    body["call"]["ended_at"] = None
    video_mock.script(Scripted(body=body, match="GetCall"))
    answer = video.calls.get("default", "my-call")
    created = answer.call.created_at
    assert created == dt.datetime(2024, 6, 15, 9, 50, tzinfo=UTC)
    assert created.tzinfo is not None
    assert answer.call.ended_at is None
    assert answer.to_wire()["call"]["created_at"] == created_at  # dumped back as it came


def test_laml_dates_decode_tolerantly(laml_mock: MockServer) -> None:
    from laml_streams import LamlClient

    body = {
        "sid": "ST1",
        "account_sid": "AC1",
        "call_sid": "CA1",
        "name": None,
        "status": "in-progress",
        "uri": "/x",
    }
    laml_mock.script(
        Scripted(body={**body, "date_updated": "Wed, 26 Sept 2018 23:00:04 +0000"}),
        Scripted(body={**body, "date_updated": "sometime in September"}),
    )
    with LamlClient(space="example", project_id="p", api_token="t", base_url=laml_mock.url) as c:
        first = c.calls.streams.create("CA1", url="wss://x.example")
        second = c.calls.streams.create("CA1", url="wss://x.example")
    assert first.date_updated == dt.datetime(2018, 9, 26, 23, 0, 4, tzinfo=UTC)
    assert second.date_updated == "sometime in September"  # kept, the rest of the answer read
    assert second.status.value == "in-progress"
    assert first.to_wire()["date_updated"] == "Wed, 26 Sept 2018 23:00:04 +0000"


# ------------------------------------------------------------------------------------------------
# LaML: the fields SignalWire's current reference adds


@pytest.fixture
def laml(laml_mock: MockServer) -> Iterator[Any]:
    from laml_streams import LamlClient

    with LamlClient(space="example", project_id="p", api_token="t", base_url=laml_mock.url) as c:
        yield c


def test_conference_streams_take_codec_real_time_and_bearer_token(
    laml: Any, laml_mock: MockServer
) -> None:
    laml.conferences.streams.create(
        "CF1",
        url="wss://example.com/room",
        stream_codec="L16@16000h",
        stream_real_time=True,
        authorization_bearer_token="s3cret",
    )
    assert sent(laml_mock).body == (
        b"Url=wss%3A%2F%2Fexample.com%2Froom&StreamCodec=L16%4016000h&StreamRealTime=true"
        b"&AuthorizationBearerToken=s3cret"
    )


def test_call_streams_take_a_bearer_token_but_no_codec(laml: Any, laml_mock: MockServer) -> None:
    laml.calls.streams.create("CA1", url="wss://example.com/a", authorization_bearer_token="s3cret")
    assert sent(laml_mock).form == (
        ("Url", "wss://example.com/a"),
        ("AuthorizationBearerToken", "s3cret"),
    )
    with pytest.raises(TypeError, match="stream_codec"):
        laml.calls.streams.create("CA1", url="wss://example.com/a", stream_codec="PCMU")


@pytest.mark.parametrize("codec", ["PCMU", "PCMA", "L16", "L16@16000h", "L16@24000h"])
def test_every_documented_codec_is_valid(codec: str, laml: Any, laml_mock: MockServer) -> None:
    from laml_streams.models import CreateConferenceStreamRequestStreamCodec as Codec

    laml.conferences.streams.create("CF1", url="wss://example.com/room", stream_codec=Codec(codec))
    assert sent(laml_mock).form == (("Url", "wss://example.com/room"), ("StreamCodec", codec))
