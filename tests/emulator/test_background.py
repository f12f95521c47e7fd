"""Background jobs: queued at once, polled to completion, cancelled idempotently, streamed and resumed."""

from __future__ import annotations

import time

import openai
import pytest

pytestmark = pytest.mark.timeout(60)

SLOW = {"emulator_delay_ms": "10", "emulator_words": "120"}  # ~1.2 s of generation


def _poll(client: openai.OpenAI, response_id: str) -> tuple[list[str], openai.types.responses.Response]:
    seen: list[str] = []
    while True:
        current = client.responses.retrieve(response_id)
        if not seen or seen[-1] != current.status:
            seen.append(str(current.status))
        if current.status not in ("queued", "in_progress"):
            return seen, current
        time.sleep(0.05)


def test_background_returns_queued_then_completes(client: openai.OpenAI) -> None:
    response = client.responses.create(model="o3", input="Write me a story.", background=True, metadata=SLOW)
    assert response.status == "queued" and response.background is True and response.output == []
    seen, final = _poll(client, response.id)
    assert "in_progress" in seen and seen[-1] == "completed"
    assert len(final.output_text.split()) == 120
    assert final.usage is not None and final.usage.total_tokens == final.usage.input_tokens + final.usage.output_tokens


def test_very_long_story_runs_in_background(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4o", input="Write me a very long story.", background=True, metadata={"emulator_delay_ms": "0"}
    )
    assert response.status == "queued"
    _, final = _poll(client, response.id)
    assert final.status == "completed" and len(final.output_text.split()) == 1000


def test_cancel_is_idempotent_and_returns_the_final_object(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4o", input="long job", background=True, metadata={"emulator_delay_ms": "20", "emulator_words": "500"}
    )
    cancelled = client.responses.cancel(response.id)
    assert cancelled.id == response.id and cancelled.status == "cancelled"
    again = client.responses.cancel(response.id)
    assert again.status == "cancelled" and again.output == cancelled.output
    assert client.responses.retrieve(response.id).status == "cancelled"


def test_cancel_of_finished_job_returns_it_unchanged(client: openai.OpenAI) -> None:
    response = client.responses.create(model="gpt-4o", input="quick", background=True)
    _, final = _poll(client, response.id)
    assert client.responses.cancel(response.id).status == final.status == "completed"


def test_cancel_of_synchronous_response_is_rejected_with_the_fix(client: openai.OpenAI) -> None:
    response = client.responses.create(model="gpt-4o", input="sync")
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.cancel(response.id)
    assert "background=true" in caught.value.message


def test_background_requires_store(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", input="x", background=True, store=False)
    body = caught.value.body
    assert body["param"] == "background" and "store=true" in body["message"]  # type: ignore[index]


def test_background_stream_then_resume_replays_exactly_the_later_events(client: openai.OpenAI) -> None:
    stream = client.responses.create(
        model="gpt-4o", input="Write me a story.", background=True, stream=True,
        metadata={"emulator_delay_ms": "5", "emulator_words": "80"},
    )
    first: list = []
    for event in stream:
        first.append(event)
        if len(first) == 12:
            break
    stream.close()  # the connection drops; the job goes on
    assert first[0].type == "response.created" and first[0].response.status == "queued"
    assert first[1].type == "response.queued"
    cursor = first[-1].sequence_number
    resumed = list(client.responses.retrieve(first[0].response.id, stream=True, starting_after=cursor))
    assert [e.sequence_number for e in resumed] == list(range(cursor + 1, cursor + 1 + len(resumed)))
    assert resumed[-1].type == "response.completed"
    full = list(client.responses.retrieve(first[0].response.id, stream=True))
    assert [e.model_dump() for e in full] == [e.model_dump() for e in first + resumed]
    text = "".join(e.delta for e in full if e.type == "response.output_text.delta")
    assert text == resumed[-1].response.output_text


def test_resume_while_running_live_tails(client: openai.OpenAI) -> None:
    stream = client.responses.create(
        model="gpt-4o", input="tail me", background=True, stream=True,
        metadata={"emulator_delay_ms": "10", "emulator_words": "60"},
    )
    head = next(iter(stream))
    stream.close()
    tail = list(client.responses.retrieve(head.response.id, stream=True, starting_after=head.sequence_number))
    assert tail[0].sequence_number == head.sequence_number + 1
    assert tail[-1].type == "response.completed"


def test_resume_rejected_when_original_request_did_not_stream(client: openai.OpenAI) -> None:
    response = client.responses.create(model="gpt-4o", input="no stream", background=True)
    _poll(client, response.id)
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.retrieve(response.id, stream=True, starting_after=0)
    assert caught.value.body["param"] == "stream"  # type: ignore[index]


def test_synchronous_stream_can_be_resumed_after_it_ended(client: openai.OpenAI) -> None:
    events = list(client.responses.create(model="gpt-4o", input="sync stream", stream=True))
    replay = list(client.responses.retrieve(events[0].response.id, stream=True, starting_after=3))
    assert [e.model_dump() for e in replay] == [e.model_dump() for e in events[4:]]


def test_cancel_during_background_stream_ends_the_stream_without_terminal_event(client: openai.OpenAI) -> None:
    stream = client.responses.create(
        model="gpt-4o", input="cancel me while streaming", background=True, stream=True,
        metadata={"emulator_delay_ms": "20", "emulator_words": "300"},
    )
    events = []
    for event in stream:
        events.append(event)
        if len(events) == 6:
            assert client.responses.cancel(events[0].response.id).status == "cancelled"
    assert events[-1].type not in ("response.completed", "response.incomplete", "response.failed")
    assert len(events) < 300
    final = client.responses.retrieve(events[0].response.id)
    assert final.status == "cancelled"
    replay = list(client.responses.retrieve(final.id, stream=True))
    assert [e.sequence_number for e in replay] == [e.sequence_number for e in events]


def test_queue_time_keeps_a_job_queued(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4o", input="wait in line", background=True, metadata={"emulator_queue_ms": "1500"}
    )
    assert client.responses.retrieve(response.id).status == "queued"
    seen, final = _poll(client, response.id)
    assert seen[0] == "queued" and final.status == "completed"
