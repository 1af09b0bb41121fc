"""Hostile server responses for the generated parsers, and the contract every result meets.

Shared by the property tests (``tests/test_hostile_servers.py``) and the long fuzz run
(``bench/fuzz.py``).  Every generator takes a ``random.Random`` so that a run is
reproducible from its seed; the values it draws from are the ones servers, proxies and
broken middleboxes actually send, plus plain noise.
"""

from __future__ import annotations

import copy
import email.utils
import importlib
import json
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MESSAGE_LIMIT = 8192
ATTEMPTS = (-1, 0, 1, 2, 3, 5, 99, 10**9)

RETRY_AFTER_VALUES: tuple[Any, ...] = (
    "0", "1", "2.5", " 7 ", "-1", "-0.0", "300", "301", "86400", "1e9", "1e308", "1e400",
    "-1e400", "inf", "-inf", "Infinity", "nan", "NaN", "-nan", "9" * 400, "0x10", "1_000",
    "١٢", "5, 10", "", " ", "soon", "garbage\x00", "\u2028", "1e", ".", "+3", "3 seconds",
    "Wed, 21 Oct 2015 07:28:00 GMT",  # past
    "Fri, 31 Dec 9999 23:59:59 GMT",  # far future
    "Mon, 32 Foo 2020 25:61:61 GMT",  # malformed
    "Tue, 15 Nov 1994 08:12:31 +9999",
    "Sun, 06 Nov 1994 08:49:37",
    "Thu, 01 Jan 1970 00:00:00 GMT",
    "31 Dec 99999999999 23:59:59 GMT",
    "Sat, 01 Jan 0001 00:00:00 GMT",
    "x" * 10_000,
    -5, 1e400, float("nan"), float("inf"), 10**400, b"5", None, 3,
)

REQUEST_ID_VALUES: tuple[Any, ...] = (
    "", " ", "req_123", "x" * 10_240, "\x00", "\u202eevil", "é" * 100, "a\nb", b"\xff", 7, None,
)

HTML_PAGES: tuple[str, ...] = (
    "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
    "<!DOCTYPE html><html><title></title></html>",
    "<html><title>" + "T" * 20_000 + "</title></html>",
    "<title>&lt;script&gt; &amp;&#x0; &#99999999;</title>",
    "<TITLE lang=en>Service   Unavailable\n\n</TITLE>",
    "<" * 70_000,
    "<title>" * 20_000,
    "<html>" + "<title x='" * 5_000,
    "   \n<html><body>Cloudflare: error 1020</body></html>",
)

# Values of every JSON type, and a few that only a Mapping passed by a caller can hold.
WRONG_TYPES: tuple[Any, ...] = (
    None, True, False, 0, -1, 1.5, -1e308, float("nan"), float("inf"), 10**400, 10**5000, "", "x",
    " ", "1e400", [], [None], [1, "a"], {}, {"a": 1}, {"code": {}, "message": []},
)

RANDOM_FUNCTIONS: tuple[Callable[[], float], ...] = (
    lambda: 0.0, lambda: 0.999999, lambda: 1.0, lambda: -1.0, lambda: 2.0,
    lambda: float("nan"), lambda: float("inf"),
)


@dataclass(frozen=True)
class Vendor:
    """A generated vendor package and what its spec says bodies and headers look like."""

    slug: str
    package: ModuleType
    parser: ModuleType
    base: type[Exception]
    examples: tuple[Any, ...]
    paths: tuple[str, ...]
    header_names: tuple[str, ...]
    codes: tuple[str, ...]

    @property
    def has_payload(self) -> bool:
        return hasattr(self.package, "error_from_payload")


def load_vendors(specs: Path = ROOT / "specs", package: str = "generated") -> list[Vendor]:
    """Every vendor of ``specs``, with its package imported from ``package``."""
    from codegen.config import spec_files
    from codegen.load import load_spec
    from codegen.validate import validate

    vendors = []
    for path in spec_files(specs):
        spec = validate(load_spec(path, path.name)).spec
        module = importlib.import_module(f"{package}.{spec.vendor.slug}")
        base = getattr(module, f"{spec.vendor.class_prefix}Error")
        errors = list(spec.errors)
        if spec.operation_failures is not None:
            errors += spec.operation_failures.errors
        examples = [e.body for group in (spec.statuses.values(), errors) for c in group for e in c.examples]
        paths = set(spec.request_id.body) | set(spec.retry_after.body)
        for envelope in spec.envelopes:
            paths.update(c.path for c in envelope.when)
            for field in (envelope.code, envelope.message, envelope.details, envelope.request_id, envelope.retry_after):
                paths.update(field)
            if envelope.details_from_rest_of:
                paths.add(envelope.details_from_rest_of)
        for example in examples:
            paths.update(_paths_in(example))
        headers = list(spec.request_id.headers) + [h.name for h in spec.retry_after.headers]
        vendors.append(
            Vendor(
                slug=spec.vendor.slug,
                package=module,
                parser=importlib.import_module(f"{package}.{spec.vendor.slug}.parser"),
                base=base,
                examples=tuple(examples),
                paths=tuple(sorted(paths)),
                header_names=tuple(dict.fromkeys([*headers, "Retry-After", "X-Request-ID"])),
                codes=tuple(sorted({e.code for e in errors if e.code})),
            )
        )
    return vendors


