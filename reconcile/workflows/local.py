"""Commands that need no target: the JSON Schemas of the model files, and the local emulator server."""

from __future__ import annotations

import os
import socket
import sqlite3
import ssl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from reconcile import declared
from reconcile.errors import ReconcileError


def write_schemas(directory: Path) -> list[Path]:
    """Write the JSON Schemas of the model files into ``directory`` (``reconcile schema``)."""
    return declared.write_schemas(directory)


def serve_emulator(
    port: int, data_dir: Path, spaces: Sequence[str], token: str, rate_limit: float | None, users: Sequence[str] = (),
    *, max_environments: int | None = None, master_alias: str | None = None, ready: Callable[[], None] = lambda: None,
    max_response_bytes: int | None = None, tls: tuple[Path, Path] | None = None,
) -> None:
    """Run the Contentful-compatible server on 127.0.0.1 until interrupted (``reconcile emulator serve``);
    ``users``: ``TOKEN=NAME,EMAIL`` (``--user``), further tokens each stamping writes with its own user;
    ``ready`` is called once the port is bound; ``max_response_bytes``: the largest read answer (None: the
    API's 7 MB); ``tls``: (certificate, key) PEM files to serve https (``--tls-cert``, ``--tls-key``)."""
    from reconcile.emulator import MAX_RESPONSE_BYTES, TokenUser, serve  # loaded only for this command

    tls_files = _tls_files(tls)

    token_users = []
    for number, spec in enumerate(users, 1):
        try:
            token_users.append(TokenUser.parse(spec))
        except ValueError as exc:  # the message never quotes the value: it holds a token
            raise ReconcileError(
                f"--user value {number} is not TOKEN=NAME,EMAIL: {exc}",
                hint='give each user as --user "TOKEN=First Last,email@example.com"',
            ) from None
    try:  # a port in use is one clear error, before the data directory is opened
        socket.create_server(("127.0.0.1", port)).close()
    except OSError as exc:
        raise ReconcileError(
            f"cannot serve on 127.0.0.1:{port}: {os.strerror(exc.errno) if exc.errno else exc}",
            hint="stop the program using that port (another `reconcile emulator serve`?) or pass another --port",
        ) from None
    serving = False

    def now_serving() -> None:
        nonlocal serving
        serving = True
        ready()

    try:
        with _only_server_of(data_dir):
            serve(port, data_dir, spaces, token, rate_limit, token_users,
                  max_environments=max_environments, master_alias=master_alias, ready=now_serving,
                  max_response_bytes=max_response_bytes or MAX_RESPONSE_BYTES, tls=tls_files)  # fmt: skip
    except (OSError, sqlite3.DatabaseError, ValueError) as exc:
        if serving:
            raise
        # --data is a file, or a damaged store.sqlite3, or a state.json to migrate that is not JSON
        reason = "it is a file, not a directory" if data_dir.exists() and not data_dir.is_dir() else (
            getattr(exc, "strerror", None) or exc)
        raise ReconcileError(
            f"the data directory {data_dir} cannot be opened ({reason})",
            hint="give --data a directory this user can write; move a damaged one aside (the server then starts "
            "empty)",
        ) from None


def _tls_files(tls: tuple[Path, Path] | None) -> tuple[str, str] | None:
    """The certificate and key files as ``serve`` takes them, each checked readable, then loaded once here: an
    unusable pair is one error before anything is opened, and an encrypted key is refused instead of OpenSSL
    asking for its pass phrase on the terminal (a server started in the background would wait there)."""
    if tls is None:
        return None
    for option, path in zip(("--tls-cert", "--tls-key"), tls, strict=True):
        if not path.is_file() or not os.access(path, os.R_OK):
            raise ReconcileError(f"{option} {path} is not a readable file",
                                 hint=f"give {option} the path of a PEM file this user can read")

    def encrypted() -> str:
        raise ReconcileError(f"--tls-key {tls[1]} is encrypted (it needs a pass phrase)",
                             hint=f"write it unencrypted: openssl pkey -in {tls[1]} -out key.pem, and give that")

    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER).load_cert_chain(tls[0], tls[1], password=encrypted)
    except ssl.SSLError as exc:
        raise ReconcileError(f"the TLS certificate or key cannot be used ({exc.reason or exc})",
                             hint="give --tls-cert and --tls-key the PEM files of one certificate and its "
                             "private key (unencrypted)") from None
    return str(tls[0]), str(tls[1])


@contextmanager
def _only_server_of(data_dir: Path) -> Iterator[None]:
    """Hold the data directory's lock while serving (``reconcile.emulator.child.hold_data_dir``)."""
    from reconcile.emulator.child import DataDirInUse, hold_data_dir

    try:
        with hold_data_dir(data_dir):
            yield
    except DataDirInUse:
        raise ReconcileError(
            f"the data directory {data_dir} is in use by another `reconcile emulator serve`, or by a command on the "
            "local target whose data it is",
            hint="stop that server first, or wait for that command to end, or give this one another --data",
        ) from None
