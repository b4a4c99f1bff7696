"""Tests for the runtime's request credentials (templates/runtime/_auth.py)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

_TEMPLATES = str(Path(__file__).resolve().parents[2] / "templates")
if _TEMPLATES not in sys.path:  # until tests/runtime/conftest.py puts templates/ on sys.path
    sys.path.insert(0, _TEMPLATES)

from runtime import _auth  # noqa: E402
from runtime._auth import (  # noqa: E402
    ApiKeyAuth,
    Auth,
    BasicAuth,
    BearerAuth,
    CompositeAuth,
    JwtServerAuth,
    NoAuth,
    RenewableAuth,
    mint_hs256_jwt,
    says_token_expired,
)

# base64url of b'{"alg":"HS256","typ":"JWT"}', the usual HS256 JWT header.
HS256_HEADER = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def verify_hs256(token: str, secret: str) -> dict[str, object]:
    """Check the signature independently and return the decoded payload."""
    header, payload, signature = token.split(".")
    expected = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert hmac.compare_digest(b64url_decode(signature), expected)
    assert json.loads(b64url_decode(header)) == {"alg": "HS256", "typ": "JWT"}
    decoded = json.loads(b64url_decode(payload))
    assert isinstance(decoded, dict)
    return decoded


def request(auth: Auth) -> tuple[dict[str, str], list[tuple[str, str]]]:
    headers: dict[str, str] = {"Accept": "application/json"}
    query: list[tuple[str, str]] = [("limit", "10")]
    auth.apply(headers, query)
    return headers, query


class FakeClock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


# --- simple schemes -------------------------------------------------------------------------


def test_no_auth() -> None:
    auth = NoAuth()
    assert request(auth) == ({"Accept": "application/json"}, [("limit", "10")])
    assert auth.secrets() == ()
    assert auth.secret_query_params() == frozenset()
    assert repr(auth) == "NoAuth()"


def test_basic_header_value() -> None:
    auth = BasicAuth("Aladdin", "open sesame")
    headers, query = request(auth)
    # RFC 7617's example credentials.
    assert headers["Authorization"] == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    assert query == [("limit", "10")]


def test_basic_is_utf8() -> None:
    headers, _ = request(BasicAuth("user", "pässwörd"))
    blob = headers["Authorization"].removeprefix("Basic ")
    assert base64.b64decode(blob).decode("utf-8") == "user:pässwörd"


def test_basic_secrets_include_password_and_blob() -> None:
    auth = BasicAuth("proj", "hunter2")
    blob = base64.b64encode(b"proj:hunter2").decode()
    assert set(auth.secrets()) == {"hunter2", blob}
    assert "proj" not in auth.secrets()
    assert auth.secret_query_params() == frozenset()


def test_bearer() -> None:
    auth = BearerAuth("tok-123")
    headers, query = request(auth)
    assert headers["Authorization"] == "Bearer tok-123"
    assert query == [("limit", "10")]
    assert auth.secrets() == ("tok-123",)


def test_api_key_header() -> None:
    auth = ApiKeyAuth("X-Api-Key", "k-456", "header")
    headers, query = request(auth)
    assert headers["X-Api-Key"] == "k-456"
    assert query == [("limit", "10")]
    assert auth.secrets() == ("k-456",)
    assert auth.secret_query_params() == frozenset()


def test_api_key_query() -> None:
    auth = ApiKeyAuth("api_key", "k-789", "query")
    headers, query = request(auth)
    assert headers == {"Accept": "application/json"}
    assert query == [("limit", "10"), ("api_key", "k-789")]
    assert auth.secrets() == ("k-789",)
    assert auth.secret_query_params() == frozenset({"api_key"})


def test_api_key_not_secret() -> None:
    auth = ApiKeyAuth("stream-auth-type", "jwt", "header", secret=False)
    headers, _ = request(auth)
    assert headers["stream-auth-type"] == "jwt"
    assert auth.secrets() == ()
    assert auth.secret_query_params() == frozenset()
    assert repr(auth) == (
        "ApiKeyAuth(name='stream-auth-type', value='jwt', location='header', secret=False)"
    )


def test_api_key_rejects_bad_location() -> None:
    with pytest.raises(ValueError, match="location"):
        ApiKeyAuth("k", "v", "cookie")  # type: ignore[arg-type]


def test_apply_is_idempotent_across_attempts() -> None:
    auth = CompositeAuth(BearerAuth("t"), ApiKeyAuth("api_key", "k", "query"))
    headers: dict[str, str] = {"authorization": "stale"}
    query: list[tuple[str, str]] = [("api_key", "old")]
    auth.apply(headers, query)
    auth.apply(headers, query)
    assert headers == {"Authorization": "Bearer t"}
    assert query == [("api_key", "k")]


def test_empty_values_are_not_secrets() -> None:
    assert BearerAuth("").secrets() == ()
    assert ApiKeyAuth("k", "", "query").secrets() == ()
    assert "" not in BasicAuth("user", "").secrets()


def test_all_schemes_satisfy_protocol() -> None:
    schemes: list[object] = [
        NoAuth(),
        BasicAuth("u", "p"),
        BearerAuth("t"),
        ApiKeyAuth("k", "v", "header"),
        CompositeAuth(),
        JwtServerAuth("s"),
    ]
    for scheme in schemes:
        assert isinstance(scheme, Auth)


# --- composite --------------------------------------------------------------------------------


def test_composite_applies_all_and_unions_secrets() -> None:
    jwt = JwtServerAuth("api-secret", clock=FakeClock(1_700_000_000))
    auth = CompositeAuth(
        ApiKeyAuth("api_key", "KEY", "query"),
        ApiKeyAuth("stream-auth-type", "jwt", "header", secret=False),
        jwt,
    )
    headers, query = request(auth)
    assert query == [("limit", "10"), ("api_key", "KEY")]
    assert headers["stream-auth-type"] == "jwt"
    assert headers["Authorization"] == f"Bearer {jwt.token()}"
    assert set(auth.secrets()) == {"KEY", "api-secret", jwt.token()}
    assert auth.secret_query_params() == frozenset({"api_key"})


def test_composite_dedupes_secrets_and_nests() -> None:
    inner = CompositeAuth(BearerAuth("same"), ApiKeyAuth("q", "x", "query"))
    auth = CompositeAuth(inner, ApiKeyAuth("X-Key", "same", "header"), NoAuth())
    assert auth.secrets() == ("same", "x")
    assert auth.secret_query_params() == frozenset({"q"})


# --- JWT ----------------------------------------------------------------------------------------


def test_mint_matches_hand_computed_vector() -> None:
    secret = "top-secret"
    payload_json = b'{"exp":1700003600,"iat":1700000000,"server":true}'
    header_json = b'{"alg":"HS256","typ":"JWT"}'
    signing_input = f"{b64url_encode(header_json)}.{b64url_encode(payload_json)}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    expected = f"{signing_input}.{b64url_encode(signature)}"

    token = mint_hs256_jwt({"server": True, "iat": 1700000000, "exp": 1700003600}, secret)
    assert token == expected
    assert token.startswith(HS256_HEADER + ".")
    assert "=" not in token
    assert verify_hs256(token, secret) == {"server": True, "iat": 1700000000, "exp": 1700003600}


def test_mint_is_deterministic_regardless_of_key_order() -> None:
    a = mint_hs256_jwt({"user_id": "u1", "iat": 1, "exp": 2}, "s")
    b = mint_hs256_jwt({"exp": 2, "iat": 1, "user_id": "u1"}, "s")
    assert a == b


def test_mint_rejects_unserialisable_payload() -> None:
    with pytest.raises(TypeError):
        mint_hs256_jwt({"when": object()}, "s")
    with pytest.raises(ValueError):
        mint_hs256_jwt({"x": float("nan")}, "s")


def test_jwt_server_auth_token_decodes_with_controlled_clock() -> None:
    auth = JwtServerAuth("api-secret", clock=FakeClock(1_700_000_000.75))
    headers, query = request(auth)
    token = auth.token()
    assert headers["Authorization"] == f"Bearer {token}"
    assert query == [("limit", "10")]
    # iat lies the default 30 s leeway in the past; the lifetime is exactly the ttl.
    assert verify_hs256(token, "api-secret") == {
        "iat": 1_699_999_970,
        "exp": 1_700_003_570,
        "server": True,
    }


def test_jwt_custom_claims_and_ttl() -> None:
    auth = JwtServerAuth(
        "s", ttl=120, renew_before=10, leeway=5, claims={"user_id": "u1"}, clock=FakeClock(50)
    )
    assert verify_hs256(auth.token(), "s") == {"iat": 45, "exp": 165, "user_id": "u1"}


def test_jwt_rejects_reserved_claims_and_bad_timing() -> None:
    with pytest.raises(ValueError, match="exp"):
        JwtServerAuth("s", claims={"exp": 1})
    with pytest.raises(ValueError, match="ttl"):
        JwtServerAuth("s", ttl=0)
    with pytest.raises(ValueError, match="renew_before"):
        JwtServerAuth("s", ttl=60, renew_before=60)
    with pytest.raises(ValueError, match="api_secret"):
        JwtServerAuth("")
    with pytest.raises(ValueError, match="leeway"):
        JwtServerAuth("s", leeway=-1)


def test_jwt_is_cached_and_not_renewed_before_window() -> None:
    clock = FakeClock(1000.0)
    auth = JwtServerAuth("s", ttl=3600, renew_before=60, leeway=0, clock=clock)
    first = auth.token()
    clock.now = 1000.0 + 3600 - 60 - 0.001  # just before exp - renew_before
    assert auth.token() == first
    assert request(auth)[0]["Authorization"] == f"Bearer {first}"


def test_jwt_renews_at_exp_minus_renew_before() -> None:
    clock = FakeClock(1000.0)
    auth = JwtServerAuth("s", ttl=3600, renew_before=60, leeway=0, clock=clock)
    first = auth.token()
    clock.now = 1000.0 + 3600 - 60
    second = auth.token()
    assert second != first
    assert verify_hs256(second, "s") == {"iat": 4540, "exp": 8140, "server": True}
    # apply() picks up the renewed token too.
    clock.now = 8140 - 60 + 5
    third_header = request(auth)[0]["Authorization"]
    assert third_header != f"Bearer {second}"
    assert verify_hs256(third_header.removeprefix("Bearer "), "s")["iat"] == 8085


def test_jwt_leeway_moves_the_whole_lifetime_back() -> None:
    # With the leeway, exp lies leeway seconds earlier too, and so does the renewal.
    clock = FakeClock(1000.0)
    auth = JwtServerAuth("s", ttl=3600, renew_before=60, leeway=30, clock=clock)
    first = auth.token()
    assert verify_hs256(first, "s") == {"iat": 970, "exp": 4570, "server": True}
    clock.now = 4570 - 60 - 0.001
    assert auth.token() == first
    clock.now = 4570 - 60
    assert verify_hs256(auth.token(), "s")["iat"] == 4480


def test_jwt_secrets_include_api_secret_and_current_token() -> None:
    clock = FakeClock(1000.0)
    auth = JwtServerAuth("api-secret", clock=clock)
    assert auth.secrets() == ("api-secret",)  # secrets() does not mint
    first = auth.token()
    assert auth.secrets() == ("api-secret", first)
    clock.now += 3600
    second = auth.token()
    # The previous token stays redacted, for requests sent just before the renewal.
    assert set(auth.secrets()) == {"api-secret", first, second}
    clock.now += 3600
    third = auth.token()
    assert set(auth.secrets()) == {"api-secret", second, third}
    assert auth.secret_query_params() == frozenset()


def test_jwt_thread_safety_one_token_per_window(monkeypatch: pytest.MonkeyPatch) -> None:
    minted: list[str] = []
    real_mint = _auth.mint_hs256_jwt

    def counting_mint(payload: object, secret: str) -> str:
        assert isinstance(payload, dict)
        time.sleep(0.002)  # widen the race window
        token = real_mint(payload, secret)
        minted.append(token)
        return token

    monkeypatch.setattr(_auth, "mint_hs256_jwt", counting_mint)
    clock = FakeClock(1000.0)
    auth = JwtServerAuth("s", ttl=100, renew_before=10, clock=clock)

    def hammer() -> set[str]:
        results: list[str] = []
        barrier = threading.Barrier(16)

        def worker() -> None:
            barrier.wait()
            for _ in range(20):
                headers: dict[str, str] = {}
                auth.apply(headers, [])
                results.append(headers["Authorization"])

        threads = [threading.Thread(target=worker) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(results) == 16 * 20
        return set(results)

    window1 = hammer()
    assert len(window1) == 1
    assert len(minted) == 1
    clock.now = 1095.0  # past exp - renew_before
    window2 = hammer()
    assert len(window2) == 1
    assert window2 != window1
    assert len(minted) == 2


# --- renewal after "token expired" ---------------------------------------------------------------

# The error body Stream sends for an expired token (specs/stream_video/components.yaml, 401).
STREAM_EXPIRED = {
    "code": 5,
    "message": 'GetCall failed with error: "JWTAuth error: token is expired"',
    "StatusCode": 401,
    "duration": "0.52ms",
    "more_info": "https://getstream.io/chat/docs/api_errors_response",
    "details": [],
}


def sent_with(auth: Auth) -> httpx.Request:
    headers: dict[str, str] = {}
    auth.apply(headers, [])
    return httpx.Request("GET", "https://h/x", headers=headers)


def answer(status: int, body: object = None, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body if body is not None else {}, headers=headers)


@pytest.mark.parametrize(
    ("response", "expired"),
    [
        (answer(401, STREAM_EXPIRED), True),
        (answer(401, {"error": "TokenExpired"}), True),
        (
            answer(
                401,
                **{
                    "WWW-Authenticate": 'Bearer error="invalid_token", '
                    'error_description="The access token expired"'
                },
            ),
            True,
        ),
        (answer(401, {"code": 5, "message": "JWTAuth error: signature is invalid"}), False),
        (answer(401, {"message": "api_key not valid"}), False),
        (answer(403, STREAM_EXPIRED), False),  # only a 401 is about the credential
    ],
)
def test_says_token_expired(response: httpx.Response, expired: bool) -> None:
    assert says_token_expired(response) is expired


def test_jwt_renews_once_the_server_says_it_expired() -> None:
    clock = FakeClock(1000.0)
    auth = JwtServerAuth("s", clock=clock)
    assert isinstance(auth, RenewableAuth)
    request = sent_with(auth)
    old = auth.token()
    clock.now = 1010.0  # well inside our own validity window: the server's clock is ahead
    assert auth.renew(request, answer(401, STREAM_EXPIRED)) is True
    new = auth.token()
    assert new != old
    assert verify_hs256(new, "s")["iat"] == 1010 - 30
    assert old in auth.secrets()  # the rejected token stays redacted


def test_jwt_does_not_renew_for_other_401s() -> None:
    auth = JwtServerAuth("s", clock=FakeClock(1000.0))
    request = sent_with(auth)
    old = auth.token()
    assert auth.renew(request, answer(401, {"message": "signature is invalid"})) is False
    assert auth.token() == old


def test_jwt_does_not_renew_a_token_it_did_not_send() -> None:
    clock = FakeClock(1000.0)
    auth = JwtServerAuth("s", clock=clock)
    auth.token()
    clock.now = 1010.0
    # extra_headers replaced the Authorization header: the caller's token, not ours.
    foreign = httpx.Request("GET", "https://h/x", headers={"Authorization": "Bearer user-given"})
    assert auth.renew(foreign, answer(401, STREAM_EXPIRED)) is False


def test_jwt_renewed_by_another_request_meanwhile() -> None:
    clock = FakeClock(1000.0)
    auth = JwtServerAuth("s", clock=clock)
    first = sent_with(auth)
    second = sent_with(auth)
    clock.now = 1010.0
    assert auth.renew(first, answer(401, STREAM_EXPIRED)) is True
    fresh = auth.token()
    # The second request carried the same (now previous) token: repeat it, mint nothing new.
    assert auth.renew(second, answer(401, STREAM_EXPIRED)) is True
    assert auth.token() == fresh


def test_jwt_gives_up_when_a_new_token_would_be_the_same() -> None:
    auth = JwtServerAuth("s", clock=FakeClock(1000.0))
    request = sent_with(auth)
    # Same second, same claims: minting again gives the very token the server refused.
    assert auth.renew(request, answer(401, STREAM_EXPIRED)) is False


def test_bearer_token_is_never_renewed() -> None:
    assert not isinstance(BearerAuth("user-token"), RenewableAuth)
    composite = CompositeAuth(BearerAuth("user-token"), ApiKeyAuth("api_key", "k", "query"))
    assert composite.renew(sent_with(composite), answer(401, STREAM_EXPIRED)) is False


def test_composite_renews_its_jwt_part() -> None:
    clock = FakeClock(1000.0)
    jwt = JwtServerAuth("s", clock=clock)
    composite = CompositeAuth(jwt, ApiKeyAuth("api_key", "k", "query"))
    request = sent_with(composite)
    clock.now = 1010.0
    assert composite.renew(request, answer(401, STREAM_EXPIRED)) is True


# --- reprs ----------------------------------------------------------------------------------------


def test_reprs_hide_secrets() -> None:
    clock = FakeClock(1000.0)
    jwt = JwtServerAuth("api-secret-value", clock=clock)
    token = jwt.token()
    auths: list[Auth] = [
        BasicAuth("proj", "hunter2"),
        BearerAuth("bearer-token-value"),
        ApiKeyAuth("api_key", "api-key-value", "query"),
        jwt,
        CompositeAuth(BasicAuth("proj", "hunter2"), jwt),
    ]
    for auth in auths:
        for text in (repr(auth), str(auth)):
            for secret in auth.secrets():
                assert secret not in text
            assert token not in text
    assert repr(BasicAuth("proj", "hunter2")) == "BasicAuth(username='proj', password=***)"
    assert repr(BearerAuth("x")) == "BearerAuth(token=***)"
    assert repr(ApiKeyAuth("api_key", "k", "query")) == (
        "ApiKeyAuth(name='api_key', value=***, location='query', secret=True)"
    )
    assert repr(jwt) == (
        "JwtServerAuth(api_secret=***, ttl=3600, renew_before=60, leeway=30, "
        "claims={'server': True})"
    )
    assert repr(CompositeAuth(NoAuth(), BearerAuth("x"))) == (
        "CompositeAuth(NoAuth(), BearerAuth(token=***))"
    )
