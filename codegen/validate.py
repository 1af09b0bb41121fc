"""Validate stage: loaded data becomes a ``Spec``, or a list of located mistakes.

Pydantic checks each field; the checks here need the whole spec: references between
sections, name collisions, patterns that shadow each other or backtrack badly.
"""

from __future__ import annotations

import builtins
import dataclasses
import difflib
import json
import keyword
import re
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from codegen import regex_safety
from codegen.errors import SpecError
from codegen.load import DataPath, LoadedSpec
from codegen.naming import SHARED_MODULES, SHARED_RUNTIME_NAMES
from codegen.spec import TOP_LEVEL, Condition, Error, Spec

# Attributes every generated error already has; a pattern group may not take these names.
RESERVED_ATTRIBUTES = frozenset(
    {
        "status", "code", "message", "request_id", "retry_after", "details", "body",
        "headers", "category", "retryable", "policy", "title", "cause", "solution",
        "response", "args", "add_note", "with_traceback", "from_response",
        "retry_reason", "rate_limits", "vendor", "docs_url",
    }
)

# Names the shared runtime exports, and those the generated modules import; a vendor class may not shadow them.
SHARED_NAMES = SHARED_RUNTIME_NAMES | {"Any", "ClassVar", "Mapping"}


@dataclass(frozen=True)
class ValidatedSpec:
    loaded: LoadedSpec
    spec: Spec

    @property
    def slug(self) -> str:
        return self.spec.vendor.slug


def validate(loaded: LoadedSpec) -> ValidatedSpec:
    """Return the validated spec or raise ``SpecErrors`` naming every mistake found."""
    from pydantic import ValidationError

    from codegen.errors import SpecErrors
    from codegen.spec import Spec

    try:
        spec = Spec.model_validate_json(json.dumps(loaded.data), strict=True)
    except ValidationError as exc:
        raise SpecErrors(_located_all(loaded, exc.errors())) from None
    problems = list(_whole_spec_problems(loaded, spec))
    if problems:
        raise SpecErrors(problems)
    return ValidatedSpec(loaded, spec)


# Pydantic error types that mean "the value has the wrong type" rather than "a bad value".
_TYPE_ERRORS = {
    "string_type": "a string",
    "int_type": "an integer",
    "int_parsing": "an integer",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "dict_type": "a mapping (key: value)",
    "model_type": "a mapping (key: value)",
    "model_attributes_type": "a mapping (key: value)",
    "list_type": "a list",
}


@dataclass(frozen=True)
class _Where:
    """Where a pydantic error belongs in the spec's data."""

    path: DataPath  # the value (or, for a missing key, the mapping that lacks it)
    anchor: DataPath  # the value a union was tried on; errors of its members compete
    in_union: bool
    at_key: bool  # the error is about a mapping key, not its value


