"""Layer 1: schema-driven checks with schemathesis, from the derived OpenAPI document.

The run goes through schemathesis' own engine (`schemathesis.engine.from_schema(schema).execute()`, the same one
`schemathesis run` drives), configured with the same keys a `schemathesis.toml` takes (`schemathesis_config`), so
a raw CLI run of the same document and settings is directly comparable (see benchmarks/bench_contracts.py).
Each (operation, check) pair becomes one `CheckResult` (see `contracts.schema_results`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from schemathesis.engine import StopReason, events, from_schema

from contracts import cost_control, schema_checks
from contracts.profiles import builtin_document, document_for, response_properties, rules_for
from contracts.results import CheckResult
from contracts.schema_findings import FindingNamer, failure_message
from contracts.schema_results import Collector
from contracts.target import Target

BUILTIN_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "positive_data_acceptance",
    "use_after_free",
    "ensure_resource_availability",
    "ignored_auth",
)
DISABLED_BUILTIN_CHECKS = (
    # The document declares no required request headers, no `Allow` headers and no per-object ownership, and
    # Azure answers 404 (not 405) to undocumented methods: these would report the document's silence, not the
    # endpoint. Response time is a benchmark's business, not a contract's.
    "missing_required_header",
    "unsupported_method",
    "allow_header_conformance",
    "response_headers_conformance",
    "object_level_authorization",
    "max_response_time",
)
# One worker: CPython 3.11.7 can raise "AST constructor recursion depth mismatch" when two threads compile
# code at once (CPython gh-106905), which hypothesis does while generating; generation is CPU-bound under the
# GIL anyway, so a second worker thread buys little on 2 cores.
DEFAULT_WORKERS = 1
# A budget of requests, sized so the default profile against the emulator records >= 300 cases in about 30 s.
DEFAULT_MAX_CASES = 450
DEFAULT_SEED = 20260501
ALL_PHASES = ("examples", "coverage", "fuzzing", "stateful")
DEFAULT_PHASES = ALL_PHASES
# Share of the case budget each pass may spend. Coverage (deterministic boundary and invalid values) is the
# costliest per case on the big request schemas; fuzzing brings random valid and invalid bodies and the SSE
# streams; stateful chains create -> retrieve -> delete (use_after_free, ensure_resource_availability).
PASSES: tuple[tuple[tuple[str, ...], float], ...] = (
    (("examples", "coverage"), 0.4),
    (("fuzzing",), 0.35),
    (("stateful",), 0.25),
)
# schemathesis' default statuses for a valid request, and the operations where the pages document a refusal of
# a request the document calls valid: cancelling a response that was not created with background=true is a 400.
POSITIVE_ACCEPTED = ("2xx", "3xx", "401", "403", "404", "409", "429", "5xx")
DOCUMENTED_REFUSALS: dict[tuple[str, str], tuple[str, ...]] = {
    ("POST", "/responses/{response_id}/cancel"): ("400",),  # only background responses can be cancelled
    ("GET", "/responses/{response_id}"): ("400",),  # stream=true resumes only responses created streaming
}
HARD_STOP_FACTOR = 2


@dataclass
class SchemaRunSummary:
    results: list[CheckResult]
    cases: int = 0  # requests sent (test cases), as schemathesis counts them
    stop_reason: str = ""
    duration_s: float = 0.0
    operations: list[str] = field(default_factory=list)


def fuzzing_share(passes: tuple[tuple[tuple[str, ...], float], ...]) -> float:
    return dict((name, part) for names, part in passes for name in names).get("fuzzing", 1.0)


def examples_per_operation(max_cases: int, operations: int, share: float) -> int:
    """Fuzzing's share of the budget, spread over the operations."""
    return max(1, int(max_cases * share / max(1, operations)))


