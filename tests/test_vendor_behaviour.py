"""What the generated packages must do with the responses the vendors' own documents show.

Every table below is written by hand from the vendor documents in ``/work/shared/seeds``
(000 AlphaEdge, 001 GenesisAI, 002 Edgee, 003 the image-analysis API, 004 the speech API),
not read from ``specs/``: a spec that drifts from its document makes these tests fail.

Where a document shows no body for a case, the row builds one in the vendor's documented
envelope.  ``next_delay(err, 1)`` is checked exactly where the delay is deterministic (a
server ``Retry-After`` / ``retryAfterSeconds`` or a documented default); where it comes
from exponential backoff with jitter, only its bounds are checked.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest

import generated.alphaedge as alphaedge
import generated.edgee as edgee
import generated.genesisai as genesisai
import generated.speech as speech
import generated.vision as vision
from generated import (
    AuthenticationError,
    ConflictError,
    GatewayTimeoutError,
    InternalServerError,
    InvalidRequestError,
    NotFoundError,
    OperationFailedError,
    PayloadTooLargeError,
    PaymentRequiredError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitedError,
    ServiceUnavailableError,
    UnknownAPIError,
    UnsupportedMediaTypeError,
    UpstreamError,
)

BASE_CLASS = {
    alphaedge: "AlphaEdgeError",
    genesisai: "GenesisAIError",
    edgee: "EdgeeError",
    vision: "VisionError",
    speech: "SpeechError",
}

CATEGORY_CLASS = {
    "invalid_request": InvalidRequestError,
    "authentication": AuthenticationError,
    "permission_denied": PermissionDeniedError,
    "not_found": NotFoundError,
    "conflict": ConflictError,
    "payload_too_large": PayloadTooLargeError,
    "unsupported_media_type": UnsupportedMediaTypeError,
    "payment_required": PaymentRequiredError,
    "rate_limited": RateLimitedError,
    "quota_exceeded": QuotaExceededError,
    "internal": InternalServerError,
    "upstream": UpstreamError,
    "unavailable": ServiceUnavailableError,
    "timeout": GatewayTimeoutError,
    "operation_failed": OperationFailedError,
    "unknown": UnknownAPIError,
}


@dataclass(frozen=True)
class Backoff:
    """A delay from exponential backoff with jitter: not fixed, but within [0, upper]."""

    upper: float


@dataclass(frozen=True)
class Case:
    vendor: ModuleType
    status: int
    body: Any  # JSON-able data, raw bytes (sent as they are), or None
    headers: dict[str, str]
    cls: str
    category: str
    request_id: str | None
    retryable: bool
    action: str
    delay: float | Backoff | None
    attrs: dict[str, Any] = field(default_factory=dict)
    exact: bool = True
    """False for the family fallbacks: the error need only be an instance of ``cls``."""
    verdict: tuple[bool, str] | None = None
    """The response's own retry verdict and reason, where it differs from the table's."""


def case(
    id: str,
    vendor: ModuleType,
    status: int,
    body: Any,
    *,
    cls: str,
    category: str,
    request_id: str | None,
    retryable: bool,
    action: str,
    delay: float | Backoff | None,
    headers: dict[str, str] | None = None,
    exact: bool = True,
    verdict: tuple[bool, str] | None = None,
    **attrs: Any,
) -> Any:
    return pytest.param(
        Case(vendor, status, body, headers or {}, cls, category, request_id, retryable, action, delay, attrs, exact, verdict),
        id=id,
    )


def fallback(id: str, vendor: ModuleType, status: int, body: Any, *, family: str, **kw: Any) -> Any:
    """An undocumented 4xx/5xx: an instance of the vendor's ClientError/ServerError, category unknown."""
    return case(id, vendor, status, body, cls=family, category="unknown", exact=False, **kw)


def fix_request(**kw: Any) -> dict[str, Any]:
    return {"retryable": False, "action": "fix_request", "delay": None, **kw}


def no_retry(action: str, **kw: Any) -> dict[str, Any]:
    return {"retryable": False, "action": action, "delay": None, **kw}


def retry(delay: float | Backoff | None, action: str = "retry", **kw: Any) -> dict[str, Any]:
    return {"retryable": True, "action": action, "delay": delay, **kw}


# --------------------------------------------------------------------------- AlphaEdge (000)
# {"detail": "..."}, French messages, X-Request-ID on every response (and in the body on 500),
# Retry-After on 429/502/503/504 with defaults 5 s (10 s for 503); no string codes.

AE_RID = "3f0c2a9e-7d1b-4c55-9a51-2b8e0f6d1c44"
AE_MISSING_KEY = "Clé API manquante : fournissez l’en-tête X-API-Key ou Authorization: Bearer <clé>."
AE_HOST = "Utiliser le nom de domaine « api-endpoints.alphaedge-ai.com » dans l’URL…"
AE_BOOLEAN = (
    "Champ booléen invalide pour `enable_diarization`: 'banane'. "
    "Valeurs acceptées : 1/0, true/false, yes/no, on/off."
)
AE_MULTIPART = (
    "Formulaire multipart invalide : champs autorisés = `audio` (fichier requis), "
    "`enable_diarization`, `enable_postcorrect`. Tout autre champ est refusé."
)

