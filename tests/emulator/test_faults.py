"""Each fault-injection mode does what emulator.faults says."""

from __future__ import annotations

import json
from typing import Any, Iterator

import httpx
import openai
import pytest

from emulator.config import EmulatorConfig
from emulator.faults import parse_fault
from emulator.server import EmulatorServer

from .conftest import KEY, Recorder, make_client

pytestmark = pytest.mark.timeout(60)
AUTH = {"api-key": KEY}


def admin(server: EmulatorServer, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, f"{server.root_url}/_emulator/{path}", headers=AUTH, **kwargs)


@pytest.fixture(autouse=True)
def disarm(emulator: EmulatorServer) -> Iterator[None]:
    yield
    admin(emulator, "DELETE", "faults")


def test_grammar() -> None:
    fault = parse_fault(" status=429 ; retry_after=2;code=rate_limit_exceeded")
    assert (fault.status, fault.retry_after, fault.code) == (429, 2.0, "rate_limit_exceeded")
    assert parse_fault("malformed_sse;cut_after=3").malformed_sse is True
    for bad in ("status=200", "cut_after=x", "nonsense", "retry_after=-1"):
        with pytest.raises(ValueError):
            parse_fault(bad)


def test_429_with_retry_after_by_header(emulator: EmulatorServer, recorded: Recorder) -> None:
    client = make_client(emulator, recorded, max_retries=0)
    with pytest.raises(openai.RateLimitError) as caught:
        client.responses.create(
            model="gpt-4o", input="x", extra_headers={"x-emulator-fault": "status=429;retry_after=2"}
        )
    assert caught.value.response.headers["retry-after"] == "2"
    assert caught.value.response.headers["retry-after-ms"] == "2000"
    assert "retry after 2 seconds" in caught.value.message


def test_429_without_retry_after(emulator: EmulatorServer) -> None:
    reply = httpx.post(emulator.base_url + "responses", json={"model": "gpt-4o", "input": "x"},
                       headers={**AUTH, "x-emulator-fault": "status=429"})
    assert reply.status_code == 429 and "retry-after" not in reply.headers


def test_content_filter_refuses_the_prompt_with_azure_s_body(emulator: EmulatorServer, recorded: Recorder) -> None:
    client = make_client(emulator, recorded, max_retries=0)
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", input="x", extra_headers={"x-emulator-fault": "content_filter"})
    assert caught.value.status_code == 400
    assert caught.value.code == "content_filter" and caught.value.param == "prompt"
    assert "content management policy" in caught.value.message


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors(emulator: EmulatorServer, recorded: Recorder, status: int) -> None:
    client = make_client(emulator, recorded, max_retries=0)
    with pytest.raises(openai.InternalServerError) as caught:
        client.responses.create(model="gpt-4o", input="x", extra_headers={"x-emulator-fault": f"status={status}"})
    assert caught.value.status_code == status


def test_armed_fault_hits_the_next_n_requests_so_a_retry_succeeds(emulator: EmulatorServer, recorded: Recorder) -> None:
    admin(emulator, "DELETE", "requests")
    armed = admin(emulator, "POST", "faults", json={"spec": "status=503;retry_after=0.01", "count": 2, "path": "/responses"})
    assert armed.status_code == 201
    assert admin(emulator, "GET", "models").status_code == 404  # admin paths are not the API
    client = make_client(emulator, recorded, max_retries=2)
    client.models.list()  # path does not match: no fault, nothing consumed
    response = client.responses.create(model="gpt-4o", input="retry me")
    assert response.status == "completed"
    log = admin(emulator, "GET", "requests").json()["data"]
    statuses = [e["status"] for e in log if e["path"] == "/openai/v1/responses"]
    assert statuses == [503, 503, 200]
    assert admin(emulator, "GET", "faults").json()["data"] == []


def test_delete_disarms(emulator: EmulatorServer) -> None:
    admin(emulator, "POST", "faults", json={"spec": "status=500", "count": 5})
    assert len(admin(emulator, "GET", "faults").json()["data"]) == 1
    admin(emulator, "DELETE", "faults")
    reply = httpx.post(emulator.base_url + "responses", headers=AUTH, json={"model": "gpt-4o", "input": "x"})
    assert reply.status_code == 200


