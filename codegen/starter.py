"""``codegen init``: a commented starter spec that builds as it is."""

from __future__ import annotations

import json
import re

from codegen.config import Config, display
from codegen.errors import CodegenError, UsageError
from codegen.report import InitReport

STARTER_TEMPLATE = "init/spec.yaml.jinja"
SCHEMA_FILE = "spec.schema.json"
SLUG = re.compile(r"[a-z][a-z0-9_]*")


def write_starter(config: Config, slug: str, force: bool = False) -> InitReport:
    """Write ``<specs>/<slug>.yaml`` (and the spec schema editors read); report what was written."""
    from codegen.render import Renderer

    target, shown = spec_target(config, slug, force)
    words = slug.replace("_", " ").split()
    text = Renderer(config.templates, package=config.package).render(
        STARTER_TEMPLATE,
        slug=slug,
        name=" ".join(w.capitalize() for w in words),
        prefix="".join(w.capitalize() for w in words),
    )
    # The starter must build as it is: check it before writing anything.
    return write_spec(config, target, shown, text)


def spec_target(config: Config, slug: str, force: bool) -> tuple[Path, str]:
    """``<specs>/<slug>.yaml`` and its name as shown, once the slug is valid and the file
    absent (or ``force`` given)."""
    if not SLUG.fullmatch(slug) or len(slug) > 50:
        raise UsageError(f"'{slug}' is not a valid slug: lower case letters, digits and '_', starting with a letter")
    target = config.specs / f"{slug}.yaml"
    shown = display(target, config.root)
    if target.exists() and not force:
        raise CodegenError(f"{shown} already exists; use --force to overwrite it")
    return target, shown


def write_spec(config: Config, target: Path, shown: str, text: str) -> InitReport:
    """Validate ``text`` as the spec ``target``, then write it (and the spec schema editors
    read, if missing); nothing is written when it is invalid. Report what was written."""
    from codegen.load import parse_spec_bytes
    from codegen.spec import spec_json_schema
    from codegen.validate import validate

    validate(parse_spec_bytes(text.encode("utf-8"), target, shown))
    config.specs.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    written = [target]
    schema = config.specs / SCHEMA_FILE
    if not schema.exists():
        schema.write_text(json.dumps(spec_json_schema(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
        written.append(schema)
    return InitReport(written)
