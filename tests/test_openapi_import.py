"""``codegen import openapi``: drafts from real published descriptions, and re-syncs."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from codegen.cli import main
from codegen.errors import CodegenError, UsageError
from codegen.openapi_import import GONE, MARKER, import_openapi

SAMPLES = Path(__file__).resolve().parent / "openapi_samples"
# sample file -> slug
SAMPLE_SLUGS = {
    "github-excerpt.json": "github",
    "codat-bank-feeds.json": "codat",
    "train-travel.yaml": "train_travel",
    "petstore-expanded.yaml": "petstore",
    "schema-circular.json": "circular",
    "rev-ai.json": "revai",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every sample imported into one specs folder and built into the package ``oa_built``."""
    root = tmp_path_factory.mktemp("openapi")
    specs = root / "specs"
    for sample, slug in SAMPLE_SLUGS.items():
        import_openapi(SAMPLES / sample, slug, specs)
    assert main(["validate", "-q", "--specs", str(specs)]) == 0
    assert main(["build", "-q", "--allow-outside", "--specs", str(specs), "--output", str(root / "oa_built")]) == 0
    sys.path.insert(0, str(root))
    yield root
    sys.path.remove(str(root))
    for name in [m for m in sys.modules if m == "oa_built" or m.startswith("oa_built.")]:
        del sys.modules[name]


def draft(root: Path, slug: str) -> dict[str, Any]:
    return yaml.safe_load((root / "specs" / f"{slug}.yaml").read_text(encoding="utf-8"))


def vendor(slug: str) -> Any:
    return importlib.import_module(f"oa_built.{slug}")


