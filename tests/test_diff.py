"""``codegen diff`` against real git repositories and folders made by the tests."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from codegen.cli import main
from installs import GIT_ENV, git

@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> Path:
    """A git repository whose first commit holds one starter spec."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    git(tmp_path, "init", "-q", "-b", "main")
    assert main(["init", "acme", "-q"]) == 0
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "acme spec")
    capsys.readouterr()
    return tmp_path


def edit(repo: Path, *replacements: tuple[str, str], slug: str = "acme") -> Path:
    spec = repo / "specs" / f"{slug}.yaml"
    text = spec.read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    spec.write_text(text, encoding="utf-8")
    return spec


def line_of(spec: Path, start: str) -> int:
    """The number of the first line of ``spec`` that starts with ``start`` after its indentation."""
    lines = spec.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.lstrip().startswith(start))


# The breaking edits, and the line of the new spec each report must point at.
BREAKING_EDITS = (
    ("  - name: InvalidParameterError", "  - name: BadParameterError"),
    ("  429:\n    retry: throttled\n", "  429:\n    retry: throttled\n    category: quota_exceeded\n"),
    ("  500:\n    retry: server_retry\n", "  500:\n    retry: do_not_retry\n"),
    ("  401:\n    retry: check_credentials\n    title: Unauthorized\n    cause: The API key is missing or invalid.\n"
     "    solution: Check the API key.\n", ""),
)


def test_no_changes_against_head(repo: Path, capsys) -> None:
    assert main(["diff"]) == 0
    assert capsys.readouterr().out == "no changes against HEAD\n"


def test_compatible_changes_are_reported_and_exit_zero(repo: Path, capsys) -> None:
    edit(
        repo,
        ("    max_attempts: 5 ", "    max_attempts: 3 "),
        ("errors:                             # documented errors, by wire code and message\n",
         "errors:\n  - name: LimitTooHighError\n    status: 400\n    code: limit_too_high\n"),
    )
    assert main(["diff", "--against", "HEAD"]) == 0
    out = capsys.readouterr().out
    spec = repo / "specs" / "acme.yaml"
    assert f"specs/acme.yaml:{line_of(spec, '- name: LimitTooHighError')}:11: added: acme: class LimitTooHighError added (HTTP 400, code limit_too_high)" in out
    assert "AcmeTooManyRequestsError: retry policy max attempts 5 -> 3" in out
    assert "BREAKING" not in out
    assert out.endswith(", 0 breaking\n")


def test_breaking_changes_exit_3_and_point_at_the_spec_lines(repo: Path, capsys) -> None:
    spec = edit(repo, *BREAKING_EDITS)
    assert main(["diff"]) == 3
    out = capsys.readouterr().out
    reports = {m.group(2): int(m.group(1)) for m in re.finditer(r"^specs/acme\.yaml:(\d+):\d+: BREAKING: acme: (.+)$", out, re.MULTILINE)}
    assert reports.pop("class InvalidParameterError renamed to BadParameterError") == line_of(spec, "- name: BadParameterError")
    assert reports.pop("AcmeTooManyRequestsError: category rate_limited -> quota_exceeded") == line_of(spec, "429:")
    assert reports.pop("AcmeInternalServerError: retrying turned off") == line_of(spec, "500:")
    assert reports.pop("class AcmeUnauthorizedError removed (HTTP 401)") == line_of(spec, "statuses:")
    # The category moves the class under another shared base: reported as such.
    assert reports.pop("AcmeTooManyRequestsError: base classes AcmeClientError, RateLimitedError -> AcmeClientError, QuotaExceededError") == line_of(spec, "429:")
    assert not reports, reports
    assert "acme: 0 added, 1 removed, 1 renamed, 4 changed (5 breaking)" in out
    # Compatible details of the same edits are listed without failing on their own.
    assert "AcmeInternalServerError: retry policy action retry -> fix_request" in out


