"""The shared files: which templates read the vendors' summaries, and the compiled-template cache."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from codegen.jobs import SharedJob, render_shared
from codegen.layout import SHARED_FILES
from codegen.config import builtin_template_dir
from codegen.render import SHARED_TEMPLATES, Renderer
from goldens import ROOT, build


def test_only_the_readme_and_the_package_init_read_the_summaries() -> None:
    renderer = Renderer(None, "generated")
    reading = {name for name, template in SHARED_TEMPLATES.items() if renderer.reads_vendors(template)}
    assert reading == {"README.md", "__init__.py"}
    with pytest.raises(jinja2.UndefinedError, match="vendors"):
        renderer.shared(["README.md"], None)


@pytest.mark.parametrize(
    ("template", "macros"),
    [
        ("{% if vendors is defined %}x = 1{% endif %}\n", None),
        ('{% include "package/transports.py.jinja" %}\n', None),
        ("x = {{ macros.count() }}\n", "{% macro count() %}{{ vendors|length }}{% endmacro %}\n"),
    ],
)
def test_an_override_that_may_read_the_summaries_counts_as_reading_them(
    tmp_path: Path, template: str, macros: str | None
) -> None:
    (tmp_path / "package").mkdir()
    (tmp_path / "package" / "_base.py.jinja").write_text(template)
    if macros is not None:
        (tmp_path / "vendor").mkdir()
        (tmp_path / "vendor" / "macros.jinja").write_text(macros)
    assert Renderer(tmp_path, "generated").reads_vendors(SHARED_TEMPLATES["_base.py"])


def test_the_shared_files_rendered_without_summaries_are_those_of_a_full_build(tmp_path: Path) -> None:
    files = build(ROOT / "specs", tmp_path / "generated")
    alone = {}
    for name in SHARED_FILES:
        alone.update(render_shared(SharedJob(None, "generated", name)).files)
    assert sorted(alone) == [
        "_base.py", "_budget.py", "_matching.py", "_observe.py", "_ratelimit.py", "_retrying.py", "_runtime.py",
        "_signals.py", "_store.py", "_streams.py", "_transport.py", "transports.py",
    ]
    assert alone == {name: files[name] for name in alone}


def rendered(renderer: Renderer) -> str:
    return renderer.render(SHARED_TEMPLATES["transports.py"])


def test_compiled_templates_are_reused_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    expected = rendered(Renderer(None, "generated"))
    assert list(tmp_path.rglob("*.cache"))

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled a cached template")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    assert rendered(Renderer(None, "generated")) == expected


def test_an_override_is_compiled_from_its_own_source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    original = (builtin_template_dir() / "package" / "transports.py.jinja").read_text()
    override = tmp_path / "templates" / "package"
    override.mkdir(parents=True)
    (override / "transports.py.jinja").write_text("# first\n" + original)
    assert rendered(Renderer(tmp_path / "templates", "generated")).startswith("# first\n")
    (override / "transports.py.jinja").write_text("# second\n" + original)
    assert rendered(Renderer(tmp_path / "templates", "generated")).startswith("# second\n")


def test_a_damaged_unwritable_or_impossible_cache_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    expected = rendered(Renderer(None, "generated"))
    entries = list(tmp_path.rglob("*.cache"))
    for entry in entries:
        entry.write_bytes(entry.read_bytes()[:40])
    assert rendered(Renderer(None, "generated")) == expected

    def unwritable(*args: object, **kwargs: object) -> None:
        raise PermissionError("read-only cache")

    monkeypatch.setattr("jinja2.bccache.tempfile.NamedTemporaryFile", unwritable)
    for entry in entries:
        entry.unlink()
    assert rendered(Renderer(None, "generated")) == expected
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    (tmp_path / "a-file").write_text("")
    assert rendered(Renderer(None, "generated")) == expected
