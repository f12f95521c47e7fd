"""The /responses operations: create, retrieve (and resume), delete, cancel, input items, compact.

Paths are relative to the API prefix; emulator.app mounts them under both /openai/v1 and /v1.
"""

from __future__ import annotations

import functools
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator.compaction import compacted_output, compaction_object, expand_context
from emulator.answer import item_tokens
from emulator.content import ContentReader
from emulator.errors import EmulatorError, invalid, not_found
from emulator.json_codec import JSONResponse
from emulator.model import build_turn, chain_items, normalize_input, requested_delay, requested_queue_time
from emulator.response_object import new_response
from emulator.runner import Run
from emulator.sse_response import EventStreamResponse
from emulator.state import EmulatorState
from emulator.store import StoredResponse
from emulator.stream_resume import parse_starting_after, resume_events
from emulator.validation import check_create, check_schema, json_body
from openapi import spec


def _state(request: Request) -> EmulatorState:
    return request.app.state.emulator  # type: ignore[no-any-return]


def _served(model: str) -> dict[str, str]:
    return {"x-ms-served-model": model}


async def create_response(request: Request) -> Response:
    state = _state(request)
    body = await json_body(request)
    check_create(body)
    turn = build_turn(body, request.headers, state)
    background = bool(body.get("background"))
    response = new_response(body, turn.deployment, status="queued" if background else "in_progress")
    fault = request.scope.get("state", {}).get("fault")
    stream = bool(body.get("stream"))
    run = Run(
        state, response, turn, streamed=stream, delay=requested_delay(body, state),
        queue_time=requested_queue_time(body),
        fail_after=fault.fail_after if fault else None, fail_code=fault.code if fault else None,
    )
    headers = _served(turn.deployment.served_model)
    if stream or background:  # runs others may follow, resume or cancel live in the registry
        snapshot = {**response, "output": []}  # the object as it was queued, before the task touches it
        state.jobs.start(run)
        if stream:
            return EventStreamResponse(run.follow(-1), fault=fault, headers=headers)
        return JSONResponse(snapshot, headers=headers)
    await run.produce()  # a plain JSON create: nobody can cancel, follow or resume it
    if run.response["status"] == "failed":
        error = run.response["error"] or {}
        raise EmulatorError(500, error.get("message", "The response failed."), code=error.get("code"))
    return JSONResponse(run.response, headers=headers)


def _stored(state: EmulatorState, response_id: str) -> StoredResponse:
    record = state.store.get(response_id)
    if record is None or record.kind != "response":
        raise not_found("response", response_id, param="response_id")
    return record


def _current(state: EmulatorState, response_id: str) -> dict[str, Any]:
    """The live object of a running stored job, else the stored one."""
    run = state.jobs.get(response_id)
    if run is not None and run.stored:
        return run.response
    return _stored(state, response_id).response


async def retrieve_response(request: Request) -> Response:
    state = _state(request)
    response_id = request.path_params["response_id"]
    stream = _query_bool(request, "stream")
    _query_bool(request, "include_obfuscation")  # documented; streams here are never obfuscated
    # Checked even without stream=true: a documented integer parameter takes integers only.
    starting_after = parse_starting_after(request.query_params.get("starting_after"))
    _check_include(request)
    if stream:
        record = _stored(state, response_id)
        events = resume_events(state, record, starting_after)
        fault = request.scope.get("state", {}).get("fault")
        return EventStreamResponse(events, fault=fault, headers=_served(record.response["model"]))
    response = _current(state, response_id)
    return JSONResponse(response, headers=_served(response["model"]))


def _query_bool(request: Request, name: str) -> bool:
    value = request.query_params.get(name, "false").lower()
    if value not in ("true", "false", "1", "0"):
        raise invalid(name, f"`{name}` must be true or false.", code="invalid_type")
    return value in ("true", "1")


def _check_include(request: Request) -> None:
    """`include` (sent as `include` or, by the openai SDK, `include[]`) only takes documented values."""
    allowed = _includable()
    for key in ("include", "include[]"):
        for value in request.query_params.getlist(key):
            if value not in allowed:
                raise invalid(
                    "include", f"Invalid value {value!r} for `include`; use one of: {', '.join(sorted(allowed))}."
                )


@functools.cache
def _includable() -> frozenset[str]:
    return frozenset(spec.schema("IncludeEnum")["enum"])


async def delete_response(request: Request) -> Response:
    state = _state(request)
    response_id = request.path_params["response_id"]
    _stored(state, response_id)
    if state.jobs.get(response_id) is not None:
        await state.jobs.cancel(response_id)
    state.store.delete(response_id)
    return JSONResponse({"id": response_id, "object": "response.deleted", "deleted": True})


