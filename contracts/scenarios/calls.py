"""The requests scenarios make, kept cheap: small `max_output_tokens`, short inputs."""

from __future__ import annotations

import time
from typing import Any

from contracts.http_session import ApiResponse
from contracts.results import CheckFailed
from contracts.scenarios.expect import ok, response_object
from contracts.scenarios.registry import ScenarioContext

CHEAP_TOKENS = 16  # Azure's documented minimum for max_output_tokens
CONTENT_TOKENS = 200  # when the check needs the answer's words (a nonce, a PDF's text)
TERMINAL = frozenset({"completed", "incomplete", "failed", "cancelled"})


def body(ctx: ScenarioContext, *, tokens: int = CHEAP_TOKENS, emulator_meta: dict[str, str] | None = None,
         **fields: Any) -> dict[str, Any]:
    """A create body for the target's deployment; `emulator_meta` (answer length/pacing) only on the emulator."""
    out: dict[str, Any] = {"model": ctx.target.deployment, "max_output_tokens": tokens, **fields}
    if emulator_meta and ctx.is_emulator:
        out["metadata"] = {**out.get("metadata", {}), **emulator_meta}
    return out


def post_response(ctx: ScenarioContext, payload: dict[str, Any], headers: dict[str, str] | None = None) -> ApiResponse:
    return ctx.session.post("responses", payload, headers=headers)


def create(ctx: ScenarioContext, what: str, **fields: Any) -> dict[str, Any]:
    """POST /responses, expecting a documented response object back."""
    resp = post_response(ctx, body(ctx, **fields))
    return response_object(ok(resp, what), what, resp)


def retrieve(ctx: ScenarioContext, response_id: str, **params: Any) -> ApiResponse:
    return ctx.session.get(f"responses/{response_id}", params=params or None)


def poll_until_terminal(ctx: ScenarioContext, response_id: str, *, limit_s: float | None = None) -> list[dict[str, Any]]:
    """GET until the status is terminal; every body seen, in order (the seeds' polling loop)."""
    interval = 0.1 if ctx.is_emulator else 2.0
    deadline = time.monotonic() + (limit_s or max(60.0, 2 * ctx.target.timeout_s))
    seen: list[dict[str, Any]] = []
    while True:
        resp = retrieve(ctx, response_id)
        current = response_object(ok(resp, "polling a background response"), "polling", resp)
        seen.append(current)
        if current["status"] in TERMINAL:
            return seen
        if time.monotonic() > deadline:
            raise CheckFailed(f"background response {response_id} still {current['status']!r} after polling")
        time.sleep(interval)
