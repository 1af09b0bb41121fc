from __future__ import annotations

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
