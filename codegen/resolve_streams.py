"""Resolve stage, streams: a spec's ``streams`` section becomes the tables its module prints.

Conditions become nested tuples that the shared runtime's ``holds`` evaluates:
``("is", path, kind)``, ``("equals", path, value)``, ``("not_equals", path, value)``
and ``("all", conditions)``; a path is a tuple of keys, list indexes as integers.
"""

from __future__ import annotations

from typing import Any

from codegen.envelopes import _describe
from codegen.model import StreamsIR
from codegen.spec import Condition, Spec


def resolve_streams(spec: Spec) -> StreamsIR | None:
    streams = spec.streams
    if streams is None:
        return None
    errors = []
    doc = [
        "Framing: Server-Sent Events." if streams.framing == "sse" else "Framing: one JSON value per line.",
        "",
        "Error events, read as the envelope named:",
        "",
    ]
    for rule in streams.errors:
        condition = None if rule.when is None else _condition(rule.when)
        errors.append((rule.event, condition, rule.status))
        what = []
        if rule.event is not None:
            what.append(f"type ``{rule.event}``")
        if rule.when is not None:
            what.append(_described(rule.when))
        status = "" if rule.status is None else f"; an unknown code is classed as HTTP {rule.status}"
        doc.append(f"- {' and '.join(what)}: ``{rule.envelope}``{status}.")
    content: tuple[Any, ...] | None = None
    doc.append("")
    if streams.content is None:
        doc.append("Content: every event that is not an error.")
    elif streams.content.events is not None:
        content = ("events", tuple(streams.content.events))
        doc.append("Content: events of type " + ", ".join(f"``{e}``" for e in streams.content.events) + ".")
    else:
        assert streams.content.when is not None
        content = ("when", _condition(streams.content.when))
        doc.append(f"Content: events whose {_described(streams.content.when)}.")
    resume: tuple[Any, ...] | None = None
    if streams.resume is None:
        doc.append("Resuming: not supported; a stream that delivered content is not replayed.")
    elif streams.resume.last_event_id:
        resume = ("last_event_id", None)
        doc.append("Resuming: from the last event id, sent as ``Last-Event-ID``.")
    else:
        assert streams.resume.cursor is not None
        resume = ("cursor", _path(streams.resume.cursor))
        doc.append(f"Resuming: from the cursor at ``{streams.resume.cursor}`` in the last event.")
    return StreamsIR(streams.framing, tuple(errors), content, resume, tuple(doc))


def _conditions(when: Condition | list[Condition]) -> list[Condition]:
    return when if isinstance(when, list) else [when]


def _described(when: Condition | list[Condition]) -> str:
    return " and ".join(_describe(c) for c in _conditions(when))


def _condition(when: Condition | list[Condition]) -> tuple[Any, ...]:
    tests = tuple(_test(c) for c in _conditions(when))
    return tests[0] if len(tests) == 1 else ("all", tests)


def _test(condition: Condition) -> tuple[Any, ...]:
    path = _path(condition.path)
    if condition.is_ is not None:
        return ("is", path, condition.is_)
    if condition.equals is not None:
        return ("equals", path, condition.equals)
    return ("not_equals", path, condition.not_equals)


def _path(path: str) -> tuple[str | int, ...]:
    return tuple(int(part) if part.isdigit() else part for part in path.split("."))