ALPHAEDGE = [
    case("alphaedge-400-malformed-body", alphaedge, 400, {"detail": "There was an error parsing the body"},
         headers={"X-Request-ID": "req-400"}, cls="AlphaEdgeBadRequestError", category="invalid_request",
         request_id="req-400", **fix_request()),
    case("alphaedge-401-missing-api-key", alphaedge, 401, {"detail": AE_MISSING_KEY},
         headers={"X-Request-ID": "req-401"}, cls="MissingApiKeyError", category="authentication",
         request_id="req-401", **no_retry("check_credentials"), message=AE_MISSING_KEY),
    case("alphaedge-401-invalid-api-key", alphaedge, 401, {"detail": "Clé API invalide."},
         cls="AlphaEdgeAuthenticationFailedError", category="authentication", request_id=None,
         **no_retry("check_credentials")),
    case("alphaedge-402-insufficient-balance", alphaedge, 402, {"detail": "Solde insuffisant."},
         cls="AlphaEdgeInsufficientBalanceError", category="payment_required", request_id=None,
         **no_retry("add_credits")),
    case("alphaedge-403-forbidden-host", alphaedge, 403, {"detail": AE_HOST},
         cls="ForbiddenHostError", category="permission_denied", request_id=None,
         **fix_request(), expected_host="api-endpoints.alphaedge-ai.com"),
    case("alphaedge-403-internal-route", alphaedge, 403, {"detail": "Forbidden"},
         cls="AlphaEdgeForbiddenError", category="permission_denied", request_id=None, **fix_request()),
    case("alphaedge-404-model-not-found", alphaedge, 404, {"detail": "Modèle introuvable."},
         cls="ModelNotFoundError", category="not_found", request_id=None, **fix_request()),
    case("alphaedge-404-transcription-job-not-found", alphaedge, 404, {"detail": "Job de transcription introuvable."},
         cls="TranscriptionJobNotFoundError", category="not_found", request_id=None, **fix_request()),
    case("alphaedge-404-route-not-found", alphaedge, 404, {"detail": "Not Found"},
         cls="RouteNotFoundError", category="not_found", request_id=None, **fix_request()),
    case("alphaedge-405-method-not-allowed", alphaedge, 405, {"detail": "Method Not Allowed"},
         cls="AlphaEdgeMethodNotAllowedError", category="invalid_request", request_id=None,
         **fix_request(), message="Method Not Allowed"),
    case("alphaedge-422-invalid-boolean-field", alphaedge, 422, {"detail": AE_BOOLEAN},
         cls="InvalidBooleanFieldError", category="invalid_request", request_id=None,
         **fix_request(), field="enable_diarization", value="banane"),
    case("alphaedge-422-invalid-multipart-form", alphaedge, 422, {"detail": AE_MULTIPART},
         cls="InvalidMultipartFormError", category="invalid_request", request_id=None, **fix_request()),
    case("alphaedge-422-unreadable-audio-file", alphaedge, 422, {"detail": "Fichier audio illisible ou format non reconnu."},
         cls="UnreadableAudioFileError", category="invalid_request", request_id=None, **fix_request()),
    case("alphaedge-422-fastapi-validation-list", alphaedge, 422,
         {"detail": [{"loc": ["body", "audio"], "msg": "Field required", "type": "missing"}]},
         cls="AlphaEdgeInvalidParametersError", category="invalid_request", request_id=None,
         **fix_request(), message="Field required"),
    case("alphaedge-429-default-5s", alphaedge, 429, {"detail": "Too Many Requests"},
         cls="AlphaEdgeTooManyRequestsError", category="rate_limited", request_id=None, **retry(5.0)),
    case("alphaedge-429-retry-after-12", alphaedge, 429, {"detail": "Too Many Requests"},
         headers={"Retry-After": "12"}, cls="AlphaEdgeTooManyRequestsError", category="rate_limited",
         request_id=None, **retry(12.0)),
    case("alphaedge-500-request-id-header-and-body", alphaedge, 500,
         {"detail": "Erreur interne du serveur.", "request_id": AE_RID}, headers={"X-Request-ID": AE_RID},
         cls="AlphaEdgeInternalServerError", category="internal", request_id=AE_RID, **retry(Backoff(30.0))),
    case("alphaedge-500-request-id-body-only", alphaedge, 500,
         {"detail": "Erreur interne du serveur.", "request_id": AE_RID},
         cls="AlphaEdgeInternalServerError", category="internal", request_id=AE_RID, **retry(Backoff(30.0))),
    case("alphaedge-500-header-request-id-preferred", alphaedge, 500,
         {"detail": "Erreur interne du serveur.", "request_id": "from-body"}, headers={"X-Request-ID": "from-header"},
         cls="AlphaEdgeInternalServerError", category="internal", request_id="from-header", **retry(Backoff(30.0))),
    case("alphaedge-502-default-5s", alphaedge, 502, {"detail": "Erreur de service en aval."},
         cls="AlphaEdgeUpstreamServiceError", category="upstream", request_id=None, **retry(5.0)),
    case("alphaedge-503-default-10s", alphaedge, 503, {"detail": "Service indisponible."},
         cls="AlphaEdgeServiceUnavailableError", category="unavailable", request_id=None, **retry(10.0)),
    case("alphaedge-503-retry-after-20", alphaedge, 503, {"detail": "Service indisponible."},
         headers={"Retry-After": "20"}, cls="AlphaEdgeServiceUnavailableError", category="unavailable",
         request_id=None, **retry(20.0)),
    case("alphaedge-503-lowercase-headers", alphaedge, 503, {"detail": "Service indisponible."},
         headers={"retry-after": "15", "x-request-id": "lower-1"}, cls="AlphaEdgeServiceUnavailableError",
         category="unavailable", request_id="lower-1", **retry(15.0)),
    case("alphaedge-503-retry-after-beyond-max-server-delay", alphaedge, 503, {"detail": "Service indisponible."},
         headers={"Retry-After": "3600"}, cls="AlphaEdgeServiceUnavailableError", category="unavailable",
         request_id=None, verdict=(False, "server_delay_over_cap"), **retry(None)),
    case("alphaedge-504-default-5s", alphaedge, 504, {"detail": "Délai dépassé."},
         cls="AlphaEdgeUpstreamTimeoutError", category="timeout", request_id=None, **retry(5.0)),
    fallback("alphaedge-409-undocumented-client-status", alphaedge, 409, {"detail": "Conflit."},
         family="AlphaEdgeClientError", request_id=None, **fix_request()),
    fallback("alphaedge-507-undocumented-server-status", alphaedge, 507, {"detail": "Stockage insuffisant."},
         family="AlphaEdgeServerError", request_id=None, **retry(Backoff(30.0))),
]


# --------------------------------------------------------------------------- GenesisAI (001)
# {"success": false, "error": {code, message, details}, "request_id"}; no retry of 4xx except 429;
# 5xx: exponential backoff, sleep(2 ** attempt), 3 attempts.


def genesis(code: str, message: str, request_id: str = "req_abc123xyz") -> dict[str, Any]:
    return {"success": False, "error": {"code": code, "message": message, "details": {}}, "request_id": request_id}


