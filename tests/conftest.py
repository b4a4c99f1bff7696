"""Shared fixtures for the tests/ tree.

``mock_server(spec_path)`` gives a :class:`generator.mock.MockServer` serving that spec on
127.0.0.1. Each spec's server is started once per test module (and stopped when the module is
done); every test that asks for it gets it with no recorded requests and no scripted answers
left over from an earlier test::

    @pytest.fixture
    def mock(mock_server):
        return mock_server(SPEC)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # the generator package, when not installed
    sys.path.insert(0, str(ROOT))

# The suite never touches the user's cache: every cache the generator opens (in this process and in
# every subprocess, which inherits the environment) lives in one temporary directory per session.
# Set before any test module imports the generator.
SESSION_CACHE = Path(tempfile.mkdtemp(prefix="sdkgen-test-cache-"))
os.environ["SDKGEN_CACHE_DIR"] = str(SESSION_CACHE)
os.environ.pop("SDKGEN_NO_CACHE", None)  # the cache is part of what is tested


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(SESSION_CACHE, ignore_errors=True)


if TYPE_CHECKING:
    from generator.mock import MockServer


@pytest.fixture(scope="module")
def _mock_servers() -> Iterator[dict[Path, MockServer]]:
    servers: dict[Path, MockServer] = {}
    yield servers
    for server in servers.values():
        server.stop()


@pytest.fixture
def mock_server(_mock_servers: dict[Path, MockServer]) -> Iterator[Callable[[Path], MockServer]]:
    from generator.mock import MockServer

    used: list[MockServer] = []

    def get(spec_path: Path) -> MockServer:
        key = Path(spec_path).resolve()
        server = _mock_servers.get(key)
        if server is None:
            server = _mock_servers[key] = MockServer(key).start()
        server.clear()
        used.append(server)
        return server

    yield get
    for server in used:
        server.clear()
