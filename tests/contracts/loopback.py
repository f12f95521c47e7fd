"""Small servers on 127.0.0.1 for contract-suite tests: any ASGI app under uvicorn, in a daemon thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn

from emulator.server import free_port


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run `app` on a free loopback port; yields its root URL (`http://127.0.0.1:PORT`)."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        server.force_exit = True  # hung streaming handlers must not hold the test up
        thread.join(10)