GENESISAI = [
    case("genesisai-400-document-structure-example", genesisai, 400,
         {"success": False, "error": {"code": "ERROR_CODE", "message": "Description lisible de l'erreur", "details": {}},
          "request_id": "req_abc123xyz"},
         cls="GenesisAIBadRequestError", category="invalid_request", request_id="req_abc123xyz",
         **fix_request(), code="ERROR_CODE", message="Description lisible de l'erreur"),
    case("genesisai-401-missing-api-key", genesisai, 401, genesis("MISSING_API_KEY", "Aucune clé API fournie"),
         cls="MissingApiKeyError", category="authentication", request_id="req_abc123xyz", **no_retry("check_credentials")),
    case("genesisai-401-invalid-api-key", genesisai, 401, genesis("INVALID_API_KEY", "Clé API invalide"),
         cls="InvalidApiKeyError", category="authentication", request_id="req_abc123xyz", **no_retry("check_credentials")),
    case("genesisai-401-expired-api-key", genesisai, 401, genesis("EXPIRED_API_KEY", "Clé API expirée"),
         cls="ExpiredApiKeyError", category="authentication", request_id="req_abc123xyz", **no_retry("check_credentials")),
    case("genesisai-400-invalid-request", genesisai, 400, genesis("INVALID_REQUEST", "Requête invalide"),
         cls="MalformedRequestError", category="invalid_request", request_id="req_abc123xyz", **fix_request()),
    case("genesisai-400-missing-parameter", genesisai, 400, genesis("MISSING_PARAMETER", "Paramètre manquant"),
         cls="MissingParameterError", category="invalid_request", request_id="req_abc123xyz", **fix_request()),
    case("genesisai-400-invalid-parameter", genesisai, 400, genesis("INVALID_PARAMETER", "Paramètre invalide"),
         cls="InvalidParameterError", category="invalid_request", request_id="req_abc123xyz", **fix_request()),
    case("genesisai-413-file-too-large", genesisai, 413, genesis("FILE_TOO_LARGE", "Fichier trop volumineux"),
         cls="FileTooLargeError", category="payload_too_large", request_id="req_abc123xyz", **fix_request()),
    case("genesisai-415-unsupported-format", genesisai, 415, genesis("UNSUPPORTED_FORMAT", "Format non supporté"),
         cls="UnsupportedFormatError", category="unsupported_media_type", request_id="req_abc123xyz", **fix_request()),
    case("genesisai-422-corrupted-file", genesisai, 422, genesis("CORRUPTED_FILE", "Fichier corrompu"),
         cls="CorruptedFileError", category="invalid_request", request_id="req_abc123xyz", **fix_request()),
    case("genesisai-402-insufficient-credits", genesisai, 402, genesis("INSUFFICIENT_CREDITS", "Crédits insuffisants"),
         cls="InsufficientCreditsError", category="payment_required", request_id="req_abc123xyz", **no_retry("add_credits")),
    case("genesisai-429-rate-limit-retry-after-30", genesisai, 429,
         genesis("RATE_LIMIT_EXCEEDED", "Limite de requêtes dépassée"), headers={"Retry-After": "30"},
         cls="RateLimitExceededError", category="rate_limited", request_id="req_abc123xyz", **retry(30.0)),
    case("genesisai-429-rate-limit-no-retry-after", genesisai, 429,
         genesis("RATE_LIMIT_EXCEEDED", "Limite de requêtes dépassée"),
         cls="RateLimitExceededError", category="rate_limited", request_id="req_abc123xyz", **retry(Backoff(60.0))),
    case("genesisai-500-internal-error", genesisai, 500, genesis("INTERNAL_ERROR", "Erreur interne"),
         cls="InternalError", category="internal", request_id="req_abc123xyz", **retry(Backoff(2.0))),
    case("genesisai-503-service-unavailable", genesisai, 503, genesis("SERVICE_UNAVAILABLE", "Service indisponible"),
         cls="ServiceTemporarilyUnavailableError", category="unavailable", request_id="req_abc123xyz",
         **retry(Backoff(300.0))),
    case("genesisai-503-service-unavailable-retry-after-120", genesisai, 503,
         genesis("SERVICE_UNAVAILABLE", "Service indisponible"), headers={"Retry-After": "120"},
         cls="ServiceTemporarilyUnavailableError", category="unavailable", request_id="req_abc123xyz", **retry(120.0)),
    case("genesisai-504-processing-timeout", genesisai, 504, genesis("PROCESSING_TIMEOUT", "Timeout de traitement"),
         cls="ProcessingTimeoutError", category="timeout", request_id="req_abc123xyz", **retry(Backoff(2.0))),
    # A known code under another status keeps its class and the real status.
    case("genesisai-known-code-under-403", genesisai, 403, genesis("INVALID_API_KEY", "Clé API invalide"),
         cls="InvalidApiKeyError", category="authentication", request_id="req_abc123xyz",
         **no_retry("check_credentials"), code="INVALID_API_KEY"),
    case("genesisai-429-unknown-code", genesisai, 429, genesis("QUOTA_BURST", "Trop de requêtes"),
         cls="GenesisAITooManyRequestsError", category="rate_limited", request_id="req_abc123xyz",
         **retry(Backoff(60.0)), code="QUOTA_BURST"),
    case("genesisai-503-unknown-code", genesisai, 503, genesis("MAINTENANCE", "Maintenance en cours"),
         cls="GenesisAIServiceUnavailableError", category="unavailable", request_id="req_abc123xyz",
         **retry(Backoff(300.0))),
    fallback("genesisai-404-undocumented-client-status", genesisai, 404, genesis("NOT_FOUND", "Ressource introuvable"),
         family="GenesisAIClientError", request_id="req_abc123xyz", **fix_request()),
    fallback("genesisai-502-undocumented-server-status", genesisai, 502, genesis("BAD_GATEWAY", "Passerelle"),
         family="GenesisAIServerError", request_id="req_abc123xyz", **retry(Backoff(2.0))),
]


# --------------------------------------------------------------------------- Edgee (002)
# {"error": {code, message}}; no request id; 429 usage_limit_exceeded is never cleared by waiting.


def edgee_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


