"""User tokens and webhook signatures in the generated packages: where the spec asks for them, and
only there.

* ``stream_video`` (installed from generated/): ``create_token`` and ``verify_webhook`` on both
  clients, checked with PyJWT and hand-computed HMACs; a webhook received over loopback HTTP.
* ``laml_streams``: the exported ``RequestValidator``, against hand-computed Twilio-scheme
  signatures, and a stream status callback received over loopback HTTP.
* Golden packages built into a temp dir: configurable names (``zoo``), and a spec without the
  extensions, whose package has none of it (``spec``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import importlib
import inspect
import json
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
import laml_streams
import pytest
import stream_video
from laml_streams import LamlClient, RequestValidator
from stream_video import AsyncVideoClient, ConfigurationError, VideoClient

from generator.pipeline import build
from generator.write import write_tree

GOLDEN = Path(__file__).parent / "golden"
API_KEY = "key123"
API_SECRET = "stream-secret-of-at-least-32-bytes!"
SIGNING_KEY = "PSK_aBcDeFgHiJkLmNoPqRsTuVwX"
CLIENTS = [VideoClient, AsyncVideoClient]


@pytest.fixture(autouse=True)
def _no_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("STREAM_API_KEY", "STREAM_API_SECRET", "STREAM_TOKEN"):
        monkeypatch.delenv(name, raising=False)


def no_http() -> httpx.Client:
    """An HTTP client that fails the test if anything is sent."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"nothing should be sent, got {request.method} {request.url}")

    return httpx.Client(transport=httpx.MockTransport(refuse))


def video(cls: type[Any], **overrides: Any) -> Any:
    options: dict[str, Any] = {"api_key": API_KEY, "api_secret": API_SECRET, **overrides}
    if cls is VideoClient:
        options.setdefault("http_client", no_http())
    return cls(**options)


def hs256_by_hand(token: str, secret: str) -> dict[str, Any]:
    def unb64(part: str) -> bytes:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    header, payload, signature = token.split(".")
    mac = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    assert hmac.compare_digest(unb64(signature), mac)
    assert json.loads(unb64(header)) == {"alg": "HS256", "typ": "JWT"}
    claims: dict[str, Any] = json.loads(unb64(payload))
    return claims


# ------------------------------------------------------------------------------ Stream user tokens


@pytest.mark.parametrize("cls", CLIENTS, ids=lambda c: c.__name__)
def test_create_token_is_an_hs256_user_token(cls: type[Any]) -> None:
    before = int(time.time())
    token = video(cls).create_token("john")
    claims = jwt.decode(token, API_SECRET, algorithms=["HS256"])
    assert claims == hs256_by_hand(token, API_SECRET)
    assert set(claims) == {"user_id", "iat"}
    assert claims["user_id"] == "john"
    assert before <= claims["iat"] <= int(time.time())


@pytest.mark.parametrize("cls", CLIENTS, ids=lambda c: c.__name__)
def test_create_token_call_token_with_expiry(cls: type[Any]) -> None:
    token = video(cls).create_token(
        "jane",
        expires_in=600,
        issued_at=1_700_000_000,
        call_cids=["default:my-call"],
        role="admin",
    )
    claims = jwt.decode(token, API_SECRET, algorithms=["HS256"], options={"verify_exp": False})
    assert claims == {
        "user_id": "jane",
        "iat": 1_700_000_000,
        "exp": 1_700_000_600,
        "call_cids": ["default:my-call"],
        "role": "admin",
    }
    with pytest.raises(jwt.ExpiredSignatureError):  # issued long ago: a verifier refuses it
        jwt.decode(token, API_SECRET, algorithms=["HS256"])
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, "not-the-secret-but-as-long-as-it", algorithms=["HS256"])


def test_the_async_client_methods_are_plain_methods() -> None:
    for name in ("create_token", "verify_webhook"):
        assert not inspect.iscoroutinefunction(getattr(AsyncVideoClient, name))
        assert inspect.signature(getattr(AsyncVideoClient, name)) == inspect.signature(
            getattr(VideoClient, name)
        )


@pytest.mark.parametrize("cls", CLIENTS, ids=lambda c: c.__name__)
def test_without_an_api_secret_both_refuse_with_a_typed_error(cls: type[Any]) -> None:
    client = video(cls, api_secret=None, token="a-ready-server-token")
    with pytest.raises(
        ConfigurationError, match=r"create_token\(\) needs api_secret.*STREAM_API_SECRET"
    ):
        client.create_token("john")
    with pytest.raises(ConfigurationError, match=r"verify_webhook\(\) needs api_secret"):
        client.verify_webhook(b"{}", "00")


