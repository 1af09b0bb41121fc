"""What the feature specs promise, checked on their generated packages: the minimal spec: family fallbacks, bodies of every shape, the default policies.

Every expected value is written by hand from the spec and the documented semantics,
never read back from the generated code.
"""

from __future__ import annotations

import importlib
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from features_support import build_scratch, half, shared, vendor
from goldens import load_package


bare = vendor("minimal", "bare")


MINIMAL = shared("minimal")


@pytest.mark.parametrize(
    ("status", "cls", "message"),
    [
        (400, "BareUnknownClientError", "Bad Request"),
        (404, "BareUnknownClientError", "Not Found"),
        (429, "BareUnknownClientError", "Too Many Requests"),
        (499, "BareUnknownClientError", "HTTP 499"),
        (500, "BareUnknownServerError", "Internal Server Error"),
        (503, "BareUnknownServerError", "Service Unavailable"),
        (599, "BareUnknownServerError", "HTTP 599"),
        (600, "BareUnexpectedStatusError", "HTTP 600"),
        (200, "BareUnexpectedStatusError", None),
        (302, "BareUnexpectedStatusError", None),
    ],
)
def test_minimal_statuses_go_to_the_family_fallbacks(status: int, cls: str, message: str | None) -> None:
    error = bare.parse_error(status, b"")
    assert type(error).__name__ == cls
    assert error.status == status
    assert error.code is None and error.request_id is None and error.retry_after is None
    assert error.details is None
    if message is not None:
        assert error.message == message
    assert error.message


def test_minimal_hierarchy_and_shared_classes() -> None:
    assert bare.BareUnknownClientError.__mro__[1:3] == (bare.BareClientError, bare.BareError)
    assert bare.BareUnknownServerError.__mro__[1:3] == (bare.BareServerError, bare.BareError)
    assert bare.BareUnexpectedStatusError.__bases__[0] is bare.BareError
    for cls in (bare.BareUnknownClientError, bare.BareUnknownServerError, bare.BareUnexpectedStatusError):
        assert issubclass(cls, MINIMAL.UnknownAPIError)
        assert cls.category is MINIMAL.Category.UNKNOWN
    assert issubclass(bare.BareError, MINIMAL.APIError)
    assert bare.BareUnknownClientError.retryable is False
    assert bare.BareUnknownServerError.retryable is True
    assert bare.BareUnexpectedStatusError.retryable is False
    # Defaults: no title, cause or solution anywhere.
    assert bare.BareUnknownClientError.title is None
    assert bare.BareUnknownClientError.solution is None


@pytest.mark.parametrize("body", [b"", "", None, "   \n\t "])
def test_empty_body_gives_the_reason_phrase(body: Any) -> None:
    assert bare.parse_error(404, body).message == "Not Found"


def test_html_body_gives_its_title() -> None:
    page = (
        "<!DOCTYPE html>\n<html><head><meta charset='utf-8'>"
        '<title lang="en">503   Service &amp; Temporarily\n   Unavailable</title>'
        "</head><body><h1>nginx</h1></body></html>"
    )
    error = bare.parse_error(503, page.encode())
    assert type(error) is bare.BareUnknownServerError
    assert error.message == "503 Service & Temporarily Unavailable"
    assert error.body == page.encode()


def test_html_body_without_title_gives_the_reason_phrase() -> None:
    assert bare.parse_error(502, "<html><body><h1>Oops</h1></body></html>").message == "Bad Gateway"


def test_plain_text_body_gives_its_first_line() -> None:
    error = bare.parse_error(502, b"upstream connect error\nreset reason: overflow")
    assert error.message == "upstream connect error"


