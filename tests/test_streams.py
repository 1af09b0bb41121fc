"""Errors inside streams, read from a real SSE server on 127.0.0.1 with httpx (sync and
async), requests and aiohttp; and a fuzz of hostile byte streams.

The packages are the feature golden ``tests/features/streams``: ``claudish`` streams as
Anthropic does (``event: error``), ``gptish`` as OpenAI does (an ``error`` object or a
``type: error`` event, resuming by ``sequence_number``), ``resumable`` resumes by
``Last-Event-ID``, ``lines`` is newline-delimited JSON.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import time
from collections.abc import Callable, Iterator
from typing import Any

import aiohttp
import httpx
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sse_server import BIG, OVERLOADED, Server, serve, stop
from features_support import vendor
from vendor_server import refused_url

claudish = vendor("streams", "claudish")
gptish = vendor("streams", "gptish")
resumable = vendor("streams", "resumable")
lines = vendor("streams", "lines")
for _package in (claudish, gptish, resumable, lines):
    importlib.import_module(_package.__name__ + ".streams")
streams_runtime = __import__("generated_streams._streams", fromlist=["_streams"])
StreamDroppedError = streams_runtime.StreamDroppedError
StreamReadTimeoutError = streams_runtime.StreamReadTimeoutError
StreamDeadlineError = streams_runtime.StreamDeadlineError
StreamEventTooLargeError = streams_runtime.StreamEventTooLargeError
StreamError = streams_runtime.StreamError
Event = streams_runtime.Event
transport = importlib.import_module("generated_streams._transport")

CLIENTS = ["httpx", "httpx-async", "requests", "aiohttp"]
RAW_CLIENT_ERRORS = (httpx.HTTPError, requests.RequestException, aiohttp.ClientError)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = serve()
    yield running
    stop(running)


def read(
    client: str, url: str, module: Any = None, deadline: float | None = None, timeout: float = 10
) -> tuple[list[Any], BaseException | None]:
    """The events ``iter_events``/``aiter_events`` gave before stopping, and what it raised."""
    streams = (module or claudish).streams
    events: list[Any] = []
    try:
        if client == "httpx":
            with httpx.Client(timeout=timeout) as http, http.stream("GET", url) as response:
                for event in streams.iter_events(response, deadline=deadline):
                    events.append(event)
        elif client == "requests":
            with requests.get(url, stream=True, timeout=timeout) as response:
                for event in streams.iter_events(response, deadline=deadline):
                    events.append(event)
        elif client == "httpx-async":

            async def run_httpx() -> None:
                async with httpx.AsyncClient(timeout=timeout) as http:
                    async with http.stream("GET", url) as response:
                        async for event in streams.aiter_events(response, deadline=deadline):
                            events.append(event)

            asyncio.run(run_httpx())
        else:

            async def run_aiohttp() -> None:
                limits = aiohttp.ClientTimeout(sock_read=timeout)
                async with aiohttp.ClientSession(timeout=limits) as session:
                    async with session.get(url) as response:
                        async for event in streams.aiter_events(response, deadline=deadline):
                            events.append(event)

            asyncio.run(run_aiohttp())
    except Exception as error:
        return events, error
    return events, None


@pytest.mark.parametrize("client", CLIENTS)
def test_a_whole_stream_gives_every_event_parsed(server: Server, client: str) -> None:
    events, error = read(client, server.url + "/ok")
    assert error is None
    assert [e.event for e in events] == ["message_start", "content_block_delta", "content_block_delta", "message_stop"]
    assert events[1].data == {"type": "content_block_delta", "delta": {"text": "Hi"}}


@pytest.mark.parametrize("client", CLIENTS)
def test_an_error_before_content_is_the_class_an_http_529_gives(server: Server, client: str) -> None:
    events, error = read(client, server.url + "/error-before-content")
    http_error = claudish.parse_error(529, json.dumps(OVERLOADED).encode())
    assert type(error) is type(http_error) and isinstance(error, claudish.ClaudishError)
    assert isinstance(error, importlib.import_module("generated_streams").ServiceUnavailableError)
    assert (error.code, error.message, error.status) == ("overloaded_error", "Overloaded", None)
    assert error.request_id == "req_stream_1"  # from the streaming response's headers
    assert [e.event for e in events] == ["message_start", "ping"]
    assert (error.events_before, error.committed) == (2, False)
    assert error.retryable


@pytest.mark.parametrize("client", CLIENTS)
def test_an_error_mid_stream_says_content_was_delivered(server: Server, client: str) -> None:
    events, error = read(client, server.url + "/error-mid-stream")
    assert isinstance(error, claudish.errors.OverloadedErrorCode)
    assert len(events) == 3
    assert (error.events_before, error.committed) == (3, True)


@pytest.mark.parametrize("client", CLIENTS)
def test_an_error_status_raises_before_any_event(server: Server, client: str) -> None:
    events, error = read(client, server.url + "/http-529")
    assert isinstance(error, claudish.errors.OverloadedErrorCode)
    assert (error.status, error.events_before, error.committed, events) == (529, 0, False, [])


@pytest.mark.parametrize("client", CLIENTS)
def test_a_connection_dropped_mid_event_is_a_typed_transport_error(server: Server, client: str) -> None:
    events, error = read(client, server.url + "/drop")
    assert isinstance(error, StreamDroppedError), repr(error)
    assert not isinstance(error, RAW_CLIENT_ERRORS)
    assert isinstance(error.__cause__, RAW_CLIENT_ERRORS)  # the client's own error, kept
    assert isinstance(error, transport.ConnectionDroppedError) and error.exception is error.__cause__
    assert [e.event for e in events] == ["message_start", "content_block_delta"]
    assert (error.events_before, error.committed) == (2, True)


@pytest.mark.parametrize("client", CLIENTS)
def test_a_body_ending_inside_an_event_is_a_drop_not_a_silent_loss(server: Server, client: str) -> None:
    events, error = read(client, server.url + "/truncated")
    assert isinstance(error, StreamDroppedError) and error.__cause__ is None
    assert (len(events), error.events_before) == (1, 1)


@pytest.mark.parametrize("client", CLIENTS)
def test_bom_comments_keep_alives_crlf_cr_lf_and_malformed_lines(server: Server, client: str) -> None:
    events, error = read(client, server.url + "/messy")
    assert error is None
    assert events == [
        Event("message_start", {"type": "message_start"}, "7", 1500),
        Event("content_block_delta", {"n": 1}, "7", None),
        Event("message", "\ntwo", "7", None),  # `data` without a colon is an empty line
        Event("message", "[DONE]", "7", None),  # an id holding NUL is ignored
        Event("message", '{"broken": ', "7", None),  # not JSON: the text
    ]


@pytest.mark.parametrize("client", CLIENTS)
def test_a_one_megabyte_event(server: Server, client: str) -> None:
    events, error = read(client, server.url + "/big")
    assert error is None
    assert [e.event for e in events] == ["content_block_delta", "message_stop"]
    assert events[0].data["text"] == BIG


@pytest.mark.parametrize("client", CLIENTS)
def test_an_event_past_the_limit_raises_a_typed_error(server: Server, client: str) -> None:
    events, error = read(client, server.url + "/huge-line?blocks=300")  # 19.7 MB, no newline
    assert isinstance(error, StreamEventTooLargeError), repr(error)
    assert events == []


@pytest.mark.parametrize("client", CLIENTS)
def test_keep_alives_forever_cannot_outlast_the_deadline(server: Server, client: str) -> None:
    started = time.monotonic()
    events, error = read(client, server.url + "/forever", deadline=0.5)
    elapsed = time.monotonic() - started
    assert isinstance(error, StreamDeadlineError), repr(error)
    assert (len(events), error.events_before, error.committed) == (1, 1, True)
    assert elapsed < 3


@pytest.mark.parametrize("client", ["httpx-async", "aiohttp"])
def test_async_deadline_holds_against_a_silent_server(server: Server, client: str) -> None:
    started = time.monotonic()
    events, error = read(client, server.url + "/silent", deadline=0.5)
    assert isinstance(error, StreamDeadlineError), repr(error)
    assert time.monotonic() - started < 3
    assert [e.event for e in events] == ["message_start"]


@pytest.mark.parametrize("client", ["httpx", "requests", "aiohttp"])
def test_a_silent_server_past_the_read_timeout_is_a_read_timeout(server: Server, client: str) -> None:
    events, error = read(client, server.url + "/silent", timeout=0.5)
    assert isinstance(error, StreamReadTimeoutError), repr(error)
    assert isinstance(error, StreamDroppedError) and not isinstance(error, RAW_CLIENT_ERRORS)
    assert isinstance(error, transport.ReadTimeoutError)  # except TransportError catches it too


@pytest.mark.parametrize("client", CLIENTS)
def test_json_lines(server: Server, client: str) -> None:
    events, error = read(client, server.url + "/lines", module=lines)
    assert [e.data for e in events] == [{"message": {"content": "a"}}, {"message": {"content": "b"}}]
    assert isinstance(error, lines.ModelLoadingError)
    assert (error.message, error.events_before, error.committed) == ("model is loading", 2, True)


def test_openai_chat_and_responses_errors_flat_or_nested() -> None:
    chat = gptish.streams.error_from_event(None, b'{"error": {"code": "rate_limit_exceeded", "message": "Slow"}}')
    flat = gptish.streams.error_from_event("message", '{"type": "error", "code": "server_error", "message": "x"}')
    nested = gptish.streams.error_from_event(
        None, {"type": "error", "error": {"code": "context_length_exceeded", "message": "long"}}
    )
    unknown = gptish.streams.error_from_event(None, {"error": {"code": "new_code", "message": "?"}})
    assert type(chat) is gptish.RateLimitError and chat.message == "Slow"
    assert type(flat) is gptish.ServerError
    assert type(nested) is gptish.ContextLengthError
    assert type(unknown) is gptish.errors.GptishInternalServerError  # status: 500 in the spec
    assert unknown.status is None
    for data in ("[DONE]", {"choices": []}, {"type": "response.output_text.delta"}, b"\xff", None):
        assert gptish.streams.error_from_event(None, data) is None
    assert claudish.streams.error_from_event("message", json.dumps(OVERLOADED)) is None  # not `event: error`


def test_a_condition_of_several_tests_must_all_hold() -> None:
    assert resumable.streams.error_from_event(None, {"error": {"code": "boom"}}) is not None
    assert resumable.streams.error_from_event(None, {"error": {"code": 5}}) is None


class Sleeps(list[float]):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def opener(server: Server, client: httpx.Client, path: str) -> Callable[[str | None], httpx.Response]:
    def open_stream(resume: str | None) -> httpx.Response:
        url = server.url + path + ("" if resume is None else f"&after={resume}")
        return client.send(client.build_request("GET", url), stream=True)

    return open_stream


def test_an_error_before_content_is_retried_and_nothing_is_seen_twice(server: Server) -> None:
    sleeps = Sleeps()
    with httpx.Client(timeout=10) as client:
        events = list(
            claudish.streams.stream_with_retries(
                opener(server, client, "/flaky?key=retry1&fail=2"), sleep=sleeps, random=lambda: 0.5
            )
        )
    assert [e.event for e in events] == ["message_start", "content_block_delta", "message_stop"]
    assert sleeps == [0.25, 0.5]  # the overloaded policy: 0.5 s base, full jitter at 0.5
    assert sum(1 for r in server.requests if r[1].get("key") == "retry1") == 3


def test_retries_stop_when_the_policy_is_spent(server: Server) -> None:
    with httpx.Client(timeout=10) as client:
        with pytest.raises(claudish.errors.OverloadedErrorCode) as raised:
            list(claudish.streams.stream_with_retries(opener(server, client, "/flaky?key=retry2&fail=9"), sleep=Sleeps()))
    assert (raised.value.committed, raised.value.events_before) == (False, 0)
    assert sum(1 for r in server.requests if r[1].get("key") == "retry2") == 3  # max_attempts


def test_allow_retry_can_refuse_any_retry(server: Server) -> None:
    refused: list[BaseException] = []

    def allow(error: BaseException) -> bool:
        refused.append(error)
        return False

    with httpx.Client(timeout=10) as client:
        with pytest.raises(claudish.ClaudishError):
            list(
                claudish.streams.stream_with_retries(
                    opener(server, client, "/flaky?key=retry3&fail=1"), allow_retry=allow, sleep=Sleeps()
                )
            )
    assert len(refused) == 1
    assert sum(1 for r in server.requests if r[1].get("key") == "retry3") == 1


def test_stream_retries_draw_on_the_vendors_budget(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    budget_module = importlib.import_module("generated_streams._budget")
    store = importlib.import_module("generated_streams._store").LocalStore()
    monkeypatch.setattr(claudish.RETRYING, "budget", budget_module.RetryBudget(capacity=10, retry_cost=5, store=store))
    key = "claudish|127.0.0.1"
    with httpx.Client(timeout=10) as client:
        # One failure: the retry takes 5 tokens, the stream read to its end puts them back.
        events = list(claudish.streams.stream_with_retries(opener(server, client, "/flaky?key=budget1&fail=1"),
                                                          sleep=Sleeps()))
        assert events[-1].event == "message_stop" and store.tokens(key, 10) == 10
        store.withdraw(key, 5, 10)  # half spent elsewhere: one retry left
        with pytest.raises(claudish.errors.OverloadedErrorCode) as raised:
            list(claudish.streams.stream_with_retries(opener(server, client, "/flaky?key=budget2&fail=9"),
                                                     sleep=Sleeps()))
    assert sum(1 for r in server.requests if r[1].get("key") == "budget2") == 2  # the policy allows 3
    assert any("retry budget" in note for note in raised.value.__notes__)


def test_drops_are_retried_by_the_vendors_transport_policy(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    two = claudish.RETRYING.transport_policy.replace(max_attempts=2)
    monkeypatch.setattr(claudish.RETRYING, "transport_policy", two)
    with httpx.Client(timeout=10) as client:
        with pytest.raises(StreamDroppedError):
            list(claudish.streams.stream_with_retries(opener(server, client, "/flaky?key=drop5&how=drop&fail=9"),
                                                     idempotent=True, sleep=Sleeps()))
        with pytest.raises(StreamDroppedError):  # a policy given for drops still wins
            list(claudish.streams.stream_with_retries(opener(server, client, "/flaky?key=drop6&how=drop&fail=9"),
                                                     idempotent=True, drop_policy=streams_runtime.DROP_POLICY,
                                                     sleep=Sleeps()))
        with pytest.raises(StreamDroppedError):  # None: drops are never retried
            list(claudish.streams.stream_with_retries(opener(server, client, "/flaky?key=drop7&how=drop&fail=9"),
                                                     idempotent=True, drop_policy=None, sleep=Sleeps()))
    assert sum(1 for r in server.requests if r[1].get("key") == "drop5") == 2
    assert sum(1 for r in server.requests if r[1].get("key") == "drop6") == 3
    assert sum(1 for r in server.requests if r[1].get("key") == "drop7") == 1


def test_a_stream_that_fails_to_open_is_retried_by_the_transport_policy(server: Server) -> None:
    refused = refused_url()
    urls = [refused, refused, server.url + "/flaky?key=open1&fail=0"]
    sleeps = Sleeps()

    with httpx.Client(timeout=10) as client:

        def open_stream(resume: str | None) -> httpx.Response:
            return client.send(client.build_request("POST", urls.pop(0)), stream=True)

        # Never sent, so safe to send again even for a POST.
        events = list(claudish.streams.stream_with_retries(open_stream, sleep=sleeps))
        assert events[-1].event == "message_stop" and len(sleeps) == 2

        def never_opens(resume: str | None) -> httpx.Response:
            return client.send(client.build_request("POST", refused), stream=True)

        with pytest.raises(transport.ConnectFailedError) as raised:
            list(claudish.streams.stream_with_retries(never_opens, sleep=Sleeps()))
    assert isinstance(raised.value.__cause__, httpx.ConnectError)
    assert raised.value.vendor == "claudish"


def test_async_streams_retry_a_failed_open_too(server: Server) -> None:
    refused = refused_url()
    urls = [refused, server.url + "/flaky?key=open2&fail=0"]

    async def sleep(seconds: float) -> None:
        pass

    async def run() -> list[Any]:
        async with httpx.AsyncClient(timeout=10) as client:

            async def open_stream(resume: str | None) -> httpx.Response:
                return await client.send(client.build_request("POST", urls.pop(0)), stream=True)

            return [event async for event in claudish.streams.astream_with_retries(open_stream, sleep=sleep)]

    assert asyncio.run(run())[-1].event == "message_stop" and not urls


def test_an_error_after_content_is_never_replayed(server: Server) -> None:
    received = []
    with httpx.Client(timeout=10) as client:
        with pytest.raises(claudish.errors.OverloadedErrorCode) as raised:
            for event in claudish.streams.stream_with_retries(
                opener(server, client, "/error-mid-stream?key=mid"), idempotent=True, sleep=Sleeps()
            ):
                received.append(event)
    assert (raised.value.committed, raised.value.events_before, len(received)) == (True, 3, 3)
    assert any("not replayed" in note for note in raised.value.__notes__)
    assert sum(1 for r in server.requests if r[1].get("key") == "mid") == 1


def test_a_drop_before_content_is_retried_only_when_repeating_is_safe(server: Server) -> None:
    with httpx.Client(timeout=10) as client:
        with pytest.raises(StreamDroppedError):
            list(claudish.streams.stream_with_retries(opener(server, client, "/flaky?key=drop1&how=drop"), sleep=Sleeps()))
        events = list(
            claudish.streams.stream_with_retries(
                opener(server, client, "/flaky?key=drop2&how=drop"), idempotent=True, sleep=Sleeps()
            )
        )
    assert [e.event for e in events] == ["message_start", "content_block_delta", "message_stop"]


def test_a_dropped_stream_resumes_after_its_cursor(server: Server) -> None:
    with httpx.Client(timeout=10) as client:
        events = list(
            gptish.streams.stream_with_retries(
                opener(server, client, "/numbered?key=cursor"), idempotent=True, sleep=Sleeps()
            )
        )
    assert [e.data["sequence_number"] for e in events] == [1, 2, 3, 4, 5, 6]
    queries = [r[1] for r in server.requests if r[1].get("key") == "cursor"]
    assert [q.get("after") for q in queries] == [None, "3"]


def test_a_dropped_stream_resumes_with_last_event_id(server: Server) -> None:
    async def run() -> tuple[list[Any], Sleeps]:
        sleeps = Sleeps()

        async def sleep(seconds: float) -> None:
            sleeps.append(seconds)

        async with httpx.AsyncClient(timeout=10) as client:

            async def open_stream(resume: str | None) -> httpx.Response:
                headers = {} if resume is None else {"Last-Event-ID": resume}
                request = client.build_request("GET", server.url + "/numbered?key=lastid", headers=headers)
                return await client.send(request, stream=True)

            received = [
                e async for e in resumable.streams.astream_with_retries(open_stream, idempotent=True, sleep=sleep)
            ]
        return received, sleeps

    events, sleeps = asyncio.run(run())
    assert [e.id for e in events] == ["1", "2", "3", "4", "5", "6"]
    assert len(sleeps) == 1
    headers = [r[2] for r in server.requests if r[1].get("key") == "lastid"]
    assert [h.get("Last-Event-ID") for h in headers] == [None, "3"]


def test_async_retries_before_content_with_aiohttp(server: Server) -> None:
    async def run() -> list[Any]:
        async with aiohttp.ClientSession() as session:

            async def open_stream(resume: str | None) -> aiohttp.ClientResponse:
                return await session.get(server.url + "/flaky?key=aio&fail=1")

            async def no_sleep(seconds: float) -> None:
                pass

            return [e async for e in claudish.streams.astream_with_retries(open_stream, sleep=no_sleep)]

    events = asyncio.run(run())
    assert [e.event for e in events] == ["message_start", "content_block_delta", "message_stop"]


# Hostile streams: whatever the bytes and however they are split, the iterator raises only
# the vendor's errors, or the stream errors for a stream ending inside an event or an
# event past the size limit; and the split never changes what comes out.

LINES = st.sampled_from(
    [
        b"data: {\"a\": 1}", b"data:", b"data", b"data: [DONE]", b"event: error", b"event: ping",
        b"event:", b"id: 1", b"id: \x00", b"retry: 10", b"retry: x", b": comment", b":", b"",
        b"data: " + json.dumps(OVERLOADED).encode(), b"data: {\"type\": \"error\", \"error\": 5}",
        b"data: {\"type\": \"error\", \"error\": {\"type\": [1]}}", b"\xef\xbb\xbf", b"\xff\xfe",
        b"data: " + b"[" * 5000, b"data: \"\\ud800\"", b"data: 1e400", b"data: NaN",
    ]
)
ENDINGS = st.sampled_from([b"\n", b"\r\n", b"\r"])
STREAMS = st.one_of(
    st.binary(max_size=2000),
    st.lists(st.tuples(LINES, ENDINGS), max_size=40).map(lambda ls: b"".join(a + b for a, b in ls)),
)


def outcome(chunks: list[bytes], limit: int | None = None) -> tuple[list[Any], str | None, int | None]:
    stream = claudish.streams.STREAMS
    if limit is not None:
        stream = type(stream)(
            claudish.ClaudishError, framing="sse", errors=stream.errors, content=stream.content,
            resume=None, parse_error=claudish.parse_error, retrying=stream.retrying, max_event_size=limit,
        )
    events: list[Any] = []
    try:
        for event in stream.iter_events(chunks):
            events.append((event.event, repr(event.data), event.id, event.retry))
    except (claudish.ClaudishError, StreamDroppedError, StreamEventTooLargeError) as error:
        assert error.events_before == len(events)
        return events, type(error).__name__, error.events_before
    return events, None, None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(STREAMS, st.lists(st.integers(min_value=0, max_value=2000), max_size=20), st.sampled_from([None, 64]))
def test_hostile_streams_raise_only_typed_errors_whatever_the_split(
    body: bytes, cuts: list[int], limit: int | None
) -> None:
    whole = outcome([body], limit)
    points = sorted({c % (len(body) + 1) for c in cuts})
    chunks = [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]
    if limit is None:
        assert outcome(chunks, limit) == whole
    else:
        outcome(chunks, limit)  # where the limit strikes may move with the split; the type may not escape


def test_a_rebuild_that_reuses_an_unchanged_spec_keeps_its_streams_module(tmp_path: Any) -> None:
    import shutil

    from goldens import FEATURES, run_cli

    shutil.copytree(FEATURES / "streams" / "specs", tmp_path / "specs")
    for _ in range(2):
        code, _, err = run_cli(tmp_path, "build", "--specs", "specs", "--output", "out")
        assert code == 0, err
        assert (tmp_path / "out" / "claudish" / "streams.py").is_file()
    (tmp_path / "specs" / "claudish.yaml").write_text(
        (tmp_path / "specs" / "claudish.yaml").read_text().split("\nstreams:")[0] + "\n"
    )
    code, _, err = run_cli(tmp_path, "build", "--specs", "specs", "--output", "out")
    assert code == 0, err
    assert not (tmp_path / "out" / "claudish" / "streams.py").exists()  # section removed: module gone
    assert (tmp_path / "out" / "gptish" / "streams.py").is_file()


def test_the_catalogs_anthropic_spec_reads_its_streams(tmp_path: Any, server: Server) -> None:
    """The curated Anthropic spec: an in-stream overloaded_error is its HTTP 529 class."""
    import shutil

    from goldens import ROOT, load_package, run_cli

    (tmp_path / "specs").mkdir()
    shutil.copyfile(ROOT / "codegen" / "catalog" / "anthropic.yaml", tmp_path / "specs" / "anthropic.yaml")
    code, _, err = run_cli(tmp_path, "build", "--specs", "specs", "--output", "catalog_streams")
    assert code == 0, err
    load_package(tmp_path, "catalog_streams")
    anthropic = importlib.import_module("catalog_streams.anthropic")
    streams = importlib.import_module("catalog_streams.anthropic.streams")
    with httpx.Client(timeout=10) as client:
        with client.stream("GET", server.url + "/error-before-content") as response:
            with pytest.raises(anthropic.OverloadedError) as raised:
                list(streams.iter_events(response))
    http = anthropic.parse_error(529, json.dumps(OVERLOADED))
    assert type(raised.value) is type(http) is anthropic.OverloadedError
    assert (raised.value.events_before, raised.value.committed) == (2, False)  # message_start, ping
    with httpx.Client(timeout=10) as client:
        with client.stream("GET", server.url + "/error-mid-stream") as response:
            with pytest.raises(anthropic.OverloadedError) as raised:
                list(streams.iter_events(response))
    assert (raised.value.events_before, raised.value.committed) == (3, True)
