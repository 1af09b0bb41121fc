"""A real HTTP server on 127.0.0.1 that answers with scripted vendor responses.

Each URL gets a list of replies, served in order; the last one repeats.  Every request
is recorded, so that tests can count what a client sent.
"""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def refused_url() -> str:
    """A URL whose connections are refused: nothing listens there."""
    return f"http://127.0.0.1:{free_port()}/"

@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    reason: str | None = None  # the status line's phrase; the standard one when None

    @classmethod
    def of(
        cls,
        status: int,
        body: bytes | str | dict[str, Any] | list[Any] | None = None,
        headers: dict[str, str] | None = None,
        reason: str | None = None,
    ) -> Reply:
        """A reply whose body is sent as JSON when it is an object or a list."""
        pairs = dict(headers or {})
        if isinstance(body, (dict, list)):
            raw = json.dumps(body).encode()
            pairs.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            raw = body.encode()
        else:
            raw = body or b""
        return cls(status, raw, tuple(pairs.items()), reason)


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class VendorServer:
    def __init__(self) -> None:
        self._routes: dict[str, deque[Reply]] = {}
        self._lock = threading.Lock()
        self.received: list[Received] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                    while size := int(self.rfile.readline().split(b";")[0], 16):
                        body += self.rfile.read(size)
                        self.rfile.readline()
                    self.rfile.readline()
                path = self.path.split("?", 1)[0]
                reply = server._next(Received(self.command, path, body, dict(self.headers)))
                self.send_response(reply.status, reply.reason)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(reply.body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = serve

            def log_message(self, format: str, *args: Any) -> None:  # quiet test output
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        host, port = self._server.server_address[:2]
        self.url = f"http://{host}:{port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def serve(self, *replies: Reply) -> str:
        """A new URL that answers with ``replies`` in order (the last one repeats)."""
        with self._lock:
            path = f"/r{len(self._routes)}"
            self._routes[path] = deque(replies)
        return self.url + path

    def received_at(self, url: str) -> list[Received]:
        """The requests sent to ``url`` so far."""
        path = url[len(self.url) :]
        with self._lock:
            return [r for r in self.received if r.path == path]

    def _next(self, request: Received) -> Reply:
        with self._lock:
            self.received.append(request)
            replies = self._routes.get(request.path)
            if not replies:
                return Reply.of(404, {"error": "no route"})
            return replies.popleft() if len(replies) > 1 else replies[0]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
