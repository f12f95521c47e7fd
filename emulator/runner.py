"""One response being produced: its live object, its numbered events, and the clients following them.

Every create — JSON, streamed or background — runs through a `Run` as an asyncio task on the server's
loop, so the three modes produce identical objects and events. The run keeps its events in memory (and,
for stored streamed responses, in the store, which is what makes resume possible after it ends).

Each client reading the events is a `Follower`. When a client disconnects (emulator.sse_response notices
`http.disconnect`), its follower stops. What happens to the run depends on its mode, as on Azure/OpenAI:
- a background run goes on: the job is independent of any connection; GET polls it, a resume follows it;
- a foreground stream stops once nobody follows it any more (a resumed follower keeps it alive): the
  service stops generating when the client that asked for a synchronous stream goes away. Its status
  becomes `cancelled`, the same as a cancelled background job - the run was stopped at the client's
  initiative; `incomplete` is reserved for token limits and content filters, `failed` for errors.
A stream cut by the server (`cut_after` fault) is no disconnect: its run finishes and stays stored, so a
client can resume it. Cancelling stops a run with status `cancelled`; a cancelled stream ends without a
terminal event (the SDK has no `response.cancelled` event), and the final object comes from the cancel
call or GET.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any, AsyncGenerator

from emulator.store import INTERRUPTED_ERROR, StoredResponse
from emulator.stream_events import TERMINAL_TYPES, EventBuilder, EventCounter, chunk_text

if TYPE_CHECKING:
    from emulator.model import Turn
    from emulator.state import EmulatorState

log = logging.getLogger("emulator")
ARGUMENT_CHUNK = 8  # characters per function_call_arguments.delta


class InjectedFailure(Exception):
    """A `fail_after` fault fired."""


class Run:
    def __init__(
        self,
        state: "EmulatorState",
        response: dict[str, Any],
        turn: "Turn",
        *,
        streamed: bool,
        delay: float,
        queue_time: float = 0.0,
        fail_after: int | None = None,
        fail_code: str | None = None,
    ) -> None:
        self.state = state
        self.response = response
        self.turn = turn
        self.streamed = streamed
        self.stored = bool(response.get("store", True))
        self.delay = delay
        self.queue_time = queue_time
        self.fail_after = fail_after
        self.fail_code = fail_code or "server_error"
        self.events: list[dict[str, Any]] = []  # kept for streamed runs only: nothing else reads them
        self.emitted = 0
        self.finished = asyncio.Event()
        self.task: asyncio.Task[None] | None = None  # set by emulator.background.Jobs.start
        self.interrupted = False  # set when the emulator shuts down under a running job
        self._wake = asyncio.Event()  # replaced after each set: followers wait on the current one
        self._waiting = 0  # followers blocked on `_wake` right now
        self._followers: set[Follower] = set()
        self._builder = EventBuilder() if streamed else EventCounter()

    @property
    def id(self) -> str:
        return str(self.response["id"])

    def save(self) -> None:
        if self.stored:
            self.state.store.save(StoredResponse(self.id, self.response, self.turn.input_items, self.streamed))

    def _notify(self) -> None:
        if self._waiting:  # an unpaced answer emits all its events before any follower runs: no Event each
            self._wake.set()
            self._wake = asyncio.Event()

    def _emit(self, event: dict[str, Any]) -> None:
        if self.fail_after is not None and self.emitted >= self.fail_after and event["type"] not in TERMINAL_TYPES:
            raise InjectedFailure
        self.emitted += 1
        if not self.streamed:
            return
        self.events.append(event)
        if self.stored:
            self.state.store.add_event(self.id, event)
        self._notify()

    async def _pace(self, count: int) -> None:
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        elif count % 64 == 0:
            await asyncio.sleep(0)  # let other requests in during long unpaced answers

    async def produce(self) -> None:
        b = self._builder
        try:
            background = bool(self.response.get("background"))
            self.save()
            self._emit(b.lifecycle("response.created", self.response))
            if background:
                self._emit(b.lifecycle("response.queued", self.response))
                await asyncio.sleep(self.queue_time)
                self.response["status"] = "in_progress"
                self.save()
            self._emit(b.lifecycle("response.in_progress", self.response))
            for index, item in enumerate(self.turn.output):
                await self._produce_item(index, item)
                self.response["output"].append(item)
            self._finish()
            terminal = "response.incomplete" if self.response["status"] == "incomplete" else "response.completed"
            self._emit(b.lifecycle(terminal, self.response))
        except asyncio.CancelledError:
            if self.interrupted and self.streamed:
                # A replay after the restart must still end: `error`, then `response.failed`.
                self._fail(INTERRUPTED_ERROR["code"], INTERRUPTED_ERROR["message"])
            elif self.interrupted:
                self.response.update(status="failed", error=dict(INTERRUPTED_ERROR))
                self.save()
            else:
                self.response["status"] = "cancelled"
                self.save()
        except InjectedFailure:
            self._fail(self.fail_code, "The response failed (injected fault fail_after).")
        except Exception as exc:  # a bug must still end the stream properly
            log.exception("response %s failed", self.id)
            self._fail("server_error", f"The emulator failed while producing the response: {exc}")
        finally:
            self.finished.set()
            self._notify()

    async def stop_unstarted(self, status: str, error: dict[str, Any] | None = None) -> None:
        """Record the end of a run whose task was cancelled before its first step (nothing else will)."""
        if self.finished.is_set():
            return
        self.response.update(status=status, error=error)
        self.save()
        self.finished.set()
        self._notify()

    def _fail(self, code: str, message: str) -> None:
        self.response.update(status="failed", error={"code": code, "message": message})
        self.fail_after = None
        # The builder already numbered the event the injected failure dropped: renumber from what went out.
        self._builder.next_sequence = self.emitted
        self._emit(self._builder.error(code, message))
        self._emit(self._builder.lifecycle("response.failed", self.response))
        self.save()

    def _finish(self) -> None:
        self.response["usage"] = self.turn.usage
        self.response["completed_at"] = int(time.time())
        if self.turn.incomplete_reason:
            self.response["status"] = "incomplete"
            self.response["incomplete_details"] = {"reason": self.turn.incomplete_reason}
        else:
            self.response["status"] = "completed"
        self.save()

    async def _produce_item(self, index: int, item: dict[str, Any]) -> None:
        b = self._builder
        kind = item.get("type")
        if kind == "message":
            self._emit(b.item_added(index, {**item, "status": "in_progress", "content": []}))
            for content_index, part in enumerate(item["content"]):
                text = part.get("text", "")
                self._emit(b.part_added(index, item["id"], content_index, {**part, "text": ""}))
                for count, delta in enumerate(chunk_text(text), 1):
                    self._emit(b.text_delta(index, item["id"], content_index, delta))
                    await self._pace(count)
                self._emit(b.text_done(index, item["id"], content_index, text))
                self._emit(b.part_done(index, item["id"], content_index, part))
        elif kind == "function_call":
            arguments = str(item.get("arguments", ""))
            self._emit(b.item_added(index, {**item, "arguments": "", "status": "in_progress"}))
            for start in range(0, len(arguments), ARGUMENT_CHUNK):
                self._emit(b.arguments_delta(index, item["id"], arguments[start : start + ARGUMENT_CHUNK]))
                await self._pace(start // ARGUMENT_CHUNK + 1)
            self._emit(b.arguments_done(index, item["id"], str(item.get("name", "")), arguments))
        else:
            added = {**item, "status": "in_progress"} if "status" in item else item
            self._emit(b.item_added(index, added))
            await self._pace(1)
        self._emit(b.item_done(index, item))

    @property
    def following(self) -> int:
        """How many clients are reading this run's events right now."""
        return len(self._followers)

    def follow(self, after: int) -> "Follower":
        """The events after sequence number `after`, then the new ones live, until the run ends. Each batch
        is every event ready at that moment, so a writer can send them together."""
        return Follower(self, after)

    async def _left_early(self) -> None:
        """A follower's client went away before the end: a foreground run nobody follows any more stops."""
        if self.finished.is_set() or self._followers or self.response.get("background"):
            return
        await self.state.jobs.cancel(self.id)

    async def _batches(self, after: int) -> AsyncGenerator[list[dict[str, Any]], None]:
        index = max(after + 1, 0)
        while True:
            if len(self.events) <= index and not self.finished.is_set():
                self._waiting += 1
                try:
                    await self._wake.wait()
                finally:
                    self._waiting -= 1
            if index < len(self.events):
                batch = self.events[index:]
                index += len(batch)
                yield batch
            if self.finished.is_set() and index >= len(self.events):
                return


class Follower:
    """One client reading a run's events: an async iterator of batches (see `Run.follow`)."""

    def __init__(self, run: Run, after: int) -> None:
        self.run = run
        self._batches = run._batches(after)
        run._followers.add(self)

    def __aiter__(self) -> "Follower":
        return self

    async def __anext__(self) -> list[dict[str, Any]]:
        try:
            return await self._batches.__anext__()
        except StopAsyncIteration:
            self.run._followers.discard(self)
            raise

    async def aclose(self) -> None:
        self.run._followers.discard(self)
        await self._batches.aclose()

    async def client_gone(self) -> None:
        """The client disconnected before the stream ended (see the module docstring for what follows)."""
        await self.aclose()
        await self.run._left_early()
