"""The commands that compile: ``build``, ``check`` and ``validate``, each returning a report.

This module only orchestrates: ``freshness`` says whether a tree is current without
compiling, ``jobs`` and ``workers`` compile (load -> validate -> resolve -> render ->
format, per spec), ``write`` brings the output to the planned tree.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from codegen import __version__
from codegen.cache import ModelsCache
from codegen.config import Config, display
from codegen.errors import CodegenError, OutputError, SpecError, SpecErrors, UsageError
from codegen.freshness import (
    compiler_fingerprint,
    entries,
    forget_record,
    is_up_to_date,
    record_of,
    save_record,
    spec_hashes,
    trusted_texts,
    unexpected_entries,
)
from codegen.inputs import one_spec_per_slug, spec_sources, validate_specs
from codegen.layout import SHARED_FILES, expected_paths, locked, stale_staging
from codegen.report import BuildReport, CheckReport, ValidateReport

if TYPE_CHECKING:  # imported where a build compiles: a no-op build imports no compiler stage
    from codegen.model import VendorSummary

SPEC_CHANGES_WAITED = 3
"""Compiles a build tries while its specs keep changing under it, before giving up."""


class Plan:
    """The complete output tree: posix path under the output folder -> file content."""

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.slugs: list[str] = []
        self.specs: dict[str, str] = {}
        """The hash of each spec's bytes, as compiled."""
        self.timings: list[tuple[str, float]] = []
        """Seconds spent per stage and per vendor, for ``--verbose``."""


class UnexpectedEntriesError(CodegenError):
    def __init__(self, output: str, found: list[str]) -> None:
        listing = "\n".join(f"  {output}/{p}" for p in found)
        super().__init__(
            "files or folders that codegen does not write stand inside the generated package,"
            f" where they would shadow or join its modules; remove them, or run with --force to:\n{listing}"
        )


def guard_output(config: Config) -> Config:
    """Refuse an output that is not a folder, is a link, or lies outside the project, unless allowed.

    Returns the config to build with: an allowed link is followed to its folder.
    """
    output = config.output
    shown = display(output, config.root)
    if output.is_symlink():
        if not config.allow_outside:
            raise UsageError(
                f"the output {shown} is a symbolic link; codegen writes only into the folder it is given:"
                " point the output at the real folder, or pass --allow-outside to follow the link"
            )
        config = config._replace(package_name=config.package)  # the name the user imports
        output = output.resolve()
    if output.exists() and not output.is_dir():
        raise UsageError(f"the output {shown} is a file, not a folder; point the output at a folder")
    real = output.resolve()
    if real == config.root or real in config.specs.resolve().parents or real == config.specs.resolve():
        raise UsageError(f"the output {shown} holds the project or its specs; point it at a folder of its own")
    if config.root not in real.parents and not config.allow_outside:
        raise UsageError(
            f"the output {shown} lies outside the project ({config.root});"
            " pass --allow-outside (or set allow_outside = true in [tool.codegen]) to write there"
        )
    return config._replace(output=output)


def build(config: Config, force: bool = False) -> BuildReport:
    """Bring the output to what the specs compile to; write only what changed."""
    started = time.perf_counter()
    config = guard_output(config)
    shown = display(config.output, config.root)
    if not force and config.output.is_dir():
        with locked(config.output, shared=True):  # no build writes while this one looks
            current = is_up_to_date(config)
        if current:
            if stale_staging(config.output):  # a build killed after its swap: the tree is whole
                from codegen.write import remove_stale_staging

                with locked(config.output):
                    remove_stale_staging(config.output)
            slugs = sorted(spec_hashes(config) or {})
            return BuildReport(shown, True, [], [], expected_paths(slugs), [("up-to-date check", time.perf_counter() - started)])
    from codegen.write import apply, generated_texts, plan_changes, remove_stale_staging, scan

    fingerprint = compiler_fingerprint(config)
    before = scan(config.output)
    trusted = trusted_texts(config, fingerprint, generated_texts(before))
    plan = compile_specs(config, trusted)
    try:
        with locked(config.output):
            for _ in range(SPEC_CHANGES_WAITED):
                # A build that waited here compiles again if the specs changed meanwhile.
                if spec_hashes(config) == plan.specs:
                    break
                plan = compile_specs(config, trusted)
            else:
                raise CodegenError("the specs kept changing while they were compiled; run the build again")
            written = time.perf_counter()
            remove_stale_staging(config.output)
            existing = scan(config.output, before)  # again: another build may have written meanwhile
            changes = plan_changes(config.output, plan.files, existing, force)
            listing = entries(config.output) if config.output.is_dir() else []
            unexpected = [e for e in unexpected_entries(listing, set(plan.files)) if not _all_removed(e, listing, changes.removed)]
            if unexpected and not force:
                raise UnexpectedEntriesError(shown, unexpected)
            forget_record(config.output)
            if changes.changed or unexpected:
                apply(config.output, plan.files, changes, dropped=set(unexpected))
            save_record(config.output, record_of(config.output, fingerprint, plan.specs, plan.files))
    except OSError as exc:  # a full disk, a read-only or immutable folder: the user's to fix
        raise OutputError.of(exc, shown) from None
    plan.timings.append(("write", time.perf_counter() - written))
    return BuildReport(shown, False, changes.written, changes.removed + unexpected, changes.unchanged, plan.timings)


