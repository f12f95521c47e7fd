"""A 404 (or a refused image deployment) gets the advice that fits what was asked: a response id, a file
id, the deployment, the image deployment, compaction on the older API, or the model in OpenAI mode."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from mcp.client.session import ClientSession

from bridge.settings import Settings
from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer
from tests.bridge.conftest import BridgeHTTPServer, http_session, settings_for

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

DEPLOYMENT = "names a deployment of this resource"
RESPONSE_ID = "Check the response id"
FILE_ID = "Check the file id"


@pytest.fixture(scope="module")
def bridge(emulator: EmulatorServer) -> Iterator[BridgeHTTPServer]:
    with BridgeHTTPServer(settings_for(emulator)) as server:
        yield server


async def _error(session: ClientSession, tool: str, args: dict[str, object]) -> str:
    result = await session.call_tool(tool, args)
    assert result.is_error, result.content
    return result.content[0].text  # type: ignore[union-attr]


async def test_advice_fits_what_was_missing(bridge: BridgeHTTPServer) -> None:
    async with http_session(bridge.url) as session:
        for tool in ("retrieve_response", "delete_response", "cancel_response", "list_input_items"):
            text = await _error(session, tool, {"response_id": "resp_missing"})
            assert "404" in text and RESPONSE_ID in text and DEPLOYMENT not in text, text
        deployment = await _error(session, "create_response", {"input": "Hi", "model": "no-such-deployment"})
        assert DEPLOYMENT in deployment and "AZURE_OPENAI_DEPLOYMENT" in deployment and RESPONSE_ID not in deployment
        for tool, args in (
            ("ask_about_files", {"prompt": "Summarize", "attachments": ["file-missing"]}),
            (
                "create_response",
                {"input": [{"role": "user", "content": [{"type": "input_file", "file_id": "file-missing"}]}]},
            ),
        ):
            text = await _error(session, tool, args)
            assert "404" in text and FILE_ID in text and DEPLOYMENT not in text, text


async def test_a_refused_image_deployment_names_its_variable(emulator: EmulatorServer) -> None:
    with BridgeHTTPServer(settings_for(emulator, azure_openai_image_deployment="no-such-image-model")) as bridge:
        async with http_session(bridge.url) as session:
            text = await _error(session, "generate_image", {"prompt": "A lighthouse"})
    assert "AZURE_OPENAI_IMAGE_DEPLOYMENT" in text and "no-such-image-model" in text, text


async def test_compaction_refused_by_the_older_api_says_so() -> None:
    with EmulatorServer(EmulatorConfig(snapshot="2025-12")) as older, BridgeHTTPServer(settings_for(older)) as bridge:
        async with http_session(bridge.url) as session:
            text = await _error(session, "compact_response", {"input": "A long conversation"})
    assert "does not serve POST /responses/compact" in text and "unsupported" in text and DEPLOYMENT not in text


async def test_openai_mode_names_what_applies_there(emulator: EmulatorServer) -> None:
    settings = Settings(openai_api_key="emulator-key", openai_base_url=emulator.openai_base_url)
    with BridgeHTTPServer(settings) as bridge:
        async with http_session(bridge.url) as session:
            unset = await _error(session, "create_response", {"input": "Hi"})
            for tool in ("compact_response", "check_endpoint"):
                assert "OPENAI_MODEL" in await _error(session, tool, {"input": "Hi"} if tool == "compact_response" else {})
    assert "pass the OpenAI model name as `model`" in unset and "OPENAI_MODEL" in unset
    assert "AZURE_OPENAI_DEPLOYMENT" not in unset
    with BridgeHTTPServer(settings.model_copy(update={"openai_model": "gpt-4o"})) as bridge:
        async with http_session(bridge.url) as session:
            result = await session.call_tool("create_response", {"input": "Hi"})
    assert not result.is_error and result.structured_content["model"].startswith("gpt-4o")


async def test_an_unknown_openai_model_gets_openai_advice() -> None:
    with EmulatorServer(EmulatorConfig(azure_mode=False)) as openai_style:
        settings = Settings(openai_api_key="emulator-key", openai_base_url=openai_style.openai_base_url)
        with BridgeHTTPServer(settings) as bridge:
            async with http_session(bridge.url) as session:
                text = await _error(session, "create_response", {"input": "Hi", "model": "no-such-model"})
    assert "404" in text and "model_not_found" in text and "OPENAI_MODEL" in text, text
    assert "AZURE_OPENAI_DEPLOYMENT" not in text and "deployment" not in text
