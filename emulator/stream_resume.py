"""Resuming a stream: GET /responses/{id}?stream=true&starting_after=N replays the events after N.

Rules (the seeds' limitations): only a response whose original request had `stream=true` can be
resumed, otherwise 400 naming `stream`; a response still running is live-tailed (the replay continues
with new events until the terminal one); a finished one replays its stored events and ends.
`starting_after` defaults to -1 (everything), must be a whole number, and may exceed the last sequence
number (then nothing, or only new events, follow).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, AsyncIterator

from emulator.errors import invalid, not_found
from emulator.store import StoredResponse

if TYPE_CHECKING:
    from emulator.state import EmulatorState


def parse_starting_after(raw: str | None) -> int:
    if raw is None or raw == "":
        return -1
    try:
        return int(raw)
    except ValueError:
        raise invalid("starting_after", "`starting_after` must be a whole number: the sequence_number of "
                      "the last event you received.", code="invalid_type") from None


def resume_events(
    state: "EmulatorState", record: StoredResponse, starting_after: int
) -> AsyncIterator[list[dict[str, Any]]]:
    """The events after `starting_after`, in batches (see emulator.runner.Run.follow)."""
    if record.kind != "response":
        raise not_found("response", record.id, param="response_id")
    if not record.streamed:
        raise invalid(
            "stream",
            f"Response '{record.id}' was not created with stream=true, so its stream cannot be resumed. "
            "Retrieve it without `stream` (GET /responses/{id}), or create responses with stream=true "
            "(and background=true) when you may need to resume.",
            code="invalid_request",
        )
    run = state.jobs.get(record.id)
    if run is not None:
        return run.follow(starting_after)
    return _replay(state.store.events_after(record.id, starting_after))


async def _replay(events: list[dict[str, Any]]) -> AsyncIterator[list[dict[str, Any]]]:
    if events:
        yield events