def _all_removed(entry: str, listing: list[str], removed: list[str]) -> bool:
    """True when ``entry`` is a generated file the build removes, or a folder holding only such files."""
    if entry in removed:
        return True
    inside = [e for e in listing if e.startswith(entry + "/")]
    gone = set(removed)
    return bool(inside) and all(e.endswith("/") or e in gone for e in inside)


def check(config: Config) -> CheckReport:
    """Compile the specs and compare every byte of the output with the result; trust no record."""
    import difflib

    from codegen.format import read_header
    from codegen.write import scan

    config = guard_output(config)
    shown = display(config.output, config.root)
    fingerprint = compiler_fingerprint(config)
    plan = compile_specs(config, {})  # from the specs alone: nothing on disk is reused
    with locked(config.output, shared=True) if config.output.is_dir() else contextlib.nullcontext():
        existing = scan(config.output)
        listing = entries(config.output) if config.output.is_dir() else []
    stale: list[str] = []
    diff: list[str] = []
    versions: set[str] = set()
    for path in sorted(set(plan.files) | {p for p, f in existing.items() if f.generated}):
        old = existing[path].text if path in existing else None
        new = plan.files.get(path)
        if old == new:
            continue
        stale.append(path)
        header = read_header(old) if old is not None else None
        if header is not None and header.version != __version__:
            versions.add(header.version)
        diff += difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            (new or "").splitlines(keepends=True),
            fromfile=f"a/{shown}/{path}" if old is not None else "/dev/null",
            tofile=f"b/{shown}/{path}" if new is not None else "/dev/null",
        )
    unexpected = [e for e in unexpected_entries(listing, set(plan.files)) if e not in stale and not _all_removed(e, listing, stale)]
    if not stale and not unexpected:  # verified: a no-op build may now say so without compiling
        save_record(config.output, record_of(config.output, fingerprint, plan.specs, plan.files)._replace(entries=listing))
    return CheckReport(shown, stale, unexpected, diff, sorted(versions))


def validate(config: Config) -> ValidateReport:
    return ValidateReport([v.loaded.display_path for v in validate_specs(spec_sources(config))])


def compile_specs(config: Config, existing: Mapping[str, str] | None = None) -> Plan:
    """Compile every spec into the planned output tree, or raise ``SpecErrors``.

    ``existing`` maps paths of the current output to their text, for files this very
    compiler wrote as they are (``freshness.trusted_texts``): a vendor whose files there
    were made from its spec's current bytes is reused without compiling, and an
    unchanged ``models.py`` skips datamodel-code-generator.
    """
    from codegen.jobs import SHARED_ORIGIN, JobResult, SharedJob, VendorJob, emit, renderer_for, reusable_vendor
    from codegen.workers import compile_all

    started = time.perf_counter()
    existing = existing or {}
    plan = Plan()
    summaries: dict[str, VendorSummary] = {}
    jobs: list[VendorJob] = []
    problems: list[SpecError] = []
    sources = one_spec_per_slug(spec_sources(config), problems)
    models_cache: ModelsCache | None = None
    cached_models: dict[str, tuple[str, str]] = {}  # slug -> (spec hash, its cached models.py)
    for path, shown, raw in sources:
        spec_hash = hashlib.sha256(raw).hexdigest()
        plan.specs[path.stem] = spec_hash
        reused = reusable_vendor(existing, path.stem, spec_hash)
        if reused is not None:
            plan.files.update(reused[0])
            summaries[path.stem] = reused[1]
            continue
        models_cache = models_cache or ModelsCache()
        cached_models[path.stem] = (spec_hash, models_cache.get(spec_hash))
        # The models of these very spec bytes first, else those of the output's last build.
        models_text = cached_models[path.stem][1] or existing.get(f"{path.stem}/models.py", "")
        jobs.append(VendorJob(path, shown, raw, config.templates, config.package, models_text))
    plan.timings.append(("hash the specs and reuse unchanged vendors", time.perf_counter() - started))
    shared_jobs = [SharedJob(config.templates, config.package, name) for name in SHARED_FILES]

    def shared_files(results: list[JobResult]) -> None:
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
        shared = renderer_for(config.templates, config.package).shared(names, [summaries[s] for s in plan.slugs])
        for name, source in shared.items():
            plan.files[name] = emit(name, source, SHARED_ORIGIN)
        plan.timings.append((f"render {', '.join(names)}", time.perf_counter() - started))

    results = compile_all(jobs, shared_jobs, shared_files)
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
