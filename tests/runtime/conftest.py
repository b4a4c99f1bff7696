"""Fixtures for the runtime tests.

The runtime ships as ``templates/runtime`` and is copied into each generated package; here it
is imported as the top-level package ``runtime``. ``harness`` runs one call through either
client (``kind`` is parametrized "sync"/"async") against a scripted loopback server, with fake
sleeping and a fake clock so retries cost no time.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_TEMPLATES = str(Path(__file__).resolve().parents[2] / "templates")
if _TEMPLATES not in sys.path:
    sys.path.insert(0, _TEMPLATES)

from _harness import Harness, Timing  # noqa: E402
from _server import ScriptedServer  # noqa: E402


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture
def timing() -> Timing:
    return Timing()


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def harness(kind: str, server: ScriptedServer, timing: Timing) -> Harness:
    return Harness(kind, server, timing)
