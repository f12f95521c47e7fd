"""Stored responses, their input items, and their streamed events (for resume).

Two interchangeable back ends: `MemoryStore` (default; lost on exit) and `SqliteStore` (`--db PATH`;
survives restart). A record is one of two kinds: `response` (a Response object, retrievable) or
`compaction` (the body of POST /responses/compact: not retrievable with GET, but usable as
`previous_response_id`, as the seed's Java example does).

Restart rule: a background job that was still `queued` or `in_progress` when the emulator stopped cannot
continue (its task died with the process), so `recover()` at start-up marks it **failed** with error
code `server_error` ("interrupted by an emulator restart") and appends a terminal `response.failed`
event, so a resumed stream ends cleanly. `incomplete` would be wrong: the spec reserves
`incomplete_details.reason` for token limits and content filters.

Both back ends store copies: `get` and `events_after` return new objects each call, so a caller may change
what it got without changing the store, and a later change to a saved object is not stored until it is saved
again. `MemoryStore` keeps each record as frozen JSON text (emulator.json_codec.freeze), not live dicts: an
emulator holding tens of thousands of responses as dicts spent a tenth of its CPU in the garbage collector
re-scanning them.

All methods are synchronous and thread-safe; SQLite calls are short, so the event loop calls them
directly.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

from emulator.json_codec import dumps, freeze, thaw

RUNNING = ("queued", "in_progress")
INTERRUPTED_ERROR = {
    "code": "server_error",
    "message": "The response was interrupted by an emulator restart before it finished; create it again.",
}


@dataclass
class StoredResponse:
    id: str
    response: dict[str, Any]
    input_items: list[dict[str, Any]] = field(default_factory=list)
    streamed: bool = False
    kind: str = "response"  # or "compaction"

    @property
    def previous_response_id(self) -> str | None:
        return self.response.get("previous_response_id")


class Store(Protocol):
    def save(self, record: StoredResponse) -> None: ...
    def get(self, response_id: str) -> StoredResponse | None: ...
    def delete(self, response_id: str) -> bool: ...
    def add_event(self, response_id: str, event: dict[str, Any]) -> None: ...
    def events_after(self, response_id: str, after: int) -> list[dict[str, Any]]: ...
    def recover(self) -> list[str]: ...
    def close(self) -> None: ...


def interrupted(response: dict[str, Any]) -> dict[str, Any]:
    return {**response, "status": "failed", "error": dict(INTERRUPTED_ERROR)}


def failed_event(response: dict[str, Any], sequence_number: int) -> dict[str, Any]:
    return {"type": "response.failed", "sequence_number": sequence_number, "response": response}


# A stored record in memory: kind, streamed, then the frozen response and input items.
_Frozen = tuple[str, bool, "str | bytes", "str | bytes"]


class MemoryStore:
    def __init__(self) -> None:
        self._records: dict[str, _Frozen] = {}
        self._events: dict[str, list[tuple[int, str | bytes]]] = {}  # (sequence_number, frozen event)
        self._lock = threading.Lock()

    def save(self, record: StoredResponse) -> None:
        frozen = (record.kind, record.streamed, freeze(record.response), freeze(record.input_items))
        with self._lock:
            self._records[record.id] = frozen

    def get(self, response_id: str) -> StoredResponse | None:
        with self._lock:
            frozen = self._records.get(response_id)
        if frozen is None:
            return None
        kind, streamed, response, items = frozen
        return StoredResponse(response_id, thaw(response), thaw(items), streamed, kind)

    def delete(self, response_id: str) -> bool:
        with self._lock:
            self._events.pop(response_id, None)
            return self._records.pop(response_id, None) is not None

    def add_event(self, response_id: str, event: dict[str, Any]) -> None:
        frozen = (event["sequence_number"], freeze(event))
        with self._lock:
            self._events.setdefault(response_id, []).append(frozen)

    def events_after(self, response_id: str, after: int) -> list[dict[str, Any]]:
        with self._lock:
            events = list(self._events.get(response_id, []))
        return [thaw(event) for sequence_number, event in events if sequence_number > after]

    def recover(self) -> list[str]:
        return []  # nothing survives a restart in memory

    def close(self) -> None:
        pass


_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT,
    streamed INTEGER NOT NULL,
    body TEXT NOT NULL,
    input_items TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    response_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (response_id, seq)
);
"""


class SqliteStore:
    def __init__(self, path: str) -> None:
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def save(self, record: StoredResponse) -> None:
        row = (
            record.id, record.kind, record.response.get("status"), int(record.streamed),
            dumps(record.response).decode(),
            dumps(record.input_items).decode(),
        )
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)", row)

    def get(self, response_id: str) -> StoredResponse | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT kind, streamed, body, input_items FROM responses WHERE id = ?", (response_id,)
            ).fetchone()
        if row is None:
            return None
        kind, streamed, body, items = row
        return StoredResponse(response_id, json.loads(body), json.loads(items), bool(streamed), kind)

    def delete(self, response_id: str) -> bool:
        with self._lock:
            self._conn.execute("DELETE FROM events WHERE response_id = ?", (response_id,))
            return self._conn.execute("DELETE FROM responses WHERE id = ?", (response_id,)).rowcount > 0

    def add_event(self, response_id: str, event: dict[str, Any]) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO events VALUES (?, ?, ?)",
                (response_id, event["sequence_number"], dumps(event).decode()),
            )

    def events_after(self, response_id: str, after: int) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT body FROM events WHERE response_id = ? AND seq > ? ORDER BY seq", (response_id, after)
            ).fetchall()
        return [json.loads(body) for (body,) in rows]

    def recover(self) -> list[str]:
        with self._lock:
            ids = [r[0] for r in self._conn.execute(
                "SELECT id FROM responses WHERE kind = 'response' AND status IN (?, ?)", RUNNING
            ).fetchall()]
        for response_id in ids:
            record = self.get(response_id)
            assert record is not None
            record.response = interrupted(record.response)
            self.save(record)
            if record.streamed:
                last = self.events_after(response_id, -1)
                self.add_event(response_id, failed_event(record.response, len(last)))
        return ids

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def open_store(db_path: str | None) -> Store:
    return SqliteStore(db_path) if db_path else MemoryStore()