EDGEE = [
    case("edgee-400-bad-model-id", edgee, 400, edgee_body("bad_model_id", "Invalid model ID: 'invalid-model'"),
         cls="BadModelIdError", category="invalid_request", request_id=None, **fix_request(),
         model_id="invalid-model", code="bad_model_id", message="Invalid model ID: 'invalid-model'"),
    case("edgee-400-model-not-found", edgee, 400, edgee_body("model_not_found", "Model 'openai/gpt-1' not found"),
         cls="ModelNotFoundError", category="invalid_request", request_id=None, **fix_request(),
         model_id="openai/gpt-1"),
    case("edgee-400-model-not-found-other-message", edgee, 400, edgee_body("model_not_found", "No such model"),
         cls="ModelNotFoundError", category="invalid_request", request_id=None, **fix_request(), model_id=None),
    case("edgee-400-provider-not-supported", edgee, 400,
         edgee_body("provider_not_supported", "Provider 'anthropic' is not supported for model 'openai/gpt-4o'"),
         cls="ProviderNotSupportedError", category="invalid_request", request_id=None, **fix_request(),
         provider="anthropic", model_id="openai/gpt-4o"),
    case("edgee-400-streaming-not-supported", edgee, 400,
         edgee_body("streaming_not_supported",
                    "Streaming for Messages API is only supported when the model uses the Anthropic provider"),
         cls="StreamingNotSupportedError", category="invalid_request", request_id=None, **fix_request()),
    case("edgee-400-unknown-code", edgee, 400, edgee_body("context_length_exceeded", "Too many tokens"),
         cls="EdgeeBadRequestError", category="invalid_request", request_id=None, **fix_request(),
         code="context_length_exceeded"),
    case("edgee-401-missing-authorization-header", edgee, 401, edgee_body("unauthorized", "Missing Authorization header"),
         cls="MissingAuthorizationHeaderError", category="authentication", request_id=None,
         **no_retry("check_credentials")),
    case("edgee-401-invalid-authorization-header-format", edgee, 401,
         edgee_body("unauthorized", "Invalid Authorization header format"),
         cls="InvalidAuthorizationHeaderError", category="authentication", request_id=None,
         **no_retry("check_credentials")),
    case("edgee-401-failed-to-retrieve-api-key", edgee, 401,
         edgee_body("unauthorized", "Failed to retrieve API key: <error details>"),
         cls="ApiKeyRetrievalFailedError", category="authentication", request_id=None,
         **no_retry("check_credentials"), reason="<error details>"),
    case("edgee-401-other-message", edgee, 401, edgee_body("unauthorized", "Token revoked"),
         cls="UnauthorizedError", category="authentication", request_id=None, **no_retry("check_credentials")),
    case("edgee-403-inactive-key", edgee, 403, edgee_body("forbidden", "API key is inactive"),
         cls="InactiveApiKeyError", category="permission_denied", request_id=None, **no_retry("check_credentials")),
    case("edgee-403-expired-key", edgee, 403, edgee_body("forbidden", "API key has expired"),
         cls="ExpiredApiKeyError", category="permission_denied", request_id=None, **no_retry("check_credentials")),
    case("edgee-403-model-not-allowed", edgee, 403,
         edgee_body("forbidden", "Model 'openai/gpt-4o' is not allowed for this API key"),
         cls="ModelNotAllowedError", category="permission_denied", request_id=None,
         **no_retry("check_credentials"), model_id="openai/gpt-4o"),
    case("edgee-403-other-message", edgee, 403, edgee_body("forbidden", "Organization suspended"),
         cls="ForbiddenError", category="permission_denied", request_id=None, **no_retry("check_credentials")),
    case("edgee-404-not-found", edgee, 404, edgee_body("not_found", "Not found"),
         cls="EdgeeNotFoundError", category="not_found", request_id=None, **fix_request()),
    # usage_limit_exceeded: not retried, even when a Retry-After is sent.
    case("edgee-429-token-usage-limit", edgee, 429,
         edgee_body("usage_limit_exceeded", "Usage limit exceeded: 1000.00 / 1000 tokens used"),
         headers={"Retry-After": "30"}, cls="TokenUsageLimitExceededError", category="quota_exceeded",
         request_id=None, **no_retry("wait_for_quota"), used=1000.0, limit=1000.0, unit="tokens"),
    case("edgee-429-no-credits-remaining", edgee, 429,
         edgee_body("usage_limit_exceeded", "Organization has no credits remaining"),
         headers={"Retry-After": "30"}, cls="NoCreditsRemainingError", category="payment_required",
         request_id=None, **no_retry("add_credits")),
    case("edgee-429-usage-limit-other-message", edgee, 429,
         edgee_body("usage_limit_exceeded", "Monthly budget reached"),
         cls="UsageLimitExceededError", category="quota_exceeded", request_id=None, **no_retry("wait_for_quota")),
    # Throttling (no usage_limit_exceeded code): back off, honouring Retry-After.
    case("edgee-429-throttled-retry-after-3", edgee, 429, edgee_body("rate_limited", "Too many requests"),
         headers={"Retry-After": "3"}, cls="EdgeeTooManyRequestsError", category="rate_limited",
         request_id=None, **retry(3.0)),
    case("edgee-429-throttled-no-body", edgee, 429, None,
         cls="EdgeeTooManyRequestsError", category="rate_limited", request_id=None, **retry(Backoff(60.0))),
    case("edgee-500-internal-error", edgee, 500,
         edgee_body("internal_error", "An internal error occurred. Please try again later."),
         cls="InternalError", category="internal", request_id=None, **retry(Backoff(30.0))),
    case("edgee-502-html-body", edgee, 502, b"<html><body>502 Bad Gateway</body></html>",
         cls="EdgeeBadGatewayError", category="upstream", request_id=None, **retry(Backoff(30.0))),
    case("edgee-503-service-unavailable", edgee, 503, None,
         cls="EdgeeServiceUnavailableError", category="unavailable", request_id=None, **retry(Backoff(30.0))),
    case("edgee-504-gateway-timeout", edgee, 504, None,
         cls="EdgeeGatewayTimeoutError", category="timeout", request_id=None, **retry(Backoff(30.0))),
    case("edgee-known-code-under-404", edgee, 404, edgee_body("bad_model_id", "Invalid model ID: 'x'"),
         cls="BadModelIdError", category="invalid_request", request_id=None, **fix_request(),
         code="bad_model_id", model_id="x"),
    fallback("edgee-418-undocumented-client-status", edgee, 418, edgee_body("teapot", "I'm a teapot"),
         family="EdgeeClientError", request_id=None, **fix_request()),
    fallback("edgee-501-undocumented-server-status", edgee, 501, edgee_body("not_implemented", "Not implemented"),
         family="EdgeeServerError", request_id=None, **retry(Backoff(30.0))),
]


# --------------------------------------------------------------------------- image-analysis API (003)
# Middleware {"error": {...}, "request_id"} and FastAPI {"detail": str | {code, message, field} | list};
# 429: Retry-After, 5 s when absent; 5xx: (2 ** attempt) + random() * 0.5, 3 attempts.

