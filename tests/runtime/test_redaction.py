"""Secrets never reach log records, reprs or error messages (``_redact.py`` and its users)."""

from __future__ import annotations

import base64
import json
import logging
from urllib.parse import quote, quote_plus

import httpx
import pytest
from _harness import PACKAGE, Harness, get
from _server import Reply, ScriptedServer
from runtime import (
    ApiConnectionError,
    ApiKeyAuth,
    ApiStatusError,
    Auth,
    AuthenticationError,
    BasicAuth,
    BearerAuth,
    CompositeAuth,
    NoAuth,
    ResponseValidationError,
    SyncApiClient,
)
from runtime._raw import raw_response
from runtime._redact import Redactor

PASSWORD = "s3cr3t-pa55word"
TOKEN = "tok_live_abcdef123456"
API_KEY = "key/with+special=chars&more"


def _auth_cases() -> list[object]:
    basic_blob = base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    cases: list[tuple[str, Auth, list[str]]] = [
        ("basic", BasicAuth("alice", PASSWORD), [PASSWORD, basic_blob]),
        ("bearer", BearerAuth(TOKEN), [TOKEN]),
        (
            "api_key",
            ApiKeyAuth("api_key", API_KEY, "query"),
            [API_KEY, quote(API_KEY, safe=""), quote_plus(API_KEY)],
        ),
    ]
    return [pytest.param(*case, id=case[0]) for case in cases]


