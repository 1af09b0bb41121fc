"""The catalog: curated specs of public APIs, shipped with the toolkit.

Each ``<slug>.yaml`` beside this module is written from the vendor's public error
documentation, whose address and the date it was read head the file. ``codegen init --from
<slug>`` copies one into the user's spec folder, where it is theirs to edit.
"""

from __future__ import annotations

import re
from importlib import resources
from importlib.resources.abc import Traversable
from typing import NamedTuple

from codegen.config import Config
from codegen.errors import UsageError
from codegen.report import InitReport

READ_ON = re.compile(r"^#.*\bread (\d{4}-\d{2}-\d{2})\b", re.MULTILINE)
SLUG_LINE = re.compile(r"^(  slug: )(\S+)$", re.MULTILINE)


class Entry(NamedTuple):
    slug: str
    name: str
    docs_url: str
    read_on: str
    """The date the documentation was read (YYYY-MM-DD), from the spec's first comments."""


def _files() -> dict[str, Traversable]:
    folder = resources.files(__name__)
    return {f.name[: -len(".yaml")]: f for f in folder.iterdir() if f.name.endswith(".yaml")}


def entries() -> list[Entry]:
    """Every spec in the catalog, by slug."""
    import yaml

    listed = []
    for slug, file in sorted(_files().items()):
        text = file.read_text(encoding="utf-8")
        vendor = yaml.safe_load(text)["vendor"]
        read_on = READ_ON.search(text)
        listed.append(Entry(slug, vendor["name"], vendor["docs_url"], read_on.group(1) if read_on else "?"))
    return listed


def spec_text(name: str) -> str:
    """The catalog's spec ``name``, as shipped."""
    files = _files()
    if name not in files:
        raise UsageError(f"'{name}' is not in the catalog, which holds: {', '.join(sorted(files))}")
    return files[name].read_text(encoding="utf-8")


def copy_spec(config: Config, name: str, slug: str | None = None, force: bool = False) -> InitReport:
    """Write the catalog's spec ``name`` to ``<specs>/<slug>.yaml`` (``slug`` defaults to
    ``name``; the spec's ``vendor.slug`` follows it) and the spec schema editors read, if
    missing. The copy is validated before anything is written. Report what was written."""
    from codegen.starter import spec_target, write_spec

    text = spec_text(name)
    slug = slug or name
    target, shown = spec_target(config, slug, force)
    if slug != name:
        text = SLUG_LINE.sub(lambda m: m.group(1) + slug, text, count=1)
    return write_spec(config, target, shown, text)
