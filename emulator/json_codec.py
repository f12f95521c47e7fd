"""The emulator's JSON on the wire and in SQLite: orjson for speed, the standard library where orjson differs.

Encoding a response body with the standard library cost more than the rest of a plain create's handler
(~25 us of a ~55 us bare Starlette handler's budget, per body; a stream encodes a dozen events), orjson
does it in ~1.5 us. orjson refuses what the standard library accepts in two cases, integers beyond 64 bits
and lone surrogates (both can arrive in a request and be echoed); those objects fall back to the standard
library's compact, ASCII-escaped output, so every object still encodes.

Decoding gives what the standard library gives, rejecting the non-standard constants `NaN` / `Infinity`
(not JSON, and no encoder here writes them back). orjson decodes first (~5x faster) when the bytes hold no
run of 19 digits, the only input orjson accepts and reads differently (an integer beyond 64 bits becomes a
float); whatever orjson refuses (other encodings, lone surrogates, 1e400, bad JSON) goes to the standard
library, which decides and words the error.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson
from starlette import responses


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON bytes."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(value, separators=(",", ":"), allow_nan=False).encode()


def freeze(value: Any) -> str | bytes:
    """`value` as one compact, immutable JSON text that `thaw` turns back into an equal, new object: orjson's
    output as str, or the standard library's as bytes where orjson refuses (`thaw` must then decode with the
    standard library too: orjson would read an integer beyond 64 bits back as a float). The str is a copy on
    purpose: a bytes object from orjson.dumps keeps about 4 KiB of memory however short it is, which the store,
    keeping every response, would multiply."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value, separators=(",", ":"), allow_nan=False).encode()


def thaw(frozen: str | bytes) -> Any:
    """The value `freeze` encoded (orjson reads its own output back exactly)."""
    return orjson.loads(frozen) if isinstance(frozen, str) else json.loads(frozen)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


_LONG_NUMBER = re.compile(rb"\d{19}")


def loads(raw: bytes | str) -> Any:
    """Like json.loads (same encodings, same values, same errors as ValueError), without NaN / Infinity."""
    if isinstance(raw, bytes) and _LONG_NUMBER.search(raw) is None:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    text = raw.decode(json.detect_encoding(raw), "surrogatepass") if isinstance(raw, bytes) else raw
    try:
        return _DECODER.decode(text)
    except RecursionError:  # orjson stops at depth 1024; the standard library runs out of stack instead
        raise ValueError("the JSON is nested too deeply") from None


class JSONResponse(responses.JSONResponse):
    """Starlette's JSONResponse with the body encoded by `dumps`."""

    def render(self, content: Any) -> bytes:
        return dumps(content)
