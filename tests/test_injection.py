"""A spec whose every text field is hostile compiles to code that keeps each value, exactly.

Quotes, triple quotes, backslashes, newlines, line separators, NUL, Jinja delimiters,
right-to-left overrides and code meant to run on import go into names, URLs, titles,
causes, solutions, descriptions, codes, example bodies, envelope paths and keys, header
names and pattern literals.  The generated package must compile, pass black and
``mypy --strict``, run nothing when imported, and give every value back unchanged.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import json
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import black
import pytest

from goldens import build, load_package

PACKAGE = "hostile_out"
PWN = "\"\"\"__import__('os').system('touch PWNED')\"\"\""
SENTINEL = "'''__import__('builtins').__setattr__('HOSTILE_SPEC_RAN', 1)'''"
NASTY = (
    "q\"uote's \"\"\" ''' back\\slash \\n \\x00 new\nline\r\n sep\u2028par\u2029"
    " nul\x00 {{ jinja }} {% if 1 %}{# c #}{%- raw %} rtl\u202eltr tab\t " + PWN + " " + SENTINEL
)
# Endings that could close or break a literal or a docstring.
ENDINGS = ("", '"', "\\", "'", '"""', "\n")


def text(tag: str, index: int = 0) -> str:
    """A hostile text that still says which field it came from."""
    return f"{tag}: {NASTY}{ENDINGS[index % len(ENDINGS)]}"


def localized(tag: str, index: int = 0) -> dict[str, str]:
    return {"en": text(tag + " en", index), "fr": text(tag + " fr", index + 1)}


# Body paths: anything but dots and white space.  Header names: HTTP token characters.
KEY = "er\"r'o\\r{{k}}{%x%}\u202e\x00"
OUTER = "ou'''t\"\"\"er"
CODE_KEY = "c\\o\"de"
MESSAGE_KEY = "me'ss{{age}}"
RETRY_KEY = "re\u202etry"
REQUEST_ID_KEY = 'r"id\\'
KIND_KEY = "ki\"nd'"
KIND = text("kind", 1)
STATE_KEY = "st\\ate"
FAILED = text("failed", 2)
REQUEST_ID_HEADER = "X-Req'`|^~#$%&*+!"
RETRY_HEADER = "Retry-'After`"
NAME = "Ven\"dor ''' \"\"\" \\ {{ v }} {% x %} \u202e \u2028 \x00 \n\"\"\"__import__('os')\"\"\"\\"
URL = "https://x.test/\"\"\"'''\\{{v}}{%x%}\u202e\x00__import__('os').system('touch%20PWNED')\""
# Codes are at most 200 characters.
SHORT = "q\"'s \"\"\" ''' \\ \n \u2028 \x00 {{ j }} {% i %} \u202e \"\"\"__import__('os')\"\"\""
CODE_1 = "one " + SHORT + '"'
CODE_2 = "two " + SHORT + "\\"
CODE_3 = "three " + SHORT + "'"
LITERAL_1 = "Lit\"\"\"one ''' \\ {{ l }} {% p %} \u202e \x00 "
LITERAL_2 = "Lit two: \"\"\"__import__('os')\"\"\" \\d "
LITERAL_3 = "status \u2028 pattern \"\\ "
KEYWORD_PATHS = ["if.None", "type", "isinstance", "len.0", "data.text"]


def envelope_body(code: Any, message: Any, **extra: Any) -> dict[str, Any]:
    return {
        KIND_KEY: KIND,
        OUTER: {KEY: {CODE_KEY: code, MESSAGE_KEY: message, RETRY_KEY: 4, "field": text("field")}},
        REQUEST_ID_KEY: text("body request id"),
        **extra,
    }