def test_json_and_github_formats(repo: Path, capsys) -> None:
    spec = edit(repo, *BREAKING_EDITS)
    assert main(["diff", "--format", "json"]) == 3
    document = json.loads(capsys.readouterr().out)
    assert document["against"] == "HEAD"
    assert document["breaking"] == sum(c["breaking"] for c in document["changes"]) == 5
    assert document["vendors"]["acme"]["removed"] == 1
    renamed = next(c for c in document["changes"] if c["kind"] == "renamed")
    assert renamed == {
        "vendor": "acme", "kind": "renamed", "subject": "BadParameterError",
        "message": "class InvalidParameterError renamed to BadParameterError", "breaking": True,
        "file": "specs/acme.yaml", "line": line_of(spec, "- name: BadParameterError"), "column": 11,
    }

    assert main(["diff", "--format", "github"]) == 3
    lines = capsys.readouterr().out.splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    assert len(errors) == 5
    assert (
        f"::error file=specs/acme.yaml,line={line_of(spec, '500:')},col=3,title=Breaking change"
        "::acme: AcmeInternalServerError: retrying turned off"
    ) in errors
    assert all(line.startswith(("::error ", "::notice ")) for line in lines)


def test_against_an_older_revision_and_whole_vendors(repo: Path, capsys) -> None:
    assert main(["init", "beta", "-q"]) == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "beta spec")
    capsys.readouterr()
    assert main(["diff", "--against", "HEAD~1"]) == 0
    assert "specs/beta.yaml:1:1: added: beta: vendor 'beta' added" in capsys.readouterr().out
    (repo / "specs" / "beta.yaml").unlink()
    assert main(["diff"]) == 3
    assert "specs/beta.yaml:1:1: BREAKING: beta: vendor 'beta' removed: the package generated.beta is gone" in capsys.readouterr().out
    assert main(["diff", "--against", "HEAD~1"]) == 0


def test_against_a_folder(repo: Path, tmp_path_factory, capsys) -> None:
    old = tmp_path_factory.mktemp("released") / "specs"
    shutil.copytree(repo / "specs", old)
    edit(repo, *BREAKING_EDITS[:1])
    for args in (["--against-dir", str(old)], ["--against", str(old)]):
        assert main(["diff", *args]) == 3
        out = capsys.readouterr().out
        assert "BREAKING: acme: class InvalidParameterError renamed to BadParameterError" in out
        assert out.endswith(f"1 change against {old}, 1 breaking\n")


def test_errors_exit_1_for_specs_and_2_for_usage(repo: Path, capsys) -> None:
    assert main(["diff", "--against", "no-such-branch"]) == 2
    assert "unknown git revision 'no-such-branch'" in capsys.readouterr().err
    assert main(["diff", "--against-dir", "missing"]) == 2
    assert main(["diff", "--format", "xml"]) == 2
    capsys.readouterr()
    edit(repo, ("  429:\n    retry: throttled\n", "  429:\n    retry: throttle\n"))
    assert main(["diff"]) == 1
    err = capsys.readouterr().err
    assert re.search(r"^specs/acme\.yaml:\d+:\d+: retry policy 'throttle' is not defined", err, re.MULTILINE)


def test_outside_a_git_repository_is_a_usage_error(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    monkeypatch.chdir(tmp_path)
    assert main(["init", "acme", "-q"]) == 0
    assert main(["diff"]) == 2
    assert "git rev-parse failed" in capsys.readouterr().err


def test_quiet_prints_only_breaking_changes(repo: Path, capsys) -> None:
    edit(repo, ("    max_attempts: 5 ", "    max_attempts: 3 "))
    assert main(["diff", "-q"]) == 0
    assert capsys.readouterr() == ("", "")
    edit(repo, *BREAKING_EDITS[:1])
    assert main(["diff", "-q"]) == 3
    assert "BREAKING: acme: class InvalidParameterError renamed to BadParameterError" in capsys.readouterr().out
