"""Forward a Responses event stream to an MCP client as progress notifications, resuming after a cut.

Progress notifications carry, in order: each `response.output_text.delta` verbatim as the message (so the
messages of the text deltas, concatenated, are the final output text), and a one-line summary of the other
notable events, always starting with `SUMMARY_PREFIX`. The progress value is the event's
`sequence_number`, which only grows.

A stream that breaks (connection drop, truncated or malformed SSE, end without a terminal event) is
resumed with `GET /responses/{id}?stream=true&starting_after=<last sequence_number>`; events at or below
the last forwarded sequence number are skipped, so no text is lost or duplicated. The service only replays
streams of background responses, which is why the bridge streams with `background=true` whenever it may
store the response.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import openai
from openai.types.responses import Response

from bridge.result_format import StreamInfo
from bridge.redaction import shorten
from bridge.upstream_errors import DETAIL_LIMIT, UpstreamError, describe

SUMMARY_PREFIX = "[event] "
TERMINAL_EVENTS = ("response.completed", "response.failed", "response.incomplete")
SUMMARISED_EVENTS = (
    "response.created",
    "response.queued",
    "response.in_progress",
    "response.output_item.added",
    "response.output_item.done",
    "response.image_generation_call.completed",
    "response.mcp_call.completed",
    "response.code_interpreter_call.completed",
)
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


def summarise(event: Any) -> str:
    """A short human-readable line for a non-text event."""
    parts = [event.type]
    response = getattr(event, "response", None)
    if response is not None:
        parts.append(f"id={response.id} status={response.status}")
    item = getattr(event, "item", None)
    if item is not None:
        parts.append(f"item={item.type}")
        name = getattr(item, "name", None)
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
        except (openai.APIStatusError, UpstreamError):
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
    starting_after = state.last_sequence if state.last_sequence is not None else -1

    async def reopen() -> Any:
        if starting_after < 0:
            return await client.responses.retrieve(response_id, stream=True)
        return await client.responses.retrieve(response_id, stream=True, starting_after=starting_after)

    return reopen


async def _handle(event: Any, report: Report, state: StreamState) -> None:
    sequence = getattr(event, "sequence_number", None)
    if sequence is not None:
        if state.last_sequence is not None and sequence <= state.last_sequence:
            return  # replayed after a resume: already forwarded
        state.last_sequence = sequence
    state.events += 1
    response = getattr(event, "response", None)
    if response is not None and state.response_id is None:
        state.response_id = response.id
    progress = float(sequence if sequence is not None else state.events)
    kind = event.type
    if kind == "response.output_text.delta":
        state.text.append(event.delta)
        await report(progress, event.delta)
    elif kind == "error":
        raise UpstreamError(
            f"The stream reported an error: {getattr(event, 'code', None) or 'error'}: "
            f"{shorten(str(event.message), DETAIL_LIMIT)}",
            state.response_id,
        )
    elif kind in SUMMARISED_EVENTS or kind in TERMINAL_EVENTS:
        await report(progress, summarise(event))
    if kind in TERMINAL_EVENTS:
        state.final = response


def _cause(cause: BaseException | str) -> str:
    return cause if isinstance(cause, str) else describe(cause)
