"""The catalog's retry signals that need the spec keys of server directives, rate-limit
headers, header conditions, code precedence, named fields and aliases.

As in ``test_catalog_vendors.py``, every expectation is written from the vendors' pages:
x-should-retry (Anthropic's and OpenAI's SDKs), Stripe-Should-Retry (Stripe's advanced
error handling), the rate-limit headers of OpenAI (reset as a duration), Anthropic (an RFC
3339 time) and GitHub (epoch seconds), GitHub's primary rate limit at 403 and 429.
"""

from __future__ import annotations

import email.utils
import json
import time
import warnings
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
import requests

from catalog_build import catalog_vendor
from vendor_server import Reply, VendorServer

anthropic = catalog_vendor("anthropic")
openai = catalog_vendor("openai")
stripe = catalog_vendor("stripe")
github = catalog_vendor("github")
twilio = catalog_vendor("twilio")


def parse(vendor: Any, status: int, body: Any, headers: dict[str, str] | None = None) -> Any:
    return vendor.parse_error(status, json.dumps(body).encode(), headers or {})


def reason(error: Any) -> str:
    return str(getattr(error.retry_reason, "value", error.retry_reason))


ANTHROPIC_500 = {"type": "error", "error": {"type": "api_error", "message": "Internal server error"}}
ANTHROPIC_400 = {"type": "error", "error": {"type": "invalid_request_error", "message": "bad"}}
OPENAI_500 = {"error": {"message": "The server had an error while processing your request.", "type": "server_error", "param": None, "code": None}}
OPENAI_400 = {"error": {"message": "bad", "type": "invalid_request_error", "param": "model", "code": None}}
STRIPE_500 = {"error": {"type": "api_error", "message": "An unknown error occurred"}}
STRIPE_409 = {"error": {"type": "invalid_request_error", "code": "idempotency_key_in_use", "message": "in use"}}


# --------------------------------------------------------------------------- server directives


@pytest.mark.parametrize(
    ("vendor", "header", "status", "body"),
    [
        (anthropic, "x-should-retry", 500, ANTHROPIC_500),
        (openai, "x-should-retry", 500, OPENAI_500),
        (stripe, "Stripe-Should-Retry", 500, STRIPE_500),
        (stripe, "Stripe-Should-Retry", 409, STRIPE_409),
    ],
)
def test_the_server_says_do_not_retry_a_retryable_error(vendor: Any, header: str, status: int, body: Any) -> None:
    assert parse(vendor, status, body).retryable, "the table retries it"
    for value in ("false", "False", "FALSE"):
        error = parse(vendor, status, body, {header: value})
        assert not error.retryable and reason(error) == "server_directive"
        assert vendor.next_delay(error, 1) is None


@pytest.mark.parametrize(
    ("vendor", "header", "status", "body"),
    [
        (anthropic, "x-should-retry", 400, ANTHROPIC_400),
        (openai, "x-should-retry", 400, OPENAI_400),
        (stripe, "Stripe-Should-Retry", 400, {"error": {"type": "invalid_request_error", "message": "bad"}}),
    ],
)
def test_the_server_says_retry_an_error_the_table_would_not(vendor: Any, header: str, status: int, body: Any) -> None:
    assert not parse(vendor, status, body).retryable
    error = parse(vendor, status, body, {header: "true"})
    assert error.retryable and reason(error) == "server_directive"
    assert vendor.next_delay(error, 1) is not None


@pytest.mark.parametrize("value", ["", "yes", "1", "maybe", "true false"])
def test_a_garbled_directive_leaves_the_table_to_decide(value: str) -> None:
    error = parse(anthropic, 500, ANTHROPIC_500, {"x-should-retry": value})
    assert error.retryable and reason(error) == "table"


# --------------------------------------------------------------------------- rate-limit headers


def by_resource(limits: Any) -> dict[str, Any]:
    return {limit.resource: limit for limit in limits}


