"""Validate stage: loaded data becomes a ``Spec``, or a list of located mistakes.

Pydantic checks each field; the checks here need the whole spec: references between
sections, name collisions, patterns that shadow each other or backtrack badly.
"""

from __future__ import annotations

import builtins
import difflib
import json
import keyword
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from codegen import regex_safety
from codegen.errors import SpecError
from codegen.load import DataPath, LoadedSpec
from codegen.spec import Error, Spec

# Attributes every generated error already has; a pattern group may not take these names.
RESERVED_ATTRIBUTES = frozenset(
    {
        "status", "code", "message", "request_id", "retry_after", "details", "body",
        "headers", "category", "retryable", "policy", "title", "cause", "solution",
        "response", "args", "add_note", "with_traceback", "from_response",
    }
)

# Names the shared runtime exports; a vendor class may not shadow them.
SHARED_NAMES = frozenset(
    {
        "APIError", "Category", "Action", "RetryPolicy", "Headers",
        "InvalidRequestError", "AuthenticationError", "PermissionDeniedError",
        "NotFoundError", "ConflictError", "PayloadTooLargeError",
        "UnsupportedMediaTypeError", "PaymentRequiredError", "RateLimitedError",
        "QuotaExceededError", "InternalServerError", "UpstreamError",
        "ServiceUnavailableError", "GatewayTimeoutError", "OperationFailedError",
        "UnknownAPIError", "Any", "ClassVar", "Mapping",
    }
)


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
        raise SpecErrors([_located(loaded, error) for error in exc.errors()]) from None
    problems = list(_whole_spec_problems(loaded, spec))
    if problems:
        raise SpecErrors(problems)
    return ValidatedSpec(loaded, spec)


def _located(loaded: LoadedSpec, error: Any) -> SpecError:
    path: DataPath = tuple(str(part) for part in error["loc"])
    # Pydantic adds the name of a union member to the location; drop parts the data lacks.
    path = _existing_prefix(loaded, path)
    field = ".".join(path) or "(top level)"
    if error["type"] == "extra_forbidden":
        key = path[-1]
        hint = _did_you_mean(key, _allowed_keys(loaded, path[:-1]))
        return loaded.error(path, f"unknown key '{key}'{hint}", key=True)
    if error["type"] == "missing":
        missing = str(error["loc"][-1])
        parent = ".".join(path) or "top level"
        return loaded.error(path, f"missing required key '{missing}' in {parent}", key=True)
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if error["type"] == "string_pattern_mismatch":
        message = f"'{error['input']}' does not match {error['ctx']['pattern']}"
    return loaded.error(path, f"{field}: {message}")


def _existing_prefix(loaded: LoadedSpec, path: DataPath) -> DataPath:
    data: Any = loaded.data
    kept: list[str] = []
    for part in path:
        if isinstance(data, dict):
            match = next((k for k in data if str(k) == part), None)
            if match is None:
                if part in _UNION_TAGS:
                    continue
                kept.append(part)
                break
            data = data[match]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        elif part in _UNION_TAGS:
            continue
        else:
            break
        kept.append(part)
    return tuple(kept)


# Names pydantic puts into error locations for members of a union type.
_UNION_TAGS = frozenset(
    {"str", "int", "float", "bool", "list[any]", "dict[str,any]", "dict[str,str]",
     "constrained-str", "function-after[exactly_one_test(), Condition]", "Family",
     "list", "dict", "literal['str','int','float']"}
)


def _allowed_keys(loaded: LoadedSpec, path: DataPath) -> list[str]:
    from codegen.spec import Spec

    model: Any = Spec
    for part in path:
        if part.isdigit():
            continue
        field = model.model_fields.get(part) or next(
            (f for f in model.model_fields.values() if f.alias == part), None
        )
        if field is None:
            return []
        model = _model_in(field.annotation)
        if model is None:
            return []
    return [field.alias or name for name, field in model.model_fields.items()]


def _model_in(annotation: Any) -> Any:
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    metadata = getattr(annotation, "__origin__", None)
    if metadata is not None and metadata is not annotation:
        return _model_in(metadata)
    return None


def _did_you_mean(key: str, allowed: list[str]) -> str:
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


