"""The runs in flight: started as asyncio tasks on the server's loop, found by id, cancelled, shut down.

Background responses (`background=true`) are answered `queued` at once while their run continues here;
GET polls the live object, `cancel` stops it. Foreground runs are registered too, so a stream that was
cut can be resumed while its run is still going. A finished run leaves the registry; its final object
and events stay in the store.

Shutdown marks every still-running job failed (`server_error`, "interrupted by an emulator restart"), the
same state `Store.recover()` gives jobs found running after a crash.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from emulator.store import INTERRUPTED_ERROR

if TYPE_CHECKING:
    from emulator.runner import Run


class Jobs:
    def __init__(self) -> None:
        self._runs: dict[str, "Run"] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, run: "Run") -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(run.produce(), name=f"response {run.id}")
        self._runs[run.id] = run
        self._tasks.add(task)

        def forget(done: asyncio.Task[None]) -> None:
            self._tasks.discard(done)
            if self._runs.get(run.id) is run:
                del self._runs[run.id]

        task.add_done_callback(forget)
        run.task = task
        return task

    def get(self, response_id: str) -> "Run | None":
        return self._runs.get(response_id)

    async def cancel(self, response_id: str) -> "Run | None":
        """Stop a running job and wait until its final state is saved; None if it is not running."""
        run = self._runs.get(response_id)
        if run is None:
            return None
        assert run.task is not None
        run.task.cancel()
        await asyncio.wait({run.task})
        await run.stop_unstarted("cancelled")
        return run

    async def shutdown(self) -> None:
        runs = list(self._runs.values())
        for run in runs:
            run.interrupted = True
            if run.task is not None:
                run.task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for run in runs:
            await run.stop_unstarted("failed", dict(INTERRUPTED_ERROR))
