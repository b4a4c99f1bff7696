"""Tokens a server mints for its own users (``x-sdk-user-tokens``), signed locally, never sent.

A user token is an HS256 JWT signed with the application's API secret, with the claims
``user_id`` and ``iat``, plus ``exp`` when it expires and ``call_cids``/``role`` when it is
limited to some calls (Stream's user and call tokens). The JWT encoding is the one of
:func:`._auth.mint_hs256_jwt`, shared with the server-side token.
"""

from __future__ import annotations

import datetime
import math
import time
from collections.abc import Callable, Sequence

from ._auth import mint_hs256_jwt

__all__ = ["mint_user_token"]


def _seconds(value: object, name: str) -> float:
    # bool is an int, but `expires_in=True` is a mistake, not one second.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, not {value!r}")
    return float(value)


def _issued_at(value: datetime.datetime | float | None, clock: Callable[[], float]) -> int:
    if value is None:
        return int(clock())
    if isinstance(value, datetime.datetime):
        # A naive datetime would be read in the machine's local zone, silently shifting the token
        # by hours on a server whose zone is not UTC.
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware (e.g. datetime.now(timezone.utc))")
        return math.floor(value.timestamp())
    return math.floor(_seconds(value, "issued_at"))


def _text(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, not {type(value).__name__}")
    if not value:
        raise ValueError(f"{name} must not be empty")
    return value


def mint_user_token(
    secret: str,
    user_id: str,
    *,
    expires_in: float | None = None,
    issued_at: datetime.datetime | float | None = None,
    call_cids: Sequence[str] | None = None,
    role: str | None = None,
    clock: Callable[[], float] = time.time,
) -> str:
    """Return an HS256 JWT for ``user_id`` signed with ``secret``.

    Claims: ``user_id``; ``iat`` (``issued_at`` as a timezone-aware datetime or Unix seconds,
    else now, in whole seconds); ``exp = iat + expires_in`` (rounded up to a whole second) when
    ``expires_in`` is given (without it the token never expires); ``call_cids`` (a list of
    call ids such as ``"default:my-call"``) and ``role`` when given.

    Raises ``TypeError``/``ValueError`` for an empty secret or user id, a non-positive
    ``expires_in``, a naive ``issued_at``, or ``call_cids`` given as one string instead of a
    list (a string is a sequence too: it would become a list of one-letter call ids).
    """
    if not isinstance(secret, str) or not secret:
        raise ValueError("a user token needs a non-empty API secret")
    claims: dict[str, object] = {"user_id": _text(user_id, "user_id")}
    iat = _issued_at(issued_at, clock)
    claims["iat"] = iat
    if expires_in is not None:
        seconds = _seconds(expires_in, "expires_in")
        if seconds <= 0:
            raise ValueError(f"expires_in must be positive, not {expires_in!r}")
        claims["exp"] = iat + math.ceil(seconds)
    if call_cids is not None:
        if isinstance(call_cids, (str, bytes)) or not isinstance(call_cids, Sequence):
            raise TypeError("call_cids must be a list of call ids, e.g. ['default:my-call']")
        claims["call_cids"] = [_text(cid, "each of call_cids") for cid in call_cids]
    if role is not None:
        claims["role"] = _text(role, "role")
    return mint_hs256_jwt(claims, secret)
