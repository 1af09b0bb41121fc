"""Attack every accepted message pattern with strings built from its own structure.

    python bench/fuzz_patterns.py            # sizes 1, 4 and 8 KB, every attack
    python bench/fuzz_patterns.py --smoke    # 8 KB only, a few attacks per pattern: seconds

Patterns come from ``specs/``, ``tests/features/*/specs`` and ``codegen/catalog/`` (when
present), templates compiled as the build compiles them. For each pattern the attacks
repeat each literal run, pump each repeated atom (alone, after a prefix that reaches it,
and with a failing suffix), repeat the pattern's own sample and pairs of its pieces, up to
8 KB. A vendor of ``specs/`` is timed through its generated ``parse_error`` (the message
put where its envelope reads it, in the error's own example); every other pattern through
``re.search`` on the message clipped to ``MATCH_LIMIT``, as the generated parser does.
Each time is the best of three calls; the table shows each pattern's worst attack.
Goal: the worst time <= 1 ms. Exits 1 when a pattern misses it.

A control times two patterns the build rejects on one 512-character attack each, to show
that such attacks find slow patterns.
"""

from __future__ import annotations

import argparse
import importlib
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from codegen.config import spec_files  # noqa: E402
from codegen.load import load_spec  # noqa: E402
from codegen.regex_safety import sre_constants, sre_parse, witness_of  # noqa: E402
from codegen.render import MATCH_LIMIT  # noqa: E402
from codegen.validate import error_sections, validate  # noqa: E402
from hostile import with_value  # noqa: E402

GOAL_SECONDS = 0.001
CONTROL_SIZE = 512
CONTROLS = ["(?P<a>.*): (?P<b>.*) not found", "^(?P<a>.*) (?P<b>.*) (?P<c>.*) is invalid$"]


@dataclass
class Target:
    where: str  # spec file and error
    pattern: str
    run: Callable[[str], Any]
    via: str  # "parse_error" or "search"


def spec_folders() -> list[tuple[Path, str | None]]:
    """Spec folders, with the package their committed output is imported as (None: none)."""
    folders: list[tuple[Path, str | None]] = [(ROOT / "specs", "generated")]
    folders += [(p, None) for p in sorted((ROOT / "tests" / "features").glob("*/specs"))]
    catalog = ROOT / "codegen" / "catalog"
    if catalog.is_dir():
        folders.append((catalog, None))
    return folders


def targets() -> Iterator[Target]:
    for folder, package in spec_folders():
        for path in spec_files(folder):
            spec = validate(load_spec(path, str(path.relative_to(ROOT)))).spec
            vendor = _vendor(package, spec.vendor.slug)
            message_paths = [p for e in spec.envelopes for p in e.message]
            for _, errors in error_sections(spec):
                for error in errors:
                    for pattern in error.patterns:
                        where = f"{path.relative_to(ROOT)} {error.name}"
                        run = _through_parse_error(vendor, error, message_paths)
                        if run is not None:
                            yield Target(where, pattern, run, "parse_error")
                        else:
                            yield Target(where, pattern, _through_search(pattern), "search")


def _vendor(package: str | None, slug: str) -> Any:
    if package is None:
        return None
    try:
        return importlib.import_module(f"{package}.{slug}")
    except ImportError:
        return None


def _through_parse_error(vendor: Any, error: Any, message_paths: list[str]) -> Callable[[str], Any] | None:
    """The generated parse_error, given the error's example body with the message replaced."""
    if vendor is None:
        return None
    for example in error.examples:
        status = example.status or error.status or 400
        for path in message_paths:
            if _has_path(example.body, path):
                body = example.body
                return lambda message: vendor.parse_error(status, with_value(body, path, message))
    return None


def _has_path(body: Any, path: str) -> bool:
    for part in path.split("."):
        if isinstance(body, dict) and part in body:
            body = body[part]
        elif isinstance(body, list) and part.isdigit() and int(part) < len(body):
            body = body[int(part)]
        else:
            return False
    return isinstance(body, str)


