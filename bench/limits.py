"""Hostile specs of about 1 MB each: time and peak memory of `codegen validate` on each.

    python bench/limits.py            # every case at 1 MB
    python bench/limits.py --smoke    # every case at 64 KB; fails only on a wrong exit or an internal error

Each case is one spec file that attacks a limit of the loader or the validator: a large
scalar aliased many times, a deeply nested flow, a number of a million digits, patterns
nested hundreds of groups deep, duplicate keys written once as a number and once as a
string, lone surrogates, 2,000 errors sharing one status, and a file name with control
characters; a valid 1 KB spec first shows the floor (interpreter start-up and imports)
on the machine as loaded at the time. `codegen validate` runs in a process of its own (address space capped at
2 GB); the table shows its wall time, its peak resident memory (from wait4), its exit
code and the first line it printed. Goal: each case <= 5 s and <= 500 MB, exit 1 with
a located message (or 0 for the valid 2,000-error spec), never an internal error.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = (ROOT / "tests" / "bad_specs" / "_baseline" / "acme.yaml").read_text(encoding="utf-8")
GOAL_SECONDS = 5.0
GOAL_BYTES = 500 * 1024 * 1024
ADDRESS_SPACE = 2 * 1024 * 1024 * 1024
TIMEOUT = 120


def with_example(body: str) -> str:
    """The baseline spec with ``body`` as the example body of its first error."""
    return BASELINE.replace(
        "    title: Invalid field\n", "    title: Invalid field\n    examples:\n      - body: " + body + "\n", 1
    )


def aliased_scalar(size: int) -> str:
    count = 1000
    scalar = "x" * (size - count * 4)
    return with_example("{a: &s " + scalar + ", b: [" + ", ".join(["*s"] * count) + "]}")


def deep_flow(size: int) -> str:
    depth = size // 2
    return with_example("[" * depth + "]" * depth)


def huge_integer(size: int) -> str:
    return with_example("{n: " + "7" * size + "}")


def nested_patterns(size: int) -> str:
    pattern = "(" * 499 + "a" + ")" * 499
    errors = [
        f"  - name: Nested{i}Error\n    status: 400\n    patterns: ['{pattern}']\n" for i in range(size // 1050)
    ]
    return BASELINE + "".join(errors)


def duplicate_keys(size: int) -> str:
    padding = "{" + ", ".join(f"k{i}: v" for i in range(size // 11)) + "}"
    spec = with_example(padding)
    return spec.replace("statuses:\n  400:\n", "statuses:\n  400: {retry: do_not_retry}\n  \"400\":\n", 1)


def lone_surrogates(size: int) -> str:
    return with_example('{message: "' + "\\ud800" * (size // 6) + '"}')


def shared_status(size: int) -> str:
    count = min(2000, size // 500)  # 2,000 at 1 MB
    pad = "x" * max(size // count - 150, 1)
    errors = [
        f"  - name: Numbered{i}Error\n    status: 400\n    patterns: ['^Error number {i} happened']\n"
        f"    cause: {pad}\n"
        for i in range(count - 2)
    ]
    return BASELINE + "".join(errors)


def shared_status_unanchored(size: int) -> str:
    return shared_status(size).replace("['^Error number", "['Error number")


def control_characters(size: int) -> str:
    return with_example("{message: " + "y" * size + "}").replace("    status: 400\n", "    status: 401\n", 1)


def floor(size: int) -> str:
    return BASELINE


CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    "valid 1 KB spec (start-up floor)": ("acme.yaml", floor),
    "scalar aliased 1,000 times": ("acme.yaml", aliased_scalar),
    "flow nested deep": ("acme.yaml", deep_flow),
    "integer of a million digits": ("acme.yaml", huge_integer),
    "patterns nested 499 deep": ("acme.yaml", nested_patterns),
    "400 and '400' as keys": ("acme.yaml", duplicate_keys),
    "lone surrogates": ("acme.yaml", lone_surrogates),
    "2,000 errors, one status": ("acme.yaml", shared_status),
    "the same, patterns unanchored": ("acme.yaml", shared_status_unanchored),
    "control characters in the name": ("ac\x1b[31mme\x07.yaml", control_characters),
}


def run_case(name: str, size: int) -> tuple[float, int, int, str, int]:
    file_name, build = CASES[name]
    text = build(size)
    with tempfile.TemporaryDirectory() as folder:
        specs = Path(folder) / "specs"
        specs.mkdir()
        (specs / file_name).write_text(text, encoding="utf-8", errors="surrogatepass")

        def cap() -> None:
            resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))

        start = time.perf_counter()
        with tempfile.TemporaryFile() as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "codegen", "validate", "--specs", "specs"],
                cwd=folder,
                stdout=subprocess.DEVNULL,
                stderr=err,
                preexec_fn=cap,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            timer = threading.Timer(TIMEOUT, process.kill)
            timer.start()
            _, status, usage = os.wait4(process.pid, 0)
            timer.cancel()
            process.returncode = os.waitstatus_to_exitcode(status)
            seconds = time.perf_counter() - start
            err.seek(0)
            lines = err.read().decode("utf-8", "replace").splitlines()
        peak = usage.ru_maxrss * 1024
        return seconds, peak, process.returncode, lines[0] if lines else "", len(text.encode("utf-8", "surrogatepass"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="64 KB specs: a few seconds")
    options = parser.parse_args()
    size = 64 * 1024 if options.smoke else 1024 * 1024
    print(f"{'case':<32} {'spec KB':>8} {'seconds':>8} {'peak MB':>8} {'exit':>4}  first line")
    failed = False
    for name in CASES:
        seconds, peak, code, first, length = run_case(name, size)
        shown_peak = f"{peak / 2**20:8.0f}"
        correct = code in (0, 1) and "internal error" not in first
        ok = correct and seconds <= GOAL_SECONDS and peak <= GOAL_BYTES
        failed = failed or not (correct if options.smoke else ok)
        print(f"{name:<32} {length / 1024:8.0f} {seconds:8.2f} {shown_peak} {code:>4}  {first[:110]}"
              + ("" if ok else "  <-- over the goal"))
    print(f"\ngoal: <= {GOAL_SECONDS:g} s and <= {GOAL_BYTES // 2**20} MB per case, exit 0 or 1 with a located message")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
