"""Generated parsers facing hostile servers: whatever arrives, the result keeps the contract.

``hostile.check`` states the contract: the vendor's class (or None where allowed), a
non-empty ``message`` of at most 8,192 characters, ``body`` exactly as passed in, a
``retry_after`` that is None or finite and not negative, and ``next_delay`` None or
within the policy's cap.  The property tests draw a seed per example; ``bench/fuzz.py``
runs the same generators for far longer.
"""

from __future__ import annotations

import functools
import json
import random
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile
from generated._runtime import MATCH_LIMIT, MESSAGE_LIMIT

VENDORS = hostile.load_vendors()
PAYLOAD_VENDORS = [v for v in VENDORS if v.has_payload]
BIG = 20 * 1024 * 1024
DEEP = 100_000

bounded = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
seeds = st.integers(0, 2**64 - 1)


def test_every_vendor_is_fuzzed() -> None:
    packages = {p.parent.name for p in (hostile.ROOT / "generated").glob("*/parser.py")}
    assert {v.slug for v in VENDORS} == packages and PAYLOAD_VENDORS
    assert all(v.examples and v.paths for v in VENDORS)


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.slug)
@bounded
@given(status=st.integers(0, 999), seed=seeds)
def test_parse_error_keeps_the_contract(vendor: hostile.Vendor, status: int, seed: int) -> None:
    hostile.run_parse_error(vendor, random.Random(seed), status)


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.slug)
@bounded
@given(seed=seeds)
def test_error_from_response_keeps_the_contract(vendor: hostile.Vendor, seed: int) -> None:
    hostile.run_error_from_response(vendor, random.Random(seed))


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.slug)
@settings(bounded, max_examples=20)
@given(seed=seeds)
def test_aerror_from_response_keeps_the_contract(vendor: hostile.Vendor, seed: int) -> None:
    hostile.run_aerror_from_response(vendor, random.Random(seed))


@pytest.mark.parametrize("vendor", PAYLOAD_VENDORS, ids=lambda v: v.slug)
@bounded
@given(seed=seeds)
def test_error_from_payload_keeps_the_contract(vendor: hostile.Vendor, seed: int) -> None:
    hostile.run_error_from_payload(vendor, random.Random(seed))


def _odd_case(name: str) -> st.SearchStrategy[str]:
    flags = st.lists(st.booleans(), min_size=len(name), max_size=len(name))
    return flags.map(lambda up: "".join(c.upper() if u else c.lower() for c, u in zip(name, up)))


header_names = st.sampled_from(
    sorted({n for v in VENDORS for n in v.header_names} | {"Content-Type"})
).flatmap(_odd_case) | st.text(max_size=20)
header_values = (
    st.sampled_from([v for v in hostile.RETRY_AFTER_VALUES if isinstance(v, str)])
    | st.floats().map(repr)
    | st.integers().map(str)
    | st.text(max_size=40)
)
header_sets = (
    st.dictionaries(header_names, header_values, max_size=6)
    | st.lists(st.tuples(header_names, header_values), max_size=8)
    | st.none()
)


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.slug)
@bounded
@given(status=st.integers(0, 999), headers=header_sets, seed=seeds)
def test_any_header_set_keeps_the_contract(
    vendor: hostile.Vendor, status: int, headers: Any, seed: int
) -> None:
    rng = random.Random(seed)
    hostile.check_parse_error(vendor, rng, status, hostile.body(rng, vendor), headers)


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.slug)
@bounded
@given(
    data=st.data(),
    retry_after=st.none() | st.floats() | st.integers(-(10**6), 10**400),
    attempt=st.integers(-10, 200) | st.integers(),
)
def test_next_delay_stays_within_the_cap(
    vendor: hostile.Vendor, data: st.DataObject, retry_after: Any, attempt: int
) -> None:
    # Every class, and retry_after values a caller may have set by hand after parsing.
    classes = sorted(vendor.package.RETRY_POLICIES, key=lambda c: c.__name__)
    error = data.draw(st.sampled_from(classes))("message")
    error.retry_after = retry_after
    policy = vendor.package.policy_for(error)
    cap = max(policy.max_server_delay, policy.max_delay, policy.default_delay or 0.0)
    fraction = data.draw(st.floats())
    delay = vendor.package.next_delay(error, attempt, random=lambda: fraction)
    assert delay is None or (type(delay) is float and 0 <= delay <= cap), delay