def spec() -> dict[str, Any]:
    inner = f"{OUTER}.{KEY}"
    schema = {
        "type": "object",
        "title": text("schema title"),
        "description": text("schema description"),
        "properties": {OUTER: {"type": "object", "description": text("property", 5)}},
    }
    return {
        "spec_version": 1,
        "vendor": {
            "name": NAME,
            "slug": "hostile",
            "class_prefix": "Hostile",
            "docs_url": URL,
            "language": "en",
        },
        "request_id": {"headers": [REQUEST_ID_HEADER], "body": [REQUEST_ID_KEY]},
        "retry_after": {
            "headers": [{"name": RETRY_HEADER, "unit": "seconds"}],
            "body": [f"{inner}.{RETRY_KEY}"],
        },
        "envelopes": [
            {
                "name": "hostile",
                "description": text("envelope description"),
                "when": [{"path": OUTER, "is": "object"}, {"path": KIND_KEY, "equals": KIND}],
                "code": [f"{inner}.{CODE_KEY}"],
                "message": [f"{inner}.{MESSAGE_KEY}"],
                "details_from_rest_of": inner,
                "schema": schema,
            },
            {
                "name": "keywords",
                "description": text("keywords envelope", 1),
                "when": [{"path": "if", "is": "object"}],
                "code": ["if.None"],
                "message": ["type", "isinstance"],
                "details": ["len.0"],
                "request_id": ["data.text"],
            },
            {
                "name": "failed",
                "when": [{"path": STATE_KEY, "equals": FAILED}],
                "code": [f"{inner}.{CODE_KEY}"],
                "message": [f"{inner}.{MESSAGE_KEY}"],
            },
        ],
        "retry_policies": {
            "never": {"retryable": False, "action": "fix_request", "description": text("never", 1)},
            "again": {
                "retryable": True,
                "action": "retry",
                "max_attempts": 3,
                "description": text("again", 2),
            },
        },
        "families": {
            "client": {"retry": "never", "title": text("client title"), "cause": text("client cause", 1), "solution": localized("client solution")},
            "server": {"retry": "again", "title": text("server title", 2), "cause": text("server cause", 3), "solution": text("server solution", 4)},
            "unexpected": {"retry": "never", "title": text("unexpected", 5), "solution": localized("unexpected solution", 1)},
        },
        "statuses": {
            "400": {
                "retry": "never",
                "title": localized("bad request title"),
                "cause": text("bad request cause", 1),
                "solution": localized("bad request solution", 2),
                "examples": [{"status": 400, "headers": {REQUEST_ID_HEADER: text("example header")}, "body": NASTY}],
            },
            "429": {"retry": "again", "title": text("too many", 3), "cause": localized("too many cause", 4), "solution": text("too many solution", 5)},
        },
        "errors": [
            {
                "name": "CodedError",
                "status": 400,
                "code": CODE_1,
                "title": localized("coded title"),
                "cause": localized("coded cause", 1),
                "solution": localized("coded solution", 2),
                "examples": [{"body": envelope_body(CODE_1, text("example message"))}],
            },
            {
                "name": "FirstPatternError",
                "status": 429,
                "code": CODE_2,
                "patterns": ["^" + re.escape(LITERAL_1) + "(?P<thing>[a-z]{1,20})"],
                "title": text("first pattern", 3),
                "cause": text("first pattern cause", 4),
                "solution": localized("first pattern solution", 5),
                "examples": [{"status": 429, "body": envelope_body(CODE_2, LITERAL_1 + "abc")}],
            },
            {
                "name": "SecondPatternError",
                "status": 429,
                "code": CODE_2,
                "patterns": [re.escape(LITERAL_2) + "(?P<count>[0-9]{1,5})"],
                "attributes": {"count": "int"},
                "title": text("second pattern", 1),
                "examples": [{"status": 429, "body": envelope_body(CODE_2, LITERAL_2 + "42")}],
            },
            {
                "name": "StatusPatternError",
                "status": 400,
                "patterns": ["^" + re.escape(LITERAL_3)],
                "cause": text("status pattern cause", 2),
                "examples": [{"status": 400, "body": {"message": LITERAL_3 + "!"}}],
            },
        ],
        "operation_failures": {
            "envelope": "failed",
            "family": {"retry": "never", "title": text("failed family", 3), "solution": localized("failed solution", 4)},
            "errors": [
                {"name": "JobFailedError", "code": CODE_3, "title": localized("job title", 5), "cause": text("job cause")},
            ],
        },
    }


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ModuleType]:
    root = tmp_path_factory.mktemp("injection")
    specs = root / "specs"
    specs.mkdir()
    # JSON is YAML: every string is double-quoted, NUL and separators written as escapes.
    (specs / "hostile.yaml").write_text(json.dumps(spec(), indent=1), encoding="ascii")
    output = root / PACKAGE
    build(specs, output)
    load_package(root, PACKAGE)
    module = importlib.import_module(f"{PACKAGE}.hostile")
    importlib.import_module(f"{PACKAGE}.hostile.models")
    return output, module


