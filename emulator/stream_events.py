"""Builds the Responses streaming events (plain dicts in the SDK's / spec's shapes) and their SSE framing.

`EventBuilder` numbers events from 0 (`sequence_number`) in the order it builds them; every event has
`type` and `sequence_number`. The order a producer follows (see emulator.runner):

    response.created             (status `queued` for background requests)
    [response.queued]            background only; after response.created, because the openai SDK's stream
                                 accumulator requires response.created to come first
    response.in_progress
    per output item:
      response.output_item.added
      message: content_part.added, output_text.delta..., output_text.done, content_part.done
      function_call: function_call_arguments.delta..., function_call_arguments.done
      any other item (tool calls, reasoning, compaction): nothing in between
      response.output_item.done
    exactly one of response.completed / response.incomplete / response.failed (preceded by `error`
    when it failed); nothing after it.
"""

from __future__ import annotations

import re
from typing import Any

from emulator.json_codec import dumps

TERMINAL_TYPES = frozenset({"response.completed", "response.incomplete", "response.failed"})


class EventBuilder:
    def __init__(self, start: int = 0) -> None:
        self.next_sequence = start

    def _event(self, type_: str, **fields: Any) -> dict[str, Any]:
        event = {"type": type_, "sequence_number": self.next_sequence, **fields}
        self.next_sequence += 1
        return event

    # Snapshots are shallow: a run only ever rebinds a response's top-level fields and appends finished
    # items to `output`, and never mutates an item or part after handing it to the builder.

    def lifecycle(self, type_: str, response: dict[str, Any]) -> dict[str, Any]:
        """response.queued / created / in_progress / completed / incomplete / failed with a snapshot."""
        return self._event(type_, response={**response, "output": list(response["output"])})

    def item_added(self, output_index: int, item: dict[str, Any]) -> dict[str, Any]:
        return self._event("response.output_item.added", output_index=output_index, item=item)

    def item_done(self, output_index: int, item: dict[str, Any]) -> dict[str, Any]:
        return self._event("response.output_item.done", output_index=output_index, item=item)

    def part_added(self, output_index: int, item_id: str, content_index: int, part: dict[str, Any]) -> dict[str, Any]:
        return self._event(
            "response.content_part.added", output_index=output_index, item_id=item_id,
            content_index=content_index, part=part,
        )

    def part_done(self, output_index: int, item_id: str, content_index: int, part: dict[str, Any]) -> dict[str, Any]:
        return self._event(
            "response.content_part.done", output_index=output_index, item_id=item_id,
            content_index=content_index, part=part,
        )

    def text_delta(self, output_index: int, item_id: str, content_index: int, delta: str) -> dict[str, Any]:
        return self._event(
            "response.output_text.delta", output_index=output_index, item_id=item_id,
            content_index=content_index, delta=delta, logprobs=[],
        )

    def text_done(self, output_index: int, item_id: str, content_index: int, text: str) -> dict[str, Any]:
        return self._event(
            "response.output_text.done", output_index=output_index, item_id=item_id,
            content_index=content_index, text=text, logprobs=[],
        )

    def arguments_delta(self, output_index: int, item_id: str, delta: str) -> dict[str, Any]:
        return self._event(
            "response.function_call_arguments.delta", output_index=output_index, item_id=item_id, delta=delta
        )

    def arguments_done(self, output_index: int, item_id: str, name: str, arguments: str) -> dict[str, Any]:
        return self._event(
            "response.function_call_arguments.done", output_index=output_index, item_id=item_id,
            name=name, arguments=arguments,
        )

    def error(self, code: str, message: str, param: str | None = None) -> dict[str, Any]:
        return self._event("error", code=code, message=message, param=param)


class EventCounter(EventBuilder):
    """Numbers events like EventBuilder but keeps only their `type`: a JSON create counts its events (for
    `fail_after`) and sends none, so building the real ones would be wasted work."""

    def _event(self, type_: str, **fields: Any) -> dict[str, Any]:
        self.next_sequence += 1
        return {"type": type_}

    def lifecycle(self, type_: str, response: dict[str, Any]) -> dict[str, Any]:
        return self._event(type_)


def chunk_text(text: str) -> list[str]:
    """Split into word-sized deltas (each word keeps its trailing whitespace) that join back to `text`."""
    return re.findall(r"\s+\S*\s*|\S+\s*", text) if text else []


def sse_frame(event: dict[str, Any]) -> bytes:
    return b"event: " + event["type"].encode() + b"\ndata: " + dumps(event) + b"\n\n"


MALFORMED_SSE_FRAME = b"data: {this is not json\n\n"
