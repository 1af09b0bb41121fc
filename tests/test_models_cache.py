"""Each spec's last models.py is kept in the user's cache folder, so that a build into an
empty output folder runs datamodel-code-generator only for schemas it has not seen."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import codegen.workers
import codegen.payload_models
from goldens import ROOT, build

MODELS = [f"{p.stem}/models.py" for p in sorted((ROOT / "specs").glob("*.yaml"))]


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "codegen-errors" / "models"


def log_line(line: str) -> None:
    with Path(os.environ["GENERATOR_LOG"]).open("a") as out:
        out.write(line + "\n")


def import_ahead() -> None:
    """Stands for the models process's import of the generator (pickled by name, so global)."""
    log_line("import")


@pytest.fixture
def generator_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file that gets a line each time datamodel-code-generator runs or is imported ahead,
    in whichever process does it."""
    log = tmp_path / "generator.log"
    monkeypatch.setenv("GENERATOR_LOG", str(log))
    models_source = codegen.payload_models.models_source

    def logged(vendor: object) -> str:
        log_line("generate")
        return models_source(vendor)  # type: ignore[arg-type]

    monkeypatch.setattr(codegen.payload_models, "models_source", logged)
    monkeypatch.setattr(codegen.workers, "import_models_generator", import_ahead)
    return log


def models_of(files: dict[str, str]) -> dict[str, str]:
    return {name: files[name] for name in MODELS}


def committed_models() -> dict[str, str]:
    return {name: (ROOT / "generated" / name).read_text() for name in MODELS}


def runs(log: Path) -> list[str]:
    lines = log.read_text().split() if log.exists() else []
    log.unlink(missing_ok=True)
    return sorted(set(lines))


def test_a_second_cold_build_reuses_the_cached_models(tmp_path: Path, cache: Path, generator_runs: Path) -> None:
    first = build(ROOT / "specs", tmp_path / "one" / "generated")
    assert runs(generator_runs) == ["generate", "import"]
    assert len(list(cache.glob("*.py"))) == len(MODELS)
    second = build(ROOT / "specs", tmp_path / "two" / "generated")
    assert runs(generator_runs) == []  # neither generated nor imported ahead
    assert second == first
    assert models_of(first) == committed_models()


def test_an_entry_for_other_schemas_or_damaged_is_not_used(tmp_path: Path, cache: Path, generator_runs: Path) -> None:
    expected = build(ROOT / "specs", tmp_path / "one" / "generated")
    entries = sorted(cache.glob("*.py"))
    marked = [e for e in entries if "# schemas-sha256: " in e.read_text()]
    stale, damaged = marked[0], marked[1]
    stale.write_text(stale.read_text().replace("# schemas-sha256: ", "# schemas-sha256: 0"))
    damaged.write_text(damaged.read_text()[:-40])
    runs(generator_runs)
    assert build(ROOT / "specs", tmp_path / "two" / "generated") == expected
    assert runs(generator_runs) == ["generate"]  # for those two; imported once one needed it
    assert all("# schemas-sha256: 0" not in e.read_text() for e in entries)  # entries put right


def test_a_cache_that_cannot_be_made_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    files = build(ROOT / "specs", tmp_path / "generated")
    assert models_of(files) == committed_models()
