"""Tiny HTTP servers on 127.0.0.1 for backend tests that need a server other than the emulator.

* ``ReplayServer`` answers GETs from a table of recorded real responses (path suffix -> status, body).
* ``SilentServer`` accepts connections and never answers, to prove the request timeout.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Seen:
    """One request the replay server received."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class ReplayServer:
    """Serves ``routes``: the first route whose key ends the request path answers. A 200 ``Array`` body is
    served as recorded for ``skip=0`` and as an empty page past it, so a recorded partial page still ends the
    client's paging loop. Unknown paths get a 404 UnknownRoute, shaped like the real one."""

    def __init__(self) -> None:
        self.routes: dict[str, Reply] = {}
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                server.seen.append(Seen(self.command, parts.path, query, dict(self.headers.items())))
                reply = next(
                    (r for suffix, r in server.routes.items() if parts.path.endswith(suffix)),
                    Reply(404, {"sys": {"type": "Error", "id": "UnknownRoute"}, "message": "unknown path"}),
                )
                body = reply.body
                is_array = isinstance(body, dict) and body.get("sys", {}).get("type") == "Array"
                if is_array and int(query.get("skip", 0)) > 0:
                    body = {**body, "items": []}
                data = b"" if body is None else json.dumps(body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/vnd.contentful.management.v1+json")
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = _answer

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet: pytest shows failures, not access logs."""

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


class SilentServer:
    """Accepts TCP connections on 127.0.0.1 and never sends a byte."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)  # the kernel completes handshakes; nobody ever reads or answers

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def close(self) -> None:
        self._sock.close()


def closed_port_url() -> str:
    """A 127.0.0.1 URL where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
