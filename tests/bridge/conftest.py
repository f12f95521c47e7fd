"""Shared fixtures for the bridge tests: a real emulator on loopback, the bridge served over real
streamable HTTP in-process (or over stdio as a subprocess), and the real `mcp` client."""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx
import pytest
import uvicorn
from azure.core.credentials import TokenCredential
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from bridge.context import BridgeContext, build_context
from bridge.http_app import build_http_app
from bridge.server import build_server
from bridge.settings import Settings
from bridge.stream_forward import SUMMARY_PREFIX
# The function tool of the docs' function-calling example, as the contract suite ships it.
from contracts.scenarios.tools import WEATHER_TOOL
from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer, free_port


# A raw JSON-RPC initialize request, for tests that speak the wire without the mcp client.
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig()) as server:
        yield server


@pytest.fixture
def clean_emulator(emulator: EmulatorServer) -> EmulatorServer:
    admin(emulator, "DELETE", "faults")
    admin(emulator, "DELETE", "requests")
    return emulator


def admin(emu: EmulatorServer, method: str, what: str, body: dict[str, Any] | None = None) -> Any:
    response = httpx.request(
        method, f"{emu.root_url}/_emulator/{what}", json=body, headers={"api-key": emu.config.api_keys[0]}
    )
    response.raise_for_status()
    return response.json()


def arm_fault(emu: EmulatorServer, spec: str, count: int = 1, path: str | None = None) -> None:
    admin(emu, "POST", "faults", {"spec": spec, "count": count, **({"path": path} if path else {})})


def bridge_env(emu: EmulatorServer, **extra: str) -> dict[str, str]:
    """Environment for a bridge subprocess pointed at `emu` in Azure key mode."""
    env = {
        "AZURE_OPENAI_ENDPOINT": emu.root_url,
        "AZURE_OPENAI_API_KEY": emu.config.api_keys[0],
        "AZURE_OPENAI_DEPLOYMENT": "gpt-4o",
    }
    env.update(extra)
    return env


def settings_for(emu: EmulatorServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "azure_openai_endpoint": emu.root_url,
        "azure_openai_api_key": emu.config.api_keys[0],
        "azure_openai_deployment": "gpt-4o",
        # Generated images must not land in the working tree.
        "responses_bridge_output_dir": Path(tempfile.mkdtemp(prefix="bridge-images-")),
    }
    values.update(overrides)
    return Settings(**values)


class BridgeHTTPServer:
    """The bridge's HTTP app on a loopback port, in a daemon thread (like EmulatorServer)."""

    def __init__(
        self,
        settings: Settings,
        *,
        credential: TokenCredential | None = None,
        bind_as: str = "127.0.0.1",
        token: str | None = None,
    ) -> None:
        self.ctx: BridgeContext = build_context(settings, credential=credential)
        self.port = free_port()
        app = build_http_app(build_server(self.ctx), host=bind_as, token=token)
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/mcp"

    def __enter__(self) -> "BridgeHTTPServer":
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            assert self._thread.is_alive() and time.monotonic() < deadline, "bridge HTTP server did not start"
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(10)


@asynccontextmanager
async def http_session(url: str, headers: dict[str, str] | None = None) -> AsyncIterator[ClientSession]:
    # The mcp SDK speaks httpx2; its helper gives the transport's recommended timeouts.
    client = create_mcp_http_client(headers=headers) if headers else None
    try:
        async with streamable_http_client(url, http_client=client) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                yield session
    finally:
        if client is not None:
            await client.aclose()


@asynccontextmanager
async def stdio_session(
    env: dict[str, str], errlog: TextIO, args: tuple[str, ...] = (), cwd: Path | None = None
) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "bridge.cli", *args], env={**env, "PYTHONUNBUFFERED": "1"}, cwd=cwd
    )
    async with stdio_client(params, errlog=errlog) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            yield session


@dataclass
class Progress:
    """Collects progress notifications; text deltas are the messages without the summary prefix."""

    events: list[tuple[float, float | None, str | None]] = field(default_factory=list)

    async def __call__(self, progress: float, total: float | None, message: str | None) -> None:
        self.events.append((progress, total, message))

    def deltas(self) -> list[str]:
        return [m for _, _, m in self.events if m is not None and not m.startswith(SUMMARY_PREFIX)]

    def summaries(self) -> list[str]:
        return [m for _, _, m in self.events if m is not None and m.startswith(SUMMARY_PREFIX)]

