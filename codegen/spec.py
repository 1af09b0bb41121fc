"""The spec format: pydantic models that validate one vendor's YAML spec.

Validation here is about the shape and the local rules of each field.  Rules that
need the whole spec (references, name collisions, shadowed patterns) live in
``validate.py`` so that every message can point at the offending line.
"""

from __future__ import annotations

import builtins
import keyword
import re
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from codegen.regex_safety import MAX_GROUP_DEPTH, compiled_pattern, group_depth, template_pattern

SPEC_VERSION = 1

# Limits that keep generated code and runtime behaviour sane.
MAX_ATTEMPTS_LIMIT = 100
MAX_DELAY_LIMIT = 86_400.0
MAX_TEXT_LENGTH = 20_000
MAX_PATTERN_LENGTH = 1_000
MAX_ERRORS = 2_000

CLASS_NAME = r"^[A-Z][A-Za-z0-9]*$"
ATTRIBUTE_NAME = r"^[a-z][a-z0-9_]*$"
SLUG = r"^[a-z][a-z0-9_]*$"
POLICY_NAME = r"^[a-z][a-z0-9_]*$"
ENVELOPE_NAME = r"^[a-z][a-z0-9_]*$"
LANGUAGE = r"^[a-z]{2}(-[A-Z]{2})?$"
BODY_PATH = r"^[^.\s]+(\.[^.\s]+)*$"
HEADER_NAME = r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$"
URL = r"^https?://\S+$"

# What each pattern asks for, in the words of error messages.
PATTERN_DESCRIPTIONS = {
    CLASS_NAME: "a CamelCase class name (a capital letter, then letters and digits) such as 'ModelNotFoundError'",
    SLUG: "a lower_snake_case name (a lowercase letter, then lowercase letters, digits and '_')",
    LANGUAGE: "a language code such as 'en' or 'pt-BR'",
    BODY_PATH: "a dotted path into the body such as 'error.code' (no spaces, no empty parts)",
    HEADER_NAME: "an HTTP header name such as 'X-Request-ID' (no spaces)",
    URL: "an http:// or https:// URL without spaces",
}


def rule(message: str, field: str | None = None) -> PydanticCustomError:
    """A broken rule of the spec format; ``field`` names the key the message points at."""
    # The message goes in as context: pydantic would read braces in a template as placeholders.
    return PydanticCustomError("spec_rule", "{message}", {"message": message, "field": field})


class Category(str, Enum):
    INVALID_REQUEST = "invalid_request"
    AUTHENTICATION = "authentication"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    PAYMENT_REQUIRED = "payment_required"
    RATE_LIMITED = "rate_limited"
    QUOTA_EXCEEDED = "quota_exceeded"
    INTERNAL = "internal"
    UPSTREAM = "upstream"
    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    OPERATION_FAILED = "operation_failed"
    UNKNOWN = "unknown"


class Action(str, Enum):
    RETRY = "retry"
    CONTINUE_POLLING = "continue_polling"
    RESUBMIT = "resubmit"
    FIX_REQUEST = "fix_request"
    CHECK_CREDENTIALS = "check_credentials"
    ADD_CREDITS = "add_credits"
    WAIT_FOR_QUOTA = "wait_for_quota"
    CONTACT_SUPPORT = "contact_support"


class Jitter(str, Enum):
    FULL = "full"
    EQUAL = "equal"
    NONE = "none"


class Strict(BaseModel):
    """Base of every spec model: unknown keys are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT_LENGTH)]
LanguageCode = Annotated[str, Field(pattern=LANGUAGE)]
# A string in the vendor's language, or the same text in several languages.
LocalizedText = Text | Annotated[dict[LanguageCode, Text], Field(min_length=1)]
# A dotted path into a JSON body: "error.code", "detail.0.msg".
BodyPath = Annotated[str, Field(pattern=BODY_PATH, max_length=200)]
PositiveDelay = Annotated[float, Field(ge=0, le=MAX_DELAY_LIMIT, allow_inf_nan=False)]
JsonSchema = dict[str, Any]


class Vendor(Strict):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    """Display name, as the vendor writes it."""
    slug: Annotated[str, Field(pattern=SLUG, max_length=50)]
    """Package name under the output folder."""
    class_prefix: Annotated[str, Field(pattern=CLASS_NAME, max_length=50)]
    """Prefix of the vendor's own classes: ``<prefix>Error``, ``<prefix>ClientError``..."""
    docs_url: Annotated[str, Field(pattern=URL, max_length=500)]
    language: LanguageCode = "en"
    """Language of the vendor's error messages."""


