"""Transport failures, retry budgets, breakers, rate limits, the Redis store and observability.

Against real servers on 127.0.0.1 (some speaking raw sockets, to time out or drop a
response halfway), the real client libraries, a real ``redis-server`` and the real
OpenTelemetry SDK.  Sleeps go to a fake clock wherever the code under test sleeps.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import httpx
import pytest
import requests
import stamina

from generated import (
    ConnectFailedError,
    ConnectionDroppedError,
    ConnectTimeoutError,
    ReadTimeoutError,
    TransportError,
    edgee,
    speech,
    transport_error,
)
from generated._budget import CircuitBreaker, CircuitOpenError, RetryBudget
from generated._observe import add_hook, otel_attributes, remove_hook
from generated._ratelimit import RateLimiter
from generated._retrying import Retrying
from generated._store import LocalStore, RedisStore, set_default_store
from generated.transports import RetryTransport
from vendor_server import Reply, VendorServer, free_port, refused_url

EDGEE_503 = Reply.of(503, {"error": {"code": "service_unavailable", "message": "Try later"}})
OK = Reply.of(200, {"ok": True})


class FakeClock:
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


class RawServer:
    """Accepts connections and answers each with ``behaviour(connection)`` in a thread."""

    def __init__(self, behaviour: Callable[[socket.socket], None]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.behaviour = behaviour
        self.connections = 0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with connection:
            try:
                connection.recv(65536)
                self.behaviour(connection)
            except OSError:
                pass

    def close(self) -> None:
        self.listener.close()


def drop_mid_response(connection: socket.socket) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":")


def never_answer(connection: socket.socket) -> None:
    time.sleep(1.0)


@pytest.fixture
def dropping() -> Iterator[RawServer]:
    server = RawServer(drop_mid_response)
    yield server
    server.close()


@pytest.fixture
def silent() -> Iterator[RawServer]:
    server = RawServer(never_answer)
    yield server
    server.close()


# --- 1. transport failures, from every client library ---------------------------------


def caught(fn: Callable[[], Any]) -> BaseException:
    try:
        fn()
    except Exception as exception:
        return exception
    raise AssertionError("no exception")


def test_connect_failures_of_every_library_are_unsent_connect_failures() -> None:
    url = refused_url()

    async def with_httpx() -> None:
        async with httpx.AsyncClient() as client:
            await client.get(url)

    async def with_aiohttp() -> None:
        async with aiohttp.ClientSession() as session:
            await session.get(url)

    raised = [
        caught(lambda: httpx.get(url)),
        caught(lambda: asyncio.run(with_httpx())),
        caught(lambda: requests.get(url, timeout=5)),
        caught(lambda: asyncio.run(with_aiohttp())),
        caught(lambda: urllib.request.urlopen(url, timeout=5)),
    ]
    for exception in raised:
        error = transport_error(exception)
        assert type(error) is ConnectFailedError, exception
        assert error.sent is False and error.__cause__ is exception
    assert transport_error(raised[0]).host == "127.0.0.1"  # type: ignore[union-attr]


def test_read_timeouts_and_dropped_responses_are_sent_failures(silent: RawServer, dropping: RawServer) -> None:
    timeouts = [
        caught(lambda: httpx.get(silent.url, timeout=0.2)),
        caught(lambda: requests.get(silent.url, timeout=0.2)),
        caught(lambda: urllib.request.urlopen(silent.url, timeout=0.2)),
    ]
    for exception in timeouts:
        error = transport_error(exception)
        assert type(error) is ReadTimeoutError and error.sent, exception
        assert error.category.value == "timeout"
    drops = [
        caught(lambda: httpx.get(dropping.url)),
        caught(lambda: requests.get(dropping.url, timeout=5).content),
        caught(lambda: urllib.request.urlopen(dropping.url, timeout=5).read()),
    ]
    for exception in drops:
        error = transport_error(exception)
        assert type(error) is ConnectionDroppedError and error.sent, exception


def test_connect_timeout_and_unrelated_exceptions() -> None:
    # A listener that never accepts, its backlog full: the kernel drops further handshakes.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(0)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/"
    fillers = []
    try:
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(listener.getsockname())
            fillers.append(filler)
        for exception in (caught(lambda: httpx.get(url, timeout=0.2)),
                          caught(lambda: requests.get(url, timeout=(0.2, 5)))):
            error = transport_error(exception)
            assert type(error) is ConnectTimeoutError and not error.sent, exception
    finally:
        for filler in fillers:
            filler.close()
        listener.close()
    assert transport_error(ValueError("no")) is None
    assert transport_error(KeyError("x")) is None


def test_call_with_retries_retries_unsent_failures_for_a_post_but_sent_ones_only_when_idempotent(
    silent: RawServer,
) -> None:
    clock = FakeClock()
    url = refused_url()
    with pytest.raises(ConnectFailedError) as raised:
        edgee.call_with_retries(lambda: httpx.post(url), sleep=clock.sleep, clock=clock)
    assert len(clock.sleeps) == 2  # 3 attempts: the default transport policy
    assert isinstance(raised.value.__cause__, httpx.ConnectError)
    assert raised.value.vendor == "edgee" and raised.value.docs_url

    attempts = []

    def post() -> httpx.Response:
        attempts.append(1)
        return httpx.post(silent.url, timeout=0.1)

    with pytest.raises(ReadTimeoutError):
        edgee.call_with_retries(post, sleep=clock.sleep, clock=clock)
    assert len(attempts) == 1  # the server may have acted on the POST
    with pytest.raises(ReadTimeoutError):
        edgee.call_with_retries(post, idempotent=True, sleep=clock.sleep, clock=clock)
    assert len(attempts) == 4


def test_tenacity_and_stamina_adapters_retry_transport_failures() -> None:
    import tenacity

    url = refused_url()
    attempts: list[int] = []

    def post() -> httpx.Response:
        attempts.append(1)
        return httpx.post(url)

    retrying = tenacity.Retrying(retry=edgee.tenacity_retry(), wait=edgee.tenacity_wait(),
                                 sleep=lambda s: None, reraise=True)
    with pytest.raises(httpx.ConnectError):
        retrying(post)
    assert len(attempts) == 3  # the transport policy's attempts, for a POST that never left
    on = edgee.stamina_on()
    assert isinstance(on(httpx.ConnectError("refused")), float)
    assert on(httpx.ReadTimeout("slow")) is False  # sent, and the call is not idempotent
    assert isinstance(edgee.stamina_on(idempotent=True)(httpx.ReadTimeout("slow")), float)


def test_async_calls_retry_transport_failures_then_succeed(vendor_server: VendorServer) -> None:
    clock = FakeClock()
    ok_url = vendor_server.serve(OK)
    urls = [refused_url(), ok_url]

    async def main() -> int:
        async with httpx.AsyncClient() as client:
            response = await edgee.acall_with_retries(
                lambda: client.post(urls.pop(0)), sleep=clock.asleep, clock=clock
            )
            return response.status_code

    assert asyncio.run(main()) == 200 and len(clock.sleeps) == 1


def test_spec_keys_set_the_transport_policy_budget_and_breaker(tmp_path: Path) -> None:
    from codegen.resolve_resilience import retrying_arguments
    from codegen.spec import Spec

    base = {"spec_version": 1, "vendor": {"name": "V", "slug": "v", "class_prefix": "V", "docs_url": "https://v.example/errors"},
            "retry_policies": {"never": {"retryable": False, "action": "fix_request"}},
            "families": {"client": {"retry": "never"}, "server": {"retry": "never"}}}
    assert retrying_arguments(Spec.model_validate(base, strict=False)) == []
    spec = Spec.model_validate({**base, "transport_failures": {"max_attempts": 5}, "retry_budget": {"enabled": False},
                                "circuit_breaker": {"failure_rate": 0.25}}, strict=False)
    arguments = dict(retrying_arguments(spec))
    assert "max_attempts=5" in arguments["transport_policy"]
    assert arguments["budget"] == "None"
    assert "failure_rate=0.25" in arguments["breaker"]
    limited = Spec.model_validate({**base, "rate_limits": [{"resource": "requests", "remaining": "x-remaining",
                                                            "reset": {"header": "x-reset"}}]}, strict=False)
    assert dict(retrying_arguments(limited))["limiter"] == "RateLimiter(rate_limits)"


# --- 2. the retry budget and the breaker ------------------------------------------------


def test_budget_spent_fails_fast_and_successes_refill_it(vendor_server: VendorServer) -> None:
    clock = FakeClock()
    budget = RetryBudget(capacity=20, retry_cost=5, timeout_cost=10, success_refund=1)
    url = vendor_server.serve(*[EDGEE_503] * 40)
    exhausted: list[Any] = []
    add_hook("budget_exhausted", exhausted.append)
    try:
        for _ in range(6):
            with pytest.raises(edgee.EdgeeServiceUnavailableError):
                edgee.call_with_retries(lambda: httpx.get(url), idempotent=True, budget=budget,
                                        sleep=clock.sleep, clock=clock)
    finally:
        remove_hook("budget_exhausted", exhausted.append)
    # 20 tokens pay for 4 retries; afterwards every call sends one request and stops.
    assert len(clock.sleeps) == 4
    assert exhausted and "retry budget" in "".join(exhausted[-1].error.__notes__)
    key = "edgee|127.0.0.1"
    store = LocalStore()
    assert store.withdraw(key, 5, 20) and store.tokens(key, 20) == 15
    store.deposit(key, 1, 20)
    assert store.tokens(key, 20) == 16


def test_tenacity_retries_draw_on_the_budget_and_successes_put_tokens_back(vendor_server: VendorServer) -> None:
    import tenacity

    store = LocalStore()
    budget = RetryBudget(capacity=10, retry_cost=5, success_refund=1, store=store)
    key = "edgee|127.0.0.1"
    exhausted: list[Any] = []

    def call(url: str, **options: Any) -> httpx.Response:
        retrying = tenacity.Retrying(retry=edgee.tenacity_retry(idempotent=True, **options),
                                     wait=edgee.tenacity_wait(), sleep=lambda s: None,
                                     stop=tenacity.stop_after_attempt(10), reraise=True)
        with httpx.Client() as client:
            return retrying(lambda: client.get(url))

    # A 503 then a success: the retry takes 5 tokens, the success puts those 5 back.
    assert call(vendor_server.serve(EDGEE_503, OK), budget=budget).status_code == 200
    assert store.tokens(key, 10) == 10
    add_hook("budget_exhausted", exhausted.append)
    try:
        # Always 503: 10 tokens pay for the first call's 2 retries (its policy's 3 attempts);
        # the next two calls are refused a retry and send once each.
        failing = vendor_server.serve(*[EDGEE_503] * 20)
        responses = [call(failing, budget=budget) for _ in range(3)]
    finally:
        remove_hook("budget_exhausted", exhausted.append)
    assert [r.status_code for r in responses] == [503, 503, 503]
    assert len(vendor_server.received_at(failing)) == 3 + 2
    assert store.tokens(key, 10) == 0 and len(exhausted) == 2
    assert "retry budget" in "".join(exhausted[-1].error.__notes__)
    # Without a budget the policy's own attempts (3) apply again.
    none_left = vendor_server.serve(*[EDGEE_503] * 3)
    assert call(none_left, budget=None).status_code == 503
    assert len(vendor_server.received_at(none_left)) == 3


def test_budget_is_shared_safely_by_threads() -> None:
    store = LocalStore()
    taken = []

    def take() -> None:
        for _ in range(1000):
            if store.withdraw("k", 5, 500):
                taken.append(1)

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(taken) == 100 and store.tokens("k", 500) == 0


def test_circuit_breaker_opens_on_failure_rate_and_half_open_probes_close_it(vendor_server: VendorServer) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_rate=0.5, window=10, minimum_calls=4, open_for=30, clock=clock)
    retrying = Retrying(edgee.EdgeeError, edgee.retry.policy_for, edgee.error_from_response,
                        edgee.parser.aerror_from_response, vendor="edgee", breaker=breaker, budget=None)
    bad = Reply.of(404, {"error": {"code": "model_not_found", "message": "no"}})
    url = vendor_server.serve(bad, bad, EDGEE_503, EDGEE_503, EDGEE_503, EDGEE_503, OK)
    for _ in range(2):  # 4xx: the caller's problem, counted as successes
        with pytest.raises(edgee.EdgeeError):
            retrying.call(lambda: httpx.get(url), max_attempts=1, sleep=clock.sleep, clock=clock)
    assert breaker.state("edgee|127.0.0.1") == "closed"
    for _ in range(4):
        with pytest.raises(edgee.EdgeeServiceUnavailableError):
            retrying.call(lambda: httpx.get(url), max_attempts=1, sleep=clock.sleep, clock=clock)
    assert breaker.state("edgee|127.0.0.1") == "open"
    with pytest.raises(CircuitOpenError):
        retrying.call(lambda: httpx.get(url), max_attempts=1, sleep=clock.sleep, clock=clock)
    assert len(vendor_server.received_at(url)) == 6  # refused without sending
    clock.now += 31
    assert retrying.call(lambda: httpx.get(url), sleep=clock.sleep, clock=clock).status_code == 200
    assert breaker.state("edgee|127.0.0.1") == "closed"


# --- 3. rate limits from headers, and adaptive pacing -----------------------------------


@dataclass(frozen=True)
class Limit:
    resource: str
    limit: int | None
    remaining: int | None
    reset_after: float | None


def github_limits(headers: Any) -> tuple[Limit, ...]:
    """Reads GitHub-style headers, as a vendor's ``rate_limits`` does."""
    remaining = headers.get("x-ratelimit-remaining")
    reset = headers.get("x-ratelimit-reset-after")
    if remaining is None or reset is None:
        return ()
    return (Limit("core", int(headers.get("x-ratelimit-limit")), int(remaining), float(reset)),)


