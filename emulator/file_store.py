"""Uploaded files: in memory, or a `files` table in the SQLite database the response store uses."""

from __future__ import annotations

import json
import secrets
import sqlite3
import string
import threading
import time

_ALPHABET = string.ascii_letters + string.digits


def new_file_id(purpose: str) -> str:
    """Azure names `assistants` uploads `assistant-<22 chars>` and other purposes `file-<32 hex>`."""
    if purpose == "assistants":
        return "assistant-" + "".join(secrets.choice(_ALPHABET) for _ in range(22))
    return "file-" + secrets.token_hex(16)


class FileStore:
    """Thread-safe file objects plus their bytes. `db_path=None` keeps everything in memory."""

    def __init__(self, db_path: str | None) -> None:
        self._lock = threading.Lock()
        # One connection shared by the server's threads; the lock serialises its use.
        self._db = sqlite3.connect(db_path or ":memory:", check_same_thread=False)
        if db_path:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS files (id TEXT PRIMARY KEY, meta TEXT NOT NULL, data BLOB NOT NULL,"
            " created_at INTEGER NOT NULL)"
        )
        self._db.commit()

    def put(self, filename: str, purpose: str, data: bytes, expires_after: int | None = None) -> dict:
        """Store a file; `expires_after` seconds (from creation) makes it disappear after that time."""
        created_at = int(time.time())
        meta = {
            "id": new_file_id(purpose),
            "bytes": len(data),
            "created_at": created_at,
            "expires_at": created_at + expires_after if expires_after is not None else None,
            "filename": filename,
            "object": "file",
            "purpose": purpose,
            "status": "processed",
            "status_details": None,
        }
        with self._lock:
            self._db.execute(
                "INSERT INTO files (id, meta, data, created_at) VALUES (?, ?, ?, ?)",
                (meta["id"], json.dumps(meta), sqlite3.Binary(data), meta["created_at"]),
            )
            self._db.commit()
        return dict(meta)

    def get(self, file_id: str) -> dict | None:
        with self._lock:
            row = self._db.execute("SELECT meta FROM files WHERE id = ?", (file_id,)).fetchone()
        meta = json.loads(row[0]) if row else None
        return meta if meta and not _expired(meta) else None

    def content(self, file_id: str) -> bytes | None:
        if self.get(file_id) is None:
            return None
        with self._lock:
            row = self._db.execute("SELECT data FROM files WHERE id = ?", (file_id,)).fetchone()
        return bytes(row[0]) if row else None

    def delete(self, file_id: str) -> bool:
        with self._lock:
            cur = self._db.execute("DELETE FROM files WHERE id = ?", (file_id,))
            self._db.commit()
        return cur.rowcount > 0

    def list(self, purpose: str | None = None) -> list[dict]:
        """Newest first, like the service."""
        with self._lock:
            rows = self._db.execute("SELECT meta FROM files ORDER BY created_at DESC, rowid DESC").fetchall()
        metas = [json.loads(r[0]) for r in rows]
        return [m for m in metas if (purpose is None or m["purpose"] == purpose) and not _expired(m)]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _expired(meta: dict) -> bool:
    return meta.get("expires_at") is not None and meta["expires_at"] <= time.time()
