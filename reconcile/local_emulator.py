"""The local target's emulator in a child process (``reconcile.emulator.child``).

The tool and the emulator then run on separate cores, and the tool's process does not hold the space.
The child:

- reports its ephemeral 127.0.0.1 port on a pipe once it listens (or why it cannot start: one
  ``ReconcileError``, never a traceback);
- dies with the tool in every case: it serves until its stdin, a pipe only this process writes, reaches
  its end, which the kernel brings about when this process exits, however it exits (even ``kill -KILL``);
- runs in its own session, so that the terminal's Ctrl-C reaches the tool alone: the tool still needs the
  emulator to roll back after an interrupt;
- gets the token on that pipe, never on its command line.

Should the child stop by itself (killed, out of memory), a request that cannot reach it says so
(``LocalServer.stopped``, which the target's ``Backend`` asks on a failed connection), and the command
ends with one error naming it rather than the HTTP library's connection error.
"""

from __future__ import annotations

import json
import os
import signal
import site
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import reconcile
from reconcile.errors import ReconcileError

HOST = "127.0.0.1"
# -P: the working directory (the user's project) is not put on the child's path, where a file of the
# project could shadow a module.
CHILD = [sys.executable, "-P", "-m", "reconcile.emulator.child"]
# Seconds the child waits for the lock of the data directory (a server of a command that just ended may
# still be closing), and this process for the child to close after its stdin ends.
LOCK_WAIT = 5.0
STOP_WAIT = 60.0
# Seconds a request that could not connect waits for the child to be seen gone: a killed process closes its
# socket a moment before it can be reaped.
EXIT_WAIT = 1.0
WAITING = json.dumps({"waiting": True}).encode()  # the child's line before it waits for the data's lock


@dataclass
class LocalServer:
    """The running child: its base URL, and whether a request found it stopped."""

    url: str
    process: subprocess.Popen[bytes]
    name: str = "the local target's server"
    found_stopped: bool = False

    def stopped(self) -> str | None:
        """Why the child is gone, for a request that could not reach it; None while it runs."""
        try:
            code = self.process.wait(EXIT_WAIT)
        except subprocess.TimeoutExpired:
            return None
        self.found_stopped = True
        how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"it exited with code {code}"
        return f"{self.name} stopped during the command ({how})"

    def error(self) -> ReconcileError:
        return ReconcileError(
            str(self.stopped()),
            hint="each write it answered is kept; run the command again (an apply or revert it cut short could not "
            "roll back: the lines above name the snapshot that `reconcile revert` restores)",
        )


@contextmanager
def local_emulator(
    data_dir: Path | None, space: str, token: str, name: str = "the local target's server"
) -> Iterator[LocalServer]:
    """Run the emulator in a child process for the duration of the block; yield it (its base URL). With
    ``data_dir`` None, the child keeps the space in memory. If a request found the child stopped, the block
    ends with that error (``LocalServer.error``), whatever it raised or returned. ``name`` it in messages."""
    process = subprocess.Popen(
        CHILD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=_child_env(), start_new_session=True
    )
    try:
        assert process.stdin is not None and process.stdout is not None  # both are pipes
        config = {"data": None if data_dir is None else str(data_dir), "spaces": [space], "token": token,
                  "lock_wait": LOCK_WAIT}
        _send(process.stdin, config)
        port = _port(_report(process.stdout, data_dir), data_dir, process, name)
        server = LocalServer(f"http://{HOST}:{port}", process, name)
        try:
            yield server
        except Exception as error:
            if server.found_stopped:
                raise server.error() from error
            raise
        if server.found_stopped:
            raise server.error()
    finally:
        _stop(process)


def _child_env() -> dict[str, str]:
    """This environment; when this ``reconcile`` package was not imported from a site directory (a source
    checkout on PYTHONPATH), that directory first on the child's path: the child runs the same code."""
    root = str(Path(reconcile.__file__).resolve().parents[1])
    if root in {str(Path(p).resolve()) for p in site.getsitepackages()}:
        return dict(os.environ)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}


def _send(stdin: IO[bytes], config: Mapping[str, object]) -> None:
    try:
        stdin.write(json.dumps(config).encode() + b"\n")
        stdin.flush()
    except BrokenPipeError:  # the child died at once; _port says so
        pass


def _report(stdout: IO[bytes], data_dir: Path | None) -> bytes:
    """The child's report line. Before it, the child may say that another server holds the data directory
    (another command on this target, ending or not) and that it waits for it: say so on stderr, once."""
    line = stdout.readline()
    if line.strip() == WAITING:
        sys.stderr.write(f"Waiting for another command on the local target to end (its data {data_dir} is in use; "
                         f"up to {LOCK_WAIT:g} s)...\n")
        sys.stderr.flush()
        line = stdout.readline()
    return line


def _port(line: bytes, data_dir: Path | None, process: subprocess.Popen[bytes], name: str) -> int:
    """The port the child reported on ``line``, or the error that stopped it."""
    try:
        report = json.loads(line) if line.strip() else {}
    except ValueError:
        report = {"error": "failed", "detail": line.decode(errors="replace").strip()}
    if isinstance(report.get("port"), int):
        return int(report["port"])
    kind, detail = report.get("error"), report.get("detail")
    if kind == "unreadable":
        raise ReconcileError(
            f"the local target's data in {data_dir} cannot be read ({detail})",
            hint=f"move {data_dir} aside: the local target then starts empty (snapshots are kept elsewhere)",
        )
    if kind == "in_use":
        raise ReconcileError(
            f"the local target's data in {data_dir} is in use by another process (a `reconcile emulator serve`, "
            "or another command on this target)",
            hint="stop that server, or wait for that command to end, then run this command again",
        )
    why = detail or f"it exited with code {process.wait()}"
    serve = "reconcile emulator serve" + ("" if data_dir is None else f" --data {data_dir}")
    raise ReconcileError(
        f"{name} did not start: {why}",
        hint=f"run `{serve}` (CONTENTFUL_MANAGEMENT_TOKEN set) to see why it cannot start",
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    """End the child: close its stdin and wait for it to close its store; kill it if it does not."""
    try:
        if process.stdin is not None:
            process.stdin.close()
    except OSError:
        pass
    try:
        process.wait(STOP_WAIT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    finally:
        if process.stdout is not None:
            process.stdout.close()