class DelayHeader(Strict):
    name: Annotated[str, Field(pattern=HEADER_NAME, max_length=100)]
    unit: Literal["seconds", "milliseconds"] = "seconds"
    """Seconds headers also accept an HTTP-date, as ``Retry-After`` does."""


class RequestIdSources(Strict):
    headers: list[Annotated[str, Field(pattern=HEADER_NAME)]] = []
    body: list[BodyPath] = []


class RetryAfterSources(Strict):
    headers: list[DelayHeader] = []
    body: list[BodyPath] = []
    """Body fields holding a delay in seconds, tried after the headers."""


HeaderName = Annotated[str, Field(pattern=HEADER_NAME, max_length=100)]
ConditionValue = str | int | bool


class Condition(Strict):
    """One test on the response, or a combination of tests.

    ``{path, is|equals|not_equals}`` tests the body's value at ``path``;
    ``{header, equals|not_equals|present}`` tests a header; ``{all: [...]}``,
    ``{any: [...]}`` and ``{not: {...}}`` combine tests.
    """

    path: BodyPath | None = None
    header: HeaderName | None = None
    is_: Annotated[
        Literal["object", "string", "list", "number", "boolean", "present"] | None,
        Field(alias="is"),
    ] = None
    equals: ConditionValue | None = None
    not_equals: ConditionValue | None = None
    present: Literal[True] | None = None
    """With ``header``: the header is sent, whatever its value."""
    all: Annotated[list[Condition], Field(min_length=1, max_length=20)] | None = None
    any: Annotated[list[Condition], Field(min_length=1, max_length=20)] | None = None
    not_: Annotated[Condition | None, Field(alias="not")] = None

    @model_validator(mode="after")
    def exactly_one_test(self) -> Condition:
        subjects = [
            name
            for name, value in (("path", self.path), ("header", self.header), ("all", self.all),
                                ("any", self.any), ("not", self.not_))
            if value is not None
        ]
        if len(subjects) != 1:
            raise rule(
                "a condition takes exactly one of 'path', 'header', 'all', 'any' or 'not'"
                if subjects else
                "a condition needs 'path' (a body test), 'header' (a header test), or 'all', 'any' or 'not'"
            )
        if self.path is not None:
            tests = [t for t in (self.is_, self.equals, self.not_equals) if t is not None]
            if self.present is not None:
                raise rule("'present' tests a header; on a body path write is: present", "present")
            if len(tests) != 1:
                raise rule("a condition takes exactly one of 'is', 'equals' or 'not_equals'; split it into one condition per test")
        elif self.header is not None:
            if self.is_ is not None:
                raise rule("a header condition takes equals, not_equals or present: true, not 'is'", "is")
            tests = [t for t in (self.present, self.equals, self.not_equals) if t is not None]
            if len(tests) != 1:
                raise rule("a header condition takes exactly one of 'equals', 'not_equals' or 'present'")
            for value in (self.equals, self.not_equals):
                if value is not None and not isinstance(value, str):
                    raise rule(
                        "header values are text: quote the value",
                        "equals" if self.equals is not None else "not_equals",
                    )
        elif any(t is not None for t in (self.is_, self.equals, self.not_equals, self.present)):
            raise rule("'all', 'any' and 'not' combine other conditions and take no test of their own")
        return self

    def tests_headers(self) -> bool:
        """Whether this condition, or one inside it, reads a header."""
        return self.header is not None or builtins.any(c.tests_headers() for c in self.children())

    def children(self) -> list[Condition]:
        return [*(self.all or ()), *(self.any or ()), *((self.not_,) if self.not_ is not None else ())]


# A list of conditions means all of them.
When = Annotated[list[Condition], Field(min_length=1, max_length=20)] | Condition


def conditions(when: list[Condition] | Condition | None) -> list[Condition]:
    """A ``when`` as the list of conditions that must all hold."""
    if when is None:
        return []
    return when if isinstance(when, list) else [when]


