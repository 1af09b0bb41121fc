"""Envelope readers: the straight-line field access each body shape needs, as Python expressions."""

from __future__ import annotations

import builtins
import json
import keyword
import re

from codegen.literals import string_literal
from codegen.model import AccessIR, ConditionIR, EnvelopeIR, HeaderIR
from codegen.spec import TOP_LEVEL, Condition, Envelope, Spec, conditions


def header(name: str, milliseconds: bool) -> HeaderIR:
    return HeaderIR(name=name, lower=name.lower(), milliseconds=milliseconds)


def reader_function(envelope_name: str) -> str:
    return f"_read_{envelope_name}"


class _Accessor:
    """Gives each body path a variable, sharing the steps that paths have in common."""

    def __init__(self) -> None:
        self.vars: dict[tuple[str, ...], str] = {(): "data"}
        self.used: set[str] = {"data"}
        self.steps: list[AccessIR] = []
        self.known_dicts: set[str] = {"data"}

    def var(self, path: str) -> str:
        if path == TOP_LEVEL:
            return "data"
        parts = tuple(path.split("."))
        for end in range(1, len(parts) + 1):
            prefix = parts[:end]
            if prefix in self.vars:
                continue
            parent = self.vars[prefix[:-1]]
            name = self._fresh("_".join(_identifier_part(p) for p in prefix))
            key = prefix[-1]
            index = int(key) if key.isdigit() else None
            self.vars[prefix] = name
            self.steps.append(AccessIR(name, parent, key, index, parent in self.known_dicts))
        return self.vars[parts]

    def _fresh(self, base: str) -> str:
        name = base if base and base[0].isalpha() else f"v_{base}"
        if name in _RESERVED_LOCALS:
            name += "_"  # ``class_``, ``type_``: PEP 8's way around a reserved name
        candidate, n = name, 2
        while candidate in self.used or candidate in _RESERVED_LOCALS:
            candidate = f"{name}_{n}"
            n += 1
        self.used.add(candidate)
        return candidate


# Names a reader function may not take for a variable: keywords, the builtins it calls,
# its argument, its own locals and the helpers it uses.
_RESERVED_LOCALS = (
    frozenset(keyword.kwlist)
    | frozenset(keyword.softkwlist)
    | frozenset(dir(builtins))
    | {"data", "text", "code", "message", "element", "first_text", "first_container"}
    | {"generic_fields", "member", "rest_of", "seconds", "headers", "first_known_code"}
)


def _identifier_part(part: str) -> str:
    cleaned = re.sub(r"[^0-9a-zA-Z]+", "_", part).strip("_").lower()
    cleaned = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", cleaned)
    return cleaned or "field"


def envelope_reader(envelope: Envelope, spec: Spec) -> EnvelopeIR:
    accessor = _Accessor()
    tests = conditions(envelope.when)
    rejections = [_rejection(c, accessor) for c in tests]
    condition_steps = tuple(accessor.steps)
    # Past the rejections, values checked to be objects need no second check.
    accessor.known_dicts |= {accessor.var(c.path) for c in tests if c.path is not None and c.is_ == "object"}
    accessor.steps = []

    def vars_for(paths: list[str]) -> tuple[str, ...]:
        return tuple(accessor.var(p) for p in paths)

    code = vars_for(envelope.code)
    # Several code paths: the first holding a code the spec knows wins, else the first present.
    precedence = len(code) > 1
    message = vars_for(envelope.message)
    details = vars_for(envelope.details)
    rest = accessor.var(envelope.details_from_rest_of) if envelope.details_from_rest_of else None
    exclude: list[str] = []
    if envelope.details_from_rest_of:
        prefix = envelope.details_from_rest_of + "."
        for path in [*envelope.code, *envelope.message]:
            if path.startswith(prefix) and "." not in path[len(prefix):]:
                exclude.append(path[len(prefix):])
    request_id = vars_for(_unique([*envelope.request_id, *spec.request_id.body]))
    retry_after = vars_for(_unique([*envelope.retry_after, *spec.retry_after.body]))
    return EnvelopeIR(
        name=envelope.name,
        function=reader_function(envelope.name),
        description=envelope.description,
        recognised_by=" and ".join(_describe(c) for c in tests),
        reads_headers=any(c.tests_headers() for c in tests),
        code_precedence=precedence,
        condition_accesses=condition_steps,
        rejections=tuple(rejections),
        field_accesses=tuple(accessor.steps),
        code=code,
        message=message,
        details=details,
        details_rest=rest,
        details_rest_exclude=tuple(_unique(exclude)),
        request_id=request_id,
        retry_after=retry_after,
    )


