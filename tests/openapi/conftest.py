"""Fixtures for the openapi tests: the derived document, the upstream reference, SDK-shaped bodies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from openai.types.responses import Response

from openapi import derive, spec

REFERENCE = derive.DEFAULT_REFERENCE


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return spec.load()


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    if not REFERENCE.is_file():
        pytest.skip(f"reference document {REFERENCE} is absent (CI has ../shared/reference)")
    return derive.load_reference(REFERENCE)


@pytest.fixture
def sdk_response() -> Callable[..., dict[str, Any]]:
    """``wire_response`` as a fixture: ``sdk_response(status="queued", usage=None)``."""
    return wire_response


def wire_response(**changes: Any) -> dict[str, Any]:
    """A Response as the API sends it (``changes`` override fields), parsed and re-serialised by the openai SDK."""
    wire = {
        "id": "resp_67ccd2bed1ec8190b14f964abc0542670bb6a6b452d3795b",
        "object": "response",
        "created_at": 1741476542,
        "status": "completed",
        "background": False,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "max_output_tokens": None,
        "model": "gpt-4o-2024-08-06",
        "output": [{
            "type": "message",
            "id": "msg_67ccd2bf17f0819081ff3bb2cf6508e60bb6a6b452d3795b",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Hallo!", "annotations": [], "logprobs": []}],
        }],
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "reasoning": {"effort": None, "summary": None},
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}},
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": {
            "input_tokens": 36, "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": 3, "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 39,
        },
        "user": None,
        "metadata": {},
    }
    wire.update(changes)
    return Response.model_validate(wire).model_dump(mode="json", exclude_unset=True)
