"""Security requirements: which credentials a call sends when an API accepts several.

An OpenAPI document lists alternative security requirements, each a set of schemes sent together
(``[{"oauth": ["read"]}, {"basic": [], "key": []}]``), for the whole API and per operation (an
empty list: no credentials at all; an empty requirement ``{}``: none needed). A client built with
some credentials and not others sends, for each call, the first requirement whose every scheme it
has credentials for; the generated method names the call's own requirements when they are not the
API's. When the client has credentials for none of them, the call fails before anything is sent,
saying what to pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._auth import Auth, CompositeAuth, NoAuth
from ._config import ConfigurationError

__all__ = ["Requirements", "SecuritySchemes", "choose"]

Requirements = Sequence[Mapping[str, Sequence[str]]]
"""Alternatives in order; each maps a scheme to the scopes it asks for."""


class SecuritySchemes:
    """Every security scheme of an API, with the credential the client was given for it (None:
    not given), and the API's own requirements. Secrets of every given credential are redacted."""

    __slots__ = ("default", "needs", "schemes")

    def __init__(
        self,
        schemes: Mapping[str, Auth | None],
        default: Requirements,
        *,
        needs: Mapping[str, str],
    ) -> None:
        unknown = sorted({s for req in default for s in req} - set(schemes))
        if unknown:
            raise ValueError(f"requirements name unknown schemes {unknown}")
        self.schemes = dict(schemes)
        self.default = default
        self.needs = dict(needs)  # scheme -> the client arguments it takes, in words

    def select(self, requirements: Requirements | None, operation_id: str) -> Auth:
        """The credential for a call with ``requirements`` (None: the API's)."""
        wanted = self.default if requirements is None else requirements
        if not wanted:
            return NoAuth()
        for requirement in wanted:
            parts: list[Auth] = []
            for name, scopes in requirement.items():
                part = self.schemes.get(name)
                if part is None:
                    break
                parts.append(_scoped(part, scopes))
            else:
                if not parts:
                    return NoAuth()  # {}: this alternative needs no credentials
                return parts[0] if len(parts) == 1 else CompositeAuth(*parts)
        options = [" and ".join(self.needs.get(n, n) for n in req) for req in wanted]
        raise ConfigurationError(
            f"{operation_id} needs credentials the client was not given: pass "
            + " or ".join(dict.fromkeys(options))
        )

    def apply(self, headers: dict[str, str], query: list[tuple[str, str]]) -> None:
        self.select(None, "a request").apply(headers, query)

    def secrets(self) -> tuple[str, ...]:
        found = (s for part in self.schemes.values() if part is not None for s in part.secrets())
        return tuple(dict.fromkeys(found))

    def secret_query_params(self) -> frozenset[str]:
        return frozenset().union(
            *(part.secret_query_params() for part in self.schemes.values() if part is not None)
        )

    def __repr__(self) -> str:
        given = ", ".join(f"{name}={part!r}" for name, part in self.schemes.items() if part)
        return f"SecuritySchemes({given})"


def _scoped(part: Auth, scopes: Sequence[str]) -> Auth:
    scoped = getattr(part, "scoped", None)
    result = scoped(scopes) if callable(scoped) else part
    return result if isinstance(result, Auth) else part


def choose(auth: Auth, requirements: Requirements | None, operation_id: str) -> Auth:
    """The credential one call sends: ``auth`` itself unless it chooses per call."""
    if isinstance(auth, SecuritySchemes):
        return auth.select(requirements, operation_id)
    if requirements is not None and not requirements:
        return NoAuth()
    return auth
