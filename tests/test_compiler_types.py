"""The compiler's own code passes ``mypy --strict``, as the code it generates does."""

from __future__ import annotations

import subprocess
import sys

from goldens import ROOT


def test_compiler_passes_mypy_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "codegen"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
