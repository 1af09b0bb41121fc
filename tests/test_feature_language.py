"""The spec language of real vendors, checked on the ``language`` feature golden.

Each capability of ``tests/features/language/specs/hub.yaml`` meets real responses:
retry directives, rate-limit headers, conditions on headers and bodies, one class at
several statuses, integer codes, code precedence, details from the whole body, named
fields, aliases; and the build's check of examples, on specs that get them wrong.
"""

from __future__ import annotations

import email.utils
import json
import time
import warnings
from pathlib import Path
from typing import Any

import httpx
import pytest

from features_support import vendor
from goldens import FEATURES, run_cli
from vendor_server import Reply, VendorServer

hub = vendor("language", "hub")
SPEC = FEATURES / "language" / "specs" / "hub.yaml"


def parse(status: int, body: Any, headers: dict[str, str] | None = None) -> Any:
    raw = body if isinstance(body, (bytes, str)) else json.dumps(body).encode()
    return hub.parse_error(status, raw, headers or {})


def no_jitter() -> float:
    return 1.0


# --------------------------------------------------------------- retry directives


def test_a_directive_of_false_stops_a_retry_the_table_allows() -> None:
    error = parse(500, {"error": {"message": "boom"}}, {"x-should-retry": "FALSE"})
    assert type(error) is hub.HubInternalServerError
    assert error.retryable is False
    assert error.retry_reason.value == "server_directive"
    assert hub.next_delay(error, 1) is None
    assert "retry_reason='server_directive'" in repr(error)


def test_a_directive_of_true_retries_under_the_directed_policy() -> None:
    error = parse(400, {"error": {"message": "conflict"}}, {"X-Should-Retry": "true"})
    assert type(error) is hub.HubBadRequestError
    assert type(error).retryable is False  # the table says no
    assert error.retryable is True and error.retry_reason.value == "server_directive"
    assert hub.policy_for(error).name == "directed"
    assert hub.next_delay(error, 1) == 2.0
    assert hub.next_delay(error, 3) is None  # the directed policy's attempts


@pytest.mark.parametrize("value", ["", "maybe", "1", "yes", "true!"])
def test_a_garbage_directive_leaves_the_table_to_decide(value: str) -> None:
    error = parse(500, {"error": {"message": "boom"}}, {"X-Should-Retry": value})
    assert error.retryable is True and error.retry_reason.value == "table"
    assert hub.next_delay(error, 1) == 1.0


# --------------------------------------------------------------- rate limits


def test_rate_limits_in_every_reset_format_are_read_typed() -> None:
    now = time.time()
    headers = {
        "x-ratelimit-limit-requests": "60",
        "x-ratelimit-remaining-requests": "59",
        "x-ratelimit-reset-requests": "1m30s",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 40)),
        "x-ratelimit-limit": "5000",
        "x-ratelimit-remaining": "4999",
        "x-ratelimit-reset": str(int(now + 600)),
        "x-search-remaining": "3",
        "x-search-reset": email.utils.formatdate(now + 20, usegmt=True),
        "x-daily-remaining": "100",
        "x-daily-reset": "3600",
        "RateLimit": '"burst";r=7;t=5',
        "RateLimit-Policy": '"burst";q=10;w=60',
    }
    limits = {limit.resource: limit for limit in hub.rate_limits(headers)}
    assert list(limits) == ["requests", "tokens", "core", "search", "daily", "burst"]
    assert (limits["requests"].limit, limits["requests"].remaining, limits["requests"].reset_after) == (60, 59, 90.0)
    assert limits["tokens"].remaining == 0 and 34 <= limits["tokens"].reset_after <= 41
    assert limits["core"].limit == 5000 and 594 <= limits["core"].reset_after <= 601
    assert 14 <= limits["search"].reset_after <= 21
    assert limits["daily"].reset_after == 3600.0
    assert (limits["burst"].limit, limits["burst"].remaining, limits["burst"].reset_after) == (10, 7, 5.0)
    error = parse(429, {"error": {"message": "slow down"}}, headers)
    assert [(r.resource, r.limit, r.remaining) for r in error.rate_limits] == [
        (r.resource, r.limit, r.remaining) for r in limits.values()
    ]
    # No Retry-After: the exhausted resource's reset is the server's delay.
    assert 34 <= hub.next_delay(error, 1) <= 41


def test_the_reset_of_an_exhausted_limit_beyond_the_cap_means_no_retry() -> None:
    error = parse(429, {"error": {"message": "slow"}}, {"X-RateLimit-Remaining-Requests": "0", "X-RateLimit-Reset-Requests": "6m0s"})
    assert error.retryable is False and error.retry_reason.value == "server_delay_over_cap"
    assert hub.next_delay(error, 1) is None


def test_retry_after_wins_over_a_rate_limit_reset() -> None:
    error = parse(
        429, {"error": {"message": "slow"}},
        {"Retry-After": "3", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "50s"},
    )
    assert hub.next_delay(error, 1) == 3.0


