"""Reasoning items for reasoning models, and the encrypted reasoning round trip (store=false).

Which models reason (the emulator's decision, from the model families the docs call reasoning models):
o-series (o1, o3, o3-mini, o4-mini), every gpt-5 family model except the `-chat` ones (gpt-5-chat,
gpt-5.1-chat, ..., gpt-chat-latest), and every `codex` model.

With `include=["reasoning.encrypted_content"]` the reasoning item carries a sealed record of what the turn
reasoned about; a later request that passes the item back gets it decrypted and stated in the answer's facts,
which proves the context survived without any stored state.
"""

from __future__ import annotations

import functools
import re

from emulator.compaction import new_id
from emulator.errors import invalid
from emulator.sealing import Sealer

ENCRYPTED_INCLUDE = "reasoning.encrypted_content"
_KIND = "reasoning"


@functools.lru_cache(maxsize=256)  # asked twice per create, for one of a few dozen deployment models
def is_reasoning_model(model: str) -> bool:
    name = model.lower()
    if "codex" in name or re.match(r"^o\d", name):
        return True
    return name.startswith("gpt-5") and "chat" not in name


def reasoning_item(model: str, include: list[str], about: str, sealer: Sealer, summary: object = None) -> dict:
    """A `reasoning` output item; sealed content only when the request includes it, a summary only when
    `reasoning.summary` asks for one (auto, concise or detailed)."""
    item: dict = {"id": new_id("rs"), "type": "reasoning", "summary": []}
    if summary in ("auto", "concise", "detailed"):
        shown = about if len(about) <= 200 else about[:199] + "…"
        item["summary"] = [{"type": "summary_text", "text": f'**Reading the request**\n\nThe user asked: "{shown}".'}]
    if ENCRYPTED_INCLUDE in include:
        item["encrypted_content"] = sealer.seal({"kind": _KIND, "model": model, "about": about})
    return item


def carried_reasoning_facts(context: list[dict], new_input: list[dict], sealer: Sealer) -> list[str]:
    """One sentence per sealed reasoning item passed back; 400 naming the field when one was altered."""
    facts: list[str] = []
    seen: set[str] = set()
    for item in [*context, *new_input]:
        sealed = item.get("encrypted_content") if item.get("type") == "reasoning" else None
        key = str(item.get("id") or sealed)
        if not sealed or key in seen:
            continue
        seen.add(key)
        try:
            carried = sealer.unseal(sealed)
        except ValueError:
            raise invalid(
                _param(item, new_input),
                "The reasoning item's encrypted_content was altered or was not produced by this service; pass it "
                "back exactly as it was returned.",
            ) from None
        if isinstance(carried, dict) and carried.get("kind") == _KIND:
            facts.append(f'Decrypted reasoning {item.get("id")} from an earlier turn was about "{carried.get("about", "")}".')
    return facts


def _param(item: dict, new_input: list[dict]) -> str:
    for i, it in enumerate(new_input):
        if it is item or (item.get("id") and it.get("id") == item.get("id")):
            return f"input[{i}].encrypted_content"
    return "previous_response_id"
