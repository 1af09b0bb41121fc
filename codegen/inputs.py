"""The spec folder as a build reads it: each spec's bytes, one spec per slug, validated."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from codegen.config import Config, display, spec_files
from codegen.errors import SpecError, SpecErrors, UsageError

if TYPE_CHECKING:
    from codegen.validate import ValidatedSpec

Source = tuple[Path, str, bytes]
"""A spec file: its path, the path shown in messages, and its content."""


def spec_sources(config: Config) -> list[Source]:
    """The configured folder's specs."""
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


def one_spec_per_slug(sources: list[Source], problems: list[SpecError]) -> list[Source]:
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


def validate_specs(sources: list[Source]) -> list[ValidatedSpec]:
    """Load and validate specs; raises ``SpecErrors`` naming every mistake in every spec."""
    from codegen.load import parse_spec_bytes
    from codegen.validate import validate

    problems: list[SpecError] = []
    validated = []
    for path, shown, raw in one_spec_per_slug(sources, problems):
        try:
            validated.append(validate(parse_spec_bytes(raw, path, shown)))
        except SpecErrors as exc:
            problems.extend(exc.errors)
        except SpecError as exc:
            problems.append(exc)
    if problems:
        raise SpecErrors(problems)
    return validated
