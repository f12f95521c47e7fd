"""Emulator benchmark: throughput of one uvicorn worker, side by side with two reference servers.

    .venv/bin/python benchmarks/bench_emulator.py [--seconds 5] [--rounds 3] [--connections 16] [--stored 100000]
    .venv/bin/python benchmarks/bench_emulator.py in-process [--creates 1500]

Servers (each its own process, one uvicorn worker, identical settings: `UVICORN_SETTINGS`):
- `emulator`: the real emulator app (auth on, in-memory store; SQLite for the memory run);
- `agentserver`: Microsoft's `azure-ai-agentserver-responses` host with an echo handler (TextResponse);
  needs `pip install azure-ai-agentserver-responses` (skipped with a note when missing);
- `bare`: a bare Starlette endpoint returning a fixed Response body / fixed SSE stream, one write per
  event — the ceiling the issue names;
- `bare-one-write`: the same, but the fixed SSE stream goes out as one body (the emulator writes all the
  events it has ready in one message, so this is the like-for-like ceiling for its streams).
- `bare-azure`: `bare-one-write` behind the emulator's own middleware (emulator.middleware: request ids,
  `x-ms-region` and rate-limit headers, api-key check, request log) and nothing else: what answering with
  the headers and auth the issue requires costs, before any request is read or answered for real. The
  emulator cannot beat it, so `bare-azure / bare` bounds `emulator / bare`.

Workload (the same for all three, from one load generator process): POST /v1/responses with
`{"model": "gpt-4o", "input": "Hello, benchmark!"}`, as JSON (requests/s) and with `"stream": true`
(SSE events/s), from N keep-alive connections for S seconds. The load generator is raw asyncio HTTP/1.1
so that it is not the bottleneck it would be with a full client. All servers run at once and the rounds
interleave them (round 1: emulator, agentserver, bare; round 2: ...), so a change in the machine's load hits
every server alike; the table shows each server's median over the rounds. `CPU us/req` is the server
process's user+system CPU time per answered request (from /proc), which the load of other processes on a
shared machine disturbs less than throughput. Memory: RSS of the emulator process with `--stored`
responses created over HTTP into SQLite (`--db`).

`in-process` calls the emulator's ASGI app directly (no socket, no HTTP parsing) and prints its CPU time per
create, JSON and streamed (best of 5 batches): the emulator's own cost, without uvicorn's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

BODY = {"model": "gpt-4o", "input": "Hello, benchmark!"}
KEY = "emulator-key"
# Pinned so that every server runs on the same stack whatever else is installed (these are what uvicorn's
# "auto" picks in this project's environment: no uvloop, no httptools).
UVICORN_SETTINGS: dict[str, Any] = {"loop": "asyncio", "http": "h11", "workers": 1, "access_log": False,
                                    "log_level": "error"}


# ---- servers ---------------------------------------------------------------------------------------------


def _bare_azure_app() -> Any:
    from emulator.config import EmulatorConfig
    from emulator.middleware import EmulatorMiddleware
    from emulator.state import EmulatorState

    return EmulatorMiddleware(_bare_app(one_write=True), EmulatorState.from_config(EmulatorConfig()))


def _bare_app(one_write: bool = False) -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response, StreamingResponse
    from starlette.routing import Route

    from emulator.config import EmulatorConfig
    from emulator.server import EmulatorServer
    import httpx

    # Fixed bodies captured once from the emulator itself, so every server sends the same bytes.
    with EmulatorServer(EmulatorConfig()) as server:
        headers = {"api-key": KEY}
        json_body = httpx.post(server.openai_base_url + "responses", headers=headers, json=BODY).content
        sse_body = httpx.post(server.openai_base_url + "responses", headers=headers, json={**BODY, "stream": True}).content

    async def create(request: Request) -> Response:
        body = await request.json()
        if body.get("stream") and one_write:
            return Response(sse_body, media_type="text/event-stream")
        if body.get("stream"):
            async def frames() -> Any:
                for frame in sse_body.split(b"\n\n"):
                    if frame:
                        yield frame + b"\n\n"
            return StreamingResponse(frames(), media_type="text/event-stream")
        return Response(json_body, media_type="application/json")

    return Starlette(routes=[Route("/v1/responses", create, methods=["POST"])])


def _agentserver_app() -> Any:
    from azure.ai.agentserver.responses import InMemoryResponseProvider, ResponsesAgentServerHost, TextResponse

    app = ResponsesAgentServerHost(prefix="/v1", store=InMemoryResponseProvider(), configure_observability=None)

    @app.response_handler
    async def echo(request: Any, context: Any, cancellation_signal: Any) -> Any:
        raw = request.get("input") if isinstance(request, dict) else getattr(request, "input", None)
        text = raw if isinstance(raw, str) else "echo"
        return TextResponse(context, request, text=f'You said: "{text}".')

    return app


def _emulator_app(db: str | None) -> Any:
    from emulator.app import create_app
    from emulator.config import EmulatorConfig

    return create_app(EmulatorConfig(db_path=db))


def serve(kind: str, port: int, db: str | None) -> None:
    import logging

    import uvicorn

    logging.disable(logging.WARNING)  # the agentserver host logs experimental-API warnings per request
    app = {"bare": _bare_app, "bare-one-write": lambda: _bare_app(True), "bare-azure": _bare_azure_app,
           "agentserver": _agentserver_app}.get(kind, lambda: _emulator_app(db))()
    uvicorn.run(app, host="127.0.0.1", port=port, **UVICORN_SETTINGS)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(kind: str, db: str | None = None) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    args = [sys.executable, __file__, "serve", "--kind", kind, "--port", str(port)] + (["--db", db] if db else [])
    process = subprocess.Popen(args, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{kind} server exited with {process.returncode}")
            time.sleep(0.1)
    raise RuntimeError(f"{kind} server did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


# ---- load generator ---------------------------------------------------------------------------------------


def _request(port: int, body: dict[str, Any]) -> bytes:
    payload = json.dumps(body).encode()
    head = (
        f"POST /v1/responses HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"api-key: {KEY}\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        return status, await reader.readexactly(int(headers["content-length"]))
    body = bytearray()
    while True:  # chunked
        size = int((await reader.readuntil(b"\r\n")).strip(), 16)
        chunk = await reader.readexactly(size + 2)
        if size == 0:
            return status, bytes(body)
        body += chunk[:-2]


async def _worker(port: int, request: bytes, until: float, counts: dict[str, int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < until:
            writer.write(request)
            status, body = await _read_response(reader)
            if status != 200:
                counts["errors"] += 1
                continue
            counts["requests"] += 1
            counts["events"] += body.count(b"\n\n")
    finally:
        writer.close()


async def _load(port: int, body: dict[str, Any], seconds: float, connections: int) -> dict[str, float]:
    counts = {"requests": 0, "events": 0, "errors": 0}
    request = _request(port, body)
    started = time.monotonic()
    await asyncio.gather(*(_worker(port, request, started + seconds, counts) for _ in range(connections)))
    return {**counts, "elapsed": time.monotonic() - started}


def load(pid: int, port: int, body: dict[str, Any], seconds: float, connections: int) -> dict[str, float]:
    """Rates per second of requests, events and errors, and the server's CPU microseconds per request."""
    cpu = cpu_seconds(pid)
    counts = asyncio.run(_load(port, body, seconds, connections))
    used = cpu_seconds(pid) - cpu
    rates = {k: counts[k] / counts["elapsed"] for k in ("requests", "events", "errors")}
    return {**rates, "cpu_us": used / counts["requests"] * 1e6 if counts["requests"] else float("nan")}


