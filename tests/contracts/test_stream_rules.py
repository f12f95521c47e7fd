"""The stream state machine over hand-built event lists: a well-formed stream passes, each broken rule is named."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from contracts.http_session import SSEEvent
from contracts.stream_rules import RULES, check_stream


def well_formed(words: tuple[str, ...] = ("Hello", " there", " friend."), *, background: bool = False) -> list[SSEEvent]:
    text = "".join(words)
    message = {"id": "msg_1", "type": "message", "role": "assistant", "status": "completed",
               "content": [{"type": "output_text", "text": text, "annotations": []}]}
    final = {"id": "resp_1", "object": "response", "status": "completed", "output": [message]}
    data: list[dict[str, Any]] = []
    if background:
        data.append({"type": "response.queued", "response": {**final, "status": "queued", "output": []}})
    data += [
        {"type": "response.created", "response": {**final, "status": "in_progress", "output": []}},
        {"type": "response.in_progress", "response": {**final, "status": "in_progress", "output": []}},
        {"type": "response.output_item.added", "output_index": 0,
         "item": {**message, "status": "in_progress", "content": []}},
        {"type": "response.content_part.added", "output_index": 0, "item_id": "msg_1", "content_index": 0,
         "part": {"type": "output_text", "text": ""}},
        *[{"type": "response.output_text.delta", "output_index": 0, "item_id": "msg_1", "content_index": 0,
           "delta": w} for w in words],
        {"type": "response.output_text.done", "output_index": 0, "item_id": "msg_1", "content_index": 0, "text": text},
        {"type": "response.content_part.done", "output_index": 0, "item_id": "msg_1", "content_index": 0,
         "part": {"type": "output_text", "text": text}},
        {"type": "response.output_item.done", "output_index": 0, "item": message},
        {"type": "response.completed", "response": final},
    ]
    return [SSEEvent(d["type"], {**d, "sequence_number": i}) for i, d in enumerate(copy.deepcopy(data))]


def rules_of(events: list[SSEEvent], **kwargs: Any) -> set[str]:
    return {v.rule for v in check_stream(events, **kwargs)}


def retype(events: list[SSEEvent], index: int, **changes: Any) -> list[SSEEvent]:
    out = list(events)
    out[index] = SSEEvent(changes.pop("event", out[index].event), {**out[index].data, **changes})
    return out


def test_a_well_formed_stream_has_no_violations() -> None:
    assert check_stream(well_formed()) == []
    assert check_stream(well_formed(background=True), background=True) == []


def test_sse_event_name_must_equal_the_data_type() -> None:
    events = retype(well_formed(), 4, event="response.output_text.done")
    assert rules_of(events) == {"event-name"}


def test_a_missing_event_name_is_tolerated_but_a_missing_type_is_not() -> None:
    events = [SSEEvent(None, e.data) for e in well_formed()]
    assert check_stream(events) == []
    data = dict(events[1].data)
    del data["type"]
    events[1] = SSEEvent(None, data)
    assert "event-name" in rules_of(events)


@pytest.mark.parametrize(
    ("numbers", "needle"),
    [((0, 1, 3), "gap"), ((0, 1, 1), "repeated"), ((0, 2, 1), "went back")],
)
def test_sequence_numbers_increase_by_one(numbers: tuple[int, ...], needle: str) -> None:
    events = well_formed()
    for position, seq in zip((3, 4, 5), numbers):
        events = retype(events, position, sequence_number=seq + 3)
    violations = [v for v in check_stream(events) if v.rule == "sequence"]
    assert any(needle in v.message for v in violations)


def test_sequence_number_must_be_an_integer() -> None:
    assert "sequence" in rules_of(retype(well_formed(), 2, sequence_number="2"))


def test_first_event_must_be_created_or_queued_for_background() -> None:
    without_created = [SSEEvent(e.event, {**e.data, "sequence_number": i}) for i, e in enumerate(well_formed()[1:])]
    assert "first-event" in rules_of(without_created)
    queued_first = well_formed(background=True)
    assert check_stream(queued_first, background=True) == []
    assert "first-event" in rules_of(queued_first, background=False)


def test_a_second_terminal_event_or_events_after_it_are_violations() -> None:
    events = well_formed()
    extra = SSEEvent("response.completed", {**events[-1].data, "sequence_number": len(events)})
    violations = [v for v in check_stream(events + [extra]) if v.rule == "terminal"]
    assert any("more than one terminal" in v.message for v in violations)
    after = SSEEvent("response.in_progress", {**events[1].data, "sequence_number": len(events)})
    assert any("after the terminal" in v.message for v in check_stream(events + [after]))


def test_a_stream_without_terminal_event_is_a_violation_unless_it_ends_with_error() -> None:
    events = well_formed()[:-1]
    assert rules_of(events) >= {"terminal"}
    error = SSEEvent("error", {"type": "error", "code": "rate_limit_exceeded", "message": "slow down",
                               "sequence_number": len(events)})
    assert "terminal" not in rules_of(events + [error])


def test_terminal_status_must_agree_with_its_type() -> None:
    events = well_formed()
    last = events[-1].data
    events[-1] = SSEEvent("response.completed", {**last, "response": {**last["response"], "status": "failed"}})
    assert rules_of(events) == {"terminal"}


def test_added_done_pairs_must_match() -> None:
    events = well_formed()
    # done for another output_index than the one added
    assert "pairs" in rules_of(retype(events, 9, output_index=1))
    # done names a different item than added
    broken = retype(events, 9, item={**events[9].data["item"], "id": "msg_other"})
    assert "pairs" in rules_of(broken)
    # a content part that is never closed
    without_part_done = [e for e in events if e.type != "response.content_part.done"]
    renumbered = [SSEEvent(e.event, {**e.data, "sequence_number": i}) for i, e in enumerate(without_part_done)]
    assert "pairs" in rules_of(renumbered)
    # a delta outside its part
    assert "pairs" in rules_of(retype(events, 4, content_index=3))


def test_deltas_must_add_up_to_done_text_part_item_and_final_output() -> None:
    events = well_formed()
    assert rules_of(retype(events, 5, delta=" THERE")) == {"text"}
    final = copy.deepcopy(events[-1].data)
    final["response"]["output"][0]["content"][0]["text"] = "Something else"
    events_final = events[:-1] + [SSEEvent("response.completed", final)]
    assert rules_of(events_final) == {"text"}


def test_unknown_event_types_are_tolerated() -> None:
    events = well_formed()
    odd = SSEEvent("response.future_thing", {"type": "response.future_thing", "sequence_number": 2, "x": 1})
    renumbered = [SSEEvent(e.event, {**e.data, "sequence_number": i})
                  for i, e in enumerate(events[:2] + [odd] + events[2:])]
    assert check_stream(renumbered) == []


def test_a_resumed_stream_continues_the_numbering_and_skips_whole_stream_rules() -> None:
    events = well_formed()
    tail = events[5:]
    assert check_stream(tail, starting_after=4) == []
    violations = check_stream(tail, starting_after=2)
    assert [v.rule for v in violations] == ["sequence"]


def test_rules_are_the_documented_set() -> None:
    assert set(RULES) == {"event-name", "sequence", "first-event", "pairs", "text", "terminal"}
    assert check_stream([]) and check_stream([])[0].rule == "terminal"
