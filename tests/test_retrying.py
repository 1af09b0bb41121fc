"""Retrying by the vendors' policies, against a real HTTP server, with a fake clock.

``call_with_retries`` and ``acall_with_retries``, the tenacity and stamina adapters and
the httpx transports all take their decisions from the generated policy tables: server
delays and their cap, documented defaults, backoff with jitter, attempt limits, a
deadline, and whether a request that is not idempotent may be sent again.  No test
sleeps: every sleep goes to a fake clock that only records it.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import aiohttp
import httpx
import pytest
import requests
import stamina
import tenacity
import tenacity.nap

from generated import Action, QuotaExceededError, RateLimitedError, RetryEvent, edgee, speech
from generated.transports import AsyncRetryTransport, RetryTransport
from goldens import ROOT
from vendor_server import Reply, VendorServer


class FakeClock:
    """A monotonic clock that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def half() -> float:
    return 0.5


OK = Reply.of(200, {"ok": True})


def warming_up(seconds: int) -> Reply:
    body = {"error": {"code": "SERVICE_WARMING_UP", "message": "Service is warming up",
                      "timestamp": "2026-04-21T12:34:56Z", "retryAfterSeconds": seconds}}
    return Reply.of(503, body)


def poll_limited(seconds: int) -> Reply:
    body = {"error": {"code": "POLL_RATE_LIMITED", "message": "Polling too fast",
                      "timestamp": "2026-04-21T12:34:56Z", "requestId": "req_1"}}
    return Reply.of(429, body, {"Retry-After": str(seconds)})


def submit_limited(seconds: int) -> Reply:
    body = {"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "Too many submissions",
                      "timestamp": "2026-04-21T12:34:56Z"}}
    return Reply.of(429, body, {"Retry-After": str(seconds)})


EDGEE_503 = Reply.of(503, {"error": {"code": "service_unavailable", "message": "Try later"}}, {"Retry-After": "7"})
EDGEE_500 = Reply.of(500, {"error": {"code": "internal_error", "message": "An internal error occurred."}})
EDGEE_QUOTA = Reply.of(
    429,
    {"error": {"code": "usage_limit_exceeded", "message": "Usage limit exceeded: 1000.00 / 1000 tokens used"}},
    {"Retry-After": "5"},
)


# call_with_retries ------------------------------------------------------------------