class Envelope(Strict):
    """One body shape: how to recognise it and where each piece of the error sits."""

    name: Annotated[str, Field(pattern=ENVELOPE_NAME, max_length=50)]
    description: Text | None = None
    when: When
    """The conditions that recognise the shape; a list means all of them."""
    code: list[BodyPath] = []
    """Paths tried in order: the first holding a code the spec knows wins, else the first present."""
    message: list[BodyPath] = []
    """Tried in order; the first string wins (``detail`` as a string, then ``detail.message``)."""
    details: list[BodyPath] = []
    """The first object or list found; ``$`` is the whole body."""
    details_from_rest_of: BodyPath | None = None
    """Where the shape has no details object: this object's fields other than code and message."""
    request_id: list[BodyPath] = []
    retry_after: list[BodyPath] = []
    schema_: Annotated[JsonSchema | None, Field(alias="schema")] = None
    """JSON Schema of the whole body, turned into a pydantic model in ``models.py``."""


class Backoff(Strict):
    base: Annotated[float, Field(gt=0, le=3_600, allow_inf_nan=False)] = 1.0
    multiplier: Annotated[float, Field(ge=1, le=10, allow_inf_nan=False)] = 2.0
    max_delay: Annotated[float, Field(gt=0, le=MAX_DELAY_LIMIT, allow_inf_nan=False)] = 60.0
    jitter: Jitter = Jitter.FULL

    @model_validator(mode="after")
    def base_within_max(self) -> Backoff:
        if self.base > self.max_delay:
            raise rule(
                f"base ({self.base:g}) is larger than max_delay ({self.max_delay:g}); lower base or raise max_delay",
                "base",
            )
        return self


class RetryPolicy(Strict):
    retryable: bool
    action: Action
    description: Text | None = None
    max_attempts: Annotated[int, Field(ge=1, le=MAX_ATTEMPTS_LIMIT)] = 1
    """Attempts in all, the first one included."""
    backoff: Backoff = Backoff()
    honor_server_delay: bool = True
    default_delay: PositiveDelay | None = None
    """The documented delay when the server gives none; honoured as given."""
    max_server_delay: Annotated[float, Field(gt=0, le=MAX_DELAY_LIMIT, allow_inf_nan=False)] = 300.0
    """A server that asks for longer than this gets no retry, never a longer sleep."""
    rejected_before_processing: bool = False
    """The server refused the request before acting on it, so even a POST may be sent again."""

    @model_validator(mode="after")
    def coherent(self) -> RetryPolicy:
        if self.retryable and self.max_attempts < 2:
            raise rule(
                "a retryable policy needs max_attempts of at least 2 (attempts in all, the first included)",
                "max_attempts",
            )
        if not self.retryable and self.max_attempts != 1:
            raise rule("a policy that is not retryable makes one attempt; remove max_attempts", "max_attempts")
        if self.action in (Action.RETRY, Action.CONTINUE_POLLING) and not self.retryable:
            raise rule(
                f"action '{self.action.value}' sends the request again, so the policy needs retryable: true",
                "action",
            )
        if self.retryable and self.action not in (Action.RETRY, Action.CONTINUE_POLLING):
            raise rule(
                f"action '{self.action.value}' does not send the same request again;"
                " set retryable: false, or use action retry or continue_polling",
                "action",
            )
        if self.default_delay is not None and self.default_delay > self.max_server_delay:
            raise rule(
                f"default_delay ({self.default_delay:g}) is larger than max_server_delay"
                f" ({self.max_server_delay:g}), so it would never be honoured",
                "default_delay",
            )
        return self


CaptureValue = str | int | float | bool | None


class Expectation(Strict):
    """What an example response must come out as, beyond its own class and category."""

    retryable: bool | None = None
    """The verdict for this response (the table's, or the server's directive)."""
    retry_reason: Literal["table", "server_directive", "server_delay_over_cap"] | None = None
    captures: dict[Annotated[str, Field(pattern=ATTRIBUTE_NAME, max_length=60)], CaptureValue] = {}
    """Attributes captured from the message or read from named body fields."""


class Example(Strict):
    """A response the vendor's document shows; the build checks that it comes out as its error."""

    status: Annotated[int, Field(ge=100, le=999)] | None = None
    headers: dict[str, str] = {}
    body: str | dict[str, Any] | list[Any]
    expect: Expectation | None = None


