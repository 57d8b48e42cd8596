"""The API's response size limit: the CMA refuses to send an answer over 7 MB.

The real API answers a read whose response body would exceed 7,340,032 bytes with 400 BadRequest
``Response size too big. Maximum allowed response size: 7340032B.`` and no ``details`` [ISS
contentful-cli#46/#176 (2018/2019, "…7340032b"), contentful/apps#11283 (2026: the raw body, captured in
a browser, is ``{"sys":{"type":"Error","id":"BadRequest"},"message":"Response size too big. Maximum
allowed response size: 7340032B.","requestId":"<uuid>"}``); DOC technical limits "Response size 7 MB"].
Until 2018 the message also named the size (``Response size too big, was: 9294576b. …``); the emulator
answers the current wording.

Measured here on the JSON body as the emulator sends it. Applied to reads (GET) only: a write's answer
is about the size of its request, which the API caps at 1 MB (UNSURE whether it checks writes too).
``ResponseLimit`` holds the limit of one server; tests and ``reconcile emulator serve
--max-response-bytes`` lower it, so that a test need not build 7 MB of content.
"""

from __future__ import annotations

import threading

from reconcile.emulator.errors import CmaError

MAX_RESPONSE_BYTES = 7_340_032  # 7 MiB, the API's limit


def response_too_big(limit: int) -> CmaError:
    return CmaError(400, "BadRequest", f"Response size too big. Maximum allowed response size: {limit}B.")


class ResponseLimit:
    """The largest response body a server sends (bytes); thread-safe to change while serving."""

    def __init__(self, max_bytes: int = MAX_RESPONSE_BYTES) -> None:
        self._lock = threading.Lock()
        self.set(max_bytes)

    def set(self, max_bytes: int) -> None:
        if max_bytes < 1:
            raise ValueError(f"the response limit must be at least 1 byte, not {max_bytes}")
        with self._lock:
            self.max_bytes = max_bytes

    def refusal(self, method: str, size: int) -> CmaError | None:
        """The error answering a ``method`` response of ``size`` bytes instead, or None when it may go."""
        with self._lock:
            limit = self.max_bytes
        return response_too_big(limit) if method == "GET" and size > limit else None
