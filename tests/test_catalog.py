"""The catalog of curated specs: shipped as package data, listed and copied by ``codegen
init``, each one building, and every example response its documentation shows coming out
as the error it is filed under.

What each vendor's package must do is in ``test_catalog_vendors.py``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog_build import CATALOG, SLUGS, catalog_vendor
from goldens import run_cli

VENDORS = {"anthropic", "github", "google", "openai", "stripe", "twilio"}


def spec(slug: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((CATALOG / f"{slug}.yaml").read_text(encoding="utf-8"))
    return loaded


def test_the_catalog_holds_the_six_vendors() -> None:
    assert set(SLUGS) == VENDORS


def test_the_specs_are_reachable_as_package_resources() -> None:
    files = {f.name for f in resources.files("codegen.catalog").iterdir()}
    assert {f"{slug}.yaml" for slug in VENDORS} <= files


@pytest.mark.parametrize("slug", sorted(VENDORS))
def test_each_spec_names_its_documentation_and_the_date_it_was_read(slug: str) -> None:
    text = (CATALOG / f"{slug}.yaml").read_text(encoding="utf-8")
    head = text.split("spec_version:", 1)[0]
    assert re.search(r"\bread 20\d\d-\d\d-\d\d\b", head), "the date the documentation was read"
    docs_url = spec(slug)["vendor"]["docs_url"]
    assert docs_url.startswith("https://") and docs_url in head


def test_the_catalog_page_describes_every_spec() -> None:
    page = (CATALOG.parent.parent / "docs" / "catalog.md").read_text(encoding="utf-8")
    for slug in VENDORS:
        row = next(line for line in page.splitlines() if line.startswith(f"| `{slug}` |"))
        assert spec(slug)["vendor"]["docs_url"] in row


def test_init_list_prints_every_spec_with_its_source_and_date(tmp_path: Path) -> None:
    code, out, err = run_cli(tmp_path, "init", "--list")
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == sorted(VENDORS)
    for line in lines:
        slug = line.split()[0]
        assert spec(slug)["vendor"]["docs_url"] in line
        assert re.search(r"\(read 20\d\d-\d\d-\d\d\)$", line)
    assert not any(tmp_path.iterdir()), "listing writes nothing"


def test_init_from_copies_the_spec_as_shipped_and_it_builds(tmp_path: Path) -> None:
    code, out, err = run_cli(tmp_path, "init", "--from", "anthropic")
    assert code == 0, err
    copied = tmp_path / "specs" / "anthropic.yaml"
    assert copied.read_bytes() == (CATALOG / "anthropic.yaml").read_bytes()
    assert (tmp_path / "specs" / "spec.schema.json").is_file(), "editors validate against it"
    assert "wrote specs/anthropic.yaml" in out
    code, _, err = run_cli(tmp_path, "build", "-q")
    assert code == 0, err
    assert (tmp_path / "generated" / "anthropic" / "errors.py").is_file()


def test_init_from_under_another_slug_renames_the_package(tmp_path: Path) -> None:
    code, _, err = run_cli(tmp_path, "init", "--from", "stripe", "payments")
    assert code == 0, err
    text = (tmp_path / "specs" / "payments.yaml").read_text(encoding="utf-8")
    assert "\n  slug: payments\n" in text and "slug: stripe" not in text
    shipped = (CATALOG / "stripe.yaml").read_text(encoding="utf-8")
    assert text == shipped.replace("\n  slug: stripe\n", "\n  slug: payments\n")
    code, _, err = run_cli(tmp_path, "validate", "-q")
    assert code == 0, err


def test_init_from_an_unknown_name_is_a_usage_error_that_writes_nothing(tmp_path: Path) -> None:
    code, _, err = run_cli(tmp_path, "init", "--from", "stripe_v2")
    assert code == 2
    assert "'stripe_v2' is not in the catalog" in err and "stripe" in err
    assert not (tmp_path / "specs").exists()


def test_init_from_keeps_an_existing_spec_unless_forced(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "openai.yaml").write_text("# mine\n", encoding="utf-8")
    code, _, err = run_cli(tmp_path, "init", "--from", "openai")
    assert code == 1 and "already exists; use --force" in err
    assert (specs / "openai.yaml").read_text(encoding="utf-8") == "# mine\n"
    code, _, err = run_cli(tmp_path, "init", "--from", "openai", "--force")
    assert code == 0, err
    assert (specs / "openai.yaml").read_bytes() == (CATALOG / "openai.yaml").read_bytes()


def test_init_without_a_slug_or_a_catalog_name_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run_cli(tmp_path, "init")
    assert code == 2 and "--from NAME or --list" in err


def test_a_built_package_ships_the_catalog(tmp_path: Path) -> None:
    """setuptools' build step, which lays out what a wheel holds, copies the specs."""
    root = CATALOG.parent.parent
    result = subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "--build-lib", str(tmp_path)],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    built = tmp_path / "codegen" / "catalog"
    assert {p.name for p in built.iterdir()} == {"__init__.py", *(f"{slug}.yaml" for slug in VENDORS)}
    for slug in VENDORS:
        assert (built / f"{slug}.yaml").read_bytes() == (CATALOG / f"{slug}.yaml").read_bytes()


EXAMPLES = [
    pytest.param(slug, error["name"], index, example, id=f"{slug}-{error['name']}-{index}")
    for slug in sorted(VENDORS)
    for error in spec(slug).get("errors", [])
    for index, example in enumerate(error.get("examples", []))
]


def test_every_vendor_shows_examples() -> None:
    assert {slug for slug, *_ in (p.values for p in EXAMPLES)} == VENDORS


@pytest.mark.parametrize(("slug", "name", "index", "example"), EXAMPLES)
def test_each_documented_example_comes_out_as_its_own_error(slug: str, name: str, index: int, example: dict[str, Any]) -> None:
    vendor = catalog_vendor(slug)
    body = json.dumps(example["body"]).encode()
    error = vendor.parse_error(example["status"], body, example.get("headers", {}))
    assert type(error).__name__ == name
    assert error.status == example["status"]
    assert isinstance(error, getattr(vendor.errors, name))
