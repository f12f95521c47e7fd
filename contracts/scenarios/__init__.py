"""Layer 2: behaviour checks written from the seeds, one registered function per rule.

`run_scenarios(target, select=[...])` runs the registered scenarios (ids or glob patterns such as
`stream.*`) in registration order and returns one `CheckResult` each.
"""

from __future__ import annotations

from collections.abc import Callable

from contracts.results import CheckResult
# Importing a theme module registers its scenarios; this order is the run order (cheap and basic first).
from contracts.scenarios import lifecycle, chaining, streaming, background, compaction  # noqa: F401, I001
from contracts.scenarios import tools, inputs, images, auth, errors  # noqa: F401, I001
from contracts.scenarios.registry import REGISTRY, Scenario, run_selected, scenario, select_scenarios
from contracts.target import Target

__all__ = ["REGISTRY", "Scenario", "run_scenarios", "scenario", "scenario_ids"]


def scenario_ids() -> list[str]:
    return list(REGISTRY)


def run_scenarios(
    target: Target,
    *,
    select: list[str] | None = None,
    on_result: Callable[[CheckResult], None] | None = None,
) -> list[CheckResult]:
    return run_selected(target, select_scenarios(select), on_result)
