"""The pipeline: load -> validate -> resolve -> render -> format, then write or compare.

A fast path answers "is the output up to date?" from file headers alone, without
importing pydantic, jinja2, black or datamodel-code-generator: every generated file
records the hash of its spec and of the generator that wrote it.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from codegen import __version__
from codegen.cache import ModelsCache
from codegen.config import Config, display, spec_files, template_dirs
from codegen.errors import SpecError, SpecErrors, UsageError
from codegen.format import HEADER_LINES, body_of, content_hash, is_intact, read_header

if TYPE_CHECKING:
    from codegen.render import Renderer
    from codegen.model import ModelIR, VendorIR, VendorSummary
    from codegen.validate import ValidatedSpec

SHARED_FILES = ("README.md", "__init__.py", "_base.py", "_matching.py", "_retrying.py", "_runtime.py", "transports.py")
VENDOR_FILES = ("ERRORS.md", "__init__.py", "errors.py", "models.py", "parser.py", "retry.py", "retrying.py")


class Plan:
    """The complete output tree: posix path under the output folder -> file content."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.slugs: list[str] = []
        self.timings: list[tuple[str, float]] = []
        """Seconds spent per stage and per vendor, for ``--verbose``."""


def generator_fingerprint(config: Config) -> str:
    """Hash of everything besides the specs that shapes the output."""
    digest = hashlib.sha256(f"codegen {__version__}\npackage {config.output.name}\n".encode())
    sources = sorted(Path(__file__).parent.glob("*.py"))
    for folder in template_dirs(config.templates):
        sources += sorted(p for p in folder.rglob("*.jinja"))
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def expected_paths(slugs: list[str]) -> list[str]:
    paths = list(SHARED_FILES)
    for slug in slugs:
        paths += [f"{slug}/{name}" for name in VENDOR_FILES]
    return sorted(paths)