VISION_RID = "550e8400-e29b-41d4-a716-446655440000"


def middleware(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}, "request_id": VISION_RID}


def detail(code: str, message: str, **rest: Any) -> dict[str, Any]:
    return {"detail": {"code": code, "message": message, **rest}}


VISION = [
    case("vision-429-rate-limit-document-example", vision, 429,
         middleware("RATE_LIMIT_ERROR", "Rate limit exceeded: 100 calls per 60 seconds"),
         cls="RateLimitExceededError", category="rate_limited", request_id=VISION_RID, **retry(5.0),
         max_calls=100, window_seconds=60, details={}),
    case("vision-429-rate-limit-retry-after-30", vision, 429,
         middleware("RATE_LIMIT_ERROR", "Rate limit exceeded: 100 calls per 60 seconds"), headers={"Retry-After": "30"},
         cls="RateLimitExceededError", category="rate_limited", request_id=VISION_RID, **retry(30.0)),
    case("vision-404-detail-string-document-example", vision, 404, {"detail": "Rule not found"},
         cls="RuleNotFoundError", category="not_found", request_id=None, **fix_request(), message="Rule not found"),
    case("vision-422-detail-object-document-example", vision, 422,
         detail("VALIDATION_ERROR", "Invalid request parameters", field="limit"),
         cls="ValidationFailedError", category="invalid_request", request_id=None, **fix_request(),
         code="VALIDATION_ERROR", message="Invalid request parameters", details={"field": "limit"}),
    case("vision-known-code-under-400", vision, 400,
         detail("VALIDATION_ERROR", "Invalid request parameters", field="limit"),
         cls="ValidationFailedError", category="invalid_request", request_id=None, **fix_request(),
         details={"field": "limit"}),
    case("vision-401-invalid-api-key", vision, 401, detail("INVALID_API_KEY", "Invalid API key"),
         cls="InvalidApiKeyError", category="authentication", request_id=None, **no_retry("check_credentials")),
    case("vision-401-expired-api-key", vision, 401, detail("EXPIRED_API_KEY", "API key expired"),
         cls="ExpiredApiKeyError", category="authentication", request_id=None, **no_retry("check_credentials")),
    case("vision-401-deactivated-api-key", vision, 401, detail("DEACTIVATED_API_KEY", "API key deactivated"),
         cls="DeactivatedApiKeyError", category="authentication", request_id=None, **no_retry("check_credentials")),
    case("vision-403-authz-error", vision, 403, detail("AUTHZ_ERROR", "API key lacks required scope"),
         cls="InsufficientScopeError", category="permission_denied", request_id=None, **no_retry("check_credentials")),
    case("vision-413-http-413-file-size", vision, 413, middleware("HTTP_413", "File exceeds maximum size limit of 50 MB"),
         cls="FileTooLargeError", category="payload_too_large", request_id=VISION_RID, **fix_request()),
    case("vision-413-http-413-storage-quota", vision, 413,
         middleware("HTTP_413", "Storage quota exceeded: 10 GB used of 10 GB"),
         cls="UploadStorageQuotaExceededError", category="quota_exceeded", request_id=VISION_RID,
         **no_retry("wait_for_quota")),
    case("vision-storage-quota-exceeded", vision, 403, detail("STORAGE_QUOTA_EXCEEDED", "Account storage limit reached"),
         cls="StorageQuotaExceededError", category="quota_exceeded", request_id=None, **no_retry("wait_for_quota")),
    case("vision-usage-limit-exceeded", vision, 429,
         middleware("USAGE_LIMIT_EXCEEDED", "Monthly API call limit reached"), headers={"Retry-After": "30"},
         cls="UsageLimitExceededError", category="quota_exceeded", request_id=VISION_RID, **no_retry("wait_for_quota")),
    case("vision-image-processing-error", vision, 422, detail("IMAGE_PROCESSING_ERROR", "Image analysis failed"),
         cls="ImageProcessingError", category="operation_failed", request_id=None, **no_retry("resubmit")),
    case("vision-503-vlm-provider-error", vision, 503, middleware("VLM_PROVIDER_ERROR", "Provider returned an error"),
         cls="VlmProviderError", category="upstream", request_id=VISION_RID, **retry(Backoff(2.5))),
    case("vision-504-timeout", vision, 504, detail("TIMEOUT", "Operation timed out"),
         cls="OperationTimeoutError", category="timeout", request_id=None, **retry(Backoff(2.5))),
    case("vision-400-endpoint-specific-code", vision, 400, detail("INVALID_EXTRACTION_SCHEMA", "Schema is invalid"),
         cls="VisionBadRequestError", category="invalid_request", request_id=None, **fix_request(),
         code="INVALID_EXTRACTION_SCHEMA"),
    case("vision-402-payment-required", vision, 402, {"detail": "Subscription is past due"},
         cls="VisionPaymentRequiredError", category="payment_required", request_id=None, **no_retry("add_credits")),
    case("vision-404-other-resource", vision, 404, {"detail": "Image not found"},
         cls="VisionNotFoundError", category="not_found", request_id=None, **fix_request()),
    case("vision-409-duplicate-upload", vision, 409, {"detail": "File already exists"},
         cls="VisionConflictError", category="conflict", request_id=None, **fix_request()),
    case("vision-413-detail-string", vision, 413, {"detail": "Request Entity Too Large"},
         cls="VisionPayloadTooLargeError", category="payload_too_large", request_id=None, **fix_request()),
    case("vision-422-fastapi-validation-list", vision, 422,
         {"detail": [{"loc": ["query", "limit"], "msg": "Input should be a valid integer", "type": "int_parsing"}]},
         cls="VisionUnprocessableEntityError", category="invalid_request", request_id=None, **fix_request(),
         message="Input should be a valid integer"),
    case("vision-500-internal", vision, 500, middleware("INTERNAL_ERROR", "Unexpected error"),
         cls="VisionInternalServerError", category="internal", request_id=VISION_RID, **retry(Backoff(2.5))),
    case("vision-503-no-body", vision, 503, None,
         cls="VisionServiceUnavailableError", category="unavailable", request_id=None, **retry(Backoff(2.5))),
    fallback("vision-418-undocumented-client-status", vision, 418, {"detail": "I'm a teapot"},
         family="VisionClientError", request_id=None, **fix_request()),
    fallback("vision-502-undocumented-server-status", vision, 502, {"detail": "Bad Gateway"},
         family="VisionServerError", request_id=None, **retry(Backoff(2.5))),
]


