"""The seeds' tool examples through the official openai SDK against a running emulator."""

from __future__ import annotations

import base64
import io
import json

import openai
import pytest
from PIL import Image

from emulator.server import EmulatorServer

from contracts.scenarios.tools import WEATHER_TOOL  # the docs' function-calling example

from .conftest import Recorder, make_client

pytestmark = pytest.mark.timeout(60)

MCP_TOOL = {
    "type": "mcp",
    "server_label": "github",
    "server_url": "https://contoso.com/Azure/azure-rest-api-specs",
    "require_approval": "never",
}
OTTER = "Generate an image of gray tabby cat hugging an otter with an orange scarf"


def test_function_calling_round_trip_as_in_the_seed(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4o",
        tools=[WEATHER_TOOL],
        input="What is the weather in San Francisco?",
    )
    tool_outputs = []
    for item in response.output:
        if item.type == "function_call" and item.name == "get_weather":
            args = json.loads(item.arguments)
            weather = {"location": args["location"], "temperature": "70 F"}
            tool_outputs.append({"type": "function_call_output", "call_id": item.call_id, "output": json.dumps(weather)})
    assert len(tool_outputs) == 1 and json.loads(tool_outputs[0]["output"])["location"] == "San Francisco"
    final_response = client.responses.create(model="gpt-4o", previous_response_id=response.id, input=tool_outputs)
    assert "70 F" in final_response.output_text and "San Francisco" in final_response.output_text


def test_function_output_for_an_unknown_call_is_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.responses.create(
            model="gpt-4o",
            tools=[WEATHER_TOOL],
            input=[{"type": "function_call_output", "call_id": "call_unknown", "output": "{}"}],
        )
    assert isinstance(err.value.body, dict) and err.value.body["param"] == "input[0].call_id"


def test_code_interpreter_math_tutor(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4.1",
        tools=[{"type": "code_interpreter", "container": {"type": "auto"}}],
        instructions="You are a personal math tutor. When asked a math question, write and run code using the python tool to answer the question.",
        input="I need to solve the equation 3x + 11 = 14. Can you help me?",
    )
    [call] = [item for item in response.output if item.type == "code_interpreter_call"]
    assert call.container_id.startswith("cntr_") and call.code and "3" in call.code
    assert "x = 1" in response.output_text and call.container_id in response.output_text
    again = client.responses.create(
        model="gpt-4.1",
        tools=[{"type": "code_interpreter", "container": {"type": "auto"}}],
        previous_response_id=response.id,
        input="Now solve 2y - 4 = y + 3.",
    )
    [second] = [item for item in again.output if item.type == "code_interpreter_call"]
    assert second.container_id == call.container_id and "y = 7" in again.output_text


def test_mcp_without_approval_never_contacts_the_server(client: openai.OpenAI) -> None:
    tool = {**MCP_TOOL, "headers": {"Authorization": "Bearer MCP-SECRET-123"}}
    response = client.responses.create(
        model="gpt-4.1",
        tools=[tool],  # type: ignore[list-item]
        input="What transport protocols are supported in the 2025-03-26 version of the MCP spec?",
    )
    types = [item.type for item in response.output]
    assert types[:2] == ["mcp_list_tools", "mcp_call"] and types[-1] == "message"
    call = response.output[1]
    assert call.type == "mcp_call" and call.server_label == "github" and "emulated" in (call.output or "")
    assert "emulated" in response.output_text
    stored = client.responses.retrieve(response.id)
    assert "MCP-SECRET-123" not in response.model_dump_json() + stored.model_dump_json()


def test_mcp_approval_request_then_approval_response(client: openai.OpenAI) -> None:
    first = client.responses.create(
        model="gpt-4.1",
        tools=[{k: v for k, v in MCP_TOOL.items() if k != "require_approval"}],  # type: ignore[list-item]
        input="What is this repo in 100 words?",
    )
    requests = [item for item in first.output if item.type == "mcp_approval_request"]
    assert len(requests) == 1 and requests[0].id.startswith("mcpr_") and requests[0].server_label == "github"
    assert not any(item.type == "message" for item in first.output)
    response = client.responses.create(
        model="gpt-4.1",
        tools=[MCP_TOOL],  # type: ignore[list-item]
        previous_response_id=first.id,
        input=[{"type": "mcp_approval_response", "approve": True, "approval_request_id": requests[0].id}],
    )
    [call] = [item for item in response.output if item.type == "mcp_call"]
    assert call.approval_request_id == requests[0].id and call.name == requests[0].name
    assert call.name in response.output_text


def test_mcp_unknown_approval_request_is_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.responses.create(
            model="gpt-4.1",
            tools=[MCP_TOOL],  # type: ignore[list-item]
            input=[{"type": "mcp_approval_response", "approve": True, "approval_request_id": "mcpr_682bd9cd428c8198b170dc6b549d66fc016e86a03f4cc828"}],
        )
    assert isinstance(err.value.body, dict) and err.value.body["param"] == "input[0].approval_request_id"


