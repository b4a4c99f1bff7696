"""The error hierarchy and how a non-2xx response becomes an error (``_errors.py``)."""

from __future__ import annotations

import pickle

import httpx
import pydantic
import pytest
from runtime import (
    ApiConnectionError,
    ApiError,
    ApiStatusError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    RequestValidationError,
    ResponseValidationError,
    UnprocessableEntityError,
)
from runtime._errors import status_error_from_response

URL = "https://api.example.com/v1/Streams/x"


def make_error(
    status: int,
    body: bytes | str = b"",
    headers: dict[str, str] | None = None,
    error_model: type[pydantic.BaseModel] | None = None,
    note: str | None = None,
) -> ApiStatusError:
    content = body.encode() if isinstance(body, str) else body
    response = httpx.Response(
        status, content=content, headers=headers, request=httpx.Request("POST", URL)
    )
    return status_error_from_response(
        response,
        method="POST",
        url=URL,
        operation_id="createCallStream",
        retryable=False,
        attempts=1,
        note=note,
        error_model=error_model,
        redact=lambda text: text,
    )


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (599, InternalServerError),
        (301, RedirectError),
        (302, RedirectError),
        (304, RedirectError),
        (307, RedirectError),
        (405, ApiStatusError),
        (418, ApiStatusError),
    ],
)
def test_class_by_status(status: int, cls: type[ApiStatusError]) -> None:
    err = make_error(status)
    assert type(err) is cls
    assert err.status_code == status


def test_hierarchy() -> None:
    assert issubclass(ApiConnectionError, ApiError)
    assert issubclass(ApiTimeoutError, ApiConnectionError)
    assert issubclass(ApiStatusError, ApiError)
    assert issubclass(InternalServerError, ApiStatusError)
    assert issubclass(RedirectError, ApiStatusError)
    assert issubclass(ResponseValidationError, ApiError)
    assert issubclass(RequestValidationError, ApiError)
    assert issubclass(RequestValidationError, ValueError)


def test_request_validation_error() -> None:
    err = RequestValidationError("url must use wss://", operation_id="connect")
    assert str(err) == "url must use wss://"
    assert err.attempts == 0 and err.retryable is False
    with pytest.raises(ValueError):
        raise err


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"message": "No such stream"}, "No such stream"),
        ({"code": 20404, "message": "No such stream"}, "No such stream (code 20404)"),
        ({"error": {"message": "nested", "type": "x"}}, "nested"),
        ({"error": "invalid_grant", "error_description": "expired"}, "expired"),
        ({"errors": [{"message": "first"}, {"message": "second"}]}, "first"),
        ({"title": "Bad Request", "detail": "field x"}, "Bad Request: field x"),
        ({"detail": [{"msg": "field required"}]}, "field required"),
        ("plain json string", "plain json string"),
        ({"unrelated": 1}, '{"unrelated": 1}'),
    ],
)
def test_message_from_json_bodies(body: object, detail: str) -> None:
    import json

    err = make_error(404, json.dumps(body), {"content-type": "application/json"})
    assert str(err) == (f"404 Not Found from POST {URL} (createCallStream): {detail}")
    assert err.body == body


def test_request_id_headers() -> None:
    for name in ("x-request-id", "request-id", "x-amzn-requestid"):
        err = make_error(500, "{}", {name: "RID"})
        assert err.request_id == "RID"
        assert str(err).endswith("[request id RID]")
    assert make_error(500).request_id is None


def test_note_and_unknown_status() -> None:
    err = make_error(599, note="gave up after 3 attempts")
    assert str(err) == f"599 from POST {URL} (createCallStream) (gave up after 3 attempts)"


def test_error_model() -> None:
    class ErrorBody(pydantic.BaseModel):
        code: int
        message: str

    fits = make_error(400, '{"code": 7, "message": "m", "extra": 1}', error_model=ErrorBody)
    assert isinstance(fits.error, ErrorBody) and fits.error.code == 7
    assert make_error(400, '{"message": "m"}', error_model=ErrorBody).error is None
    assert make_error(400, "<html/>", error_model=ErrorBody).error is None


def test_non_json_bodies() -> None:
    html = "<html><head><title> 503 Service Temporarily Unavailable </title></head></html>"
    err = make_error(503, html)
    assert err.body is None and err.text == html
    assert str(err).endswith(": 503 Service Temporarily Unavailable")
    no_title = make_error(502, "<html><body><h1>Oops</h1><script>x()</script></body></html>")
    assert str(no_title).endswith(": Oops")
    binary = make_error(500, b"\xff\xfe\x00garbage")
    assert binary.body is None


def test_pickle_roundtrip() -> None:
    err = make_error(404, '{"message": "gone"}', {"x-request-id": "r1"})
    clone = pickle.loads(pickle.dumps(err))
    assert type(clone) is NotFoundError
    assert str(clone) == str(err)
    assert clone.status_code == 404 and clone.request_id == "r1" and clone.body == err.body
    plain = pickle.loads(pickle.dumps(ApiTimeoutError("t", attempts=3, retryable=True)))
    assert (plain.attempts, plain.retryable, str(plain)) == (3, True, "t")
