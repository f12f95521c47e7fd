"""Run the emulator on a loopback port in a background thread (tests, the bridge's --emulator flag)."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType

import uvicorn

from emulator.app import create_app
from emulator.config import EmulatorConfig


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class EmulatorServer:
    """A uvicorn server for the emulator app, started in a daemon thread.

    `base_url` is the Azure-style v1 base (`http://127.0.0.1:PORT/openai/v1/`), ready for
    `openai.OpenAI(base_url=...)`.
    """

    def __init__(self, config: EmulatorConfig | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config or EmulatorConfig()
        self.host = host
        self.port = port or free_port(host)
        self.app = create_app(self.config)
        self._server = uvicorn.Server(
            # open streams (a live tail, a long background stream) must not hold a test run hostage at stop
            uvicorn.Config(self.app, host=self.host, port=self.port, log_level="warning", lifespan="on",
                           timeout_graceful_shutdown=5)
        )
        self._thread: threading.Thread | None = None

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.root_url}/openai/v1/"

    @property
    def openai_base_url(self) -> str:
        return f"{self.root_url}/v1/"

    def start(self, timeout: float = 10.0) -> "EmulatorServer":
        self._thread = threading.Thread(target=self._server.run, name="emulator", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"emulator did not start on {self.root_url}")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> "EmulatorServer":
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
