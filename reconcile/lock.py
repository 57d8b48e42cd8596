"""The advisory apply lock of one environment: two applies (or reverts) never interleave.

The lock is a file, ``<project>/.reconcile/locks/<host>_<space>_<environment>-<hash>.lock``, named after
the environment the run writes (the server, space and environment; a local target's data directory),
not after the target: two targets on one environment share it. It is created with ``O_CREAT | O_EXCL``
(atomic on a local filesystem: exactly one creator wins) and holding who took it: pid, host, user,
time, command and a random nonce. Releasing removes the file only while it still holds this holder's
nonce, so a holder whose lock was broken never removes its successor's.

A lock left by a process that died (SIGKILL, power loss) is not taken over silently: when its pid is
not running on this host it is reported as *stale*, still refused, and ``break_lock`` (``reconcile
unlock --target NAME``) removes it after a human has checked. The lock only serialises runs that share
this project folder on one machine; see ``docs/safety.md`` for what that means for CI.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
import secrets
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from .errors import LockHeld, ReconcileError

_DEFAULT_PORTS = {"https": 443, "http": 80}


def lock_name(server: str, space_id: str, environment: str) -> str:
    """The lock file's name of an environment: ``server`` is a base URL (compared by scheme, host and port, the
    scheme's default port when none is given, case-insensitively, and path) or a local data directory. Readable,
    and unique by a hash of the whole key."""
    url = urlsplit(server)
    port = url.port or _DEFAULT_PORTS.get(url.scheme.lower())
    where = f"{url.scheme.lower()}://{url.hostname}:{port}{url.path.rstrip('/')}" if url.netloc else server
    digest = hashlib.sha256("\0".join((where, space_id, environment)).encode("utf-8")).hexdigest()[:12]
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", f"{url.hostname or Path(server).name}_{space_id}_{environment}")
    return f"{readable[:80]}-{digest}.lock"


@dataclass(frozen=True)
class LockInfo:
    """What a lock file says about its holder (fields empty when the file is being written)."""

    pid: int | None
    hostname: str
    user: str
    time: str
    command: str
    target: str
    nonce: str

    @property
    def is_stale(self) -> bool:
        """True when the holder was on this host and its process no longer runs."""
        return self.pid is not None and self.hostname == socket.gethostname() and not _pid_alive(self.pid)


class ApplyLock:
    """``with ApplyLock(path, target, command):`` holds the target's lock for the block, or raises
    ``LockHeld`` naming the holder, since when, and how to break the lock."""

    def __init__(self, path: Path, target: str, command: str) -> None:
        self.path = path
        self.target = target
        self.command = command
        self._nonce = secrets.token_hex(8)

    def __enter__(self) -> ApplyLock:
        holder = {
            "pid": os.getpid(),
            "hostname": socket.gethostname(),
            "user": _user(),
            "time": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "command": self.command,
            "target": self.target,
            "nonce": self._nonce,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            raise self._held() from None
        except OSError as exc:
            raise ReconcileError(
                f"cannot create the apply lock {self.path}: {exc.strerror or exc}",
                hint="check the permissions of the project's .reconcile folder",
            ) from None
        try:
            os.write(fd, (json.dumps(holder) + "\n").encode("utf-8"))
            os.fsync(fd)
        except OSError as exc:
            self.path.unlink(missing_ok=True)
            raise ReconcileError(f"cannot write the apply lock {self.path}: {exc.strerror or exc}") from None
        except BaseException:  # an interrupt while writing it: no half-written lock is left behind
            self.path.unlink(missing_ok=True)
            raise
        finally:
            os.close(fd)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        current = read_lock(self.path)
        if current is not None and current.nonce == self._nonce:
            self.path.unlink(missing_ok=True)

    def _held(self) -> LockHeld:
        holder = read_lock(self.path)
        unlock = f"reconcile unlock --target {self.target}"
        locked = f"target {self.target!r}" + (
            f" shares its environment with target {holder.target!r}, which"
            if holder is not None and holder.target not in ("", self.target) else "")
        if holder is None or holder.pid is None:
            return LockHeld(
                f"{locked} is locked ({self.path} exists but names no holder yet)",
                hint=f"another run is starting; retry shortly, or if none is running: {unlock}",
            )
        who = f"{holder.command} (pid {holder.pid} on {holder.hostname}, user {holder.user}) since {holder.time}"
        if holder.is_stale:
            return LockHeld(
                f"{locked} has a stale lock: held by {who}, but that process is no longer "
                "running on this host",
                hint=f"check that no run is in progress, then remove it with: {unlock}",
            )
        return LockHeld(
            f"{locked} is locked by {who}",
            hint=f"wait for it to finish; if that process is gone (another machine?), run: {unlock}",
        )


def read_lock(path: Path) -> LockInfo | None:
    """The holder recorded in a lock file; None when there is no lock. A file still being written (or
    damaged) yields a ``LockInfo`` with no pid."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        data = {}
    if not isinstance(data, dict):
        data = {}
    pid = data.get("pid")
    return LockInfo(
        pid=pid if isinstance(pid, int) and not isinstance(pid, bool) and pid > 0 else None,
        **{key: str(data.get(key, "")) for key in ("hostname", "user", "time", "command", "target", "nonce")},
    )


def running_since(path: Path) -> datetime | None:
    """When the run holding the lock at ``path`` took it, if a live process other than this one holds it (a
    stale lock, one of this process or one naming no holder yet: None)."""
    holder = read_lock(path)
    if holder is None or holder.pid is None or holder.is_stale or (holder.pid, holder.hostname) == (
        os.getpid(), socket.gethostname()
    ):
        return None
    try:
        return datetime.fromisoformat(holder.time).astimezone(UTC)
    except ValueError:
        return None


def break_lock(path: Path) -> LockInfo | None:
    """Remove a lock whatever holds it; return what it said (None when there was none)."""
    holder = read_lock(path)
    path.unlink(missing_ok=True)
    return holder


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, owned by someone else
    return True


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"
