"""Cursor pagination (Stream style), sync and async.

A query takes an optional ``next`` *or* ``prev`` cursor; its response carries ``next`` and
``prev`` cursors (absent or empty means "no more in that direction") plus a list of items.
Generated code builds a pager from three accessors over the parsed response model and a
``fetch`` function that performs the request for a given position::

    pager = SyncPager(
        lambda pos: client.query_things(body, **({pos[0]: pos[1]} if pos else {})),
        items=lambda r: r.results,
        next_cursor=lambda r: r.next,
        prev_cursor=lambda r: r.prev,
    )
    for thing in pager: ...

``fetch(None)`` means "no cursor": the first page of the query. A :data:`Cursor` such as
``("next", "abc")`` is a plain tuple, so it can be saved (JSON, a database) and handed back as
``start=`` later to resume.

Walking in ``direction`` yields pages in walk order; items within a page keep the order the
server returned them in (the pager does not know the sort, so it never reorders).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeAlias, TypeVar

__all__ = [
    "AsyncPager",
    "Cursor",
    "Direction",
    "Page",
    "PaginationError",
    "SyncPager",
]

PageT = TypeVar("PageT")
ItemT = TypeVar("ItemT")

Direction: TypeAlias = Literal["next", "prev"]
Cursor: TypeAlias = tuple[Direction, str]
"""A resumable position: which cursor parameter to send, and its value."""


class PaginationError(RuntimeError):
    """The server's cursors would make pagination loop forever."""


def _clean(cursor: str | None) -> str | None:
    """Empty-string cursors count as absent."""
    return cursor or None


def _clean_position(position: Cursor | None) -> Cursor | None:
    if position is None:
        return None
    direction, cursor = position
    if direction not in ("next", "prev"):
        raise ValueError(f"cursor direction must be 'next' or 'prev', not {direction!r}")
    return (direction, cursor) if cursor else None


@dataclass(frozen=True, slots=True)
class Page(Generic[PageT, ItemT]):
    """One fetched page."""

    data: PageT
    """The whole parsed response model."""
    items: list[ItemT]
    next_cursor: str | None
    prev_cursor: str | None
    position: Cursor | None = field(default=None)
    """The position this page was fetched at (``None``: the first page of the query)."""

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_prev(self) -> bool:
        return self.prev_cursor is not None

    def next_position(self) -> Cursor | None:
        """Where the following page starts, or ``None`` if this is the last one."""
        return ("next", self.next_cursor) if self.next_cursor is not None else None

    def prev_position(self) -> Cursor | None:
        """Where the preceding page starts, or ``None`` if this is the first one."""
        return ("prev", self.prev_cursor) if self.prev_cursor is not None else None


class _PagerBase(Generic[PageT, ItemT]):
    """What the sync and async pagers share: configuration, page building, the walk guard."""

    def __init__(
        self,
        *,
        items: Callable[[PageT], Sequence[ItemT] | None],
        next_cursor: Callable[[PageT], str | None],
        prev_cursor: Callable[[PageT], str | None],
        start: Cursor | None,
        direction: Direction,
        max_pages: int | None,
    ) -> None:
        if direction not in ("next", "prev"):
            raise ValueError(f"direction must be 'next' or 'prev', not {direction!r}")
        if max_pages is not None and max_pages < 1:
            raise ValueError("max_pages must be at least 1 (or None for no limit)")
        self._items = items
        self._next_cursor = next_cursor
        self._prev_cursor = prev_cursor
        self.start = _clean_position(start)
        self.direction: Direction = direction
        self.max_pages = max_pages

    def _page(self, data: PageT, position: Cursor | None) -> Page[PageT, ItemT]:
        return Page(
            data=data,
            items=list(self._items(data) or ()),
            next_cursor=_clean(self._next_cursor(data)),
            prev_cursor=_clean(self._prev_cursor(data)),
            position=position,
        )

    def _step(self, page: Page[PageT, ItemT], seen: set[Cursor], count: int) -> Cursor | None:
        """The position to fetch after ``page``, or ``None`` to stop.

        Raises :class:`PaginationError` if the server hands back a cursor already fetched in
        this walk, which would otherwise loop forever.
        """
        if self.max_pages is not None and count >= self.max_pages:
            return None
        following = page.next_position() if self.direction == "next" else page.prev_position()
        if following is None:
            return None
        if following in seen:
            raise PaginationError(
                f"server repeated the {following[0]!r} cursor {_short(following[1])} "
                f"after {count} page(s); stopping instead of looping forever"
            )
        seen.add(following)
        return following

    def _seen(self) -> set[Cursor]:
        return {self.start} if self.start is not None else set()

    def _repr_args(self) -> str:
        return f"start={self.start!r}, direction={self.direction!r}, max_pages={self.max_pages!r}"


