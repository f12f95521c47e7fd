"""Admin endpoints under /_emulator/ (same auth as the API; never subject to faults).

- `GET /_emulator/requests`: the recent-request log (method, path, status, auth kind, credential
  fingerprint — never the credential), oldest first; `DELETE` clears it.
- `GET /_emulator/faults`: armed faults; `POST /_emulator/faults` `{"spec": SPEC, "count": N, "path": S}`
  arms one (count default 1; path: substring of the request path, default any); `DELETE` disarms all.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from emulator.errors import invalid
from emulator.json_codec import JSONResponse
from emulator.state import EmulatorState
from emulator.validation import json_body


def _state(request: Request) -> EmulatorState:
    return request.app.state.emulator  # type: ignore[no-any-return]


async def list_requests(request: Request) -> Response:
    return JSONResponse({"object": "list", "data": _state(request).requests.entries()})


async def clear_requests(request: Request) -> Response:
    _state(request).requests.clear()
    return JSONResponse({"object": "list", "data": []})


async def list_faults(request: Request) -> Response:
    return JSONResponse({"object": "list", "data": _state(request).faults.listing()})


async def arm_fault(request: Request) -> Response:
    body = await json_body(request)
    spec, count, path = body.get("spec"), body.get("count", 1), body.get("path")
    if not isinstance(spec, str) or not spec.strip():
        raise invalid("spec", "`spec` is required, e.g. \"status=429;retry_after=1\" (see emulator.faults).")
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise invalid("count", "`count` must be a positive integer: how many matching requests get the fault.")
    if path is not None and not isinstance(path, str):
        raise invalid("path", "`path` must be a string (a substring of the request path), or omitted.")
    try:
        armed = _state(request).faults.arm(spec, count, path)
    except ValueError as exc:
        raise invalid("spec", str(exc)) from None
    return JSONResponse({"spec": armed.spec, "remaining": armed.remaining, "path": armed.path}, status_code=201)


async def clear_faults(request: Request) -> Response:
    _state(request).faults.clear()
    return JSONResponse({"object": "list", "data": []})


def admin_routes() -> list[Route]:
    return [
        Route("/requests", list_requests, methods=["GET"]),
        Route("/requests", clear_requests, methods=["DELETE"]),
        Route("/faults", list_faults, methods=["GET"]),
        Route("/faults", arm_fault, methods=["POST"]),
        Route("/faults", clear_faults, methods=["DELETE"]),
    ]
