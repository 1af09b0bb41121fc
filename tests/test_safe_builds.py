"""Builds that crash, run twice at once, or meet files they did not write.

``codegen build`` assembles the new tree in a staging folder beside the output and swaps
it in with one atomic rename, under a lock on the output's parent folder. These tests
kill builds at random moments, race them, and check what is left on disk.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from goldens import BAD_SPECS, config_for, run_cli

from codegen.build import compile_specs
from codegen.layout import STAGING_PREFIX

BASELINE = (BAD_SPECS / "_baseline" / "acme.yaml").read_text(encoding="utf-8")
BUILD = ("build", "--specs", "specs", "--output", "generated")


def spec_text(slug: str, title: str = "Invalid field") -> str:
    """The baseline spec under another vendor name, with a title that marks its version."""
    return (
        BASELINE.replace("slug: acme", f"slug: {slug}")
        .replace("class_prefix: Acme", f"class_prefix: {slug.capitalize()}")
        .replace("title: Invalid field", f"title: {title}")
    )


def write_specs(project: Path, specs: dict[str, str]) -> None:
    """Make ``project/specs`` hold exactly ``specs`` (slug -> text)."""
    folder = project / "specs"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.stem not in specs:
            old.unlink()
    for slug, text in specs.items():
        (folder / f"{slug}.yaml").write_text(text, encoding="utf-8")


def build(project: Path, *flags: str) -> tuple[int, str]:
    code, _, err = run_cli(project, *BUILD, *flags)
    return code, err


def tree(output: Path) -> dict[str, bytes]:
    """Every file under ``output`` but bytecode caches: posix path -> content."""
    return {
        p.relative_to(output).as_posix(): p.read_bytes()
        for p in sorted(output.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if STAGING_PREFIX in p.name)


OLD_SPECS = {"acme": spec_text("acme"), "beta": spec_text("beta")}
# Changes one package and removes the other: the swap writes, deletes and keeps files.
NEW_SPECS = {"acme": spec_text("acme", "Invalid field, revised")}


@pytest.fixture(scope="module")
def old_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project built from OLD_SPECS, with a file of the user's in its output."""
    project = tmp_path_factory.mktemp("old")
    write_specs(project, OLD_SPECS)
    assert build(project) == (0, "")
    (project / "generated" / "NOTES.md").write_text("kept by hand\n")
    return project


