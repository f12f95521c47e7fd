"""Sealed strings and compaction items: opaque, tamper-evident, and stable across a restart."""

from __future__ import annotations

import pytest
from openai._models import construct_type
from openai.types.responses import ResponseCompactionItem
from openai.types.responses.compacted_response import CompactedResponse

from emulator.compaction import (
    compact_items,
    compacted_output,
    compaction_object,
    expand_context,
    expand_item,
)
from emulator.sealing import Sealer

CONTEXT = [
    {"role": "user", "content": "Create a simple landing page for a dog cafe."},
    {
        "id": "msg_001",
        "type": "message",
        "status": "completed",
        "role": "assistant",
        "content": [{"type": "output_text", "text": "Here is the page: <h1>Woof</h1>", "annotations": []}],
    },
]


def _tamper(token: str) -> str:
    middle = len(token) // 2
    return token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]


def test_seal_round_trips_and_hides_the_content() -> None:
    sealer = Sealer("s3cret")
    token = sealer.seal({"word": "pineapple", "n": [1, 2]})
    assert "pineapple" not in token and token.startswith("gAAAAA")
    assert sealer.unseal(token) == {"word": "pineapple", "n": [1, 2]}


def test_a_new_sealer_with_the_same_secret_unseals() -> None:
    token = Sealer("same").seal(["restart"])
    assert Sealer("same").unseal(token) == ["restart"]


@pytest.mark.parametrize("bad", ["", "not-a-token", "gAAAAAB" + "x" * 60])
def test_garbage_is_a_value_error(bad: str) -> None:
    with pytest.raises(ValueError):
        Sealer("k").unseal(bad)


def test_tampered_or_foreign_tokens_are_rejected() -> None:
    token = Sealer("k").seal("hello")
    with pytest.raises(ValueError, match="altered"):
        Sealer("k").unseal(_tamper(token))
    with pytest.raises(ValueError, match="altered"):
        Sealer("other").unseal(token)


def test_compaction_item_has_the_sdk_shape_and_expands_back() -> None:
    sealer = Sealer("k")
    item = compact_items(CONTEXT, sealer)
    parsed = ResponseCompactionItem.model_validate(item)
    assert parsed.type == "compaction" and parsed.id.startswith("cmp_")
    assert "Woof" not in item["encrypted_content"]
    assert expand_item(item, sealer) == CONTEXT


def test_a_tampered_compaction_item_is_rejected() -> None:
    sealer = Sealer("k")
    item = compact_items(CONTEXT, sealer)
    with pytest.raises(ValueError):
        expand_item({**item, "encrypted_content": _tamper(item["encrypted_content"])}, sealer)
    with pytest.raises(ValueError, match="encrypted_content"):
        expand_item({"type": "compaction", "id": "cmp_1"}, sealer)


def test_other_sealed_content_is_not_a_compaction() -> None:
    sealer = Sealer("k")
    with pytest.raises(ValueError, match="not the content of a compaction"):
        expand_item({"type": "compaction", "encrypted_content": sealer.seal({"kind": "reasoning"})}, sealer)


def test_expand_context_replaces_everything_before_the_latest_compaction() -> None:
    sealer = Sealer("k")
    first = compact_items(CONTEXT, sealer)
    second = compact_items([first, {"role": "user", "content": "Add a booking form."}], sealer)
    later = {"role": "user", "content": "Add opening hours."}
    stale = {"role": "user", "content": "dropped: carried by the compaction"}
    assert expand_context([stale, second, later], sealer) == [
        *CONTEXT,
        {"role": "user", "content": "Add a booking form."},
        later,
    ]


def test_expand_context_names_the_bad_item() -> None:
    sealer = Sealer("k")
    items = [{"role": "user", "content": "x"}, {"type": "compaction", "encrypted_content": "junk"}]
    with pytest.raises(ValueError, match=r"^\[1\]\.encrypted_content"):
        expand_context(items, sealer)


def test_compact_endpoint_body_parses_as_compacted_response() -> None:
    sealer = Sealer("k")
    output = compacted_output(CONTEXT, sealer)
    body = compaction_object(output, {"input_tokens": 40, "output_tokens": 12}, "gpt-4o")
    # The SDK builds responses with construct_type (lenient: its output union has no user message type).
    parsed = construct_type(type_=CompactedResponse, value=body)
    assert isinstance(parsed, CompactedResponse)
    assert parsed.object == "response.compaction" and parsed.id.startswith("resp_")
    assert [o.type for o in parsed.output] == ["message", "compaction"]
    user = parsed.output[0]
    assert user.role == "user" and user.content[0].text == CONTEXT[0]["content"]
    assert parsed.usage.total_tokens == 52 and parsed.usage.input_tokens_details.cached_tokens == 0
    assert expand_item(body["output"][-1], sealer) == CONTEXT
