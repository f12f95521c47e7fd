"""The Responses tools end to end: real `mcp` client -> bridge over streamable HTTP -> real emulator."""

from __future__ import annotations

import json
import re
from pathlib import Path
from collections.abc import Iterator
from typing import Any

import anyio
import openai
import pytest

from emulator.server import EmulatorServer
from tests.bridge.conftest import (
    WEATHER_TOOL,
    BridgeHTTPServer,
    Progress,
    admin,
    arm_fault,
    http_session,
    settings_for,
)

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

MY_TOOLS = {
    # name: (readOnly, destructive, idempotent)
    "create_response": (False, False, False),
    "submit_function_outputs": (False, False, False),
    "retrieve_response": (True, False, True),
    "delete_response": (False, True, True),
    "cancel_response": (False, True, True),
    "list_input_items": (True, False, True),
    "compact_response": (False, False, False),
    "wait_for_response": (True, False, True),
    "resume_response_stream": (True, False, True),
}


@pytest.fixture(scope="module")
def bridge(emulator: EmulatorServer) -> Iterator[BridgeHTTPServer]:
    with BridgeHTTPServer(settings_for(emulator)) as server:
        yield server


def slow(words: int = 60, delay_ms: int = 20) -> dict[str, str]:
    return {"emulator_words": str(words), "emulator_delay_ms": str(delay_ms)}


def data(result: Any) -> dict[str, Any]:
    assert not result.is_error, result.content[0].text
    assert result.structured_content is not None
    # The text copy carries the same data as structuredContent.
    assert json.loads(result.content[0].text) == result.structured_content
    return result.structured_content


async def test_every_tool_listed_with_schemas_and_annotations(bridge: BridgeHTTPServer) -> None:
    async with http_session(bridge.url) as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    for name, (read_only, destructive, idempotent) in MY_TOOLS.items():
        tool = tools[name]
        assert tool.description and len(tool.description) > 40
        assert tool.output_schema and tool.output_schema["type"] == "object"
        properties = tool.input_schema["properties"]
        assert properties and all(spec.get("description") for spec in properties.values()), name
        hints = tool.annotations
        assert hints is not None and hints.open_world_hint is True
        assert (hints.read_only_hint, hints.destructive_hint, hints.idempotent_hint) == (read_only, destructive, idempotent)
    # Every tool, these and the media/catalog ones: the display title in annotations too (clients read either).
    assert len(tools) >= 15
    for tool in tools.values():
        assert tool.annotations is not None and tool.annotations.title, tool.name
        assert tool.title in (None, tool.annotations.title), tool.name


async def test_streamed_create_forwards_deltas_in_order(bridge: BridgeHTTPServer, clean_emulator: EmulatorServer) -> None:
    progress = Progress()
    async with http_session(bridge.url) as session:
        result = await session.call_tool(
            "create_response", {"input": "Tell me about rivers", "metadata": slow(40, 5)}, progress_callback=progress
        )
    body = data(result)
    assert body["status"] == "completed"
    assert len(progress.deltas()) > 10
    assert "".join(progress.deltas()) == body["output_text"]
    values = [value for value, _, _ in progress.events]
    assert values == sorted(values) and len(set(values)) == len(values)
    # Summaries only for what tells the user something: the id and the end; not `response.queued` or
    # `response.in_progress`, nor the message item's added/done.
    kinds = [line.split()[1] for line in progress.summaries()]
    assert kinds == ["response.created", "response.completed"], progress.summaries()
    assert body["response_id"] in progress.summaries()[0]
    assert body["stream"]["resumes"] == 0 and body["stream"]["events"] >= len(progress.deltas())

    unstored = Progress()
    async with http_session(bridge.url) as session:
        plain = data(
            await session.call_tool("create_response", {"input": "Tell me about lakes", "store": False}, progress_callback=unstored)
        )
    assert plain["status"] == "completed" and "".join(unstored.deltas()) == plain["output_text"]


async def test_create_without_progress_token_still_streams_upstream(
    bridge: BridgeHTTPServer, clean_emulator: EmulatorServer
) -> None:
    async with http_session(bridge.url) as session:
        body = data(await session.call_tool("create_response", {"input": "Hello", "instructions": "Be brief"}))
        polled = data(await session.call_tool("create_response", {"input": "Hello", "stream": False}))
        plain = data(await session.call_tool("create_response", {"input": "Hello", "store": False}))
    assert body["status"] == "completed" and body["output_text"] and body["usage"]["output_tokens"] > 0
    assert body["stream"]["events"] > 0
    assert polled["status"] == "completed" and polled["stream"] is None
    assert polled["output_text"] == plain["output_text"] == "You said: \"Hello\"."
    assert "Be brief" in body["output_text"]
    log = admin(clean_emulator, "GET", "requests")["data"]
    polls = [e for e in log if e["method"] == "GET" and polled["response_id"] in e["path"]]
    assert polls, "stream=false polls the background job"


