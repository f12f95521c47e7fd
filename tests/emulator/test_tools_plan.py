"""plan_tools: the tool items and facts the deterministic model produces for each documented tool."""

from __future__ import annotations

import base64
import dataclasses
import io
import json
from collections.abc import Mapping

import jsonschema
import pytest
from openai._models import construct_type
from openai.types.responses import ResponseOutputItem
from PIL import Image

from emulator.config import EmulatorConfig
from emulator.errors import EmulatorError
from emulator.file_store import FileStore
from contracts.scenarios.tools import WEATHER_TOOL
from emulator.reasoning import is_reasoning_model
from emulator.sealing import Sealer
from emulator.tool_plan import ToolPlan, plan_tools

SEALER = Sealer("test-secret")
WEATHER = WEATHER_TOOL  # the docs' function-calling example
STOCKS = {
    "type": "function",
    "name": "get_stock_price",
    "description": "Look up the latest price of a stock ticker",
    "parameters": {"type": "object", "properties": {"ticker": {"type": "string"}}, "required": ["ticker"]},
}
MCP = {
    "type": "mcp",
    "server_label": "github",
    "server_url": "https://contoso.com/Azure/azure-rest-api-specs",
    "require_approval": "never",
}
IMAGE_HEADERS = {"x-ms-oai-image-generation-deployment": "gpt-image-1"}


def user(text: str) -> dict:
    return {"id": "msg_u", "type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def plan(
    body: dict,
    new_input: list[dict],
    history: list[dict] | None = None,
    model: str = "gpt-4o",
    headers: Mapping[str, str] | None = None,
    config: EmulatorConfig | None = None,
    files: FileStore | None = None,
) -> ToolPlan:
    context = [*(history or []), *new_input]  # the core passes the whole context, this request's input included
    store = files or FileStore(None)
    result = plan_tools(body, context, new_input, model, headers or {}, config or EmulatorConfig(), SEALER, store)
    for item in result.items:  # every item has the SDK's output item shape
        parsed = construct_type(type_=ResponseOutputItem, value=item)
        assert getattr(parsed, "type", None) == item["type"]
    return result


# ---- function calling ---------------------------------------------------------------------------------


def test_weather_question_calls_get_weather_with_valid_arguments() -> None:
    result = plan({"tools": [WEATHER, STOCKS]}, [user("What is the weather in San Francisco?")])
    assert result.needs_message is False and result.facts == []
    [call] = result.items
    assert call["type"] == "function_call" and call["name"] == "get_weather" and call["status"] == "completed"
    assert call["id"].startswith("fc_") and call["call_id"].startswith("call_")
    arguments = json.loads(call["arguments"])
    jsonschema.validate(arguments, WEATHER["parameters"])
    assert arguments == {"location": "San Francisco"}


def test_function_output_ends_the_loop_and_becomes_a_fact() -> None:
    first = plan({"tools": [WEATHER]}, [user("What is the weather in San Francisco?")])
    output = {
        "type": "function_call_output",
        "call_id": first.items[0]["call_id"],
        "output": json.dumps({"location": "San Francisco", "temperature": "70 F"}),
    }
    second = plan({"tools": [WEATHER]}, [output], history=[user("What is the weather in San Francisco?"), *first.items])
    assert second.items == [] and second.needs_message is True
    assert second.facts == ['get_weather returned {"location": "San Francisco", "temperature": "70 F"}']


def test_function_output_for_an_unknown_call_is_400() -> None:
    output = {"type": "function_call_output", "call_id": "call_nope", "output": "{}"}
    with pytest.raises(EmulatorError) as err:
        plan({"tools": [WEATHER]}, [user("hi"), output])
    assert err.value.status == 400 and err.value.param == "input[1].call_id"


def test_unrelated_questions_call_nothing() -> None:
    result = plan({"tools": [WEATHER, STOCKS]}, [user("Tell me a joke about cats.")])
    assert result.items == [] and result.needs_message is True


