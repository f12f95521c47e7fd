"""Background responses: wait with progress heartbeats, cancel, resume a stream, all inside the time budget.

Many MCP clients abandon a tool call after ~60 s. The bridge therefore never waits upstream longer than
`settings.time_budget` (default 45 s) in one tool call: past it, the call returns the response id, its
current status and how to continue (`wait_for_response`, `resume_response_stream`, `cancel_response`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

import anyio
import openai
from openai.types.responses import Response

from bridge.raw_stream import retrieve_events
from bridge.settings import ConfigurationError
from bridge.stream_forward import Report, StreamState, forward

ACTIVE_STATUSES = ("queued", "in_progress")
CANCEL_TIMEOUT = 10.0

Heartbeat = Callable[[float, float, str], Awaitable[None]]


def budget_next_step(response_id: str, last_sequence: int | None = None) -> str:
    resume = (
        f" To keep streaming, call resume_response_stream(response_id={response_id!r}, "
        f"starting_after={last_sequence})."
        if last_sequence is not None
        else ""
    )
    return (
        f"The time budget for one tool call ran out; the response keeps running in the background. "
        f"Call wait_for_response(response_id={response_id!r}) to wait for the result.{resume} "
        f"Call cancel_response(response_id={response_id!r}) to stop it."
    )


async def wait(
    client: openai.AsyncOpenAI,
    response_id: str,
    budget: float,
    heartbeat: Heartbeat,
    *,
    first: Response | None = None,
) -> Response:
    """Poll until the response leaves queued/in_progress or `budget` seconds pass; return the latest state.

    Every poll sends a heartbeat (elapsed, budget, status) so the client sees the call is alive.
    """
    start = time.monotonic()
    interval = 0.05
    response = first or await client.responses.retrieve(response_id)
    while response.status in ACTIVE_STATUSES:
        elapsed = time.monotonic() - start
        await heartbeat(elapsed, budget, f"{response_id}: {response.status} ({elapsed:.0f}s)")
        remaining = budget - elapsed
        if remaining <= 0:
            break
        await anyio.sleep(min(interval, remaining))
        interval = min(interval * 1.5, 2.0)
        response = await client.responses.retrieve(response_id)
    return response


async def cancel_quietly(client: openai.AsyncOpenAI, response_id: str) -> None:
    """Cancel upstream even while our own task is being cancelled (MCP notifications/cancelled)."""
    with anyio.CancelScope(shield=True), anyio.move_on_after(CANCEL_TIMEOUT):
        try:
            await client.with_options(max_retries=1).responses.cancel(response_id)
        except (openai.APIError, ConfigurationError):
            pass  # already finished, not cancellable, or no token to ask with: nothing more to do


async def stream_within_budget(
    client: openai.AsyncOpenAI,
    open_stream: Callable[[], Awaitable[object]],
    report: Report,
    state: StreamState,
    budget: float,
    *,
    resumable: bool,
    cancel_on_abort: bool,
) -> Response | None:
    """Forward a stream until it finishes (the final response) or the budget runs out (None).

    When the MCP request is cancelled mid-stream the upstream background response is cancelled too.
    """
    try:
        with anyio.move_on_after(budget):
            return await forward(client, open_stream, report, state, resumable=resumable)
        return None
    except anyio.get_cancelled_exc_class():
        if cancel_on_abort and state.response_id is not None:
            await cancel_quietly(client, state.response_id)
        raise


async def resume_stream(
    client: openai.AsyncOpenAI,
    response_id: str,
    starting_after: int | None,
    report: Report,
    budget: float,
) -> tuple[Response | None, StreamState]:
    """Replay a background response's stream after `starting_after` (or from the start), within budget."""
    state = StreamState(response_id=response_id, last_sequence=starting_after)

    async def open_stream() -> object:
        return await retrieve_events(client, response_id, starting_after)

    final = await stream_within_budget(
        client, open_stream, report, state, budget, resumable=True, cancel_on_abort=False
    )
    return final, state
