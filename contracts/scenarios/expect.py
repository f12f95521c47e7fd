"""Assertions on what came over the wire; each raises `CheckFailed` (or `Unsupported`) with the exchange attached.

Full schema conformance is layer 1's job; these assert only what a scenario's rule needs, so the scenarios
stay meaningful against endpoints whose schema drifts a little.
"""

from __future__ import annotations

from typing import Any

from contracts.http_session import ApiResponse
from contracts.results import CheckFailed, Unsupported

# Statuses with which an endpoint refuses a feature (as opposed to failing on it).
REFUSAL_STATUSES = frozenset({400, 404, 405, 422, 501})


def fail(message: str, resp: ApiResponse | None = None) -> CheckFailed:
    if resp is None:
        return CheckFailed(message)
    return CheckFailed(message, request=resp.request_excerpt, response=resp.response_excerpt)


def ok(resp: ApiResponse, what: str) -> dict[str, Any]:
    """A 2xx with a JSON object body."""
    if not 200 <= resp.status < 300:
        raise fail(f"{what}: expected 2xx, got HTTP {resp.status}", resp)
    if not isinstance(resp.body, dict):
        raise fail(f"{what}: the body is not a JSON object ({resp.text[:120]!r})", resp)
    return resp.body


def ok_or_refused(resp: ApiResponse, what: str) -> dict[str, Any]:
    """Like `ok`, but a 4xx refusal becomes `Unsupported` (the registry decides if that was expected)."""
    if resp.status in REFUSAL_STATUSES:
        detail = error_message(resp.body) or resp.text[:160]
        raise Unsupported(f"{what}: the endpoint refused it with HTTP {resp.status}: {detail}")
    return ok(resp, what)


def error_message(body: Any) -> str:
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return err["message"]
        if isinstance(body.get("message"), str):
            return body["message"]
    return ""


def response_object(body: dict[str, Any], what: str, resp: ApiResponse | None = None) -> dict[str, Any]:
    """The fields every Responses example in the seeds reads: id, object, created_at, status, model, output."""
    problems = []
    if body.get("object") != "response":
        problems.append(f"object is {body.get('object')!r}, expected 'response'")
    if not isinstance(body.get("id"), str) or not body.get("id"):
        problems.append("id is missing")
    created = body.get("created_at")
    if not isinstance(created, (int, float)) or isinstance(created, bool):
        problems.append(f"created_at is {created!r}, expected a number")
    if not isinstance(body.get("status"), str):
        problems.append(f"status is {body.get('status')!r}")
    if not isinstance(body.get("model"), str):
        problems.append(f"model is {body.get('model')!r}")
    if not isinstance(body.get("output"), list):
        problems.append(f"output is {type(body.get('output')).__name__}, expected a list")
    if problems:
        raise fail(f"{what}: not a documented response object: {'; '.join(problems)}", resp)
    return body


def error_body(
    resp: ApiResponse,
    what: str,
    *,
    status: int | tuple[int, ...],
    names: str | None = None,
    allow_gateway_401: bool = False,
) -> dict[str, Any]:
    """An error: the expected status and the documented body `{"error": {"message", ...}}`.

    `names`: the request field the error must name (in `param`, or in the message).
    `allow_gateway_401`: also accept Azure's token error without the wrapper (`{"statusCode", "message"}`).
    """
    expected = (status,) if isinstance(status, int) else status
    if resp.status not in expected:
        raise fail(f"{what}: expected HTTP {' or '.join(map(str, expected))}, got {resp.status}", resp)
    body = resp.body
    if not isinstance(body, dict):
        raise fail(f"{what}: the error body is not JSON ({resp.text[:120]!r})", resp)
    err = body.get("error")
    gateway = allow_gateway_401 and body.get("statusCode") == 401 and isinstance(body.get("message"), str)
    if not gateway:
        if not isinstance(err, dict):
            raise fail(f"{what}: the body has no `error` object: {str(body)[:160]}", resp)
        if not isinstance(err.get("message"), str) or not err["message"]:
            raise fail(f"{what}: error.message is missing", resp)
        for key in ("code", "param", "type"):
            if key in err and err[key] is not None and not isinstance(err[key], str):
                raise fail(f"{what}: error.{key} is {type(err[key]).__name__}, expected a string", resp)
    if names:
        param = err.get("param") if isinstance(err, dict) else None
        if param != names and names not in error_message(body):
            raise fail(f"{what}: the error does not name the field {names!r} (param={param!r})", resp)
    return body


def output_text(body: dict[str, Any]) -> str:
    """Concatenated `output_text` parts of the message items (what the SDK's `output_text` gives)."""
    texts = []
    for item in body.get("output") or []:
        if isinstance(item, dict) and item.get("type") == "message":
            for part in item.get("content") or []:
                if isinstance(part, dict) and part.get("type") == "output_text":
                    texts.append(str(part.get("text", "")))
    return "".join(texts)


def items_of_type(body: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [i for i in body.get("output") or [] if isinstance(i, dict) and i.get("type") == type_]
