"""The committed output is exactly what the specs compile to, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from goldens import ROOT, build, feature_dirs, golden_output, tree


def assert_same_tree(built: Path, golden: Path) -> None:
    expected, actual = tree(golden), tree(built)
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    assert not missing, f"files the build no longer writes: {missing}"
    assert not extra, f"files the build writes that are not committed: {extra}"
    changed = sorted(p for p in expected if expected[p] != actual[p])
    assert not changed, f"out of date (run: python tests/goldens.py): {changed}"


def test_vendor_specs_reproduce_generated(tmp_path: Path) -> None:
    output = tmp_path / "generated"
    build(ROOT / "specs", output)
    assert_same_tree(output, ROOT / "generated")


@pytest.mark.parametrize("feature", feature_dirs(), ids=lambda p: p.name)
def test_feature_specs_reproduce_goldens(feature: Path, tmp_path: Path) -> None:
    golden = golden_output(feature)
    output = tmp_path / golden.name
    build(feature / "specs", output)
    assert_same_tree(output, golden)


def test_build_is_byte_identical_when_repeated(tmp_path: Path) -> None:
    first = build(ROOT / "specs", tmp_path / "one" / "generated")
    second = build(ROOT / "specs", tmp_path / "two" / "generated")
    assert first == second
