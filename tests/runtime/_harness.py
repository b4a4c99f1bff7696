"""Test helpers for the runtime: a fake clock, request-spec shorthands, and :class:`Harness`,
which runs one call through either client against the scripted loopback server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
from _server import ScriptedServer
from runtime import (
    ApiResponse,
    AsyncApiClient,
    NoAuth,
    RequestOptions,
    RequestSpec,
    RetryConfig,
    SyncApiClient,
)

PACKAGE = "acme_sdk"
VERSION = "1.2.3"


class Timing:
    """A fake clock that only moves when the client "sleeps"; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []
        self.on_sleep: Callable[[], None] | None = None

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        if self.on_sleep is not None:
            self.on_sleep()

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)

    def config(self, **overrides: Any) -> RetryConfig:
        hooks: dict[str, Any] = {
            "sleep": self.sleep,
            "async_sleep": self.async_sleep,
            "clock": self.clock,
            "random": lambda: 0.0,  # no jitter: delays are exactly initial_delay * 2**n
        }
        hooks.update(overrides)
        return RetryConfig(**hooks)


def get(path: str = "/things", **kwargs: Any) -> RequestSpec:
    return RequestSpec(method="GET", path=path, operation_id="getThing", idempotent=True, **kwargs)


def post(path: str = "/things", *, idempotent: bool = False, **kwargs: Any) -> RequestSpec:
    return RequestSpec(
        method="POST", path=path, operation_id="createThing", idempotent=idempotent, **kwargs
    )


class Harness:
    """The same call through :class:`SyncApiClient` or :class:`AsyncApiClient`.

    Each call gets a fresh client (closed afterwards), so async calls can each run in their
    own event loop while the test itself stays synchronous.
    """

    def __init__(self, kind: str, server: ScriptedServer, timing: Timing) -> None:
        self.kind = kind
        self.server = server
        self.timing = timing

    def client_kwargs(self, **overrides: Any) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "base_url": self.server.url,
            "auth": NoAuth(),
            "package": PACKAGE,
            "version": VERSION,
            "retry": self.timing.config(),
        }
        kwargs.update(overrides)
        return kwargs

    def make(self, **overrides: Any) -> SyncApiClient | AsyncApiClient:
        cls = SyncApiClient if self.kind == "sync" else AsyncApiClient
        return cls(**self.client_kwargs(**overrides))

    def request(
        self, spec: RequestSpec, options: RequestOptions | None = None, **overrides: Any
    ) -> httpx.Response:
        if self.kind == "sync":
            with SyncApiClient(**self.client_kwargs(**overrides)) as client:
                return client.request(spec, options=options)

        async def run() -> httpx.Response:
            async with AsyncApiClient(**self.client_kwargs(**overrides)) as client:
                return await client.request(spec, options=options)

        return asyncio.run(run())

    def call(
        self,
        spec: RequestSpec,
        type_: Any,
        options: RequestOptions | None = None,
        **overrides: Any,
    ) -> ApiResponse[Any]:
        """Request and parse, as a generated ``with_raw_response`` method would."""
        response = self.request(spec, options, **overrides)
        client = SyncApiClient(**self.client_kwargs(**overrides))
        try:
            return ApiResponse(response, client.parse(response, type_))
        finally:
            client.close()
