"""Compaction: POST /responses/compact by input and by previous_response_id, server-side compaction, and the
older doc snapshot that has none."""

from __future__ import annotations

from typing import Iterator

import httpx
import openai
import pytest

from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer

from .conftest import KEY, Recorder, make_client

pytestmark = pytest.mark.timeout(60)

# The document's minimum compact_threshold is 1000 tokens, i.e. 4000 bytes under emulator.tokens.
PADDING = " background" * 400


def test_compact_by_input_then_follow_up_recalls(client: openai.OpenAI) -> None:
    compacted = client.responses.compact(
        model="gpt-5.2",
        input=[
            {"role": "user", "content": "Create a simple landing page for a dog cafe."},
            {
                "id": "msg_001", "type": "message", "status": "completed", "role": "assistant",
                "content": [{"type": "output_text", "text": "..."}],
            },
        ],
    )
    assert compacted.object == "response.compaction"
    item = compacted.output[-1]
    assert item.type == "compaction" and item.encrypted_content  # type: ignore[union-attr]
    assert "dog cafe" not in item.encrypted_content  # type: ignore[union-attr]  # opaque
    assert compacted.usage.total_tokens == compacted.usage.input_tokens + compacted.usage.output_tokens
    follow_up = client.responses.create(
        model="gpt-5.2", input=[*compacted.output, {"role": "user", "content": "Add a booking form."}]
    )
    assert follow_up.output_text.startswith('You said: "Add a booking form.".')
    assert '"Create a simple landing page for a dog cafe."' in follow_up.output_text


def test_compact_by_previous_response_id(client: openai.OpenAI) -> None:
    initial = client.responses.create(model="gpt-4o", input="What is the size of France?")
    compacted = client.responses.compact(model="gpt-4o", previous_response_id=initial.id)
    follow_up = client.responses.create(
        model="gpt-4o", input=[*compacted.output, {"role": "user", "content": "What is the capital?"}]
    )
    assert 'Earlier you said: "What is the size of France?"' in follow_up.output_text
    # The seed's Java example chains on the compaction's id instead.
    chained = client.responses.create(model="gpt-4o", previous_response_id=compacted.id, input="Add a booking form.")
    assert '"What is the size of France?"' in chained.output_text


def test_tampered_compaction_item_is_rejected(client: openai.OpenAI) -> None:
    compacted = client.responses.compact(model="gpt-4o", input="Secret plans.")
    item = compacted.output[-1].model_dump()
    item["encrypted_content"] = item["encrypted_content"][:-4] + "AAAA"
    with pytest.raises(openai.BadRequestError) as caught:
        client.responses.create(model="gpt-4o", input=[item, {"role": "user", "content": "go on"}])
    assert caught.value.body["param"].startswith("input")  # type: ignore[index]


def test_server_side_compaction_with_store_false(client: openai.OpenAI) -> None:
    conversation: list = [{"type": "message", "role": "user", "content": "Let's begin a long coding task: pelican." + PADDING}]
    response = client.responses.create(
        model="gpt-5.2", input=conversation, store=False,
        context_management=[{"type": "compaction", "compact_threshold": 1000}],
    )
    kinds = [item.type for item in response.output]
    assert kinds[0] == "compaction" and kinds[-1] == "message"
    conversation += response.output
    conversation.append({"type": "message", "role": "user", "content": "Next step."})
    # Items before the latest compaction item may be dropped: it carries the context.
    latest = max(i for i, it in enumerate(conversation) if getattr(it, "type", None) == "compaction")
    follow_up = client.responses.create(
        model="gpt-5.2", input=conversation[latest:], store=False,
        context_management=[{"type": "compaction", "compact_threshold": 100_000}],
    )
    assert "compaction" not in [item.type for item in follow_up.output]  # below the threshold
    assert '"Let\'s begin a long coding task: pelican. background' in follow_up.output_text


def test_server_side_compaction_with_previous_response_id(client: openai.OpenAI) -> None:
    first = client.responses.create(
        model="gpt-4o", input="Remember: heron." + PADDING,
        context_management=[{"type": "compaction", "compact_threshold": 1000}],
    )
    assert first.output[0].type == "compaction"
    second = client.responses.create(model="gpt-4o", previous_response_id=first.id, input="Which bird?")
    assert 'Earlier you said: "Remember: heron. background' in second.output_text


def test_compaction_item_is_streamed_as_an_output_item(client: openai.OpenAI) -> None:
    events = list(client.responses.create(
        model="gpt-4o", input="stream and compact" + PADDING, stream=True,
        context_management=[{"type": "compaction", "compact_threshold": 1000}],
    ))
    added = [e for e in events if e.type == "response.output_item.added"]
    assert added[0].item.type == "compaction" and added[0].output_index == 0


@pytest.fixture(scope="module")
def older(recorded: Recorder) -> Iterator[tuple[EmulatorServer, openai.OpenAI]]:
    with EmulatorServer(EmulatorConfig(snapshot="2025-12")) as server:
        yield server, make_client(server, recorded)


def test_older_snapshot_has_no_compaction(older: tuple[EmulatorServer, openai.OpenAI]) -> None:
    server, client = older
    with pytest.raises(openai.NotFoundError) as caught:
        client.responses.compact(model="gpt-4o", input="x")
    assert "compaction" in caught.value.message
    with pytest.raises(openai.BadRequestError) as bad:
        client.responses.create(
            model="gpt-4o", input="x", context_management=[{"type": "compaction", "compact_threshold": 1000}]
        )
    assert bad.value.body["param"] == "context_management"  # type: ignore[index]
    assert client.responses.create(model="gpt-4o", input="plain").status == "completed"
    raw = httpx.post(server.base_url + "responses/compact", headers={"api-key": KEY}, json={"model": "gpt-4o", "input": "x"})
    assert raw.status_code == 404 and raw.json()["error"]["code"] == "404"
