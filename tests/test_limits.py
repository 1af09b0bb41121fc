"""Limits the loader and validator hold with a located message, never an internal error.

The hostile specs of ``tests/bad_specs`` check each message; these tests check what a
folder case cannot: the same attacks at full size (the time and memory they take are
printed by ``bench/limits.py``), file names with control characters, and output that
cannot be written (an immutable folder, a full file system).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.errors import SpecError, SpecErrors
from codegen.load import MAX_DEPTH, parse_spec_bytes
from codegen.validate import validate
from goldens import BAD_SPECS, ROOT

BASELINE = (BAD_SPECS / "_baseline" / "acme.yaml").read_text(encoding="utf-8")
sys.path.insert(0, str(ROOT / "bench"))

import limits  # noqa: E402


def problems(text: str) -> list[SpecError]:
    try:
        validate(parse_spec_bytes(text.encode("utf-8", "surrogatepass"), Path("acme.yaml"), "specs/acme.yaml"))
    except SpecErrors as exc:
        return exc.errors
    except SpecError as exc:
        return [exc]
    return []


@pytest.mark.parametrize(
    ("case", "message"),
    [
        (limits.aliased_scalar, "expands to more than"),
        (limits.deep_flow, f"nested more than {MAX_DEPTH} levels deep"),
        (limits.huge_integer, "digits"),
        (limits.nested_patterns, "groups nest 499 deep"),
        (limits.duplicate_keys, "key '400' is given twice"),
        (limits.lone_surrogates, "lone surrogate"),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_a_hostile_megabyte_is_reported_where_it_starts(case: object, message: str) -> None:
    text = case(1024 * 1024)  # type: ignore[operator]
    found = problems(text)
    assert found and all(message in p.message for p in found), found[:3]
    first = found[0]
    lines = text.split("\n")
    assert 20 < first.line <= len(lines), first  # inside the attack, not at 1:1
    assert first.column <= len(lines[first.line - 1]) + 1


def test_a_deep_flow_is_reported_at_the_level_past_the_limit() -> None:
    text = BASELINE + "x_deep: " + "[" * 5000 + "]" * 5000 + "\n"
    [found] = problems(text)
    line = text.split("\n")[found.line - 1]
    assert line.startswith("x_deep: ") and found.column == len("x_deep: ") + MAX_DEPTH + 1


def test_two_thousand_errors_of_one_status_validate() -> None:
    assert problems(limits.shared_status(1024 * 1024)) == []


@pytest.mark.parametrize("anchor", ["^", ""])
def test_a_shadowed_pattern_among_many_is_still_found(anchor: str) -> None:
    text = limits.shared_status(1024 * 1024).replace("'^Error number", f"'{anchor}Error number")
    text = text.replace(f"'{anchor}Error number 1997 happened'", f"'{anchor}Error number 7 happened'")
    [found] = problems(text)
    assert "can never match" in found.message and "Numbered7Error" in found.message


def run_cli(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codegen", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
    )


def test_control_characters_in_a_file_name_are_escaped(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "ac\x1b[2Jme\x07.yaml").write_text(BASELINE, encoding="utf-8")
    done = run_cli(tmp_path, "validate", "--specs", "specs")
    assert done.returncode == 1
    assert "\x1b" not in done.stderr and "\x07" not in done.stderr
    assert done.stderr.startswith("specs/ac\\x1b[2Jme\\x07.yaml:"), done.stderr


def project_with_output(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "acme.yaml").write_text(BASELINE, encoding="utf-8")
    return tmp_path


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("chattr") is None, reason="needs root and chattr")
def test_an_output_folder_that_refuses_writes_is_a_clear_error(tmp_path: Path) -> None:
    project = project_with_output(tmp_path)
    (project / "generated").mkdir()
    if subprocess.run(["chattr", "+i", str(project / "generated")], capture_output=True).returncode != 0:
        pytest.skip("the file system does not support immutable folders")
    try:
        done = run_cli(project, "build", "--specs", "specs", "--output", "generated")
    finally:
        subprocess.run(["chattr", "-i", str(project / "generated")], check=True)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("codegen: cannot write generated: Operation not permitted"), done.stderr
    assert "internal error" not in done.stderr
    assert list((project / "generated").iterdir()) == []


@pytest.mark.skipif(os.geteuid() != 0 or shutil.which("mount") is None, reason="needs root to mount a small tmpfs")
def test_a_full_disk_is_a_clear_error_and_keeps_the_old_output(tmp_path: Path) -> None:
    project = project_with_output(tmp_path)
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=400k", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        first = run_cli(project, "build", "--specs", "specs", "--output", str(disk / "generated"))
        assert first.returncode == 0, first.stderr
        before = tree(disk / "generated")
        spec = BASELINE.replace("    title: Invalid field\n", "    title: Invalid field\n    cause: " + "x" * 15000 + "\n")
        (project / "specs" / "acme.yaml").write_text(spec, encoding="utf-8")
        filler = disk / "filler"  # fills the disk, then leaves less room than the new files need
        descriptor = os.open(filler, os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(descriptor, b"\0" * 4096):
                pass
        except OSError:
            pass
        finally:
            os.close(descriptor)
        os.truncate(filler, max(filler.stat().st_size - 8192, 0))
        done = run_cli(project, "build", "--specs", "specs", "--output", str(disk / "generated"))
        after = tree(disk / "generated")
    finally:
        subprocess.run(["umount", str(disk)], check=True)
    assert done.returncode == 1, done.stderr
    assert "No space left on device; the output is left as it was" in done.stderr, done.stderr
    assert "internal error" not in done.stderr
    assert after == before


def without_file_permission_override(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI as root without the capabilities that bypass file modes, so modes apply."""
    drop = "-dac_override,-dac_read_search"
    return subprocess.run(
        ["setpriv", f"--bounding-set={drop}", f"--inh-caps={drop}", sys.executable, "-m", "codegen", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"},
    )


needs_setpriv = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None, reason="needs root and setpriv to drop the override"
)


@needs_setpriv
def test_an_unreadable_spec_is_reported_where_it_is(tmp_path: Path) -> None:
    project = project_with_output(tmp_path)
    (project / "specs" / "acme.yaml").chmod(0)
    done = without_file_permission_override(project, "validate", "--specs", "specs")
    assert (done.returncode, done.stderr.splitlines()[0]) == (1, "specs/acme.yaml:1:1: cannot read the file: Permission denied")


@needs_setpriv
def test_an_output_folder_without_write_permission_is_a_clear_error(tmp_path: Path) -> None:
    project = project_with_output(tmp_path)
    assert without_file_permission_override(project, "build", "--specs", "specs", "--output", "out/generated").returncode == 0
    before = tree(project / "out")
    (project / "specs" / "acme.yaml").write_text(BASELINE.replace("title: Invalid field", "title: Invalid fields"))
    (project / "out").chmod(0o555)
    try:
        done = without_file_permission_override(project, "build", "--specs", "specs", "--output", "out/generated")
    finally:
        (project / "out").chmod(0o755)
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("codegen: cannot write out/generated: Permission denied"), done.stderr
    assert tree(project / "out") == before
