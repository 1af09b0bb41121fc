"""Resolve stage: a validated spec becomes the small, explicit model the templates print.

Every decision is taken here, once: class names and bases, inherited categories and
policies, lookup tables, the order patterns are tried in, and the straight-line field
access each envelope needs.  Templates only lay these values out.
"""

from __future__ import annotations

import builtins
import hashlib
import json
import keyword
import re
from dataclasses import dataclass
from typing import Any

from codegen.naming import (
    base_class_name,
    constant_name,
    default_category,
    details_model_name,
    envelope_model_name,
    fallback_class_name,
    family_class_name,
    reason_phrase,
    status_class_name,
)
from codegen.spec import Action, Category, Condition, Envelope, Error, Family, Spec, conditions
from codegen.validate import ValidatedSpec

SHARED_CATEGORY_CLASSES: dict[Category, str] = {
    Category.INVALID_REQUEST: "InvalidRequestError",
    Category.AUTHENTICATION: "AuthenticationError",
    Category.PERMISSION_DENIED: "PermissionDeniedError",
    Category.NOT_FOUND: "NotFoundError",
    Category.CONFLICT: "ConflictError",
    Category.PAYLOAD_TOO_LARGE: "PayloadTooLargeError",
    Category.UNSUPPORTED_MEDIA_TYPE: "UnsupportedMediaTypeError",
    Category.PAYMENT_REQUIRED: "PaymentRequiredError",
    Category.RATE_LIMITED: "RateLimitedError",
    Category.QUOTA_EXCEEDED: "QuotaExceededError",
    Category.INTERNAL: "InternalServerError",
    Category.UPSTREAM: "UpstreamError",
    Category.UNAVAILABLE: "ServiceUnavailableError",
    Category.TIMEOUT: "GatewayTimeoutError",
    Category.OPERATION_FAILED: "OperationFailedError",
    Category.UNKNOWN: "UnknownAPIError",
}

# Spec attribute type -> (annotation, converter in the generated parser).
ATTRIBUTE_TYPES = {"str": ("str", "_text"), "int": ("int", "to_int"), "float": ("float", "to_float")}


@dataclass(frozen=True)
class Text:
    """Spec text in the vendor's language, with other languages where the spec gives them."""

    primary: str
    translations: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PolicyIR:
    constant: str
    key: str
    description: str | None
    retryable: bool
    action: str  # member name of the Action enum
    max_attempts: int
    base_delay: float
    multiplier: float
    max_delay: float
    jitter: str
    honor_server_delay: bool
    default_delay: float | None
    max_server_delay: float
    rejected_before_processing: bool


@dataclass(frozen=True)
class AttributeIR:
    name: str
    type: str
    converter: str  # the parser function that turns the matched text into ``type``


@dataclass(frozen=True)
class ClassIR:
    name: str
    bases: tuple[str, ...]
    kind: str  # base, family, fallback, status, error, operation
    summary: str
    title: Text | None
    cause: Text | None
    solution: Text | None
    status: int | None
    code: str | None
    category: str  # member name of the Category enum
    category_value: str
    policy: str  # constant name of the policy
    retryable: bool
    attributes: tuple[AttributeIR, ...]
    """Declared by this class; ``captures`` adds those its ancestors declare."""
    captures: tuple[AttributeIR, ...]
    depth: int
    doc: tuple[str, ...]
    shared_classes: frozenset[str]  # shared category classes in this class's MRO


@dataclass(frozen=True)
class PatternIR:
    pattern: str
    class_name: str
    groups: tuple[AttributeIR, ...]


@dataclass(frozen=True)
class AccessIR:
    """One step of field access: ``var = parent[key]`` when parent has that shape."""

    var: str
    parent: str
    key: str
    index: int | None  # set when the step indexes a list
    parent_is_dict: bool  # the root, or a value an ``is: object`` condition has checked


@dataclass(frozen=True)
class EnvelopeIR:
    name: str
    function: str
    description: str | None
    recognised_by: str
    condition_accesses: tuple[AccessIR, ...]
    rejections: tuple[str, ...]  # Python expressions true when the body is not this shape
    field_accesses: tuple[AccessIR, ...]
    code: tuple[str, ...]
    message: tuple[str, ...]
    details: tuple[str, ...]
    details_rest: str | None
    details_rest_exclude: tuple[str, ...]
    request_id: tuple[str, ...]
    retry_after: tuple[str, ...]


