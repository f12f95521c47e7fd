"""Bridge overhead, side by side against one emulator in one run.

    .venv/bin/python benchmarks/bench_bridge.py [--rounds 50] [--concurrency 256]

The emulator runs in its own process (as a real endpoint would), so that neither the direct SDK client
nor the MCP client shares a GIL with it; the bridge runs as a subprocess (stdio, then `--http`).

1. create round trip: direct `openai` SDK call vs the MCP `create_response` tool over stdio and over
   streamable HTTP (p50, p99, ratio to direct). The bridge's create is a background+stream request
   upstream (resumable, cancellable), so the direct SDK is also timed doing exactly that.
2. first-delta latency: from the emulator writing the first `response.output_text.delta` frame to the
   MCP client receiving it as a progress notification (the emulator process timestamps each delta frame
   by wrapping its SSE encoder and appends the CLOCK_MONOTONIC time to a file; the clock is shared by all
   processes of the machine).
3. 256 concurrent `create_response` calls over HTTP: errors and throughput, vs 256 concurrent direct calls
   (plain, and background+stream like the bridge), with the CPU seconds each process spent on the burst.
4. the MCP stack's floor, on the bridge's own transports (its stdio pipes, its HTTP app) with a server whose
   only tools do nothing: `echo` (a round trip with no upstream work at all) and `ping` (timestamps, then
   sends one progress notification: the client-side hop of a forwarded delta). No bridge can be faster
   than these, so they bound what the ratios in 1 and 2 can reach.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import openai
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.server.mcpserver import Context, MCPServer

import emulator.sse_response as sse_response
from emulator.server import EmulatorServer, free_port

def serve_emulator(stamps: str) -> None:
    """The emulator process: print the base URL, timestamp delta frames into `stamps`, stop at stdin EOF."""
    fd = os.open(stamps, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    original = sse_response.sse_frame

    def frame(event: dict[str, Any]) -> bytes:
        if event.get("type") == "response.output_text.delta":
            os.write(fd, f"{time.monotonic()}\n".encode())
        return original(event)

    sse_response.sse_frame = frame
    with EmulatorServer() as emu:
        print(emu.root_url, flush=True)
        sys.stdin.read()


def floor_server(stamps: str) -> Any:
    """An MCP server on the bridge's stack whose tools do no work (see 4. above)."""
    server = MCPServer("floor")
    fd = os.open(stamps, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    @server.tool()
    def echo(text: str) -> str:
        """Return `text`."""
        return text

    @server.tool()
    async def ping(ctx: Context) -> str:
        """Send one progress notification, timestamped like the emulator's delta frames."""
        os.write(fd, f"{time.monotonic()}\n".encode())
        await ctx.report_progress(1, None, "pong")
        return "done"

    return server


def serve_floor(stamps: str, port: int | None) -> None:
    """The floor server over the bridge's stdio pipes, or over its HTTP app when `port` is given."""
    server = floor_server(stamps)
    if port is None:
        from bridge.stdio_pipes import run_stdio

        anyio.run(run_stdio, server)
        return
    import uvicorn

    from bridge.http_app import build_http_app

    uvicorn.run(build_http_app(server, host="127.0.0.1", token=None), host="127.0.0.1", port=port, log_level="warning")


class Stamps:
    """Delta-frame times written by the emulator process since the last `mark()`."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.offset = 0

    def mark(self) -> None:
        self.offset = os.path.getsize(self.path)

    def since_mark(self) -> list[float]:
        with open(self.path, "rb") as stamps:
            stamps.seek(self.offset)
            return [float(line) for line in stamps.read().split()]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def summary(name: str, values: list[float], base: float, same_work: float) -> str:
    """p50/p99 and the p50 ratios to the direct plain create and to the direct background+stream create."""
    p50, p99 = pct(values, 0.5), pct(values, 0.99)
    return f"| {name} | {len(values)} | {p50 * 1000:.2f} | {p99 * 1000:.2f} | {p50 / base:.2f}x | {p50 / same_work:.2f}x |"


async def timed(rounds: int, call: Callable[[], Awaitable[Any]]) -> list[float]:
    await call()  # warm-up
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        await call()
        out.append(time.perf_counter() - start)
    return out


async def first_delta_lags(
    session: ClientSession, rounds: int, stamps: Stamps, tool: str = "create_response", args: dict[str, Any] | None = None
) -> list[float]:
    lags: list[float] = []
    for _ in range(rounds + 1):
        received: list[float] = []
        stamps.mark()

        async def progress(value: float, total: float | None, message: str | None) -> None:
            if message and not message.startswith("[event] ") and not received:
                received.append(time.monotonic())

        await session.call_tool(tool, {"input": "Hello there"} if args is None else args, progress_callback=progress)
        written = stamps.since_mark()
        if received and written:
            lags.append(received[0] - written[0])
    return lags[1:]


async def direct_first_delta_lags(sdk: openai.AsyncOpenAI, rounds: int, stamps: Stamps) -> list[float]:
    """The same measurement for the direct SDK streaming the same request (one process hop instead of two)."""
    lags: list[float] = []
    for _ in range(rounds + 1):
        received: list[float] = []
        stamps.mark()
        stream = await sdk.responses.create(model="gpt-4o", input="Hello there", background=True, stream=True)
        async with stream:
            async for event in stream:
                if event.type == "response.output_text.delta" and not received:
                    received.append(time.monotonic())
        written = stamps.since_mark()
        if received and written:
            lags.append(received[0] - written[0])
    return lags[1:]


async def floor_session(session: ClientSession, rounds: int, stamps: Stamps) -> tuple[list[float], list[float]]:
    async def echo() -> None:
        result = await session.call_tool("echo", {"text": "Hello there"})
        assert not result.is_error, result.content

    return await timed(rounds, echo), await first_delta_lags(session, rounds, stamps, "ping", {})


def wait_for_http(url: str) -> None:
    for _ in range(300):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)


async def bench_floor(rounds: int, stamps: Stamps) -> dict[str, tuple[list[float], list[float]]]:
    """Round trips and notification lags of the do-nothing server, over stdio and over HTTP."""
    out = {}
    params = StdioServerParameters(command=sys.executable, args=[__file__, "--serve-floor", stamps.path])
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        out["stdio"] = await floor_session(session, rounds, stamps)
    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve-floor", stamps.path, "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/mcp"
    try:
        wait_for_http(url)
        async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            out["HTTP"] = await floor_session(session, rounds, stamps)
    finally:
        server.terminate()
        server.wait(10)
    return out


async def bench_session(session: ClientSession, rounds: int, stamps: Stamps) -> tuple[list[float], list[float]]:
    async def create() -> None:
        result = await session.call_tool("create_response", {"input": "Hello there"})
        assert not result.is_error, result.content

    return await timed(rounds, create), await first_delta_lags(session, rounds, stamps)


def cpu_seconds(pid: int) -> float:
    """user + system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def burst(name: str, count: int, call: Callable[[], Awaitable[bool]], pids: list[int]) -> str:
    """`count` concurrent calls: errors, wall time, calls/s and CPU seconds of client, bridge, emulator."""
    errors = 0

    async def one() -> None:
        nonlocal errors
        try:
            errors += not await call()
        except Exception:  # noqa: BLE001 - counted
            errors += 1

    cpu_before = [cpu_seconds(pid) for pid in pids]
    start = time.perf_counter()
    async with anyio.create_task_group() as tg:
        for _ in range(count):
            tg.start_soon(one)
    elapsed = time.perf_counter() - start
    cpu = " / ".join(f"{cpu_seconds(pid) - before:.1f}" for pid, before in zip(pids, cpu_before))
    return f"| {name} | {count} | {errors} | {elapsed:.2f} | {count / elapsed:.0f} | {cpu} |"


async def concurrent(url: str, sdk: openai.AsyncOpenAI, count: int, bridge_pid: int, emulator_pid: int) -> list[str]:
    pids = [os.getpid(), bridge_pid, emulator_pid]
    rows = []
    async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
        await session.initialize()

        async def mcp_create() -> bool:
            return not (await session.call_tool("create_response", {"input": "Hello there"})).is_error

        rows.append(await burst("MCP create_response over HTTP", count, mcp_create, pids))

    async def direct_plain() -> bool:
        await sdk.responses.create(model="gpt-4o", input="Hello there")
        return True

    async def direct_background_stream() -> bool:
        stream = await sdk.responses.create(model="gpt-4o", input="Hello there", background=True, stream=True)
        async with stream:
            async for _ in stream:
                pass
        return True

    rows.append(await burst("direct SDK create", count, direct_plain, pids))
    rows.append(await burst("direct SDK background+stream", count, direct_background_stream, pids))
    return rows


async def main(rounds: int, count: int) -> None:
    stamps = Stamps(tempfile.mkstemp(prefix="bench-deltas-")[1])
    emulator = subprocess.Popen([sys.executable, __file__, "--serve-emulator", stamps.path],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert emulator.stdout is not None
        root_url = emulator.stdout.readline().strip()
        env = {"AZURE_OPENAI_ENDPOINT": root_url, "AZURE_OPENAI_API_KEY": "emulator-key",
               "AZURE_OPENAI_DEPLOYMENT": "gpt-4o"}
        sdk = openai.AsyncOpenAI(base_url=f"{root_url}/openai/v1/", api_key="emulator-key", max_retries=0)

        async def direct_plain() -> None:
            await sdk.responses.create(model="gpt-4o", input="Hello there")

        async def direct_background_stream() -> None:
            stream = await sdk.responses.create(model="gpt-4o", input="Hello there", background=True, stream=True)
            async with stream:
                async for _ in stream:
                    pass

        # The bridge freezes its start-up objects out of the garbage collector (bridge.cli._tune_gc); the
        # client process does the same, or a ~100 ms full collection of its own imports lands in one round
        # and shows up as the bridge's p99 (it did, before this line).
        gc.collect()
        gc.freeze()
        plain = await timed(rounds, direct_plain)
        bg_stream = await timed(rounds, direct_background_stream)
        direct_lags = await direct_first_delta_lags(sdk, rounds, stamps)

        params = StdioServerParameters(command=sys.executable, args=["-m", "bridge.cli"], env=env)
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            stdio_times, stdio_lags = await bench_session(session, rounds, stamps)

        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "bridge.cli", "--http", "--port", str(port)],
                                  env={**env, "PATH": ""}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/mcp"
        try:
            wait_for_http(url)
            async with streamable_http_client(url) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                http_times, http_lags = await bench_session(session, rounds, stamps)
            bursts = await concurrent(url, sdk, count, server.pid, emulator.pid)
        finally:
            server.terminate()
            server.wait(10)
        floor = await bench_floor(rounds, stamps)
    finally:
        emulator.communicate(timeout=30)
        os.unlink(stamps.path)

    base, same_work = pct(plain, 0.5), pct(bg_stream, 0.5)
    print("| path | n | p50 ms | p99 ms | p50 vs direct create | p50 vs direct background+stream |")
    print("|---|---|---|---|---|---|")
    print(summary("direct SDK create", plain, base, same_work))
    print(summary("direct SDK background+stream", bg_stream, base, same_work))
    print(summary("MCP create_response, stdio", stdio_times, base, same_work))
    print(summary("MCP create_response, HTTP", http_times, base, same_work))
    for transport, (times, _) in floor.items():
        print(summary(f"floor: MCP `echo` (no work), {transport}", times, base, same_work))
    print("\n| first delta: emulator write -> client | n | p50 ms | p99 ms | mean ms |\n|---|---|---|---|---|")
    rows = [("direct SDK stream (reference)", direct_lags), ("MCP stdio", stdio_lags), ("MCP HTTP", http_lags)]
    rows += [(f"floor: one notification, server send -> client, {transport}", lags) for transport, (_, lags) in floor.items()]
    for name, lags in rows:
        print(f"| {name} | {len(lags)} | {pct(lags, .5) * 1000:.2f} | {pct(lags, .99) * 1000:.2f} | "
              f"{statistics.mean(lags) * 1000:.2f} |")
    print("\n| concurrent creates | calls | errors | seconds | calls/s | CPU s: client / bridge / emulator |")
    print("|---|---|---|---|---|---|")
    print("\n".join(bursts))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=256)
    parser.add_argument("--serve-emulator", metavar="STAMPS", help=argparse.SUPPRESS)
    parser.add_argument("--serve-floor", metavar="STAMPS", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_emulator:
        serve_emulator(args.serve_emulator)
    elif args.serve_floor:
        serve_floor(args.serve_floor, args.port)
    else:
        anyio.run(main, args.rounds, args.concurrency)
