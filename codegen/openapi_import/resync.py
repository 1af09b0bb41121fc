"""Re-sync: a new import merged into a spec written (and perhaps edited) before.

The existing file is edited as text, so that everything a person wrote stays byte for byte:
items the description still documents are kept as they are (names, policies, patterns,
titles, comments); items it newly documents are appended to their sections under their
source comment; items imported before (they carry that comment) and no longer documented
are kept, with a comment saying so above them.  Identity: statuses by number, errors by
code, envelopes and retry policies by name.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from codegen.errors import CodegenError
from codegen.openapi_import import GONE, MARKER, ImportReport, _Draft, _Resolver, section_lines

SECTIONS = ("envelopes", "retry_policies", "statuses", "errors")


def resync(text: str, draft: _Draft, resolver: _Resolver, shown: str, report: ImportReport) -> str:
    from codegen.load import parse_spec_bytes

    loaded = parse_spec_bytes(text.encode("utf-8"), Path(shown), shown)
    data = loaded.data if isinstance(loaded.data, dict) else {}
    lines = text.split("\n")
    edits: list[tuple[int, int, list[str]]] = []  # (line index, lines removed, lines inserted)
    marker = MARKER.strip()

    def block(index: int) -> range:
        """The comment lines just above the line at ``index``."""
        start = index
        while start > 0 and lines[start - 1].strip().startswith("#"):
            start -= 1
        return range(start, index)

    def existing(section: str) -> dict[Any, int]:
        """Identity of each item of a section -> the 0-based line it starts at."""
        value = data.get(section)
        found: dict[Any, int] = {}
        if isinstance(value, dict):
            for key in value:
                found[key] = loaded.position((section, str(key)), key=True).line - 1
        elif isinstance(value, list):
            for index, item in enumerate(value):
                ident = item.get("code" if section == "errors" else "name") if isinstance(item, dict) else None
                if ident is not None:
                    found[str(ident) if section == "errors" else ident] = loaded.position((section, str(index))).line - 1
        return found

    documented: dict[str, set[Any]] = {
        "envelopes": {e["name"] for _, e in draft.envelopes},
        "retry_policies": set(draft.policies),
        "statuses": set(draft.statuses),
        "errors": {e["code"] for _, e in draft.errors},
    }
    taken = {str(e.get("name", "")).lower() for e in data.get("errors") or [] if isinstance(e, dict)}
    # An envelope is also known by its test: names given by a person, or by an older import, differ.
    tests = {_test(e.get("when")): e.get("name") for e in data.get("envelopes") or [] if isinstance(e, dict)}
    draft_tests = {_test(e["when"]) for _, e in draft.envelopes}
    documented["envelopes"] |= {name for test, name in tests.items() if test in draft_tests}
    for section in SECTIONS:
        have = existing(section)
        for ident, line in have.items():
            comments = block(line)
            imported = any(lines[i].strip().startswith(marker) for i in comments)
            flags = [i for i in comments if GONE in lines[i]]
            label = _label(section, ident)
            if ident in documented[section]:
                if flags:
                    edits += [(i, 1, []) for i in flags]
                    report.added.append(f"{label}: documented again; its '{GONE}' comment removed")
            elif imported and section != "retry_policies" and not flags:
                indent = len(lines[line]) - len(lines[line].lstrip(" "))
                where = comments.start if comments else line
                edits.append((where, 0, [" " * indent + f"# {GONE} {draft.source}"]))
                report.flagged.append(f"{shown}:{line + 1}: {label}: {GONE} {draft.source}; kept")
        new = [ident for ident in _ordered(draft, section) if ident not in have]
        if section == "envelopes":
            new = [e["name"] for _, e in draft.envelopes if e["name"] in new and _test(e["when"]) not in tests]
        if section == "retry_policies":
            used = _policies_used(draft, set(existing("statuses")), set(existing("errors")))
            new = [name for name in new if name in used]
        if section == "errors":
            for _, entry in draft.errors:
                if entry["code"] in new:
                    base, number = entry["name"], 2
                    while entry["name"].lower() in taken:
                        entry["name"] = f"{base}{number}"
                        number += 1
                    taken.add(entry["name"].lower())
        if not new:
            continue
        if section == "envelopes" and isinstance(data.get("envelopes"), list) and data["envelopes"]:
            # Tried in order: a new envelope goes before the first one less specific than it.
            ranks = [_rank(e) if isinstance(e, dict) else (True, True) for e in data["envelopes"]]
            for _, envelope in draft.envelopes:
                if envelope["name"] not in new:
                    continue
                later = [i for i, rank in enumerate(ranks) if rank > _rank(envelope)]
                if later:
                    new.remove(envelope["name"])
                    at = block(loaded.position(("envelopes", str(later[0]))).line - 1).start
                    items = section_lines(draft, section, resolver, only={envelope["name"]})
                    edits.append((at, 0, _shifted(items, _indent(loaded, data, section) - 2)))
                    report.added.append(f"{_label(section, envelope['name'])}: newly documented; added")
        if not new:
            continue
        items = section_lines(draft, section, resolver, only=set(new))
        edits.append(_insertion(lines, loaded, data, section, items, shown))
        report.added += [f"{_label(section, ident)}: newly documented; added" for ident in new]
    _header_notes(data, draft, report)
    # Bottom up, so that earlier line numbers hold; at one line, the edit made first ends up first.
    for _, (index, removed, inserted) in sorted(enumerate(edits), key=lambda e: (e[1][0], e[0]), reverse=True):
        lines[index : index + removed] = inserted
    return "\n".join(lines)


def _header_notes(data: dict[str, Any], draft: _Draft, report: ImportReport) -> None:
    """Documented headers the spec does not read: reported, since header lists are yours to order."""
    request_id: dict[str, Any] = data["request_id"] if isinstance(data.get("request_id"), dict) else {}
    retry_after: dict[str, Any] = data["retry_after"] if isinstance(data.get("retry_after"), dict) else {}
    have = {str(h).lower() for h in request_id.get("headers") or []}
    have |= {str(h.get("name", "")).lower() for h in retry_after.get("headers") or [] if isinstance(h, dict)}
    for name in draft.request_id + [h["name"] for h in draft.retry_after]:
        if name.lower() not in have:
            section = "request_id" if name in draft.request_id else "retry_after"
            report.lines.append(f"header {name} is documented and not read; add it to {section}.headers")


def _rank(envelope: dict[str, Any]) -> tuple[bool, bool]:
    """How late an envelope is tried: error objects first, then shapes with a code."""
    when = envelope.get("when")
    first = when[0] if isinstance(when, list) and when and isinstance(when[0], dict) else {}
    return (first.get("is") != "object", not envelope.get("code"))


def _indent(loaded: Any, data: dict[str, Any], section: str) -> int:
    """The indentation of a section's items ('- ' of a list's, keys of a mapping's)."""
    value = data[section]
    if isinstance(value, list):
        return int(loaded.position((section, "0")).column) - 3  # the '- ' before the item's first key
    return int(loaded.position((section, str(next(iter(value)))), key=True).column) - 1