@dataclass(frozen=True)
class PatternGroupIR:
    key: str | int
    patterns: tuple[PatternIR, ...]


@dataclass(frozen=True)
class OperationIR:
    envelope: str
    family: str
    by_code: tuple[tuple[str, str], ...]
    patterns: tuple[PatternGroupIR, ...]


@dataclass(frozen=True)
class HeaderIR:
    name: str
    lower: str
    milliseconds: bool


@dataclass(frozen=True)
class ModelIR:
    name: str
    schema: dict[str, Any]


@dataclass(frozen=True)
class ReferenceIR:
    """One class as the error reference (ERRORS.md) lists it."""

    name: str
    status: str  # "429", "4xx", "5xx", "other", or "in body" for failed jobs
    code: str | None
    category: str  # value of the Category enum
    retryable: bool
    action: str  # value of the Action enum
    delay: str
    title: Text | None
    cause: Text | None
    solution: Text | None
    attributes: tuple[str, ...]
    documented: bool  # has a section of its own below the table


@dataclass
class VendorIR:
    slug: str
    name: str
    prefix: str
    base: str
    docs_url: str
    language: str
    spec_path: str
    spec_sha256: str
    classes: list[ClassIR]
    tree: list[str]
    policies: list[PolicyIR]
    envelopes: list[EnvelopeIR]
    by_code: list[tuple[str, str]]
    code_patterns: list[PatternGroupIR]
    by_status: list[tuple[int, str]]
    status_patterns: list[PatternGroupIR]
    client_fallback: str
    server_fallback: str
    unexpected_fallback: str
    request_id_headers: list[HeaderIR]
    request_id_body: list[str]
    retry_after_headers: list[HeaderIR]
    retry_after_body: list[str]
    unrecognised: EnvelopeIR
    """Reads the spec's own body paths from a JSON object that matches no envelope."""
    operation: OperationIR | None
    models: list[ModelIR]
    models_sha256: str
    fallback_policy: str
    converter_imports: list[str]
    uses_text_converter: bool
    reference: list[ReferenceIR]

    @property
    def summary(self) -> dict[str, str]:
        """What the shared files say about the vendor."""
        return {"docs_url": self.docs_url, "language": self.language, "name": self.name, "slug": self.slug}

    @property
    def retrying_exports(self) -> list[str]:
        """What ``retrying.py`` exports; the package imports it only when one is used."""
        return [
            "RETRYING",
            "acall_with_retries",
            "call_with_retries",
            "stamina_on",
            "tenacity_retry",
            "tenacity_stop",
            "tenacity_wait",
        ]

    @property
    def exports(self) -> list[str]:
        names = [c.name for c in self.classes]
        names += ["RETRY_POLICIES", "error_from_response", "next_delay", "parse_error"]
        names += ["policy_for", "raise_for_error", "aerror_from_response", "araise_for_error"]
        names += self.retrying_exports
        if self.operation is not None:
            names.append("error_from_payload")
        return sorted(names)


