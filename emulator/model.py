"""The deterministic model: one validated create request -> the output items and usage of one turn.

Context assembly (what the answer is a function of, see emulator.answer for the text rule):
- the `previous_response_id` chain, oldest first: each stored response's input items then its output (a
  stored compaction result contributes its output);
- then this request's `input` (a string becomes one user message);
- the most recent `compaction` item anywhere in that list is replaced by the items it seals.

Output items, in order: a `compaction` item when server-side compaction triggers (the context's input
tokens reach `context_management[].compact_threshold`), the tool plan's items (function calls, tool
calls, reasoning), then one assistant `message` unless the plan ends the turn waiting on the client.
Usage follows emulator.tokens: input = the whole context, output = the message text plus the other
output items; `max_output_tokens` cuts the message text to the remaining budget (4 bytes a token) and
makes the response `incomplete` with reason `max_output_tokens`.

Pacing, per request through `metadata` (string values, echoed back like any metadata):
`emulator_words` (answer length, see emulator.answer), `emulator_delay_ms` (pause between two streamed
deltas; default `EmulatorConfig.delay_ms`), `emulator_queue_ms` (how long a background job stays `queued`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from emulator.answer import compose, item_tokens, structured
from emulator.compaction import compact_items, expand_context, new_id
from emulator.content import ContentReader
from emulator.deployments import Deployment
from emulator.errors import EmulatorError, invalid
from emulator.state import EmulatorState
from emulator.tokens import count_tokens
from emulator.tool_plan import plan_tools

_ID_PREFIX = {
    "message": "msg", "function_call": "fc", "function_call_output": "fco", "reasoning": "rs",
    "mcp_approval_response": "mcpr", "mcp_approval_request": "mcpr", "mcp_call": "mcp",
    "mcp_list_tools": "mcpl", "image_generation_call": "ig", "code_interpreter_call": "ci", "compaction": "cmp",
}


@dataclass
class Turn:
    deployment: Deployment
    input_items: list[dict[str, Any]]  # this request's input, as stored (ids assigned)
    output: list[dict[str, Any]]
    usage: dict[str, Any]
    incomplete_reason: str | None


def normalize_input(raw: Any) -> list[dict[str, Any]]:
    """The request's `input` as items with ids, in the shape GET /input_items lists them."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [{"role": "user", "content": raw}]
    if not isinstance(raw, list):
        raise invalid("input", "`input` must be a string or an array of input items.", code="invalid_type")
    items: list[dict[str, Any]] = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise invalid(f"input[{index}]", "Each input item must be an object (a message or an item).",
                          code="invalid_type")
        item = dict(entry)
        if item.get("type") is None:
            # The document allows `"type": null` on an item reference; otherwise an untyped item is a message.
            item["type"] = "item_reference" if "id" in item and "role" not in item else "message"
        kind = item["type"]
        if kind == "message":
            item = _normalize_message(item, index)
        elif kind == "function_call_output":
            item.setdefault("status", "completed")
        elif kind == "mcp_approval_response":
            item.setdefault("request_id", item.get("approval_request_id"))  # the derived document requires it
        if "id" not in item:
            item["id"] = new_id(_ID_PREFIX.get(kind) or kind.split("_")[0][:4] or "item")
        items.append(item)
    return items


def _normalize_message(item: dict[str, Any], index: int) -> dict[str, Any]:
    role = item.get("role")
    if role not in ("user", "assistant", "system", "developer"):
        raise invalid(f"input[{index}].role", "A message's `role` must be user, assistant, system or developer.")
    content = item.get("content")
    part_type = "output_text" if role == "assistant" else "input_text"
    if isinstance(content, str):
        content = [{"type": part_type, "text": content}]
    if not isinstance(content, list):
        raise invalid(f"input[{index}].content", "A message's `content` must be a string or an array of parts.")
    parts = []
    for part in content:
        part = dict(part) if isinstance(part, dict) else part
        if isinstance(part, dict) and part.get("type") == "output_text":
            part.setdefault("annotations", [])
            part.setdefault("logprobs", [])
        elif isinstance(part, dict) and part.get("type") == "input_image":
            part.setdefault("detail", "auto")
        parts.append(part)
    item["content"] = parts
    item.setdefault("status", "completed")
    return item


