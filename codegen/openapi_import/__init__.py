"""``codegen import openapi``: a draft spec from an OpenAPI or Swagger description.

The description's documented error responses become classes: one per documented status,
one per wire code found in the error schemas' enums and examples.  Body shapes become
envelopes, documented response headers become request-id and delay sources, and retry
extensions (``x-speakeasy-retries``) become retry policies.  Every imported item is
preceded by a comment naming where it came from, which is also how a later import into
the same file (a re-sync) recognises what it imported before: statuses by their number,
errors by their code, envelopes and policies by their name.

Nothing here imports a later compiler stage than validation: the draft is loaded and
validated exactly as ``codegen validate`` would before anything is written.  The package
sits apart from the compiler's modules because it does not shape the generated code.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from codegen.errors import CodegenError, UsageError

MAX_DOCUMENT_BYTES = 128 * 1024 * 1024
MAX_REF_CHAIN = 32  # $ref hops followed for one reference
MAX_SCHEMA_DEPTH = 4  # nesting kept in an envelope's schema
MAX_SCHEMA_NODES = 200  # schema nodes kept in an envelope's schema
MAX_SHAPE_DEPTH = 12  # nesting looked at to find the fields of an error body
MAX_CODES = 300
MAX_ENVELOPES = 20
MAX_EXAMPLES = 3  # per class
MAX_EXAMPLE_CHARS = 4_000
MAX_TEXT = 2_000
METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MARKER = "# openapi "  # starts the comment naming an imported item's source
GONE = "no longer documented in"

SLUG = re.compile(r"[a-z][a-z0-9_]*")
URL = re.compile(r"https?://\S+")
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")

# The body fields that hold each part of an error, by the names vendors give them.
CODE_KEYS = ("code", "error_code", "errorCode", "errorcode", "error_type", "errorType", "type", "reason", "error")
MESSAGE_KEYS = (
    "message", "error_description", "errorMessage", "error_message", "detail", "description", "msg", "title",
    "error",
)
DETAIL_KEYS = ("details", "errors")
REQUEST_ID_KEYS = ("request_id", "requestId", "requestID", "trace_id", "traceId", "correlation_id", "correlationId")
RETRY_AFTER_KEYS = ("retry_after", "retryAfter", "retry_after_seconds", "retryAfterSeconds")
CONTAINERS = ("error", "fault")
PROBLEM_FIELDS = ("type", "title", "status", "detail", "instance")

REQUEST_ID_HEADER = re.compile(r"(^|[-_])(request|correlation|trace)[-_]?id$", re.IGNORECASE)
RETRY_AFTER_HEADER = re.compile(r"^(retry-after|x-retry-after)(-ms)?$", re.IGNORECASE)
RATE_LIMIT_HEADER = re.compile(r"ratelimit[-_](limit|remaining|reset)(?:[-_](.+))?$", re.IGNORECASE)
RETRY_DIRECTIVE_HEADER = re.compile(r"^x-should-retry$|should-retry$", re.IGNORECASE)

# Categories of statuses the compiler's own table leaves as unknown.
EXTRA_CATEGORIES = {
    406: "invalid_request", 407: "authentication", 408: "timeout", 410: "not_found", 411: "invalid_request",
    412: "invalid_request", 414: "invalid_request", 416: "invalid_request", 417: "invalid_request",
    421: "invalid_request", 423: "conflict", 424: "invalid_request", 425: "unavailable", 428: "invalid_request",
    431: "invalid_request", 451: "permission_denied", 501: "internal", 505: "internal", 506: "internal",
    507: "quota_exceeded", 508: "internal", 510: "invalid_request", 511: "authentication", 520: "upstream",
    521: "upstream", 522: "upstream", 523: "upstream", 524: "timeout", 525: "upstream", 526: "upstream",
    527: "upstream", 529: "unavailable", 530: "upstream", 598: "timeout", 599: "timeout",
}
RETRIED_STATUSES = {408, 425, 500, 502, 503, 504, 520, 521, 522, 523, 524, 527, 529, 530, 598, 599}
POLICIES: dict[str, dict[str, Any]] = {
    "do_not_retry": {"retryable": False, "action": "fix_request"},
    "check_credentials": {"retryable": False, "action": "check_credentials"},
    "add_credits": {"retryable": False, "action": "add_credits"},
    "rate_limited": {
        "description": "Honour the server's delay, else back off exponentially.",
        "retryable": True, "action": "retry", "max_attempts": 5,
        "backoff": {"base": 1, "multiplier": 2, "max_delay": 60, "jitter": "full"},
        "rejected_before_processing": True,
    },
    "server_backoff": {
        "description": "Retry with exponential backoff.",
        "retryable": True, "action": "retry", "max_attempts": 3,
        "backoff": {"base": 1, "multiplier": 2, "max_delay": 30, "jitter": "full"},
    },
}


@dataclass
class ImportReport:
    """What an import did, for the command line to print."""

    target: Path
    resynced: bool = False
    lines: list[str] = field(default_factory=list)
    mapped: int = 0  # documented 4xx/5xx responses mapped to a class with a category
    unmapped: list[str] = field(default_factory=list)  # responses not mapped, by name
    statuses: int = 0
    errors: int = 0
    envelopes: int = 0
    added: list[str] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------
# Loading and references


def load_document(path: Path) -> Any:
    """The description as plain data: JSON, or YAML read with the C safe loader."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise CodegenError(f"{path}: {len(raw):,} bytes; at most {MAX_DOCUMENT_BYTES:,} are read")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CodegenError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    if text.lstrip().startswith("{"):
        try:
            return json.loads(text)
        except ValueError:
            pass  # YAML in flow style, perhaps
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}:{mark.column + 1}" if mark is not None else ""
        raise CodegenError(f"{path}{where}: not JSON or YAML: {getattr(exc, 'problem', exc)}") from None
    except RecursionError:
        raise CodegenError(f"{path}: nested too deeply to read") from None


def _get(node: Any, key: str) -> Any:
    """``node[key]`` for a mapping whose keys YAML may have read as numbers."""
    if not isinstance(node, dict):
        return None
    value = node.get(key)
    if value is None and key.isdigit():
        value = node.get(int(key))
    return value


