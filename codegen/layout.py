"""The output tree's shape: which files a build writes, and where its staging folders go.

Read by the compile jobs, the freshness check and the write stage alike, so that the
lists are kept here only.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

SHARED_FILES = (
    "README.md",
    "__init__.py",
    "_base.py",
    "_budget.py",
    "_matching.py",
    "_observe.py",
    "_ratelimit.py",
    "_retrying.py",
    "_runtime.py",
    "_signals.py",
    "_store.py",
    "_streams.py",
    "_transport.py",
    "transports.py",
)
"""The files at the generated package's root, shared by every vendor."""
VENDOR_FILES = ("ERRORS.md", "__init__.py", "errors.py", "models.py", "parser.py", "retry.py", "retrying.py")
"""The files of each vendor's package, ``<output>/<slug>/``."""
OPTIONAL_VENDOR_FILES = ("streams.py",)
"""Files of a vendor's package that only some specs ask for (a ``streams`` section)."""

STAGING_PREFIX = ".codegen-staging-"


def expected_paths(slugs: list[str]) -> list[str]:
    """Every file a build of these vendors writes, as posix paths below the output."""
    paths = list(SHARED_FILES)
    for slug in slugs:
        paths += [f"{slug}/{name}" for name in VENDOR_FILES]
    return sorted(paths)


def staging_folder(output: Path, pid: int) -> Path:
    """Where the build of process ``pid`` assembles the new tree: beside the output."""
    return output.parent / f".{output.name}{STAGING_PREFIX}{pid}"


def stale_staging(output: Path) -> list[Path]:
    """Staging folders beside the output; outside a build's lock, only killed builds leave them."""
    prefix = f".{output.name}{STAGING_PREFIX}"
    try:
        entries = list(output.parent.iterdir())
    except OSError:
        return []
    return [e for e in entries if e.name.startswith(prefix) and e.is_dir() and not e.is_symlink()]


@contextlib.contextmanager
def locked(output: Path, shared: bool = False) -> Iterator[None]:
    """Hold a lock on the output's parent folder (no lock file is created).

    A build holds it exclusively while it writes; a no-op build and ``check`` hold it
    shared while they read, so that they never see a tree half written.
    """
    import fcntl

    parent = output.parent
    parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