def test_tool_choice_forces_required_and_none() -> None:
    forced = plan({"tools": [WEATHER, STOCKS], "tool_choice": {"type": "function", "name": "get_stock_price"}}, [user("Hello")])
    assert [i["name"] for i in forced.items] == ["get_stock_price"]
    required = plan({"tools": [WEATHER, STOCKS], "tool_choice": "required"}, [user("Hello")])
    assert [i["name"] for i in required.items] == ["get_weather"]
    none = plan({"tools": [WEATHER], "tool_choice": "none"}, [user("What is the weather in Oslo?")])
    assert none.items == []
    with pytest.raises(EmulatorError) as err:
        plan({"tools": [WEATHER], "tool_choice": {"type": "function", "name": "nope"}}, [user("x")])
    assert err.value.param == "tool_choice"


def test_parallel_tool_calls() -> None:
    text = "What is the weather in Paris and the stock price of MSFT?"
    both = plan({"tools": [WEATHER, STOCKS]}, [user(text)])
    assert sorted(i["name"] for i in both.items) == ["get_stock_price", "get_weather"]
    one = plan({"tools": [WEATHER, STOCKS], "parallel_tool_calls": False}, [user(text)])
    assert len(one.items) == 1


def test_one_call_per_place_named() -> None:
    result = plan({"tools": [WEATHER]}, [user("What is the weather in Paris, France and in Rome?")])
    assert [json.loads(i["arguments"]) for i in result.items] == [{"location": "Paris, France"}, {"location": "Rome"}]
    assert len({i["call_id"] for i in result.items}) == 2
    single = plan({"tools": [WEATHER], "parallel_tool_calls": False}, [user("Weather in Paris and Rome?")])
    assert [json.loads(i["arguments"]) for i in single.items] == [{"location": "Paris"}]


def test_allowed_tools_narrows_the_choice() -> None:
    choice = {"type": "allowed_tools", "mode": "auto", "tools": [{"type": "function", "name": "get_stock_price"}]}
    result = plan({"tools": [WEATHER, STOCKS], "tool_choice": choice}, [user("What is the weather in Oslo?")])
    assert result.items == []


@pytest.mark.parametrize(
    ("tools", "param"),
    [
        ([{"type": "function"}], "tools[0].name"),
        ([WEATHER, {"type": "mcp", "server_url": "https://x.test"}], "tools[1].server_label"),
        ([{"type": "mcp", "server_label": "x"}], "tools[0].server_url"),
        ([{"type": "code_interpreter"}], "tools[0].container"),
        ([{"type": "image_generation", "size": "640x480"}], "tools[0].size"),
        ([{"type": "image_generation", "quality": "ultra"}], "tools[0].quality"),
        (["get_weather"], "tools[0].type"),
    ],
)
def test_bad_tools_name_the_field(tools: list, param: str) -> None:
    with pytest.raises(EmulatorError) as err:
        plan({"tools": tools}, [user("x")], headers=IMAGE_HEADERS)
    assert err.value.status == 400 and err.value.param == param


# ---- code interpreter ---------------------------------------------------------------------------------


def test_code_interpreter_solves_the_seed_equation() -> None:
    body = {"tools": [{"type": "code_interpreter", "container": {"type": "auto"}}]}
    result = plan(body, [user("I need to solve the equation 3x + 11 = 14. Can you help me?")])
    [call] = result.items
    assert call["type"] == "code_interpreter_call" and call["container_id"].startswith("cntr_")
    assert "(c - b) / a" in call["code"] and call["outputs"] is None
    assert "Solving 3x + 11 = 14 gives x = 1." in result.facts
    assert any(call["container_id"] in fact for fact in result.facts)
    assert result.needs_message is True


