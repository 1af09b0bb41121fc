"""A real Server-Sent Events server on 127.0.0.1 for the stream tests.

Each path is a scenario.  Bodies go out with chunked transfer encoding, one chunk per
write and flushed at once, the way a streaming API sends them; ``/drop`` closes the
socket in the middle of an event without the closing chunk.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

OVERLOADED = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
BIG = "x" * (1024 * 1024)


def sse(event: str | None, data: Any, newline: bytes = b"\n") -> bytes:
    text = data if isinstance(data, str) else json.dumps(data)
    lines = [] if event is None else [b"event: " + event.encode()]
    lines += [b"data: " + line.encode() for line in text.split("\n")]
    return newline.join(lines) + newline + newline


MESSAGE_START = sse("message_start", {"type": "message_start"})
DELTA = sse("content_block_delta", {"type": "content_block_delta", "delta": {"text": "Hi"}})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        self.server.record(url.path, query, dict(self.headers))
        scenario = getattr(self, "scenario_" + url.path.strip("/").replace("-", "_"), None)
        if scenario is None:
            self.send_error(404)
            return
        scenario(query)

    do_POST = do_GET

    def start(self, status: int = 200, content_type: str = "text/event-stream") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("request-id", "req_stream_1")
        self.end_headers()

    def chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def scenario_ok(self, query: dict[str, str]) -> None:
        self.start()
        for part in (MESSAGE_START, DELTA, DELTA, sse("message_stop", {"type": "message_stop"})):
            self.chunk(part)
        self.end()

    def scenario_error_before_content(self, query: dict[str, str]) -> None:
        self.start()
        self.chunk(MESSAGE_START)
        self.chunk(sse("ping", {"type": "ping"}))
        self.chunk(sse("error", OVERLOADED))
        self.end()

    def scenario_error_mid_stream(self, query: dict[str, str]) -> None:
        self.start()
        self.chunk(MESSAGE_START)
        self.chunk(DELTA)
        self.chunk(DELTA)
        self.chunk(sse("error", OVERLOADED))
        self.end()

    def scenario_http_529(self, query: dict[str, str]) -> None:
        body = json.dumps(OVERLOADED).encode()
        self.send_response(529)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def scenario_drop(self, query: dict[str, str]) -> None:
        self.start()
        self.chunk(MESSAGE_START)
        self.chunk(DELTA)
        self.chunk(b'event: content_block_delta\ndata: {"type": "content_bl')
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def scenario_truncated(self, query: dict[str, str]) -> None:
        # A clean end of the body in the middle of an event: the event is lost.
        self.start()
        self.chunk(MESSAGE_START)
        self.chunk(b'event: content_block_delta\ndata: {"type": "content_block_delta"}\n')
        self.end()

    def scenario_messy(self, query: dict[str, str]) -> None:
        self.start()
        self.chunk(b"\xef\xbb\xbf: comment after a byte-order mark\r\n\r\n")
        self.chunk(b": keep-alive\n\n")
        self.chunk(b"retry: 1500\r\nid: 7\r\nevent: message_start\r\ndata: {\"type\":")
        self.chunk(b' "message_start"}\r\n\r')
        self.chunk(b"\nno colon here\nevent: content_block_delta\rdata:{\"n\": 1}\r\r")
        self.chunk(b"data\ndata: two\n\nretry: soon\nid: bad\x00id\nfoo: bar\ndata: [DONE]\n\n")
        self.chunk(b"event: \ndata: {\"broken\": \n\n")
        self.end()

    def scenario_big(self, query: dict[str, str]) -> None:
        self.start()
        payload = sse("content_block_delta", {"type": "content_block_delta", "text": BIG})
        for index in range(0, len(payload), 16384):
            self.chunk(payload[index : index + 16384])
        self.chunk(sse("message_stop", {"type": "message_stop"}))
        self.end()

    def scenario_huge_line(self, query: dict[str, str]) -> None:
        # One line that never ends: the reader gives up at its size limit.
        self.start()
        self.chunk(b"data: ")
        block = b"y" * 65536
        try:
            for _ in range(int(query.get("blocks", "400"))):
                self.chunk(block)
            self.end()
        except OSError:
            pass

    def scenario_forever(self, query: dict[str, str]) -> None:
        self.start()
        self.chunk(DELTA)
        ends = time.monotonic() + 30
        try:
            while time.monotonic() < ends and not self.server.stopping.is_set():
                self.chunk(b": keep-alive\n\n")
                time.sleep(0.05)
        except OSError:
            return

    def scenario_silent(self, query: dict[str, str]) -> None:
        self.start()
        self.chunk(MESSAGE_START)
        self.server.stopping.wait(30)

    def scenario_flaky(self, query: dict[str, str]) -> None:
        # Fails before content on the first `fail` requests of a key, then streams.
        key = query.get("key", "")
        count = self.server.count(key)
        self.start()
        self.chunk(MESSAGE_START)
        if count <= int(query.get("fail", "1")):
            if query.get("how") == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.chunk(sse("error", OVERLOADED))
        else:
            self.chunk(DELTA)
            self.chunk(sse("message_stop", {"type": "message_stop"}))
        self.end()

    def scenario_numbered(self, query: dict[str, str]) -> None:
        # Responses-style events numbered by sequence_number and SSE ids; the first
        # request of a key drops after event 3, a resumed one starts after the cursor.
        key = query.get("key", "")
        count = self.server.count(key)
        after = int(query.get("after", self.headers.get("Last-Event-ID") or "0"))
        self.start()
        for number in range(after + 1, 7):
            event = {"type": "response.output_text.delta", "sequence_number": number, "delta": str(number)}
            self.chunk(b"id: %d\n" % number + sse(None, event))
            if count == 1 and number == 3:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
        self.end()

    def scenario_lines(self, query: dict[str, str]) -> None:
        self.start(content_type="application/x-ndjson")
        self.chunk(b'{"message": {"content": "a"}}\n{"message": ')
        self.chunk(b'{"content": "b"}}\r\n\n')
        self.chunk(b'{"error": "model is loading", "code": "model_loading"}\n')
        self.end()


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.stopping = threading.Event()
        self.requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def record(self, path: str, query: dict[str, str], headers: dict[str, str]) -> None:
        with self._lock:
            self.requests.append((path, query, headers))

    def count(self, key: str) -> int:
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1
            return self._counts[key]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def serve() -> Server:
    server = Server()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


def stop(server: Server) -> None:
    server.stopping.set()
    server.shutdown()
    server.server_close()