def _short(cursor: str, limit: int = 40) -> str:
    return repr(cursor if len(cursor) <= limit else cursor[:limit] + "...")


class SyncPager(_PagerBase[PageT, ItemT]):
    """Walks a cursor-paginated query synchronously.

    Each call to :meth:`pages` or ``iter()`` starts a fresh walk at ``start``, fetching lazily.
    """

    def __init__(
        self,
        fetch: Callable[[Cursor | None], PageT],
        *,
        items: Callable[[PageT], Sequence[ItemT] | None],
        next_cursor: Callable[[PageT], str | None],
        prev_cursor: Callable[[PageT], str | None],
        start: Cursor | None = None,
        direction: Direction = "next",
        max_pages: int | None = None,
    ) -> None:
        super().__init__(
            items=items,
            next_cursor=next_cursor,
            prev_cursor=prev_cursor,
            start=start,
            direction=direction,
            max_pages=max_pages,
        )
        self._fetch = fetch

    def fetch_page(self, position: Cursor | None) -> Page[PageT, ItemT]:
        """Fetch the page at ``position`` (``None``: the first page of the query)."""
        position = _clean_position(position)
        return self._page(self._fetch(position), position)

    def first_page(self) -> Page[PageT, ItemT]:
        """Fetch the page at ``start``."""
        return self.fetch_page(self.start)

    def pages(self) -> Iterator[Page[PageT, ItemT]]:
        """Every page from ``start`` in ``direction`` until there is no cursor (or max_pages)."""
        seen = self._seen()
        position = self.start
        count = 0
        while True:
            page = self.fetch_page(position)
            count += 1
            yield page
            following = self._step(page, seen, count)
            if following is None:
                return
            position = following

    def __iter__(self) -> Iterator[ItemT]:
        """Every item across pages, pages in walk order."""
        for page in self.pages():
            yield from page.items

    def __repr__(self) -> str:
        return f"SyncPager({self._repr_args()})"


class AsyncPager(_PagerBase[PageT, ItemT]):
    """Walks a cursor-paginated query asynchronously (``async for``).

    Each call to :meth:`pages` or ``aiter()`` starts a fresh walk at ``start``, fetching lazily.
    """

    def __init__(
        self,
        fetch: Callable[[Cursor | None], Awaitable[PageT]],
        *,
        items: Callable[[PageT], Sequence[ItemT] | None],
        next_cursor: Callable[[PageT], str | None],
        prev_cursor: Callable[[PageT], str | None],
        start: Cursor | None = None,
        direction: Direction = "next",
        max_pages: int | None = None,
    ) -> None:
        super().__init__(
            items=items,
            next_cursor=next_cursor,
            prev_cursor=prev_cursor,
            start=start,
            direction=direction,
            max_pages=max_pages,
        )
        self._fetch = fetch

    async def fetch_page(self, position: Cursor | None) -> Page[PageT, ItemT]:
        """Fetch the page at ``position`` (``None``: the first page of the query)."""
        position = _clean_position(position)
        return self._page(await self._fetch(position), position)

    async def first_page(self) -> Page[PageT, ItemT]:
        """Fetch the page at ``start``."""
        return await self.fetch_page(self.start)

    async def pages(self) -> AsyncIterator[Page[PageT, ItemT]]:
        """Every page from ``start`` in ``direction`` until there is no cursor (or max_pages).

        Called without ``await``: ``async for page in pager.pages(): ...``.
        """
        seen = self._seen()
        position = self.start
        count = 0
        while True:
            page = await self.fetch_page(position)
            count += 1
            yield page
            following = self._step(page, seen, count)
            if following is None:
                return
            position = following

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        """Every item across pages, pages in walk order."""
        async for page in self.pages():
            for item in page.items:
                yield item

    def __repr__(self) -> str:
        return f"AsyncPager({self._repr_args()})"