def test_bad_specs_are_400(emulator: EmulatorServer) -> None:
    assert admin(emulator, "POST", "faults", json={"spec": "status=abc"}).json()["error"]["param"] == "spec"
    assert admin(emulator, "POST", "faults", json={"spec": "status=500", "count": 0}).status_code == 400
    reply = httpx.get(emulator.base_url + "models", headers={**AUTH, "x-emulator-fault": "bogus"})
    assert reply.status_code == 400 and reply.json()["error"]["param"] == "x-emulator-fault"


def test_cut_after_drops_the_stream_and_resume_finishes_it(emulator: EmulatorServer, recorded: Recorder) -> None:
    client = make_client(emulator, recorded, max_retries=0)
    received: list = []
    with pytest.raises((httpx.RemoteProtocolError, openai.APIConnectionError)):
        for event in client.responses.create(
            model="gpt-4o", input="cut me", stream=True, extra_headers={"x-emulator-fault": "cut_after=5"},
            metadata={"emulator_words": "30"},
        ):
            received.append(event)
    assert [e.sequence_number for e in received] == [0, 1, 2, 3, 4]
    rest = list(client.responses.retrieve(received[0].response.id, stream=True, starting_after=4))
    assert rest[0].sequence_number == 5 and rest[-1].type == "response.completed"
    text = "".join(e.delta for e in received + rest if e.type == "response.output_text.delta")
    assert text == client.responses.retrieve(received[0].response.id).output_text


def test_slow_first_byte_delays_the_response(emulator: EmulatorServer) -> None:
    headers = {**AUTH, "x-emulator-fault": "slow_first_byte=1"}
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(emulator.base_url + "models", headers=headers, timeout=httpx.Timeout(5, read=0.2))
    assert httpx.get(emulator.base_url + "models", headers=headers, timeout=10).status_code == 200


def test_malformed_sse_line_then_the_rest(emulator: EmulatorServer) -> None:
    body = {"model": "gpt-4o", "input": "malformed", "stream": True}
    headers = {**AUTH, "x-emulator-fault": "malformed_sse"}
    with httpx.stream("POST", emulator.base_url + "responses", headers=headers, json=body) as reply:
        data = [line[5:].strip() for line in reply.iter_lines() if line.startswith("data:")]
    with pytest.raises(ValueError):
        json.loads(data[0])
    events = [json.loads(d) for d in data[1:]]
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    assert events[-1]["type"] == "response.completed"


def test_fail_after_emits_error_then_response_failed(emulator: EmulatorServer, recorded: Recorder) -> None:
    client = make_client(emulator, recorded, max_retries=0)
    events = list(client.responses.create(
        model="gpt-4o", input="fail me", stream=True,
        extra_headers={"x-emulator-fault": "fail_after=3;code=rate_limit_exceeded"},
    ))
    assert [e.type for e in events[3:]] == ["error", "response.failed"]
    assert events[3].code == "rate_limit_exceeded"  # type: ignore[union-attr]
    failed = events[-1].response  # type: ignore[union-attr]
    assert failed.status == "failed" and failed.error is not None and failed.error.code == "rate_limit_exceeded"
    assert client.responses.retrieve(failed.id).status == "failed"
    with pytest.raises(openai.InternalServerError):
        client.responses.create(model="gpt-4o", input="x", extra_headers={"x-emulator-fault": "fail_after=1"})


@pytest.fixture(scope="module")
def faulty() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig(fault="status=503")) as server:
        yield server


def test_start_up_fault_applies_to_every_api_request(faulty: EmulatorServer) -> None:
    assert httpx.get(faulty.base_url + "models", headers=AUTH).status_code == 503
    assert httpx.get(faulty.openai_base_url + "models", headers=AUTH).status_code == 503
    assert httpx.get(faulty.root_url + "/_emulator/faults", headers=AUTH).status_code == 200
