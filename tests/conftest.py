from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from vendor_server import VendorServer


@pytest.fixture(scope="session")
def vendor_server() -> Iterator[VendorServer]:
    """A real HTTP server on 127.0.0.1 (ephemeral port) serving scripted vendor replies."""
    server = VendorServer()
    yield server
    server.close()


@pytest.fixture(scope="session", autouse=True)
def private_user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds keep compiled templates and models in the user's cache folder: the tests
    use one of their own, which they may fill and break."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("user-cache")))
        yield


@pytest.fixture(autouse=True)
def fresh_retry_state() -> Iterator[None]:
    """Retry budgets, rate limits and breakers are process-wide by design: each test starts
    with full budgets and no limits known, as a new process would."""
    yield
    # Every built package, whatever its name (the repository's, a feature golden's, the catalog's).
    for name, module in list(sys.modules.items()):
        if name.endswith("._store") and hasattr(module, "set_default_store"):
            module.set_default_store(module.LocalStore())
        retrying = getattr(module, "RETRYING", None)
        if retrying is not None and hasattr(retrying, "limiter"):
            retrying.drained = False
            retrying.last_host = None
            if retrying.limiter is not None:
                retrying.limiter.clear()