class ClassDoc(Strict):
    title: LocalizedText | None = None
    cause: LocalizedText | None = None
    solution: LocalizedText | None = None


class StatusClass(ClassDoc):
    """What a documented HTTP status becomes when no error below it matches."""

    name: Annotated[str, Field(pattern=CLASS_NAME, max_length=80)] | None = None
    category: Category | None = None
    retry: Annotated[str, Field(pattern=POLICY_NAME)]
    examples: list[Example] = []


class Family(ClassDoc):
    name: Annotated[str, Field(pattern=CLASS_NAME, max_length=80)] | None = None
    retry: Annotated[str, Field(pattern=POLICY_NAME)]


class Families(Strict):
    """Classes for statuses the spec does not list: 4xx, 5xx, and anything else."""

    client: Family
    server: Family
    unexpected: Family | None = None


AttributeType = Literal["str", "int", "float"]
FieldType = Literal["str", "int", "float", "bool", "object", "list", "any"]
# The body's top level, where a path is allowed to name it.
TOP_LEVEL = "$"
ErrorCode = Annotated[str, Field(min_length=1, max_length=200)] | Annotated[int, Field(ge=-(2**53), le=2**53)]
Status = Annotated[int, Field(ge=100, le=599)]
ClassName = Annotated[str, Field(pattern=CLASS_NAME, max_length=80)]


class BodyField(Strict):
    """A named value of the body, exposed as a typed attribute of the error."""

    path: BodyPath
    type: FieldType = "str"
    """A value of another type reads as None."""


def _compiles(pattern: str) -> str:
    depth = group_depth(pattern)
    if depth > MAX_GROUP_DEPTH:
        raise rule(f"groups nest {depth} deep; a pattern may nest them at most {MAX_GROUP_DEPTH} deep")
    try:
        compiled_pattern(pattern)
    except re.error as exc:
        near = f" near {pattern[exc.pos:exc.pos + 20]!r}" if exc.pos is not None else ""
        raise rule(f"invalid regular expression: {exc.msg} at position {exc.pos}{near}") from None
    return pattern


def _template_compiles(template: str) -> str:
    try:
        template_pattern(template)
    except ValueError as exc:
        raise rule(f"invalid template: {exc}") from None
    return template


class Error(ClassDoc):
    name: ClassName
    status: Status | Annotated[list[Status], Field(min_length=1, max_length=20)] | None = None
    """The documented status, or several; absent where the document gives a code but no status."""
    code: ErrorCode | None = None
    """The wire code, a string or an integer."""
    when: When | None = None
    """Conditions on the headers and body that must also hold; a list means all of them."""
    aliases: Annotated[list[ClassName], Field(max_length=20)] = []
    """Former names of the class, kept importable (deprecated)."""
    fields: dict[Annotated[str, Field(pattern=ATTRIBUTE_NAME, max_length=60)], BodyField] = {}
    """Body values exposed as typed attributes."""
    parent: Annotated[str, Field(pattern=CLASS_NAME)] | None = None
    """Another error of this spec to subclass instead of the status class."""
    patterns: list[Annotated[str, Field(min_length=1, max_length=MAX_PATTERN_LENGTH), AfterValidator(_compiles)]] = []
    templates: list[Annotated[str, Field(min_length=1, max_length=MAX_PATTERN_LENGTH), AfterValidator(_template_compiles)]] = []
    """Messages with placeholders, "Model '{model_id}' not found"; each joins ``patterns`` compiled."""
    attributes: dict[Annotated[str, Field(pattern=ATTRIBUTE_NAME, max_length=60)], AttributeType] = {}
    """Types of the named groups of ``patterns``; a group not listed here is a ``str``."""
    category: Category | None = None
    retry: Annotated[str, Field(pattern=POLICY_NAME)] | None = None
    examples: list[Example] = []
    details_schema: JsonSchema | None = None

    @field_validator("name")
    @classmethod
    def not_a_keyword(cls, value: str) -> str:
        if keyword.iskeyword(value) or keyword.issoftkeyword(value):
            raise rule(f"'{value}' is a Python keyword and cannot name a class; choose another name")
        return value

    @field_validator("status")
    @classmethod
    def distinct_statuses(cls, value: int | list[int] | None) -> int | list[int] | None:
        if isinstance(value, list) and len(set(value)) != len(value):
            raise rule("a status is listed twice; list each once")
        return value

    @property
    def statuses(self) -> tuple[int, ...]:
        """Every documented status, the first one being the class's own ``status``."""
        if self.status is None:
            return ()
        return tuple(self.status) if isinstance(self.status, list) else (self.status,)

    @property
    def main_status(self) -> int | None:
        return self.statuses[0] if self.statuses else None

    @property
    def wire_code(self) -> str | None:
        """The code as the parser compares it: integers as their text."""
        return None if self.code is None else str(self.code)

    @model_validator(mode="after")
    def templates_become_patterns(self) -> Error:
        """Each template joins ``patterns`` as its regex, after the patterns written as such."""
        if not self.templates:
            return self
        patterns = list(self.patterns)
        attributes: dict[str, str] = dict(self.attributes)
        for index, template in enumerate(self.templates):
            regex, types = template_pattern(template)
            patterns.append(regex)
            for name, kind in types.items():
                if kind != "str" and attributes.setdefault(name, kind) != kind:
                    raise rule(
                        f"placeholder {{{name}:{kind}}} of template {index} is declared {attributes[name]} under attributes;"
                        " make the two agree",
                        "templates",
                    )
        return self.model_copy(update={"patterns": patterns, "attributes": attributes})