def test_encrypted_reasoning_round_trip_with_store_false(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="o4-mini",
        reasoning={"effort": "medium"},
        input="What is the weather like today?",
        tools=[],
        include=["reasoning.encrypted_content"],
        store=False,
    )
    [reasoning] = [item for item in response.output if item.type == "reasoning"]
    assert reasoning.encrypted_content and "weather" not in reasoning.encrypted_content
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(response.id)
    # Only the reasoning item travels back: what the first turn was about must come out of it.
    follow_up = client.responses.create(
        model="o4-mini",
        input=[reasoning.model_dump(exclude_none=True), {"role": "user", "content": "And tomorrow?"}],  # type: ignore[list-item]
        include=["reasoning.encrypted_content"],
        store=False,
    )
    assert "What is the weather like today?" in follow_up.output_text
    tampered = reasoning.model_dump(exclude_none=True)
    tampered["encrypted_content"] = tampered["encrypted_content"][:-8] + "AAAAAAAA"
    with pytest.raises(openai.BadRequestError) as err:
        client.responses.create(model="o4-mini", input=[tampered, {"role": "user", "content": "x"}], store=False)  # type: ignore[list-item]
    assert isinstance(err.value.body, dict) and err.value.body["param"] == "input[0].encrypted_content"


def test_image_generation_with_the_deployment_header(emulator: EmulatorServer, recorded: Recorder) -> None:
    client = make_client(
        emulator, recorded, default_headers={"x-ms-oai-image-generation-deployment": "gpt-image-1", "api_version": "preview"}
    )
    response = client.responses.create(model="o3", input=OTTER, tools=[{"type": "image_generation"}])
    image_data = [output.result for output in response.output if output.type == "image_generation_call"]
    assert len(image_data) == 1 and image_data[0]
    image = Image.open(io.BytesIO(base64.b64decode(image_data[0])))
    assert image.format == "PNG" and image.size == (1024, 1024)
    wide = client.responses.create(
        model="gpt-4.1", input=OTTER, tools=[{"type": "image_generation", "size": "1536x1024", "quality": "low"}]
    )
    [call] = [output for output in wide.output if output.type == "image_generation_call"]
    assert Image.open(io.BytesIO(base64.b64decode(call.result or ""))).size == (1536, 1024)
    client.close()


def test_image_generation_without_the_header_is_400(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.responses.create(model="gpt-4.1", input=OTTER, tools=[{"type": "image_generation"}])
    assert "x-ms-oai-image-generation-deployment" in err.value.message


def test_image_generation_in_a_stream_is_the_documented_limitation(emulator: EmulatorServer, recorded: Recorder) -> None:
    client = make_client(emulator, recorded, default_headers={"x-ms-oai-image-generation-deployment": "gpt-image-1"})
    with pytest.raises(openai.BadRequestError) as err:
        with client.responses.create(model="gpt-4.1", input=OTTER, tools=[{"type": "image_generation"}], stream=True) as stream:
            list(stream)
    assert isinstance(err.value.body, dict) and err.value.body["param"] == "stream"
    assert "streaming" in err.value.message
    client.close()


def test_tool_items_stream_as_output_items(client: openai.OpenAI) -> None:
    with client.responses.stream(
        model="gpt-4.1",
        tools=[WEATHER_TOOL, {"type": "code_interpreter", "container": {"type": "auto"}}, MCP_TOOL],  # type: ignore[list-item]
        input="Solve 3x + 11 = 14, then tell me the weather in Paris, France.",
    ) as stream:
        events = list(stream)
        final = stream.get_final_response()
    added = [e.item.type for e in events if e.type == "response.output_item.added"]
    assert added == [item.type for item in final.output]
    assert {"code_interpreter_call", "mcp_list_tools", "mcp_call", "function_call"} <= set(added)
    arguments = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
    [call] = [item for item in final.output if item.type == "function_call"]
    assert arguments == call.arguments and json.loads(arguments) == {"location": "Paris, France"}


def test_parallel_function_calls_round_trip(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4o", tools=[WEATHER_TOOL], input="What is the weather in Paris and in Tokyo?"  # type: ignore[list-item]
    )
    calls = [item for item in response.output if item.type == "function_call"]
    temperatures = {"Paris": "18 C", "Tokyo": "25 C"}
    outputs = [
        {"type": "function_call_output", "call_id": c.call_id, "output": json.dumps({"temperature": temperatures[json.loads(c.arguments)["location"]]})}
        for c in calls
    ]
    assert len(outputs) == 2
    final = client.responses.create(model="gpt-4o", previous_response_id=response.id, input=outputs)  # type: ignore[arg-type]
    assert "18 C" in final.output_text and "25 C" in final.output_text


def test_reasoning_summary_streams_and_validates(client: openai.OpenAI) -> None:
    with client.responses.stream(model="o4-mini", input="Why is the sky blue?", reasoning={"effort": "low", "summary": "auto"}) as stream:
        list(stream)
        final = stream.get_final_response()
    [reasoning] = [item for item in final.output if item.type == "reasoning"]
    assert reasoning.summary and "Why is the sky blue?" in reasoning.summary[0].text


def test_mcp_approval_round_trip_without_storage(client: openai.OpenAI) -> None:
    tool = {k: v for k, v in MCP_TOOL.items() if k != "require_approval"}
    first = client.responses.create(model="gpt-4.1", tools=[tool], input="What is this repo?", store=False)  # type: ignore[list-item]
    [request] = [item for item in first.output if item.type == "mcp_approval_request"]
    items = [
        {"role": "user", "content": "What is this repo?"},
        *[item.model_dump(exclude_none=True) for item in first.output],
        {"type": "mcp_approval_response", "approve": False, "approval_request_id": request.id},
    ]
    second = client.responses.create(model="gpt-4.1", tools=[tool], input=items, store=False)  # type: ignore[arg-type,list-item]
    assert [item.type for item in second.output] == ["message"] and "denied" in second.output_text
