"""Errors the compiler reports to its user, each pointing at where the problem is."""

from __future__ import annotations


class CodegenError(Exception):
    """A problem reported to the user as one line, with no traceback."""

    exit_code = 1


def printable(text: str) -> str:
    """``text`` with control and other invisible characters escaped, safe to print to a terminal."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


class SpecError(CodegenError):
    """A mistake in a spec file, located at ``file:line:column``."""

    def __init__(self, file: str, line: int, column: int, message: str) -> None:
        super().__init__(printable(f"{file}:{line}:{column}: {message}"))
        self.file = file
        self.line = line
        self.column = column
        self.message = message

    def __reduce__(self) -> tuple[type[SpecError], tuple[str, int, int, str]]:
        # Rebuilt from its four parts when it crosses from a worker process.
        return (type(self), (self.file, self.line, self.column, self.message))

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.message)


class SpecErrors(CodegenError):
    """Every mistake found in a set of specs, reported together."""

    def __init__(self, errors: list[SpecError]) -> None:
        self.errors = sorted(errors, key=SpecError.sort_key)
        super().__init__("\n".join(str(e) for e in self.errors))

    def __reduce__(self) -> tuple[type[SpecErrors], tuple[list[SpecError]]]:
        return (type(self), (self.errors,))


class OutputError(CodegenError):
    """The output could not be written: no space left, no permission, a read-only file system."""

    @classmethod
    def of(cls, exc: OSError, output: str) -> OutputError:
        where = f" ({printable(str(exc.filename))})" if exc.filename else ""
        return cls(f"cannot write {printable(output)}: {exc.strerror or exc}{where}; the output is left as it was")


class UsageError(CodegenError):
    """A wrong command line or configuration."""

    exit_code = 2


class Terminated(BaseException):
    """Raised in the build's process when it receives SIGTERM, so that it unwinds as on SIGINT."""
