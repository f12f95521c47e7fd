"""The Responses stream state machine, as a pure function over the events of one stream.

Rules (from the streaming and background sections of both seeds and the SDK's event model):
- `event-name`: the SSE event name, when present, equals the data's `type`; every event has a `type`.
- `sequence`: every event has an integer `sequence_number`, strictly increasing by one from the first
  (from `starting_after + 1` for a resumed stream); no gaps, no repeats.
- `first-event`: a full stream starts with `response.created` (`response.queued` for a background stream).
- `pairs`: `response.output_item.added`/`.done` match by `output_index` (same item id), and
  `response.content_part.added`/`.done` by `(item_id, content_index)`; deltas fall inside their open part;
  everything opened is closed before a `response.completed`.
- `text`: the `output_text` deltas of a part concatenate to its `output_text.done` text, to the part in
  `content_part.done`, to the item in `output_item.done` and to the final response's output text;
  function-call argument deltas concatenate to the `.done` arguments.
- `terminal`: exactly one terminal event (`response.completed` / `.incomplete` / `.failed`, or an `error`
  that ends the stream), nothing after it, and its response `status` agrees with its type.
Unknown event types are tolerated (the API grows); they only take part in the event-name, sequence and
terminal rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from contracts.http_session import SSEEvent

TERMINAL_STATUS = {
    "response.completed": "completed",
    "response.incomplete": "incomplete",
    "response.failed": "failed",
}
RULES = ("event-name", "sequence", "first-event", "pairs", "text", "terminal")


@dataclass(frozen=True)
class Violation:
    rule: str  # one of RULES
    message: str
    index: int | None = None  # position of the offending event in the list

    def __str__(self) -> str:
        where = f" (event #{self.index})" if self.index is not None else ""
        return f"[{self.rule}] {self.message}{where}"


def check_stream(
    events: Sequence[SSEEvent], *, background: bool = False, starting_after: int | None = None
) -> list[Violation]:
    """All rule violations of one stream; an empty list means the stream is well formed.

    `starting_after` marks a resumed stream: its numbering must continue from there, and the rules that
    need the whole stream (first event, pairs, text) are not applied.
    """
    out: list[Violation] = []
    if not events:
        return [Violation("terminal", "the stream carried no events")]
    out += _event_names(events)
    out += _sequence(events, starting_after)
    out += _terminal(events)
    if starting_after is None:
        out += _first_event(events, background)
        out += _pairs(events)
        out += _text(events)
    return out


def _event_names(events: Sequence[SSEEvent]) -> list[Violation]:
    out = []
    for i, e in enumerate(events):
        if e.type is None:
            out.append(Violation("event-name", "event data has no string `type`", i))
        elif e.event is not None and e.event != e.type:
            out.append(Violation("event-name", f"SSE event name {e.event!r} differs from data type {e.type!r}", i))
    return out


def _sequence(events: Sequence[SSEEvent], starting_after: int | None) -> list[Violation]:
    out = []
    previous: int | None = None
    for i, e in enumerate(events):
        seq = e.sequence_number
        if not isinstance(seq, int) or isinstance(seq, bool):
            out.append(Violation("sequence", f"{e.type}: sequence_number missing or not an integer ({seq!r})", i))
            continue
        if previous is None:
            if starting_after is not None and seq != starting_after + 1:
                out.append(Violation("sequence", f"resumed after {starting_after} but the first event is {seq}", i))
        elif seq == previous:
            out.append(Violation("sequence", f"sequence_number {seq} repeated", i))
        elif seq < previous:
            out.append(Violation("sequence", f"sequence_number went back from {previous} to {seq}", i))
        elif seq != previous + 1:
            out.append(Violation("sequence", f"gap in sequence_number: {previous} then {seq}", i))
        previous = seq
    return out


def _first_event(events: Sequence[SSEEvent], background: bool) -> list[Violation]:
    allowed = ("response.created", "response.queued") if background else ("response.created",)
    first = events[0].type
    if first not in allowed:
        return [Violation("first-event", f"the stream starts with {first!r}; expected {' or '.join(allowed)}", 0)]
    return []


def _terminal(events: Sequence[SSEEvent]) -> list[Violation]:
    out = []
    terminals = [i for i, e in enumerate(events) if e.type in TERMINAL_STATUS]
    if len(terminals) > 1:
        names = ", ".join(f"{events[i].type}@{i}" for i in terminals)
        out.append(Violation("terminal", f"more than one terminal event: {names}", terminals[1]))
    if not terminals:
        if events[-1].type != "error":
            out.append(Violation("terminal", f"the stream ended without a terminal event (last: {events[-1].type!r})"))
        return out
    first = terminals[0]
    if first != len(events) - 1:
        after = [e.type for e in events[first + 1 :]]
        out.append(Violation("terminal", f"events after the terminal {events[first].type}: {after[:5]}", first + 1))
    response = events[first].data.get("response")
    expected = TERMINAL_STATUS[events[first].type or ""]
    status = response.get("status") if isinstance(response, dict) else None
    if status != expected:
        out.append(Violation("terminal", f"{events[first].type} carries a response with status {status!r}", first))
    return out


def _pairs(events: Sequence[SSEEvent]) -> list[Violation]:
    out = []
    items: dict[Any, tuple[Any, bool]] = {}  # output_index -> (item id, done)
    parts: dict[tuple[Any, Any], bool] = {}  # (item_id, content_index) -> done
    for i, e in enumerate(events):
        d, t = e.data, e.type
        if t == "response.output_item.added":
            idx, item_id = d.get("output_index"), _item_id(d)
            if idx in items:
                out.append(Violation("pairs", f"output_item.added repeated for output_index {idx}", i))
            items[idx] = (item_id, False)
        elif t == "response.output_item.done":
            idx, item_id = d.get("output_index"), _item_id(d)
            if idx not in items:
                out.append(Violation("pairs", f"output_item.done for output_index {idx} without output_item.added", i))
            elif items[idx][1]:
                out.append(Violation("pairs", f"output_item.done repeated for output_index {idx}", i))
            elif items[idx][0] != item_id:
                out.append(Violation("pairs", f"output_index {idx}: added item {items[idx][0]!r}, done item {item_id!r}", i))
            items[idx] = (item_id, True)
        elif t == "response.content_part.added":
            key = (d.get("item_id"), d.get("content_index"))
            if key in parts:
                out.append(Violation("pairs", f"content_part.added repeated for {key}", i))
            if not _item_open(items, d):
                out.append(Violation("pairs", f"content_part.added for {key} outside an open output item", i))
            parts[key] = False
        elif t == "response.content_part.done":
            key = (d.get("item_id"), d.get("content_index"))
            if key not in parts:
                out.append(Violation("pairs", f"content_part.done for {key} without content_part.added", i))
            elif parts[key]:
                out.append(Violation("pairs", f"content_part.done repeated for {key}", i))
            parts[key] = True
        elif t in ("response.output_text.delta", "response.output_text.done"):
            key = (d.get("item_id"), d.get("content_index"))
            if parts.get(key) is not False:
                out.append(Violation("pairs", f"{t} for {key} outside an open content part", i))
        if t == "response.completed":
            open_items = [k for k, (_, done) in items.items() if not done]
            open_parts = [k for k, done in parts.items() if not done]
            if open_items or open_parts:
                out.append(Violation("pairs", f"completed with open items {open_items} / parts {open_parts}", i))
    return out


def _item_id(d: dict[str, Any]) -> Any:
    item = d.get("item")
    return item.get("id") if isinstance(item, dict) else None


def _item_open(items: dict[Any, tuple[Any, bool]], d: dict[str, Any]) -> bool:
    return any(item_id == d.get("item_id") and not done for item_id, done in items.values())


def _text(events: Sequence[SSEEvent]) -> list[Violation]:
    out = []
    deltas: dict[tuple[Any, Any], list[str]] = {}
    arg_deltas: dict[Any, list[str]] = {}
    streamed: dict[tuple[Any, Any], str] = {}
    for i, e in enumerate(events):
        d, t = e.data, e.type
        key = (d.get("item_id"), d.get("content_index"))
        if t == "response.output_text.delta":
            deltas.setdefault(key, []).append(str(d.get("delta", "")))
        elif t == "response.output_text.done":
            joined = "".join(deltas.get(key, []))
            if d.get("text") != joined:
                out.append(Violation("text", f"deltas of {key} join to {_short(joined)}, output_text.done says {_short(d.get('text'))}", i))
            streamed[key] = joined
        elif t == "response.content_part.done" and key in deltas:
            part = d.get("part")
            text = part.get("text") if isinstance(part, dict) else None
            if text != "".join(deltas[key]):
                out.append(Violation("text", f"content_part.done text of {key} differs from its deltas: {_short(text)}", i))
        elif t == "response.function_call_arguments.delta":
            arg_deltas.setdefault(d.get("item_id"), []).append(str(d.get("delta", "")))
        elif t == "response.function_call_arguments.done":
            joined = "".join(arg_deltas.get(d.get("item_id"), []))
            if d.get("item_id") in arg_deltas and d.get("arguments") != joined:
                out.append(Violation("text", f"argument deltas join to {_short(joined)}, done says {_short(d.get('arguments'))}", i))
        elif t == "response.output_item.done":
            out += _compare_item(d.get("item"), streamed, "output_item.done", i)
        elif t == "response.completed":
            response = d.get("response")
            output = response.get("output") if isinstance(response, dict) else None
            seen = set()
            for item in output if isinstance(output, list) else []:
                out += _compare_item(item, streamed, "the final response", i)
                if isinstance(item, dict):
                    seen.add(item.get("id"))
            missing = sorted({k[0] for k in streamed} - seen, key=str)
            if missing:
                out.append(Violation("text", f"streamed items {missing} are missing from the final response output", i))
    return out


def _compare_item(item: Any, streamed: dict[tuple[Any, Any], str], where: str, index: int) -> list[Violation]:
    if not isinstance(item, dict) or item.get("type") != "message":
        return []
    out = []
    content = item.get("content") if isinstance(item.get("content"), list) else []
    for ci, part in enumerate(content):
        key = (item.get("id"), ci)
        if key in streamed and isinstance(part, dict) and part.get("text") != streamed[key]:
            out.append(Violation("text", f"{where}: text of {key} is {_short(part.get('text'))}, deltas gave {_short(streamed[key])}", index))
    return out


def _short(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "…'"
