"""Malformed specs: one located message each, exit 1, no traceback, and the output untouched.

Every folder of ``tests/bad_specs`` holds a spec with one mistake and ``expected.txt``, the
exact stderr of ``codegen build``. Refresh them with ``python tests/goldens.py --bad-specs``.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from goldens import BAD_SPECS, bad_spec_cases, build_bad_spec, run_cli

LOCATED = re.compile(r"^specs/[a-z_]+\.ya?ml:\d+:\d+: \S")
SUMMARY = re.compile(r"^codegen: \d+ errors? in specs; nothing written$")


@pytest.fixture(scope="module")
def previous_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output of an earlier good build, with a file of the user's in it."""
    project = tmp_path_factory.mktemp("previous")
    (project / "specs").mkdir()
    shutil.copyfile(BAD_SPECS / "_baseline" / "acme.yaml", project / "specs" / "acme.yaml")
    code, _, err = run_cli(project, "build", "--specs", "specs", "--output", "generated")
    assert code == 0, err
    (project / "generated" / "NOTES.md").write_text("written by hand\n")
    return project / "generated"


def snapshot(folder: Path) -> dict[str, tuple[int, int, bytes | None]]:
    """Every entry under ``folder``, and the folder's siblings: mode, mtime and content."""
    entries = {f"../{p.name}": (0, 0, None) for p in folder.parent.iterdir() if p.name != "specs"}
    for path in [folder, *sorted(folder.rglob("*"))]:
        info = path.lstat()
        content = path.read_bytes() if path.is_file() else None
        entries[path.relative_to(folder).as_posix()] = (info.st_mode, info.st_mtime_ns, content)
    return entries


def test_corpus_covers_enough_mistakes() -> None:
    assert len(bad_spec_cases()) >= 45


@pytest.mark.parametrize("case", bad_spec_cases(), ids=lambda p: p.name)
def test_bad_spec_is_reported_and_changes_nothing(case: Path, previous_output: Path, tmp_path: Path) -> None:
    output = tmp_path / "generated"
    shutil.copytree(previous_output, output)
    before = snapshot(output)

    code, err = build_bad_spec(case, tmp_path)

    assert err == (case / "expected.txt").read_text(encoding="utf-8"), (
        "message changed: read it, then refresh with python tests/goldens.py --bad-specs"
    )
    assert code == 1
    assert "Traceback" not in err
    *located, summary = err.splitlines()
    assert SUMMARY.match(summary)
    assert len(located) == 1, "one mistake, one message"
    assert LOCATED.match(located[0]), located[0]
    assert snapshot(output) == before


@pytest.mark.parametrize("case", bad_spec_cases(), ids=lambda p: p.name)
def test_validate_reports_the_same_mistake(case: Path, tmp_path: Path) -> None:
    build_code, build_err = build_bad_spec(case, tmp_path)
    code, _, err = run_cli(tmp_path, "validate", "--specs", "specs")
    assert (code, err.splitlines()[:-1]) == (build_code, build_err.splitlines()[:-1])


def test_spec_mistakes_point_inside_the_file(tmp_path: Path) -> None:
    for case in bad_spec_cases():
        located = (case / "expected.txt").read_text(encoding="utf-8").splitlines()[0]
        name, line, column = re.match(r"^specs/([^:]+):(\d+):(\d+): ", located).groups()  # type: ignore[union-attr]
        lines = (case / name).read_bytes().split(b"\n")
        assert 1 <= int(line) <= len(lines), case.name
        assert 1 <= int(column) <= len(lines[int(line) - 1]) + 1, case.name


def test_a_one_megabyte_title_is_refused_without_echoing_it(tmp_path: Path) -> None:
    spec = (BAD_SPECS / "_baseline" / "acme.yaml").read_text()
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "acme.yaml").write_text(spec.replace("title: Invalid field", "title: " + "x" * 1_000_000))
    code, err = build_bad_spec(tmp_path / "case", tmp_path / "project")
    assert code == 1
    assert "errors.0.title: is 1,000,000 characters long; at most 20,000 are allowed" in err
    assert len(err) < 500


def test_a_file_over_the_size_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    (tmp_path / "case").mkdir()
    (tmp_path / "case" / "acme.yaml").write_bytes(b"# padding\n" * 600_000)
    code, err = build_bad_spec(tmp_path / "case", tmp_path / "project")
    assert code == 1
    assert err.startswith("specs/acme.yaml:1:1: file is 6,000,000 bytes; a spec may have at most 5,242,880\n")
    assert not (tmp_path / "project" / "generated").exists()
    assert os.listdir(tmp_path / "project") == ["specs"]


@pytest.mark.parametrize("vendors", [["acme"], ["acme", "beta"]], ids=["one spec", "specs in worker processes"])
def test_a_schema_the_model_generator_rejects_is_a_located_mistake(vendors: list[str], tmp_path: Path) -> None:
    spec = (BAD_SPECS / "_baseline" / "acme.yaml").read_text()
    spec = spec.replace(
        "    message: [error.message]\n",
        "    message: [error.message]\n    schema:\n      type: object\n      properties:\n        code: {minLength: short}\n",
    )
    (tmp_path / "case").mkdir()
    for slug in vendors:
        (tmp_path / "case" / f"{slug}.yaml").write_text(spec.replace("slug: acme", f"slug: {slug}"))
    code, err = build_bad_spec(tmp_path / "case", tmp_path / "project")
    assert code == 1
    assert err.splitlines()[:-1] == [
        f"specs/{slug}.yaml:17:27: envelopes.0.schema.properties.code.minLength: datamodel-code-generator"
        " cannot turn this JSON Schema into a model: Input should be a valid integer, unable to parse"
        " string as an integer (at properties.code.JsonSchemaObject.minLength)"
        for slug in vendors
    ]
    assert os.listdir(tmp_path / "project") == ["specs"]


@pytest.mark.parametrize("command", ["build", "check"])
def test_every_mistake_of_several_specs_compiled_in_worker_processes_is_reported(command: str, tmp_path: Path) -> None:
    spec = (BAD_SPECS / "_baseline" / "acme.yaml").read_text()
    mistakes = {
        "acme": spec.replace("    title: Invalid field\n", "    title: Invalid field\n    colour: red\n"),
        "beta": spec.replace("slug: acme", "slug: beta").replace("max_attempts: 3", "max_attempts: many"),
        "gamma": spec.replace("slug: acme", "slug: gamma") + "statuses: [\n",
        "delta": spec.replace("slug: acme", "slug: delta"),  # valid: compiled beside them
    }
    (tmp_path / "specs").mkdir()
    for slug, text in mistakes.items():
        (tmp_path / "specs" / f"{slug}.yaml").write_text(text)
    code, _, err = run_cli(tmp_path, command, "--specs", "specs", "--output", "generated")
    assert code == 1, err
    assert "internal error" not in err
    *located, summary = err.splitlines()
    assert summary == "codegen: 3 errors in specs; nothing written"
    assert [line.split(":")[0] for line in located] == ["specs/acme.yaml", "specs/beta.yaml", "specs/gamma.yaml"]
    assert all(LOCATED.match(line) for line in located), located
    assert "colour" in located[0] and "max_attempts" in located[1]
    assert not (tmp_path / "generated").exists()
