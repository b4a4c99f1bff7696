"""The generated ``laml_streams`` client over real HTTP on loopback, against the spec's mock server.

Every operation is driven through both clients (``kind`` is "sync" / "async"; the async tests run
under anyio's pytest plugin), and each test checks what the mock actually received (method, raw
path, form pairs in order, headers, the mock's own validation verdict) and what the client made
of the answer. Retries sleep through a recording no-op, so nothing waits.
"""

from __future__ import annotations

import base64
import email.utils
import inspect
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import laml_streams
import pytest
from laml_streams import (
    ApiResponse,
    ApiStatusError,
    AsyncLamlClient,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    InternalServerError,
    LamlClient,
    NotFoundError,
    RequestValidationError,
    RetryConfig,
    UnprocessableEntityError,
)
from laml_streams.models import (
    CallStream,
    CompatibilityErrorResponse,
    ConferenceStream,
    CreateStreamRequestStatusCallbackMethod,
    CreateStreamRequestTrack,
    StreamStatus,
)

from generator.mock import MockServer, RecordedRequest, Scripted

SPEC = Path(__file__).resolve().parents[1] / "specs" / "laml_streams.yaml"
API = "/api/laml/2010-04-01"
PROJECT, TOKEN = "PJ123", "secret-token"
BASIC = "Basic " + base64.b64encode(f"{PROJECT}:{TOKEN}".encode()).decode("ascii")
ENV_VARS = ("SIGNALWIRE_SPACE", "SIGNALWIRE_PROJECT_ID", "SIGNALWIRE_API_TOKEN")
FORM = "application/x-www-form-urlencoded"
STOPPED = (("Status", "stopped"),)

RECORDED_VERSION = json.loads(
    (Path(__file__).resolve().parents[1] / "generated/laml_streams/api.json").read_text("utf-8")
)["version"]


@dataclass(frozen=True)
class Op:
    name: str  # dotted path on the client, e.g. "calls.streams.create"
    operation_id: str
    template: str  # the key under `paths`
    args: tuple[str, ...]
    path: str  # the raw path the mock must see, {account} for the account sid
    form: tuple[tuple[str, str], ...]
    model: type[CallStream] | type[ConferenceStream]
    kwargs: dict[str, Any] = field(default_factory=dict)

    @property
    def creates(self) -> bool:
        return self.name.endswith(".create")

    @property
    def raw_name(self) -> str:
        resource, method = self.name.rsplit(".", 1)
        return f"{resource}.with_raw_response.{method}"

    def path_for(self, account: str = PROJECT) -> str:
        return self.path.format(account=account)

    def __str__(self) -> str:
        return self.name


