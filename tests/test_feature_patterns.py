"""What the feature specs promise, checked on their generated packages: message patterns: refinement within a code or status, captured attributes.

Every expected value is written by hand from the spec and the documented semantics,
never read back from the generated code.
"""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from features_support import shared, vendor


matchy = vendor("patterns", "matchy")


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
