"""Create / retrieve / delete / chain / stream / input items through the real openai SDK."""

from __future__ import annotations

import httpx
import openai
import pytest

from emulator.server import EmulatorServer
from emulator.tokens import count_tokens

from .conftest import KEY, Recorder, make_client

pytestmark = pytest.mark.timeout(60)


def test_text_create_has_documented_shape(client: openai.OpenAI) -> None:
    response = client.responses.create(model="gpt-4o", input="This is a test.")
    assert response.id.startswith("resp_")
    assert response.object == "response"
    assert response.status == "completed"
    assert response.model == "gpt-4o-2024-11-20"
    assert response.output_text == 'You said: "This is a test.".'
    usage = response.usage
    assert usage is not None
    assert usage.input_tokens == count_tokens("This is a test.")
    assert usage.output_tokens == count_tokens(response.output_text)
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens
    assert response.store is True and response.background is False


def test_headers_and_served_model(emulator: EmulatorServer) -> None:
    reply = httpx.post(
        emulator.base_url + "responses", headers={"api-key": KEY, "x-ms-client-request-id": "abc"},
        json={"model": "gpt-4o", "input": "hi"},
    )
    assert reply.status_code == 200
    assert reply.headers["x-ms-region"] == "swedencentral"
    assert reply.headers["apim-request-id"] and reply.headers["x-request-id"]
    assert reply.headers["x-ms-client-request-id"] == "abc"
    assert reply.headers["x-ms-served-model"] == "gpt-4o-2024-11-20"


def test_retrieve_then_delete_then_404(client: openai.OpenAI) -> None:
    created = client.responses.create(model="gpt-4o-mini", input="Keep me.")
    fetched = client.responses.retrieve(created.id)
    assert fetched.id == created.id and fetched.output_text == created.output_text
    client.responses.delete(created.id)
    with pytest.raises(openai.NotFoundError) as caught:
        client.responses.retrieve(created.id)
    assert caught.value.body["param"] == "response_id"  # type: ignore[index]
    with pytest.raises(openai.NotFoundError):
        client.responses.delete(created.id)


def test_delete_returns_the_deleted_object(emulator: EmulatorServer, client: openai.OpenAI) -> None:
    created = client.responses.create(model="gpt-4o", input="delete me")
    reply = httpx.delete(f"{emulator.base_url}responses/{created.id}", headers={"api-key": KEY})
    assert reply.json() == {"id": created.id, "object": "response.deleted", "deleted": True}


def test_chaining_with_previous_response_id_recalls_earlier_turn(client: openai.OpenAI) -> None:
    first = client.responses.create(model="gpt-4o", input="Define catastrophic forgetting, zanzibar.")
    second = client.responses.create(
        model="gpt-4o", previous_response_id=first.id, input="Explain it for a college freshman."
    )
    assert second.previous_response_id == first.id
    assert second.output_text.startswith('You said: "Explain it for a college freshman.".')
    assert 'Earlier you said: "Define catastrophic forgetting, zanzibar."' in second.output_text
    third = client.responses.create(model="gpt-4o", previous_response_id=second.id, input="Shorter.")
    assert '"Define catastrophic forgetting, zanzibar." | "Explain it for a college freshman."' in third.output_text
    assert second.usage and first.usage and second.usage.input_tokens > first.usage.input_tokens


def test_manual_chaining_with_output_items_recalls_earlier_turn(client: openai.OpenAI) -> None:
    inputs: list = [{"type": "message", "role": "user", "content": "Remember the word quokka."}]
    response = client.responses.create(model="gpt-4o", input=inputs)
    inputs += response.output
    inputs.append({"role": "user", "type": "message", "content": "Which word?"})
    second = client.responses.create(model="gpt-4o", input=inputs)
    assert 'Earlier you said: "Remember the word quokka."' in second.output_text


