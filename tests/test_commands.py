"""build, check, validate and schema: exit codes, what they print, what they write, settings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from codegen.cli import main
from goldens import FEATURES, tree

SPEC = FEATURES / "minimal" / "specs" / "bare.yaml"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with one spec and settings in pyproject.toml, as the working directory."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.codegen]\nspecs = "api-specs"\noutput = "src/errors_gen"\n'
    )
    (tmp_path / "api-specs").mkdir()
    shutil.copy(SPEC, tmp_path / "api-specs" / "bare.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_settings_are_found_by_walking_up_and_flags_override_them(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    nested = project / "src" / "deep"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    assert main(["build", "-q"]) == 0
    assert (project / "src" / "errors_gen" / "bare" / "parser.py").is_file()
    assert main(["build", "-q", "--output", "elsewhere"]) == 0
    assert (nested / "elsewhere" / "bare" / "errors.py").is_file()
    # The package name is the output folder's name.
    assert "from elsewhere.bare import" in (nested / "elsewhere" / "bare" / "__init__.py").read_text()


def test_check_passes_when_current_and_fails_with_a_diff_when_stale(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "-q"]) == 0
    capsys.readouterr()
    assert main(["check"]) == 0
    spec = project / "api-specs" / "bare.yaml"
    spec.write_text(spec.read_text().replace("name: Bare\n", "name: Bare Metal\n"))
    before = tree(project / "src" / "errors_gen")
    assert main(["check"]) == 1
    out, err = capsys.readouterr()
    assert "--- a/src/errors_gen/bare/errors.py" in out and "+++ b/src/errors_gen/bare/errors.py" in out
    assert "+class BareError(APIError):" not in out  # the class name did not change...
    assert any(line.startswith("+") and "Bare Metal" in line for line in out.splitlines())
    assert "out of date" in err and "codegen build" in err
    assert tree(project / "src" / "errors_gen") == before, "check must not write"
    assert main(["check", "--no-diff"]) == 1
    assert capsys.readouterr().out == ""


def test_check_reports_a_missing_and_an_extra_generated_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "-q"]) == 0
    output = project / "src" / "errors_gen"
    (output / "bare" / "retry.py").unlink()
    shutil.copy(output / "bare" / "errors.py", output / "stale.py")
    capsys.readouterr()
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "+++ b/src/errors_gen/bare/retry.py" in out
    assert "--- a/src/errors_gen/stale.py" in out and "+++ /dev/null" in out


def test_build_writes_only_what_changed(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "-q"]) == 0
    output = project / "src" / "errors_gen"
    stamps = {p: p.stat().st_mtime_ns for p in output.rglob("*") if p.is_file()}
    assert main(["build"]) == 0
    assert "up to date" in capsys.readouterr().out
    spec = project / "api-specs" / "bare.yaml"
    spec.write_text(spec.read_text().replace("max_attempts: 3", "max_attempts: 4"))
    assert main(["build", "-q"]) == 0
    changed = {p.relative_to(output).as_posix() for p, t in stamps.items() if p.stat().st_mtime_ns != t}
    # Each file of the vendor names its spec's hash; the shared runtime does not change.
    assert "bare/retry.py" in changed
    assert not changed & {"_base.py", "_runtime.py"}


def test_validate_checks_specs_without_writing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate"]) == 0
    assert "1 spec valid" in capsys.readouterr().out
    assert not (project / "src").exists()
    spec = project / "api-specs" / "bare.yaml"
    spec.write_text(spec.read_text().replace("action: fix_request", "action: fix_it"))
    assert main(["validate"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("api-specs/bare.yaml:")
    assert "action" in err and "Traceback" not in err


def test_a_bad_spec_writes_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "-q"]) == 0
    before = tree(project / "src" / "errors_gen")
    spec = project / "api-specs" / "bare.yaml"
    spec.write_text(spec.read_text().replace("retry: never", "retry: nevre"))
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    line = next(i for i, text in enumerate(spec.read_text().splitlines(), 1) if "nevre" in text)
    assert err.startswith(f"api-specs/bare.yaml:{line}:")
    assert "did you mean 'never'" in err
    assert tree(project / "src" / "errors_gen") == before


def test_usage_errors_exit_2(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert main(["build", "--specs", "no-such-folder"]) == 2
    assert "no spec files" in capsys.readouterr().err
    (project / "pyproject.toml").write_text("[tool.codegen]\nspec = 'api-specs'\n")
    assert main(["build"]) == 2
    assert "unknown setting 'spec'" in capsys.readouterr().err


def test_schema_prints_the_spec_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert {"spec_version", "vendor", "retry_policies", "families"} <= set(schema["required"])
    assert schema["additionalProperties"] is False


def test_a_template_folder_overrides_built_in_templates_one_by_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from codegen.config import builtin_template_dir

    custom = project / "my-templates" / "vendor"
    custom.mkdir(parents=True)
    original = (builtin_template_dir() / "vendor" / "retry.py.jinja").read_text()
    (custom / "retry.py.jinja").write_text("# Reviewed by the platform team.\n" + original)
    with (project / "pyproject.toml").open("a") as settings:
        settings.write('templates = "my-templates"\n')
    assert main(["build", "-q"]) == 0
    output = project / "src" / "errors_gen" / "bare"
    assert "# Reviewed by the platform team." in (output / "retry.py").read_text()
    assert "Reviewed" not in (output / "errors.py").read_text()


def test_a_shared_template_override_that_reads_the_vendors_gets_them(project: Path) -> None:
    from codegen.config import builtin_template_dir

    # Two specs: the shared files are then rendered beside them in worker processes.
    shutil.copy(FEATURES / "models" / "specs" / "typed.yaml", project / "api-specs" / "typed.yaml")
    custom = project / "my-templates" / "package"
    custom.mkdir(parents=True)
    original = (builtin_template_dir() / "package" / "_base.py.jinja").read_text()
    listing = "# Vendors: {% for v in vendors %}{{ v.slug }} {% endfor %}\n"
    (custom / "_base.py.jinja").write_text(original + listing)
    with (project / "pyproject.toml").open("a") as settings:
        settings.write('templates = "my-templates"\n')
    assert main(["build", "-q"]) == 0
    assert "# Vendors: bare typed\n" in (project / "src" / "errors_gen" / "_base.py").read_text()


def test_check_into_a_pipe_closed_early_exits_quietly(project: Path) -> None:
    import subprocess
    import sys

    # Nothing built yet: check prints the diff of every file, far more than a pipe holds.
    process = subprocess.Popen(
        [sys.executable, "-m", "codegen", "check"],
        cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline().startswith(b"--- /dev/null")
    process.stdout.close()  # as `codegen check | head -1` does
    err = process.stderr.read().decode()
    assert process.wait(timeout=60) == 141
    assert err == ""