def resolve(validated: ValidatedSpec) -> VendorIR:
    spec = validated.spec
    policies = {name: _policy(name, policy) for name, policy in spec.retry_policies.items()}
    builder = _ClassBuilder(spec, policies)
    builder.build()

    envelopes = [_envelope(envelope, spec) for envelope in spec.envelopes]
    by_code, code_patterns, status_patterns = _match_tables(spec.errors, builder)
    operation = None
    if spec.operation_failures is not None:
        failures = spec.operation_failures
        op_codes, op_patterns, _ = _match_tables(failures.errors, builder)
        operation = OperationIR(
            envelope=_function_name(failures.envelope),
            family=family_class_name(spec, "operation"),
            by_code=tuple(op_codes),
            patterns=tuple(op_patterns),
        )

    models = _models(spec)
    converters = {a.converter for c in builder.ordered for a in c.captures}
    vendor = VendorIR(
        slug=spec.vendor.slug,
        name=spec.vendor.name,
        prefix=spec.vendor.class_prefix,
        base=base_class_name(spec),
        docs_url=spec.vendor.docs_url,
        language=spec.vendor.language,
        spec_path=validated.loaded.display_path,
        spec_sha256=validated.loaded.sha256,
        classes=builder.ordered,
        tree=builder.tree_lines(),
        policies=sorted(policies.values(), key=lambda p: p.constant),
        envelopes=envelopes,
        by_code=by_code,
        code_patterns=code_patterns,
        by_status=sorted(builder.status_classes.items()),
        status_patterns=status_patterns,
        client_fallback=fallback_class_name(spec, "client"),
        server_fallback=fallback_class_name(spec, "server"),
        unexpected_fallback=fallback_class_name(spec, "unexpected"),
        request_id_headers=[_header(name, False) for name in spec.request_id.headers],
        request_id_body=list(spec.request_id.body),
        retry_after_headers=[
            _header(h.name, h.unit == "milliseconds") for h in spec.retry_after.headers
        ],
        retry_after_body=list(spec.retry_after.body),
        unrecognised=_envelope(_NO_ENVELOPE, spec),
        operation=operation,
        models=models,
        models_sha256=_models_hash(models),
        fallback_policy=builder.by_name[fallback_class_name(spec, "unexpected")].policy,
        converter_imports=sorted(converters - {"_text"}),
        uses_text_converter="_text" in converters,
        reference=_reference(spec, builder.ordered, policies),
    )
    return vendor


def _reference(spec: Spec, classes: list[ClassIR], policies: dict[str, PolicyIR]) -> list[ReferenceIR]:
    """Every class a response can become, in hierarchy order, for the error reference."""
    by_constant = {p.constant: p for p in policies.values()}
    ranges = {
        family_class_name(spec, "client"): "4xx",
        fallback_class_name(spec, "client"): "4xx",
        family_class_name(spec, "server"): "5xx",
        fallback_class_name(spec, "server"): "5xx",
        fallback_class_name(spec, "unexpected"): "other",
    }
    if spec.operation_failures is not None:
        ranges[family_class_name(spec, "operation")] = "in body"
    rows = []
    for cls in classes:
        if cls.kind == "base":
            continue
        if cls.kind == "operation":
            status = "in body"
        else:
            status = str(cls.status) if cls.status is not None else ranges.get(cls.name, "any")
        policy = by_constant[cls.policy]
        rows.append(
            ReferenceIR(
                name=cls.name,
                status=status,
                code=cls.code,
                category=cls.category_value,
                retryable=cls.retryable,
                action=Action[policy.action].value,
                delay=_delay_summary(policy),
                title=cls.title,
                cause=cls.cause,
                solution=cls.solution,
                attributes=tuple(a.name for a in cls.attributes),
                documented=any((cls.title, cls.cause, cls.solution, cls.attributes)),
            )
        )
    return rows


def _delay_summary(policy: PolicyIR) -> str:
    """How long ``next_delay`` waits under a policy, in a few words."""
    if not policy.retryable:
        return "no retry"
    parts = []
    if policy.honor_server_delay:
        parts.append(f"server's delay up to {policy.max_server_delay:g} s")
    if policy.default_delay is not None:
        parts.append(f"{policy.default_delay:g} s")
    else:
        jitter = "" if policy.jitter == "none" else f", {policy.jitter} jitter"
        parts.append(
            f"backoff {policy.base_delay:g} s × {policy.multiplier:g} up to {policy.max_delay:g} s{jitter}"
        )
    return f"{', else '.join(parts)}; {policy.max_attempts} attempts"


def _text(value: str | dict[str, str] | None, language: str) -> Text | None:
    if value is None:
        return None
    if isinstance(value, str):
        return Text(value)
    primary = value.get(language) or value.get("en") or next(iter(value.values()))
    others = tuple(sorted((lang, text) for lang, text in value.items() if text != primary))
    return Text(primary, others)


