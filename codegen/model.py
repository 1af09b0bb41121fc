"""The intermediate model: what the resolve stage decides and the render stage prints.

Plain frozen records, no logic beyond reading them: ``resolve`` builds a ``VendorIR``
per spec, the templates lay it out, and ``VendorSummary`` is the part of it the shared
files read (kept in each vendor's ``__init__.py``, so that a build reuses it from disk).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from codegen.literals import python_literal
from codegen.naming import all_order, isort_order


class Translation(NamedTuple):
    language: str
    text: str


@dataclass(frozen=True)
class Text:
    """Spec text in the vendor's language, with other languages where the spec gives them."""

    primary: str
    translations: tuple[Translation, ...] = ()


def _policy_field(annotation: str, label: str, doc: str | None = None) -> Any:
    """A field of the generated ``RetryPolicy``: its annotation there, the words
    ``codegen diff`` reports a change to it with, and its docstring."""
    return field(metadata={"annotation": annotation, "label": label, "doc": doc})


@dataclass(frozen=True)
class PolicyIR:
    """One retry policy. The fields after ``description`` are those of the generated
    ``RetryPolicy``, in the order of its constructor (``POLICY_FIELDS``)."""

    constant: str
    description: str | None
    name: str = _policy_field("str", "name")
    retryable: bool = _policy_field("bool", "retryable", "Sending the same request again may succeed.")
    action: str = _policy_field("Action", "action")  # member name of the Action enum
    max_attempts: int = _policy_field("int", "max attempts", "Attempts in all, the first one included.")
    base_delay: float = _policy_field("float", "backoff base")
    multiplier: float = _policy_field("float", "backoff multiplier")
    max_delay: float = _policy_field(
        "float", "backoff max delay", "Upper bound of one backoff delay, before jitter."
    )
    jitter: str = _policy_field(
        "str",
        "jitter",
        "``full``: uniform in [0, delay]; ``equal``: in [delay/2, delay]; ``none``.",
    )
    honor_server_delay: bool = _policy_field("bool", "honours server delays")
    default_delay: float | None = _policy_field(
        "float | None", "default delay", "The documented delay when the server gives none."
    )
    max_server_delay: float = _policy_field(
        "float", "max server delay", "A server delay above this gets no retry, never a longer sleep."
    )
    rejected_before_processing: bool = _policy_field(
        "bool",
        "rejected before processing",
        "The server refused the request before acting on it: safe to send again even if not idempotent.",
    )

    @property
    def arguments(self) -> tuple[tuple[str, str], ...]:
        """The generated ``RetryPolicy``'s keyword arguments, as code."""
        return tuple(
            (f.name, f"Action.{self.action}" if f.name == "action" else python_literal(getattr(self, f.name)))
            for f in POLICY_FIELDS
        )


@dataclass(frozen=True)
class PolicyField:
    name: str
    annotation: str
    label: str
    doc: str | None


POLICY_FIELDS = tuple(
    PolicyField(f.name, f.metadata["annotation"], f.metadata["label"], f.metadata["doc"])
    for f in fields(PolicyIR)
    if f.metadata
)
"""The fields of the generated ``RetryPolicy``, in the order of its constructor: the one
list that ``PolicyIR``, ``RetryPolicy``, the policy tables and ``codegen diff`` follow."""


@dataclass(frozen=True)
class AttributeIR:
    name: str
    type: str
    converter: str | None  # the runtime function that turns the matched text into ``type``; None keeps it


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
    fields: tuple[FieldIR, ...] = ()
    """Named body fields this class declares (its ancestors' are theirs)."""
    aliases: tuple[str, ...] = ()
    """Former names, kept importable with a deprecation warning."""


@dataclass(frozen=True)
class FieldIR:
    """A named body field: an attribute of the error, read from ``path`` as ``kind``."""

    name: str
    annotation: str
    path: str
    kind: str


@dataclass(frozen=True)
class FieldReaderIR:
    """The function that reads a class's named body fields, its ancestors' included."""

    class_name: str
    function: str
    accesses: tuple[AccessIR, ...]
    values: tuple[tuple[str, str, str], ...]  # attribute, variable, kind


