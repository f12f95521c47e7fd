"""Query parameters of retrieve are checked against the documented values."""

from __future__ import annotations

import httpx
import openai
import pytest

from emulator.server import EmulatorServer


@pytest.fixture(scope="module")
def server() -> EmulatorServer:
    with EmulatorServer() as running:
        yield running


def test_retrieve_rejects_an_undocumented_include_naming_the_field(server: EmulatorServer) -> None:
    http = httpx.Client(base_url=server.base_url, headers={"api-key": "emulator-key"})
    rid = http.post("responses", json={"model": "gpt-4o", "input": "hi"}).json()["id"]
    bad = http.get(f"responses/{rid}", params=[("include", "junk")])
    assert bad.status_code == 400
    assert bad.json()["error"]["param"] == "include"
    assert "reasoning.encrypted_content" in bad.json()["error"]["message"]


@pytest.mark.parametrize(
    ("query", "param"),
    [("starting_after=M", "starting_after"), ("include_obfuscation=null", "include_obfuscation"),
     ("stream=maybe", "stream")],
)
def test_retrieve_rejects_malformed_documented_parameters_even_without_stream(
    server: EmulatorServer, query: str, param: str
) -> None:
    http = httpx.Client(base_url=server.base_url, headers={"api-key": "emulator-key"})
    rid = http.post("responses", json={"model": "gpt-4o", "input": "hi"}).json()["id"]
    bad = http.get(f"responses/{rid}?{query}")
    assert bad.status_code == 400 and bad.json()["error"]["param"] == param
    fine = http.get(f"responses/{rid}?starting_after=3&include_obfuscation=false&stream=false")
    assert fine.status_code == 200 and fine.json()["id"] == rid


def test_an_encoded_slash_in_an_id_is_not_a_path_separator(server: EmulatorServer) -> None:
    http = httpx.Client(base_url=server.base_url, headers={"api-key": "emulator-key"})
    rid = http.post("responses", json={"model": "gpt-4o", "input": "hi"}).json()["id"]
    assert http.get(f"responses/{rid}/input_items").status_code == 200
    sneaky = http.get(f"responses/{rid}%2Finput_items")
    assert sneaky.status_code == 404 and sneaky.json() == {"error": {"code": "404", "message": "Resource not found"}}


def test_retrieve_accepts_documented_include_from_the_sdk(server: EmulatorServer) -> None:
    client = openai.OpenAI(base_url=server.base_url, api_key="emulator-key")
    created = client.responses.create(model="gpt-4o", input="hi")
    again = client.responses.retrieve(created.id, include=["reasoning.encrypted_content"])
    assert again.id == created.id


def test_null_parallel_tool_calls_reads_as_the_default(server: EmulatorServer) -> None:
    http = httpx.Client(base_url=server.base_url, headers={"api-key": "emulator-key"})
    body = http.post("responses", json={"model": "gpt-4o", "input": "hi", "parallel_tool_calls": None}).json()
    assert body["parallel_tool_calls"] is True


def test_untyped_input_items_are_read_as_documented(server: EmulatorServer) -> None:
    http = httpx.Client(base_url=server.base_url, headers={"api-key": "emulator-key"})
    first = http.post("responses", json={"model": "gpt-4o", "input": "remember zebra"}).json()
    item_id = first["output"][0]["id"]
    # `type: null` with only an id is an item reference (the document allows null there).
    chained = http.post("responses", json={
        "model": "gpt-4o", "previous_response_id": first["id"],
        "input": [{"type": None, "id": item_id}, {"role": "user", "content": "and now?"}],
    })
    assert chained.status_code == 200, chained.text
    unknown = http.post("responses", json={"model": "gpt-4o", "input": [{"type": None, "id": "msg_nope"}]})
    assert unknown.status_code == 400
    assert unknown.json()["error"]["param"].startswith("input")


@pytest.mark.parametrize(
    ("key", "value"),
    [("emulator_words", "99999999999"), ("emulator_delay_ms", "1" + "0" * 400), ("emulator_queue_ms", "-5")],
)
def test_pacing_metadata_out_of_range_is_a_400_not_a_stall(server: EmulatorServer, key: str, value: str) -> None:
    http = httpx.Client(base_url=server.base_url, headers={"api-key": "emulator-key"}, timeout=10)
    answer = http.post("responses", json={"model": "gpt-4o", "input": "x", "background": True, "metadata": {key: value}})
    assert answer.status_code == 400
    assert answer.json()["error"]["param"] == f"metadata.{key}"


@pytest.mark.parametrize("prompt", ["Compute " + "-" * 5000 + "1+1", "Compute 999998^64 / 7"])
def test_code_interpreter_survives_arithmetic_it_cannot_evaluate(server: EmulatorServer, prompt: str) -> None:
    http = httpx.Client(base_url=server.base_url, headers={"api-key": "emulator-key"}, timeout=10)
    tools = [{"type": "code_interpreter", "container": {"type": "auto"}}]
    answer = http.post("responses", json={"model": "gpt-4o", "input": prompt, "tools": tools})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "completed"


def test_a_body_nested_too_deeply_is_a_400_not_a_500(server: EmulatorServer) -> None:
    deep = '{"model": "gpt-4o", "input": ' + "[" * 5000 + "]" * 5000 + "}"
    reply = httpx.post(server.base_url + "responses", content=deep,
                       headers={"api-key": "emulator-key", "content-type": "application/json"})
    assert reply.status_code == 400, reply.text
    assert reply.json()["error"]["code"] == "invalid_json"
