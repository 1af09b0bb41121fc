"""What each feature spec under ``tests/features/`` promises, checked on its generated package.

One small spec per spec feature (``tests/features/<feature>/specs/<slug>.yaml``), compiled
into ``tests/features/<feature>/generated_<feature>/`` by ``python tests/goldens.py``;
``test_golden.py`` checks those trees are current, this module checks what they do.
Every expected value below is written by hand from the spec and the documented
semantics (README.md), never read back from the generated code.
"""

from __future__ import annotations

import email.utils
import importlib
import json
import pickle
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from goldens import FEATURES, build


def vendor(feature: str, slug: str) -> ModuleType:
    """``generated_<feature>.<slug>``, the package compiled from the feature's spec."""
    folder = str(FEATURES / feature)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    return importlib.import_module(f"generated_{feature}.{slug}")


def shared(feature: str) -> ModuleType:
    vendor_module = {"minimal": "bare"}.get(feature)
    if vendor_module:
        vendor(feature, vendor_module)
    return importlib.import_module(f"generated_{feature}")


def half() -> float:
    return 0.5


bare = vendor("minimal", "bare")
layered = vendor("envelopes", "layered")
matchy = vendor("patterns", "matchy")
patient = vendor("retry", "patient")
traced = vendor("request_ids", "traced")
jobs = vendor("operations", "jobs")
typed = vendor("models", "typed")
named = vendor("naming", "named")


def build_scratch(tmp_path: Path, package: str, spec: str, slug: str) -> Path:
    """Compile one spec into ``tmp_path/<package>`` and return the folder to import from."""
    specs = tmp_path / "specs"
    specs.mkdir(exist_ok=True)
    (specs / f"{slug}.yaml").write_text(spec, encoding="utf-8")
    build(specs, tmp_path / package)
    return tmp_path


# --------------------------------------------------------------------------- minimal


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
    assert repr(error) == "BareUnknownClientError(status=400, code='bad', message='Bad name', request_id=None, retryable=False, retry_reason='table')"
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


def test_minimal_spec_without_envelopes_compiles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = build_scratch(tmp_path, "bug_no_envelopes", MINIMAL_WITHOUT_ENVELOPES, "tiny")
    monkeypatch.syspath_prepend(str(folder))
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


# ------------------------------------------------------------------------- envelopes

FULL_WRAPPER = {
    "success": False,
    "request_id": "top",
    "retry_in": 7,
    "error": {"code": "E1", "message": "wrapped", "request_id": "inner", "details": {"field": "name"}},
}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # 1. wrapper: success is false
        (FULL_WRAPPER, ("E1", "wrapped", {"field": "name"}, "top", 7.0)),
        ({"success": False, "message": "top-level message"}, (None, "top-level message", None, None, None)),
        ({"success": False, "retry_in": "2.5", "error": {"message": "w"}}, (None, "w", None, None, 2.5)),
        ({"success": False, "retry_in": -1, "error": {"message": "w"}}, (None, "w", None, None, None)),
        # success true, 0 or missing is not the wrapper: the next envelope reads the body.
        (
            {**FULL_WRAPPER, "success": True},
            ("E1", "wrapped", {"request_id": "inner", "details": {"field": "name"}}, "inner", None),
        ),
        ({"success": 0, "error": {"code": "E1", "message": "zero"}}, ("E1", "zero", None, None, None)),
        ({"error": {"code": "E1", "message": "no flag"}}, ("E1", "no flag", None, None, None)),
        # 2. problem: error is an object; details are its other fields
        (
            {"error": {"type": "invalid_request_error", "message": "typed", "param": "model"}},
            ("invalid_request_error", "typed", {"param": "model"}, None, None),
        ),
        (
            {"error": {"code": "C", "message": "m", "retry_after": "3"}},
            ("C", "m", {"retry_after": "3"}, None, 3.0),
        ),
        # 3. status_reason: status is not "ok" (or absent) and reason is a string
        ({"status": "failed", "reason": "Quota gone", "error_code": "Q"}, ("Q", "Quota gone", None, None, None)),
        ({"reason": "no status", "error_code": 17}, ("17", "no status", None, None, None)),
        ({"status": "ok", "reason": "fine", "error_code": "Q"}, (None, "Bad Request", None, None, None)),
        ({"status": "failed", "reason": 5}, (None, "Bad Request", None, None, None)),
        # 4. fastapi: detail is present
        ({"detail": "Not authenticated"}, (None, "Not authenticated", None, None, None)),
        (
            {"detail": {"message": "Quota", "code": "quota"}},
            ("quota", "Quota", {"message": "Quota", "code": "quota"}, None, None),
        ),
        (
            {"detail": [{"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"}]},
            (None, "field required", [{"loc": ["body", "name"], "msg": "field required", "type": "value_error.missing"}], None, None),
        ),
        ({"detail": ""}, (None, "Bad Request", None, None, None)),
        ({"detail": []}, (None, "Bad Request", [], None, None)),
        # detail null is not present: no envelope, generic fields
        ({"detail": None, "message": "generic"}, (None, "generic", None, None, None)),
        ({"error": "a string"}, (None, "a string", None, None, None)),
        # order: the first envelope that recognises the body wins
        (
            {"error": {"code": "P", "message": "problem wins"}, "detail": "fastapi loses"},
            ("P", "problem wins", None, None, None),
        ),
        (
            {"success": False, "detail": "fastapi loses", "error": {"message": "wrapper wins"}},
            (None, "wrapper wins", None, None, None),
        ),
    ],
)
@pytest.mark.parametrize("form", ["mapping", "bytes"])
def test_envelopes(body: dict[str, Any], expected: tuple[Any, ...], form: str) -> None:
    raw: Any = body if form == "mapping" else json.dumps(body).encode()
    error = layered.parse_error(400, raw)
    assert type(error) is layered.LayeredUnknownClientError
    assert (error.code, error.message, error.details, error.request_id, error.retry_after) == expected


