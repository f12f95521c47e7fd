"""The emulator's documented token count: deterministic, so usage numbers can be asserted.

Rule: a text costs one token per started group of 4 UTF-8 bytes (ceil(bytes / 4)), and an empty text
costs 0. Images cost a flat 85 tokens, files their extracted text. `total = input + output`.
"""

from __future__ import annotations

IMAGE_TOKENS = 85


def count_tokens(text: str) -> int:
    return (len(text.encode("utf-8")) + 3) // 4
