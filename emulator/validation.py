"""Request checks: the emulator's own rules (Azure's limits and the seeds' constraints) first, then the
derived OpenAPI document's request schema. Every failure is a 400 naming the field (`param`) and the fix.
"""

from __future__ import annotations

import functools
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError, best_match
from openapi import spec
from starlette.requests import Request

from emulator.errors import EmulatorError, invalid
from emulator.json_codec import loads

MIN_OUTPUT_TOKENS = 16  # Azure's documented floor (AZURE-DIALECT.md)
BACKGROUND_DOC = (
    "Background mode requires store=true; stateless requests are not supported (Azure OpenAI Responses API "
    "docs, Background tasks > Limitations). Set store=true, or drop background=true."
)


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = loads(raw or b"null")
    except ValueError:
        raise EmulatorError(400, "We could not parse the JSON body of your request. Send a JSON object with "
                            "Content-Type: application/json.", code="invalid_json") from None
    if not isinstance(body, dict):
        raise EmulatorError(400, "The request body must be a JSON object.", code="invalid_type")
    return body


# Typed fields, in the order they are checked (the first wrong one is reported): name, accepted types, whether
# a boolean passes (JSON true is a Python int), and what the message says the field must be.
_Typed = tuple[tuple[str, tuple[type, ...], bool, str], ...]
_TYPED: _Typed = (
    *((name, (bool,), True, "true or false") for name in ("stream", "background", "store", "parallel_tool_calls")),
    ("max_output_tokens", (int,), False, "an integer"),
    ("temperature", (int, float), False, "a number between 0 and 2"),
    ("top_p", (int, float), False, "a number between 0 and 1"),
    ("metadata", (dict,), False, "an object of up to 16 string values"),
    ("previous_response_id", (str,), False, "the id of a stored response"),
)
_TYPED_CONTEXT: _Typed = (
    ("context_management", (list,), False, 'an array such as [{"type": "compaction", "compact_threshold": 200000}]'),
)
_TYPED_IDS: _Typed = tuple((name, (str,), False, "a string") for name in ("user", "safety_identifier", "prompt_cache_key"))


def _check_types(body: dict[str, Any], fields: _Typed) -> None:
    for name, kinds, bool_ok, what in fields:
        value = body.get(name)
        if value is not None and (not isinstance(value, kinds) or (not bool_ok and isinstance(value, bool))):
            raise invalid(name, f"`{name}` must be {what}.", code="invalid_type")


def check_create(body: dict[str, Any]) -> None:
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise invalid("model", "`model` is required: the name of your model deployment.",
                      code="missing_required_parameter")
    if body.get("conversation") is not None:
        raise invalid("conversation", "The emulator does not implement the Conversations API; chain turns with "
                      "`previous_response_id` or pass earlier output items in `input`.", code="unsupported_parameter")
    if body.get("input") is None and not body.get("previous_response_id"):
        raise invalid("input", "`input` is required: a string or an array of input items.",
                      code="missing_required_parameter")
    _check_types(body, _TYPED)
    limit = body.get("max_output_tokens")
    if limit is not None and limit < MIN_OUTPUT_TOKENS:
        raise invalid("max_output_tokens", f"Invalid 'max_output_tokens': integer below minimum value. Expected a "
                      f"value >= {MIN_OUTPUT_TOKENS}, but got {limit} instead.", code="integer_below_min_value")
    temperature = body.get("temperature")
    if temperature is not None and not 0 <= temperature <= 2:
        raise invalid("temperature", "`temperature` must be between 0 and 2.", code="invalid_value")
    top_p = body.get("top_p")
    if top_p is not None and not 0 <= top_p <= 1:
        raise invalid("top_p", "`top_p` must be between 0 and 1.", code="invalid_value")
    metadata = body.get("metadata") or {}
    if metadata and (len(metadata) > 16 or any(not isinstance(v, str) or len(v) > 512 or len(k) > 64
                                               for k, v in metadata.items())):
        raise invalid("metadata", "`metadata` takes up to 16 keys (64 characters each) with string values of up "
                      "to 512 characters.", code="invalid_value")
    if body.get("background") and body.get("store") is False:
        raise invalid("background", BACKGROUND_DOC, code="invalid_value")
    _check_types(body, _TYPED_CONTEXT)
    for index, entry in enumerate(body.get("context_management") or []):
        threshold = entry.get("compact_threshold") if isinstance(entry, dict) else None
        if threshold is not None and (not isinstance(threshold, int) or isinstance(threshold, bool) or threshold < 1):
            raise invalid(f"context_management[{index}].compact_threshold",
                          "`compact_threshold` must be a positive integer (a token count).")
    _check_types(body, _TYPED_IDS)
    if not _only_checked_scalars(body):
        check_schema(body, "CreateResponse")


