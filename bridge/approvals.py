"""Remote MCP approvals: an `mcp_approval_request` is put to the user through MCP elicitation.

The docs: with `require_approval` other than "never", the model returns `mcp_approval_request` items, and the
caller continues with `mcp_approval_response` items chained by `previous_response_id` (tools and model sent
again). Elicitation travels two ways, chosen by the negotiated MCP protocol:

- up to 2025-11-25, a standalone `elicitation/create` request in the middle of the tool call;
- from 2026-07-28 the server cannot call the client mid-call: the tool returns an `InputRequiredResult` whose
  sealed `request_state` names the pending response, the client retries the same call with the answers, and
  `resume_approvals` submits them instead of creating the response again.

A client without form elicitation gets the response unchanged; the requests are listed in the result and
the `approve_mcp_request` tool answers them. A declined question denies the call; a cancelled one (the user
dismissed the dialog without deciding) leaves the requests pending, listed in the result for
`approve_mcp_request` later, as MCP distinguishes the two.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Literal

from mcp.server.elicitation import render_elicitation_schema
from mcp.server.mcpserver import Context
from mcp.shared.exceptions import MCPError
from mcp.types import ElicitRequest, ElicitRequestFormParams, ElicitResult, InputRequiredResult
from mcp_types.version import is_version_at_least
from openai.types.responses import Response
from openai.types.responses.response_input_item_param import McpApprovalResponse
from openai.types.responses.response_output_item import McpApprovalRequest
from pydantic import BaseModel, Field

from bridge.context import BridgeContext

# Bounds the approve → new request → approve loop of one tool call.
MAX_ROUNDS = 8
STATE_KIND = "responses-bridge/mcp-approvals"
INPUT_REQUIRED_VERSION = "2026-07-28"
ARGUMENTS_SHOWN = 2000
# Settings of the first create that a continuation repeats (the API does not inherit tools or model).
CARRIED_OVER = (
    "model",
    "tools",
    "tool_choice",
    "instructions",
    "reasoning",
    "text",
    "store",
    "include",
    "metadata",
    "max_output_tokens",
    "parallel_tool_calls",
    "truncation",
    "extra_headers",
    "extra_query",
    "extra_body",
    "timeout",
)


class ApprovalDecision(BaseModel):
    """The form shown to the user for one approval request."""

    approve: bool = Field(description="Allow the model to call this tool on the remote MCP server?")
    reason: str = Field(default="", description="Optional note passed back to the model with the decision")


Transport = Literal["request", "input_required"]
Continue = Callable[[dict[str, Any]], Awaitable[Response]]


def pending_requests(response: Response) -> list[McpApprovalRequest]:
    return [item for item in response.output or [] if isinstance(item, McpApprovalRequest)]


def elicitation_transport(mcp_ctx: Context) -> Transport | None:
    """How this client can be asked (None: it cannot, so approvals are left to `approve_mcp_request`)."""
    capabilities = mcp_ctx.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    # A bare `elicitation: {}` (before modes existed) means form support; url-only does not.
    if elicitation is None or (elicitation.form is None and elicitation.url is not None):
        return None
    version = mcp_ctx.protocol_version
    if version is not None and is_version_at_least(version, INPUT_REQUIRED_VERSION):
        return "input_required"
    return "request" if mcp_ctx.session.can_send_request else None


def approval_message(request: McpApprovalRequest) -> str:
    arguments = request.arguments or "{}"
    try:
        arguments = json.dumps(json.loads(arguments), indent=2, ensure_ascii=False)
    except ValueError:
        pass  # show what the endpoint sent, as is
    if len(arguments) > ARGUMENTS_SHOWN:
        arguments = arguments[:ARGUMENTS_SHOWN] + f"\n… ({len(arguments) - ARGUMENTS_SHOWN} more characters)"
    return (
        f"The model wants to call the tool '{request.name}' on the remote MCP server '{request.server_label}' "
        f"with these arguments:\n{arguments}\n\nApprove sending this data to the server?"
    )


def continuation_kwargs(create_kwargs: dict[str, Any]) -> dict[str, Any]:
    return {key: create_kwargs[key] for key in CARRIED_OVER if key in create_kwargs}


def approval_item(request_id: str, approve: bool, reason: str = "") -> McpApprovalResponse:
    item: McpApprovalResponse = {"type": "mcp_approval_response", "approval_request_id": request_id, "approve": approve}
    if reason:
        item["reason"] = reason
    return item


async def submit_approvals(
    ctx: BridgeContext,
    response_id: str,
    decisions: Iterable[tuple[str, bool, str]],
    create_kwargs: dict[str, Any],
    continue_with: Continue | None = None,
) -> Response:
    """Continue `response_id` with one `mcp_approval_response` per (request id, approve, reason).

    `continue_with(kwargs)` performs the create (e.g. the caller's budgeted, streamed run); default: a plain
    `responses.create`.
    """
    items = [approval_item(request_id, approve, reason) for request_id, approve, reason in decisions]
    kwargs = {**continuation_kwargs(create_kwargs), "previous_response_id": response_id, "input": items}
    if continue_with is not None:
        return await continue_with(kwargs)
    return await ctx.client.responses.create(**kwargs)


async def resolve_approvals(
    ctx: BridgeContext,
    mcp_ctx: Context,
    response: Response,
    create_kwargs: dict[str, Any],
    *,
    rounds_done: int = 0,
    continue_with: Continue | None = None,
) -> Response | InputRequiredResult:
    """Ask the user about every pending approval request and continue the response until none is left.

    Returns the final response; or, on 2026-07-28+ clients, an `InputRequiredResult` that the tool must
    return as is (the client retries the call; `resume_approvals` then takes over). Unchanged when the
    client cannot be asked or `MAX_ROUNDS` is reached (the pending requests stay in the output).
    """
    rounds = rounds_done
    while (pending := pending_requests(response)) and rounds < MAX_ROUNDS:
        transport = elicitation_transport(mcp_ctx)
        if transport is None:
            return response
        if transport == "input_required":
            return _input_required(response.id, pending, rounds)
        decisions = []
        for request in pending:
            try:
                outcome = await mcp_ctx.elicit(approval_message(request), ApprovalDecision)
            except (MCPError, ValueError):
                # The client refused the form or answered off-schema: leave the requests to approve_mcp_request.
                return response
            if outcome.action == "cancel":
                return response  # dismissed, not decided: nothing goes upstream; the result lists the requests
            if outcome.action == "accept":
                decisions.append((request.id, outcome.data.approve, outcome.data.reason))
            else:
                decisions.append((request.id, False, f"the user chose to {outcome.action}"))
        response = await submit_approvals(ctx, response.id, decisions, create_kwargs, continue_with)
        rounds += 1
    return response


async def resume_approvals(
    ctx: BridgeContext, mcp_ctx: Context, create_kwargs: dict[str, Any], continue_with: Continue | None = None
) -> Response | InputRequiredResult | None:
    """On a retried call carrying answers to our approval questions: submit them and carry on.

    None when this call is not such a retry (the tool then creates its response as usual).
    """
    state = _decode_state(mcp_ctx.request_state)
    if state is None:
        return None
    answers = mcp_ctx.input_responses or {}
    decisions: list[tuple[str, bool, str]] = []
    for request_id in state["requests"]:
        answer = answers.get(_input_key(request_id))
        if answer is None:
            # The client retried without answering: ask again, from the same point.
            return InputRequiredResult(input_requests=_questions(state["questions"]), request_state=mcp_ctx.request_state)
        if isinstance(answer, ElicitResult) and answer.action == "cancel":
            # Dismissed, not decided: submit nothing and hand back the response with its requests pending.
            return await ctx.client.responses.retrieve(state["response_id"])
        decisions.append(_decision(request_id, answer))
    response = await submit_approvals(ctx, state["response_id"], decisions, create_kwargs, continue_with)
    return await resolve_approvals(
        ctx, mcp_ctx, response, create_kwargs, rounds_done=state["round"] + 1, continue_with=continue_with
    )


async def run_with_approvals(
    ctx: BridgeContext,
    mcp_ctx: Context,
    create_kwargs: dict[str, Any],
    create: Callable[[], Awaitable[Response]],
    continue_with: Continue | None = None,
) -> Response | InputRequiredResult:
    """`create()` (or resume a retried approval round) and resolve approvals: the whole flow for a tool.

    `continue_with(kwargs)`, when given, runs each approval continuation (kwargs complete: model, tools,
    previous_response_id, input) the way `create` runs the first request, e.g. inside the time budget.
    """
    resumed = await resume_approvals(ctx, mcp_ctx, create_kwargs, continue_with)
    if resumed is not None:
        return resumed
    return await resolve_approvals(ctx, mcp_ctx, await create(), create_kwargs, continue_with=continue_with)


def _input_key(request_id: str) -> str:
    return f"mcp_approval:{request_id}"


def _decision(request_id: str, answer: Any) -> tuple[str, bool, str]:
    if isinstance(answer, ElicitResult) and answer.action == "accept" and answer.content is not None:
        try:
            decision = ApprovalDecision.model_validate(answer.content)
        except ValueError:
            return request_id, False, "the approval form came back malformed"
        return request_id, decision.approve, decision.reason
    action = answer.action if isinstance(answer, ElicitResult) else "answer with something else"
    return request_id, False, f"the user chose to {action}"


def _question(message: str) -> ElicitRequest:
    return ElicitRequest(
        params=ElicitRequestFormParams(message=message, requested_schema=render_elicitation_schema(ApprovalDecision))
    )


def _questions(messages: dict[str, str]) -> dict[str, Any]:
    return {_input_key(request_id): _question(message) for request_id, message in messages.items()}


def _input_required(response_id: str, pending: list[McpApprovalRequest], rounds_done: int) -> InputRequiredResult:
    messages = {request.id: approval_message(request) for request in pending}
    state = {
        "kind": STATE_KIND,
        "response_id": response_id,
        "requests": [request.id for request in pending],
        "questions": messages,
        "round": rounds_done,
    }
    # The framework seals request_state (AES-GCM, bound to this request), so the client cannot alter it.
    return InputRequiredResult(input_requests=_questions(messages), request_state=json.dumps(state))


def _decode_state(raw: str | None) -> dict[str, Any] | None:
    if not raw:
        return None
    try:
        state = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(state, dict) or state.get("kind") != STATE_KIND:
        return None
    return state
