"""FileStore: file objects in Azure's shape, in memory or in SQLite (surviving a reopen)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from openai.types import FileObject

import emulator.file_store as file_store
from emulator.file_store import FileStore


def test_put_returns_the_documented_file_object() -> None:
    store = FileStore(None)
    meta = store.put("nucleus_sampling.pdf", "assistants", b"%PDF-1.4 data")
    FileObject.model_validate(meta)
    assert meta["id"].startswith("assistant-") and len(meta["id"]) == len("assistant-") + 22
    assert meta | {"id": "x", "created_at": 0} == {
        "id": "x",
        "bytes": 13,
        "created_at": 0,
        "expires_at": None,
        "filename": "nucleus_sampling.pdf",
        "object": "file",
        "purpose": "assistants",
        "status": "processed",
        "status_details": None,
    }
    assert store.get(meta["id"]) == meta and store.content(meta["id"]) == b"%PDF-1.4 data"


def test_other_purposes_get_file_ids() -> None:
    assert FileStore(None).put("batch.jsonl", "batch", b"{}")["id"].startswith("file-")


def test_delete_and_unknown_ids() -> None:
    store = FileStore(None)
    file_id = store.put("a.txt", "assistants", b"a")["id"]
    assert store.delete(file_id) is True
    assert store.delete(file_id) is False
    assert store.get(file_id) is None and store.content(file_id) is None


def test_list_filters_by_purpose_newest_first() -> None:
    store = FileStore(None)
    a = store.put("a.pdf", "assistants", b"a")["id"]
    b = store.put("b.jsonl", "batch", b"b")["id"]
    c = store.put("c.pdf", "assistants", b"c")["id"]
    assert [f["id"] for f in store.list()] == [c, b, a]
    assert [f["id"] for f in store.list("assistants")] == [c, a]


def test_sqlite_files_survive_a_reopen_and_share_the_database(tmp_path: Path) -> None:
    db = str(tmp_path / "emulator.db")
    with sqlite3.connect(db) as other:  # the core's store lives in the same file
        other.execute("CREATE TABLE responses (id TEXT PRIMARY KEY)")
    first = FileStore(db)
    meta = first.put("report.pdf", "assistants", bytes(range(256)))
    first.close()
    again = FileStore(db)
    assert again.get(meta["id"]) == meta and again.content(meta["id"]) == bytes(range(256))
    with sqlite3.connect(db) as other:
        tables = {r[0] for r in other.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"files", "responses"} <= tables


def test_concurrent_puts_from_threads(tmp_path: Path) -> None:
    store = FileStore(str(tmp_path / "db.sqlite"))
    ids: list[str] = []

    def work(n: int) -> None:
        for i in range(20):
            ids.append(store.put(f"{n}-{i}.txt", "assistants", b"x" * i)["id"])

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 80 and len(store.list()) == 80


def test_expiring_files_disappear(monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileStore(None)
    meta = store.put("a.pdf", "assistants", b"%PDF", expires_after=3600)
    assert meta["expires_at"] == meta["created_at"] + 3600 and store.get(meta["id"]) == meta
    later = meta["created_at"] + 3601
    monkeypatch.setattr(file_store.time, "time", lambda: later)
    assert store.get(meta["id"]) is None and store.content(meta["id"]) is None and store.list() == []
