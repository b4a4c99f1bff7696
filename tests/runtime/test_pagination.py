"""Tests for the runtime's cursor pagination (templates/runtime/_pagination.py)."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

_TEMPLATES = str(Path(__file__).resolve().parents[2] / "templates")
if _TEMPLATES not in sys.path:  # until tests/runtime/conftest.py puts templates/ on sys.path
    sys.path.insert(0, _TEMPLATES)

from runtime._pagination import (  # noqa: E402
    AsyncPager,
    Cursor,
    Page,
    PaginationError,
    SyncPager,
)


@dataclass
class Response:
    """Stands in for a parsed response model."""

    results: list[int] | None
    next: str | None
    prev: str | None


class FakeServer:
    """N items split into pages of `size`.

    A ``next`` cursor "o" starts a page at offset o; a ``prev`` cursor "o" ends one there.
    The last page's ``next`` is an empty string (absent); the first page's ``prev`` is None.
    """

    def __init__(self, n: int, size: int = 3) -> None:
        self.items = list(range(n))
        self.size = size
        self.calls: list[Cursor | None] = []

    def fetch(self, position: Cursor | None) -> Response:
        self.calls.append(position)
        if position is None:
            start, end = 0, min(self.size, len(self.items))
        elif position[0] == "next":
            start = int(position[1])
            end = min(start + self.size, len(self.items))
        else:
            end = int(position[1])
            start = max(0, end - self.size)
        return Response(
            results=self.items[start:end],
            next=str(end) if end < len(self.items) else "",
            prev=str(start) if start > 0 else None,
        )

    async def afetch(self, position: Cursor | None) -> Response:
        await asyncio.sleep(0)
        return self.fetch(position)


def sync_pager(server: FakeServer, **kwargs: object) -> SyncPager[Response, int]:
    return SyncPager(
        server.fetch,
        items=lambda r: r.results,
        next_cursor=lambda r: r.next,
        prev_cursor=lambda r: r.prev,
        **kwargs,  # type: ignore[arg-type]
    )


def async_pager(server: FakeServer, **kwargs: object) -> AsyncPager[Response, int]:
    return AsyncPager(
        server.afetch,
        items=lambda r: r.results,
        next_cursor=lambda r: r.next,
        prev_cursor=lambda r: r.prev,
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


# --- Page ---------------------------------------------------------------------------------------


def test_page_positions() -> None:
    page: Page[None, int] = Page(data=None, items=[1], next_cursor="n", prev_cursor=None)
    assert page.has_next and not page.has_prev
    assert page.next_position() == ("next", "n")
    assert page.prev_position() is None
    assert page.position is None


def test_empty_string_cursors_are_absent() -> None:
    server = FakeServer(2)
    page = sync_pager(server).first_page()
    assert page.next_cursor is None and page.prev_cursor is None
    assert not page.has_next and not page.has_prev
    assert page.next_position() is None


# --- sync ---------------------------------------------------------------------------------------


def test_forward_walk_over_several_pages() -> None:
    server = FakeServer(10)
    pager = sync_pager(server)
    pages = list(pager.pages())
    assert [p.items for p in pages] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert server.calls == [None, ("next", "3"), ("next", "6"), ("next", "9")]
    assert [p.position for p in pages] == server.calls
    assert pages[0].data == Response([0, 1, 2], "3", None)
    assert [p.has_prev for p in pages] == [False, True, True, True]
    assert [p.has_next for p in pages] == [True, True, True, False]
    assert list(pager) == list(range(10))


def test_backward_walk_over_several_pages() -> None:
    server = FakeServer(10)
    pager = sync_pager(server, start=("prev", "10"), direction="prev")
    pages = list(pager.pages())
    # Pages come in walk order; items keep the server's order within a page.
    assert [p.items for p in pages] == [[7, 8, 9], [4, 5, 6], [1, 2, 3], [0]]
    assert server.calls == [("prev", "10"), ("prev", "7"), ("prev", "4"), ("prev", "1")]
    assert list(pager) == [7, 8, 9, 4, 5, 6, 1, 2, 3, 0]


def test_backward_from_first_page_stops_immediately() -> None:
    server = FakeServer(10)
    pages = list(sync_pager(server, direction="prev").pages())
    assert [p.items for p in pages] == [[0, 1, 2]]


def test_resume_from_saved_cursor() -> None:
    server = FakeServer(10)
    first = sync_pager(server).first_page()
    position = first.next_position()
    assert position is not None
    saved = json.dumps(position)

    direction, cursor = json.loads(saved)
    assert direction in ("next", "prev")
    resumed = sync_pager(server, start=(direction, cursor))
    assert list(resumed) == list(range(3, 10))

    # ... and walk back from a page in the middle.
    middle = resumed.fetch_page(("next", "6"))
    back = sync_pager(server, start=middle.prev_position(), direction="prev")
    assert list(back) == [3, 4, 5, 0, 1, 2]


def test_fetch_page_and_first_page() -> None:
    server = FakeServer(10)
    pager = sync_pager(server, start=("next", "3"))
    assert pager.first_page().items == [3, 4, 5]
    assert pager.fetch_page(None).items == [0, 1, 2]
    assert pager.fetch_page(("next", "")).position is None  # empty cursor = no cursor
    assert server.calls == [("next", "3"), None, None]


def test_empty_result() -> None:
    server = FakeServer(0)
    pager = sync_pager(server)
    pages = list(pager.pages())
    assert len(pages) == 1
    assert pages[0].items == []
    assert not pages[0].has_next
    assert list(pager) == []


def test_items_none_is_empty() -> None:
    def fetch(position: Cursor | None) -> Response:
        return Response(results=None, next=None, prev=None)

    pager: SyncPager[Response, int] = SyncPager(
        fetch, items=lambda r: r.results, next_cursor=lambda r: r.next, prev_cursor=lambda r: r.prev
    )
    assert pager.first_page().items == []
    assert list(pager) == []


def test_repeated_cursor_is_an_error_not_a_loop() -> None:
    calls: list[Cursor | None] = []

    def fetch(position: Cursor | None) -> Response:
        calls.append(position)
        return Response(results=[len(calls)], next="same", prev=None)

    pager: SyncPager[Response, int] = SyncPager(
        fetch, items=lambda r: r.results, next_cursor=lambda r: r.next, prev_cursor=lambda r: r.prev
    )
    seen: list[int] = []
    with pytest.raises(PaginationError, match="repeated"):
        for item in pager:
            seen.append(item)
    assert seen == [1, 2]
    assert calls == [None, ("next", "same")]


def test_cursor_cycle_and_start_cursor_repeat_are_caught() -> None:
    cycle = {"a": "b", "b": "c", "c": "a"}

    def fetch(position: Cursor | None) -> Response:
        current = "a" if position is None else position[1]
        return Response(results=[0], next=cycle[current], prev=None)

    pager: SyncPager[Response, int] = SyncPager(
        fetch, items=lambda r: r.results, next_cursor=lambda r: r.next, prev_cursor=lambda r: r.prev
    )
    with pytest.raises(PaginationError):
        list(pager.pages())
    # Starting at "b": b -> c -> a -> b repeats the start cursor.
    resumed: SyncPager[Response, int] = SyncPager(
        fetch,
        items=lambda r: r.results,
        next_cursor=lambda r: r.next,
        prev_cursor=lambda r: r.prev,
        start=("next", "b"),
    )
    pages: list[Page[Response, int]] = []
    with pytest.raises(PaginationError):
        for page in resumed.pages():
            pages.append(page)
    assert [p.position for p in pages] == [("next", "b"), ("next", "c"), ("next", "a")]


def test_max_pages() -> None:
    server = FakeServer(10)
    pager = sync_pager(server, max_pages=2)
    assert list(pager) == [0, 1, 2, 3, 4, 5]
    assert server.calls == [None, ("next", "3")]  # no fetch beyond the limit


def test_invalid_arguments() -> None:
    server = FakeServer(3)
    with pytest.raises(ValueError, match="max_pages"):
        sync_pager(server, max_pages=0)
    with pytest.raises(ValueError, match="direction"):
        sync_pager(server, direction="sideways")
    with pytest.raises(ValueError, match="direction"):
        sync_pager(server, start=("up", "x"))


def test_pages_are_lazy_and_restartable() -> None:
    server = FakeServer(10)
    pager = sync_pager(server)
    walk = pager.pages()
    assert server.calls == []
    next(walk)
    assert server.calls == [None]
    assert list(pager) == list(range(10))  # a fresh walk from start
    assert list(pager) == list(range(10))
    assert repr(pager) == "SyncPager(start=None, direction='next', max_pages=None)"


# --- async --------------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_forward_walk() -> None:
    server = FakeServer(10)
    pager = async_pager(server)
    pages = [page async for page in pager.pages()]
    assert [p.items for p in pages] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]
    assert [item async for item in pager] == list(range(10))


@pytest.mark.anyio
async def test_async_backward_walk_and_resume() -> None:
    server = FakeServer(10)
    pager = async_pager(server, start=("prev", "10"), direction="prev")
    assert [item async for item in pager] == [7, 8, 9, 4, 5, 6, 1, 2, 3, 0]

    first = await async_pager(server).first_page()
    resumed = async_pager(server, start=first.next_position())
    assert [item async for item in resumed] == list(range(3, 10))
    page = await resumed.fetch_page(("prev", "3"))
    assert page.items == [0, 1, 2]


@pytest.mark.anyio
async def test_async_empty_and_items_none() -> None:
    assert [i async for i in async_pager(FakeServer(0))] == []

    async def fetch(position: Cursor | None) -> Response:
        return Response(results=None, next="", prev="")

    pager: AsyncPager[Response, int] = AsyncPager(
        fetch, items=lambda r: r.results, next_cursor=lambda r: r.next, prev_cursor=lambda r: r.prev
    )
    page = await pager.first_page()
    assert page.items == [] and not page.has_next and not page.has_prev


@pytest.mark.anyio
async def test_async_repeated_cursor_and_max_pages() -> None:
    async def fetch(position: Cursor | None) -> Response:
        return Response(results=[1], next="same", prev=None)

    pager: AsyncPager[Response, int] = AsyncPager(
        fetch, items=lambda r: r.results, next_cursor=lambda r: r.next, prev_cursor=lambda r: r.prev
    )
    with pytest.raises(PaginationError):
        async for _ in pager:
            pass

    server = FakeServer(10)
    limited = async_pager(server, max_pages=3)
    assert [i async for i in limited] == list(range(9))
    assert len(server.calls) == 3