def _policy(name: str, policy: Any) -> PolicyIR:
    return PolicyIR(
        constant=constant_name(name),
        key=name,
        description=policy.description,
        retryable=policy.retryable,
        action=policy.action.name,
        max_attempts=policy.max_attempts,
        base_delay=float(policy.backoff.base),
        multiplier=float(policy.backoff.multiplier),
        max_delay=float(policy.backoff.max_delay),
        jitter=policy.backoff.jitter.value,
        honor_server_delay=policy.honor_server_delay,
        default_delay=None if policy.default_delay is None else float(policy.default_delay),
        max_server_delay=float(policy.max_server_delay),
        rejected_before_processing=policy.rejected_before_processing,
    )


class _ClassBuilder:
    """Works out every class of the vendor package: name, bases, category and policy."""

    def __init__(self, spec: Spec, policies: dict[str, PolicyIR]) -> None:
        self.spec = spec
        self.policies = policies
        self.language = spec.vendor.language
        self.by_name: dict[str, ClassIR] = {}
        self.children: dict[str, list[str]] = {}
        self.ordered: list[ClassIR] = []
        self.status_classes: dict[int, str] = {}

    def add(self, cls: ClassIR, parent: str | None) -> None:
        self.by_name[cls.name] = cls
        self.ordered.append(cls)
        if parent is not None:
            self.children.setdefault(parent, []).append(cls.name)

    def make(
        self,
        name: str,
        parent: str | None,
        kind: str,
        summary: str,
        doc: Any,
        category: Category,
        policy_key: str,
        status: int | None = None,
        code: str | None = None,
        attributes: tuple[AttributeIR, ...] = (),
        captures: tuple[AttributeIR, ...] = (),
        shared: bool = True,
    ) -> ClassIR:
        policy = self.policies[policy_key]
        bases: tuple[str, ...] = (parent,) if parent else ("APIError",)
        parent_ir = self.by_name.get(parent) if parent else None
        shared_class = SHARED_CATEGORY_CLASSES[category]
        shared_above = parent_ir.shared_classes if parent_ir else frozenset()
        if not shared:
            shared_classes = shared_above
        elif shared_class in shared_above:
            shared_classes = shared_above
        else:
            bases = (*bases, shared_class)
            shared_classes = shared_above | {shared_class}
        depth = parent_ir.depth + 1 if parent_ir else 0
        title = _text(doc.title, self.language) if doc else None
        cause = _text(doc.cause, self.language) if doc else None
        solution = _text(doc.solution, self.language) if doc else None
        return ClassIR(
            name=name,
            bases=bases,
            kind=kind,
            summary=summary,
            title=title,
            cause=cause,
            solution=solution,
            status=status,
            code=code,
            category=category.name,
            category_value=category.value,
            policy=policy.constant,
            retryable=policy.retryable,
            attributes=attributes,
            captures=captures,
            depth=depth,
            doc=_class_doc(summary, title, cause, solution, captures),
            shared_classes=shared_classes,
        )

    def build(self) -> None:
        spec = self.spec
        vendor = spec.vendor.name
        base = base_class_name(spec)
        self.add(
            ClassIR(
                name=base,
                bases=("APIError",),
                kind="base",
                summary=f"Base class of every error the {vendor} API reports.",
                title=None,
                cause=None,
                solution=None,
                status=None,
                code=None,
                category=Category.UNKNOWN.name,
                category_value=Category.UNKNOWN.value,
                # Never returned by a parser; errors built by hand get the cautious policy.
                policy=self.policies[self._unexpected().retry].constant,
                retryable=self.policies[self._unexpected().retry].retryable,
                attributes=(),
                captures=(),
                depth=0,
                doc=_class_doc(f"Base class of every error the {vendor} API reports.", None, None, None, ()),
                shared_classes=frozenset(),
            ),
            None,
        )
        # Family classes group statuses and carry no category; the leaf below each one
        # is what an unknown status becomes, so ``except UnknownAPIError`` catches only those.
        family_names: dict[str, str] = {}
        leaves: list[tuple[str, str, str, str]] = []
        for key, family, range_text in (
            ("client", spec.families.client, "4xx"),
            ("server", spec.families.server, "5xx"),
        ):
            name = family_class_name(spec, key)
            family_names[key] = name
            summary = f"Base class of every {range_text} response from {vendor}."
            self.add(self.make(name, base, "family", summary, family, Category.UNKNOWN, family.retry, shared=False), base)
            leaves.append((fallback_class_name(spec, key), name, range_text, family.retry))
        for status, status_class in sorted(spec.statuses.items()):
            family_name = family_names["client" if status < 500 else "server"]
            name = status_class.name or status_class_name(spec.vendor.class_prefix, status)
            category = status_class.category or default_category(status)
            phrase = reason_phrase(status)
            summary = f"HTTP {status}{' ' + phrase if phrase else ''} from {vendor}."
            self.add(
                self.make(name, family_name, "status", summary, status_class, category, status_class.retry, status=status),
                family_name,
            )
            self.status_classes[status] = name
        for leaf, family_name, range_text, policy in leaves:
            summary = f"A {range_text} response from {vendor} that no more specific class matches."
            self.add(self.make(leaf, family_name, "fallback", summary, None, Category.UNKNOWN, policy), family_name)
        unexpected = self._unexpected()
        self.add(
            self.make(
                fallback_class_name(spec, "unexpected"), base, "fallback",
                f"A response from {vendor} whose status is neither 4xx nor 5xx.",
                unexpected, Category.UNKNOWN, unexpected.retry,
            ),
            base,
        )

        self._errors(spec.errors, "error", default_parent=base)
        if spec.operation_failures is not None:
            failures = spec.operation_failures
            operation_family = family_class_name(spec, "operation")
            self.add(
                self.make(
                    operation_family, base, "family",
                    f"A {vendor} job that was accepted and then ended in failure.",
                    failures.family, Category.OPERATION_FAILED, failures.family.retry,
                ),
                base,
            )
            self._errors(failures.errors, "operation", default_parent=operation_family)

        self.ordered = self._tree_order()

    def _inherited_attributes(self, name: str) -> dict[str, AttributeIR]:
        """Attributes the ancestors of a new class already declare, nearest first."""
        found: dict[str, AttributeIR] = {}
        cls: ClassIR | None = self.by_name[name]
        while cls is not None:
            for attribute in cls.attributes:
                found.setdefault(attribute.name, attribute)
            cls = self.by_name.get(cls.bases[0])
        return found

    def _unexpected(self) -> Family:
        families = self.spec.families
        return families.unexpected or Family(retry=families.client.retry)

    def _errors(self, errors: list[Error], kind: str, default_parent: str) -> None:
        pending = list(errors)
        # Parents come before children, whatever order the spec lists them in.
        while pending:
            progressed = False
            for error in list(pending):
                if error.parent is not None and error.parent not in self.by_name:
                    continue
                parent = error.parent or (
                    self.status_classes[error.main_status] if error.main_status is not None else default_parent
                )
                parent_ir = self.by_name[parent]
                category = error.category or Category[parent_ir.category]
                if error.parent is None and category.name != parent_ir.category and parent_ir.kind != "base":
                    # Under a class of another category, ``except <that category>`` would
                    # catch this error too: hang it one level up instead.
                    parent = parent_ir.bases[0]
                    parent_ir = self.by_name[parent]
                policy_key = error.retry or next(p.key for p in self.policies.values() if p.constant == parent_ir.policy)
                summary = _error_summary(error, self.spec.vendor.name)
                inherited = self._inherited_attributes(parent)
                captures = tuple(
                    inherited.get(a.name, a) if a.name not in error.attributes else a
                    for a in _attributes(error)
                )
                self.add(
                    self.make(
                        error.name, parent, kind, summary, error, category, policy_key,
                        status=error.main_status if error.main_status is not None else parent_ir.status,
                        code=error.wire_code or parent_ir.code,
                        attributes=tuple(a for a in captures if a.name not in inherited),
                        captures=captures,
                    ),
                    parent,
                )
                pending.remove(error)
                progressed = True
            if not progressed:  # validation reports parent loops before this point
                raise AssertionError("unresolvable error parents")

    def _tree_order(self) -> list[ClassIR]:
        root = self.ordered[0]
        ordered: list[ClassIR] = []

        def visit(name: str) -> None:
            ordered.append(self.by_name[name])
            for child in self.children.get(name, []):
                visit(child)

        visit(root.name)
        return ordered

    def tree_lines(self) -> list[str]:
        lines = ["APIError", f"└── {self.ordered[0].name}"]

        def visit(name: str, prefix: str) -> None:
            children = self.children.get(name, [])
            for index, child in enumerate(children):
                last = index == len(children) - 1
                cls = self.by_name[child]
                label = child
                parent_status = self.by_name[name].status
                if cls.status is not None and cls.status != parent_status:
                    label += f" ({cls.status})"
                if cls.code and cls.code != self.by_name[name].code:
                    label += f" [{cls.code}]"
                lines.append(f"{prefix}{'└── ' if last else '├── '}{label}")
                visit(child, prefix + ("    " if last else "│   "))

        visit(self.ordered[0].name, "    ")
        return lines


