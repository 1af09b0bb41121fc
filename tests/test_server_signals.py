"""The shared readers of retry directives and rate-limit headers (``_signals.py``)."""

from __future__ import annotations

import email.utils
import math
import pickle
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generated._base import Headers
from generated._signals import (
    RESET_LIMIT,
    RateLimit,
    duration_seconds,
    ietf_rate_limits,
    rate_limit_delay,
    read_rate_limits,
    reset_seconds,
    retry_directive,
    rfc3339_seconds,
)

FORMATS = ("seconds", "epoch_seconds", "rfc3339", "duration", "http_date")


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("false", False), ("TRUE", True), (" False ", False), ("True", True),
     ("yes", None), ("1", None), ("", None), ("truee", None), (None, None), (b"true", None), (1, None),
     ("t" * 1000, None)],
)
def test_retry_directive_reads_true_and_false_only(value: object, expected: bool | None) -> None:
    assert retry_directive(value) is expected


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("6m0s", 360.0), ("1.5s", 1.5), ("20ms", 0.02), ("1h2m3.5s", 3723.5), ("0", 0.0), ("0s", 0.0),
     ("300us", 0.0003), ("300µs", 0.0003), ("7ns", 7e-9), (".5s", 0.5), ("2.s", 2.0), ("+3s", 3.0),
     (" 1m ", 60.0), ("1h1h", 7200.0)],
)
def test_go_durations(text: str, seconds: float) -> None:
    assert duration_seconds(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["", "-1s", "1", "1 s", "s", "1.5", "1x", "1m-2s", "1e3s", ".s", "1..5s", "٣s", "inf", "nan"])
def test_go_durations_reject_garbage(text: str) -> None:
    assert duration_seconds(text) is None


def test_rfc3339_times_count_from_now_and_past_times_are_zero() -> None:
    future = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 120))
    assert 115 <= rfc3339_seconds(future) <= 121  # type: ignore[operator]
    assert 115 <= rfc3339_seconds(future.lower()) <= 121  # type: ignore[operator]
    offset = time.strftime("%Y-%m-%dT%H:%M:%S.250+01:00", time.gmtime(time.time() + 3600 + 60))
    assert 55 <= rfc3339_seconds(offset) <= 62  # type: ignore[operator]
    assert rfc3339_seconds("2001-01-01T00:00:00Z") == 0.0


@pytest.mark.parametrize(
    "text",
    ["2026-01-01", "2026-01-01T00:00:00", "2026-13-01T00:00:00Z", "yesterday", "2026-01-01T00:00Z",
     "9999-12-31T23:59:59-23:59x", "0000-01-01T00:00:00Z", ""],
)
def test_rfc3339_rejects_what_is_not_a_full_timestamp(text: str) -> None:
    assert rfc3339_seconds(text) is None


def test_reset_formats() -> None:
    now = time.time()
    assert reset_seconds("30", "seconds") == 30.0
    assert reset_seconds("1.5", "seconds") == 1.5
    assert 58 <= reset_seconds(str(int(now + 60)), "epoch_seconds") <= 61  # type: ignore[operator]
    assert reset_seconds(str(int(now - 60)), "epoch_seconds") == 0.0
    assert reset_seconds("6m0s", "duration") == 360.0
    http_date = email.utils.formatdate(now + 90, usegmt=True)
    assert 85 <= reset_seconds(http_date, "http_date") <= 91  # type: ignore[operator]
    assert reset_seconds("Wed, 21 Oct 2015 07:28:00 GMT", "http_date") == 0.0


def test_an_epoch_time_read_as_seconds_is_garbage_not_a_fifty_year_wait() -> None:
    assert reset_seconds(str(int(time.time())), "seconds") is None
    assert reset_seconds(str(int(time.time() * 1000)), "epoch_seconds") is None  # milliseconds
    assert reset_seconds(str(RESET_LIMIT), "seconds") == RESET_LIMIT
    assert reset_seconds("-1", "seconds") is None
    assert reset_seconds("30", "fortnights") is None


def test_ietf_fields_join_the_policy_and_the_current_state_by_name() -> None:
    headers = Headers(
        {
            "RateLimit-Policy": '"burst";q=100;w=60, "daily";q=1000;w=86400',
            "RateLimit": '"daily";r=0;t=3600, "burst";r=50;t=30',
        }
    )
    assert ietf_rate_limits(headers) == (
        RateLimit("daily", 1000, 0, 3600.0),
        RateLimit("burst", 100, 50, 30.0),
    )
    # Tokens name policies too; a policy without a current state keeps its quota alone.
    assert ietf_rate_limits(Headers({"RateLimit-Policy": "default;q=10;w=1"})) == (RateLimit("default", 10, None, None),)
    assert ietf_rate_limits(Headers({"RateLimit": '"x";r=5;t=2;pk=:cHJvamVjdDEyMw==:'})) == (RateLimit("x", None, 5, 2.0),)


@pytest.mark.parametrize(
    "field",
    ['"default";r=50;t=30,', '"default;r=50', "default;R=1", '"a";r=1 "b";r=2', "(a b);r=1", '"a";r=1.2345',
     '"a";r=1234567890123456', "", " ", '"a"\x00;r=1', '"a";=1', "é;r=1"],
)
def test_ietf_fields_that_are_not_structured_lists_are_ignored_whole(field: str) -> None:
    assert ietf_rate_limits(Headers({"RateLimit": field})) == ()