def _place(loaded: LoadedSpec, error: Any) -> _Where:
    """Follow pydantic's location through the data, skipping the names of union members."""
    loc = [str(part) for part in error["loc"]]
    if error["type"] == "missing":
        loc = loc[:-1]
    data: Any = loaded.data
    path: list[str] = []
    anchor: DataPath | None = None
    at_key = False
    for part in loc:
        if part == "[key]":
            at_key = True
        elif isinstance(data, dict) and any(str(k) == part for k in data):
            data = next(v for k, v in data.items() if str(k) == part)
            path.append(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
            path.append(part)
        elif anchor is None:
            anchor = tuple(path)  # a union member's name
    return _Where(tuple(path), anchor if anchor is not None else tuple(path), anchor is not None, at_key)


def _located_all(loaded: LoadedSpec, errors: list[Any]) -> list[SpecError]:
    """One plain message per mistake: union members that failed only on type are dropped."""
    placed = [(_place(loaded, error), error) for error in errors]
    unions: dict[DataPath, list[tuple[_Where, Any]]] = {}
    for where, error in placed:
        if where.in_union:
            unions.setdefault(where.anchor, []).append((where, error))
    missing_hints = {
        (where.path[:-1], hint)
        for where, error in placed
        if error["type"] == "extra_forbidden"
        for hint in difflib.get_close_matches(where.path[-1], _allowed_keys(loaded, where.path[:-1]), n=1, cutoff=0.6)
    }
    located: list[SpecError] = []
    for where, error in placed:
        if error["type"] == "missing" and (where.path, str(error["loc"][-1])) in missing_hints:
            continue  # the misspelt key is reported, with this one as its suggestion
        if where.in_union:
            members = unions[where.anchor]
            if error["type"] in _TYPE_ERRORS:
                if any(e["type"] not in _TYPE_ERRORS for _, e in members):
                    continue  # another member had the right type and a real problem
                if error is not members[0][1]:
                    continue
                wanted = sorted({_TYPE_ERRORS[e["type"]] for _, e in members})
                hint = next((h for _, e in members if (h := _type_hint(e["type"], e["input"]))), "")
                located.append(_at(loaded, where, f"expected {' or '.join(wanted)}, got {_describe(error['input'])}{hint}"))
                continue
        if error["type"] == "spec_rule" and error["ctx"].get("field"):
            # A rule about one key of this mapping points at that key, when the spec gives it.
            child = (*where.path, error["ctx"]["field"])
            if child in loaded.positions:
                where = dataclasses.replace(where, path=child)
        if error["type"] == "extra_forbidden":
            # Name the mapping, and point at the key itself.
            parent = dataclasses.replace(where, path=where.path[:-1])
            message = _message(loaded, where, error)
            field = ".".join(parent.path)
            located.append(loaded.error(where.path, f"{field}: {message}" if field else message, key=True))
            continue
        located.append(_at(loaded, where, _message(loaded, where, error)))
    return located


def _at(loaded: LoadedSpec, where: _Where, message: str) -> SpecError:
    field = ".".join(where.path)
    return loaded.error(where.path, f"{field}: {message}" if field else message, key=where.at_key)


def _message(loaded: LoadedSpec, where: _Where, error: Any) -> str:
    """Pydantic's message for one error, rewritten to say what is wrong and what to do."""
    from codegen.spec import PATTERN_DESCRIPTIONS

    kind, ctx, value = error["type"], error.get("ctx") or {}, error.get("input")
    shown = _describe(value)
    if where.at_key:
        if kind in ("int_parsing", "greater_than_equal", "less_than_equal"):
            shown = value if str(value).isdigit() else repr(value)
            return f"key {shown} is not an HTTP status code (100 to 599)"
        if kind == "string_pattern_mismatch":
            return f"key {_short(value)} is not {PATTERN_DESCRIPTIONS.get(ctx['pattern'], 'valid here')}"
    if kind == "extra_forbidden":
        key = where.path[-1]
        allowed = _allowed_keys(loaded, where.path[:-1])
        hint = _did_you_mean(key, allowed)
        if not hint and allowed:
            hint = f"; allowed here: {', '.join(allowed)}"
        return f"unknown key '{key}'{hint}"
    if kind == "missing":
        return f"missing required key '{error['loc'][-1]}'"
    if kind in _TYPE_ERRORS:
        return f"expected {_TYPE_ERRORS[kind]}, got {shown}{_type_hint(kind, value)}"
    if kind == "spec_rule":
        return str(ctx["message"])
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {"greater_than_equal": ("at least", "ge"), "greater_than": ("more than", "gt"),
                 "less_than_equal": ("at most", "le"), "less_than": ("less than", "lt")}[kind]
        return f"must be {bound[0]} {ctx[bound[1]]:g}, not {_short(value)}"
    if kind == "finite_number":
        return f"must be a finite number, not {_short(value)}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is {len(value):,} characters long; at most {ctx['max_length']:,} are allowed"
    if kind == "too_long":
        return f"has {ctx['actual_length']:,} entries; at most {ctx['max_length']:,} are allowed"
    if kind == "too_short":
        return f"is empty; give at least {ctx['min_length']} entr{'y' if ctx['min_length'] == 1 else 'ies'}"
    if kind == "string_pattern_mismatch":
        return f"{_short(value)} is not {PATTERN_DESCRIPTIONS.get(ctx['pattern'], 'of the expected form ' + ctx['pattern'])}"
    if kind in ("literal_error", "enum"):
        options = re.findall(r"'([^']*)'", ctx.get("expected", "")) or [ctx.get("expected", "")]
        if where.path == ("spec_version",):
            return f"spec_version {_short(value)} is not supported; this version of codegen reads spec_version: 1"
        hint = _did_you_mean(str(value), options)
        return f"{_short(value)} is not one of {', '.join(options)}{hint}"
    message = str(error["msg"])
    return message.removeprefix("Value error, ")


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"the number {_short(value)}"
    if isinstance(value, str):
        return f"the string {_short(value)}"
    return "a list" if isinstance(value, list) else "a mapping"


def _short(value: Any) -> str:
    """A value as messages show it: quoted when text, cut short when long."""
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, float):
        return repr(value)
    text = json.dumps(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_hint(kind: str, value: Any) -> str:
    if isinstance(value, str) and kind in ("int_type", "float_type", "int_parsing", "float_parsing"):
        try:
            float(value)
        except ValueError:
            return ""
        return "; remove the quotes"
    if isinstance(value, str) and kind in ("bool_type", "bool_parsing"):
        return "; write true or false, unquoted"
    if kind == "string_type" and isinstance(value, (bool, int, float)):
        return "; quote it to make it a string"
    if value is None:
        return "; fill in the value"
    return ""


def _allowed_keys(loaded: LoadedSpec, path: DataPath) -> list[str]:
    """The keys the spec format allows in the mapping at ``path`` (none when it is free-form)."""
    from codegen.spec import Spec

    annotation: Any = Spec
    for part in path:
        model = _model_in(annotation)
        if model is None:
            annotation = _item_type(annotation)  # a list item or a mapping's value
            if annotation is None:
                return []
            continue
        field = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None
        )
        if field is None:
            return []
        annotation = field.annotation
    model = _model_in(annotation)
    return [field.alias or name for name, field in model.model_fields.items()] if model else []


