"""The output does not depend on the machine: hash seed, locale, umask, directory order."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from goldens import BAD_SPECS, ROOT, config_for

from codegen.build import compile_specs

SPECS = {
    "speech": ROOT / "specs" / "speech.yaml",  # envelopes with schemas, in-body failures
    "acme": BAD_SPECS / "_baseline" / "acme.yaml",
}
ENVIRONMENTS = [
    # An ASCII-only C locale (no coercion to UTF-8), hash seed 0, files readable by all.
    ({"PYTHONHASHSEED": "0", "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0", "PYTHONUTF8": "0"}, 0o022, ["speech", "acme"]),
    # A UTF-8 locale, another seed, private files, specs created in the other order.
    ({"PYTHONHASHSEED": "2718281", "LC_ALL": "C.UTF-8"}, 0o077, ["acme", "speech"]),
]


def files_under(output: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(output).as_posix(): (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
        for p in sorted(output.rglob("*"))
        if p.is_file()
    }


def test_output_is_byte_identical_whatever_the_environment(tmp_path: Path) -> None:
    runs = []
    for index, (variables, umask, order) in enumerate(ENVIRONMENTS):
        project = tmp_path / f"project{index}"
        (project / "specs").mkdir(parents=True)
        for slug in order:  # creation order decides the listing order on many file systems
            shutil.copyfile(SPECS[slug], project / "specs" / f"{slug}.yaml")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONHASHSEED"))}
        env.update(variables)
        command = f"umask {umask:03o} && exec {sys.executable} -m codegen build --specs specs --output generated -q"
        runs.append((project, umask, subprocess.Popen(["sh", "-c", command], cwd=project, env=env, stderr=subprocess.PIPE)))

    trees = []
    for project, umask, run in runs:
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode()
        found = files_under(project / "generated")
        # Modes follow the umask, as for any file a program creates; nothing else varies.
        for relative, (_, mode) in found.items():
            assert mode == 0o666 & ~umask, relative
        for folder in [project / "generated", *(p for p in (project / "generated").rglob("*") if p.is_dir())]:
            assert stat.S_IMODE(folder.stat().st_mode) == 0o777 & ~umask, folder
        trees.append({relative: content for relative, (content, _) in found.items()})

    assert trees[0] == trees[1]
    # The speech package is the committed one, byte for byte.
    committed = ROOT / "generated" / "speech"
    assert {p: c for p, c in trees[0].items() if p.startswith("speech/")} == {
        f"speech/{p.name}": p.read_bytes() for p in committed.iterdir() if p.is_file()
    }


def test_output_does_not_depend_on_directory_listing_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    specs = tmp_path / "specs"
    specs.mkdir()
    baseline = SPECS["acme"].read_text(encoding="utf-8")
    for slug in ("acme", "beta", "gamma"):
        (specs / f"{slug}.yaml").write_text(baseline.replace("slug: acme", f"slug: {slug}"), encoding="utf-8")
    config = config_for(specs, tmp_path / "generated")
    in_order = compile_specs(config)

    # Every listing in the reverse of what the file system gives.
    listdir, scandir = os.listdir, os.scandir

    class ReversedScandir:
        def __init__(self, path: Any = ".") -> None:
            with scandir(path) as entries:
                self.entries = list(entries)[::-1]

        def __iter__(self) -> Iterator[os.DirEntry[str]]:
            return iter(self.entries)

        def __enter__(self) -> ReversedScandir:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

    monkeypatch.setattr(os, "listdir", lambda path=".": listdir(path)[::-1])
    monkeypatch.setattr(os, "scandir", ReversedScandir)
    assert list(reversed(os.listdir(specs))) == listdir(specs)
    reversed_plan = compile_specs(config)
    assert (reversed_plan.slugs, reversed_plan.files) == (in_order.slugs, in_order.files)
