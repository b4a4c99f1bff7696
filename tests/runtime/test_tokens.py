"""User tokens (templates/runtime/_tokens.py), checked with PyJWT, an independent implementation,
and with a hand-rolled HS256 verification."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from runtime._tokens import mint_user_token

SECRET = "app-secret-Ünïcode-long-enough-for-hs256"
NOW = 1_700_000_000


def clock() -> float:
    return NOW + 0.75  # a fraction: iat is whole seconds, rounded down


def decode(token: str, secret: str = SECRET) -> dict[str, Any]:
    # verify_exp off: the fixed clock above is in the past.
    claims = jwt.decode(token, secret, algorithms=["HS256"], options={"verify_exp": False})
    assert isinstance(claims, dict)
    return claims


def by_hand(token: str, secret: str) -> dict[str, Any]:
    def unb64(part: str) -> bytes:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    header, payload, signature = token.split(".")
    expected = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert hmac.compare_digest(unb64(signature), expected)
    assert json.loads(unb64(header)) == {"alg": "HS256", "typ": "JWT"}
    claims = json.loads(unb64(payload))
    assert isinstance(claims, dict)
    return claims


def test_minimal_token_has_user_id_and_iat_only() -> None:
    token = mint_user_token(SECRET, "john", clock=clock)
    assert decode(token) == {"user_id": "john", "iat": NOW}
    assert by_hand(token, SECRET) == {"user_id": "john", "iat": NOW}


def test_expiring_call_token_has_every_claim() -> None:
    token = mint_user_token(
        SECRET,
        "jane",
        expires_in=3600,
        call_cids=["default:my-call", "livestream:show"],
        role="admin",
        clock=clock,
    )
    assert decode(token) == {
        "user_id": "jane",
        "iat": NOW,
        "exp": NOW + 3600,
        "call_cids": ["default:my-call", "livestream:show"],
        "role": "admin",
    }


def test_a_token_that_has_expired_is_refused_by_a_verifier() -> None:
    token = mint_user_token(SECRET, "john", expires_in=60, clock=lambda: time.time() - 120)
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, SECRET, algorithms=["HS256"])
    fresh = mint_user_token(SECRET, "john", expires_in=60)
    assert jwt.decode(fresh, SECRET, algorithms=["HS256"])["user_id"] == "john"


def test_wrong_secret_and_tampered_payload_fail_verification() -> None:
    token = mint_user_token(SECRET, "john", clock=clock)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "another-secret-also-32-bytes-long!", algorithms=["HS256"])
    header, _, signature = token.split(".")
    forged = base64.urlsafe_b64encode(b'{"iat":1700000000,"user_id":"admin"}').rstrip(b"=")
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(f"{header}.{forged.decode()}.{signature}", SECRET, algorithms=["HS256"])


@pytest.mark.parametrize(
    ("issued_at", "iat"),
    [
        (datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC), 1704164645),
        # the same instant in another zone
        (
            datetime.datetime(
                2024, 1, 2, 4, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=1))
            ),
            1704164645,
        ),
        (1704164645.9, 1704164645),
        (1704164645, 1704164645),
    ],
)
def test_issued_at_sets_iat_and_exp_counts_from_it(
    issued_at: datetime.datetime | float, iat: int
) -> None:
    token = mint_user_token(SECRET, "john", issued_at=issued_at, expires_in=10, clock=clock)
    assert decode(token) == {"user_id": "john", "iat": iat, "exp": iat + 10}


def test_fractional_expiry_rounds_up() -> None:
    token = mint_user_token(SECRET, "john", expires_in=0.2, clock=clock)
    assert decode(token)["exp"] == NOW + 1


def test_default_iat_is_now() -> None:
    before = int(time.time())
    claims = decode(mint_user_token(SECRET, "john"))
    assert before <= claims["iat"] <= int(time.time())


def test_empty_call_cids_is_kept() -> None:
    assert decode(mint_user_token(SECRET, "john", call_cids=[], clock=clock))["call_cids"] == []


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"secret": ""}, ValueError, "non-empty API secret"),
        ({"user_id": ""}, ValueError, "user_id must not be empty"),
        ({"user_id": 42}, TypeError, "user_id must be a string"),
        ({"expires_in": 0}, ValueError, "expires_in must be positive"),
        ({"expires_in": -5}, ValueError, "expires_in must be positive"),
        ({"expires_in": True}, TypeError, "expires_in must be a number"),
        ({"expires_in": "3600"}, TypeError, "expires_in must be a number"),
        ({"expires_in": float("inf")}, ValueError, "expires_in must be finite"),
        ({"issued_at": datetime.datetime(2024, 1, 1)}, ValueError, "timezone-aware"),
        ({"issued_at": float("nan")}, ValueError, "issued_at must be finite"),
        ({"call_cids": "default:my-call"}, TypeError, "list of call ids"),
        ({"call_cids": ["default:a", 7]}, TypeError, "each of call_cids must be a string"),
        ({"call_cids": [""]}, ValueError, "each of call_cids must not be empty"),
        ({"role": ""}, ValueError, "role must not be empty"),
    ],
)
def test_bad_arguments_are_refused_before_signing(
    kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    args: dict[str, Any] = {"secret": SECRET, "user_id": "john", **kwargs}
    with pytest.raises(error, match=match):
        mint_user_token(args.pop("secret"), args.pop("user_id"), **args)
