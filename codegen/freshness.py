"""Is the output what the specs compile to now? Answered without compiling, when it can be.

Every build that writes a tree, and every ``check`` that finds one current, leaves a
record in the user's cache folder (one per output folder): the fingerprint of the
compiler that made it (codegen's version and sources, the templates, the versions of
black, jinja2 and datamodel-code-generator, the Python version, the package name), the
hash of every spec it compiled, the SHA-256 of every file it wrote, and the list of
every entry in the output. The no-op ``build`` calls a tree up to date only when all of
that matches the specs, the compiler and the tree as they are now, byte for byte: an
edited body, whatever its header says, an added file or folder, or a compiler upgrade
sends the build through the full compile. Without a record (a fresh clone, another
machine, an emptied cache) the first build compiles everything once.

The record is trusted as the user's cache is: someone who can write to it can make a
tampered tree look current to ``build``. ``check`` trusts no record: it compiles the
specs and compares bytes (``build.check``).

This module runs on every no-op build: it imports nothing heavier than ``hashlib`` and
``json``, and no compiler stage.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from pathlib import Path
from typing import NamedTuple

from codegen import __version__
from codegen.cache import cache_folder
from codegen.config import Config, spec_files, template_dirs

SHAPING_DISTRIBUTIONS = ("black", "datamodel_code_generator", "jinja2", "pydantic")
"""Libraries whose version changes what a build writes."""


class TreeRecord(NamedTuple):
    """What a build wrote into an output folder, and from what."""

    fingerprint: str
    specs: dict[str, str]  # slug -> SHA-256 of its spec's bytes
    files: dict[str, str]  # posix path -> SHA-256 of the file's bytes
    entries: list[str]  # every entry under the output: "dir/", "link-to-dir/@", "link@", "file"


def compiler_fingerprint(config: Config) -> str:
    """Hash of everything besides the specs that shapes the output."""
    import importlib.util

    digest = hashlib.sha256(f"codegen {__version__}\npackage {config.package}\n{sys.version_info[:2]}\n".encode())
    sources = sorted(Path(__file__).parent.rglob("*.py"))
    for folder in template_dirs(config.templates):
        sources += sorted(folder.rglob("*.jinja"))
    for path in sources:
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in SHAPING_DISTRIBUTIONS:
        # An upgrade rewrites the package's files: their place, size and time stand for its version.
        found = importlib.util.find_spec(name)
        origin = found.origin if found is not None else None
        if origin is not None:
            info = os.stat(origin)
            digest.update(f"{name}\0{origin}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def spec_hashes(config: Config) -> dict[str, str] | None:
    """Each spec's slug and the hash of its bytes; None when two files claim one slug."""
    paths = spec_files(config.specs)
    found = {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    return found if len(found) == len(paths) else None


def entries(output: Path) -> list[str]:
    """Every entry under ``output`` but bytecode caches, sorted: folders end in '/', symlinks in '@'
    (a link to a folder in '/@')."""
    found = []
    for folder, dirs, files in os.walk(output):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        relative = os.path.relpath(folder, output)
        prefix = "" if relative == os.curdir else Path(relative).as_posix() + "/"
        for name in dirs:
            link = os.path.islink(os.path.join(folder, name))
            found.append(prefix + name + ("/@" if link else "/"))
        for name in files:
            try:
                link = stat.S_ISLNK(os.lstat(os.path.join(folder, name)).st_mode)
            except OSError:
                continue
            found.append(prefix + name + ("@" if link else ""))
    return sorted(found)


def unexpected_entries(listing: list[str], planned: set[str]) -> list[str]:
    """Entries a build did not write that stand inside the generated packages.

    Inside a vendor's package, anything but its planned files is unexpected (a folder
    ``retry/`` would shadow ``retry.py``). At the package's root, the user may keep
    files of their own, but no folder other than the vendors' and no module that
    Python would import: they would shadow or join the generated package.
    """
    from importlib.machinery import all_suffixes

    packages = {path.split("/")[0] for path in planned if "/" in path}
    suffixes = tuple(all_suffixes())
    found = []
    for entry in listing:
        name = entry.rstrip("/@")
        top, _, rest = name.partition("/")
        if name in planned:
            continue
        if not rest:  # at the root
            if entry.endswith("/") and top in packages:
                continue
            if entry.endswith(("/", "/@")) or name.endswith(suffixes):
                found.append(name)
        elif top in packages and not any(p.startswith(name + "/") for p in planned):
            if not any(name.startswith(outer + "/") for outer in found):  # the outermost only
                found.append(name)
    return found


def _record_path(output: Path) -> Path | None:
    folder = cache_folder("trees", make=False)
    if folder is None:
        return None
    return folder / (hashlib.sha256(os.fsencode(output)).hexdigest()[:40] + ".json")


def load_record(output: Path) -> TreeRecord | None:
    path = _record_path(output)
    if path is None:
        return None
    try:
        data = json.loads(path.read_bytes())
        return TreeRecord(data["fingerprint"], data["specs"], data["files"], data["entries"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_record(output: Path, record: TreeRecord) -> None:
    """Keep ``record`` for ``output``; written aside, then renamed, so that readers see whole records."""
    if cache_folder("trees") is None:
        return
    path = _record_path(output)
    assert path is not None
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(record._asdict(), sort_keys=True), encoding="utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)


def forget_record(output: Path) -> None:
    """Drop the record of ``output``, before a build changes it."""
    path = _record_path(output)
    if path is not None:
        path.unlink(missing_ok=True)


def record_of(output: Path, fingerprint: str, specs: dict[str, str], files: dict[str, str]) -> TreeRecord:
    """The record of a tree that holds exactly ``files`` (path -> text) as the output lists it now."""
    hashes = {path: hashlib.sha256(text.encode("utf-8")).hexdigest() for path, text in files.items()}
    return TreeRecord(fingerprint, specs, hashes, entries(output))


def is_up_to_date(config: Config) -> bool:
    """True when the output is byte for byte what a build recorded for these specs and this compiler.

    The caller holds the output's lock (shared), so that no build writes meanwhile.
    """
    if not config.output.is_dir() or config.output.is_symlink():
        return False
    record = load_record(config.output)
    if record is None:
        return False
    specs = spec_hashes(config)
    if not specs or specs != record.specs or compiler_fingerprint(config) != record.fingerprint:
        return False
    if entries(config.output) != record.entries:
        return False
    for relative, wanted in record.files.items():
        try:
            with open(config.output / relative, "rb") as handle:
                if hashlib.sha256(handle.read()).hexdigest() != wanted:
                    return False
        except OSError:
            return False
    return True


def trusted_texts(config: Config, fingerprint: str, texts: dict[str, str]) -> dict[str, str]:
    """The files of ``texts`` (path -> text) that this compiler wrote as they are: a build reuses them."""
    record = load_record(config.output)
    if record is None or record.fingerprint != fingerprint:
        return {}
    return {
        path: text
        for path, text in texts.items()
        if record.files.get(path) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    }