def test_ietf_negative_or_non_integer_parameters_read_as_none() -> None:
    assert ietf_rate_limits(Headers({"RateLimit": '"a";r=-1;t=2.5'})) == (RateLimit("a", None, None, None),)
    assert ietf_rate_limits(Headers({"RateLimit": '"a";r=?1;t="3"'})) == (RateLimit("a", None, None, None),)


def test_read_rate_limits_per_resource_and_ietf() -> None:
    table = (
        ("requests", "x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests", "duration"),
        ("tokens", "x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-tokens", "duration"),
        ("absent", "x-nothing", None, None, "seconds"),
    )
    headers = Headers(
        {
            "X-RateLimit-Limit-Requests": "60",
            "x-ratelimit-remaining-requests": "59",
            "x-ratelimit-reset-requests": "1s",
            "x-ratelimit-limit-tokens": "150000",
            "x-ratelimit-remaining-tokens": "0",
            "x-ratelimit-reset-tokens": "6m0s",
            "RateLimit": '"default";r=3;t=9',
        }
    )
    limits = read_rate_limits(headers, table, ietf=True)
    assert limits == (
        RateLimit("requests", 60, 59, 1.0),
        RateLimit("tokens", 150000, 0, 360.0),
        RateLimit("default", None, 3, 9.0),
    )
    assert rate_limit_delay(limits) == 360.0
    assert read_rate_limits(headers, table, ietf=False)[-1].resource == "tokens"
    garbage = Headers({"x-ratelimit-limit-requests": "-5", "x-ratelimit-remaining-requests": "1e3"})
    assert read_rate_limits(garbage, table, ietf=False) == ()


def test_rate_limit_delay_waits_for_the_latest_exhausted_resource_only() -> None:
    assert rate_limit_delay(()) is None
    assert rate_limit_delay((RateLimit("a", 10, 5, 30.0),)) is None
    assert rate_limit_delay((RateLimit("a", 10, 0, 30.0), RateLimit("b", 10, 0, 12.0))) == 30.0
    assert rate_limit_delay((RateLimit("a", 10, 0, None),)) is None


def test_rate_limit_is_read_only_hashable_and_pickles() -> None:
    limit = RateLimit("requests", 60, 0, 1.5)
    with pytest.raises(AttributeError):
        limit.remaining = 3  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del limit.resource
    assert not hasattr(limit, "__dict__")
    assert pickle.loads(pickle.dumps(limit)) == limit
    assert {limit, RateLimit("requests", 60, 0, 1.5)} == {limit}
    assert repr(limit) == "RateLimit(resource='requests', limit=60, remaining=0, reset_after=1.5)"
    assert limit != ("requests", 60, 0, 1.5)


def _bounded(delay: float | None) -> bool:
    return delay is None or (math.isfinite(delay) and 0 <= delay <= RESET_LIMIT)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=80), st.sampled_from(FORMATS))
def test_any_text_never_raises_and_gives_a_bounded_delay(text: str, format: str) -> None:
    assert _bounded(reset_seconds(text, format))
    assert _bounded(duration_seconds(text))
    assert _bounded(rfc3339_seconds(text))
    assert retry_directive(text) in (True, False, None)


_SF_ALPHABET = st.sampled_from(list('"\\;,=?:*-. \t0123456789abcqrtwpkAZé\x00'))


@settings(max_examples=400, deadline=None)
@given(st.text(_SF_ALPHABET, max_size=60), st.text(_SF_ALPHABET, max_size=60))
def test_any_structured_field_never_raises(current: str, policy: str) -> None:
    for limit in ietf_rate_limits(Headers({"RateLimit": current, "RateLimit-Policy": policy})):
        assert isinstance(limit.resource, str)
        assert limit.limit is None or limit.limit >= 0
        assert limit.remaining is None or limit.remaining >= 0
        assert _bounded(limit.reset_after)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["ratelimit", "x-l", "x-r", "x-reset"]), st.text(max_size=40)))
def test_read_rate_limits_never_raises(values: dict[str, str]) -> None:
    table = (("r", "x-l", "x-r", "x-reset", "duration"), ("e", None, None, "x-reset", "epoch_seconds"))
    for limit in read_rate_limits(Headers(values), table, ietf=True):
        assert _bounded(limit.reset_after)


def test_a_mapping_whose_methods_fail_gives_nothing() -> None:
    class Broken(dict[str, str]):
        def get(self, *args: object, **kwargs: object) -> str:
            raise RuntimeError("broken")

    assert read_rate_limits(Broken(), (("r", "x", None, None, "seconds"),), ietf=True) == ()
    assert ietf_rate_limits(Broken()) == ()


def test_very_long_values_are_not_read() -> None:
    assert ietf_rate_limits(Headers({"RateLimit": ", ".join(f'"p{i}";r=1' for i in range(40))})) == ()
    assert ietf_rate_limits(Headers({"RateLimit": '"a";r=1' + " " * 5000})) == ()
    assert duration_seconds("1s" * 40) is None


def test_the_module_loads_dates_only_when_one_arrives() -> None:
    import subprocess
    import sys

    code = (
        "import sys, generated._signals as s; assert 'datetime' not in sys.modules, 'datetime';"
        " assert 'email.utils' not in sys.modules, 'email'; s.rfc3339_seconds('2001-01-01T00:00:00Z');"
        " assert 'datetime' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
