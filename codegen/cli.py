"""Command line: parse the arguments, call the command's one function, print its report.

Exit codes, as black uses them: 0 success, 1 spec errors or an out-of-date output,
2 usage errors, 123 an internal error; ``diff`` exits 3 when it finds breaking changes;
130 on SIGINT, 143 on SIGTERM, 141 when the reader of stdout went away. See docs/cli.md.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from types import FrameType
from typing import Any
from pathlib import Path
from typing import TextIO

from codegen import __version__
from codegen.config import Config, display, load_config
from codegen.errors import CodegenError, SpecErrors, Terminated
from codegen.report import BuildReport, CheckReport

EXIT_INTERNAL = 123


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="codegen",
        description="Compile vendor error specs into typed Python exceptions, parsers and retry policies.",
    )
    parser.add_argument("--version", action="version", version=f"codegen {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def with_paths(sub: argparse.ArgumentParser, output: bool = True) -> argparse.ArgumentParser:
        sub.add_argument("--specs", metavar="DIR", help="spec folder (default: [tool.codegen] specs, or specs/)")
        if output:
            sub.add_argument("--output", metavar="DIR", help="output folder (default: [tool.codegen] output, or generated/)")
            sub.add_argument("--templates", metavar="DIR", help="folder of templates overriding the built-in ones")
            sub.add_argument(
                "--allow-outside", action="store_true",
                help="let the output be a symbolic link (followed) or lie outside the project",
            )
        sub.add_argument("-q", "--quiet", action="store_true", help="print errors only")
        sub.add_argument("-v", "--verbose", action="store_true", help="list every file with timings")
        return sub

    build = with_paths(commands.add_parser("build", help="compile the specs into the output folder"))
    build.add_argument(
        "--force", action="store_true",
        help="overwrite generated files edited by hand; remove what does not belong inside the generated packages",
    )
    check = with_paths(commands.add_parser("check", help="exit 1 with a diff when the output is out of date"))
    check.add_argument("--no-diff", dest="diff", action="store_false", help="do not print the diff")
    with_paths(commands.add_parser("validate", help="check the specs only"), output=False)
    commands.add_parser("schema", help="print the JSON Schema of the spec format")
    diff = with_paths(
        commands.add_parser("diff", help="compare the specs with a git revision or another folder; exit 3 on breaking changes"),
        output=False,
    )
    against = diff.add_mutually_exclusive_group()
    against.add_argument("--against", metavar="REF", help="a git revision, or a folder of specs (default: HEAD)")
    against.add_argument("--against-dir", metavar="DIR", help="a folder holding the other version of the specs")
    diff.add_argument("--format", choices=("text", "json", "github"), default="text",
                      help="github: workflow annotations on the spec lines")
    init = with_paths(
        commands.add_parser("init", help="write a commented starter spec for a new vendor, or copy one from the catalog"),
        output=False,
    )
    init.add_argument("slug", nargs="?", help="the vendor's package name (lower_snake_case); also the spec's file name")
    init.add_argument("--force", action="store_true", help="overwrite an existing spec of that name")
    source = init.add_mutually_exclusive_group()
    source.add_argument("--from", dest="catalog", metavar="NAME", help="copy the catalog's spec NAME (slug defaults to NAME)")
    source.add_argument("--list", action="store_true", help="list the catalog's specs")
    sources = commands.add_parser("import", help="write or re-sync a draft spec from a published API description")
    kinds = sources.add_subparsers(dest="kind", metavar="KIND", required=True)
    openapi = with_paths(kinds.add_parser("openapi", help="an OpenAPI 3.x or Swagger 2.0 description (JSON or YAML)"), output=False)
    openapi.add_argument("path", help="the description's file")
    openapi.add_argument("--slug", required=True, help="the vendor's package name (lower_snake_case)")
    openapi.add_argument("--output", dest="spec_file", metavar="FILE", help="the spec to write or re-sync (default: <specs>/<slug>.yaml)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    previous = _on_sigterm()
    try:
        code = _run(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, rather than at exit
        return code
    except Terminated:
        return EXIT_SIGTERM
    except BrokenPipeError:
        return _reader_gone()
    except SpecErrors as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        count = len(exc.errors)
        print(paint(f"codegen: {count} error{'s' if count != 1 else ''} in specs; nothing written", RED, sys.stderr), file=sys.stderr)
        return exc.exit_code
    except CodegenError as exc:
        print(paint(f"codegen: {exc}", RED, sys.stderr), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return EXIT_SIGINT
    except Exception as exc:  # report, never a bare traceback
        print(f"codegen: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


EXIT_SIGINT = 130
EXIT_SIGTERM = 143
"""128 + the signal's number, as a shell reports a process the signal ended."""


def _on_sigterm() -> signal.Handlers | Callable[[int, FrameType | None], Any] | int | None:
    """Make SIGTERM unwind the command as SIGINT does (staging removed, workers stopped,
    the old tree kept); returns the handler it replaced, None outside the main thread."""
    import threading

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, terminate)


EXIT_BROKEN_PIPE = 141
"""128 + SIGPIPE: what a shell shows for a program that stopped because its reader left."""


