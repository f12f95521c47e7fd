"""A client that walks away from a stream: the emulator notices (http.disconnect) and stops writing to it.

A foreground stream's run stops with it (status `cancelled`); a background job keeps running and can still be
polled and resumed; and a server stopped right after an abandoned stream shuts down cleanly.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from typing import Any, Iterator

import httpx
import pytest

from emulator.config import EmulatorConfig
from emulator.faults import parse_fault
from emulator.server import EmulatorServer
from emulator.sse_response import EventStreamResponse

pytestmark = pytest.mark.timeout(60)

AUTH = {"api-key": "emulator-key"}
# Paced: 150 words at 20 ms each take ~3 s, far longer than these tests hold a stream open.
WORDS = 150
PACED = {"emulator_words": str(WORDS), "emulator_delay_ms": "20"}


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def problems(self) -> list[str]:
        out = []
        for record in self.records:
            text = record.getMessage() + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
            if record.levelno >= logging.ERROR or "CancelledError" in text:
                out.append(f"{record.name} {record.levelname}: {text[:300]}")
        return out


@pytest.fixture
def server() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig()) as emulator:
        yield emulator


def _abandon(
    server: EmulatorServer, *, background: bool, keep: int = 6, pacing: dict[str, str] = PACED
) -> list[dict[str, Any]]:
    """Start a paced stream, read `keep` events, then close the connection."""
    body = {"model": "gpt-4o", "input": "Tell a story.", "stream": True, "background": background, "metadata": pacing}
    events: list[dict[str, Any]] = []
    with httpx.Client(timeout=30) as client:
        with client.stream("POST", server.base_url + "responses", json=body, headers=AUTH) as reply:
            assert reply.status_code == 200
            for line in reply.iter_lines():
                if line.startswith("data:"):
                    events.append(json.loads(line[5:]))
                    if len(events) == keep:
                        break
    return events


def _get(server: EmulatorServer, response_id: str) -> dict[str, Any]:
    reply = httpx.get(f"{server.base_url}responses/{response_id}", headers=AUTH, timeout=10)
    reply.raise_for_status()
    return reply.json()  # type: ignore[no-any-return]


def _replay(server: EmulatorServer, response_id: str, starting_after: int) -> list[dict[str, Any]]:
    reply = httpx.get(
        f"{server.base_url}responses/{response_id}", headers=AUTH, timeout=30,
        params={"stream": "true", "starting_after": starting_after},
    )
    reply.raise_for_status()
    return [json.loads(line[5:]) for line in reply.text.splitlines() if line.startswith("data:")]


def _wait_until(predicate: Any, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_abandoned_foreground_stream_stops_its_run(server: EmulatorServer) -> None:
    events = _abandon(server, background=False)
    response_id = events[0]["response"]["id"]
    state = server.app.state.emulator
    # The run ends on its own once the server sees the disconnect; before, it kept producing to the end.
    _wait_until(lambda: _get(server, response_id)["status"] != "in_progress", "the run to stop")
    stopped = _get(server, response_id)
    assert stopped["status"] == "cancelled"
    assert state.jobs.get(response_id) is None  # its task is gone from the registry of running jobs
    # What it produced stays stored, far short of the words asked for, and ends without a terminal
    # event, like a cancelled background stream.
    stored = _replay(server, response_id, -1)
    deltas = [e for e in stored if e["type"] == "response.output_text.delta"]
    assert [e["sequence_number"] for e in stored] == list(range(len(stored)))
    assert 0 < len(deltas) < WORDS // 2
    assert stored[-1]["type"] not in ("response.completed", "response.incomplete", "response.failed")
    assert _get(server, response_id) == stopped  # nothing changes any more


def test_abandoned_background_stream_leaves_the_job_running(server: EmulatorServer) -> None:
    events = _abandon(server, background=True)
    response_id = events[0]["response"]["id"]
    run = server.app.state.emulator.jobs.get(response_id)
    assert run is not None
    # Only the follower stops: the job runs on, with nobody following it.
    _wait_until(lambda: run.following == 0, "the follower to leave")
    assert _get(server, response_id)["status"] == "in_progress"
    last = events[-1]["sequence_number"]
    rest = _replay(server, response_id, last)  # live-tails the running job to its end
    assert rest[0]["sequence_number"] == last + 1 and rest[-1]["type"] == "response.completed"
    final = _get(server, response_id)
    assert final["status"] == "completed"
    text = "".join(e["delta"] for e in events + rest if e["type"] == "response.output_text.delta")
    assert text == final["output"][0]["content"][0]["text"] and len(text.split()) >= WORDS


def test_a_resumed_follower_keeps_a_foreground_run_alive_until_it_leaves(server: EmulatorServer) -> None:
    body = {"model": "gpt-4o", "input": "Tell a story.", "stream": True, "metadata": PACED}
    with httpx.Client(timeout=30) as client:
        with client.stream("POST", server.base_url + "responses", json=body, headers=AUTH) as first:
            # Keep the line iterators referenced: a dropped one is closed, and closes its connection.
            first_lines = first.iter_lines()
            line = next(line for line in first_lines if line.startswith("data:"))
            response_id = json.loads(line[5:])["response"]["id"]
            with client.stream(
                "GET", f"{server.base_url}responses/{response_id}", headers=AUTH, params={"stream": "true"}
            ) as second:
                second_lines = second.iter_lines()
                next(line for line in second_lines if line.startswith("data:"))
                run = server.app.state.emulator.jobs.get(response_id)
                assert run is not None and run.following == 2
            # The resumed follower left; the original one is still connected, so the run goes on.
            _wait_until(lambda: run.following == 1, "the second follower to leave")
            assert _get(server, response_id)["status"] == "in_progress"
            assert next(line for line in first_lines if line.startswith("data:"))  # and it still streams
    _wait_until(lambda: _get(server, response_id)["status"] != "in_progress", "the run to stop")
    assert _get(server, response_id)["status"] == "cancelled"


def test_stopping_the_server_right_after_abandoned_streams_is_clean() -> None:
    collected = Collect()
    emulator = EmulatorServer(EmulatorConfig())
    # uvicorn configures its loggers when the server is built; "uvicorn" does not propagate to the root logger.
    watched = [logging.getLogger(name) for name in ("uvicorn", "asyncio", "emulator")]
    for logger in watched:
        logger.addHandler(collected)
    try:
        before = set(threading.enumerate())
        emulator.start()
        [thread] = [t for t in set(threading.enumerate()) - before if t.name == "emulator"]
        # Answers far longer than uvicorn's graceful-shutdown wait (5 s): a writer still going at shutdown
        # used to be cancelled after that wait, with a CancelledError traceback in the log.
        endless = {"emulator_words": "2000", "emulator_delay_ms": "20"}
        _abandon(emulator, background=False, pacing=endless)
        _abandon(emulator, background=True, pacing=endless)
        emulator.stop(timeout=30)
        thread.join(30)
        assert not thread.is_alive()
    finally:
        for logger in watched:
            logger.removeHandler(collected)
    assert collected.problems() == []


class Source:
    """A batch source like emulator.runner.Follower: `batches` batches of one event, then a long wait (a
    paced answer); records whether it was closed or told that the client is gone."""

    def __init__(self, batches: int) -> None:
        self.batches = batches
        self.closed = False
        self.gone = False

    def __aiter__(self) -> "Source":
        return self

    async def __anext__(self) -> list[dict[str, Any]]:
        if self.batches == 0:
            await asyncio.sleep(3600)  # the next event is far away
        self.batches -= 1
        return [{"type": "response.output_text.delta", "sequence_number": 0, "delta": "w "}]

    async def aclose(self) -> None:
        self.closed = True

    async def client_gone(self) -> None:
        self.gone = True


def _serve(source: Source, receive: Any, send: Any, fault: str | None = None) -> None:
    response = EventStreamResponse(source, fault=parse_fault(fault) if fault else None)
    asyncio.run(asyncio.wait_for(response({"type": "http"}, receive, send), 10))


def test_http_disconnect_stops_the_writer_and_tells_the_source() -> None:
    sent: list[dict[str, Any]] = []
    disconnect = asyncio.Event()

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message.get("body"):
            disconnect.set()  # the client leaves after the first event

    async def receive() -> dict[str, Any]:
        await disconnect.wait()
        return {"type": "http.disconnect"}

    source = Source(batches=1)
    _serve(source, receive, send)
    assert source.gone and [m["type"] for m in sent] == ["http.response.start", "http.response.body"]
    assert sent[-1]["more_body"] is True  # never finished: nobody is listening


def test_a_send_that_raises_oserror_counts_as_a_disconnect() -> None:
    async def send(message: dict[str, Any]) -> None:
        if message.get("body"):
            raise OSError("connection reset")

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    source = Source(batches=3)
    _serve(source, receive, send)
    assert source.gone


def test_a_cut_by_the_server_is_no_disconnect() -> None:
    async def send(message: dict[str, Any]) -> None:
        pass

    async def receive() -> dict[str, Any]:
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    source = Source(batches=3)
    _serve(source, receive, send, fault="cut_after=2")
    assert source.closed and not source.gone