# --------------------------------------------------------------------------- speech API (004)
# {"error": {code, message, timestamp, requestId?, details?, retryAfterSeconds?}}; requestId is absent
# on middleware-level rejections.

SPEECH_RID = "req_1705412345678_abc123"


def speech_body(
    code: str, message: str, request_id: str | None = SPEECH_RID, retry_after_seconds: float | None = None
) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "timestamp": "2026-04-21T12:34:56.789Z"}
    if request_id is not None:
        error["requestId"] = request_id
    if retry_after_seconds is not None:
        error["retryAfterSeconds"] = retry_after_seconds
    return {"error": error}


SPEECH = [
    case("speech-400-invalid-language-code-document-example", speech, 400,
         {"error": {"code": "INVALID_LANGUAGE_CODE", "message": "Invalid language code. Must be a 2-letter ISO 639-1 code.",
                    "timestamp": "2026-04-21T12:34:56.789Z", "requestId": SPEECH_RID, "details": {}}},
         cls="InvalidLanguageCodeError", category="invalid_request", request_id=SPEECH_RID, **fix_request(),
         code="INVALID_LANGUAGE_CODE", message="Invalid language code. Must be a 2-letter ISO 639-1 code.", details={}),
    case("speech-400-missing-audio-file", speech, 400, speech_body("MISSING_AUDIO_FILE", "No audio file"),
         cls="MissingAudioFileError", category="invalid_request", request_id=SPEECH_RID, **fix_request()),
    case("speech-400-unsupported-format", speech, 400, speech_body("UNSUPPORTED_FORMAT", "Unsupported audio format"),
         cls="UnsupportedFormatError", category="unsupported_media_type", request_id=SPEECH_RID, **fix_request()),
    case("speech-400-file-too-large", speech, 400, speech_body("FILE_TOO_LARGE", "Audio exceeds the file-size limit"),
         cls="FileTooLargeError", category="payload_too_large", request_id=SPEECH_RID, **fix_request()),
    case("speech-400-invalid-external-id", speech, 400, speech_body("INVALID_EXTERNAL_ID", "Invalid externalId"),
         cls="InvalidExternalIdError", category="invalid_request", request_id=SPEECH_RID, **fix_request()),
    case("speech-400-invalid-metadata", speech, 400, speech_body("INVALID_METADATA", "Invalid metadata"),
         cls="InvalidMetadataError", category="invalid_request", request_id=SPEECH_RID, **fix_request()),
    case("speech-400-audio-too-short", speech, 400, speech_body("AUDIO_TOO_SHORT", "Audio too short"),
         cls="AudioTooShortError", category="invalid_request", request_id=SPEECH_RID, **fix_request()),
    case("speech-400-audio-too-long", speech, 400, speech_body("AUDIO_TOO_LONG", "Audio too long"),
         cls="AudioTooLongError", category="invalid_request", request_id=SPEECH_RID, **fix_request()),
    case("speech-401-missing-api-key-middleware-no-request-id", speech, 401,
         speech_body("MISSING_API_KEY", "Missing API key", request_id=None),
         cls="MissingApiKeyError", category="authentication", request_id=None, **no_retry("check_credentials")),
    case("speech-401-invalid-api-key", speech, 401, speech_body("INVALID_API_KEY", "Invalid API key"),
         cls="InvalidApiKeyError", category="authentication", request_id=SPEECH_RID, **no_retry("check_credentials")),
    case("speech-401-api-key-expired", speech, 401, speech_body("API_KEY_EXPIRED", "API key expired"),
         cls="ApiKeyExpiredError", category="authentication", request_id=SPEECH_RID, **no_retry("check_credentials")),
    case("speech-401-client-inactive", speech, 401, speech_body("CLIENT_INACTIVE", "Client disabled"),
         cls="ClientInactiveError", category="authentication", request_id=SPEECH_RID, **no_retry("contact_support")),
    case("speech-402-insufficient-credits", speech, 402, speech_body("INSUFFICIENT_CREDITS", "Balance below minimum"),
         cls="InsufficientCreditsError", category="payment_required", request_id=SPEECH_RID, **no_retry("add_credits")),
    case("speech-403-multilingual-not-enabled", speech, 403,
         speech_body("MULTILINGUAL_NOT_ENABLED", "Multilingual scoring is not enabled"),
         cls="MultilingualNotEnabledError", category="permission_denied", request_id=SPEECH_RID,
         **no_retry("contact_support")),
    case("speech-403-ip-not-allowed", speech, 403, speech_body("IP_NOT_ALLOWED", "IP not allowed"),
         cls="IpNotAllowedError", category="permission_denied", request_id=SPEECH_RID, **no_retry("contact_support")),
    # The two 429s: back off and send the same submission again, vs keep polling the same run.
    case("speech-429-rate-limit-exceeded-retry-after-12", speech, 429,
         speech_body("RATE_LIMIT_EXCEEDED", "Too many submissions", retry_after_seconds=12),
         headers={"Retry-After": "12"}, cls="RateLimitExceededError", category="rate_limited",
         request_id=SPEECH_RID, **retry(12.0)),
    case("speech-429-rate-limit-exceeded-no-hint", speech, 429,
         speech_body("RATE_LIMIT_EXCEEDED", "Too many submissions"),
         cls="RateLimitExceededError", category="rate_limited", request_id=SPEECH_RID, **retry(Backoff(60.0))),
    case("speech-429-poll-rate-limited-retry-after-2", speech, 429,
         speech_body("POLL_RATE_LIMITED", "Polling too fast", retry_after_seconds=2),
         headers={"Retry-After": "2"}, cls="PollRateLimitedError", category="rate_limited",
         request_id=SPEECH_RID, **retry(2.0, action="continue_polling")),
    case("speech-429-poll-rate-limited-body-only", speech, 429,
         speech_body("POLL_RATE_LIMITED", "Polling too fast", retry_after_seconds=3),
         cls="PollRateLimitedError", category="rate_limited", request_id=SPEECH_RID,
         **retry(3.0, action="continue_polling")),
    case("speech-503-warming-up-retry-after-45", speech, 503,
         speech_body("SERVICE_WARMING_UP", "Scoring service is warming up", retry_after_seconds=45),
         headers={"Retry-After": "45"}, cls="ServiceWarmingUpError", category="unavailable",
         request_id=SPEECH_RID, **retry(45.0)),
    case("speech-503-warming-up-body-only", speech, 503,
         speech_body("SERVICE_WARMING_UP", "Scoring service is warming up", retry_after_seconds=60),
         cls="ServiceWarmingUpError", category="unavailable", request_id=SPEECH_RID, **retry(60.0)),
    case("speech-503-warming-up-header-wins", speech, 503,
         speech_body("SERVICE_WARMING_UP", "Scoring service is warming up", retry_after_seconds=45),
         headers={"Retry-After": "20"}, cls="ServiceWarmingUpError", category="unavailable",
         request_id=SPEECH_RID, **retry(20.0)),
    case("speech-503-warming-up-default-30s", speech, 503,
         speech_body("SERVICE_WARMING_UP", "Scoring service is warming up"),
         cls="ServiceWarmingUpError", category="unavailable", request_id=SPEECH_RID, **retry(30.0)),
    case("speech-503-unknown-code", speech, 503, speech_body("MAINTENANCE", "Down for maintenance"),
         cls="SpeechServiceUnavailableError", category="unavailable", request_id=SPEECH_RID, **retry(Backoff(30.0))),
    case("speech-429-unknown-code", speech, 429, speech_body("BURST_LIMIT", "Slow down"),
         cls="SpeechTooManyRequestsError", category="rate_limited", request_id=SPEECH_RID, **retry(Backoff(60.0))),
    case("speech-known-code-under-403", speech, 403, speech_body("INSUFFICIENT_CREDITS", "Balance below minimum"),
         cls="InsufficientCreditsError", category="payment_required", request_id=SPEECH_RID,
         **no_retry("add_credits"), code="INSUFFICIENT_CREDITS"),
    fallback("speech-404-undocumented-client-status", speech, 404, speech_body("RUN_NOT_FOUND", "Unknown requestId"),
         family="SpeechClientError", request_id=SPEECH_RID, **fix_request()),
    # INTERNAL_ERROR is an in-body run failure code; on an HTTP 500 it is an ordinary server error.
    fallback("speech-500-internal-error-is-not-a-run-failure", speech, 500, speech_body("INTERNAL_ERROR", "Unexpected error"),
         family="SpeechServerError", request_id=SPEECH_RID, **retry(Backoff(30.0))),
]


