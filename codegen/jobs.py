"""What one worker does: compile a spec into its vendor's files, or render a shared file.

Each job is a plain tuple that crosses into a worker process, and each result comes
back the same way; ``workers.py`` runs them, in this process or in a pool.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from codegen import __version__
from codegen.errors import SpecError, SpecErrors
from codegen.format import SHARED
from codegen.layout import OPTIONAL_VENDOR_FILES, VENDOR_FILES
from codegen.model import VendorSummary
from codegen.payload_jobs import ModelsInput, ModelsJob, SchemaPlaces, reusable_models

if TYPE_CHECKING:
    from codegen.render import Renderer


SHARED_ORIGIN = ("codegen's templates", SHARED, "")
"""What the header of a shared file names as its origin."""


class VendorJob(NamedTuple):
    """One spec to compile, with what a worker process needs to do it."""

    path: Path
    shown: str
    raw: bytes
    templates: Path | None
    package: str
    models_text: str  # an earlier models.py of this vendor, reused when its schemas are unchanged


class SharedJob(NamedTuple):
    """One shared file, with what a worker process needs to render it."""

    templates: Path | None
    package: str
    name: str


class JobResult:
    """A compiled spec's files and summary, or its problems; or the shared files a worker rendered."""

    def __init__(self, slug: str = "", summary: VendorSummary | None = None, problems: list[SpecError] | None = None) -> None:
        self.slug = slug
        self.summary = summary
        self.problems = problems or []
        self.files: dict[str, str] = {}
        self.models_job: ModelsJob | None = None  # set when the generator must write models.py
        self.schemas: SchemaPlaces | None = None  # where the spec gives the schemas the generator reads
        self.seconds = 0.0


_SUMMARY_LINE = re.compile(r"^# vendor summary: (\{.*\})$", re.MULTILINE)


def reusable_vendor(
    existing: Mapping[str, str], slug: str, spec_hash: str
) -> tuple[dict[str, str], VendorSummary] | None:
    """A vendor's files from trusted output (``freshness.trusted_texts``), if made from these spec bytes."""
    from codegen.format import read_header

    files = {}
    for name in VENDOR_FILES:
        relative = f"{slug}/{name}"
        text = existing.get(relative)
        if text is None:
            return None
        header = read_header(text)
        if header is None or header.source_hash != spec_hash:
            return None
        files[relative] = text
    for name in OPTIONAL_VENDOR_FILES:
        relative = f"{slug}/{name}"
        text = existing.get(relative)
        if text is not None:
            header = read_header(text)
            if header is None or header.source_hash != spec_hash:
                return None
            files[relative] = text
    found = _SUMMARY_LINE.search(files[f"{slug}/__init__.py"])
    if found is None:  # a template override without the summary: compile the spec
        return None
    return files, VendorSummary(**json.loads(found.group(1)))


def compile_vendor(job: VendorJob) -> JobResult:
    """Load, validate, resolve, render and format one spec."""
    from codegen.load import parse_spec_bytes
    from codegen.payload_models import cache_key
    from codegen.resolve import resolve
    from codegen.validate import validate

    started = time.perf_counter()
    try:
        validated = validate(parse_spec_bytes(job.raw, job.path, job.shown))
        vendor = resolve(validated)
    except SpecErrors as exc:
        return JobResult(problems=exc.errors)
    except SpecError as exc:
        return JobResult(problems=[exc])
    renderer = renderer_for(job.templates, job.package)
    origin = (vendor.spec_path, "spec", vendor.spec_sha256)
    result = JobResult(slug=vendor.slug, summary=VendorSummary(**vendor.summary))
    for name, source in renderer.vendor(vendor).items():
        relative = f"{vendor.slug}/{name}"
        result.files[relative] = emit(relative, source, origin)
    models = f"{vendor.slug}/models.py"
    reused = reusable_models(job.models_text, cache_key(vendor)) if vendor.models else None
    if not vendor.models:
        result.files[models] = emit(models, renderer.empty_models(vendor), origin)
    elif reused is not None:
        result.files[models] = emit(models, reused, origin)
    else:
        # Only what the generator reads travels to its process, not the whole vendor.
        schemas = ModelsInput(vendor.name, vendor.slug, vendor.models, vendor.models_sha256)
        result.models_job = ModelsJob(schemas, models, origin)
        result.schemas = SchemaPlaces.of(validated)
    result.seconds = time.perf_counter() - started
    return result


def render_shared(job: SharedJob) -> JobResult:
    """A shared file, unless its template reads the vendors' summaries: then nothing."""
    from codegen.render import SHARED_TEMPLATES

    started = time.perf_counter()
    renderer = renderer_for(job.templates, job.package)
    result = JobResult()
    if not renderer.reads_vendors(SHARED_TEMPLATES[job.name]):
        source = renderer.shared([job.name], None)[job.name]
        result.files[job.name] = emit(job.name, source, SHARED_ORIGIN)
    result.seconds = time.perf_counter() - started
    return result


def add_models(result: JobResult, source: Callable[[], str]) -> None:
    """Format the generator's ``models.py`` into ``result``, or record the spec mistake it reveals."""
    assert result.models_job is not None
    relative, origin = result.models_job.relative, result.models_job.origin
    result.models_job = None
    try:
        result.files[relative] = emit(relative, source(), origin)
    except Exception as exc:  # a schema the generator rejects is a mistake in the spec, not a crash
        assert result.schemas is not None
        result.problems.append(result.schemas.error(exc))


def emit(relative: str, source: str, origin: tuple[str, str, str]) -> str:
    """A file as written: formatted, under the header that names its origin and this version."""
    from codegen.format import black_format, drop_unused_imports, is_markdown, with_header

    markdown = is_markdown(relative)
    body = source if markdown else black_format(drop_unused_imports(source), relative)
    return with_header(body, *origin, __version__, markdown=markdown)


_renderers: dict[tuple[Path | None, str], Renderer] = {}


def renderer_for(templates: Path | None, package: str) -> Renderer:
    """One Jinja environment per process, so that templates are compiled once."""
    from codegen.render import Renderer

    key = (templates, package)
    if key not in _renderers:
        _renderers[key] = Renderer(templates, package=package)
    return _renderers[key]