@pytest.mark.parametrize(("name", "auth", "secrets"), _auth_cases())
def test_secrets_are_masked_in_logs_reprs_and_errors(
    harness: Harness,
    caplog: pytest.LogCaptureFixture,
    name: str,
    auth: Auth,
    secrets: list[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    echo = {"message": f"credentials {secrets[0]} rejected"}  # a server echoing the secret
    harness.server.script(Reply.json(echo, status=503), Reply.json(echo, status=401))
    client = harness.make(auth=auth)
    try:
        with pytest.raises(AuthenticationError) as info:
            harness.request(get(), auth=auth)
        err = info.value
        exposed = {
            "logs": caplog.text,
            "messages": "\n".join(r.getMessage() for r in caplog.records),
            "str": str(err),
            "repr": repr(err),
            "url": err.url or "",
            "client repr": repr(client),
            "auth repr": repr(auth),
        }
        for where, text in exposed.items():
            for secret in secrets:
                assert secret not in text, f"{name} secret leaked into {where}: {text}"
    finally:
        if isinstance(client, SyncApiClient):
            client.close()

    # The credential was really sent, so the masking above was tested against real traffic.
    sent = harness.server.requests[0]
    sent_text = f"{sent.headers.get('authorization', '')} {sent.target}"
    assert any(secret in sent_text for secret in secrets)
    assert "credentials *** rejected" in str(err)
    # Our own records, and httpx's INFO line with the full URL, were both captured (masked).
    loggers = {r.name for r in caplog.records}
    assert {PACKAGE, "httpx"} <= loggers
    if name == "api_key":
        assert "api_key=***" in err.url  # type: ignore[operator]
        assert any(r.name == "httpx" and "api_key=***" in r.getMessage() for r in caplog.records)


def test_debug_line_per_attempt_and_warning_on_retry(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger=PACKAGE)
    harness.server.script(Reply(503), Reply.json({}))
    harness.request(get())
    ours = [r for r in caplog.records if r.name == PACKAGE]
    assert [r.levelname for r in ours] == ["DEBUG", "WARNING", "DEBUG"]
    url = f"{harness.server.url}/things"
    assert ours[0].getMessage().startswith(f"GET {url} -> 503 Service Unavailable in ")
    assert ours[0].getMessage().endswith("(attempt 1/3)")
    assert ours[1].getMessage() == (
        f"Retrying GET {url} (getThing) in 0.50s: attempt 1/3 failed with 503 Service Unavailable"
    )
    assert ours[2].getMessage().startswith(f"GET {url} -> 200 OK in ")
    assert ours[2].getMessage().endswith("(attempt 2/3)")


def test_logger_is_quiet_by_default() -> None:
    root_handlers = list(logging.getLogger().handlers)
    client = SyncApiClient(
        base_url="https://api.example.com", auth=NoAuth(), package="quiet_pkg", version="0"
    )
    client.close()
    logger = logging.getLogger("quiet_pkg")
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)
    assert logging.getLogger().handlers == root_handlers
    # A second client does not stack handlers.
    SyncApiClient(
        base_url="https://api.example.com", auth=NoAuth(), package="quiet_pkg", version="0"
    ).close()
    assert len(logger.handlers) == 1


def test_client_repr_shows_base_url_and_package_only() -> None:
    client = SyncApiClient(
        base_url="https://bob:hunter2@api.example.com/v1/",
        auth=CompositeAuth(BearerAuth(TOKEN), ApiKeyAuth("X-Key", "k-123456789", "header")),
        package="acme_sdk",
        version="1.0",
    )
    try:
        assert repr(client) == (
            "SyncApiClient(package='acme_sdk', base_url='https://***@api.example.com/v1')"
        )
        # base_url is printed by the generated clients' reprs, so it is masked too.
        assert client.base_url == "https://***@api.example.com/v1"
    finally:
        client.close()


class TestRedactor:
    def test_masks_secret_values_and_their_url_forms(self) -> None:
        redactor = Redactor(ApiKeyAuth("sig", API_KEY, "query"))
        url = f"https://h/x?a=1&sig={quote(API_KEY, safe='')}&b=2"
        assert redactor.url(url) == "https://h/x?a=1&sig=***&b=2"
        assert redactor.text(f"echo {API_KEY} and {quote_plus(API_KEY)}") == "echo *** and ***"

    def test_default_secret_query_names_without_auth(self) -> None:
        redactor = Redactor(NoAuth())
        assert redactor.url("https://h/x?API_KEY=abc&access_token=t&page=2") == (
            "https://h/x?API_KEY=***&access_token=***&page=2"
        )
        assert redactor.url("https://h/x?page_token=abc") == "https://h/x?page_token=abc"

    def test_userinfo(self) -> None:
        assert Redactor(NoAuth()).text("see https://u:p@h/x and http://h2/") == (
            "see https://***@h/x and http://h2/"
        )

    def test_longest_secret_first(self) -> None:
        basic = BasicAuth("alice", "pw12345")
        blob = base64.b64encode(b"alice:pw12345").decode()
        assert Redactor(basic).text(f"Basic {blob} / pw12345") == "Basic *** / ***"

    def test_follows_changing_secrets(self) -> None:
        class Rotating:
            token = "first-token-1"

            def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
                headers["Authorization"] = f"Bearer {self.token}"

            def secrets(self) -> tuple[str, ...]:
                return (self.token,)

            def secret_query_params(self) -> frozenset[str]:
                return frozenset()

        auth = Rotating()
        redactor = Redactor(auth)
        assert redactor.text("first-token-1") == "***"
        auth.token = "second-token-2"
        assert redactor.text("second-token-2") == "***"

    def test_empty_secret_is_ignored(self) -> None:
        assert Redactor(BasicAuth("u", "")).text("hello") == "hello"


def test_status_error_keeps_raw_text_but_masks_message(harness: Harness) -> None:
    auth = BearerAuth(TOKEN)
    harness.server.script(Reply(400, f"token {TOKEN} invalid".encode()))
    with pytest.raises(ApiStatusError) as info:
        harness.request(get(), auth=auth)
    assert TOKEN not in str(info.value)
    assert info.value.text == f"token {TOKEN} invalid"  # .text is the raw body, by contract


# -- whole occurrences: short secrets leave other text alone --------------------------------------

SHORT = ["s", "ed", "1", "re1"]
LONG = "k" * 10 + "-long-secret-value-" + "9" * 10


@pytest.mark.parametrize("secret", SHORT)
def test_short_secret_is_masked_only_as_a_whole_token(secret: str) -> None:
    redactor = Redactor(ApiKeyAuth("key", secret, "query"))
    untouched = [
        "Connection refused",
        "ConnectError: [Errno 111] Connection refused",
        "gave up after 3 attempts; api.v1.example: re1ax_ed, s3, red-s-x, 11, 1.5, %1F",
    ]
    for text in untouched:
        assert redactor.text(text) == text
    assert redactor.text(f'{{"message": "key {secret} is not valid"}}') == (
        '{"message": "key *** is not valid"}'
    )
    assert redactor.text(f"bad key: {secret}.") == "bad key: ***."
    assert redactor.text(f"token%22{secret}%22") == "token%22***%22"
    assert redactor.url(f"https://h/v1/s/1/x?page=10&q={secret}&size=2") == (
        "https://h/v1/s/1/x?page=10&q=***&size=2"
    )
    assert redactor.url("https://h/x?page=11&q=refused") == "https://h/x?page=11&q=refused"
    assert redactor.header("Authorization", f"Bearer {secret}") == "Bearer ***"
    assert redactor.header("X-Custom", secret) == "***"
    assert redactor.header("User-Agent", "acme/1.2.3 Python/3.12.1") == "acme/1.2.3 Python/3.12.1"
    assert redactor.text(f"https://u:{secret}@h/x") == "https://***@h/x"


def test_long_secret_is_masked_wherever_it_appears() -> None:
    redactor = Redactor(BearerAuth(LONG))
    assert redactor.text(f"glued{LONG}glued and {quote(LONG)}") == "glued***glued and ***"
    assert redactor.url(f"https://h/keys/{LONG}/x?a=b{LONG}") == "https://h/keys/***/x?a=b***"
    assert redactor.text(json.dumps({"echo": f"x{LONG}"})) == '{"echo": "x***"}'


def test_json_escaped_secret_is_masked() -> None:
    secret = 'p"w\\1'
    redactor = Redactor(BasicAuth("u", secret))
    escaped = json.dumps(secret)[1:-1]
    assert redactor.text(f'{{"error": "bad password {escaped}"}}') == (
        '{"error": "bad password ***"}'
    )


def test_password_in_base_url_is_a_secret_too(harness: Harness) -> None:
    # httpx turns userinfo into Basic credentials; the password must not show anywhere either.
    harness.server.script(Reply.json({"message": "pw hunter2 rejected"}, status=401))
    base = harness.server.url.replace("http://", "http://bob:hunter2@")
    client = harness.make(base_url=base)
    try:
        assert "hunter2" not in repr(client)
        assert "hunter2" not in client.base_url
    finally:
        if isinstance(client, SyncApiClient):
            client.close()
    with pytest.raises(AuthenticationError) as info:
        harness.request(get(), base_url=base)
    assert "hunter2" not in str(info.value)
    assert "pw *** rejected" in str(info.value)
    request = info.value.response.request
    assert "hunter2" not in str(request.url)
    assert "hunter2" not in repr(request.headers.get("authorization"))


@pytest.mark.parametrize("secret", SHORT)
def test_short_secret_does_not_mangle_client_messages_or_logs(
    harness: Harness, caplog: pytest.LogCaptureFixture, secret: str
) -> None:
    caplog.set_level(logging.DEBUG)
    auth = ApiKeyAuth("key", secret, "query")
    harness.server.script(
        Reply.json({"message": f"key {secret} is not valid: access refused"}, status=401)
    )
    with pytest.raises(AuthenticationError) as info:
        harness.request(get("/things/1"), auth=auth, max_retries=2)
    err = info.value
    assert str(err) == (
        f"401 Unauthorized from GET {harness.server.url}/things/1?key=*** (getThing): "
        "key *** is not valid: access refused"
    )
    ours = [r.getMessage() for r in caplog.records if r.name == PACKAGE]
    assert ours[0].startswith(f"GET {harness.server.url}/things/1?key=*** -> 401 Unauthorized")
    assert ours[0].endswith("(attempt 1/3)")
    [httpx_line] = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert f"{harness.server.url}/things/1?key=***" in httpx_line
    assert '"HTTP/1.1 401 Status"' in httpx_line  # the test server's reason phrase


def test_connection_error_text_survives_a_short_secret(harness: Harness) -> None:
    closed = ScriptedServer(listen=False)
    try:
        harness.server = closed
        with pytest.raises(ApiConnectionError) as info:
            harness.request(get(), auth=ApiKeyAuth("X-Key", "s", "header"), max_retries=0)
    finally:
        closed.close()
    # "Connection refused" (sync) or "All connection attempts failed" (anyio)
    assert "ConnectError: " in str(info.value)
    assert "***" not in str(info.value)


# -- httpx objects reachable from our errors and responses ----------------------------------------


def _visible(request: httpx.Request) -> str:
    return " ".join(
        [repr(request), str(request.url), repr(request.headers), *request.headers.values()]
    )


def test_requests_attached_to_errors_and_responses_are_masked(harness: Harness) -> None:
    auth = CompositeAuth(
        BearerAuth("tk1"), ApiKeyAuth("api_key", "k-7", "query"), ApiKeyAuth("X-Key", "x", "header")
    )
    harness.server.script(Reply.json({}, status=404), Reply.json({"ok": True}))
    with pytest.raises(ApiStatusError) as info:
        harness.request(get(query=(("page", "2"),)), auth=auth)
    shown = _visible(info.value.response.request)
    assert "k-7" not in shown and "tk1" not in shown
    assert info.value.response.request.url.params["api_key"] == "***"
    assert info.value.response.request.url.params["page"] == "2"
    assert info.value.response.request.headers["authorization"] == "Bearer ***"
    assert info.value.response.request.headers["x-key"] == "***"
    assert "api_key=***" in str(info.value.response.url)
    # What was sent was the real thing.
    assert harness.server.requests[0].query == [("page", "2"), ("api_key", "k-7")]

    raw = harness.call(get(), dict[str, bool], auth=auth)
    assert "k-7" not in _visible(raw.http_response.request)
    assert "tk1" not in _visible(raw.http_response.request)
    assert "k-7" not in repr(raw)


def test_a_parsed_response_is_masked_once_it_is_handed_out(harness: Harness) -> None:
    # A 2xx answer that is only parsed is not copied for redaction; one that leaves the runtime
    # (a raw response, the response of a body that does not fit) is.
    auth = CompositeAuth(BearerAuth("tk1"), ApiKeyAuth("api_key", "k-7", "query"))
    harness.server.script(Reply.json({"ok": True}), Reply.json({"ok": True}), Reply.json([1]))
    with SyncApiClient(**harness.client_kwargs(auth=auth)) as client:
        assert client.call(get(), dict[str, bool], None) == {"ok": True}
        raw = raw_response(client.call)(get(), dict[str, bool], None)
        assert "k-7" not in _visible(raw.http_response.request)
        assert "tk1" not in _visible(raw.http_response.request)
        with pytest.raises(ResponseValidationError) as info:
            client.call(get(), dict[str, bool], None)
    shown = _visible(info.value.response.request)
    assert "k-7" not in shown and "tk1" not in shown
    assert info.value.response.request.headers["authorization"] == "Bearer ***"


def test_cause_of_a_connection_error_is_masked(harness: Harness) -> None:
    closed = ScriptedServer(listen=False)
    try:
        harness.server = closed
        with pytest.raises(ApiConnectionError) as info:
            harness.request(get(), auth=ApiKeyAuth("api_key", "k-7", "query"), max_retries=0)
    finally:
        closed.close()
    cause = info.value.__cause__
    assert isinstance(cause, httpx.ConnectError)
    assert "k-7" not in _visible(cause.request)
    assert "api_key=***" in str(cause.request.url)
