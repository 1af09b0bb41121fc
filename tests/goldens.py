"""Build helpers shared by the golden tests and the command that refreshes the goldens.

Refresh every golden tree (then read the diff before committing it)::

    python tests/goldens.py

Refresh the expected messages of the malformed specs in ``tests/bad_specs`` (then read
every changed message: it must point at the mistake and say what to do)::

    python tests/goldens.py --bad-specs
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import shutil
import sys
import tempfile
from pathlib import Path
from types import ModuleType

from codegen.build import compile_specs
from codegen.config import Config
from codegen.freshness import compiler_fingerprint, record_of, save_record
from codegen.layout import locked
from codegen.write import apply, plan_changes, scan

ROOT = Path(__file__).resolve().parent.parent
FEATURES = Path(__file__).resolve().parent / "features"
BAD_SPECS = Path(__file__).resolve().parent / "bad_specs"


def feature_dirs() -> list[Path]:
    if not FEATURES.is_dir():
        return []
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
        save_record(output, record_of(output, compiler_fingerprint(config), plan.specs, plan.files))
    return plan.files


def load_package(folder: Path, name: str) -> ModuleType:
    """Import the package ``folder/name`` as ``name`` (its modules then import by name),
    without putting ``folder`` on ``sys.path``."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(
        name, folder / name / "__init__.py", submodule_search_locations=[str(folder / name)]
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` except bytecode caches, by posix path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def bad_spec_cases() -> list[Path]:
    """One folder per malformed spec; ``_baseline`` holds the valid spec they each change."""
    return sorted(p for p in BAD_SPECS.iterdir() if p.is_dir() and not p.name.startswith("_"))


def run_cli(project: Path, *args: str) -> tuple[int, str, str]:
    """Run ``codegen`` in-process from ``project``: (exit code, stdout, stderr)."""
    from codegen.cli import main as codegen_main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.chdir(project), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = codegen_main(list(args))
    return code, out.getvalue(), err.getvalue()


def build_bad_spec(case: Path, project: Path) -> tuple[int, str]:
    """``codegen build`` of one malformed spec copied into ``project/specs``: (exit code, stderr)."""
    specs = project / "specs"
    specs.mkdir(parents=True, exist_ok=True)
    for spec in case.iterdir():
        if spec.suffix in (".yaml", ".yml"):
            shutil.copyfile(spec, specs / spec.name)
    code, _, err = run_cli(project, "build", "--specs", "specs", "--output", "generated")
    return code, err


def refresh_bad_specs() -> None:
    for case in bad_spec_cases():
        with tempfile.TemporaryDirectory() as project:
            _, err = build_bad_spec(case, Path(project))
        (case / "expected.txt").write_text(err, encoding="utf-8")
    print(f"refreshed {len(bad_spec_cases())} messages in {BAD_SPECS.relative_to(ROOT)}")


def main() -> None:
    if sys.argv[1:] == ["--bad-specs"]:
        refresh_bad_specs()
        return
    targets = [(ROOT / "specs", ROOT / "generated")]
    targets += [(f / "specs", golden_output(f)) for f in feature_dirs()]
    for specs, output in targets:
        build(specs, output)
        print(f"refreshed {output.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
