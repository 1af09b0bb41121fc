"""A new user's first hour: a fresh virtual environment outside this repository, the
toolkit installed with pip, ``codegen init`` and ``codegen build`` in an empty project,
and the generated code used with httpx against a local HTTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from goldens import ROOT
from installs import copy_working_tree, slow

pytestmark = slow

# path -> (status, headers, body) the local server answers with.
RESPONSES = {
    "/limit": (400, {"X-Request-ID": "req-400", "Content-Type": "application/json"},
               b'{"error": {"code": "invalid_parameter", "message": "Invalid parameter \'limit\'"}}'),
    "/slow-down": (429, {"Retry-After": "7"}, b'{"error": {"code": "too_fast", "message": "Slow down"}}'),
    "/broken": (502, {"Content-Type": "text/html"}, b"<html><title>Bad Gateway</title></html>"),
    "/key": (401, {}, b""),
    "/ok": (200, {"Content-Type": "application/json"}, b'{"answer": 42}'),
}

CLIENT = """
import json, sys
import httpx
from generated import APIError, RateLimitedError
from generated.acme import InvalidParameterError, error_from_response, next_delay, raise_for_error

results = {}
with httpx.Client(base_url=sys.argv[1]) as client:
    for path in ("/limit", "/slow-down", "/broken", "/key", "/ok"):
        response = client.get(path)
        error = error_from_response(response)
        if error is None:
            results[path] = None
            continue
        results[path] = {
            "class": type(error).__name__, "status": error.status, "code": error.code,
            "request_id": error.request_id, "retry_after": error.retry_after,
            "category": error.category.value, "next_delay": next_delay(error, 1),
            "rate_limited": isinstance(error, RateLimitedError),
        }
    try:
        raise_for_error(client.get("/limit"))
    except InvalidParameterError as error:
        results["parameter"] = error.parameter
print(json.dumps(results))
"""


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, headers, body = RESPONSES[self.path]
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_install_init_build_and_use_with_httpx(tmp_path: Path, server: str) -> None:
    source = tmp_path / "codegen-src"
    copy_working_tree(ROOT, source)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", str(source), "httpx"], env=env, capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr

    project = tmp_path / "project"
    project.mkdir()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(list(args), cwd=project, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        return result

    installed = run(str(python), "-c", "import codegen; print(codegen.__file__)").stdout
    assert installed.startswith(str(venv)), installed
    assert run("codegen", "init", "acme").stdout.startswith("wrote specs/acme.yaml\n")
    run("codegen", "build")
    assert run("codegen", "check").stdout == "generated is up to date\n"
    (project / "client.py").write_text(CLIENT)
    results = json.loads(run(str(python), "client.py", server).stdout)

    assert results["/limit"] == {
        "class": "InvalidParameterError", "status": 400, "code": "invalid_parameter", "request_id": "req-400",
        "retry_after": None, "category": "invalid_request", "next_delay": None, "rate_limited": False,
    }
    assert results["parameter"] == "limit"
    # An unknown code falls back to its status's class, and the server's delay is honoured.
    assert results["/slow-down"]["class"] == "AcmeTooManyRequestsError"
    assert results["/slow-down"]["rate_limited"] and results["/slow-down"]["next_delay"] == 7.0
    assert results["/broken"]["class"] == "AcmeUnknownServerError"
    assert results["/broken"]["category"] == "unknown" and results["/broken"]["next_delay"] is not None
    assert results["/key"]["class"] == "AcmeUnauthorizedError" and results["/key"]["category"] == "authentication"
    assert results["/ok"] is None
