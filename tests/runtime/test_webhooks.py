"""Webhook signatures (templates/runtime/_webhooks.py).

Known answers come from two independent places: signatures computed here by hand with
:mod:`hmac`, and the published test vectors of Twilio's request-validation scheme (auth token
``12345``), which SignalWire's Compatibility API follows.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from runtime._webhooks import HexHmacSha256Validator, TwilioSignatureValidator

# ----------------------------------------------------------------------------------- hex HMAC-SHA256

SECRET = "stream-api-secret"
BODY = b'{"type":"call.created","call_cid":"default:my-call","created_at":"2024-01-01T00:00:00Z"}'


def hex_sig(body: bytes, key: str = SECRET) -> str:
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def test_hex_signature_is_the_hmac_sha256_of_the_body() -> None:
    validator = HexHmacSha256Validator(SECRET)
    assert validator.compute_signature(BODY) == hex_sig(BODY)
    assert validator.validate(BODY, hex_sig(BODY))
    # the same bytes handed over as bytearray, memoryview or UTF-8 text
    assert validator.validate(bytearray(BODY), hex_sig(BODY))
    assert validator.validate(memoryview(BODY), hex_sig(BODY))
    assert validator.validate(BODY.decode(), hex_sig(BODY))


def test_hex_signature_case_and_surrounding_space_do_not_matter() -> None:
    validator = HexHmacSha256Validator(SECRET)
    assert validator.validate(BODY, hex_sig(BODY).upper())
    assert validator.validate(BODY, f" {hex_sig(BODY)}\t")


def test_hex_signature_of_a_tampered_body_or_another_key_fails() -> None:
    validator = HexHmacSha256Validator(SECRET)
    assert not validator.validate(BODY.replace(b"my-call", b"my-cal1"), hex_sig(BODY))
    assert not validator.validate(BODY + b"\n", hex_sig(BODY))
    assert not validator.validate(BODY, hex_sig(BODY, key="another-secret"))
    assert not HexHmacSha256Validator("another-secret").validate(BODY, hex_sig(BODY))


@pytest.mark.parametrize(
    "signature",
    [None, "", "   ", "zz", "ünïcode", 12345, b"bytes", ["list"], "0" * 64, hex_sig(BODY)[:-1]],
)
def test_garbage_hex_signatures_are_false_not_errors(signature: Any) -> None:
    assert HexHmacSha256Validator(SECRET).validate(BODY, signature) is False


def test_hex_validator_refuses_an_empty_key_and_a_parsed_body() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        HexHmacSha256Validator("")
    with pytest.raises(TypeError, match="raw request body"):
        HexHmacSha256Validator(SECRET).validate({"type": "call.created"}, "00")  # type: ignore[arg-type]


def test_validators_do_not_show_their_key() -> None:
    assert SECRET not in repr(HexHmacSha256Validator(SECRET))
    assert "12345" not in repr(TwilioSignatureValidator("12345"))


# ------------------------------------------------------------------------ Twilio-compatible HMAC-SHA1

TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
# Published vectors of the scheme for TOKEN, URL and PARAMS.
EXPECTED = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
EXPECTED_PORT_443 = "kvajT1Ptam85bY51eRf/AJRuM3w="  # signed over https://mycompany.com:443/...
EXPECTED_HTTP_PORT_80 = "0ZXoZLH/DfblKGATFgpif+LLRf4="  # http://mycompany.com:80/...
EXPECTED_HTTP_PORT_1234 = "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="  # http://mycompany.com:1234/...
DUPLICATES = [("Sid", "CA123"), ("SidAccount", "AC123"), ("Digits", "5678"), ("Digits", "1234")]
EXPECTED_DUPLICATES = "IK+Dwps556ElfBT0I3Rgjkr1wJU="
JSON_BODY = '{"property": "value", "boolean": true}'
JSON_BODY_SHA256 = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620"
EXPECTED_JSON = "a9nBmqA0ju/hNViExpshrM61xv4="  # for URL + "&bodySHA256=" + JSON_BODY_SHA256


def sha1_sig(data: str, key: str = TOKEN) -> str:
    return base64.b64encode(hmac.new(key.encode(), data.encode(), hashlib.sha1).digest()).decode()


class MultiDict(Mapping[str, str]):
    """What werkzeug's and Django's multi-dicts do: [] gives one value, getlist all of them."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._pairs = pairs

    def __getitem__(self, key: str) -> str:
        return next(v for k, v in self._pairs if k == key)

    def __iter__(self) -> Iterator[str]:
        return iter(dict.fromkeys(k for k, _ in self._pairs))

    def __len__(self) -> int:
        return len(dict.fromkeys(k for k, _ in self._pairs))

    def getlist(self, key: str) -> list[str]:
        return [v for k, v in self._pairs if k == key]