class _Resolver:
    """Local ``$ref`` lookups with a cache; references to other files resolve to nothing."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.cache: dict[str, Any] = {}

    def lookup(self, ref: Any) -> Any:
        if not isinstance(ref, str) or not ref.startswith("#"):
            return None
        if ref in self.cache:
            return self.cache[ref]
        node: Any = self.document
        for part in ref[1:].split("/")[1:]:
            part = unquote(part).replace("~1", "/").replace("~0", "~")
            if isinstance(node, list):
                node = node[int(part)] if part.isdigit() and int(part) < len(node) else None
            else:
                node = _get(node, part)
            if node is None:
                break
        self.cache[ref] = node
        return node

    def follow(self, node: Any) -> tuple[Any, str | None]:
        """The object a chain of references ends at, and the last reference followed."""
        seen: list[str] = []
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or ref in seen or len(seen) >= MAX_REF_CHAIN:
                return None, None
            seen.append(ref)
            node = self.lookup(ref)
        return node, (seen[-1] if seen else None)


# ---------------------------------------------------------------------------------------
# Collecting the documented error responses


@dataclass
class _Response:
    status_key: str
    where: str  # "GET /pets/{id}"
    description: str | None
    bodies: list[tuple[str, Any]]  # (media type, schema)
    examples: list[tuple[str, Any]]  # (media type, example body)
    headers: dict[str, Any]
    retries: tuple[str, Any] | None  # the operation's own x-speakeasy-retries


def _responses(document: dict[str, Any], resolver: _Resolver, swagger: bool) -> tuple[list[_Response], list[_Response]]:
    """Error responses (4xx, 5xx, ranges, default) and the others (for their headers)."""
    errors: list[_Response] = []
    others: list[_Response] = []
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return errors, others
    produces = document.get("produces") if swagger else None
    for route, item in paths.items():
        item, _ = resolver.follow(item)
        if not isinstance(item, dict):
            continue
        for method in METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            responses = operation.get("responses")
            if not isinstance(responses, dict):
                continue
            where = f"{method.upper()} {route}"
            retries = operation.get("x-speakeasy-retries")
            own = (where, retries) if isinstance(retries, dict) else None
            media = operation.get("produces", produces) if swagger else None
            for key, response in responses.items():
                status_key = str(key).strip()
                if status_key.startswith("x-"):
                    continue
                response, _ = resolver.follow(response)
                if not isinstance(response, dict):
                    response = {}
                parsed = _response(status_key, where, response, resolver, swagger, media, own)
                (errors if _is_error_key(status_key) else others).append(parsed)
    return errors, others


def _is_error_key(key: str) -> bool:
    if key.isdigit():
        return int(key) >= 400
    return not re.fullmatch(r"[123][xX][xX]", key)  # 4XX, 5XX, default, and keys no rule names: all reported


def _response(
    status_key: str, where: str, response: dict[str, Any], resolver: _Resolver, swagger: bool, produces: Any,
    retries: tuple[str, Any] | None,
) -> _Response:
    bodies: list[tuple[str, Any]] = []
    examples: list[tuple[str, Any]] = []
    if swagger:
        produced = [m for m in produces if isinstance(m, str)] if isinstance(produces, list) else []
        json_media = next((m for m in produced if _is_json(m)), "application/json")
        if "schema" in response:
            bodies.append((json_media, response["schema"]))
        shown = response.get("examples")
        if isinstance(shown, dict):
            examples += [(str(m), v) for m, v in shown.items() if _is_json(str(m))]
    else:
        content = response.get("content")
        if isinstance(content, dict):
            for key, entry in content.items():
                media = str(key)
                if not _is_json(media) or not isinstance(entry, dict):
                    continue
                if "schema" in entry:
                    bodies.append((media, entry["schema"]))
                if "example" in entry:
                    examples.append((media, entry["example"]))
                named = entry.get("examples")
                if isinstance(named, dict):
                    for example in named.values():
                        example, _ = resolver.follow(example)
                        if isinstance(example, dict) and "value" in example:
                            examples.append((media, example["value"]))
    headers: dict[str, Any] = {}
    declared = response.get("headers")
    if isinstance(declared, dict):
        for name, header in declared.items():
            header, _ = resolver.follow(header)
            if isinstance(name, str) and HEADER_NAME.fullmatch(name) and isinstance(header, dict):
                headers[name] = header
    description = response.get("description")
    return _Response(
        status_key, where, description if isinstance(description, str) else None, bodies, examples, headers, retries
    )


def _is_json(media: str) -> bool:
    media = media.split(";")[0].strip().lower()
    return media in ("application/json", "*/*", "text/json") or media.endswith("+json")


# ---------------------------------------------------------------------------------------
# Body shapes


@dataclass
class _Shape:
    name: str
    when: list[dict[str, Any]]
    code: list[str] = field(default_factory=list)
    message: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    request_id: list[str] = field(default_factory=list)
    retry_after: list[str] = field(default_factory=list)
    codes: list[tuple[Any, str | None]] = field(default_factory=list)  # (value, description)
    schema: Any = None
    problem: bool = False

    def key(self) -> tuple[Any, ...]:
        return (json.dumps(self.when, sort_keys=True), tuple(self.code), tuple(self.message), tuple(self.details))


class _Shapes:
    """Reads the fields of error bodies out of their schemas, references followed."""

    def __init__(self, resolver: _Resolver) -> None:
        self.resolver = resolver
        self.cache: dict[tuple[int, str], _Shape | None] = {}

    def properties(self, schema: Any, depth: int = 0, seen: frozenset[str] = frozenset()) -> dict[str, Any] | None:
        """The properties an object schema has, through allOf, oneOf and anyOf."""
        if depth > MAX_SHAPE_DEPTH or not isinstance(schema, dict):
            return None
        ref = schema.get("$ref")
        if ref is not None:
            if not isinstance(ref, str) or ref in seen:
                return None
            return self.properties(self.resolver.lookup(ref), depth + 1, seen | {ref})
        found: dict[str, Any] | None = None
        own = schema.get("properties")
        if isinstance(own, dict):
            found = {str(k): v for k, v in own.items()}
        for key in ("allOf", "oneOf", "anyOf"):
            parts = schema.get(key)
            if isinstance(parts, list):
                for part in parts:
                    more = self.properties(part, depth + 1, seen)
                    if more:
                        found = {**(found or {}), **{k: v for k, v in more.items() if k not in (found or {})}}
        return found

    def kinds(self, schema: Any) -> set[str]:
        schema, _ = self.resolver.follow(schema)
        if not isinstance(schema, dict):
            return set()
        kind = schema.get("type")
        kinds = {kind} if isinstance(kind, str) else {k for k in kind if isinstance(k, str)} if isinstance(kind, list) else set()
        if not kinds and isinstance(schema.get("properties"), dict):
            kinds.add("object")
        for key in ("allOf", "oneOf", "anyOf"):
            parts = schema.get(key)
            if isinstance(parts, list):
                for part in parts[:20]:
                    part, _ = self.resolver.follow(part)
                    if isinstance(part, dict) and isinstance(part.get("type"), str):
                        kinds.add(part["type"])
        return kinds

    def shape(self, media: str, schema: Any) -> _Shape | None:
        key = (id(schema), media)
        if key not in self.cache:
            self.cache[key] = self._shape(media, schema)
        return self.cache[key]

    def _shape(self, media: str, schema: Any) -> _Shape | None:
        top = self.properties(schema)
        if not top:
            return None
        _, ref = self.resolver.follow(schema)
        name = _snake(ref.rsplit("/", 1)[-1]) if ref else ""
        problem = "problem+json" in media.lower() or sum(f in top for f in PROBLEM_FIELDS) >= 3 and "title" in top
        if problem:
            shape = _Shape(name="problem", when=[{"path": "title", "is": "present"}], problem=True)
            required = _resolved(self.resolver, schema).get("required")
            for candidate in ("title", "type", "detail", "status"):
                if isinstance(required, list) and candidate in required and candidate in top:
                    shape.when = [{"path": candidate, "is": "present"}]
                    break
            if "type" in top:
                shape.code = ["type"]
                shape.codes = [c for c in self.code_values(top["type"]) if c[0] != "about:blank"]
            shape.message = [f for f in ("detail", "title") if f in top]
            details: list[str] = [f for f in ("errors", "invalid_params", "invalid-params") if f in top]
            shape.details = details[:1]
            shape.request_id = [f for f in REQUEST_ID_KEYS if f in top]
            shape.schema = schema
            return shape
        container = ""
        fields = top
        for candidate in CONTAINERS:
            inner = self.properties(top[candidate]) if candidate in top else None
            if inner and any(k in inner for k in ("code", "message", "type", "status", "description")):
                container, fields = candidate, inner
                break
        if not container and "errors" in top:
            items = _resolved(self.resolver, top["errors"]).get("items")
            inner = self.properties(items) if items is not None else None
            if inner and any(k in inner for k in ("code", "message")):
                container, fields = "errors.0", inner
        prefix = f"{container}." if container else ""
        shape = _Shape(name=name, when=[])
        for key in CODE_KEYS:
            if key in fields and self.kinds(fields[key]) <= {"string", "integer", "number"}:
                if key == "error" and container:
                    continue
                shape.code.append(prefix + key)
        # Google's {"error": {"code": 404, "status": "NOT_FOUND"}}: the integer is the HTTP status.
        if "status" in fields and self.kinds(fields["status"]) == {"string"} and "integer" in self.kinds(fields.get("code")):
            shape.code = [prefix + "status"] + [c for c in shape.code if c != prefix + "code"]
        shape.code = shape.code[:3]
        for key in MESSAGE_KEYS:
            if key in fields and self.kinds(fields[key]) <= {"string"} and prefix + key not in shape.code:
                shape.message.append(prefix + key)
        if container:  # a top-level message beside the error object or list
            shape.message += [k for k in MESSAGE_KEYS if k in top and k != "error" and self.kinds(top[k]) <= {"string"}]
        shape.message = shape.message[:3]
        shape.details = [prefix + k for k in DETAIL_KEYS if k in fields and self.kinds(fields[k]) & {"object", "array"}][:1]
        shape.request_id = [prefix + k for k in REQUEST_ID_KEYS if k in fields]
        shape.request_id += [k for k in REQUEST_ID_KEYS if container and k in top]
        shape.retry_after = [prefix + k for k in RETRY_AFTER_KEYS if k in fields and self.kinds(fields[k]) & {"integer", "number"}]
        if not shape.code and not shape.message:
            return None
        if container:
            shape.when = [{"path": container, "is": "object"}]
        else:
            shape.when = [{"path": (shape.code or shape.message)[0], "is": "present"}]
        if shape.code:
            first = shape.code[0][len(prefix):]
            shape.codes = self.code_values(fields[first.split(".")[-1]])
        shape.schema = schema
        return shape

    def code_values(self, schema: Any) -> list[tuple[Any, str | None]]:
        """Codes a field's schema names: enum, const, examples, oneOf of consts."""
        schema, _ = self.resolver.follow(schema)
        if not isinstance(schema, dict):
            return []
        values: list[tuple[Any, str | None]] = []
        enum = schema.get("enum")
        if isinstance(enum, list):
            notes = schema.get("x-enum-descriptions", schema.get("x-enumDescriptions"))
            for index, value in enumerate(enum):
                note = None
                if isinstance(notes, list) and index < len(notes) and isinstance(notes[index], str):
                    note = notes[index]
                elif isinstance(notes, dict) and isinstance(notes.get(value), str):
                    note = notes[value]
                values.append((value, note))
        if "const" in schema:
            values.append((schema["const"], schema.get("description") if isinstance(schema.get("description"), str) else None))
        for key in ("oneOf", "anyOf"):
            parts = schema.get(key)
            if isinstance(parts, list):
                for part in parts:
                    part, _ = self.resolver.follow(part)
                    if isinstance(part, dict) and "const" in part:
                        note = part.get("description") or part.get("title")
                        values.append((part["const"], note if isinstance(note, str) else None))
        if "example" in schema:
            values.append((schema["example"], None))
        examples = schema.get("examples")
        if isinstance(examples, list):
            values += [(v, None) for v in examples]
        return [(v, n) for v, n in values if _usable_code(v)]