def test_every_sample_kind_is_covered() -> None:
    kinds = set()
    for sample in SAMPLE_SLUGS:
        text = (SAMPLES / sample).read_text(encoding="utf-8")
        data = json.loads(text) if sample.endswith(".json") else yaml.safe_load(text)
        kinds.add(("swagger " + data["swagger"]) if "swagger" in data else data["openapi"][:3])
        kinds.add(sample.rsplit(".", 1)[1])
    assert {"swagger 2.0", "3.0", "3.1", "json", "yaml"} <= kinds
    assert "x-speakeasy-retries" in (SAMPLES / "codat-bank-feeds.json").read_text(encoding="utf-8")
    assert "application/problem+json" in (SAMPLES / "train-travel.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("slug", sorted(SAMPLE_SLUGS.values()))
def test_every_documented_example_parses_into_its_imported_class(built: Path, slug: str) -> None:
    spec = draft(built, slug)
    package = vendor(slug)
    prefix = spec["vendor"]["class_prefix"]
    from codegen.naming import status_class_name

    checked = 0
    for status, entry in (spec.get("statuses") or {}).items():
        for example in entry.get("examples", []):
            error = package.parse_error(example["status"], json.dumps(example["body"]).encode(), {})
            assert type(error).__name__ == (entry.get("name") or status_class_name(prefix, status))
            assert error.category.value == entry["category"]
            checked += 1
    for entry in spec.get("errors") or []:
        for example in entry.get("examples", []):
            error = package.parse_error(example["status"], json.dumps(example["body"]).encode(), {})
            assert type(error).__name__ == entry["name"]
            assert error.code == entry["code"]
            checked += 1
    expected = {"github": 4, "train_travel": 7, "revai": 5}
    assert checked >= expected.get(slug, 0)


def test_github_statuses_categories_and_envelopes(built: Path) -> None:
    spec = draft(built, "github")
    assert set(spec["statuses"]) >= {400, 401, 402, 403, 404, 405, 409, 412, 422, 500}
    github = vendor("github")
    # A documented 404 body: GitHub's {"message", "documentation_url"}.
    error = github.parse_error(404, b'{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}', {})
    assert (type(error).__name__, error.category.value, error.message) == ("GithubNotFoundError", "not_found", "Not Found")
    assert github.policy_for(github.parse_error(500, b"{}", {})).retryable
    assert not github.policy_for(error).retryable
    assert not github.policy_for(github.parse_error(401, b"{}", {})).retryable
    # The rate-limit headers it documents are named for the rate_limits section.
    text = (built / "specs" / "github.yaml").read_text(encoding="utf-8")
    assert "X-RateLimit-Reset" in text


def test_problem_details_bodies_are_recognised(built: Path) -> None:
    spec = draft(built, "train_travel")
    (problem,) = [e for e in spec["envelopes"] if e["name"] == "problem"]
    assert problem["code"] == ["type"] and problem["message"][0] in ("detail", "title")
    train = vendor("train_travel")
    body = {
        "type": "https://example.com/errors/not-found", "title": "Not Found", "status": 404,
        "detail": "The requested resource was not found.",
    }
    error = train.parse_error(404, json.dumps(body).encode(), {"Retry-After": "3"})
    assert error.code == "https://example.com/errors/not-found"
    assert error.category.value == "not_found"
    assert "not found" in error.message.lower()
    # An undocumented problem type falls back to its status's class.
    other = train.parse_error(429, json.dumps({**body, "type": "about:blank", "status": 429}).encode(), {"Retry-After": "3"})
    assert other.category.value == "rate_limited" and other.retry_after == 3.0


def test_speakeasy_retries_become_the_policy_of_the_statuses_they_name(built: Path) -> None:
    spec = draft(built, "codat")
    policy = spec["retry_policies"]["speakeasy_retries"]
    # initialInterval 500 ms, maxInterval 60000 ms, exponent 1.5, maxElapsedTime 3600000 ms.
    assert policy["backoff"] == {"base": 0.5, "multiplier": 1.5, "max_delay": 60, "jitter": "full"}
    assert spec["families"]["server"]["retry"] == "speakeasy_retries"  # statusCodes: 5XX
    assert spec["statuses"][429]["retry"] == spec["statuses"][408]["retry"] == "speakeasy_retries"
    codat = vendor("codat")
    error = codat.parse_error(503, b"", {})
    assert codat.policy_for(error).retryable
    delays = [codat.next_delay(error, attempt, random=lambda: 1.0) for attempt in (1, 2, 3, 20)]
    assert delays[:3] == [0.5, 0.75, 1.125] and delays[3] == 60
    # Spent in about an hour: the attempts' delays add up to at most maxElapsedTime.
    attempts = policy["max_attempts"]
    total = sum(min(60, 0.5 * 1.5 ** (n - 1)) for n in range(1, attempts))
    assert total <= 3600 < total + 60


def test_swagger_yaml_default_responses_and_integer_codes(built: Path) -> None:
    spec = draft(built, "petstore")
    (envelope,) = spec["envelopes"]
    assert envelope["message"] == ["message"]
    petstore = vendor("petstore")
    error = petstore.parse_error(500, b'{"code": 7, "message": "database down"}', {})
    assert (type(error).__name__, error.message) == ("PetstoreUnknownServerError", "database down")


def test_source_comments_name_path_operation_and_status(built: Path) -> None:
    text = (built / "specs" / "github.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("  4") and line.rstrip().endswith(":") and line.strip()[:-1].isdigit():
            comment = lines[index - 1].strip()
            assert comment.startswith(MARKER + "github-excerpt.json: ")
            method, path, status = comment.split(": ", 1)[1].split()[:3]
            assert method in ("GET", "PUT", "POST", "PATCH", "DELETE") and path.startswith("/") and status == line.strip()[:-1]


def test_a_draft_is_deterministic(tmp_path: Path) -> None:
    for folder in ("one", "two"):
        import_openapi(SAMPLES / "github-excerpt.json", "github", tmp_path / folder)
    assert (tmp_path / "one" / "github.yaml").read_bytes() == (tmp_path / "two" / "github.yaml").read_bytes()


# --------------------------------------------------------------------------- resolution


def document(responses: dict[str, Any], schemas: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Acme", "version": "1"},
        "paths": {"/things/{id}": {"get": {"responses": {"200": {"description": "ok"}, **responses}}}},
        "components": {"schemas": schemas or {}},
        **extra,
    }


def write(tmp_path: Path, data: dict[str, Any], name: str = "acme.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def json_body(schema: dict[str, Any], description: str = "Failure", **more: Any) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema, **more}}}


def test_cyclic_references_all_of_and_one_of_are_resolved(tmp_path: Path) -> None:
    schemas = {
        "Error": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"properties": {"error": {"$ref": "#/components/schemas/Inner"}}}]},
        "Base": {"type": "object", "properties": {"trace_id": {"type": "string"}, "self": {"$ref": "#/components/schemas/Error"}}},
        "Inner": {"oneOf": [{"$ref": "#/components/schemas/Coded"}, {"$ref": "#/components/schemas/Loop"}]},
        "Coded": {"type": "object", "properties": {"code": {"type": "string", "enum": ["thing_missing", "thing_locked"]},
                                                   "message": {"type": "string"}, "cause": {"$ref": "#/components/schemas/Inner"}}},
        "Loop": {"$ref": "#/components/schemas/Loop2"},
        "Loop2": {"$ref": "#/components/schemas/Loop"},
    }
    data = document({"404": json_body({"$ref": "#/components/schemas/Error"}), "409": {"$ref": "#/components/responses/Cycle"}},
                    schemas)
    data["components"]["responses"] = {"Cycle": {"$ref": "#/components/responses/Cycle"}}
    report = import_openapi(write(tmp_path, data), "acme", tmp_path / "specs")
    spec = yaml.safe_load((tmp_path / "specs" / "acme.yaml").read_text(encoding="utf-8"))
    (envelope,) = spec["envelopes"]
    assert envelope["when"] == [{"path": "error", "is": "object"}]
    assert envelope["code"] == ["error.code"] and envelope["message"] == ["error.message"]
    assert envelope["request_id"] == ["trace_id"]
    assert "$ref" not in json.dumps(envelope["schema"])
    assert {e["code"]: e.get("status") for e in spec["errors"]} == {"thing_missing": 404, "thing_locked": 404}
    assert set(spec["statuses"]) == {404, 409} and report.mapped == 2 and not report.unmapped
    specs = str(tmp_path / "specs")
    assert main(["build", "-q", "--allow-outside", "--specs", specs, "--output", str(tmp_path / "cyclic")]) == 0
    assert "class ErrorEnvelope" in (tmp_path / "cyclic" / "acme" / "models.py").read_text(encoding="utf-8")


