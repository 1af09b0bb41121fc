from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The committed ``generated`` package and the test helpers import from the checkout.
for path in (ROOT, ROOT / "tests"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import pytest  # noqa: E402

from vendor_server import VendorServer  # noqa: E402


@pytest.fixture(scope="session")
def vendor_server() -> Iterator[VendorServer]:
    """A real HTTP server on 127.0.0.1 (ephemeral port) serving scripted vendor replies."""
    server = VendorServer()
    yield server
    server.close()