def test_importing_runs_nothing_from_the_spec(generated: tuple[Path, ModuleType], tmp_path: Path) -> None:
    output, _ = generated
    assert not hasattr(builtins, "HOSTILE_SPEC_RAN")
    assert not list(output.parent.rglob("PWNED")) and not Path("PWNED").exists()
    # Also in a fresh interpreter, whose working folder would receive the file.
    script = f"import {PACKAGE}.hostile, {PACKAGE}.hostile.models, builtins; print(hasattr(builtins, 'HOSTILE_SPEC_RAN'))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True,
        env={"PYTHONPATH": str(output.parent), "PATH": ""},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
    assert not (tmp_path / "PWNED").exists()


def test_generated_code_compiles_and_passes_black_and_mypy(generated: tuple[Path, ModuleType]) -> None:
    output, _ = generated
    files = sorted(output.rglob("*.py"))
    assert len(files) >= 8
    mode = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=88)
    for path in files:
        source = path.read_text(encoding="utf-8")
        compile(source, str(path), "exec")
        assert black.format_str(source, mode=mode) == source, path
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", PACKAGE],
        capture_output=True, text=True, cwd=output.parent,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_generated_file_holds_a_raw_control_or_bidi_character(generated: tuple[Path, ModuleType]) -> None:
    # Such characters make source read differently from what it does ("trojan source").
    output, _ = generated
    files = [p for p in sorted(output.rglob("*")) if p.is_file() and "__pycache__" not in p.parts]
    for path in files:
        raw = {hex(ord(ch)) for ch in path.read_text(encoding="utf-8") if not ch.isprintable() and ch != "\n"}
        assert not raw, (path.name, sorted(raw))


def test_schema_texts_survive_in_the_models(generated: tuple[Path, ModuleType]) -> None:
    _, module = generated
    models = importlib.import_module(f"{PACKAGE}.hostile.models")
    field = models.HostileEnvelope.model_fields["ou___t___er"]
    assert field.alias == OUTER
    doc = models.HostileEnvelope.__doc__ or ""
    assert all(part in doc for part in ("\u202e", "\u2028", "\x00", PWN, SENTINEL))


def test_class_texts_round_trip(generated: tuple[Path, ModuleType]) -> None:
    _, module = generated
    data = spec()
    expected = {
        "HostileClientError": data["families"]["client"],
        "HostileServerError": data["families"]["server"],
        "HostileUnexpectedStatusError": data["families"]["unexpected"],
        "HostileBadRequestError": data["statuses"]["400"],
        "HostileTooManyRequestsError": data["statuses"]["429"],
        "HostileOperationFailedError": data["operation_failures"]["family"],
        **{e["name"]: e for e in data["errors"] + data["operation_failures"]["errors"]},
    }
    for name, source in expected.items():
        cls = getattr(module, name)
        for field in ("title", "cause", "solution"):
            value = source.get(field)
            if value is None:  # inherited from the class above
                continue
            primary = value["en"] if isinstance(value, dict) else value
            assert getattr(cls, field) == primary, (name, field)
            if isinstance(value, dict):
                assert value["fr"].split()[0] in (cls.__doc__ or ""), (name, field)


