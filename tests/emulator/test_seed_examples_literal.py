"""Seed examples run as written (only the base URL, the key and the deployment names changed), where the
other tests exercise the same feature with a different shape: the Entra token-provider client of the image
examples, the server-side compaction loop, the MCP headers example, the Dutch code interpreter example and
the Czech function-calling follow-up without tools."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from azure.identity import DefaultAzureCredential, get_bearer_token_provider
from PIL import Image

from emulator.server import EmulatorServer
from tests.contracts.loopback import serve
from tests.managed_identity import OTHER_CREDENTIAL_VARIABLES, managed_identity_variables, token_endpoint

from .conftest import Recorder, make_client

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def managed_identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict[str, Any]]]:
    """DefaultAzureCredential pointed at a loopback managed identity endpoint; yields the token requests."""
    calls: list[dict[str, Any]] = []
    with serve(token_endpoint(calls, [])) as root:
        for name in OTHER_CREDENTIAL_VARIABLES:
            monkeypatch.delenv(name, raising=False)
        for name, value in managed_identity_variables(root).items():
            monkeypatch.setenv(name, value)
        yield calls


@pytest.mark.parametrize(
    "scope", ["https://ai.azure.com/.default", "https://cognitiveservices.azure.com/.default"], ids=["nl", "cs"]
)
def test_image_generation_with_a_token_provider_as_api_key(
    emulator: EmulatorServer, recorded: Recorder, managed_identity: list[dict[str, Any]], scope: str
) -> None:
    # The Dutch page's scope, then the Czech page's; both pass the provider itself (a callable) as api_key.
    token_provider = get_bearer_token_provider(DefaultAzureCredential(), scope)
    client = make_client(
        emulator, recorded, api_key=token_provider,  # type: ignore[arg-type]
        default_headers={"x-ms-oai-image-generation-deployment": "gpt-image-1", "api_version": "preview"},
    )
    response = client.responses.create(
        model="gpt-4o",
        input="Generate an image of a gray tabby cat hugging an otter with an orange scarf.",
        tools=[{"type": "image_generation"}],
    )
    image_data = [output.result for output in response.output if output.type == "image_generation_call"]
    assert image_data and image_data[0]
    image = Image.open(io.BytesIO(base64.b64decode(image_data[0])))
    assert image.format == "PNG"
    assert managed_identity and managed_identity[-1]["params"]["resource"] == scope.removesuffix("/.default")


def test_server_side_compaction_loop_as_written(client: openai.OpenAI) -> None:
    # The Dutch page's loop: store=False, threshold 200000, only new user messages appended to `conversation`.
    conversation: list[Any] = [{"type": "message", "role": "user", "content": "Let's begin a long coding task."}]
    next_inputs = iter(["Write the parser first.", "Now the tests.", "Summarise what we built."])
    answers = []
    keep_going = True
    while keep_going:
        response = client.responses.create(
            model="gpt-4o",
            input=conversation,
            store=False,
            context_management=[{"type": "compaction", "compact_threshold": 200000}],
        )
        answers.append(response)
        text = next(next_inputs, None)
        keep_going = text is not None
        if keep_going:
            conversation.append({"type": "message", "role": "user", "content": text})
    assert [r.status for r in answers] == ["completed"] * 4
    # Far below the threshold: no compaction item, and every turn sees the whole conversation so far.
    assert all(item.type != "compaction" for r in answers for item in r.output)
    assert "Write the parser first." in answers[-1].output_text and "Summarise what we built." in answers[-1].output_text
    assert answers[-1].usage is not None and answers[-1].usage.input_tokens > answers[0].usage.input_tokens


def test_mcp_tool_with_headers_and_no_approval_setting(client: openai.OpenAI) -> None:
    # The Dutch "authentication" example leaves require_approval out: the call waits for an approval.
    response = client.responses.create(
        model="gpt-4o",
        input="What is this repo in 100 words?",
        tools=[
            {
                "type": "mcp",
                "server_label": "github",
                "server_url": "https://contoso.com/Azure/azure-rest-api-specs",
                "headers": {"Authorization": "Bearer $YOUR_MCP_TOKEN"},
            }
        ],
    )
    assert response.output_text == ""
    requests = [item for item in response.output if item.type == "mcp_approval_request"]
    assert len(requests) == 1 and requests[0].server_label == "github"
    # The header value is a credential for the MCP server: it must not be echoed back.
    assert "$YOUR_MCP_TOKEN" not in response.model_dump_json()


def test_dutch_code_interpreter_example(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4o",
        tools=[{"type": "code_interpreter", "container": {"type": "auto"}}],
        instructions="You are a math tutor. Write and run Python code to solve math problems.",
        input="Solve 3x + 11 = 14.",
    )
    calls = [item for item in response.output if item.type == "code_interpreter_call"]
    assert len(calls) == 1 and calls[0].container_id and calls[0].code
    assert "x = 1" in response.output_text


def test_czech_function_calling_follow_up_without_tools(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4o",
        tools=[
            {
                "type": "function",
                "name": "get_weather",
                "description": "Get the weather for a location",
                "parameters": {
                    "type": "object",
                    "properties": {"location": {"type": "string"}},
                    "required": ["location"],
                },
            }
        ],
        input=[{"role": "user", "content": "What's the weather in San Francisco?"}],
    )
    input = []
    for output in response.output:
        if output.type == "function_call":
            match output.name:
                case "get_weather":
                    input.append(
                        {"type": "function_call_output", "call_id": output.call_id,
                         "output": '{"temperature": "70 degrees"}'}
                    )
                case _:
                    raise ValueError(f"Unknown function call: {output.name}")
    assert input, "the first response should have called get_weather"
    second_response = client.responses.create(model="gpt-4o", previous_response_id=response.id, input=input)
    assert second_response.status == "completed"
    assert "70 degrees" in second_response.output_text
