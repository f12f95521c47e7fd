"""Arguments for a function call: JSON valid for the function's parameter schema, filled from the user text.

Rules (deterministic): `enum`/`const` -> the value the text mentions, else the first; strings named like a
place (location, city, ...) -> the place after "in/at/for/near/from/to" ("San Francisco", "Paris, France");
query-like strings -> the whole text; other strings -> a quoted phrase, else the text; numbers -> the
first number in the text (clamped to the bounds), else the default or the lower bound; booleans -> the
default or false; arrays -> `minItems` (at least one) values of `items`; objects -> every required
property plus optional ones the text supplies. `$ref` into `$defs`/`definitions` and `anyOf`/`oneOf`
(first branch) are followed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_PLACE_NAMES = ("location", "city", "place", "address", "destination", "origin", "region", "country", "where")
_QUERY_NAMES = ("query", "q", "question", "prompt", "text", "message", "input", "search", "content", "topic")
# A place: capitalised words ("Rio de Janeiro"), optionally ", Region" ("Paris, France").
_PLACE_BODY = (
    r"((?:[A-Z][\w'.-]*)(?:\s+(?:[A-Z][\w'.-]*|de|del|la|le|of|upon))*"
    r"(?:,\s*[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)*)?)"
)
_PLACE = re.compile(r"\b(?:in|at|for|near|from|to)\s+" + _PLACE_BODY)
_MORE_PLACE = re.compile(r"\s*(?:and|&)\s+(?:(?:in|at|for|near)\s+)?" + _PLACE_BODY)
_PLACE_LOWER = re.compile(r"\b(?:in|at|near)\s+([a-z][a-z' -]{1,40}?)\s*(?:[?.!,;]|\btoday\b|\bnow\b|$)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_QUOTED = re.compile(r"[\"“'‘]([^\"”'’]{1,200})[\"”'’]")
_FORMAT_DEFAULTS = {
    "date": "2025-01-01",
    "date-time": "2025-01-01T00:00:00Z",
    "time": "00:00:00Z",
    "email": "user@example.com",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "uuid": "00000000-0000-4000-8000-000000000000",
}


@dataclass(frozen=True)
class _Ask:
    text: str
    place: str | None  # what place-like properties get


def arguments_for(parameters: dict | None, text: str, place: str | None = None) -> dict:
    """A JSON object for `parameters` (a JSON Schema; None or {} = no parameters).

    `place` overrides the place found in `text` (one call per place when a question names several)."""
    if not parameters:
        return {}
    value = _value(parameters, "", _Ask(text, place or find_place(text)), parameters, depth=0)
    return value if isinstance(value, dict) else {}


def find_place(text: str) -> str | None:
    """The place a question is about: "weather in San Francisco?" -> "San Francisco"."""
    places = find_places(text)
    if places:
        return places[0]
    if match := _PLACE_LOWER.search(text):
        return " ".join(w.capitalize() for w in match.group(1).split())
    return None


def find_places(text: str) -> list[str]:
    """Every capitalised place a question names, in order: "in Paris and in London" -> [Paris, London]."""
    places: list[str] = []
    for match in _PLACE.finditer(text):
        places.append(match.group(1).rstrip(".'"))
        rest = text[match.end() :]
        while more := _MORE_PLACE.match(rest):
            places.append(more.group(1).rstrip(".'"))
            rest = rest[more.end() :]
    return list(dict.fromkeys(places))


def has_place_parameter(parameters: dict | None) -> bool:
    """Whether the schema's top-level properties include a place-like string (location, city, ...)."""
    props = (parameters or {}).get("properties") or {}
    return any(_is_place(name) for name in props)