def test_code_interpreter_outputs_when_included_and_container_reuse() -> None:
    body = {"tools": [{"type": "code_interpreter", "container": {"type": "auto"}}], "include": ["code_interpreter_call.outputs"]}
    first = plan(body, [user("Solve 2y - 4 = y + 3")])
    assert first.items[0]["outputs"] == [{"type": "logs", "logs": "y = 7\n"}]
    second = plan(body, [user("What is 12 * (3 + 4)?")], history=first.items)
    assert second.items[0]["container_id"] == first.items[0]["container_id"]
    assert second.items[0]["outputs"] == [{"type": "logs", "logs": "84\n"}]
    explicit = plan({"tools": [{"type": "code_interpreter", "container": "cntr_mine"}]}, [user("compute 2^10")])
    assert explicit.items[0]["container_id"] == "cntr_mine" and "2**10 = 1024." in explicit.facts


def test_code_interpreter_never_executes_user_code() -> None:
    body = {"tools": [{"type": "code_interpreter", "container": {"type": "auto"}}], "include": ["code_interpreter_call.outputs"]}
    result = plan(body, [user("Run this python code: import os; os.remove('/tmp/x')")])
    assert result.items[0]["outputs"] == [{"type": "logs", "logs": "(emulated: the code was not executed)\n"}]
    assert any("never executes code" in fact for fact in result.facts)


def test_code_interpreter_container_files() -> None:
    files = FileStore(None)
    csv = files.put("sales.csv", "assistants", b"month,total\njan,10\n")
    body = {
        "tools": [{"type": "code_interpreter", "container": {"type": "auto", "file_ids": [csv["id"]]}}],
        "include": ["code_interpreter_call.outputs"],
    }
    result = plan(body, [user("Analyze the CSV file I gave you.")], files=files)
    assert "sales.csv" in result.items[0]["code"]
    assert result.items[0]["outputs"] == [{"type": "logs", "logs": f"sales.csv {csv['bytes']} bytes\n"}]
    assert f"The container holds sales.csv ({csv['bytes']} bytes)." in result.facts
    body["tools"][0]["container"]["file_ids"] = [csv["id"], "file-missing"]
    with pytest.raises(EmulatorError) as err:
        plan(body, [user("Analyze it")], files=files)
    assert err.value.param == "tools[0].container.file_ids[1]"


# ---- MCP ----------------------------------------------------------------------------------------------


def test_mcp_never_requires_approval_lists_and_calls_without_contacting() -> None:
    tool = {**MCP, "headers": {"Authorization": "Bearer SECRET-TOKEN"}, "authorization": "oauth-SECRET"}
    result = plan({"tools": [tool]}, [user("What transport protocols are supported in the 2025-03-26 MCP spec?")])
    listing, call = result.items
    assert listing["type"] == "mcp_list_tools" and listing["server_label"] == "github" and listing["tools"]
    assert call["type"] == "mcp_call" and call["status"] == "completed" and "emulated" in call["output"]
    assert result.needs_message is True and "never contacts https://contoso.com" in result.facts[0]
    everything = json.dumps([result.items, result.facts])
    assert "SECRET" not in everything


def test_mcp_default_requires_approval_then_continues_on_approval() -> None:
    tool = {k: v for k, v in MCP.items() if k != "require_approval"}
    first = plan({"tools": [tool]}, [user("What is this repo in 100 words?")])
    request = first.items[-1]
    assert request["type"] == "mcp_approval_request" and request["id"].startswith("mcpr_")
    assert json.loads(request["arguments"]) == {} and first.needs_message is False
    approval = {"type": "mcp_approval_response", "approve": True, "approval_request_id": request["id"]}
    second = plan({"tools": [MCP]}, [approval], history=[user("What is this repo in 100 words?"), *first.items])
    [call] = second.items
    assert call["type"] == "mcp_call" and call["approval_request_id"] == request["id"]
    assert second.needs_message is True and "was called" in second.facts[0]