@dataclass(frozen=True)
class PatternIR:
    pattern: str | None
    """None for an error told apart by its conditions alone."""
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
    reads_headers: bool = False
    """Its conditions test headers: the reader takes them as a second argument."""
    code_precedence: bool = False
    """Several code paths: the first holding a known code wins."""


@dataclass(frozen=True)
class ConditionIR:
    """A predicate function for an error's ``when``: body accesses, then one expression."""

    function: str
    accesses: tuple[AccessIR, ...]
    expression: str
    description: str


class CodeEntry(NamedTuple):
    """A wire code and the class it selects."""

    code: str
    class_name: str


class StatusEntry(NamedTuple):
    """A status and the class it selects."""

    status: int
    class_name: str


@dataclass(frozen=True)
class PatternGroupIR:
    key: str | int
    patterns: tuple[PatternIR, ...]


@dataclass(frozen=True)
class MatchTables:
    """What selects an error's class: its code, then patterns per code or per status."""

    by_code: tuple[CodeEntry, ...]
    code_patterns: tuple[PatternGroupIR, ...]
    status_patterns: tuple[PatternGroupIR, ...]


@dataclass(frozen=True)
class OperationIR:
    envelope: str
    family: str
    by_code: tuple[CodeEntry, ...]
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


class VendorSummary(NamedTuple):
    """What the shared files say about a vendor; kept in its ``__init__.py`` for reuse."""

    slug: str
    name: str
    language: str
    docs_url: str


RETRYING_EXPORTS = (
    "RETRYING",
    "acall_with_retries",
    "call_with_retries",
    "stamina_on",
    "tenacity_retry",
    "tenacity_stop",
    "tenacity_wait",
)
"""What a vendor's ``retrying.py`` exports; its package imports it only when one is used."""


