"""A local Contentful Management API compatible server (the test oracle for the backend).

Imports nothing from the rest of ``reconcile``. See docs/architecture.md for the interface::

    with Emulator() as emu:
        client = contentful_management.Client("local-token", api_url=f"127.0.0.1:{emu.port}",
                                               https=False)
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from reconcile.emulator.faults import Fault, Faults
from reconcile.emulator.limits import MAX_RESPONSE_BYTES, ResponseLimit
from reconcile.emulator.server import EmulatorApp, LoggedRequest, RateLimiter
from reconcile.emulator.store import Store
from reconcile.emulator.users import TokenUser

__all__ = ["MAX_RESPONSE_BYTES", "Emulator", "Fault", "LoggedRequest", "TokenUser", "serve"]

HOST = "127.0.0.1"


class _QuietRequestHandler(WSGIRequestHandler):
    """No access log on stderr for the in-process emulator (tests read ``request_log``)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


class Emulator:
    """The emulator serving on an ephemeral 127.0.0.1 port in a background thread.

    ``env_ready_delay`` is how long a new environment stays ``queued`` before it is ``ready``; ``users``
    are further tokens, each acting as its own user (``emulator/users.py``); ``max_environments`` is the
    environment quota of each space (None: unlimited); ``master_alias`` opts each new space in to
    environment aliases, its ``master`` environment renamed to that id; ``max_response_bytes`` is the
    largest body a read answers before 400 "Response size too big" (default the API's 7 MB, limits.py);
    ``keep_log=False`` keeps no ``request_log`` (a long-running emulator nobody asks for it, e.g. the
    local target's).
    """

    def __init__(
        self,
        data_dir: Path | None = None,
        spaces: Sequence[str] = ("local",),
        token: str = "local-token",
        rate_limit: float | None = None,
        *,
        env_ready_delay: float = 0.3,
        users: Sequence[TokenUser] = (),
        max_environments: int | None = None,
        master_alias: str | None = None,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        keep_log: bool = True,
    ) -> None:
        self.store = Store(spaces, data_dir, env_ready_delay,
                           max_environments=max_environments, master_alias=master_alias)  # fmt: skip
        self.faults = Faults()
        self._rate_limiter = RateLimiter(rate_limit)
        self._response_limit = ResponseLimit(max_response_bytes)
        self.app = EmulatorApp(self.store, token, self.faults, self._rate_limiter, users, self._response_limit,
                               keep_log=keep_log)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the emulator is not started")
        return self._server.server_port

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> str:
        """Start serving in a background thread; return the base URL."""
        if self._server is None:
            self._server = make_server(HOST, 0, self.app, threaded=True, request_handler=_QuietRequestHandler)
            # A short poll interval makes stop() quick (the default waits up to 0.5 s).
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.02},
                name="reconcile-emulator",
                daemon=True,
            )
            self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join()
            self._server = None
            self._thread = None

    def __enter__(self) -> Emulator:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def request_log(self) -> list[LoggedRequest]:
        return self.app.request_log

    def clear_log(self) -> None:
        self.app.clear_log()

    def set_rate_limit(self, per_second: float | None) -> None:
        self._rate_limiter.set(per_second)

    def set_max_response_bytes(self, max_bytes: int) -> None:
        """Lower (or restore) the largest response body a read answers, while serving."""
        self._response_limit.set(max_bytes)


def serve(
    port: int, data_dir: Path, spaces: Sequence[str], token: str, rate_limit: float | None = None,
    users: Sequence[TokenUser] = (),
    *, max_environments: int | None = None, master_alias: str | None = None, ready: Callable[[], None] = lambda: None,
    max_response_bytes: int = MAX_RESPONSE_BYTES, tls: tuple[str, str] | None = None,
) -> None:
    """Serve on 127.0.0.1:``port`` until interrupted, persisting state under ``data_dir``; with
    ``rate_limit``, answer 429 beyond that many requests per second; ``users``: further tokens, each
    acting as its own user; ``max_environments``, ``master_alias`` and ``max_response_bytes`` as for
    ``Emulator``; ``tls``: (certificate file, key file) to serve https instead of http (tools that only
    speak https, such as contentful-migration); ``ready`` is called once the port is bound."""
    store = Store(spaces, data_dir, max_environments=max_environments, master_alias=master_alias)
    app = EmulatorApp(store, token, Faults(), RateLimiter(rate_limit), users, ResponseLimit(max_response_bytes),
                      keep_log=False)
    server = make_server(HOST, port, app, threaded=True, ssl_context=tls)
    ready()
    server.serve_forever()