def test_a_retry_after_beyond_the_cap_is_recorded_as_the_reason() -> None:
    error = parse(429, {"error": {"message": "slow"}}, {"Retry-After": "121"})
    assert (error.retryable, error.retry_reason.value) == (False, "server_delay_over_cap")
    assert hub.next_delay(error, 1) is None


def test_garbage_rate_limit_headers_give_nothing() -> None:
    headers = {"x-ratelimit-remaining": "-1", "x-ratelimit-reset": "soon", "RateLimit": "nonsense;;"}
    assert hub.rate_limits(headers) == ()
    assert hub.rate_limits(None) == ()
    error = parse(429, {"error": {"message": "x"}}, headers)
    assert error.rate_limits == () and hub.next_delay(error, 1) == 1.0


# --------------------------------------------------------------- conditions, statuses, codes


def test_a_header_condition_picks_the_class_at_either_status() -> None:
    for status in (403, 429):
        limited = parse(status, {"message": "API rate limit exceeded"}, {"X-RateLimit-Remaining": "0"})
        assert type(limited) is hub.PrimaryRateLimitError and limited.status == status
        assert limited.category.value == "rate_limited" and limited.retryable
    plain = parse(403, {"message": "Resource not accessible"}, {"X-RateLimit-Remaining": "12"})
    assert type(plain) is hub.HubForbiddenError and plain.category.value == "permission_denied"
    assert not issubclass(hub.PrimaryRateLimitError, hub.HubForbiddenError)


def test_a_message_pattern_picks_the_class_at_either_status() -> None:
    for status in (403, 429):
        assert type(parse(status, {"message": "You have exceeded a secondary rate limit"})) is hub.SecondaryRateLimitError


def test_conditions_combine_body_and_headers() -> None:
    body = {"error": {"message": "Down", "details": {"maintenance": True}}}
    assert type(parse(500, body, {"X-Maintenance": "yes"})) is hub.MaintenanceError
    assert type(parse(500, body)) is hub.HubInternalServerError  # the header is missing
    not_true = {"error": {"message": "Down", "details": {"maintenance": 1}}}
    assert type(parse(500, not_true, {"X-Maintenance": "yes"})) is hub.HubInternalServerError


def test_an_envelope_picked_by_a_header_and_a_negated_body_test() -> None:
    # No error object, but the header says the body is nested: still the standard shape.
    error = parse(400, {"error": None, "code": "card_declined"}, {"X-Error-Format": "nested"})
    assert error.code is None  # read from error.code, not from the flat shape's code
    flat = parse(400, {"error": "text", "code": "card_declined", "message": "x"}, {"X-Error-Format": "nested"})
    assert type(flat) is hub.CardDeclinedError  # error is a string: the flat shape


def test_a_known_type_wins_over_an_unknown_code() -> None:
    body = {"error": {"code": "quota_exhausted_v2", "type": "insufficient_quota", "message": "Quota"}}
    error = parse(429, body)
    assert type(error) is hub.InsufficientQuotaError and error.code == "insufficient_quota"
    assert error.retryable is False and error.category.value == "quota_exceeded"
    unknown = parse(429, {"error": {"code": "new_code", "type": "new_type", "message": "?"}})
    assert type(unknown) is hub.HubTooManyRequestsError and unknown.code == "new_code"


def test_integer_codes_match_as_numbers_or_text() -> None:
    for code in (21211, "21211"):
        error = parse(400, {"code": code, "message": "The 'To' number is not valid."})
        assert type(error) is hub.InvalidPhoneNumberError and error.code == "21211"


def test_details_from_the_whole_body_and_named_fields() -> None:
    flat = {"code": 21211, "message": "bad", "more_info": "https://hub.example.com/21211"}
    assert parse(400, flat).details == flat
    declined = parse(400, {"error": {"code": "card_declined", "message": "Declined", "decline_code": "stolen_card",
                                     "param": "card", "attempts": 3}})
    assert (declined.decline_code, declined.param, declined.charge_attempts) == ("stolen_card", "card", 3)
    wrong_types = parse(400, {"error": {"code": "card_declined", "decline_code": 7, "attempts": True}})
    assert (wrong_types.decline_code, wrong_types.param, wrong_types.charge_attempts) == (None, None, None)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [(12.5, 12.5), (3, 3.0), (float("nan"), None), (float("inf"), None), (float("-inf"), None), ("12", None),
     (True, None), (10**400, None)],
)
def test_a_float_field_keeps_finite_numbers_only(sent: object, kept: float | None) -> None:
    # json.loads accepts NaN and Infinity; an integer too large for a float is refused, not raised.
    error = parse(400, {"error": {"code": "card_declined", "message": "Declined", "amount": sent}})
    assert error.charge_amount == kept
    assert kept is None or type(error.charge_amount) is float
    assert hub.CardDeclinedError.__annotations__["charge_attempts"] == "int | None"


# --------------------------------------------------------------- aliases