def test_envelope_message_is_clipped() -> None:
    error = layered.parse_error(400, {"success": False, "error": {"message": "x" * 10_000}})
    assert error.message == "x" * 8192


# -------------------------------------------------------------------------- patterns


@pytest.mark.parametrize(
    ("status", "code", "message", "cls", "attributes"),
    [
        # a code alone selects its class, whatever the status and the message
        (429, "rate_limited", "Slow down", "RateLimitError", {}),
        (400, "rate_limited", "Missing field 'email'", "RateLimitError", {}),
        # code-level patterns, typed attributes
        (429, "quota", "Daily quota of 1,000 requests exceeded", "DailyQuotaError", {"limit": 1000}),
        (429, "quota", "Token quota exceeded: 12.5 of 10", "TokenQuotaError", {"used": 12.5, "allowed": 10.0}),
        # several errors claim "quota": another message falls back to their 429 class
        (429, "quota", "Monthly quota exceeded", "MatchyTooManyRequestsError", {}),
        (400, "quota", "Monthly quota exceeded", "MatchyTooManyRequestsError", {}),
        # the parent chain: the first listed pattern wins
        (
            400, "validation_failed", "Field 'name' is longer than 64 characters",
            "FieldTooLongError", {"field": "name", "max_length": 64},
        ),
        (400, "validation_failed", "Field 'name' is required", "FieldValidationError", {"field": "name"}),
        (400, "validation_failed", "Body is not JSON", "ValidationFailedError", {}),
        (422, "validation_failed", "Field 'x' is required", "FieldValidationError", {"field": "x"}),
        # status-level patterns: no code
        (400, None, "Missing field 'email'", "MissingFieldError", {"field": "email"}),
        (400, None, "Value of age must be at most -5 please", "ValueTooLargeError", {"field": "age", "maximum": -5}),
        (400, None, "Missing field 'age': age must be at most 120", "MissingFieldError", {"field": "age"}),
        (400, "unknown_code", "Missing field 'email'", "MissingFieldError", {"field": "email"}),
        (400, None, "Something else", "MatchyBadRequestError", {}),
        # status patterns apply to their status only; code patterns need their code
        (422, None, "Missing field 'email'", "MatchyUnknownClientError", {}),
        (429, None, "Daily quota of 5 requests exceeded", "MatchyTooManyRequestsError", {}),
    ],
)
def test_patterns(status: int, code: str | None, message: str, cls: str, attributes: dict[str, Any]) -> None:
    error_object = {"message": message} if code is None else {"code": code, "message": message}
    error = matchy.parse_error(status, {"error": error_object})
    assert type(error).__name__ == cls
    assert (error.status, error.code, error.message) == (status, code, message)
    for name, value in attributes.items():
        assert getattr(error, name) == value
        assert type(getattr(error, name)) is type(value), name


def test_typed_attributes_are_none_when_not_captured() -> None:
    assert matchy.DailyQuotaError("by hand").limit is None
    assert matchy.TokenQuotaError("by hand").used is None
    bad_number = matchy.parse_error(429, {"error": {"code": "quota", "message": "Token quota exceeded: 1.2.3 of 4"}})
    assert type(bad_number) is matchy.TokenQuotaError
    assert bad_number.used is None and bad_number.allowed == 4.0


def test_parent_chain_hierarchy() -> None:
    assert matchy.FieldTooLongError.__mro__[1:4] == (
        matchy.FieldValidationError,
        matchy.ValidationFailedError,
        matchy.MatchyBadRequestError,
    )
    assert issubclass(matchy.FieldTooLongError, shared("patterns").InvalidRequestError)
    assert issubclass(matchy.DailyQuotaError, shared("patterns").RateLimitedError)
    assert matchy.MissingFieldError.__bases__ == (matchy.MatchyBadRequestError,)


