"""Forward a Responses event stream to an MCP client as progress notifications, resuming after a cut.

Progress notifications carry, in order: each `response.output_text.delta` verbatim as the message (so the
messages of the text deltas, concatenated, are the final output text), and a one-line summary of the other
notable events, always starting with `SUMMARY_PREFIX`. The progress value is the event's
`sequence_number`, which only grows.

Notable means it tells the user something: the response id and first status (`response.created`), the
end (the terminal event), a tool call or reasoning starting or finishing (output items other than the
assistant's message, and the tools' `.completed` events). Not summarised: `response.queued` (created
already says queued), `response.in_progress` (the first item or delta that follows says the same), and the
message item's added/done (nothing the deltas do not carry). So the first text delta reaches the client
behind one notification, not four: each costs the client a parse before it can read the next one.

A stream that breaks (connection drop, truncated or malformed SSE, end without a terminal event) is
resumed with `GET /responses/{id}?stream=true&starting_after=<last sequence_number>`; events at or below
the last forwarded sequence number are skipped, so no text is lost or duplicated. The service only replays
streams of background responses, which is why the bridge streams with `background=true` whenever it may
store the response. Events arrive as plain dicts (`bridge.raw_stream`); only the final response is typed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import openai
from openai.types.responses import Response

from bridge.result_format import StreamInfo
from bridge.raw_stream import response_of, retrieve_events
from bridge.redaction import shorten
from bridge.settings import ConfigurationError
from bridge.upstream_errors import DETAIL_LIMIT, UpstreamError, describe

SUMMARY_PREFIX = "[event] "
TERMINAL_EVENTS = ("response.completed", "response.failed", "response.incomplete")
SUMMARISED_EVENTS = (
    "response.created",
    "response.image_generation_call.completed",
    "response.mcp_call.completed",
    "response.code_interpreter_call.completed",
)
# Summarised unless the item is the assistant's message.
ITEM_EVENTS = ("response.output_item.added", "response.output_item.done")
MAX_RESUMES = 5
DRAIN_SECONDS = 0.5

Report = Callable[[float, str], Awaitable[None]]
Opener = Callable[[], Awaitable[Any]]


@dataclass
class StreamState:
    response_id: str | None = None
    last_sequence: int | None = None
    events: int = 0
    resumes: int = 0
    text: list[str] = field(default_factory=list)
    final: Response | None = None

    def info(self) -> StreamInfo:
        return StreamInfo(events=self.events, resumes=self.resumes, last_sequence_number=self.last_sequence)


def summarise(event: dict[str, Any]) -> str:
    """A short human-readable line for a non-text event."""
    parts = [str(event.get("type"))]
    response = event.get("response")
    if isinstance(response, dict):
        parts.append(f"id={response.get('id')} status={response.get('status')}")
    item = event.get("item")
    if isinstance(item, dict):
        parts.append(f"item={item.get('type')}")
        name = item.get("name")
        if name:
            parts.append(f"name={name}")
    return SUMMARY_PREFIX + " ".join(parts)


async def forward(
    client: openai.AsyncOpenAI,
    open_stream: Opener,
    report: Report,
    state: StreamState,
    *,
    resumable: bool = True,
    max_resumes: int = MAX_RESUMES,
) -> Response:
    """Consume the stream from `open_stream()` to its end, resuming after cuts; return the final response."""
    opener = open_stream
    while True:
        # Opening is the SDK's business (it already retried); only a failure while reading is a cut.
        stream = await opener()
        try:
            async with stream:
                async for event in stream:
                    await _handle(event, report, state)
                    if state.final is not None:
                        break
                if state.final is not None:
                    # Read the (empty) rest of the body so the connection can be reused.
                    with anyio.move_on_after(DRAIN_SECONDS):
                        async for _ in stream:
                            pass
                    return state.final
            cause: BaseException | str = "the stream ended before the response finished"
            if resumable and state.response_id is not None:
                # Nothing left to replay (e.g. resuming after the last event): the stored state is the answer.
                current = await client.responses.retrieve(state.response_id)
                if current.status not in ("queued", "in_progress"):
                    state.final = current
                    return current
        except (openai.APIStatusError, UpstreamError, ConfigurationError):  # not a cut: resuming cannot help
            raise
        except Exception as exc:  # noqa: BLE001 - any transport/parse failure mid-stream is a cut to resume
            cause = exc
        if state.response_id is None:
            if state.events == 0 and state.resumes == 0:
                # Broke before the first event: nothing was forwarded, so one fresh attempt is safe for the
                # caller (upstream may keep an orphaned job we cannot name; it ends on its own).
                state.resumes += 1
                continue
            raise UpstreamError(f"The stream broke before the response id was known: {_cause(cause)}")
        if not resumable:
            raise UpstreamError(
                f"The stream broke ({_cause(cause)}) and cannot be resumed because the response is not stored "
                "(store=false). Retry the request.",
                state.response_id,
            )
        if state.resumes >= max_resumes:
            raise UpstreamError(
                f"The stream broke {state.resumes + 1} times (last: {_cause(cause)}). The response may still be "
                f"running: call wait_for_response or resume_response_stream with starting_after="
                f"{state.last_sequence}.",
                state.response_id,
            )
        await anyio.sleep(min(0.1 * 2**state.resumes, 2.0))
        state.resumes += 1
        opener = _resumer(client, state)


def _resumer(client: openai.AsyncOpenAI, state: StreamState) -> Opener:
    response_id = state.response_id
    assert response_id is not None
    starting_after = state.last_sequence

    async def reopen() -> Any:
        return await retrieve_events(client, response_id, starting_after)

    return reopen


async def _handle(event: Any, report: Report, state: StreamState) -> None:
    if not isinstance(event, dict):
        raise ValueError(f"malformed stream event: {shorten(repr(event), 200)}")  # a cut: resume
    sequence = event.get("sequence_number")
    if sequence is not None:
        if state.last_sequence is not None and sequence <= state.last_sequence:
            return  # replayed after a resume: already forwarded
        state.last_sequence = sequence
    state.events += 1
    response = event.get("response")
    if isinstance(response, dict) and state.response_id is None:
        state.response_id = response.get("id")
    progress = float(sequence if sequence is not None else state.events)
    kind = event.get("type")
    if kind == "response.output_text.delta":
        delta = str(event.get("delta", ""))
        state.text.append(delta)
        await _report_whole(report, progress, delta)
    elif kind == "error":
        raise UpstreamError(
            f"The stream reported an error: {event.get('code') or 'error'}: "
            f"{shorten(str(event.get('message')), DETAIL_LIMIT)}",
            state.response_id,
        )
    elif kind in SUMMARISED_EVENTS or kind in TERMINAL_EVENTS or _is_tool_item_event(kind, event):
        await _report_whole(report, progress, summarise(event))
    if kind in TERMINAL_EVENTS and isinstance(response, dict):
        state.final = response_of(response)


def _is_tool_item_event(kind: object, event: dict[str, Any]) -> bool:
    item = event.get("item")
    return kind in ITEM_EVENTS and isinstance(item, dict) and item.get("type") != "message"


async def _report_whole(report: Report, progress: float, message: str) -> None:
    """Send one notification even if the time budget or a cancel strikes meanwhile: the event is already counted
    in the state (text, last sequence number), so a half-sent one would be missing from the progress stream."""
    with anyio.CancelScope(shield=True):
        await report(progress, message)


def _cause(cause: BaseException | str) -> str:
    return cause if isinstance(cause, str) else describe(cause)