def test_an_alias_is_the_renamed_class_with_a_deprecation_warning() -> None:
    with pytest.warns(DeprecationWarning, match="InvalidNumberError is deprecated: it is now InvalidPhoneNumberError"):
        from generated_language.hub import InvalidNumberError
    with pytest.warns(DeprecationWarning):
        from generated_language.hub.errors import InvalidNumberError as from_errors
    assert InvalidNumberError is from_errors is hub.InvalidPhoneNumberError
    assert isinstance(parse(400, {"code": 21211, "message": "x"}), InvalidNumberError)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert hub.InvalidPhoneNumberError.__name__ == "InvalidPhoneNumberError"  # the new name warns nothing
    with pytest.raises(AttributeError):
        hub.NoSuchError  # noqa: B018


def test_diff_reports_a_rename_with_an_alias_as_compatible(tmp_path: Path, capsys: Any) -> None:
    old, new = tmp_path / "old" / "specs", tmp_path / "new" / "specs"
    old.mkdir(parents=True)
    new.mkdir(parents=True)
    text = SPEC.read_text(encoding="utf-8")
    (old / "hub.yaml").write_text(
        text.replace("  - name: InvalidPhoneNumberError", "  - name: InvalidNumberError").replace(
            "    aliases: [InvalidNumberError]\n", ""
        ),
        encoding="utf-8",
    )
    (new / "hub.yaml").write_text(text, encoding="utf-8")
    code, out, _ = run_cli(new.parent, "diff", "--against-dir", str(old))
    assert code == 0, out
    assert "renamed to InvalidPhoneNumberError; the old name stays importable" in out
    assert "BREAKING" not in out
    (new / "hub.yaml").write_text(text.replace("    aliases: [InvalidNumberError]\n", ""), encoding="utf-8")
    code, out, _ = run_cli(new.parent, "diff", "--against-dir", str(old))
    assert code == 3 and "BREAKING" in out


# --------------------------------------------------------------- examples are tests


def _build_with(tmp_path: Path, old: str, new: str) -> tuple[int, str]:
    specs = tmp_path / "specs"
    specs.mkdir()
    text = SPEC.read_text(encoding="utf-8")
    assert old in text
    (specs / "hub.yaml").write_text(text.replace(old, new), encoding="utf-8")
    code, _, err = run_cli(tmp_path, "build", "--specs", "specs", "--output", "out")
    return code, err


def test_an_example_under_the_wrong_class_is_a_located_error(tmp_path: Path) -> None:
    code, err = _build_with(
        tmp_path,
        "      - body: {code: 21211, message:",
        "      - body: {code: card_declined, message:",
    )
    assert code == 1
    line = next(i for i, l in enumerate((tmp_path / "specs" / "hub.yaml").read_text().splitlines(), 1) if "code: card_declined, message:" in l)
    assert f"specs/hub.yaml:{line}:" in err
    assert "example comes out as CardDeclinedError, not InvalidPhoneNumberError" in err
    assert not (tmp_path / "out").exists()


def test_an_example_with_the_wrong_verdict_or_capture_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    code, err = _build_with(tmp_path / "a", "charge_attempts: 2, param: null}", "charge_attempts: 3, param: null}")
    assert code == 1 and "example has charge_attempts=2, not 3" in err
    (tmp_path / "b").mkdir()
    code, err = _build_with(
        tmp_path / "b",
        "expect: {retryable: false, retry_reason: server_directive}",
        "expect: {retryable: true}",
    )
    assert code == 1 and "example is not retryable (server_directive), where retry is expected" in err


# --------------------------------------------------------------- a real server, a real client


def test_httpx_against_a_real_server(vendor_server: VendorServer) -> None:
    url = vendor_server.serve(
        Reply.of(403, {"message": "API rate limit exceeded"},
                 {"X-RateLimit-Remaining": "0", "X-RateLimit-Limit": "60", "X-RateLimit-Reset": str(int(time.time()) + 30)}),
        Reply.of(500, {"error": {"message": "boom"}}, {"X-Should-Retry": "false"}),
        Reply.of(200, {"ok": True}),
    )
    with httpx.Client() as client:
        limited = hub.error_from_response(client.get(url))
        assert type(limited) is hub.PrimaryRateLimitError
        (core,) = limited.rate_limits
        assert (core.resource, core.limit, core.remaining) == ("core", 60, 0) and 25 <= core.reset_after <= 31
        assert 25 <= hub.next_delay(limited, 1) <= 31
        stopped = hub.error_from_response(client.get(url))
        assert stopped.retry_reason.value == "server_directive" and hub.next_delay(stopped, 1) is None
        # The retry loop honours the directive too: the 500 is not sent again.
        sleeps: list[float] = []
        refused = vendor_server.serve(Reply.of(500, {"error": {"message": "boom"}}, {"X-Should-Retry": "false"}))
        with pytest.raises(hub.HubInternalServerError):
            hub.call_with_retries(lambda: client.get(refused), idempotent=True, sleep=sleeps.append)
        assert sleeps == [] and len(vendor_server.received_at(refused)) == 1