def test_pattern_errors_inherit_their_status_policy() -> None:
    quota = matchy.parse_error(429, {"error": {"code": "quota", "message": "Daily quota of 5 requests exceeded"}})
    assert [matchy.next_delay(quota, n) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, None]
    assert matchy.DailyQuotaError.retryable is True
    too_long = matchy.parse_error(400, {"error": {"code": "validation_failed", "message": "Field 'a' is longer than 1 characters"}})
    assert matchy.next_delay(too_long, 1) is None
    assert matchy.policy_for(too_long).name == "never"


def test_captured_attributes_survive_pickling() -> None:
    error = matchy.parse_error(429, {"error": {"code": "quota", "message": "Daily quota of 2,500 requests exceeded"}})
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is matchy.DailyQuotaError
    assert copy.limit == 2500


# ----------------------------------------------------------------------------- retry


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        ({"Retry-After": "3"}, None, 3.0),
        ({"retry-after": " 7 "}, None, 7.0),
        ({"Retry-After": "0"}, None, 0.0),
        ({"Retry-After": "1.5e1"}, None, 15.0),
        ({"X-Retry-After-Ms": "1500"}, None, 1.5),
        ({"Retry-After": "4", "X-Retry-After-Ms": "1500"}, None, 4.0),
        ({"Retry-After": "soon", "X-Retry-After-Ms": "250"}, None, 0.25),
        ({}, {"error": {"code": "x", "retry_after_seconds": 4}, "retry_after": 9}, 4.0),
        ({}, {"error": {"code": "x"}, "retry_after": 9}, 9.0),
        ({}, {"error": {"code": "x"}, "retry_after": "2.5"}, 2.5),
        ({"Retry-After": "1"}, {"error": {"code": "x", "retry_after_seconds": 4}}, 1.0),
        ({"Retry-After": "-1"}, {"error": {"code": "x", "retry_after_seconds": 4}}, 4.0),
        ({}, {"error": {"code": "x", "retry_after_seconds": -3}, "retry_after": 6}, 6.0),
    ],
)
def test_retry_after_sources_in_order(headers: dict[str, str], body: Any, expected: float) -> None:
    error = patient.parse_error(503, body, headers)
    assert error.retry_after == expected
    assert type(error.retry_after) is float


@pytest.mark.parametrize(
    "value", ["-1", "-0.5", "NaN", "nan", "inf", "-inf", "1e309", "soon", "", "5s", "0x10", "x" * 100]
)
def test_garbage_retry_after_header_is_none(value: str) -> None:
    error = patient.parse_error(503, b"", {"Retry-After": value})
    assert error.retry_after is None
    assert patient.next_delay(error, 1) == 5.0  # the documented default then applies


@pytest.mark.parametrize(
    "body",
    [
        b'{"error": {"code": "x", "retry_after_seconds": -3}}',
        b'{"error": {"code": "x", "retry_after_seconds": true}}',
        b'{"error": {"code": "x", "retry_after_seconds": "abc"}}',
        b'{"error": {"code": "x", "retry_after_seconds": NaN}}',
        b'{"error": {"code": "x", "retry_after_seconds": Infinity}}',
        b'{"error": {"code": "x", "retry_after_seconds": [1]}}',
    ],
)
def test_garbage_retry_after_body_is_none(body: bytes) -> None:
    assert patient.parse_error(503, body).retry_after is None


def test_milliseconds_header_takes_no_http_date() -> None:
    future = email.utils.formatdate(time.time() + 60, usegmt=True)
    assert patient.parse_error(503, b"", {"X-Retry-After-Ms": future}).retry_after is None
    assert patient.parse_error(503, b"", {"X-Retry-After-Ms": "-5"}).retry_after is None


def test_retry_after_http_date_in_the_future_is_a_positive_delay() -> None:
    future = email.utils.formatdate(time.time() + 120, usegmt=True)
    error = patient.parse_error(503, b"", {"Retry-After": future})
    assert error.retry_after is not None
    assert 110.0 < error.retry_after <= 120.0
    assert patient.next_delay(error, 1) == error.retry_after


