"""The output must be a folder of the project's own: a file, a link or a folder outside
the project is refused, with nothing moved or written, unless the user allows it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from goldens import BAD_SPECS, run_cli, tree

BASELINE = (BAD_SPECS / "_baseline" / "acme.yaml").read_bytes()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "specs").mkdir(parents=True)
    (root / "specs" / "acme.yaml").write_bytes(BASELINE)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    return root


def everything(folder: Path) -> dict[str, bytes | str]:
    """Every entry under ``folder``: a file's bytes, a link's target, a folder's mark."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        found[key] = os.readlink(path) if path.is_symlink() else path.read_bytes() if path.is_file() else "dir"
    return found


@pytest.mark.parametrize("command", ["build", "check"])
def test_an_output_that_is_a_file_even_a_spec_is_refused(project: Path, command: str) -> None:
    before = everything(project.parent)
    code, _, err = run_cli(project, command, "--output", "specs/acme.yaml")
    assert code == 2
    assert err == "codegen: the output specs/acme.yaml is a file, not a folder; point the output at a folder\n"
    assert everything(project.parent) == before


def test_an_output_that_is_a_symbolic_link_is_refused_unless_allowed(project: Path) -> None:
    target = project / "real-output"
    target.mkdir()
    (project / "generated").symlink_to(target, target_is_directory=True)
    before = everything(project.parent)
    code, _, err = run_cli(project, "build")
    assert code == 2 and "the output generated is a symbolic link" in err and "--allow-outside" in err
    assert everything(project.parent) == before

    assert run_cli(project, "build", "--allow-outside")[0] == 0
    assert (project / "generated").is_symlink()  # the link stays, the build went into its folder
    assert "from generated.acme import" in (target / "acme" / "__init__.py").read_text()


def test_an_output_outside_the_project_is_refused_unless_allowed(project: Path, tmp_path: Path) -> None:
    before = everything(tmp_path)
    code, _, err = run_cli(project, "build", "--output", "../elsewhere/generated")
    assert code == 2
    assert "lies outside the project" in err and "allow_outside = true" in err
    assert everything(tmp_path) == before

    (project / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.codegen]\nallow_outside = true\n')
    assert run_cli(project, "build", "--output", "../elsewhere/generated")[0] == 0
    assert "acme/errors.py" in tree(tmp_path / "elsewhere" / "generated")


def test_an_output_holding_the_specs_is_refused(project: Path) -> None:
    before = everything(project)
    for output in (".", "specs"):
        code, _, err = run_cli(project, "build", "--output", output)
        assert code == 2 and "holds the project or its specs" in err
    assert everything(project) == before
