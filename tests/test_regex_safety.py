"""The build accepts a message pattern only when its matching time is linear in the message.

Generated parsers run ``re.search`` over a message's first 4,096 characters on every error
response, so a pattern whose time grows faster is refused, with its place in the spec.
Templates compile to patterns that pass by construction.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from codegen.errors import SpecErrors
from codegen.load import parse_spec_bytes
from codegen.regex_safety import backtracking_problem, template_pattern
from codegen.validate import validate
from goldens import ROOT, build

# Each can split one string between the iterations of a loop in many ways.
PRONE = [
    "(a+)+",
    "(a*)*",
    "(a|a)*",
    "(a|ab)*",
    "(a|aa)+",
    "(.*a){20}",
    "(.*a){2}",
    "((a)+)+",
    "(?:(?:a+))+",
    "((?P<word>a+)b?)+",
    "(a+|b)+",
    "(\\d+|\\w+)+",
    "(?:[a-z]+|\\s)+",
    "(\\s*\\w+)+",
    "(\\w+\\s?)*$",
    "^x(?:\\s*\\w+)+y",
    "(a?b?)+",
    "(x{1,2})+",
    "(x{1,200}){1,200}",
    "([а-я]+[б-ю])+",  # ranges outside ASCII that overlap
    "(?i)(a+A+)+",
    "(?=(a+)+)b",  # inside a lookahead
    "^Model (?:'(?P<model_id>(?:[^']+)+)')",
    "(a+)+?",
    "(?:(\\d+)\\.?)+",
    # Two repeats over the same characters, with nothing between them only one can match.
    "(?P<a>.*): (?P<b>.*) not found",
    "^(?P<a>.*) (?P<b>.*) (?P<c>.*) is invalid$",
    "^(?P<a>.+)x(?P<b>.+)y",
    "^\\d+\\w+!",
    "^(?:a|b)*a*c",
    # Case folding: the long s and the Kelvin sign fold to ASCII letters.
    "(?i)^(\u017f+s)+$",
    "(?i)^(\u212a+k)+$",
    "(?i)^[\u017f]*s*x",
    # Unicode classes: \\w and \\d hold digits of other scripts.
    "^(\\w+\u0663)+$",
    "^\\w*\\d*x",
    # Unanchored: the search restarts at every position, a repeat then rescans the rest.
    "(\\d+\\.){3}\\d+",
    "(\\s+\\w+)+",
    "(a+b)+",
    "(?:x|y)+z",
    "(?P<field>[a-z_]{1,50}) must be at most",
    "x.*y",
    # Refused because they cannot be shown fast.
    "^(a)\\1+",
    "^(?=.*x)a",
    "((((((((((((((((((((((a))))))))))))))))))))))",
    "^(?:a|a)(?:b|b)(?:c|c)(?:d|d)",
]

# Loops whose iterations are kept apart by a character their inner repeats cannot hold.
SAFE = [
    "^Model '(?P<model_id>[^']{1,200})' not found",
    "^Failed to retrieve API key: (?P<reason>.+)",
    "^(\\d+\\.){3}\\d+",
    "^x(?:\\s*,\\s*\\w+)*$",
    "^(a+b)+",
    "^(\\s+\\w+)+",
    "^(,a+|b)+",
    "(?:ab|cd)+",
    "^(?:x|y)+z",
    "[a-z]{2,5}",
    "^(?:a++)+",  # possessive: never backtracks
    "^(?>a+)+",  # atomic group: never backtracks
    "^(?P<a>[^:]+): (?P<b>.+)$",
    "^(?P<a>.*): (?P<b>.*)",  # the last repeat takes the rest: the match cannot fail there
    "^(?P<a>[^:]*): (?P<b>.*) not found",
    "error: (?P<reason>[^:]*):",  # unanchored, but each attempt stops at the next colon
    "\\b(?P<field>[a-z_]{1,50}) must be at most",  # starts only at a word's first letter
    "(?i)storage quota",
    "(?i)^(?:k+x)+$",
    "^Usage limit exceeded: (?P<used>\\d+(?:\\.\\d+)?) / (?P<limit>\\d+(?:\\.\\d+)?) (?P<unit>\\w+) used",
]


@pytest.mark.parametrize("pattern", PRONE)
def test_prone_patterns_are_rejected(pattern: str) -> None:
    re.compile(pattern)
    assert backtracking_problem(pattern) is not None


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_patterns_pass(pattern: str) -> None:
    assert backtracking_problem(pattern) is None


def test_the_build_reports_a_prone_pattern_where_it_is_written(tmp_path: Path) -> None:
    source = (ROOT / "specs" / "edgee.yaml").read_text(encoding="utf-8")
    needle = "patterns: ['^API key is inactive']"
    assert needle in source
    line = source[: source.index(needle)].count("\n") + 1
    bad = source.replace(needle, "patterns: ['^API key (\\w+\\s?)*$']")
    with pytest.raises(SpecErrors) as caught:
        validate(parse_spec_bytes(bad.encode(), tmp_path / "edgee.yaml", "specs/edgee.yaml"))
    assert any(
        e.line == line and "catastrophic backtracking" in e.message for e in caught.value.errors
    ), str(caught.value)


EDGEE = (ROOT / "specs" / "edgee.yaml").read_text(encoding="utf-8")
MODEL_NOT_FOUND = "patterns: [\"^Model '(?P<model_id>[^']{0,200})' not found\"]"


def edgee_with(old: str, new: str) -> tuple[str, int]:
    assert old in EDGEE
    return EDGEE.replace(old, new), EDGEE[: EDGEE.index(old)].count("\n") + 1


@pytest.mark.parametrize(
    ("template", "message", "captures"),
    [
        ("Model '{model_id}' not found", "Model 'gpt-9' not found, sorry", {"model_id": "gpt-9"}),
        ("{field} must be at most {maximum:int}", "age must be at most -5", {"field": "age", "maximum": "-5"}),
        ("Used {used:float} of {quota:int}.", "Used 2.5 of 10.", {"used": "2.5", "quota": "10"}),
        ("Failed to retrieve API key: {reason}", "Failed to retrieve API key: a: b", {"reason": "a: b"}),
        ("{{literal}} [{name}] (x)", "{literal} [a b] (x)", {"name": "a b"}),
    ],
)
def test_templates_compile_to_patterns_proven_fast(template: str, message: str, captures: dict[str, str]) -> None:
    pattern, _ = template_pattern(template)
    assert backtracking_problem(pattern) is None
    found = re.search(pattern, message)
    assert found is not None and found.groupdict() == captures


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{a}{b} failed", "touch"),
        ("Model {model_id:int}5", "followed by a digit"),
        ("Model {Model}", "lower_snake_case"),
        ("Model {id:bool}", "unknown type"),
        ("Model {id} and {id}", "used twice"),
        ("Model {", "opens no placeholder"),
        ("Model }", "closes no placeholder"),
    ],
)
def test_template_mistakes_are_reported_where_written(template: str, problem: str, tmp_path: Path) -> None:
    bad, line = edgee_with(MODEL_NOT_FOUND, f"templates: [{template!r}]")
    with pytest.raises(SpecErrors) as caught:
        validate(parse_spec_bytes(bad.encode(), tmp_path / "edgee.yaml", "specs/edgee.yaml"))
    assert [(e.line, problem in e.message) for e in caught.value.errors] == [(line, True)], str(caught.value)


def test_a_template_captures_typed_attributes_at_run_time(tmp_path: Path) -> None:
    spec, _ = edgee_with(MODEL_NOT_FOUND, "templates: [\"Model '{model_id}' not found after {tries:int} tries\"]")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "edgee.yaml").write_text(spec, encoding="utf-8")
    build(tmp_path / "specs", tmp_path / "templated")
    script = (
        "from templated import edgee\n"
        "e = edgee.parse_error(400, {'error': {'code': 'model_not_found',"
        " 'message': \"Model 'openai/gpt-1' not found after 3 tries\"}})\n"
        "print(type(e).__name__, e.model_id, repr(e.tries))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["ModelNotFoundError", "openai/gpt-1", "3"], done.stderr


@pytest.mark.parametrize("command", ["validate", "build"])
def test_examples_never_run_against_a_rejected_pattern(command: str, tmp_path: Path) -> None:
    """An exponential pattern with a hostile example is reported, not run (it would not return)."""
    spec, line = edgee_with(
        "patterns: ['^API key is inactive']\n",
        "patterns: ['^(a+)+$']\n",
    )
    spec = spec.replace("message: API key is inactive}}", "message: " + "a" * 40 + "!}}")
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "edgee.yaml").write_text(spec, encoding="utf-8")
    args = [command, "--specs", "specs"] + (["--output", "out"] if command == "build" else [])
    done = subprocess.run(
        [sys.executable, "-m", "codegen", *args], cwd=tmp_path, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"specs/edgee.yaml:{line}:"), done.stderr
    assert "catastrophic backtracking" in done.stderr
