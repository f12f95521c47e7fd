"""Media tools: upload files, ask about PDFs and images, generate images, answer MCP approval requests.

Plus the resource template that serves generated images (`image://generated/{name}`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.types import CallToolResult, InputRequiredResult, ToolAnnotations
from openai.types import FilePurpose
from pydantic import BaseModel, Field

from bridge.approvals import approval_item
from bridge.attachments import UPLOAD_PURPOSE, Attachment, image_attachment, is_pdf, prepare_attachments, sniff_image
from bridge.context import BridgeContext
from bridge.create_run import run_create
from bridge.images import URI_PREFIX, read_saved_image
from bridge.local_files import read_local_file
from bridge.result_format import ResponseResult, structured_result
from bridge.settings import Mode
from bridge.upstream_errors import ToolInputError, error_result, tool_errors

USER_DATA_REFUSAL = (
    "purpose: 'user_data' is not supported by Azure OpenAI for files used as Responses input (the docs list "
    "it as a known issue and say to upload with purpose 'assistants' instead); use purpose='assistants'"
)
# The docs: "images cannot be uploaded as a file and then referenced as input". Only a warning, not a refusal:
# an uploaded image still serves where files do (code_interpreter container file_ids, image edits).
UPLOADED_IMAGE_WARNING = (
    "This is an image ({media_type}). The docs say images cannot be uploaded as a file and then referenced as "
    "input, so this file id will not work in `attachments` or as input_image. To show the image to the model, "
    "send it inline instead: describe_image with the local path, or the local path in `attachments` (both send "
    "a data URL)."
)
# Creating a stored response or a file changes upstream state but destroys nothing; results differ per call.
CREATES = dict(readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=True)

ModelArg = Annotated[
    str | None,
    Field(description="Deployment (Azure) or model (OpenAI) name; default: the configured deployment"),
]
AttachmentsArg = Annotated[
    list[str],
    Field(
        min_length=1,
        description=(
            "Files to send with the prompt. Each is a local path (relative to the allowed root), an http(s) URL, "
            "or a file id from upload_file (file-… / assistant-…). PDFs and PNG/JPEG/WebP/GIF images."
        ),
    ),
]


class UploadResult(BaseModel):
    file_id: str = Field(description="Pass it in `attachments` of ask_about_files or as an input_file file_id")
    filename: str
    bytes: int
    purpose: str
    status: str | None = None
    media_type: str | None = Field(default=None, description="What the bridge recognised the content as")
    warning: str | None = Field(default=None, description="Why this file id may not work where you plan to use it")


class FilesAnswer(ResponseResult):
    attachments: list[dict[str, Any]] = Field(default_factory=list, description="How each attachment was sent")


def _is_image(media_type: str | None) -> bool:
    return bool(media_type and media_type.startswith("image/"))


def _user_message(prompt: str, parts: list[Attachment]) -> list[dict[str, Any]]:
    if not prompt.strip():
        raise ToolInputError("prompt: empty; say what you want to know about the attachments")
    content = [dict(item.part) for item in parts] + [{"type": "input_text", "text": prompt}]
    return [{"role": "user", "content": content}]


def register(mcp: MCPServer, ctx: BridgeContext) -> None:
    """Register the media tools and the generated-image resource template on `mcp`."""

    @mcp.tool(annotations=ToolAnnotations(title="Upload a file", **CREATES))
    @tool_errors
    async def upload_file(
        path: Annotated[str, Field(description="Local file path inside the allowed roots (relative paths start there)")],
        purpose: Annotated[
            FilePurpose,
            Field(description="Files API purpose; 'assistants' is what the docs prescribe for PDF input"),
        ] = UPLOAD_PURPOSE,
    ) -> Annotated[CallToolResult, UploadResult]:
        """Upload a local file with the Files API and return its file id, for use as input in later requests.

        The docs say purpose 'user_data' is not supported for Responses file input on Azure; use 'assistants'.
        Images upload, but the docs say an uploaded image cannot be referenced as input: to show one to the
        model, pass its local path to describe_image or in `attachments` instead (the result warns).
        """
        if purpose == "user_data" and ctx.mode is not Mode.OPENAI:
            raise ToolInputError(USER_DATA_REFUSAL)
        local = read_local_file(path, ctx.settings, field="path")
        media_type = "application/pdf" if is_pdf(local.data) else sniff_image(local.data)
        uploaded = await ctx.client.files.create(
            file=(local.name, local.data, media_type or "application/octet-stream"), purpose=purpose
        )
        result = UploadResult(
            file_id=uploaded.id,
            filename=uploaded.filename or local.name,
            bytes=uploaded.bytes or len(local.data),
            purpose=uploaded.purpose,
            status=uploaded.status,
            media_type=media_type,
            warning=UPLOADED_IMAGE_WARNING.format(media_type=media_type) if _is_image(media_type) else None,
        )
        return structured_result(result)

    async def run(mcp_ctx: Context, kwargs: dict[str, Any], sent: list[Attachment] | None = None) -> CallToolResult:
        # The same run as create_response: time budget, progress streaming, cancellation, image publishing.
        result = await run_create(ctx, mcp_ctx, kwargs, stream=None, background=False)
        if isinstance(result, InputRequiredResult):  # only with remote MCP tools, which these tools never send
            raise ToolInputError("this tool does not take remote MCP tools; use create_response")
        if sent is None or result.is_error or result.structured_content is None:
            return result
        answer = FilesAnswer.model_validate({**result.structured_content, "attachments": [a.summary() for a in sent]})
        return structured_result(answer, list(result.content[1:]))

    @mcp.tool(annotations=ToolAnnotations(title="Ask about files", **CREATES))
    @tool_errors
    async def ask_about_files(
        mcp_ctx: Context,
        prompt: Annotated[str, Field(description="What to ask or do, e.g. 'Summarize this PDF.'")],
        attachments: AttachmentsArg,
        model: ModelArg = None,
        instructions: Annotated[str | None, Field(description="System/developer instructions")] = None,
        max_output_tokens: Annotated[int | None, Field(ge=16, description="Upper bound on output tokens (min 16)")] = None,
        store: Annotated[bool, Field(description="Store the response upstream (needed to chain it later)")] = True,
    ) -> Annotated[CallToolResult, FilesAnswer]:
        """Send a prompt with attached PDFs and images (local paths, URLs or file ids) and return the answer.

        Small PDFs go inline as base64; larger ones are uploaded first (purpose 'assistants'); images go
        inline as data URLs. The answer includes the response id for follow-ups with previous_response_id.
        """
        prepared = await prepare_attachments(ctx, attachments)
        kwargs: dict[str, Any] = {"model": ctx.require_model(model), "input": _user_message(prompt, prepared), "store": store}
        if instructions:
            kwargs["instructions"] = instructions
        if max_output_tokens is not None:
            kwargs["max_output_tokens"] = max_output_tokens
        return await run(mcp_ctx, kwargs, prepared)

    @mcp.tool(annotations=ToolAnnotations(title="Describe an image", **CREATES))
    @tool_errors
    async def describe_image(
        mcp_ctx: Context,
        image: Annotated[str, Field(description="Local image path (PNG/JPEG/WebP/GIF) or an http(s) image URL")],
        question: Annotated[str, Field(description="What to ask about the image")] = "What is in this image?",
        model: ModelArg = None,
        detail: Annotated[
            Literal["auto", "low", "high"], Field(description="Image detail level the model should use")
        ] = "auto",
    ) -> Annotated[CallToolResult, FilesAnswer]:
        """Ask a vision-capable deployment about one image and return its answer."""
        item = await image_attachment(ctx, image, field="image", detail=detail)
        return await run(mcp_ctx, {"model": ctx.require_model(model), "input": _user_message(question, [item])}, [item])

    @mcp.tool(annotations=ToolAnnotations(title="Generate an image", **CREATES))
    @tool_errors
    async def generate_image(
        mcp_ctx: Context,
        prompt: Annotated[str, Field(min_length=1, description="What the image should show")],
        size: Annotated[
            Literal["auto", "1024x1024", "1024x1536", "1536x1024"], Field(description="Image size in pixels")
        ] = "auto",
        quality: Annotated[Literal["auto", "low", "medium", "high"], Field(description="Rendering quality")] = "auto",
        background: Annotated[
            Literal["auto", "transparent", "opaque"], Field(description="Background; transparent needs PNG")
        ] = "auto",
        model: ModelArg = None,
    ) -> Annotated[CallToolResult, ResponseResult]:
        """Generate an image with the image_generation tool; save the PNG and return a thumbnail plus a link.

        The full PNG is saved under the output folder and is readable as the resource linked in the result
        (image://generated/<name>); the result carries a small thumbnail, the file path and the revised
        prompt. Not streamed: the docs say the image generation tool does not support streaming.
        """
        tool: dict[str, Any] = {"type": "image_generation"}
        for key, value in (("size", size), ("quality", quality), ("background", background)):
            if value != "auto":
                tool[key] = value
        # run_create adds the image deployment header (ctx.image_headers()) and never streams this request.
        kwargs = {"model": ctx.require_model(model), "input": prompt, "tools": [tool], "tool_choice": {"type": "image_generation"}}
        result = await run(mcp_ctx, kwargs)
        data = result.structured_content or {}
        if result.is_error or data.get("status") in ("queued", "in_progress"):
            return result  # still running past the time budget: next_step says how to wait for the image
        images = data.get("images") or []
        if not any("uri" in image for image in images):
            reason = "; ".join(image["error"] for image in images if "error" in image) or data.get("output_text")
            return error_result(
                f"The response returned no image (status {data.get('status')}): {reason or 'no output'}. "
                "On Azure, check that the image deployment (AZURE_OPENAI_IMAGE_DEPLOYMENT) exists.",
                data.get("response_id"),
            )
        return result

    # Approving lets the model run an arbitrary tool on a remote server, which may change things there.
    @mcp.tool(
        annotations=ToolAnnotations(
            title="Answer an MCP approval request",
            readOnlyHint=False, destructiveHint=True, idempotentHint=False, openWorldHint=True,
        ),
    )
    @tool_errors
    async def approve_mcp_request(
        mcp_ctx: Context,
        response_id: Annotated[str, Field(description="Id of the response that contains the approval request")],
        approval_request_id: Annotated[str, Field(description="`id` of the mcp_approval_request item")],
        approve: Annotated[bool, Field(description="true lets the model call the remote MCP tool; false denies it")],
        reason: Annotated[str, Field(description="Optional note passed back to the model")] = "",
        model: ModelArg = None,
        tools: Annotated[
            list[dict[str, Any]] | None,
            Field(description="Tools of the original request (default: read back from the stored response)"),
        ] = None,
    ) -> Annotated[CallToolResult, ResponseResult] | InputRequiredResult:
        """Approve or deny a remote MCP tool call (mcp_approval_request) and continue the response.

        Sends an mcp_approval_response chained with previous_response_id, repeating the model and tools of
        the original request, and returns the continued response (new approval requests in it are put to
        the user when the client supports elicitation, else listed for another approve_mcp_request).
        """
        kwargs: dict[str, Any] = {"model": model or ctx.default_model(), "tools": tools}
        if kwargs["model"] is None or kwargs["tools"] is None:
            previous = await ctx.client.responses.retrieve(response_id)
            if not any(getattr(i, "id", None) == approval_request_id for i in previous.output or []):
                raise ToolInputError(
                    f"approval_request_id: {approval_request_id} is not an approval request of {response_id}; "
                    "use the id of an mcp_approval_request item of that response"
                )
            # Azure reports the dated model snapshot in `model`, not the deployment: only a last resort.
            kwargs["model"] = kwargs["model"] or previous.model
            if kwargs["tools"] is None:
                kwargs["tools"] = [t.model_dump(mode="json", exclude_none=True) for t in previous.tools or []]
        kwargs |= {"previous_response_id": response_id, "input": [approval_item(approval_request_id, approve, reason)]}
        return await run_create(ctx, mcp_ctx, kwargs, stream=None, background=False)

    @mcp.resource(
        URI_PREFIX + "{name}",
        name="generated_image",
        title="Generated image",
        description="A PNG saved by generate_image (the full-size file behind the thumbnail)",
        mime_type="image/png",
    )
    def generated_image(name: str) -> bytes:
        try:
            return read_saved_image(ctx.settings, name)
        except (ValueError, FileNotFoundError) as exc:
            raise ResourceNotFoundError(str(exc)) from None
