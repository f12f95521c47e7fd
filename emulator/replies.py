"""Pair the reply items of a request (function_call_output, mcp_approval_response) with what they answer."""

from __future__ import annotations

from emulator.errors import invalid


def paired_replies(
    context: list[dict], new_input: list[dict], reply_type: str, reply_key: str, asked_type: str, asked_key: str
) -> list[tuple[dict, dict, int]]:
    """(reply, the item it answers, the reply's index in input) for each `reply_type` item in `new_input`.

    The answered item is looked up by `reply[reply_key] == asked[asked_key]` among `asked_type` items of the
    context and the input; a reply to nothing is a 400 naming `input[i].<reply_key>`.
    """
    asked = {
        it[asked_key]: it
        for it in [*context, *new_input]
        if it.get("type") == asked_type and isinstance(it.get(asked_key), str)
    }
    pairs: list[tuple[dict, dict, int]] = []
    for i, reply in enumerate(new_input):
        if reply.get("type") != reply_type:
            continue
        ref = reply.get(reply_key)
        answered = asked.get(ref) if isinstance(ref, str) else None
        if answered is None:
            raise invalid(
                f"input[{i}].{reply_key}",
                f"No {asked_type} item found with {asked_key} {reply.get(reply_key)!r}; pass the {asked_key} of a "
                f"{asked_type} item from the previous response (chain with previous_response_id or include that "
                "item in input).",
            )
        pairs.append((reply, answered, i))
    return pairs
