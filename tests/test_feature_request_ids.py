"""What the feature specs promise, checked on their generated packages: request ids: headers and body paths, in order of preference.

Every expected value is written by hand from the spec and the documented semantics,
never read back from the generated code.
"""

from __future__ import annotations

from typing import Any

import pytest

from features_support import vendor


traced = vendor("request_ids", "traced")


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
