"""An ASGI response that writes events as Server-Sent Events, with the stream faults applied.

Events come in batches (everything the run had ready, see emulator.runner.Run.follow) and each batch goes
out in one body message: the bytes are the same as one write per event, but an unpaced answer costs one
trip through the middleware and the HTTP layer instead of a dozen. Paced answers still go out event by
event, as they are produced.

`cut_after=N` stops after N events and returns without finishing the body, so the server closes the
connection mid-stream (the client sees an incomplete chunked body, like a dropped connection);
`malformed_sse` writes one `data:` line that is not JSON before the first event.
"""

from __future__ import annotations

from typing import Any, AsyncIterator

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
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        cut_after = self.fault.cut_after if self.fault else None
        if self.fault and self.fault.malformed_sse:
            await send({"type": "http.response.body", "body": MALFORMED_SSE_FRAME, "more_body": True})
        sent = 0
        try:
            async for batch in self.batches:
                out = batch if cut_after is None else batch[: max(cut_after - sent, 0)]
                if out:
                    body = b"".join([sse_frame(event) for event in out])
                    await send({"type": "http.response.body", "body": body, "more_body": True})
                    sent += len(out)
                if len(out) < len(batch):
                    return  # an event past cut_after: leave the body unfinished, the server drops the connection
        except OSError:
            return  # the client went away
        finally:
            aclose = getattr(self.batches, "aclose", None)
            if aclose is not None:
                await aclose()
        await send({"type": "http.response.body", "body": b"", "more_body": False})
