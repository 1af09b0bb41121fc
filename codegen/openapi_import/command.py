"""The import command: a description in, a validated spec text out, written or re-synced."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codegen.errors import UsageError
from codegen.openapi_import.draft import SLUG, ImportReport, Resolver, build_draft, load_document, render_draft
from codegen.openapi_import.resync import resync


def import_openapi(source: Path, slug: str, specs: Path, output: Path | None = None, shown_root: Path | None = None) -> ImportReport:
    """Write (or re-sync) ``<specs>/<slug>.yaml`` from an OpenAPI description; return the report."""
    target = output if output is not None else specs / f"{slug}.yaml"
    shown = str(target.relative_to(shown_root)) if shown_root and target.is_relative_to(shown_root) else str(target)
    text, report = import_text(source, slug, target, shown)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return report


def import_text(source: Path, slug: str, target: Path, shown: str, document: Any = None) -> tuple[str, ImportReport]:
    """The validated spec text an import writes to ``target`` (a re-sync when it exists); writes nothing.

    ``document`` is the description already loaded from ``source``, if it is."""
    if not SLUG.fullmatch(slug) or len(slug) > 50:
        raise UsageError(f"'{slug}' is not a valid slug: lower case letters, digits and '_', starting with a letter")
    if target.name != f"{slug}.yaml":
        raise UsageError(f"the spec of '{slug}' must be named {slug}.yaml (the slug names the file), not {target.name}")
    report = ImportReport(target=target)
    if document is None:
        document = load_document(source)
    draft = build_draft(document, slug, source.name, report)
    resolver = Resolver(document)
    if target.exists():
        text = resync(target.read_text(encoding="utf-8"), draft, resolver, shown, report)
        report.resynced = True
    else:
        text = render_draft(draft, resolver)
    check_spec_text(text, target, shown)
    return text, report


def check_spec_text(text: str, target: Path, shown: str) -> None:
    """Validate the spec about to be written; raise with every problem, writing nothing."""
    from codegen.load import parse_spec_bytes
    from codegen.validate import validate

    validate(parse_spec_bytes(text.encode("utf-8"), target, shown))
