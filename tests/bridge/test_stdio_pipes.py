"""The stdio transport on asyncio pipes (`bridge.stdio_pipes`), spoken to line by line as a client does.
Every stdio e2e test also runs on it; this one checks the raw wire: one JSON-RPC message per line, nothing
else on stdout, answers in order, and a clean exit when the client closes stdin."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bridge.stdio_pipes import _LineReader
from emulator.server import EmulatorServer
from tests.bridge.conftest import INIT, bridge_env

pytestmark = pytest.mark.timeout(60)

INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
RETRIEVE_MISSING = {
    "jsonrpc": "2.0",
    "id": 2,
    "method": "tools/call",
    "params": {"name": "retrieve_response", "arguments": {"response_id": "resp_missing"}},
}


def test_the_pipe_transport_speaks_one_message_per_line(emulator: EmulatorServer, tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "bridge.cli"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=bridge_env(emulator),
        cwd=tmp_path,
    )
    assert server.stdin is not None and server.stdout is not None
    try:
        server.stdin.write((json.dumps(INIT) + "\n").encode())
        server.stdin.flush()
        init = json.loads(server.stdout.readline())
        assert init["id"] == 1 and init["result"]["serverInfo"]["name"] == "responses-bridge"
        server.stdin.write((json.dumps(INITIALIZED) + "\n" + json.dumps(RETRIEVE_MISSING) + "\n").encode())
        server.stdin.flush()
        answer = json.loads(server.stdout.readline())
        assert answer["id"] == 2 and answer["result"]["isError"] is True
        assert "404" in answer["result"]["content"][0]["text"]
        server.stdin.close()
        assert server.wait(20) == 0
        assert server.stdout.read() == b""  # nothing but JSON-RPC lines ever reached stdout
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


@pytest.mark.anyio
async def test_an_overlong_line_is_dropped_and_the_next_one_read() -> None:
    reader = asyncio.StreamReader(limit=16)
    reader.feed_data(b'{"too": "long for the limit"}\n{"id": 2}\n')
    reader.feed_eof()
    lines = [line async for line in _LineReader(reader)]
    # The SDK answers the unparsable stand-in with a parse error; the next message still arrives.
    assert lines == ["\n", '{"id": 2}\n']
