"""Documentation of the generated classes: docstrings, and the rows of ERRORS.md."""

from __future__ import annotations

from codegen.model import AttributeIR, ClassIR, PolicyIR, ReferenceIR, Text, Translation
from codegen.naming import fallback_class_name, family_class_name
from codegen.policies import delay_summary
from codegen.spec import Action, Spec

DOC_WIDTH = 80


def class_doc(
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


def spec_text(value: str | dict[str, str] | None, language: str) -> Text | None:
    if value is None:
        return None
    if isinstance(value, str):
        return Text(value)
    primary = value.get(language) or value.get("en") or next(iter(value.values()))
    others = tuple(sorted(Translation(lang, text) for lang, text in value.items() if text != primary))
    return Text(primary, others)


def reference_rows(spec: Spec, classes: list[ClassIR], policies: dict[str, PolicyIR]) -> list[ReferenceIR]:
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
                delay=delay_summary(policy),
                title=cls.title,
                cause=cls.cause,
                solution=cls.solution,
                attributes=tuple(a.name for a in cls.attributes),
                documented=any((cls.title, cls.cause, cls.solution, cls.attributes)),
            )
        )
    return rows
