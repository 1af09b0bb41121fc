"""Real builds, real signals: workers die with their build, and SIGTERM or SIGINT end a
build cleanly (the old tree kept, no staging folder left, exit 143 or 130)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goldens import BAD_SPECS, tree

BASELINE = (BAD_SPECS / "_baseline" / "acme.yaml").read_text(encoding="utf-8")
SLUGS = ("acme", "beta", "gamma", "delta", "epsilon", "zeta")
BUILD = [sys.executable, "-m", "codegen", "build", "--specs", "specs", "--output", "generated"]

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def write_specs(project: Path, title: str) -> None:
    (project / "specs").mkdir(exist_ok=True)
    for slug in SLUGS:
        text = BASELINE.replace("slug: acme", f"slug: {slug}").replace("title: Invalid field", f"title: {title}")
        (project / "specs" / f"{slug}.yaml").write_text(text)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_specs(tmp_path, "Old title")
    subprocess.run(BUILD, cwd=tmp_path, check=True, capture_output=True)
    write_specs(tmp_path, "New title")  # the next build has every spec to compile
    return tmp_path


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def build_with_workers(project: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    """A build, once its worker processes run."""
    process = subprocess.Popen(BUILD, cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 60
    while len(workers := children(process.pid)) < 2:  # the two compile workers
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)
    return process, workers


def wait_gone(pids: list[int], seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := [p for p in pids if alive(p)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def test_workers_exit_when_their_build_is_killed(project: Path) -> None:
    process, workers = build_with_workers(project)
    process.kill()
    process.wait()
    assert wait_gone(workers) == []


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"])
def test_a_signal_ends_a_build_cleanly(project: Path, signum: int, code: int) -> None:
    old = tree(project / "generated")
    process, workers = build_with_workers(project)
    os.killpg(process.pid, signum)  # to the whole group, as a terminal's Ctrl-C is sent
    _, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert b"Traceback" not in err and b"internal error" not in err
    assert wait_gone(workers) == []
    assert tree(project / "generated") == old
    assert sorted(p.name for p in project.iterdir()) == ["generated", "specs"]  # no staging folder left