@pytest.fixture(scope="module")
def new_tree(old_project: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """What a complete build of NEW_SPECS over the old project leaves in the output."""
    project = tmp_path_factory.mktemp("new") / "project"
    shutil.copytree(old_project, project)
    write_specs(project, NEW_SPECS)
    assert build(project) == (0, "")
    return tree(project / "generated")


def _forked_build(project: Path) -> int:
    """Start ``codegen build`` in a child process forked from this one, so that it starts at once."""
    from codegen.cli import main

    pid = os.fork()
    if pid == 0:  # the child: the command line's main, output silenced, never back into pytest
        code = 1
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            os.chdir(project)
            code = main([*BUILD, "-q"])
        finally:
            os._exit(code)
    return pid


def _exited(pid: int) -> bool:
    """Whether a child has ended, leaving it to be reaped."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def test_a_build_killed_at_any_moment_leaves_the_old_tree_or_the_new_one(
    old_project: Path, new_tree: dict[str, bytes], tmp_path: Path
) -> None:
    old_tree = tree(old_project / "generated")
    assert old_tree != new_tree and old_tree["NOTES.md"] == new_tree["NOTES.md"]

    # How long a whole build takes here, and its writing from the moment its staging folder
    # appears (the children inherit the caches this first run warms).
    calibration = tmp_path / "calibration"
    shutil.copytree(old_project, calibration)
    write_specs(calibration, NEW_SPECS)
    compile_specs(config_for(calibration / "specs", calibration / "generated"))
    started = time.perf_counter()
    pid = _forked_build(calibration)
    staged = None
    while not _exited(pid):
        if staged is None and leftovers(calibration):
            staged = time.perf_counter()
        time.sleep(0.0002)
    _, status = os.waitpid(pid, 0)
    duration = time.perf_counter() - started
    assert os.waitstatus_to_exitcode(status) == 0
    writing = 1.5 * (time.perf_counter() - (staged or started - 0.05))

    rng = random.Random(os.environ.get("PYTEST_SEED", "kill"))
    outcomes = {"old": 0, "new": 0}
    stale: list[Path] = []

    def start(trial: int) -> dict[str, Any]:
        project = tmp_path / f"trial{trial}"
        shutil.copytree(old_project, project)
        write_specs(project, NEW_SPECS)
        started = time.perf_counter()
        # Odd trials die at any moment; even ones once the build starts writing (its staging
        # folder appears), a little later: assembling, swap, clean-up, or just after.
        kill_at = started + rng.uniform(0, duration) if trial % 2 else None
        return {"trial": trial, "project": project, "pid": _forked_build(project), "kill_at": kill_at,
                "deadline": started + 5 * duration}

    def finish(run: dict[str, Any]) -> None:
        os.kill(run["pid"], signal.SIGKILL)
        os.waitpid(run["pid"], 0)
        project = run["project"]
        found = tree(project / "generated")
        assert found in (old_tree, new_tree), f"trial {run['trial']}: a mix of old and new files"
        outcomes["old" if found == old_tree else "new"] += 1
        beside = sorted(p.name for p in project.iterdir() if STAGING_PREFIX not in p.name)
        assert beside == ["generated", "specs"], beside
        if leftovers(project):
            stale.append(project)

    trials = iter(range(50))
    running = [start(next(trials)) for _ in range(2)]  # two at a time, one per core
    while running:
        now = time.perf_counter()
        for run in list(running):
            if run["kill_at"] is None:
                if leftovers(run["project"]) or _exited(run["pid"]) or now > run["deadline"]:
                    run["kill_at"] = now + rng.uniform(0, writing)
            elif now >= run["kill_at"]:
                finish(run)
                running.remove(run)
                trial = next(trials, None)
                if trial is not None:
                    running.append(start(trial))
        time.sleep(0.0005)

    # The random moments must have caught builds both before and after their swap.
    assert outcomes["old"] and outcomes["new"], outcomes

    # The next build finishes the job and clears what the killed one left beside the output.
    for project in stale[:5]:
        assert build(project) == (0, "")
        assert tree(project / "generated") == new_tree
        assert leftovers(project) == []


def test_files_the_toolkit_did_not_write_beside_its_packages_are_never_touched(old_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(old_project, project)
    output = project / "generated"
    foreign = {"NOTES.md": b"kept by hand\n", "data.bin": bytes(range(256))}
    for relative, content in foreign.items():
        (output / relative).write_bytes(content)
    (output / "link.md").symlink_to("NOTES.md")
    before = {r: (output / r).lstat() for r in [*foreign, "link.md"]}

    write_specs(project, NEW_SPECS)  # rewrites acme, removes beta
    assert build(project) == (0, "")

    for relative, content in foreign.items():
        after = (output / relative).lstat()
        assert (output / relative).read_bytes() == content
        assert (after.st_ino, after.st_mtime_ns, after.st_mode) == (
            before[relative].st_ino,
            before[relative].st_mtime_ns,
            before[relative].st_mode,
        )
    assert os.readlink(output / "link.md") == "NOTES.md"
    assert run_cli(project, "check", "--specs", "specs", "--output", "generated")[0] == 0


def test_what_does_not_belong_inside_the_packages_is_refused_and_removed_only_with_force(
    old_project: Path, new_tree: dict[str, bytes], tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(old_project, project)
    output = project / "generated"
    foreign = {
        "acme/helpers.py": b"def helper() -> int:\n    return 1\n",
        "acme/retry/__init__.py": b"SHADOWS = 'retry.py'\n",
        "beta/local.txt": b"beta's spec goes, this stays\n",
        "extra/__init__.py": b"",
        "sitecustomize.py": b"",
    }
    for relative, content in foreign.items():
        (output / relative).parent.mkdir(parents=True, exist_ok=True)
        (output / relative).write_bytes(content)
    (tmp_path / "elsewhere").mkdir()
    (output / "gamma").symlink_to(tmp_path / "elsewhere", target_is_directory=True)  # where gamma will go
    write_specs(project, NEW_SPECS)
    before = tree(output)

    code, err = build(project)
    assert code == 1
    assert [line.strip() for line in err.splitlines()[1:]] == [
        "generated/acme/helpers.py", "generated/acme/retry", "generated/beta", "generated/extra",
        "generated/gamma", "generated/sitecustomize.py",
    ]
    assert tree(output) == before
    code, out, err = run_cli(project, "check", "--specs", "specs", "--output", "generated")
    assert code == 1 and "generated/acme/retry" in err

    assert build(project, "--force") == (0, "")
    assert tree(output) == new_tree
    assert list((tmp_path / "elsewhere").iterdir()) == []  # nothing written through the link


def test_a_file_edited_by_hand_is_not_overwritten_without_force(old_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(old_project, project)
    edited = project / "generated" / "acme" / "errors.py"
    edited.write_text(edited.read_text() + "\nPATCHED = True\n")
    before = tree(project / "generated")

    for specs in (OLD_SPECS, NEW_SPECS):  # whether or not the spec changed since
        write_specs(project, specs)
        code, err = build(project)
        assert code == 1
        assert err == (
            "codegen: generated files were edited by hand; run with --force to overwrite:\n"
            "  generated/acme/errors.py\n"
        )
        assert tree(project / "generated") == before

    assert build(project, "--force") == (0, "")
    assert "PATCHED" not in edited.read_text()
    assert build(project) == (0, "")


def test_a_hand_written_file_where_a_generated_one_would_go_is_refused(old_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(old_project, project)
    (project / "generated" / "gamma").mkdir()
    (project / "generated" / "gamma" / "errors.py").write_text("# mine\n")
    write_specs(project, {**NEW_SPECS, "gamma": spec_text("gamma")})
    code, err = build(project)
    assert code == 1
    assert err == (
        "codegen: files that codegen did not generate stand where it would write;"
        " run with --force to overwrite:\n  generated/gamma/errors.py\n"
    )
    assert (project / "generated" / "gamma" / "errors.py").read_text() == "# mine\n"


def test_the_package_of_a_removed_spec_is_deleted_with_its_bytecode(old_project: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(old_project, project)
    subprocess.run([sys.executable, "-m", "compileall", "-q", "generated"], cwd=project, check=True)
    assert list((project / "generated" / "beta" / "__pycache__").glob("*.pyc"))

    write_specs(project, {"acme": OLD_SPECS["acme"]})
    assert build(project) == (0, "")

    assert not (project / "generated" / "beta").exists()
    assert (project / "generated" / "acme" / "__pycache__").is_dir()  # a live package keeps its cache
    assert sorted(tree(project / "generated")) == sorted(
        p for p in tree(old_project / "generated") if not p.startswith("beta/")
    )


def test_concurrent_builds_leave_a_correct_tree(old_project: Path, new_tree: dict[str, bytes], tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(old_project, project)
    old_tree = tree(old_project / "generated")
    for specs, expected in [(NEW_SPECS, new_tree), (OLD_SPECS, old_tree), (NEW_SPECS, new_tree)]:
        write_specs(project, specs)
        pids = [_forked_build(project) for _ in range(2)]
        codes = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in pids]
        assert codes == [0, 0]
        assert tree(project / "generated") == expected
        assert leftovers(project) == []

    # Once more with two separate interpreters running the installed command line.
    write_specs(project, OLD_SPECS)
    command = [sys.executable, "-m", "codegen", *BUILD, "-q"]
    runs = [subprocess.Popen(command, cwd=project, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    assert [(run.communicate(timeout=120)[1], run.returncode) for run in runs] == [("", 0)] * 2
    assert tree(project / "generated") == old_tree
    assert leftovers(project) == []


def test_the_scan_under_the_lock_rereads_only_files_that_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codegen import write

    monkeypatch.setattr(write, "_SETTLED_NS", -3600 * 10**9)  # every file counts as settled
    output = tmp_path / "generated"
    (output / "acme").mkdir(parents=True)
    (output / "acme" / "errors.py").write_text("one\n", encoding="utf-8")
    (output / "NOTES.md").write_text("kept\n", encoding="utf-8")
    (output / "gone.txt").write_text("soon gone\n", encoding="utf-8")
    first = write.scan(output)
    (output / "acme" / "errors.py").write_text("three\n", encoding="utf-8")
    (output / "gone.txt").unlink()
    (output / "acme" / "new.py").write_text("new\n", encoding="utf-8")
    second = write.scan(output, first)
    assert sorted(second) == ["NOTES.md", "acme/errors.py", "acme/new.py"]
    assert second["NOTES.md"] is first["NOTES.md"]
    assert (second["acme/errors.py"].text, second["acme/new.py"].text) == ("three\n", "new\n")


def test_a_file_changed_just_before_a_scan_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codegen import write

    real_lstat = os.lstat

    def whole_seconds(path: str) -> SimpleNamespace:
        """os.lstat on a file system that keeps whole seconds, as ext3 does."""
        info = real_lstat(path)
        return SimpleNamespace(
            st_mode=info.st_mode,
            st_ino=info.st_ino,
            st_size=info.st_size,
            st_mtime_ns=info.st_mtime_ns // 10**9 * 10**9,
            st_ctime_ns=info.st_ctime_ns // 10**9 * 10**9,
        )

    monkeypatch.setattr(write.os, "lstat", whole_seconds)
    output = tmp_path / "generated"
    output.mkdir()
    (output / "errors.py").write_text("one\n", encoding="utf-8")
    first = write.scan(output)
    (output / "errors.py").write_text("two\n", encoding="utf-8")  # same size, same second
    assert write.scan(output, first)["errors.py"].text == "two\n"
