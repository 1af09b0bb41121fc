"""The committed generated tree is code a careful person would accept."""

from __future__ import annotations

import ast
import hashlib
import importlib
import inspect
import pickle
import subprocess
import sys

import black
import pytest

from codegen.format import body_of, content_hash, read_header
from goldens import ROOT

GENERATED = ROOT / "generated"
PYTHON_FILES = sorted(p for p in GENERATED.rglob("*.py") if "__pycache__" not in p.parts)
SLUGS = sorted(p.stem for p in (ROOT / "specs").glob("*.yaml"))


def test_generated_tree_passes_mypy_strict() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(GENERATED)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_generated_code_passes_ruff_default_rules() -> None:
    """The linter users run on their own code finds nothing in the generated tree or the
    feature goldens (``--isolated``: ruff's default rules, whatever a config says)."""
    goldens = sorted(str(p) for p in (ROOT / "tests" / "features").glob("*/generated_*"))
    assert goldens
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--isolated", "--no-cache", str(GENERATED), *goldens],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: p.relative_to(GENERATED).as_posix())
def test_generated_file_is_black_formatted(path) -> None:
    source = path.read_text(encoding="utf-8")
    mode = black.Mode(target_versions={black.TargetVersion.PY311}, line_length=88)
    assert black.format_str(source, mode=mode) == source


@pytest.mark.parametrize("slug", [*SLUGS, "shared files"])
def test_templates_render_what_black_leaves_alone(slug: str) -> None:
    """black reformats what it changed a second time: the templates spare it that pass."""
    from codegen.format import black_format, drop_unused_imports
    from codegen.jobs import renderer_for
    from codegen.load import parse_spec_bytes
    from codegen.model import VendorSummary
    from codegen.render import SHARED_TEMPLATES
    from codegen.resolve import resolve
    from codegen.validate import validate

    renderer = renderer_for(None, "generated")
    vendors = [resolve(validate(parse_spec_bytes(p.read_bytes(), p, p.name))) for p in sorted((ROOT / "specs").glob("*.yaml"))]
    if slug == "shared files":
        rendered = renderer.shared(list(SHARED_TEMPLATES), [VendorSummary(**v.summary) for v in vendors])
    else:
        rendered = renderer.vendor(next(v for v in vendors if v.slug == slug))
    for name, source in rendered.items():
        if name.endswith(".py"):
            source = drop_unused_imports(source)
            assert black_format(source, name) == source, name


@pytest.mark.parametrize("path", PYTHON_FILES, ids=lambda p: p.relative_to(GENERATED).as_posix())
def test_header_names_the_spec_and_hashes_the_body(path) -> None:
    text = path.read_text(encoding="utf-8")
    header = read_header(text)
    assert header is not None, "missing header"
    assert header.content_hash == content_hash(body_of(text))
    slug = path.relative_to(GENERATED).parts[0]
    if slug in SLUGS:
        spec = ROOT / "specs" / f"{slug}.yaml"
        assert header.source == f"specs/{slug}.yaml"
        assert header.source_hash == hashlib.sha256(spec.read_bytes()).hexdigest()


@pytest.mark.parametrize("slug", SLUGS)
def test_every_class_has_a_docstring_and_the_tree_names_them_all(slug: str) -> None:
    errors = importlib.import_module(f"generated.{slug}.errors")
    module_doc = errors.__doc__ or ""
    classes = [obj for _, obj in inspect.getmembers(errors, inspect.isclass) if obj.__module__ == errors.__name__]
    assert classes
    for cls in classes:
        assert cls.__doc__ and cls.__doc__.strip(), f"{cls.__name__} has no docstring"
        assert f" {cls.__name__}" in module_doc, f"{cls.__name__} missing from the hierarchy tree"


@pytest.mark.parametrize("slug", SLUGS)
def test_vendor_package_exports_the_contract(slug: str) -> None:
    package = importlib.import_module(f"generated.{slug}")
    for name in ("parse_error", "error_from_response", "raise_for_error", "policy_for", "next_delay", "RETRY_POLICIES"):
        assert hasattr(package, name), name
    base = next(n for n in package.__all__ if n.endswith("Error") and getattr(package, n).__bases__[0].__name__ == "APIError")
    for name in package.__all__:
        value = getattr(package, name)
        if isinstance(value, type):
            assert issubclass(value, getattr(package, base))
            assert value in package.RETRY_POLICIES


def test_generated_modules_define_no_mutable_defaults_or_exec() -> None:
    for path in PYTHON_FILES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"eval", "exec", "compile", "__import__"}, path


@pytest.mark.parametrize("slug", SLUGS)
def test_retry_policies_are_read_only_values(slug: str) -> None:
    from generated import RetryPolicy

    policies = importlib.import_module(f"generated.{slug}").RETRY_POLICIES
    for policy in set(policies.values()):
        with pytest.raises(AttributeError, match="read-only"):
            policy.max_attempts = 99  # type: ignore[misc]
        with pytest.raises(AttributeError, match="read-only"):
            del policy.retryable
        assert pickle.loads(pickle.dumps(policy)) == policy
        changed = policy.replace(max_attempts=policy.max_attempts + 1)
        assert isinstance(changed, RetryPolicy)
        assert (changed.max_attempts, changed.name) == (policy.max_attempts + 1, policy.name)
        assert changed != policy and hash(changed.replace(max_attempts=policy.max_attempts)) == hash(policy)
        assert repr(policy).startswith(f"RetryPolicy(name={policy.name!r}, retryable={policy.retryable!r},")
    with pytest.raises(TypeError):
        next(iter(policies.values())).replace(attempts=3)
