"""Error answers: unknown deployment and id → 404, invalid bodies → 4xx naming the field, Retry-After on 429."""

from __future__ import annotations

from typing import Any

from contracts.results import NotApplicable
from contracts.scenarios.calls import body, post_response
from contracts.scenarios.expect import error_body, fail
from contracts.scenarios.registry import ScenarioContext, scenario

ERRORS_RULE = "Azure error body {error: {code, message, param, type}} (AZURE-DIALECT.md §Errors)"


@scenario(
    "errors.unknown-deployment",
    "unknown deployment → 404",
    f"2026-05 §'Probleemoplossing': 404 — check that model matches your deployment name; {ERRORS_RULE}",
)
def unknown_deployment(ctx: ScenarioContext) -> str:
    payload = {**body(ctx, input="This is a test."), "model": "contracts-no-such-deployment"}
    statuses = (404,) if ctx.target.profile == "azure-v1" else (400, 404)
    resp = post_response(ctx, payload)
    error_body(resp, "unknown deployment", status=statuses)
    return f"HTTP {resp.status}"


@scenario("errors.unknown-response", "unknown response id → 404 with the error body",
          f"2026-05 §'Een antwoord ophalen'; {ERRORS_RULE}")
def unknown_response(ctx: ScenarioContext) -> str:
    resp = ctx.session.get("responses/resp_contractsunknown00000000000000000")
    error_body(resp, "retrieve of an unknown id", status=404)
    return "404"


def _invalid_cases(ctx: ScenarioContext) -> list[tuple[str, dict[str, Any] | str, str | None]]:
    """(label, body or raw text, the field the error must name)."""
    cases: list[tuple[str, dict[str, Any] | str, str | None]] = [
        ("input of the wrong type", body(ctx, input=42), "input"),
        ("no model", {"input": "This is a test.", "max_output_tokens": 16}, "model"),
        ("malformed JSON", '{"model": "x", "input": ', None),
    ]
    if ctx.target.profile == "azure-v1":
        # Azure's documented minimum (AZURE-DIALECT.md: integer_below_min_value).
        cases.append(("max_output_tokens below 16", body(ctx, input="This is a test.", tokens=15), "max_output_tokens"))
    return cases


@scenario("errors.invalid-body", "invalid bodies → 400 naming the field, never 2xx or 5xx",
          f"team rule + {ERRORS_RULE}: validation errors are 400 with param naming the field")
def invalid_body(ctx: ScenarioContext) -> str:
    for label, payload, field in _invalid_cases(ctx):
        if isinstance(payload, str):
            resp = ctx.session.request("POST", "responses", raw_body=payload)
        else:
            resp = post_response(ctx, payload)
        if 200 <= resp.status < 300:
            raise fail(f"{label}: accepted with HTTP {resp.status}", resp)
        if resp.status >= 500:
            raise fail(f"{label}: server error HTTP {resp.status} for a client mistake", resp)
        error_body(resp, label, status=(400, 422), names=field)
    return f"{len(_invalid_cases(ctx))} invalid bodies refused with the documented error"


@scenario("errors.retry-after", "429 carries Retry-After when sent",
          "2026-05 §'Streamen' (429 errors) + AZURE-DIALECT.md §Errors: 429 'Please retry after N seconds'")
def retry_after(ctx: ScenarioContext) -> str:
    if not ctx.is_emulator:
        raise NotApplicable("a 429 can only be provoked on the emulator (x-emulator-fault)")
    resp = post_response(ctx, body(ctx, input="This is a test."), headers={"x-emulator-fault": "status=429;retry_after=1"})
    error_body(resp, "throttled request", status=429)
    value = resp.header("retry-after")
    if value is None or not value.strip().isdigit():
        raise fail(f"a 429 announced as carrying Retry-After has Retry-After={value!r}", resp)
    return f"429 with Retry-After: {value}"