DOC_WIDTH = 80


def _class_doc(
    summary: str,
    title: Text | None,
    cause: Text | None,
    solution: Text | None,
    attributes: tuple[AttributeIR, ...],
) -> tuple[str, ...]:
    """Docstring lines: the title (or summary) first, then cause and solution, wrapped."""
    import textwrap

    def paragraph(label: str, text: Text | None) -> list[str]:
        if text is None:
            return []
        lines = textwrap.wrap(f"{label}{text.primary}", DOC_WIDTH) or [label.strip()]
        for language, translated in text.translations:
            lines += [""] + textwrap.wrap(f"{label}({language}) {translated}", DOC_WIDTH)
        return [""] + lines

    head = title.primary if title else summary
    if head[-1:].isalnum():
        head += "."
    lines = textwrap.wrap(head, DOC_WIDTH) or [head]
    if title is not None:
        lines += [""] + textwrap.wrap(summary, DOC_WIDTH)
        lines += [
            line
            for language, translated in title.translations
            for line in ["", *textwrap.wrap(f"({language}) {translated}", DOC_WIDTH)]
        ]
    lines += paragraph("Cause: ", cause)
    lines += paragraph("Solution: ", solution)
    if attributes:
        names = ", ".join(f"``{a.name}``" for a in attributes)
        lines += [""] + textwrap.wrap(f"Captured from the message: {names}.", DOC_WIDTH)
    return tuple(lines)


