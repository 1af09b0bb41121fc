"""Names of the classes a spec defines, whether the spec names them or they are derived."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from http import HTTPStatus

from codegen.load import DataPath
from codegen.spec import Category, Spec


def reason_phrase(status: int) -> str | None:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return None


def status_class_name(prefix: str, status: int) -> str:
    """``EdgeeTooManyRequestsError`` for 429; ``EdgeeStatus599Error`` where HTTP names none."""
    phrase = reason_phrase(status)
    if phrase is None:
        return f"{prefix}Status{status}Error"
    words = "".join(ch if ch.isalnum() else " " for ch in phrase).split()
    stem = "".join(word[:1].upper() + word[1:] for word in words)
    if stem.endswith("Error"):
        stem = stem[: -len("Error")]
    return f"{prefix}{stem}Error"


def base_class_name(spec: Spec) -> str:
    return f"{spec.vendor.class_prefix}Error"


def family_class_name(spec: Spec, family: str) -> str:
    prefix = spec.vendor.class_prefix
    families = spec.families
    if family == "client":
        return families.client.name or f"{prefix}ClientError"
    if family == "server":
        return families.server.name or f"{prefix}ServerError"
    assert spec.operation_failures is not None
    return spec.operation_failures.family.name or f"{prefix}OperationFailedError"


def fallback_class_name(spec: Spec, family: str) -> str:
    """The class an unknown 4xx or 5xx status, or one outside both, becomes."""
    prefix = spec.vendor.class_prefix
    if family == "unexpected":
        named = spec.families.unexpected.name if spec.families.unexpected else None
        return named or f"{prefix}UnexpectedStatusError"
    return f"{prefix}Unknown{family.capitalize()}Error"


def derived_class_names(spec: Spec) -> Iterator[tuple[str, DataPath]]:
    """Every class name of the vendor package with the spec path that names it."""
    yield base_class_name(spec), ("vendor", "class_prefix")
    yield family_class_name(spec, "client"), ("families", "client")
    yield family_class_name(spec, "server"), ("families", "server")
    yield fallback_class_name(spec, "client"), ("families", "client")
    yield fallback_class_name(spec, "server"), ("families", "server")
    yield fallback_class_name(spec, "unexpected"), ("families", "unexpected")
    if spec.operation_failures is not None:
        yield family_class_name(spec, "operation"), ("operation_failures", "family")
    for status, status_class in spec.statuses.items():
        name = status_class.name or status_class_name(spec.vendor.class_prefix, status)
        yield name, ("statuses", str(status))
    for index, error in enumerate(spec.errors):
        yield error.name, ("errors", str(index), "name")
    if spec.operation_failures is not None:
        for index, error in enumerate(spec.operation_failures.errors):
            yield error.name, ("operation_failures", "errors", str(index), "name")


def envelope_model_name(envelope: str) -> str:
    """The pydantic model of an envelope's schema: ``failed_run`` -> ``FailedRunEnvelope``."""
    return "".join(part[:1].upper() + part[1:] for part in envelope.split("_")) + "Envelope"


def details_model_name(error: str) -> str:
    """The pydantic model of an error's details: ``ModelNotFoundError`` -> ``ModelNotFoundDetails``."""
    stem = error[: -len("Error")] if error.endswith("Error") else error
    return stem + "Details"


def constant_name(name: str) -> str:
    """``server_backoff`` -> ``SERVER_BACKOFF``."""
    return name.upper()


def snake_case(name: str) -> str:
    out = []
    for index, ch in enumerate(name):
        if ch.isupper() and index and (not name[index - 1].isupper() or (index + 1 < len(name) and name[index + 1].islower())):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


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
"""The shared class of each category, which every vendor class of that category subclasses."""

SHARED_MODULES = frozenset(
    {
        "_base",
        "_budget",
        "_matching",
        "_observe",
        "_ratelimit",
        "_retrying",
        "_runtime",
        "_signals",
        "_store",
        "_streams",
        "_transport",
        "transports",
    }
)
"""Modules at the generated package's root, shared by every vendor: no vendor package may take their names."""

SHARED_RUNTIME_NAMES = frozenset(
    {"APIError", "Category", "Action", "RetryPolicy", "Headers", *SHARED_CATEGORY_CLASSES.values()}
)
"""What ``_base.py`` exports, and the generated package's root with it."""


# The category a status takes unless the spec says otherwise.
STATUS_CATEGORIES: dict[int, Category] = {
    400: Category.INVALID_REQUEST,
    401: Category.AUTHENTICATION,
    402: Category.PAYMENT_REQUIRED,
    403: Category.PERMISSION_DENIED,
    404: Category.NOT_FOUND,
    405: Category.INVALID_REQUEST,
    409: Category.CONFLICT,
    413: Category.PAYLOAD_TOO_LARGE,
    415: Category.UNSUPPORTED_MEDIA_TYPE,
    422: Category.INVALID_REQUEST,
    429: Category.RATE_LIMITED,
    500: Category.INTERNAL,
    502: Category.UPSTREAM,
    503: Category.UNAVAILABLE,
    504: Category.TIMEOUT,
}


def default_category(status: int) -> Category:
    return STATUS_CATEGORIES.get(status, Category.UNKNOWN)


def _isort_key(name: str, case_sensitive: bool) -> tuple[int, list[str | int], str]:
    """Constants, then classes, then the rest, each in natural order (digits compare as
    numbers); letters compared regardless of case first, unless ``case_sensitive``."""
    import re

    if len(name) > 1 and name.isupper():
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    text = name if case_sensitive else name.lower()
    parts: list[str | int] = [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text) if p]
    return kind, parts, name


def isort_order(names: Iterable[str]) -> list[str]:
    """Names in the order isort (and ruff) expect in a ``from`` import."""
    return sorted(names, key=lambda name: _isort_key(name, case_sensitive=False))


def all_order(names: Iterable[str]) -> list[str]:
    """Names in the order ruff expects in ``__all__`` and ``__slots__`` (isort-style, by case)."""
    return sorted(names, key=lambda name: _isort_key(name, case_sensitive=True))
