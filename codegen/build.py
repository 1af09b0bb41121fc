"""The pipeline: load -> validate -> resolve -> render -> format, then write or compare.

A fast path answers "is the output up to date?" from file headers alone, without
importing pydantic, jinja2, black or datamodel-code-generator: every generated file
records the hash of its spec and of the generator that wrote it.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from codegen import __version__
from codegen.config import Config, display, template_dirs
from codegen.errors import SpecError, SpecErrors, UsageError
from codegen.format import body_of, read_header
from codegen.load import spec_files

if TYPE_CHECKING:
    from codegen.render import Renderer
    from codegen.resolve import VendorIR
    from codegen.validate import ValidatedSpec

SHARED_FILES = ("README.md", "__init__.py", "_base.py", "_retrying.py", "_runtime.py", "transports.py")
VENDOR_FILES = ("ERRORS.md", "__init__.py", "errors.py", "models.py", "parser.py", "retry.py", "retrying.py")


@dataclass
class Plan:
    """The complete output tree: posix path under the output folder -> file content."""

    files: dict[str, str] = field(default_factory=dict)
    slugs: list[str] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
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
        if hashlib.sha256(body_of(text).encode()).hexdigest() != header.content_hash:
            return False
    from codegen.write import scan

    generated = {p for p, f in scan(config.output).items() if f.generated}
    return generated == set(expected)


def validate_specs(sources: list[tuple[Path, str, bytes]]) -> list[ValidatedSpec]:
    """Load and validate specs given as (path, path shown in messages, content).

    Raises ``SpecErrors`` naming every mistake in every spec.
    """
    from codegen.load import parse_spec_bytes
    from codegen.validate import validate

    problems: list[SpecError] = []
    validated = []
    stems: dict[str, str] = {}
    for path, shown, raw in sources:
        if path.stem in stems:
            problems.append(SpecError(shown, 1, 1, f"two spec files for '{path.stem}': {stems[path.stem]} and {shown}"))
            continue
        stems[path.stem] = shown
        try:
            validated.append(validate(parse_spec_bytes(raw, path, shown)))
        except SpecErrors as exc:
            problems.extend(exc.errors)
        except SpecError as exc:
            problems.append(exc)
    if problems:
        raise SpecErrors(problems)
    return validated


def compile_specs(config: Config) -> Plan:
    """Compile every spec into the planned output tree, or raise ``SpecErrors``."""
    from codegen.format import black_format, is_markdown, with_header
    from codegen.render import Renderer
    from codegen.resolve import resolve

    paths = spec_files(config.specs)
    if not paths:
        raise UsageError(f"no spec files (*.yaml) in {display(config.specs, config.root)}")
    started = time.perf_counter()
    validated = validate_specs([(p, display(p, config.root), p.read_bytes()) for p in paths])

    fingerprint = generator_fingerprint(config)
    generator = fingerprint[:16]
    vendors = [resolve(v) for v in validated]
    renderer = Renderer(config.templates, package=config.output.name)
    plan = Plan(slugs=[v.slug for v in vendors])
    plan.timings.append(("load, validate and resolve the specs", time.perf_counter() - started))

    def emit(relative: str, source: str, origin: str, kind: str, origin_hash: str) -> None:
        markdown = is_markdown(relative)
        body = source if markdown else black_format(source, relative)
        plan.files[relative] = with_header(body, origin, kind, origin_hash, generator, markdown=markdown)

    started = time.perf_counter()
    for name, source in renderer.shared(vendors).items():
        emit(name, source, "codegen's templates", "templates", fingerprint)
    plan.timings.append(("render the shared files", time.perf_counter() - started))
    for vendor in vendors:
        started = time.perf_counter()
        for name, source in renderer.vendor(vendor).items():
            emit(f"{vendor.slug}/{name}", source, vendor.spec_path, "spec", vendor.spec_sha256)
        emit(
            f"{vendor.slug}/models.py",
            _models_source(config, vendor, renderer),
            vendor.spec_path,
            "spec",
            vendor.spec_sha256,
        )
        plan.timings.append((f"render {vendor.slug}", time.perf_counter() - started))
    return plan


def _models_source(config: Config, vendor: VendorIR, renderer: Renderer) -> str:
    """The models module, reusing the existing one when the schemas have not changed."""
    from codegen.format import is_intact
    from codegen.payloads import cache_key, models_source, schemas_hash_of

    if not vendor.models:
        return renderer.empty_models(vendor)
    existing = config.output / vendor.slug / "models.py"
    try:
        text = existing.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    if text and is_intact(text) and schemas_hash_of(text) == cache_key(vendor):
        return body_of(text)
    return models_source(vendor)