def _reader_gone() -> int:
    """Stop quietly once the reader of stdout is gone (``codegen check | head``), as
    programs killed by SIGPIPE do; what is still buffered goes nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file (tests capture it)
        pass
    finally:
        os.close(devnull)
    return EXIT_BROKEN_PIPE


def _config(args: argparse.Namespace) -> Config:
    return load_config(
        Path.cwd(),
        specs=getattr(args, "specs", None),
        output=getattr(args, "output", None),
        templates=getattr(args, "templates", None),
        allow_outside=getattr(args, "allow_outside", False),
    )


def _run(args: argparse.Namespace) -> int:
    """Call the command's one function, print the report it returns, exit with its code."""
    if args.command == "schema":
        import json

        from codegen.spec import spec_json_schema

        print(json.dumps(spec_json_schema(), indent=2, sort_keys=True))
        return 0
    config = _config(args)
    out = _Printer(quiet=args.quiet, verbose=args.verbose)
    if args.command == "init":
        if args.list:
            from codegen.catalog import entries

            for entry in entries():
                print(f"{entry.slug:<12} {entry.name:<20} {entry.docs_url} (read {entry.read_on})")
            return 0
        if args.catalog:
            from codegen.catalog import copy_spec

            init = copy_spec(config, args.catalog, args.slug, force=args.force)
        elif args.slug:
            from codegen.starter import write_starter

            init = write_starter(config, args.slug, force=args.force)
        else:
            from codegen.errors import UsageError

            raise UsageError("init needs a slug, --from NAME or --list")
        for path in init.written:
            out.info(f"wrote {display(path, config.root)}", GREEN)
        out.info(f"next: edit it, then run 'codegen build' ({out.elapsed()})")
        return init.exit_code
    if args.command == "import":
        return _print_import(config, args, out)
    if args.command == "diff":
        from codegen.compare import diff_specs

        diff = diff_specs(config, args.against, args.against_dir, args.format)
        if args.format != "text" or not out.quiet or diff.breaking:
            sys.stdout.write(diff.text)
        return diff.exit_code
    if args.command == "validate":
        from codegen.build import validate

        valid = validate(config)
        for shown in valid.specs:
            out.detail(f"valid: {shown}")
        out.info(f"{len(valid.specs)} spec{'s' if len(valid.specs) != 1 else ''} valid")
        return valid.exit_code
    if args.command == "check":
        from codegen.build import check

        return _print_check(check(config), out, show_diff=args.diff)
    from codegen.build import build

    return _print_build(build(config, force=args.force), out)


RED, GREEN, YELLOW, DIM = "31", "32", "33", "2"


def colour_wanted(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, colour: str, stream: TextIO) -> str:
    return f"\033[{colour}m{text}\033[0m" if colour_wanted(stream) else text


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


class _Printer:
    def __init__(self, quiet: bool, verbose: bool) -> None:
        self.quiet = quiet
        self.verbose = verbose and not quiet
        self.started = time.perf_counter()

    def elapsed(self) -> str:
        return milliseconds(time.perf_counter() - self.started)

    def info(self, line: str, colour: str | None = None) -> None:
        if not self.quiet:
            print(paint(line, colour, sys.stdout) if colour else line)

    def detail(self, line: str, colour: str | None = None) -> None:
        if self.verbose:
            print(paint(line, colour, sys.stdout) if colour else line)

    def error(self, line: str) -> None:
        print(paint(line, RED, sys.stderr), file=sys.stderr)


def _print_import(config: Config, args: argparse.Namespace, out: _Printer) -> int:
    from codegen.openapi_import import import_openapi

    output = Path.cwd() / args.spec_file if args.spec_file else None
    result = import_openapi(Path(args.path), args.slug, config.specs, output, config.root)
    for line in result.lines + result.added:
        out.detail(line)
    for line in result.flagged:
        out.info(line, YELLOW)
    for line in result.unmapped:
        out.info(f"not mapped: {line}", YELLOW)
    verb = "re-synced" if result.resynced else "wrote"
    out.info(
        f"{verb} {display(result.target, config.root)}: {result.statuses} statuses, {result.errors} errors,"
        f" {result.envelopes} envelopes; {result.mapped} documented error responses mapped,"
        f" {len(result.unmapped)} not mapped, {len(result.flagged)} no longer documented ({out.elapsed()})",
        GREEN,
    )
    return 0


def _print_build(report: BuildReport, out: _Printer) -> int:
    if report.up_to_date:
        for path in report.unchanged:
            out.detail(f"skipped {report.output}/{path} (up to date)", DIM)
        out.info(f"{report.output} is up to date ({out.elapsed()})")
        return report.exit_code
    for path in report.written:
        out.detail(f"wrote   {report.output}/{path}", GREEN)
    for path in report.removed:
        out.detail(f"removed {report.output}/{path}", YELLOW)
    for path in report.unchanged:
        out.detail(f"skipped {report.output}/{path} (unchanged)", DIM)
    for label, seconds in report.timings:
        out.detail(f"{milliseconds(seconds):>8}  {label}")
    out.info(
        f"{report.output}: {len(report.written)} written, {len(report.removed)} removed,"
        f" {len(report.unchanged)} unchanged ({out.elapsed()})"
    )
    return report.exit_code


def _print_check(report: CheckReport, out: _Printer, show_diff: bool) -> int:
    if not report.exit_code:
        out.info(f"{report.output} is up to date")
        return 0
    if report.written_by:
        # First, since it explains every other line: the tree is another version's.
        versions = ", ".join(v or "an earlier version" for v in report.written_by)
        out.error(
            f"codegen: {report.output}/ was written by codegen {versions}, this is {__version__}:"
            " run `codegen build` (or pin the same version in pre-commit)"
        )
        sys.stderr.flush()
    if show_diff and not out.quiet:
        sys.stdout.writelines(report.diff)
    if report.unexpected:
        listing = "".join(f"\n  {report.output}/{p}" for p in report.unexpected)
        out.error(f"codegen: files or folders that codegen does not write stand inside the generated package:{listing}")
    if report.stale:
        count = len(report.stale)
        out.error(f"codegen: {count} file{'s' if count != 1 else ''} in {report.output} out of date; run 'codegen build'")
    return report.exit_code
