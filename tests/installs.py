"""Helpers of the tests that work in git repositories and fresh environments, as users do.

Installing the toolkit fetches its dependencies from PyPI (about 30 s each time), so the
tests marked ``slow`` run only when ``CODEGEN_SLOW_TESTS=1``; ``.ci/run`` runs them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

# ``pytestmark = slow`` in a module: select with ``-m slow``, run with CODEGEN_SLOW_TESTS=1.
slow = [
    pytest.mark.slow,
    pytest.mark.skipif(
        os.environ.get("CODEGEN_SLOW_TESTS") != "1",
        reason="installs the toolkit from PyPI into a fresh environment; set CODEGEN_SLOW_TESTS=1",
    ),
]

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Spec Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Spec Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def copy_working_tree(source: Path, target: Path) -> None:
    """Copy the files of ``source`` that git tracks or would track (not the ignored ones)."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=source, check=True, capture_output=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listing):
        if (source / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, target / name)
