"""The emulator in its own process, so that the measured process's CPU time and memory are the
tool's alone. The parent talks to it over a pipe: request log, clearing it, the rate limit."""

from __future__ import annotations

import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

TOKEN = "bench-token"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    status: int
    time: float


def _serve(conn: Connection, rate_limit: float | None) -> None:
    from reconcile.emulator import Emulator

    with Emulator(token=TOKEN, rate_limit=rate_limit) as emulator:
        conn.send(emulator.base_url)
        while True:
            command, arg = conn.recv()
            if command == "log":
                conn.send([(r.method, r.path, r.status, r.time) for r in emulator.request_log])
            elif command == "clear":
                emulator.clear_log()
                conn.send(None)
            elif command == "cpu":
                conn.send(time.process_time())
            elif command == "rate":
                emulator.set_rate_limit(arg)
                conn.send(None)
            else:
                conn.send(None)
                return


class EmulatorProcess:
    """``with EmulatorProcess(rate_limit=None) as emu: emu.base_url, emu.log(), emu.clear()``."""

    def __init__(self, rate_limit: float | None = None) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, rate_limit), daemon=True)
        self.base_url = ""

    def __enter__(self) -> EmulatorProcess:
        self._process.start()
        if not self._conn.poll(60):
            raise RuntimeError("the emulator process did not start within 60 s")
        self.base_url = self._conn.recv()
        return self

    def _call(self, command: str, arg: Any = None) -> Any:
        self._conn.send((command, arg))
        return self._conn.recv()

    def log(self) -> list[Request]:
        return [Request(*entry) for entry in self._call("log")]

    def clear(self) -> None:
        self._call("clear")

    def cpu(self) -> float:
        """The CPU time (user + system) the emulator's process has used so far."""
        cpu: float = self._call("cpu")
        return cpu

    def set_rate_limit(self, per_second: float | None) -> None:
        self._call("rate", per_second)

    def __exit__(self, *_: object) -> None:
        try:
            self._call("stop")
        finally:
            self._process.join(10)
            if self._process.is_alive():
                self._process.terminate()
                self._process.join(5)
