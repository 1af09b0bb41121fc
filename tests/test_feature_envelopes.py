"""What the feature specs promise, checked on their generated packages: envelopes: reading codes, messages and details from several body shapes.

Every expected value is written by hand from the spec and the documented semantics,
never read back from the generated code.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from features_support import vendor


layered = vendor("envelopes", "layered")


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