def test_openai_rate_limit_resets_are_durations() -> None:
    headers = {
        "x-ratelimit-limit-requests": "60", "x-ratelimit-remaining-requests": "59", "x-ratelimit-reset-requests": "1s",
        "x-ratelimit-limit-tokens": "150000", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "6m0s",
    }
    limits = by_resource(openai.rate_limits(headers))
    assert (limits["requests"].limit, limits["requests"].remaining, limits["requests"].reset_after) == (60, 59, 1.0)
    assert (limits["tokens"].limit, limits["tokens"].remaining, limits["tokens"].reset_after) == (150000, 0, 360.0)
    body = {"error": {"message": "Rate limit reached for gpt-4o in organization org-1 on tokens per min (TPM): Limit 150000.",
                      "type": "tokens", "param": None, "code": "rate_limit_exceeded"}}
    error = parse(openai, 429, body, headers)
    assert by_resource(error.rate_limits)["tokens"].reset_after == 360.0
    # No retry-after: the exhausted resource's reset is the wait, 6 minutes, over the policy's 5.
    assert openai.next_delay(error, 1) is None
    headers["x-ratelimit-reset-tokens"] = "20ms"
    assert openai.next_delay(parse(openai, 429, body, headers), 1) == pytest.approx(0.02)


def test_anthropic_rate_limit_resets_are_rfc3339_times() -> None:
    reset = (datetime.now(timezone.utc) + timedelta(seconds=40)).isoformat().replace("+00:00", "Z")
    headers = {
        "anthropic-ratelimit-requests-limit": "50", "anthropic-ratelimit-requests-remaining": "0",
        "anthropic-ratelimit-requests-reset": reset,
        "anthropic-ratelimit-input-tokens-limit": "40000", "anthropic-ratelimit-input-tokens-remaining": "39000",
    }
    limits = by_resource(anthropic.rate_limits(headers))
    assert limits["requests"].limit == 50 and limits["requests"].remaining == 0
    assert 35 <= limits["requests"].reset_after <= 40
    assert limits["input_tokens"].remaining == 39000 and limits["input_tokens"].reset_after is None
    error = parse(anthropic, 429, {"type": "error", "error": {"type": "rate_limit_error", "message": "m"}}, headers)
    assert 35 <= anthropic.next_delay(error, 1) <= 40
    # retry-after, when sent, comes first.
    error = parse(anthropic, 429, {"type": "error", "error": {"type": "rate_limit_error", "message": "m"}}, {**headers, "retry-after": "3"})
    assert anthropic.next_delay(error, 1) == 3.0


def github_primary(remaining: str, reset_in: float) -> dict[str, str]:
    return {"x-ratelimit-limit": "5000", "x-ratelimit-remaining": remaining,
            "x-ratelimit-reset": str(int(time.time() + reset_in)), "x-ratelimit-used": "5000", "x-ratelimit-resource": "core"}


