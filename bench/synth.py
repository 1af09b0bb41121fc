"""Synthetic vendor specs for the scale benchmarks: N vendors of M errors each.

Every spec uses every feature of the format: request ids from headers and body, delays
from seconds and millisecond headers and the body, three envelopes (object, string and
list details; ``equals``/``not_equals``/``is`` conditions; a ``success: false``
wrapper), JSON Schemas, every kind of retry policy, families, statuses with localised
text, errors with codes, message patterns with typed captures, parents, categories,
examples and details schemas, and in-body operation failures.

    python bench/synth.py OUT_DIR --vendors 100 --errors 60
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

# (status, category of the status class, policy)
STATUSES = [
    (400, "invalid_request", "do_not_retry"),
    (401, "authentication", "check_credentials"),
    (402, "payment_required", "top_up"),
    (403, "permission_denied", "contact_support"),
    (404, "not_found", "do_not_retry"),
    (409, "conflict", "do_not_retry"),
    (413, "payload_too_large", "do_not_retry"),
    (415, "unsupported_media_type", "do_not_retry"),
    (422, "invalid_request", "do_not_retry"),
    (429, "rate_limited", "throttled"),
    (500, "internal", "server_backoff"),
    (502, "upstream", "server_backoff"),
    (503, "unavailable", "warming_up"),
    (504, "timeout", "server_backoff"),
]

POLICIES: dict[str, dict[str, Any]] = {
    "do_not_retry": {"retryable": False, "action": "fix_request"},
    "check_credentials": {"retryable": False, "action": "check_credentials"},
    "top_up": {"retryable": False, "action": "add_credits"},
    "contact_support": {"retryable": False, "action": "contact_support"},
    "wait_for_quota": {"retryable": False, "action": "wait_for_quota"},
    "resubmit": {"retryable": False, "action": "resubmit"},
    "throttled": {
        "description": "Honour Retry-After, then back off with full jitter.",
        "retryable": True,
        "action": "retry",
        "max_attempts": 5,
        "backoff": {"base": 1, "multiplier": 2, "max_delay": 60, "jitter": "full"},
        "honor_server_delay": True,
        "default_delay": 5,
        "max_server_delay": 120,
        "rejected_before_processing": True,
    },
    "polling": {
        "retryable": True,
        "action": "continue_polling",
        "max_attempts": 10,
        "backoff": {"base": 0.5, "multiplier": 1.5, "max_delay": 10, "jitter": "equal"},
    },
    "server_backoff": {
        "retryable": True,
        "action": "retry",
        "max_attempts": 3,
        "backoff": {"base": 2, "multiplier": 3, "max_delay": 30, "jitter": "none"},
        "honor_server_delay": False,
    },
    "warming_up": {
        "retryable": True,
        "action": "retry",
        "max_attempts": 4,
        "default_delay": 10,
        "backoff": {"base": 5, "multiplier": 2, "max_delay": 120, "jitter": "full"},
    },
}

ERROR_ENVELOPE_SCHEMA = {
    "type": "object",
    "properties": {
        "success": {"type": "boolean"},
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
                "retryAfterSeconds": {"type": "number"},
            },
            "required": ["code", "message"],
        },
        "request_id": {"type": "string"},
    },
    "required": ["error"],
}

DETAIL_ENVELOPE_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string"},
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "loc": {"type": "array", "items": {"type": "string"}},
                            "msg": {"type": "string"},
                            "type": {"type": "string"},
                        },
                    },
                },
            ]
        }
    },
    "required": ["detail"],
}


def spec(index: int, errors: int) -> dict[str, Any]:
    slug = f"vendor{index:04d}"
    prefix = f"Vendor{index:04d}"
    statuses: dict[int, Any] = {}
    for status, category, policy in STATUSES:
        statuses[status] = {
            "category": category,
            "retry": policy,
            "title": f"HTTP {status} from vendor {index}",
            "cause": {"en": f"The vendor answered {status}.", "fr": f"Le fournisseur a répondu {status}."},
            "solution": "Read the message and the documentation of the endpoint.",
        }
    statuses[429]["name"] = f"{prefix}ThrottledError"
    error_list: list[dict[str, Any]] = []
    for number in range(errors):
        status, category, policy = STATUSES[number % len(STATUSES)]
        name = f"Problem{number:03d}Error"
        code = f"PROBLEM_{number:03d}"
        error: dict[str, Any] = {
            "name": name,
            "status": status,
            "code": code,
            "title": f"Problem {number}",
            "cause": f"Problem {number} of vendor {index} happened while handling the request.",
            "solution": {"en": f"Work around problem {number}.", "fr": f"Contournez le problème {number}."},
            "examples": [
                {
                    "status": status,
                    "headers": {"X-Request-ID": f"req-{index}-{number}"},
                    "body": {
                        "success": False,
                        "error": {"code": code, "message": f"Problem {number}: quota 10 of 20 units"},
                        "request_id": f"req-{index}-{number}",
                    },
                }
            ],
        }
        if number % 3 == 0:
            error["patterns"] = [
                rf"^Problem {number}: quota (?P<used>\d+) of (?P<limit>\d+(?:\.\d+)?) (?P<unit>[a-z]{{1,20}})"
            ]
            error["attributes"] = {"used": "int", "limit": "float", "unit": "str"}
        if number % 5 == 0:
            error["details_schema"] = {
                "type": "object",
                "properties": {"field": {"type": "string"}, "limit": {"type": "integer"}},
            }
        if number % 7 == 0:
            error["retry"] = "wait_for_quota" if category == "rate_limited" else policy
        if number % 4 == 1 and number >= len(STATUSES):
            # A subclass of the error with the same status, told apart by its message.
            parent = f"Problem{number - len(STATUSES):03d}Error"
            error["parent"] = parent
            del error["code"]
            error["patterns"] = [rf"^Variant {number} of problem"]
            error.pop("attributes", None)
            error["examples"][0]["body"]["error"]["message"] = f"Variant {number} of problem"
            error["examples"][0]["body"]["error"]["code"] = f"PROBLEM_{number - len(STATUSES):03d}"
        error_list.append(error)
    error_list.append(
        {
            "name": "QuotaCapError",
            "status": 429,
            "code": "QUOTA_CAP",
            "category": "quota_exceeded",
            "retry": "wait_for_quota",
            "title": "Quota cap reached",
        }
    )
    return {
        "spec_version": 1,
        "vendor": {
            "name": f"Vendor {index}",
            "slug": slug,
            "class_prefix": prefix,
            "docs_url": f"https://docs.example.com/{slug}/errors",
            "language": "en" if index % 2 else "fr",
        },
        "request_id": {"headers": ["X-Request-ID", "X-Trace-Id"], "body": ["request_id", "error.requestId"]},
        "retry_after": {
            "headers": [{"name": "Retry-After", "unit": "seconds"}, {"name": "X-RateLimit-Reset-Ms", "unit": "milliseconds"}],
            "body": ["error.retryAfterSeconds"],
        },
        "envelopes": [
            {
                "name": "standard",
                "description": 'The usual shape: {"success": false, "error": {"code", "message", "details"}}.',
                "when": [{"path": "error", "is": "object"}, {"path": "success", "not_equals": True}],
                "code": ["error.code"],
                "message": ["error.message"],
                "details": ["error.details"],
                "request_id": ["request_id"],
                "retry_after": ["error.retryAfterSeconds"],
                "schema": ERROR_ENVELOPE_SCHEMA,
            },
            {
                "name": "fastapi",
                "when": [{"path": "detail", "is": "present"}],
                "code": ["detail.code"],
                "message": ["detail", "detail.message", "detail.0.msg"],
                "details_from_rest_of": "detail",
                "schema": DETAIL_ENVELOPE_SCHEMA,
            },
            {
                "name": "job",
                "when": [{"path": "status", "equals": "failed"}, {"path": "error", "is": "object"}, {"path": "attempt", "is": "number"}],
                "code": ["error.code"],
                "message": ["error.message"],
                "request_id": ["jobId"],
            },
        ],
        "retry_policies": POLICIES,
        "families": {
            "client": {"retry": "do_not_retry"},
            "server": {"retry": "server_backoff", "title": "Server error"},
            "unexpected": {"retry": "do_not_retry"},
        },
        "statuses": statuses,
        "errors": error_list,
        "operation_failures": {
            "envelope": "job",
            "family": {"retry": "resubmit", "title": "Job failed"},
            "errors": [
                {"name": f"Job{n}FailedError", "code": f"JOB_{n}", "retry": "resubmit", "title": f"Job failure {n}"}
                for n in range(3)
            ]
            + [{"name": "JobStalledError", "code": "JOB_STALLED", "retry": "polling", "patterns": [r"^stalled after (?P<seconds>\d+) s"], "attributes": {"seconds": "int"}}],
        },
    }


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block-style YAML; scalars as JSON, which YAML reads the same."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            shown = key if isinstance(key, int) or key.replace("_", "").isalnum() else json.dumps(key)
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{shown}:")
                lines.append(to_yaml(item, indent + 2))
            else:
                lines.append(f"{pad}{shown}: {json.dumps(item, ensure_ascii=False)}")
    else:
        for item in value:
            if isinstance(item, (dict, list)) and item:
                nested = to_yaml(item, indent + 2)
                lines.append(f"{pad}- {nested.lstrip()}")
            else:
                lines.append(f"{pad}- {json.dumps(item, ensure_ascii=False)}")
    return "\n".join(lines)


def write_specs(folder: Path, vendors: int, errors: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(vendors):
        path = folder / f"vendor{index:04d}.yaml"
        path.write_text(to_yaml(spec(index, errors)) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--vendors", type=int, default=100)
    parser.add_argument("--errors", type=int, default=60)
    args = parser.parse_args()
    write_specs(args.folder, args.vendors, args.errors)


if __name__ == "__main__":
    main()