def _whole_spec_problems(loaded: LoadedSpec, spec: Spec) -> Iterator[SpecError]:
    slug = spec.vendor.slug
    stem = loaded.path.stem
    if stem != slug:
        yield loaded.error(("vendor", "slug"), f"slug '{slug}' must match the file name '{stem}'")

    policies = spec.retry_policies
    envelopes = [e.name for e in spec.envelopes]

    def policy_ref(path: DataPath, name: str | None) -> Iterator[SpecError]:
        if name is not None and name not in policies:
            hint = _did_you_mean(name, list(policies))
            yield loaded.error(path, f"retry policy '{name}' is not defined under retry_policies{hint}")

    seen_envelopes: dict[str, int] = {}
    for index, envelope in enumerate(spec.envelopes):
        if envelope.name in seen_envelopes:
            yield loaded.error(("envelopes", str(index), "name"), f"envelope '{envelope.name}' is defined twice")
        seen_envelopes[envelope.name] = index

    yield from policy_ref(("families", "client", "retry"), spec.families.client.retry)
    yield from policy_ref(("families", "server", "retry"), spec.families.server.retry)
    if spec.families.unexpected is not None:
        yield from policy_ref(("families", "unexpected", "retry"), spec.families.unexpected.retry)
    for status, status_class in spec.statuses.items():
        yield from policy_ref(("statuses", str(status), "retry"), status_class.retry)
        if status < 400:
            yield loaded.error(("statuses", str(status)), f"status {status} is not an error status (400-599)", key=True)

    # Every class name the vendor package will define, with where it was named.
    from codegen.naming import derived_class_names

    names: dict[str, DataPath] = {}
    for name, path in derived_class_names(spec):
        yield from _name_problems(loaded, names, name, path)

    for section, errors in _error_sections(spec):
        for index, error in enumerate(errors):
            path = (*section, str(index))
            yield from _error_problems(loaded, spec, path, error, errors)
            yield from policy_ref((*path, "retry"), error.retry)

    if spec.operation_failures is not None:
        failures = spec.operation_failures
        if failures.envelope not in envelopes:
            hint = _did_you_mean(failures.envelope, envelopes)
            yield loaded.error(
                ("operation_failures", "envelope"),
                f"envelope '{failures.envelope}' is not defined under envelopes{hint}",
            )
        yield from policy_ref(("operation_failures", "family", "retry"), failures.family.retry)
        for index, error in enumerate(failures.errors):
            if error.status is not None:
                yield loaded.error(
                    ("operation_failures", "errors", str(index), "status"),
                    "operation failures arrive in successful responses and take no status",
                )
            if error.code is None:
                yield loaded.error(
                    ("operation_failures", "errors", str(index)),
                    "an operation failure needs a code",
                )

    yield from _group_problems(loaded, spec)


def _error_sections(spec: Spec) -> Iterator[tuple[DataPath, list[Error]]]:
    yield ("errors",), spec.errors
    if spec.operation_failures is not None:
        yield ("operation_failures", "errors"), spec.operation_failures.errors


def _name_problems(
    loaded: LoadedSpec, names: dict[str, DataPath], name: str, path: DataPath
) -> Iterator[SpecError]:
    folded = name.lower()
    if name in SHARED_NAMES:
        yield loaded.error(path, f"class name '{name}' is already taken by the shared runtime")
    elif hasattr(builtins, name):
        yield loaded.error(path, f"class name '{name}' would shadow the Python builtin of that name")
    elif keyword.iskeyword(name):
        yield loaded.error(path, f"class name '{name}' is a Python keyword")
    for other, other_path in names.items():
        if other == name:
            yield loaded.error(path, f"class name '{name}' is already used at {_where(loaded, other_path)}")
            return
        if other.lower() == folded:
            yield loaded.error(
                path,
                f"class name '{name}' differs only in case from '{other}' at {_where(loaded, other_path)}",
            )
            return
    names[name] = path


def _where(loaded: LoadedSpec, path: DataPath) -> str:
    position = loaded.position(path)
    return f"line {position.line}"