# ---- in process -------------------------------------------------------------------------------------------


async def _asgi_create(app: Any, body: bytes) -> None:
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
        "path": "/v1/responses", "raw_path": b"/v1/responses", "query_string": b"", "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"), (b"api-key", KEY.encode()),
                    (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 2),
    }
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            await asyncio.Event().wait()  # no disconnect: the response finishes first
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        pass

    await app(scope, receive, send)


async def _in_process(creates: int) -> None:
    app = _emulator_app(None)
    async with app.router.lifespan_context(app):
        for name, body in (("JSON", BODY), ("streamed", {**BODY, "stream": True})):
            payload = json.dumps(body).encode()
            for _ in range(200):
                await _asgi_create(app, payload)
            batches = []
            for _ in range(5):
                cpu = time.process_time()
                for _ in range(creates):
                    await _asgi_create(app, payload)
                batches.append((time.process_time() - cpu) / creates * 1e6)
            print(f"{name} create, in process: {min(batches):.0f} us CPU (batches: "
                  + ", ".join(f"{b:.0f}" for b in batches) + ")")


# ---- main -------------------------------------------------------------------------------------------------


def _have_agentserver() -> bool:
    try:
        import azure.ai.agentserver.responses  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    srv = sub.add_parser("serve")
    srv.add_argument("--kind", required=True)
    srv.add_argument("--port", type=int, required=True)
    srv.add_argument("--db")
    inproc = sub.add_parser("in-process")
    inproc.add_argument("--creates", type=int, default=1500)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--stored", type=int, default=100_000)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.kind, args.port, args.db)
        return
    if args.command == "in-process":
        asyncio.run(_in_process(args.creates))
        return
    load_average = f"{os.getloadavg()[0]:.1f}"
    if args.rounds > 0:
        compare(args, load_average)
    if args.stored:
        measure_memory(args.stored, args.connections)


