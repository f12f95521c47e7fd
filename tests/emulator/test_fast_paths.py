"""The emulator's cheaper request handling keeps its behaviour: request ids stay random version-4 UUIDs, a
remembered key credential never lets another one in and an Entra token is checked again on every request,
the in-memory store hands out copies like the SQLite one, and a turn reads each image or file part once."""

from __future__ import annotations

import base64
import io
import time
import uuid
from typing import Any

import httpx
import jwt
import pytest
from PIL import Image

from emulator.content import ContentReader
from emulator.file_store import FileStore
from emulator.middleware import request_id
from emulator.server import EmulatorServer
from emulator.store import MemoryStore, SqliteStore, StoredResponse

from .conftest import KEY

pytestmark = pytest.mark.timeout(60)
BODY = {"model": "gpt-4o", "input": "fast path check"}


def test_request_ids_are_random_version_4_uuids() -> None:
    ids = [request_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for value in ids:
        parsed = uuid.UUID(value)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122 and str(parsed) == value


def _entra(exp_in: float) -> str:
    claims = {"aud": "https://ai.azure.com", "exp": int(time.time() + exp_in), "oid": "x"}
    return jwt.encode(claims, "not-a-real-signing-key-but-long-enough-for-hs256", algorithm="HS256")


def test_remembered_credentials_decide_nothing_for_other_ones(emulator: EmulatorServer) -> None:
    url = emulator.base_url + "responses"
    for _ in range(3):  # the accepted key is remembered after the first request
        assert httpx.post(url, headers={"api-key": KEY}, json=BODY).status_code == 200
        assert httpx.post(url, headers={"api-key": KEY + "x"}, json=BODY).status_code == 401
        assert httpx.post(url, headers={"Authorization": f"Bearer {KEY}"}, json=BODY).status_code == 200
        assert httpx.post(url, headers={}, json=BODY).status_code == 401
    with httpx.Client() as client:
        entries = client.get(emulator.root_url + "/_emulator/requests", headers={"api-key": KEY}).json()["data"]
    kinds = [(e["auth"], e["status"]) for e in entries[-12:]]
    assert kinds == [("api-key", 200), ("api-key", 401), ("bearer-key", 200), ("none", 401)] * 3


def test_a_key_removed_from_the_config_is_refused_although_it_was_remembered() -> None:
    with EmulatorServer() as server:
        url = server.base_url + "responses"
        assert httpx.post(url, headers={"api-key": KEY}, json=BODY).status_code == 200  # remembered now
        server.config.api_keys = ("rotated-key",)
        assert httpx.post(url, headers={"api-key": KEY}, json=BODY).status_code == 401
        assert httpx.post(url, headers={"api-key": "rotated-key"}, json=BODY).status_code == 200


def test_entra_token_is_checked_on_every_request(emulator: EmulatorServer) -> None:
    token = _entra(exp_in=2)
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.post(emulator.base_url + "responses", headers=headers, json=BODY).status_code == 200
    time.sleep(2.5)  # the same token, now expired, is no longer accepted
    expired = httpx.post(emulator.base_url + "responses", headers=headers, json=BODY)
    assert expired.status_code == 401 and expired.json()["statusCode"] == 401


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_store_hands_out_copies(kind: str, tmp_path: Any) -> None:
    store = MemoryStore() if kind == "memory" else SqliteStore(str(tmp_path / "s.db"))
    response = {"id": "resp_1", "status": "in_progress", "output": [], "big": 2**70, "odd": "\ud800"}
    items = [{"id": "msg_1", "type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}]
    store.save(StoredResponse("resp_1", response, items, streamed=True))
    response["status"] = "completed"  # a change after saving is not stored until saved again
    first = store.get("resp_1")
    assert first is not None and first.response["status"] == "in_progress"
    assert first.response["big"] == 2**70 and isinstance(first.response["big"], int)  # exact beyond 64 bits
    assert first.response["odd"] == "\ud800" and first.input_items == items and first.streamed
    first.response["output"].append({"changed": True})
    first.input_items.clear()
    again = store.get("resp_1")
    assert again is not None and again.response["output"] == [] and again.input_items == items
    for n in range(3):
        store.add_event("resp_1", {"type": "t", "sequence_number": n, "n": n})
    events = store.events_after("resp_1", 0)
    assert [e["sequence_number"] for e in events] == [1, 2]
    events[0]["n"] = 99
    assert store.events_after("resp_1", 0)[0]["n"] == 1
    assert store.delete("resp_1") and store.get("resp_1") is None and store.events_after("resp_1", -1) == []
    store.close()


def _png_data_url() -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (7, 5), "red").save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_reader_describes_each_image_once(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    import emulator.content as content

    calls: list[str] = []
    real = content.image_url_facts
    monkeypatch.setattr(content, "image_url_facts", lambda url: calls.append(url) or real(url))
    reader = ContentReader(FileStore(None))
    part = {"type": "input_image", "image_url": _png_data_url()}
    item = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "what is it?"}, part]}
    first = reader.message(item, "input[0]")
    assert reader.part(part) == first.split("\n")[1] and reader.message(item) == first
    assert "7" in first and "5" in first and len(calls) == 1
    bad = {"type": "input_image", "image_url": "data:image/png;base64,AAAA"}
    with pytest.raises(Exception) as error:
        reader.message({"type": "message", "role": "user", "content": [bad]}, "input[3]")
    assert getattr(error.value, "param", None) == "input[3].content[0].image_url"


