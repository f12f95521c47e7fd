"""Properties: any content part gives text or a 400/404 naming a field; sealed items never unseal when altered."""

from __future__ import annotations

import base64

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emulator.compaction import compact_items, expand_item
from emulator.content import describe_part
from emulator.errors import EmulatorError
from emulator.file_store import FileStore
from emulator.sealing import Sealer

B64 = st.binary(max_size=64).map(lambda b: base64.b64encode(b).decode())
URLS = st.one_of(
    st.text(max_size=20),
    B64.map(lambda b: f"data:image/png;base64,{b}"),
    B64.map(lambda b: f"data:application/pdf;base64,{b}"),
    st.just("data:image/png;base64,%%%"),
    st.just("https://example.com/a.png"),
    st.binary(max_size=40).map(lambda b: "data:application/pdf;base64," + base64.b64encode(b"%PDF-1.4\n" + b).decode()),
)
VALUES = st.one_of(st.none(), st.integers(), st.booleans(), URLS, st.lists(st.integers(), max_size=2), st.just({}))
PARTS = st.fixed_dictionaries(
    {"type": st.sampled_from(["input_text", "output_text", "refusal", "input_image", "input_file", "input_audio", 3])},
    optional={k: VALUES for k in ("text", "refusal", "image_url", "file_id", "file_data", "file_url", "filename")},
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(part=PARTS)
def test_any_part_is_text_or_a_named_client_error(part: dict) -> None:
    files = FileStore(None)
    try:
        text = describe_part(part, files, "input[0].content[0]")
    except EmulatorError as exc:
        assert exc.status in (400, 404) and exc.param and exc.param.startswith("input[0].content[0]")
        return
    assert isinstance(text, str)


@settings(max_examples=200, deadline=None)
@given(position=st.integers(min_value=0), replacement=st.sampled_from("ABCxyz0129-_="))
def test_any_single_character_change_is_detected(position: int, replacement: str) -> None:
    sealer = Sealer("k")
    item = compact_items([{"role": "user", "content": "keep"}], sealer)
    token = item["encrypted_content"]
    i = position % len(token)
    if token[i] == replacement:
        return
    changed = token[:i] + replacement + token[i + 1 :]
    if _bytes(changed) == _bytes(token):
        return  # only base64's unused padding bits changed: the sealed bytes are the same
    altered = {**item, "encrypted_content": changed}
    with pytest.raises(ValueError):
        expand_item(altered, sealer)


def _bytes(token: str) -> bytes | None:
    try:
        return base64.urlsafe_b64decode(token)
    except ValueError:
        return None
