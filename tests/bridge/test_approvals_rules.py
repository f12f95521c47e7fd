"""The approval rules that do not need a server: who can be asked, what they see, what is repeated."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from mcp.types import ClientCapabilities, ElicitationCapability, FormElicitationCapability, UrlElicitationCapability
from openai.types.responses.response_output_item import McpApprovalRequest

from bridge.approvals import approval_message, continuation_kwargs, elicitation_transport, submit_approvals


def fake_ctx(elicitation: ElicitationCapability | None, version: str, can_send: bool = True) -> SimpleNamespace:
    return SimpleNamespace(
        client_capabilities=ClientCapabilities(elicitation=elicitation),
        protocol_version=version,
        session=SimpleNamespace(can_send_request=can_send),
    )


def test_transport_follows_capability_and_protocol() -> None:
    form = ElicitationCapability(form=FormElicitationCapability())
    assert elicitation_transport(fake_ctx(form, "2026-07-28")) == "input_required"  # type: ignore[arg-type]
    assert elicitation_transport(fake_ctx(form, "2025-11-25")) == "request"  # type: ignore[arg-type]
    # A bare `elicitation: {}` predates modes and means form support.
    assert elicitation_transport(fake_ctx(ElicitationCapability(), "2025-06-18")) == "request"  # type: ignore[arg-type]
    assert elicitation_transport(fake_ctx(None, "2025-11-25")) is None  # type: ignore[arg-type]
    url_only = ElicitationCapability(url=UrlElicitationCapability())
    assert elicitation_transport(fake_ctx(url_only, "2025-11-25")) is None  # type: ignore[arg-type]
    # Stateless HTTP before 2026-07-28: no back-channel to send the request on.
    assert elicitation_transport(fake_ctx(form, "2025-11-25", can_send=False)) is None  # type: ignore[arg-type]


def test_message_names_server_tool_and_arguments_and_stays_bounded() -> None:
    request = McpApprovalRequest(
        id="mcpr_1", type="mcp_approval_request", server_label="github", name="search_docs",
        arguments=json.dumps({"query": "transport protocols"}),
    )
    message = approval_message(request)
    assert "'search_docs'" in message and "'github'" in message and '"query": "transport protocols"' in message
    huge = request.model_copy(update={"arguments": json.dumps({"blob": "x" * 10_000})})
    long_message = approval_message(huge)
    assert len(long_message) < 2500 and "more characters" in long_message
    odd = request.model_copy(update={"arguments": "not json"})
    assert "not json" in approval_message(odd)


def test_continuation_repeats_settings_but_not_input_or_chaining() -> None:
    kwargs = {
        "model": "gpt-4o", "tools": [{"type": "mcp"}], "input": "question", "previous_response_id": "resp_0",
        "stream": True, "background": True, "instructions": "be brief", "extra_headers": {"x": "1"},
    }
    assert continuation_kwargs(kwargs) == {
        "model": "gpt-4o", "tools": [{"type": "mcp"}], "instructions": "be brief", "extra_headers": {"x": "1"},
    }


@pytest.mark.anyio
async def test_continuation_runs_through_the_callers_create_when_given() -> None:
    seen: list[dict] = []

    async def continue_with(kwargs: dict) -> str:  # stands in for the caller's budgeted run
        seen.append(kwargs)
        return "continued"

    ctx = SimpleNamespace(client=None)  # a plain create would fail: the hook must be used
    result = await submit_approvals(
        ctx,  # type: ignore[arg-type]
        "resp_1",
        [("mcpr_a", True, ""), ("mcpr_b", False, "no")],
        {"model": "gpt-4o", "tools": [{"type": "mcp"}], "input": "old", "stream": True},
        continue_with,  # type: ignore[arg-type]
    )
    assert result == "continued"
    assert seen == [
        {
            "model": "gpt-4o",
            "tools": [{"type": "mcp"}],
            "previous_response_id": "resp_1",
            "input": [
                {"type": "mcp_approval_response", "approval_request_id": "mcpr_a", "approve": True},
                {"type": "mcp_approval_response", "approval_request_id": "mcpr_b", "approve": False, "reason": "no"},
            ],
        }
    ]
