"""Security over the mock, sync and async: the `security` golden package (alternative
requirements, operations with their own, `security: []`, OAuth 2.0 client credentials against the
mock's token endpoint, ready tokens for other flows and OpenID Connect, an API key in a cookie)
and the `oauth2_client` one (one OAuth 2.0 requirement for the whole API).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from types import ModuleType
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from generator.mock import MockServer, RecordedRequest
from tests.golden_import import GOLDEN, golden_package


@pytest.fixture(scope="module")
def secure(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with golden_package("security", tmp_path_factory.mktemp("secure")) as package:
        yield package


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with golden_package("oauth2_client", tmp_path_factory.mktemp("ledger")) as package:
        yield package


@pytest.fixture
def mock() -> Iterator[MockServer]:
    with MockServer(GOLDEN / "security" / "spec.yaml") as server:
        yield server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def call(
    package: ModuleType, mode: str, dotted: str, client: dict[str, Any], **kwargs: Any
) -> Any:
    """One call through a fresh client of `package` (the first client class it exports)."""
    name = next(n for n in package.__all__ if n.endswith("Client") and not n.startswith("Async"))
    resource, method = dotted.split(".")
    if mode == "sync":
        with getattr(package, name)(**client) as c:
            return getattr(getattr(c, resource), method)(**kwargs)
    async with getattr(package, f"Async{name}")(**client) as c:
        return await getattr(getattr(c, resource), method)(**kwargs)


def api_requests(mock: MockServer) -> list[RecordedRequest]:
    return [r for r in mock.requests if r.operation_id is not None]


def token_requests(mock: MockServer) -> list[RecordedRequest]:
    return [r for r in mock.requests if r.path == "/oauth/token"]


BASIC = {"username": "ada", "password": "pw"}
OAUTH = {"client_id": "app", "client_secret": "shh"}
MODES = pytest.mark.parametrize("mode", ["sync", "async"])


# --------------------------------------------------------------------------- choosing per call


@pytest.mark.anyio
@MODES
@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ({**BASIC, "api_key": "k"}, ("Basic", None)),  # the first requirement wins
        ({"api_key": "k"}, (None, "k")),  # else the next one the client has
    ],
)
async def test_the_first_requirement_the_client_has_credentials_for(
    secure: ModuleType, mock: MockServer, mode: str, given: dict[str, str], sent: tuple[Any, Any]
) -> None:
    assert await call(secure, mode, "accounts.list", {"base_url": mock.url, **given}) == [
        "a1",
        "a2",
    ]
    [record] = mock.requests
    assert record.valid, record.errors
    authorization = record.headers.get("Authorization")
    assert (
        authorization.split()[0] if authorization else None,
        record.headers.get("X-Api-Key"),
    ) == sent


@pytest.mark.anyio
@MODES
async def test_without_credentials_for_any_requirement_nothing_is_sent(
    secure: ModuleType, mock: MockServer, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECURE_API_KEY", raising=False)
    with pytest.raises(secure.ConfigurationError) as caught:
        await call(secure, mode, "accounts.list", {"base_url": mock.url, "session_id": "s"})
    assert str(caught.value) == (
        "listAccounts needs credentials the client was not given: pass username and password or api_key"
    )
    assert mock.requests == []


@pytest.mark.anyio
@MODES
async def test_security_none_sends_no_credentials(
    secure: ModuleType, mock: MockServer, mode: str
) -> None:
    await call(
        secure,
        mode,
        "status.get",
        {"base_url": mock.url, **BASIC, "api_key": "k", "session_id": "s"},
    )
    [record] = mock.requests
    assert (
        record.valid and "Authorization" not in record.headers and "X-Api-Key" not in record.headers
    )
    assert "Cookie" not in record.headers


@pytest.mark.anyio
@MODES
async def test_an_operations_own_requirements_replace_the_apis(
    secure: ModuleType, mock: MockServer, mode: str
) -> None:
    # createReport: OAuth 2.0, else the API key and the session cookie together
    await call(
        secure,
        mode,
        "reports.create",
        {"base_url": mock.url, **BASIC, "api_key": "k", "session_id": "s1"},
    )
    [record] = mock.requests
    assert record.valid, record.errors
    assert record.headers["X-Api-Key"] == "k" and record.headers["Cookie"] == "sid=s1"
    assert "Authorization" not in record.headers  # basic is not among its requirements
    with pytest.raises(
        secure.ConfigurationError,
        match="pass access_token, or client_id and client_secret or api_key and session_id",
    ):
        await call(secure, mode, "reports.create", {"base_url": mock.url, "api_key": "k"})


@pytest.mark.anyio
@MODES
async def test_openid_connect_and_other_flows_take_a_ready_token(
    secure: ModuleType, mock: MockServer, mode: str
) -> None:
    await call(secure, mode, "profile.get", {"base_url": mock.url, "id_token": "oidc-1"})
    await call(secure, mode, "profile.get", {"base_url": mock.url})  # or anonymous: {}
    await call(secure, mode, "photos.list", {"base_url": mock.url, "photos_token": "ph-1"})
    assert [r.headers.get("Authorization") for r in mock.requests] == [
        "Bearer oidc-1",
        None,
        "Bearer ph-1",
    ]
    assert all(r.valid for r in mock.requests)


# ----------------------------------------------------------------------------- client credentials


@pytest.mark.anyio
@MODES
async def test_client_credentials_fetch_cache_and_scope_tokens(
    secure: ModuleType, mock: MockServer, mode: str
) -> None:
    name = "SecureClient" if mode == "sync" else "AsyncSecureClient"
    options = {"base_url": mock.url, **OAUTH}
    if mode == "sync":
        with getattr(secure, name)(**options) as client:
            client.reports.list()
            client.reports.list()
            client.reports.create()
    else:
        async with getattr(secure, name)(**options) as client:
            await client.reports.list()
            await client.reports.list()
            await client.reports.create()
    fetches = token_requests(mock)
    assert [dict(parse_qsl(r.body.decode()))["scope"] for r in fetches] == [
        "reports:read",
        "reports:read reports:write",
    ]
    assert base64.b64decode(fetches[0].headers["Authorization"].split()[1]) == b"app:shh"
    sent = [r.headers["Authorization"] for r in api_requests(mock)]
    assert sent == ["Bearer mock-token-1", "Bearer mock-token-1", "Bearer mock-token-2"]
    assert all(r.valid for r in mock.requests), [r.errors for r in mock.requests]


@pytest.mark.anyio
@MODES
async def test_a_revoked_token_is_renewed_on_the_401(
    secure: ModuleType, mock: MockServer, mode: str
) -> None:
    options = {"base_url": mock.url, **OAUTH}
    if mode == "sync":
        with secure.SecureClient(**options) as client:
            client.reports.list()
            mock.revoke_tokens()
            client.reports.list()
    else:
        async with secure.AsyncSecureClient(**options) as client:
            await client.reports.list()
            mock.revoke_tokens()
            await client.reports.list()
    outcome = [(r.path, r.headers.get("Authorization", "")[:14], r.valid) for r in mock.requests]
    assert outcome == [
        ("/oauth/token", "Basic YXBwOnNo", True),
        ("/v1/reports", "Bearer mock-to", True),
        ("/v1/reports", "Bearer mock-to", False),  # 401 invalid_token
        ("/oauth/token", "Basic YXBwOnNo", True),
        ("/v1/reports", "Bearer mock-to", True),
    ]
    assert api_requests(mock)[-1].headers["Authorization"] == "Bearer mock-token-2"


@pytest.mark.anyio
@MODES
async def test_a_refused_client_is_an_authentication_error(secure: ModuleType, mode: str) -> None:
    with MockServer(GOLDEN / "security" / "spec.yaml", oauth_clients={"app": "right"}) as strict:
        with pytest.raises(secure.AuthenticationError) as caught:
            await call(secure, mode, "reports.list", {"base_url": strict.url, **OAUTH})
        assert "wrong secret" in str(caught.value) and "fetching an access token" in str(
            caught.value
        )
        assert "shh" not in str(caught.value)
        assert [r.path for r in strict.requests] == ["/oauth/token"]


@pytest.mark.anyio
@MODES
async def test_one_requirement_for_the_whole_api(ledger: ModuleType, mode: str) -> None:
    with MockServer(GOLDEN / "oauth2_client" / "spec.yaml") as mock:
        client = {"base_url": mock.url, "token_url": mock.token_url(), **OAUTH}
        assert await call(ledger, mode, "entries.list", client) == [1, 2]
        fetch, entry = mock.requests
        assert dict(parse_qsl(fetch.body.decode())) == {
            "grant_type": "client_credentials",
            "scope": "ledger",
        }
        assert entry.headers["Authorization"] == "Bearer mock-token-1" and entry.valid
        # a ready token is sent as it is, and nothing is fetched
        mock.clear()
        await call(ledger, mode, "entries.list", {"base_url": mock.url, "access_token": "ready"})
        [only] = mock.requests
        assert only.headers["Authorization"] == "Bearer ready"


def test_one_requirement_fails_fast_without_credentials(
    ledger: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    for env in ("LEDGER_CLIENT_ID", "LEDGER_CLIENT_SECRET", "LEDGER_TOKEN"):
        monkeypatch.delenv(env, raising=False)
    with pytest.raises(
        ledger.ConfigurationError,
        match=r"missing client_id: pass client_id=\.\.\. or set the LEDGER_CLIENT_ID",
    ):
        ledger.LedgerClient()
    monkeypatch.setenv("LEDGER_CLIENT_ID", "app")
    monkeypatch.setenv("LEDGER_CLIENT_SECRET", "shh")
    client = ledger.LedgerClient()
    assert "shh" not in repr(client)
    client.close()


# ------------------------------------------------------------------------------- the token endpoint


def test_the_mock_token_endpoint(mock: MockServer) -> None:
    url = mock.token_url("oauth")
    assert url == mock.url.removesuffix("/v1") + "/oauth/token"
    form = {"grant_type": "client_credentials", "scope": "reports:read"}
    good = httpx.post(url, data=form, auth=("app", "shh"))
    assert good.status_code == 200
    assert good.json() == {
        "access_token": "mock-token-1",
        "token_type": "Bearer",
        "expires_in": 3600,
        "scope": "reports:read",
    }
    cases = [
        ({**form, "client_id": "a"}, None, 401, "invalid_client"),
        (
            {**form, "client_id": "a", "client_secret": "b", "grant_type": "password"},
            None,
            400,
            "unsupported_grant_type",
        ),
        ({**form, "scope": "admin"}, ("app", "shh"), 400, "invalid_scope"),
    ]
    for data, auth, status, error in cases:
        response = httpx.post(url, data=data, auth=auth)
        assert (response.status_code, response.json()["error"]) == (status, error)
    assert httpx.get(url).status_code == 405
    # the token's scopes are checked where it is used: createReport needs reports:write too
    token = good.json()["access_token"]
    refused = httpx.post(mock.url + "/reports", headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]
    assert (
        httpx.get(mock.url + "/reports", headers={"Authorization": f"Bearer {token}"}).status_code
        == 204
    )
    assert (
        httpx.get(
            mock.url + "/reports", headers={"Authorization": "Bearer not-from-the-mock"}
        ).status_code
        == 204
    )