# Fields whose every constraint in the document the checks above already enforce: a body made only of these
# (with string `input`/`instructions`) skips the schema pass, which costs more than the whole rest of a create.
_CHECKED_FIELDS = frozenset({
    "model", "stream", "background", "store", "parallel_tool_calls", "max_output_tokens", "temperature", "top_p",
    "metadata", "previous_response_id", "user", "safety_identifier", "prompt_cache_key",
})


def _only_checked_scalars(body: dict[str, Any]) -> bool:
    return all(
        name in _CHECKED_FIELDS or (name in ("input", "instructions") and isinstance(value, str))
        for name, value in body.items()
    )


# Fields the document marks required that the service (and the seeds' own examples) let clients omit,
# filled before schema validation: (part/item/tool type, field, default).
_PART_DEFAULTS = (("output_text", "annotations", []), ("output_text", "logprobs", []), ("input_image", "detail", "auto"))
_TOOL_DEFAULTS = (("function", "strict", None), ("function", "parameters", None))
_ITEM_DEFAULTS = (("mcp_approval_response", "request_id", ""),)  # required but never defined by the document


def _fill(entry: Any, defaults: tuple[tuple[str, str, Any], ...]) -> Any:
    if not isinstance(entry, dict):
        return entry
    missing = {name: value for kind, name, value in defaults if entry.get("type") == kind and name not in entry}
    return {**entry, **missing} if missing else entry


def _with_service_defaults(body: dict[str, Any]) -> dict[str, Any]:
    """The body as the service reads it (see the default tables above)."""
    out = dict(body)
    if isinstance(body.get("tools"), list):
        out["tools"] = [_fill(t, _TOOL_DEFAULTS) for t in body["tools"]]
    if isinstance(body.get("input"), list):
        items = []
        for item in body["input"]:
            item = _fill(item, _ITEM_DEFAULTS)
            if isinstance(item, dict) and isinstance(item.get("content"), list):
                item = {**item, "content": [_fill(p, _PART_DEFAULTS) for p in item["content"]]}
            items.append(item)
        out["input"] = items
    return out


# The official document uses oneOf where several branches accept the same item (a user message with an id
# is both an `Item` and an `EasyInputMessage`); the service accepts such input, so oneOf is read as anyOf.
_Lenient = validators.extend(Draft202012Validator, {"oneOf": Draft202012Validator.VALIDATORS["anyOf"]})


@functools.cache
def _lenient_validator(schema_name: str) -> Draft202012Validator:
    strict = spec.validator_for(schema_name)
    return _Lenient(strict.schema, registry=strict._registry)  # type: ignore[no-any-return]


def check_schema(body: dict[str, Any], schema_name: str) -> None:
    """400 when the body does not match the derived document's request schema."""
    found = list(_lenient_validator(schema_name).iter_errors(_with_service_defaults(body)))
    if not found:
        return
    error = best_match(found)
    assert error is not None
    param = _param(error) or None
    raise invalid(param or "body", f"Invalid request body at '{param or '(root)'}': {error.message}. Check the "
                  "field against the API reference.", code="invalid_value")


def _param(error: ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
