"""The catalog's specs, compiled once per test process by the real ``codegen build``.

``catalog_vendor("openai")`` imports ``catalog_generated.openai`` from a temporary folder
that the build wrote; the folder goes when the process ends.
"""

from __future__ import annotations

import atexit
import importlib
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "codegen" / "catalog"
PACKAGE = "catalog_generated"
SLUGS = sorted(p.stem for p in CATALOG.glob("*.yaml"))


@cache
def catalog_folder() -> Path:
    """The folder holding ``catalog_generated/``, built from every catalog spec."""
    folder = Path(tempfile.mkdtemp(prefix="codegen-catalog-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "build", "-q", "--specs", str(CATALOG), "--output", str(folder / PACKAGE)],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"codegen build of the catalog failed:\n{result.stderr}")
    sys.path.insert(0, str(folder))
    return folder


def catalog_vendor(slug: str) -> ModuleType:
    catalog_folder()
    return importlib.import_module(f"{PACKAGE}.{slug}")


def catalog_shared() -> ModuleType:
    catalog_folder()
    return importlib.import_module(PACKAGE)