# --- big, deep and wrongly typed bodies, as explicit examples ------------------------------


@functools.cache
def big_bodies() -> dict[str, Any]:
    filler = "é" * (BIG // 4)  # two bytes each in UTF-8
    message = {"error": {"message": filler, "code": filler}}
    return {
        "20 MB JSON message": json.dumps(message, ensure_ascii=False).encode(),
        "20 MB random bytes": random.Random(0).randbytes(BIG),
        "20 MB of '<'": "<" * BIG,
        "20 MB of '{'": b"{" * BIG,
        "20 MB text line": "x" * BIG,
        "JSON lists nested 100,000 deep": b"[" * DEEP + b"]" * DEEP,
        "JSON objects nested 100,000 deep": '{"error":' * DEEP + "1" + "}" * DEEP,
        "mapping nested 100,000 deep": _nested(DEEP),
    }


def _nested(depth: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    node = root
    for _ in range(depth):
        node["error"] = {}
        node = node["error"]
    return root


BIG_BODY_NAMES = [
    "20 MB JSON message",
    "20 MB random bytes",
    "20 MB of '<'",
    "20 MB of '{'",
    "20 MB text line",
    "JSON lists nested 100,000 deep",
    "JSON objects nested 100,000 deep",
    "mapping nested 100,000 deep",
]


def test_big_body_names_are_every_big_body() -> None:
    assert sorted(big_bodies()) == sorted(BIG_BODY_NAMES)


@pytest.mark.parametrize("name", BIG_BODY_NAMES)
def test_big_and_deep_bodies_keep_the_contract(name: str) -> None:
    body = big_bodies()[name]
    raw = body if isinstance(body, bytes) else body.encode() if isinstance(body, str) else b"{}"
    rng = random.Random(name)
    headers = {"Retry-After": "1e400", "X-Request-ID": "r" * 10_240}
    for vendor in VENDORS:
        package = vendor.package
        hostile.check_parse_error(vendor, rng, 503, body, headers)
        if vendor.has_payload:
            error = package.error_from_payload(body)
            if error is not None:
                hostile.check(error, vendor, body, rng)
        for response in (
            SimpleNamespace(status_code=500, headers=headers, content=raw),
            httpx.Response(500, headers=headers, content=raw),
            _requests_response(500, raw, headers),
        ):
            hostile.check(package.error_from_response(response), vendor, response.content, rng, 500)


def _requests_response(status: int, content: bytes, headers: dict[str, str]) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = content
    response.headers.update(headers)
    return response


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.slug)
def test_every_field_of_the_wrong_type_keeps_the_contract(vendor: hostile.Vendor) -> None:
    rng = random.Random(vendor.slug)
    statuses = (400, 404, 429, 500, 503, 200)
    for index, path in enumerate(vendor.paths):
        example = vendor.examples[index % len(vendor.examples)]
        for turn, value in enumerate(hostile.WRONG_TYPES):
            body = hostile.with_value(example, path, value)
            status = statuses[turn % len(statuses)]
            for sent in (body, hostile.dumps(body).encode()):
                hostile.check_parse_error(vendor, rng, status, sent, None)
                if vendor.has_payload:
                    error = vendor.package.error_from_payload(sent)
                    if error is not None:
                        hostile.check(error, vendor, sent, rng)


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.slug)
@pytest.mark.parametrize("value", hostile.RETRY_AFTER_VALUES, ids=repr)
def test_hostile_retry_after_is_none_or_a_valid_delay(vendor: hostile.Vendor, value: Any) -> None:
    rng = random.Random(0)
    for name in vendor.header_names:
        for casing in (name, name.upper(), name.lower()):
            hostile.check_parse_error(vendor, rng, 429, None, [(casing, value), (name, "3")])