def _paths_in(value: Any, prefix: str = "") -> Iterator[str]:
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        path = f"{prefix}{key}"
        yield path
        yield from _paths_in(item, path + ".")


def with_value(body: Any, path: str, value: Any) -> Any:
    """A deep copy of ``body`` with ``value`` at the dotted ``path``, creating objects on the way."""
    root = copy.deepcopy(body) if isinstance(body, (dict, list)) else {}
    parent: Any = root
    parts = path.split(".")
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if isinstance(parent, list) and part.isdigit() and int(part) < len(parent):
            key: Any = int(part)
        elif isinstance(parent, dict):
            key = part
        else:
            return root
        if last:
            parent[key] = value
        else:
            if not isinstance(parent[key] if isinstance(parent, list) else parent.get(key), (dict, list)):
                parent[key] = {}
            parent = parent[key]
    return root


# --- generators --------------------------------------------------------------------------


def text(rng: random.Random, limit: int = 64) -> str:
    alphabet = rng.choice(
        (
            "abcXYZ019 -_.:",
            "{}[]\",:\\ntrue0",
            "\x00\x01\x1f\x7f\u2028\u2029\u202e\ufeff\ud800é中😀",
        )
    )
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(limit)))


def odd_case(rng: random.Random, name: str) -> str:
    return "".join(ch.upper() if rng.random() < 0.5 else ch.lower() for ch in name)


def http_date(rng: random.Random) -> str:
    moment = time.time() + rng.choice((-1, 1)) * rng.choice((1, 60, 3600, 10**6, 10**9))
    return email.utils.formatdate(max(0.0, moment), usegmt=True)


def header_value(rng: random.Random) -> Any:
    roll = rng.random()
    if roll < 0.4:
        return rng.choice(RETRY_AFTER_VALUES)
    if roll < 0.55:
        return http_date(rng)
    if roll < 0.7:
        return rng.choice(REQUEST_ID_VALUES)
    if roll < 0.85:
        return repr(rng.uniform(-1e6, 1e6))
    return text(rng)


def headers(rng: random.Random, vendor: Vendor) -> Any:
    names = [*vendor.header_names, "Content-Type", text(rng, 12)]
    pairs = [
        (odd_case(rng, rng.choice(names)), header_value(rng)) for _ in range(rng.randrange(6))
    ]
    kind = rng.randrange(8)
    if kind == 0:
        return None
    if kind == 1:
        return [p for p in pairs if isinstance(p[1], str)]  # pairs, duplicates kept
    if kind == 2:
        return rng.choice((42, "Retry-After: 5", [("a",)], [(1, 2)], [None], {None: 1}, object(), b"x"))
    if kind == 3:
        return {k.encode("utf-8", "surrogatepass"): v for k, v in pairs}
    if kind == 4:
        return BrokenMapping()
    return {k: v for k, v in pairs}


class BrokenMapping:
    """A headers object whose every method fails, as a badly mocked client's might."""

    def items(self) -> Any:
        raise RuntimeError("broken headers")

    def __bool__(self) -> bool:
        raise RuntimeError("broken headers")

    def get(self, *_: Any) -> Any:
        raise RuntimeError("broken headers")


def json_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.randrange(10 if depth < 4 else 6)
    if roll < 6:
        return rng.choice(WRONG_TYPES[:15] + (text(rng), rng.uniform(-1e9, 1e9), rng.randrange(-10, 10**6)))
    if roll < 8:
        return [json_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(("error", "code", "message", "detail", text(rng, 8))): json_value(rng, depth + 1) for _ in range(rng.randrange(4))}


