"""What builds keep between runs in the user's cache folder: compiled templates, and
each spec's last ``models.py``.

Neither is needed for a correct build: a cache that cannot be made, read or written is
skipped, and an entry is only used once it is checked against what it stands for.
``XDG_CACHE_HOME`` (or the platform's equivalent) moves the folder.
"""

from __future__ import annotations

import os
from pathlib import Path

APP = "codegen-errors"


def cache_folder(name: str, make: bool = True) -> Path | None:
    """``<user cache>/codegen-errors/<name>``, made if missing; None when it cannot be."""
    folder = _user_cache() / APP / name
    if not make:
        return folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def _user_cache() -> Path:
    import sys

    if sys.platform.startswith("linux"):  # as platformdirs has it, without its import (12 ms)
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(xdg) if xdg else Path.home() / ".cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir())


class ModelsCache:
    """Each spec's last ``models.py``, by the hash of the spec's bytes.

    datamodel-code-generator is the slowest stage of a build. A spec built before on this
    machine finds its models here even when the output folder is empty; the build uses
    an entry only if its schemas hash is the vendor's (``payload_models.cache_key``).
    """

    def __init__(self) -> None:
        self.folder = cache_folder("models")

    def get(self, spec_hash: str) -> str:
        if self.folder is None:
            return ""
        try:
            return (self.folder / f"{spec_hash}.py").read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""

    def put(self, spec_hash: str, text: str) -> None:
        """Keep ``text``: written aside, then renamed, so that readers see whole entries."""
        if self.folder is None:
            return
        temporary = self.folder / f".{spec_hash}.{os.getpid()}.tmp"
        try:
            temporary.write_text(text, encoding="utf-8")
            os.replace(temporary, self.folder / f"{spec_hash}.py")
        except OSError:
            temporary.unlink(missing_ok=True)
