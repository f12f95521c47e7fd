"""Upstream failures and bad tool input, turned into MCP tool errors a user (or a model) can act on."""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec

import openai
from mcp_types import CallToolResult, TextContent

from bridge.redaction import redact, shorten
from bridge.settings import ConfigurationError

P = ParamSpec("P")
IMAGE_DEPLOYMENT_HEADER = "x-ms-oai-image-generation-deployment"
# An endpoint may echo the whole request (a base64 PDF) in its error message; the user needs the start.
DETAIL_LIMIT = 500

AUTH_ADVICE = (
    "Check that the API key belongs to this resource (AZURE_OPENAI_API_KEY / OPENAI_API_KEY). With Entra ID "
    "(no key set), check that the token scope is https://ai.azure.com/.default (AZURE_OPENAI_SCOPE) and that "
    "the signed-in principal has the 'Cognitive Services OpenAI User' role on the resource."
)
PERMISSION_ADVICE = (
    "The credential is valid but its principal has no data-plane role on this resource: assign it the "
    "'Cognitive Services OpenAI User' role (Azure portal: the resource > Access control (IAM)), wait a few "
    "minutes for the assignment to apply, then retry."
)
DEPLOYMENT_ADVICE = (
    "Check that `model` names a deployment of this resource (the deployment name, not the model family name; "
    "default: AZURE_OPENAI_DEPLOYMENT) and that AZURE_OPENAI_ENDPOINT points at the right resource."
)
OPENAI_MODEL_ADVICE = (
    "Check the model name in `model` (default: OPENAI_MODEL) and that your OpenAI project has access to it."
)
RESPONSE_ID_ADVICE = (
    "Check the response id: it must come from this endpoint (AZURE_OPENAI_ENDPOINT / OPENAI_BASE_URL), have been "
    "created with store=true, and not have been deleted."
)
FILE_ID_ADVICE = (
    "Check the file id: it must come from upload_file (or the Files API) on this endpoint and not have been "
    "deleted; or attach the local file by path instead."
)
COMPACTION_ADVICE = (
    "This endpoint does not serve POST /responses/compact: the older Azure docs list compaction as unsupported. "
    "Continue without compacting, or use a resource and API version that support it (check_endpoint lists the "
    "documented limitations)."
)
IMAGE_DEPLOYMENT_ADVICE = (
    "Set AZURE_OPENAI_IMAGE_DEPLOYMENT to the name of your image model deployment (default gpt-image-1); the "
    "bridge sends it as the x-ms-oai-image-generation-deployment header."
)
OTHER_NOT_FOUND_ADVICE = (
    "Check `model` (your deployment name; default: AZURE_OPENAI_DEPLOYMENT), the ids in the request, and that "
    "AZURE_OPENAI_ENDPOINT / OPENAI_BASE_URL points at the right resource."
)


class ToolInputError(ValueError):
    """A tool argument is unusable; the message names the argument and the fix."""


class UpstreamError(Exception):
    """A failure already explained for the user, with the response id when one exists."""

    def __init__(self, message: str, response_id: str | None = None) -> None:
        super().__init__(message)
        self.response_id = response_id


def describe(exc: BaseException, response_id: str | None = None) -> str:
    """One paragraph saying what failed upstream and what to do about it: the endpoint's own message
    shortened to `DETAIL_LIMIT` characters, credentials masked (before cutting: a key split by the cut would no
    longer be recognised)."""
    return redact(_describe(exc, response_id))


def _describe(exc: BaseException, response_id: str | None) -> str:
    suffix = f" (response id: {response_id})" if response_id else ""
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        detail = _upstream_detail(exc)
        request_id = exc.response.headers.get("apim-request-id") or exc.response.headers.get("x-request-id")
        where = f" [request id {request_id}]" if request_id else ""
        if exc.code == "content_filter":
            return (
                f"The content filter refused the request (HTTP {status}: {detail}){suffix}{where}. Rephrase the "
                "input; retrying the same text gives the same answer."
            )
        if status in (401, 403) and exc.code == "PermissionDenied":
            return f"Permission denied (HTTP {status}: {detail}){suffix}{where}. {PERMISSION_ADVICE}"
        if status in (401, 403):
            return f"The endpoint refused the credentials (HTTP {status}: {detail}){suffix}{where}. {AUTH_ADVICE}"
        if _names_image_deployment(exc):
            return f"The image deployment was refused (HTTP {status}: {detail}){suffix}{where}. {IMAGE_DEPLOYMENT_ADVICE}"
        if status == 404:
            return f"Not found (HTTP 404: {detail}){suffix}{where}. {not_found_advice(exc)}"
        if status == 429:
            return (
                f"Rate limited (HTTP 429: {detail}){suffix}{where}; the bridge already retried with backoff, "
                "honouring Retry-After. Wait a little, or raise the deployment's quota."
            )
        if status >= 500:
            return f"The endpoint failed (HTTP {status}: {detail}){suffix}{where} after retries; try again later."
        return f"The endpoint rejected the request (HTTP {status}: {detail}){suffix}{where}."
    if isinstance(exc, openai.APITimeoutError):
        return f"The endpoint did not answer in time{suffix}; try again, or run the request with background=true."
    if isinstance(exc, openai.APIConnectionError):
        return f"Could not reach the endpoint{suffix}: {shorten(redact(str(exc)), DETAIL_LIMIT)}. Check AZURE_OPENAI_ENDPOINT / OPENAI_BASE_URL."
    if isinstance(exc, UpstreamError):
        return str(exc)
    return f"{type(exc).__name__}: {shorten(redact(str(exc)), DETAIL_LIMIT)}{suffix}"