@pytest.mark.parametrize("cls", CLIENTS, ids=lambda c: c.__name__)
def test_the_api_secret_may_come_from_the_environment(
    cls: type[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAM_API_SECRET", API_SECRET)
    token = video(cls, api_secret=None).create_token("john")
    assert jwt.decode(token, API_SECRET, algorithms=["HS256"])["user_id"] == "john"
    assert API_SECRET not in repr(video(cls))


# ---------------------------------------------------------------------------- Stream webhooks

WEBHOOK = b'{"type":"call.session_started","call_cid":"default:my-call"}'


def stream_signature(body: bytes, secret: str = API_SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize("cls", CLIENTS, ids=lambda c: c.__name__)
def test_verify_webhook_known_answer_and_tampering(cls: type[Any]) -> None:
    client = video(cls)
    signature = stream_signature(WEBHOOK)
    assert client.verify_webhook(WEBHOOK, signature) is True
    assert client.verify_webhook(WEBHOOK.decode(), signature) is True
    assert client.verify_webhook(WEBHOOK.replace(b"started", b"ended"), signature) is False
    assert client.verify_webhook(WEBHOOK, stream_signature(WEBHOOK, "other-secret")) is False
    for garbage in (None, "", "nothex", "é", signature[:-2], 123):
        assert client.verify_webhook(WEBHOOK, garbage) is False


class Receiver:
    """A loopback HTTP server handing each POST (url, raw body, headers) to `check`, answering
    204 when it says True and 403 otherwise, as a webhook endpoint would."""

    def __init__(self, check: Callable[[str, bytes, dict[str, str]], bool]) -> None:
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                url = f"http://{self.headers['Host']}{self.path}"
                ok = check(url, body, dict(self.headers.items()))
                outer.seen.append(ok)
                self.send_response(204 if ok else 403)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.seen: list[bool] = []
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory() -> Iterator[Callable[..., Receiver]]:
    made: list[Receiver] = []

    def make(check: Callable[[str, bytes, dict[str, str]], bool]) -> Receiver:
        made.append(Receiver(check))
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


@pytest.mark.parametrize("cls", CLIENTS, ids=lambda c: c.__name__)
def test_a_webhook_received_over_http(
    cls: type[Any], receiver_factory: Callable[..., Receiver]
) -> None:
    client = video(cls)
    receiver = receiver_factory(
        lambda url, body, headers: client.verify_webhook(body, headers.get("X-Signature"))
    )
    url = f"{receiver.base}/stream-webhook"
    headers = {"Content-Type": "application/json", "X-Signature": stream_signature(WEBHOOK)}
    assert httpx.post(url, content=WEBHOOK, headers=headers).status_code == 204
    tampered = WEBHOOK.replace(b"my-call", b"other")
    assert httpx.post(url, content=tampered, headers=headers).status_code == 403
    assert httpx.post(url, content=WEBHOOK).status_code == 403  # no header at all
    assert receiver.seen == [True, False, False]


# ------------------------------------------------------------------- SignalWire (LaML) callbacks

STATUS_URL = "https://example.com/stream-status?call=42"
# A stream status callback's form fields (names as Twilio-compatible APIs send them).
STATUS = {
    "AccountSid": "720796a0-8ee9-4350-83bd-2d07a3121f1e",
    "CallSid": "43bb71ee-553f-4074-bb20-8e2747647cce",
    "StreamEvent": "stream-started",
    "StreamName": "my first stream",
    "StreamSid": "19e436af-5688-4307-b03b-bdb2b42b8142",
    "Timestamp": "2024-01-01T00:00:00Z",
}


def twilio_signature(url: str, params: dict[str, str], key: str = SIGNING_KEY) -> str:
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(key.encode(), data.encode(), hashlib.sha1).digest()).decode()


def test_request_validator_is_exported_with_signalwires_header() -> None:
    assert "RequestValidator" in laml_streams.__all__
    assert RequestValidator.header == "X-SignalWire-Signature"
    assert "Signing Key" in (RequestValidator.__doc__ or "")
    assert SIGNING_KEY not in repr(RequestValidator(SIGNING_KEY))


def test_stream_status_callback_known_answer() -> None:
    validator = RequestValidator(SIGNING_KEY)
    signature = twilio_signature(STATUS_URL, STATUS)
    assert validator.compute_signature(STATUS_URL, STATUS) == signature
    assert validator.validate(STATUS_URL, STATUS, signature)
    assert validator.validate_body(STATUS_URL, urlencode(STATUS).encode(), signature)
    assert not validator.validate(STATUS_URL.replace("42", "43"), STATUS, signature)
    assert not validator.validate(
        STATUS_URL, {**STATUS, "StreamEvent": "stream-stopped"}, signature
    )
    assert not validator.validate_body(STATUS_URL, urlencode(STATUS).encode() + b"&x=1", signature)
    assert not RequestValidator("PSK_other").validate(STATUS_URL, STATUS, signature)
    for garbage in (None, "", "!!!", "é", signature.lower()):
        assert validator.validate(STATUS_URL, STATUS, garbage) is False


def test_a_stream_status_callback_received_over_http(
    receiver_factory: Callable[..., Receiver],
) -> None:
    validator = RequestValidator(SIGNING_KEY)
    receiver = receiver_factory(
        lambda url, body, headers: validator.validate_body(
            url, body, headers.get(RequestValidator.header)
        )
    )
    url = f"{receiver.base}/stream-status?call=42"  # the port is part of what was signed
    signed = {RequestValidator.header: twilio_signature(url, STATUS)}
    assert httpx.post(url, data=STATUS, headers=signed).status_code == 204
    assert httpx.post(url, data={**STATUS, "Extra": ""}, headers=signed).status_code == 403
    assert httpx.post(url.replace("42", "1"), data=STATUS, headers=signed).status_code == 403
    assert httpx.post(url, data=STATUS).status_code == 403
    assert receiver.seen == [True, False, False, False]


def test_each_package_has_only_what_its_spec_asks_for() -> None:
    assert not hasattr(LamlClient, "create_token") and not hasattr(LamlClient, "verify_webhook")
    assert not hasattr(stream_video, "RequestValidator")
    assert not [n for n in stream_video.__all__ if "Validator" in n or "Signature" in n]


# ---------------------------------------------------------------------------- golden packages


@pytest.fixture(scope="module")
def golden(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], ModuleType]]:
    imported: list[str] = []
    paths: list[str] = []

    def load(case: str) -> ModuleType:
        out = tmp_path_factory.mktemp(case)
        api, files = build(GOLDEN / case / "spec.yaml")
        write_tree(out / api.package, files)
        sys.path.insert(0, str(out / api.package))
        paths.append(str(out / api.package))
        imported.append(api.package)
        return importlib.import_module(api.package)

    yield load
    for path in paths:
        sys.path.remove(path)
    for name in [n for n in sys.modules if n.split(".")[0] in imported]:
        del sys.modules[name]