def _error_problems(
    loaded: LoadedSpec, spec: Spec, path: DataPath, error: Error, siblings: list[Error]
) -> Iterator[SpecError]:
    if error.status is not None and error.status not in spec.statuses:
        yield loaded.error(
            (*path, "status"),
            f"status {error.status} is not declared under statuses; add it there first",
        )
    if error.code is None and not error.patterns and error.parent is None:
        yield loaded.error(path, f"error '{error.name}' needs a code or message patterns to be told apart")
    if error.code is None and error.status is None and error.parent is None and path[0] == "errors":
        yield loaded.error(path, f"error '{error.name}' needs a code or a status")
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
                yield loaded.error((*path, "parent"), "parent chain loops: " + " -> ".join([*chain, parent.name]))
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
                if error.status is not None and real_parent.status is not None and error.status != real_parent.status:
                    yield loaded.error(
                        (*path, "status"),
                        f"status {error.status} differs from the status {real_parent.status} of parent '{real_parent.name}'",
                    )

    groups: set[str] = set()
    for index, pattern in enumerate(error.patterns):
        pattern_path = (*path, "patterns", str(index))
        compiled = re.compile(pattern)
        problem = regex_safety.backtracking_problem(pattern)
        if problem is not None:
            yield loaded.error(pattern_path, f"pattern is prone to catastrophic backtracking: {problem}")
        for group in compiled.groupindex:
            groups.add(group)
            if group in RESERVED_ATTRIBUTES:
                yield loaded.error(pattern_path, f"named group '{group}' collides with the built-in attribute '{group}'")
            elif keyword.iskeyword(group) or not re.fullmatch(r"[a-z][a-z0-9_]*", group):
                yield loaded.error(pattern_path, f"named group '{group}' must be a lower_snake_case name that is not a keyword")
    for attribute in error.attributes:
        if attribute not in groups:
            yield loaded.error((*path, "attributes", attribute), f"attribute '{attribute}' is not a named group of any pattern", key=True)


def _group_types(error: Error) -> dict[str, str]:
    return {
        group: error.attributes.get(group, "str")
        for pattern in error.patterns
        for group in re.compile(pattern).groupindex
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
    if current is not None and current.status is not None:
        status_class = spec.statuses.get(current.status)
        if status_class is not None and status_class.category is not None:
            return status_class.category.value
        return default_category(current.status).value
    return "operation_failed" if spec.operation_failures and error in spec.operation_failures.errors else "unknown"


def _group_problems(loaded: LoadedSpec, spec: Spec) -> Iterator[SpecError]:
    """Errors that share a code (or a status, when they have no code) must stay distinguishable."""
    for section, errors in _error_sections(spec):
        groups: dict[tuple[Any, ...], list[tuple[int, Error]]] = {}
        for index, error in enumerate(errors):
            key = ("code", error.code) if error.code is not None else ("status", error.status)
            groups.setdefault(key, []).append((index, error))
        for key, members in groups.items():
            statuses = {e.status for _, e in members if e.code is not None}
            if key[0] == "code" and len(statuses) > 1:
                index, error = members[-1]
                yield loaded.error(
                    (*section, str(index), "status"),
                    f"code '{key[1]}' is given two statuses ({', '.join(str(s) for s in sorted(statuses, key=str))}); one code selects one error family",
                )
            catch_alls = [(i, e) for i, e in members if not e.patterns]
            for index, error in catch_alls[1:]:
                first = catch_alls[0][1]
                what = f"code '{key[1]}'" if key[0] == "code" else f"status {key[1]}"
                yield loaded.error(
                    (*section, str(index)),
                    f"errors '{first.name}' and '{error.name}' both claim {what} with no message pattern to tell them apart",
                )
            yield from _shadowing(loaded, section, members)


def _shadowing(loaded: LoadedSpec, section: DataPath, members: list[tuple[int, Error]]) -> Iterator[SpecError]:
    earlier: list[tuple[str, Error]] = []
    for index, error in members:
        for pattern_index, pattern in enumerate(error.patterns):
            probes = regex_safety.witnesses(pattern) + [
                m for m in _example_messages(error) if re.search(pattern, m)
            ]
            for previous, owner in earlier:
                if previous == pattern or (probes and all(re.search(previous, p) for p in probes)):
                    yield loaded.error(
                        (*section, str(index), "patterns", str(pattern_index)),
                        f"pattern can never match: the earlier pattern {previous!r} of '{owner.name}' matches first",
                    )
                    break
        earlier.extend((p, error) for p in error.patterns)


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