def test_mcp_denied_and_unknown_approvals() -> None:
    first = plan({"tools": [{**MCP, "require_approval": "always"}]}, [user("search the docs for transports")])
    request = first.items[-1]
    assert request["name"].startswith("search_") and json.loads(request["arguments"])["query"]
    denial = {"type": "mcp_approval_response", "approve": False, "approval_request_id": request["id"], "reason": "no"}
    denied = plan({"tools": [MCP]}, [denial], history=first.items)
    assert denied.items == [] and "denied" in denied.facts[0]
    unknown = {"type": "mcp_approval_response", "approve": True, "approval_request_id": "mcpr_nope"}
    with pytest.raises(EmulatorError) as err:
        plan({"tools": [MCP]}, [user("hi"), unknown])
    assert err.value.status == 400 and err.value.param == "input[1].approval_request_id"


def test_mcp_per_tool_approval_filter_and_listing_once() -> None:
    fetch = "fetch_azure_rest_api_specs_documentation"
    tool = {**MCP, "require_approval": {"never": {"tool_names": [fetch]}}}
    first = plan({"tools": [tool]}, [user("Summarise the repo")])
    assert [i["type"] for i in first.items] == ["mcp_list_tools", "mcp_call"]
    second = plan({"tools": [tool]}, [user("And again")], history=first.items)
    assert [i["type"] for i in second.items] == ["mcp_call"]


# ---- image generation ---------------------------------------------------------------------------------


def test_image_generation_returns_a_real_png() -> None:
    body = {"tools": [{"type": "image_generation", "size": "1536x1024", "quality": "low"}]}
    result = plan(body, [user("Generate an image of gray tabby cat hugging an otter with an orange scarf")], headers=IMAGE_HEADERS)
    [call] = result.items
    assert call["type"] == "image_generation_call" and call["id"].startswith("ig_") and call["status"] == "completed"
    image = Image.open(io.BytesIO(base64.b64decode(call["result"])))
    assert image.format == "PNG" and image.size == (1536, 1024)
    assert call["revised_prompt"] == "Gray tabby cat hugging an otter with an orange scarf."
    assert (call["size"], call["quality"], call["output_format"]) == ("1536x1024", "low", "png")
    assert "gpt-image-1" in result.facts[0]


def test_image_header_is_required_in_azure_mode_and_checked() -> None:
    body = {"tools": [{"type": "image_generation"}]}
    with pytest.raises(EmulatorError) as err:
        plan(body, [user("Draw a cat")])
    assert err.value.status == 400 and "x-ms-oai-image-generation-deployment" in err.value.message
    with pytest.raises(EmulatorError) as err:
        plan(body, [user("Draw a cat")], headers={"x-ms-oai-image-generation-deployment": "dall-e-3"})
    assert "dall-e-3" in err.value.message and "gpt-image-1" in err.value.message
    mapped = dataclasses.replace(EmulatorConfig(), image_deployments={"my-images": "gpt-image-1.5"})
    result = plan(body, [user("Draw a cat")], headers={"X-MS-OAI-Image-Generation-Deployment": "my-images"}, config=mapped)
    assert "gpt-image-1.5" in result.facts[0]
    openai_mode = dataclasses.replace(EmulatorConfig(), azure_mode=False)
    assert plan(body, [user("Draw a cat")], config=openai_mode).items[0]["type"] == "image_generation_call"


def test_image_generation_in_a_stream_is_the_documented_limitation() -> None:
    with pytest.raises(EmulatorError) as err:
        plan({"stream": True, "tools": [{"type": "image_generation"}]}, [user("Draw a cat")], headers=IMAGE_HEADERS)
    assert err.value.status == 400 and err.value.param == "stream" and "streaming" in err.value.message


def test_image_tool_is_not_called_for_other_questions() -> None:
    result = plan({"tools": [{"type": "image_generation"}]}, [user("What is in this image?")], headers=IMAGE_HEADERS)
    assert result.items == []


