"""Create, retrieve, list input items, delete, store=false, usage."""

from __future__ import annotations

from typing import Any

from contracts.scenarios.calls import create, retrieve
from contracts.scenarios.expect import error_body, fail, ok, response_object
from contracts.scenarios.media import nonce_word
from contracts.scenarios.registry import ScenarioContext, scenario

SAME_FIELDS = ("id", "object", "created_at", "model", "status", "previous_response_id", "instructions", "usage")


def _output_digest(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    digest = []
    for item in body.get("output") or []:
        if not isinstance(item, dict):
            digest.append(("?", repr(item)))
            continue
        texts = tuple(p.get("text") for p in item.get("content") or [] if isinstance(p, dict))
        digest.append((item.get("id"), item.get("type"), item.get("status"), texts))
    return digest


@scenario(
    "lifecycle.create-retrieve",
    "create → retrieve returns the same object",
    "2026-05 §'Een tekstantwoord genereren' + §'Een antwoord ophalen': a created response is retrieved by id "
    "(GET /responses/{id}) as the same response object",
)
def create_then_retrieve(ctx: ScenarioContext) -> str:
    created = create(ctx, "create", input="This is a test.")
    resp = retrieve(ctx, created["id"])
    got = response_object(ok(resp, "retrieve"), "retrieve", resp)
    diffs = [f for f in SAME_FIELDS if f in created and got.get(f) != created.get(f)]
    if _output_digest(got) != _output_digest(created):
        diffs.append("output")
    if diffs:
        raise fail(f"retrieve differs from create in {diffs}", resp)
    return f"{created['id']} retrieved unchanged"


@scenario(
    "lifecycle.input-items",
    "input_items lists exactly what was sent",
    "2026-05 §input items (GET /responses/{id}/input_items): the input items sent to a response, "
    "object 'list'",
)
def input_items(ctx: ScenarioContext) -> str:
    nonce = nonce_word()
    sent = [
        {"type": "message", "role": "user", "content": [{"type": "input_text", "text": f"First item {nonce}."}]},
        {"type": "message", "role": "user", "content": "This is a test."},
    ]
    created = create(ctx, "create", input=sent)
    resp = ctx.session.get(f"responses/{created['id']}/input_items", params={"order": "asc"})
    listed = ok(resp, "input_items")
    if listed.get("object") != "list" or not isinstance(listed.get("data"), list):
        raise fail(f"input_items: expected object 'list' with data[], got object={listed.get('object')!r}", resp)
    got = [(i.get("type"), i.get("role"), _texts(i.get("content"))) for i in listed["data"] if isinstance(i, dict)]
    want = [(i["type"], i["role"], _texts(i["content"])) for i in sent]
    if got != want:
        raise fail(f"input_items (order=asc) are {got}, sent {want}", resp)
    return f"{len(got)} items listed as sent"


def _texts(content: Any) -> tuple[str, ...]:
    if isinstance(content, str):
        return (content,)
    return tuple(str(p.get("text")) for p in content or [] if isinstance(p, dict))


@scenario(
    "lifecycle.delete",
    "delete → retrieve gives 404",
    "2026-05 §'Een antwoord verwijderen': a stored response is deleted by id; afterwards it no longer exists",
)
def delete_then_retrieve(ctx: ScenarioContext) -> str:
    created = create(ctx, "create", input="This is a test.")
    resp = ctx.session.delete(f"responses/{created['id']}")
    deleted = ok(resp, "delete")
    if deleted.get("id") != created["id"] or deleted.get("deleted") is not True:
        raise fail(f"delete answered {deleted}; expected id {created['id']!r} and deleted=true", resp)
    if deleted.get("object") not in (None, "response.deleted", "response"):
        raise fail(f"delete answered object {deleted.get('object')!r}; expected 'response.deleted'", resp)
    error_body(retrieve(ctx, created["id"]), "retrieve after delete", status=404)
    return "deleted, then 404"


@scenario(
    "lifecycle.store-false",
    "store=false → not retrievable",
    "2026-05 §'Versleutelde redeneringsgereedschappen' (stateless mode, store=false): nothing is stored, so the "
    "response cannot be retrieved",
)
def store_false(ctx: ScenarioContext) -> str:
    created = create(ctx, "create with store=false", input="This is a test.", store=False)
    error_body(retrieve(ctx, created["id"]), "retrieve of a store=false response", status=404)
    return "store=false response is not retrievable (404)"


@scenario(
    "lifecycle.usage",
    "usage adds up",
    "Response usage (SDK ResponseUsage, the spec's ResponseUsage): total_tokens = input_tokens + output_tokens; "
    "cached ≤ input; reasoning ≤ output",
)
def usage_arithmetic(ctx: ScenarioContext) -> str:
    created = create(ctx, "create", input="This is a test.")
    usage = created.get("usage")
    if not isinstance(usage, dict):
        raise fail(f"a completed response has no usage object (usage={usage!r})")
    numbers = {k: usage.get(k) for k in ("input_tokens", "output_tokens", "total_tokens")}
    bad = [k for k, v in numbers.items() if not isinstance(v, int) or isinstance(v, bool) or v < 0]
    if bad:
        raise fail(f"usage fields {bad} are not non-negative integers: {numbers}")
    if numbers["total_tokens"] != numbers["input_tokens"] + numbers["output_tokens"]:
        raise fail(f"usage does not add up: {numbers}")
    if numbers["input_tokens"] == 0:
        raise fail("usage.input_tokens is 0 for a non-empty input")
    cached = (usage.get("input_tokens_details") or {}).get("cached_tokens", 0)
    reasoning = (usage.get("output_tokens_details") or {}).get("reasoning_tokens", 0)
    if isinstance(cached, int) and cached > numbers["input_tokens"]:
        raise fail(f"cached_tokens {cached} > input_tokens {numbers['input_tokens']}")
    if isinstance(reasoning, int) and reasoning > numbers["output_tokens"]:
        raise fail(f"reasoning_tokens {reasoning} > output_tokens {numbers['output_tokens']}")
    return f"{numbers}"
