"""Remote MCP approvals end to end: the emulator returns `mcp_approval_request` items (require_approval
"always"); the bridge asks the user through MCP elicitation, or leaves them to `approve_mcp_request`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.bridge.conftest import BridgeHTTPServer, Progress, admin
from tests.bridge.media_samples import make_pdf
from tests.bridge.media_harness import bridge_client, http_client_session, media_context, media_settings, structured, text_of
from mcp.types import ElicitRequestParams, ElicitResult, ErrorData

from emulator.server import EmulatorServer

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

MCP_TOOL = {
    "type": "mcp",
    "server_label": "github",
    "server_url": "https://contoso.com/Azure/azure-rest-api-specs",
    "require_approval": "always",
}
QUESTION = "What transport protocols are supported in the 2025-03-26 version of the MCP spec?"
CREATE = {"input": QUESTION, "tools": [MCP_TOOL], "stream": False}


class User:
    """An elicitation callback that answers like a user and remembers what it was asked."""

    def __init__(self, action: str = "accept", content: dict[str, Any] | None = None) -> None:
        self.action = action
        self.content = content if content is not None else {"approve": True}
        self.asked: list[ElicitRequestParams] = []

    async def __call__(self, context: Any, params: ElicitRequestParams) -> ElicitResult:
        self.asked.append(params)
        if self.action == "accept":
            return ElicitResult(action="accept", content=self.content)
        return ElicitResult(action=self.action)  # type: ignore[arg-type]


def mcp_calls(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for item in result["output"] if item.get("type") == "mcp_call"]


def assert_asked_about_the_call(user: User) -> None:
    [question] = user.asked
    assert "github" in question.message and "azure_rest_api_specs" in question.message
    assert "Approve" in question.message
    schema = question.requested_schema
    assert schema["properties"]["approve"]["type"] == "boolean" and schema["required"] == ["approve"]


def assert_approved_and_continued(result: dict[str, Any]) -> None:
    assert result["approval_requests"] == []
    [call] = mcp_calls(result)
    assert call["status"] == "completed" and call["approval_request_id"].startswith("mcpr")
    # The continuation is chained to the response that held the request.
    assert result["previous_response_id"]


async def test_approved_through_elicitation_on_a_2026_client(emulator: EmulatorServer, tmp_path: Path) -> None:
    user = User()
    async with bridge_client(media_context(emulator, tmp_path), elicitation_callback=user) as client:
        result = structured(await client.call_tool("create_response", CREATE))
    assert_asked_about_the_call(user)
    assert_approved_and_continued(result)


async def test_approved_through_elicitation_on_a_handshake_client(emulator: EmulatorServer, tmp_path: Path) -> None:
    user = User()
    async with bridge_client(media_context(emulator, tmp_path), elicitation_callback=user, mode="legacy") as client:
        result = structured(await client.call_tool("create_response", CREATE))
    assert_asked_about_the_call(user)
    assert_approved_and_continued(result)


@pytest.mark.timeout(90)
async def test_approved_through_elicitation_over_streamable_http(emulator: EmulatorServer, tmp_path: Path) -> None:
    user = User()
    with BridgeHTTPServer(media_settings(emulator, tmp_path)) as server:
        async with http_client_session(server, elicitation_callback=user) as session:
            result = structured(await session.call_tool("create_response", CREATE))
    assert_asked_about_the_call(user)
    assert_approved_and_continued(result)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_declined_elicitation_denies_the_call(emulator: EmulatorServer, tmp_path: Path, mode: str) -> None:
    user = User("decline")
    async with bridge_client(media_context(emulator, tmp_path), elicitation_callback=user, mode=mode) as client:
        result = structured(await client.call_tool("create_response", CREATE))
    assert len(user.asked) == 1
    assert mcp_calls(result) == [] and result["approval_requests"] == []
    assert "denied" in result["output_text"] and "the user chose to decline" in result["output_text"]


@pytest.mark.parametrize("mode", ["auto", "legacy"])  # InputRequiredResult round trip / elicitation request
async def test_cancelled_elicitation_leaves_the_approval_pending(
    emulator: EmulatorServer, tmp_path: Path, mode: str
) -> None:
    """Cancel (the dialog dismissed) is no decision: nothing goes upstream, the requests come back with how
    to answer them later, and approve_mcp_request then continues the response."""
    user = User("cancel")
    admin(emulator, "DELETE", "requests")
    async with bridge_client(media_context(emulator, tmp_path), elicitation_callback=user, mode=mode) as client:
        pending = structured(await client.call_tool("create_response", CREATE))
        log = admin(emulator, "GET", "requests")["data"]
        assert len(user.asked) == 1 and mcp_calls(pending) == [] and pending["status"] == "completed"
        [request] = pending["approval_requests"]
        assert f"approve_mcp_request(response_id={pending['response_id']!r}" in pending["next_step"]
        # The only create is the first one: no mcp_approval_response was sent.
        assert len([e for e in log if e["method"] == "POST" and e["path"].endswith("/responses")]) == 1
        approved = structured(
            await client.call_tool(
                "approve_mcp_request",
                {"response_id": pending["response_id"], "approval_request_id": request["id"], "approve": True},
            )
        )
    assert_approved_and_continued(approved)


async def test_user_denying_in_the_form_passes_the_reason_on(emulator: EmulatorServer, tmp_path: Path) -> None:
    user = User(content={"approve": False, "reason": "not this repository"})
    async with bridge_client(media_context(emulator, tmp_path), elicitation_callback=user, mode="legacy") as client:
        result = structured(await client.call_tool("create_response", CREATE))
    assert mcp_calls(result) == []
    assert "denied (reason: not this repository)" in result["output_text"]


async def test_without_elicitation_the_request_is_returned_and_approve_tool_continues(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        first = structured(await client.call_tool("create_response", CREATE))
        [request] = first["approval_requests"]
        assert request["server_label"] == "github" and request["id"].startswith("mcpr")
        assert "approve_mcp_request" in first["next_step"]
        wrong = await client.call_tool(
            "approve_mcp_request",
            {"response_id": first["response_id"], "approval_request_id": "mcpr_nope", "approve": True},
        )
        assert wrong.is_error and "approval_request_id: mcpr_nope is not an approval request of" in text_of(wrong)
        approved = structured(
            await client.call_tool(
                "approve_mcp_request",
                {"response_id": first["response_id"], "approval_request_id": request["id"], "approve": True},
            )
        )
    [call] = mcp_calls(approved)
    assert call["approval_request_id"] == request["id"]
    assert approved["previous_response_id"] == first["response_id"]
    assert json.loads(call["arguments"]) == json.loads(request["arguments"])


async def test_approve_tool_denies_with_explicit_model_and_tools(emulator: EmulatorServer, tmp_path: Path) -> None:
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        first = structured(await client.call_tool("create_response", CREATE))
        [request] = first["approval_requests"]
        denied = structured(
            await client.call_tool(
                "approve_mcp_request",
                {
                    "response_id": first["response_id"],
                    "approval_request_id": request["id"],
                    "approve": False,
                    "reason": "too risky",
                    "model": "gpt-4o",
                    "tools": [MCP_TOOL],
                },
            )
        )
    assert mcp_calls(denied) == [] and "denied (reason: too risky)" in denied["output_text"]


async def test_approve_tool_reports_unknown_response_clearly(emulator: EmulatorServer, tmp_path: Path) -> None:
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        result = await client.call_tool(
            "approve_mcp_request", {"response_id": "resp_missing", "approval_request_id": "mcpr_x", "approve": True}
        )
        assert result.is_error and "404" in text_of(result) and "resp_missing" in text_of(result)
        bad = await client.call_tool("approve_mcp_request", {"response_id": "resp_missing", "approve": "maybe"})
        assert bad.is_error and "approve" in text_of(bad) and "approval_request_id" in text_of(bad)
        # The server is still up.
        assert (await client.list_tools()).tools


async def test_client_failing_the_elicitation_gets_the_request_back(emulator: EmulatorServer, tmp_path: Path) -> None:
    async def broken(context: Any, params: ElicitRequestParams) -> ErrorData:
        return ErrorData(code=-32603, message="no UI available")

    async with bridge_client(media_context(emulator, tmp_path), elicitation_callback=broken, mode="legacy") as client:
        result = structured(await client.call_tool("create_response", CREATE))
    [request] = result["approval_requests"]
    assert request["server_label"] == "github" and "approve_mcp_request" in result["next_step"]


async def test_a_2026_retry_continues_without_uploading_the_attachments_again(
    clean_emulator: EmulatorServer, tmp_path: Path
) -> None:
    user = User()
    # Every PDF is uploaded (no inline size), so each preparation of the attachments is one POST /files.
    ctx = media_context(clean_emulator, tmp_path, responses_bridge_inline_pdf_bytes=0)
    pdf = tmp_path / "files" / "spec.pdf"
    pdf.write_bytes(make_pdf("Streamable HTTP and stdio are the transports."))
    async with bridge_client(ctx, elicitation_callback=user) as client:
        result = structured(await client.call_tool("create_response", {**CREATE, "attachments": [str(pdf)]}))
    assert_asked_about_the_call(user)
    assert_approved_and_continued(result)
    uploads = [e for e in admin(clean_emulator, "GET", "requests")["data"] if e["method"] == "POST" and e["path"].endswith("/files")]
    assert len(uploads) == 1


async def test_approval_continuations_run_like_the_first_create_streamed_in_the_budget(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    user = User()
    progress = Progress()
    streamed = {key: value for key, value in CREATE.items() if key != "stream"}
    async with bridge_client(media_context(emulator, tmp_path), elicitation_callback=user, mode="legacy") as client:
        result = structured(await client.call_tool("create_response", streamed, progress_callback=progress))
    assert_approved_and_continued(result)
    # The continuation streamed too: its text arrived as progress deltas (a plain create sends none).
    assert result["output_text"] and "".join(progress.deltas()).endswith(result["output_text"])
    assert any(result["response_id"] in line for line in progress.summaries())
