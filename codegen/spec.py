"""The spec format: pydantic models that validate one vendor's YAML spec.

Validation here is about the shape and the local rules of each field.  Rules that
need the whole spec (references, name collisions, shadowed patterns) live in
``validate.py`` so that every message can point at the offending line.
"""

from __future__ import annotations

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


class Condition(Strict):
    """One test that recognises an envelope: the value at ``path``..."""

    path: BodyPath
    is_: Annotated[
        Literal["object", "string", "list", "number", "boolean", "present"] | None,
        Field(alias="is"),
    ] = None
    equals: str | int | bool | None = None
    not_equals: str | int | bool | None = None

    @model_validator(mode="after")
    def exactly_one_test(self) -> Condition:
        tests = [t for t in (self.is_, self.equals, self.not_equals) if t is not None]
        if len(tests) != 1:
            raise rule("a condition takes exactly one of 'is', 'equals' or 'not_equals'; split it into one condition per test")
        return self


class Envelope(Strict):
    """One body shape: how to recognise it and where each piece of the error sits."""

    name: Annotated[str, Field(pattern=ENVELOPE_NAME, max_length=50)]
    description: Text | None = None
    when: Annotated[list[Condition], Field(min_length=1, max_length=20)]
    code: list[BodyPath] = []
    message: list[BodyPath] = []
    """Tried in order; the first string wins (``detail`` as a string, then ``detail.message``)."""
    details: list[BodyPath] = []
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


class Example(Strict):
    """A response the vendor's document shows, checked by the generated tests."""

    status: Annotated[int, Field(ge=100, le=999)] | None = None
    headers: dict[str, str] = {}
    body: str | dict[str, Any] | list[Any]


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
    name: Annotated[str, Field(pattern=CLASS_NAME, max_length=80)]
    status: Annotated[int, Field(ge=100, le=599)] | None = None
    """The documented status; absent where the document gives a code but no status."""
    code: Annotated[str, Field(min_length=1, max_length=200)] | None = None
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


class Spec(Strict):
    schema_ref: Annotated[str | None, Field(alias="$schema")] = None
    spec_version: Literal[1]
    vendor: Vendor
    request_id: RequestIdSources = RequestIdSources()
    retry_after: RetryAfterSources = RetryAfterSources()
    envelopes: Annotated[list[Envelope], Field(max_length=50)] = []
    retry_policies: Annotated[dict[Annotated[str, Field(pattern=POLICY_NAME)], RetryPolicy], Field(min_length=1)]
    families: Families
    statuses: dict[Annotated[int, Field(ge=100, le=599)], StatusClass] = {}
    errors: Annotated[list[Error], Field(max_length=MAX_ERRORS)] = []
    operation_failures: OperationFailures | None = None
    streams: Streams | None = None


def spec_json_schema() -> dict[str, Any]:
    """The JSON Schema of the spec format, for editors and ``codegen schema``."""
    schema = Spec.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "codegen vendor error spec"
    return schema
