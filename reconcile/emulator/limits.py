"""The API's response size limit: the CMA refuses to send an answer over 7 MB.

The real API answers a read whose response body would exceed 7,340,032 bytes with 400 BadRequest
``Response size too big. Maximum allowed response size: 7340032B.`` and no ``details`` [ISS
contentful-cli#46/#176 (2018/2019, "…7340032b"), contentful/apps#11283 (2026: the raw body, captured in
a browser, is ``{"sys":{"type":"Error","id":"BadRequest"},"message":"Response size too big. Maximum
allowed response size: 7340032B.","requestId":"<uuid>"}``); DOC technical limits "Response size 7 MB"].
Until 2018 the message also named the size (``Response size too big, was: 9294576b. …``); the emulator
answers the current wording.

Measured on the body written compact, without the space after each ``,`` and ``:`` that the emulator
sends (``json.dumps``' separators; listing.py ``compact_length``). Sure: every answer recorded from 2023 on
(content types, entries, the editor interface list; shared/cma-recordings, contentful-management.py
fixtures) is compact JSON whose Content-Length is its length; recordings up to 2022 are indented
(``"key":value`` or ``"key": value``, two spaces a level), and the space and environment answers of
2023 still are. UNSURE: whether the API measures those bytes, or the body before it is written (a
serialiser's size estimate, or with the indentation of its older answers); compact JSON is the smallest
of these, so the emulator refuses no answer the API sends. At 1,000 content types of 50 fields the
difference does not decide: the benchmark's list is 8,256,181 bytes as sent and about 7.49 MB compact,
over the limit either way. Applied to reads (GET) only: a write's answer is about the size of its
request, which the API caps at 1 MB (UNSURE whether it checks writes too).
``ResponseLimit`` holds the limit of one server; tests and ``reconcile emulator serve
--max-response-bytes`` lower it, so that a test need not build 7 MB of content.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

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

    def refusal(self, method: str, size: int, compact_size: Callable[[], int]) -> CmaError | None:
        """The error answering a ``method`` response instead, or None when it may go: its body is ``size``
        bytes as sent, ``compact_size()`` written compact (never more; measured only when ``size`` is over)."""
        with self._lock:
            limit = self.max_bytes
        if method != "GET" or size <= limit:
            return None
        return response_too_big(limit) if compact_size() > limit else None
