"""Compaction: POST /responses/compact by input and by previous id, and server-side compaction."""

from __future__ import annotations

from typing import Any

from contracts.scenarios.calls import CHEAP_TOKENS, create
from contracts.scenarios.expect import fail, items_of_type, ok_or_refused, response_object
from contracts.scenarios.registry import ScenarioContext, scenario

SEED = "2026-05 §'Een antwoord comprimeren'"


def _compacted(ctx: ScenarioContext, payload: dict[str, Any], what: str) -> list[dict[str, Any]]:
    resp = ctx.session.post("responses/compact", payload)
    got = ok_or_refused(resp, what)
    if got.get("object") != "response.compaction":
        raise fail(f"{what}: object is {got.get('object')!r}, expected 'response.compaction'", resp)
    output = got.get("output")
    if not isinstance(output, list):
        raise fail(f"{what}: output is not a list", resp)
    items = items_of_type(got, "compaction")
    if not items or not all(isinstance(i.get("encrypted_content"), str) and i["encrypted_content"] for i in items):
        raise fail(f"{what}: no compaction item with encrypted_content in output {[i.get('type') for i in output]}", resp)
    return output


def _follow_up(ctx: ScenarioContext, output: list[dict[str, Any]], question: str) -> None:
    create(ctx, "follow-up with the compacted output as input",
           input=[*output, {"role": "user", "content": question}], tokens=CHEAP_TOKENS)


@scenario(
    "compaction.by-input",
    "compact by input items; the output is usable as the next input",
    f"{SEED}: POST /responses/compact with input → object response.compaction; [*compacted.output, next message]",
    feature="compaction",
)
def by_input(ctx: ScenarioContext) -> str:
    output = _compacted(ctx, {
        "model": ctx.target.deployment,
        "input": [
            {"role": "user", "content": "Create a simple landing page for a dog cafe."},
            {"id": "msg_001", "type": "message", "status": "completed", "role": "assistant",
             "content": [{"type": "output_text", "text": "..."}]},
        ],
    }, "compact by input")
    _follow_up(ctx, output, "Add a booking form.")
    return f"{len(output)} output items, follow-up accepted"


@scenario(
    "compaction.by-previous-id",
    "compact by previous_response_id; the output is usable as the next input",
    f"{SEED} §'Comprimeren met behulp van vorige antwoord-id'",
    feature="compaction",
)
def by_previous_id(ctx: ScenarioContext) -> str:
    initial = create(ctx, "initial response", input="What is the size of France?")
    output = _compacted(ctx, {"model": ctx.target.deployment, "previous_response_id": initial["id"]},
                        "compact by previous_response_id")
    _follow_up(ctx, output, "What is the capital?")
    return f"{len(output)} output items, follow-up accepted"


@scenario(
    "compaction.server-side",
    "server-side compaction (context_management) emits a compaction item, also with store=false",
    "2026-05 §'Compressie aan serverzijde': context_management=[{type: compaction, compact_threshold}] compacts "
    "automatically and the response carries an encrypted compaction item; works with store=false",
    feature="server_side_compaction",
)
def server_side(ctx: ScenarioContext) -> str:
    # The spec's minimum compact_threshold is 1000; send a turn well above it (~1,500 tokens).
    long_turn = "Let's begin a long coding task. " + "Here is more context for the task. " * 180
    resp = ctx.session.post("responses", {
        "model": ctx.target.deployment, "max_output_tokens": CHEAP_TOKENS, "store": False,
        "input": [{"type": "message", "role": "user", "content": long_turn}],
        "context_management": [{"type": "compaction", "compact_threshold": 1000}],
    })
    got = response_object(ok_or_refused(resp, "create with context_management"), "server-side compaction", resp)
    items = items_of_type(got, "compaction")
    if not items or not isinstance(items[0].get("encrypted_content"), str):
        raise fail(f"no compaction item in output {[i.get('type') for i in got['output']]} above the threshold", resp)
    _follow_up(ctx, [*items, *[i for i in got["output"] if i.get("type") == "message"]], "Continue.")
    return "compaction item emitted and reusable"
