"""Long fuzz run: hostile server responses fed to every generated parser, run by hand.

    python bench/fuzz.py             # 100,000 inputs per vendor
    python bench/fuzz.py --quick     # 2,000 per vendor: a smoke run of a few seconds
    python bench/fuzz.py -n 1000000 --seed 7
    python bench/fuzz.py --replay 0:edgee:parse_error:4242   # one input again, with its traceback

Inputs come from ``tests/hostile.py``, the generators the property tests use: status codes
0 to 999, header sets with odd casing, duplicates and junk types, hostile ``Retry-After``
values and request ids, random and invalid UTF-8 bytes, truncated and wrongly typed JSON,
HTML pages, and real httpx and requests responses.  Each input is checked against the
contract (``hostile.check``).  Prints, per vendor and function, the inputs run, the
failures (there must be none) and inputs per second; exits 1 when any input fails.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import hostile  # noqa: E402

SHOWN_FAILURES = 5


def replay(seed: str) -> int:
    _, slug, runner, _ = seed.split(":")
    vendor = next(v for v in hostile.load_vendors() if v.slug == slug)
    try:
        hostile.RUNNERS[runner](vendor, random.Random(seed))
    except BaseException:
        traceback.print_exc()
        return 1
    print(f"{seed}: passes")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", "--inputs", type=int, default=100_000, help="inputs per vendor (default 100,000)")
    parser.add_argument("--quick", action="store_true", help="2,000 inputs per vendor")
    parser.add_argument("--seed", default="0", help="run seed; each input's seed derives from it")
    parser.add_argument("--replay", metavar="SEED", help="run one input again and show its traceback")
    args = parser.parse_args()
    if args.replay:
        return replay(args.replay)
    per_vendor = 2_000 if args.quick else args.inputs

    vendors = hostile.load_vendors()
    print(f"{per_vendor:,} inputs per vendor, seed {args.seed}")
    print(f"{'vendor':<12}{'function':<22}{'inputs':>10}{'failures':>10}{'inputs/s':>11}")
    failures: list[tuple[str, str]] = []
    total, total_seconds = 0, 0.0
    for vendor in vendors:
        runners = list(hostile.runners_for(vendor).items())
        for turn, (name, run) in enumerate(runners):
            count = per_vendor // len(runners) + (1 if turn < per_vendor % len(runners) else 0)
            failed = 0
            started = time.perf_counter()
            for index in range(count):
                seed = f"{args.seed}:{vendor.slug}:{name}:{index}"
                try:
                    run(vendor, random.Random(seed))
                except BaseException as exc:  # an assertion or anything that escaped
                    failed += 1
                    failures.append((seed, f"{type(exc).__name__}: {str(exc)[:200]}"))
            seconds = time.perf_counter() - started
            total, total_seconds = total + count, total_seconds + seconds
            print(f"{vendor.slug:<12}{name:<22}{count:>10,}{failed:>10,}{count / seconds:>11,.0f}")
    print(f"{'all':<34}{total:>10,}{len(failures):>10,}{total / total_seconds:>11,.0f}")
    for seed, what in failures[:SHOWN_FAILURES]:
        print(f"FAILED {seed}: {what}\n  replay: python bench/fuzz.py --replay {seed}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
