"""Security requirements chosen per call (``_security.py``) and OAuth 2.0 client credentials
(``_oauth2.py``), through both clients against the scripted server with a fake clock.

The token endpoint and the API are the same scripted server: replies are consumed in order, so
each test scripts the token answer(s) and the API answer(s) in the order the client must send
the requests, and then checks what it did send.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qsl

import pytest
from _harness import Harness, Timing, get
from _server import Reply, ScriptedServer
from runtime import (
    ApiKeyAuth,
    AuthenticationError,
    BasicAuth,
    BearerAuth,
    CompositeAuth,
    NoAuth,
    OAuth2ClientCredentials,
    OAuth2Token,
    SecuritySchemes,
    TokenError,
)
from runtime._config import ConfigurationError
from runtime._errors import ApiConnectionError, InternalServerError, ResponseValidationError
from runtime._redact import Redactor


@pytest.fixture
def harness(kind: str, server: ScriptedServer, timing: Timing) -> Harness:
    return Harness(kind, server, timing)


def token(value: str, expires_in: int | None = 3600, **extra: object) -> Reply:
    body: dict[str, object] = {"access_token": value, "token_type": "Bearer", **extra}
    if expires_in is not None:
        body["expires_in"] = expires_in
    return Reply.json(body)


def grant(server: ScriptedServer, timing: Timing, **kwargs: object) -> OAuth2ClientCredentials:
    return OAuth2ClientCredentials(
        "/oauth/token",
        "my id",
        "s3cr3t:x",
        base_url=server.url + "/v1",
        clock=timing.clock,
        **kwargs,  # type: ignore[arg-type]
    )


# ---------------------------------------------------------------------------- choosing per call


def schemes(**given: object) -> SecuritySchemes:
    parts = {
        "basic": BasicAuth("u", "pw9") if given.get("basic") else None,
        "key": ApiKeyAuth("X-Key", "k1", "header") if given.get("key") else None,
        "bearer": BearerAuth("b1") if given.get("bearer") else None,
    }
    return SecuritySchemes(
        parts,
        [{"basic": []}, {"key": [], "bearer": []}],
        needs={"basic": "username and password", "key": "api_key", "bearer": "token"},
    )


def test_the_first_requirement_the_client_has_credentials_for_is_sent() -> None:
    assert isinstance(schemes(basic=True, key=True, bearer=True).select(None, "op"), BasicAuth)
    both = schemes(key=True, bearer=True).select(None, "op")
    assert isinstance(both, CompositeAuth) and len(both.parts) == 2
    # an operation's own requirements replace the API's; [] sends nothing, {} needs nothing
    assert isinstance(schemes(basic=True).select([{"key": []}, {}], "op"), NoAuth)
    assert isinstance(schemes(basic=True).select([], "op"), NoAuth)


def test_no_credentials_for_any_requirement_says_what_to_pass() -> None:
    with pytest.raises(ConfigurationError) as caught:
        schemes(key=True).select(None, "getThing")
    assert str(caught.value) == (
        "getThing needs credentials the client was not given: pass username and password "
        "or api_key and token"
    )


def test_requirements_must_name_known_schemes() -> None:
    with pytest.raises(ValueError, match=r"unknown schemes \['nope'\]"):
        SecuritySchemes({"a": None}, [{"nope": []}], needs={})


def test_every_given_credential_is_redacted() -> None:
    auth = schemes(basic=True, key=True)
    assert set(auth.secrets()) >= {"pw9", "k1"}
    assert Redactor(auth).text("pw9 and k1 and u") == "*** and *** and u"
    assert "k1" not in repr(auth) and "pw9" not in repr(auth)


@pytest.mark.parametrize(
    ("security", "sent"),
    [
        (None, "Basic dTpwdzk="),  # the API's default: basic first
        ([{"bearer": []}], "Bearer b1"),
        ([], None),  # security: [] sends no credentials
    ],
)
def test_a_call_sends_the_credentials_of_its_requirement(
    harness: Harness, server: ScriptedServer, security: object, sent: str | None
) -> None:
    harness.request(get(security=security), auth=schemes(basic=True, bearer=True))
    assert server.requests[-1].headers.get("authorization") == sent


def test_a_call_without_credentials_fails_before_sending(
    harness: Harness, server: ScriptedServer
) -> None:
    with pytest.raises(ConfigurationError, match="getThing needs credentials"):
        harness.request(get(security=[{"key": []}]), auth=schemes(basic=True))
    assert server.requests == []


def test_an_api_key_cookie_is_merged_with_the_other_cookies(
    harness: Harness, server: ScriptedServer
) -> None:
    harness.request(
        get(cookies=(("theme", "dark"),)),
        auth=ApiKeyAuth("sid", "k1", "cookie"),
        default_headers={"Cookie": "a=1"},
    )
    assert server.requests[-1].headers["cookie"] == "a=1; theme=dark; sid=k1"


# ----------------------------------------------------------------------------- client credentials


def test_a_token_is_fetched_then_sent_and_cached(
    harness: Harness, server: ScriptedServer, timing: Timing
) -> None:
    oauth = grant(server, timing, scopes=["read"])
    server.script(token("t1"), Reply.json({}), Reply.json({}))
    harness.request(get(), auth=oauth)
    harness.request(get(), auth=oauth)
    fetch, first, second = server.requests
    assert (fetch.method, fetch.path) == ("POST", "/oauth/token")
    assert fetch.headers["content-type"] == "application/x-www-form-urlencoded"
    assert dict(parse_qsl(fetch.body.decode())) == {
        "grant_type": "client_credentials",
        "scope": "read",
    }
    # RFC 6749 2.3.1: id and secret form-encoded, then base64 of "id:secret"
    assert (
        base64.b64decode(fetch.headers["authorization"].removeprefix("Basic "))
        == b"my+id:s3cr3t%3Ax"
    )
    assert first.headers["authorization"] == second.headers["authorization"] == "Bearer t1"


def test_client_secret_post_sends_the_credentials_in_the_form(
    harness: Harness, server: ScriptedServer, timing: Timing
) -> None:
    server.script(token("t1"), Reply.json({}))
    harness.request(get(), auth=grant(server, timing, auth_method="client_secret_post"))
    fetch = server.requests[0]
    assert "authorization" not in fetch.headers
    assert dict(parse_qsl(fetch.body.decode())) == {
        "grant_type": "client_credentials",
        "client_id": "my id",
        "client_secret": "s3cr3t:x",
    }


def test_a_token_is_renewed_before_it_expires(
    harness: Harness, server: ScriptedServer, timing: Timing
) -> None:
    oauth = grant(server, timing, renew_before=60)
    server.script(
        token("t1", expires_in=600), Reply.json({}), Reply.json({}), token("t2"), Reply.json({})
    )
    harness.request(get(), auth=oauth)
    timing.now += 539  # 61 s left: still good
    harness.request(get(), auth=oauth)
    timing.now += 2  # 59 s left: renewed first
    harness.request(get(), auth=oauth)
    sent = [(r.path, r.headers.get("authorization", "")[:9]) for r in server.requests]
    assert [p for p, _ in sent] == ["/oauth/token", "/things", "/things", "/oauth/token", "/things"]
    assert server.requests[-1].headers["authorization"] == "Bearer t2"


def test_a_short_lived_token_is_renewed_at_half_its_life(
    harness: Harness, server: ScriptedServer, timing: Timing
) -> None:
    oauth = grant(server, timing, renew_before=60)
    server.script(token("t1", expires_in=40), Reply.json({}), token("t2"), Reply.json({}))
    harness.request(get(), auth=oauth)
    timing.now += 21
    harness.request(get(), auth=oauth)
    assert [r.path for r in server.requests] == [
        "/oauth/token",
        "/things",
        "/oauth/token",
        "/things",
    ]


def test_a_401_drops_the_token_and_the_call_is_repeated_once_with_a_new_one(
    harness: Harness, server: ScriptedServer, timing: Timing
) -> None:
    oauth = grant(server, timing)
    server.script(
        token("t1", expires_in=None), Reply.json({}, 401), token("t2"), Reply.json({"ok": 1})
    )
    response = harness.request(get(), auth=oauth)
    assert response.json() == {"ok": 1}
    assert [r.headers.get("authorization") for r in server.requests[1::2]] == [
        "Bearer t1",
        "Bearer t2",
    ]
    # a second 401 in the same call is the caller's problem
    server.script(Reply.json({}, 401), token("t3"), Reply.json({}, 401))
    with pytest.raises(AuthenticationError):
        harness.request(get(), auth=oauth)


def test_tokens_are_cached_per_scope_set(
    harness: Harness, server: ScriptedServer, timing: Timing
) -> None:
    oauth = grant(server, timing)
    auth = SecuritySchemes({"oauth": oauth}, [{"oauth": ["read"]}], needs={"oauth": "client_id"})
    server.script(token("r"), Reply.json({}), token("w"), Reply.json({}), Reply.json({}))
    harness.request(get(), auth=auth)
    harness.request(get(security=[{"oauth": ["read", "write"]}]), auth=auth)
    harness.request(get(), auth=auth)
    scopes = [
        dict(parse_qsl(r.body.decode()))["scope"]
        for r in server.requests
        if r.path == "/oauth/token"
    ]
    assert scopes == ["read", "read write"]
    assert [r.headers["authorization"] for r in server.requests if r.path == "/things"] == [
        "Bearer r",
        "Bearer w",
        "Bearer r",
    ]
    assert isinstance(oauth.scoped(["a"]), OAuth2Token)


def test_token_endpoint_failures_are_retried_then_raised(
    harness: Harness, server: ScriptedServer, timing: Timing
) -> None:
    server.script(Reply.json({}, 503), token("t1"), Reply.json({}))
    harness.request(get(), auth=grant(server, timing))
    assert [r.path for r in server.requests] == ["/oauth/token", "/oauth/token", "/things"]
    server.requests.clear()
    server.script(*[Reply.json({"error": "temporarily_unavailable"}, 500)] * 3)
    with pytest.raises(InternalServerError) as caught:
        harness.request(get(), auth=grant(server, timing))
    assert "POST" in str(caught.value) and "fetching an access token" in str(caught.value)
    assert caught.value.attempts == 3
    assert all(r.path == "/oauth/token" for r in server.requests)


def test_a_refused_client_is_an_error_that_does_not_show_the_secret(
    harness: Harness, server: ScriptedServer, timing: Timing
) -> None:
    server.script(Reply.json({"error": "invalid_client", "error_description": "bad s3cr3t:x"}, 401))
    with pytest.raises(AuthenticationError) as caught:
        harness.request(get(), auth=grant(server, timing))
    assert "s3cr3t:x" not in str(caught.value)
    assert "fetching an access token" in str(caught.value)
    assert caught.value.response.request.headers["authorization"] == "Basic ***"
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"token_type": "Bearer"}, "has no access_token"),
        ({"access_token": "t", "token_type": "mac"}, "a 'mac' token"),
    ],
)
def test_a_2xx_without_a_bearer_token_is_a_response_error(
    harness: Harness, server: ScriptedServer, timing: Timing, body: dict[str, str], problem: str
) -> None:
    server.script(Reply.json(body))
    with pytest.raises(ResponseValidationError, match=problem):
        harness.request(get(), auth=grant(server, timing))


def test_a_token_endpoint_that_cannot_be_reached(timing: Timing) -> None:
    dead = ScriptedServer(listen=False)
    try:
        oauth = OAuth2ClientCredentials(dead.url + "/token", "i", "s", clock=timing.clock)
        api = ScriptedServer()
        try:
            harness = Harness("sync", api, timing)
            with pytest.raises(ApiConnectionError, match="fetching an access token"):
                harness.request(get(), {"max_retries": 0}, auth=oauth)
            assert api.requests == []
        finally:
            api.close()
    finally:
        dead.close()


def test_tokens_and_the_client_secret_are_redacted(server: ScriptedServer, timing: Timing) -> None:
    oauth = grant(server, timing)
    oauth.scoped(["a"]).token_received(
        __import__("httpx").Response(200, content=json.dumps({"access_token": "tok-123"}).encode())
    )
    assert set(oauth.secrets()) == {"s3cr3t:x", "tok-123"}
    assert "s3cr3t" not in repr(oauth) and "tok-123" not in repr(oauth.scoped(["a"]))


def test_construction_checks() -> None:
    with pytest.raises(ValueError, match="must not be empty"):
        OAuth2ClientCredentials("https://a.example/t", "", "s")
    with pytest.raises(ValueError, match="absolute"):
        OAuth2ClientCredentials("/token", "i", "s")
    assert OAuth2ClientCredentials(
        "token", "i", "s", base_url="https://a.example/v1"
    ).token_url == ("https://a.example/v1/token")
    with pytest.raises(RuntimeError, match="no access token yet"):
        OAuth2ClientCredentials("https://a.example/t", "i", "s").apply({}, [])
    with pytest.raises(TokenError):
        OAuth2ClientCredentials("https://a.example/t", "i", "s").token_received(
            __import__("httpx").Response(200, content=b"not json")
        )
