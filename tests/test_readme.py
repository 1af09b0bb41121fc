"""The README's and docs' examples run, and CI runs the README's test command.

Examples that call an API use ``BASE_URL``; here it is a real HTTP server on 127.0.0.1
that answers every path with the response the examples expect.
"""

from __future__ import annotations

import doctest
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from goldens import ROOT

README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]


def fenced_blocks(path: Path, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.DOTALL)


class _Handler(BaseHTTPRequestHandler):
    """Errors where the examples expect them, a small JSON document everywhere else."""

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if self.path.startswith("/items"):
            status = 400
            body = {"error": {"code": "invalid_parameter", "message": "Invalid parameter 'limit'"}}
        else:
            status, body = 200, {"data": []}
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Request-ID", "req-docs")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: p.name)
def test_interactive_examples_run(document: Path) -> None:
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for index, block in enumerate(b for b in fenced_blocks(document, "python") if ">>>" in b):
        test = parser.get_doctest(block, {}, f"{document.name} example {index}", str(document), 0)
        runner.run(test)
    assert runner.failures == 0


def _examples_of(document: Path) -> list[str]:
    return [b for b in fenced_blocks(document, "python") if ">>>" not in b]


@pytest.mark.parametrize(
    "document", [d for d in DOCUMENTS[1:] if _examples_of(d)], ids=lambda p: p.name
)
def test_docs_examples_run(document: Path, base_url: str) -> None:
    for block in _examples_of(document):
        code = compile(block, str(document), "exec")
        exec(code, {"BASE_URL": base_url, "__name__": "docs_example"})  # noqa: S102


def test_readme_quick_start_works_in_a_new_project(tmp_path: Path, base_url: str) -> None:
    """What the README's first screen says, done in an empty project: init, the settings
    it shows, build, and its example run against a server answering a 400."""
    (tmp_path / "pyproject.toml").write_text(
        "[project]\nname = 'myapp'\nversion = '0'\n\n" + fenced_blocks(README, "toml")[0]
    )
    codegen = [sys.executable, "-m", "codegen"]
    env = {**os.environ, "NO_COLOR": "1"}
    for step in ("init acme", "build"):
        subprocess.run([*codegen, *step.split()], cwd=tmp_path, check=True, env=env, capture_output=True)
    assert (tmp_path / "src" / "myapp" / "vendors" / "acme" / "parser.py").is_file()
    example = _examples_of(README)[0]
    result = subprocess.run(
        [sys.executable, "-c", f"BASE_URL = {base_url!r}\n" + example],
        cwd=tmp_path, env={**env, "PYTHONPATH": str(tmp_path / "src")},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "fix the request: limit req-docs\n"


def test_readme_is_short() -> None:
    assert len(README.read_bytes()) <= 12 * 1024


def test_ci_runs_the_readme_test_command() -> None:
    commands = fenced_blocks(README, "sh")
    assert len(commands) == 2, "the README holds exactly two set-up commands"
    build, test = (c.strip() for c in commands)
    assert build.endswith("codegen build")
    assert "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci
    assert "codegen check" in ci


def test_ci_runs_the_tests_that_install_from_pypi() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "CODEGEN_SLOW_TESTS=1 python -m pytest -m slow" in ci
    assert "CODEGEN_SLOW_TESTS=1 python -m pytest -m slow" in README.read_text(encoding="utf-8")