def test_unknown_previous_response_id_names_the_param(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", previous_response_id="resp_nope", input="x")
    assert caught.value.body["param"] == "previous_response_id"  # type: ignore[index]


def test_instructions_reach_the_answer(client: openai.OpenAI) -> None:
    response = client.responses.create(model="gpt-4o", instructions="Talk like a pirate.", input="Hello")
    assert 'Instructions: "Talk like a pirate."' in response.output_text
    assert response.instructions == "Talk like a pirate."


def test_streaming_events_follow_the_state_machine(client: openai.OpenAI) -> None:
    stream = client.responses.create(
        model="gpt-4o", input="Summarize Azure OpenAI Responses API in one sentence.", stream=True
    )
    events = list(stream)
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert events[0].type == "response.created" and events[1].type == "response.in_progress"
    terminal = [e for e in events if e.type in ("response.completed", "response.incomplete", "response.failed")]
    assert len(terminal) == 1 and events[-1] is terminal[0]
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    done = next(e for e in events if e.type == "response.output_text.done")
    assert deltas == done.text == terminal[0].response.output_text
    assert len([e for e in events if e.type == "response.output_text.delta"]) > 3
    order = [e.type for e in events if not e.type.endswith(".delta")]
    assert order == [
        "response.created", "response.in_progress", "response.output_item.added", "response.content_part.added",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.completed",
    ]


def test_stream_helper_accumulates(client: openai.OpenAI) -> None:
    with client.responses.stream(model="gpt-4o", input="Stream with the helper.") as stream:
        for _ in stream:
            pass
        final = stream.get_final_response()
    assert final.output_text == 'You said: "Stream with the helper.".'


def test_store_false_is_not_retrievable(client: openai.OpenAI) -> None:
    response = client.responses.create(model="gpt-4o", input="forget me", store=False)
    assert response.store is False and response.status == "completed"
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(response.id)
    with pytest.raises(openai.BadRequestError):
        client.responses.create(model="gpt-4o", previous_response_id=response.id, input="again")


def test_input_items_pagination(client: openai.OpenAI) -> None:
    words = ["alpha", "bravo", "charlie", "delta", "echo"]
    created = client.responses.create(
        model="gpt-4o", input=[{"role": "user", "content": w} for w in words]
    )
    everything = client.responses.input_items.list(created.id, order="asc")
    assert [item.content[0].text for item in everything.data] == words  # type: ignore[union-attr]
    first = client.responses.input_items.list(created.id, order="asc", limit=2)
    assert [i.content[0].text for i in first.data] == ["alpha", "bravo"]  # type: ignore[union-attr]
    assert first.has_more is True and first.last_id == first.data[1].id
    nxt = client.responses.input_items.list(created.id, order="asc", limit=2, after=first.last_id)
    assert [i.content[0].text for i in nxt.data] == ["charlie", "delta"]  # type: ignore[union-attr]
    last = client.responses.input_items.list(created.id, order="asc", limit=2, after=nxt.last_id)
    assert [i.content[0].text for i in last.data] == ["echo"] and last.has_more is False  # type: ignore[union-attr]
    desc = client.responses.input_items.list(created.id, limit=1)
    assert desc.data[0].content[0].text == "echo"  # type: ignore[union-attr]
    paged = [i.content[0].text for i in client.responses.input_items.list(created.id, order="asc", limit=2)]  # type: ignore[union-attr]
    assert paged == words  # the SDK's auto-pagination follows `after`
    assert len(client.responses.input_items.list(created.id, limit=101).data) == 5  # clamped to 100
    assert client.responses.input_items.list(created.id, after="msg_unknown").data == []


def test_max_output_tokens_below_16_is_rejected(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", input="x", max_output_tokens=15)
    body = caught.value.body
    assert body["param"] == "max_output_tokens" and body["code"] == "integer_below_min_value"  # type: ignore[index]


def test_max_output_tokens_truncates_to_incomplete(client: openai.OpenAI) -> None:
    response = client.responses.create(
        model="gpt-4o", input="Write me a long story.", max_output_tokens=16
    )
    assert response.status == "incomplete"
    assert response.incomplete_details is not None and response.incomplete_details.reason == "max_output_tokens"
    assert response.usage is not None and response.usage.output_tokens <= 16
    assert response.output_text and len(response.output_text.encode()) <= 64


def test_answer_length_is_controllable(client: openai.OpenAI) -> None:
    response = client.responses.create(model="gpt-4o", input="x", metadata={"emulator_words": "120"})
    assert len(response.output_text.split()) == 120
    story = client.responses.create(model="gpt-4o", input="Write me a long story.")
    assert len(story.output_text.split()) == 400


def test_unknown_deployment_gets_azure_404(emulator: EmulatorServer) -> None:
    reply = httpx.post(emulator.base_url + "responses", headers={"api-key": KEY}, json={"model": "nope", "input": "x"})
    assert reply.status_code == 404
    body = reply.json()
    assert set(body["error"]) == {"code", "message"} and body["error"]["code"] == "DeploymentNotFound"


def test_wrong_path_gets_resource_not_found(emulator: EmulatorServer) -> None:
    reply = httpx.get(emulator.root_url + "/openai/v2/responses", headers={"api-key": KEY})
    assert reply.status_code == 404
    assert reply.json() == {"error": {"code": "404", "message": "Resource not found"}}


def test_invalid_body_names_the_field(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", input="x", temperature=3)
    assert caught.value.body["param"] == "temperature"  # type: ignore[index]
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", input="x", tools=[{"type": "no_such_tool"}])  # type: ignore[list-item]
    assert caught.value.body["param"].startswith("tools")  # type: ignore[index]


def test_models_list(client: openai.OpenAI) -> None:
    ids = [m.id for m in client.models.list()]
    assert "gpt-4o-2024-08-06" in ids and "computer-use-preview" in ids


def test_openai_prefix_serves_the_same_api(emulator: EmulatorServer, recorded: Recorder) -> None:
    other = make_client(emulator, recorded, base_url=emulator.openai_base_url)
    response = other.responses.create(model="gpt-4o", input="via /v1")
    assert other.responses.retrieve(response.id).output_text == 'You said: "via /v1".'


def test_structured_output_follows_the_json_schema(client: openai.OpenAI) -> None:
    from pydantic import BaseModel

    class Trip(BaseModel):
        city: str
        days: int
        tags: list[str]

    parsed = client.responses.parse(model="gpt-4o", input="Plan 3 days in Lisbon, please.", text_format=Trip)
    trip = parsed.output_parsed
    assert isinstance(trip, Trip) and trip.days == 3 and trip.tags
    loose = client.responses.create(model="gpt-4o", input="Reply in JSON.", text={"format": {"type": "json_object"}})
    assert loose.output_text.startswith('{"answer": "You said: ')


def test_input_items_show_the_whole_chained_context(client: openai.OpenAI) -> None:
    first = client.responses.create(model="gpt-4o", input="First turn: ibis.")
    second = client.responses.create(model="gpt-4o", previous_response_id=first.id, input="Second turn.")
    items = client.responses.input_items.list(second.id, order="asc").data
    assert [(i.type, getattr(i, "role", None)) for i in items] == [
        ("message", "user"), ("message", "assistant"), ("message", "user")
    ]
    assert items[1].id == first.output[0].id
    assert items[2].content[0].text == "Second turn."  # type: ignore[union-attr]
    client.responses.delete(first.id)
    assert len(client.responses.input_items.list(second.id).data) == 1  # the chain ends where a link is gone


def test_item_reference_and_tool_outputs_in_input_items(client: openai.OpenAI) -> None:
    tools = [{"type": "function", "name": "get_weather", "description": "Get the weather for a location",
              "parameters": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}]
    first = client.responses.create(model="gpt-4o", tools=tools, input="What's the weather in Paris?")  # type: ignore[arg-type]
    call = next(item for item in first.output if item.type == "function_call")
    second = client.responses.create(
        model="gpt-4o", previous_response_id=first.id, tools=tools,  # type: ignore[arg-type]
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": '{"temperature": "70 F"}'},  # type: ignore[union-attr]
               {"type": "item_reference", "id": first.output[-1].id}],
    )
    listed = client.responses.input_items.list(second.id, order="asc").data
    assert [i.type for i in listed][-2:] == ["function_call_output", "function_call"]
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", input=[{"type": "item_reference", "id": "msg_unknown"}])
    assert caught.value.body["param"] == "input[0].id"  # type: ignore[index]


def test_malformed_json_bad_api_version_and_wrong_method(emulator: EmulatorServer) -> None:
    url = emulator.base_url + "responses"
    bad_json = httpx.post(url, headers={"api-key": KEY, "content-type": "application/json"}, content=b"{nope")
    assert bad_json.status_code == 400 and bad_json.json()["error"]["code"] == "invalid_json"
    preview = httpx.post(url + "?api-version=preview", headers={"api-key": KEY}, json={"model": "gpt-4o", "input": "x"})
    assert preview.status_code == 200
    dated = httpx.post(url + "?api-version=2024-02-01", headers={"api-key": KEY}, json={"model": "gpt-4o", "input": "x"})
    assert dated.status_code == 400 and "api-version" in dated.json()["error"]["message"]
    wrong = httpx.put(url, headers={"api-key": KEY})
    assert wrong.status_code == 405 and wrong.headers["apim-request-id"]


@pytest.mark.parametrize("field,value", [
    ("context_management", 5), ("metadata", [1]), ("input", True), ("input", [5]), ("max_output_tokens", "x"),
    ("previous_response_id", 7), ("metadata", {"emulator_words": "many"}), ("input", [{"role": "user", "content": 5}]),
])
def test_junk_fields_are_400_naming_the_field(emulator: EmulatorServer, field: str, value: object) -> None:
    reply = httpx.post(emulator.base_url + "responses", headers={"api-key": KEY},
                       json={"model": "gpt-4o", "input": "x", field: value})
    assert reply.status_code == 400
    assert reply.json()["error"]["param"].startswith(field)


def test_nan_is_not_json_and_huge_integers_echo_exactly(emulator: EmulatorServer) -> None:
    url, headers = emulator.base_url + "responses", {"api-key": KEY, "content-type": "application/json"}
    nan = httpx.post(url, headers=headers, content=b'{"model": "gpt-4o", "input": "x", "temperature": NaN}')
    assert nan.status_code == 400 and nan.json()["error"]["code"] == "invalid_json"
    huge = 2**80  # beyond orjson's 64 bits: the body must still encode, with the exact integer
    tool = {"type": "function", "name": "noop", "parameters": {"type": "object", "maximum": huge}}
    body = {"model": "gpt-4o", "input": "x", "tools": [tool]}
    plain = httpx.post(url, headers=headers, json=body)
    assert plain.status_code == 200 and plain.json()["tools"][0]["parameters"]["maximum"] == huge
    streamed = httpx.post(url, headers=headers, json={**body, "stream": True})
    completed = [line for line in streamed.text.splitlines() if line.startswith("data:")][-1]
    assert f'"maximum":{huge}' in completed