# --- message patterns see a bounded prefix -------------------------------------------------


def _edgee_usage_limit(message: str) -> dict[str, Any]:
    return {"error": {"code": "usage_limit_exceeded", "message": message}}


def test_message_patterns_only_see_the_first_match_limit_characters() -> None:
    from generated.edgee import parse_error
    from generated.edgee.errors import NoCreditsRemainingError

    needle = " no credits remaining"  # an unanchored pattern of the Edgee spec
    inside = "x" * (MATCH_LIMIT - len(needle)) + needle
    beyond = "x" * (MATCH_LIMIT - len(needle) + 1) + needle
    assert type(parse_error(429, _edgee_usage_limit(inside))) is NoCreditsRemainingError
    assert type(parse_error(429, _edgee_usage_limit(beyond))) is not NoCreditsRemainingError


def test_a_20_mb_message_with_a_pattern_bearing_code_is_clipped_and_captured() -> None:
    from generated.edgee import parse_error
    from generated.edgee.errors import TokenUsageLimitExceededError

    message = "Usage limit exceeded: 5 / 10 tokens used" + "." * BIG
    body = json.dumps(_edgee_usage_limit(message)).encode()
    error = parse_error(429, body)
    assert type(error) is TokenUsageLimitExceededError
    assert (error.used, error.limit, error.unit) == (5.0, 10.0, "tokens")
    assert error.message == message[:MESSAGE_LIMIT]
    assert error.body is body


def _blanked(value: Any) -> Any:
    """``value`` with every text and number in it replaced by whitespace."""
    if isinstance(value, dict):
        return {key: _blanked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_blanked(item) for item in value]
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return " \t\n "
    return value


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.slug)
def test_a_blank_message_counts_as_none(vendor: hostile.Vendor) -> None:
    bodies = [_blanked(e) for e in vendor.examples if isinstance(e, dict)]
    assert bodies
    for body in [*bodies, {"message": "   "}, {"error": {"message": "\n"}}]:
        error = vendor.package.parse_error(429, json.dumps(body))
        assert error.message == "Too Many Requests", body
    blank_reason = SimpleNamespace(status_code=503, headers={}, content=b'{"message": " "}', reason_phrase=" \t")
    assert vendor.package.error_from_response(blank_reason).message == "Service Unavailable"


def test_a_blank_failure_message_counts_as_none() -> None:
    from generated import speech

    failed = {"requestId": "run_1", "status": "failed", "error": {"code": "TRANSCRIPTION_FAILED", "message": " \n "}}
    error = speech.error_from_payload(failed)
    assert type(error) is speech.TranscriptionFailedError and error.message == "Operation failed"


@pytest.mark.parametrize("vendor", VENDORS, ids=lambda v: v.slug)
@pytest.mark.parametrize(
    "status",
    [10**5000, -(10**5000), 2**63, -(2**63), "9" * 5000, 10**30],
    ids=["10**5000", "-10**5000", "2**63", "-2**63", "5000 nines", "10**30"],
)
def test_a_status_no_64_bit_integer_holds_is_no_status(vendor: hostile.Vendor, status: Any) -> None:
    error = vendor.package.parse_error(status, b'{"message": "boom"}')
    assert isinstance(error, vendor.base)
    assert error.status is None and error.message == "boom"
    assert str(error) == "boom" and repr(error)
    response = SimpleNamespace(status_code=status, headers={}, content=b"")
    assert vendor.package.error_from_response(response) is None  # no status, so no error status
    assert vendor.package.parse_error(2**63 - 1).status == 2**63 - 1  # the largest kept
