"""End to end over stdio: `python -m bridge.cli` as a subprocess (env pointing at a real emulator), driven
by the real `mcp` client. Also proves that a known secret never reaches the logs or the tool results."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import anyio
import openai
import pytest

from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer
from tests.bridge.conftest import WEATHER_TOOL, Progress, admin, arm_fault, bridge_env, stdio_session
from tests.contracts.loopback import serve
from tests.managed_identity import IDENTITY_HEADER, managed_identity_variables, token_endpoint

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(90)]

SECRET = "sk-e2e-known-secret-7f3a9c1d5e"
CORE_TOOLS = {
    "create_response", "submit_function_outputs", "retrieve_response", "delete_response", "cancel_response",
    "list_input_items", "compact_response", "wait_for_response", "resume_response_stream",
}


@pytest.fixture(scope="module")
def secret_emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig(api_keys=(SECRET,))) as server:
        yield server


async def test_stdio_tour_without_leaking_the_key(secret_emulator: EmulatorServer, tmp_path: Path) -> None:
    stderr_path = tmp_path / "bridge-stderr.log"
    texts: list[str] = []
    with stderr_path.open("w") as errlog:
        env = bridge_env(secret_emulator, RESPONSES_BRIDGE_TIME_BUDGET="4")
        async with stdio_session(env, errlog) as session:
            tools = {tool.name: tool for tool in (await session.list_tools()).tools}
            assert CORE_TOOLS <= set(tools)
            assert all(tools[name].output_schema and tools[name].annotations for name in CORE_TOOLS)
            assert tools["delete_response"].annotations.destructive_hint is True
            assert tools["retrieve_response"].annotations.read_only_hint is True

            progress = Progress()
            created = await session.call_tool(
                "create_response",
                {"input": "Describe a harbour at dawn", "metadata": {"emulator_words": "40", "emulator_delay_ms": "2"}},
                progress_callback=progress,
            )
            assert not created.is_error, created.content[0].text
            body = created.structured_content
            assert body["status"] == "completed" and "".join(progress.deltas()) == body["output_text"]

            calls = await session.call_tool(
                "create_response", {"input": "What is the weather in San Francisco?", "tools": [WEATHER_TOOL]}
            )
            call = calls.structured_content["function_calls"][0]
            answered = await session.call_tool(
                "submit_function_outputs",
                {
                    "previous_response_id": calls.structured_content["response_id"],
                    "outputs": [{"call_id": call["call_id"], "output": json.dumps({"temperature": "70 F"})}],
                },
            )
            assert not answered.is_error and "70 F" in answered.structured_content["output_text"]

            items = await session.call_tool("list_input_items", {"response_id": body["response_id"]})
            assert "harbour" in items.content[0].text

            # Malformed arguments and upstream failures: clear errors, the server keeps running.
            bad = await session.call_tool("create_response", {"input": {"not": "valid"}})
            assert bad.is_error and "input" in bad.content[0].text
            missing = await session.call_tool("create_response", {"input": "Hi", "model": "missing-deployment"})
            assert missing.is_error and "deployment name" in missing.content[0].text
            gone = await session.call_tool("retrieve_response", {"response_id": "resp_does_not_exist"})
            assert gone.is_error and "resp_does_not_exist" in gone.content[0].text
            assert (await session.call_tool("retrieve_response", {"response_id": body["response_id"]})).structured_content[
                "output_text"
            ] == body["output_text"]

            # Reliability over stdio: a throttled request and a cut stream recover; a long create returns
            # its job id inside the (small) budget; cancelling the MCP call cancels the upstream response.
            arm_fault(secret_emulator, "status=429;retry_after=1", path="/responses")
            throttled = await session.call_tool("create_response", {"input": "Hello after throttling"})
            assert not throttled.is_error and throttled.structured_content["status"] == "completed"
            arm_fault(secret_emulator, "cut_after=6", path="/responses")
            cut_progress = Progress()
            cut = await session.call_tool(
                "create_response",
                {"input": "A story about a mill", "metadata": {"emulator_words": "40"}},
                progress_callback=cut_progress,
            )
            assert cut.structured_content["stream"]["resumes"] >= 1
            assert "".join(cut_progress.deltas()) == cut.structured_content["output_text"]
            long = await session.call_tool(
                "create_response", {"input": "An endless essay", "metadata": {"emulator_words": "400", "emulator_delay_ms": "40"}}
            )
            assert long.structured_content["status"] in ("queued", "in_progress")
            assert "wait_for_response" in long.structured_content["next_step"]
            ids: list[str] = []

            async def watch(value: float, total: float | None, message: str | None) -> None:
                if message and "response.created id=" in message:
                    ids.append(message.split("id=")[1].split()[0])

            with anyio.move_on_after(1.0):
                await session.call_tool(
                    "create_response",
                    {"input": "Ramble", "metadata": {"emulator_words": "400", "emulator_delay_ms": "40"}},
                    progress_callback=watch,
                )
            assert ids
            status = await _wait_status(secret_emulator, ids[0], "cancelled")
            assert status == "cancelled"
            await session.call_tool("cancel_response", {"response_id": long.structured_content["response_id"]})

            for result in (created, calls, answered, items, bad, missing, gone, throttled, cut, long):
                texts.extend(block.text for block in result.content if hasattr(block, "text"))
                texts.append(json.dumps(result.structured_content))
    assert texts and not any(SECRET in text for text in texts)
    assert SECRET not in stderr_path.read_text()



async def _wait_status(emu: EmulatorServer, response_id: str, wanted: str) -> str | None:
    sdk = openai.AsyncOpenAI(base_url=emu.base_url, api_key=SECRET)
    status = None
    with anyio.move_on_after(10):
        while status != wanted:
            status = (await sdk.responses.retrieve(response_id)).status
            await anyio.sleep(0.1)
    await sdk.close()
    return status


async def test_stdio_bridge_without_a_key_signs_in_with_default_azure_credential(tmp_path: Path) -> None:
    """No API key: the real DefaultAzureCredential (managed identity, a loopback token endpoint) supplies
    the bearer token for the scope https://ai.azure.com/.default, and the token never reaches stderr."""
    calls: list[dict[str, object]] = []
    tokens: list[str] = []
    stderr_path = tmp_path / "bridge-stderr.log"
    with EmulatorServer() as emulator, serve(token_endpoint(calls, tokens)) as identity, stderr_path.open("w") as errlog:
        env = {key: value for key, value in bridge_env(emulator).items() if key != "AZURE_OPENAI_API_KEY"}
        async with stdio_session({**env, **managed_identity_variables(identity)}, errlog) as session:
            result = await session.call_tool("create_response", {"input": "Hello with managed identity"})
        log = admin(emulator, "GET", "requests")["data"]
    assert not result.is_error, result.content[0].text
    assert result.structured_content["status"] == "completed"
    assert calls and all(call["params"].get("resource") == "https://ai.azure.com" for call in calls), calls
    entra = [entry for entry in log if entry["auth"] == "entra"]
    assert entra and all(entry["status"] == 200 for entry in entra)
    logged = stderr_path.read_text()
    assert tokens and all(token not in logged for token in tokens) and IDENTITY_HEADER not in logged