def _error_summary(error: Error, vendor: str) -> str:
    what = []
    if error.code is not None:
        what.append(f"code {error.code}")
    if error.statuses:
        what.append("HTTP " + "/".join(str(s) for s in error.statuses))
    if not what:
        return f"{vendor} error told apart by its message."
    return f"{vendor} error, {' / '.join(what)}."


def _attributes(error: Error) -> tuple[AttributeIR, ...]:
    names: list[str] = []
    for pattern in error.patterns:
        for group in re.compile(pattern).groupindex:
            if group not in names:
                names.append(group)
    return tuple(
        AttributeIR(n, *ATTRIBUTE_TYPES[error.attributes.get(n, "str")]) for n in names
    )


def _match_tables(
    errors: list[Error], builder: _ClassBuilder
) -> tuple[list[tuple[str, str]], list[PatternGroupIR], list[PatternGroupIR]]:
    """Lookup tables: code -> class, and the patterns tried per code and per status."""
    by_code: dict[str, str] = {}
    code_patterns: dict[str, list[PatternIR]] = {}
    status_patterns: dict[int, list[PatternIR]] = {}
    for error in errors:
        cls = builder.by_name[error.name]
        code = cls.code
        for pattern in error.patterns:
            entry = PatternIR(pattern, error.name, cls.captures)
            if code is not None:
                code_patterns.setdefault(code, []).append(entry)
            elif cls.status is not None:
                status_patterns.setdefault(cls.status, []).append(entry)
        if code is not None and not error.patterns:
            by_code[code] = error.name
    # A code that only one error claims selects it, its patterns only capture values;
    # a code whose every error has patterns falls back to the class above those errors.
    claims: dict[str, list[str]] = {}
    for error in errors:
        code = builder.by_name[error.name].code
        if code is not None and error.wire_code is not None:
            claims.setdefault(code, []).append(error.name)
    for code, names in claims.items():
        if code not in by_code:
            by_code[code] = names[0] if len(names) == 1 else builder.by_name[names[0]].bases[0]
    return (
        sorted(by_code.items()),
        [PatternGroupIR(k, tuple(v)) for k, v in sorted(code_patterns.items())],
        [PatternGroupIR(k, tuple(v)) for k, v in sorted(status_patterns.items())],
    )


