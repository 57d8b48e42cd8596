"""Seeding a persisting emulator through its HTTP API: the write latency as the space grows.

``reconcile emulator serve --data DIR`` runs in its own process; content types of 50 fields are
created and published one by one (a PUT and a publish each) with plain HTTP requests. The figure is
the median latency of the writes around each checkpoint (the 10 content types before it): with a
store whose writes cost O(size of the resource) it stays flat as the space grows.
"""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

TOKEN = "bench-seed-token"
WINDOW = 10  # content types measured before each checkpoint
FIELDS = 50


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def content_type_body(index: int) -> dict[str, Any]:
    """A content type of 50 fields, every fifth a link with a validation (about 6 KB of JSON)."""
    fields: list[dict[str, Any]] = []
    for f in range(FIELDS):
        field: dict[str, Any] = {
            "id": f"field{f:02d}",
            "name": f"Field {f} of type {index}",
            "type": "Symbol",
            "localized": f % 2 == 0,
            "required": f == 0,
            "validations": [{"size": {"max": 80 + f}, "message": "Keep it short."}],
        }
        if f % 5 == 4:
            field = {
                "id": f"field{f:02d}",
                "name": f"Link {f}",
                "type": "Link",
                "linkType": "Entry",
                "validations": [{"linkContentType": [f"type{index:04d}"]}],
            }
        fields.append(field)
    return {
        "name": f"Type {index}",
        "description": f"Synthetic type {index}",
        "displayField": "field00",
        "fields": fields,
    }


class ServeProcess:
    """``reconcile emulator serve --data DIR --port P`` as a child process."""

    def __init__(self, data: Path) -> None:
        self.port = _free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "CONTENTFUL_MANAGEMENT_TOKEN": TOKEN}
        command = [
            sys.executable,
            "-m",
            "reconcile",
            "emulator",
            "serve",
            "--data",
            str(data),
            "--port",
            str(self.port),
        ]
        self.process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {TOKEN}"
        deadline = time.monotonic() + 60
        while True:
            try:
                self.session.get(f"{self.base_url}/spaces/local", timeout=5)
                return
            except requests.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("reconcile emulator serve did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(30)


def _write(session: requests.Session, method: str, url: str, version: int | None, body: Any) -> tuple[float, int]:
    headers = {"Content-Type": "application/vnd.contentful.management.v1+json"}
    if version is not None:
        headers["X-Contentful-Version"] = str(version)
    start = time.perf_counter()
    response = session.request(method, url, json=body, headers=headers, timeout=600)
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed, int(response.json()["sys"]["version"])


def seed(n: int, checkpoints: list[int], progress: Callable[[str], None]) -> dict[str, Any]:
    """Create and publish ``n`` content types of 50 fields; the write latency at each checkpoint."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-seed-"))
    server = ServeProcess(tmp / "data")
    latencies: list[float] = []
    started = time.perf_counter()
    try:
        base = f"{server.base_url}/spaces/local/environments/master/content_types"
        for index in range(n):
            url = f"{base}/type{index:04d}"
            put, version = _write(server.session, "PUT", url, None, content_type_body(index))
            publish, _ = _write(server.session, "PUT", f"{url}/published", version, None)
            latencies.append((put + publish) / 2)
            if index + 1 in checkpoints:
                progress(f"  seed: {index + 1} types, write latency {_ms(latencies[-WINDOW:])} ms")
    finally:
        server.stop()
        size = sum(p.stat().st_size for p in (tmp / "data").glob("*") if p.is_file())
        shutil.rmtree(tmp, ignore_errors=True)
    return {
        "content_types": n,
        "fields": FIELDS,
        "writes": 2 * n,
        "wall_s": round(time.perf_counter() - started, 2),
        "data_dir_mb": round(size / 2**20, 1),
        "write_latency_ms": {str(c): _ms(latencies[max(0, c - WINDOW) : c]) for c in checkpoints if c <= n},
    }


def _ms(values: list[float]) -> float:
    return round(statistics.median(values) * 1000, 2)


def growth(figures: dict[str, Any]) -> dict[str, float]:
    """Latency at each checkpoint over the first one (flat is 1.0)."""
    by = {int(k): v for k, v in figures["write_latency_ms"].items()}
    first = by[min(by)]
    return {f"{min(by)}->{k}": round(v / first, 2) for k, v in sorted(by.items()) if k != min(by)}


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    result = seed(
        count,
        sorted({c for c in (10, 100, 1000) if c < count} | {count}),
        lambda m: print(m, file=sys.stderr, flush=True),
    )
    result["growth"] = growth(result)
    print(result)