def is_up_to_date(config: Config) -> bool:
    """True when every expected file carries the current spec and generator hashes, intact."""
    paths = spec_files(config.specs)
    if not paths or not config.output.is_dir():
        return False
    fingerprint = generator_fingerprint(config)
    spec_hashes = {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    if len(spec_hashes) != len(paths):
        return False
    expected = expected_paths(sorted(spec_hashes))
    # Every header first: a changed spec shows there, before any body is hashed.
    bodies: list[tuple[str, str]] = []
    for relative in expected:
        try:
            text = (config.output / relative).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        header = read_header(text)
        if header is None or header.generator != fingerprint[:16]:
            return False
        wanted = fingerprint if "/" not in relative else spec_hashes[relative.split("/")[0]]
        if header.source_hash != wanted:
            return False
        bodies.append((text, header.content_hash))
    if any(content_hash(body_of(text)) != recorded for text, recorded in bodies):
        return False
    return not _stray_generated_files(config.output, set(expected))


def _stray_generated_files(output: Path, expected: set[str]) -> bool:
    """True when the output holds a generated file that a build would now remove."""
    import os

    for folder, dirs, files in os.walk(output):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in files:
            path = os.path.join(folder, name)
            if os.path.islink(path) or Path(path).relative_to(output).as_posix() in expected:
                continue
            try:
                with open(path, encoding="utf-8") as handle:
                    head = "".join(handle.readline() for _ in range(HEADER_LINES))
            except (OSError, UnicodeDecodeError):
                continue
            if read_header(head) is not None:
                return True
    return False


def spec_sources(config: Config) -> list[tuple[Path, str, bytes]]:
    """The configured folder's specs as (path, path shown in messages, content)."""
    paths = spec_files(config.specs)
    if not paths:
        raise UsageError(f"no spec files (*.yaml) in {display(config.specs, config.root)}")
    sources = []
    for path in paths:
        shown = display(path, config.root)
        try:
            sources.append((path, shown, path.read_bytes()))
        except OSError as exc:
            raise SpecErrors([SpecError(shown, 1, 1, f"cannot read the file: {exc.strerror}")]) from None
    return sources


STAGING_PREFIX = ".codegen-staging-"


def stale_staging(output: Path) -> list[Path]:
    """Staging folders beside the output; outside a build's lock, only killed builds leave them."""
    prefix = f".{output.name}{STAGING_PREFIX}"
    try:
        entries = list(output.parent.iterdir())
    except OSError:
        return []
    return [e for e in entries if e.name.startswith(prefix) and e.is_dir() and not e.is_symlink()]


def validate_specs(sources: list[tuple[Path, str, bytes]]) -> list[ValidatedSpec]:
    """Load and validate specs given as (path, path shown in messages, content).

    Raises ``SpecErrors`` naming every mistake in every spec.
    """
    from codegen.load import parse_spec_bytes
    from codegen.validate import validate

    problems: list[SpecError] = []
    validated = []
    for path, shown, raw in _one_spec_per_slug(sources, problems):
        try:
            validated.append(validate(parse_spec_bytes(raw, path, shown)))
        except SpecErrors as exc:
            problems.extend(exc.errors)
        except SpecError as exc:
            problems.append(exc)
    if problems:
        raise SpecErrors(problems)
    return validated


def _one_spec_per_slug(
    sources: list[tuple[Path, str, bytes]], problems: list[SpecError]
) -> list[tuple[Path, str, bytes]]:
    """The sources whose slug (file stem) no earlier source has; each repeat is a problem."""
    kept = []
    seen: dict[str, str] = {}
    for path, shown, raw in sources:
        if path.stem in seen:
            problems.append(SpecError(shown, 1, 1, f"two spec files for '{path.stem}': {seen[path.stem]} and {shown}; keep one"))
            continue
        seen[path.stem] = shown
        kept.append((path, shown, raw))
    return kept


class _VendorJob(NamedTuple):
    """One spec to compile, with what a worker process needs to do it."""

    path: Path
    shown: str
    raw: bytes
    templates: Path | None
    package: str
    fingerprint: str
    models_text: str  # the vendor's current models.py, reused when its schemas are unchanged


class _SharedJob(NamedTuple):
    """One shared file, with what a worker process needs to render it."""

    templates: Path | None
    package: str
    fingerprint: str
    name: str


def _shared_origin(fingerprint: str) -> tuple[str, str, str, str]:
    return "codegen's templates", "templates", fingerprint, fingerprint


class _SchemaPlaces(NamedTuple):
    """Where each payload model's schema sits in the spec, to point at one the generator rejects."""

    shown: str
    models: tuple[tuple[str, tuple[str, ...]], ...]  # (model class, path of its schema)
    positions: Mapping[tuple[str, ...], tuple[int, int]]  # of every value inside the schemas

    @classmethod
    def of(cls, validated: ValidatedSpec) -> _SchemaPlaces:
        from codegen.naming import details_model_name, envelope_model_name
        from codegen.validate import error_sections

        spec = validated.spec
        models: list[tuple[str, tuple[str, ...]]] = [
            (envelope_model_name(e.name), ("envelopes", str(i), "schema"))
            for i, e in enumerate(spec.envelopes)
            if e.schema_ is not None
        ]
        for section, errors in error_sections(spec):
            models += [
                (details_model_name(e.name), (*section, str(i), "details_schema"))
                for i, e in enumerate(errors)
                if e.details_schema is not None
            ]
        roots = [path for _, path in models]
        positions = {
            path: (where.line, where.column)
            for path, where in validated.loaded.positions.items()
            if any(path[: len(root)] == root for root in roots)
        }
        return cls(validated.loaded.display_path, tuple(models), positions)

    def error(self, exc: Exception) -> SpecError:
        """The generator's complaint, at the schema it names (or the first one)."""
        reason = str(exc)
        path = next((p for name, p in self.models if f"/{name}'" in reason), self.models[0][1])
        # The generator validates schemas with pydantic: "<dotted location>\n  <message> [type=...".
        found = re.search(r"^([^\s].*)\n  (.+?)(?: \[type=|$)", reason, re.MULTILINE)
        detail = reason.strip().splitlines()[0][:300] if reason.strip() else type(exc).__name__
        if found:
            detail = f"{found.group(2)} (at {found.group(1)})"
            for part in found.group(1).split("."):
                if (*path, part) in self.positions:
                    path = (*path, part)
        line, column = self.positions.get(path, (1, 1))
        return SpecError(
            self.shown,
            line,
            column,
            f"{'.'.join(path)}: datamodel-code-generator cannot turn this JSON Schema into a model: {detail}",
        )


class _VendorResult:
    """A compiled spec's files and summary, or its problems; or the shared files a worker rendered."""

    def __init__(self, slug: str = "", summary: VendorSummary | None = None, problems: list[SpecError] | None = None) -> None:
        self.slug = slug
        self.summary = summary
        self.problems = problems or []
        self.files: dict[str, str] = {}
        self.models_job: _ModelsJob | None = None  # set when the generator must write models.py
        self.schemas: _SchemaPlaces | None = None  # where the spec gives the schemas the generator reads
        self.seconds = 0.0


class _ModelsInput(NamedTuple):
    """The part of a resolved vendor that ``payloads.models_source`` reads."""

    name: str
    slug: str
    models: list[ModelIR]
    models_sha256: str


class _ModelsJob(NamedTuple):
    """What the generator's process needs, and where its ``models.py`` goes."""

    schemas: _ModelsInput
    relative: str
    origin: tuple[str, str, str]  # source, kind and source hash, for the file's header
    fingerprint: str


PARALLEL_MIN_SPECS = 2
"""Compile in worker processes from this many changed specs: below it, forking costs more."""
WORKERS = 2
_SUMMARY_LINE = re.compile(r"^# vendor summary: (\{.*\})$", re.MULTILINE)


def compile_specs(config: Config, existing: Mapping[str, str] | None = None) -> Plan:
    """Compile every spec into the planned output tree, or raise ``SpecErrors``.

    ``existing`` maps paths of the current output to their text: a vendor whose files
    there are intact and carry its spec's hash and this generator's is reused without
    compiling, and an unchanged ``models.py`` skips datamodel-code-generator.
    """
    started = time.perf_counter()
    existing = existing or {}
    fingerprint = generator_fingerprint(config)
    plan = Plan()
    summaries: dict[str, VendorSummary] = {}
    jobs: list[_VendorJob] = []
    problems: list[SpecError] = []
    sources = _one_spec_per_slug(spec_sources(config), problems)
    models_cache: ModelsCache | None = None
    cached_models: dict[str, tuple[str, str]] = {}  # slug -> (spec hash, its cached models.py)
    for path, shown, raw in sources:
        spec_hash = hashlib.sha256(raw).hexdigest()
        reused = _reusable(existing, path.stem, spec_hash, fingerprint[:16])
        if reused is not None:
            plan.files.update(reused[0])
            summaries[path.stem] = reused[1]
            continue
        models_cache = models_cache or ModelsCache()
        cached_models[path.stem] = (spec_hash, models_cache.get(spec_hash))
        # The models of these very spec bytes first, else those of the output's last build.
        models_text = cached_models[path.stem][1] or existing.get(f"{path.stem}/models.py", "")
        jobs.append(_VendorJob(path, shown, raw, config.templates, config.output.name, fingerprint, models_text))
    plan.timings.append(("hash the specs and reuse unchanged vendors", time.perf_counter() - started))

    shared_jobs = [_SharedJob(config.templates, config.output.name, fingerprint, name) for name in SHARED_FILES]

    def shared_files(results: list[_VendorResult]) -> None:
        """Render the shared files that need every vendor's summary; runs beside the models."""
        for result in results:
            if result.summary is not None:
                summaries[result.slug] = result.summary
        if problems or any(result.problems for result in results):
            return
        started = time.perf_counter()
        plan.slugs = [path.stem for path, _, _ in sources if path.stem in summaries]
        done = {name for result in results for name in result.files}
        names = [name for name in SHARED_FILES if name not in done]
        shared = _renderer(config.templates, config.output.name).shared(names, [summaries[s] for s in plan.slugs])
        for name, source in shared.items():
            plan.files[name] = _emit(name, source, *_shared_origin(fingerprint))
        plan.timings.append((f"render {', '.join(names)}", time.perf_counter() - started))

    import gc

    # black makes and drops many small objects; collecting garbage every 700 of them, as
    # Python does by default, takes a fifth of its time. Full collections stay frequent, so
    # that the trees of formatted files do not pile up in memory.
    thresholds = gc.get_threshold()
    gc.set_threshold(10_000, 10, 1)
    try:
        results = _compile_all(jobs, shared_jobs, shared_files)
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
    for result in results:
        label = result.slug or ", ".join(result.files)  # a shared file left to ``shared_files`` has none
        problems.extend(result.problems)
        plan.files.update(result.files)
        result.files.clear()
        if label:
            plan.timings.append((f"render {label}", result.seconds))
    if problems:
        raise SpecErrors(problems)
    if models_cache is not None:
        for slug, (spec_hash, cached) in cached_models.items():
            built = plan.files.get(f"{slug}/models.py")
            if built is not None and built != cached:
                models_cache.put(spec_hash, built)
    return plan


def _reusable(
    existing: Mapping[str, str], slug: str, spec_hash: str, generator: str
) -> tuple[dict[str, str], VendorSummary] | None:
    """A vendor's files from the current output, if they are exactly what a build would write."""
    import json

    from codegen.model import VendorSummary

    files = {}
    for name in VENDOR_FILES:
        relative = f"{slug}/{name}"
        text = existing.get(relative)
        if text is None:
            return None
        header = read_header(text)
        if header is None or header.generator != generator or header.source_hash != spec_hash:
            return None
        if not is_intact(text):
            return None
        files[relative] = text
    found = _SUMMARY_LINE.search(files[f"{slug}/__init__.py"])
    if found is None:  # a template override without the summary: compile the spec
        return None
    return files, VendorSummary(**json.loads(found.group(1)))


def _compile_all(
    jobs: list[_VendorJob], shared: list[_SharedJob], meanwhile: Callable[[list[_VendorResult]], None]
) -> list[_VendorResult]:
    """Compile the specs, in worker processes when there are enough of them.

    The workers also render the shared files that need no vendor's summary, beside the
    specs; ``meanwhile`` renders the others once every spec is compiled, while the last
    models are generated. datamodel-code-generator, the slowest import, gets a process
    of its own that takes each vendor's schemas as soon as they are resolved; it starts
    importing the generator at once when a spec has no models to reuse.
    """
    import functools
    import gc
    import multiprocessing

    if len(jobs) < PARALLEL_MIN_SPECS or "fork" not in multiprocessing.get_all_start_methods():
        results = [_compile_vendor(job) for job in jobs]
        meanwhile(results)
        for result in results:
            if result.models_job is not None:
                _add_models(result, functools.partial(_models_source, result.models_job))
        return results
    import queue
    from concurrent.futures import Future, ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(1, mp_context=context) as models_pool:
        if any(not job.models_text for job in jobs):  # else it starts if a schema changed
            models_pool.submit(_import_models_generator)  # starts the process and the import
        renderer = _import_compiler(shared[0].templates, shared[0].package)  # before forking, so that the workers share it
        from codegen.render import SHARED_TEMPLATES

        # What is imported stays out of the workers' collections, which would otherwise
        # walk it and copy its memory pages.
        gc.freeze()
        pending: dict[Future[str], _VendorResult] = {}  # models being generated
        with ProcessPoolExecutor(WORKERS, mp_context=context) as pool:
            # The largest inputs first (spec or template bytes, a rough measure of the
            # work), so that no worker is left alone with a long job at the end.
            work: list[tuple[int, Callable[[Any], _VendorResult], _VendorJob | _SharedJob]]
            work = [(len(job.raw), _compile_vendor, job) for job in jobs]
            work += [(len(renderer.source(SHARED_TEMPLATES[job.name])), _render_shared, job) for job in shared]
            futures = {job: pool.submit(run, job) for _, run, job in sorted(work, key=lambda w: -w[0])}
            finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()
            for future in futures.values():
                future.add_done_callback(finished.put)
            compiling = len(futures)
            while compiling:
                # The main process, otherwise idle, formats each vendor's models as they
                # come, rather than all of them alone at the end.
                done = finished.get()
                if done in pending:
                    _add_models(pending.pop(done), done.result)
                    continue
                compiling -= 1
                result = done.result()
                if result.models_job is not None:
                    models = models_pool.submit(_models_source, result.models_job)
                    pending[models] = result
                    models.add_done_callback(finished.put)
        results = [futures[job].result() for job in shared] + [futures[job].result() for job in jobs]
        meanwhile(results)
        for models, result in pending.items():
            _add_models(result, models.result)
    return results


def _import_compiler(templates: Path | None, package: str) -> Renderer:
    import black  # noqa: F401

    import codegen.validate  # noqa: F401

    renderer = _renderer(templates, package)
    renderer.compile_templates()
    return renderer


def _import_models_generator() -> None:
    import datamodel_code_generator.model.pydantic_v2  # noqa: F401
    import datamodel_code_generator.parser.openapi  # noqa: F401


def _render_shared(job: _SharedJob) -> _VendorResult:
    """A shared file, unless its template reads the vendors' summaries: then nothing."""
    from codegen.render import SHARED_TEMPLATES

    started = time.perf_counter()
    renderer = _renderer(job.templates, job.package)
    result = _VendorResult()
    if not renderer.reads_vendors(SHARED_TEMPLATES[job.name]):
        source = renderer.shared([job.name], None)[job.name]
        result.files[job.name] = _emit(job.name, source, *_shared_origin(job.fingerprint))
    result.seconds = time.perf_counter() - started
    return result


def _compile_vendor(job: _VendorJob) -> _VendorResult:
    """Load, validate, resolve, render and format one spec."""
    from codegen.load import parse_spec_bytes
    from codegen.payloads import cache_key, schemas_hash_of
    from codegen.resolve import resolve
    from codegen.validate import validate

    started = time.perf_counter()
    try:
        validated = validate(parse_spec_bytes(job.raw, job.path, job.shown))
        vendor = resolve(validated)
    except SpecErrors as exc:
        return _VendorResult(problems=exc.errors)
    except SpecError as exc:
        return _VendorResult(problems=[exc])
    renderer = _renderer(job.templates, job.package)
    origin = (vendor.spec_path, "spec", vendor.spec_sha256)
    result = _VendorResult(slug=vendor.slug, summary=_summary(vendor))
    for name, source in renderer.vendor(vendor).items():
        relative = f"{vendor.slug}/{name}"
        result.files[relative] = _emit(relative, source, *origin, job.fingerprint)
    models = f"{vendor.slug}/models.py"
    if not vendor.models:
        result.files[models] = _emit(models, renderer.empty_models(vendor), *origin, job.fingerprint)
    elif job.models_text and is_intact(job.models_text) and schemas_hash_of(job.models_text) == cache_key(vendor):
        result.files[models] = _emit(models, body_of(job.models_text), *origin, job.fingerprint)
    else:
        # Only what the generator reads travels to its process, not the whole vendor.
        schemas = _ModelsInput(vendor.name, vendor.slug, vendor.models, vendor.models_sha256)
        result.models_job = _ModelsJob(schemas, models, origin, job.fingerprint)
        result.schemas = _SchemaPlaces.of(validated)
    result.seconds = time.perf_counter() - started
    return result


def _models_source(models_job: _ModelsJob) -> str:
    """The generator's ``models.py``, before black: the process that runs it need not import black."""
    from codegen.payloads import models_source

    try:
        return models_source(models_job.schemas)
    except Exception as exc:  # as plain text, which crosses from a worker process intact
        raise RuntimeError(str(exc)) from None


def _add_models(result: _VendorResult, source: Callable[[], str]) -> None:
    assert result.models_job is not None
    _, relative, origin, fingerprint = result.models_job
    result.models_job = None
    try:
        result.files[relative] = _emit(relative, source(), *origin, fingerprint)
    except Exception as exc:  # a schema the generator rejects is a mistake in the spec, not a crash
        assert result.schemas is not None
        result.problems.append(result.schemas.error(exc))


def _summary(vendor: VendorIR) -> VendorSummary:
    from codegen.model import VendorSummary

    return VendorSummary(**vendor.summary)


def _emit(relative: str, source: str, origin: str, kind: str, origin_hash: str, fingerprint: str) -> str:
    from codegen.format import black_format, drop_unused_imports, is_markdown, with_header

    markdown = is_markdown(relative)
    body = source if markdown else black_format(drop_unused_imports(source), relative)
    return with_header(body, origin, kind, origin_hash, fingerprint[:16], markdown=markdown)


_renderers: dict[tuple[Path | None, str], Renderer] = {}


def _renderer(templates: Path | None, package: str) -> Renderer:
    """One Jinja environment per process, so that templates are compiled once."""
    from codegen.render import Renderer

    key = (templates, package)
    if key not in _renderers:
        _renderers[key] = Renderer(templates, package=package)
    return _renderers[key]