def _header(name: str, milliseconds: bool) -> HeaderIR:
    return HeaderIR(name=name, lower=name.lower(), milliseconds=milliseconds)


def _function_name(envelope_name: str) -> str:
    return f"_read_{envelope_name}"


class _Accessor:
    """Gives each body path a variable, sharing the steps that paths have in common."""

    def __init__(self) -> None:
        self.vars: dict[tuple[str, ...], str] = {(): "data"}
        self.used: set[str] = {"data"}
        self.steps: list[AccessIR] = []
        self.known_dicts: set[str] = {"data"}

    def var(self, path: str) -> str:
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
    | {"generic_fields", "member", "rest_of", "seconds"}
)


def _identifier_part(part: str) -> str:
    cleaned = re.sub(r"[^0-9a-zA-Z]+", "_", part).strip("_").lower()
    cleaned = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", cleaned)
    return cleaned or "field"


def _envelope(envelope: Envelope, spec: Spec) -> EnvelopeIR:
    accessor = _Accessor()
    rejections = [_rejection(accessor.var(c.path), c) for c in conditions(envelope.when) if c.path is not None]
    condition_steps = tuple(accessor.steps)
    # Past the rejections, values checked to be objects need no second check.
    accessor.known_dicts |= {accessor.var(c.path) for c in conditions(envelope.when) if c.path and c.is_ == "object"}
    accessor.steps = []

    def vars_for(paths: list[str]) -> tuple[str, ...]:
        return tuple(accessor.var(p) for p in paths)

    code = vars_for(envelope.code)
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
        function=_function_name(envelope.name),
        description=envelope.description,
        recognised_by=" and ".join(_describe(c) for c in conditions(envelope.when)),
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
_NO_ENVELOPE = Envelope.model_construct(
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


def _rejection(var: str, condition: Condition) -> str:
    """A Python expression, true when the value at the condition's path fails it."""
    kind = condition.is_
    if kind == "object":
        return f"not isinstance({var}, dict)"
    if kind == "string":
        return f"not isinstance({var}, str)"
    if kind == "list":
        return f"not isinstance({var}, list)"
    if kind == "boolean":
        return f"not isinstance({var}, bool)"
    if kind == "number":
        return f"not isinstance({var}, (int, float)) or isinstance({var}, bool)"
    if kind == "present":
        return f"{var} is None"
    if condition.equals is not None:
        return f"not {_same(var, condition.equals)}"
    assert condition.not_equals is not None
    return _same(var, condition.not_equals)


def _same(var: str, literal: str | int | bool) -> str:
    # ``is`` for booleans, so that 0 and 1 never pass for false and true.
    if isinstance(literal, bool):
        return f"{var} is {literal!r}"
    if isinstance(literal, int):
        return f"(type({var}) is int and {var} == {literal!r})"
    from codegen.render import string_literal

    return f"{var} == {string_literal(literal)}"


def _describe(condition: Condition) -> str:
    if condition.is_ == "present":
        return f"{condition.path} is present"
    if condition.is_ is not None:
        article = "an" if condition.is_ == "object" else "a"
        return f"{condition.path} is {article} {condition.is_}"
    if condition.equals is not None:
        return f"{condition.path} equals {json.dumps(condition.equals)}"
    return f"{condition.path} is not {json.dumps(condition.not_equals)}"


def _models(spec: Spec) -> list[ModelIR]:
    models: list[ModelIR] = []
    for envelope in spec.envelopes:
        if envelope.schema_ is not None:
            models.append(ModelIR(envelope_model_name(envelope.name), envelope.schema_))
    errors = list(spec.errors)
    if spec.operation_failures is not None:
        errors += spec.operation_failures.errors
    for error in errors:
        if error.details_schema is not None:
            models.append(ModelIR(details_model_name(error.name), error.details_schema))
    return models


def _models_hash(models: list[ModelIR]) -> str:
    payload = json.dumps([[m.name, m.schema] for m in models], sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()
