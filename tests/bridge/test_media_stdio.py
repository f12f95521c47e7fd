"""The media, approval and catalog tools over stdio: `python -m bridge.cli` as a subprocess, configured by
environment variables only, driven by the real `mcp` client (with an elicitation callback)."""

from __future__ import annotations

import base64
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.types import ElicitResult, ImageContent, ResourceLink

from emulator.server import EmulatorServer
from tests.bridge.conftest import bridge_env
from tests.bridge.media_harness import structured, text_of
from tests.bridge.media_samples import image_size, make_image, make_pdf

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

PDF_TEXT = "Top-p sampling truncates the tail of the distribution."
MCP_TOOL = {
    "type": "mcp",
    "server_label": "docs",
    "server_url": "https://contoso.com/org/specs",
    "require_approval": "always",
}


async def test_media_approvals_and_catalog_over_stdio(emulator: EmulatorServer, tmp_path: Path) -> None:
    files, out = tmp_path / "files", tmp_path / "out"
    files.mkdir()
    (files / "paper.pdf").write_bytes(make_pdf(PDF_TEXT))
    (files / "diagram.webp").write_bytes(make_image(40, 30, "WEBP"))
    asked: list[str] = []

    async def approve(context: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"approve": True})

    env = bridge_env(
        emulator, RESPONSES_BRIDGE_ALLOWED_ROOTS=str(files), RESPONSES_BRIDGE_OUTPUT_DIR=str(out), PYTHONUNBUFFERED="1"
    )
    params = StdioServerParameters(command=sys.executable, args=["-m", "bridge.cli"], env=env, cwd=tmp_path)
    with (tmp_path / "stderr.log").open("w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write):
            async with ClientSession(read, write, elicitation_callback=approve) as session:
                await session.initialize()
                names = {tool.name for tool in (await session.list_tools()).tools}
                assert {"upload_file", "ask_about_files", "describe_image", "generate_image", "approve_mcp_request",
                        "check_endpoint"} <= names

                upload = structured(await session.call_tool("upload_file", {"path": "paper.pdf"}))
                answer = structured(
                    await session.call_tool(
                        "ask_about_files", {"prompt": "Summarize this PDF.", "attachments": [upload["file_id"]]}
                    )
                )
                assert PDF_TEXT in answer["output_text"]

                seen = structured(await session.call_tool("describe_image", {"image": "diagram.webp"}))
                assert "WEBP" in seen["output_text"] and "40x30" in seen["output_text"]

                escape = await session.call_tool("upload_file", {"path": "../stderr.log"})
                assert escape.is_error and "path: ../stderr.log is outside the allowed roots" in text_of(escape)

                generated = await session.call_tool("generate_image", {"prompt": "A lighthouse at dusk."})
                [image] = structured(generated)["images"]
                thumb = next(b for b in generated.content if isinstance(b, ImageContent))
                link = next(b for b in generated.content if isinstance(b, ResourceLink))
                read = await session.read_resource(link.uri)

                approved = structured(
                    await session.call_tool(
                        "create_response", {"input": "Search the docs for transport options.", "tools": [MCP_TOOL]}
                    )
                )
                catalog = await session.read_resource("catalog://2026-05/regions")
                check = structured(await session.call_tool("check_endpoint", {}))

    assert len(base64.b64decode(thumb.data)) < 100 * 1024
    png = Path(image["path"]).read_bytes()
    assert Path(image["path"]).parent == out.resolve() and image_size(png)[0] == "PNG"
    assert base64.b64decode(read.contents[0].blob) == png  # type: ignore[union-attr]
    assert len(asked) == 1 and "'docs'" in asked[0]
    assert approved["approval_requests"] == [] and any(i["type"] == "mcp_call" for i in approved["output"])
    assert "swedencentral" in catalog.contents[0].text  # type: ignore[union-attr]
    assert check["documented"] is True and check["region"]["value"] == "swedencentral"
