"""Emulator benchmark: throughput of one uvicorn worker, side by side with two reference servers.

    .venv/bin/python benchmarks/bench_emulator.py [--seconds 5] [--connections 16] [--stored 100000]

Servers (each its own process, one uvicorn worker, same settings):
- `emulator`: the real emulator app (auth on, in-memory store; SQLite for the memory run);
- `agentserver`: Microsoft's `azure-ai-agentserver-responses` host with an echo handler (TextResponse);
  needs `pip install azure-ai-agentserver-responses` (skipped with a note when missing);
- `bare`: a bare Starlette endpoint returning a fixed Response body / fixed SSE stream — the ceiling.

Workload (the same for all three, from one load generator process): POST /v1/responses with
`{"model": "gpt-4o", "input": "Hello, benchmark!"}`, as JSON (requests/s) and with `"stream": true`
(SSE events/s), from N keep-alive connections for S seconds. The load generator is raw asyncio HTTP/1.1
so that it is not the bottleneck it would be with a full client. Memory: RSS of the emulator process with
`--stored` responses created over HTTP into SQLite (`--db`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

BODY = {"model": "gpt-4o", "input": "Hello, benchmark!"}
KEY = "emulator-key"


# ---- servers ---------------------------------------------------------------------------------------------


def _bare_app() -> Any:
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
    app = {"bare": _bare_app, "agentserver": _agentserver_app}.get(kind, lambda: _emulator_app(db))()
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


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
    elapsed = time.monotonic() - started
    return {k: v / elapsed for k, v in counts.items()}


def load(port: int, body: dict[str, Any], seconds: float, connections: int) -> dict[str, float]:
    asyncio.run(_load(port, body, 1.0, connections))  # warm-up (imports, schema validators)
    return asyncio.run(_load(port, body, seconds, connections))


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
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--stored", type=int, default=100_000)
    args = parser.parse_args()
    if args.command == "serve":
        serve(args.kind, args.port, args.db)
        return

    kinds = ["emulator", "agentserver", "bare"] if _have_agentserver() else ["emulator", "bare"]
    results: dict[str, dict[str, float]] = {}
    for kind in kinds:
        process, port = start(kind)
        try:
            plain = load(port, BODY, args.seconds, args.connections)
            streamed = load(port, {**BODY, "stream": True}, args.seconds, args.connections)
            results[kind] = {"json_rps": plain["requests"], "sse_events_ps": streamed["events"],
                             "sse_rps": streamed["requests"], "errors": plain["errors"] + streamed["errors"]}
        finally:
            process.terminate()
            process.wait()
    print(f"| server | JSON creates/s | SSE events/s | SSE responses/s | errors/s |")
    print("|---|---:|---:|---:|---:|")
    for kind, r in results.items():
        print(f"| {kind} | {r['json_rps']:.0f} | {r['sse_events_ps']:.0f} | {r['sse_rps']:.0f} | {r['errors']:.1f} |")
    emu = results["emulator"]
    if "agentserver" in results:
        print(f"\nemulator / agentserver: JSON {emu['json_rps'] / results['agentserver']['json_rps']:.2f}x, "
              f"SSE events {emu['sse_events_ps'] / results['agentserver']['sse_events_ps']:.2f}x")
    print(f"emulator / bare: JSON {emu['json_rps'] / results['bare']['json_rps']:.2%}, "
          f"SSE events {emu['sse_events_ps'] / results['bare']['sse_events_ps']:.2%}")

    if args.stored:
        with tempfile.TemporaryDirectory() as tmp:
            db = os.path.join(tmp, "bench.db")
            process, port = start("emulator", db)
            try:
                before = rss_mib(process.pid)
                started = time.monotonic()
                asyncio.run(_fill(port, args.stored, args.connections))
                took = time.monotonic() - started
                after = rss_mib(process.pid)
                size = os.path.getsize(db) / 2**20
                print(f"\nmemory: {args.stored} stored responses in SQLite: RSS {before:.0f} MiB -> {after:.0f} MiB, "
                      f"db {size:.0f} MiB, filled over HTTP in {took:.0f} s ({args.stored / took:.0f}/s)")
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
