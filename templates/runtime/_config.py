"""Client construction: arguments with environment fallbacks, and the server URL.

Server variables are substituted into the host or path of the base URL, so a value is checked before
use: a space of ``"evil.com/x#"`` must not move requests to another host.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

__all__ = ["ConfigurationError", "expand_server", "optional_setting", "required_for", "setting"]

_SAFE_VARIABLE = re.compile(r"[A-Za-z0-9._~-]+")


class ConfigurationError(ValueError):
    """The client cannot be built as asked (a required setting is missing or malformed), or a
    method needs a setting the client was built without."""


def optional_setting(value: str | None, env: str | None, default: str | None = None) -> str | None:
    """`value` if given, else the environment variable `env`, else `default`.

    An empty string counts as not given, wherever it comes from: an empty token or key would
    otherwise be sent as `Bearer ` or `api_key=` and fail on the server, far from its cause.
    """
    if not value and env:
        value = os.environ.get(env)
    return value or default


def setting(name: str, value: str | None, env: str | None, *, default: str | None = None) -> str:
    """Like `optional_setting`, but a missing value raises ConfigurationError naming both ways to
    provide it."""
    found = optional_setting(value, env, default)
    if found is None:
        hint = f" or set the {env} environment variable" if env else ""
        raise ConfigurationError(f"missing {name}: pass {name}=...{hint}")
    return found


def required_for(purpose: str, name: str, value: str | None, env: str | None) -> str:
    """`value` (already resolved by `optional_setting`), or a ConfigurationError saying that
    `purpose` needs it and how to provide it.

    For settings only some methods need (the API secret that signs user tokens): the client can
    be built without them, and the error comes from the call that needs one.
    """
    if not value:
        hint = f" or set the {env} environment variable" if env else ""
        raise ConfigurationError(f"{purpose} needs {name}: pass {name}=... to the client{hint}")
    return value


def expand_server(template: str, values: Mapping[str, str]) -> str:
    """Fill `{variable}`s of a server URL template with checked values."""
    for name, value in values.items():
        if not _SAFE_VARIABLE.fullmatch(value):
            raise ConfigurationError(
                f"server variable {name} must be letters, digits, '-', '.', '_' or '~': "
                f"got {value!r}"
            )
        template = template.replace("{" + name + "}", value)
    return template.rstrip("/")