def _usable_code(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not 100 <= value <= 599  # an HTTP status echoed in the body
    if isinstance(value, str):
        text = value.strip()
        return 0 < len(text) <= 200 and text == value and not (text.isdigit() and 100 <= int(text) <= 599)
    return False


def _resolved(resolver: _Resolver, schema: Any) -> dict[str, Any]:
    node, _ = resolver.follow(schema)
    return node if isinstance(node, dict) else {}


def _clean_schema(resolver: _Resolver, schema: Any) -> dict[str, Any]:
    """A plain JSON Schema: references written out (cycles cut), bounded in depth and size."""
    budget = [MAX_SCHEMA_NODES]

    def clean(node: Any, depth: int, seen: frozenset[str]) -> dict[str, Any]:
        budget[0] -= 1
        if budget[0] < 0 or depth > MAX_SCHEMA_DEPTH or not isinstance(node, dict):
            return {}
        ref = node.get("$ref")
        if ref is not None:
            if not isinstance(ref, str) or ref in seen:
                return {}
            return clean(resolver.lookup(ref), depth, seen | {ref})
        out: dict[str, Any] = {}
        kind = node.get("type")
        kinds = [kind] if isinstance(kind, str) else [k for k in kind if isinstance(k, str)] if isinstance(kind, list) else []
        kinds = [k for k in kinds if k in ("object", "array", "string", "integer", "number", "boolean", "null")]
        if node.get("nullable") is True and kinds and "null" not in kinds:
            kinds.append("null")
        if kinds:
            out["type"] = kinds[0] if len(kinds) == 1 else kinds
        properties = node.get("properties")
        if isinstance(properties, dict):
            cleaned = {
                str(name): clean(sub, depth + 1, seen)
                for name, sub in list(properties.items())[:50]
                if isinstance(name, str) and name.isprintable() and name
            }
            if cleaned:
                out["properties"] = cleaned
                required = node.get("required")
                if isinstance(required, list):
                    kept = [r for r in required if isinstance(r, str) and r in cleaned]
                    if kept:
                        out["required"] = sorted(set(kept), key=kept.index)
        items = node.get("items")
        if isinstance(items, dict):
            out["items"] = clean(items, depth + 1, seen)
        extra = node.get("additionalProperties")
        if isinstance(extra, bool):
            out["additionalProperties"] = extra
        elif isinstance(extra, dict):
            out["additionalProperties"] = clean(extra, depth + 1, seen)
        enum = node.get("enum")
        if isinstance(enum, list) and enum and len(enum) <= 500 and all(_scalar(v) for v in enum):
            out["enum"] = [v for i, v in enumerate(enum) if v not in enum[:i]]
        fmt = node.get("format")
        if isinstance(fmt, str) and fmt in ("date-time", "date", "email", "uri", "uuid"):
            out["format"] = fmt
        for key in ("allOf", "oneOf", "anyOf"):
            parts = node.get(key)
            if isinstance(parts, list) and parts:
                cleaned_parts = [clean(part, depth + 1, seen) for part in parts[:20]]
                out[key] = cleaned_parts
        return out

    return clean(schema, 0, frozenset())


def _scalar(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, (str, int, bool))


# ---------------------------------------------------------------------------------------
# Text


def _text(value: Any, limit: int = MAX_TEXT) -> str | None:
    """A description as spec text: printable, whitespace collapsed, bounded."""
    if not isinstance(value, str):
        return None
    cleaned = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in value)
    cleaned = cleaned.encode("utf-8", "replace").decode("utf-8")
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1].rstrip() + "…"
    return cleaned or None