async def test_retrieve_list_items_delete(bridge: BridgeHTTPServer) -> None:
    async with http_session(bridge.url) as session:
        created = data(await session.call_tool("create_response", {"input": "Remember the number 42"}))
        rid = created["response_id"]
        fetched = data(await session.call_tool("retrieve_response", {"response_id": rid}))
        assert fetched["output_text"] == created["output_text"]
        page = data(await session.call_tool("list_input_items", {"response_id": rid, "limit": 5}))
        assert page["items"] and "42" in json.dumps(page["items"])
        assert page["has_more"] is False
        deleted = data(await session.call_tool("delete_response", {"response_id": rid}))
        assert deleted == {"response_id": rid, "deleted": True}
        gone = await session.call_tool("retrieve_response", {"response_id": rid})
    assert gone.is_error
    text = gone.content[0].text
    assert "404" in text and rid in text and "Check the response id" in text and "deployment" not in text


async def test_function_call_round_trip(bridge: BridgeHTTPServer) -> None:
    progress = Progress()
    async with http_session(bridge.url) as session:
        first = data(
            await session.call_tool(
                "create_response",
                {"input": "What is the weather in Paris? Use get_weather.", "tools": [WEATHER_TOOL]},
                progress_callback=progress,
            )
        )
        assert first["function_calls"], first
        # A tool call's item is summarised when it starts and when its arguments are complete.
        calls = [line for line in progress.summaries() if "item=function_call name=get_weather" in line]
        assert [line.split()[1] for line in calls] == ["response.output_item.added", "response.output_item.done"]
        call = first["function_calls"][0]
        assert call["name"] == "get_weather" and call["call_id"]
        assert "submit_function_outputs" in first["next_step"]
        second = data(
            await session.call_tool(
                "submit_function_outputs",
                {
                    "previous_response_id": first["response_id"],
                    "outputs": [{"call_id": call["call_id"], "output": {"temperature_c": 17, "sky": "drizzle"}}],
                    "tools": [WEATHER_TOOL],
                },
            )
        )
    assert second["status"] == "completed" and second["previous_response_id"] == first["response_id"]
    assert "drizzle" in second["output_text"] or "17" in second["output_text"]


async def test_compact_then_continue(bridge: BridgeHTTPServer) -> None:
    async with http_session(bridge.url) as session:
        first = data(await session.call_tool("create_response", {"input": "We are planning a bakery website."}))
        compacted = data(
            await session.call_tool("compact_response", {"previous_response_id": first["response_id"]})
        )
        assert any(item.get("type") == "compaction" for item in compacted["output"])
        follow = data(
            await session.call_tool(
                "create_response",
                {"input": [*compacted["output"], {"role": "user", "content": "Add opening hours."}]},
            )
        )
        by_items = data(
            await session.call_tool(
                "compact_response",
                {"input": [{"role": "user", "content": "Menu: bread, cake."}, {"role": "user", "content": "Add pie."}]},
            )
        )
        assert any(item.get("type") == "compaction" for item in by_items["output"])
        managed = data(
            await session.call_tool(
                "create_response",
                {"input": "Keep going", "context_management": [{"type": "compaction", "compact_threshold": 200000}]},
            )
        )
    assert follow["status"] == "completed" and follow["output_text"]
    assert managed["status"] == "completed"


async def test_background_start_wait_cancel(bridge: BridgeHTTPServer) -> None:
    async with http_session(bridge.url) as session:
        started = data(
            await session.call_tool("create_response", {"input": "Write slowly", "background": True, "metadata": slow(400, 50)})
        )
        assert started["status"] in ("queued", "in_progress")
        assert "wait_for_response" in started["next_step"]
        beats = Progress()
        waited = data(
            await session.call_tool(
                "wait_for_response", {"response_id": started["response_id"], "timeout_seconds": 0.6}, progress_callback=beats
            )
        )
        assert waited["status"] in ("queued", "in_progress") and "wait_for_response" in waited["next_step"]
        assert beats.events and all(total is not None for _, total, _ in beats.events)
        cancelled = data(await session.call_tool("cancel_response", {"response_id": started["response_id"]}))
        assert cancelled["status"] == "cancelled"

        quick = data(await session.call_tool("create_response", {"input": "Hi", "background": True}))
        done = data(await session.call_tool("wait_for_response", {"response_id": quick["response_id"]}))
    assert done["status"] == "completed" and done["output_text"]