ALL_CASES = ALPHAEDGE + GENESISAI + EDGEE + VISION + SPEECH


def encode(body: Any, form: str) -> Any:
    """The body as the client library got it: raw JSON bytes, or already decoded."""
    if body is None or isinstance(body, bytes):
        return body
    return json.dumps(body, ensure_ascii=False).encode("utf-8") if form == "json-bytes" else body


def check_delay(actual: float | None, expected: float | Backoff | None) -> None:
    if isinstance(expected, Backoff):
        assert actual is not None, "expected a backoff delay, got no retry"
        assert 0.0 <= actual <= expected.upper
    elif expected is None:
        assert actual is None
    else:
        assert actual == pytest.approx(expected)


@pytest.mark.parametrize("form", ["json-bytes", "decoded"])
@pytest.mark.parametrize("c", ALL_CASES)
def test_parse_error(c: Case, form: str) -> None:
    m = c.vendor
    err = m.parse_error(c.status, encode(c.body, form), c.headers)

    if c.exact:
        assert type(err).__name__ == c.cls
    assert isinstance(err, getattr(m, c.cls))
    assert isinstance(err, getattr(m, BASE_CLASS[m]))
    assert err.status == c.status
    assert err.category.value == c.category
    assert isinstance(err, CATEGORY_CLASS[c.category])
    assert err.request_id == c.request_id
    retryable, reason = c.verdict or (c.retryable, "table")
    assert err.retryable is retryable
    assert err.retry_reason.value == reason

    policy = m.policy_for(err)
    assert policy.retryable is c.retryable
    assert policy.action.value == c.action
    check_delay(m.next_delay(err, 1), c.delay)

    for name, value in c.attrs.items():
        actual = getattr(err, name)
        assert actual == value, f"{name}: {actual!r} != {value!r}"
        if isinstance(value, float):
            assert isinstance(actual, float), f"{name} should be a float"
        if isinstance(value, int) and not isinstance(value, bool):
            assert isinstance(actual, int), f"{name} should be an int"


# --------------------------------------------------------------------------- speech: failed runs

RUN_ID = "req_1705412345678_run42"


def failed_run(code: str, message: str) -> dict[str, Any]:
    return {"requestId": RUN_ID, "status": "failed", "error": {"code": code, "message": message}}


RUN_FAILURES = [
    pytest.param("TRANSCRIPTION_FAILED", "Audio quality issue", "TranscriptionFailedError", "resubmit",
                 id="transcription-failed"),
    pytest.param("TRANSCRIPTION_LOW_CONFIDENCE", "Audio does not match the requested language",
                 "TranscriptionLowConfidenceError", "resubmit", id="transcription-low-confidence"),
    pytest.param("SCORING_FAILED", "Scoring service error after retry", "ScoringFailedError", "resubmit",
                 id="scoring-failed"),
    pytest.param("SERVICE_CONFIGURATION_ERROR", "External provider misconfigured", "ServiceConfigurationError",
                 "contact_support", id="service-configuration-error"),
    pytest.param("STUCK_TIMEOUT", "Run exceeded its watchdog timeout", "StuckTimeoutError", "resubmit",
                 id="stuck-timeout"),
    pytest.param("INTERNAL_ERROR", "Unexpected error", "RunInternalError", "resubmit", id="internal-error"),
    pytest.param("AUDIO_DECODE_FAILED", "Could not decode audio", "SpeechOperationFailedError", "resubmit",
                 id="unknown-code-falls-back-to-family"),
]

IN_BODY_CLASSES = {
    "TranscriptionFailedError", "TranscriptionLowConfidenceError", "ScoringFailedError",
    "ServiceConfigurationError", "StuckTimeoutError", "RunInternalError", "SpeechOperationFailedError",
}