class OperationFailures(Strict):
    """Failures reported inside a successful response, such as a failed job in a poll."""

    envelope: Annotated[str, Field(pattern=ENVELOPE_NAME)]
    family: Family
    errors: list[Error] = []


class RetryDirective(Strict):
    """A header whose value, true or false (any case), overrides the table's verdict."""

    header: HeaderName
    policy: Annotated[str, Field(pattern=POLICY_NAME)] | None = None
    """The retry policy when the server asks to retry an error the table would not
    retry; the first directive naming one sets it for all (default: the server family's)."""


ResetFormat = Literal["seconds", "epoch_seconds", "rfc3339", "duration", "http_date"]


class ResetHeader(Strict):
    header: HeaderName
    format: ResetFormat = "seconds"
    """seconds from now | epoch_seconds | rfc3339 | duration (``6m0s``) | http_date."""


class RateLimitSource(Strict):
    """Where one resource's limit, remaining count and reset time are sent, or ``ietf: true``."""

    resource: Annotated[str, Field(pattern=SLUG, max_length=50)] | None = None
    limit: HeaderName | None = None
    remaining: HeaderName | None = None
    reset: ResetHeader | None = None
    ietf: bool = False
    """The IETF ``RateLimit`` and ``RateLimit-Policy`` fields, one resource per policy."""

    @model_validator(mode="after")
    def one_kind(self) -> RateLimitSource:
        headers = [h for h in (self.limit, self.remaining, self.reset) if h is not None]
        if self.ietf:
            if headers or self.resource is not None:
                raise rule(
                    "ietf: true reads the RateLimit and RateLimit-Policy fields, whose policies name the"
                    " resources; give it alone, and declare other headers in an entry of their own",
                    "ietf",
                )
            return self
        if self.resource is None:
            raise rule("a rate limit needs a resource name (such as requests or tokens), or ietf: true")
        if not headers:
            raise rule("a rate limit needs at least one of 'limit', 'remaining' or 'reset'", "resource")
        return self



EventName = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\r\n\x00]+$")]
# ``when``: one condition, or a list of them that must all hold.
Conditions = Condition | Annotated[list[Condition], Field(min_length=1, max_length=20)]


class StreamErrorRule(Strict):
    """Which events of a stream report an error, and the envelope their data is in."""

    event: EventName | None = None
    """The SSE event type, such as ``error``."""
    when: Conditions | None = None
    """A condition on the event's data (a JSON object), such as ``{path: error, is: object}``."""
    envelope: Annotated[str, Field(pattern=ENVELOPE_NAME)]
    status: Annotated[int, Field(ge=400, le=599)] | None = None
    """The HTTP status whose class an error of unknown code takes; none by default."""

    @model_validator(mode="after")
    def says_which(self) -> StreamErrorRule:
        if self.event is None and self.when is None:
            raise rule("a stream error needs 'event' (an SSE event type), 'when' (a condition on the data), or both")
        return self


