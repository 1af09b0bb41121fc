"""Resolve stage: a validated spec becomes the small, explicit model the templates print.

Every decision is taken here, once, by concern: the class tree (``class_tree``), the
envelope readers (``envelopes``), retry policies (``policies``) and the documentation
(``reference``); this module puts them together with the lookup tables and the order
patterns are tried in.  Templates only lay these values out.
"""

from __future__ import annotations

import hashlib
import json

from codegen.class_tree import ClassTree
from codegen.envelopes import NO_ENVELOPE, envelope_reader, header, reader_function
from codegen.model import (
    CodeEntry,
    MatchTables,
    ModelIR,
    OperationIR,
    PatternGroupIR,
    PatternIR,
    StatusEntry,
    VendorIR,
)
from codegen.naming import (
    base_class_name,
    details_model_name,
    envelope_model_name,
    fallback_class_name,
    family_class_name,
)
from codegen.policies import resolve_policy
from codegen.reference import reference_rows
from codegen.resolve_streams import resolve_streams
from codegen.spec import Error, Spec
from codegen.validate import ValidatedSpec


def resolve(validated: ValidatedSpec) -> VendorIR:
    spec = validated.spec
    policies = {name: resolve_policy(name, policy) for name, policy in spec.retry_policies.items()}
    builder = ClassTree(spec, policies)
    builder.build()

    envelopes = [envelope_reader(envelope, spec) for envelope in spec.envelopes]
    tables = match_tables(spec.errors, builder)
    operation = None
    if spec.operation_failures is not None:
        failures = spec.operation_failures
        failure_tables = match_tables(failures.errors, builder)
        operation = OperationIR(
            envelope=reader_function(failures.envelope),
            family=family_class_name(spec, "operation"),
            by_code=failure_tables.by_code,
            patterns=failure_tables.code_patterns,
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
        by_code=tables.by_code,
        code_patterns=tables.code_patterns,
        by_status=tuple(StatusEntry(*item) for item in sorted(builder.status_classes.items())),
        status_patterns=tables.status_patterns,
        client_fallback=fallback_class_name(spec, "client"),
        server_fallback=fallback_class_name(spec, "server"),
        unexpected_fallback=fallback_class_name(spec, "unexpected"),
        request_id_headers=[header(name, False) for name in spec.request_id.headers],
        request_id_body=list(spec.request_id.body),
        retry_after_headers=[
            header(h.name, h.unit == "milliseconds") for h in spec.retry_after.headers
        ],
        retry_after_body=list(spec.retry_after.body),
        unrecognised=envelope_reader(NO_ENVELOPE, spec),
        operation=operation,
        models=models,
        models_sha256=_models_hash(models),
        fallback_policy=builder.by_name[fallback_class_name(spec, "unexpected")].policy,
        converter_imports=sorted(c for c in converters if c is not None),
        reference=reference_rows(spec, builder.ordered, policies),
        streams=resolve_streams(spec),
    )
    return vendor


def match_tables(errors: list[Error], builder: ClassTree) -> MatchTables:
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
        if code is not None and error.code is not None:
            claims.setdefault(code, []).append(error.name)
    for code, names in claims.items():
        if code not in by_code:
            by_code[code] = names[0] if len(names) == 1 else builder.by_name[names[0]].bases[0]
    return MatchTables(
        by_code=tuple(CodeEntry(*item) for item in sorted(by_code.items())),
        code_patterns=tuple(PatternGroupIR(k, tuple(v)) for k, v in sorted(code_patterns.items())),
        status_patterns=tuple(PatternGroupIR(k, tuple(v)) for k, v in sorted(status_patterns.items())),
    )


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
