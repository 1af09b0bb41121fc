"""Everyday command line: init, build's reports, quiet runs, colour and the version."""

from __future__ import annotations

import importlib.metadata
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.layout import expected_paths
from codegen.cli import main
from codegen.spec import spec_json_schema

PARSE_STARTER_ERROR = """
from generated.acme_pay import AcmePayError, InvalidParameterError, parse_error, next_delay
from generated import InvalidRequestError, RateLimitedError
body = b'{"error": {"code": "invalid_parameter", "message": "Invalid parameter \\'limit\\'"}}'
error = parse_error(400, body, {"X-Request-ID": "req-1"})
assert type(error) is InvalidParameterError, type(error)
assert isinstance(error, (AcmePayError, InvalidRequestError))
assert (error.parameter, error.request_id, error.retryable) == ("limit", "req-1", False)
throttled = parse_error(429, b"", {"Retry-After": "3"})
assert isinstance(throttled, RateLimitedError) and next_delay(throttled, 1) == 3.0
print("ok")
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty project folder as the working directory."""
    (tmp_path / "pyproject.toml").write_text('[tool.codegen]\nspecs = "specs"\noutput = "generated"\n')
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
    )


def test_version_is_the_installed_distribution_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"codegen {importlib.metadata.version('codegen-errors')}\n"


def test_init_writes_a_commented_starter_that_builds_and_parses(project: Path, capsys) -> None:
    assert main(["init", "acme_pay"]) == 0
    spec = project / "specs" / "acme_pay.yaml"
    text = spec.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=spec.schema.json\n")
    assert sum(1 for line in text.splitlines() if "#" in line) >= 10, "the starter explains itself"
    schema = json.loads((project / "specs" / "spec.schema.json").read_text(encoding="utf-8"))
    assert schema == spec_json_schema()
    assert "wrote specs/acme_pay.yaml" in capsys.readouterr().out

    assert main(["build"]) == 0
    assert sorted(p.relative_to(project / "generated").as_posix() for p in (project / "generated").rglob("*.*")
                  if "__pycache__" not in p.parts) == expected_paths(["acme_pay"])
    result = subprocess.run([sys.executable, "-c", PARSE_STARTER_ERROR], cwd=project, capture_output=True, text=True)
    assert result.stdout == "ok\n", result.stderr
    assert main(["check"]) == 0


def test_init_refuses_to_overwrite_and_rejects_bad_slugs(project: Path, capsys) -> None:
    assert main(["init", "acme"]) == 0
    spec = project / "specs" / "acme.yaml"
    spec.write_text("# mine\n", encoding="utf-8")
    assert main(["init", "acme"]) == 1
    assert "specs/acme.yaml already exists; use --force" in capsys.readouterr().err
    assert spec.read_text(encoding="utf-8") == "# mine\n"
    assert main(["init", "acme", "--force"]) == 0
    assert spec.read_text(encoding="utf-8") != "# mine\n"
    for bad in ("Acme", "1acme", "acme-pay", "a" * 51):
        assert main(["init", bad]) == 2
        assert "is not a valid slug" in capsys.readouterr().err
    assert sorted(p.name for p in (project / "specs").iterdir()) == ["acme.yaml", "spec.schema.json"]


def test_verbose_build_lists_written_and_skipped_files_with_timings(project: Path, capsys) -> None:
    assert main(["init", "acme", "-q"]) == 0
    capsys.readouterr()
    assert main(["build", "--verbose"]) == 0
    out = capsys.readouterr().out
    every = expected_paths(["acme"])
    assert sorted(re.findall(r"^wrote +generated/(\S+)$", out, flags=re.MULTILINE)) == every
    assert re.search(r"^ +\d+ ms  render acme$", out, flags=re.MULTILINE)
    assert re.search(r"^ +\d+ ms  write$", out, flags=re.MULTILINE)
    assert re.search(rf"^generated: {len(every)} written, 0 removed, 0 unchanged \(\d+ ms\)$", out, flags=re.MULTILINE)

    # Nothing to do: the fast path names every file it skipped.
    assert main(["build", "-v"]) == 0
    out = capsys.readouterr().out
    assert sorted(re.findall(r"^skipped generated/(\S+) \(up to date\)$", out, flags=re.MULTILINE)) == every
    assert re.search(r"^generated is up to date \(\d+ ms\)$", out, flags=re.MULTILINE)

    # A changed title rewrites the vendor's errors and reference, and skips the rest.
    spec = project / "specs" / "acme.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("title: Bad request", "title: Malformed request"))
    assert main(["build", "-v"]) == 0
    out = capsys.readouterr().out
    written = set(re.findall(r"^wrote +generated/(\S+)$", out, flags=re.MULTILINE))
    skipped = set(re.findall(r"^skipped generated/(\S+) \(unchanged\)$", out, flags=re.MULTILINE))
    assert {"acme/errors.py", "acme/ERRORS.md"} <= written
    assert {"README.md", "_base.py", "_runtime.py", "__init__.py"} <= skipped
    assert written | skipped == set(every) and not written & skipped


def test_quiet_prints_only_errors(project: Path, capsys) -> None:
    assert main(["init", "acme", "--quiet"]) == 0
    assert main(["build", "--quiet"]) == 0
    assert main(["check", "-q"]) == 0
    assert main(["validate", "-q"]) == 0
    assert capsys.readouterr() == ("", "")
    (project / "specs" / "acme.yaml").write_text("spec_version: 2\n", encoding="utf-8")
    assert main(["build", "-q"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("specs/acme.yaml:1:")


def run_on_terminal(args: list[str], cwd: Path, **env: str) -> str:
    """Run codegen with its stdout and stderr on a pseudo-terminal; return what it printed."""
    controller, terminal = pty.openpty()
    try:
        process = subprocess.run(
            [sys.executable, "-m", "codegen", *args],
            cwd=cwd,
            stdout=terminal,
            stderr=terminal,
            env={**{k: v for k, v in os.environ.items() if k != "NO_COLOR"}, **env},
        )
        os.close(terminal)
        terminal = -1
        chunks = []
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal's other side is closed
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(controller)
        if terminal != -1:
            os.close(terminal)
    assert process.returncode == 0
    return b"".join(chunks).decode()


def test_colour_only_on_a_terminal_and_never_with_no_color(project: Path) -> None:
    assert main(["init", "acme", "-q"]) == 0
    coloured = run_on_terminal(["build", "-v"], project)
    assert "\033[32mwrote" in coloured
    # The same build on a terminal with NO_COLOR, and piped: plain text.
    assert main(["build", "--force", "-q"]) == 0
    plain = run_on_terminal(["build", "-v", "--force"], project, NO_COLOR="1")
    assert "skipped generated/acme/errors.py" in plain and "\033[" not in plain
    piped = run(["build", "-v", "--force"], project)
    assert piped.returncode == 0 and "skipped generated/acme/errors.py" in piped.stdout
    assert "\033[" not in piped.stdout + piped.stderr
