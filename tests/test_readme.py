"""The README's examples run, and CI runs the README's test command."""

from __future__ import annotations

import doctest
import re

from goldens import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def fenced_blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.DOTALL)


def test_interactive_examples_run() -> None:
    examples = [block for block in fenced_blocks("python") if ">>>" in block]
    assert examples, "the README has no interactive example"
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for index, block in enumerate(examples):
        test = parser.get_doctest(block, {}, f"README example {index}", "README.md", 0)
        runner.run(test)
    assert runner.failures == 0


def test_python_examples_compile() -> None:
    for block in fenced_blocks("python"):
        if ">>>" not in block:
            compile(block, "README.md", "exec")


def test_ci_runs_the_readme_test_command() -> None:
    commands = fenced_blocks("sh")
    assert len(commands) == 2, "the quick start holds exactly two commands"
    build, test = (c.strip() for c in commands)
    assert build.endswith("codegen build")
    assert "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci
    assert "codegen check" in ci


def test_ci_runs_the_tests_that_install_from_pypi() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "CODEGEN_SLOW_TESTS=1 python -m pytest -m slow" in ci
    assert "CODEGEN_SLOW_TESTS=1 python -m pytest -m slow" in README