def test_golden_names_come_from_the_spec(golden: Callable[[str], ModuleType]) -> None:
    zoo = golden("json_api")
    for cls in (zoo.ZooClient, zoo.AsyncZooClient):
        client = cls(api_key="k", api_secret=API_SECRET)
        token = client.user_token("keeper", role="feeder")
        assert jwt.decode(token, API_SECRET, algorithms=["HS256"])["role"] == "feeder"
        signature = stream_signature(b"{}")
        assert client.check_signature(b"{}", signature)
        assert not client.check_signature(b"{ }", signature)
        assert not hasattr(client, "create_token") and not hasattr(client, "verify_webhook")
    assert zoo.ZooSignature.header == "X-Zoo-Signature"
    assert zoo.ZooSignature(API_SECRET).validate(b"{}", stream_signature(b"{}"))


def test_a_spec_without_the_extensions_gets_none_of_it(
    golden: Callable[[str], ModuleType],
) -> None:
    package = golden("openapi30_multifile")
    client_names = [n for n in package.__all__ if n.endswith("Client")]
    assert client_names and not [n for n in package.__all__ if "Validator" in n]
    for name in client_names:
        cls = getattr(package, name)
        assert not hasattr(cls, "create_token") and not hasattr(cls, "verify_webhook")
        assert not [m for m in vars(cls) if m.startswith("_secret_")]


def test_the_parser_knows_every_name_the_package_exports(
    golden: Callable[[str], ModuleType],
) -> None:
    """A validator class may not take a name __init__ already exports: the parser's list of those
    names must follow the template."""
    from generator.parse import client as parse_client

    package = golden("openapi30_multifile")
    clients = {n for n in package.__all__ if n.endswith("Client")}
    assert set(package.__all__) - clients <= parse_client._PACKAGE_EXPORTS