PRIMARY_BODY = {"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}


@pytest.mark.parametrize("status", [403, 429])
def test_github_primary_rate_limit_is_one_class_at_403_and_429(status: int) -> None:
    error = parse(github, status, PRIMARY_BODY, github_primary("0", 120))
    assert type(error) is github.errors.PrimaryRateLimitError
    assert error.status == status and error.category.value == "rate_limited"
    # The epoch reset is a wait of two minutes, not 1.8 billion seconds.
    assert 115 <= github.next_delay(error, 1) <= 120
    limit = by_resource(error.rate_limits)["primary"]
    assert (limit.limit, limit.remaining) == (5000, 0)


def test_github_403_with_requests_left_is_a_permission_error() -> None:
    error = parse(github, 403, {"message": "Must have admin rights to Repository.", "documentation_url": "x"}, github_primary("4999", 3000))
    assert type(error).__name__ == "GitHubForbiddenError" and error.category.value == "permission_denied"
    assert not error.retryable


def test_github_primary_rate_limit_further_than_an_hour_is_not_waited_for() -> None:
    error = parse(github, 403, PRIMARY_BODY, github_primary("0", 4000))
    assert github.next_delay(error, 1) is None


def test_github_old_429_class_names_still_import() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert github.errors.PrimaryRateLimitTooManyRequestsError is github.errors.PrimaryRateLimitError
        assert github.errors.SecondaryRateLimitTooManyRequestsError is github.errors.SecondaryRateLimitError


# --------------------------------------------------------------------------- codes and fields


def test_openai_known_type_wins_over_an_unknown_code() -> None:
    # A billing error's type stays insufficient_quota whatever its code.
    body = {"error": {"message": "You exceeded your current quota.", "type": "insufficient_quota", "param": None, "code": "billing_hard_limit_reached"}}
    error = parse(openai, 429, body, {"retry-after": "1"})
    assert type(error).__name__ == "InsufficientQuotaError" and not error.retryable
    assert openai.next_delay(error, 1) is None


def test_stripe_unknown_card_code_is_still_a_card_error_with_its_fields() -> None:
    body = {"error": {"type": "card_error", "code": "card_velocity_exceeded", "decline_code": "card_velocity_exceeded",
                      "param": "", "message": "Your card was declined for making repeated attempts too frequently."}}
    error = parse(stripe, 402, body)
    assert type(error) is stripe.errors.StripeCardError
    assert error.decline_code == "card_velocity_exceeded" and error.param == ""


def test_stripe_card_declined_exposes_decline_code_and_param() -> None:
    body = {"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds", "param": "", "message": "m"}}
    error = parse(stripe, 402, body)
    assert type(error).__name__ == "CardDeclinedError"
    assert error.decline_code == "insufficient_funds" and error.param == ""
    assert parse(stripe, 402, {"error": {"type": "card_error", "code": "card_declined", "message": "m"}}).decline_code is None


def test_stripe_parameter_errors_expose_param() -> None:
    body = {"error": {"type": "invalid_request_error", "code": "parameter_missing", "param": "amount", "message": "Missing required param: amount."}}
    assert parse(stripe, 400, body).param == "amount"


def test_twilio_details_are_the_top_level() -> None:
    body = {"code": 21211, "message": "The 'To' number 5551234567 is not a valid phone number.",
            "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}
    error = parse(twilio, 400, body)
    assert error.details["more_info"] == "https://www.twilio.com/docs/errors/21211"


# --------------------------------------------------------------------------- over HTTP


def test_openai_x_should_retry_false_stops_retries_over_httpx(vendor_server: VendorServer) -> None:
    url = vendor_server.serve(Reply.of(500, OPENAI_500, {"x-should-retry": "false"}), Reply.of(200, {"ok": True}))
    with httpx.Client() as client, pytest.raises(openai.errors.ServerError) as raised:
        openai.call_with_retries(lambda: client.get(url), idempotent=True, sleep=pytest.fail)
    assert reason(raised.value) == "server_directive"
    assert len(vendor_server.received_at(url)) == 1


def test_stripe_should_retry_true_resends_over_httpx(vendor_server: VendorServer) -> None:
    url = vendor_server.serve(Reply.of(409, STRIPE_409, {"Stripe-Should-Retry": "true"}), Reply.of(200, {"id": "ch_1"}))
    sleeps: list[float] = []
    with httpx.Client() as client:
        response = stripe.call_with_retries(lambda: client.post(url, headers={"Idempotency-Key": "k1"}), idempotent=True, sleep=sleeps.append)
    assert response.json() == {"id": "ch_1"} and len(sleeps) == 1


def test_github_primary_limit_waits_for_the_reset_over_requests(vendor_server: VendorServer, monkeypatch: pytest.MonkeyPatch) -> None:
    url = vendor_server.serve(Reply.of(429, PRIMARY_BODY, github_primary("0", 30)), Reply.of(200, {"id": 1}))
    sleeps: list[float] = []
    # The vendor's limiter reads the same reset: its clock moves with the sleeps, as it would in real time.
    limiter = github.RETRYING.limiter
    now = [limiter.clock()]
    monkeypatch.setattr(limiter, "clock", lambda: now[0])

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    with requests.Session() as session:
        response = github.call_with_retries(lambda: session.get(url), idempotent=True, sleep=sleep)
    assert response.json() == {"id": 1}
    assert 25 <= sleeps[0] <= 30 and 25 <= sum(sleeps) <= 31