async def test_resume_stream_from_sequence_number(bridge: BridgeHTTPServer) -> None:
    async with http_session(bridge.url) as session:
        started = data(await session.call_tool("create_response", {"input": "Count the stars", "background": True}))
        whole = Progress()
        full = data(
            await session.call_tool("resume_response_stream", {"response_id": started["response_id"]}, progress_callback=whole)
        )
        assert "".join(whole.deltas()) == full["output_text"]
        # Replaying after a sequence number yields exactly the rest of the text.
        cut = [value for value, _, message in whole.events if message and not message.startswith("[event] ")][3]
        rest = Progress()
        await session.call_tool(
            "resume_response_stream",
            {"response_id": started["response_id"], "starting_after": int(cut)},
            progress_callback=rest,
        )
    assert full["output_text"].endswith("".join(rest.deltas()))
    assert len("".join(rest.deltas())) < len(full["output_text"])


@pytest.mark.parametrize("spec", ["status=429;retry_after=1", "status=503"])
async def test_injected_throttling_and_outage_recover(
    bridge: BridgeHTTPServer, clean_emulator: EmulatorServer, spec: str
) -> None:
    arm_fault(clean_emulator, spec, count=1, path="/responses")
    async with http_session(bridge.url) as session:
        body = data(await session.call_tool("create_response", {"input": "Hello after a hiccup"}))
    assert body["status"] == "completed"
    log = admin(clean_emulator, "GET", "requests")["data"]
    statuses = [entry["status"] for entry in log if entry["method"] == "POST" and entry["path"].endswith("/responses")]
    assert statuses[:2] == [int(spec.split(";")[0].split("=")[1]), 200]


async def test_content_filter_refusal_is_a_tool_error_that_says_to_rephrase(
    bridge: BridgeHTTPServer, clean_emulator: EmulatorServer
) -> None:
    arm_fault(clean_emulator, "content_filter", count=1, path="/responses")
    async with http_session(bridge.url) as session:
        result = await session.call_tool("create_response", {"input": "Something the filter refuses"})
    assert result.is_error
    text = result.content[0].text
    assert text.startswith("The content filter refused the request (HTTP 400: The response was filtered")
    assert "param=prompt; code=content_filter" in text and "Rephrase the input" in text
    log = admin(clean_emulator, "GET", "requests")["data"]
    posts = [e for e in log if e["method"] == "POST" and e["path"].endswith("/responses")]
    assert [e["status"] for e in posts] == [400]  # a 400 is not retried


@pytest.mark.parametrize("spec", ["cut_after=8", "malformed_sse"])
async def test_broken_stream_resumes_without_duplicates(
    bridge: BridgeHTTPServer, clean_emulator: EmulatorServer, spec: str
) -> None:
    arm_fault(clean_emulator, spec, count=1, path="/responses")
    progress = Progress()
    async with http_session(bridge.url) as session:
        body = data(
            await session.call_tool(
                "create_response", {"input": "Tell a story about a lighthouse", "metadata": slow(60, 2)}, progress_callback=progress
            )
        )
    assert body["status"] == "completed"
    assert body["stream"]["resumes"] >= 1
    assert "".join(progress.deltas()) == body["output_text"]
    log = [e for e in admin(clean_emulator, "GET", "requests")["data"] if "/responses" in e["path"]]
    if spec.startswith("cut_after"):
        # Cut after the id was known: resumed with GET ...?stream=true&starting_after=N.
        assert any(e["method"] == "GET" for e in log)
    else:
        # Broken before the first event: nothing forwarded yet, so the create was tried afresh.
        assert [e["method"] for e in log].count("POST") == 2


async def test_long_create_returns_job_id_inside_budget(emulator: EmulatorServer) -> None:
    with BridgeHTTPServer(settings_for(emulator, responses_bridge_time_budget=1.0)) as small:
        async with http_session(small.url) as session:
            progress = Progress()
            streamed = data(
                await session.call_tool(
                    "create_response", {"input": "A long essay", "metadata": slow(400, 40)}, progress_callback=progress
                )
            )
            polled = data(await session.call_tool("create_response", {"input": "Another essay", "metadata": slow(400, 40)}))
            for body in (streamed, polled):
                assert body["status"] in ("queued", "in_progress")
                assert body["response_id"] in body["next_step"] and "wait_for_response" in body["next_step"]
                data(await session.call_tool("cancel_response", {"response_id": body["response_id"]}))
            for arguments in ({}, {"stream": True}):
                unstored = await session.call_tool(
                    "create_response", {"input": "Essay", "store": False, "metadata": slow(60, 40), **arguments}
                )
                assert unstored.is_error and "store=false" in unstored.content[0].text
    assert "resume_response_stream" in streamed["next_step"]
    assert streamed["output_text"] == "".join(progress.deltas())