@pytest.mark.parametrize("form", ["json-bytes", "decoded"])
@pytest.mark.parametrize(("code", "message", "cls", "action"), RUN_FAILURES)
def test_speech_failed_run(code: str, message: str, cls: str, action: str, form: str) -> None:
    err = speech.error_from_payload(encode(failed_run(code, message), form))

    assert err is not None
    assert type(err).__name__ == cls
    assert isinstance(err, speech.SpeechOperationFailedError)
    assert isinstance(err, speech.SpeechError)
    assert isinstance(err, OperationFailedError)
    assert err.category.value == "operation_failed"
    assert err.code == code
    assert err.message == message
    assert err.request_id == RUN_ID
    assert err.retryable is False
    policy = speech.policy_for(err)
    assert policy.retryable is False
    assert policy.action.value == action
    assert speech.next_delay(err, 1) is None


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"requestId": RUN_ID, "status": "processing"}, id="processing"),
        pytest.param({"requestId": RUN_ID, "status": "queued"}, id="queued"),
        pytest.param({"requestId": RUN_ID, "status": "completed", "score": {"overall": 87.5}}, id="completed"),
    ],
)
def test_speech_poll_body_that_is_not_a_failure(body: dict[str, Any]) -> None:
    assert speech.error_from_payload(body) is None
    assert speech.error_from_payload(json.dumps(body).encode("utf-8")) is None


@pytest.mark.parametrize("status", [400, 500, 503])
@pytest.mark.parametrize(("code", "message", "cls", "action"), RUN_FAILURES)
def test_parse_error_never_returns_run_failure_classes(code: str, message: str, cls: str, action: str, status: int) -> None:
    err = speech.parse_error(status, speech_body(code, message))
    assert type(err).__name__ not in IN_BODY_CLASSES
    assert not isinstance(err, speech.SpeechOperationFailedError)
    assert not isinstance(err, OperationFailedError)
    assert err.status == status


def test_parse_error_of_a_failed_poll_body_is_not_a_run_failure() -> None:
    # A failed-run body that reached parse_error (say, with a 500) is still an HTTP error.
    err = speech.parse_error(500, failed_run("INTERNAL_ERROR", "Unexpected error"))
    assert not isinstance(err, OperationFailedError)
    assert err.status == 500


# --------------------------------------------------------------------------- policies the documents state


def test_speech_two_429s_have_different_actions() -> None:
    submit = speech.parse_error(429, speech_body("RATE_LIMIT_EXCEEDED", "Too many submissions"), {"Retry-After": "5"})
    poll = speech.parse_error(429, speech_body("POLL_RATE_LIMITED", "Polling too fast"), {"Retry-After": "5"})
    assert speech.policy_for(submit).action.value == "retry"
    assert speech.policy_for(poll).action.value == "continue_polling"
    assert submit.retryable and poll.retryable
    assert speech.next_delay(submit, 1) == pytest.approx(5.0)
    assert speech.next_delay(poll, 1) == pytest.approx(5.0)


@pytest.mark.parametrize(
    "code",
    ["RATE_LIMIT_EXCEEDED", "POLL_RATE_LIMITED", "SERVICE_WARMING_UP"],
)
def test_speech_throttling_rejected_before_processing(code: str) -> None:
    status = 503 if code == "SERVICE_WARMING_UP" else 429
    err = speech.parse_error(status, speech_body(code, "x"))
    assert speech.policy_for(err).rejected_before_processing is True


@pytest.mark.parametrize(
    "message",
    [
        pytest.param("Usage limit exceeded: 1000.00 / 1000 tokens used", id="token-usage"),
        pytest.param("Organization has no credits remaining", id="no-credits"),
        pytest.param("Monthly budget reached", id="other-message"),
    ],
)
@pytest.mark.parametrize("retry_after", [None, "1", "60"], ids=["no-retry-after", "retry-after-1", "retry-after-60"])
def test_edgee_usage_limit_is_never_retried(message: str, retry_after: str | None) -> None:
    headers = {"Retry-After": retry_after} if retry_after else {}
    err = edgee.parse_error(429, edgee_body("usage_limit_exceeded", message), headers)
    assert err.code == "usage_limit_exceeded"
    assert err.retryable is False
    for attempt in (1, 2, 3):
        assert edgee.next_delay(err, attempt) is None


@pytest.mark.parametrize(
    ("vendor", "status", "body", "max_attempts"),
    [
        # GenesisAI's sample: max_retries=3 with sleep(2 ** attempt) between.
        pytest.param(genesisai, 500, genesis("INTERNAL_ERROR", "Erreur interne"), 3, id="genesisai-5xx-3-attempts"),
        pytest.param(genesisai, 504, genesis("PROCESSING_TIMEOUT", "Timeout"), 3, id="genesisai-504-3-attempts"),
        # The image-analysis sample: max_retries=3 for 429 and 5xx.
        pytest.param(vision, 500, middleware("INTERNAL_ERROR", "x"), 3, id="vision-5xx-3-attempts"),
        pytest.param(vision, 429, middleware("RATE_LIMIT_ERROR", "x"), 3, id="vision-429-3-attempts"),
    ],
)
def test_documented_attempt_counts(vendor: ModuleType, status: int, body: Any, max_attempts: int) -> None:
    err = vendor.parse_error(status, body)
    assert vendor.policy_for(err).max_attempts == max_attempts
    # attempt n is the n-th retry; attempts in all include the first request.
    for attempt in range(1, max_attempts):
        assert vendor.next_delay(err, attempt) is not None
    assert vendor.next_delay(err, max_attempts) is None


def test_genesisai_does_not_retry_4xx_except_429() -> None:
    for status, code in [(400, "INVALID_REQUEST"), (401, "INVALID_API_KEY"), (402, "INSUFFICIENT_CREDITS"),
                         (413, "FILE_TOO_LARGE"), (415, "UNSUPPORTED_FORMAT"), (422, "CORRUPTED_FILE"),
                         (404, "NOT_FOUND"), (409, "CONFLICT")]:
        err = genesisai.parse_error(status, genesis(code, "x"))
        assert err.retryable is False, code
        assert genesisai.next_delay(err, 1) is None, code
    err = genesisai.parse_error(429, genesis("RATE_LIMIT_EXCEEDED", "x"))
    assert err.retryable is True


def test_vision_429_sample_default_is_5_seconds() -> None:
    # int(response.headers.get('Retry-After', 5))
    err = vision.parse_error(429, None)
    assert type(err).__name__ == "VisionTooManyRequestsError"
    assert vision.next_delay(err, 1) == pytest.approx(5.0)
