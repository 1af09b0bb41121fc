"""The class tree of a vendor package: every class's name, bases, category and policy."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

from codegen.model import AttributeIR, ClassIR, FieldIR, PolicyIR
from codegen.naming import (
    SHARED_CATEGORY_CLASSES,
    base_class_name,
    default_category,
    fallback_class_name,
    family_class_name,
    reason_phrase,
    status_class_name,
)
from codegen.reference import class_doc, spec_text
from codegen.spec import Category, Error, Family, Spec

# Spec attribute type -> (annotation, the runtime's converter from text; None keeps the text).
ATTRIBUTE_TYPES: dict[str, tuple[str, str | None]] = {
    "str": ("str", None),
    "int": ("int", "to_int"),
    "float": ("float", "to_float"),
}
# Named body field type -> annotation of the attribute.
FIELD_ANNOTATIONS = {
    "str": "str", "int": "int", "float": "float", "bool": "bool",
    "object": "dict[str, object]", "list": "list[object]", "any": "object",
}


class ClassTree:
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
        title = spec_text(doc.title, self.language) if doc else None
        cause = spec_text(doc.cause, self.language) if doc else None
        solution = spec_text(doc.solution, self.language) if doc else None
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
            doc=class_doc(summary, title, cause, solution, captures),
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
                doc=class_doc(f"Base class of every error the {vendor} API reports.", None, None, None, ()),
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
                policy_key = error.retry or next(p.name for p in self.policies.values() if p.constant == parent_ir.policy)
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
                self.by_name[error.name] = dataclasses.replace(
                    self.by_name[error.name],
                    fields=tuple(
                        FieldIR(name, FIELD_ANNOTATIONS[f.type], f.path, f.type) for name, f in error.fields.items()
                    ),
                    aliases=tuple(error.aliases),
                )
                self.ordered[-1] = self.by_name[error.name]
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
