"""Helpers of the feature tests (``test_feature_*.py``): the packages compiled from the
feature specs under ``tests/features/``, and scratch builds of tiny specs."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from goldens import FEATURES, build, load_package


def vendor(feature: str, slug: str) -> ModuleType:
    """``generated_<feature>.<slug>``, the package compiled from the feature's spec."""
    load_package(FEATURES / feature, f"generated_{feature}")
    return importlib.import_module(f"generated_{feature}.{slug}")


def shared(feature: str) -> ModuleType:
    vendor_module = {"minimal": "bare"}.get(feature)
    if vendor_module:
        vendor(feature, vendor_module)
    return importlib.import_module(f"generated_{feature}")


def half() -> float:
    return 0.5


def build_scratch(tmp_path: Path, package: str, spec: str, slug: str) -> Path:
    """Compile one spec into ``tmp_path/<package>`` and return the folder to import from."""
    specs = tmp_path / "specs"
    specs.mkdir(exist_ok=True)
    (specs / f"{slug}.yaml").write_text(spec, encoding="utf-8")
    build(specs, tmp_path / package)
    return tmp_path
