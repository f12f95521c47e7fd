"""Run the selected layers over one target and summarise; endpoint misbehaviour never escapes as an exception."""

from __future__ import annotations

import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from contracts import preflight
from contracts.profiles import ProfileError
from contracts.results import CheckResult, Layer, Outcome
from contracts.target import Target

ALL_LAYERS = (Layer.schema, Layer.scenario, Layer.catalog)

ResultCallback = Callable[[CheckResult], None]
ProgressCallback = Callable[[Layer, int, str], None]  # layer, cases/results so far, what is being checked


@dataclass
class RunSummary:
    target: Target
    layers: tuple[Layer, ...]
    results: list[CheckResult] = field(default_factory=list)
    cases: int = 0  # schema-layer requests
    duration_s: float = 0.0
    # Set when the preflight stopped the run: unreachable, credential refused, no Responses API (exit code 2).
    connection_error: str | None = None

    def counts(self) -> dict[Layer, Counter[Outcome]]:
        table: dict[Layer, Counter[Outcome]] = {layer: Counter() for layer in self.layers}
        for result in self.results:
            table.setdefault(result.layer, Counter())[result.outcome] += 1
        return table

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if r.is_failure]

    @property
    def exit_code(self) -> int:
        if self.connection_error is not None:
            return 2
        return 1 if self.failures else 0


def parse_layers(value: str | Sequence[str] | None) -> tuple[Layer, ...]:
    """`"schema,scenario"` -> layers, in their canonical order; a clear error names an unknown layer."""
    if value is None:
        return ALL_LAYERS
    names = [n.strip() for n in (value.split(",") if isinstance(value, str) else value) if n.strip()]
    known = {layer.value: layer for layer in Layer}
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise ValueError(f"--layers: unknown layer(s) {unknown or names}; use a comma list of {', '.join(known)}")
    return tuple(layer for layer in ALL_LAYERS if layer.value in names)


def _crash_result(layer: Layer, exc: BaseException, target: Target) -> CheckResult:
    tail = "".join(traceback.format_exception(exc)[-3:])
    return CheckResult(
        id=f"{layer.value}.crashed",
        layer=layer,
        title=f"the {layer.value} layer stopped early",
        doc_rule="The suite reports endpoint misbehaviour as results; this is the exception it stopped on",
        outcome=Outcome.error,
        message=target.mask_secrets(f"{type(exc).__name__}: {exc}\n{tail}")[:3000],
    )


def _unavailable(layer: Layer, what: str) -> CheckResult:
    return CheckResult(
        id=f"{layer.value}.unavailable",
        layer=layer,
        title=f"{layer.value} layer not installed",
        doc_rule="-",
        outcome=Outcome.skipped,
        message=f"{what} is not available in this installation",
    )


def _run_layer(
    layer: Layer,
    target: Target,
    *,
    max_cases: int | None,
    select: list[str] | None,
    on_result: ResultCallback,
    on_progress: ProgressCallback | None,
    summary: RunSummary,
) -> list[CheckResult]:
    if layer is Layer.schema:
        from contracts.schema_layer import DEFAULT_MAX_CASES, run_schema_layer

        progress = (lambda n, label: on_progress(Layer.schema, n, label)) if on_progress else None
        schema_run = run_schema_layer(
            target, max_cases=max_cases or DEFAULT_MAX_CASES, on_result=on_result, on_progress=progress
        )
        summary.cases = schema_run.cases
        return schema_run.results
    if layer is Layer.scenario:
        try:
            from contracts.scenarios import run_scenarios
        except ImportError:
            result = _unavailable(layer, "contracts.scenarios")
            on_result(result)
            return [result]
        return run_scenarios(target, select=select, on_result=on_result)
    try:
        from contracts.catalog_checks import run_catalog_checks
    except ImportError:
        result = _unavailable(layer, "contracts.catalog_checks")
        on_result(result)
        return [result]
    return run_catalog_checks(target, on_result=on_result)


def run(
    target: Target,
    *,
    layers: Sequence[Layer] = ALL_LAYERS,
    max_cases: int | None = None,
    select: list[str] | None = None,
    on_result: ResultCallback | None = None,
    on_progress: ProgressCallback | None = None,
) -> RunSummary:
    """Run `layers` over `target`. Raises only for usage errors (`ProfileError`, bad arguments)."""
    started = time.monotonic()
    summary = RunSummary(target=target, layers=tuple(layers))
    problem = preflight.check(target)
    if problem is not None:
        summary.connection_error = problem.message
        result = CheckResult(
            id=problem.id,
            layer=summary.layers[0] if summary.layers else Layer.schema,
            title=problem.title,
            doc_rule="The target base URL serves the Responses API and accepts the credential (checked before any layer)",
            outcome=Outcome.error,
            message=problem.message,
        )
        summary.results.append(result)
        if on_result:
            on_result(result)
        summary.duration_s = time.monotonic() - started
        return summary

    def record(result: CheckResult) -> None:
        if on_result:
            on_result(result)

    for layer in summary.layers:
        try:
            results = _run_layer(
                layer,
                target,
                max_cases=max_cases,
                select=select,
                on_result=record,
                on_progress=on_progress,
                summary=summary,
            )
        except ProfileError:
            raise
        except Exception as exc:  # a layer bug or an endpoint the layer did not foresee: report, go on
            results = [_crash_result(layer, exc, target)]
            record(results[0])
        summary.results.extend(results)
    summary.duration_s = time.monotonic() - started
    return summary