def test_docstrings_keep_the_vendor_name_url_and_descriptions(generated: tuple[Path, ModuleType]) -> None:
    output, module = generated
    errors = importlib.import_module(f"{PACKAGE}.hostile.errors")
    parser = importlib.import_module(f"{PACKAGE}.hostile.parser")
    assert f"Errors of the {NAME} API: {URL}" in (errors.__doc__ or "")
    assert f"Documentation: {URL}" in (module.__doc__ or "")
    for envelope in spec()["envelopes"]:
        if "description" in envelope:
            assert envelope["description"] in (parser.__doc__ or "")
    # A policy's description is the string statement after its constant.
    tree = ast.parse((output / "hostile" / "retry.py").read_text(encoding="utf-8"))
    described = {}
    for first, second in zip(tree.body, tree.body[1:]):
        if isinstance(first, ast.Assign) and isinstance(second, ast.Expr):
            described[first.targets[0].id] = ast.literal_eval(second.value)  # type: ignore[attr-defined]
    policies = spec()["retry_policies"]
    assert described == {name.upper(): policies[name]["description"] for name in policies}


def test_codes_keys_and_paths_round_trip(generated: tuple[Path, ModuleType]) -> None:
    _, module = generated
    message = text("a message", 2)
    body = envelope_body(CODE_1, message)
    error = module.parse_error(400, body)
    assert type(error).__name__ == "CodedError"
    assert (error.code, error.message, error.retry_after) == (CODE_1, message, 4.0)
    assert error.request_id == text("body request id")
    assert error.details == {RETRY_KEY: 4, "field": text("field")}
    # The same body as JSON text and bytes, and the header names.
    headers = [(REQUEST_ID_HEADER.upper(), text("header id")), (RETRY_HEADER.lower(), "7")]
    for sent in (json.dumps(body), json.dumps(body).encode()):
        error = module.parse_error(503, sent, headers)
        assert (type(error).__name__, error.status, error.code) == ("CodedError", 503, CODE_1)
        assert (error.request_id, error.retry_after) == (text("header id"), 7.0)
    # The envelope needs KIND exactly: one character less and it is not recognised.
    other = {**body, KIND_KEY: KIND[:-1]}
    assert type(module.parse_error(400, other)).__name__ == "HostileBadRequestError"


def test_pattern_literals_round_trip(generated: tuple[Path, ModuleType]) -> None:
    _, module = generated
    first = module.parse_error(429, envelope_body(CODE_2, LITERAL_1 + "abc"))
    assert (type(first).__name__, first.thing) == ("FirstPatternError", "abc")
    second = module.parse_error(429, envelope_body(CODE_2, "x " + LITERAL_2 + "42"))
    assert (type(second).__name__, second.count) == ("SecondPatternError", 42)
    neither = module.parse_error(429, envelope_body(CODE_2, LITERAL_1.replace("\\", "/") + "abc"))
    assert type(neither).__name__ not in ("FirstPatternError", "SecondPatternError")
    by_status = module.parse_error(400, {"message": LITERAL_3 + "?"})
    assert type(by_status).__name__ == "StatusPatternError"


def test_operation_failures_round_trip(generated: tuple[Path, ModuleType]) -> None:
    _, module = generated
    failed = {STATE_KEY: FAILED, OUTER: {KEY: {CODE_KEY: CODE_3, MESSAGE_KEY: text("why")}}}
    error = module.error_from_payload(failed)
    assert (type(error).__name__, error.code, error.message) == ("JobFailedError", CODE_3, text("why"))
    assert module.error_from_payload({**failed, STATE_KEY: FAILED + " "}) is None


def test_keys_named_like_keywords_and_builtins_are_read(generated: tuple[Path, ModuleType]) -> None:
    _, module = generated
    body = {"if": {"None": CODE_1}, "type": [3], "isinstance": text("kw message"), "len": [{"a": 1}], "data": {"text": "rid"}}
    error = module.parse_error(400, body)
    assert (type(error).__name__, error.code, error.message) == ("CodedError", CODE_1, text("kw message"))
    assert (error.details, error.request_id) == ({"a": 1}, "rid")


def test_example_bodies_round_trip(generated: tuple[Path, ModuleType]) -> None:
    _, module = generated
    data = spec()
    for error in data["errors"]:
        for example in error["examples"]:
            status = example.get("status", error["status"])
            assert type(module.parse_error(status, example["body"])).__name__ == error["name"]
            encoded = json.dumps(example["body"]).encode()
            assert type(module.parse_error(status, encoded)).__name__ == error["name"]
