"""What stays out of memory until it is used, and what an incremental build rebuilds.

Speed itself is measured by ``bench/run.py``; these tests check the behaviour the
benchmarks rely on.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from goldens import ROOT, build, tree

SLUGS = sorted(p.stem for p in (ROOT / "specs").glob("*.yaml"))
# Heavy or optional modules that importing a vendor package must not load.
NOT_ON_IMPORT = [
    "aiohttp",
    "asyncio",
    "datetime",
    "email.utils",
    "httpx",
    "jinja2",
    "pydantic",
    "random",
    "requests",
]
# What a build with nothing to do must not load.
NOT_ON_NO_OP = ["black", "datamodel_code_generator", "jinja2", "pydantic", "ruamel", "yaml"]


def modules_after(code: str, cwd: Path = ROOT) -> tuple[list[str], str]:
    """The modules loaded after running ``code`` in a fresh interpreter, and its output."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, check=True
    )
    *output, modules = result.stdout.splitlines()
    return json.loads(modules), "\n".join(output)


def loaded(modules: list[str], name: str) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


@pytest.mark.parametrize("slug", SLUGS)
def test_importing_a_vendor_loads_nothing_heavy(slug: str) -> None:
    modules, _ = modules_after(f"import generated.{slug}")
    assert [name for name in NOT_ON_IMPORT if loaded(modules, name)] == []


@pytest.mark.parametrize("slug", SLUGS)
def test_the_retry_helpers_load_when_first_used(slug: str) -> None:
    modules, output = modules_after(
        "import sys\n"
        f"import generated.{slug} as vendor\n"
        "import generated\n"
        f"print(sorted(m for m in sys.modules if m.startswith('generated.') and 'retrying' in m))\n"
        "print(vendor.call_with_retries.__self__ is vendor.RETRYING, 'call_with_retries' in dir(vendor))\n"
        "print(generated.Retrying is type(vendor.RETRYING), 'RetryEvent' in dir(generated))\n"
        f"from generated.{slug} import *\n"
        "print(tenacity_wait.__self__ is vendor.RETRYING)"
    )
    assert output.splitlines() == ["[]", "True True", "True True", "True"]
    assert f"generated.{slug}.retrying" in modules


@pytest.mark.parametrize("module", ["generated", "generated.vision"])
def test_a_missing_name_is_still_an_attribute_error(module: str) -> None:
    package = importlib.import_module(module)
    with pytest.raises(AttributeError, match="has no attribute 'retrying_helpers'"):
        package.retrying_helpers
    with pytest.raises(ImportError):
        exec(f"from {module} import Nothing")


def test_an_http_date_loads_the_date_parser_when_it_arrives() -> None:
    modules, output = modules_after(
        "import sys\n"
        "from generated.edgee import parse_error\n"
        "print('email.utils' in sys.modules)\n"
        "error = parse_error(429, b'', {'Retry-After': 'Wed, 21 Oct 2099 07:28:00 GMT'})\n"
        "print(error.retry_after > 0)"
    )
    assert output.split() == ["False", "True"]
    assert loaded(modules, "email.utils")


def test_a_no_op_build_loads_no_compiler_stage(tmp_path: Path) -> None:
    # (check compiles every time: it compares bytes with what the specs compile to now)
    output = tmp_path / "generated"
    build(ROOT / "specs", output)
    modules, printed = modules_after(
        "from codegen.cli import main\n"
        f"print(main(['build', '--specs', {str(ROOT / 'specs')!r}, '--output', {str(output)!r}]))",
        cwd=tmp_path,
    )
    assert printed.splitlines()[-1] == "0"
    assert "up to date" in printed
    assert [name for name in NOT_ON_NO_OP if loaded(modules, name)] == []


def test_changing_one_spec_rebuilds_that_vendor_alone(tmp_path: Path) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(ROOT / "specs", specs)
    output = tmp_path / "out" / "generated"
    env = {k: v for k, v in os.environ.items()}
    codegen = [sys.executable, "-m", "codegen", "build", "-v", "--specs", str(specs), "--output", str(output)]
    subprocess.run(codegen, check=True, capture_output=True, cwd=tmp_path, env=env)
    untouched = output / "vision" / "parser.py"
    before = untouched.stat().st_ino

    spec = specs / "edgee.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("title: Bad model ID", "title: Bad model id"), encoding="utf-8")
    result = subprocess.run(codegen, check=True, capture_output=True, text=True, cwd=tmp_path, env=env)

    assert "render edgee" in result.stdout
    assert [v for v in SLUGS if f"render {v}" in result.stdout] == ["edgee"]
    assert untouched.stat().st_ino == before  # carried over, not rewritten
    # The result is what a clean build of the changed specs writes.
    clean = tmp_path / "clean" / "generated"
    build(specs, clean)
    assert tree(output) == tree(clean)
