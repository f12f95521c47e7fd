"""Serve MCP over stdio with the event loop's own pipe transports instead of a worker thread per line.

The SDK's `stdio_server()` wraps stdin/stdout in `anyio.wrap_file`, so every line read and every write and
flush is a hop to a worker thread and back: ~90 hops for one streamed create (each progress notification
is a write plus a flush), several milliseconds on a busy machine. Here stdin and stdout are non-blocking
asyncio pipe transports: a write goes straight to the pipe (buffered by the transport when the pipe is
full), a line is read when the loop sees it.

As the SDK does, the wire is served from private duplicates of fd 0 and 1 while fd 0 points at the null
device and fd 1 at stderr, so a stray print or a child process cannot corrupt the JSON-RPC stream. When
stdin or stdout is not a pipe, socket or terminal (e.g. a regular file), the SDK's transport is used.
"""

from __future__ import annotations

import asyncio
import os
import stat
from contextlib import suppress

from mcp.server.mcpserver import MCPServer
from mcp.server.stdio import stdio_server

LINE_LIMIT = 64 * 1024 * 1024  # one JSON-RPC message per line; attachments make long ones


class _LineReader:
    """What `stdio_server` reads from: an async iterator of text lines."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader

    def __aiter__(self) -> _LineReader:
        return self

    async def __anext__(self) -> str:
        try:
            line = await self._reader.readline()
        except ValueError:
            # Longer than LINE_LIMIT: the reader dropped it; hand on something unparsable so the SDK
            # reports a parse error, as it does for any malformed line, and the server keeps serving.
            return "\n"
        if not line:
            raise StopAsyncIteration
        return line.decode("utf-8", errors="replace")


class _PipeWriter:
    """What `stdio_server` writes to: `write(text)` and `flush()`."""

    def __init__(self, writer: asyncio.StreamWriter) -> None:
        self._writer = writer

    async def write(self, text: str) -> None:
        self._writer.write(text.encode("utf-8"))

    async def flush(self) -> None:
        await self._writer.drain()  # returns at once unless the reader is slow and the pipe is full


def _pipe_like(fd: int) -> bool:
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode)


async def run_stdio(mcp: MCPServer) -> None:
    """Run `mcp` on this process's stdin/stdout (the asyncio pipe transport when possible)."""
    if not (_pipe_like(0) and _pipe_like(1)):
        await mcp.run_stdio_async()
        return
    loop = asyncio.get_running_loop()
    saved_in, saved_out = os.dup(0), os.dup(1)
    stdin_wire = os.fdopen(os.dup(0), "rb", buffering=0)
    stdout_wire = os.fdopen(os.dup(1), "wb", buffering=0)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(2, 1)
    try:
        reader = asyncio.StreamReader(limit=LINE_LIMIT)
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), stdin_wire)
        transport, protocol = await loop.connect_write_pipe(asyncio.streams.FlowControlMixin, stdout_wire)
        writer = asyncio.StreamWriter(transport, protocol, None, loop)
        lowlevel = mcp._lowlevel_server  # noqa: SLF001 - what MCPServer.run_stdio_async runs, with our streams
        async with stdio_server(_LineReader(reader), _PipeWriter(writer)) as (read_stream, write_stream):  # type: ignore[arg-type]
            await lowlevel.run(read_stream, write_stream, lowlevel.create_initialization_options())
        with suppress(ConnectionError):
            await writer.drain()
        writer.close()
    finally:
        os.dup2(saved_in, 0)
        os.dup2(saved_out, 1)
        os.close(saved_in)
        os.close(saved_out)
