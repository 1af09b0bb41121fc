"""What each catalog vendor's package does with the responses its documentation describes.

The tables are written by hand from the vendors' pages (the addresses head each spec in
``codegen/catalog/``), not read from the specs: a spec that drifts from its documentation
fails here.  Each vendor's documented statuses are checked with an empty body (the status
class), its documented codes in the vendor's body shape, then its retry signals; the last
section sends real responses from a server on 127.0.0.1 through httpx and requests.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import httpx
import pytest
import requests

from catalog_build import catalog_shared, catalog_vendor
from vendor_server import Reply, VendorServer

anthropic = catalog_vendor("anthropic")
openai = catalog_vendor("openai")
stripe = catalog_vendor("stripe")
github = catalog_vendor("github")
twilio = catalog_vendor("twilio")
google = catalog_vendor("google")


shared = catalog_shared()


@dataclass(frozen=True)
class Backoff:
    """A delay drawn with jitter: within [lower, upper]."""

    upper: float
    lower: float = 0.0


NO = None  # next_delay(error, 1) is None: no retry


def check(
    vendor: ModuleType,
    status: int,
    body: Any,
    cls: str,
    category: str,
    delay: float | Backoff | None,
    headers: dict[str, str] | None = None,
) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    error = vendor.parse_error(status, raw, headers or {})
    assert type(error).__name__ == cls
    assert error.status == status
    assert error.category.value == category
    got = vendor.next_delay(error, 1)
    if delay is None:
        assert got is None and not error.retryable
    elif isinstance(delay, Backoff):
        assert error.retryable and got is not None and delay.lower <= got <= delay.upper
    else:
        assert got == pytest.approx(delay)
    return error


# --------------------------------------------------------------------------- Anthropic
# platform.claude.com/docs/en/api/errors: HTTP errors, one error type each.

ANTHROPIC_STATUSES = [
    (400, "AnthropicBadRequestError", "invalid_request", NO),
    (401, "AnthropicUnauthorizedError", "authentication", NO),
    (402, "AnthropicPaymentRequiredError", "payment_required", NO),
    (403, "AnthropicForbiddenError", "permission_denied", NO),
    (404, "AnthropicNotFoundError", "not_found", NO),
    (409, "AnthropicConflictError", "conflict", NO),
    (413, "AnthropicRequestTooLargeError", "payload_too_large", NO),
    (429, "AnthropicTooManyRequestsError", "rate_limited", Backoff(1)),
    (500, "AnthropicInternalServerError", "internal", Backoff(1)),
    (504, "AnthropicGatewayTimeoutError", "timeout", Backoff(1)),
    (529, "AnthropicOverloadedError", "unavailable", Backoff(2)),
]

ANTHROPIC_TYPES = [
    (400, "invalid_request_error", "MalformedRequestError", "invalid_request", NO),
    (401, "authentication_error", "InvalidApiKeyError", "authentication", NO),
    (402, "billing_error", "BillingError", "payment_required", NO),
    (403, "permission_error", "ApiKeyPermissionError", "permission_denied", NO),
    (404, "not_found_error", "ResourceNotFoundError", "not_found", NO),
    (409, "conflict_error", "ResourceConflictError", "conflict", NO),
    (413, "request_too_large", "RequestTooLargeError", "payload_too_large", NO),
    (429, "rate_limit_error", "RateLimitError", "rate_limited", Backoff(1)),
    (500, "api_error", "InternalApiError", "internal", Backoff(1)),
    (504, "timeout_error", "ProcessingTimeoutError", "timeout", Backoff(1)),
    (529, "overloaded_error", "OverloadedError", "unavailable", Backoff(2)),
]


def anthropic_body(error_type: str, message: str = "message") -> dict[str, Any]:
    return {"type": "error", "error": {"type": error_type, "message": message}, "request_id": "req_011CSHoEeqs5C35K2UUqR7Fy"}


@pytest.mark.parametrize(("status", "cls", "category", "delay"), ANTHROPIC_STATUSES)
def test_anthropic_statuses(status: int, cls: str, category: str, delay: Any) -> None:
    check(anthropic, status, b"", cls, category, delay)


@pytest.mark.parametrize(("status", "error_type", "cls", "category", "delay"), ANTHROPIC_TYPES)
def test_anthropic_error_types(status: int, error_type: str, cls: str, category: str, delay: Any) -> None:
    error = check(anthropic, status, anthropic_body(error_type), cls, category, delay)
    assert error.code == error_type
    assert error.request_id == "req_011CSHoEeqs5C35K2UUqR7Fy"


def test_anthropic_request_id_header_comes_before_the_body() -> None:
    error = anthropic.parse_error(500, json.dumps(anthropic_body("api_error")).encode(), {"request-id": "req_header"})
    assert error.request_id == "req_header"


def test_anthropic_429_waits_for_retry_after() -> None:
    error = check(anthropic, 429, anthropic_body("rate_limit_error"), "RateLimitError", "rate_limited", 20.0, {"retry-after": "20"})
    assert error.retry_after == 20.0
    assert isinstance(error, shared.RateLimitedError)


def test_anthropic_retry_after_longer_than_five_minutes_is_not_slept_on() -> None:
    error = anthropic.parse_error(429, json.dumps(anthropic_body("rate_limit_error")).encode(), {"retry-after": "301"})
    assert error.retry_after == 301.0
    assert not error.retryable and error.retry_reason.value == "server_delay_over_cap"
    assert anthropic.next_delay(error, 1) is None


def test_anthropic_overloaded_529_is_neither_a_rate_limit_nor_a_500() -> None:
    error = check(anthropic, 529, anthropic_body("overloaded_error", "Overloaded"), "OverloadedError", "unavailable", Backoff(2))
    assert isinstance(error, shared.ServiceUnavailableError)
    assert not isinstance(error, (shared.RateLimitedError, shared.InternalServerError))
    assert anthropic.policy_for(error).rejected_before_processing, "safe to resend a POST"


def test_anthropic_type_wins_over_the_status() -> None:
    # "This error type may also be used for other 4XX status codes not listed."
    check(anthropic, 405, anthropic_body("invalid_request_error"), "MalformedRequestError", "invalid_request", NO)


# --------------------------------------------------------------------------- OpenAI
# platform.openai.com/docs/guides/error-codes: API errors.

OPENAI_STATUSES = [
    (400, "OpenAIBadRequestError", "invalid_request", NO),
    (401, "OpenAIUnauthorizedError", "authentication", NO),
    (403, "OpenAIForbiddenError", "permission_denied", NO),
    (404, "OpenAINotFoundError", "not_found", NO),
    (409, "OpenAIConflictError", "conflict", NO),
    (422, "OpenAIUnprocessableEntityError", "invalid_request", NO),
    (429, "OpenAITooManyRequestsError", "rate_limited", Backoff(1)),
    (500, "OpenAIInternalServerError", "internal", Backoff(1)),
    (503, "OpenAIServiceUnavailableError", "unavailable", Backoff(2)),
]


def openai_body(message: str, type_: str | None, code: str | None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


OPENAI_ERRORS = [
    (401, openai_body("Incorrect API key provided: sk-abc***.", "invalid_request_error", "invalid_api_key"),
     "IncorrectApiKeyError", "authentication", NO),
    (401, openai_body("You must be a member of an organization to use the API.", "invalid_request_error", None),
     "NotOrganizationMemberError", "authentication", NO),
    (401, openai_body("IP not authorized: your request IP is not in the project's allowlist.", "invalid_request_error", None),
     "IpNotAuthorizedError", "authentication", NO),
    (401, openai_body("Invalid Authentication", "invalid_request_error", None),
     "OpenAIUnauthorizedError", "authentication", NO),
    (403, openai_body("Country, region, or territory not supported", "request_forbidden", "unsupported_country_region_territory"),
     "UnsupportedCountryError", "permission_denied", NO),
    (404, openai_body("The model `gpt-9` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found"),
     "ModelNotFoundError", "not_found", NO),
    (429, openai_body("Rate limit reached for gpt-4o in organization org-1 on tokens per min (TPM): Limit 30000.", "tokens", "rate_limit_exceeded"),
     "RateLimitReachedError", "rate_limited", Backoff(1)),
    (429, openai_body("You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota"),
     "InsufficientQuotaError", "quota_exceeded", NO),
    (429, openai_body("Slow Down", "rate_limit_error", "slow_down"), "SlowDownError", "rate_limited", Backoff(5)),
    (500, openai_body("The server had an error while processing your request. Sorry about that!", "server_error", None),
     "ServerError", "internal", Backoff(1)),
    (503, openai_body("The engine is currently overloaded, please try again later", "server_error", None),
     "EngineOverloadedError", "unavailable", Backoff(2)),
]


@pytest.mark.parametrize(("status", "cls", "category", "delay"), OPENAI_STATUSES)
def test_openai_statuses(status: int, cls: str, category: str, delay: Any) -> None:
    check(openai, status, b"", cls, category, delay)


@pytest.mark.parametrize(("status", "body", "cls", "category", "delay"), OPENAI_ERRORS)
def test_openai_documented_errors(status: int, body: Any, cls: str, category: str, delay: Any) -> None:
    check(openai, status, body, cls, category, delay)


def test_openai_insufficient_quota_is_a_quota_error_not_a_rate_limit() -> None:
    body = openai_body("You exceeded your current quota.", "insufficient_quota", "insufficient_quota")
    error = check(openai, 429, body, "InsufficientQuotaError", "quota_exceeded", NO, {"retry-after": "1"})
    assert isinstance(error, shared.QuotaExceededError) and not isinstance(error, shared.RateLimitedError)
    assert openai.policy_for(error).action.value == "add_credits"


def test_openai_code_then_type() -> None:
    # code null: the type names the error.
    error = check(openai, 429, openai_body("You exceeded your current quota.", "insufficient_quota", None),
                  "InsufficientQuotaError", "quota_exceeded", NO)
    assert error.code == "insufficient_quota"
    # both: the code.
    error = openai.parse_error(429, json.dumps(openai_body("x", "tokens", "rate_limit_exceeded")).encode())
    assert error.code == "rate_limit_exceeded"


def test_openai_param_is_a_detail() -> None:
    error = openai.parse_error(400, json.dumps(openai_body("Invalid value", "invalid_request_error", None, "messages")).encode())
    assert error.code == "invalid_request_error"  # no code: the type
    assert error.details == {"param": "messages"}


@pytest.mark.parametrize(
    ("headers", "delay"),
    [
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after": "3"}, 3.0),
        ({"retry-after-ms": "250", "retry-after": "3"}, 0.25),  # the SDK reads the milliseconds first
        ({"retry-after": "soon"}, Backoff(1)),
    ],
)
def test_openai_retry_after_headers(headers: dict[str, str], delay: Any) -> None:
    body = openai_body("Rate limit reached for gpt-4o in organization org-1 on requests per min (RPM): Limit 3.", "requests", "rate_limit_exceeded")
    error = check(openai, 429, body, "RateLimitReachedError", "rate_limited", delay, headers)
    assert error.model == "gpt-4o" and error.organization == "org-1" and error.limit_name == "requests per min (RPM)"


# --------------------------------------------------------------------------- Stripe
# docs.stripe.com/api/errors (HTTP status code summary), /error-codes, /error-low-level.

STRIPE_STATUSES = [
    (400, "StripeBadRequestError", "invalid_request", NO),
    (401, "StripeUnauthorizedError", "authentication", NO),
    (402, "StripeRequestFailedError", "payment_required", NO),
    (403, "StripeForbiddenError", "permission_denied", NO),
    (404, "StripeNotFoundError", "not_found", NO),
    (409, "StripeConflictError", "conflict", Backoff(1)),
    (424, "StripeExternalDependencyFailedError", "upstream", Backoff(0.5)),
    (429, "StripeTooManyRequestsError", "rate_limited", Backoff(0.5)),
    (500, "StripeInternalServerError", "internal", Backoff(0.5)),
    (502, "StripeBadGatewayError", "upstream", Backoff(0.5)),
    (503, "StripeServiceUnavailableError", "unavailable", Backoff(0.5)),
    (504, "StripeGatewayTimeoutError", "timeout", Backoff(0.5)),
]


def stripe_body(type_: str, code: str | None = None, **more: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"type": type_, "message": "message", **more}
    if code is not None:
        error["code"] = code
    return {"error": error}


STRIPE_ERRORS = [
    (402, stripe_body("card_error", "card_declined", decline_code="generic_decline"), "CardDeclinedError", "payment_required", NO),
    (402, stripe_body("card_error", "expired_card", param="exp_month"), "ExpiredCardError", "payment_required", NO),
    (402, stripe_body("card_error", "incorrect_cvc", param="cvc"), "IncorrectCvcError", "payment_required", NO),
    (402, stripe_body("card_error", "incorrect_number", param="number"), "IncorrectNumberError", "payment_required", NO),
    (402, stripe_body("card_error", "processing_error"), "CardProcessingError", "payment_required", NO),
    (402, stripe_body("card_error", "authentication_required"), "AuthenticationRequiredError", "payment_required", NO),
    (402, stripe_body("card_error"), "StripeCardError", "payment_required", NO),
    (400, stripe_body("idempotency_error"), "StripeIdempotencyError", "invalid_request", NO),
    (409, stripe_body("invalid_request_error", "idempotency_key_in_use"), "IdempotencyKeyInUseError", "conflict", Backoff(1)),
    (429, stripe_body("invalid_request_error", "rate_limit"), "RateLimitError", "rate_limited", Backoff(0.5)),
    (429, stripe_body("invalid_request_error", "lock_timeout"), "LockTimeoutError", "rate_limited", Backoff(0.5)),
    (404, stripe_body("invalid_request_error", "resource_missing", param="id"), "ResourceMissingError", "not_found", NO),
    (400, stripe_body("invalid_request_error", "parameter_missing", param="amount"), "ParameterMissingError", "invalid_request", NO),
    (400, stripe_body("invalid_request_error", "parameter_invalid_integer", param="amount"), "ParameterInvalidIntegerError", "invalid_request", NO),
    (400, stripe_body("invalid_request_error", "parameter_unknown", param="colour"), "ParameterUnknownError", "invalid_request", NO),
    (401, stripe_body("invalid_request_error", "api_key_expired"), "ApiKeyExpiredError", "authentication", NO),
    (500, stripe_body("api_error"), "StripeApiError", "internal", Backoff(0.5)),
    # An invalid key: type invalid_request_error and no code; the status decides.
    (401, stripe_body("invalid_request_error"), "StripeUnauthorizedError", "authentication", NO),
]


@pytest.mark.parametrize(("status", "cls", "category", "delay"), STRIPE_STATUSES)
def test_stripe_statuses(status: int, cls: str, category: str, delay: Any) -> None:
    check(stripe, status, b"", cls, category, delay)


@pytest.mark.parametrize(("status", "body", "cls", "category", "delay"), STRIPE_ERRORS)
def test_stripe_documented_errors(status: int, body: Any, cls: str, category: str, delay: Any) -> None:
    check(stripe, status, body, cls, category, delay)


def test_stripe_card_errors_share_a_class_and_keep_decline_code_and_param() -> None:
    body = {"error": {"code": "card_declined", "decline_code": "insufficient_funds", "message": "Your card has insufficient funds.",
                      "param": "", "type": "card_error", "doc_url": "https://stripe.com/docs/error-codes/card-declined"}}
    error = check(stripe, 402, body, "CardDeclinedError", "payment_required", NO, {"Request-Id": "req_123"})
    assert isinstance(error, stripe.errors.StripeCardError)
    assert error.details["decline_code"] == "insufficient_funds"
    assert error.details["param"] == ""
    assert error.request_id == "req_123"


def test_stripe_resource_missing_captures_the_id() -> None:
    error = stripe.parse_error(404, json.dumps(stripe_body("invalid_request_error", "resource_missing")).encode())
    assert not hasattr(error, "resource_id") or error.resource_id is None
    body = {"error": {"code": "resource_missing", "message": "No such customer: 'cus_123'", "param": "id", "type": "invalid_request_error"}}
    error = stripe.parse_error(404, json.dumps(body).encode())
    assert (error.resource, error.resource_id) == ("customer", "cus_123")


def test_stripe_lock_timeout_may_resend_a_post() -> None:
    error = stripe.parse_error(429, json.dumps(stripe_body("invalid_request_error", "lock_timeout")).encode())
    assert stripe.policy_for(error).rejected_before_processing


# --------------------------------------------------------------------------- GitHub
# docs.github.com: troubleshooting-the-rest-api and rate-limits-for-the-rest-api.

GITHUB_STATUSES = [
    (400, "GitHubBadRequestError", "invalid_request", NO),
    (401, "GitHubUnauthorizedError", "authentication", NO),
    (403, "GitHubForbiddenError", "permission_denied", NO),
    (404, "GitHubNotFoundError", "not_found", NO),
    (409, "GitHubConflictError", "conflict", NO),
    (422, "GitHubValidationFailedError", "invalid_request", NO),
    (429, "GitHubTooManyRequestsError", "rate_limited", 60.0),
    (500, "GitHubInternalServerError", "internal", Backoff(1)),
    (503, "GitHubServiceUnavailableError", "unavailable", Backoff(1)),
]


def github_body(message: str, **more: Any) -> dict[str, Any]:
    return {"message": message, "documentation_url": "https://docs.github.com/rest", **more}


PRIMARY = github_body("API rate limit exceeded for 203.0.113.1. (But here's the good news: Authenticated requests get a higher rate limit.)")
# The rate-limits page's headers of an exceeded primary limit; the reset, long past, leaves no wait.
SPENT = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "0", "x-ratelimit-used": "60", "x-ratelimit-reset": "1377013266"}
SECONDARY = github_body("You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")

GITHUB_ERRORS = [
    (400, github_body("Problems parsing JSON"), "ProblemsParsingJsonError", "invalid_request", NO),
    (400, github_body("Body should be a JSON object"), "BodyNotObjectError", "invalid_request", NO),
    (401, github_body("Bad credentials"), "BadCredentialsError", "authentication", NO),
    (401, github_body("Requires authentication"), "RequiresAuthenticationError", "authentication", NO),
    (403, github_body("Resource not accessible by integration"), "ResourceNotAccessibleError", "permission_denied", NO),
    (403, github_body("Must have admin rights to Repository."), "GitHubForbiddenError", "permission_denied", NO),
    (403, SECONDARY, "SecondaryRateLimitError", "rate_limited", 60.0),
    (429, SECONDARY, "SecondaryRateLimitError", "rate_limited", 60.0),
    (422, github_body("Validation Failed", errors=[{"resource": "Issue", "field": "title", "code": "missing_field"}]),
     "MissingFieldError", "invalid_request", NO),
    (422, github_body("Validation Failed", errors=[{"resource": "Label", "field": "name", "code": "already_exists"}]),
     "AlreadyExistsError", "invalid_request", NO),
    (422, github_body("Validation Failed", errors=[{"resource": "Issue", "field": "milestone", "code": "invalid"}]),
     "InvalidFieldError", "invalid_request", NO),
    (422, github_body("Validation Failed", errors=[{"resource": "Repo", "code": "missing"}]), "MissingResourceError", "invalid_request", NO),
    (422, github_body("Validation Failed", errors=[{"code": "unprocessable"}]), "UnprocessableError", "invalid_request", NO),
    (422, github_body("Validation Failed", errors=[{"code": "custom", "message": "name is too long"}]),
     "CustomValidationError", "invalid_request", NO),
]


@pytest.mark.parametrize(("status", "cls", "category", "delay"), GITHUB_STATUSES)
def test_github_statuses(status: int, cls: str, category: str, delay: Any) -> None:
    check(github, status, b"", cls, category, delay)


@pytest.mark.parametrize(("status", "body", "cls", "category", "delay"), GITHUB_ERRORS)
def test_github_documented_errors(status: int, body: Any, cls: str, category: str, delay: Any) -> None:
    check(github, status, body, cls, category, delay)


@pytest.mark.parametrize("status", [403, 429])
def test_github_primary_rate_limit_is_told_by_its_header(status: int) -> None:
    error = check(github, status, PRIMARY, "PrimaryRateLimitError", "rate_limited", 0.0, SPENT)
    assert isinstance(error, shared.RateLimitedError) and not isinstance(error, shared.PermissionDeniedError)
    # The epoch reset is not taken for a delay in seconds.
    assert error.retry_after is None
    # Without the header, the same message is a 403's: the documentation tells them apart by it.
    check(github, 403, PRIMARY, "GitHubForbiddenError", "permission_denied", NO, {**SPENT, "x-ratelimit-remaining": "12"})


def test_github_secondary_rate_limit_honours_retry_after() -> None:
    check(github, 403, SECONDARY, "SecondaryRateLimitError", "rate_limited", 30.0, {"retry-after": "30"})


@pytest.mark.parametrize("status", [403, 429])
def test_github_secondary_rate_limit_with_no_requests_remaining_is_still_secondary(status: int) -> None:
    # retry-after marks the secondary limit even when the primary's header is at 0 too.
    check(github, status, SECONDARY, "SecondaryRateLimitError", "rate_limited", 30.0, {**SPENT, "retry-after": "30"})


def test_github_validation_errors_list_is_the_details() -> None:
    errors = [{"resource": "Issue", "field": "title", "code": "missing_field"}]
    error = github.parse_error(422, json.dumps(github_body("Validation Failed", errors=errors)).encode(), {"X-GitHub-Request-Id": "CAFE:1"})
    assert error.details == errors and error.request_id == "CAFE:1"
    assert isinstance(error, shared.InvalidRequestError)


# --------------------------------------------------------------------------- Twilio
# twilio.com/docs/usage/twilios-response and the error dictionary (/docs/api/errors/<code>).

TWILIO_STATUSES = [
    (400, "TwilioBadRequestError", "invalid_request", NO),
    (401, "TwilioUnauthorizedError", "authentication", NO),
    (403, "TwilioForbiddenError", "permission_denied", NO),
    (404, "TwilioNotFoundError", "not_found", NO),
    (405, "TwilioMethodNotAllowedError", "invalid_request", NO),
    (429, "TwilioTooManyRequestsError", "rate_limited", Backoff(1)),
    (500, "TwilioInternalServerError", "internal", Backoff(1)),
    (503, "TwilioServiceUnavailableError", "unavailable", Backoff(1)),
]


def twilio_body(code: int, status: int, message: str = "message") -> dict[str, Any]:
    return {"code": code, "message": message, "more_info": f"https://www.twilio.com/docs/errors/{code}", "status": status}


TWILIO_ERRORS = [
    (401, twilio_body(20003, 401, "Authenticate"), "AuthenticationFailedError", "authentication", NO),
    (404, twilio_body(20404, 404), "ResourceNotFoundError", "not_found", NO),
    (429, twilio_body(20429, 429), "TooManyRequestsError", "rate_limited", Backoff(1)),
    (400, twilio_body(21211, 400), "InvalidToNumberError", "invalid_request", NO),
    (400, twilio_body(21212, 400), "InvalidFromNumberError", "invalid_request", NO),
    (400, twilio_body(21408, 400), "RegionPermissionError", "invalid_request", NO),
    (400, twilio_body(21602, 400), "MessageBodyRequiredError", "invalid_request", NO),
    (400, twilio_body(21610, 400), "UnsubscribedRecipientError", "invalid_request", NO),
    (400, twilio_body(21614, 400), "NotMobileNumberError", "invalid_request", NO),
    (400, twilio_body(21617, 400), "BodyTooLongError", "invalid_request", NO),
    (400, twilio_body(21999, 400), "TwilioBadRequestError", "invalid_request", NO),
]


@pytest.mark.parametrize(("status", "cls", "category", "delay"), TWILIO_STATUSES)
def test_twilio_statuses(status: int, cls: str, category: str, delay: Any) -> None:
    check(twilio, status, b"", cls, category, delay)


@pytest.mark.parametrize(("status", "body", "cls", "category", "delay"), TWILIO_ERRORS)
def test_twilio_documented_errors(status: int, body: Any, cls: str, category: str, delay: Any) -> None:
    check(twilio, status, body, cls, category, delay)


def test_twilio_integer_codes_read_as_their_text() -> None:
    body = twilio_body(21211, 400, "The 'To' number 5551234567 is not a valid phone number.")
    error = twilio.parse_error(400, json.dumps(body).encode(), {"Twilio-Request-Id": "RQ123"})
    assert type(error).__name__ == "InvalidToNumberError"
    assert error.code == "21211" and error.to_number == "5551234567" and error.request_id == "RQ123"


def test_twilio_product_api_errors_list() -> None:
    body = {"errors": [{"code": 20429, "message": "Too many requests.", "infoUrl": "https://www.twilio.com/docs/api/errors/20429"}]}
    check(twilio, 429, body, "TooManyRequestsError", "rate_limited", 2.0, {"Retry-After": "2"})


# --------------------------------------------------------------------------- Google
# cloud.google.com/apis/design/errors (codes and HTTP mapping); service-usage troubleshooting
# (at least 30 s for 429, 1 s for 500 and 503, exponential with randomness).

GOOGLE_STATUSES = [
    (400, "GoogleBadRequestError", "invalid_request", NO),
    (401, "GoogleUnauthorizedError", "authentication", NO),
    (403, "GoogleForbiddenError", "permission_denied", NO),
    (404, "GoogleNotFoundError", "not_found", NO),
    (409, "GoogleConflictError", "conflict", NO),
    (429, "GoogleTooManyRequestsError", "rate_limited", Backoff(60, 30)),
    (499, "GoogleClientClosedRequestError", "unknown", NO),
    (500, "GoogleInternalServerError", "internal", Backoff(2, 1)),
    (501, "GoogleNotImplementedError", "invalid_request", NO),
    (503, "GoogleServiceUnavailableError", "unavailable", Backoff(2, 1)),
    (504, "GoogleGatewayTimeoutError", "timeout", Backoff(2, 1)),
]

GOOGLE_CODES = [
    (400, "INVALID_ARGUMENT", "RpcInvalidArgumentError", "invalid_request", NO),
    (400, "FAILED_PRECONDITION", "RpcFailedPreconditionError", "invalid_request", NO),
    (400, "OUT_OF_RANGE", "RpcOutOfRangeError", "invalid_request", NO),
    (401, "UNAUTHENTICATED", "RpcUnauthenticatedError", "authentication", NO),
    (403, "PERMISSION_DENIED", "RpcPermissionDeniedError", "permission_denied", NO),
    (404, "NOT_FOUND", "RpcNotFoundError", "not_found", NO),
    (409, "ABORTED", "RpcAbortedError", "conflict", NO),
    (409, "ALREADY_EXISTS", "RpcAlreadyExistsError", "conflict", NO),
    (429, "RESOURCE_EXHAUSTED", "RpcResourceExhaustedError", "rate_limited", Backoff(60, 30)),
    (499, "CANCELLED", "RpcCancelledError", "unknown", NO),
    (500, "DATA_LOSS", "RpcDataLossError", "internal", NO),
    (500, "UNKNOWN", "RpcUnknownError", "internal", Backoff(2, 1)),
    (500, "INTERNAL", "RpcInternalError", "internal", Backoff(2, 1)),
    (501, "UNIMPLEMENTED", "RpcUnimplementedError", "invalid_request", NO),
    (503, "UNAVAILABLE", "RpcUnavailableError", "unavailable", Backoff(2, 1)),
    (504, "DEADLINE_EXCEEDED", "RpcDeadlineExceededError", "timeout", Backoff(2, 1)),
]


@pytest.mark.parametrize(("status", "cls", "category", "delay"), GOOGLE_STATUSES)
def test_google_statuses(status: int, cls: str, category: str, delay: Any) -> None:
    check(google, status, b"", cls, category, delay)


@pytest.mark.parametrize(("status", "code", "cls", "category", "delay"), GOOGLE_CODES)
def test_google_status_names(status: int, code: str, cls: str, category: str, delay: Any) -> None:
    details = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "REASON", "domain": "googleapis.com"}]
    body = {"error": {"code": status, "message": "message", "status": code, "details": details}}
    error = check(google, status, body, cls, category, delay)
    assert error.code == code and error.details == details


def test_google_aborted_is_retried_by_the_caller_at_a_higher_level() -> None:
    error = google.parse_error(409, json.dumps({"error": {"code": 409, "message": "m", "status": "ABORTED"}}).encode())
    assert google.policy_for(error).action.value == "resubmit"


# --------------------------------------------------------------------------- over HTTP


def test_anthropic_529_then_success_over_httpx(vendor_server: VendorServer) -> None:
    url = vendor_server.serve(
        Reply.of(529, anthropic_body("overloaded_error", "Overloaded"), {"request-id": "req_1"}),
        Reply.of(200, {"type": "message", "content": []}),
    )
    sleeps: list[float] = []
    with httpx.Client() as client:
        response = anthropic.call_with_retries(lambda: client.post(url, json={"model": "m"}), sleep=sleeps.append)
    assert response.status_code == 200
    assert len(vendor_server.received_at(url)) == 2, "a POST is resent after a 529: rejected before processing"
    assert len(sleeps) == 1 and 0 <= sleeps[0] <= 2


def test_anthropic_429_retry_after_over_httpx(vendor_server: VendorServer) -> None:
    url = vendor_server.serve(
        Reply.of(429, anthropic_body("rate_limit_error"), {"retry-after": "7"}),
        Reply.of(200, {"type": "message"}),
    )
    sleeps: list[float] = []
    with httpx.Client() as client:
        response = anthropic.call_with_retries(lambda: client.post(url, json={}), sleep=sleeps.append)
    assert response.status_code == 200 and sleeps == [7.0]


def test_openai_insufficient_quota_is_not_retried_over_httpx(vendor_server: VendorServer) -> None:
    body = openai_body("You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota")
    url = vendor_server.serve(Reply.of(429, body, {"x-request-id": "req_q"}), Reply.of(200, {"ok": True}))
    with httpx.Client() as client, pytest.raises(openai.errors.InsufficientQuotaError) as raised:
        openai.call_with_retries(lambda: client.post(url, json={}), idempotent=True, sleep=pytest.fail)
    assert raised.value.request_id == "req_q"
    assert len(vendor_server.received_at(url)) == 1


def test_openai_rate_limit_retry_after_ms_over_httpx(vendor_server: VendorServer) -> None:
    body = openai_body("Rate limit reached for gpt-4o in organization org-1 on requests per min (RPM): Limit 3.", "requests", "rate_limit_exceeded")
    url = vendor_server.serve(Reply.of(429, body, {"retry-after-ms": "120"}), Reply.of(200, {"ok": True}))
    sleeps: list[float] = []
    with httpx.Client() as client:
        response = openai.call_with_retries(lambda: client.post(url, json={}), sleep=sleeps.append)
    assert response.json() == {"ok": True} and sleeps == [0.12]


def test_github_secondary_limit_then_success_over_requests(vendor_server: VendorServer) -> None:
    url = vendor_server.serve(Reply.of(403, SECONDARY, {"retry-after": "3"}), Reply.of(200, {"id": 1}))
    sleeps: list[float] = []
    with requests.Session() as session:
        response = github.call_with_retries(lambda: session.get(url), idempotent=True, sleep=sleeps.append)
    assert response.json() == {"id": 1} and sleeps == [3.0]


def test_github_primary_limit_reset_over_an_hour_away_stops_over_requests(vendor_server: VendorServer) -> None:
    headers = {**SPENT, "x-ratelimit-reset": str(int(time.time()) + 7200)}
    url = vendor_server.serve(Reply.of(403, PRIMARY, headers), Reply.of(200, {"id": 1}))
    with requests.Session() as session, pytest.raises(github.errors.PrimaryRateLimitError) as raised:
        github.call_with_retries(lambda: session.get(url), idempotent=True, sleep=pytest.fail)
    assert raised.value.headers["x-ratelimit-remaining"] == "0"
    assert len(vendor_server.received_at(url)) == 1


def test_stripe_card_declined_over_httpx(vendor_server: VendorServer) -> None:
    body = {"error": {"code": "card_declined", "decline_code": "insufficient_funds", "message": "Your card has insufficient funds.",
                      "type": "card_error"}}
    url = vendor_server.serve(Reply.of(402, body, {"Request-Id": "req_card"}))
    with httpx.Client() as client, pytest.raises(stripe.errors.CardDeclinedError) as raised:
        stripe.raise_for_error(client.post(url, data={"amount": "100"}))
    assert raised.value.details["decline_code"] == "insufficient_funds" and raised.value.request_id == "req_card"


def test_twilio_invalid_number_over_httpx(vendor_server: VendorServer) -> None:
    url = vendor_server.serve(Reply.of(400, twilio_body(21211, 400, "The 'To' number 5551234567 is not a valid phone number.")))
    with httpx.Client() as client:
        error = twilio.error_from_response(client.post(url, data={"To": "5551234567"}))
    assert type(error).__name__ == "InvalidToNumberError" and error.to_number == "5551234567"


def test_google_unavailable_then_success_over_httpx(vendor_server: VendorServer) -> None:
    url = vendor_server.serve(
        Reply.of(503, {"error": {"code": 503, "message": "The service is currently unavailable.", "status": "UNAVAILABLE"}}),
        Reply.of(200, {"name": "projects/p"}),
    )
    sleeps: list[float] = []
    with httpx.Client() as client:
        response = google.call_with_retries(lambda: client.get(url), idempotent=True, sleep=sleeps.append)
    assert response.status_code == 200 and len(sleeps) == 1 and 1 <= sleeps[0] <= 2
