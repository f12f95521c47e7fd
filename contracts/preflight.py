"""Preflight: before any layer runs, is the base URL a Responses API that takes the given credential?

Without it a wrong key or a base URL missing `/openai/v1` runs the whole suite into dozens of failures (and a
schema layer that "passes" on 401/404 answers). Both are usage errors (exit code 2) with a hint, as is an
endpoint that cannot be reached at all. The scenarios that send bad credentials on purpose are checks, not
preflight: they run later, with their own requests.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from contracts.http_session import ApiResponse, HttpSession, TargetError
from contracts.target import Target

PROBE_TIMEOUT_S = 10.0
CREDENTIAL_REFUSED = (401, 403)
NOT_THERE = (404, 405)
MESSAGE_CHARS = 300


@dataclass(frozen=True)
class PreflightProblem:
    id: str  # `target.reachable`, `target.credential` or `target.base-url`
    title: str
    message: str  # secrets already masked


def _error_message(resp: ApiResponse) -> str:
    """The endpoint's own words: `error.message`, Azure's 401 `message`, or the start of the body."""
    body: Any = resp.body
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return error["message"][:MESSAGE_CHARS]
        if isinstance(body.get("message"), str):
            return body["message"][:MESSAGE_CHARS]
    return resp.text.strip()[:MESSAGE_CHARS] or "(empty body)"


def suggested_base_url(target: Target) -> str | None:
    """The base URL with the dialect's API suffix (`/openai/v1` for Azure, `/v1` otherwise), if it lacks it."""
    split = urlsplit(target.base_url)
    path = split.path.rstrip("/")
    suffix = "/openai/v1" if target.profile == "azure-v1" else "/v1"
    if path.endswith(suffix):
        return None
    if suffix == "/openai/v1" and path.endswith("/openai"):
        path += "/v1"
    else:
        path += suffix
    return urlunsplit((split.scheme, split.netloc, path, split.query, ""))


def _credential_problem(target: Target, resp: ApiResponse) -> PreflightProblem:
    said = f"HTTP {resp.status}: {_error_message(resp)}"
    if target.auth == "none" or not target.credential:
        message = f"the endpoint wants a credential and none was given ({said}); use --api-key-env/--bearer-env/--entra"
    else:
        message = f"the endpoint rejected the credential ({said}); check --api-key-env/--bearer-env/--entra"
    return PreflightProblem("target.credential", "the endpoint accepts the credential", target.mask_secrets(message))


def check(target: Target) -> PreflightProblem | None:
    """None when the endpoint answers and looks usable; otherwise what is wrong, with the fix.

    GET /models first (cheap, and layer 3 needs it); a 401/403/404 there is confirmed with POST /responses and
    an empty body, which any Responses API refuses for free (400) once past auth, because some endpoints serve
    Responses without /models (Open Responses servers) or forbid listing models to a restricted key.
    """
    probe_target = dataclasses.replace(target, timeout_s=min(target.timeout_s, PROBE_TIMEOUT_S))
    with HttpSession(probe_target) as http:
        try:
            models = http.get("models")
            if models.status not in CREDENTIAL_REFUSED + NOT_THERE:
                return None
            create = http.post("responses", {})
        except TargetError as exc:
            return PreflightProblem(
                "target.reachable", "the endpoint answers HTTP", target.mask_secrets(f"cannot reach the endpoint: {exc}")
            )
        if create.status in CREDENTIAL_REFUSED:
            return _credential_problem(target, create)
        if create.status in NOT_THERE and models.status in NOT_THERE:
            message = (
                f"no Responses API at {http.base} (GET {http.url('models')} answered HTTP {models.status}, "
                f"POST {http.url('responses')} HTTP {create.status})"
            )
            suggestion = suggested_base_url(target)
            if suggestion:
                message += f"; did you mean {suggestion}?"
            return PreflightProblem("target.base-url", "the base URL serves the Responses API", target.mask_secrets(message))
        if models.status in CREDENTIAL_REFUSED and create.status in NOT_THERE:
            return _credential_problem(target, models)
    return None