def mutated_example(rng: random.Random, vendor: Vendor) -> Any:
    body: Any = rng.choice(vendor.examples) if vendor.examples else {}
    for _ in range(rng.randrange(1, 4)):
        path = rng.choice(vendor.paths) if vendor.paths and rng.random() < 0.8 else text(rng, 10) or "x"
        roll = rng.random()
        if roll < 0.2 and vendor.codes:
            value = rng.choice(vendor.codes)
        elif roll < 0.35:
            value = rng.choice(RETRY_AFTER_VALUES)
        elif roll < 0.5:
            value = rng.choice(REQUEST_ID_VALUES)
        else:
            value = json_value(rng)
        body = with_value(body, path, value)
    return body


def dumps(value: Any) -> str:
    try:  # NaN and Infinity become the literals json.loads accepts
        return json.dumps(value, default=repr)
    except ValueError:  # an integer with more digits than str() allows
        return "[]"


def body(rng: random.Random, vendor: Vendor) -> Any:
    kind = rng.randrange(14)
    if kind == 0:
        return None
    if kind == 1:
        size = rng.randrange(512)
        return rng.getrandbits(8 * size).to_bytes(size, "little") if size else b""
    if kind == 2:
        valid = dumps(mutated_example(rng, vendor)).encode()
        cut = rng.randrange(len(valid) + 1)
        return valid[:cut] + b"\xff\xfe\xc3" + valid[cut:]  # invalid UTF-8
    if kind == 3:
        return text(rng, 200)
    if kind == 4:
        valid = dumps(mutated_example(rng, vendor))
        return valid[: rng.randrange(len(valid) + 1)]  # truncated JSON
    if kind == 5:
        return rng.choice(HTML_PAGES)
    if kind == 6:
        return rng.choice(("null", "[]", "[1,2]", '"error"', "0", "true", "  {}", "\ufeff{}", "{\"error\": NaN}"))
    if kind == 7:
        return json_value(rng)
    example = mutated_example(rng, vendor)
    encoded = dumps(example)
    if kind in (8, 9):
        return example  # a mapping, or a list where an object was expected
    if kind in (10, 11):
        return encoded.encode("utf-8", "surrogatepass")
    return (" \n\t" if kind == 12 else "") + encoded


def status(rng: random.Random) -> int:
    return rng.choice((rng.randrange(1000), rng.choice((400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504))))


class _Raises:
    def __get__(self, *_: Any) -> Any:
        raise RuntimeError("broken response attribute")


class BrokenResponse:
    """A response whose attributes raise when read, as a closed stream's might."""

    status_code = _Raises()
    headers = _Raises()
    content = _Raises()
    reason_phrase = _Raises()

    def read(self) -> bytes:
        raise RuntimeError("closed")


def response(rng: random.Random, vendor: Vendor) -> tuple[Any, int | None, Any]:
    """A response object, its status (None when it has no usable one) and its body."""
    code = status(rng)
    payload = body(rng, vendor)
    raw = encoded(payload)
    header_set = headers(rng, vendor)
    kind = rng.randrange(6)
    if kind == 0:
        built = _httpx_response(code, raw, header_set)
        if built is not None:
            return built, code, built.content
    if kind == 1:
        built = _requests_response(code, raw, header_set, rng)
        return built, code, built.content
    if kind == 2:
        return BrokenResponse(), None, None
    if kind == 3:
        odd_status = rng.choice((str(code), float(code) + 0.5, None, True, "abc", 10**30))
        fake = SimpleNamespace(status_code=odd_status, headers=header_set, content=raw, reason_phrase=rng.choice((None, 3, "", "Teapot")))
        return fake, None, raw
    fake = SimpleNamespace(status_code=code, headers=header_set, content=rng.choice((raw, payload if isinstance(payload, (bytes, str)) else raw)))
    return fake, code, fake.content


def encoded(payload: Any) -> bytes:
    """A generated body as the bytes a server would send."""
    if isinstance(payload, bytes):
        return payload
    return (payload if isinstance(payload, str) else dumps(payload)).encode("utf-8", "surrogatepass")


def string_pairs(header_set: Any) -> list[tuple[str, str]]:
    """The (name, value) text pairs of a generated header set, for real client responses."""
    if isinstance(header_set, dict):
        header_set = list(header_set.items())
    if not isinstance(header_set, list):
        return []
    return [
        p for p in header_set
        if isinstance(p, tuple) and len(p) == 2 and all(isinstance(x, str) for x in p)
    ]


def _httpx_response(code: int, raw: bytes, header_set: Any) -> Any:
    import httpx

    try:
        built = httpx.Response(code, headers=string_pairs(header_set), content=raw)
        built.read()
        return built
    except Exception:  # httpx refuses some header sets; the test is about the parser
        return None