def _snake(name: str) -> str:
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    words = re.findall(r"[A-Za-z0-9]+", name)
    snake = "_".join(w.lower() for w in words)[:50].strip("_")
    return snake if SLUG.fullmatch(snake) else ""


def _camel(text: str) -> str:
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "".join(w[:1].upper() + w[1:].lower() if w.isupper() or w.islower() else w[:1].upper() + w[1:] for w in words)


def _humanized(code: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", code.rsplit("/", 1)[-1] or code))
    text = " ".join(words).lower()
    return (text[:1].upper() + text[1:])[:200] if text else code[:200]


# ---------------------------------------------------------------------------------------
# The draft


@dataclass
class _Draft:
    """The spec being written: plain data, plus the comment each imported item carries."""

    source: str
    vendor: dict[str, Any]
    request_id: list[str] = field(default_factory=list)
    request_id_notes: dict[str, str] = field(default_factory=dict)
    retry_after: list[dict[str, Any]] = field(default_factory=list)
    rate_limit_notes: list[str] = field(default_factory=list)
    envelopes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (comment, envelope)
    policies: dict[str, tuple[str | None, dict[str, Any]]] = field(default_factory=dict)
    families: dict[str, dict[str, Any]] = field(default_factory=dict)
    statuses: dict[int, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    errors: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # comments at the top of the file


def build_draft(document: Any, slug: str, source: str, report: ImportReport) -> _Draft:
    """The draft spec of one description; ``report`` collects what was and was not mapped."""
    if not isinstance(document, dict):
        raise CodegenError(f"{source}: not an OpenAPI description (the top level is not a mapping)")
    swagger = str(document.get("swagger", "")).startswith("2")
    version = str(document.get("swagger") if swagger else document.get("openapi", ""))
    if not swagger and not version.startswith("3"):
        raise CodegenError(f"{source}: neither 'openapi: 3.x' nor 'swagger: \"2.0\"' at the top level")
    resolver = _Resolver(document)
    info: dict[str, Any] = document["info"] if isinstance(document.get("info"), dict) else {}
    prefix = _camel(slug) or "Api"
    if not prefix[:1].isalpha():
        prefix = "Api" + prefix
    title = _text(info.get("title"), 100) or slug
    draft = _Draft(
        source=source,
        vendor={
            "name": title,
            "slug": slug,
            "class_prefix": prefix[:50],
            "docs_url": _docs_url(document, swagger),
            "language": "en",
        },
    )
    kind = f"Swagger {version}" if swagger else f"OpenAPI {version}"
    version_text = _text(info.get("version"), 60)
    draft.notes.append(
        f"Draft imported from {source} ({title}{', version ' + version_text if version_text else ''}; {kind})"
        " by 'codegen import openapi'."
    )
    draft.notes.append("Each imported item names its source; importing again re-syncs and keeps your edits.")

    errors, others = _responses(document, resolver, swagger)
    shapes = _Shapes(resolver)
    _headers(draft, errors + others)
    retry_configs = _retry_configs(document, errors)

    by_status: dict[int, list[_Response]] = {}
    ranges: dict[str, list[_Response]] = {}
    for response in errors:
        key = response.status_key
        if key.isdigit() and 400 <= int(key) <= 599:
            by_status.setdefault(int(key), []).append(response)
        elif re.fullmatch(r"[45][xX][xX]", key) or key == "default":
            ranges.setdefault(key.upper() if key != "default" else key, []).append(response)
        else:
            report.unmapped.append(f"{response.where} response '{key}' (not an HTTP error status)")

    # Envelopes, and the codes each documented status's schemas name.
    envelope_by_key: dict[tuple[Any, ...], _Shape] = {}
    envelope_where: dict[tuple[Any, ...], str] = {}
    code_statuses: dict[str, set[int]] = {}
    code_notes: dict[str, str] = {}
    code_where: dict[str, str] = {}
    ordered = sorted(by_status.items()) + [(None, rs) for _, rs in sorted(ranges.items())]
    for status, responses in ordered:
        for response in responses:
            for media, schema in response.bodies:
                shape = shapes.shape(media, schema)
                if shape is None:
                    continue
                shape_key = shape.key()
                if shape_key not in envelope_by_key:
                    envelope_by_key[shape_key] = shape
                    envelope_where[shape_key] = f"{response.where} {response.status_key}"
                if status is None:
                    continue
                for value, note in shape.codes:
                    code = str(value)
                    code_statuses.setdefault(code, set()).add(status)
                    if note and code not in code_notes:
                        code_notes[code] = note
                    code_where.setdefault(code, f"{'problem type' if shape.problem else 'enum/example'} at {response.where} {status}")
    envelopes = _name_envelopes(list(envelope_by_key.items()), envelope_where, source, report)

    # Response examples: their codes join the codes (at their status), and they become examples.
    examples: dict[int, list[tuple[Any, str]]] = {}
    for status, responses in sorted(by_status.items()):
        for response in responses:
            for _, body in response.examples:
                body = _jsonable(body)
                if body is None or not isinstance(body, (dict, list, str)):
                    continue
                if len(json.dumps(body, ensure_ascii=False)) > MAX_EXAMPLE_CHARS:
                    continue
                if any(body == seen for seen, _ in examples.get(status, [])):
                    continue
                examples.setdefault(status, []).append((body, response.where))
                read = _example_code(body, envelopes)
                if read is not None and _usable_code(read):
                    code_statuses.setdefault(read, set()).add(status)
                    code_where.setdefault(read, f"example at {response.where} {status}")

    # Retry policies: the built-in ones and those of the retry extensions.
    policy_of_status: dict[int, str] = {}
    family_policy = {"client": "do_not_retry", "server": "server_backoff"}
    for name, (where, config, statuses_named) in retry_configs.items():
        note = f"{MARKER}{source}: x-speakeasy-retries ({where})"
        draft.policies[name] = (note, config)
        for pattern in statuses_named:
            if pattern in ("4XX", "5XX"):
                family_policy.setdefault("_" + pattern, name)
                family = "client" if pattern == "4XX" else "server"
                if family_policy.get("_" + pattern) == name:
                    family_policy[family] = name
                for status in by_status:
                    if str(status)[0] == pattern[0]:
                        policy_of_status.setdefault(status, name)
            elif pattern.isdigit() and 400 <= int(pattern) <= 599:
                policy_of_status.setdefault(int(pattern), name)
                if int(pattern) not in by_status:
                    by_status[int(pattern)] = []
                    report.lines.append(f"status {pattern}: named by x-speakeasy-retries ({where}), no response documents it")
    draft.families = {
        "client": {"retry": family_policy["client"]},
        "server": {"retry": family_policy["server"]},
        "unexpected": {"retry": "do_not_retry"},
    }
    for range_key, responses in ranges.items():
        for response in responses:
            if range_key == "default":
                report.lines.append(f"{response.where} response 'default': read by the client and server family classes")
            else:
                report.mapped += 1

    from codegen.naming import default_category, reason_phrase, status_class_name

    taken = _reserved_names(prefix)
    for status, responses in sorted(by_status.items()):
        category = EXTRA_CATEGORIES.get(status) or default_category(status).value
        policy = policy_of_status.get(status) or _policy_for(status)
        descriptions = Counter(d for d in (_text(r.description) for r in responses) if d)
        entry: dict[str, Any] = {}
        phrase = reason_phrase(status)
        described = descriptions.most_common(1)[0][0] if descriptions else None
        if described and len(described) <= 80 and described.lower() != (phrase or "").lower():
            entry["title"] = described
        else:
            entry["title"] = phrase or f"HTTP {status}"
            if described and described.lower() != (phrase or "").lower():
                entry["cause"] = described
        entry["category"] = category
        entry["retry"] = policy
        found = [e for e in examples.get(status, []) if _example_code(e[0], envelopes) not in code_statuses]
        if found:
            entry["examples"] = [{"status": status, "body": body} for body, _ in found[:MAX_EXAMPLES]]
        where = f"{responses[0].where} {status}" if responses else "x-speakeasy-retries"
        if len(responses) > 1:
            where += f" (and {len(responses) - 1} more operation{'s' if len(responses) > 2 else ''})"
        draft.statuses[status] = (f"{MARKER}{source}: {where}", entry)
        taken.add(status_class_name(prefix, status).lower())
        report.mapped += len(responses)
        if category == "unknown":
            report.lines.append(f"status {status}: no category fits; class {status_class_name(prefix, status)} has category unknown")

    # Errors by code.
    codes = sorted(code_statuses, key=lambda c: (min(code_statuses[c]), c))
    if len(codes) > MAX_CODES:
        report.lines.append(f"{len(codes)} codes documented; the first {MAX_CODES} imported")
        codes = codes[:MAX_CODES]
    for code in codes:
        statuses = code_statuses[code]
        example_statuses = {s for s in statuses if any(_example_code(b, envelopes) == code for b, _ in examples.get(s, []))}
        status = next(iter(statuses)) if len(statuses) == 1 else (
            next(iter(example_statuses)) if len(example_statuses) == 1 else None
        )
        name = _class_name(code, prefix, taken)
        entry = {"name": name, "code": code}
        if status is not None:
            entry["status"] = status
        entry["title"] = _humanized(code)
        note = _text(code_notes.get(code))
        if note:
            entry["cause"] = note
        documented = [
            {"status": s, "body": body}
            for s in sorted(statuses)
            for body, _ in examples.get(s, [])
            if _example_code(body, envelopes) == code
        ]
        if documented:
            entry["examples"] = documented[:MAX_EXAMPLES]
        shown = sorted(statuses)
        comment = f"{MARKER}{source}: code {code_where[code]}"
        if status is None:
            comment += f"; documented at statuses {', '.join(map(str, shown))}, so no one status"
        draft.errors.append((comment, entry))

    for note_text, envelope in envelopes:
        draft.envelopes.append((note_text, envelope))
    used = {e["retry"] for _, e in draft.statuses.values()} | {f["retry"] for f in draft.families.values()}
    for name in sorted(used - set(draft.policies)):
        draft.policies[name] = (None, POLICIES[name])
    report.statuses, report.errors, report.envelopes = len(draft.statuses), len(draft.errors), len(draft.envelopes)
    return draft


def _docs_url(document: dict[str, Any], swagger: bool) -> str:
    candidates: list[Any] = []
    docs = document.get("externalDocs")
    if isinstance(docs, dict):
        candidates.append(docs.get("url"))
    info = document.get("info")
    if isinstance(info, dict) and isinstance(info.get("contact"), dict):
        candidates.append(info["contact"].get("url"))
    if swagger and isinstance(document.get("host"), str):
        candidates.append(f"https://{document['host']}{document.get('basePath') or ''}")
    servers = document.get("servers")
    if isinstance(servers, list) and servers and isinstance(servers[0], dict):
        candidates.append(servers[0].get("url"))
    for candidate in candidates:
        if isinstance(candidate, str) and URL.fullmatch(candidate) and len(candidate) <= 500 and "{" not in candidate:
            return candidate
    return "https://example.com/docs"


def _policy_for(status: int) -> str:
    if status in (401, 403, 407, 511):
        return "check_credentials"
    if status == 402:
        return "add_credits"
    if status == 429:
        return "rate_limited"
    if status in RETRIED_STATUSES:
        return "server_backoff"
    return "do_not_retry"


def _reserved_names(prefix: str) -> set[str]:
    from codegen.validate import SHARED_NAMES

    names = {n.lower() for n in SHARED_NAMES}
    names |= {f"{prefix}{n}".lower() for n in ("Error", "ClientError", "ServerError", "UnknownClientError",
                                              "UnknownServerError", "UnexpectedStatusError", "OperationFailedError")}
    return names


def _class_name(code: str, prefix: str, taken: set[str]) -> str:
    import builtins
    import keyword

    stem = _camel(code.rsplit("/", 1)[-1] if "/" in code.rstrip("/") else code)
    if stem.endswith("Error"):
        stem = stem[: -len("Error")]
    if not stem or not stem[:1].isalpha():
        stem = prefix + stem
    # The code's own words; then the vendor's prefix; then "Code" said outright.
    for name in (stem + "Error", prefix + stem + "Error", prefix + stem + "CodeError"):
        name = name[:70]
        if name.lower() not in taken and not hasattr(builtins, name) and not keyword.iskeyword(name):
            break
    base, number = name, 2
    while name.lower() in taken:
        name = f"{base}{number}"
        number += 1
    taken.add(name.lower())
    return name


def _name_envelopes(
    found: list[tuple[tuple[Any, ...], _Shape]], where: dict[tuple[Any, ...], str], source: str, report: ImportReport
) -> list[tuple[str, dict[str, Any]]]:
    # Shapes recognised by a container object first; then those with a code; problem details last.
    ordered = sorted(found, key=lambda item: (item[1].when[0]["is"] != "object", not item[1].code, item[1].problem))
    if len(ordered) > MAX_ENVELOPES:
        report.lines.append(f"{len(ordered)} error body shapes; the first {MAX_ENVELOPES} became envelopes")
        ordered = ordered[:MAX_ENVELOPES]
    # Shapes recognised by the same test are one envelope: only the first would ever be tried.
    merged: dict[str, tuple[tuple[Any, ...], _Shape]] = {}
    for key, shape in ordered:
        test = json.dumps(shape.when, sort_keys=True)
        if test not in merged:
            merged[test] = (key, shape)
            continue
        first = merged[test][1]
        first.name = first.name or shape.name
        for part in ("code", "message", "details", "request_id", "retry_after"):
            paths = getattr(first, part)
            paths += [p for p in getattr(shape, part) if p not in paths]
            setattr(first, part, paths[:3])
        first.schema = None  # several documented bodies: no one model describes them
    names: set[str] = set()
    envelopes: list[tuple[str, dict[str, Any]]] = []
    for index, (key, shape) in enumerate(merged.values(), 1):
        name = shape.name or _snake(shape.when[0]["path"]) or f"envelope_{index}"
        base, number = name[:45], 2
        while name in names:
            name = f"{base}_{number}"
            number += 1
        names.add(name)
        envelope: dict[str, Any] = {"name": name, "when": shape.when}
        for part in ("code", "message", "details", "request_id", "retry_after"):
            if getattr(shape, part):
                envelope[part] = getattr(shape, part)
        envelope["_schema"] = shape.schema
        envelope["_problem"] = shape.problem
        kind = "problem details (RFC 9457) " if shape.problem else ""
        envelopes.append((f"{MARKER}{source}: {kind}body of {where[key]}", envelope))
    return envelopes


def _lookup_path(body: Any, path: str) -> Any:
    node = body
    for part in path.split("."):
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _holds(body: Any, condition: dict[str, Any]) -> bool:
    value = _lookup_path(body, condition["path"])
    test = condition["is"]
    if test == "object":
        return isinstance(value, dict)
    return value is not None  # "present"


def _example_code(body: Any, envelopes: list[tuple[str, dict[str, Any]]]) -> str | None:
    """The code the generated parser reads from an example body, as it reads it."""
    if not isinstance(body, dict):
        return None
    for _, envelope in envelopes:
        if all(_holds(body, c) for c in envelope["when"]):
            for path in envelope.get("code", []):
                value = _lookup_path(body, path)
                if isinstance(value, str) and value:
                    return value
                if isinstance(value, int) and not isinstance(value, bool):
                    return str(value)
            return None
    return None


def _jsonable(value: Any, budget: list[int] | None = None) -> Any:
    """YAML's dates and numeric keys as JSON has them; None for what JSON cannot hold."""
    budget = budget if budget is not None else [2_000]
    budget[0] -= 1
    if budget[0] < 0:
        return None
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            converted = _jsonable(item, budget)
            if converted is None and item is not None:
                return None
            out[str(key)] = converted
        return out
    if isinstance(value, list):
        items = [_jsonable(item, budget) for item in value]
        return None if any(i is None and v is not None for i, v in zip(items, value)) else items
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return None


def _headers(draft: _Draft, responses: list[_Response]) -> None:
    request_ids: Counter[str] = Counter()
    where: dict[str, str] = {}
    delays: dict[str, str] = {}
    limits: dict[str, str] = {}
    for response in responses:
        for name, header in response.headers.items():
            place = f"{response.where} {response.status_key}"
            if REQUEST_ID_HEADER.search(name):
                request_ids[name.lower()] += 1
                where.setdefault(name.lower(), f"{name} ({place})")
            elif RETRY_AFTER_HEADER.match(name):
                delays.setdefault(name, place)
            elif RATE_LIMIT_HEADER.search(name) or RETRY_DIRECTIVE_HEADER.search(name):
                description = _text(header.get("description"), 120) or ""
                limits.setdefault(name, f"{name} ({place}){': ' + description if description else ''}")
    for lowered, _ in sorted(request_ids.items(), key=lambda kv: (-kv[1], kv[0]))[:3]:
        original = where[lowered].split(" (", 1)[0]
        draft.request_id.append(original)
        draft.request_id_notes[original] = where[lowered]
    seen: set[str] = set()
    for name in sorted(delays):
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        unit = "milliseconds" if name.lower().endswith("-ms") else "seconds"
        draft.retry_after.append({"name": name, "unit": unit, "_where": delays[name]})
    draft.rate_limit_notes = [limits[n] for n in sorted(limits, key=str.lower)]


def _retry_configs(document: dict[str, Any], errors: list[_Response]) -> dict[str, tuple[str, dict[str, Any], list[str]]]:
    """Retry policies of ``x-speakeasy-retries``: the document's, then operations' that differ."""
    found: list[tuple[str, Any]] = []
    if isinstance(document.get("x-speakeasy-retries"), dict):
        found.append(("document", document["x-speakeasy-retries"]))
    seen_ops: set[str] = set()
    for response in errors:
        if response.retries is not None and response.retries[0] not in seen_ops:
            seen_ops.add(response.retries[0])
            found.append(response.retries)
    configs: dict[str, tuple[str, dict[str, Any], list[str]]] = {}
    keys: dict[str, str] = {}
    for where, raw in found:
        policy, statuses = _speakeasy_policy(raw)
        if policy is None:
            continue
        key = json.dumps([policy, statuses], sort_keys=True)
        if key in keys:
            continue
        name = "speakeasy_retries" if not configs else f"speakeasy_retries_{len(configs) + 1}"
        keys[key] = name
        configs[name] = (where, policy, statuses)
    return configs


def _speakeasy_policy(raw: dict[str, Any]) -> tuple[dict[str, Any] | None, list[str]]:
    """``x-speakeasy-retries`` (intervals in milliseconds) as a retry policy and the statuses it covers."""
    if str(raw.get("strategy", "backoff")) != "backoff":
        return None, []
    backoff: dict[str, Any] = raw["backoff"] if isinstance(raw.get("backoff"), dict) else {}

    def number(key: str, default: float) -> float:
        value = backoff.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
            return float(value)
        return default

    initial = min(number("initialInterval", 500) / 1000, 3_600.0)
    maximum = min(max(number("maxInterval", 60_000) / 1000, initial), 86_400.0)
    exponent = min(max(number("exponent", 1.5), 1.0), 10.0)
    elapsed = number("maxElapsedTime", 3_600_000) / 1000
    # Attempts whose backoff fits in maxElapsedTime: the first attempt, then each retry's delay.
    attempts, spent = 1, 0.0
    while attempts < 100:
        delay = min(maximum, initial * exponent ** (attempts - 1))
        if spent + delay > elapsed:
            break
        spent += delay
        attempts += 1
    policy: dict[str, Any] = {
        "description": "From x-speakeasy-retries: exponential backoff until maxElapsedTime"
        f" ({_number(elapsed)} s) is spent"
        + ("; connection errors are retried too" if raw.get("retryConnectionErrors") is True else "")
        + ".",
        "retryable": attempts >= 2,
        "action": "retry" if attempts >= 2 else "fix_request",
    }
    if attempts >= 2:
        policy["max_attempts"] = attempts
        policy["backoff"] = {"base": _number(initial), "multiplier": _number(exponent), "max_delay": _number(maximum), "jitter": "full"}
    codes = raw.get("statusCodes")
    statuses = [str(c).upper() for c in codes if isinstance(c, (str, int)) and not isinstance(c, bool)] if isinstance(codes, list) else []
    return policy, statuses


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 6)


# ---------------------------------------------------------------------------------------
# Writing YAML


_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PLAIN_VALUE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _scalar_text(value: Any, key: bool = False) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text and "." not in text.split("e")[0]:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{'' if exponent[0] in '+-' else '+'}{exponent}"
        return text
    text = str(value)
    pattern = _PLAIN if key else _PLAIN_VALUE
    if pattern.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}" if ord(m.group()) <= 0xFFFF else "\\uFFFD", quoted)


