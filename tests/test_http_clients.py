"""``error_from_response`` and ``raise_for_error`` with real HTTP clients and a real server.

The server answers with every example response in the specs, and with hand-written
cases the examples lack (HTML from a proxy, a custom reason phrase, request ids and
delays in headers, a body that is not UTF-8).  Each client's error must equal what
``parse_error`` makes of the same status, body and headers.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import aiohttp
import httpx
import pytest
import requests

from codegen.load import load_spec
from codegen.validate import validate
from goldens import ROOT
from vendor_server import Reply, VendorServer


@dataclass(frozen=True)
class Case:
    slug: str
    reply: Reply
    expected: str  # class name
    message: str | None = None
    request_id: str | None = None
    retry_after: float | None = None

    @property
    def vendor(self) -> ModuleType:
        return importlib.import_module(f"generated.{self.slug}")


def spec_examples() -> list[Case]:
    cases = []
    for path in sorted((ROOT / "specs").glob("*.yaml")):
        spec = validate(load_spec(path, path.name)).spec
        for error in spec.errors:
            for example in error.examples:
                status = example.status or error.status
                assert status is not None, f"{error.name}: an example needs a status"
                reply = Reply.of(status, example.body, example.headers)
                cases.append(Case(spec.vendor.slug, reply, error.name))
    return cases


HAND_WRITTEN = [
    # A proxy's HTML page: the title becomes the message; delay and request id from headers.
    Case(
        "alphaedge",
        Reply.of(
            502,
            "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
            {"Content-Type": "text/html", "Retry-After": "30", "X-Request-ID": "req-502"},
        ),
        "AlphaEdgeUpstreamServiceError",
        message="502 Bad Gateway",
        request_id="req-502",
        retry_after=30.0,
    ),
    # No body: the server's own reason phrase is the message.
    Case("vision", Reply.of(500, reason="Backend Exploded"), "VisionInternalServerError", message="Backend Exploded"),
    # The speech API's poll rate limit: a delay in the header and in the body.
    Case(
        "speech",
        Reply.of(
            429,
            {"error": {"code": "POLL_RATE_LIMITED", "message": "Slow down", "timestamp": "2026-04-21T12:34:56Z",
                       "requestId": "req_poll", "retryAfterSeconds": 5}},
            {"Retry-After": "2"},
        ),
        "PollRateLimitedError",
        message="Slow down",
        request_id="req_poll",
        retry_after=2.0,
    ),
    # A quota 429 with a delay the policy ignores.
    Case(
        "edgee",
        Reply.of(429, {"error": {"code": "usage_limit_exceeded", "message": "Usage limit exceeded: 10 / 10 tokens used"}},
                 {"Retry-After": "3600"}),
        "TokenUsageLimitExceededError",
        retry_after=3600.0,
    ),
    # Bytes that are not UTF-8.
    Case("genesisai", Reply(400, b"\xff\xfe\x00garbage", (("Content-Type", "text/plain"),)), "GenesisAIBadRequestError"),
]

CASES = spec_examples() + HAND_WRITTEN


def case_id(case: Case) -> str:
    return f"{case.slug}-{case.reply.status}-{case.expected}"


# Each client fetches the URL and returns (error_from_response's error, raise_for_error's error).
Fetch = Callable[[ModuleType, str], tuple[Any, Any]]


def raised_by(check: Callable[[], Any]) -> BaseException | None:
    try:
        check()
    except Exception as error:
        return error
    return None


async def araised_by(check: Callable[[], Any]) -> BaseException | None:
    try:
        await check()
    except Exception as error:
        return error
    return None


def with_httpx(vendor: ModuleType, url: str) -> tuple[Any, Any]:
    with httpx.Client() as client:
        response = client.get(url)
        return vendor.error_from_response(response), raised_by(lambda: vendor.raise_for_error(response))


def with_httpx_stream(vendor: ModuleType, url: str) -> tuple[Any, Any]:
    with httpx.Client() as client, client.stream("GET", url) as response:
        error = vendor.error_from_response(response)  # reads the body the stream has not
        return error, raised_by(lambda: vendor.raise_for_error(response))


def with_httpx_async(vendor: ModuleType, url: str) -> tuple[Any, Any]:
    async def run() -> tuple[Any, Any]:
        async with httpx.AsyncClient() as client:
            response = await client.get(url)
            return vendor.error_from_response(response), raised_by(lambda: vendor.raise_for_error(response))

    return asyncio.run(run())


def with_httpx_async_stream(vendor: ModuleType, url: str) -> tuple[Any, Any]:
    async def run() -> tuple[Any, Any]:
        async with httpx.AsyncClient() as client, client.stream("GET", url) as response:
            error = await vendor.aerror_from_response(response)
            return error, await araised_by(lambda: vendor.araise_for_error(response))

    return asyncio.run(run())


def with_requests(vendor: ModuleType, url: str) -> tuple[Any, Any]:
    response = requests.get(url, timeout=10)
    return vendor.error_from_response(response), raised_by(lambda: vendor.raise_for_error(response))


def with_requests_stream(vendor: ModuleType, url: str) -> tuple[Any, Any]:
    with requests.get(url, timeout=10, stream=True) as response:
        return vendor.error_from_response(response), raised_by(lambda: vendor.raise_for_error(response))


def with_aiohttp(vendor: ModuleType, url: str) -> tuple[Any, Any]:
    async def run() -> tuple[Any, Any]:
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            error = await vendor.aerror_from_response(response)
            return error, await araised_by(lambda: vendor.araise_for_error(response))

    return asyncio.run(run())


def with_urllib(vendor: ModuleType, url: str) -> tuple[Any, Any]:
    try:
        urllib.request.urlopen(url, timeout=10)
    except urllib.error.HTTPError as http_error:
        with http_error:
            # The body can be read only once: the second call must still see it.
            return vendor.error_from_response(http_error), raised_by(lambda: vendor.raise_for_error(http_error))
    raise AssertionError("urlopen raised no HTTPError")


CLIENTS: dict[str, Fetch] = {
    "httpx": with_httpx,
    "httpx-stream": with_httpx_stream,
    "httpx-async": with_httpx_async,
    "httpx-async-stream": with_httpx_async_stream,
    "requests": with_requests,
    "requests-stream": with_requests_stream,
    "aiohttp": with_aiohttp,
    "urllib": with_urllib,
}


def fields(error: Any) -> dict[str, Any]:
    return {
        "class": type(error).__name__,
        "status": error.status,
        "code": error.code,
        "message": error.message,
        "request_id": error.request_id,
        "retry_after": error.retry_after,
        "details": error.details,
    }


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_client_response_gives_the_documented_error(case: Case, client: str, vendor_server: VendorServer) -> None:
    vendor = case.vendor
    url = vendor_server.serve(case.reply)
    error, raised = CLIENTS[client](vendor, url)

    headers = dict(case.reply.headers)
    expected = vendor.parse_error(case.reply.status, case.reply.body, headers)
    if case.reply.reason is not None:
        expected.message = case.reply.reason  # parse_error has no status line to read it from
    assert fields(error) == fields(expected)
    assert type(error).__name__ == case.expected
    assert error.body == case.reply.body
    assert error.response is not None
    for name, value in headers.items():
        assert error.headers[name.lower()] == value
    if case.message is not None:
        assert error.message == case.message
    if case.request_id is not None:
        assert error.request_id == case.request_id
    if case.retry_after is not None:
        assert error.retry_after == case.retry_after
    assert fields(raised) == fields(error)


@pytest.mark.parametrize("client", CLIENTS)
def test_success_is_no_error_and_a_stream_stays_unread(client: str, vendor_server: VendorServer) -> None:
    from generated import edgee

    url = vendor_server.serve(Reply.of(200, {"ok": True}))
    if client == "urllib":
        with urllib.request.urlopen(url, timeout=10) as response:
            assert edgee.error_from_response(response) is None
            assert json.loads(response.read()) == {"ok": True}
        return
    if client == "httpx-stream":
        with httpx.Client() as http, http.stream("GET", url) as response:
            assert edgee.error_from_response(response) is None
            assert not response.is_stream_consumed
            assert json.loads(response.read()) == {"ok": True}
        return
    error, raised = CLIENTS[client](edgee, url)
    assert error is None and raised is None


def test_urllib_error_keeps_status_reason_and_headers(vendor_server: VendorServer) -> None:
    from generated import speech

    url = vendor_server.serve(Reply.of(503, "", {"Retry-After": "45"}, reason="Warming Up"))
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url, timeout=10)
    http_error = caught.value
    error = speech.error_from_response(http_error)
    assert (error.status, error.message, error.retry_after) == (503, "Warming Up", 45.0)
    assert type(error).__name__ == "SpeechServiceUnavailableError"
    assert error.response is http_error
    http_error.close()


# ------------------------------------------------------------------------ httpx headers

def httpx_headers(*pairs: tuple[str, str]) -> httpx.Headers:
    return httpx.Response(429, headers=list(pairs)).headers


def test_httpx_headers_are_read_from_httpx_own_triples() -> None:
    from generated._base import Headers, _httpx_value, _reader_of

    # If an httpx release stores its headers another way, this fails and ``get`` is used.
    assert _reader_of(httpx.Headers) is _httpx_value
    headers = Headers(httpx_headers(("Retry-After", "7"), ("X-Request-ID", "a"), ("x-request-id", "b")))
    assert (headers.get("retry-after"), headers.get("X-REQUEST-ID"), headers.get("missing", "-")) == ("7", "a", "-")
    assert headers.get("retry-\u00e4fter") is None
    assert dict(headers) == {"retry-after": "7", "x-request-id": "a"}  # duplicates: the first wins, as in get


@pytest.mark.parametrize(
    "value, encoding, text",
    [
        ("caf\u00e9".encode(), None, "caf\u00e9"),  # httpx detects UTF-8
        ("caf\u00e9".encode("latin-1"), None, "caf\u00e9"),  # not UTF-8: Latin-1
        ("5 \u20ac".encode("cp1252"), "cp1252", "5 \u20ac"),  # set by the user
        ("\u00e9".encode("utf-7"), "utf-7", "\u00e9"),  # set, and ASCII bytes mean more in it
    ],
)
def test_httpx_headers_keep_their_encoding(value: bytes, encoding: str | None, text: str) -> None:
    from generated._base import Headers

    raw = httpx.Headers([(b"X-Note", value)])
    if encoding is not None:
        raw.encoding = encoding
    assert Headers(raw).get("x-note") == raw["x-note"] == text


def test_an_unknown_httpx_header_store_falls_back_to_get() -> None:
    from generated._base import Headers, _mapping_value, _reader_of

    class Elsewhere(dict[str, str]):
        """httpx-like headers without the byte triples."""

        __module__ = "httpx._future"

        def get(self, key: str, default: Any = None) -> Any:
            return super().get(key.lower(), default)

    assert _reader_of(Elsewhere) is _mapping_value
    assert Headers(Elsewhere({"retry-after": "3"})).get("Retry-After") == "3"


def test_error_from_an_httpx_response_reads_its_headers() -> None:
    from generated import alphaedge

    response = httpx.Response(
        422,
        headers=[("Retry-After", "2"), ("X-Request-Id", "req-1"), ("X-Request-Id", "req-2")],
        content=b'{"detail": "bad"}',
    )
    error = alphaedge.error_from_response(response)
    assert error is not None
    assert (error.retry_after, error.request_id, error.headers["x-request-id"]) == (2.0, "req-1", "req-1")