async def cancel_response(request: Request) -> Response:
    state = _state(request)
    response_id = request.path_params["response_id"]
    current = _current(state, response_id)
    if not current.get("background"):
        raise invalid(
            "response_id",
            "Only responses created with background=true can be cancelled. To stop a synchronous response, "
            "close its connection; to make a response cancellable, create it with background=true.",
            code="invalid_request",
        )
    run = await state.jobs.cancel(response_id)
    final = run.response if run is not None else current
    return JSONResponse(final, headers=_served(final["model"]))


def _limit(raw: str | None) -> int:
    """1..100, default 20. The document bounds nothing, so out-of-range numbers are clamped (as the files
    list does); only a value that is not a whole number is a 400."""
    if raw is None:
        return 20
    try:
        return min(max(int(raw), 1), 100)
    except ValueError:
        raise invalid("limit", "`limit` must be a whole number from 1 to 100.", code="invalid_type") from None


async def list_input_items(request: Request) -> Response:
    """The response's whole input context, as the seeds describe it ("the full conversation context,
    including items the model added, such as function calls or compaction items"): the items of every
    stored response along its `previous_response_id` chain (inputs and outputs), then its own input."""
    state = _state(request)
    record = _stored(state, request.path_params["response_id"])
    query = request.query_params
    order = query.get("order", "desc")
    if order not in ("asc", "desc"):
        raise invalid("order", "`order` must be 'asc' or 'desc'.", code="invalid_value")
    limit = _limit(query.get("limit"))
    context = [*chain_items(state, record.previous_response_id, strict=False), *record.input_items]
    items = context if order == "asc" else context[::-1]
    ids = [it.get("id") for it in items]
    for name in ("after", "before"):
        cursor = query.get(name)
        if cursor is None:
            continue
        if cursor not in ids:  # an unknown cursor lists nothing, like the files list
            items, ids = [], []
            continue
        position = ids.index(cursor)
        items, ids = (items[position + 1 :], ids[position + 1 :]) if name == "after" else (items[:position], ids[:position])
    page = items[:limit]
    return JSONResponse({
        "object": "list",
        "data": page,
        "first_id": page[0]["id"] if page else None,
        "last_id": page[-1]["id"] if page else None,
        "has_more": len(items) > limit,
    })


async def compact(request: Request) -> Response:
    """POST /responses/compact. Not served when the doc snapshot lists compaction as unsupported: the
    older API has no such operation, so the answer is the 404 an unknown route gets, with a message that
    says why."""
    state = _state(request)
    if not state.deployments.snapshot.supports_feature("compaction"):
        raise EmulatorError(404, f"Resource not found: POST /responses/compact is not available in this API "
                            f"version (doc snapshot {state.config.snapshot} lists compaction as unsupported).",
                            code="404")
    body = await json_body(request)
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise invalid("model", "`model` is required: the name of your model deployment.",
                      code="missing_required_parameter")
    if body.get("input") is None and not body.get("previous_response_id"):
        raise invalid("input", "Pass `input` (the items to compact) or `previous_response_id`.",
                      code="missing_required_parameter")
    check_schema(body, "CompactResponseMethodPublicBody")
    deployment = state.deployments.resolve(body["model"])
    history = chain_items(state, body.get("previous_response_id"))
    try:
        context = expand_context([*history, *normalize_input(body.get("input"))], state.sealer)
    except ValueError as exc:
        raise invalid("input", f"A compaction item could not be expanded ({exc}).") from exc
    output = compacted_output(context, state.sealer)
    reader = ContentReader(state.files)
    input_tokens = sum(item_tokens(it, reader) for it in context)
    output_tokens = sum(item_tokens(it, reader) for it in output)
    obj = compaction_object(output, {"input_tokens": input_tokens, "output_tokens": output_tokens},
                            deployment.served_model)
    state.store.save(StoredResponse(obj["id"], obj, [], False, kind="compaction"))
    return JSONResponse(obj, headers=_served(deployment.served_model))


async def list_models(request: Request) -> Response:
    return JSONResponse(_state(request).deployments.models_list())


def response_routes() -> list[Route]:
    return [
        Route("/responses", create_response, methods=["POST"]),
        Route("/responses/compact", compact, methods=["POST"]),
        Route("/responses/{response_id}", retrieve_response, methods=["GET"]),
        Route("/responses/{response_id}", delete_response, methods=["DELETE"]),
        Route("/responses/{response_id}/cancel", cancel_response, methods=["POST"]),
        Route("/responses/{response_id}/input_items", list_input_items, methods=["GET"]),
        Route("/models", list_models, methods=["GET"]),
    ]
