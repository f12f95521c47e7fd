"""The emulator's Starlette application: the Responses surface under /openai/v1 (Azure) and /v1 (OpenAI).

Routes (each under both prefixes): POST /responses, POST /responses/compact, GET|DELETE
/responses/{id}, POST /responses/{id}/cancel, GET /responses/{id}/input_items, GET /models, and the
files routes (emulator.files_api). Admin: /_emulator/requests, /_emulator/faults (emulator.admin_api).
Unauthenticated: GET /healthz. Anything else: 404 `{"error": {"code": "404", "message": "Resource not found"}}`.
"""

from __future__ import annotations

import contextlib
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route

from emulator.admin_api import admin_routes
from emulator.config import EmulatorConfig
from emulator.errors import RESOURCE_NOT_FOUND, EmulatorError
from emulator.files_api import file_routes
from emulator.json_codec import JSONResponse
from emulator.middleware import EmulatorMiddleware
from emulator.responses_api import create_response, response_routes
from emulator.state import EmulatorState


async def _emulator_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, EmulatorError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return JSONResponse({"error": {"code": "405", "message": f"Method {request.method} is not allowed on "
                                       f"{request.url.path}."}}, status_code=405)
    if exc.status_code == 404:
        return JSONResponse(RESOURCE_NOT_FOUND, status_code=404)
    return JSONResponse({"error": {"code": str(exc.status_code), "message": str(exc.detail)}},
                        status_code=exc.status_code)


async def _health(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


def create_app(config: EmulatorConfig) -> Starlette:
    state = EmulatorState.from_config(config)
    api = [*response_routes(), *file_routes(state.files, config)]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await state.jobs.shutdown()
            state.close()

    prefixes = ("/openai/v1", "/v1")
    app = Starlette(
        routes=[
            Route("/healthz", _health),
            # The hottest request, POST /responses, is matched here first so that it skips a mount and its
            # second router (a quarter of the routing cost); other methods on that path fall through to the
            # mounts, which answer them as before (405).
            *[Route(f"{prefix}/responses", create_response, methods=["POST"]) for prefix in prefixes],
            *[Mount(prefix, routes=api) for prefix in prefixes],
            Mount("/_emulator", routes=admin_routes()),
        ],
        exception_handlers={EmulatorError: _emulator_error, HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.emulator = state
    app.state.config = config
    app.add_middleware(EmulatorMiddleware, state=state)
    return app
