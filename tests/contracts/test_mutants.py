"""The suite must be right, not just green: each mutant breaks one documented rule, and the scenario and
catalog layers must fail on it *for that reason* (the mutant's expected check id fails). Score ≥ 95 %."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.catalog_checks import run_catalog_checks
from contracts.results import CheckResult, Outcome
from contracts.scenarios import run_scenarios
from contracts.target import Target
from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer
from tests.contracts.loopback import serve
from tests.contracts.mutants import MUTANTS, MutatingProxy, Mutant

REQUIRED_SCORE = 0.95
# A reasoning deployment, so that the encrypted-reasoning round trip runs too.
DEPLOYMENT = "o4-mini"


@pytest.fixture(scope="module")
def proxied() -> Iterator[tuple[MutatingProxy, Target]]:
    with EmulatorServer(EmulatorConfig()) as emulator:
        proxy = MutatingProxy(emulator.root_url)
        with serve(proxy.app) as root:
            target = Target(base_url=f"{root}/openai/v1/", deployment=DEPLOYMENT, credential="emulator-key",
                            image_deployment="gpt-image-1", timeout_s=15)
            yield proxy, target


def run_layers(target: Target, select: tuple[str, ...] | None) -> list[CheckResult]:
    scenario_select = None if select is None else [s for s in select if s != "catalog"]
    results = run_scenarios(target, select=scenario_select) if scenario_select != [] else []
    if select is None or "catalog" in select:
        results += run_catalog_checks(target)
    return results


def describe(results: list[CheckResult]) -> str:
    return "\n".join(f"  {r.id}: {r.outcome.value} {r.message[:160]}" for r in results if r.is_failure)


@pytest.fixture(scope="module")
def baseline(proxied: tuple[MutatingProxy, Target]) -> dict[str, CheckResult]:
    """Every check through the unmutated proxy, by id."""
    proxy, target = proxied
    proxy.switch(None)
    return {r.id: r for r in run_layers(target, None)}


@pytest.mark.timeout(120)
def test_baseline_through_the_unmutated_proxy_passes(baseline: dict[str, CheckResult]) -> None:
    results = list(baseline.values())
    assert len(results) >= 40
    assert not [r for r in results if r.is_failure], describe(results)


def kill(proxy: MutatingProxy, target: Target, mutant: Mutant, baseline: dict[str, CheckResult]) -> tuple[bool, str]:
    """Killed = the expected check passed without the mutation and fails with it."""
    before = baseline.get(mutant.expect)
    if before is None or before.outcome != Outcome.passed:
        return False, f"{mutant.expect} does not pass on the baseline ({before.outcome.value if before else 'missing'})"
    proxy.switch(mutant)
    try:
        results = run_layers(target, mutant.select)
    finally:
        proxy.switch(None)
    expected = [r for r in results if r.id == mutant.expect]
    if not expected:
        return False, f"{mutant.expect} did not run"
    outcome = expected[0].outcome
    failed = sorted(r.id for r in results if r.is_failure)
    return outcome == Outcome.failed, f"{outcome.value}; failing: {', '.join(failed) or 'none'}"


@pytest.mark.timeout(180)
def test_the_suite_kills_the_mutants_for_the_right_reason(
    proxied: tuple[MutatingProxy, Target], baseline: dict[str, CheckResult]
) -> None:
    proxy, target = proxied
    rows = [(m, *kill(proxy, target, m, baseline)) for m in MUTANTS]
    killed = sum(1 for _, ok, _ in rows if ok)
    score = killed / len(rows)
    table = "\n".join(
        f"{'KILLED ' if ok else 'SURVIVED'} {m.name:34} {m.expect:34} {why}" for m, ok, why in rows
    )
    print(f"\nmutant score {killed}/{len(rows)} = {score:.0%}\n{table}")
    assert len(MUTANTS) >= 20
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)
    assert score >= REQUIRED_SCORE, f"mutant score {score:.0%} < {REQUIRED_SCORE:.0%}\n{table}"