async def test_mcp_cancellation_cancels_the_upstream_response(bridge: BridgeHTTPServer) -> None:
    progress = Progress()
    response_ids: list[str] = []

    async def watch(value: float, total: float | None, message: str | None) -> None:
        await progress(value, total, message)
        if message and "response.created id=" in message:
            response_ids.append(message.split("id=")[1].split()[0])

    async with http_session(bridge.url) as session:
        with anyio.move_on_after(1.5):
            await session.call_tool("create_response", {"input": "Ramble on", "metadata": slow(500, 30)}, progress_callback=watch)
        assert response_ids and progress.deltas(), "the stream should have started before the cancel"
        # The bridge keeps serving after the cancelled call.
        assert (await session.list_tools()).tools
    sdk = openai.OpenAI(base_url=bridge.ctx.settings.base_url(), api_key="emulator-key")
    status = None
    with anyio.move_on_after(10):
        while status != "cancelled":
            status = sdk.responses.retrieve(response_ids[0]).status
            await anyio.sleep(0.1)
    assert status == "cancelled"


async def test_upstream_errors_become_clear_tool_errors(bridge: BridgeHTTPServer, emulator: EmulatorServer) -> None:
    async with http_session(bridge.url) as session:
        missing = await session.call_tool("create_response", {"input": "Hi", "model": "no-such-deployment"})
        assert missing.is_error and "404" in missing.content[0].text and "deployment name" in missing.content[0].text
        assert data(await session.call_tool("create_response", {"input": "still alive?"}))["status"] == "completed"
        arm_fault(emulator, "fail_after=3;code=server_error", path="/responses")
        failed = await session.call_tool("create_response", {"input": "Hi", "metadata": slow(30, 1)})
        assert failed.is_error and "server_error" in failed.content[0].text
        assert re.search(r"\(response id: resp_\w+\)", failed.content[0].text) and failed.structured_content is None
    with BridgeHTTPServer(settings_for(emulator, azure_openai_api_key="wrong-key")) as wrong:
        async with http_session(wrong.url) as session:
            denied = await session.call_tool("create_response", {"input": "Hi"})
    assert denied.is_error
    text = denied.content[0].text
    assert "401" in text and "https://ai.azure.com/.default" in text and "AZURE_OPENAI_API_KEY" in text
    assert "wrong-key" not in text


async def test_malformed_arguments_get_clear_errors(bridge: BridgeHTTPServer) -> None:
    async with http_session(bridge.url) as session:
        cases = [
            ("create_response", {"input": 5}, "input"),
            ("create_response", {"input": "Hi", "max_output_tokens": 3}, "max_output_tokens"),
            ("create_response", {}, "input"),
            ("create_response", {"input": "Hi", "store": False, "background": True}, "background"),
            ("submit_function_outputs", {"previous_response_id": "resp_x", "outputs": [{"output": "1"}]}, "call_id"),
            ("list_input_items", {"response_id": "resp_x", "limit": 1000}, "limit"),
            ("retrieve_response", {}, "response_id"),
        ]
        for name, arguments, field in cases:
            result = await session.call_tool(name, arguments)
            assert result.is_error, (name, arguments)
            assert field in result.content[0].text, (name, result.content[0].text)
        assert data(await session.call_tool("create_response", {"input": "fine"}))["status"] == "completed"



async def test_image_generation_result_is_published_not_inlined(bridge: BridgeHTTPServer) -> None:
    async with http_session(bridge.url) as session:
        result = await session.call_tool(
            "create_response", {"input": "Draw an image of a red fox in the snow", "tools": [{"type": "image_generation"}]}
        )
    body = data(result)
    assert body["images"], body
    image = body["images"][0]
    assert Path(image["path"]).read_bytes().startswith(b"\x89PNG")
    call = next(item for item in body["output"] if item["type"] == "image_generation_call")
    assert call["result"].startswith("<omitted")
    kinds = [block.type for block in result.content]
    assert "image" in kinds and "resource_link" in kinds
    assert len(result.content[0].text) < 20_000
