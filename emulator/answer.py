"""The deterministic model's answer text: a documented function of the whole context.

The context is, in order: the items of every stored response along the `previous_response_id` chain
(each one's input items, then its output), then the request's `input` items (which may carry manually
chained output items); the most recent `compaction` item is replaced by the items it seals. Content
parts (text, images, PDFs) are read through `emulator.content.ContentReader`, so an image's format and
size or a PDF's text count as what the user said.

The answer is these sentences, in this order:

1. `You said: "<L>".` — L is the text of the latest user message in the context (cut to 4,000 characters).
2. `Earlier you said: "<E1>" | "<E2>" | ....` — every earlier user message, oldest first, each cut to
   200 characters. Omitted when there is none. This is what proves context was carried.
3. `Instructions: "<I>".` — the request's `instructions` plus any system/developer messages of the new
   input, cut to 200 characters. Omitted when there are none.
4. The tool plan's facts (what a function returned, what an MCP tool said, ...), verbatim, in order.
5. Filler: when a target length is set, deterministic filler words are appended until the answer has
   exactly that many words (never shortened). The target is the largest of: the `min_words` setting,
   request metadata `emulator_words`, 400 when the latest message asks for a "long" story/essay/text,
   1,000 when it asks for a "very long" one.

A turn with no user message at all answers `You said nothing.` in place of sentence 1.

Structured output (`text.format`): `json_schema` answers a JSON document valid for the schema, filled
from the latest user message by the function-argument rules (emulator.function_args); `json_object`
answers `{"answer": <the text above>}`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from emulator.content import ContentReader
from emulator.function_args import arguments_for
from emulator.tokens import IMAGE_TOKENS, count_tokens

LATEST_LIMIT = 4000
EARLIER_LIMIT = 200
INSTRUCTIONS_LIMIT = 200
LONG_WORDS = 400
VERY_LONG_WORDS = 1000
_LONG = re.compile(r"\blong\s+(story|essay|text|answer|poem|report)", re.IGNORECASE)
_VERY_LONG = re.compile(r"\bvery\s+long\s+(story|essay|text|answer|poem|report)", re.IGNORECASE)
_FILLER = (
    "The emulator keeps writing this deterministic filler so that long answers, background jobs, "
    "cancellation and resumed streams can be tested in real time without a model."
).split()


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def user_texts(items: list[dict[str, Any]], reader: ContentReader) -> list[str]:
    return [
        reader.message(it)
        for it in items
        if it.get("role") == "user" and it.get("type", "message") == "message"
    ]


def target_words(latest: str, requested: int | None, min_words: int) -> int:
    by_request = 0
    if _VERY_LONG.search(latest):
        by_request = VERY_LONG_WORDS
    elif _LONG.search(latest):
        by_request = LONG_WORDS
    return max(min_words, requested or 0, by_request)


def compose(
    context: list[dict[str, Any]],
    instructions: str | None,
    facts: list[str],
    reader: ContentReader,
    *,
    requested_words: int | None = None,
    min_words: int = 0,
) -> str:
    users = user_texts(context, reader)
    sentences: list[str] = []
    latest = users[-1] if users else ""
    sentences.append(f'You said: "{_cut(latest, LATEST_LIMIT)}".' if users else "You said nothing.")
    if len(users) > 1:
        sentences.append("Earlier you said: " + " | ".join(f'"{_cut(u, EARLIER_LIMIT)}"' for u in users[:-1]) + ".")
    if instructions:
        sentences.append(f'Instructions: "{_cut(instructions, INSTRUCTIONS_LIMIT)}".')
    sentences.extend(fact.strip() for fact in facts if fact.strip())
    text = " ".join(sentences)
    target = target_words(latest, requested_words, min_words)
    missing = target - len(text.split())
    if missing > 0:
        text += " " + " ".join(_FILLER[i % len(_FILLER)] for i in range(missing))
    return text


def structured(text: str, text_config: Any, context: list[dict[str, Any]], reader: ContentReader) -> str:
    """The answer in the requested `text.format` (see the module docstring)."""
    fmt = text_config.get("format") if isinstance(text_config, dict) else None
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if kind == "json_schema":
        users = user_texts(context, reader)
        return json.dumps(arguments_for(fmt.get("schema"), users[-1] if users else ""))
    if kind == "json_object":
        return json.dumps({"answer": text})
    return text


def item_tokens(item: dict[str, Any], reader: ContentReader) -> int:
    """Input tokens of one context item (documented rule in emulator.tokens; images cost a flat amount)."""
    content = item.get("content")
    if isinstance(content, list):
        total = 0
        for part in content:
            if isinstance(part, dict) and part.get("type") == "input_image":
                total += IMAGE_TOKENS
            else:
                total += count_tokens(reader.part(part))
        return total
    if isinstance(content, str):
        return count_tokens(content)
    kind = item.get("type")
    if kind == "function_call":
        return count_tokens(str(item.get("name", "")) + str(item.get("arguments", "")))
    if kind == "function_call_output":
        output = item.get("output")
        return count_tokens(output if isinstance(output, str) else str(output))
    if kind == "image_generation_call":
        return IMAGE_TOKENS  # the image itself, not its base64 text
    if kind in ("reasoning", "compaction"):
        return count_tokens(str(item.get("encrypted_content") or "")) // 8  # opaque payloads are compressed state
    return count_tokens(str({k: v for k, v in item.items() if k != "id"}))