def _shifted(items: list[str], delta: int) -> list[str]:
    return [(" " * delta + line) if delta >= 0 else line[-delta:] for line in items]


def _test(when: Any) -> str:
    return json.dumps(when, sort_keys=True)


def _ordered(draft: _Draft, section: str) -> list[Any]:
    if section == "envelopes":
        return [e["name"] for _, e in draft.envelopes]
    if section == "retry_policies":
        return list(draft.policies)
    if section == "statuses":
        return list(draft.statuses)
    return [e["code"] for _, e in draft.errors]


def _policies_used(draft: _Draft, old_statuses: set[Any], old_codes: set[Any]) -> set[str]:
    """Policies the items about to be added refer to."""
    used = {entry["retry"] for status, (_, entry) in draft.statuses.items() if status not in old_statuses}
    used |= {entry["retry"] for _, entry in draft.errors if entry["code"] not in old_codes and "retry" in entry}
    return used


def _label(section: str, ident: Any) -> str:
    return {"statuses": "status", "errors": "error with code", "envelopes": "envelope", "retry_policies": "retry policy"}[
        section
    ] + f" {ident}"


def _insertion(
    lines: list[str], loaded: Any, data: dict[str, Any], section: str, items: list[str], shown: str
) -> tuple[int, int, list[str]]:
    """Where and how the new items of a section go: after its last line, at its indentation."""
    value = data.get(section)
    if section not in data:
        return (len(lines) - 1 if lines and lines[-1] == "" else len(lines), 0, ["", f"{section}:", *items])
    start = loaded.position((section,), key=True).line - 1
    after_key = lines[start].split(":", 1)[1].split("#", 1)[0].strip() if ":" in lines[start] else ""
    if after_key in ("[]", "{}", "", "null", "~") and not value:
        return (start, 1, [f"{section}:", *items])
    if after_key:
        raise CodegenError(
            f"{shown}:{start + 1}: '{section}' is written in flow style; write it in block style to re-sync it"
        )
    if not isinstance(value, (list, dict)):
        raise CodegenError(f"{shown}:{start + 1}: '{section}' holds neither a list nor a mapping")
    indent = _indent(loaded, data, section)
    shifted = _shifted(items, indent - 2)
    last = start
    for index in range(start + 1, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        if not line[0].isspace() and not (line.startswith("-") and isinstance(value, list) and indent == 0):
            break
        last = index
    return (last + 1, 0, shifted)
