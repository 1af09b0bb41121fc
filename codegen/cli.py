"""Command line: a thin layer over the pipeline in ``build.py``.

Exit codes, as black uses them: 0 success, 1 spec errors or an out-of-date output,
2 usage errors, 123 an internal error; ``diff`` exits 3 when it finds breaking changes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from codegen import __version__
from codegen.config import Config, display, load_config
from codegen.errors import CodegenError, SpecErrors

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
        sub.add_argument("-q", "--quiet", action="store_true", help="print errors only")
        sub.add_argument("-v", "--verbose", action="store_true", help="list every file with timings")
        return sub

    build = with_paths(commands.add_parser("build", help="compile the specs into the output folder"))
    build.add_argument("--force", action="store_true", help="overwrite generated files edited by hand")
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
    init = with_paths(commands.add_parser("init", help="write a commented starter spec for a new vendor"), output=False)
    init.add_argument("slug", help="the vendor's package name (lower_snake_case); also the spec's file name")
    init.add_argument("--force", action="store_true", help="overwrite an existing spec of that name")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        code = _run(args)
        sys.stdout.flush()  # here, where a closed pipe is caught, rather than at exit
        return code
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
        return 130
    except Exception as exc:  # report, never a bare traceback
        print(f"codegen: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_INTERNAL


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
    )


def _run(args: argparse.Namespace) -> int:
    if args.command == "schema":
        import json

        from codegen.spec import spec_json_schema

        print(json.dumps(spec_json_schema(), indent=2, sort_keys=True))
        return 0
    config = _config(args)
    report = _Reporter(quiet=args.quiet, verbose=args.verbose)
    if args.command == "init":
        return _init(config, report, args.slug, force=args.force)
    if args.command == "diff":
        return _diff(config, report, args)
    if args.command == "validate":
        return _validate(config, report)
    if args.command == "check":
        return _check(config, report, show_diff=args.diff)
    return _build(config, report, force=args.force)


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


class _Reporter:
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


def _diff(config: Config, report: _Reporter, args: argparse.Namespace) -> int:
    from codegen.evolution import EXIT_BREAKING, compare, compile_folder, compile_revision, render

    folder = args.against_dir
    if folder is None and args.against is not None and Path(args.against).is_dir():
        folder = args.against
    if folder is not None:
        other = Path.cwd() / folder
        if not other.is_dir():
            from codegen.errors import UsageError

            raise UsageError(f"{folder} is not a folder")
        against, old = folder, compile_folder(other.resolve(), config.root)
    else:
        against = args.against or "HEAD"
        old = compile_revision(config.specs, against)
    changes = compare(old, compile_folder(config.specs, config.root), config.output.name, display(config.specs, config.root))
    text = render(changes, against, args.format)
    if args.format != "text" or not report.quiet or any(c.breaking for c in changes):
        sys.stdout.write(text)
    return EXIT_BREAKING if any(c.breaking for c in changes) else 0


def _init(config: Config, report: _Reporter, slug: str, force: bool) -> int:
    from codegen.starter import write_starter

    for path in write_starter(config, slug, force=force):
        report.info(f"wrote {display(path, config.root)}", GREEN)
    report.info(f"next: edit it, then run 'codegen build' ({report.elapsed()})")
    return 0


def _validate(config: Config, report: _Reporter) -> int:
    from codegen.build import spec_sources, validate_specs

    specs = validate_specs(spec_sources(config))
    for validated in specs:
        report.detail(f"valid: {validated.loaded.display_path}")
    report.info(f"{len(specs)} spec{'s' if len(specs) != 1 else ''} valid")
    return 0


def _build(config: Config, report: _Reporter, force: bool) -> int:
    from codegen.build import is_up_to_date

    output = display(config.output, config.root)
    if not force and is_up_to_date(config):
        from codegen.build import stale_staging

        if stale_staging(config.output):  # a build killed after its swap: the tree is whole
            from codegen.write import locked, remove_stale_staging

            with locked(config.output):
                remove_stale_staging(config.output)
        if report.verbose:
            from codegen.build import expected_paths
            from codegen.config import spec_files

            for path in expected_paths(sorted(p.stem for p in spec_files(config.specs))):
                report.detail(f"skipped {output}/{path} (up to date)", DIM)
        report.info(f"{output} is up to date ({report.elapsed()})")
        return 0
    from codegen.build import compile_specs
    from codegen.write import apply, generated_texts, locked, plan_changes, remove_stale_staging, scan

    before = scan(config.output)
    plan = compile_specs(config, generated_texts(before))
    started = time.perf_counter()
    with locked(config.output):
        remove_stale_staging(config.output)
        # Scanned again, since another build may have written meanwhile.
        changes = plan_changes(config.output, plan.files, scan(config.output, before), force)
        if changes.changed:
            apply(config.output, plan.files, changes)
    plan.timings.append(("write", time.perf_counter() - started))
    for path in changes.written:
        report.detail(f"wrote   {output}/{path}", GREEN)
    for path in changes.removed:
        report.detail(f"removed {output}/{path}", YELLOW)
    for path in changes.unchanged:
        report.detail(f"skipped {output}/{path} (unchanged)", DIM)
    for label, seconds in plan.timings:
        report.detail(f"{milliseconds(seconds):>8}  {label}")
    report.info(
        f"{output}: {len(changes.written)} written, {len(changes.removed)} removed,"
        f" {len(changes.unchanged)} unchanged ({report.elapsed()})"
    )
    return 0


def _check(config: Config, report: _Reporter, show_diff: bool) -> int:
    from codegen.build import is_up_to_date

    output = display(config.output, config.root)
    if is_up_to_date(config):
        report.info(f"{output} is up to date")
        return 0
    import difflib

    from codegen.build import compile_specs
    from codegen.write import generated_texts, scan

    existing = scan(config.output)
    plan = compile_specs(config, generated_texts(existing))
    stale = []
    for path in sorted(set(plan.files) | {p for p, f in existing.items() if f.generated}):
        old = existing[path].text if path in existing else None
        new = plan.files.get(path)
        if old == new:
            continue
        stale.append(path)
        if show_diff and not report.quiet:
            diff = difflib.unified_diff(
                (old or "").splitlines(keepends=True),
                (new or "").splitlines(keepends=True),
                fromfile=f"a/{output}/{path}" if old is not None else "/dev/null",
                tofile=f"b/{output}/{path}" if new is not None else "/dev/null",
            )
            sys.stdout.writelines(diff)
    if not stale:
        report.info(f"{output} is up to date")
        return 0
    message = f"codegen: {len(stale)} file{'s' if len(stale) != 1 else ''} in {output} out of date; run 'codegen build'"
    print(paint(message, RED, sys.stderr), file=sys.stderr)
    return 1
