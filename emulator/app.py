"""The emulator's Starlette application (placeholder until the emulator issue lands)."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from emulator.config import EmulatorConfig


def create_app(config: EmulatorConfig) -> Starlette:
    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    app = Starlette(routes=[Route("/healthz", health)])
    app.state.config = config
    return app
