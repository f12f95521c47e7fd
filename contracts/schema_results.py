"""Layer 1's results: schemathesis events folded into one `CheckResult` per (operation, check).

Passed when every case passed the check, failed with the first failing case's request and response otherwise.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from schemathesis.engine import events

from contracts import schema_checks
from contracts.results import CheckResult, Layer, Outcome
from contracts.schema_findings import FindingNamer, failure_message
from contracts.target import Target

EXCERPT = 1200
# Answers that say "not you" or "not here": a run where every request got one of these tested nothing.
REFUSAL_STATUSES = frozenset({401, 403, 404, 405})


class _Aggregate:
    """Outcome of one check on one operation across all its cases."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.errors = 0
        self.first_failure: tuple[str, str, str] | None = None  # message, request, response
        self.findings: Counter[str] = Counter()  # distinct findings among the failed cases


def _excerpt_request(interaction: Any, target: Target) -> str:
    if interaction is None:
        return ""
    request = interaction.request
    headers = "\n".join(f"{k}: {v[0]}" for k, v in request.headers.items())
    body = (request.body or b"")[:EXCERPT].decode("utf-8", "replace")
    return target.mask_secrets(f"{request.method} {request.uri}\n{headers}\n\n{body}")


def _excerpt_response(interaction: Any, target: Target) -> str:
    if interaction is None or interaction.response is None:
        return ""
    response = interaction.response
    headers = "\n".join(f"{k}: {v[0]}" for k, v in response.headers.items())
    body = response.content[:EXCERPT].decode("utf-8", "replace")
    return target.mask_secrets(f"HTTP {response.status_code}\n{headers}\n\n{body}")


class Collector:
    """Folds schemathesis events into per-(operation, check) results."""

    def __init__(self, target: Target, *, namer: FindingNamer | None = None) -> None:
        self.target = target
        self.namer = namer or FindingNamer()
        # The document judging the answers: a --spec one is named in the rules of the checks that use it.
        self.document = f"the --spec document {Path(target.spec_path).name}" if target.spec_path else ""
        self.aggregates: dict[tuple[str, str], _Aggregate] = {}
        self.errors: dict[str, CheckResult] = {}
        self.cases = 0
        self.operations_seen: set[str] = set()
        self.statuses: Counter[int] = Counter()

    def scenario(self, event: events.ScenarioFinished) -> None:
        recorder = event.recorder
        self.cases += len(recorder.interactions)
        for interaction in recorder.interactions.values():
            if interaction.response is not None:
                self.statuses[interaction.response.status_code] += 1
        for case_id, nodes in recorder.checks.items():
            node_case = recorder.cases.get(case_id)
            label = node_case.value.operation.label if node_case is not None else (event.label or "?")
            self.operations_seen.add(label)
            for node in nodes:
                agg = self.aggregates.setdefault((label, node.name), _Aggregate())
                status = str(node.status)
                if status == "success":
                    agg.passed += 1
                elif status == "failure":
                    agg.failed += 1
                    if node.failure_info is not None:
                        agg.findings[self.target.mask_secrets(self.namer.name(node.failure_info.failure))] += 1
                    if agg.first_failure is None and node.failure_info is not None:
                        failure = node.failure_info.failure
                        interaction = recorder.interactions.get(failure.case_id or case_id)
                        agg.first_failure = (
                            self.target.mask_secrets(failure_message(failure)),
                            _excerpt_request(interaction, self.target),
                            _excerpt_response(interaction, self.target),
                        )
                else:
                    agg.errors += 1

    def error(self, label: str, message: str, *, check: str = "run") -> None:
        """An operation schemathesis could not test; repeats of the same id are counted, not listed."""
        key = f"schema.{check}[{label}]"
        if key in self.errors:
            self.errors[key].details["count"] = int(self.errors[key].details.get("count", 1)) + 1
            return
        self.errors[key] = CheckResult(
            id=key,
            layer=Layer.schema,
            title=f"schemathesis could not test {label}",
            doc_rule="The endpoint answers every documented operation (connection, timeout, parseable body)",
            outcome=Outcome.error,
            message=self.target.mask_secrets(message)[:2000],
            details={"count": 1},
        )

    def results(self) -> list[CheckResult]:
        out: list[CheckResult] = []
        for (label, check), agg in sorted(self.aggregates.items()):
            if agg.failed:
                outcome = Outcome.failed
            elif agg.passed:
                outcome = Outcome.passed
            else:
                outcome = Outcome.error
            message, request, response = agg.first_failure or ("", "", "")
            if outcome is Outcome.failed:
                found = "; ".join(f"{text} ({count} cases)" for text, count in agg.findings.most_common(5))
                message = f"{agg.failed} of {agg.failed + agg.passed} cases failed. Findings: {found}. First: {message}"
            elif outcome is Outcome.error:
                message = f"the check crashed on all {agg.errors} cases"
            out.append(
                CheckResult(
                    id=f"schema.{check}[{label}]",
                    layer=Layer.schema,
                    title=f"{check} on {label}",
                    doc_rule=self.doc_rule(check),
                    outcome=outcome,
                    message=message,
                    request=request,
                    response=response,
                    details={
                        "cases": agg.passed + agg.failed + agg.errors,
                        "failed": agg.failed,
                        "findings": dict(agg.findings),
                    },
                )
            )
        return out + list(self.errors.values()) + self.refusal()

    def doc_rule(self, check: str) -> str:
        rule = schema_checks.DOC_RULES.get(check, f"custom check {check}")
        return rule.replace("the derived document", self.document) if self.document else rule

    def refusal(self) -> list[CheckResult]:
        """An error when every answer was a refusal: the checks above then passed on error bodies alone."""
        answered = sum(self.statuses.values())
        if not answered or not set(self.statuses) <= REFUSAL_STATUSES:
            return []
        seen = ", ".join(f"HTTP {status} x{count}" for status, count in sorted(self.statuses.items()))
        return [
            CheckResult(
                id="schema.refused",
                layer=Layer.schema,
                title="the endpoint refused every schema-layer request",
                doc_rule="Layer 1 judges the endpoint's answers to the documented operations; refusals test nothing",
                outcome=Outcome.error,
                message=(
                    f"all {answered} answers were refusals ({seen}): a wrong credential or base URL? "
                    "The checks that passed above judged only error answers."
                ),
            )
        ]
