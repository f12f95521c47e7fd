"""Fault injection for client tests: errors, throttling, slow starts and broken streams on demand.

Grammar — a SPEC is `;`-separated `key[=value]` terms (whitespace ignored):

    status=CODE          answer with this HTTP status instead (429, 500, 503, any 4xx/5xx) and an
                         Azure-style error body; the request is not processed
    retry_after=SECONDS  with status: send `Retry-After: SECONDS` and `retry-after-ms`
                         (omit it to imitate Azure's 429s that carry no Retry-After)
    code=CODE            with status or fail_after: the error `code` (default: per status / `server_error`)
    slow_first_byte=S    wait S seconds (float) before the response starts
    cut_after=N          SSE only: drop the connection after N events, without a terminal event; the
                         response keeps running and stays stored, so GET ...?stream=true&starting_after
                         can resume it
    malformed_sse        SSE only: send one malformed line (`data:` that is not JSON) before the events
    fail_after=N         the response fails after N events: an `error` event, then `response.failed`
                         (a JSON request gets the failed response's error with status 500)
    content_filter       the prompt is refused by the content filter: 400 with `code: content_filter`,
                         `param: prompt` and Azure's content management message (shorthand for
                         `status=400;code=content_filter`; AZURE-DIALECT.md marks the shape as reported)

Examples: `status=429;retry_after=2`, `status=503`, `cut_after=5`, `slow_first_byte=1.5`,
`malformed_sse`, `fail_after=3;code=rate_limit_exceeded`, `content_filter`.

Where faults come from, first match wins:
1. the request header `x-emulator-fault: SPEC` (that request only);
2. armed faults: `POST /_emulator/faults {"spec": SPEC, "count": N, "path": "/responses"}` applies to the
   next N requests whose path contains `path` (default: any API request), so an SDK retry then succeeds;
   `DELETE /_emulator/faults` disarms all, `GET /_emulator/faults` lists them;
3. the start-up fault (`--fault SPEC` / `EmulatorConfig.fault`), applied to every API request.
Admin requests (`/_emulator/...`) never get faults.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

from emulator.errors import EmulatorError
from emulator.json_codec import JSONResponse

_STATUS_MESSAGES = {
    429: "Requests to the Responses API have exceeded the token rate limit of your current pricing tier. "
    "Please retry after {after} seconds.",
    500: "The server had an error processing your request. Sorry about that! You can retry your request.",
    502: "Bad gateway.",
    503: "The service is temporarily unable to process your request. Please try again later.",
    504: "The server did not respond in time. Please try again later.",
}

CONTENT_FILTER_MESSAGE = (
    "The response was filtered due to the prompt triggering Azure OpenAI's content management policy. Please "
    "modify your prompt and retry. To learn more about our content filtering policies please read our "
    "documentation: https://go.microsoft.com/fwlink/?linkid=2198766"
)


@dataclass(frozen=True)
class Fault:
    status: int | None = None
    retry_after: float | None = None
    code: str | None = None
    slow_first_byte: float = 0.0
    cut_after: int | None = None
    malformed_sse: bool = False
    fail_after: int | None = None

    def error_response(self) -> JSONResponse:
        assert self.status is not None
        after = self.retry_after if self.retry_after is not None else 1
        message = _STATUS_MESSAGES.get(self.status, "Injected fault.").format(after=f"{after:g}")
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            headers["Retry-After"] = f"{self.retry_after:g}"
            headers["retry-after-ms"] = str(int(self.retry_after * 1000))
        code = self.code or ("429" if self.status == 429 else "server_error" if self.status >= 500 else str(self.status))
        param = None
        if code == "content_filter":
            message, param = CONTENT_FILTER_MESSAGE, "prompt"
        # the OpenAI-style body, which the spec's 429 needs
        error = EmulatorError(self.status, message, code=code, param=param)
        return JSONResponse(error.body(), status_code=self.status, headers=headers)


def parse_fault(spec: str) -> Fault:
    """A Fault from SPEC; ValueError naming the bad term and the grammar."""
    values: dict[str, Any] = {}
    for raw in spec.split(";"):
        term = raw.strip()
        if not term:
            continue
        key, sep, value = (s.strip() for s in term.partition("="))
        try:
            if key == "malformed_sse" and not sep:
                values["malformed_sse"] = True
            elif key == "content_filter" and not sep:
                values.setdefault("status", 400)
                values["code"] = "content_filter"
            elif key in ("status", "cut_after", "fail_after") and sep:
                values[key] = int(value)
            elif key in ("retry_after", "slow_first_byte") and sep:
                values[key] = float(value)
            elif key == "code" and sep and value:
                values["code"] = value
            else:
                raise ValueError
        except ValueError:
            raise ValueError(
                f"bad fault term {term!r}; expected status=CODE, retry_after=S, code=CODE, slow_first_byte=S, "
                "cut_after=N, malformed_sse, fail_after=N or content_filter, separated by ';'"
            ) from None
    fault = Fault(**values)
    if fault.status is not None and not 400 <= fault.status <= 599:
        raise ValueError(f"fault status must be an HTTP error status (400-599), got {fault.status}")
    if any(v is not None and v < 0 for v in (fault.cut_after, fault.fail_after, fault.retry_after)) or fault.slow_first_byte < 0:
        raise ValueError("fault numbers must not be negative")
    return fault


@dataclass
class ArmedFault:
    spec: str
    fault: Fault
    remaining: int
    path: str | None


class FaultBoard:
    def __init__(self, startup_spec: str | None) -> None:
        self.startup = parse_fault(startup_spec) if startup_spec else None
        self._armed: list[ArmedFault] = []
        self._lock = threading.Lock()

    def arm(self, spec: str, count: int, path: str | None) -> ArmedFault:
        armed = ArmedFault(spec, parse_fault(spec), count, path)
        with self._lock:
            self._armed.append(armed)
        return armed

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()

    def listing(self) -> list[dict[str, Any]]:
        with self._lock:
            return [{"spec": a.spec, "remaining": a.remaining, "path": a.path, "fault": asdict(a.fault)}
                    for a in self._armed]

    def select(self, path: str, header: str | None) -> Fault | None:
        """The fault for one API request (consumes one use of an armed fault). ValueError: bad header."""
        if header:
            return parse_fault(header)
        with self._lock:
            for armed in self._armed:
                if armed.path is None or armed.path in path:
                    armed.remaining -= 1
                    if armed.remaining <= 0:
                        self._armed.remove(armed)
                    return armed.fault
        return self.startup