def test_unusual_response_keys_are_reported_by_name(tmp_path: Path) -> None:
    data = document({"4XX": {"description": "client"}, "5XX": {"description": "server"}, "default": {"description": "d"},
                     "4O4": {"description": "typo"}, "418": {"description": "I'm a teapot"}})
    report = import_openapi(write(tmp_path, data), "acme", tmp_path / "specs")
    assert report.unmapped == ["GET /things/{id} response '4O4' (not an HTTP error status)"]
    assert report.mapped == 3  # 4XX, 5XX and 418
    assert any("'default'" in line for line in report.lines)
    assert any("status 418" in line and "unknown" in line for line in report.lines)


def test_response_headers_become_request_id_and_delay_sources(tmp_path: Path) -> None:
    headers = {"X-Request-Id": {"schema": {"type": "string"}}, "Retry-After": {"schema": {"type": "integer"}},
               "X-RateLimit-Remaining": {"schema": {"type": "integer"}}}
    data = document({"429": {"description": "Slow down", "headers": headers}})
    import_openapi(write(tmp_path, data), "acme", tmp_path / "specs")
    text = (tmp_path / "specs" / "acme.yaml").read_text(encoding="utf-8")
    spec = yaml.safe_load(text)
    assert spec["request_id"] == {"headers": ["X-Request-Id"]}
    assert spec["retry_after"] == {"headers": [{"name": "Retry-After", "unit": "seconds"}]}
    assert "X-RateLimit-Remaining (GET /things/{id} 429)" in text
    assert spec["statuses"][429]["title"] == "Slow down"