def _through_search(pattern: str) -> Callable[[str], Any]:
    compiled = re.compile(pattern)
    return lambda message: compiled.search(message[:MATCH_LIMIT])


def pieces(pattern: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The pattern's literal runs, and each repeated atom's sample with a prefix that reaches it."""
    literals: list[str] = []
    pumps: list[tuple[str, str]] = []

    def visit(items: list[Any], prefix: str) -> None:
        run: list[str] = []
        for index, (op, arg) in enumerate(items):
            here = prefix + (witness_of(items[:index]) or "")
            if op == sre_constants.LITERAL:
                run.append(chr(arg))
                continue
            if run:
                literals.append("".join(run))
                run = []
            if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
                sample = witness_of(arg[2]) or "a"
                pumps.append((here, sample or "a"))
                visit(list(arg[2]), here)
            elif op == sre_constants.SUBPATTERN:
                visit(list(arg[-1]), here)
            elif op == sre_constants.BRANCH:
                for branch in arg[1]:
                    visit(list(branch), here)
            elif op == sre_constants.IN:
                pumps.append((here, witness_of([(op, arg)]) or "a"))
        if run:
            literals.append("".join(run))

    visit(list(sre_parse.parse(pattern)), "")
    return literals, pumps


def attacks(pattern: str, sizes: list[int], rng: random.Random, smoke: bool) -> Iterator[str]:
    literals, pumps = pieces(pattern)
    sample = witness_of(sre_parse.parse(pattern)) or "a"
    units = [*literals, *(p for _, p in pumps), sample]
    units += [a + b for a in units[:6] for b in units[:6] if a != b]
    chars = sorted(set(pattern) | set("".join(units)))
    for size in sizes:
        for suffix in ("", "\x00", "!\n"):
            for unit in units[: 4 if smoke else None]:
                yield (unit * (size // max(len(unit), 1) + 1))[:size] + suffix
            for prefix, unit in pumps[: 3 if smoke else None]:
                yield prefix + (unit * (size // max(len(unit), 1) + 1))[: size - len(prefix)] + suffix
        yield "".join(rng.choice(chars) for _ in range(size))


def timed(run: Callable[[str], Any], message: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        run(message)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="8 KB only, a few attacks per pattern")
    options = parser.parse_args()
    sizes = [8192] if options.smoke else [1024, 4096, 8192]
    rng = random.Random(0)
    started = time.perf_counter()
    rows = []
    for target in targets():
        worst, worst_message = 0.0, ""
        count = 0
        for message in attacks(target.pattern, sizes, rng, options.smoke):
            count += 1
            seconds = timed(target.run, message)
            if seconds > worst:
                worst, worst_message = seconds, message
        rows.append((target, worst, count, worst_message))

    print(f"{'worst ms':>9} {'attacks':>7}  {'via':<11}  pattern (spec, error)")
    for target, worst, count, message in sorted(rows, key=lambda r: -r[1]):
        flag = "" if worst <= GOAL_SECONDS else "  <-- over 1 ms"
        print(f"{worst * 1000:9.3f} {count:7d}  {target.via:<11}  {target.pattern!r} ({target.where}){flag}")
        if flag:
            print(f"{'':30}worst attack: {message[:60]!r}... ({len(message)} chars)")
    over = [r for r in rows if r[1] > GOAL_SECONDS]
    total = sum(r[2] for r in rows)
    print(f"\n{len(rows)} patterns, {total} attacks, worst {max(r[1] for r in rows) * 1000:.3f} ms"
          f" (goal <= {GOAL_SECONDS * 1000:g} ms): {'FAIL' if over else 'ok'}; {time.perf_counter() - started:.1f} s")

    print(f"\ncontrol, patterns the build rejects, their literal run repeated to {CONTROL_SIZE} characters:")
    for pattern in CONTROLS:
        literals, _ = pieces(pattern)
        message = (literals[0] * CONTROL_SIZE)[:CONTROL_SIZE]
        run = _through_search(pattern)
        start = time.perf_counter()
        run(message)
        print(f"{(time.perf_counter() - start) * 1000:9.1f} ms  {pattern!r} on {message[:8]!r}...")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
