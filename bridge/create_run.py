"""One `responses.create` as a tool call: stream or poll, stay inside the time budget, finish the extras.

How a create runs (the bridge's choice, documented in the README):
- `background=true` from the caller: start the job (streamed, so that it can be replayed later with
  resume_response_stream) and return its id at once.
- otherwise, when the response may be stored (`store` not false), the bridge creates it with
  `background=true, stream=true` itself: that is what lets it resume a cut stream, cancel upstream when
  the MCP call is cancelled, and hand back a job id when the time budget runs out; reading the stream
  also gives the answer the moment it is done (no polling delay). Text deltas go out as progress
  notifications when the client sent a progress token. The caller still gets the finished response in
  the same call whenever it finishes within the budget.
- `stream=false`, or a request with the image_generation tool (the docs list image generation as
  unsupported in streaming): background job polled with progress heartbeats.
- `store=false`: nothing can be resumed or polled; streamed without background when the client wants
  progress (or `stream=true`), a plain request otherwise; cut off at the budget with an explanation.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
from mcp.server.mcpserver import Context
from mcp_types import CallToolResult, ContentBlock, InputRequiredResult
from openai.types.responses import Response

from bridge.approvals import run_with_approvals
from bridge.background_jobs import (
    ACTIVE_STATUSES,
    Heartbeat,
    budget_next_step,
    cancel_quietly,
    stream_within_budget,
    wait,
)
from bridge.context import BridgeContext
from bridge.images import publish_images
from bridge.raw_stream import create_events, response_of
from bridge.result_format import ResponseResult, StreamInfo, response_model, structured_result
from bridge.stream_forward import Report, StreamState
from bridge.upstream_errors import ToolInputError, UpstreamError


def progress_requested(mcp_ctx: Context) -> bool:
    """Did the client send a progress token with this call?"""
    try:
        meta = mcp_ctx.request_context.meta
    except ValueError:
        return False
    if not meta:
        return False
    getter = getattr(meta, "get", None)
    if getter is not None:
        return getter("progress_token") is not None or getter("progressToken") is not None
    return getattr(meta, "progress_token", None) is not None


def reporter(mcp_ctx: Context) -> Report:
    """Stream events -> progress notifications of this MCP request (no-ops without a progress token)."""

    async def report(progress: float, message: str) -> None:
        await mcp_ctx.report_progress(progress, None, message)

    return report


def heartbeat(mcp_ctx: Context) -> Heartbeat:
    """Polling heartbeats -> progress notifications: elapsed seconds out of the budget."""

    async def beat(elapsed: float, budget: float, message: str) -> None:
        await mcp_ctx.report_progress(round(elapsed, 3), budget, message)

    return beat


def uses_image_tool(kwargs: dict[str, Any]) -> bool:
    return any(isinstance(tool, dict) and tool.get("type") == "image_generation" for tool in kwargs.get("tools") or [])


@dataclass
class RunInfo:
    stream: StreamInfo | None = None
    next_step: str | None = None
    partial_text: str = ""


async def run_create(
    bctx: BridgeContext,
    mcp_ctx: Context,
    kwargs: dict[str, Any],
    *,
    stream: bool | None,
    background: bool,
    prepare: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
) -> CallToolResult | InputRequiredResult:
    """Create a response per the rules above and return the tool result.

    `prepare(kwargs)` finishes the request just before the first create (e.g. uploads attachments into
    `input`); it does not run when the call is a retry answering approval questions, which continues the
    pending response instead (its input was sent already, so a large PDF is not uploaded twice).
    """
    kwargs["model"] = bctx.require_model(kwargs.get("model"))
    storable = kwargs.get("store") is not False
    if background and not storable:
        raise ToolInputError("`background=true` needs `store` true (background responses are stored); drop store=false.")
    streamable = not uses_image_tool(kwargs)
    if not streamable:
        kwargs["extra_headers"] = {**bctx.image_headers(), **kwargs.get("extra_headers", {})}
        stream = False
    if storable:
        want_stream = stream is not False
    else:
        want_stream = stream if stream is not None else progress_requested(mcp_ctx)
    info = RunInfo()

    async def create() -> Response:
        if prepare is not None:
            await prepare(kwargs)
        return await create_now(kwargs)

    async def create_now(kwargs: dict[str, Any]) -> Response:
        if background:
            return await _start(bctx, kwargs, streamable)
        if want_stream:
            return await _streamed(bctx, mcp_ctx, kwargs, storable, info)
        if storable:
            return await _polled(bctx, mcp_ctx, kwargs, info)
        return await _plain(bctx, kwargs)

    # Continuations after approvals run the same way as the first create: inside the time budget.
    outcome = await run_with_approvals(bctx, mcp_ctx, _approval_kwargs(kwargs), create, continue_with=create_now)
    if isinstance(outcome, InputRequiredResult):
        return outcome
    if background:
        info.next_step = (
            f"Started in the background. Call wait_for_response(response_id={outcome.id!r}) for the result, "
            f"resume_response_stream to stream it, or cancel_response to stop it."
        )
    return finish(bctx, outcome, info)


def finish(bctx: BridgeContext, response: Response, info: RunInfo) -> CallToolResult:
    """The tool result for `response`: generated images saved and linked, binary data left out."""
    blocks: list[ContentBlock] = []
    images: list[dict[str, Any]] = []
    if response.status not in ACTIVE_STATUSES and any(item.type == "image_generation_call" for item in response.output):
        for published in publish_images(bctx, response):
            blocks.extend(published.blocks)
            images.append(published.metadata)
    result: ResponseResult = response_model(response, images=images, stream=info.stream, next_step=info.next_step)
    if info.partial_text and not result.output_text:
        result.output_text = info.partial_text
    return structured_result(result, blocks)


def _approval_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    # A continuation repeats model and tools (the docs' pattern); input and chaining are set by approvals.
    return {key: value for key, value in kwargs.items() if key not in ("input", "previous_response_id")}


async def _start(bctx: BridgeContext, kwargs: dict[str, Any], streamable: bool) -> Response:
    """Start a background job. Streamed when possible - the service only replays streams of responses
    created with stream=true - and the connection is dropped after the first event (the job runs on)."""
    if not streamable:
        return await bctx.client.responses.create(**kwargs, background=True)
    stream = await create_events(bctx.client, kwargs, background=True)
    async with stream:
        async for event in stream:
            response = event.get("response") if isinstance(event, dict) else None
            if isinstance(response, dict):
                return response_of(response)
    raise UpstreamError("The endpoint closed the stream before announcing the response.")


async def _streamed(
    bctx: BridgeContext, mcp_ctx: Context, kwargs: dict[str, Any], storable: bool, info: RunInfo
) -> Response:
    state = StreamState()

    async def open_stream() -> object:
        return await create_events(bctx.client, kwargs, background=storable)

    final = await stream_within_budget(
        bctx.client,
        open_stream,
        reporter(mcp_ctx),
        state,
        bctx.settings.time_budget,
        resumable=storable,
        cancel_on_abort=storable,
    )
    info.stream = state.info()
    if final is not None:
        return final
    if state.response_id is None:
        raise UpstreamError(f"No response started within the time budget ({bctx.settings.time_budget:g} s).")
    if not storable:
        raise UpstreamError(_UNSTORED_OVER_BUDGET.format(budget=bctx.settings.time_budget), state.response_id)
    info.next_step = budget_next_step(state.response_id, state.last_sequence)
    info.partial_text = "".join(state.text)
    return await bctx.client.responses.retrieve(state.response_id)


async def _polled(bctx: BridgeContext, mcp_ctx: Context, kwargs: dict[str, Any], info: RunInfo) -> Response:
    started = time.monotonic()
    created = await bctx.client.responses.create(**kwargs, background=True)
    try:
        remaining = max(bctx.settings.time_budget - (time.monotonic() - started), 0.0)
        response = await wait(bctx.client, created.id, remaining, heartbeat(mcp_ctx), first=created)
    except anyio.get_cancelled_exc_class():
        await cancel_quietly(bctx.client, created.id)
        raise
    if response.status in ACTIVE_STATUSES:
        info.next_step = budget_next_step(response.id)
    return response


async def _plain(bctx: BridgeContext, kwargs: dict[str, Any]) -> Response:
    budget = bctx.settings.time_budget
    with anyio.move_on_after(budget):
        return await bctx.client.responses.create(**kwargs)
    raise UpstreamError(_UNSTORED_OVER_BUDGET.format(budget=budget))


_UNSTORED_OVER_BUDGET = (
    "The request did not finish within the time budget ({budget:g} s, RESPONSES_BRIDGE_TIME_BUDGET). With "
    "store=false it cannot continue in the background: allow storing (omit store=false) to get a job id to "
    "poll, or ask for less output."
)
