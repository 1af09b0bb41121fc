"""``codegen diff``: what changed between two versions of the specs, and what it breaks.

Both sides are compiled to the resolved model (``resolve.py``), so a change is judged
by its effect on the generated code, not on the YAML: a class removed or renamed, a
changed category, status or base class, a captured attribute dropped, or retrying
turned off breaks code written against the old package; anything else does not.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path, PurePosixPath

from codegen.inputs import validate_specs
from codegen.report import DiffReport
from codegen.config import SPEC_SUFFIXES, Config, display, spec_files
from codegen.errors import UsageError
from codegen.model import POLICY_FIELDS, ClassIR, PolicyIR, VendorIR
from codegen.resolve import resolve
from codegen.validate import ValidatedSpec

FORMATS = ("text", "json", "github")

# Policy fields compared, with the words used to report them (retrying turned off is reported apart).
_COMPARED_POLICY_FIELDS = {f.name: f.label for f in POLICY_FIELDS if f.name not in ("name", "retryable")}


@dataclass(frozen=True)
class Change:
    vendor: str
    kind: str  # added, removed, renamed, changed
    subject: str  # the class name, or the package for a whole vendor
    message: str
    breaking: bool
    file: str
    line: int
    column: int


@dataclass(frozen=True)
class Side:
    """One vendor as one version of the specs compiles it."""

    validated: ValidatedSpec
    vendor: VendorIR

    @property
    def file(self) -> str:
        return self.validated.loaded.display_path

    def position_of(self, class_name: str) -> tuple[int, int]:
        from codegen.naming import derived_class_names

        for name, path in derived_class_names(self.validated.spec):
            if name == class_name:
                # A class named by a key (a status, a family) points at that key.
                where = self.validated.loaded.position(path, key=path[-1] != "name")
                return where.line, where.column
        return 1, 1


def diff_specs(config: Config, against: str | None, against_dir: str | None, output_format: str) -> DiffReport:
    """``codegen diff``: the configured specs against a git revision (default HEAD) or a folder of specs."""
    folder = against_dir
    if folder is None and against is not None and Path(against).is_dir():
        folder = against
    if folder is not None:
        other = Path.cwd() / folder
        if not other.is_dir():
            raise UsageError(f"{folder} is not a folder")
        name, old = folder, compile_folder(other.resolve(), config.root)
    else:
        name = against or "HEAD"
        old = compile_revision(config.specs, name)
    new = compile_folder(config.specs, config.root)
    changes = compare(old, new, config.package, display(config.specs, config.root))
    return DiffReport(render(changes, name, output_format), bool(changes), any(c.breaking for c in changes))


def compile_folder(folder: Path, root: Path) -> dict[str, Side]:
    paths = spec_files(folder)
    return _sides(validate_specs([(p, display(p, root), p.read_bytes()) for p in paths]))


def compile_revision(specs: Path, ref: str) -> dict[str, Side]:
    """The specs folder as it was at a git revision, read with ``git show``."""
    existing = next((p for p in (specs, *specs.parents) if p.is_dir()), Path.cwd())
    top = Path(_git(existing, "rev-parse", "--show-toplevel").decode().strip())
    try:
        relative = specs.resolve().relative_to(top.resolve())
    except ValueError:
        raise UsageError(f"{specs} is not inside the git repository at {top}") from None
    if subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], cwd=top, capture_output=True
    ).returncode != 0:
        raise UsageError(f"unknown git revision '{ref}'")
    prefix = PurePosixPath(relative.as_posix())
    listing = _git(top, "ls-tree", "-z", "--name-only", ref, "--", f"{prefix}/" if prefix.parts else ".")
    sources = []
    for name in sorted(n for n in listing.decode().split("\0") if n):
        path = PurePosixPath(name)
        if path.parent != prefix or path.suffix not in SPEC_SUFFIXES:
            continue
        raw = _git(top, "show", f"{ref}:{name}")
        sources.append((Path(path.name), f"{ref}:{name}", raw))
    return _sides(validate_specs(sources))


def _git(cwd: Path, *args: str) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=cwd, capture_output=True)
    except FileNotFoundError:
        raise UsageError("git is not installed; compare with --against-dir instead") from None
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise UsageError(f"git {args[0]} failed: {message[-1] if message else 'exit ' + str(result.returncode)}")
    return result.stdout


def _sides(validated: list[ValidatedSpec]) -> dict[str, Side]:
    return {v.slug: Side(v, resolve(v)) for v in validated}


def compare(old: dict[str, Side], new: dict[str, Side], package: str, specs: str) -> list[Change]:
    """Every change from ``old`` to ``new``; ``specs`` is the spec folder as messages show it."""
    changes: list[Change] = []
    for slug in sorted(set(old) | set(new)):
        if slug not in new:
            # Reported where the spec file was, so that annotations land on a real path.
            where = f"{specs}/{old[slug].validated.loaded.path.name}"
            changes.append(
                Change(slug, "removed", f"{package}.{slug}", f"vendor '{slug}' removed: the package {package}.{slug} is gone",
                       True, where, 1, 1)
            )
        elif slug not in old:
            after = new[slug]
            changes.append(
                Change(slug, "added", f"{package}.{slug}", f"vendor '{slug}' added ({len(after.vendor.classes)} classes)",
                       False, after.file, 1, 1)
            )
        else:
            changes += _compare_vendor(old[slug], new[slug])
    return changes


def _compare_vendor(old: Side, new: Side) -> list[Change]:
    slug = new.vendor.slug
    before = {c.name: c for c in old.vendor.classes}
    after = {c.name: c for c in new.vendor.classes}
    removed = [before[n] for n in before if n not in after]
    added = [after[n] for n in after if n not in before]
    changes: list[Change] = []

    def change(kind: str, cls: ClassIR, message: str, breaking: bool) -> None:
        line, column = new.position_of(cls.name)
        changes.append(Change(slug, kind, cls.name, message, breaking, new.file, line, column))

    pairs = [(before[n], after[n]) for n in after if n in before]
    # A removed class and an added one that take the same responses: a rename.
    for gone in list(removed):
        twin = next((c for c in added if _identity(c) == _identity(gone) and _identity(c)[1:] != (None, None)), None)
        if twin is not None:
            removed.remove(gone)
            added.remove(twin)
            change("renamed", twin, f"class {gone.name} renamed to {twin.name}", True)
            pairs.append((gone, twin))
    for gone in removed:
        line, column = _section_position(new, gone)
        changes.append(
            Change(slug, "removed", gone.name, f"class {gone.name} removed{_described(gone)}", True, new.file, line, column)
        )
    for cls in added:
        change("added", cls, f"class {cls.name} added{_described(cls)}", False)

    old_policies = {p.constant: p for p in old.vendor.policies}
    new_policies = {p.constant: p for p in new.vendor.policies}
    for was, cls in pairs:
        name = cls.name
        if was.bases != cls.bases:
            change("changed", cls, f"{name}: base classes {', '.join(was.bases)} -> {', '.join(cls.bases)}", True)
        if was.category != cls.category:
            change("changed", cls, f"{name}: category {was.category_value} -> {cls.category_value}", True)
        if was.status != cls.status:
            change("changed", cls, f"{name}: status {was.status} -> {cls.status}", True)
        if was.code != cls.code:
            change("changed", cls, f"{name}: code {was.code} -> {cls.code}", False)
        dropped = [a.name for a in was.attributes if a.name not in {b.name for b in cls.attributes}]
        if dropped:
            change("changed", cls, f"{name}: captured attributes removed: {', '.join(dropped)}", True)
        gained = [a.name for a in cls.attributes if a.name not in {b.name for b in was.attributes}]
        if gained:
            change("changed", cls, f"{name}: captured attributes added: {', '.join(gained)}", False)
        if was.retryable and not cls.retryable:
            change("changed", cls, f"{name}: retrying turned off", True)
        elif cls.retryable and not was.retryable:
            change("changed", cls, f"{name}: retrying turned on", False)
        differences = _policy_differences(old_policies[was.policy], new_policies[cls.policy])
        if differences:
            change("changed", cls, f"{name}: retry policy {'; '.join(differences)}", False)
    return changes


def _identity(cls: ClassIR) -> tuple[str, int | None, str | None]:
    return cls.kind, cls.status, cls.code


def _described(cls: ClassIR) -> str:
    parts = [f"HTTP {cls.status}" if cls.status is not None else None, f"code {cls.code}" if cls.code else None]
    shown = ", ".join(p for p in parts if p)
    return f" ({shown})" if shown else ""


def _section_position(side: Side, gone: ClassIR) -> tuple[int, int]:
    """Where a removed class would have been: the section it was listed in."""
    section = {"status": ("statuses",), "operation": ("operation_failures", "errors")}.get(gone.kind, ("errors",))
    where = side.validated.loaded.position(section, key=True)
    return where.line, where.column


def _policy_differences(was: PolicyIR, now: PolicyIR) -> list[str]:
    differences = []
    # Delays and attempts mean nothing on a side that does not retry.
    fields = _COMPARED_POLICY_FIELDS if was.retryable and now.retryable else {"action": "action"}
    for field, label in fields.items():
        before, after = getattr(was, field), getattr(now, field)
        if before != after:
            differences.append(f"{label} {_shown(before)} -> {_shown(after)}")
    return differences


def _shown(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g} s" if value == value else str(value)
    if isinstance(value, str):
        return value.lower()
    return "none" if value is None else str(value)


def render(changes: list[Change], against: str, output_format: str) -> str:
    breaking = sum(c.breaking for c in changes)
    if output_format == "json":
        document = {
            "against": against,
            "breaking": breaking,
            "changes": [asdict(c) for c in changes],
            "vendors": _counts(changes),
        }
        return json.dumps(document, indent=2, sort_keys=True) + "\n"
    lines = []
    for c in changes:
        if output_format == "github":
            level = "error" if c.breaking else "notice"
            title = "Breaking change" if c.breaking else f"Compatible change ({c.kind})"
            lines.append(
                f"::{level} file={_escape_property(c.file)},line={c.line},col={c.column},"
                f"title={_escape_property(title)}::{_escape_data(c.vendor + ': ' + c.message)}"
            )
        else:
            label = "BREAKING" if c.breaking else c.kind
            lines.append(f"{c.file}:{c.line}:{c.column}: {label}: {c.vendor}: {c.message}")
    if output_format == "text":
        for slug, counts in _counts(changes).items():
            lines.append(
                f"{slug}: {counts['added']} added, {counts['removed']} removed, {counts['renamed']} renamed,"
                f" {counts['changed']} changed ({counts['breaking']} breaking)"
            )
        lines.append(
            f"no changes against {against}" if not changes
            else f"{len(changes)} change{'s' if len(changes) != 1 else ''} against {against}, {breaking} breaking"
        )
    return "".join(line + "\n" for line in lines)


def _counts(changes: list[Change]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for c in changes:
        entry = counts.setdefault(c.vendor, {"added": 0, "removed": 0, "renamed": 0, "changed": 0, "breaking": 0})
        entry[c.kind] += 1
        entry["breaking"] += c.breaking
    return dict(sorted(counts.items()))


def _escape_data(text: str) -> str:
    # GitHub workflow commands: https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")