def _resolve(schema: dict, root: dict) -> dict:
    for _ in range(32):  # a cycle of bare $refs cannot loop forever
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return schema
        target: Any = root
        for key in ref[2:].split("/"):
            target = target.get(key.replace("~1", "/").replace("~0", "~"), {}) if isinstance(target, dict) else {}
        schema = {**target, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema


def _type_of(schema: dict) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind:
        return str(kind)
    if "properties" in schema:
        return "object"
    if "items" in schema:
        return "array"
    if "enum" in schema and schema["enum"]:
        return {str: "string", bool: "boolean", int: "integer", float: "number"}.get(type(schema["enum"][0]), "string")
    return "string"


def _value(schema: dict, name: str, ask: _Ask, root: dict, depth: int) -> Any:
    schema = _resolve(schema, root)
    for key in ("anyOf", "oneOf"):
        if isinstance(schema.get(key), list) and schema[key]:
            branches = [_resolve(b, root) for b in schema[key]]
            branch = next((b for b in branches if _type_of(b) != "null"), branches[0])
            return _value({**{k: v for k, v in schema.items() if k != key}, **branch}, name, ask, root, depth)
    if isinstance(schema.get("allOf"), list):
        merged = {k: v for k, v in schema.items() if k != "allOf"}
        for part in schema["allOf"]:
            part = _resolve(part, root)
            merged.setdefault("properties", {}).update(part.get("properties", {}))
            merged["required"] = [*merged.get("required", []), *part.get("required", [])]
            merged.update({k: v for k, v in part.items() if k not in ("properties", "required")})
        return _value(merged, name, ask, root, depth)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return _mentioned(schema["enum"], ask.text)
    kind = _type_of(schema)
    if kind == "object":
        return _object(schema, ask, root, depth)
    if kind == "array":
        return _array(schema, name, ask, root, depth)
    if kind in ("number", "integer"):
        return _number(schema, kind, ask.text)
    if kind == "boolean":
        return bool(schema.get("default", False))
    if kind == "null":
        return None
    return _string(schema, name, ask)


def _object(schema: dict, ask: _Ask, root: dict, depth: int) -> dict:
    props: dict = schema.get("properties") or {}
    required = list(schema.get("required", []))
    # A required name without a property schema still needs a value; a string is the safest guess.
    out: dict[str, Any] = {key: _string({}, key, ask) for key in required if key not in props}
    for key, sub in props.items():
        if key in required:
            out[key] = _value(sub, key, ask, root, depth + 1)
        elif depth < 4 and (extra := _supplied(_resolve(sub, root), key, ask)) is not None:
            out[key] = extra
    return out


def _supplied(schema: dict, name: str, ask: _Ask) -> Any:
    """An optional property's value only when the text clearly gives it."""
    enum = schema.get("enum")
    if isinstance(enum, list):
        hits = [v for v in enum if isinstance(v, str) and re.search(rf"\b{re.escape(v)}\b", ask.text, re.I)]
        return hits[0] if hits else None
    declared = schema.get("type")
    is_string = declared == "string" or (isinstance(declared, list) and "string" in declared)
    plain = is_string and not any(k in schema for k in ("const", "format", "pattern"))
    if plain and _is_place(name) and ask.place:
        return _string(schema, name, ask)  # keeps minLength/maxLength
    return None


def _array(schema: dict, name: str, ask: _Ask, root: dict, depth: int) -> list:
    items = _resolve(schema.get("items") or {"type": "string"}, root)
    count = max(1, int(schema.get("minItems", 1)))
    if "maxItems" in schema:
        count = min(count, int(schema["maxItems"]))
    enum = items.get("enum")
    if isinstance(enum, list) and enum:
        mentioned = [v for v in enum if isinstance(v, str) and re.search(rf"\b{re.escape(v)}\b", ask.text, re.I)]
        chosen = mentioned or enum[:1]
        size = min(max(count, len(chosen)), int(schema.get("maxItems", max(count, len(chosen)))))
        values = (chosen + [v for v in enum if v not in chosen])[:size]
        return values + values[:1] * (count - len(values))  # repeats where the enum is too short
    singular = name[:-1] if name.endswith("s") else name
    values = [_value(items, singular, ask, root, depth + 1) for _ in range(count)]
    if schema.get("uniqueItems"):
        values = [values[0], *(_nth(values[0], i) for i in range(1, count))]
    return values


def _nth(first: Any, i: int) -> Any:
    """The i-th filler item, distinct from the first where it can be (best effort for `uniqueItems`)."""
    if isinstance(first, str):
        return f"{first} {i + 1}"
    if isinstance(first, (int, float)) and not isinstance(first, bool):
        return first + i
    return first


def _number(schema: dict, kind: str, text: str) -> int | float:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    found = _NUMBER.search(text)
    if found:
        value: float = float(found.group())
    elif "default" in schema:
        value = float(schema["default"])
    elif low is not None:
        value = float(low)
    else:
        value = 1.0
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        value = schema["exclusiveMinimum"] + 1
    if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
        value = schema["exclusiveMaximum"] - 1
    if low is not None:
        value = max(value, float(low))
    if high is not None:
        value = min(value, float(high))
    return int(value) if kind == "integer" else value


def _string(schema: dict, name: str, ask: _Ask) -> str:
    fmt = schema.get("format")
    if fmt in _FORMAT_DEFAULTS:
        return _FORMAT_DEFAULTS[fmt]
    clean = " ".join(ask.text.split())
    if _is_place(name):
        value = ask.place or clean
    elif name.lower() in _QUERY_NAMES:
        value = clean
    elif quoted := _QUOTED.search(clean):
        value = quoted.group(1)
    elif "default" in schema and isinstance(schema["default"], str):
        value = schema["default"]
    else:
        value = clean
    pattern = schema.get("pattern")
    if isinstance(pattern, str) and not re.search(pattern, value):
        candidates = re.findall(r"[\w@.:/+-]+", clean)
        value = next((c for c in candidates if re.search(pattern, c)), value)
    max_len = int(schema.get("maxLength", 10**6))
    min_len = int(schema.get("minLength", 0))
    value = value[:max_len]
    return value + "x" * (min_len - len(value)) if len(value) < min_len else value


def _is_place(name: str) -> bool:
    lowered = name.lower()
    return any(p in lowered for p in _PLACE_NAMES)


def _mentioned(options: list, text: str) -> Any:
    for option in options:
        if isinstance(option, str) and option and re.search(rf"\b{re.escape(option)}\b", text, re.I):
            return option
        if isinstance(option, (int, float)) and not isinstance(option, bool) and re.search(rf"\b{option}\b", text):
            return option
    return options[0]