def test_image_input_turn_over_http(emulator: EmulatorServer) -> None:
    """A create with an image still states its facts and counts it at the flat image rate."""
    body = {"model": "gpt-4o", "input": [{"role": "user", "content": [
        {"type": "input_text", "text": "describe"}, {"type": "input_image", "image_url": _png_data_url()}]}]}
    reply = httpx.post(emulator.base_url + "responses", headers={"api-key": KEY}, json=body)
    assert reply.status_code == 200
    data = reply.json()
    text = data["output"][-1]["content"][0]["text"]
    assert "PNG" in text and "7" in text
    assert data["usage"]["input_tokens"] == 2 + 85  # "describe" is 8 bytes = 2 tokens, the image 85
    assert data["usage"]["total_tokens"] == data["usage"]["input_tokens"] + data["usage"]["output_tokens"]


@pytest.mark.parametrize("prefix", ["/openai/v1", "/v1"])
def test_create_route_and_its_neighbours(emulator: EmulatorServer, prefix: str) -> None:
    """POST /responses is routed before the mounts; every other method and path still gets the mounts' answer."""
    url = emulator.root_url + prefix + "/responses"
    headers = {"api-key": KEY}
    created = httpx.post(url, headers=headers, json=BODY)
    assert created.status_code == 200 and created.headers["x-ms-served-model"] == "gpt-4o-2024-11-20"
    assert created.headers["x-ms-region"] and created.headers["x-ratelimit-remaining-requests"]
    for method in ("GET", "PUT"):
        wrong = httpx.request(method, url, headers=headers)
        assert wrong.status_code == 405
        assert wrong.json()["error"]["message"] == f"Method {method} is not allowed on {prefix}/responses."
    slash = httpx.post(url + "/", headers=headers, json=BODY)
    assert slash.status_code == 307 and slash.headers["location"].endswith(prefix + "/responses")
    assert httpx.post(url + "x", headers=headers, json=BODY).status_code == 404
    assert httpx.get(url + "/" + created.json()["id"], headers=headers).json()["status"] == "completed"


@pytest.mark.parametrize("raw", [
    b'{"model": "gpt-4o", "input": "Hello"}', b'{"a":1,"a":2}', b"-0", b"1E400", b"[1.5e-400]", b'"\\u0000"',
    b"123456789012345678901234567890", b"18446744073709551615", b"-9223372036854775809", b'{"x": "\\ud800"}',
    '{"x": "\u00e9"}'.encode("utf-16"), b'\xef\xbb\xbf{"a":1}', b'{"a": "\xed\xa0\x80"}', b"NaN", b"[Infinity]", b"",
    b"{", b"[1,]", b"01", b'"a\nb"', b'"\xff"', b"[0.1, 1.7976931348623157e308, 5e-324]",
])
def test_request_decoding_matches_the_standard_library(raw: bytes) -> None:
    """json_codec.loads takes orjson's fast path only where orjson reads exactly what the standard library does."""
    import json

    from emulator.json_codec import loads

    def standard(data: bytes) -> Any:
        return json.loads(data.decode(json.detect_encoding(data), "surrogatepass"),
                          parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))

    def outcome(decode: Any) -> tuple[str, str]:
        try:
            value = decode(raw)
        except ValueError:
            return ("error", "")
        return (type(value).__name__, repr(value))

    assert outcome(loads) == outcome(standard)