@pytest.fixture
def validator() -> TwilioSignatureValidator:
    return TwilioSignatureValidator(TOKEN)


def test_published_vector(validator: TwilioSignatureValidator) -> None:
    assert validator.compute_signature(URL, PARAMS) == EXPECTED
    assert validator.validate(URL, PARAMS, EXPECTED)


def test_signature_by_hand_url_then_sorted_names_and_values(
    validator: TwilioSignatureValidator,
) -> None:
    data = (
        URL
        + "CallSidCA1234567890ABCDE"
        + "Caller+14158675309"
        + "Digits1234"
        + "From+14158675309"
        + "To+18005551212"
    )
    assert validator.compute_signature(URL, PARAMS) == sha1_sig(data) == EXPECTED
    # code point order: upper case before lower case, a prefix before its extensions
    params = {"b": "1", "B": "2", "a": "3", "ab": "4"}
    assert validator.compute_signature(URL, params) == sha1_sig(URL + "B2a3ab4b1")


def test_no_params_signs_the_url_alone(validator: TwilioSignatureValidator) -> None:
    assert validator.compute_signature(URL) == sha1_sig(URL)
    assert validator.validate(URL, None, sha1_sig(URL))
    assert validator.validate(URL, {}, sha1_sig(URL))


@pytest.mark.parametrize(
    "params",
    [
        MultiDict(DUPLICATES),
        DUPLICATES,  # (name, value) pairs, e.g. from urllib.parse.parse_qsl
        {"Sid": "CA123", "SidAccount": "AC123", "Digits": ["5678", "1234"]},
    ],
    ids=["multidict", "pairs", "dict-of-lists"],
)
def test_repeated_names_are_all_signed_values_sorted(
    validator: TwilioSignatureValidator, params: Any
) -> None:
    assert validator.compute_signature(URL, params) == EXPECTED_DUPLICATES
    assert sha1_sig(URL + "Digits1234Digits5678SidCA123SidAccountAC123") == EXPECTED_DUPLICATES
    assert validator.validate(URL, params, EXPECTED_DUPLICATES)


def test_only_the_first_of_a_repeated_name_is_not_enough(
    validator: TwilioSignatureValidator,
) -> None:
    first_only = {"Sid": "CA123", "SidAccount": "AC123", "Digits": "5678"}
    assert not validator.validate(URL, first_only, EXPECTED_DUPLICATES)


def test_a_port_may_or_may_not_have_been_signed(validator: TwilioSignatureValidator) -> None:
    # The server saw a port the signature did not cover...
    assert validator.validate(URL.replace(".com", ".com:1234"), PARAMS, EXPECTED)
    # ...or the signature covered the explicit default port the server did not see...
    assert validator.validate(URL, PARAMS, EXPECTED_PORT_443)
    assert validator.validate(URL.replace("https", "http"), PARAMS, EXPECTED_HTTP_PORT_80)
    # ...or both saw the same port.
    http_1234 = URL.replace(".com", ".com:1234").replace("https", "http")
    assert validator.validate(http_1234, PARAMS, EXPECTED_HTTP_PORT_1234)
    # A default port of the other scheme is not a variant.
    assert not validator.validate(URL, PARAMS, EXPECTED_HTTP_PORT_80)


def test_port_removal_keeps_credentials_in_the_url(validator: TwilioSignatureValidator) -> None:
    signed = "https://user:p%40ss@example.com/cb?x=1"
    seen = "https://user:p%40ss@example.com:8443/cb?x=1"
    assert validator.validate(seen, PARAMS, validator.compute_signature(signed, PARAMS))
    ipv6_signed, ipv6_seen = "https://[2001:db8::1]/cb", "https://[2001:db8::1]:8443/cb"
    assert validator.validate(ipv6_seen, {}, validator.compute_signature(ipv6_signed))


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (URL.replace("foo=1", "foo=2"), PARAMS),  # query string
        (URL.replace("myapp", "other"), PARAMS),  # path
        (URL.replace("mycompany", "evil"), PARAMS),  # host
        (URL.replace("https", "http"), PARAMS),  # scheme
        (URL + "&extra=1", PARAMS),
        (URL, {**PARAMS, "Digits": "9999"}),  # a value
        (URL, {**PARAMS, "Extra": ""}),  # an added parameter, even an empty one
        (URL, {k: v for k, v in PARAMS.items() if k != "To"}),  # a removed one
        (URL, {("digits" if k == "Digits" else k): v for k, v in PARAMS.items()}),  # a name's case
    ],
)
def test_tampered_url_or_params_fail(
    validator: TwilioSignatureValidator, url: str, params: dict[str, str]
) -> None:
    assert not validator.validate(url, params, EXPECTED)