CALL_CREATE = Op(
    name="calls.streams.create",
    operation_id="createCallStream",
    template="/Accounts/{AccountSid}/Calls/{CallSid}/Streams",
    args=("CA1",),
    kwargs={
        "url": "wss://example.com/audio",
        "name": "n",
        "track": "both_tracks",
        "status_callback": "https://example.com/status",
        "status_callback_method": "POST",
        "parameters": {"FirstName": "Ada", "LastName": "Lovelace"},
    },
    path=API + "/Accounts/{account}/Calls/CA1/Streams",
    form=(
        ("Url", "wss://example.com/audio"),
        ("Name", "n"),
        ("Track", "both_tracks"),
        ("StatusCallback", "https://example.com/status"),
        ("StatusCallbackMethod", "POST"),
        ("Parameter1.Name", "FirstName"),
        ("Parameter1.Value", "Ada"),
        ("Parameter2.Name", "LastName"),
        ("Parameter2.Value", "Lovelace"),
    ),
    model=CallStream,
)
CALL_STOP = Op(
    name="calls.streams.stop",
    operation_id="stopCallStream",
    template="/Accounts/{AccountSid}/Calls/{CallSid}/Streams/{Sid}",
    args=("CA1", "ST1"),
    path=API + "/Accounts/{account}/Calls/CA1/Streams/ST1",
    form=STOPPED,
    model=CallStream,
)
CONFERENCE_CREATE = Op(
    name="conferences.streams.create",
    operation_id="createConferenceStream",
    template="/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Streams",
    args=("CF1",),
    kwargs={  # enum members this time, and one parameter
        "url": "wss://example.com/conference",
        "name": "room",
        "track": CreateStreamRequestTrack.INBOUND_TRACK,
        "status_callback": "https://example.com/cb",
        "status_callback_method": CreateStreamRequestStatusCallbackMethod.GET,
        "parameters": {"room": "support"},
    },
    path=API + "/Accounts/{account}/Conferences/CF1/Streams",
    form=(
        ("Url", "wss://example.com/conference"),
        ("Name", "room"),
        ("Track", "inbound_track"),
        ("StatusCallback", "https://example.com/cb"),
        ("StatusCallbackMethod", "GET"),
        ("Parameter1.Name", "room"),
        ("Parameter1.Value", "support"),
    ),
    model=ConferenceStream,
)
CONFERENCE_UPDATE = Op(
    name="conferences.streams.update",
    operation_id="updateConferenceStream",
    template="/Accounts/{AccountSid}/Conferences/{ConferenceSid}/Streams/{Sid}",
    args=("CF1", "ST1"),
    path=API + "/Accounts/{account}/Conferences/CF1/Streams/ST1",
    form=STOPPED,
    model=ConferenceStream,
)
OPS = [CALL_CREATE, CALL_STOP, CONFERENCE_CREATE, CONFERENCE_UPDATE]
CREATES = [op for op in OPS if op.creates]
UPDATES = [op for op in OPS if not op.creates]
KINDS = ["sync", "async"]
ERRORS: dict[int, type[ApiStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    404: NotFoundError,
    422: UnprocessableEntityError,
}


# --------------------------------------------------------------------------------------------------
# Fixtures and helpers


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def mock(mock_server: Callable[[Path], MockServer]) -> MockServer:
    return mock_server(SPEC)


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def sleeps() -> list[float]:
    """Every retry delay the clients asked for; nobody actually sleeps."""
    return []


def retry_config(sleeps: list[float]) -> RetryConfig:
    async def async_sleep(delay: float) -> None:
        sleeps.append(delay)

    return RetryConfig(sleep=sleeps.append, async_sleep=async_sleep)


Client = LamlClient | AsyncLamlClient


@pytest.fixture
async def make_client(
    kind: str, mock: MockServer, sleeps: list[float]
) -> AsyncIterator[Callable[..., Client]]:
    """Builds a client of this test's kind (defaults: the mock, PJ123, a no-op sleep); closes it."""
    made: list[Client] = []

    def make(**overrides: Any) -> Client:
        options: dict[str, Any] = {
            "base_url": mock.url,
            "project_id": PROJECT,
            "api_token": TOKEN,
            "retry": retry_config(sleeps),
            **overrides,
        }
        client = LamlClient(**options) if kind == "sync" else AsyncLamlClient(**options)
        made.append(client)
        return client

    yield make
    for client in made:
        if isinstance(client, AsyncLamlClient):
            await client.aclose()
        else:
            client.close()


@pytest.fixture
def client(make_client: Callable[..., Client]) -> Client:
    return make_client()


async def call(client: Client, dotted: str, *args: Any, **kwargs: Any) -> Any:
    """Call a method by dotted name on either client; await it if the client is async."""
    result = attrgetter(dotted)(client)(*args, **kwargs)
    return await result if inspect.isawaitable(result) else result


async def run(client: Client, op: Op, **extra: Any) -> Any:
    return await call(client, op.name, *op.args, **{**op.kwargs, **extra})


def prefer(code: int) -> dict[str, Any]:
    return {"request_options": {"extra_headers": {"Prefer": f"code={code}"}}}


def resolve(spec: Any, node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def example(mock: MockServer, op: Op, status: int) -> dict[str, Any]:
    """The spec's example body for `status` of this operation."""
    response = resolve(mock.spec, mock.spec["paths"][op.template]["post"]["responses"][str(status)])
    value = response["content"]["application/json"]["example"]
    assert isinstance(value, dict)
    return value


def only_request(mock: MockServer) -> RecordedRequest:
    assert len(mock.requests) == 1, [(r.method, r.path) for r in mock.requests]
    return mock.requests[0]


def assert_sent(request: RecordedRequest, op: Op, *, account: str = PROJECT) -> None:
    """The mock recorded exactly the request `op` should send, and found it valid."""
    assert request.valid is True, request.errors
    assert request.errors == ()
    assert request.operation_id == op.operation_id
    assert request.method == "POST"
    assert request.path == op.path_for(account)
    assert request.query == ()
    assert request.headers["Content-Type"] == FORM
    assert request.form == op.form
    assert request.headers["Authorization"] == BASIC
    assert request.headers["Accept"] == "application/json"
    user_agent = request.headers["User-Agent"]
    assert user_agent.startswith(f"laml_streams/{laml_streams.__version__} "), user_agent
    # the version the release stage gave the package (info.version, bumped by each regeneration)
    assert laml_streams.__version__ == RECORDED_VERSION


def assert_example_model(model: Any, op: Op, mock: MockServer) -> None:
    """`model` is the operation's typed model, holding exactly the spec's 200 example."""
    expected = example(mock, op, 200)
    assert type(model) is op.model
    assert isinstance(model.status, StreamStatus)
    assert model.status is StreamStatus(expected["status"])
    assert model.status.is_known is True
    # `date_updated` (RFC 2822, written "Sept" by the API's own examples) is read as a date
    when = email.utils.parsedate_to_datetime(expected["date_updated"].replace("Sept", "Sep"))
    assert model.date_updated == when and when.tzinfo is not None
    for key, value in expected.items():  # the example's keys are the snake_case attributes
        if key != "date_updated":
            assert getattr(model, key) == value, key
    assert model.to_wire() == expected  # and dumped back as it came
    assert model.model_extra == {}


# --------------------------------------------------------------------------------------------------
# Every operation, both clients: the exact request and the parsed answer


@pytest.mark.anyio
@pytest.mark.parametrize("op", OPS, ids=str)
async def test_operation_sends_exact_request_and_parses_example(
    op: Op, client: Client, mock: MockServer
) -> None:
    result = await run(client, op)

    assert_sent(only_request(mock), op)
    assert_example_model(result, op, mock)


@pytest.mark.anyio
@pytest.mark.parametrize("op", OPS, ids=str)
async def test_raw_response_has_status_headers_and_model(
    op: Op, client: Client, mock: MockServer
) -> None:
    raw = await call(client, op.raw_name, *op.args, **op.kwargs)

    assert isinstance(raw, ApiResponse)
    assert raw.status_code == 200
    assert raw.headers["content-type"] == "application/json"
    assert isinstance(raw.http_response, httpx.Response)
    assert raw.attempts == 1
    assert json.loads(raw.http_response.content) == example(mock, op, 200)
    assert_example_model(raw.data, op, mock)
    assert_sent(only_request(mock), op)


@pytest.mark.anyio
@pytest.mark.parametrize("op", CREATES, ids=str)
async def test_optional_arguments_not_given_are_not_sent(
    op: Op, client: Client, mock: MockServer
) -> None:
    await call(client, op.name, *op.args, url="wss://example.com/only")

    request = only_request(mock)
    assert request.valid is True, request.errors
    assert request.form == (("Url", "wss://example.com/only"),)


@pytest.mark.anyio
@pytest.mark.parametrize("op", UPDATES, ids=str)
async def test_stop_and_update_send_status_stopped_unasked(
    op: Op, client: Client, mock: MockServer
) -> None:
    method = attrgetter(op.name)(client)
    assert "status" not in inspect.signature(method).parameters  # nothing for the caller to pass

    await call(client, op.name, *op.args)

    assert only_request(mock).form == (("Status", "stopped"),)


# --------------------------------------------------------------------------------------------------
# Configuration: account sid, environment, server URL


@pytest.mark.anyio
@pytest.mark.parametrize("op", OPS, ids=str)
async def test_account_sid_overrides_the_path(
    op: Op, make_client: Callable[..., Client], mock: MockServer
) -> None:
    client = make_client(account_sid="AC-other")

    await run(client, op)

    # the account in the path changes; the credentials (project id) do not
    assert_sent(only_request(mock), op, account="AC-other")


@pytest.mark.anyio
async def test_credentials_from_environment_are_sent(
    make_client: Callable[..., Client], mock: MockServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNALWIRE_PROJECT_ID", "PJ-env")
    monkeypatch.setenv("SIGNALWIRE_API_TOKEN", "env-token")
    client = make_client(project_id=None, api_token=None)

    await run(client, CALL_STOP)

    request = only_request(mock)
    assert request.valid is True, request.errors
    assert request.path == CALL_STOP.path_for("PJ-env")  # the account defaults to the project
    expected = base64.b64encode(b"PJ-env:env-token").decode("ascii")
    assert request.headers["Authorization"] == f"Basic {expected}"


@pytest.mark.parametrize("cls", [LamlClient, AsyncLamlClient], ids=lambda c: c.__name__)
def test_base_url_from_space_environment(
    cls: type[Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNALWIRE_SPACE", "myspace")
    monkeypatch.setenv("SIGNALWIRE_PROJECT_ID", "PJ-env")
    monkeypatch.setenv("SIGNALWIRE_API_TOKEN", "env-token")

    client = cls()

    assert client.base_url == "https://myspace.signalwire.com/api/laml/2010-04-01"
    assert client.account_sid == "PJ-env"
    # an explicit argument wins over the environment
    other = cls(space="other", project_id=PROJECT, api_token=TOKEN)
    assert other.base_url == "https://other.signalwire.com/api/laml/2010-04-01"
    assert other.account_sid == PROJECT


@pytest.mark.parametrize("cls", [LamlClient, AsyncLamlClient], ids=lambda c: c.__name__)
@pytest.mark.parametrize("missing", ENV_VARS)
@pytest.mark.parametrize("how", ["unset", "empty"])
def test_missing_setting_names_its_environment_variable(
    cls: type[Client], missing: str, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in zip(ENV_VARS, ("myspace", "PJ-env", "env-token"), strict=True):
        monkeypatch.setenv(name, value)
    if how == "unset":
        monkeypatch.delenv(missing)
    else:
        monkeypatch.setenv(missing, "")

    with pytest.raises(ConfigurationError, match=missing):
        cls()


@pytest.mark.parametrize("cls", [LamlClient, AsyncLamlClient], ids=lambda c: c.__name__)
@pytest.mark.parametrize("argument", ["project_id", "api_token"])
def test_empty_credential_argument_counts_as_missing(
    cls: type[Client], argument: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    kwargs = {"space": "myspace", "project_id": "PJ1", "api_token": "tok", argument: ""}
    with pytest.raises(ConfigurationError, match=argument):
        cls(**kwargs)


@pytest.mark.parametrize("cls", [LamlClient, AsyncLamlClient], ids=lambda c: c.__name__)
@pytest.mark.parametrize(
    "space", ["evil.com/x#", "evil.com#", "x@evil.com", "evil.com:8080", "a/b", "a?b=", "", " "]
)
def test_hostile_space_is_refused(
    cls: type[Client], space: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ConfigurationError, match="space"):
        cls(space=space, project_id=PROJECT, api_token=TOKEN)
    if space:  # the same value from the environment
        monkeypatch.setenv("SIGNALWIRE_SPACE", space)
        with pytest.raises(ConfigurationError, match="space"):
            cls(project_id=PROJECT, api_token=TOKEN)


# --------------------------------------------------------------------------------------------------
# Client-side validation: refused before anything is sent


@pytest.mark.anyio
@pytest.mark.parametrize("url", ["ws://x", "http://x.example/a", "https://x.example/a", "ftp:x"])
@pytest.mark.parametrize("op", CREATES, ids=str)
async def test_non_wss_url_refused_before_sending(
    op: Op, url: str, client: Client, mock: MockServer
) -> None:
    with pytest.raises(RequestValidationError, match="Url") as caught:
        await call(client, op.name, *op.args, url=url)

    assert caught.value.operation_id == op.operation_id
    assert caught.value.attempts == 0
    assert mock.requests == []


@pytest.mark.anyio
@pytest.mark.parametrize("url", ["/audio/stream", "audio", "WSS://x.example/a", "wss://x.example"])
async def test_relative_and_wss_urls_are_accepted(
    url: str, client: Client, mock: MockServer
) -> None:
    # The reference: "Absolute or relative URL", and the only protocol is wss.
    await call(client, CALL_CREATE.name, "CA1", url=url)
    request = only_request(mock)
    assert request.valid is True, request.errors
    assert request.form == (("Url", url),)


@pytest.mark.anyio
@pytest.mark.parametrize("op", CREATES, ids=str)
async def test_more_than_99_parameters_refused(op: Op, client: Client, mock: MockServer) -> None:
    too_many = {f"k{i}": f"v{i}" for i in range(1, 101)}
    with pytest.raises(RequestValidationError, match="99") as caught:
        await call(client, op.name, *op.args, url="wss://x.example", parameters=too_many)
    assert caught.value.operation_id == op.operation_id
    assert mock.requests == []


@pytest.mark.anyio
async def test_99_parameters_accepted(client: Client, mock: MockServer) -> None:
    # Parameter1 ... Parameter99: the last index the spec's patternProperties allow.
    ninety_nine = {f"k{i}": f"v{i}" for i in range(1, 100)}
    await call(client, CALL_CREATE.name, "CA1", url="wss://x.example", parameters=ninety_nine)

    request = only_request(mock)
    assert request.valid is True, request.errors
    assert request.form is not None
    assert len(request.form) == 1 + 2 * 99
    assert request.form[-2:] == (("Parameter99.Name", "k99"), ("Parameter99.Value", "v99"))


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("argument", "value", "wire"),
    [("track", "sideways", "Track"), ("status_callback_method", "PUT", "StatusCallbackMethod")],
)
async def test_value_outside_a_request_enum_is_sent_as_given(
    argument: str, value: str, wire: str, client: Client, mock: MockServer
) -> None:
    # Enums are open at run time (the API may accept values its reference does not list yet);
    # the spec's are closed, so the mock refuses this one, after it was sent as given.
    with pytest.raises(BadRequestError, match=wire):
        await call(client, CALL_CREATE.name, "CA1", url="wss://x.example", **{argument: value})
    (request,) = mock.requests
    assert request.form is not None and (wire, value) in request.form


@pytest.mark.anyio
async def test_a_request_enum_of_the_wrong_type_is_refused_before_sending(
    client: Client, mock: MockServer
) -> None:
    with pytest.raises(RequestValidationError, match="Track"):
        await call(client, CALL_CREATE.name, "CA1", url="wss://x.example", track=3)
    assert mock.requests == []


@pytest.mark.anyio
async def test_empty_path_parameter_refused_before_sending(
    client: Client, mock: MockServer
) -> None:
    with pytest.raises(ValueError, match="CallSid"):
        await call(client, CALL_STOP.name, "", "ST1")
    assert mock.requests == []


# --------------------------------------------------------------------------------------------------
# Path parameters: one segment each, whatever they hold


@pytest.mark.anyio
@pytest.mark.parametrize("sid", ["../x", "a b", "..", ".", "a/b", "?x=1#y", "%2F", "ü"])
async def test_path_parameters_stay_one_segment(
    sid: str, make_client: Callable[..., Client], mock: MockServer
) -> None:
    client = make_client(account_sid=sid)

    await call(client, CALL_STOP.name, sid, sid)
    await call(client, CONFERENCE_CREATE.name, sid, url="wss://x.example")

    stop, create = mock.requests
    for request, operation_id, shape in (
        (stop, "stopCallStream", ["Accounts", None, "Calls", None, "Streams", None]),
        (create, "createConferenceStream", ["Accounts", None, "Conferences", None, "Streams"]),
    ):
        assert request.operation_id == operation_id  # routed to the intended operation
        assert request.valid is True, request.errors
        assert request.path.startswith(API + "/")
        segments = request.path.removeprefix(API + "/").split("/")
        assert len(segments) == len(shape), request.path
        for segment, literal in zip(segments, shape, strict=True):
            if literal is not None:
                assert segment == literal, request.path
            else:
                assert unquote(segment) == sid, request.path
                assert segment not in (".", ".."), request.path  # no dot-segment on the wire


# --------------------------------------------------------------------------------------------------
# Errors


@pytest.mark.anyio
@pytest.mark.parametrize("op", OPS, ids=str)
@pytest.mark.parametrize("status", sorted(ERRORS))
async def test_documented_error_status_raises_typed_error(
    status: int, op: Op, client: Client, mock: MockServer
) -> None:
    with pytest.raises(ERRORS[status]) as caught:
        await run(client, op, **prefer(status))

    error = caught.value
    expected = example(mock, op, status)
    assert isinstance(error, ApiStatusError)
    assert error.status_code == status
    assert error.headers["content-type"] == "application/json"
    assert isinstance(error.error, CompatibilityErrorResponse)
    assert error.error.code == expected["code"]
    assert error.error.message == expected["message"]
    assert error.error.more_info == expected["more_info"]
    assert error.error.status == status
    assert error.body == expected
    assert json.loads(error.text) == expected
    assert error.operation_id == op.operation_id
    assert error.attempts == 1  # a 4xx is never retried
    assert error.retryable is False
    assert expected["message"] in str(error)
    assert TOKEN not in str(error)
    request = only_request(mock)
    assert request.headers["Prefer"] == f"code={status}"
    assert_sent(request, op)


@pytest.mark.anyio
@pytest.mark.parametrize("op", UPDATES, ids=str)
async def test_503_on_idempotent_operation_raised_after_retries(
    op: Op, client: Client, mock: MockServer, sleeps: list[float]
) -> None:
    with pytest.raises(InternalServerError) as caught:
        await run(client, op, **prefer(503))

    error = caught.value
    assert error.status_code == 503
    assert error.attempts == 3  # the default 2 retries
    assert error.retryable is True
    assert isinstance(error.error, CompatibilityErrorResponse)
    assert error.error.code == example(mock, op, 503)["code"]
    assert len(sleeps) == 2
    assert len(mock.requests) == 3
    for request in mock.requests:
        assert_sent(request, op)


@pytest.mark.anyio
@pytest.mark.parametrize("op", CREATES, ids=str)
async def test_503_on_create_without_retry_after_is_not_retried(
    op: Op, client: Client, mock: MockServer, sleeps: list[float]
) -> None:
    # A create may have reached the server: only a 503 *with* Retry-After is safe to resend.
    with pytest.raises(InternalServerError) as caught:
        await run(client, op, **prefer(503))

    assert caught.value.attempts == 1
    assert caught.value.retryable is False
    assert isinstance(caught.value.error, CompatibilityErrorResponse)
    assert sleeps == []
    assert_sent(only_request(mock), op)


@pytest.mark.anyio
@pytest.mark.parametrize("op", CREATES, ids=str)
async def test_503_with_retry_after_on_create_is_retried(
    op: Op, client: Client, mock: MockServer, sleeps: list[float]
) -> None:
    mock.script(
        Scripted(
            status=503,
            headers={"Retry-After": "0"},
            body=example(mock, op, 503),
            match=op.operation_id,
        )
    )

    raw = await call(client, op.raw_name, *op.args, **op.kwargs)

    assert raw.status_code == 200
    assert raw.attempts == 2
    assert sleeps == [0.0]
    assert_example_model(raw.data, op, mock)
    assert len(mock.requests) == 2
    for request in mock.requests:
        assert_sent(request, op)


@pytest.mark.anyio
async def test_request_without_credentials_is_refused_by_the_mock(
    kind: str, make_client: Callable[..., Client], mock: MockServer
) -> None:
    # An http_client whose hook strips the Authorization header the SDK set.
    def strip(request: httpx.Request) -> None:
        del request.headers["Authorization"]

    async def astrip(request: httpx.Request) -> None:
        strip(request)

    http: httpx.Client | httpx.AsyncClient
    if kind == "sync":
        http = httpx.Client(event_hooks={"request": [strip]}, verify=False)
    else:
        http = httpx.AsyncClient(event_hooks={"request": [astrip]}, verify=False)
    client = make_client(http_client=http)
    try:
        with pytest.raises(AuthenticationError) as caught:
            await run(client, CALL_CREATE)
    finally:
        if isinstance(http, httpx.AsyncClient):
            await http.aclose()
        else:
            http.close()

    error = caught.value
    assert error.status_code == 401
    assert error.headers["www-authenticate"].startswith("Basic")
    assert isinstance(error.error, CompatibilityErrorResponse)
    assert error.error.status == 401
    assert "credentials" in error.error.message
    assert error.attempts == 1
    request = only_request(mock)
    assert "Authorization" not in request.headers
    assert request.valid is False
    assert any("credentials" in e for e in request.errors)


# --------------------------------------------------------------------------------------------------
# Tolerance of a newer server


@pytest.mark.anyio
@pytest.mark.parametrize("op", OPS, ids=str)
async def test_unknown_status_and_extra_field_are_tolerated(
    op: Op, client: Client, mock: MockServer
) -> None:
    body = {**example(mock, op, 200), "status": "paused", "brand_new": {"since": 2025}}
    mock.script(Scripted(status=200, body=body, match=op.operation_id))

    result = await run(client, op)

    assert type(result) is op.model
    assert isinstance(result.status, StreamStatus)
    assert result.status.value == "paused"
    assert result.status.is_known is False
    assert result.model_extra == {"brand_new": {"since": 2025}}
    assert result.sid == body["sid"]
    assert_sent(only_request(mock), op)


# --------------------------------------------------------------------------------------------------
# Lifetime: context managers, injected HTTP clients


@pytest.mark.anyio
async def test_context_manager_closes_its_own_http_client(
    kind: str, mock: MockServer, sleeps: list[float]
) -> None:
    options: dict[str, Any] = {
        "base_url": mock.url,
        "project_id": PROJECT,
        "api_token": TOKEN,
        "retry": retry_config(sleeps),
    }
    if kind == "sync":
        with LamlClient(**options) as sync_client:
            assert isinstance(sync_client, LamlClient)
            result = sync_client.calls.streams.stop("CA1", "ST1")
        closed = sync_client._transport._http.is_closed
    else:
        async with AsyncLamlClient(**options) as async_client:
            assert isinstance(async_client, AsyncLamlClient)
            result = await async_client.calls.streams.stop("CA1", "ST1")
        closed = async_client._transport._http.is_closed

    assert_example_model(result, CALL_STOP, mock)
    assert_sent(only_request(mock), CALL_STOP)
    assert closed is True


@pytest.mark.anyio
async def test_injected_http_client_is_used_and_left_open(
    kind: str, mock: MockServer, sleeps: list[float]
) -> None:
    options: dict[str, Any] = {
        "base_url": mock.url,
        "project_id": PROJECT,
        "api_token": TOKEN,
        "retry": retry_config(sleeps),
    }
    headers = {"X-Injected": "yes"}
    if kind == "sync":
        with httpx.Client(headers=headers, verify=False) as http:
            with LamlClient(http_client=http, **options) as sync_client:
                result = sync_client.conferences.streams.update("CF1", "ST1")
            assert http.is_closed is False
            assert http.get(mock.url + "/nowhere").status_code == 404  # still usable
    else:
        async with httpx.AsyncClient(headers=headers, verify=False) as ahttp:
            async with AsyncLamlClient(http_client=ahttp, **options) as async_client:
                result = await async_client.conferences.streams.update("CF1", "ST1")
            assert ahttp.is_closed is False
            assert (await ahttp.get(mock.url + "/nowhere")).status_code == 404

    assert_example_model(result, CONFERENCE_UPDATE, mock)
    request, probe = mock.requests
    assert request.headers["X-Injected"] == "yes"  # sent through the injected client
    assert_sent(request, CONFERENCE_UPDATE)  # with the SDK's auth and User-Agent all the same
    assert probe.operation_id is None