def _resolve_references(new_input: list[dict[str, Any]], history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`{"type": "item_reference", "id": ...}` -> the item with that id from the chained history."""
    if not any(it.get("type") == "item_reference" for it in new_input):
        return new_input
    known = {it.get("id"): it for it in history}
    resolved = []
    for index, item in enumerate(new_input):
        if item.get("type") == "item_reference":
            if item.get("id") not in known:
                raise invalid(f"input[{index}].id", f"No item with id '{item.get('id')}' in the conversation; "
                              "an item_reference must name an item of a response chained with previous_response_id.")
            item = known[item["id"]]
        resolved.append(item)
    return resolved


def chain_items(state: EmulatorState, previous_response_id: str | None, strict: bool = True) -> list[dict[str, Any]]:
    """Every item along the stored chain ending at `previous_response_id`, oldest first.

    `strict` (creating): an unknown or unfinished `previous_response_id` is a 400. Otherwise (listing) the
    chain simply ends where a link is missing."""
    if not previous_response_id:
        return []
    segments: list[list[dict[str, Any]]] = []
    seen: set[str] = set()
    current = previous_response_id
    while current and current not in seen:
        seen.add(current)
        record = state.store.get(current)
        if record is None:
            if strict and current == previous_response_id:
                raise EmulatorError(
                    400, f"Previous response with id '{current}' not found. Responses created with store=false "
                    "cannot be chained; pass their output items in `input` instead.",
                    code="previous_response_not_found", param="previous_response_id",
                )
            break  # an older link was deleted: the chain ends there
        if record.kind == "compaction":
            segments.append(list(record.response.get("output", [])))
            break
        if strict and record.response.get("status") in ("queued", "in_progress"):
            raise invalid("previous_response_id", f"Previous response '{current}' is still "
                          f"{record.response['status']}; wait for it to finish (poll GET /responses/{current}).",
                          code="previous_response_in_progress")
        segments.append([*record.input_items, *record.response.get("output", [])])
        current = record.previous_response_id
    return [item for segment in reversed(segments) for item in segment]


def _instructions_text(body: Mapping[str, Any], new_input: list[dict[str, Any]], reader: ContentReader) -> str:
    parts: list[str] = []
    raw = body.get("instructions")
    if isinstance(raw, str):
        parts.append(raw)
    elif isinstance(raw, list):
        parts.extend(reader.message(it, "instructions") for it in raw if isinstance(it, dict))
    parts.extend(
        reader.message(it) for it in new_input
        if it.get("type") == "message" and it.get("role") in ("system", "developer")
    )
    return " ".join(p for p in parts if p)


def _compact_threshold(body: Mapping[str, Any], state: EmulatorState) -> int | None:
    entries = body.get("context_management") or []
    for entry in entries:
        if entry.get("type") == "compaction":
            if not state.deployments.snapshot.supports_feature("server_side_compaction"):
                raise invalid(
                    "context_management", "Server-side compaction is not supported by this API version "
                    f"(doc snapshot {state.config.snapshot}); remove `context_management`.",
                    code="unsupported_parameter",
                )
            threshold = entry.get("compact_threshold")
            return int(threshold) if threshold is not None else 200_000
    return None


# Upper bounds of the pacing knobs: one hour of delay, 100,000 words (beyond that a request would stall the server).
METADATA_LIMITS = {"emulator_delay_ms": 3_600_000, "emulator_queue_ms": 3_600_000, "emulator_words": 100_000}


def _metadata_int(body: Mapping[str, Any], key: str) -> int | None:
    value = (body.get("metadata") or {}).get(key)
    if value is None:
        return None
    limit = METADATA_LIMITS.get(key, 1_000_000)
    try:
        number = int(value)
    except ValueError:
        raise invalid(f"metadata.{key}", f"metadata `{key}` must be a whole number as a string.") from None
    if not 0 <= number <= limit:
        raise invalid(f"metadata.{key}", f"metadata `{key}` must be between 0 and {limit}.")
    return number


def requested_delay(body: Mapping[str, Any], state: EmulatorState) -> float:
    """Seconds between two deltas: metadata `emulator_delay_ms`, else the configured default."""
    value = _metadata_int(body, "emulator_delay_ms")
    return (state.config.delay_ms if value is None else value) / 1000.0


def requested_queue_time(body: Mapping[str, Any]) -> float:
    """Seconds a background job stays `queued` before it starts: metadata `emulator_queue_ms` (default 0)."""
    return (_metadata_int(body, "emulator_queue_ms") or 0) / 1000.0


def output_message(text: str, status: str = "completed") -> dict[str, Any]:
    return {
        "id": new_id("msg"), "type": "message", "status": status, "role": "assistant",
        "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
    }


def build_turn(body: dict[str, Any], headers: Mapping[str, str], state: EmulatorState) -> Turn:
    deployment = state.deployments.resolve(body["model"])
    reader = ContentReader(state.files)  # each message and image or file part is read once per turn
    new_input = normalize_input(body.get("input"))
    for index, item in enumerate(new_input):  # undecodable content is a 400 naming its exact place
        if item.get("type") == "message":
            reader.message(item, f"input[{index}]")
    history = chain_items(state, body.get("previous_response_id"))
    new_input = _resolve_references(new_input, history)
    try:
        context = expand_context([*history, *new_input], state.sealer)
    except ValueError as exc:
        raise invalid("input", f"A compaction item could not be expanded ({exc}); pass compaction items back "
                      "exactly as they were returned.") from exc
    # the plan sees what came before this request's (post-compaction) items, and those items
    last_compaction = max((i for i, it in enumerate(new_input) if it.get("type") == "compaction"), default=-1)
    fresh = new_input[last_compaction + 1 :]
    plan = plan_tools(body, context[: len(context) - len(fresh)], fresh, deployment.model, headers,
                      state.config, state.sealer, state.files)
    input_tokens = sum(item_tokens(it, reader) for it in context)
    instructions = _instructions_text(body, new_input, reader)
    input_tokens += count_tokens(instructions)

    output: list[dict[str, Any]] = []
    threshold = _compact_threshold(body, state)
    if threshold is not None and input_tokens >= threshold:
        output.append(compact_items(context, state.sealer))
    output.extend(plan.items)
    reasoning_tokens = other_tokens = 0  # reasoning items come from the plan only; compaction is not output text
    for item in output:
        kind = item.get("type")
        if kind == "reasoning":
            reasoning_tokens += max(1, item_tokens(item, reader))
        elif kind != "compaction":
            other_tokens += item_tokens(item, reader)

    incomplete_reason: str | None = None
    message_tokens = 0
    if plan.needs_message:
        text = compose(
            context, instructions, plan.facts, reader,
            requested_words=_metadata_int(body, "emulator_words"), min_words=state.config.min_words,
        )
        text = structured(text, body.get("text"), context, reader)
        limit = body.get("max_output_tokens")
        budget = None if limit is None else max(0, int(limit) - reasoning_tokens - other_tokens)
        if budget is not None and count_tokens(text) > budget:
            text = text.encode("utf-8")[: budget * 4].decode("utf-8", errors="ignore")
            incomplete_reason = "max_output_tokens"
        message_tokens = count_tokens(text)
        output.append(output_message(text, "incomplete" if incomplete_reason else "completed"))

    output_tokens = message_tokens + other_tokens + reasoning_tokens
    usage = {
        "input_tokens": input_tokens,
        "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
        "output_tokens": output_tokens,
        "output_tokens_details": {"reasoning_tokens": reasoning_tokens},
        "total_tokens": input_tokens + output_tokens,
    }
    return Turn(deployment, new_input, output, usage, incomplete_reason)
