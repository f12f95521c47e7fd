"""The Response object (plain dict in the spec's shape) for a create request, before any output."""

from __future__ import annotations

import time
from typing import Any, Mapping

from emulator.compaction import new_id
from emulator.deployments import Deployment
from emulator.tool_plan import is_reasoning_model


def echo_tools(tools: list[Any]) -> list[Any]:
    """Tools as the response echoes them: function tools with their defaults (`strict` true), and MCP
    credentials (`headers`, `authorization`) never sent back."""
    out = []
    for tool in tools:
        if isinstance(tool, dict) and tool.get("type") == "function":
            tool = {"strict": True, "parameters": None, **tool}
        elif isinstance(tool, dict) and tool.get("type") == "mcp":
            tool = {**tool, **{k: None for k in ("headers", "authorization") if k in tool}}
        out.append(tool)
    return out


def new_response(body: Mapping[str, Any], deployment: Deployment, *, status: str) -> dict[str, Any]:
    """Echo the request's settings the way the service does; `output`/`usage` are filled by the run."""
    reasoning = body.get("reasoning")
    if is_reasoning_model(deployment.model):
        reasoning = {"effort": "medium", "summary": None, **(reasoning or {})}
    else:
        reasoning = {"effort": None, "summary": None, **(reasoning or {})}
    text = {"format": {"type": "text"}, "verbosity": "medium", **(body.get("text") or {})}
    return {
        "id": new_id("resp"),
        "object": "response",
        "created_at": int(time.time()),
        "status": status,
        "background": bool(body.get("background", False)),
        "completed_at": None,
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"),
        "model": deployment.served_model,
        "output": [],
        "parallel_tool_calls": body.get("parallel_tool_calls") is not False,  # null means the default (true)
        "previous_response_id": body.get("previous_response_id"),
        "prompt_cache_key": body.get("prompt_cache_key"),
        "reasoning": reasoning,
        "safety_identifier": body.get("safety_identifier"),
        "service_tier": body.get("service_tier") or "default",
        "store": body.get("store", True),
        "temperature": body.get("temperature", 1.0),
        "text": text,
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": echo_tools(body.get("tools") or []),
        "top_logprobs": body.get("top_logprobs", 0),
        "top_p": body.get("top_p", 1.0),
        "truncation": body.get("truncation") or "disabled",
        "usage": None,
        "user": body.get("user"),
        "metadata": dict(body.get("metadata") or {}),
    }
