"""What each command found or did, as data: the CLI prints these and decides nothing.

As black's ``Report``: a command returns one, its ``exit_code`` says how it ended.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

EXIT_BREAKING = 3
"""``diff``'s exit code when it finds breaking changes; 0, 1 and 2 mean what they mean elsewhere."""


class BuildReport(NamedTuple):
    output: str  # the output folder as shown to the user
    up_to_date: bool  # decided without compiling
    written: list[str]
    removed: list[str]  # generated files of vendors no longer specified, and entries --force dropped
    unchanged: list[str]
    timings: list[tuple[str, float]]  # seconds per stage and per vendor

    @property
    def exit_code(self) -> int:
        return 0


class CheckReport(NamedTuple):
    output: str
    stale: list[str]  # files whose bytes differ from what the specs compile to, or that should not be there
    unexpected: list[str]  # files and folders inside the generated packages that no build writes
    diff: list[str]  # unified diff lines of the stale files
    written_by: list[str]  # codegen versions named in the tree's headers other than this one

    @property
    def exit_code(self) -> int:
        return 1 if self.stale or self.unexpected else 0


class ValidateReport(NamedTuple):
    specs: list[str]

    @property
    def exit_code(self) -> int:
        return 0


class InitReport(NamedTuple):
    written: list[Path]

    @property
    def exit_code(self) -> int:
        return 0


class DiffReport(NamedTuple):
    text: str
    changed: bool
    breaking: bool

    @property
    def exit_code(self) -> int:
        return EXIT_BREAKING if self.breaking else 0
