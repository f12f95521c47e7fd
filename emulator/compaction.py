"""Compaction: one opaque `compaction` item that carries a whole context, and its expansion.

A compaction item seals every item of the context it replaces, so the most recent compaction item alone is
enough to continue (the docs' tip: items before it may be dropped). `POST /responses/compact` answers with
the user messages followed by that single item (the SDK's `CompactedResponse.output` contract).
"""

from __future__ import annotations

import os
import time
from typing import Any

from emulator.sealing import Sealer

_KIND = "compaction"


def new_id(prefix: str) -> str:
    return f"{prefix}_{os.urandom(24).hex()}"  # what secrets.token_hex(24) does, without its two extra calls


def compact_items(items: list[dict], sealer: Sealer) -> dict:
    """One `compaction` output item whose `encrypted_content` seals `items`."""
    return {
        "type": "compaction",
        "id": new_id("cmp"),
        "encrypted_content": sealer.seal({"kind": _KIND, "items": items}),
    }


def expand_item(item: dict, sealer: Sealer) -> list[dict]:
    """The items a compaction item carries; ValueError if it was altered or sealed elsewhere."""
    content = item.get("encrypted_content")
    if not isinstance(content, str) or not content:
        raise ValueError("a compaction item needs the non-empty `encrypted_content` it was returned with")
    sealed = sealer.unseal(content)
    if not isinstance(sealed, dict) or sealed.get("kind") != _KIND or not isinstance(sealed.get("items"), list):
        raise ValueError("`encrypted_content` is not the content of a compaction item")
    return list(sealed["items"])


def expand_context(items: list[dict], sealer: Sealer) -> list[dict]:
    """Replace everything up to the most recent compaction item by what it carries (recursively).

    ValueError names the offending item as `[i].encrypted_content` so callers can prefix `input`.
    """
    last = max((i for i, it in enumerate(items) if it.get("type") == "compaction"), default=None)
    if last is None:
        return list(items)
    try:
        carried = expand_item(items[last], sealer)
    except ValueError as exc:
        raise ValueError(f"[{last}].encrypted_content: {exc}") from exc
    return expand_context(carried, sealer) + list(items[last + 1 :])


def user_messages(items: list[dict]) -> list[dict]:
    """The user messages of `items`, in the output-item shape (`message` with id, status, input parts)."""
    out: list[dict] = []
    for item in items:
        if item.get("role") != "user" or item.get("type", "message") != "message":
            continue
        content = item.get("content")
        parts = [{"type": "input_text", "text": content}] if isinstance(content, str) else list(content or [])
        out.append(
            {
                "id": item.get("id") or new_id("msg"),
                "type": "message",
                "status": "completed",
                "role": "user",
                "content": parts,
            }
        )
    return out


def compacted_output(items: list[dict], sealer: Sealer) -> list[dict]:
    """The `output` of POST /responses/compact: the user messages, then one compaction item."""
    return [*user_messages(items), compact_items(items, sealer)]


def compaction_object(
    output: list[dict],
    usage: dict,
    model: str,
    *,
    response_id: str | None = None,
    created_at: int | None = None,
) -> dict:
    """The body of POST /responses/compact (`CompactedResponse` / the spec's `CompactResource`).

    The wire object has no `model` field; `model` is accepted so callers pass what they know, and only
    matters for keeping the signature stable across dialects.
    """
    del model
    return {
        "id": response_id or new_id("resp"),
        "object": "response.compaction",
        "created_at": int(created_at if created_at is not None else time.time()),
        "output": output,
        "usage": _full_usage(usage),
    }


def _full_usage(usage: dict[str, Any]) -> dict[str, Any]:
    """ResponseUsage requires the detail objects; fill what the caller left out."""
    input_tokens = int(usage.get("input_tokens", 0))
    output_tokens = int(usage.get("output_tokens", 0))
    input_details = {"cached_tokens": 0, "cache_write_tokens": 0, **(usage.get("input_tokens_details") or {})}
    output_details = {"reasoning_tokens": 0, **(usage.get("output_tokens_details") or {})}
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": input_details,
        "output_tokens": output_tokens,
        "output_tokens_details": output_details,
        "total_tokens": input_tokens + output_tokens,
    }