@dataclass(frozen=True)
class StreamsIR:
    """A vendor's streams, as tables for its ``streams`` module (see ``resolve_streams``)."""

    framing: str
    errors: tuple[tuple[Any, ...], ...]
    """(event type or None, condition or None, status or None) per error rule."""
    content: tuple[Any, ...] | None
    """("events", names) or ("when", condition); None: every event that is not an error."""
    resume: tuple[Any, ...] | None
    """("last_event_id", None) or ("cursor", path)."""
    doc: tuple[str, ...]
    """What the module's docstring says about the stream, one line each."""


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
    by_code: tuple[CodeEntry, ...]
    code_patterns: tuple[PatternGroupIR, ...]
    by_status: tuple[StatusEntry, ...]
    status_patterns: tuple[PatternGroupIR, ...]
    client_fallback: str
    server_fallback: str
    unexpected_fallback: str
    request_id_headers: list[HeaderIR]
    request_id_body: list[str]
    retry_after_headers: list[HeaderIR]
    retry_after_body: list[str]
    unrecognised: EnvelopeIR
    """Reads the spec's own body paths from a JSON object that matches no envelope."""
    conditions: list[tuple[str, ConditionIR]]
    field_readers: list[FieldReaderIR]
    rate_limit_table: list[tuple[str, str | None, str | None, str | None, str]]
    """Resource, limit header, remaining header, reset header, reset format."""
    ietf_rate_limits: bool
    directives: list[str]
    """Lower-cased headers whose true or false overrides the table."""
    directed_policy: str | None
    """Constant of the policy a server directive to retry gets when the table says no."""
    """Class name -> the predicate of its ``when``, tried before its patterns."""
    operation: OperationIR | None
    models: list[ModelIR]
    models_sha256: str
    fallback_policy: str
    converter_imports: list[str]
    reference: list[ReferenceIR]
    resilience: list[tuple[str, str]]
    """Keyword arguments of the vendor's ``Retrying`` from the spec's resilience keys."""
    resilience_imports: list[tuple[str, str]]
    """(shared module, name) imports those arguments need."""
    streams: StreamsIR | None = None
    """What the ``streams`` module prints; None without a ``streams`` section."""

    @property
    def summary(self) -> dict[str, str]:
        """What the shared files say about the vendor (the fields of ``VendorSummary``)."""
        return {"docs_url": self.docs_url, "language": self.language, "name": self.name, "slug": self.slug}

    @property
    def first_reader(self) -> str:
        """The reader of the body shape tried first (the parser calls it directly)."""
        return self.envelopes[0].function if self.envelopes else "_read_unrecognised"

    @property
    def other_reader(self) -> str:
        """The reader of any JSON object the first shape does not recognise."""
        return "_read_other" if len(self.envelopes) > 1 else "_read_unrecognised"

    @property
    def other_reads(self) -> tuple[str, ...]:
        """What ``_read_other`` calls, in order: the readers of the other body shapes, each
        None for a body of another shape, then the common field names."""
        arguments = "(data, headers)" if self.reads_headers else "(data)"
        readers = [e.function for e in self.envelopes[1:]] + ["_read_unrecognised"]
        return tuple(reader + arguments for reader in readers)

    @property
    def directive_headers(self) -> tuple[str, ...]:
        """The retry directive headers, as the matcher takes them."""
        return tuple(self.directives)

    @property
    def reads_headers(self) -> bool:
        """Whether a body shape's conditions test headers: then every reader takes them."""
        return any(e.reads_headers for e in self.envelopes)

    @property
    def matching_type_imports(self) -> list[str]:
        """The types ``parser.py`` names from the shared ``_matching`` module."""
        names = ["Fields"]
        if self.conditions:
            names.append("Condition")
        if self.field_readers:
            names.append("FieldReader")
        return isort_order(names)

    @property
    def reader_parameters(self) -> str:
        """The parameters of every body reader."""
        return "data: dict[str, Any], headers: Headers" if self.reads_headers else "data: dict[str, Any]"

    @property
    def request_id_header_names(self) -> tuple[str, ...]:
        """The headers that carry a request id, lower-cased, in the order they are read."""
        return tuple(h.lower for h in self.request_id_headers)

    @property
    def retry_after_header_pairs(self) -> tuple[tuple[str, bool], ...]:
        """Each delay header, lower-cased, with whether it counts milliseconds."""
        return tuple((h.lower, h.milliseconds) for h in self.retry_after_headers)

    @property
    def retrying_exports(self) -> tuple[str, ...]:
        return RETRYING_EXPORTS

    @property
    def signal_imports(self) -> list[str]:
        """What ``parser.py`` takes from the shared ``_signals`` module."""
        names = []
        if self.code_precedence:
            names.append("first_known_code")
        if self.field_readers:
            names.append("field_value")
        return isort_order(names)

    @property
    def aliases(self) -> list[tuple[str, str]]:
        """Former class name -> the class it became."""
        return sorted((alias, c.name) for c in self.classes for alias in c.aliases)

    @property
    def signals(self) -> bool:
        """Whether responses carry retry directives or rate limits to read."""
        return bool(self.rate_limit_table or self.ietf_rate_limits or self.directives)

    @property
    def code_precedence(self) -> bool:
        return any(e.code_precedence for e in self.envelopes)

    @property
    def exports(self) -> list[str]:
        names = [c.name for c in self.classes]
        names += ["RETRY_POLICIES", "error_from_response", "next_delay", "parse_error", "rate_limits"]
        names += ["policy_for", "raise_for_error", "aerror_from_response", "araise_for_error"]
        names += self.retrying_exports
        if self.operation is not None:
            names.append("error_from_payload")
        return all_order(names)

    @property
    def class_imports(self) -> list[str]:
        """The vendor's class names, in the order an import lists them."""
        return isort_order(c.name for c in self.classes)

    @property
    def class_exports(self) -> list[str]:
        """The vendor's class names, in the order ``__all__`` lists them."""
        return all_order(c.name for c in self.classes)

    @property
    def retry_exports(self) -> list[str]:
        """What ``retry.py`` exports: its policy table, policies and functions."""
        return all_order(["RETRY_POLICIES", *(p.constant for p in self.policies), "next_delay", "policy_for"])
