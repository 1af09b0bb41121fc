"""Write stage: bring the output folder to the planned tree, atomically, touching only what changed.

The new tree is assembled in a staging folder beside the output (unchanged files are
hard links, so they keep their timestamps), then swapped in with one atomic
``renameat2(RENAME_EXCHANGE)``: a build killed at any moment leaves either the whole
old tree or the whole new one.  Files the toolkit did not generate are carried over
untouched; generated files edited by hand are refused unless forced.  A lock on the
output's parent folder serialises concurrent builds.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import stat
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from codegen.errors import CodegenError
from codegen.format import is_intact, read_header
from codegen.layout import stale_staging, staging_folder


@dataclass
class TreeChanges:
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.written or self.removed)


class HandEditedError(CodegenError):
    def __init__(self, output: Path, paths: list[str], reason: str) -> None:
        listing = "\n".join(f"  {output.name}/{p}" for p in paths)
        super().__init__(f"{reason}; run with --force to overwrite:\n{listing}")


@dataclass(frozen=True)
class ExistingFile:
    path: str
    text: str | None  # None for files that are not text
    generated: bool
    stamp: tuple[int, ...] = ()  # inode, size, mtime, ctime; () when too recent to trust


# A file changed less than this before a scan could change again and keep its stamp on a
# file system that keeps coarse times (ext3 and HFS+ keep whole seconds).
_SETTLED_NS = 1_000_000_000


def scan(output: Path, earlier: dict[str, ExistingFile] | None = None) -> dict[str, ExistingFile]:
    """Every regular file under ``output`` by posix path, and whether codegen made it.

    A file whose stamp matches its entry in ``earlier`` (a scan of the same folder) is
    not read again: a build scans before compiling and once more under the lock.
    """
    found: dict[str, ExistingFile] = {}
    if not output.is_dir():
        return found
    earlier = earlier or {}
    settled = time.time_ns() - _SETTLED_NS
    for folder, dirs, files in os.walk(output):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        prefix = _relative_prefix(output, folder)
        for name in sorted(files):
            full = os.path.join(folder, name)
            relative = prefix + name
            try:
                info = os.lstat(full)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):  # symlinks and special files are not text
                found[relative] = ExistingFile(relative, None, False)
                continue
            stamp: tuple[int, ...] = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
            known = earlier.get(relative)
            if known is not None and known.stamp == stamp:
                found[relative] = known
                continue
            try:
                with open(full, encoding="utf-8", newline="") as handle:  # bytes as they are: no newline translation
                    text = handle.read()
            except (UnicodeDecodeError, OSError):
                found[relative] = ExistingFile(relative, None, False)
                continue
            if max(info.st_mtime_ns, info.st_ctime_ns) >= settled:
                stamp = ()
            found[relative] = ExistingFile(relative, text, read_header(text) is not None, stamp)
    return found


def generated_texts(existing: dict[str, ExistingFile]) -> dict[str, str]:
    """The text of every generated file of a scanned tree, by path."""
    return {p: f.text for p, f in existing.items() if f.generated and f.text is not None}


def plan_changes(
    output: Path, planned: dict[str, str], existing: dict[str, ExistingFile], force: bool
) -> TreeChanges:
    changes = TreeChanges()
    foreign = [p for p in planned if p in existing and not existing[p].generated]
    # Only a file the build rewrites or removes can lose hand edits: one it keeps holds
    # exactly what the build writes, so it is not hashed again.
    edited = [
        p
        for p, f in existing.items()
        if f.generated and f.text is not None
        and (p not in planned or planned[p] != f.text) and not is_intact(f.text)
    ]
    if not force and foreign:
        raise HandEditedError(output, sorted(foreign), "files that codegen did not generate stand where it would write")
    if not force and edited:
        raise HandEditedError(output, sorted(edited), "generated files were edited by hand")
    for path, content in sorted(planned.items()):
        current = existing.get(path)
        if current is not None and current.text == content:
            changes.unchanged.append(path)
        else:
            changes.written.append(path)
    for path, current in sorted(existing.items()):
        if current.generated and path not in planned:
            changes.removed.append(path)
    return changes


def remove_stale_staging(output: Path) -> None:
    """Remove what killed builds left behind; only called under the lock."""
    for entry in stale_staging(output):
        shutil.rmtree(entry, ignore_errors=True)


def apply(output: Path, planned: dict[str, str], changes: TreeChanges, dropped: Collection[str] = ()) -> None:
    """Swap in the planned tree, without the entries in ``dropped``; the caller holds the lock."""
    staging = staging_folder(output, os.getpid())
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        _assemble(output, staging, planned, changes, dropped)
        if output.exists():
            _exchange(staging, output)
        else:
            os.rename(staging, output)
            _fsync_dir(output.parent)
            return
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)  # it now holds the old tree


def _relative_prefix(root: Path, folder: str) -> str:
    """What turns a file name in ``folder`` into its posix path below ``root``."""
    relative = os.path.relpath(folder, root)
    return "" if relative == os.curdir else Path(relative).as_posix() + "/"


def _assemble(output: Path, staging: Path, planned: dict[str, str], changes: TreeChanges, dropped: Collection[str]) -> None:
    removed = set(changes.removed)
    written = set(changes.written)
    if output.is_dir():
        for folder, dirs, files in os.walk(output):
            prefix = _relative_prefix(output, folder)
            if prefix.rstrip("/") in dropped or _is_dead_cache(prefix, planned, removed):
                dirs[:] = []
                continue
            target_dir = os.path.join(staging, prefix)
            os.makedirs(target_dir, exist_ok=True)
            shutil.copymode(folder, target_dir)
            for name in dirs:
                # os.walk lists a symlink to a folder without entering it: carry the link,
                # unless the build writes below it (then a real folder takes its place).
                below = prefix + name + "/"
                if prefix + name in dropped:
                    continue
                if os.path.islink(os.path.join(folder, name)) and not any(p.startswith(below) for p in planned):
                    _carry_over(os.path.join(folder, name), os.path.join(target_dir, name))
            for name in files:
                if prefix + name in removed or prefix + name in written or prefix + name in dropped:
                    continue
                _carry_over(os.path.join(folder, name), os.path.join(target_dir, name))
    for relative in sorted(written):
        target = staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(planned[relative])
            handle.flush()
            os.fsync(handle.fileno())
    _prune_empty_dirs(staging, {str(Path(p).parent) for p in removed})


def _is_dead_cache(prefix: str, planned: dict[str, str], removed: set[str]) -> bool:
    """A ``__pycache__`` whose package is being deleted goes with it."""
    package, _, name = prefix.rstrip("/").rpartition("/")
    if name != "__pycache__":
        return False
    package_files = [p for p in planned if p.startswith(package + "/") or not package]
    return not package_files and any(r.startswith(package + "/") for r in removed)


def _carry_over(source: str, target: str) -> None:
    """Link an unchanged file into the staging tree (a symlink as itself), else copy it."""
    try:
        os.link(source, target, follow_symlinks=False)
    except (OSError, NotImplementedError):  # another file system; no linkat
        if os.path.islink(source):
            os.symlink(os.readlink(source), target)
        else:
            shutil.copy2(source, target)


def _prune_empty_dirs(root: Path, candidates: set[str]) -> None:
    for relative in sorted(candidates, key=len, reverse=True):
        folder = root / relative
        while folder != root and folder.is_dir():
            leftovers = [p for p in folder.iterdir() if p.name != "__pycache__"]
            if leftovers:
                break
            shutil.rmtree(folder)
            folder = folder.parent


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(staging: Path, output: Path) -> None:
    """Atomically swap two folders; falls back to two renames where the kernel cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        renameat2 = None
    if renameat2 is not None:
        result = renameat2(
            _AT_FDCWD, os.fsencode(staging), _AT_FDCWD, os.fsencode(output), _RENAME_EXCHANGE
        )
        if result == 0:
            _fsync_dir(output.parent)
            return
        error = ctypes.get_errno()
        if error not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise OSError(error, os.strerror(error), str(output))
    # No atomic exchange here: move the old tree aside, then the new one in.
    aside = staging.with_name(staging.name + "-old")
    os.rename(output, aside)
    os.rename(staging, output)
    os.rename(aside, staging)
    _fsync_dir(output.parent)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
