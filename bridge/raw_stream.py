"""Responses event streams as plain JSON dicts: the SDK's transport without its per-event model validation.

The openai SDK validates every stream event against the event union (`ResponseStreamEvent`, ~50 members):
about 0.3 ms of CPU per event, most of the bridge's own cost per create. The bridge reads only a few fields
of each event (type, sequence_number, delta, the response id), so it asks the SDK for the raw JSON
(`cast_to=object` with `AsyncStream[object]`: the SDK's documented way to call an endpoint with its own
auth, retries, error translation and SSE decoding) and builds a typed `Response` only for the final
state.

Request bodies are the tool's JSON arguments, which need none of the SDK's parameter transforms (the
Responses create params declare no aliases or formats).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import openai
import pydantic
from openai import AsyncStream
from openai._types import RequestOptions
from openai.types.responses import Response

Event = dict[str, Any]
# `object`, not `Event`: the SDK returns data of cast type `object` untouched; any other type is constructed.
EventStream = AsyncStream[object]
# `responses.create` keyword arguments that are request options, not body fields.
REQUEST_OPTIONS = ("extra_headers", "extra_query", "extra_body", "timeout")


async def create_events(client: openai.AsyncOpenAI, kwargs: dict[str, Any], *, background: bool) -> EventStream:
    """`POST /responses` with `stream=true` (and `background=true` when asked): its events as dicts."""
    body = {key: value for key, value in kwargs.items() if key not in REQUEST_OPTIONS}
    body["stream"] = True
    if background:
        body["background"] = True
    options = _options(kwargs)
    return await client.post(
        "/responses", body=body, cast_to=object, options=options, stream=True, stream_cls=EventStream
    )


async def retrieve_events(client: openai.AsyncOpenAI, response_id: str, starting_after: int | None) -> EventStream:
    """`GET /responses/{id}?stream=true[&starting_after=N]`: the stored events of a background response."""
    params: dict[str, Any] = {"stream": "true"}
    if starting_after is not None:
        params["starting_after"] = starting_after
    options: RequestOptions = {"params": params, "security": {"bearer_auth": True}}
    return await client.get(
        f"/responses/{quote(response_id, safe='')}",
        cast_to=object,
        options=options,
        stream=True,
        stream_cls=EventStream,
    )


def response_of(data: dict[str, Any]) -> Response:
    """A typed `Response` from an event's `response` object.

    Validated (pydantic-core, ~0.15 ms) when it matches the SDK's types; otherwise built leniently the way
    the SDK builds non-streamed answers (`construct`, ~0.45 ms), so an endpoint's extra or newer shapes
    never fail a call.
    """
    try:
        return Response.model_validate(data)
    except pydantic.ValidationError:
        return Response.construct(**data)


def _options(kwargs: dict[str, Any]) -> RequestOptions:
    options: RequestOptions = {"security": {"bearer_auth": True}}
    if kwargs.get("extra_headers"):
        options["headers"] = kwargs["extra_headers"]
    if kwargs.get("extra_query"):
        options["params"] = kwargs["extra_query"]
    if kwargs.get("extra_body"):
        options["extra_json"] = kwargs["extra_body"]
    if "timeout" in kwargs:
        options["timeout"] = kwargs["timeout"]
    return options
