"""The scenarios' raw HTTP session: SSE parsing that tolerates growth and reports malformed frames,
api-version handling, non-JSON bodies, masked request excerpts."""

from __future__ import annotations

import httpx

from contracts.http_session import HttpSession, SSEResult, decode_frame, parse_sse_lines
from contracts.target import Target


def test_sse_frames_are_grouped_and_unknown_fields_and_comments_ignored() -> None:
    lines = [": keep-alive", "event: response.created", "data: {\"a\":", "data: 1}", "", "weird: x", "data: [DONE]", ""]
    frames, odd = parse_sse_lines(lines)
    assert frames == [("response.created", '{"a":\n1}'), (None, "[DONE]")]
    assert odd == ["weird: x"]


def test_malformed_and_non_object_data_is_reported_and_done_tolerated() -> None:
    result = SSEResult(status=200, headers=httpx.Headers())
    decode_frame("x", "{not json", result)
    decode_frame("y", "[1, 2]", result)
    decode_frame(None, "[DONE]", result)
    decode_frame("response.future", '{"type": "response.future", "sequence_number": 0}', result)
    assert len(result.malformed) == 2 and "not JSON" in result.malformed[0]
    assert result.done_marker
    assert result.types == ["response.future"]


def session_with(handler, **target_fields: object) -> HttpSession:  # type: ignore[no-untyped-def]
    fields: dict[str, object] = {"base_url": "https://res.example/openai/v1/", "deployment": "d", "credential": "k-123456"}
    fields.update(target_fields)
    session = HttpSession(Target(**fields))  # type: ignore[arg-type]
    session.client = httpx.Client(transport=httpx.MockTransport(handler))
    return session


def test_azure_profile_sends_api_version_v1_and_a_base_url_value_wins() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    session_with(handler).get("models")
    session_with(handler, base_url="https://res.example/openai/v1?api-version=preview").get("models")
    session_with(handler, profile="openai").get("models")
    assert [r.url.params.get("api-version") for r in seen] == ["v1", "preview", None]
    assert str(seen[0].url).startswith("https://res.example/openai/v1/models")
    assert seen[0].headers["api-key"] == "k-123456"


def test_non_json_bodies_are_kept_as_text_and_excerpts_mask_the_key() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>bad gateway</html>", headers={"x-ms-region": "eastus"})

    resp = session_with(handler).post("responses", {"model": "d", "note": "k-123456"})
    assert resp.status == 502 and resp.body is None and not resp.is_json
    assert "bad gateway" in resp.text
    assert "k-123456" not in resp.request_excerpt and "api-key (values masked)" in resp.request_excerpt
    assert "eastus" in resp.response_excerpt


def test_an_error_answer_to_a_stream_request_is_returned_with_its_body() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json={"error": {"message": "slow down"}}, headers={"retry-after": "2"})

    result = session_with(handler).stream("POST", "responses", json_body={"stream": True})
    assert result.status == 429 and result.events == []
    assert result.error_body == {"error": {"message": "slow down"}}