class WindowServer:
    """Allows ``limit`` requests per window of ``period`` seconds; 429 beyond; sends headers."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self.window_start = time.time()
        self.used = 0
        self.statuses: list[int] = []
        self.lock = threading.Lock()
        self.server = RawServer(self.answer)
        self.url = self.server.url

    def answer(self, connection: socket.socket) -> None:
        with self.lock:
            now = time.time()
            if now - self.window_start >= self.period:
                self.window_start, self.used = now, 0
            self.used += 1
            status = 200 if self.used <= self.limit else 429
            self.statuses.append(status)
            remaining = max(0, self.limit - self.used)
            reset = self.period - (now - self.window_start)
        body = b'{"ok":true}' if status == 200 else b'{"error":{"code":"rate_limited","message":"slow down"}}'
        reason = b"OK" if status == 200 else b"Too Many Requests"
        head = (f"HTTP/1.1 {status} ".encode() + reason + b"\r\nContent-Type: application/json\r\n"
                + f"x-ratelimit-limit: {self.limit}\r\nx-ratelimit-remaining: {remaining}\r\n"
                  f"x-ratelimit-reset-after: {reset:.3f}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
        connection.sendall(head + body)


def test_limiter_waits_for_the_reset_instead_of_collecting_429s() -> None:
    server = WindowServer(limit=5, period=0.5)
    limiter = RateLimiter(github_limits)
    retrying = Retrying(edgee.EdgeeError, edgee.retry.policy_for, edgee.error_from_response,
                        edgee.parser.aerror_from_response, vendor="edgee", limiter=limiter)
    try:
        started = time.time()
        for _ in range(15):
            retrying.call(lambda: httpx.get(server.url), idempotent=True)
        elapsed = time.time() - started
    finally:
        server.server.close()
    assert server.statuses.count(429) == 0 and len(server.statuses) == 15
    assert elapsed >= 0.9  # 15 requests at 5 per half second: two waits for a reset


def test_adaptive_pacing_slows_down_after_429s_and_speeds_up_after_successes() -> None:
    now = [0.0]
    limiter = RateLimiter(None, clock=lambda: now[0])
    assert limiter.delay("v|h") == 0.0 and limiter.rate("v|h") is None
    limiter.observe("v|h", None, throttled=True)
    limiter.observe("v|h", None, throttled=True)
    assert limiter.rate("v|h") == pytest.approx(0.7)
    delays = [limiter.delay("v|h") for _ in range(3)]
    assert delays[0] == 0.0 and delays[1] == pytest.approx(1 / 0.7) and delays[2] > delays[1]
    now[0] += 10
    limiter.observe("v|h", None, throttled=False)
    assert limiter.rate("v|h") > 5


# --- 4. the Redis store -----------------------------------------------------------------


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed (apt-get install -y redis-server)")
        pytest.skip("redis-server is not installed")
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0", process
    process.terminate()
    process.wait(10)


def test_redis_store_shares_one_budget_between_stores(redis_server: tuple[str, Any]) -> None:
    url, _ = redis_server
    first, second = RedisStore(url), RedisStore(url)
    taken = 0
    for _ in range(60):
        taken += first.withdraw("edgee|h", 5, 500)
        taken += second.withdraw("edgee|h", 5, 500)
    assert taken == 100  # one bucket of 500 between them
    first.deposit("edgee|h", 7, 500)
    assert second.withdraw("edgee|h", 5, 500) and not second.withdraw("edgee|h", 5, 500)
    now = time.time()
    first.note_limit("edgee|h|core", 1, now + 30, 10)
    assert second.reserve("edgee|h|core", now) == 0.0
    assert 29 < first.reserve("edgee|h|core", now) <= 30


def test_calls_go_on_when_redis_dies_mid_run(redis_server: tuple[str, Any], vendor_server: VendorServer,
                                              caplog: pytest.LogCaptureFixture) -> None:
    url, process = redis_server
    store = RedisStore(url)
    set_default_store(store)
    clock = FakeClock()
    ok = vendor_server.serve(EDGEE_503, OK, EDGEE_503, OK)
    assert edgee.call_with_retries(lambda: httpx.get(ok), idempotent=True, sleep=clock.sleep, clock=clock).status_code == 200
    process.kill()
    process.wait(10)
    with caplog.at_level(logging.WARNING, logger="generated._store"):
        response = edgee.call_with_retries(lambda: httpx.get(ok), idempotent=True, sleep=clock.sleep, clock=clock)
    assert response.status_code == 200 and len(clock.sleeps) == 2
    assert any("Redis store unreachable" in r.getMessage() for r in caplog.records)


class SlowProxy(RawServer):
    """Forwards TCP to ``port`` on 127.0.0.1, holding each answer back ``delay`` seconds:
    a Redis server across a slow network."""

    def __init__(self, port: int, delay: float) -> None:
        self.target, self.delay = port, delay
        super().__init__(lambda connection: None)
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def _serve(self, connection: socket.socket) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target))
        threading.Thread(target=self._pump, args=(upstream, connection, self.delay), daemon=True).start()
        self._pump(connection, upstream, 0.0)

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket, delay: float) -> None:
        try:
            while chunk := source.recv(65536):
                time.sleep(delay)
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            source.close()
            target.close()


@pytest.mark.parametrize("blocking", [True, False])
def test_async_calls_use_a_redis_store_off_the_event_loop(redis_server: tuple[str, Any], vendor_server: VendorServer,
                                                          monkeypatch: pytest.MonkeyPatch, blocking: bool) -> None:
    url, _ = redis_server
    proxy = SlowProxy(int(url.rsplit(":", 1)[1].split("/")[0]), delay=0.3)
    store = RedisStore(proxy.url, timeout=2.0)
    monkeypatch.setattr(RedisStore, "blocking", blocking)  # False: as if it did not say so
    budget = RetryBudget(store=store)
    served = vendor_server.serve(EDGEE_503, EDGEE_503, OK)
    gaps: list[float] = []

    async def main() -> int:
        done = asyncio.Event()

        async def tick() -> None:
            last = time.perf_counter()
            while not done.is_set():
                await asyncio.sleep(0.005)
                now = time.perf_counter()
                gaps.append(now - last)
                last = now

        ticker = asyncio.create_task(tick())
        async with httpx.AsyncClient() as client:
            response = await edgee.acall_with_retries(lambda: client.get(served), idempotent=True,
                                                      budget=budget, sleep=FakeClock().asleep)
        done.set()
        await ticker
        return response.status_code

    try:
        assert asyncio.run(main()) == 200
    finally:
        proxy.close()
    # Two withdrawals and a deposit, each a 0.3 s round trip: the loop kept ticking only
    # while they ran in a worker thread.
    import redis

    tokens = float(redis.Redis.from_url(url).get("resilience:edgee|127.0.0.1") or 0)
    assert tokens == 500 - 5  # 10 taken, the success put back its last retry's 5
    if blocking:
        assert max(gaps) < 0.2
    else:
        assert max(gaps) > 0.28


# --- 5. observability ---------------------------------------------------------------------


def test_logs_hooks_notes_and_attributes(vendor_server: VendorServer, caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    url = vendor_server.serve(EDGEE_503, EDGEE_503, EDGEE_503, EDGEE_503)
    gave_up: list[Any] = []
    add_hook("give_up", gave_up.append)
    try:
        with caplog.at_level(logging.INFO, logger="generated.edgee"), pytest.raises(edgee.EdgeeServiceUnavailableError) as raised:
            edgee.call_with_retries(lambda: httpx.get(url), idempotent=True, sleep=clock.sleep, clock=clock)
    finally:
        remove_hook("give_up", gave_up.append)
    retries = [r for r in caplog.records if getattr(r, "event", None) == "retry"]
    assert retries and retries[0].vendor == "edgee" and retries[0].attempt == 1  # type: ignore[attr-defined]
    assert retries[0].server_address == "127.0.0.1"  # type: ignore[attr-defined]
    assert len(gave_up) == 1 and gave_up[0].attempt == len(clock.sleeps) + 1
    given_up = [r for r in caplog.records if getattr(r, "event", None) == "give_up"]
    assert [r.getMessage().split(":")[0] for r in given_up] == [f"giving up at attempt {gave_up[0].attempt}"]
    error = raised.value
    assert error.vendor == "edgee" and error.docs_url == "https://docs.edgee.ai/api-reference/errors"
    notes = "\n".join(error.__notes__)
    assert error.docs_url in notes
    if error.solution:
        assert error.solution in notes
    attributes = otel_attributes(error, 2)
    assert attributes == {"error.type": f"{type(error).__module__}.{type(error).__qualname__}",
                          "http.response.status_code": 503, "http.request.resend_count": 2,
                          "server.address": "127.0.0.1"}


def test_retries_are_span_events_on_the_current_span(vendor_server: VendorServer) -> None:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    clock = FakeClock()
    url = vendor_server.serve(EDGEE_503, OK)
    with provider.get_tracer("test").start_as_current_span("call"):
        edgee.call_with_retries(lambda: httpx.get(url), idempotent=True, sleep=clock.sleep, clock=clock)
    (span,) = exporter.get_finished_spans()
    (event,) = span.events
    assert event.name == "retry" and event.attributes["http.response.status_code"] == 503
    assert event.attributes["http.request.resend_count"] == 1


def test_optional_integrations_are_not_imported_by_retrying() -> None:
    code = ("import sys, httpx, generated.edgee as e\n"
            "e.call_with_retries(lambda: None)\n"
            "print(sorted(m for m in ('redis', 'opentelemetry', 'logging', 'asyncio') if m in sys.modules))")
    # httpx imports logging and asyncio-free modules; what matters is redis and opentelemetry.
    out = subprocess.run([os.sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent).stdout
    assert "redis" not in out and "opentelemetry" not in out


def test_the_retry_helpers_load_only_the_packages_own_modules_and_compile_nothing() -> None:
    # The first call_with_retries of a process pays for what it loads: no standard library
    # module beyond those a vendor's import loaded already (weakref, asyncio, random, ...).
    # Nor does it compile any code (a NamedTuple would): the first compilation of a
    # process starts Python's compiler, which costs more than the modules themselves.
    code = ("import json, sys, generated.edgee as e\n"
            "before = set(sys.modules)\n"
            "compiled = []\n"
            "sys.addaudithook(lambda event, args: event == 'compile' and compiled.append(args[1]))\n"
            "e.call_with_retries(lambda: None)\n"
            "print(json.dumps([sorted(set(sys.modules) - before), compiled]))")
    out = subprocess.run([os.sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent).stdout
    loaded, compiled = json.loads(out)
    assert loaded and all(name.startswith("generated.") for name in loaded), loaded
    # A module without a bytecode cache yet is compiled from its file: that is not code made at run time.
    assert [name for name in compiled if not str(name).endswith(".py")] == []


# --- 6. defects ---------------------------------------------------------------------------


def test_stamina_hook_used_as_a_decorator_counts_each_call_afresh(vendor_server: VendorServer) -> None:
    stamina.set_testing(True, attempts=10)
    try:
        calls = []

        @stamina.retry(on=speech.stamina_on(idempotent=True), attempts=10)
        def fetch(url: str) -> None:
            calls.append(url)
            speech.raise_for_error(httpx.get(url))

        warming = Reply.of(503, {"error": {"code": "SERVICE_WARMING_UP", "message": "w",
                                           "timestamp": "2026-04-21T12:34:56Z", "retryAfterSeconds": 1}})
        for _ in range(2):
            url = vendor_server.serve(*[warming] * 10)
            with pytest.raises(speech.SpeechError):
                fetch(url)
        # Both calls make the policy's attempts; a shared count would cut the second short.
        assert calls.count(calls[0]) == calls.count(calls[-1]) > 1
    finally:
        stamina.set_testing(False)


def test_retry_transport_resends_a_small_streamed_body_and_never_a_large_one(vendor_server: VendorServer) -> None:
    clock = FakeClock()
    url = vendor_server.serve(EDGEE_503, OK)
    transport = RetryTransport(retrying=edgee.RETRYING, sleep=clock.sleep, clock=clock)

    def body(size: int) -> Iterator[bytes]:
        for _ in range(size // 1024):
            yield b"x" * 1024

    with httpx.Client(transport=transport) as client:
        response = client.put(url, content=body(4096))
        assert response.status_code == 200
        received = vendor_server.received_at(url)
        assert [len(r.body) for r in received] == [4096, 4096]
        url = vendor_server.serve(EDGEE_503, OK)
        response = client.put(url, content=body(200 * 1024))  # over 64 KiB: streamed once
        assert response.status_code == 503 and len(vendor_server.received_at(url)) == 1