def test_retry_after_http_date_in_the_past_is_zero() -> None:
    error = patient.parse_error(503, b"", {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert error.retry_after == 0.0


def test_documented_default_delay() -> None:
    error = patient.parse_error(503)
    assert type(error) is patient.PatientServiceUnavailableError
    assert [patient.next_delay(error, n, random=lambda: 0.0) for n in (1, 2, 3, 4)] == [5.0, 5.0, 5.0, None]
    # A server delay beats the default; one above max_server_delay (300 s) gets no retry.
    assert patient.next_delay(patient.parse_error(503, b"", {"Retry-After": "3"}), 1) == 3.0
    assert patient.next_delay(patient.parse_error(503, b"", {"Retry-After": "300"}), 1) == 300.0
    assert patient.next_delay(patient.parse_error(503, b"", {"Retry-After": "301"}), 1) is None


def test_full_jitter() -> None:
    error = patient.parse_error(500)
    # base 2, multiplier 3, max_delay 20, uniform in [0, delay]
    assert [patient.next_delay(error, n, random=half) for n in (1, 2, 3, 4, 5)] == [1.0, 3.0, 9.0, 10.0, None]
    assert patient.next_delay(error, 1, random=lambda: 1.0) == 2.0
    assert patient.next_delay(error, 1, random=lambda: 0.0) == 0.0
    assert patient.next_delay(error, 1, random=lambda: 7.0) == 2.0  # clamped to [0, 1]
    assert patient.next_delay(error, 1, random=lambda: -1.0) == 0.0
    for _ in range(20):
        assert 0.0 <= patient.next_delay(error, 3) <= 18.0


def test_equal_jitter() -> None:
    error = patient.parse_error(502)
    # base 4, multiplier 2, max_delay 10, in [delay / 2, delay]
    assert [patient.next_delay(error, n, random=half) for n in (1, 2, 3, 4, 5)] == [3.0, 6.0, 7.5, 7.5, None]
    assert patient.next_delay(error, 1, random=lambda: 0.0) == 2.0
    assert patient.next_delay(error, 1, random=lambda: 1.0) == 4.0


def test_no_jitter() -> None:
    error = patient.parse_error(504)
    assert [patient.next_delay(error, n, random=lambda: 0.0) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, None]


def test_max_server_delay() -> None:
    within = patient.parse_error(429, b"", {"Retry-After": "8"})
    assert [patient.next_delay(within, n) for n in (1, 2, 3)] == [8.0, 8.0, None]
    assert patient.next_delay(patient.parse_error(429, b"", {"Retry-After": "10"}), 1) == 10.0
    beyond = patient.parse_error(429, b"", {"Retry-After": "11"})
    assert patient.next_delay(beyond, 1) is None
    assert beyond.retry_after == 11.0  # left for the caller to schedule by
    assert [patient.next_delay(patient.parse_error(429), n) for n in (1, 2, 3)] == [1.0, 2.0, None]


def test_server_delay_ignored_when_not_honoured() -> None:
    error = patient.parse_error(409, b"", {"Retry-After": "1"})
    assert type(error) is patient.PatientConflictError
    assert error.retry_after == 1.0
    assert [patient.next_delay(error, n, random=half) for n in (1, 2, 3)] == [3.0, 6.0, None]


@pytest.mark.parametrize(
    ("status", "rejected"), [(429, True), (400, False), (409, False), (500, False), (503, False), (599, False)]
)
def test_rejected_before_processing(status: int, rejected: bool) -> None:
    assert patient.policy_for(patient.parse_error(status)).rejected_before_processing is rejected


def test_not_retryable_ignores_the_server_delay() -> None:
    error = patient.parse_error(400, b"", {"Retry-After": "1"})
    assert error.retry_after == 1.0
    assert patient.next_delay(error, 1) is None
    assert patient.PatientBadRequestError.retryable is False
    assert patient.PatientConflictError.retryable is True


@pytest.mark.parametrize("attempt", [0, -1, True, 1.0, None])
def test_bad_attempt_numbers_give_no_delay(attempt: Any) -> None:
    assert patient.next_delay(patient.parse_error(503), attempt) is None


def test_unknown_statuses_take_the_family_policies() -> None:
    assert patient.policy_for(patient.parse_error(599)).name == "full_jitter"
    assert patient.policy_for(patient.parse_error(418)).name == "never"
    assert patient.next_delay(patient.parse_error(599, b"", {"Retry-After": "2"}), 1) == 2.0


def test_error_from_httpx_response() -> None:
    httpx = pytest.importorskip("httpx")
    response = httpx.Response(
        429, headers={"Retry-After": "2"}, content=b'{"error": {"code": "slow", "message": "Slow down"}}'
    )
    error = patient.error_from_response(response)
    assert type(error) is patient.PatientTooManyRequestsError
    assert (error.code, error.message, error.retry_after) == ("slow", "Slow down", 2.0)
    assert error.response is response
    assert patient.next_delay(error, 1) == 2.0
    assert patient.error_from_response(httpx.Response(200, content=b"{}")) is None
    with pytest.raises(patient.PatientGatewayTimeoutError):
        patient.raise_for_error(httpx.Response(504, content=b""))


def test_spec_level_retry_after_body_applies_without_an_envelope() -> None:
    assert patient.parse_error(503, {"message": "busy", "retry_after": 9}).retry_after == 9.0


# ----------------------------------------------------------------------- request_ids

ALL_HEADERS = {"X-Request-ID": "req-1", "X-Trace-Id": "trace-2", "CF-Ray": "ray-3"}
ALL_BODY = {
    "error": {"code": "c", "message": "m", "request_id": "body-err"},
    "meta": {"request_id": "body-meta"},
    "trace_id": "body-trace",
}


@pytest.mark.parametrize(
    ("headers", "body", "expected"),
    [
        (ALL_HEADERS, ALL_BODY, "req-1"),
        ({"x-trace-id": "trace-2", "cf-ray": "ray-3"}, ALL_BODY, "trace-2"),
        ({"CF-RAY": "ray-3"}, ALL_BODY, "ray-3"),
        ({"X-Request-ID": "", "CF-Ray": "ray-3"}, ALL_BODY, "ray-3"),
        ({}, ALL_BODY, "body-err"),
        ({}, {"error": {"code": "c"}, "meta": {"request_id": "body-meta"}, "trace_id": "body-trace"}, "body-meta"),
        ({}, {"error": {"code": "c"}, "meta": "not an object", "trace_id": "body-trace"}, "body-trace"),
        ({}, {"error": {"code": "c"}, "trace_id": 12345}, "12345"),
        ({}, {"error": {"code": "c"}, "trace_id": True}, None),
        ({}, {"error": {"code": "c"}, "trace_id": ""}, None),
        ({}, {"error": {"code": "c"}}, None),
        ({"CF-Ray": "ray-3"}, "<html><title>Bad gateway</title></html>", "ray-3"),
        ({"X-Unrelated": "nope"}, b"", None),
    ],
)
def test_request_id_preference(headers: dict[str, str], body: Any, expected: str | None) -> None:
    assert traced.parse_error(500, body, headers).request_id == expected


def test_request_id_header_forms() -> None:
    assert traced.parse_error(500, b"", [("X-Request-ID", "a"), ("x-request-id", "b")]).request_id == "a"
    assert traced.parse_error(500, b"", {b"X-Request-ID": b"abc"}).request_id == "abc"  # type: ignore[dict-item]
    assert traced.parse_error(500, b"", {"X-Request-ID": 42}).request_id == "42"  # type: ignore[dict-item]
    assert traced.parse_error(500, b"", [None, ("X-Trace-Id", "ok")]).request_id == "ok"  # type: ignore[list-item]


def test_request_id_in_str() -> None:
    assert str(traced.parse_error(503, b"", ALL_HEADERS)) == "503: Service Unavailable (request id req-1)"


def test_spec_level_request_id_body_applies_without_an_envelope() -> None:
    assert traced.parse_error(500, {"message": "x", "trace_id": "t-1"}).request_id == "t-1"


# ------------------------------------------------------------------------ operations

OPERATIONS = shared("operations")


def failed(code: str | None, message: str | None = None, **error: Any) -> dict[str, Any]:
    body = {k: v for k, v in (("code", code), ("message", message)) if v is not None}
    return {"job_id": "job-1", "state": "failed", "error": {**body, **error}}


@pytest.mark.parametrize(
    ("body", "cls", "code", "message", "attributes"),
    [
        (failed("AUDIO_DECODE", "Could not decode"), "AudioDecodeError", "AUDIO_DECODE", "Could not decode", {}),
        (failed("PROVIDER_TIMEOUT", "Provider slow"), "ProviderTimeoutError", "PROVIDER_TIMEOUT", "Provider slow", {}),
        (
            failed("CONTENT_POLICY", "Rejected by policy 42: nudity"),
            "ContentRejectedError", "CONTENT_POLICY", "Rejected by policy 42: nudity", {"policy_id": 42},
        ),
        # the only error of its code: selected even when its pattern does not match
        (failed("CONTENT_POLICY", "Rejected"), "ContentRejectedError", "CONTENT_POLICY", "Rejected", {"policy_id": None}),
        # an unknown code, or none, falls back to the family
        (failed("MYSTERY", "What happened?"), "JobsOperationFailedError", "MYSTERY", "What happened?", {}),
        (failed(None, "No code at all"), "JobsOperationFailedError", None, "No code at all", {}),
        (failed("AUDIO_DECODE"), "AudioDecodeError", "AUDIO_DECODE", "Operation failed", {}),
    ],
)
@pytest.mark.parametrize("form", ["mapping", "bytes", "str"])
def test_error_from_payload(
    body: dict[str, Any], cls: str, code: str | None, message: str, attributes: dict[str, Any], form: str
) -> None:
    raw: Any = body if form == "mapping" else json.dumps(body)
    if form == "bytes":
        raw = raw.encode()
    error = jobs.error_from_payload(raw)
    assert type(error).__name__ == cls
    assert (error.status, error.code, error.message, error.request_id) == (None, code, message, "job-1")
    for name, value in attributes.items():
        assert getattr(error, name) == value
    assert isinstance(error, jobs.JobsOperationFailedError)
    assert isinstance(error, OPERATIONS.OperationFailedError)
    assert error.category is OPERATIONS.Category.OPERATION_FAILED


def test_error_from_payload_details() -> None:
    error = jobs.error_from_payload(failed("AUDIO_DECODE", "x", details={"offset": 3}))
    assert error.details == {"offset": 3}


@pytest.mark.parametrize(
    "body",
    [
        {"job_id": "j", "state": "succeeded", "result": {"text": "hi"}},
        {"job_id": "j", "state": "running"},
        {"state": "failed", "error": "not an object"},
        {"state": "FAILED", "error": {"code": "AUDIO_DECODE"}},
        {"error": {"code": "AUDIO_DECODE"}},
        {},
        b"garbage\xff",
        b"",
        "[1, 2]",
        b'{"state": "failed", "error": {"code": ',
    ],
)
def test_error_from_payload_ignores_bodies_that_are_not_failures(body: Any) -> None:
    assert jobs.error_from_payload(body) is None


def test_operation_policies() -> None:
    decode = jobs.error_from_payload(failed("AUDIO_DECODE", "x"))
    assert jobs.policy_for(decode).action is OPERATIONS.Action.FIX_REQUEST
    assert jobs.next_delay(decode, 1) is None
    assert jobs.AudioDecodeError.retryable is False
    timeout = jobs.error_from_payload(failed("PROVIDER_TIMEOUT", "x"))
    assert jobs.ProviderTimeoutError.retryable is True
    assert [jobs.next_delay(timeout, n) for n in (1, 2, 3)] == [10.0, 20.0, None]
    unknown = jobs.error_from_payload(failed("MYSTERY", "x"))
    assert jobs.policy_for(unknown).name == "rerun"
    assert [jobs.next_delay(unknown, n) for n in (1, 2, 3)] == [10.0, 20.0, None]


def test_parse_error_never_returns_operation_classes() -> None:
    in_500 = jobs.parse_error(500, failed("AUDIO_DECODE", "in a 500"))
    assert type(in_500) is jobs.JobsInternalServerError
    assert (in_500.code, in_500.message, in_500.request_id) == ("AUDIO_DECODE", "in a 500", "job-1")
    in_400 = jobs.parse_error(400, {"error": {"code": "AUDIO_DECODE", "message": "http"}})
    assert type(in_400) is jobs.JobsUnknownClientError
    assert not isinstance(in_400, OPERATIONS.OperationFailedError)
    assert "error_from_payload" in jobs.__all__


def test_operation_family_retryable_matches_its_policy() -> None:
    unknown = jobs.error_from_payload(failed("MYSTERY", "x"))
    assert type(unknown) is jobs.JobsOperationFailedError
    assert unknown.retryable is True


# ---------------------------------------------------------------------------- models


def test_models_are_imported_only_when_used() -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import generated_models.typed as t;"
        "t.parse_error(402, b'{}');"
        "print('generated_models.typed.models' in sys.modules, 'pydantic' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(FEATURES / "models")], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_envelope_schema_model() -> None:
    models = importlib.import_module("generated_models.typed.models")
    body = {
        "error": {"code": "insufficient_funds", "message": "Balance too low", "details": {"balance": 3.5, "currency": "EUR"}},
        "request_id": "r-1",
    }
    envelope = models.ApiErrorEnvelope.model_validate(body)
    assert envelope.error.code == "insufficient_funds"
    assert envelope.error.message == "Balance too low"
    assert envelope.error.details == {"balance": 3.5, "currency": "EUR"}
    assert envelope.error.retryable is None
    assert envelope.request_id == "r-1"
    pydantic = pytest.importorskip("pydantic")
    with pytest.raises(pydantic.ValidationError) as raised:
        models.ApiErrorEnvelope.model_validate({"error": {"code": "c"}})
    assert [e["loc"] for e in raised.value.errors()] == [("error", "message")]


def test_details_schema_models() -> None:
    models = importlib.import_module("generated_models.typed.models")
    pydantic = pytest.importorskip("pydantic")
    error = typed.parse_error(
        402,
        {"error": {"code": "insufficient_funds", "message": "Balance too low",
                   "details": {"balance": 3.5, "currency": "EUR", "required_amount": 10}}},
    )
    assert type(error) is typed.InsufficientFundsError
    assert typed.policy_for(error).action.value == "add_credits"
    details = models.InsufficientFundsDetails.model_validate(error.details)
    assert details.balance == 3.5
    assert details.currency == "EUR"
    assert details.required_amount == 10.0 and type(details.required_amount) is float
    for bad in (
        {"balance": 1},
        {"balance": "lots", "currency": "EUR"},
        {"balance": 1, "currency": "GBP"},
        {"balance": 1, "currency": "EUR", "required_amount": -1},
    ):
        with pytest.raises(pydantic.ValidationError):
            models.InsufficientFundsDetails.model_validate(bad)
    # A class name without the "Error" suffix keeps its whole name.
    problem = typed.parse_error(422, {"error": {"code": "invalid_field", "message": "bad", "details": {"field": "name"}}})
    assert type(problem) is typed.InvalidFieldProblem
    assert models.InvalidFieldProblemDetails.model_validate(problem.details).field == "name"
    with pytest.raises(pydantic.ValidationError):
        models.InvalidFieldProblemDetails.model_validate({"field": "name", "max_length": 0})


# ---------------------------------------------------------------------------- naming

NAMING = shared("naming")


def named_error(status: int, code: str | None = None, message: str | None = None) -> Any:
    error = {k: v for k, v in (("code", code), ("message", message)) if v is not None}
    return named.parse_error(status, {"erreur": error})


@pytest.mark.parametrize(
    ("status", "cls", "policy"),
    [
        (401, "NamedInvalidKeyError", "credentials"),  # named by the spec
        (403, "NamedForbiddenError", "never"),  # derived from the reason phrase
        (404, "NamedNotFoundError", "never"),
        (499, "NamedStatus499Error", "never"),  # no reason phrase
        (503, "NamedMaintenanceError", "backoff"),
        (502, "NamedUnknownServerError", "backoff"),
        (418, "NamedUnknownClientError", "never"),
        (302, "NamedOddStatusError", "support"),  # families.unexpected, named
        (200, "NamedOddStatusError", "support"),
    ],
)
def test_class_names(status: int, cls: str, policy: str) -> None:
    error = named_error(status)
    assert type(error).__name__ == cls
    assert getattr(named, cls) is type(error)
    assert named.policy_for(error).name == policy


def test_named_families() -> None:
    for cls in (named.NamedInvalidKeyError, named.NamedForbiddenError, named.NamedStatus499Error, named.NamedUnknownClientError):
        assert cls.__bases__[0] is named.NamedRequestError
    for cls in (named.NamedMaintenanceError, named.NamedUnknownServerError):
        assert cls.__bases__[0] is named.NamedServiceError
    assert named.NamedOddStatusError.__bases__[0] is named.NamedError
    assert named.NamedRequestError.__bases__ == (named.NamedError,)
    assert named.NamedOddStatusError.title == "Statut inattendu"
    assert named.policy_for(named_error(302)).action is NAMING.Action.CONTACT_SUPPORT
    assert issubclass(named.NamedInvalidKeyError, NAMING.AuthenticationError)
    assert issubclass(named.NamedMaintenanceError, NAMING.ServiceUnavailableError)
    assert named.NamedMaintenanceError.category is NAMING.Category.UNAVAILABLE


def test_localized_text() -> None:
    # Vendor language fr: the French text is primary, the others go to the docstring.
    assert named.NamedInvalidKeyError.title == "Clé API invalide"
    assert named.NamedInvalidKeyError.cause == "La clé est fausse ou révoquée."
    assert named.NamedInvalidKeyError.solution == "Vérifiez la clé."
    doc = named.NamedInvalidKeyError.__doc__ or ""
    assert doc.startswith("Clé API invalide.")
    assert "(en) Invalid API key" in doc
    assert "(en) The key is wrong or revoked." in doc
    # No fr: en is primary.  Neither: the first language listed.
    assert named.NamedForbiddenError.title == "Forbidden"
    assert "(de) Verboten" in (named.NamedForbiddenError.__doc__ or "")
    assert named.NamedNotFoundError.title == "No encontrado"
    assert "(de) Nicht gefunden" in (named.NamedNotFoundError.__doc__ or "")
    assert named.NamedRequestError.title == "Requête refusée"
    assert "(en) Request refused" in (named.NamedRequestError.__doc__ or "")
    assert named.AccountSuspendedError.title == "Compte suspendu"
    # Without a title of its own, a class shows its family's.
    assert named.NamedStatus499Error.title == "Requête refusée"
    assert named.NamedMaintenanceError.title is None


@pytest.mark.parametrize("status", [403, 401, 500, 200])
def test_statusless_error_is_selected_by_its_code(status: int) -> None:
    error = named_error(status, "account_suspended", "Compte suspendu le 3 mars")
    assert type(error) is named.AccountSuspendedError
    assert error.status == status
    assert error.message == "Compte suspendu le 3 mars"
    assert named.policy_for(error).name == "support"


def test_statusless_error_hangs_under_the_base_class() -> None:
    assert named.AccountSuspendedError.__bases__ == (named.NamedError, NAMING.PermissionDeniedError)
    assert not issubclass(named.AccountSuspendedError, named.NamedRequestError)
    assert named.AccountSuspendedError.category is NAMING.Category.PERMISSION_DENIED


def test_error_whose_category_differs_from_its_status() -> None:
    error = named_error(403, message="Limite du forfait atteinte pour ce mois")
    assert type(error) is named.PlanLimitError
    assert error.status == 403
    assert error.category is NAMING.Category.QUOTA_EXCEEDED
    assert isinstance(error, NAMING.QuotaExceededError)
    assert isinstance(error, named.NamedRequestError)
    assert not isinstance(error, NAMING.PermissionDeniedError)
    assert not isinstance(error, named.NamedForbiddenError)
    assert named.policy_for(error).action is NAMING.Action.WAIT_FOR_QUOTA
    # Another 403 message stays with the 403 class.
    assert type(named_error(403, message="Accès refusé")) is named.NamedForbiddenError


# ------------------------------------------------------- compiler bugs (scratch specs)
#
# Found while writing the feature specs; each builds a tiny spec in a temporary folder.

KEYWORD_PATH = """\
spec_version: 1
vendor: {name: Kw, slug: kw, class_prefix: Kw, docs_url: https://kw.example.com}
envelopes:
  - name: odd
    when: [{path: class, is: string}]
    message: [class]
retry_policies:
  never: {retryable: false, action: fix_request}
families: {client: {retry: never}, server: {retry: never}}
"""


def test_root_body_path_named_like_a_keyword(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from codegen.errors import SpecErrors

    try:
        folder = build_scratch(tmp_path, "bug_keyword", KEYWORD_PATH, "kw")
    except SpecErrors:
        return  # a located spec error is an acceptable outcome too
    monkeypatch.syspath_prepend(str(folder))
    kw = importlib.import_module("bug_keyword.kw")
    assert kw.parse_error(400, {"class": "Classy message"}).message == "Classy message"


RFC7807 = """\
spec_version: 1
vendor: {name: Rfc, slug: rfc, class_prefix: Rfc, docs_url: https://rfc.example.com}
envelopes:
  - name: problem
    when:
      - {path: type, is: string}
      - {path: status, equals: 429}
    code: [type]
    message: [detail, title]
retry_policies:
  never: {retryable: false, action: fix_request}
families: {client: {retry: never}, server: {retry: never}}
"""


def test_root_body_path_named_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = build_scratch(tmp_path, "bug_type_shadow", RFC7807, "rfc")
    monkeypatch.syspath_prepend(str(folder))
    rfc = importlib.import_module("bug_type_shadow.rfc")
    body = {"type": "https://example.com/probs/rate", "title": "Too many", "status": 429, "detail": "Slow down"}
    error = rfc.parse_error(429, body)
    assert (error.code, error.message) == ("https://example.com/probs/rate", "Slow down")


ATTRIBUTE_OVERRIDE = """\
spec_version: 1
vendor: {name: Attr, slug: attr, class_prefix: Attr, docs_url: https://attr.example.com}
envelopes:
  - name: std
    when: [{path: error, is: object}]
    message: [error.message]
retry_policies:
  never: {retryable: false, action: fix_request}
families: {client: {retry: never}, server: {retry: never}}
statuses:
  400: {retry: never}
errors:
  - name: LimitChildError
    parent: LimitError
    patterns: ['^Limit (?P<limit>[0-9]{1,9}) for (?P<scope>[a-z]{1,9}) exceeded']
  - name: LimitError
    status: 400
    patterns: ['^Limit (?P<limit>[0-9]{1,9})']
    attributes: {limit: int}
"""


def test_child_pattern_group_keeps_its_parents_attribute_type(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from codegen.errors import SpecErrors

    try:
        folder = build_scratch(tmp_path, "bug_attr_type", ATTRIBUTE_OVERRIDE, "attr")
    except SpecErrors:
        return
    monkeypatch.syspath_prepend(str(folder))
    attr = importlib.import_module("bug_attr_type.attr")
    error = attr.parse_error(400, {"error": {"message": "Limit 5 for users exceeded"}})
    assert type(error) is attr.LimitChildError
    assert error.limit == 5


def test_models_follow_a_vendor_rename(tmp_path: Path) -> None:
    spec = (FEATURES / "models" / "specs" / "typed.yaml").read_text(encoding="utf-8")
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "typed.yaml").write_text(spec, encoding="utf-8")
    build(specs, tmp_path / "incremental" / "pkg")
    (specs / "typed.yaml").write_text(spec.replace("name: Typed\n", "name: Typed Renamed\n"), encoding="utf-8")
    incremental = build(specs, tmp_path / "incremental" / "pkg")
    clean = build(specs, tmp_path / "clean" / "pkg")
    assert incremental["typed/models.py"] == clean["typed/models.py"]