def test_unprintable_text_gives_the_reason_phrase() -> None:
    assert bare.parse_error(502, "bad\x00text").message == "Bad Gateway"


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe\x00\x81garbage",
        b"{\xff\xfe",
        b'{"error": {"code": "rate_limited", "mess',
        b"[" * 100_000,
        "{" * 100_000,
        bytearray(b"\x00\x01\x02"),
        memoryview(b"{}"),
        12345,
        object(),
        ["not", "a", "body"],
    ],
    ids=["non-utf8", "bad-json-bytes", "truncated", "deep-list", "deep-object", "bytearray", "memoryview", "int", "object", "list"],
)
def test_garbage_bodies_never_raise(body: Any) -> None:
    error = bare.parse_error(500, body)
    assert type(error) is bare.BareUnknownServerError
    assert error.status == 500
    assert isinstance(error.message, str) and error.message
    assert len(error.message) <= 8192
    assert error.body is body


def test_non_utf8_body_gives_the_reason_phrase() -> None:
    assert bare.parse_error(500, b"\xff\xfe\x00\x81").message == "Internal Server Error"


@pytest.mark.parametrize("headers", ["junk", [("only-one",)], {1: object()}, [None, 3]])
def test_garbage_headers_never_raise(headers: Any) -> None:
    error = bare.parse_error(503, b"", headers)
    assert type(error) is bare.BareUnknownServerError
    assert error.message == "Service Unavailable"


def test_garbage_status_gives_the_unexpected_class() -> None:
    error = bare.parse_error("not a status", b"")  # type: ignore[arg-type]
    assert type(error) is bare.BareUnexpectedStatusError
    assert error.status is None
    assert error.message == "Unknown error"
    assert bare.parse_error("404", b"").status == 404  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"error": {"code": "bad_input", "message": "Name missing"}}, "bad_input", "Name missing"),
        ({"error": {"type": "invalid_request_error", "message": "typed"}}, "invalid_request_error", "typed"),
        ({"code": 42, "message": "numeric code"}, "42", "numeric code"),
        ({"error": "plain error", "code": "c"}, "c", "plain error"),
        ({"detail": "from detail"}, None, "from detail"),
        ({"error_description": "oauth style"}, None, "oauth style"),
        ({"message": ""}, None, "Bad Request"),
        ({"unrelated": True}, None, "Bad Request"),
        ([{"message": "a list"}], None, "Bad Request"),
    ],
)
@pytest.mark.parametrize("form", ["mapping", "bytes", "str"])
def test_minimal_reads_generic_json_fields(body: Any, code: str | None, message: str, form: str) -> None:
    raw: Any = body if form == "mapping" else json.dumps(body)
    if form == "bytes":
        raw = raw.encode()
    if form == "mapping" and not isinstance(body, dict):
        raw = json.dumps(body)
    error = bare.parse_error(400, raw)
    assert type(error) is bare.BareUnknownClientError
    assert (error.code, error.message) == (code, message)


def test_minimal_reads_no_request_id_or_delay_by_default() -> None:
    headers = {"Retry-After": "5", "X-Request-ID": "r1"}
    error = bare.parse_error(503, {"request_id": "b1", "retry_after": 3}, headers)
    assert error.request_id is None
    assert error.retry_after is None
    assert error.headers["x-request-id"] == "r1"  # still there, case-insensitively


def test_minimal_policy_defaults() -> None:
    server = bare.policy_for(bare.parse_error(500))
    assert server.name == "again"
    assert server.retryable is True
    assert server.action is MINIMAL.Action.RETRY
    assert server.max_attempts == 3
    assert (server.base_delay, server.multiplier, server.max_delay) == (1.0, 2.0, 60.0)
    assert server.jitter == "full"
    assert server.honor_server_delay is True
    assert server.default_delay is None
    assert server.max_server_delay == 300.0
    assert server.rejected_before_processing is False
    client = bare.policy_for(bare.parse_error(404))
    assert (client.name, client.retryable, client.max_attempts) == ("never", False, 1)
    assert client.action is MINIMAL.Action.FIX_REQUEST


def test_minimal_default_backoff() -> None:
    error = bare.parse_error(503)
    assert [bare.next_delay(error, n, random=half) for n in (1, 2, 3)] == [0.5, 1.0, None]
    assert bare.next_delay(error, 1, random=lambda: 1.0) == 1.0
    assert 0.0 <= bare.next_delay(error, 2) <= 2.0
    assert bare.next_delay(bare.parse_error(404), 1, random=half) is None


