"""A mutating proxy: forwards every request to an upstream endpoint with httpx, letting the active `Mutant`
rewrite the request, the JSON response, or the list of SSE events (read whole, transformed, re-sent; test
streams are short). The mutants themselves are in tests/contracts/mutants.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from contracts.http_session import parse_sse_lines

HOP_BY_HOP = {"host", "content-length", "transfer-encoding", "connection", "accept-encoding"}
DROP_FROM_RESPONSE = {"content-length", "content-encoding", "transfer-encoding", "connection"}
EMULATOR_KEY = "emulator-key"


@dataclass
class Exchange:
    """One proxied request and (after forwarding) its response; hooks mutate it in place."""

    method: str
    path: str  # without the /openai/v1 prefix, e.g. "/responses/resp_1/cancel"
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    state: dict[str, Any]  # survives across requests of one run (e.g. ids seen)
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    json: Any = None  # parsed JSON response (mutable)

    @property
    def request_json(self) -> Any:
        try:
            return json.loads(self.body) if self.body else None
        except ValueError:
            return None

    def set_request_json(self, value: Any) -> None:
        self.body = json.dumps(value).encode()


Frames = list[dict[str, Any]]  # [{"event": name | None, "data": {...}}]


@dataclass(frozen=True)
class Mutant:
    name: str
    rule: str  # the documented rule it breaks
    expect: str  # the check id that must fail
    select: tuple[str, ...]  # scenario ids/patterns to run ("catalog" for the catalog layer)
    request: Callable[[Exchange], None] | None = None
    response: Callable[[Exchange], None] | None = None  # JSON responses
    events: Callable[[Exchange, Frames], Frames] | None = None  # SSE responses


class MutatingProxy:
    def __init__(self, upstream_root: str) -> None:
        self.upstream_root = upstream_root.rstrip("/")
        self.mutant: Mutant | None = None
        self.state: dict[str, Any] = {}
        self.client = httpx.AsyncClient(timeout=60)
        self.app = Starlette(routes=[Route("/{path:path}", self.handle, methods=["GET", "POST", "DELETE", "PUT", "PATCH"])])

    def switch(self, mutant: Mutant | None) -> None:
        self.mutant, self.state = mutant, {}

    async def handle(self, request: Request) -> Response:
        full_path = request.url.path
        api_path = full_path.split("/openai/v1", 1)[-1] if "/openai/v1" in full_path else full_path
        ex = Exchange(
            method=request.method, path=api_path, query=dict(request.query_params),
            headers={k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP},
            body=await request.body(), state=self.state,
        )
        mutant = self.mutant
        if mutant and mutant.request:
            mutant.request(ex)
        upstream = await self.client.send(
            self.client.build_request(
                ex.method, f"{self.upstream_root}{full_path}", params=ex.query, headers=ex.headers, content=ex.body
            ),
            stream=True,
        )
        raw = await upstream.aread()
        await upstream.aclose()
        ex.status = upstream.status_code
        ex.response_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in DROP_FROM_RESPONSE}
        content_type = upstream.headers.get("content-type", "")
        if "text/event-stream" in content_type:
            frames, _ = parse_sse_lines(raw.decode("utf-8", "replace").split("\n"))
            parsed: Frames = []
            passthrough: list[bytes] = []
            for name, data in frames:
                try:
                    parsed.append({"event": name, "data": json.loads(data)})
                except ValueError:
                    passthrough.append(f"data: {data}\n\n".encode())
            if mutant and mutant.events:
                parsed = mutant.events(ex, parsed)
            out = b"".join(passthrough) + b"".join(_frame(f) for f in parsed)
            return Response(out, status_code=ex.status, headers=ex.response_headers)
        try:
            ex.json = json.loads(raw) if raw.strip() else None
        except ValueError:
            ex.json = None
        if ex.json is None or not (mutant and mutant.response):
            return Response(raw, status_code=ex.status, headers=ex.response_headers)
        mutant.response(ex)
        return Response(json.dumps(ex.json).encode(), status_code=ex.status, headers=ex.response_headers)


def _frame(frame: dict[str, Any]) -> bytes:
    head = f"event: {frame['event']}\n" if frame.get("event") else ""
    return f"{head}data: {json.dumps(frame['data'])}\n\n".encode()


# -- helpers the mutants share ------------------------------------------------------------------------------
def is_response_object(ex: Exchange) -> bool:
    return isinstance(ex.json, dict) and ex.json.get("object") == "response"


def on_responses(fn: Callable[[dict[str, Any], Exchange], None]) -> Callable[[Exchange], None]:
    """Apply `fn` to every response object the proxy returns (create, retrieve, cancel)."""

    def hook(ex: Exchange) -> None:
        if is_response_object(ex):
            fn(ex.json, ex)

    return hook


def renumber(frames: Frames, start: int = 0) -> Frames:
    for i, f in enumerate(frames):
        f["data"]["sequence_number"] = start + i
    return frames


def create_body(ex: Exchange) -> dict[str, Any] | None:
    body = ex.request_json
    if ex.method == "POST" and ex.path.rstrip("/") == "/responses" and isinstance(body, dict):
        return body
    return None
