"""SQLite store: stored responses, finished background jobs and streamed events survive a restart; a job
running at shutdown (or found running after a crash) comes back failed."""

from __future__ import annotations

from pathlib import Path

import openai
import pytest

from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer
from emulator.store import SqliteStore, StoredResponse

from .conftest import Recorder, make_client

pytestmark = pytest.mark.timeout(60)


def _wait(client: openai.OpenAI, response_id: str) -> str:
    status = "queued"
    while status in ("queued", "in_progress"):
        status = str(client.responses.retrieve(response_id).status)
    return status


def test_restart_with_same_db_keeps_responses_jobs_and_events(tmp_path: Path, recorded: Recorder) -> None:
    db = str(tmp_path / "emulator.db")
    with EmulatorServer(EmulatorConfig(db_path=db)) as first:
        client = make_client(first, recorded)
        plain = client.responses.create(model="gpt-4o", input="Persist the word marmot.")
        job = client.responses.create(model="gpt-4o", input="background job", background=True)
        assert _wait(client, job.id) == "completed"
        streamed = list(client.responses.create(model="gpt-4o", input="streamed", stream=True))
        running = client.responses.create(
            model="gpt-4o", input="still running", background=True,
            metadata={"emulator_delay_ms": "50", "emulator_words": "400"},
        )
        gone = client.responses.create(model="gpt-4o", input="deleted")
        client.responses.delete(gone.id)
        hidden = client.responses.create(model="gpt-4o", input="not stored", store=False)
    with EmulatorServer(EmulatorConfig(db_path=db)) as second:
        client = make_client(second, recorded)
        assert client.responses.retrieve(plain.id).output_text == plain.output_text
        items = client.responses.input_items.list(plain.id).data
        assert [i.content[0].text for i in items] == ["Persist the word marmot."]  # type: ignore[union-attr]
        assert client.responses.retrieve(job.id).status == "completed"
        replay = list(client.responses.retrieve(streamed[0].response.id, stream=True))
        assert [e.model_dump() for e in replay] == [e.model_dump() for e in streamed]
        interrupted = client.responses.retrieve(running.id)
        assert interrupted.status == "failed"
        assert interrupted.error is not None and interrupted.error.code == "server_error"
        follow_up = client.responses.create(model="gpt-4o", previous_response_id=plain.id, input="Which word?")
        assert '"Persist the word marmot."' in follow_up.output_text
        for missing in (gone.id, hidden.id):
            with pytest.raises(openai.NotFoundError):
                client.responses.retrieve(missing)


def test_recover_marks_jobs_found_running_failed_and_ends_their_stream(tmp_path: Path) -> None:
    db = str(tmp_path / "crash.db")
    store = SqliteStore(db)
    response = {"id": "resp_crash", "object": "response", "status": "in_progress", "output": [], "model": "m"}
    store.save(StoredResponse("resp_crash", response, [], streamed=True))
    store.add_event("resp_crash", {"type": "response.created", "sequence_number": 0, "response": response})
    store.close()  # a crash: no shutdown hook ran
    reopened = SqliteStore(db)
    assert reopened.recover() == ["resp_crash"]
    record = reopened.get("resp_crash")
    assert record is not None and record.response["status"] == "failed"
    events = reopened.events_after("resp_crash", -1)
    assert [e["type"] for e in events] == ["response.created", "response.failed"]
    assert events[-1]["sequence_number"] == 1
    assert reopened.recover() == []
    reopened.close()


def test_a_stream_interrupted_by_shutdown_replays_to_a_terminal_event(tmp_path: Path, recorded: Recorder) -> None:
    db = str(tmp_path / "shutdown.db")
    with EmulatorServer(EmulatorConfig(db_path=db)) as first:
        client = make_client(first, recorded)
        stream = client.responses.create(
            model="gpt-4o", input="Write me a very long story.", background=True, stream=True,
            metadata={"emulator_delay_ms": "50"},
        )
        seen = []
        for event in stream:
            seen.append(event)
            if event.type == "response.output_text.delta" and len(seen) >= 6:
                break
        response_id = seen[0].response.id
        stream.close()
    with EmulatorServer(EmulatorConfig(db_path=db)) as second:
        client = make_client(second, recorded)
        assert client.responses.retrieve(response_id).status == "failed"
        replay = [e.type for e in client.responses.retrieve(response_id, stream=True, starting_after=3)]
    assert replay[-2:] == ["error", "response.failed"]
