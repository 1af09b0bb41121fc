"""What the feature specs promise, checked on their generated packages: naming: class names, named families, localised text, statusless errors.

Every expected value is written by hand from the spec and the documented semantics,
never read back from the generated code.
"""

from __future__ import annotations

from typing import Any

import pytest

from features_support import shared, vendor


named = vendor("naming", "named")


NAMING = shared("naming")


def named_error(status: int, code: str | None = None, message: str | None = None) -> Any:
    error = {k: v for k, v in (("code", code), ("message", message)) if v is not None}
    return named.parse_error(status, {"erreur": error})


@pytest.mark.parametrize(
    ("status", "cls", "policy"),
    [
        (401, "NamedInvalidKeyError", "credentials"),  # named by the spec
        (403, "NamedForbiddenError", "never"),  # derived from the reason phrase
        (404, "NamedNotFoundError", "never"),
        (499, "NamedStatus499Error", "never"),  # no reason phrase
        (503, "NamedMaintenanceError", "backoff"),
        (502, "NamedUnknownServerError", "backoff"),
        (418, "NamedUnknownClientError", "never"),
        (302, "NamedOddStatusError", "support"),  # families.unexpected, named
        (200, "NamedOddStatusError", "support"),
    ],
)
def test_class_names(status: int, cls: str, policy: str) -> None:
    error = named_error(status)
    assert type(error).__name__ == cls
    assert getattr(named, cls) is type(error)
    assert named.policy_for(error).name == policy


def test_named_families() -> None:
    for cls in (named.NamedInvalidKeyError, named.NamedForbiddenError, named.NamedStatus499Error, named.NamedUnknownClientError):
        assert cls.__bases__[0] is named.NamedRequestError
    for cls in (named.NamedMaintenanceError, named.NamedUnknownServerError):
        assert cls.__bases__[0] is named.NamedServiceError
    assert named.NamedOddStatusError.__bases__[0] is named.NamedError
    assert named.NamedRequestError.__bases__ == (named.NamedError,)
    assert named.NamedOddStatusError.title == "Statut inattendu"
    assert named.policy_for(named_error(302)).action is NAMING.Action.CONTACT_SUPPORT
    assert issubclass(named.NamedInvalidKeyError, NAMING.AuthenticationError)
    assert issubclass(named.NamedMaintenanceError, NAMING.ServiceUnavailableError)
    assert named.NamedMaintenanceError.category is NAMING.Category.UNAVAILABLE


def test_localized_text() -> None:
    # Vendor language fr: the French text is primary, the others go to the docstring.
    assert named.NamedInvalidKeyError.title == "Clé API invalide"
    assert named.NamedInvalidKeyError.cause == "La clé est fausse ou révoquée."
    assert named.NamedInvalidKeyError.solution == "Vérifiez la clé."
    doc = named.NamedInvalidKeyError.__doc__ or ""
    assert doc.startswith("Clé API invalide.")
    assert "(en) Invalid API key" in doc
    assert "(en) The key is wrong or revoked." in doc
    # No fr: en is primary.  Neither: the first language listed.
    assert named.NamedForbiddenError.title == "Forbidden"
    assert "(de) Verboten" in (named.NamedForbiddenError.__doc__ or "")
    assert named.NamedNotFoundError.title == "No encontrado"
    assert "(de) Nicht gefunden" in (named.NamedNotFoundError.__doc__ or "")
    assert named.NamedRequestError.title == "Requête refusée"
    assert "(en) Request refused" in (named.NamedRequestError.__doc__ or "")
    assert named.AccountSuspendedError.title == "Compte suspendu"
    # Without a title of its own, a class shows its family's.
    assert named.NamedStatus499Error.title == "Requête refusée"
    assert named.NamedMaintenanceError.title is None


@pytest.mark.parametrize("status", [403, 401, 500, 200])
def test_statusless_error_is_selected_by_its_code(status: int) -> None:
    error = named_error(status, "account_suspended", "Compte suspendu le 3 mars")
    assert type(error) is named.AccountSuspendedError
    assert error.status == status
    assert error.message == "Compte suspendu le 3 mars"
    assert named.policy_for(error).name == "support"


def test_statusless_error_hangs_under_the_base_class() -> None:
    assert named.AccountSuspendedError.__bases__ == (named.NamedError, NAMING.PermissionDeniedError)
    assert not issubclass(named.AccountSuspendedError, named.NamedRequestError)
    assert named.AccountSuspendedError.category is NAMING.Category.PERMISSION_DENIED


def test_error_whose_category_differs_from_its_status() -> None:
    error = named_error(403, message="Limite du forfait atteinte pour ce mois")
    assert type(error) is named.PlanLimitError
    assert error.status == 403
    assert error.category is NAMING.Category.QUOTA_EXCEEDED
    assert isinstance(error, NAMING.QuotaExceededError)
    assert isinstance(error, named.NamedRequestError)
    assert not isinstance(error, NAMING.PermissionDeniedError)
    assert not isinstance(error, named.NamedForbiddenError)
    assert named.policy_for(error).action is NAMING.Action.WAIT_FOR_QUOTA
    # Another 403 message stays with the 403 class.
    assert type(named_error(403, message="Accès refusé")) is named.NamedForbiddenError
