"""The ASGI layer in front of every route: request ids and Azure headers, auth, faults, the request log.

Order for an API request (`/openai/v1/...`, `/v1/...`) or an admin request (`/_emulator/...`):
1. give it a request id; every response gets `apim-request-id`, `x-request-id`, `x-ms-region` (and
   `x-ms-client-request-id` echoed when sent); API answers also get fixed `x-ratelimit-remaining-*`;
2. `api-version` on `/openai/v1/` must be `v1` or `preview` when present (400 otherwise);
3. authenticate (emulator.auth) — 401 with Azure's bodies;
4. API requests only: pick the fault (emulator.faults); a `status` fault answers at once, `slow_first_byte`
   waits, stream faults travel in `scope["state"]["fault"]` to the SSE writer;
5. log method, path, status, auth kind and credential fingerprint (when the response starts).
Other paths skip 2-4 (they are 404 unless `/healthz`).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from emulator.auth import AuthFailure, Caller, authenticate
from emulator.errors import RESOURCE_NOT_FOUND
from emulator.json_codec import JSONResponse
from emulator.state import EmulatorState

API_PREFIXES = ("/openai/v1/", "/v1/")
ADMIN_PREFIX = "/_emulator/"
API_VERSIONS = ("v1", "preview")
RATE_LIMIT_HEADERS = [(b"x-ratelimit-remaining-requests", b"999"), (b"x-ratelimit-remaining-tokens", b"999999")]
_VARIANT = "89ab"
KNOWN_CALLERS = 64  # accepted key credentials remembered (see `_caller`)


def request_id() -> str:
    """A random (version 4) UUID string, as `str(uuid.uuid4())` gives, without building a UUID object (a
    fifth of the cost; every request pays it)."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


class EmulatorMiddleware:
    def __init__(self, app: ASGIApp, state: EmulatorState) -> None:
        self.app = app
        self.state = state
        self._region = state.config.region.encode()
        # (api-key, authorization) -> the caller an accepted key credential was: a key check is a pure function
        # of the header values and the config, but authenticating hashes the credential for its fingerprint.
        self._callers: dict[tuple[tuple[str, ...], bytes | None, bytes | None], Caller] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # name -> first value, as starlette's Headers.get reads them (ASGI header names are lower-case bytes);
        # one dict for the four headers read here is cheaper than four scans of the list
        request_headers: dict[bytes, bytes] = dict(reversed(scope["headers"]))
        rid = request_id()
        encoded = rid.encode()
        extra = [(b"apim-request-id", encoded), (b"x-request-id", encoded), (b"x-ms-region", self._region)]
        client_request_id = request_headers.get(b"x-ms-client-request-id")
        if client_request_id:
            extra.append((b"x-ms-client-request-id", client_request_id))
        entry: dict[str, Any] = {"request_id": rid, "method": scope["method"], "path": scope["path"]}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
                entry["status"] = message["status"]
                if "auth" in entry:  # logged before the body goes out, so a client that reads the log next sees it
                    self.state.requests.add(entry)
            await send(message)

        path: str = scope["path"]
        is_api = path.startswith(API_PREFIXES) or path.rstrip("/") in ("/openai/v1", "/v1")
        is_admin = path.startswith(ADMIN_PREFIX)
        if is_api:  # Azure sends these on every API answer; the emulator never throttles by itself
            extra += RATE_LIMIT_HEADERS
        if not (is_api or is_admin):
            await self.app(scope, receive, send_with_headers)
            return

        entry["auth"] = None
        early = self._early_response(scope, request_headers, entry)
        fault = scope.get("state", {}).get("fault")
        if fault is not None and fault.slow_first_byte:
            await asyncio.sleep(fault.slow_first_byte)
        try:
            await (early or self.app)(scope, receive, send_with_headers)
        finally:
            if "status" not in entry:  # the app failed before answering
                self.state.requests.add(entry)

    def _caller(self, scope: Scope, headers: dict[bytes, bytes]) -> Caller:
        """emulator.auth.authenticate, remembering accepted keys (never Entra tokens: they expire)."""
        # The accepted keys are part of the cache key: a key removed from the config is checked again.
        credentials = (self.state.config.api_keys, headers.get(b"api-key"), headers.get(b"authorization"))
        caller = self._callers.get(credentials)
        if caller is None:
            caller = authenticate(Headers(scope=scope), self.state.config)
            if caller.kind != "entra" and len(self._callers) < KNOWN_CALLERS:
                self._callers[credentials] = caller
        return caller

    def _early_response(self, scope: Scope, headers: dict[bytes, bytes], entry: dict[str, Any]) -> JSONResponse | None:
        path: str = scope["path"]
        if path.startswith("/openai/"):
            version = QueryParams(scope.get("query_string", b"").decode("latin-1")).get("api-version")
            if version is not None and version not in API_VERSIONS:
                return JSONResponse({"error": {"code": "BadRequest", "message": f"API version not supported: "
                                     f"'{version}'. On /openai/v1/ use api-version=v1 or preview, or omit it."}},
                                    status_code=400)
        try:
            caller = self._caller(scope, headers)
        except AuthFailure as failure:
            entry.update(auth=failure.attempted.kind, fingerprint=failure.attempted.fingerprint)
            return failure.response
        entry.update(auth=caller.kind, fingerprint=caller.fingerprint)
        if path.startswith(ADMIN_PREFIX):
            return None
        if b"%2f" in (scope.get("raw_path") or b"").lower():
            # Routing sees the decoded path, where `resp_1%2Finput_items` would reach another operation; an
            # encoded slash belongs to an id, and no id has one. Answered as the app's unknown paths are.
            return JSONResponse(RESOURCE_NOT_FOUND, status_code=404)
        spec = headers.get(b"x-emulator-fault")
        try:
            fault = self.state.faults.select(path, None if spec is None else spec.decode("latin-1"))
        except ValueError as exc:
            return JSONResponse({"error": {"code": "invalid_value", "param": "x-emulator-fault",
                                           "message": f"Bad x-emulator-fault header: {exc}"}}, status_code=400)
        if fault is None:
            return None
        entry["fault"] = True
        scope.setdefault("state", {})["fault"] = fault
        return fault.error_response() if fault.status is not None else None
