"""Tool errors must stay valid for clients that check structuredContent against the tool's output schema
even when isError is set (the MCP inspector does; the spec says structured results MUST conform). The
Python client skips that check for errors, so these tests run it themselves with jsonschema."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from jsonschema.validators import validator_for
from mcp.client.session import ClientSession

from emulator.server import EmulatorServer
from tests.bridge.conftest import BridgeHTTPServer, http_session, settings_for

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]


async def _check(session: ClientSession, schemas: dict[str, dict[str, Any] | None], tool: str, args: dict[str, Any]) -> str:
    """Call `tool`, expect an error, and check that its structuredContent is absent or fits the schema."""
    result = await session.call_tool(tool, args)
    assert result.is_error, f"{tool} {args} did not fail"
    schema = schemas[tool]
    assert schema is not None, f"{tool} declares no output schema"
    if result.structured_content is not None:
        errors = [error.message for error in validator_for(schema)(schema).iter_errors(result.structured_content)]
        assert not errors, f"{tool}: structuredContent of an error breaks its output schema: {errors}"
    return result.content[0].text


async def test_tool_errors_conform_to_each_tools_output_schema(emulator: EmulatorServer, tmp_path: Path) -> None:
    outside = tmp_path.parent / f"{tmp_path.name}-outside.pdf"
    outside.write_bytes(b"%PDF-1.4\n")
    root = tmp_path / "root"
    root.mkdir()
    with BridgeHTTPServer(settings_for(emulator, responses_bridge_allowed_roots=[root])) as bridge:
        async with http_session(bridge.url) as session:
            schemas = {tool.name: tool.output_schema for tool in (await session.list_tools()).tools}
            # 404s from the endpoint, for tools with three different output schemas.
            for tool in ("retrieve_response", "delete_response", "list_input_items"):
                text = await _check(session, schemas, tool, {"response_id": "resp_does_not_exist"})
                assert "404" in text and "resp_does_not_exist" in text
            # Missing input: the bridge's own check, and the framework's argument validation.
            assert "`input` is required" in await _check(session, schemas, "create_response", {})
            assert "previous_response_id" in await _check(session, schemas, "compact_response", {})
            assert "response_id" in await _check(session, schemas, "retrieve_response", {})
            # A path outside the allowed roots, for three tools.
            assert "outside the allowed roots" in await _check(session, schemas, "upload_file", {"path": str(outside)})
            for tool, args in (
                ("ask_about_files", {"prompt": "Summarize", "attachments": [str(outside)]}),
                ("describe_image", {"image": str(outside)}),
            ):
                assert "outside the allowed roots" in await _check(session, schemas, tool, args)
    with BridgeHTTPServer(settings_for(emulator, azure_openai_api_key="wrong-key")) as wrong:
        async with http_session(wrong.url) as session:
            schemas = {tool.name: tool.output_schema for tool in (await session.list_tools()).tools}
            for tool, args in (
                ("create_response", {"input": "Hi"}),
                ("retrieve_response", {"response_id": "resp_x"}),
                ("compact_response", {"input": "Hi"}),
            ):
                assert "401" in await _check(session, schemas, tool, args)
