"""Parameter styles on the wire: the `parameter_styles` golden package, sync and async, against
the mock, which validates each request as the OpenAPI 3.1 style table reads it.

Each case is a call and the exact path, query string, headers and Cookie header it must send;
the mock must find the request valid (it reads the values back and checks them against the
schemas). The encoder itself is tested row by row against the table in
tests/runtime/test_parameter_encoding.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest

from generator.mock import MockServer
from tests.golden_import import GOLDEN, golden_package

COLOR = {"R": 100, "G": 200, "B": 150}
NAMES = ["blue", "black", "brown"]


@dataclass(frozen=True)
class Case:
    method: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    path: str = ""
    query: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    cookie: str | None = None


CASES = {
    "simple path": Case(
        "path.simple", (NAMES, COLOR), path="/v1/simple/blue,black,brown/R=100,G=200,B=150"
    ),
    "label path": Case(
        "path.label", (7, NAMES, COLOR), path="/v1/label/.7/.blue.black.brown/.R=100.G=200.B=150"
    ),
    "matrix path": Case(
        "path.matrix",
        ("x y", NAMES, COLOR),
        path="/v1/matrix/;id=x%20y/;list=blue;list=black;list=brown/;color=R,100,G,200,B,150",
    ),
    "form query": Case(
        "query.form",
        kwargs={"tags": NAMES, "ids": [1, 2], "color": COLOR, "box": COLOR, "size": "large"},
        path="/v1/query/form",
        query="tags=blue&tags=black&tags=brown&ids=1,2&R=100&G=200&B=150"
        "&box=R,100,G,200,B,150&size=large",
    ),
    "a delimiter inside a value is encoded": Case(
        "query.form",
        kwargs={"tags": ["a,b", "c&d"], "ids": [3]},
        path="/v1/query/form",
        query="tags=a%2Cb&tags=c%26d&ids=3",
    ),
    "delimited query": Case(
        "query.delimited",
        kwargs={"words": NAMES, "color": COLOR, "parts": NAMES, "pipe": COLOR},
        path="/v1/query/delimited",
        query="words=blue%20black%20brown&color=R%20100%20G%20200%20B%20150"
        "&parts=blue|black|brown&pipe=R|100|G|200|B|150",
    ),
    "deepObject and JSON query": Case(
        "query.deep",
        kwargs={"filter": {"status": "open", "color": {"R": 1}}, "where": {"G": 2}},
        path="/v1/query/deep",
        query="filter[status]=open&filter[color][R]=1&where=%7B%22G%22%3A2%7D",
    ),
    "header styles": Case(
        "headers.get",
        kwargs={"x_names": NAMES, "x_color": COLOR, "x_color_exploded": COLOR},
        path="/v1/headers",
        headers={
            "X-Names": "blue,black,brown",
            "X-Color": "R,100,G,200,B,150",
            "X-Color-Exploded": "R=100,G=200,B=150",
        },
    ),
    "cookie styles": Case(
        "cookies.get",
        kwargs={"session": "s 1;x", "flavours": ["mint", "lime"], "crumbs": ["a", "b"], "count": 3},
        path="/v1/cookies",
        cookie="session=s%201%3Bx; flavours=mint,lime; crumbs=a; crumbs=b; count=3",
    ),
}


@pytest.fixture(scope="module")
def styles(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with golden_package("parameter_styles", tmp_path_factory.mktemp("styles")) as package:
        yield package


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer(GOLDEN / "parameter_styles" / "spec.yaml") as server:
        yield server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def call(
    styles: ModuleType, mode: str, mock: MockServer, dotted: str, *args: Any, **kwargs: Any
) -> Any:
    options: dict[str, Any] = {"base_url": mock.url}
    options.update(kwargs.pop("_client", {}))
    resource_path, method = dotted.rsplit(".", 1)
    if mode == "sync":
        with styles.StylesClient(**options) as client:
            return getattr(getattr(client, resource_path), method)(*args, **kwargs)
    async with styles.AsyncStylesClient(**options) as client:
        return await getattr(getattr(client, resource_path), method)(*args, **kwargs)


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["sync", "async"])
@pytest.mark.parametrize("name", sorted(CASES))
async def test_wire(styles: ModuleType, mock: MockServer, mode: str, name: str) -> None:
    case = CASES[name]
    mock.clear()
    await call(styles, mode, mock, case.method, *case.args, **case.kwargs)
    [record] = mock.requests
    assert record.valid, record.errors
    assert record.path == case.path
    assert record.query_string == case.query
    for header, value in case.headers.items():
        assert record.headers[header] == value
    assert record.headers.get("Cookie") == case.cookie


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_models_are_sent_by_their_wire_fields(
    styles: ModuleType, mock: MockServer, mode: str
) -> None:
    from styles.models import Color

    mock.clear()
    await call(styles, mode, mock, "query.form", color=Color(R=1, B=3), box=Color(G=2))
    [record] = mock.requests
    assert record.valid, record.errors
    assert record.query_string == "R=1&B=3&box=G,2"


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_cookie_parameters_merge_with_the_callers_cookies(
    styles: ModuleType, mock: MockServer, mode: str
) -> None:
    """default_headers' cookies stay unless a parameter of that name replaces them; a Cookie in
    request_options replaces the parameter of its name."""
    mock.clear()
    await call(
        styles,
        mode,
        mock,
        "cookies.get",
        session="abc",
        count=1,
        request_options={"extra_headers": {"cookie": "count=9; trace=t1"}},
        _client={"default_headers": {"Cookie": "theme=dark; session=old"}},
    )
    [record] = mock.requests
    assert record.valid, record.errors
    assert record.headers["Cookie"] == "theme=dark; session=abc; count=9; trace=t1"


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_the_mock_refuses_a_malformed_cookie(
    styles: ModuleType, mock: MockServer, mode: str
) -> None:
    mock.clear()
    with pytest.raises(styles.BadRequestError, match=r"cookie\.count"):
        await call(styles, mode, mock, "cookies.get", session="abc", count="many")  # type: ignore[arg-type]
    [record] = mock.requests
    assert record.errors == ("cookie.count: 'many' is not a valid integer",)


def test_the_mock_refuses_a_request_without_a_required_cookie(mock: MockServer) -> None:
    import httpx

    mock.clear()
    response = httpx.get(mock.url + "/cookies", headers={"Cookie": "count=1"})
    assert response.status_code == 400
    [record] = mock.requests
    assert record.errors == ("cookie.session: required cookie parameter is missing",)


def test_mock_refuses_values_in_another_style(mock: MockServer) -> None:
    """The mock reads each style strictly: commas where the label style wants dots, a matrix
    value without its name, a pipe-delimited list sent comma-separated."""
    import httpx

    base = mock.url
    for path, query, problem in [
        ("/label/7/.a/.R=1", "", "path.id"),
        ("/matrix/;id=x/;other=a/;color=R,1", "", "path.list"),
        ("/query/delimited", "pipe=R,1", "query.pipe"),
    ]:
        mock.clear()
        response = httpx.get(base + path + ("?" + query if query else ""))
        assert response.status_code == 400, (path, response.text)
        [record] = mock.requests
        assert any(error.startswith(problem) for error in record.errors), record.errors