async def test_stdio_entra_sign_in_failure_is_a_clear_tool_error(tmp_path: Path) -> None:
    """No API key and a managed identity that refuses (wrong IDENTITY_HEADER -> 401): the tool error says
    Entra sign-in failed, why, and what to do; stderr carries no traceback."""
    calls: list[dict[str, object]] = []
    stderr_path = tmp_path / "bridge-stderr.log"
    with EmulatorServer() as emulator, serve(token_endpoint(calls, [])) as identity, stderr_path.open("w") as errlog:
        env = {key: value for key, value in bridge_env(emulator).items() if key != "AZURE_OPENAI_API_KEY"}
        env |= {**managed_identity_variables(identity), "IDENTITY_HEADER": "not-the-right-header"}
        async with stdio_session(env, errlog) as session:
            result = await session.call_tool("create_response", {"input": "Hello"})
            retrieved = await session.call_tool("retrieve_response", {"response_id": "resp_x"})
        log = admin(emulator, "GET", "requests")["data"]
    assert calls, "the credential never asked the managed identity endpoint"
    assert not log, "no request may reach the endpoint without a token"
    for outcome in (result, retrieved):
        assert outcome.is_error and outcome.structured_content is None
        text = outcome.content[0].text
        assert text.startswith("Entra ID sign-in failed"), text
        assert "ManagedIdentityCredential" in text  # the short reason
        assert "AZURE_OPENAI_API_KEY" in text and "az login" in text and "AZURE_CLIENT_ID" in text
        assert "AZURE_OPENAI_SCOPE=https://ai.azure.com/.default" in text
        assert "not-the-right-header" not in text
    logged = stderr_path.read_text()
    assert "Traceback" not in logged and "not-the-right-header" not in logged, logged
    assert "failed to retrieve a token from the included credentials" not in logged  # the chain's long warning
    assert len(logged.splitlines()) <= 4, logged
