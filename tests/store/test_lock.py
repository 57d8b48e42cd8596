"""Tests of the advisory apply lock, with real processes racing for it and dying while holding it."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
from pathlib import Path

import pytest

from reconcile.errors import LockHeld
from reconcile.lock import ApplyLock, break_lock, lock_name, read_lock

CONTENDERS = 8


def _contend(path: str, barrier: object, results: object) -> None:
    barrier.wait()  # type: ignore[attr-defined]
    try:
        with ApplyLock(Path(path), "local", "apply"):
            results.put(("won", os.getpid()))  # type: ignore[attr-defined]
            barrier.wait()  # type: ignore[attr-defined]  # hold until every loser has tried
    except LockHeld as exc:
        results.put(("held", str(exc)))  # type: ignore[attr-defined]
        barrier.wait()  # type: ignore[attr-defined]


def _take_and_die(path: str) -> None:
    ApplyLock(Path(path), "local", "apply").__enter__()
    os._exit(0)  # killed mid-apply: the lock is never released


def test_processes_racing_exactly_one_wins(tmp_path: Path) -> None:
    path = tmp_path / ".reconcile" / "locks" / "local.lock"
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(CONTENDERS)
    results = ctx.Queue()
    procs = [ctx.Process(target=_contend, args=(str(path), barrier, results)) for _ in range(CONTENDERS)]
    for proc in procs:
        proc.start()
    outcomes = [results.get(timeout=30) for _ in procs]
    for proc in procs:
        proc.join(timeout=30)
        assert proc.exitcode == 0
    winners = [o for o in outcomes if o[0] == "won"]
    losers = [o for o in outcomes if o[0] == "held"]
    assert len(winners) == 1 and len(losers) == CONTENDERS - 1
    winner_pid = winners[0][1]
    for _, message in losers:
        # Either the full holder, or (caught while the winner was still writing) the "starting" notice.
        assert f"pid {winner_pid}" in message or "names no holder yet" in message
        assert "reconcile unlock --target local" in message
    assert not path.exists()  # released by the winner


def test_second_holder_gets_who_and_since_when(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "prod.lock"
    with ApplyLock(path, "prod", "apply"):
        holder = read_lock(path)
        assert holder is not None
        assert holder.pid == os.getpid() and holder.hostname == socket.gethostname()
        assert holder.command == "apply" and holder.target == "prod" and holder.time.endswith("Z")
        with pytest.raises(LockHeld) as info, ApplyLock(path, "prod", "revert"):
            pass
        message = str(info.value)
        assert f"locked by apply (pid {os.getpid()} on {socket.gethostname()}" in message
        assert f"since {holder.time}" in message
        assert "stale" not in message
        assert path.exists()  # the refused second holder did not remove the first one's lock
    assert not path.exists()


def test_lock_is_released_when_the_block_raises(tmp_path: Path) -> None:
    path = tmp_path / "local.lock"
    with pytest.raises(RuntimeError), ApplyLock(path, "local", "apply"):
        raise RuntimeError("step failed")
    assert not path.exists()


def test_dead_holder_is_reported_stale_and_can_be_broken(tmp_path: Path) -> None:
    path = tmp_path / "local.lock"
    proc = multiprocessing.get_context("fork").Process(target=_take_and_die, args=(str(path),))
    proc.start()
    proc.join(timeout=30)
    assert path.exists()
    with pytest.raises(LockHeld) as info, ApplyLock(path, "local", "apply"):
        pass
    message = str(info.value)
    assert "stale lock" in message and f"pid {proc.pid}" in message
    assert "reconcile unlock --target local" in message
    assert path.exists()  # refused, not taken over

    removed = break_lock(path)
    assert removed is not None and removed.pid == proc.pid
    assert break_lock(path) is None
    with ApplyLock(path, "local", "apply"):
        assert path.exists()


def test_a_holder_whose_lock_was_broken_does_not_remove_its_successor(tmp_path: Path) -> None:
    path = tmp_path / "local.lock"
    first = ApplyLock(path, "local", "apply")
    first.__enter__()
    break_lock(path)
    with ApplyLock(path, "local", "apply"):
        first.__exit__(None, None, None)
        assert path.exists()


def test_holder_on_another_host_is_never_called_stale(tmp_path: Path) -> None:
    path = tmp_path / "local.lock"
    path.write_text(
        json.dumps(
            {
                "pid": 2**22 + 12345,
                "hostname": "ci-runner-7",
                "user": "ci",
                "time": "2025-01-01T00:00:00Z",
                "command": "apply",
                "target": "local",
                "nonce": "x",
            }
        )
    )
    with pytest.raises(LockHeld) as info, ApplyLock(path, "local", "apply"):
        pass
    assert "stale" not in str(info.value) and "ci-runner-7" in str(info.value)


def test_empty_lock_file_is_held_by_an_unknown_starter(tmp_path: Path) -> None:
    path = tmp_path / "local.lock"
    path.write_text("")
    with pytest.raises(LockHeld) as info, ApplyLock(path, "local", "apply"):
        pass
    assert "names no holder yet" in str(info.value)


@pytest.mark.parametrize("same", [
    "https://api.contentful.com/", "HTTPS://API.Contentful.COM", "https://api.contentful.com:443",
    "https://api.contentful.com:443/",
])
def test_one_server_spelled_another_way_has_the_same_lock(same: str) -> None:
    """The lock is the environment's: a base URL naming the default port (or a trailing slash, another case)
    addresses the same server, so two targets spelling it differently must not each take a lock of their own."""
    assert lock_name(same, "space", "master") == lock_name("https://api.contentful.com", "space", "master")


def test_another_port_scheme_or_path_is_another_lock() -> None:
    base = lock_name("http://localhost:8080", "space", "master")
    for other in ("http://localhost:8081", "https://localhost:8080", "http://localhost:8080/proxy"):
        assert lock_name(other, "space", "master") != base
    assert lock_name("http://localhost:80", "space", "master") == lock_name("http://localhost", "space", "master")
