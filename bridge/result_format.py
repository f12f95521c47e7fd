"""Turn `openai` response objects into a tool's structured result plus its text copy.

Large base64 blobs (generated images, inline files) are dropped from the structured output: an MCP client
would paste them into a model's context. Images are published to disk by `bridge.images` and referenced by
a thumbnail + ResourceLink instead. Opaque `encrypted_content` (compaction, reasoning) is kept: the caller
must pass it back unchanged.
"""

from __future__ import annotations

import json
from typing import Any

from mcp_types import CallToolResult, ContentBlock, TextContent
from openai.types.responses import Response
from pydantic import BaseModel, Field

# Strings longer than this in fields known to carry binary data are replaced by a short marker.
BLOB_FIELDS = ("result", "file_data", "image_url", "partial_image_b64")
BLOB_LIMIT = 2048


class FunctionCall(BaseModel):
    call_id: str = Field(description="Pass back as `call_id` in submit_function_outputs")
    name: str
    arguments: str = Field(description="JSON-encoded arguments chosen by the model")


class ApprovalRequest(BaseModel):
    id: str = Field(description="approval_request_id to answer")
    server_label: str | None = None
    name: str | None = None
    arguments: str | None = None


class StreamInfo(BaseModel):
    events: int = Field(description="stream events received")
    resumes: int = Field(description="times the stream was resumed after a cut")
    last_sequence_number: int | None = None


class ResponseResult(BaseModel):
    """A Responses API response, trimmed for an MCP client."""

    response_id: str
    status: str | None = Field(default=None, description="queued, in_progress, completed, incomplete, failed, cancelled")
    model: str | None = None
    output_text: str = Field(default="", description="All output_text parts joined")
    output: list[dict[str, Any]] = Field(default_factory=list, description="Output items (binary data omitted)")
    function_calls: list[FunctionCall] = Field(default_factory=list)
    approval_requests: list[ApprovalRequest] = Field(default_factory=list)
    images: list[dict[str, Any]] = Field(default_factory=list, description="Saved generated images")
    usage: dict[str, Any] | None = None
    previous_response_id: str | None = None
    error: dict[str, Any] | None = None
    incomplete_details: dict[str, Any] | None = None
    stream: StreamInfo | None = None
    next_step: str | None = Field(default=None, description="What to call next, when the work is not finished")


class DeleteResult(BaseModel):
    response_id: str
    deleted: bool


class InputItemsPage(BaseModel):
    response_id: str
    items: list[dict[str, Any]]
    first_id: str | None = None
    last_id: str | None = None
    has_more: bool = Field(description="More items exist; call again with after=last_id")


class CompactResult(BaseModel):
    compaction_id: str
    output: list[dict[str, Any]] = Field(
        description="Compacted items: pass them (plus your next message) as `input` of create_response"
    )
    usage: dict[str, Any] | None = None


def strip_blobs(value: Any) -> Any:
    """A copy of `value` with large base64 strings in binary-carrying fields replaced by a marker."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key in BLOB_FIELDS and isinstance(item, str) and len(item) > BLOB_LIMIT:
                out[key] = f"<omitted: {len(item)} characters of base64>"
            else:
                out[key] = strip_blobs(item)
        return out
    if isinstance(value, list):
        return [strip_blobs(item) for item in value]
    return value


def response_model(
    response: Response,
    *,
    images: list[dict[str, Any]] | None = None,
    stream: StreamInfo | None = None,
    next_step: str | None = None,
) -> ResponseResult:
    items = [item.model_dump(mode="json", exclude_none=True) for item in response.output]
    calls = [
        FunctionCall(call_id=item["call_id"], name=item["name"], arguments=item.get("arguments", ""))
        for item in items
        if item.get("type") == "function_call"
    ]
    approvals = [
        ApprovalRequest(
            id=item["id"], server_label=item.get("server_label"), name=item.get("name"), arguments=item.get("arguments")
        )
        for item in items
        if item.get("type") == "mcp_approval_request"
    ]
    if next_step is None:
        next_step = _next_step(response, calls, approvals)
    return ResponseResult(
        response_id=response.id,
        status=response.status,
        model=response.model,
        output_text=response.output_text,
        output=strip_blobs(items),
        function_calls=calls,
        approval_requests=approvals,
        images=images or [],
        usage=response.usage.model_dump(mode="json") if response.usage else None,
        previous_response_id=response.previous_response_id,
        error=response.error.model_dump(mode="json") if response.error else None,
        incomplete_details=response.incomplete_details.model_dump(mode="json") if response.incomplete_details else None,
        stream=stream,
        next_step=next_step,
    )


def _next_step(response: Response, calls: list[FunctionCall], approvals: list[ApprovalRequest]) -> str | None:
    if response.status in ("queued", "in_progress"):
        return (
            f"Still running. Call wait_for_response(response_id={response.id!r}) to wait for it, "
            f"or cancel_response(response_id={response.id!r}) to stop it."
        )
    if calls:
        return (
            "Run the requested function(s), then call submit_function_outputs with "
            f"previous_response_id={response.id!r} and one output per call_id."
        )
    if approvals:
        return (
            f"Nothing was sent to the remote MCP server yet. Answer each of approval_requests with "
            f"approve_mcp_request(response_id={response.id!r}, approval_request_id=<its id>, approve=true or "
            "false); the response continues after the answer."
        )
    return None


def structured_result(model: BaseModel, extra_blocks: list[ContentBlock] | None = None) -> CallToolResult:
    """structuredContent plus its JSON text copy (and any extra blocks, such as image thumbnails)."""
    data = model.model_dump(mode="json")
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return CallToolResult(
        content=[TextContent(type="text", text=text), *(extra_blocks or [])],
        structured_content=data,
    )