def auth_config(target: Target, document: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """schemathesis `auth.openapi` entries for the document's own security schemes, plus leftover headers.

    Declaring the credential per scheme (rather than as a plain header) lets `ignored_auth` know what to strip.
    """
    if not target.credential or target.auth == "none":
        return {}, {}
    schemes = document.get("components", {}).get("securitySchemes", {})
    for name, scheme in schemes.items():
        if target.auth == "api-key" and scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            if scheme.get("name", "").lower() == "api-key":
                return {name: {"api_key": target.credential}}, {}
        if target.auth in ("bearer", "entra") and scheme.get("type") == "http" and scheme.get("scheme") == "bearer":
            return {name: {"bearer": target.credential}}, {}
    return {}, target.auth_headers()


def schemathesis_config(
    target: Target,
    document: dict[str, Any],
    *,
    max_cases: int = DEFAULT_MAX_CASES,
    workers: int = DEFAULT_WORKERS,
    seed: int = DEFAULT_SEED,
    phases: tuple[str, ...] = DEFAULT_PHASES,
    fuzz_share: float = fuzzing_share(PASSES),
) -> dict[str, Any]:
    """The run's settings as a `schemathesis.toml`-shaped dict (secrets included: never print it)."""
    operations = sum(
        1 for item in document.get("paths", {}).values() for method in item if method in ("get", "post", "delete")
    )
    openapi_auth, headers = auth_config(target, document)
    config: dict[str, Any] = {
        "base-url": target.root,
        "seed": seed,
        "workers": workers,
        "request-timeout": target.timeout_s,
        "max-stream-events": 500,
        "suppress-health-check": ["all"],
        # Keep testing an operation after its first failure: one finding must not hide the others.
        "continue-on-failure": True,
        "warnings": False,
        "generation": {
            "mode": "all",
            "max-examples": examples_per_operation(max_cases, operations, fuzz_share),
            "deterministic": True,
            "database": "none",
            "no-shrink": True,
        },
        "phases": {name: {"enabled": name in phases} for name in ALL_PHASES},
        "checks": {
            **{name: {"enabled": True} for name in BUILTIN_CHECKS},
            **{name: {"enabled": False} for name in DISABLED_BUILTIN_CHECKS if name != "max_response_time"},
            **{name: {"enabled": True} for name in schema_checks.CUSTOM_CHECKS},
        },
    }
    config["operations"] = [
        {
            "include-path": path,
            "include-method": method,
            "checks": {"positive_data_acceptance": {"expected-statuses": [*POSITIVE_ACCEPTED, *extra]}},
        }
        for (method, path), extra in DOCUMENTED_REFUSALS.items()
    ]
    if openapi_auth:
        config["auth"] = {"openapi": openapi_auth}
    if headers:
        config["headers"] = headers
    return config


def load_schema(document: dict[str, Any], config: dict[str, Any]) -> Any:
    return schemathesis.openapi.from_dict(document, config=schemathesis.Config.from_dict(config))


def _set_phases(schema: Any, enabled: tuple[str, ...]) -> None:
    for name in ALL_PHASES:
        schema.config.phases.get_by_name(name=name).enabled = name in enabled


def _run_pass(
    schema: Any, target: Target, budget: int | None, collector: Collector, on_progress: Callable[[int, str], None] | None
) -> tuple[int, str]:
    """One engine execution; returns (requests sent, stop reason).

    The budget is checked between scenarios (an interrupted scenario's results would be lost); a hard stop at
    twice the budget protects a real endpoint from a scenario that keeps replaying a failure.
    """
    stream = from_schema(schema).execute()
    policy = cost_control.CostPolicy(
        deployment=target.deployment,
        image_deployment=target.image_deployment,
        budget=None if budget is None else HARD_STOP_FACTOR * budget,
        on_exhausted=stream.stop,
    )
    cost_control.activate(policy)
    stop_reason = ""
    try:
        for event in stream:
            if isinstance(event, events.ScenarioFinished):
                collector.scenario(event)
                if on_progress:
                    on_progress(collector.cases, event.label or "")
                if budget is not None and policy.calls >= budget:
                    stream.stop()
            elif isinstance(event, events.NonFatalError):
                collector.error(event.label, f"{event.info.title}: {event.info.message}")
            elif isinstance(event, events.FatalError):
                collector.error("run", f"{type(event.exception).__name__}: {event.exception}")
            elif isinstance(event, events.EngineFinished):
                stop_reason = str(event.stop_reason)
                if event.stop_reason == StopReason.SERVER_UNAVAILABLE:
                    collector.error("run", f"the server stopped responding at {target.root}")
                for failure in event.failures:
                    collector.error("run", failure_message(failure), check="after_run")
    finally:
        cost_control.activate(None)
    if budget is not None and policy.calls >= budget:
        stop_reason = "budget"
    return policy.calls, stop_reason


def run_schema_layer(
    target: Target,
    *,
    max_cases: int | None = DEFAULT_MAX_CASES,
    document: dict[str, Any] | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
    on_progress: Callable[[int, str], None] | None = None,
    workers: int = DEFAULT_WORKERS,
    passes: tuple[tuple[tuple[str, ...], float], ...] = PASSES,
) -> SchemaRunSummary:
    """Run layer 1 over `target`; never raises for endpoint misbehaviour (it becomes `error` results).

    `max_cases` is a budget of requests, shared out over `passes` (phases run one engine execution each, so the
    first phases cannot starve the later ones); what a pass leaves unspent goes to the next. `max_cases=None`
    runs every phase of `passes` in a single unbudgeted execution (what the raw-CLI benchmark compares with).
    """
    started = time.monotonic()
    document = document if document is not None else document_for(target)
    config = schemathesis_config(
        target, document, max_cases=max_cases or DEFAULT_MAX_CASES, workers=workers,
        phases=tuple(p for names, _ in passes for p in names), fuzz_share=fuzzing_share(passes),
    )
    # Against a --spec document, a missing property the Azure/OpenAI Response object lacks too is a dialect difference.
    dialect = response_properties(builtin_document()) if target.spec_path else None
    collector = Collector(target, namer=FindingNamer(document, dialect_properties=dialect))
    schema = load_schema(document, config)
    operations = [op.ok().label for op in schema.get_all_operations() if op.ok() is not None]
    schema_checks.activate(rules_for(target.profile))
    reasons: list[str] = []
    try:
        if max_cases is None:
            reasons.append(_run_pass(schema, target, None, collector, on_progress)[1])
        else:
            carry = 0.0
            for names, share in passes:
                budget = max(1, int(max_cases * share + carry))
                _set_phases(schema, names)
                spent, reason = _run_pass(schema, target, budget, collector, on_progress)
                carry = max(0, budget - spent)
                reasons.append(reason)
    finally:
        schema_checks.activate(None)
    results = collector.results()
    if on_result:
        for result in results:
            on_result(result)
    return SchemaRunSummary(
        results=results,
        cases=collector.cases,
        stop_reason="budget" if "budget" in reasons else (reasons[-1] if reasons else ""),
        duration_s=time.monotonic() - started,
        operations=operations,
    )
