"""Where a cold build of the five specs spends its time: cProfile, stage by stage.

    python bench/profile_build.py            # prints the stages, then the top functions
    python bench/profile_build.py --save build.prof   # also keeps the profile for snakeviz etc.

The build runs in this one process (no worker processes), so that every stage shows;
the figures are CPU-bound work that ``codegen build`` spreads over two cores.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# (label, file suffix, function): cumulative time of each; imports are counted where they happen.
STAGES = [
    ("imports (all modules, wherever imported)", "<frozen importlib._bootstrap>", "_find_and_load"),
    ("load: YAML to data", "codegen/load.py", "parse_spec_bytes"),
    ("validate: pydantic spec model and rules", "codegen/validate.py", "validate"),
    ("resolve: decisions for the templates", "codegen/resolve.py", "resolve"),
    ("render: Jinja", "codegen/render.py", "render"),
    ("format: black", "codegen/format.py", "black_format"),
    ("models: datamodel-code-generator", "codegen/payload_models.py", "models_source"),
    ("write: staging folder and swap", "codegen/write.py", "apply"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--save", type=Path, help="write the raw profile here")
    args = parser.parse_args()
    profile = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        profile.enable()
        from codegen import build
        from codegen.config import Config
        from codegen.write import apply, plan_changes, scan

        build.PARALLEL_MIN_SPECS = sys.maxsize  # one process: every stage in this profile
        output = Path(tmp) / "generated"
        plan = build.compile_specs(Config(root=ROOT, specs=ROOT / "specs", output=output, templates=None))
        apply(output, plan.files, plan_changes(output, plan.files, scan(output), force=False))
        profile.disable()
        total = time.perf_counter() - started
    stats = pstats.Stats(profile)
    if args.save:
        stats.dump_stats(args.save)
    cumulative = {}
    for (filename, _, function), (_, _, _, cum, _) in stats.stats.items():  # type: ignore[attr-defined]
        for label, suffix, name in STAGES:
            if function == name and filename.endswith(suffix):
                cumulative[label] = cumulative.get(label, 0.0) + cum
    print(f"cold build of {len(plan.slugs)} specs in one process, profiled: {total * 1000:.0f} ms\n")
    for label, _, _ in STAGES:
        seconds = cumulative.get(label, 0.0)
        print(f"  {label:<44} {seconds * 1000:7.0f} ms  {seconds / total:6.1%}")
    print("\ntop functions by own time:")
    stats.sort_stats("tottime").print_stats(12)


if __name__ == "__main__":
    main()
