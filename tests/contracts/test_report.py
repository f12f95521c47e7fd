"""Report rendering and files: summary table, failure panels, JUnit XML, JSON, secret masking."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console

from contracts import report
from contracts.results import CheckResult, Layer, Outcome
from contracts.runner import RunSummary, parse_layers
from contracts.target import Target

SECRET = "sk-live-CANARY-0123456789abcdef"


def result(id: str, layer: Layer, outcome: Outcome, **fields: object) -> CheckResult:
    return CheckResult(id=id, layer=layer, title=f"title of {id}", doc_rule=f"rule of {id}", outcome=outcome,
                       **fields)  # type: ignore[arg-type]


def summary() -> RunSummary:
    target = Target(base_url="https://res.openai.azure.com/openai/v1", deployment="gpt-4o", credential=SECRET)
    leaky = f"api-key: {SECRET}\nAuthorization: Bearer {SECRET}"
    results = [
        result("schema.not_a_server_error[POST /responses]", Layer.schema, Outcome.failed,
               message=f"500 for key {SECRET}", request=f"POST /responses\n{leaky}", response="HTTP 500\n\nboom"),
        result("schema.status_code_conformance[GET /models]", Layer.schema, Outcome.passed),
        result("lifecycle.retrieve", Layer.scenario, Outcome.passed),
        result("images.generation", Layer.scenario, Outcome.skipped, message="no image deployment"),
        result("compaction.by-input", Layer.scenario, Outcome.expected_unsupported, message="unsupported in 2025-12"),
        result("stream.hung", Layer.scenario, Outcome.error, message="ReadTimeout after 30 s"),
        result("catalog.region", Layer.catalog, Outcome.passed),
    ]
    return RunSummary(target=target, layers=parse_layers(None), results=results, cases=42, duration_s=1.5)


def render(run: RunSummary) -> str:
    buffer = io.StringIO()
    report.print_summary(Console(file=buffer, width=200, color_system=None), run)
    return buffer.getvalue()


def test_summary_counts_every_outcome_per_layer() -> None:
    run = summary()
    counts = run.counts()
    assert counts[Layer.schema][Outcome.failed] == 1 and counts[Layer.schema][Outcome.passed] == 1
    assert counts[Layer.scenario][Outcome.skipped] == 1
    assert counts[Layer.scenario][Outcome.expected_unsupported] == 1
    assert counts[Layer.scenario][Outcome.error] == 1
    assert run.exit_code == 1
    text = render(run)
    for header in ("passed", "failed", "skipped (n/a)", "expected-unsupported", "error"):
        assert header in text
    # Failures and errors are shown with their rule, request and response; the others are not.
    assert "failed: schema.not_a_server_error[POST /responses]" in text
    assert "error: stream.hung" in text
    assert "rule of schema.not_a_server_error[POST /responses]" in text
    assert "HTTP 500" in text
    assert "lifecycle.retrieve" not in text
    assert SECRET not in text


def test_junit_is_well_formed_with_one_case_per_check(tmp_path: Path) -> None:
    run = summary()
    path = tmp_path / "junit.xml"
    report.write_junit(run, path)
    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    root = ET.fromstring(text)
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"contracts.schema", "contracts.scenario", "contracts.catalog"}
    scenario = suites["contracts.scenario"]
    assert (scenario.get("tests"), scenario.get("errors"), scenario.get("skipped")) == ("4", "1", "2")
    failure = suites["contracts.schema"].find("testcase/failure")
    assert failure is not None and "rule of schema.not_a_server_error" in (failure.text or "")
    assert "api-key: ***" in (failure.text or "")
    unsupported = [s for s in root.iter("skipped") if s.get("type") == "expected_unsupported"]
    assert len(unsupported) == 1


def test_json_report_round_trips_results_and_masks_secrets(tmp_path: Path) -> None:
    run = summary()
    path = tmp_path / "report.json"
    report.write_json(run, path)
    text = path.read_text(encoding="utf-8")
    assert SECRET not in text
    data = json.loads(text)
    assert data["exit_code"] == 1 and data["schema_cases"] == 42
    assert data["summary"]["scenario"] == {
        "passed": 1, "failed": 0, "skipped": 1, "expected_unsupported": 1, "error": 1,
    }
    assert [r["id"] for r in data["results"]] == [r.id for r in run.results]
    assert data["target"]["profile"] == "azure-v1" and "credential" not in data["target"]


def test_live_progress_prints_failures_as_they_arrive() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None)
    run = summary()
    with report.LiveProgress(console, run.layers, mask=run.target.mask_secrets) as live:
        live.on_progress(Layer.schema, 10, "POST /responses")
        for item in run.results:
            live.on_result(item)
    text = buffer.getvalue()
    assert "✗ schema.not_a_server_error[POST /responses]: 500 for key ***" in text
    assert "! stream.hung" in text
    assert SECRET not in text
