"""The bridge (real `build_server`) on an emulator, reached through the real `mcp` client, for the media,
approval and catalog tests. In-process by default; `http_client_session` goes over streamable HTTP."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tests.bridge.conftest import BridgeHTTPServer, settings_for
from mcp import Client
from mcp.client.session import ClientSession, ElicitationFnT
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, TextContent

from bridge.context import BridgeContext, build_context
from bridge.server import build_server
from emulator.server import EmulatorServer


def media_settings(emu: EmulatorServer, tmp_path: Path, **overrides: Any):  # noqa: ANN201 - Settings
    files = tmp_path / "files"
    files.mkdir(exist_ok=True)
    values: dict[str, Any] = {
        "responses_bridge_allowed_roots": [files],
        "responses_bridge_output_dir": tmp_path / "out",
    }
    values.update(overrides)
    return settings_for(emu, **values)


def media_context(emu: EmulatorServer, tmp_path: Path, **overrides: Any) -> BridgeContext:
    return build_context(media_settings(emu, tmp_path, **overrides))


@asynccontextmanager
async def bridge_client(ctx: BridgeContext, **client_options: Any) -> AsyncIterator[Client]:
    """The real `mcp` Client on the real server, in-process (mode "auto" negotiates 2026-07-28)."""
    async with Client(build_server(ctx), **client_options) as client:
        yield client


@asynccontextmanager
async def http_client_session(
    server: BridgeHTTPServer, elicitation_callback: ElicitationFnT | None = None
) -> AsyncIterator[ClientSession]:
    """A handshake-era ClientSession over streamable HTTP (what desktop clients speak today)."""
    async with streamable_http_client(server.url) as (read, write):
        async with ClientSession(read, write, elicitation_callback=elicitation_callback) as session:
            await session.initialize()
            yield session


def text_of(result: CallToolResult) -> str:
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def structured(result: CallToolResult) -> dict[str, Any]:
    """structuredContent, checked against the text copy the tool also sends."""
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    assert json.loads(result.content[0].text) == result.structured_content  # type: ignore[union-attr]
    return result.structured_content
