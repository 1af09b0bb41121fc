"""Event parsing throughput of the generated stream readers, against a bare loop.

The floor is what a hand-written reader does: httpx's ``iter_lines()`` and
``json.loads`` of each ``data:`` line.  The subject is a vendor's ``iter_events``,
which also joins multi-line data, tracks ids, recognises error events and counts
content.  Both read the same stream (OpenAI-style chat chunks of about 200 bytes, in
4 KiB chunks, through an httpx streaming response built in memory), back to back in
each round, in alternating order; the median of the rounds' ratios counts, as a burst
of load from elsewhere slows both runs of a round alike.  Goal: at least 80 % of the
floor's events per second.

    python bench/streams.py            # 21 rounds of 20,000 events
    python bench/streams.py --smoke    # a few seconds
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "features" / "streams"))

from generated_streams.gptish.streams import iter_events  # noqa: E402

GOAL = 0.80
CHUNK = 4096


def stream(events: int) -> bytes:
    parts = []
    for index in range(events):
        chunk = {
            "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
            "object": "chat.completion.chunk",
            "created": 1741569952,
            "model": "gpt-4.1-2025-04-14",
            "choices": [{"index": 0, "delta": {"content": f" token{index}"}, "finish_reason": None}],
        }
        parts.append(b"data: " + json.dumps(chunk).encode() + b"\n\n")
    parts.append(b"data: [DONE]\n\n")
    return b"".join(parts)


def response(body: bytes) -> httpx.Response:
    def chunks() -> Iterator[bytes]:
        for start in range(0, len(body), CHUNK):
            yield body[start : start + CHUNK]

    return httpx.Response(200, content=chunks(), headers={"content-type": "text/event-stream"})


def floor(body: bytes) -> int:
    count = 0
    for line in response(body).iter_lines():
        if line.startswith("data: "):
            payload = line[6:]
            if payload != "[DONE]":
                json.loads(payload)
            count += 1
    return count


def subject(body: bytes) -> int:
    count = 0
    for _ in iter_events(response(body)):
        count += 1
    return count


def timed(run: Callable[[bytes], int], body: bytes) -> tuple[float, int]:
    started = time.perf_counter()
    count = run(body)
    return time.perf_counter() - started, count


def main() -> int:
    smoke = "--smoke" in sys.argv
    events, rounds = (5_000, 3) if smoke else (20_000, 21)
    body = stream(events)
    ratios = []
    best = {"floor": float("inf"), "subject": float("inf")}
    print(f"{events:,} events a round, {len(body) / 1e6:.1f} MB in {CHUNK}-byte chunks, {rounds} rounds")
    for round_number in range(1, rounds + 1):
        seconds = {}
        order = [("floor", floor), ("subject", subject)]
        for name, run in order if round_number % 2 else order[::-1]:
            seconds[name], count = timed(run, body)
            assert count == events + 1, (name, count)
            best[name] = min(best[name], seconds[name])
        ratios.append(seconds["floor"] / seconds["subject"])
        print(
            f"round {round_number:2}: floor {(events + 1) / seconds['floor']:9,.0f} events/s"
            f"  subject {(events + 1) / seconds['subject']:9,.0f} events/s  ratio {ratios[-1]:.0%}"
        )
    median = statistics.median(ratios)
    print(f"floor   (httpx iter_lines + json.loads), best round: {(events + 1) / best['floor']:,.0f} events/s")
    print(f"subject (iter_events), best round:                   {(events + 1) / best['subject']:,.0f} events/s")
    print(f"ratio of the best rounds: {best['floor'] / best['subject']:.0%}")
    verdict = "PASS" if median >= GOAL else "FAIL"
    print(f"subject/floor throughput, median of the rounds' ratios: {median:.0%} (goal >= {GOAL:.0%}) {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
