"""Secrets never reach log records, reprs or error messages (``_redact.py`` and its users)."""

from __future__ import annotations

import base64
import logging
from urllib.parse import quote, quote_plus

import pytest
from _harness import PACKAGE, Harness, get
from _server import Reply
from runtime import (
    ApiKeyAuth,
    ApiStatusError,
    Auth,
    AuthenticationError,
    BasicAuth,
    BearerAuth,
    CompositeAuth,
    NoAuth,
    SyncApiClient,
)
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
        assert client.base_url == "https://bob:hunter2@api.example.com/v1"
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
