"""The build rejects message patterns prone to catastrophic backtracking, and only those."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from codegen.errors import SpecErrors
from codegen.load import parse_spec_bytes
from codegen.regex_safety import backtracking_problem
from codegen.validate import validate
from goldens import ROOT

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
]

# Loops whose iterations are kept apart by a character their inner repeats cannot hold.
SAFE = [
    "^Model '(?P<model_id>[^']{1,200})' not found",
    "^Failed to retrieve API key: (?P<reason>.+)",
    "(\\d+\\.){3}\\d+",
    "^x(?:\\s*,\\s*\\w+)*$",
    "(a+b)+",
    "(\\s+\\w+)+",
    "(,a+|b)+",
    "(?:ab|cd)+",
    "(?:x|y)+z",
    "[a-z]{2,5}",
    "(?:a++)+",  # possessive: never backtracks
    "(?>a+)+",  # atomic group: never backtracks
    "^(?P<a>[^:]+): (?P<b>.+)$",
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
