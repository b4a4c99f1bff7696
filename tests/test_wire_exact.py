"""Exact on the wire: the bytes the generated clients send, and what they make of what comes back.

Every request goes to ``generator.mock.MockServer`` (which validates it against the spec) and the
assertions compare the recorded body byte for byte, since a server that decodes `max_participants`
into an integer refuses `10.0` even though it equals `10`.
"""

from __future__ import annotations

import copy
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


@pytest.fixture
def video_mock(mock_server: Any) -> MockServer:
    server: MockServer = mock_server(VIDEO_SPEC)
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
