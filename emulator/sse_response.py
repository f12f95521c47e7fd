"""An ASGI response that writes events as Server-Sent Events, with the stream faults applied.

Events come in batches (everything the run had ready, see emulator.runner.Run.follow) and each batch goes
out in one body message: the bytes are the same as one write per event, but an unpaced answer costs one
trip through the middleware and the HTTP layer instead of a dozen. Paced answers still go out event by
event, as they are produced.

`cut_after=N` stops after N events and returns without finishing the body, so the server closes the
connection mid-stream (the client sees an incomplete chunked body, like a dropped connection);
`malformed_sse` writes one `data:` line that is not JSON before the first event.

A client that disconnects is noticed at once: a listener waits for `http.disconnect` beside the writer and
cancels it (Starlette's StreamingResponse pattern), so an abandoned paced stream stops writing and its
request ends, instead of running to the end of the answer (and holding up a server shutdown). The batch
source is then told the client is gone (`client_gone()`, see emulator.runner.Follower), which decides what
happens to the run; a stream cut by `cut_after` is not a disconnect.
"""

from __future__ import annotations

from typing import Any, AsyncIterator

import anyio
import anyio.abc
import anyio.lowlevel
from starlette.types import Receive, Scope, Send

from emulator.faults import Fault
from emulator.stream_events import MALFORMED_SSE_FRAME, sse_frame


class EventStreamResponse:
    def __init__(
        self,
        batches: AsyncIterator[list[dict[str, Any]]],
        *,
        fault: Fault | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.batches = batches
        self.fault = fault
        self.headers = headers or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-cache"),
            (b"x-accel-buffering", b"no"),
        ] + [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items()]
        client_gone = False

        async def listen(group: anyio.abc.TaskGroup) -> None:
            # uvicorn's send() silently drops writes after a disconnect (ASGI spec 2.3): only receive() says so.
            nonlocal client_gone
            # A stream written at once (every event ready) is over before this task first runs: never read.
            await anyio.lowlevel.checkpoint_if_cancelled()
            while (await receive())["type"] != "http.disconnect":
                pass
            client_gone = True
            group.cancel_scope.cancel()

        try:
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            async with anyio.create_task_group() as group:
                # The writer runs in this task, the listener beside it: whichever ends first stops the other.
                group.start_soon(listen, group)
                try:
                    await self._write(send)
                except OSError:
                    client_gone = True  # a server that reports the disconnect on send() instead
                group.cancel_scope.cancel()
        finally:
            if client_gone and hasattr(self.batches, "client_gone"):
                await self.batches.client_gone()  # emulator.runner.Follower: the run decides whether to stop
            else:
                aclose = getattr(self.batches, "aclose", None)
                if aclose is not None:
                    await aclose()

    async def _write(self, send: Send) -> None:
        cut_after = self.fault.cut_after if self.fault else None
        if self.fault and self.fault.malformed_sse:
            await send({"type": "http.response.body", "body": MALFORMED_SSE_FRAME, "more_body": True})
        sent = 0
        async for batch in self.batches:
            out = batch if cut_after is None else batch[: max(cut_after - sent, 0)]
            if out:
                body = b"".join([sse_frame(event) for event in out])
                await send({"type": "http.response.body", "body": body, "more_body": True})
                sent += len(out)
            if len(out) < len(batch):
                return  # an event past cut_after: leave the body unfinished, the server drops the connection
        await send({"type": "http.response.body", "body": b"", "more_body": False})
