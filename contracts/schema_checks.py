"""Custom layer-1 checks, registered the schemathesis way (`@schemathesis.check`), and every check's doc rule.

Registered checks are global to the process, so each one does nothing unless a layer-1 run has activated the
profile rules it needs (`activate`); other schemathesis users in the same process are not affected.
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from schemathesis import Case, CheckContext, Response
from schemathesis.core.deserialization import _parse_sse_events  # the parser its own SSE validation uses

from contracts.profiles import ProfileRules

# The rule each check enforces, shown next to its failures. Built-in checks first, then ours.
DOC_RULES: dict[str, str] = {
    "not_a_server_error": "No request, valid or invalid, gets a 5xx (docs: errors are 4xx with an error body)",
    "status_code_conformance": "Every status code is one the derived document lists for the operation",
    "content_type_conformance": "Every Content-Type is one the derived document lists for the status",
    "response_schema_conformance": (
        "Every JSON body and every SSE event's data conforms to the derived document's schema"
    ),
    "response_headers_conformance": "Documented response headers have their documented types",
    "negative_data_rejection": "An invalid request (per the document) gets a 4xx, not a 2xx",
    "positive_data_acceptance": "A valid request (per the document) is accepted (2xx, or 404 for unknown ids)",
    "use_after_free": "A deleted resource (response, file) is gone: retrieving it after DELETE gives 404",
    "ensure_resource_availability": "A created resource (response, file) can be retrieved right after creation",
    "ignored_auth": "Requests without credentials or with a wrong key are refused with 401",
    "missing_required_header": "A request missing a required header is refused with 4xx",
    "unsupported_method": "An undocumented method on a documented path gets 405 (or 404), not 2xx",
    "azure_error_body": (
        "4xx bodies are the documented error object {'error': {'code','message','param','type'}} "
        "(or Azure's 401 {'statusCode','message'}), with a message (AZURE-DIALECT: Errors)"
    ),
    "request_id_header": "Azure answers carry apim-request-id or x-request-id (AZURE-DIALECT: Headers)",
    "usage_arithmetic": (
        "usage.total_tokens = input_tokens + output_tokens; cached <= input; reasoning <= output "
        "(Responses object, JSON and final stream event)"
    ),
    "stream_event_framing": (
        "Each SSE event's `event:` name equals its data's `type`; sequence_number strictly increases "
        "(seeds: streaming)"
    ),
}
CUSTOM_CHECKS = ("azure_error_body", "request_id_header", "usage_arithmetic", "stream_event_framing")
REQUEST_ID_HEADERS = ("apim-request-id", "x-request-id")

_rules: ProfileRules | None = None


def activate(rules: ProfileRules | None) -> None:
    global _rules
    _rules = rules


def _applies(case: Case) -> bool:
    """Our rules describe documented operations; coverage also probes undocumented methods on each path."""
    return _rules is not None and case.method.upper() == case.operation.method.upper()


def _header(response: Response, name: str) -> str | None:
    for key, values in response.headers.items():
        if key.lower() == name and values:
            return values[0]
    return None


def _is_json(response: Response) -> bool:
    return "json" in (_header(response, "content-type") or "")


def _is_event_stream(response: Response) -> bool:
    return "text/event-stream" in (_header(response, "content-type") or "")


def _json_body(response: Response) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return None


def _stream_payloads(response: Response) -> list[tuple[str, Any]]:
    """`(event name, parsed data)` per SSE event; unparseable data gives `None` (schema checks report it)."""
    try:
        events = _parse_sse_events(response.content)
    except UnicodeDecodeError:
        return []
    out = []
    for event in events:
        try:
            data = json.loads(event.get("data", ""))
        except ValueError:
            data = None
        out.append((event.get("event", "message"), data))
    return out


@schemathesis.check
def azure_error_body(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    if not _applies(case) or not _rules.azure_error_body or not 400 <= response.status_code < 500:
        return None
    body = _json_body(response)
    if body is None:
        raise AssertionError(
            f"{response.status_code} answer is not a JSON error body (content-type "
            f"{_header(response, 'content-type')!r}): {response.content[:200]!r}"
        )
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        message = body["error"].get("message")
        if not isinstance(message, str) or not message:
            raise AssertionError(f"error object without a message: {json.dumps(body)[:300]}")
        return True
    # Azure's gateway answers a bad token with `{"statusCode": 401, "message": ...}` (no `error` wrapper).
    if response.status_code == 401 and isinstance(body, dict) and isinstance(body.get("message"), str):
        return True
    raise AssertionError(f"{response.status_code} body is not {{'error': {{...}}}}: {json.dumps(body)[:300]}")


@schemathesis.check
def request_id_header(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    if not _applies(case) or not _rules.azure_headers:
        return None
    if not any(_header(response, name) for name in REQUEST_ID_HEADERS):
        raise AssertionError(f"no {' or '.join(REQUEST_ID_HEADERS)} header on a {response.status_code} answer")
    return True


def _check_usage(usage: Any, where: str) -> None:
    if not isinstance(usage, dict):
        return
    numbers = {k: usage.get(k) for k in ("input_tokens", "output_tokens", "total_tokens")}
    if not all(type(v) is int for v in numbers.values()):
        return  # missing or mistyped fields are response_schema_conformance's finding
    if numbers["total_tokens"] != numbers["input_tokens"] + numbers["output_tokens"]:
        raise AssertionError(f"{where}: total_tokens {numbers['total_tokens']} != input_tokens "
                             f"{numbers['input_tokens']} + output_tokens {numbers['output_tokens']}")
    cached = (usage.get("input_tokens_details") or {}).get("cached_tokens")
    if type(cached) is int and cached > numbers["input_tokens"]:
        raise AssertionError(f"{where}: cached_tokens {cached} > input_tokens {numbers['input_tokens']}")
    reasoning = (usage.get("output_tokens_details") or {}).get("reasoning_tokens")
    if type(reasoning) is int and reasoning > numbers["output_tokens"]:
        raise AssertionError(f"{where}: reasoning_tokens {reasoning} > output_tokens {numbers['output_tokens']}")


@schemathesis.check
def usage_arithmetic(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    if not _applies(case) or not 200 <= response.status_code < 300:
        return None
    if _is_json(response):
        body = _json_body(response)
        if isinstance(body, dict) and body.get("object") == "response":
            _check_usage(body.get("usage"), "response.usage")
    elif _is_event_stream(response):
        for name, data in _stream_payloads(response):
            if isinstance(data, dict) and isinstance(data.get("response"), dict):
                _check_usage(data["response"].get("usage"), f"{name} event response.usage")
    return True


@schemathesis.check
def stream_event_framing(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    if not _applies(case) or not _is_event_stream(response):
        return None
    last: int | None = None
    for index, (name, data) in enumerate(_stream_payloads(response)):
        if not isinstance(data, dict):
            continue
        kind = data.get("type")
        if name != "message" and kind is not None and name != kind:
            raise AssertionError(f"event #{index}: `event: {name}` but data type is {kind!r}")
        number = data.get("sequence_number")
        if type(number) is int:
            if last is not None and number <= last:
                raise AssertionError(f"event #{index} ({kind}): sequence_number {number} after {last}")
            last = number
    return True
