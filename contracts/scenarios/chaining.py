"""Multi-turn context: previous_response_id chaining and manual chaining.

Turn 1 carries a nonce word; turn 2 asks for it back without repeating it. A real model repeats the word;
the emulator echoes the earlier context. Either way the nonce in turn 2's answer proves context was carried.
"""

from __future__ import annotations

from contracts.results import NotApplicable
from contracts.scenarios.calls import CONTENT_TOKENS, body, create, post_response
from contracts.scenarios.expect import error_body, error_message, fail, items_of_type, ok, output_text, response_object
from contracts.scenarios.media import nonce_word
from contracts.scenarios.registry import ScenarioContext, scenario

ASK_BACK = "What was the code word I gave you? Reply with the code word only."


def _remember(nonce: str) -> str:
    return f"Remember this code word: {nonce}. Reply with OK."


@scenario(
    "chaining.previous-response-id",
    "previous_response_id carries context",
    "2026-05 §'Antwoorden aan elkaar koppelen': passing previous_response_id continues the conversation",
)
def previous_response_id(ctx: ScenarioContext) -> str:
    nonce = nonce_word()
    first = create(ctx, "turn 1", input=_remember(nonce), tokens=CONTENT_TOKENS)
    second = create(ctx, "turn 2", input=ASK_BACK, previous_response_id=first["id"], tokens=CONTENT_TOKENS)
    if second.get("previous_response_id") not in (None, first["id"]):
        raise fail(f"turn 2 reports previous_response_id {second.get('previous_response_id')!r}, sent {first['id']!r}")
    answer = output_text(second)
    if nonce.lower() not in answer.lower():
        raise fail(f"turn 2 does not know turn 1's code word {nonce!r}; it answered {answer[:200]!r}")
    return "turn 2 repeated the code word"


@scenario(
    "chaining.manual",
    "manual chaining (output items as next input) carries context",
    "2026-05 §'Reacties handmatig koppelen': inputs += response.output, then the next user message",
)
def manual(ctx: ScenarioContext) -> str:
    nonce = nonce_word()
    inputs: list = [{"type": "message", "role": "user", "content": _remember(nonce)}]
    first = create(ctx, "turn 1", input=inputs, tokens=CONTENT_TOKENS)
    inputs += first["output"]
    inputs.append({"type": "message", "role": "user", "content": ASK_BACK})
    second = create(ctx, "turn 2", input=inputs, tokens=CONTENT_TOKENS)
    answer = output_text(second)
    if nonce.lower() not in answer.lower():
        raise fail(f"turn 2 does not know turn 1's code word {nonce!r}; it answered {answer[:200]!r}")
    return "turn 2 repeated the code word"


@scenario(
    "chaining.unknown-previous-id",
    "unknown previous_response_id → error naming the field",
    "2026-05 §'Antwoorden aan elkaar koppelen' + team rule: bad input gets a clear error naming the field",
)
def unknown_previous(ctx: ScenarioContext) -> str:
    resp = post_response(ctx, body(ctx, input=ASK_BACK, previous_response_id="resp_doesnotexist0000000000000000"))
    error_body(resp, "unknown previous_response_id", status=(400, 404), names="previous_response_id")
    return f"HTTP {resp.status} naming previous_response_id"


@scenario(
    "chaining.encrypted-reasoning",
    "encrypted reasoning round trip (store=false)",
    "2026-05 §'Versleutelde redeneringsgereedschappen': include=['reasoning.encrypted_content'] with store=false "
    "returns reasoning items with encrypted_content that a later request accepts as input",
)
def encrypted_reasoning(ctx: ScenarioContext) -> str:
    include = ["reasoning.encrypted_content"]
    payload = body(ctx, input="What is 2 + 2?", reasoning={"effort": "low"}, include=include, store=False,
                   tokens=CONTENT_TOKENS)
    resp = post_response(ctx, payload)
    if resp.status == 400 and "reasoning" in error_message(resp.body).lower():
        raise NotApplicable(f"the deployment is not a reasoning model: {error_message(resp.body)[:120]}")
    first = response_object(ok(resp, "create with encrypted reasoning"), "encrypted reasoning", resp)
    reasoning = items_of_type(first, "reasoning")
    if not reasoning:
        raise NotApplicable("the deployment returned no reasoning item (not a reasoning model)")
    if not all(isinstance(r.get("encrypted_content"), str) and r["encrypted_content"] for r in reasoning):
        raise fail("include=['reasoning.encrypted_content'] but a reasoning item has no encrypted_content", resp)
    follow = body(ctx, input=[*first["output"], {"role": "user", "content": "And times three?"}],
                  reasoning={"effort": "low"}, include=include, store=False, tokens=CONTENT_TOKENS)
    second = post_response(ctx, follow)
    response_object(ok(second, "follow-up with the encrypted reasoning items"), "follow-up", second)
    return f"{len(reasoning)} encrypted reasoning item(s) accepted back"
