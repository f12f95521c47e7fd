"""MCP tools for the Responses API operations: one per operation, plus background-job conveniences."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import CallToolResult, InputRequiredResult, ToolAnnotations
from pydantic import Field

from bridge.attachments import attachment_parts
from bridge.background_jobs import budget_next_step, resume_stream, wait
from bridge.context import BridgeContext
from bridge.create_run import RunInfo, finish, heartbeat, reporter, run_create
from bridge.result_format import (
    CompactResult,
    DeleteResult,
    InputItemsPage,
    ResponseResult,
    strip_blobs,
    structured_result,
)
from bridge.upstream_errors import ToolInputError, tool_errors

ResponseId = Annotated[str, Field(min_length=1, description="Response id (resp_...) from an earlier call")]
Model = Annotated[
    str | None,
    Field(description="Deployment name on Azure (model name on OpenAI). Default: AZURE_OPENAI_DEPLOYMENT."),
]
Input = Annotated[
    str | list[dict[str, Any]] | None,
    Field(
        description="The prompt as text, or a list of Responses input items, e.g. "
        '[{"role": "user", "content": "Hi"}] or [{"type": "function_call_output", "call_id": "...", '
        '"output": "..."}]. Compacted items from compact_response can be passed here.'
    ),
]
Tools = Annotated[
    list[dict[str, Any]] | None,
    Field(
        description="Tools the model may call. Function: {\"type\": \"function\", \"name\": \"get_weather\", "
        "\"parameters\": {JSON schema}}; {\"type\": \"code_interpreter\", \"container\": {\"type\": \"auto\"}}; "
        "remote MCP: {\"type\": \"mcp\", \"server_label\": \"...\", \"server_url\": \"https://...\", "
        "\"require_approval\": \"never\"}; {\"type\": \"image_generation\"}."
    ),
]
Stream = Annotated[
    bool | None,
    Field(
        description="Text deltas go out as progress notifications when you send a progress token. Default: "
        "stream upstream (resumable, cancellable); false: poll a background job instead. With store=false "
        "the default streams only when a progress token was sent."
    ),
]

WRITE = dict(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=True)
READ = dict(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=True)
DESTROY = dict(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=True)

ResultOf = Annotated[CallToolResult, ResponseResult]


def register(mcp: MCPServer, ctx: BridgeContext) -> None:
    """Register the Responses operation tools on `mcp`."""

    @mcp.tool(annotations=ToolAnnotations(title="Create a response", **WRITE))
    @tool_errors
    async def create_response(
        mcp_ctx: Context,
        input: Input = None,
        model: Model = None,
        instructions: Annotated[str | None, Field(description="System/developer instructions")] = None,
        previous_response_id: Annotated[
            str | None, Field(description="Continue the conversation of this earlier response (resp_...)")
        ] = None,
        tools: Tools = None,
        tool_choice: Annotated[
            str | dict[str, Any] | None,
            Field(description='"auto", "none", "required", or {"type": "function", "name": "..."}'),
        ] = None,
        reasoning: Annotated[
            dict[str, Any] | None, Field(description='Reasoning options, e.g. {"effort": "low", "summary": "auto"}')
        ] = None,
        text: Annotated[
            dict[str, Any] | None,
            Field(
                description='Output format, e.g. {"format": {"type": "json_schema", "name": "x", "schema": {...}, '
                '"strict": true}} or {"format": {"type": "json_object"}}'
            ),
        ] = None,
        store: Annotated[
            bool | None,
            Field(description="Store the response (default true). store=false disables retrieve, resume and background."),
        ] = None,
        include: Annotated[
            list[str] | None,
            Field(description='Extra output data, e.g. ["reasoning.encrypted_content", "code_interpreter_call.outputs"]'),
        ] = None,
        metadata: Annotated[dict[str, str] | None, Field(description="Up to 16 string key/value pairs")] = None,
        max_output_tokens: Annotated[int | None, Field(ge=16, description="Upper bound on output tokens (at least 16)")] = None,
        context_management: Annotated[
            list[dict[str, Any]] | None,
            Field(
                description='Server-side compaction, e.g. [{"type": "compaction", "compact_threshold": 200000}]'
            ),
        ] = None,
        attachments: Annotated[
            list[str] | None,
            Field(
                description="Files for the model: local paths (inside the allowed roots), http(s) URLs, or file "
                "ids (file-...). PDFs and images are supported."
            ),
        ] = None,
        background: Annotated[
            bool, Field(description="Start as a background job and return its id at once (poll with wait_for_response)")
        ] = False,
        stream: Stream = None,
    ) -> ResultOf | InputRequiredResult:
        """Create a model response (Responses API `POST /responses`).

        Returns the response id, status, output text, output items (function calls with their call_id, ready
        for submit_function_outputs) and token usage. Long work never times out the call: past the bridge's
        time budget the result carries the id and `next_step` says how to wait for it.
        """
        if input is None and previous_response_id is None:
            raise ToolInputError("`input` is required (text or a list of input items) unless previous_response_id is given.")
        kwargs = _drop_none(
            model=model,
            instructions=instructions,
            previous_response_id=previous_response_id,
            tools=tools,
            tool_choice=tool_choice,
            reasoning=reasoning,
            text=text,
            store=store,
            include=include,
            metadata=metadata,
            max_output_tokens=max_output_tokens,
            context_management=context_management,
        )
        kwargs["input"] = input if input is not None else []

        async def add_attachments(request: dict[str, Any]) -> None:
            # Lazily: a retry answering approval questions continues the pending response and uploads nothing.
            request["input"] = await _with_attachments(ctx, request["input"], attachments or [])

        return await run_create(
            ctx, mcp_ctx, kwargs, stream=stream, background=background, prepare=add_attachments if attachments else None
        )

    @mcp.tool(annotations=ToolAnnotations(title="Submit function outputs", **WRITE))
    @tool_errors
    async def submit_function_outputs(
        mcp_ctx: Context,
        previous_response_id: Annotated[str, Field(min_length=1, description="The response that asked for the calls")],
        outputs: Annotated[
            list[dict[str, Any]],
            Field(
                min_length=1,
                description='One entry per function call: [{"call_id": "call_...", "output": "result text"}]; '
                "a non-text output (object, list, number) is sent as JSON",
            ),
        ],
        model: Model = None,
        tools: Tools = None,
        instructions: Annotated[str | None, Field(description="Instructions for the follow-up turn")] = None,
        stream: Stream = None,
    ) -> ResultOf | InputRequiredResult:
        """Send function results back to the model (`function_call_output` items chained with
        previous_response_id) and return the model's next response."""
        items = []
        for index, entry in enumerate(outputs):
            if not entry.get("call_id") or "output" not in entry:
                raise ToolInputError(
                    f"outputs[{index}] needs `call_id` (from the function call) and `output` (the result as text)."
                )
            output = entry["output"]
            text = output if isinstance(output, str) else json.dumps(output, ensure_ascii=False)
            items.append({"type": "function_call_output", "call_id": str(entry["call_id"]), "output": text})
        kwargs = _drop_none(model=model, tools=tools, instructions=instructions, previous_response_id=previous_response_id)
        kwargs["input"] = items
        return await run_create(ctx, mcp_ctx, kwargs, stream=stream, background=False)

    @mcp.tool(annotations=ToolAnnotations(title="Retrieve a response", **READ))
    @tool_errors
    async def retrieve_response(
        response_id: ResponseId,
        include: Annotated[list[str] | None, Field(description="Extra output data to include")] = None,
    ) -> ResultOf:
        """Fetch a stored response by id (status, output text, items, usage)."""
        response = await ctx.client.responses.retrieve(response_id, **_drop_none(include=include))
        return finish(ctx, response, RunInfo())

    @mcp.tool(annotations=ToolAnnotations(title="Delete a response", **DESTROY))
    @tool_errors
    async def delete_response(response_id: ResponseId) -> Annotated[CallToolResult, DeleteResult]:
        """Delete a stored response. It can no longer be retrieved or chained afterwards."""
        await ctx.client.responses.delete(response_id)
        return structured_result(DeleteResult(response_id=response_id, deleted=True))

    @mcp.tool(annotations=ToolAnnotations(title="Cancel a background response", **DESTROY))
    @tool_errors
    async def cancel_response(response_id: ResponseId) -> ResultOf:
        """Cancel a background response that is still queued or in progress (only background responses can
        be cancelled). Returns its final state."""
        response = await ctx.client.responses.cancel(response_id)
        return finish(ctx, response, RunInfo())

    @mcp.tool(annotations=ToolAnnotations(title="List a response's input items", **READ))
    @tool_errors
    async def list_input_items(
        response_id: ResponseId,
        after: Annotated[str | None, Field(description="Item id to start after (last_id of the previous page)")] = None,
        limit: Annotated[int, Field(ge=1, le=100, description="Page size, 1-100")] = 20,
        order: Annotated[Literal["asc", "desc"], Field(description="Order by creation")] = "desc",
    ) -> Annotated[CallToolResult, InputItemsPage]:
        """List the input items a response was created from, one page at a time."""
        page = await ctx.client.responses.input_items.list(response_id, **_drop_none(after=after, limit=limit, order=order))
        items = [item.model_dump(mode="json", exclude_none=True) for item in page.data]
        return structured_result(
            InputItemsPage(
                response_id=response_id,
                items=strip_blobs(items),
                first_id=page.first_id,
                last_id=page.last_id,
                has_more=page.has_more,
            )
        )

    @mcp.tool(annotations=ToolAnnotations(title="Compact a conversation", **WRITE))
    @tool_errors
    async def compact_response(
        model: Model = None,
        input: Input = None,
        previous_response_id: Annotated[
            str | None, Field(description="Compact the conversation that ends with this response")
        ] = None,
        instructions: Annotated[str | None, Field(description="Instructions kept with the compacted context")] = None,
    ) -> Annotated[CallToolResult, CompactResult]:
        """Compact a long conversation into a few opaque items (`POST /responses/compact`), by input items or by
        previous_response_id. Pass the returned `output` items, plus your next message, as create_response input."""
        if input is None and previous_response_id is None:
            raise ToolInputError("Give `input` (items to compact) or `previous_response_id` (conversation to compact).")
        compacted = await ctx.client.responses.compact(
            model=ctx.require_model(model), **_drop_none(input=input, previous_response_id=previous_response_id, instructions=instructions)
        )
        return structured_result(
            CompactResult(
                compaction_id=compacted.id,
                # warnings=False: the SDK types compacted user messages as output messages.
                output=[item.model_dump(mode="json", exclude_none=True, warnings=False) for item in compacted.output],
                usage=compacted.usage.model_dump(mode="json") if compacted.usage else None,
            )
        )

    @mcp.tool(annotations=ToolAnnotations(title="Wait for a background response", **READ))
    @tool_errors
    async def wait_for_response(
        mcp_ctx: Context,
        response_id: ResponseId,
        timeout_seconds: Annotated[
            float | None,
            Field(gt=0, description="Longest wait in this call; capped at the bridge's time budget"),
        ] = None,
    ) -> ResultOf:
        """Wait for a background response to finish, sending progress heartbeats. If it is still running when
        the wait ends, the result says so (status queued/in_progress) and you can call again."""
        budget = min(timeout_seconds or ctx.settings.time_budget, ctx.settings.time_budget)
        response = await wait(ctx.client, response_id, budget, heartbeat(mcp_ctx))
        info = RunInfo()
        if response.status in ("queued", "in_progress"):
            info.next_step = budget_next_step(response_id)
        return finish(ctx, response, info)

    @mcp.tool(annotations=ToolAnnotations(title="Resume a response stream", **READ))
    @tool_errors
    async def resume_response_stream(
        mcp_ctx: Context,
        response_id: ResponseId,
        starting_after: Annotated[
            int | None,
            Field(ge=0, description="Replay events after this sequence_number (omit to replay from the start)"),
        ] = None,
    ) -> ResultOf:
        """Stream a background response again from a sequence number, as progress notifications, until it
        finishes or the time budget runs out. Only responses created with background=true can be replayed."""
        final, state = await resume_stream(
            ctx.client, response_id, starting_after, reporter(mcp_ctx), ctx.settings.time_budget
        )
        info = RunInfo(stream=state.info(), partial_text="".join(state.text))
        if final is None:
            info.next_step = budget_next_step(response_id, state.last_sequence)
            final = await ctx.client.responses.retrieve(response_id)
        return finish(ctx, final, info)


async def _with_attachments(ctx: BridgeContext, input: str | list[dict[str, Any]], attachments: list[str]) -> Any:
    """Append attachment parts to the prompt as one user message."""
    if not attachments:
        return input
    parts = await attachment_parts(ctx, attachments)
    if isinstance(input, str):
        return [{"role": "user", "content": [{"type": "input_text", "text": input}, *parts]}]
    return [*input, {"role": "user", "content": parts}]


def _drop_none(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