def compare(args: argparse.Namespace, load_average: str) -> None:
    """The side-by-side table (see the module docstring)."""
    kinds = ["emulator", "agentserver", "bare", "bare-one-write", "bare-azure"]
    if not _have_agentserver():
        kinds.remove("agentserver")
    servers: dict[str, tuple[subprocess.Popen[bytes], int]] = {}
    rounds: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    try:
        for kind in kinds:
            servers[kind] = start(kind)
        for kind, (process, port) in servers.items():  # warm-up (imports, schema validators, first requests)
            load(process.pid, port, BODY, 1.0, args.connections)
            load(process.pid, port, {**BODY, "stream": True}, 1.0, args.connections)
        for _ in range(args.rounds):
            for kind, (process, port) in servers.items():
                plain = load(process.pid, port, BODY, args.seconds, args.connections)
                streamed = load(process.pid, port, {**BODY, "stream": True}, args.seconds, args.connections)
                rounds[kind].append({
                    "json_rps": plain["requests"], "json_cpu_us": plain["cpu_us"], "sse_events_ps": streamed["events"],
                    "sse_rps": streamed["requests"], "sse_cpu_us": streamed["cpu_us"],
                    "errors": plain["errors"] + streamed["errors"],
                })
    finally:
        for process, _ in servers.values():
            process.terminate()
            process.wait()
    results = {kind: {k: statistics.median(r[k] for r in runs) for k in runs[0]} for kind, runs in rounds.items()}
    print(f"load average before/after: {load_average}, {os.getloadavg()[0]:.1f}; medians of {args.rounds} rounds")
    print("| server | JSON creates/s | JSON CPU us/req | SSE events/s | SSE responses/s | SSE CPU us/req | errors/s |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for kind, r in results.items():
        print(f"| {kind} | {r['json_rps']:.0f} | {r['json_cpu_us']:.0f} | {r['sse_events_ps']:.0f} | "
              f"{r['sse_rps']:.0f} | {r['sse_cpu_us']:.0f} | {r['errors']:.1f} |")
    for kind, runs in rounds.items():
        print(f"{kind} per round: JSON " + ", ".join(f"{r['json_rps']:.0f}" for r in runs)
              + "; SSE events " + ", ".join(f"{r['sse_events_ps']:.0f}" for r in runs))
    emu, bare = results["emulator"], results["bare"]
    if "agentserver" in results:
        agent = results["agentserver"]
        print(f"\nemulator / agentserver: JSON {emu['json_rps'] / agent['json_rps']:.2f}x, "
              f"SSE events {emu['sse_events_ps'] / agent['sse_events_ps']:.2f}x")
    print(f"emulator / bare: JSON {emu['json_rps'] / bare['json_rps']:.2%}, "
          f"SSE events {emu['sse_events_ps'] / bare['sse_events_ps']:.2%}; "
          f"by server CPU per request: JSON {bare['json_cpu_us'] / emu['json_cpu_us']:.2%}, "
          f"SSE {bare['sse_cpu_us'] / emu['sse_cpu_us']:.2%}")
    one = results["bare-one-write"]
    print(f"emulator / bare-one-write: SSE events {emu['sse_events_ps'] / one['sse_events_ps']:.2%}; "
          f"by server CPU per request {one['sse_cpu_us'] / emu['sse_cpu_us']:.2%}")
    azure = results["bare-azure"]
    print(f"bare-azure / bare (the bound for emulator / bare): JSON {azure['json_rps'] / bare['json_rps']:.2%}, "
          f"by server CPU per request {bare['json_cpu_us'] / azure['json_cpu_us']:.2%}; "
          f"emulator / bare-azure: JSON {emu['json_rps'] / azure['json_rps']:.2%}")



def measure_memory(stored: int, connections: int) -> None:
    """RSS of an emulator with `stored` responses created over HTTP into SQLite."""
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "bench.db")
        process, port = start("emulator", db)
        try:
            before = rss_mib(process.pid)
            started = time.monotonic()
            asyncio.run(_fill(port, stored, connections))
            took = time.monotonic() - started
            after = rss_mib(process.pid)
            size = os.path.getsize(db) / 2**20
            print(f"\nmemory: {stored} stored responses in SQLite: RSS {before:.0f} MiB -> {after:.0f} MiB, "
                  f"db {size:.0f} MiB, filled over HTTP in {took:.0f} s ({stored / took:.0f}/s)")
        finally:
            process.terminate()
            process.wait()


async def _fill(port: int, total: int, connections: int) -> None:
    remaining = [total]

    async def worker() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        request = _request(port, BODY)
        while remaining[0] > 0:
            remaining[0] -= 1
            writer.write(request)
            status, _ = await _read_response(reader)
            assert status == 200, status
        writer.close()

    await asyncio.gather(*(worker() for _ in range(connections)))


if __name__ == "__main__":
    main()
