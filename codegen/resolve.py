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
from codegen.envelopes import (
    NO_ENVELOPE,
    body_accessor,
    condition_function,
    envelope_reader,
    header,
    reader_function,
)
from codegen.model import (
    ClassIR,
    CodeEntry,
    FieldIR,
    FieldReaderIR,
    MatchTables,
    ModelIR,
    OperationIR,
    PolicyIR,
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
    snake_case,
)
from codegen.policies import resolve_policy
from codegen.reference import reference_rows
from codegen.resolve_streams import resolve_streams
from codegen.resolve_resilience import retrying_arguments, retrying_imports
from codegen.spec import Error, Spec
from codegen.validate import ValidatedSpec, error_sections


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
    resilience = retrying_arguments(spec)
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
        field_readers=_field_readers(spec, builder),
        rate_limit_table=[
            (
                source.resource,
                source.limit.lower() if source.limit else None,
                source.remaining.lower() if source.remaining else None,
                source.reset.header.lower() if source.reset else None,
                source.reset.format if source.reset else "seconds",
            )
            for source in spec.rate_limits
            if source.resource is not None
        ],
        ietf_rate_limits=any(source.ietf for source in spec.rate_limits),
        directives=list(dict.fromkeys(d.header.lower() for d in spec.retry_directives)),
        directed_policy=_directed_policy(spec, policies),
        conditions=[
            (error.name, condition_function(f"_when_{snake_case(error.name)}", error.when))
            for _, section in error_sections(spec)
            for error in section
            if error.when is not None
        ],
        operation=operation,
        models=models,
        models_sha256=_models_hash(models),
        fallback_policy=builder.by_name[fallback_class_name(spec, "unexpected")].policy,
        converter_imports=sorted(c for c in converters if c is not None),
        reference=reference_rows(spec, builder.ordered, policies),
        streams=resolve_streams(spec),
        resilience=resilience,
        resilience_imports=retrying_imports(resilience),
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
        statuses = error.statuses or ((cls.status,) if cls.status is not None else ())
        # Patterns refine in spec order; an error with conditions and no pattern takes
        # its place among them, matching whenever its conditions hold.
        sources: list[str | None] = list(error.patterns) or ([None] if error.when is not None else [])
        for pattern in sources:
            entry = PatternIR(pattern, error.name, cls.captures)
            if code is not None:
                code_patterns.setdefault(code, []).append(entry)
            for status in statuses if code is None else ():
                status_patterns.setdefault(status, []).append(entry)
        if code is not None and not sources:
            by_code[code] = error.name
    # A code that only one error claims selects it, its patterns only capture values;
    # a code whose every error has patterns falls back to the class above those errors,
    # as does a code whose one error has conditions that do not hold.
    claims: dict[str, list[Error]] = {}
    for error in errors:
        code = builder.by_name[error.name].code
        if code is not None and error.wire_code is not None:
            claims.setdefault(code, []).append(error)
    for code, claimants in claims.items():
        if code not in by_code:
            sole = len(claimants) == 1 and claimants[0].when is None
            by_code[code] = claimants[0].name if sole else builder.by_name[claimants[0].name].bases[0]
    return MatchTables(
        by_code=tuple(CodeEntry(*item) for item in sorted(by_code.items())),
        code_patterns=tuple(PatternGroupIR(k, tuple(v)) for k, v in sorted(code_patterns.items())),
        status_patterns=tuple(PatternGroupIR(k, tuple(v)) for k, v in sorted(status_patterns.items())),
    )


def _directed_policy(spec: Spec, policies: dict[str, PolicyIR]) -> str | None:
    """The policy a server's directive to retry gets where the table would not retry."""
    if not spec.retry_directives:
        return None
    named = [d.policy for d in spec.retry_directives if d.policy is not None]
    return policies[named[0] if named else spec.families.server.retry].constant


def _field_readers(spec: Spec, builder: ClassTree) -> list[FieldReaderIR]:
    """For each class with named body fields (its own or inherited), the function reading them."""
    readers = []
    for cls in builder.ordered:
        fields: dict[str, FieldIR] = {}
        current: ClassIR | None = cls
        while current is not None:
            for field in current.fields:
                fields.setdefault(field.name, field)
            current = builder.by_name.get(current.bases[0])
        if not fields:
            continue
        accessor = body_accessor()
        values = tuple((f.name, accessor.var(f.path), f.kind) for f in sorted(fields.values(), key=lambda f: f.name))
        readers.append(
            FieldReaderIR(cls.name, f"_fields_{snake_case(cls.name)}", tuple(accessor.steps), values)
        )
    return readers


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