def not_found_advice(exc: openai.APIStatusError) -> str:
    """What to check for this 404, from what was asked: the operation's path and the field the endpoint names."""
    error = _error_fields(exc)
    param, code = str(error.get("param") or ""), str(error.get("code") or "")
    path = _request_path(exc)
    if code == "DeploymentNotFound":
        if _sent_image_deployment(exc):  # either deployment may be the missing one
            return f"{DEPLOYMENT_ADVICE} If it is the image deployment: {IMAGE_DEPLOYMENT_ADVICE}"
        return DEPLOYMENT_ADVICE
    if code == "model_not_found":
        return OPENAI_MODEL_ADVICE
    if path.endswith("/responses/compact"):
        return COMPACTION_ADVICE
    if param.endswith("file_id") or "/files/" in path:
        return FILE_ID_ADVICE
    if param in ("response_id", "previous_response_id") or "/responses/" in path:
        return RESPONSE_ID_ADVICE
    if param == "model":
        return DEPLOYMENT_ADVICE
    return OTHER_NOT_FOUND_ADVICE


def _names_image_deployment(exc: openai.APIStatusError) -> bool:
    return str(_error_fields(exc).get("param") or "").lower() == IMAGE_DEPLOYMENT_HEADER


def _sent_image_deployment(exc: openai.APIStatusError) -> bool:
    try:
        return IMAGE_DEPLOYMENT_HEADER in exc.response.request.headers
    except RuntimeError:
        return False


def _error_fields(exc: openai.APIStatusError) -> dict[str, Any]:
    body = exc.body
    error = body.get("error", body) if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _request_path(exc: openai.APIStatusError) -> str:
    try:
        return exc.response.request.url.path
    except RuntimeError:  # a response built without its request
        return ""


def _upstream_detail(exc: openai.APIStatusError) -> str:
    # Azure sends `{"error": {...}}` or, for token failures, a bare `{"statusCode", "message"}`.
    error = _error_fields(exc)
    if error:
        # Only the message is cut: param and code stay, they name the field to fix.
        parts = [shorten(redact(str(error.get("message") or "").strip()), DETAIL_LIMIT)]
        for key in ("param", "code"):
            if error.get(key):
                parts.append(f"{key}={error[key]}")
        text = "; ".join(part for part in parts if part)
        if text:
            return text
    return shorten(redact(exc.message), DETAIL_LIMIT)


def error_result(message: str, response_id: str | None = None) -> CallToolResult:
    """An MCP tool error (isError) whose text says what failed, with the response id when one exists.
    The one exit of every error text, so credentials are masked here whatever produced the message.

    Text only, no structuredContent: each tool's output schema describes its success result (a response,
    a deletion, an upload...) and the MCP spec says structured content MUST conform to it. An error has
    none of those fields, and a payload faking them (an empty compaction id, `deleted: false`) would be
    a wrong answer; clients that validate structuredContent even on errors (the MCP inspector) would
    otherwise show a schema complaint instead of this message.
    """
    message = redact(message)
    # An id comes from tool arguments or the endpoint: a secret pasted into it must not come back either.
    response_id = redact(response_id) if response_id else response_id
    if response_id and response_id not in message:
        message = f"{message.rstrip('.')} (response id: {response_id})."
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


def tool_errors(fn: Callable[P, Awaitable[CallToolResult]]) -> Callable[P, Awaitable[CallToolResult]]:
    """Turn expected failures inside a tool into isError results instead of protocol errors or crashes."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> CallToolResult:
        response_id = kwargs.get("response_id") or kwargs.get("previous_response_id")
        try:
            return await fn(*args, **kwargs)
        except (ToolInputError, ConfigurationError) as exc:
            return error_result(str(exc))
        except UpstreamError as exc:
            return error_result(str(exc), exc.response_id or _as_id(response_id))
        except (openai.APIError, json.JSONDecodeError) as exc:
            return error_result(describe(exc, _as_id(response_id)), _as_id(response_id))

    # The docstring is the tool's description: drop the source indentation.
    wrapper.__doc__ = inspect.cleandoc(fn.__doc__ or "")
    return wrapper


def _as_id(value: object) -> str | None:
    return value if isinstance(value, str) else None