def test_503_with_retry_after_then_200(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(EDGEE_503, OK)
    events = []
    with httpx.Client() as client:
        response = edgee.call_with_retries(
            lambda: client.get(url), idempotent=True, before_sleep=events.append, sleep=clock.sleep, clock=clock
        )
    assert response.status_code == 200
    assert clock.sleeps == [7.0]
    assert len(vendor_server.received_at(url)) == 2
    [event] = events
    assert isinstance(event, RetryEvent)
    assert (event.attempt, event.delay, event.elapsed, event.error.status) == (1, 7.0, 0.0, 503)
    assert event.policy is edgee.policy_for(event.error)


def test_speech_poll_rate_limit_keeps_polling(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(poll_limited(2), poll_limited(3), Reply.of(200, {"status": "completed"}))
    events = []
    response = speech.call_with_retries(
        lambda: requests.get(url, timeout=10), before_sleep=events.append, sleep=clock.sleep, clock=clock
    )
    assert response.json() == {"status": "completed"}
    assert clock.sleeps == [2.0, 3.0]
    assert [e.policy.action for e in events] == [Action.CONTINUE_POLLING] * 2
    assert [e.attempt for e in events] == [1, 2]
    assert [e.elapsed for e in events] == [0.0, 2.0]


def test_quota_429_is_not_retried(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(EDGEE_QUOTA, OK)
    with httpx.Client() as client, pytest.raises(QuotaExceededError) as caught:
        edgee.call_with_retries(lambda: client.get(url), idempotent=True, sleep=clock.sleep, clock=clock)
    assert caught.value.retry_after == 5.0  # the server's delay does not make a cap retryable
    assert clock.sleeps == []
    assert len(vendor_server.received_at(url)) == 1


def test_post_is_not_repeated_after_a_500(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(EDGEE_500, OK)
    with httpx.Client() as client, pytest.raises(edgee.errors.InternalError):
        edgee.call_with_retries(lambda: client.post(url, json={"n": 1}), sleep=clock.sleep, clock=clock)
    assert len(vendor_server.received_at(url)) == 1
    assert clock.sleeps == []


def test_post_is_repeated_after_a_500_when_idempotent(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(EDGEE_500, OK)
    with httpx.Client() as client:
        response = edgee.call_with_retries(
            lambda: client.post(url, json={"n": 1}), idempotent=True, sleep=clock.sleep, clock=clock, random=half
        )
    assert response.status_code == 200
    assert clock.sleeps == [0.5]  # backoff base 1 s, full jitter at 0.5
    assert [r.body for r in vendor_server.received_at(url)] == [b'{"n":1}'] * 2


def test_post_is_repeated_after_an_error_rejected_before_processing(
    vendor_server: VendorServer, clock: FakeClock
) -> None:
    url = vendor_server.serve(warming_up(45), submit_limited(3), OK)
    with httpx.Client() as client:
        response = speech.call_with_retries(lambda: client.post(url, content=b"audio"), sleep=clock.sleep, clock=clock)
    assert response.status_code == 200
    assert clock.sleeps == [45.0, 3.0]
    assert len(vendor_server.received_at(url)) == 3


def test_policy_attempts_then_backoff_with_jitter(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(EDGEE_500)
    with httpx.Client() as client, pytest.raises(edgee.errors.InternalError):
        edgee.call_with_retries(lambda: client.get(url), idempotent=True, sleep=clock.sleep, clock=clock, random=half)
    assert len(vendor_server.received_at(url)) == 3  # the policy's max_attempts
    assert clock.sleeps == [0.5, 1.0]  # 1 s then 2 s, each at half by the jitter


def test_max_attempts_limits_all_errors(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(poll_limited(1))
    with pytest.raises(RateLimitedError):
        speech.call_with_retries(lambda: requests.get(url, timeout=10), max_attempts=4, sleep=clock.sleep, clock=clock)
    assert len(vendor_server.received_at(url)) == 4
    assert clock.sleeps == [1.0] * 3


def test_deadline_stops_before_a_sleep_that_would_pass_it(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(warming_up(45))
    with pytest.raises(speech.ServiceWarmingUpError):
        speech.call_with_retries(lambda: requests.get(url, timeout=10), deadline=60, sleep=clock.sleep, clock=clock)
    assert clock.sleeps == [45.0]  # a second 45 s would end at 90 s
    assert len(vendor_server.received_at(url)) == 2


def test_documented_default_delay_and_server_delay_cap(vendor_server: VendorServer, clock: FakeClock) -> None:
    body = {"error": {"code": "SERVICE_WARMING_UP", "message": "Warming", "timestamp": "2026-04-21T12:34:56Z"}}
    url = vendor_server.serve(Reply.of(503, body), submit_limited(301))
    with pytest.raises(speech.RateLimitExceededError):
        speech.call_with_retries(lambda: requests.get(url, timeout=10), sleep=clock.sleep, clock=clock)
    # 30 s documented for warming up without a delay, stretched by up to 20 % at random so
    # that callers refused together do not come back together; 301 s is over the 300 s cap.
    assert len(clock.sleeps) == 1 and 30.0 <= clock.sleeps[0] <= 36.0
    url = vendor_server.serve(Reply.of(503, body), Reply.of(503, body), OK)
    speech.call_with_retries(lambda: requests.get(url, timeout=10), sleep=clock.sleep, clock=clock)
    assert clock.sleeps[1] != clock.sleeps[2] and all(30.0 <= s <= 36.0 for s in clock.sleeps)


def test_fn_raising_vendor_errors_is_retried_and_others_pass(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(poll_limited(2), Reply.of(200, {"status": "completed"}))

    def poll() -> Any:
        response = requests.get(url, timeout=10)
        speech.raise_for_error(response)
        return response.json()

    assert speech.call_with_retries(poll, sleep=clock.sleep, clock=clock) == {"status": "completed"}
    assert clock.sleeps == [2.0]

    calls = []

    def broken() -> None:
        calls.append(1)
        raise ConnectionError("down")

    with pytest.raises(ConnectionError):
        speech.call_with_retries(broken, idempotent=True, sleep=clock.sleep, clock=clock)
    assert calls == [1]


# acall_with_retries -----------------------------------------------------------------


def test_async_with_httpx_and_aiohttp(vendor_server: VendorServer, clock: FakeClock) -> None:
    async def run() -> tuple[int, int]:
        url = vendor_server.serve(EDGEE_503, OK)
        async with httpx.AsyncClient() as client:
            first = await edgee.acall_with_retries(
                lambda: client.get(url), idempotent=True, sleep=clock.asleep, clock=clock
            )
        url = vendor_server.serve(poll_limited(4), OK)
        async with aiohttp.ClientSession() as session:
            # aiohttp's body is awaited by aerror_from_response before deciding.
            response = await speech.acall_with_retries(lambda: session.get(url), sleep=clock.asleep, clock=clock)
            async with response:
                second = response.status
        return first.status_code, second

    assert asyncio.run(run()) == (200, 200)
    assert clock.sleeps == [7.0, 4.0]


def test_async_gives_up_like_the_sync_one(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(EDGEE_500, OK)

    async def run() -> None:
        async with httpx.AsyncClient() as client:
            await edgee.acall_with_retries(lambda: client.post(url), sleep=clock.asleep, clock=clock)

    with pytest.raises(edgee.errors.InternalError):
        asyncio.run(run())
    assert len(vendor_server.received_at(url)) == 1



def test_retry_event_is_a_named_tuple() -> None:
    import pickle

    error = edgee.parse_error(503, b'{"error": {"code": "service_unavailable", "message": "Down"}}')
    policy = edgee.policy_for(error)
    event = RetryEvent(2, 1.5, error, policy, 0.25, "edgee")
    attempt, delay, same_error, same_policy, elapsed, vendor = event
    assert (attempt, delay, same_error, same_policy, elapsed, vendor) == (2, 1.5, error, policy, 0.25, "edgee")
    assert (event.attempt, event.delay, event.error, event.policy, event.elapsed, event.vendor) == tuple(event)
    assert event[0] == 2 and len(event) == 6 and isinstance(event, tuple)
    assert RetryEvent(1, 0.0, error, policy, 0.0).vendor == "" and RetryEvent._field_defaults == {"vendor": ""}
    assert event._replace(delay=3.0) == (2, 3.0, error, policy, 0.25, "edgee")
    assert type(event._replace()) is RetryEvent
    assert event._asdict() == dict(zip(RetryEvent._fields, event))
    assert repr(event).startswith("RetryEvent(attempt=2, delay=1.5, error=")
    copy = pickle.loads(pickle.dumps(event))
    assert type(copy) is RetryEvent and copy[:2] == (2, 1.5) and copy.vendor == "edgee"
    with pytest.raises(AttributeError):
        event.attempt = 3  # type: ignore[misc]

# tenacity -----------------------------------------------------------------------------


def tenacity_for(vendor: Any, clock: FakeClock, **options: Any) -> tenacity.Retrying:
    deadline = options.pop("deadline", None)
    return tenacity.Retrying(
        retry=vendor.tenacity_retry(**options),
        wait=vendor.tenacity_wait(random=half),
        stop=vendor.tenacity_stop(deadline=deadline, max_attempts=10),
        sleep=clock.sleep,
        reraise=True,
    )


def test_tenacity_retries_raised_errors_by_policy(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(poll_limited(2), warming_up(40), OK)

    def poll() -> int:
        response = requests.get(url, timeout=10)
        speech.raise_for_error(response)
        return response.status_code

    assert tenacity_for(speech, clock)(poll) == 200
    assert clock.sleeps == [2.0, 40.0]


def test_tenacity_async_with_aiohttp(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(warming_up(40), OK)

    async def run() -> int:
        async with aiohttp.ClientSession() as session:
            async for attempt in tenacity.AsyncRetrying(
                retry=speech.tenacity_retry(), wait=speech.tenacity_wait(), sleep=clock.asleep, reraise=True
            ):
                with attempt:
                    async with session.post(url, data=b"audio") as response:
                        await speech.araise_for_error(response)
                        return response.status
        raise AssertionError("no attempt")

    assert asyncio.run(run()) == 200
    assert clock.sleeps == [40.0]


def test_tenacity_retries_responses_and_keeps_the_last(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(EDGEE_500)
    with httpx.Client() as client:
        response = tenacity_for(edgee, clock, idempotent=True)(lambda: client.get(url))
    assert response.status_code == 500  # the policy's 3 attempts are spent
    assert clock.sleeps == [0.5, 1.0]


def test_tenacity_does_not_repeat_a_post_or_a_quota(vendor_server: VendorServer, clock: FakeClock) -> None:
    post = vendor_server.serve(EDGEE_500, OK)
    quota = vendor_server.serve(EDGEE_QUOTA, OK)
    with httpx.Client() as client:
        assert tenacity_for(edgee, clock)(lambda: client.post(post)).status_code == 500
        assert tenacity_for(edgee, clock, idempotent=True)(lambda: client.get(quota)).status_code == 429
    assert clock.sleeps == []
    assert len(vendor_server.received_at(post)) == len(vendor_server.received_at(quota)) == 1


def test_tenacity_stop_at_the_deadline(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(warming_up(45), OK)

    def call() -> None:
        speech.raise_for_error(requests.get(url, timeout=10))

    with pytest.raises(speech.ServiceWarmingUpError):
        tenacity_for(speech, clock, deadline=30)(call)
    assert clock.sleeps == []


# stamina ------------------------------------------------------------------------------


@pytest.fixture
def stamina_sleeps(monkeypatch: pytest.MonkeyPatch, clock: FakeClock) -> FakeClock:
    # stamina sleeps through tenacity's default sleep, which looks up time.sleep there.
    class Time:
        sleep = staticmethod(clock.sleep)

    monkeypatch.setattr(tenacity.nap, "time", Time)
    return clock


def test_stamina_hook_uses_the_policy(vendor_server: VendorServer, stamina_sleeps: FakeClock) -> None:
    url = vendor_server.serve(warming_up(45), poll_limited(2), OK)
    for attempt in stamina.retry_context(on=speech.stamina_on(), attempts=None, timeout=None):
        with attempt:
            response = requests.get(url, timeout=10)
            speech.raise_for_error(response)
    assert response.status_code == 200
    assert stamina_sleeps.sleeps == [45.0, 2.0]


def test_stamina_hook_refuses_quotas_and_posts(vendor_server: VendorServer, stamina_sleeps: FakeClock) -> None:
    quota = vendor_server.serve(EDGEE_QUOTA, OK)
    post = vendor_server.serve(EDGEE_500, OK)
    with pytest.raises(edgee.errors.UsageLimitExceededError):
        for attempt in stamina.retry_context(on=edgee.stamina_on(idempotent=True)):
            with attempt:
                edgee.raise_for_error(requests.get(quota, timeout=10))
    with pytest.raises(edgee.errors.InternalError):
        for attempt in stamina.retry_context(on=edgee.stamina_on()):
            with attempt:
                edgee.raise_for_error(requests.post(post, timeout=10))
    assert stamina_sleeps.sleeps == []
    assert len(vendor_server.received_at(quota)) == len(vendor_server.received_at(post)) == 1


def test_stamina_hook_spends_the_policy_attempts(vendor_server: VendorServer, stamina_sleeps: FakeClock) -> None:
    url = vendor_server.serve(EDGEE_500)
    with pytest.raises(edgee.errors.InternalError):
        for attempt in stamina.retry_context(on=edgee.stamina_on(idempotent=True, random=half)):
            with attempt:
                edgee.raise_for_error(requests.get(url, timeout=10))
    assert stamina_sleeps.sleeps == [0.5, 1.0]
    assert len(vendor_server.received_at(url)) == 3


# httpx transports ---------------------------------------------------------------------


def test_transport_retries_a_get_by_itself(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(EDGEE_503, OK)
    events = []
    transport = RetryTransport(
        httpx.HTTPTransport(), retrying=edgee.RETRYING, before_sleep=events.append, sleep=clock.sleep, clock=clock
    )
    with httpx.Client(transport=transport) as client:
        response = client.get(url)
    assert response.json() == {"ok": True}
    assert clock.sleeps == [7.0]
    assert [e.error.status for e in events] == [503]


def test_transport_hands_back_the_last_error_response(vendor_server: VendorServer, clock: FakeClock) -> None:
    post = vendor_server.serve(EDGEE_500, OK)
    quota = vendor_server.serve(EDGEE_QUOTA, OK)
    transport = RetryTransport(retrying=edgee.RETRYING, sleep=clock.sleep, clock=clock)
    with httpx.Client(transport=transport) as client:
        response = client.post(post, json={"n": 1})
        with pytest.raises(edgee.errors.InternalError):
            edgee.raise_for_error(response)
        assert client.get(quota).status_code == 429
    assert clock.sleeps == []
    assert len(vendor_server.received_at(post)) == len(vendor_server.received_at(quota)) == 1


def test_transport_resends_a_post_with_an_idempotency_key(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(EDGEE_500, OK)
    transport = RetryTransport(retrying=edgee.RETRYING, sleep=clock.sleep, clock=clock, random=half)
    with httpx.Client(transport=transport) as client:
        assert client.post(url, json={"n": 1}, headers={"Idempotency-Key": "k1"}).status_code == 200
    assert len(vendor_server.received_at(url)) == 2
    assert clock.sleeps == [0.5]


def test_transport_resends_a_post_rejected_before_processing(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(submit_limited(3), OK)
    transport = RetryTransport(retrying=speech.RETRYING, sleep=clock.sleep, clock=clock)
    with httpx.Client(transport=transport) as client:
        assert client.post(url, content=b"audio").status_code == 200
    assert [r.body for r in vendor_server.received_at(url)] == [b"audio", b"audio"]
    assert clock.sleeps == [3.0]


def test_async_transport_keeps_polling(vendor_server: VendorServer, clock: FakeClock) -> None:
    url = vendor_server.serve(poll_limited(2), poll_limited(2), OK)

    async def run() -> int:
        transport = AsyncRetryTransport(retrying=speech.RETRYING, sleep=clock.asleep, clock=clock)
        async with httpx.AsyncClient(transport=transport) as client:
            return (await client.get(url)).status_code

    assert asyncio.run(run()) == 200
    assert clock.sleeps == [2.0, 2.0]


# import cost ---------------------------------------------------------------------------


def test_vendor_packages_import_no_retry_http_or_async_library() -> None:
    code = (
        "import sys, generated.edgee, generated.speech\n"
        "loaded = {'tenacity', 'stamina', 'httpx', 'aiohttp', 'requests', 'asyncio'} & set(sys.modules)\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