def test_unexpected_family_defaults_to_the_client_policy() -> None:
    assert bare.policy_for(bare.parse_error(302)).name == "never"
    assert bare.next_delay(bare.parse_error(302), 1, random=half) is None
    # An error from outside the vendor's classes gets the same fallback.
    assert bare.policy_for(MINIMAL.APIError("foreign")).name == "never"


def test_minimal_str_repr_and_pickle() -> None:
    assert str(bare.parse_error(404, b"")) == "404: Not Found"
    error = bare.parse_error(400, {"error": {"code": "bad", "message": "Bad name"}}, {"X-Other": "1"})
    assert str(error) == "400 bad: Bad name"
    assert repr(error) == "BareUnknownClientError(status=400, code='bad', message='Bad name', request_id=None)"
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is bare.BareUnknownClientError
    assert (copy.status, copy.code, copy.message) == (400, "bad", "Bad name")
    assert copy.headers["x-other"] == "1"


def test_minimal_exports_and_empty_models() -> None:
    contract = {"RETRY_POLICIES", "error_from_response", "next_delay", "parse_error"}
    contract |= {"policy_for", "raise_for_error"}
    assert contract <= set(bare.__all__)
    assert [name for name in bare.__all__ if name.endswith("Error")] == [
        "BareClientError",
        "BareError",
        "BareServerError",
        "BareUnexpectedStatusError",
        "BareUnknownClientError",
        "BareUnknownServerError",
    ]
    assert not hasattr(bare, "error_from_payload")
    models = importlib.import_module("generated_minimal.bare.models")
    assert [name for name in vars(models) if not name.startswith("__")] == []


class FakeResponse:
    def __init__(self, status_code: int, content: bytes = b"", headers: dict[str, str] | None = None, reason_phrase: str = "") -> None:
        self.status_code = status_code
        self.content = content
        self.headers = headers or {}
        self.reason_phrase = reason_phrase


def test_minimal_error_from_response_uses_the_reason_phrase() -> None:
    response = FakeResponse(418, reason_phrase="Short And Stout")
    error = bare.error_from_response(response)
    assert type(error) is bare.BareUnknownClientError
    assert error.message == "Short And Stout"
    assert error.response is response
    assert bare.error_from_response(FakeResponse(204)) is None
    assert bare.raise_for_error(FakeResponse(200)) is None
    with pytest.raises(bare.BareUnknownServerError):
        bare.raise_for_error(FakeResponse(500, b"boom"))


MINIMAL_WITHOUT_ENVELOPES = """\
spec_version: 1
vendor:
  name: Tiny
  slug: tiny
  class_prefix: Tiny
  docs_url: https://tiny.example.com/errors
retry_policies:
  never: {retryable: false, action: fix_request}
families:
  client: {retry: never}
  server: {retry: never}
"""


def test_minimal_spec_without_envelopes_compiles(tmp_path: Path) -> None:
    folder = build_scratch(tmp_path, "bug_no_envelopes", MINIMAL_WITHOUT_ENVELOPES, "tiny")
    load_package(folder, "bug_no_envelopes")
    tiny = importlib.import_module("bug_no_envelopes.tiny")
    error = tiny.parse_error(400, {"error": {"code": "bad", "message": "Bad name"}})
    assert (type(error).__name__, error.code, error.message) == ("TinyUnknownClientError", "bad", "Bad name")


def test_base_class_policy_agrees_with_its_retryable_flag() -> None:
    error = bare.BareError("raised by hand")
    policy = bare.policy_for(error)
    assert policy.retryable is bare.BareError.retryable
    assert (bare.next_delay(error, 1, random=half) is None) is (not bare.BareError.retryable)


def test_unexpected_status_message_is_its_reason_phrase() -> None:
    assert bare.parse_error(302, b"").message == "Found"
