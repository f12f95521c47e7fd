"""Scenario registry: plain functions registered with an id, a title and the doc rule they enforce.

A scenario takes a `ScenarioContext` and returns an optional pass message; it raises `CheckFailed` when the
endpoint breaks the rule, `NotApplicable` when the rule does not apply to this target, and `Unsupported`
when the endpoint refuses a feature. Whether a refusal is a defect depends on the doc snapshot: a feature
the snapshot lists as unsupported gives `expected_unsupported`, any other refusal is a failure.
"""

from __future__ import annotations

import fnmatch
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openapi.catalog import Snapshot, snapshot as catalog_snapshot

from contracts.http_session import HttpSession, TargetError
from contracts.results import CheckFailed, CheckResult, Layer, NotApplicable, Outcome, Unsupported
from contracts.target import Profile, Target

# A check returns a pass message, optionally with details for the report: `"msg"` or `("msg", {...})`.
ScenarioFn = Callable[["ScenarioContext"], "str | tuple[str, dict[str, Any]] | None"]


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    doc_rule: str
    fn: ScenarioFn
    feature: str | None = None  # catalog feature whose refusal may be expected (see module doc)
    profiles: tuple[Profile, ...] | None = None  # None: every profile
    layer: Layer = Layer.scenario  # the catalog layer reuses this runner for its checks


REGISTRY: dict[str, Scenario] = {}


def scenario(
    id: str, title: str, doc_rule: str, *, feature: str | None = None, profiles: tuple[Profile, ...] | None = None
) -> Callable[[ScenarioFn], ScenarioFn]:
    def register(fn: ScenarioFn) -> ScenarioFn:
        if id in REGISTRY:
            raise ValueError(f"scenario id {id!r} registered twice")
        REGISTRY[id] = Scenario(id, title, doc_rule, fn, feature, profiles)
        return fn

    return register


@dataclass
class ScenarioContext:
    """What a scenario gets: the target, one HTTP session for the run, and a cache shared by scenarios
    that look at the same expensive exchange (e.g. several stream rules over one stream)."""

    target: Target
    session: HttpSession
    snapshot: Snapshot
    cache: dict[str, Any] = field(default_factory=dict)

    def shared(self, key: str, make: Callable[[], Any]) -> Any:
        """`make()` once per run; a failure is cached too, so every dependent check reports it."""
        if key not in self.cache:
            try:
                self.cache[key] = ("ok", make())
            except Exception as exc:  # re-raised below for each dependent scenario
                self.cache[key] = ("raised", exc)
        kind, value = self.cache[key]
        if kind == "raised":
            raise value
        return value

    @property
    def is_emulator(self) -> bool:
        """True when the target is the local emulator (fault headers may be used only then)."""

        def probe() -> bool:
            host = self.session.origin.split("://", 1)[-1].rsplit(":", 1)[0]
            if host not in ("127.0.0.1", "localhost", "[::1]"):
                return False
            try:
                resp = self.session.get(f"{self.session.origin}/_emulator/faults")
            except TargetError:
                return False
            return resp.status == 200 and resp.is_json

        return bool(self.shared("is-emulator", probe))


def select_scenarios(select: list[str] | None) -> list[Scenario]:
    """Registered scenarios matching the ids or glob patterns in `select` (all when None), in order."""
    if select is None:
        return list(REGISTRY.values())
    picked = [s for s in REGISTRY.values() if any(fnmatch.fnmatchcase(s.id, pattern) for pattern in select)]
    unknown = [p for p in select if not any(fnmatch.fnmatchcase(s.id, p) for s in REGISTRY.values())]
    if unknown and not picked:
        known = ", ".join(REGISTRY)
        raise ValueError(f"no scenario matches {unknown}; known scenario ids: {known}")
    return picked


def run_one(item: Scenario, ctx: ScenarioContext) -> CheckResult:
    started = time.monotonic()
    ctx.session.last_request = ctx.session.last_response = ""
    outcome, message, request, response = Outcome.passed, "", "", ""
    details: dict[str, Any] = {"feature": item.feature} if item.feature else {}
    if item.profiles is not None and ctx.target.profile not in item.profiles:
        return _result(item, Outcome.skipped, f"applies to profiles {', '.join(item.profiles)} only", 0.0)
    try:
        returned = item.fn(ctx) or ""
        if isinstance(returned, tuple):
            returned, extra = returned
            details.update(extra)
        message = returned
        if item.feature and not ctx.snapshot.supports_feature(item.feature):
            message = f"{message} (doc snapshot {ctx.snapshot.id} lists {item.feature!r} as unsupported, yet it works)".strip()
    except CheckFailed as exc:
        outcome, message, request, response = Outcome.failed, str(exc), exc.request, exc.response
    except NotApplicable as exc:
        outcome, message = Outcome.skipped, str(exc)
    except Unsupported as exc:
        if item.feature and not ctx.snapshot.supports_feature(item.feature):
            summary = ctx.snapshot.features[item.feature].summary
            outcome, message = Outcome.expected_unsupported, f"{exc} — as documented for {ctx.snapshot.id}: {summary}"
        else:
            outcome, message = Outcome.failed, f"refused a documented feature: {exc}"
    except TargetError as exc:
        outcome, message = Outcome.error, str(exc)
    except Exception as exc:  # a bug in a check, or a body shape the check did not expect: report, never crash
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        outcome = Outcome.error
        message = f"check raised {type(exc).__name__}: {exc} (at {frame.name}:{frame.lineno})"
    if outcome in (Outcome.failed, Outcome.error, Outcome.expected_unsupported):
        request = request or ctx.session.last_request
        response = response or ctx.session.last_response
    mask = ctx.target.mask_secrets
    return _result(item, outcome, mask(message), time.monotonic() - started, mask(request), mask(response), details)


def _result(
    item: Scenario, outcome: Outcome, message: str, duration: float, request: str = "", response: str = "",
    details: dict[str, Any] | None = None,
) -> CheckResult:
    return CheckResult(
        id=item.id, layer=item.layer, title=item.title, doc_rule=item.doc_rule, outcome=outcome,
        message=message, request=request, response=response, duration_s=round(duration, 3),
        details=details or {},
    )


def run_selected(
    target: Target, scenarios: list[Scenario], on_result: Callable[[CheckResult], None] | None = None
) -> list[CheckResult]:
    """Run `scenarios` in order over one HTTP session; `on_result` sees each result as it is made."""
    results: list[CheckResult] = []
    with HttpSession(target) as session:
        ctx = ScenarioContext(target=target, session=session, snapshot=catalog_snapshot(target.snapshot))
        for item in scenarios:
            result = run_one(item, ctx)
            results.append(result)
            if on_result is not None:
                on_result(result)
    return results
