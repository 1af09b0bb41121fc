"""The pre-commit hooks, run by pre-commit itself in a temporary git repository.

pre-commit clones this repository at a commit and pip-installs it into an environment
of its own, as it does for any hook repository.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from goldens import ROOT
from installs import GIT_ENV, copy_working_tree, git, slow

pytest.importorskip("pre_commit")
pytestmark = slow


def snapshot(source: Path, target: Path) -> str:
    """Commit the working tree of ``source`` into a new repository; return the commit."""
    copy_working_tree(source, target)
    git(target, "init", "-q", "-b", "main")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot")
    return git(target, "rev-parse", "HEAD").strip()


def codegen(project: Path, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "codegen", *args], cwd=project, check=True, capture_output=True)


def pre_commit(project: Path, hook: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", hook, "--all-files", "--color", "never"],
        cwd=project, capture_output=True, text=True,
    )


def test_hooks_check_and_rebuild_a_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("PRE_COMMIT_HOME", str(tmp_path / "pre-commit-home"))
    toolkit = tmp_path / "toolkit"
    toolkit.mkdir()
    rev = snapshot(ROOT, toolkit)

    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q", "-b", "main")
    (project / "pyproject.toml").write_text('[tool.codegen]\nspecs = "api/specs"\noutput = "api/errors"\n')
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {toolkit}\n    rev: {rev}\n    hooks:\n      - id: codegen-check\n      - id: codegen-build\n"
    )
    codegen(project, "init", "acme")
    codegen(project, "build")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "acme errors")

    passed = pre_commit(project, "codegen-check")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "codegen check" in passed.stdout and "Passed" in passed.stdout

    # A spec changed without a rebuild: the check fails and shows what is stale.
    spec = project / "api" / "specs" / "acme.yaml"
    spec.write_text(spec.read_text().replace("title: Bad request", "title: Malformed request"))
    git(project, "add", "-A")
    failed = pre_commit(project, "codegen-check")
    assert failed.returncode == 1
    assert "Failed" in failed.stdout
    assert "+    title = 'Malformed request'" in failed.stdout or '+    title = "Malformed request"' in failed.stdout
    assert "out of date; run 'codegen build'" in failed.stdout

    # The build hook rewrites the stale files, which stops the commit once; then all pass.
    rebuilt = pre_commit(project, "codegen-build")
    assert rebuilt.returncode == 1
    assert "files were modified by this hook" in rebuilt.stdout
    assert "Malformed request" in (project / "api" / "errors" / "acme" / "errors.py").read_text()
    git(project, "add", "-A")
    assert pre_commit(project, "codegen-check").returncode == 0
    assert pre_commit(project, "codegen-build").returncode == 0
    assert os.listdir(project / "api" / "errors")
