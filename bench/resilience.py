"""Resilience benchmarks, side by side in one run, against servers on 127.0.0.1 only.

    python bench/resilience.py           # the full run (about a minute)
    python bench/resilience.py --smoke   # a few seconds, for CI

1. amplification: 1,000 concurrent asyncio callers, each calling about once a second for
   10 s, against a server that answers 503 to everything; requests per call with the retry
   budget (over aiohttp), against openai-python's default retries (over its httpx client)
   in the same run; event-loop lag (a 1 ms sleep's overshoot) during each run.
2. rate limiting: 4x oversubscription of a server enforcing a token bucket and sending
   rate-limit headers: 429s and goodput with retries alone, and with the rate limiter.
3. overhead: a successful call through call_with_retries with the budget and limiter,
   against the same call with neither.
4. Redis: several processes sharing one budget through a RedisStore send about what one
   process sends.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SERVER = r'''
import asyncio, sys, time
mode, port, rate, capacity = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
state = {"tokens": capacity, "at": time.monotonic(), "requests": 0}

def bucket():
    now = time.monotonic()
    state["tokens"] = min(capacity, state["tokens"] + (now - state["at"]) * rate)
    state["at"] = now
    if state["tokens"] >= 1:
        state["tokens"] -= 1
        status = 200
    else:
        status = 429
    remaining = int(state["tokens"])
    reset = (capacity - state["tokens"]) / rate
    return status, remaining, reset

async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length:
                await reader.readexactly(length)
            if head.startswith(b"GET /count"):  # not a request of the run: not counted
                body = str(state["requests"]).encode()
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
                await writer.drain()
                continue
            state["requests"] += 1
            if mode == "503":
                body = b'{"error":{"code":"service_unavailable","message":"down","type":"server_error"}}'
                extra = b""
                status = b"503 Service Unavailable"
            else:
                code, remaining, reset = bucket()
                status = b"200 OK" if code == 200 else b"429 Too Many Requests"
                body = b'{"ok":true}' if code == 200 else b'{"error":{"code":"rate_limited","message":"slow"}}'
                extra = b"x-ratelimit-limit: %d\r\nx-ratelimit-remaining: %d\r\nx-ratelimit-reset-after: %.3f\r\n" % (capacity, remaining, reset)
                if code == 429:
                    extra += b"Retry-After: 1\r\n"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\n" + extra
                         + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()

async def main():
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=2048)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
'''


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """The scripted server, in a process of its own so it does not share our event loop."""

    def __init__(self, mode: str, rate: float = 0, capacity: float = 0) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVER, mode, str(self.port), str(rate), str(capacity)],
            stdout=subprocess.PIPE,
        )
        assert self.process.stdout is not None
        self.process.stdout.readline()

    def count(self) -> int:
        import httpx

        return int(httpx.get(self.url + "/count").text)

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)


def fresh_state() -> None:
    from generated import _store
    from generated.edgee import RETRYING

    _store.set_default_store(_store.LocalStore())
    RETRYING.drained = False
    if RETRYING.limiter is not None:
        RETRYING.limiter.clear()


async def lag_monitor(samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        await asyncio.sleep(0.001)
        samples.append(time.perf_counter() - started - 0.001)


def percentiles(lags: list[float]) -> str:
    if not lags:
        return "no samples"
    lags = sorted(lags)
    return f"p50 {lags[len(lags) // 2] * 1000:.1f} ms, p99 {lags[int(len(lags) * 0.99)] * 1000:.1f} ms"


def amplification(callers: int, seconds: float) -> None:
    import aiohttp
    import openai

    from generated import edgee

    from generated._budget import RetryBudget

    server = Server("503")
    # The default budget (500 tokens, 100 retries) serves 1,000 callers; a smaller run gets
    # it scaled down, so that its figure means the same.
    scaled = {} if callers >= 1000 else {"budget": RetryBudget(capacity=500 * callers / 1000)}

    async def sustained(call: Any) -> tuple[int, list[float]]:
        """``callers`` tasks alive for ``seconds``, each calling, then pausing about a
        second (0.5-1.5 s) before its next call: about ``callers`` calls a second, with
        arrivals spread as a service's traffic is.  Returns the calls made and the lag
        of the event loop meanwhile."""
        lags: list[float] = []
        stop = asyncio.Event()
        monitor = asyncio.create_task(lag_monitor(lags, stop))
        deadline = time.perf_counter() + seconds
        made = 0

        async def caller(pick: random.Random) -> None:
            nonlocal made
            await asyncio.sleep(pick.uniform(0, 1))
            while time.perf_counter() < deadline:
                made += 1
                await call()
                await asyncio.sleep(pick.uniform(0.5, 1.5))

        await asyncio.gather(*(caller(random.Random(i)) for i in range(callers)))
        stop.set()
        await monitor
        return made, lags

    async def ours(plain: bool = False) -> tuple[int, list[float]]:
        # aiohttp: httpx's pool scans every waiting request on each event, which with
        # 1,000 connections in one pool blocks the loop (openai-python's figures show it).
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:

            async def call() -> None:
                if plain:  # the floor: the same requests, once each, without retrying
                    response = await session.get(server.url + "/v1/models")
                    await response.read()
                    return
                try:
                    await edgee.acall_with_retries(
                        lambda: session.get(server.url + "/v1/models"), idempotent=True, **scaled
                    )
                except edgee.EdgeeError:
                    pass

            return await sustained(call)

    async def theirs() -> tuple[int, list[float]]:
        client = openai.AsyncOpenAI(api_key="x", base_url=server.url + "/v1", timeout=60)

        async def call() -> None:
            try:
                await client.models.list()
            except openai.APIStatusError:
                pass

        try:
            return await sustained(call)
        finally:
            await client.close()

    def measured(run: Any) -> tuple[float, list[float]]:
        """Requests per call, and the lags, of one run."""
        before = server.count()
        made, lags = asyncio.run(run())
        return (server.count() - before) / made, lags

    try:
        _, floor_lags = measured(lambda: ours(plain=True))
        fresh_state()
        per_call, lags = measured(ours)
        their_per_call, their_lags = measured(theirs)
    finally:
        server.close()
    print(f"amplification ({callers} callers for {seconds:.0f} s, a call about every second each, all 503):")
    budget = "the default retry budget" if not scaled else f"a retry budget of {500 * callers / 1000:.0f} tokens"
    print(f"  with {budget}: {per_call:.2f} requests per call (goal <= 1.2)")
    print(f"  openai-python default: {their_per_call:.2f} requests per call")
    print(f"  event-loop lag (goal p99 < 5 ms): ours {percentiles(lags)}; openai-python's"
          f" {percentiles(their_lags)}; aiohttp alone, the same calls without retrying:"
          f" {percentiles(floor_lags)}")


def rate_limiting(seconds: float) -> None:
    import httpx

    from generated import edgee
    from generated._ratelimit import RateLimiter

    rate, capacity = 50.0, 10.0
    workers, per_worker = 40, 4 * rate / 40  # offered: 4x the server's rate

    class Limit:
        __slots__ = ("limit", "remaining", "reset_after", "resource")

        def __init__(self, limit: int, remaining: int, reset_after: float) -> None:
            self.resource, self.limit, self.remaining, self.reset_after = "requests", limit, remaining, reset_after

    def read_limits(headers: Any) -> tuple[Limit, ...]:
        remaining, reset = headers.get("x-ratelimit-remaining"), headers.get("x-ratelimit-reset-after")
        if remaining is None or reset is None:
            return ()
        return (Limit(int(headers.get("x-ratelimit-limit")), int(remaining), float(reset)),)

    async def run(limiter: RateLimiter | None, server: Server) -> tuple[int, int]:
        edgee.RETRYING.limiter = limiter
        fresh_state()
        done = 0
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient(timeout=30) as client:

            async def worker() -> None:
                nonlocal done
                while time.monotonic() < deadline:
                    started = time.monotonic()
                    try:
                        await edgee.acall_with_retries(
                            lambda: client.get(server.url + "/v1/x"), idempotent=True,
                            budget=None, deadline=max(0.0, deadline - time.monotonic()),
                        )
                        if time.monotonic() <= deadline:
                            done += 1
                    except edgee.EdgeeError:
                        pass
                    await asyncio.sleep(max(0.0, 1 / per_worker - (time.monotonic() - started)))

            await asyncio.gather(*(worker() for _ in range(workers)))
        return done, 0

    results = {}
    default = edgee.RETRYING.limiter
    try:
        for name, limiter in (("retrying alone", None), ("with the limiter", RateLimiter(read_limits))):
            server = Server("bucket", rate, capacity)
            try:
                done, _ = asyncio.run(run(limiter, server))
                total = server.count()
            finally:
                server.close()
            results[name] = (done, total - done)
    finally:
        edgee.RETRYING.limiter = default
    print(f"rate limiting ({seconds:.0f} s, server bucket {rate:.0f}/s, capacity {capacity:.0f}, offered 4x):")
    for name, (done, refused) in results.items():
        print(f"  {name:17}: goodput {done / seconds:5.1f} calls/s, 429s {refused}")
    alone, limited = results["retrying alone"][1], results["with the limiter"][1]
    if alone:
        print(f"  429s cut by {100 * (1 - limited / alone):.0f} % (goal >= 50 %)")


def overhead(number: int) -> None:
    import httpx

    from generated import edgee
    from generated._retrying import Retrying

    response = httpx.Response(200, request=httpx.Request("GET", "http://127.0.0.1/"))
    bare = Retrying(edgee.EdgeeError, edgee.retry.policy_for, edgee.error_from_response,
                    edgee.parser.aerror_from_response, vendor="edgee", budget=None, limiter=None)
    fresh_state()
    full = edgee.RETRYING
    fn = lambda: response  # noqa: E731
    rounds = []
    for _ in range(7):
        plain = timeit.timeit(lambda: bare.call(fn), number=number) / number
        guarded = timeit.timeit(lambda: full.call(fn), number=number) / number
        rounds.append((guarded - plain, plain))
    extra = statistics.median(r[0] for r in rounds)
    print(f"overhead: a successful call {statistics.median(r[1] for r in rounds) * 1e6:.2f} us without budget"
          f" and limiter; they add {extra * 1e6:.2f} us (goal <= 1 us; median of 7 rounds)")


REDIS_WORKER = r'''
import sys
sys.path.insert(0, sys.argv[3])
import logging
import httpx
from generated import APIError, edgee, _store
logging.getLogger("generated").setLevel(logging.ERROR)
_store.set_default_store(_store.RedisStore(sys.argv[1], prefix=sys.argv[4]))
with httpx.Client() as client:
    for _ in range(int(sys.argv[2])):
        try:
            edgee.call_with_retries(lambda: client.get(sys.argv[5]), idempotent=True, sleep=lambda s: None)
        except APIError:
            pass
'''


def redis_shared(calls: int, processes: int) -> None:
    binary = shutil.which("redis-server")
    if binary is None:
        print("redis: redis-server is not installed; skipped")
        return
    port = free_port()
    folder = tempfile.mkdtemp()
    redis = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL)
    server = Server("503")
    url = f"redis://127.0.0.1:{port}/0"
    time.sleep(0.3)
    try:
        sent = {}
        for count in (1, processes):
            before = server.count()
            workers = [
                subprocess.Popen([sys.executable, "-c", REDIS_WORKER, url, str(calls // count), str(ROOT),
                                  f"bench{count}:", server.url + "/v1/models"])
                for _ in range(count)
            ]
            try:
                for worker in workers:
                    worker.wait(600)
            finally:
                for worker in workers:
                    worker.kill()
            sent[count] = server.count() - before
    finally:
        server.close()
        redis.terminate()
        redis.wait(10)
        shutil.rmtree(folder, ignore_errors=True)
    one, many = sent[1], sent[processes]
    print(f"redis ({calls} calls against 503s, one shared budget): 1 process sent {one} requests,"
          f" {processes} processes sent {many} ({100 * (many - one) / one:+.1f} %, goal within 10 %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="a few seconds, for CI")
    args = parser.parse_args()
    # The budget's once-a-minute warning of an outage would land among the figures.
    logging.getLogger("generated").setLevel(logging.ERROR)
    if args.smoke:
        amplification(100, 1.0)
        rate_limiting(2.0)
        overhead(2_000)
        redis_shared(200, 2)
    else:
        amplification(1000, 10.0)
        rate_limiting(10.0)
        overhead(20_000)
        redis_shared(1000, 4)


if __name__ == "__main__":
    main()
