"""The scenario runner maps what a check raises onto outcomes, and never lets an exception escape."""

from __future__ import annotations

import pytest

from contracts.results import CheckFailed, Layer, NotApplicable, Outcome, Unsupported
from contracts.scenarios.registry import REGISTRY, Scenario, ScenarioContext, run_selected, scenario
from contracts.target import Target

# Nothing listens here: the checks below make no request, except the one that is meant to fail to connect.
TARGET = Target(base_url="http://127.0.0.1:9/openai/v1", deployment="gpt-4o", credential="sk-secret-1234",
                timeout_s=1)


def check(fn, feature: str | None = None) -> Scenario:  # type: ignore[no-untyped-def]
    return Scenario(id=f"test.{fn.__name__}", title="t", doc_rule="r", fn=fn, feature=feature)


def passes(ctx: ScenarioContext) -> tuple[str, dict[str, object]]:
    return "fine", {"answer": 42}


def breaks(ctx: ScenarioContext) -> str:
    raise CheckFailed("rule broken with key sk-secret-1234", request="POST /x", response="HTTP 200 {}")


def not_here(ctx: ScenarioContext) -> str:
    raise NotApplicable("needs an image deployment")


def refused(ctx: ScenarioContext) -> str:
    raise Unsupported("refused with HTTP 400")


def buggy(ctx: ScenarioContext) -> str:
    return {}["missing"]  # type: ignore[no-any-return]


def unreachable(ctx: ScenarioContext) -> str:
    ctx.session.get("models")
    return "unreachable"


def test_outcomes_follow_what_the_check_raises() -> None:
    seen = []
    results = run_selected(TARGET, [check(passes), check(breaks), check(not_here), check(buggy), check(unreachable)],
                           on_result=seen.append)
    assert seen == results
    by_id = {r.id: r for r in results}
    assert by_id["test.passes"].outcome == Outcome.passed and by_id["test.passes"].details == {"answer": 42}
    broken = by_id["test.breaks"]
    assert broken.outcome == Outcome.failed and broken.request == "POST /x" and broken.response == "HTTP 200 {}"
    assert "sk-secret-1234" not in broken.message and "***" in broken.message
    assert by_id["test.not_here"].outcome == Outcome.skipped
    assert by_id["test.buggy"].outcome == Outcome.error and "KeyError" in by_id["test.buggy"].message
    assert by_id["test.unreachable"].outcome == Outcome.error
    assert "127.0.0.1:9" in by_id["test.unreachable"].request
    assert all(r.layer == Layer.scenario for r in results)


def test_a_refusal_is_expected_only_where_the_snapshot_lists_the_feature_unsupported() -> None:
    older = Target(**{**TARGET.__dict__, "snapshot": "2025-12"})
    [expected] = run_selected(older, [check(refused, feature="compaction")])
    assert expected.outcome == Outcome.expected_unsupported and "2025-12" in expected.message
    [defect] = run_selected(TARGET, [check(refused, feature="compaction")])
    assert defect.outcome == Outcome.failed and "refused a documented feature" in defect.message
    [no_feature] = run_selected(TARGET, [check(refused)])
    assert no_feature.outcome == Outcome.failed


def test_registered_scenarios_have_unique_ids_titles_and_doc_rules() -> None:
    assert len(REGISTRY) >= 40
    for item in REGISTRY.values():
        assert item.title and item.doc_rule and "." in item.id
        assert item.feature is None or item.feature in {"compaction", "server_side_compaction",
                                                        "image_generation_streaming"}
    with pytest.raises(ValueError, match="registered twice"):
        scenario("lifecycle.usage", "again", "r")(passes)
