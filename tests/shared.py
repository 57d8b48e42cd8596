"""Where the material shared beside the repository lives: ``../shared``, recorded real CMA traffic.

It is found from the repository root, never from a path of one machine, so the suite runs in any clone;
in a clone without ``../shared`` beside it, only the tests that read the recordings are skipped, with
``MISSING_REASON`` (mark them ``needs_recordings``, or skip the module on ``RECORDINGS.is_dir()``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
RECORDINGS = SHARED / "cma-recordings"
MISSING_REASON = f"recorded CMA traffic not found at {RECORDINGS} (the shared material next to the repository)"

needs_recordings = pytest.mark.skipif(not RECORDINGS.is_dir(), reason=MISSING_REASON)
