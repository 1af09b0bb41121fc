"""What the feature specs promise, checked on their generated packages: retry policies: server delays in every form, backoff, jitter, caps.

Every expected value is written by hand from the spec and the documented semantics,
never read back from the generated code.
"""

from __future__ import annotations

import email.utils
import time
from typing import Any

import pytest

from features_support import half, vendor


patient = vendor("retry", "patient")


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
    assert patient.next_delay(error, 1, random=lambda: float("nan")) == 0.0
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