def test_bad_input_is_a_clear_error_and_writes_nothing(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    not_openapi = tmp_path / "x.yaml"
    not_openapi.write_text("just: a mapping\n", encoding="utf-8")
    with pytest.raises(CodegenError, match="neither 'openapi: 3.x' nor 'swagger"):
        import_openapi(not_openapi, "acme", specs)
    broken = tmp_path / "y.yaml"
    broken.write_text("openapi: 3.0.0\npaths: {\n", encoding="utf-8")
    with pytest.raises(CodegenError, match=r"y.yaml:\d+:\d+: not JSON or YAML"):
        import_openapi(broken, "acme", specs)
    with pytest.raises(UsageError, match="not a valid slug"):
        import_openapi(SAMPLES / "petstore-expanded.yaml", "Acme", specs)
    with pytest.raises(UsageError, match="must be named acme.yaml"):
        import_openapi(SAMPLES / "petstore-expanded.yaml", "acme", specs, output=tmp_path / "other.yaml")
    assert not specs.exists()


def test_the_command_prints_a_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["import", "openapi", str(SAMPLES / "train-travel.yaml"), "--slug", "train"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("wrote specs/train.yaml: 7 statuses,") and "38 documented error responses mapped, 0 not mapped" in out
    assert main(["import", "openapi", str(tmp_path / "missing.json"), "--slug", "train"]) == 2


# --------------------------------------------------------------------------- re-sync


def two_versions(tmp_path: Path) -> tuple[Path, Path]:
    coded = {"type": "object", "properties": {"error": {"type": "object", "properties": {
        "code": {"type": "string", "enum": ["thing_missing", "thing_gone"]}, "message": {"type": "string"}}}}}
    first = document({"404": {**json_body(coded, "Thing not found"), "headers": {"X-Trace-Id": {"schema": {"type": "string"}}}},
                      "410": json_body(coded, "Gone for good"),
                      "429": json_body(coded, "Too many")})
    coded2 = json.loads(json.dumps(coded))
    coded2["properties"]["error"]["properties"]["code"]["enum"] = ["thing_missing", "thing_archived"]
    second = document({"404": json_body(coded2, "Thing not found"), "429": json_body(coded2, "Too many"),
                       "503": json_body(coded2, "Down for maintenance")})
    return write(tmp_path, first, "v1.json"), write(tmp_path, second, "v2.json")


def test_resync_keeps_edits_adds_new_errors_and_flags_the_gone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    v1, v2 = two_versions(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["import", "openapi", str(v1), "--slug", "acme", "-q"]) == 0
    spec_path = tmp_path / "specs" / "acme.yaml"
    text = spec_path.read_text(encoding="utf-8")
    # A person's edits: a class renamed, a title reworded, a pattern, a policy of their own, a comment.
    text = text.replace("name: ThingMissingError", "name: MissingThingError")
    text = text.replace('title: "Thing not found"', 'title: "No such thing"')
    text = text.replace("    code: thing_missing\n", "    code: thing_missing\n    patterns: [\"^Thing (?P<thing_id>\\\\w+) missing\"]\n")
    text = text.replace("retry_policies:\n", "retry_policies:\n  # tuned by hand\n  patient:\n    retryable: true\n"
                        "    action: retry\n    max_attempts: 8\n")
    text = text.replace("    retry: rate_limited\n", "    retry: patient\n")
    spec_path.write_text(text, encoding="utf-8")
    edited = text
    capsys.readouterr()

    assert main(["import", "openapi", str(v2), "--slug", "acme"]) == 0
    out = capsys.readouterr().out
    after = spec_path.read_text(encoding="utf-8")
    spec = yaml.safe_load(after)
    # What the person changed is all still there, byte for byte.
    for line in edited.splitlines():
        assert line in after
    names = {e["code"]: e["name"] for e in spec["errors"]}
    assert names["thing_missing"] == "MissingThingError" and names["thing_archived"] == "ThingArchivedError"
    assert spec["statuses"][429]["retry"] == "patient" and spec["statuses"][404]["title"] == "No such thing"
    assert 503 in spec["statuses"] and "server_backoff" in spec["retry_policies"]
    # What disappeared is kept and flagged, in the file and in the report.
    assert 410 in spec["statuses"] and "thing_gone" in names
    lines = after.splitlines()
    gone = [i for i, line in enumerate(lines) if f"# {GONE} v2.json" in line]
    assert len(gone) == 2
    assert any("410:" in lines[j] for i in gone for j in range(i, i + 3))
    assert any("thing_gone" in " ".join(lines[i : i + 5]) for i in gone)
    assert f"status 410: {GONE} v2.json; kept" in out and f"error with code thing_gone: {GONE} v2.json; kept" in out
    assert "re-synced specs/acme.yaml" in out

    # Importing the same description again changes nothing; the first one again un-flags.
    assert main(["import", "openapi", str(v2), "--slug", "acme", "-q"]) == 0
    assert spec_path.read_text(encoding="utf-8") == after
    assert main(["validate", "-q"]) == 0

    # codegen diff shows the re-sync as additions against the edited version.
    against = tmp_path / "before"
    against.mkdir()
    (against / "acme.yaml").write_text(edited, encoding="utf-8")
    capsys.readouterr()
    assert main(["diff", "--against-dir", str(against)]) == 0
    report = capsys.readouterr().out
    assert "class ThingArchivedError added" in report and "BREAKING" not in report


def test_resync_unflags_an_error_documented_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    v1, v2 = two_versions(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["import", "openapi", str(v1), "--slug", "acme", "-q"]) == 0
    assert main(["import", "openapi", str(v2), "--slug", "acme", "-q"]) == 0
    assert GONE in (tmp_path / "specs" / "acme.yaml").read_text(encoding="utf-8")
    assert main(["import", "openapi", str(v1), "--slug", "acme", "-q"]) == 0
    text = (tmp_path / "specs" / "acme.yaml").read_text(encoding="utf-8")
    assert GONE not in text.replace(f"# {GONE} v1.json", "")  # items only v2 had are flagged for v1
    assert f"# {GONE} v1.json" in text  # 503 and thing_archived, which v1 lacks


def test_resync_of_a_spec_written_by_hand_adds_and_never_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init", "acme", "-q"]) == 0
    before = (tmp_path / "specs" / "acme.yaml").read_text(encoding="utf-8")
    v1, _ = two_versions(tmp_path)
    report = import_openapi(v1, "acme", tmp_path / "specs")
    assert report.resynced and not report.flagged
    assert "header X-Trace-Id is documented and not read; add it to request_id.headers" in report.lines
    after = (tmp_path / "specs" / "acme.yaml").read_text(encoding="utf-8")
    assert GONE not in after
    assert all(line in after for line in before.splitlines())
    assert "code: thing_gone" in after


def test_resync_puts_a_new_envelope_before_less_specific_ones(tmp_path: Path) -> None:
    message = {"type": "object", "properties": {"message": {"type": "string"}}}
    coded = {"type": "object", "properties": {"code": {"type": "string", "enum": ["overloaded"]}, "message": {"type": "string"}}}
    v1 = write(tmp_path, document({"400": json_body(message)}), "v1.json")
    v2 = write(tmp_path, document({"400": json_body(message), "503": json_body(coded)}), "v2.json")
    import_openapi(v1, "acme", tmp_path / "specs")
    spec_path = tmp_path / "specs" / "acme.yaml"
    spec_path.write_text(spec_path.read_text(encoding="utf-8").replace("name: message", "name: plain"), encoding="utf-8")
    report = import_openapi(v2, "acme", tmp_path / "specs")
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    # The renamed envelope is still known by its test; the new one, with a code, is tried first.
    assert [e["name"] for e in spec["envelopes"]] == ["code", "plain"]
    assert "envelope code: newly documented; added" in report.added and not report.flagged
    assert {e["code"]: e["status"] for e in spec["errors"]} == {"overloaded": 503}
