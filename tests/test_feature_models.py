"""What the feature specs promise, checked on their generated packages: payload models: pydantic models from the spec's JSON Schemas, imported only when used.

Every expected value is written by hand from the spec and the documented semantics,
never read back from the generated code.
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from features_support import vendor
from goldens import FEATURES


typed = vendor("models", "typed")


def test_models_are_imported_only_when_used() -> None:
    code = (
        "import sys;"
        "import generated_models.typed as t;"
        "t.parse_error(402, b'{}');"
        "print('generated_models.typed.models' in sys.modules, 'pydantic' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=FEATURES / "models", capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_envelope_schema_model() -> None:
    models = importlib.import_module("generated_models.typed.models")
    body = {
        "error": {"code": "insufficient_funds", "message": "Balance too low", "details": {"balance": 3.5, "currency": "EUR"}},
        "request_id": "r-1",
    }
    envelope = models.ApiErrorEnvelope.model_validate(body)
    assert envelope.error.code == "insufficient_funds"
    assert envelope.error.message == "Balance too low"
    assert envelope.error.details == {"balance": 3.5, "currency": "EUR"}
    assert envelope.error.retryable is None
    assert envelope.request_id == "r-1"
    pydantic = pytest.importorskip("pydantic")
    with pytest.raises(pydantic.ValidationError) as raised:
        models.ApiErrorEnvelope.model_validate({"error": {"code": "c"}})
    assert [e["loc"] for e in raised.value.errors()] == [("error", "message")]


def test_details_schema_models() -> None:
    models = importlib.import_module("generated_models.typed.models")
    pydantic = pytest.importorskip("pydantic")
    error = typed.parse_error(
        402,
        {"error": {"code": "insufficient_funds", "message": "Balance too low",
                   "details": {"balance": 3.5, "currency": "EUR", "required_amount": 10}}},
    )
    assert type(error) is typed.InsufficientFundsError
    assert typed.policy_for(error).action.value == "add_credits"
    details = models.InsufficientFundsDetails.model_validate(error.details)
    assert details.balance == 3.5
    assert details.currency == "EUR"
    assert details.required_amount == 10.0 and type(details.required_amount) is float
    for bad in (
        {"balance": 1},
        {"balance": "lots", "currency": "EUR"},
        {"balance": 1, "currency": "GBP"},
        {"balance": 1, "currency": "EUR", "required_amount": -1},
    ):
        with pytest.raises(pydantic.ValidationError):
            models.InsufficientFundsDetails.model_validate(bad)
    # A class name without the "Error" suffix keeps its whole name.
    problem = typed.parse_error(422, {"error": {"code": "invalid_field", "message": "bad", "details": {"field": "name"}}})
    assert type(problem) is typed.InvalidFieldProblem
    assert models.InvalidFieldProblemDetails.model_validate(problem.details).field == "name"
    with pytest.raises(pydantic.ValidationError):
        models.InvalidFieldProblemDetails.model_validate({"field": "name", "max_length": 0})