def _requests_response(code: int, raw: bytes, header_set: Any, rng: random.Random) -> Any:
    import requests
    from requests.structures import CaseInsensitiveDict

    built = requests.Response()
    built.status_code = code
    built._content = raw
    built.headers = CaseInsensitiveDict(dict(string_pairs(header_set)))
    built.reason = rng.choice((None, "", "Too Many Requests", "x" * 20_000))
    return built


# --- the contract ------------------------------------------------------------------------


def check(error: Any, vendor: Vendor, body: Any, rng: random.Random, status: int | None = None) -> None:
    """Raise AssertionError unless ``error`` keeps the generated-code contract."""
    assert isinstance(error, vendor.base), f"{type(error).__name__} is not a {vendor.base.__name__}"
    message = error.message
    assert type(message) is str and 0 < len(message) <= MESSAGE_LIMIT, f"message {message[:80]!r}"
    assert error.body is body, "body is not the object passed in"
    if status is not None:
        assert error.status == status, f"status {error.status!r} instead of {status}"
    delay = error.retry_after
    assert delay is None or (type(delay) is float and math.isfinite(delay) and delay >= 0), f"retry_after {delay!r}"
    assert error.request_id is None or type(error.request_id) is str
    assert error.code is None or type(error.code) is str
    assert isinstance(str(error), str) and isinstance(repr(error), str)
    package = vendor.package
    policy = package.policy_for(error)
    cap = max(policy.max_server_delay, policy.max_delay, policy.default_delay or 0.0)
    for attempt in ATTEMPTS:
        delay = package.next_delay(error, attempt, random=rng.choice(RANDOM_FUNCTIONS))
        assert delay is None or (
            type(delay) is float and math.isfinite(delay) and 0 <= delay <= cap
        ), f"next_delay(attempt={attempt}) = {delay!r}, cap {cap}"


def check_parse_error(vendor: Vendor, rng: random.Random, code: int, payload: Any, header_set: Any) -> None:
    error = vendor.package.parse_error(code, payload, header_set)
    check(error, vendor, payload, rng, code)
    # The parse itself copes: parse_error's last-resort fallback, which keeps little, was not needed.
    assert type(vendor.parser._MATCHER._parse(code, payload, header_set, None, None)) is type(error)


def run_parse_error(vendor: Vendor, rng: random.Random, status_code: int | None = None) -> None:
    code = status(rng) if status_code is None else status_code
    check_parse_error(vendor, rng, code, body(rng, vendor), headers(rng, vendor))


def check_response_error(error: Any, vendor: Vendor, rng: random.Random, code: int | None, content: Any) -> None:
    """None below 400; otherwise the contract, with the response's status and body."""
    if code is not None and code < 400:
        assert error is None, f"{type(error).__name__} for status {code}"
    elif code is not None:
        check(error, vendor, content, rng, code)
    elif error is not None:
        check(error, vendor, error.body, rng)


def run_error_from_response(vendor: Vendor, rng: random.Random) -> None:
    built, code, content = response(rng, vendor)
    check_response_error(vendor.package.error_from_response(built), vendor, rng, code, content)


class AsyncResponse:
    """An aiohttp-like response: ``status``, and a body that ``read()`` must await."""

    def __init__(self, status: Any, headers: Any, content: Any) -> None:
        self.status = status
        self.headers = headers
        self._content = content

    async def read(self) -> Any:
        return self._content


def run_aerror_from_response(vendor: Vendor, rng: random.Random) -> None:
    import asyncio

    if rng.random() < 0.5:
        built, code, content = response(rng, vendor)
    else:
        code = status(rng)
        content = rng.choice((body(rng, vendor), dumps(mutated_example(rng, vendor)).encode()))
        built = AsyncResponse(code, headers(rng, vendor), content)
        if not isinstance(content, (bytes, str)):
            content = None  # only text or bytes is a body
    error = asyncio.run(vendor.package.aerror_from_response(built))
    check_response_error(error, vendor, rng, code, content)


def run_error_from_payload(vendor: Vendor, rng: random.Random) -> None:
    payload = body(rng, vendor)
    error = vendor.package.error_from_payload(payload)
    if error is not None:
        check(error, vendor, payload, rng)


RUNNERS: dict[str, Callable[[Vendor, random.Random], None]] = {
    "parse_error": run_parse_error,
    "error_from_response": run_error_from_response,
    "aerror_from_response": run_aerror_from_response,
    "error_from_payload": run_error_from_payload,
}


def runners_for(vendor: Vendor) -> dict[str, Callable[[Vendor, random.Random], None]]:
    return {k: v for k, v in RUNNERS.items() if k != "error_from_payload" or vendor.has_payload}
