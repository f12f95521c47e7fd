"""A bounded in-memory log of recent requests, readable at GET /_emulator/requests.

It lets client tests prove what was sent (e.g. that a refreshed Entra token was used) without ever
exposing a credential: each entry carries only a sha256 prefix of it.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import deque
from typing import Any


def fingerprint(credential: str) -> str:
    return "sha256:" + hashlib.sha256(credential.encode("utf-8")).hexdigest()[:16]


class RequestLog:
    def __init__(self, size: int) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append({"time": time.time(), **entry})

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