# The shape of a body that matches no envelope: only the spec-level body paths apply.
NO_ENVELOPE = Envelope.model_construct(
    name="unrecognised",
    description=None,
    when=[],
    code=[],
    message=[],
    details=[],
    details_from_rest_of=None,
    request_id=[],
    retry_after=[],
    schema_=None,
)


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def body_accessor() -> _Accessor:
    """Variables for paths into a body that may be any value, not only an object."""
    accessor = _Accessor()
    accessor.known_dicts = set()
    return accessor


def condition_function(name: str, when: list[Condition] | Condition) -> ConditionIR:
    """A predicate of the body (any value) and the headers, for an error's ``when``."""
    accessor = body_accessor()
    tests = conditions(when)
    expression = " and ".join(_holds(c, accessor) for c in tests)
    return ConditionIR(
        function=name,
        accesses=tuple(accessor.steps),
        expression=expression,
        description=" and ".join(_describe(c) for c in tests),
    )


def _holds(condition: Condition, accessor: _Accessor) -> str:
    """A Python expression, true when the condition holds."""
    if condition.header is not None:
        value = f"headers.get({string_literal(condition.header.lower())})"
        if condition.present:
            return f"{value} is not None"
        if condition.equals is not None:
            return f"{value} == {string_literal(str(condition.equals))}"
        return f"{value} != {string_literal(str(condition.not_equals))}"
    if condition.all is not None:
        return "(" + " and ".join(_holds(c, accessor) for c in condition.all) + ")"
    if condition.any is not None:
        return "(" + " or ".join(_holds(c, accessor) for c in condition.any) + ")"
    if condition.not_ is not None:
        return f"not {_holds(condition.not_, accessor)}"
    assert condition.path is not None
    var = accessor.var(condition.path)
    kind = condition.is_
    if kind == "present":
        return f"{var} is not None"
    if kind == "number":
        return f"(isinstance({var}, (int, float)) and not isinstance({var}, bool))"
    if kind is not None:
        return f"isinstance({var}, {_TYPES[kind]})"
    if condition.equals is not None:
        return _same(var, condition.equals)
    assert condition.not_equals is not None
    return f"not {_same(var, condition.not_equals)}"


_TYPES = {"object": "dict", "string": "str", "list": "list", "boolean": "bool"}


def _rejection(condition: Condition, accessor: _Accessor) -> str:
    """A Python expression, true when the body fails the condition."""
    if condition.path is None:
        return f"not {_holds(condition, accessor)}"
    var = accessor.var(condition.path)
    kind = condition.is_
    if kind == "present":
        return f"{var} is None"
    if kind == "number":
        return f"not isinstance({var}, (int, float)) or isinstance({var}, bool)"
    if kind is not None:
        return f"not isinstance({var}, {_TYPES[kind]})"
    if condition.equals is not None:
        return _differs(var, condition.equals)
    assert condition.not_equals is not None
    return _same(var, condition.not_equals)


def _same(var: str, literal: str | int | bool) -> str:
    # ``is`` for booleans, so that 0 and 1 never pass for false and true.
    if isinstance(literal, bool):
        return f"{var} is {literal!r}"
    if isinstance(literal, int):
        return f"(type({var}) is int and {var} == {literal!r})"
    return f"{var} == {string_literal(literal)}"


def _differs(var: str, literal: str | int | bool) -> str:
    """``not _same(var, literal)``, written as linters prefer."""
    if isinstance(literal, bool):
        return f"{var} is not {literal!r}"
    if isinstance(literal, int):
        return f"not {_same(var, literal)}"
    return f"{var} != {string_literal(literal)}"


def _describe(condition: Condition) -> str:
    if condition.header is not None:
        if condition.present:
            return f"header {condition.header} is present"
        if condition.equals is not None:
            return f"header {condition.header} equals {json.dumps(condition.equals)}"
        return f"header {condition.header} is not {json.dumps(condition.not_equals)}"
    if condition.all is not None:
        return "(" + " and ".join(_describe(c) for c in condition.all) + ")"
    if condition.any is not None:
        return "(" + " or ".join(_describe(c) for c in condition.any) + ")"
    if condition.not_ is not None:
        return f"not {_describe(condition.not_)}"
    if condition.is_ == "present":
        return f"{condition.path} is present"
    if condition.is_ is not None:
        article = "an" if condition.is_ == "object" else "a"
        return f"{condition.path} is {article} {condition.is_}"
    if condition.equals is not None:
        return f"{condition.path} equals {json.dumps(condition.equals)}"
    return f"{condition.path} is not {json.dumps(condition.not_equals)}"
