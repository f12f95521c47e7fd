"""The MCP server: one `MCPServer` with every tool module registered against one `BridgeContext`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from mcp.server.mcpserver import MCPServer

from bridge import tools_catalog, tools_media, tools_responses
from bridge.context import BridgeContext

INSTRUCTIONS = (
    "Tools for the Azure OpenAI / OpenAI Responses API. Start with create_response (files and images go in "
    "`attachments`). Function calls come back with call ids: answer them with submit_function_outputs. Long "
    "work returns a response id and a `next_step`: follow it (wait_for_response / resume_response_stream / "
    "cancel_response). Pending remote MCP approvals are answered with approve_mcp_request; generate_image "
    "saves pictures and links them; check_endpoint compares the endpoint with the documented catalog."
)
# Each tool module exposes `register(mcp, ctx)` (tools and resources).
TOOL_MODULES = (tools_responses, tools_media, tools_catalog)


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
    for module in TOOL_MODULES:
        module.register(mcp, ctx)
    return mcp


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("responses-bridge")
    except PackageNotFoundError:
        return "0"