class StreamContent(Strict):
    """Which events carry content: once one is delivered, the stream is not replayed."""

    events: Annotated[list[EventName], Field(min_length=1, max_length=100)] | None = None
    when: Conditions | None = None

    @model_validator(mode="after")
    def one_way(self) -> StreamContent:
        if (self.events is None) == (self.when is None):
            raise rule("content takes exactly one of 'events' (SSE event types) or 'when' (a condition on the data)")
        return self


class StreamResume(Strict):
    """How a broken stream resumes: SSE's ``Last-Event-ID``, or a cursor in the events."""

    last_event_id: bool = False
    cursor: BodyPath | None = None
    """A path into each event's data, such as ``sequence_number``."""

    @model_validator(mode="after")
    def one_way(self) -> StreamResume:
        if self.last_event_id == (self.cursor is not None):
            raise rule("resume takes exactly one of 'last_event_id: true' or 'cursor' (a path into the data)")
        return self


class Streams(Strict):
    """The vendor's streaming responses: framing, error events, content, resuming."""

    framing: Literal["sse", "ndjson"] = "sse"
    """``sse``: Server-Sent Events; ``ndjson``: one JSON value per line."""
    errors: Annotated[list[StreamErrorRule], Field(min_length=1, max_length=20)]
    content: StreamContent | None = None
    """By default every event that is not an error is content."""
    resume: StreamResume | None = None
class TransportFailures(Strict):
    """How connect errors, timeouts and dropped connections are retried.

    A failure before the request was sent is retried for any call, one after it only
    for an idempotent call."""

    retry: bool = True
    max_attempts: Annotated[int, Field(ge=2, le=MAX_ATTEMPTS_LIMIT)] = 3
    """Attempts in all, the first one included."""
    backoff: Backoff = Backoff(base=0.5, multiplier=2.0, max_delay=8.0)


class RetryBudget(Strict):
    """The retry quota per host, shared by every call of a process (botocore's standard mode)."""

    enabled: bool = True
    capacity: Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False)] = 500
    retry_cost: Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False)] = 5
    timeout_cost: Annotated[float, Field(gt=0, le=1_000_000, allow_inf_nan=False)] = 10
    success_refund: Annotated[float, Field(ge=0, le=1_000_000, allow_inf_nan=False)] = 1


class CircuitBreaker(Strict):
    """Stop sending while most calls fail (5xx or transport failures; a 4xx counts as a success)."""

    failure_rate: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.5
    window: Annotated[float, Field(gt=0, le=MAX_DELAY_LIMIT, allow_inf_nan=False)] = 30.0
    minimum_calls: Annotated[int, Field(ge=1, le=1_000_000)] = 20
    open_for: Annotated[float, Field(gt=0, le=MAX_DELAY_LIMIT, allow_inf_nan=False)] = 30.0
    half_open_calls: Annotated[int, Field(ge=1, le=1_000)] = 1


class Spec(Strict):
    schema_ref: Annotated[str | None, Field(alias="$schema")] = None
    spec_version: Literal[1]
    vendor: Vendor
    request_id: RequestIdSources = RequestIdSources()
    retry_after: RetryAfterSources = RetryAfterSources()
    retry_directives: Annotated[list[RetryDirective], Field(max_length=10)] = []
    """Headers whose true or false overrides the table's verdict, tried in order."""
    rate_limits: Annotated[list[RateLimitSource], Field(max_length=20)] = []
    envelopes: Annotated[list[Envelope], Field(max_length=50)] = []
    retry_policies: Annotated[dict[Annotated[str, Field(pattern=POLICY_NAME)], RetryPolicy], Field(min_length=1)]
    families: Families
    statuses: dict[Annotated[int, Field(ge=100, le=599)], StatusClass] = {}
    errors: Annotated[list[Error], Field(max_length=MAX_ERRORS)] = []
    operation_failures: OperationFailures | None = None
    streams: Streams | None = None
    transport_failures: TransportFailures | None = None
    retry_budget: RetryBudget | None = None
    circuit_breaker: CircuitBreaker | None = None


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of the spec format, for editors and ``codegen schema``."""
    schema = Spec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "codegen vendor error spec"
    return schema