def _model_in(annotation: Any) -> Any:
    """The pydantic model an annotation is, or is made optional from."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        models = [a for a in typing.get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        return models[0] if len(models) == 1 else None
    if typing.get_origin(annotation) is typing.Annotated:
        return _model_in(typing.get_args(annotation)[0])
    return None


def _item_type(annotation: Any) -> Any:
    """What a list's items or a mapping's values are; None when ``annotation`` is neither."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _item_type(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        found = [_item_type(arg) for arg in typing.get_args(annotation)]
        return next((f for f in found if f is not None), None)
    if origin is list:
        return typing.get_args(annotation)[0]
    if origin is dict:
        return typing.get_args(annotation)[1]
    return None


def _defined(names: list[str]) -> str:
    return f"; defined: {', '.join(names)}" if names else "; none is defined"


def _did_you_mean(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _whole_spec_problems(loaded: LoadedSpec, spec: Spec) -> Iterator[SpecError]:
    slug = spec.vendor.slug
    stem = loaded.path.stem
    if keyword.iskeyword(slug):
        yield loaded.error(
            ("vendor", "slug"), f"slug '{slug}' is a Python keyword, so its package could not be imported; choose another"
        )
    elif slug in SHARED_MODULES:
        yield loaded.error(
            ("vendor", "slug"),
            f"slug '{slug}' is the name of a module every vendor shares, which its package would replace; choose another",
        )
    elif stem != slug:
        yield loaded.error(
            ("vendor", "slug"), f"slug '{slug}' must match the file name '{stem}'; rename the file or change the slug"
        )

    policies = spec.retry_policies
    envelopes = [e.name for e in spec.envelopes]

    def policy_ref(path: DataPath, name: str | None) -> Iterator[SpecError]:
        if name is not None and name not in policies:
            hint = _did_you_mean(name, list(policies)) or _defined(list(policies))
            yield loaded.error(path, f"retry policy '{name}' is not defined under retry_policies{hint}")

    seen_envelopes: dict[str, int] = {}
    for index, envelope in enumerate(spec.envelopes):
        if envelope.name in seen_envelopes:
            first = _where(loaded, ("envelopes", str(seen_envelopes[envelope.name]), "name"))
            yield loaded.error(
                ("envelopes", str(index), "name"),
                f"envelope '{envelope.name}' is already defined at {first}; rename one of them",
            )
        seen_envelopes.setdefault(envelope.name, index)

    yield from policy_ref(("families", "client", "retry"), spec.families.client.retry)
    yield from policy_ref(("families", "server", "retry"), spec.families.server.retry)
    if spec.families.unexpected is not None:
        yield from policy_ref(("families", "unexpected", "retry"), spec.families.unexpected.retry)
    for status, status_class in spec.statuses.items():
        yield from policy_ref(("statuses", str(status), "retry"), status_class.retry)
        if status < 400:
            yield loaded.error(("statuses", str(status)), f"status {status} is not an error status (400-599); remove it", key=True)

    # Every class name the vendor package will define, with where it was named.
    from codegen.naming import derived_class_names

    names: dict[str, DataPath] = {}
    folded_names: dict[str, str] = {}  # lower case -> the name first given
    for name, path in derived_class_names(spec):
        yield from _name_problems(loaded, names, folded_names, name, path)
    for section, errors in error_sections(spec):
        for index, error in enumerate(errors):
            for alias_index, alias in enumerate(error.aliases):
                alias_path = (*section, str(index), "aliases", str(alias_index))
                yield from _name_problems(loaded, names, folded_names, alias, alias_path)
    yield from _generated_name_problems(loaded, spec, set(names))

    for section, errors in error_sections(spec):
        for index, error in enumerate(errors):
            path = (*section, str(index))
            yield from _error_problems(loaded, spec, path, error, errors)
            yield from policy_ref((*path, "retry"), error.retry)
    yield from _signal_problems(loaded, spec)
    yield from _path_problems(loaded, spec)

    if spec.operation_failures is not None:
        failures = spec.operation_failures
        if failures.envelope not in envelopes:
            hint = _did_you_mean(failures.envelope, envelopes) or _defined(envelopes)
            yield loaded.error(
                ("operation_failures", "envelope"),
                f"envelope '{failures.envelope}' is not defined under envelopes{hint}",
            )
        yield from policy_ref(("operation_failures", "family", "retry"), failures.family.retry)
        failure_envelope = next((e for e in spec.envelopes if e.name == failures.envelope), None)
        if failure_envelope is not None:
            yield from _no_headers(
                loaded, ("envelopes", str(spec.envelopes.index(failure_envelope)), "when"), failure_envelope.when,
                "envelope '" + failure_envelope.name + "' reads failures inside successful bodies, where"
                " no headers are read; test the body instead",
            )
        for index, error in enumerate(failures.errors):
            yield from _no_headers(
                loaded, ("operation_failures", "errors", str(index), "when"), error.when,
                "operation failures are read from the body alone; test the body instead",
            )
            if error.status is not None:
                yield loaded.error(
                    ("operation_failures", "errors", str(index), "status"),
                    "operation failures arrive in successful responses and take no status; remove it",
                )
            if error.code is None:
                yield loaded.error(
                    ("operation_failures", "errors", str(index)),
                    "an operation failure needs a code",
                )

    yield from _stream_problems(loaded, spec, envelopes)
    yield from _group_problems(loaded, spec)


def _stream_problems(loaded: LoadedSpec, spec: Spec, envelopes: list[str]) -> Iterator[SpecError]:
    streams = spec.streams
    if streams is None:
        return
    lines = streams.framing == "ndjson"
    whens: list[tuple[DataPath, Any]] = [(("streams", "errors", str(i), "when"), r.when) for i, r in enumerate(streams.errors)]
    if streams.content is not None:
        whens.append((("streams", "content", "when"), streams.content.when))
    for where, when in whens:
        for at, condition in _condition_paths(where, when):
            if condition.path is None:
                yield loaded.error(
                    at, "a stream condition tests the event's data: give a path with is, equals or not_equals"
                )
    for index, rule in enumerate(streams.errors):
        path = ("streams", "errors", str(index))
        if rule.envelope not in envelopes:
            hint = _did_you_mean(rule.envelope, envelopes) or _defined(envelopes)
            yield loaded.error((*path, "envelope"), f"envelope '{rule.envelope}' is not defined under envelopes{hint}")
        if lines and rule.event is not None:
            yield loaded.error(
                (*path, "event"),
                "ndjson streams have no event types; recognise error lines by 'when', a condition on the data",
            )
    if lines and streams.content is not None and streams.content.events is not None:
        yield loaded.error(
            ("streams", "content", "events"),
            "ndjson streams have no event types; say which lines are content by 'when', a condition on the data",
        )
    if lines and streams.resume is not None and streams.resume.last_event_id:
        yield loaded.error(
            ("streams", "resume", "last_event_id"),
            "Last-Event-ID belongs to Server-Sent Events; an ndjson stream resumes by 'cursor'",
        )


def _generated_name_problems(loaded: LoadedSpec, spec: Spec, class_names: set[str]) -> Iterator[SpecError]:
    """Policy constants and payload models: names derived from the spec that must stay distinct."""
    from codegen.naming import constant_name, details_model_name, envelope_model_name

    for name in spec.retry_policies:
        constant = constant_name(name)
        if constant == "RETRY_POLICIES" or constant in class_names:
            yield loaded.error(
                ("retry_policies", name),
                f"retry policy '{name}' becomes the constant {constant}, a name the retry module"
                " already uses; rename the policy",
                key=True,
            )
    models: dict[str, tuple[str, DataPath]] = {}
    sources: list[tuple[str, str, DataPath]] = [
        (envelope_model_name(e.name), f"envelope '{e.name}'", ("envelopes", str(i), "name"))
        for i, e in enumerate(spec.envelopes)
        if e.schema_ is not None
    ]
    for section, errors in error_sections(spec):
        sources += [
            (details_model_name(e.name), f"error '{e.name}'", (*section, str(i), "name"))
            for i, e in enumerate(errors)
            if e.details_schema is not None
        ]
    for model, label, path in sources:
        if model in models:
            other, other_path = models[model]
            yield loaded.error(
                path,
                f"the schema of {label} becomes the model class {model}, as does the schema of"
                f" {other} at {_where(loaded, other_path)}; rename one of them",
            )
        models.setdefault(model, (label, path))
    for index, envelope in enumerate(spec.envelopes):
        if envelope.schema_ is not None:
            yield from _schema_problems(loaded, ("envelopes", str(index), "schema"), envelope.schema_)
    for section, errors in error_sections(spec):
        for index, error in enumerate(errors):
            if error.details_schema is not None:
                yield from _schema_problems(loaded, (*section, str(index), "details_schema"), error.details_schema)


_JSON_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")


def _schema_problems(loaded: LoadedSpec, path: DataPath, schema: Any) -> Iterator[SpecError]:
    """The JSON Schema mistakes that would stop the model generator, at their own lines."""

    def at(where: DataPath, message: str) -> SpecError:
        return loaded.error(where, f"{'.'.join(where)}: {message}")

    if not isinstance(schema, dict):
        yield at(path, f"a JSON Schema must be a mapping, not {_describe(schema)}")
        return
    kind = schema.get("type")
    for name in kind if isinstance(kind, list) else [kind]:
        if name is not None and name not in _JSON_TYPES:
            hint = _did_you_mean(str(name), list(_JSON_TYPES)) or f"; use one of {', '.join(_JSON_TYPES)}"
            yield at((*path, "type"), f"{_short(name)} is not a JSON Schema type{hint}")
    for key in ("properties", "patternProperties", "$defs", "definitions"):
        if key in schema:
            if not isinstance(schema[key], dict):
                yield at((*path, key), f"'{key}' must be a mapping of names to schemas")
                continue
            for name, sub in schema[key].items():
                yield from _schema_problems(loaded, (*path, key, str(name)), sub)
    for key in ("items", "additionalProperties", "not"):
        if key in schema and not isinstance(schema[key], bool):
            yield from _schema_problems(loaded, (*path, key), schema[key])
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        if key in schema:
            if not isinstance(schema[key], list) or not schema[key]:
                yield at((*path, key), f"'{key}' must be a non-empty list of schemas")
                continue
            for index, sub in enumerate(schema[key]):
                yield from _schema_problems(loaded, (*path, key, str(index)), sub)
    for key in ("required", "enum"):
        value = schema.get(key)
        if value is not None and not (isinstance(value, list) and (key == "enum" or all(isinstance(v, str) for v in value))):
            what = "property names" if key == "required" else "values"
            yield at((*path, key), f"'{key}' must be a list of {what}")
    ref = schema.get("$ref")
    if ref is not None:
        yield at((*path, "$ref"), "'$ref' is not supported in spec schemas; write the schema out in place")


def error_sections(spec: Spec) -> Iterator[tuple[DataPath, list[Error]]]:
    yield ("errors",), spec.errors
    if spec.operation_failures is not None:
        yield ("operation_failures", "errors"), spec.operation_failures.errors


def _name_problems(
    loaded: LoadedSpec, names: dict[str, DataPath], folded_names: dict[str, str], name: str, path: DataPath
) -> Iterator[SpecError]:
    folded = name.lower()
    if name in SHARED_NAMES:
        yield loaded.error(path, f"class name '{name}' is already taken by the shared runtime; choose another name")
    elif hasattr(builtins, name):
        yield loaded.error(path, f"class name '{name}' would shadow the Python builtin of that name; choose another name")
    elif keyword.iskeyword(name):
        yield loaded.error(path, f"class name '{name}' is a Python keyword")
    if name in names:
        yield loaded.error(path, f"class name '{name}' is already used at {_where(loaded, names[name])}; rename one of them")
        return
    other = folded_names.get(folded)
    if other is not None:
        yield loaded.error(
            path,
            f"class name '{name}' differs only in case from '{other}' at {_where(loaded, names[other])};"
            " the two would clash on case-insensitive file systems and in snake_case; rename one of them",
        )
        return
    names[name] = path
    folded_names[folded] = name


def _where(loaded: LoadedSpec, path: DataPath) -> str:
    position = loaded.position(path)
    return f"line {position.line}"


def _error_problems(
    loaded: LoadedSpec, spec: Spec, path: DataPath, error: Error, siblings: list[Error]
) -> Iterator[SpecError]:
    for position, status in enumerate(error.statuses):
        if status not in spec.statuses and path[0] == "errors":
            where = (*path, "status", str(position)) if isinstance(error.status, list) else (*path, "status")
            yield loaded.error(where, f"status {status} is not declared under statuses; add it there first")
    if error.code is None and error.status is None and error.parent is None and path[0] == "errors":
        yield loaded.error(path, f"error '{error.name}' needs a code, or a status and message patterns or conditions")
    elif error.code is None and not error.patterns and error.when is None and error.parent is None:
        yield loaded.error(path, f"error '{error.name}' needs a code, message patterns or conditions ('when') to be told apart")
    if error.name in error.aliases:
        yield loaded.error((*path, "aliases", str(error.aliases.index(error.name))), f"'{error.name}' is the class's own name; an alias names a former class")
    if error.parent is not None:
        parents = {e.name: e for e in siblings}
        parent = parents.get(error.parent)
        if parent is None:
            hint = _did_you_mean(error.parent, list(parents))
            yield loaded.error((*path, "parent"), f"parent '{error.parent}' is not an error of this section{hint}")
        else:
            chain = [error.name]
            while parent is not None and parent.name not in chain:
                chain.append(parent.name)
                parent = parents.get(parent.parent) if parent.parent else None
            if parent is not None:
                yield loaded.error(
                    (*path, "parent"),
                    "parent chain loops (" + " -> ".join([*chain, parent.name]) + "); an error cannot be its own ancestor",
                )
            else:
                real_parent = parents[error.parent]
                yield from _retyped_attributes(loaded, path, error, parents)
                mine, theirs = _category_of(spec, error, parents), _category_of(spec, real_parent, parents)
                if mine != theirs:
                    yield loaded.error(
                        (*path, "category") if error.category else (*path, "parent"),
                        f"category '{mine}' differs from '{theirs}' of parent '{real_parent.name}':"
                        f" 'except' clauses for '{theirs}' would catch it; drop the parent",
                    )
                stray = [s for s in error.statuses if real_parent.statuses and s not in real_parent.statuses]
                if stray:
                    theirs_text = ", ".join(str(s) for s in real_parent.statuses)
                    yield loaded.error(
                        (*path, "status"),
                        f"status {stray[0]} differs from the status {theirs_text} of parent '{real_parent.name}'",
                    )

    groups: set[str] = set()
    for index, pattern in enumerate(error.patterns):
        pattern_path = pattern_source(path, error, index)
        compiled = regex_safety.compiled_pattern(pattern)
        problem = regex_safety.backtracking_problem(pattern)
        if problem is not None:
            yield loaded.error(pattern_path, f"pattern is prone to catastrophic backtracking: {problem}")
        for group in compiled.groupindex:
            groups.add(group)
            if group in RESERVED_ATTRIBUTES:
                yield loaded.error(pattern_path, f"named group '{group}' collides with the built-in attribute '{group}' of every error; rename the group")
            elif keyword.iskeyword(group) or not re.fullmatch(r"[a-z][a-z0-9_]*", group):
                yield loaded.error(pattern_path, f"named group '{group}' becomes an attribute, so it must be a lower_snake_case name that is not a Python keyword; rename the group")
    for name, field in error.fields.items():
        field_path = (*path, "fields", name)
        if name in RESERVED_ATTRIBUTES:
            yield loaded.error(field_path, f"field '{name}' collides with the built-in attribute '{name}' of every error; rename the field", key=True)
        elif keyword.iskeyword(name):
            yield loaded.error(field_path, f"field '{name}' becomes an attribute, so it must not be a Python keyword; rename the field", key=True)
        elif name in groups:
            yield loaded.error(field_path, f"field '{name}' is also a named group of a pattern; rename one of them", key=True)
    for attribute in error.attributes:
        if attribute not in groups:
            yield loaded.error(
                (*path, "attributes", attribute),
                f"attribute '{attribute}' is not a named group of any pattern; add (?P<{attribute}>...) to a pattern or remove it",
                key=True,
            )


def pattern_source(path: DataPath, error: Error, index: int) -> DataPath:
    """Where the ``index``-th pattern of an error is written: under patterns, or as a template."""
    written = len(error.patterns) - len(error.templates)
    if index < written:
        return (*path, "patterns", str(index))
    return (*path, "templates", str(index - written))


def _group_types(error: Error) -> dict[str, str]:
    return {
        group: error.attributes.get(group, "str")
        for pattern in error.patterns
        for group in regex_safety.compiled_pattern(pattern).groupindex
    }


def _retyped_attributes(
    loaded: LoadedSpec, path: DataPath, error: Error, parents: dict[str, Error]
) -> Iterator[SpecError]:
    """A captured attribute keeps the type an ancestor gave it: a subclass cannot narrow it."""
    mine = _group_types(error)
    ancestor = parents.get(error.parent) if error.parent else None
    seen: set[str] = set()
    while ancestor is not None and ancestor.name not in seen:
        seen.add(ancestor.name)
        for name, kind in _group_types(ancestor).items():
            if name in mine and name in error.attributes and mine[name] != kind:
                yield loaded.error(
                    (*path, "attributes", name),
                    f"attribute '{name}' is {kind} in parent '{ancestor.name}'; declare it {kind} too, or rename the group",
                    key=True,
                )
                mine.pop(name)
        ancestor = parents.get(ancestor.parent) if ancestor.parent else None


def _category_of(spec: Spec, error: Error, parents: dict[str, Error]) -> str:
    """The category an error ends up with: its own, its parent's, or its status's."""
    from codegen.naming import default_category

    seen: set[str] = set()
    current: Error | None = error
    while current is not None and current.name not in seen:
        if current.category is not None:
            return current.category.value
        seen.add(current.name)
        if current.parent is None:
            break
        current = parents.get(current.parent)
    if current is not None and current.main_status is not None:
        status_class = spec.statuses.get(current.main_status)
        if status_class is not None and status_class.category is not None:
            return status_class.category.value
        return default_category(current.main_status).value
    return "operation_failed" if spec.operation_failures and error in spec.operation_failures.errors else "unknown"


def _group_problems(loaded: LoadedSpec, spec: Spec) -> Iterator[SpecError]:
    """Errors that share a code (or a status, when they have no code) must stay distinguishable."""
    for section, errors in error_sections(spec):
        groups: dict[tuple[Any, ...], list[tuple[int, Error]]] = {}
        by_name = {e.name: e for e in errors}
        for index, error in enumerate(errors):
            # An error without a code of its own is matched under the code it inherits.
            code = _effective_code(error, by_name)
            if code is not None:
                groups.setdefault(("code", code), []).append((index, error))
            else:
                for status in error.statuses or (None,):
                    groups.setdefault(("status", status), []).append((index, error))
        for key, members in groups.items():
            statuses = {tuple(e.statuses) for _, e in members if e.code is not None}
            if key[0] == "code" and len(statuses) > 1:
                index, error = members[-1]
                shown = sorted("/".join(str(s) for s in t) if t else "none" for t in statuses)
                yield loaded.error(
                    (*section, str(index), "status"),
                    f"code '{key[1]}' is given two statuses ({', '.join(shown)});"
                    " a known code selects its error whatever the status, so give it one status",
                )
            catch_alls = [(i, e) for i, e in members if not e.patterns and e.when is None]
            for index, error in catch_alls[1:]:
                first = catch_alls[0][1]
                what = f"code '{key[1]}'" if key[0] == "code" else f"status {key[1]}"
                yield loaded.error(
                    (*section, str(index)),
                    f"errors '{first.name}' and '{error.name}' both claim {what} with no message pattern to tell them apart",
                )
            yield from _shadowing(loaded, section, members)


def _signal_problems(loaded: LoadedSpec, spec: Spec) -> Iterator[SpecError]:
    """Retry directives and rate limits: each header read once, each resource named once."""
    seen: dict[str, DataPath] = {}
    for index, directive in enumerate(spec.retry_directives):
        path = ("retry_directives", str(index), "header")
        folded = directive.header.lower()
        if folded in seen:
            yield loaded.error(path, f"header '{directive.header}' is already a retry directive at {_where(loaded, seen[folded])}; remove one")
        seen.setdefault(folded, path)
    named = [(i, d.policy) for i, d in enumerate(spec.retry_directives) if d.policy is not None]
    if spec.retry_directives:
        directed = named[0][1] if named else spec.families.server.retry
        policy = spec.retry_policies.get(directed)
        where: DataPath = ("retry_directives", str(named[0][0]), "policy") if named else ("retry_directives",)
        if policy is None:
            if named:
                hint = _did_you_mean(directed, list(spec.retry_policies)) or _defined(list(spec.retry_policies))
                yield loaded.error(where, f"retry policy '{directed}' is not defined under retry_policies{hint}")
        elif not policy.retryable:
            what = f"retry policy '{directed}'" if named else f"the server family's retry policy '{directed}'"
            yield loaded.error(
                where,
                f"{what} does not retry, yet it is what a server asking to retry would get;"
                " name a retryable policy with policy: on a directive",
            )
    resources: dict[str, DataPath] = {}
    ietf: DataPath | None = None
    for index, source in enumerate(spec.rate_limits):
        if source.ietf:
            path = ("rate_limits", str(index), "ietf")
            if ietf is not None:
                yield loaded.error(path, f"ietf: true is already given at {_where(loaded, ietf)}; remove one")
            ietf = ietf or path
        elif source.resource is not None:
            path = ("rate_limits", str(index), "resource")
            if source.resource in resources:
                yield loaded.error(
                    path, f"resource '{source.resource}' is already declared at {_where(loaded, resources[source.resource])}; rename one"
                )
            resources.setdefault(source.resource, path)


def _path_problems(loaded: LoadedSpec, spec: Spec) -> Iterator[SpecError]:
    """``$`` names the whole body where a whole body makes sense, and nowhere else."""
    places: list[tuple[DataPath, str, bool]] = []
    for index, envelope in enumerate(spec.envelopes):
        at: DataPath = ("envelopes", str(index))
        for key in ("code", "message", "request_id", "retry_after", "details"):
            places += [((*at, key, str(i)), p, key == "details") for i, p in enumerate(getattr(envelope, key))]
        if envelope.details_from_rest_of is not None:
            places.append(((*at, "details_from_rest_of"), envelope.details_from_rest_of, True))
        places += [(p, c.path, False) for p, c in _condition_paths((*at, "when"), envelope.when) if c.path is not None]
    for section, errors in error_sections(spec):
        for index, error in enumerate(errors):
            error_at = (*section, str(index))
            places += [((*error_at, "fields", name, "path"), f.path, True) for name, f in error.fields.items()]
            places += [(p, c.path, False) for p, c in _condition_paths((*error_at, "when"), error.when) if c.path is not None]
    places += [(("request_id", "body", str(i)), p, False) for i, p in enumerate(spec.request_id.body)]
    places += [(("retry_after", "body", str(i)), p, False) for i, p in enumerate(spec.retry_after.body)]
    for path, body_path, whole_allowed in places:
        if body_path.startswith(TOP_LEVEL + "."):
            yield loaded.error(path, f"'{body_path}': paths start at the body's top level; write '{body_path[2:]}'")
        elif TOP_LEVEL in body_path.split(".") and not (whole_allowed and body_path == TOP_LEVEL):
            what = "'$' names the whole body, and only alone" if whole_allowed else "'$' (the whole body) is not a value that can be read here"
            yield loaded.error(path, f"'{body_path}': {what}")


def _condition_paths(path: DataPath, when: list[Condition] | Condition | None) -> Iterator[tuple[DataPath, Condition]]:
    """Every condition inside ``when``, nested ones included, with its place in the spec."""
    items = when if isinstance(when, list) else [when] if when is not None else []
    for index, condition in enumerate(items):
        here = (*path, str(index)) if isinstance(when, list) else path
        yield here, condition
        for key, children in (("all", condition.all), ("any", condition.any)):
            for child_index, child in enumerate(children or ()):
                yield from _condition_paths((*here, key, str(child_index)), child)
        if condition.not_ is not None:
            yield from _condition_paths((*here, "not"), condition.not_)


def _no_headers(loaded: LoadedSpec, path: DataPath, when: list[Condition] | Condition | None, reason: str) -> Iterator[SpecError]:
    for where, condition in _condition_paths(path, when):
        if condition.header is not None:
            yield loaded.error((*where, "header"), f"header condition: {reason}")


def _effective_code(error: Error, by_name: dict[str, Error]) -> str | None:
    """The code an error is matched under: its own, else its nearest ancestor's."""
    seen: set[str] = set()
    current: Error | None = error
    while current is not None and current.name not in seen:
        if current.code is not None:
            return current.wire_code
        seen.add(current.name)
        current = by_name.get(current.parent) if current.parent else None
    return None


def _shadowing(loaded: LoadedSpec, section: DataPath, members: list[tuple[int, Error]]) -> Iterator[SpecError]:
    """Patterns that an earlier one always wins over, tried only among patterns proven fast.

    Nothing is matched with a pattern the backtracking check rejects (that is reported on
    its own). Earlier patterns are indexed by literal text each of their matches holds,
    so each sample is tried only against the patterns that could match it.
    """
    index = _LiteralIndex()
    for position, error in members:
        if error.when is not None:
            continue  # its conditions may tell it apart from an earlier pattern
        for pattern_index, pattern in enumerate(error.patterns):
            if regex_safety.backtracking_problem(pattern) is not None:
                continue
            compiled = regex_safety.compiled_pattern(pattern)
            probes = regex_safety.witnesses(pattern) + [m for m in _example_messages(error) if compiled.search(m)]
            if probes or pattern in index.patterns:
                for previous, owner in index.candidates(probes[0] if probes else None):
                    if previous.pattern == pattern or all(previous.search(p) for p in probes):
                        yield loaded.error(
                            (*section, str(position), *pattern_source((), error, pattern_index)),
                            f"pattern can never match: the earlier pattern {previous.pattern!r} of '{owner.name}' matches first;"
                            " put the more specific pattern first, or make them distinct",
                        )
                        break
            index.add(compiled, error)


class _LiteralIndex:
    """Compiled patterns, grouped by the longest literal text each of their matches holds."""

    def __init__(self) -> None:
        self.order: list[tuple[re.Pattern[str], Error]] = []
        self.by_literal: dict[str, list[int]] = {}
        self.anywhere: list[int] = []
        self.patterns: set[str] = set()

    def add(self, compiled: re.Pattern[str], owner: Error) -> None:
        self.order.append((compiled, owner))
        self.patterns.add(compiled.pattern)
        literal = regex_safety.required_literal(compiled.pattern)
        if literal:
            self.by_literal.setdefault(literal, []).append(len(self.order) - 1)
        else:
            self.anywhere.append(len(self.order) - 1)

    def candidates(self, probe: str | None) -> Iterator[tuple[re.Pattern[str], Error]]:
        """The patterns that may match ``probe`` (any, for None), in the order they were added."""
        if probe is None:
            yield from self.order
            return
        found = list(self.anywhere)
        for literal, positions in self.by_literal.items():  # a substring test each: fast in C
            if literal in probe:
                found += positions
        for position in sorted(found):
            yield self.order[position]


def _example_messages(error: Error) -> list[str]:
    messages = []
    for example in error.examples:
        body = example.body
        for candidate in _strings(body):
            messages.append(candidate)
    return messages


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
