"""The MCP server: one `MCPServer` with every tool module registered against one `BridgeContext`."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server.mcpserver import MCPServer

from bridge import tools_responses
from bridge.context import BridgeContext

INSTRUCTIONS = (
    "Tools for the Azure OpenAI / OpenAI Responses API. Start with create_response. Function calls come back "
    "with call ids: answer them with submit_function_outputs. Long work returns a response id and a "
    "`next_step`: follow it (wait_for_response / resume_response_stream / cancel_response)."
)
# Tool modules built alongside this one; each exposes `register(mcp, ctx)`.
OPTIONAL_TOOL_MODULES = ("bridge.tools_media", "bridge.tools_catalog")


def build_server(ctx: BridgeContext) -> MCPServer:
    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[dict[str, object]]:
        try:
            yield {}
        finally:
            await ctx.aclose()

    mcp = MCPServer(
        "responses-bridge",
        title="Responses API bridge",
        instructions=INSTRUCTIONS,
        version=_version(),
        lifespan=lifespan,
        log_level="WARNING",
    )
    tools_responses.register(mcp, ctx)
    for name in OPTIONAL_TOOL_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(mcp, ctx)
    return mcp


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("responses-bridge")
    except PackageNotFoundError:
        return "0"
