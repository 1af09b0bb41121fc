"""Data flows one way through the compiler: no module imports a later stage, and none
imports itself back through others. Read from the source (ast), every import counted,
those inside functions and under TYPE_CHECKING included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import codegen
from codegen.stages import STAGES, stage_of

PACKAGE = Path(codegen.__file__).parent


def modules() -> dict[str, Path]:
    """Every module of the compiler by dotted name below ``codegen``."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__" and len(parts) > 1:
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path) -> set[str]:
    """The ``codegen`` modules that ``name`` imports."""
    known = modules()
    found = set()
    package = name.split(".")[:-1] if path.name != "__init__.py" else name.split(".")
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(["codegen", *package[: len(package) - node.level + 1]])
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{a.name}" for a in node.names]
        for target in targets:
            if target == "codegen" or not target.startswith("codegen."):
                continue
            inner = target.removeprefix("codegen.")
            while inner and inner not in known:  # codegen.render.Renderer -> codegen.render
                inner = inner.rpartition(".")[0]
            if inner and inner != name:
                found.add(inner)
    return found


def test_every_module_has_a_stage() -> None:
    missing = [name for name in modules() if stage_of(name) is None]
    assert missing == [], f"add these modules to STAGES in codegen/stages.py: {missing}"


def test_the_stages_name_each_module_once() -> None:
    names = [m for _, members in STAGES for m in members]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("name", list(modules()))
def test_no_module_imports_a_later_stage(name: str) -> None:
    own = stage_of(name)
    assert own is not None
    later = sorted(m for m in imports(name, modules()[name]) if (stage_of(m) or 0) > own)
    assert later == [], f"{name} ({STAGES[own][0]}) imports later stages: {later}"


# openapi_import imports openapi_resync inside a function, which imports openapi_import back.
KNOWN_CYCLES = {"commands": "openapi_import <-> openapi_resync (a lazy import), to be untangled"}


@pytest.mark.parametrize(
    "stage",
    [
        pytest.param(name, marks=pytest.mark.xfail(strict=True, reason=KNOWN_CYCLES[name])) if name in KNOWN_CYCLES else name
        for name, _ in STAGES
    ],
)
def test_no_cycle_within_a_stage(stage: str) -> None:
    """With no import of a later stage, a cycle could only stay within one stage."""
    members = {n: p for n, p in modules().items() if STAGES[stage_of(n) or 0][0] == stage}
    graph = {n: {m for m in imports(n, p) if m in members} for n, p in members.items()}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> None:
        if node in visiting:
            cycle = visiting[visiting.index(node):] + [node]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if node in done:
            return
        visiting.append(node)
        for nxt in sorted(graph[node]):
            visit(nxt)
        visiting.pop()
        done.add(node)

    for node in sorted(graph):
        visit(node)


def test_the_check_sees_an_import_of_a_later_stage(tmp_path: Path) -> None:
    """The reader finds imports inside functions and under TYPE_CHECKING, as it must."""
    sample = tmp_path / "load.py"
    sample.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from codegen.build import Plan\n"
        "def f():\n    import codegen.write\n"
    )
    assert imports("load", sample) == {"build", "write"}