def _flow(value: Any) -> str:
    """A value on one line, in YAML's flow style (JSON with plain keys where safe)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar_text(k, key=True)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return _scalar_text(value)


def _block(value: Any, indent: int) -> list[str]:
    """A mapping in block style, nested mappings too; lists and leaves in flow style."""
    pad = " " * indent
    lines = []
    for key, item in value.items():
        if isinstance(item, dict) and item and key not in ("backoff",) and len(_flow(item)) > 80:
            lines.append(f"{pad}{_scalar_text(key, key=True)}:")
            lines += _block(item, indent + 2)
        elif isinstance(item, list) and item and len(_flow(item)) > 80:
            lines.append(f"{pad}{_scalar_text(key, key=True)}:")
            for element in item:
                if isinstance(element, dict) and element:
                    inner = _block(element, indent + 4)
                    lines.append(f"{pad}  - {inner[0].lstrip()}")
                    lines += inner[1:]
                else:
                    lines.append(f"{pad}  - {_flow(element)}")
        else:
            lines.append(f"{pad}{_scalar_text(key, key=True)}: {_flow(item)}")
    return lines


def _comment(text: str, indent: int) -> str:
    return " " * indent + ("#" + text[1:] if text.startswith("#") else "# " + text)


def _envelope_data(envelope: dict[str, Any], resolver: _Resolver | None) -> dict[str, Any]:
    data = {k: v for k, v in envelope.items() if not k.startswith("_")}
    if resolver is not None and envelope.get("_schema") is not None:
        schema = _clean_schema(resolver, envelope["_schema"])
        if any(schema.get(key) for key in ("properties", "allOf", "oneOf", "anyOf")):
            data["schema"] = schema
    return data


def section_lines(draft: _Draft, section: str, resolver: _Resolver | None, only: set[Any] | None = None) -> list[str]:
    """The items of one section of the draft, each under its source comment (block style, indent 2)."""
    lines: list[str] = []
    if section == "envelopes":
        for note, envelope in draft.envelopes:
            if only is None or envelope["name"] in only:
                lines.append(_comment(note, 2))
                inner = _block(_envelope_data(envelope, resolver), 4)
                lines += [f"  - {inner[0].lstrip()}", *inner[1:]]
    elif section == "retry_policies":
        for policy_name, (policy_note, policy) in draft.policies.items():
            if only is None or policy_name in only:
                if policy_note:
                    lines.append(_comment(policy_note, 2))
                lines.append(f"  {policy_name}:")
                lines += _block(policy, 4)
    elif section == "statuses":
        for status, (note, entry) in draft.statuses.items():
            if only is None or status in only:
                lines.append(_comment(note, 2))
                lines.append(f"  {status}:")
                lines += _block(entry, 4)
    elif section == "errors":
        for note, entry in draft.errors:
            if only is None or entry["code"] in only:
                lines.append(_comment(note, 2))
                inner = _block(entry, 4)
                lines += [f"  - {inner[0].lstrip()}", *inner[1:]]
    return lines


def render_draft(draft: _Draft, resolver: _Resolver) -> str:
    lines = ["# yaml-language-server: $schema=spec.schema.json"]
    lines += [_comment(note, 0) for note in draft.notes]
    lines += ["spec_version: 1", "", "vendor:", *_block(draft.vendor, 2), ""]
    if draft.request_id:
        lines.append("request_id:")
        lines += [_comment(f"{MARKER}{draft.source}: response header {draft.request_id_notes[h]}", 2) for h in draft.request_id]
        lines += [f"  headers: {_flow(draft.request_id)}", ""]
    if draft.retry_after:
        lines.append("retry_after:")
        lines.append("  headers:")
        for header in draft.retry_after:
            lines.append(_comment(f"{MARKER}{draft.source}: response header {header['name']} ({header['_where']})", 4))
            lines.append(f"    - {_flow({k: v for k, v in header.items() if not k.startswith('_')})}")
        lines.append("")
    if draft.rate_limit_notes:
        lines.append("# Documented rate-limit and retry-directive headers, for rate_limits / retry_directives:")
        lines += [_comment(f"  {note}", 0) for note in draft.rate_limit_notes[:20]]
        lines.append("")
    if draft.envelopes:
        lines += ["envelopes:", *section_lines(draft, "envelopes", resolver), ""]
    lines += ["retry_policies:", *section_lines(draft, "retry_policies", resolver), ""]
    lines += ["families:", *_block(draft.families, 2), ""]
    if draft.statuses:
        lines += ["statuses:", *section_lines(draft, "statuses", resolver), ""]
    if draft.errors:
        lines += ["errors:", *section_lines(draft, "errors", resolver), ""]
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# The command


def import_openapi(source: Path, slug: str, specs: Path, output: Path | None = None, shown_root: Path | None = None) -> ImportReport:
    """Write (or re-sync) ``<specs>/<slug>.yaml`` from an OpenAPI description; return the report."""
    target = output if output is not None else specs / f"{slug}.yaml"
    shown = str(target.relative_to(shown_root)) if shown_root and target.is_relative_to(shown_root) else str(target)
    text, report = import_text(source, slug, target, shown)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return report


def import_text(source: Path, slug: str, target: Path, shown: str, document: Any = None) -> tuple[str, ImportReport]:
    """The validated spec text an import writes to ``target`` (a re-sync when it exists); writes nothing.

    ``document`` is the description already loaded from ``source``, if it is."""
    if not SLUG.fullmatch(slug) or len(slug) > 50:
        raise UsageError(f"'{slug}' is not a valid slug: lower case letters, digits and '_', starting with a letter")
    if target.name != f"{slug}.yaml":
        raise UsageError(f"the spec of '{slug}' must be named {slug}.yaml (the slug names the file), not {target.name}")
    report = ImportReport(target=target)
    if document is None:
        document = load_document(source)
    draft = build_draft(document, slug, source.name, report)
    resolver = _Resolver(document)
    if target.exists():
        from codegen.openapi_import.resync import resync

        text = resync(target.read_text(encoding="utf-8"), draft, resolver, shown, report)
        report.resynced = True
    else:
        text = render_draft(draft, resolver)
    check_spec_text(text, target, shown)
    return text, report


def check_spec_text(text: str, target: Path, shown: str) -> None:
    """Validate the spec about to be written; raise with every problem, writing nothing."""
    from codegen.load import parse_spec_bytes
    from codegen.validate import validate

    validate(parse_spec_bytes(text.encode("utf-8"), target, shown))
