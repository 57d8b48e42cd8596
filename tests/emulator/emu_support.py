"""Helpers shared by the emulator tests (imported as ``emu_support``; pytest puts this folder on sys.path)."""

from __future__ import annotations

import json
from typing import Any

import requests

from tests.shared import RECORDINGS

TOKEN = "local-token"
SPACE = "local"


class Http:
    """Raw HTTP against the emulator with the right token and content type."""

    def __init__(self, base_url: str, env: str = "master") -> None:
        self.base_url = base_url
        self.env_path = f"/spaces/{SPACE}/environments/{env}"

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        version: int | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        all_headers = {
            "Authorization": f"Bearer {TOKEN}",
            "Content-Type": "application/vnd.contentful.management.v1+json",
        }
        if version is not None:
            all_headers["X-Contentful-Version"] = str(version)
        all_headers.update(headers or {})
        url = self.base_url + (path if path.startswith("/spaces") else self.env_path + path)
        data = None if body is None else json.dumps(body)
        return requests.request(method, url, data=data, headers=all_headers, timeout=10, **kwargs)


def load_recording(relative: str) -> list[dict[str, Any]]:
    return json.loads((RECORDINGS / relative).read_text())
