"""Build helpers shared by the golden tests and the command that refreshes the goldens.

Refresh every golden tree (then read the diff before committing it)::

    python tests/goldens.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEATURES = Path(__file__).resolve().parent / "features"
sys.path.insert(0, str(ROOT))

from codegen.build import compile_specs  # noqa: E402
from codegen.config import Config  # noqa: E402
from codegen.write import apply, locked, plan_changes, scan  # noqa: E402


def feature_dirs() -> list[Path]:
    return sorted(p for p in FEATURES.iterdir() if (p / "specs").is_dir())


def golden_output(feature: Path) -> Path:
    """A feature's committed output; its folder name is the generated package's name."""
    return feature / f"generated_{feature.name}"


def config_for(specs: Path, output: Path) -> Config:
    return Config(root=specs.parent, specs=specs, output=output, templates=None)


def build(specs: Path, output: Path) -> dict[str, str]:
    """Compile ``specs`` into ``output`` (created if needed) and return the planned files."""
    config = config_for(specs, output)
    plan = compile_specs(config)
    with locked(output):
        changes = plan_changes(output, plan.files, scan(output), force=True)
        if changes.changed:
            apply(output, plan.files, changes)
    return plan.files


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` except bytecode caches, by posix path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def main() -> None:
    targets = [(ROOT / "specs", ROOT / "generated")]
    targets += [(f / "specs", golden_output(f)) for f in feature_dirs()]
    for specs, output in targets:
        build(specs, output)
        print(f"refreshed {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