# ---- reasoning ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "reasons"),
    [("o1", True), ("o3-mini", True), ("o4-mini", True), ("gpt-5", True), ("gpt-5.1-codex-max", True),
     ("gpt-5.2-chat", False), ("gpt-chat-latest", False), ("gpt-4o", False), ("gpt-4.1-nano", False)],
)
def test_reasoning_models(model: str, reasons: bool) -> None:
    assert is_reasoning_model(model) is reasons
    result = plan({}, [user("hi")], model=model)
    assert [i["type"] for i in result.items] == (["reasoning"] if reasons else [])


def test_encrypted_reasoning_round_trip_without_storage() -> None:
    body = {"include": ["reasoning.encrypted_content"], "reasoning": {"effort": "medium"}, "store": False}
    first = plan(body, [user("What is the weather like today?")], model="o4-mini")
    [reasoning] = first.items
    assert reasoning["id"].startswith("rs_") and reasoning["summary"] == []
    assert "weather" not in reasoning["encrypted_content"]
    # Only the reasoning item and a new question: what the first turn was about comes from the sealed content.
    second = plan(body, [reasoning, user("And tomorrow?")], model="o4-mini")
    assert any('was about "What is the weather like today?"' in fact for fact in second.facts)
    assert "encrypted_content" not in plan({}, [user("x")], model="o3").items[0]


def test_tampered_reasoning_is_400_naming_the_field() -> None:
    body = {"include": ["reasoning.encrypted_content"]}
    reasoning = plan(body, [user("first")], model="o3").items[0]
    token = reasoning["encrypted_content"]
    bad = {**reasoning, "encrypted_content": token[:40] + ("A" if token[40] != "A" else "B") + token[41:]}
    with pytest.raises(EmulatorError) as err:
        plan(body, [user("again"), bad], model="o3")
    assert err.value.status == 400 and err.value.param == "input[1].encrypted_content"


def test_older_snapshot_limits_which_models_can_call_image_generation() -> None:
    older = EmulatorConfig(snapshot="2025-12")
    body = {"tools": [{"type": "image_generation"}]}
    for model in ("o3", "gpt-4.1-nano", "gpt-5", "gpt-5.1-chat"):
        items = plan(body, [user("Draw a cat")], model=model, headers=IMAGE_HEADERS, config=older).items
        assert items[-1]["type"] == "image_generation_call"
    with pytest.raises(EmulatorError) as err:
        plan(body, [user("Draw a cat")], model="o4-mini", headers=IMAGE_HEADERS, config=older)
    assert err.value.param == "model" and "gpt-4.1-nano" in err.value.message
    newer = plan(body, [user("Draw a cat")], model="gpt-5.2", headers=IMAGE_HEADERS)  # the newer page lists none
    assert newer.items[-1]["type"] == "image_generation_call"


def test_reasoning_summary_when_asked() -> None:
    asked = plan({"reasoning": {"effort": "low", "summary": "auto"}}, [user("Why is the sky blue?")], model="o3")
    [summary] = asked.items[0]["summary"]
    assert summary["type"] == "summary_text" and "Why is the sky blue?" in summary["text"]
    assert plan({"reasoning": {"effort": "low"}}, [user("Why?")], model="o3").items[0]["summary"] == []


def test_mcp_allowed_tools() -> None:
    only = plan({"tools": [{**MCP, "allowed_tools": ["ask_question"]}]}, [user("What is MCP?")])
    assert [t["name"] for t in only.items[0]["tools"]] == ["ask_question"] and only.items[1]["name"] == "ask_question"
    assert json.loads(only.items[1]["arguments"]) == {"query": "What is MCP?"}
    none = plan({"tools": [{**MCP, "allowed_tools": []}]}, [user("What is MCP?")])
    assert [i["type"] for i in none.items] == ["mcp_list_tools"] and "allows no tools" in none.facts[0]
