"""End to end over streamable HTTP: the README's first command, `responses-bridge --emulator --http`, as a
subprocess, driven by the real `mcp` client."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from emulator.server import free_port
from tests.bridge.conftest import Progress, http_session

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(90)]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    cwd: Path = tmp_path_factory.mktemp("http-bridge")
    process = subprocess.Popen(
        [sys.executable, "-m", "bridge.cli", "--emulator", "--http", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=cwd,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    assert process.stdout is not None
    first_line = process.stdout.readline()
    assert url in first_line, first_line
    printed = []
    while (line := process.stdout.readline()) != "}\n":
        assert line, "the client configuration should follow the URL"
        printed.append(line)
    config = json.loads("".join(printed[printed.index("{\n"):]) + "}")
    assert config["servers"]["responses-bridge"] == {"type": "http", "url": url}
    deadline = time.monotonic() + 20
    while True:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.TransportError:
            assert time.monotonic() < deadline and process.poll() is None, "bridge did not start"
            time.sleep(0.1)
    try:
        yield url, process
    finally:
        process.terminate()
        process.wait(10)


async def test_http_create_streams_and_retrieves(served: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = served
    async with http_session(url) as session:
        names = {tool.name for tool in (await session.list_tools()).tools}
        assert {"create_response", "wait_for_response", "cancel_response"} <= names
        progress = Progress()
        created = await session.call_tool(
            "create_response",
            {"input": "Explain tides", "metadata": {"emulator_words": "50", "emulator_delay_ms": "2"}},
            progress_callback=progress,
        )
        assert not created.is_error, created.content[0].text
        body = created.structured_content
        assert "".join(progress.deltas()) == body["output_text"] and len(progress.deltas()) > 10
        again = await session.call_tool("retrieve_response", {"response_id": body["response_id"]})
        assert again.structured_content["output_text"] == body["output_text"]
        bad = await session.call_tool("list_input_items", {"response_id": body["response_id"], "order": "sideways"})
        assert bad.is_error and "order" in bad.content[0].text
        assert not (await session.call_tool("delete_response", {"response_id": body["response_id"]})).is_error


def test_http_rejects_a_foreign_host(served: tuple[str, subprocess.Popen[str]]) -> None:
    url, process = served
    assert process.poll() is None
    response = httpx.post(url, json={}, headers={"host": "evil.example", "content-type": "application/json"})
    assert response.status_code == 421
