"""A deliberately tiny Responses endpoint for contract-suite tests, with one switchable defect.

It answers `POST /responses` (JSON or SSE) and `GET /models`, and 404 with the documented error body elsewhere.
`defect` breaks one documented rule, so a test can prove the suite notices it:
- "server_error": bodies the document calls invalid get 500 instead of 400;
- "wrong_error_body": 4xx bodies are `{"detail": ...}` instead of `{"error": {...}}`;
- "non_json": `GET /models` answers text/html;
- "hang_stream": streams send one event and then never finish;
- "slow": `POST /responses` takes 30 s to answer (a timeout for the suite).
The app records every `POST /responses` body in `app.state.bodies`.
"""

from __future__ import annotations

import asyncio
import functools
import json
import time
import uuid
from typing import Any

import jsonschema
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

KEY = "toy-key"


def error(status: int, message: str, param: str | None = None, defect: str | None = None) -> Response:
    if defect == "wrong_error_body" and status < 500:
        return JSONResponse({"detail": message}, status_code=status, headers={"apim-request-id": "toy"})
    body = {"error": {"code": "invalid_request" if status == 400 else str(status), "message": message,
                      "param": param, "type": "invalid_request_error"}}
    return JSONResponse(body, status_code=status, headers={"apim-request-id": str(uuid.uuid4())})


def response_object(model: str) -> dict[str, Any]:
    text = "hello"
    return {
        "id": f"resp_{uuid.uuid4().hex}",
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "model": model,
        "output": [{
            "id": f"msg_{uuid.uuid4().hex}", "type": "message", "role": "assistant", "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
        }],
        "parallel_tool_calls": True,
        "temperature": 1.0,
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "usage": {"input_tokens": 3, "input_tokens_details": {"cached_tokens": 0}, "output_tokens": 1,
                  "output_tokens_details": {"reasoning_tokens": 0}, "total_tokens": 4},
    }


@functools.cache
def create_request_validator() -> jsonschema.Draft202012Validator:
    """The derived document's CreateResponse schema, so the toy can tell valid from invalid bodies."""
    from openapi.spec import load

    registry = Registry().with_resource("urn:doc", Resource.from_contents(load(), default_specification=DRAFT202012))
    return jsonschema.Draft202012Validator({"$ref": "urn:doc#/components/schemas/CreateResponse"}, registry=registry)


def mistyped(body: Any) -> bool:
    return not create_request_validator().is_valid(body)


def create_app(defect: str | None = None, key: str = KEY) -> Starlette:
    bodies: list[Any] = []

    def authorized(request: Request) -> bool:
        bearer = request.headers.get("authorization", "")
        return request.headers.get("api-key") == key or bearer == f"Bearer {key}"

    async def create(request: Request) -> Response:
        if not authorized(request):
            return error(401, "Access denied due to invalid subscription key.", defect=defect)
        try:
            body = json.loads(await request.body())
        except ValueError:
            body = None
        bodies.append(body)
        if defect == "slow":
            await asyncio.sleep(30)
        bad = not isinstance(body, dict) or not isinstance(body.get("model"), str)
        if bad or mistyped(body):
            if defect == "server_error":
                return PlainTextResponse("Internal Server Error", status_code=500)
            return error(400, "body must be a JSON object with a string 'model'", "model", defect)
        result = response_object(body["model"])
        if body.get("stream") is True:
            return StreamingResponse(stream(result), media_type="text/event-stream",
                                     headers={"apim-request-id": "toy"})
        return JSONResponse(result, headers={"apim-request-id": str(uuid.uuid4())})

    async def stream(result: dict[str, Any]):
        events = [("response.created", {**result, "status": "in_progress", "output": [], "usage": None}),
                  ("response.completed", result)]
        for number, (kind, response) in enumerate(events):
            yield f"event: {kind}\ndata: {json.dumps({'type': kind, 'sequence_number': number, 'response': response})}\n\n"
            if defect == "hang_stream":
                await asyncio.sleep(3600)

    async def models(request: Request) -> Response:
        if defect == "non_json":
            return PlainTextResponse("<html>gateway</html>", media_type="text/html")
        if not authorized(request):
            return error(401, "Access denied due to invalid subscription key.", defect=defect)
        data = [{"id": "gpt-4o", "object": "model", "created": 1715367049, "owned_by": "system"}]
        return JSONResponse({"object": "list", "data": data}, headers={"apim-request-id": "toy"})

    async def not_found(request: Request) -> Response:
        return error(404, "Resource not found", defect=defect)

    routes = [
        Route("/openai/v1/responses", create, methods=["POST"]),
        Route("/openai/v1/models", models, methods=["GET"]),
        Route("/{path:path}", not_found, methods=["GET", "POST", "DELETE", "PUT", "PATCH"]),
    ]
    app = Starlette(routes=routes)
    app.state.bodies = bodies
    return app