def test_another_key_fails() -> None:
    assert not TwilioSignatureValidator("54321").validate(URL, PARAMS, EXPECTED)


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        " ",
        "not base64!",
        "ünïcode",
        42,
        b"RSOYDt4T1cUTdK1PDd93/VVr8B8=",
        EXPECTED.lower(),
    ],
)
def test_garbage_signatures_are_false_not_errors(
    validator: TwilioSignatureValidator, signature: Any
) -> None:
    assert validator.validate(URL, PARAMS, signature) is False
    assert validator.validate_body(URL, "Digits=1234", signature) is False


def test_malformed_urls_are_false_not_errors(validator: TwilioSignatureValidator) -> None:
    for url in ("https://example.com:notaport/cb", "https://[::1/cb", ""):
        assert validator.validate(url, PARAMS, EXPECTED) is False
        assert validator.validate_body(url, "a=b", EXPECTED) is False


def test_bad_params_are_programming_errors(validator: TwilioSignatureValidator) -> None:
    with pytest.raises(TypeError, match="validate_body"):
        validator.validate(URL, "Digits=1234", EXPECTED)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="strings"):
        validator.validate(URL, {"Digits": 1234}, EXPECTED)  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="pairs"):
        validator.validate(URL, [("a", "b", "c")], EXPECTED)  # type: ignore[list-item]
    with pytest.raises(ValueError, match="signing_key"):
        TwilioSignatureValidator("")


# ------------------------------------------------------------------------------------ raw bodies


def test_raw_form_body_is_parsed_like_the_api_sent_it(validator: TwilioSignatureValidator) -> None:
    body = (
        "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234"
        "&From=%2B14158675309&To=%2B18005551212"
    )
    assert validator.validate_body(URL, body, EXPECTED)
    assert validator.validate_body(URL, body.encode(), EXPECTED)
    # the order of the fields on the wire does not matter
    reordered = "&".join(reversed(body.split("&")))
    assert validator.validate_body(URL, reordered, EXPECTED)


def test_raw_body_decoding_plus_percent_blank_and_repeated(
    validator: TwilioSignatureValidator,
) -> None:
    body = "StreamName=my+first+stream&Note=caf%C3%A9&Empty=&Digits=5678&Digits=1234"
    data = URL + "Digits1234Digits5678EmptyNotecaféStreamNamemy first stream"
    assert validator.validate_body(URL, body, sha1_sig(data))


def test_tampered_raw_body_fails(validator: TwilioSignatureValidator) -> None:
    body = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309"
    signature = validator.compute_signature(URL, dict(p.split("=") for p in body.split("&")))
    assert not validator.validate_body(URL, body, signature)  # '+' was percent-encoded
    assert not validator.validate_body(URL, body + "&To=%2B18005551212", signature)
    assert not validator.validate_body(URL, body.replace("1234", "1235"), signature)
    assert not validator.validate_body(URL, b"\xff\xfe", signature)


def test_json_body_with_body_sha256(validator: TwilioSignatureValidator) -> None:
    url = f"{URL}&bodySHA256={JSON_BODY_SHA256}"
    assert hashlib.sha256(JSON_BODY.encode()).hexdigest() == JSON_BODY_SHA256
    assert sha1_sig(url) == EXPECTED_JSON
    assert validator.validate_body(url, JSON_BODY, EXPECTED_JSON)
    assert validator.validate_body(url, JSON_BODY.encode(), EXPECTED_JSON)
    # the URL is signed, the body is bound by its hash: changing either fails
    assert not validator.validate_body(url, JSON_BODY.replace("true", "false"), EXPECTED_JSON)
    assert not validator.validate_body(url.replace("foo=1", "foo=3"), JSON_BODY, EXPECTED_JSON)
