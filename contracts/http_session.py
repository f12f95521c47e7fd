"""A small raw-HTTP client for the endpoint under test.

Raw httpx rather than the `openai` SDK on purpose: the SDK parses, retries and fills defaults, which would
hide exactly the defects the suite looks for. Every call returns what was on the wire (status, headers,
body text, parsed JSON when it parses) and keeps a masked excerpt of the request and response for reports.
Transport failures (connection refused, timeouts) raise `TargetError`; they are reported, never fatal.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from contracts.target import Target

EXCERPT_CHARS = 1200


class TargetError(Exception):
    """The endpoint could not be reached or did not answer in time (connection error, timeout, hung stream)."""


@dataclass
class ApiResponse:
    status: int
    headers: httpx.Headers
    text: str
    body: Any  # parsed JSON, or None when the body is not JSON
    request_excerpt: str
    response_excerpt: str

    @property
    def is_json(self) -> bool:
        return self.body is not None

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@dataclass(frozen=True)
class SSEEvent:
    event: str | None  # the SSE `event:` field, None when the frame had none
    data: dict[str, Any]  # the parsed `data:` JSON

    @property
    def type(self) -> str | None:
        value = self.data.get("type")
        return value if isinstance(value, str) else None

    @property
    def sequence_number(self) -> Any:
        return self.data.get("sequence_number")


@dataclass
class SSEResult:
    status: int
    headers: httpx.Headers
    events: list[SSEEvent] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)  # frames whose data was not a JSON object
    done_marker: bool = False  # a `data: [DONE]` frame was seen (OpenAI legacy; tolerated)
    timed_out: bool = False  # the stream stalled or exceeded its deadline
    cut: bool = False  # the connection dropped before the stream ended
    stopped_early: bool = False  # the caller asked to stop after N events
    error_body: Any = None  # JSON body when the server answered with a non-SSE error
    request_excerpt: str = ""
    response_excerpt: str = ""

    @property
    def types(self) -> list[str | None]:
        return [e.type for e in self.events]


def parse_sse_lines(lines: list[str]) -> tuple[list[tuple[str | None, str]], list[str]]:
    """Group SSE lines into (event name, data) frames; comments and unknown fields are ignored (the SSE spec)."""
    frames: list[tuple[str | None, str]] = []
    event: str | None = None
    data: list[str] = []
    odd: list[str] = []
    for raw in lines + [""]:
        line = raw.rstrip("\r")
        if line == "":
            if data:
                frames.append((event, "\n".join(data)))
            event, data = None, []
            continue
        if line.startswith(":"):
            continue
        name, sep, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "event":
            event = value
        elif name == "data":
            data.append(value)
        elif name not in ("id", "retry"):
            odd.append(line[:200])
    return frames, odd


def decode_frame(name: str | None, data: str, result: SSEResult) -> None:
    if data.strip() == "[DONE]":
        result.done_marker = True
        return
    try:
        parsed = json.loads(data)
    except ValueError:
        result.malformed.append(f"event {name!r}: data is not JSON: {data[:200]!r}")
        return
    if not isinstance(parsed, dict):
        result.malformed.append(f"event {name!r}: data is not a JSON object: {data[:200]!r}")
        return
    result.events.append(SSEEvent(event=name, data=parsed))


class HttpSession:
    """One connection pool per run. `path` arguments are relative to the target's base URL."""

    def __init__(self, target: Target, *, api_version: str | None = None) -> None:
        self.target = target
        split = urlsplit(target.base_url)
        self.base = f"{split.scheme}://{split.netloc}{split.path.rstrip('/')}"
        self.origin = f"{split.scheme}://{split.netloc}"
        query = dict(parse_qsl(split.query))
        # Azure v1 takes an optional api-version (v1 | preview); a value in the base URL wins.
        if api_version is None and "api-version" not in query and target.profile == "azure-v1":
            api_version = "v1"
        if api_version:
            query["api-version"] = api_version
        self.default_params = query
        timeout = httpx.Timeout(target.timeout_s, connect=min(10.0, target.timeout_s))
        self.client = httpx.Client(timeout=timeout, follow_redirects=False)
        self.last_request = ""
        self.last_response = ""

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> "HttpSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base}/{path.lstrip('/')}"

    def _headers(self, headers: dict[str, str] | None, auth: bool | dict[str, str]) -> dict[str, str]:
        merged: dict[str, str] = {}
        if auth is True:
            merged.update(self.target.auth_headers())
        elif isinstance(auth, dict):
            merged.update(auth)
        merged.update(headers or {})
        return merged

    def _describe_request(self, method: str, url: str, headers: dict[str, str], payload: Any) -> str:
        shown = {k: v for k, v in headers.items() if k.lower() not in ("api-key", "authorization")}
        auth = [k for k in headers if k.lower() in ("api-key", "authorization")]
        text = f"{method} {url}"
        if auth:
            text += f"\nauth headers: {', '.join(auth)} (values masked)"
        if shown:
            text += f"\nheaders: {shown}"
        if payload is not None:
            body = payload if isinstance(payload, str) else json.dumps(payload, default=str)
            text += f"\nbody: {body}"
        return self.target.mask_secrets(text)[:EXCERPT_CHARS]

    def _describe_response(self, status: int, headers: httpx.Headers, text: str) -> str:
        picked = {k: v for k, v in headers.items() if k.lower().startswith(("x-ms-", "retry-after", "content-type"))}
        return self.target.mask_secrets(f"HTTP {status} {picked}\n{text}")[:EXCERPT_CHARS]

    def _params(self, params: dict[str, Any] | None) -> dict[str, Any]:
        merged: dict[str, Any] = dict(self.default_params)
        for key, value in (params or {}).items():
            if value is not None:
                merged[key] = str(value).lower() if isinstance(value, bool) else value
        return merged

    # -- JSON calls -------------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        raw_body: str | None = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        auth: bool | dict[str, str] = True,
        files: dict[str, Any] | None = None,
        data: dict[str, str] | None = None,
    ) -> ApiResponse:
        url = self.url(path)
        sent_headers = self._headers(headers, auth)
        if raw_body is not None:
            sent_headers.setdefault("content-type", "application/json")
        shown = raw_body if raw_body is not None else json_body if json_body is not None else data
        request_excerpt = self._describe_request(method, url, sent_headers, shown)
        self.last_request, self.last_response = request_excerpt, ""
        try:
            resp = self.client.request(
                method, url, json=json_body, content=raw_body, params=self._params(params),
                headers=sent_headers, files=files, data=data,
            )
        except httpx.TimeoutException as exc:
            raise TargetError(f"{method} {url}: no answer within {self.target.timeout_s:g}s ({type(exc).__name__})") from exc
        except httpx.TransportError as exc:
            raise TargetError(f"{method} {url}: {type(exc).__name__}: {exc}") from exc
        text = resp.text
        try:
            body = resp.json() if text.strip() else None
        except ValueError:
            body = None
        response_excerpt = self._describe_response(resp.status_code, resp.headers, text)
        self.last_response = response_excerpt
        return ApiResponse(resp.status_code, resp.headers, text, body, request_excerpt, response_excerpt)

    def post(self, path: str, body: Any, **kwargs: Any) -> ApiResponse:
        return self.request("POST", path, json_body=body, **kwargs)

    def get(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("GET", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> ApiResponse:
        return self.request("DELETE", path, **kwargs)

    # -- SSE --------------------------------------------------------------------------------------------
    def stream(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        stop_after: int | None = None,
        deadline_s: float | None = None,
    ) -> SSEResult:
        """Read an SSE stream to its end (or `stop_after` events), bounded by the read timeout and a deadline.

        A stalled stream (no bytes for `timeout_s`) or one that outlives `deadline_s` (default 3x the
        timeout) comes back with `timed_out=True` and the events seen so far.
        """
        url = self.url(path)
        sent_headers = self._headers({"accept": "text/event-stream", **(headers or {})}, True)
        request_excerpt = self._describe_request(method, url, sent_headers, json_body)
        self.last_request, self.last_response = request_excerpt, ""
        deadline = time.monotonic() + (deadline_s or 3 * self.target.timeout_s)
        result = SSEResult(status=0, headers=httpx.Headers(), request_excerpt=request_excerpt)
        lines: list[str] = []
        try:
            with self.client.stream(
                method, url, json=json_body, params=self._params(params), headers=sent_headers
            ) as resp:
                result.status, result.headers = resp.status_code, resp.headers
                content_type = resp.headers.get("content-type", "")
                if resp.status_code >= 400 or "text/event-stream" not in content_type:
                    text = resp.read().decode("utf-8", "replace")
                    try:
                        result.error_body = json.loads(text) if text.strip() else None
                    except ValueError:
                        result.error_body = None
                    result.response_excerpt = self._describe_response(resp.status_code, resp.headers, text)
                    self.last_response = result.response_excerpt
                    return result
                for line in resp.iter_lines():
                    lines.append(line)
                    if line == "":
                        frames, _ = parse_sse_lines(lines)
                        lines.clear()
                        for name, data in frames:
                            decode_frame(name, data, result)
                        if stop_after is not None and len(result.events) >= stop_after:
                            result.stopped_early = True
                            break
                    if time.monotonic() > deadline:
                        result.timed_out = True
                        break
        except httpx.TimeoutException:
            result.timed_out = True
        except (httpx.RemoteProtocolError, httpx.ReadError):
            result.cut = True
        except httpx.TransportError as exc:
            if result.status == 0:
                raise TargetError(f"{method} {url}: {type(exc).__name__}: {exc}") from exc
            result.cut = True
        frames, _ = parse_sse_lines(lines)
        for name, data in frames:
            decode_frame(name, data, result)
        summary = "\n".join(f"{e.event or '-'}: {json.dumps(e.data, default=str)[:160]}" for e in result.events[:12])
        more = f"\n… {len(result.events) - 12} more events" if len(result.events) > 12 else ""
        flags = [n for n in ("timed_out", "cut", "stopped_early") if getattr(result, n)]
        result.response_excerpt = self.target.mask_secrets(
            f"HTTP {result.status} SSE, {len(result.events)} events{' ' + str(flags) if flags else ''}"
            f"{'; malformed: ' + str(result.malformed[:3]) if result.malformed else ''}\n{summary}{more}"
        )[:EXCERPT_CHARS * 2]
        self.last_response = result.response_excerpt
        return result
