"""What the feature specs promise, checked on their generated packages: operation failures: errors inside successful responses.

Every expected value is written by hand from the spec and the documented semantics,
never read back from the generated code.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from features_support import shared, vendor


jobs = vendor("operations", "jobs")


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
