"""EventStreamResponse: batches of ready events go out as one body message each, cut_after counts events."""

from __future__ import annotations

import asyncio
import json
from typing import Any, AsyncIterator

import pytest

from emulator.faults import parse_fault
from emulator.sse_response import EventStreamResponse

pytestmark = pytest.mark.timeout(30)


def _events(n: int) -> list[dict[str, Any]]:
    return [{"type": "response.output_text.delta", "sequence_number": i, "delta": f"w{i} "} for i in range(n)]


async def _batches(sizes: list[int]) -> AsyncIterator[list[dict[str, Any]]]:
    events = _events(sum(sizes))
    for size in sizes:
        yield events[:size]
        events = events[size:]


def _write(sizes: list[int], fault: str | None = None) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        messages.append(message)

    async def receive() -> dict[str, Any]:
        raise AssertionError("the writer never reads")

    response = EventStreamResponse(_batches(sizes), fault=parse_fault(fault) if fault else None)
    asyncio.run(response({"type": "http"}, receive, send))
    return messages


def _sequence_numbers(messages: list[dict[str, Any]]) -> list[int]:
    body = b"".join(m.get("body", b"") for m in messages[1:]).decode()
    return [json.loads(line[5:])["sequence_number"] for line in body.splitlines() if line.startswith("data:")]


def test_each_batch_is_one_body_message_and_the_stream_ends() -> None:
    messages = _write([3, 1, 2])
    assert messages[0]["type"] == "http.response.start"
    bodies = messages[1:]
    assert [b["body"].count(b"\n\n") for b in bodies] == [3, 1, 2, 0]
    assert bodies[-1] == {"type": "http.response.body", "body": b"", "more_body": False}
    assert _sequence_numbers(messages) == [0, 1, 2, 3, 4, 5]
    assert bodies[0]["body"].startswith(b"event: response.output_text.delta\ndata: {")


@pytest.mark.parametrize("sizes,cut,sent,finished", [
    ([6], 4, 4, False),  # the cut falls inside a batch
    ([3, 3], 3, 3, False),  # ... at a batch boundary, with an event after it
    ([3, 3], 6, 6, True),  # no event past the cut: the stream ends normally
    ([2, 2], 0, 0, False),
])
def test_cut_after_counts_events_not_writes(sizes: list[int], cut: int, sent: int, finished: bool) -> None:
    messages = _write(sizes, f"cut_after={cut}")
    assert _sequence_numbers(messages) == list(range(sent))
    assert (messages[-1].get("more_body") is False) == finished


def test_malformed_line_comes_first() -> None:
    messages = _write([2], "malformed_sse")
    assert messages[1]["body"].startswith(b"data: {this is not json")
    assert _sequence_numbers(messages[:1] + messages[2:]) == [0, 1]
