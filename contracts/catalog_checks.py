"""Layer 3: is the target where and what the docs say — a documented region, a documented model version?

Facts come from the wire: the region from `x-ms-region` (or `target.region`, which wins), the model from
the response's `model` field and the `x-ms-served-model` header (Azure has been seen to echo the deployment
name in `model` and put the dated snapshot in the header; both are read), and `GET /models` in either of the
two shapes AZURE-DIALECT.md describes. Features the chosen snapshot lists as unsupported are reported as
expected-unsupported, and one result describes what changed between the two doc snapshots.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openapi.catalog import LATEST, Snapshot, diff, snapshot as catalog_snapshot, split_model_id

from contracts.http_session import ApiResponse
from contracts.results import CheckFailed, CheckResult, Layer, NotApplicable, Unsupported
from contracts.scenarios.calls import body
from contracts.scenarios.expect import fail, ok, response_object
from contracts.scenarios.registry import Scenario, ScenarioContext, run_selected
from contracts.target import Target

REGIONS_RULE = "2026-05 §'Ondersteunde regio’s' (2025-12: 'Podporované oblasti'): the Responses API's regions"
MODELS_RULE = "2026-05 §'Ondersteunde modellen': the models and versions the Responses API supports"
OLDER_SNAPSHOT = "2025-12"
SPEC_MODEL_FIELDS = frozenset({"id", "object", "created", "owned_by"})
AZURE_MODEL_FIELDS = frozenset({"created_at", "capabilities", "lifecycle_status", "status", "deprecation"})


def _probe(ctx: ScenarioContext) -> ApiResponse:
    """One cheap response whose headers and `model` field the region and model checks read."""

    def make() -> ApiResponse:
        resp = ctx.session.post("responses", body(ctx, input="This is a test."))
        response_object(ok(resp, "probe response"), "probe response", resp)
        return resp

    return ctx.shared("catalog.probe", make)


def check_region(ctx: ScenarioContext) -> str:
    header = _probe(ctx).header("x-ms-region")
    region = ctx.target.region or header
    if not region:
        raise NotApplicable("the endpoint sends no x-ms-region and no --region was given")
    source = "--region" if ctx.target.region else "x-ms-region"
    canonical = region.strip().lower().replace(" ", "")
    if not ctx.snapshot.supports_region(canonical):
        raise CheckFailed(f"region {region!r} (from {source}) is not documented for the Responses API in "
                          f"snapshot {ctx.snapshot.id}")
    note = f"; x-ms-region says {header!r}" if ctx.target.region and header and header != ctx.target.region else ""
    return f"{canonical} (from {source}) is documented{note}"


def _judge_model(value: str, snap: Snapshot, deployment: str) -> tuple[str, str | None]:
    """(verdict, problem) for one model id; verdict is 'documented', 'deployment-name' or 'undocumented'."""
    name, version = split_model_id(value)
    if version is not None:
        if snap.supports_model(name, version):
            return "documented", None
        if snap.model(name) is None:
            return "undocumented", f"model {name!r} (from {value!r}) is not documented"
        known = ", ".join(snap.model(name).versions) or "none"  # type: ignore[union-attr]
        return "undocumented", f"{name} version {version} is not documented (documented: {known})"
    if snap.model(name) is not None:
        return "documented", None
    if value == deployment:
        return "deployment-name", None
    return "undocumented", f"model {value!r} is not documented"


def check_model(ctx: ScenarioContext) -> str:
    if ctx.target.profile != "azure-v1":
        raise NotApplicable("the catalog documents Azure deployments (profile azure-v1)")
    resp = _probe(ctx)
    sources = {"model field": resp.body.get("model"), "x-ms-served-model": resp.header("x-ms-served-model")}
    verdicts: dict[str, str] = {}
    problems = []
    for label, value in sources.items():
        if not isinstance(value, str) or not value:
            continue
        verdict, problem = _judge_model(value, ctx.snapshot, ctx.target.deployment)
        verdicts[label] = f"{value} ({verdict})"
        if problem:
            problems.append(f"{label}: {problem}")
    if problems:
        raise fail(f"snapshot {ctx.snapshot.id}: " + "; ".join(problems), resp)
    if not any("(documented)" in v for v in verdicts.values()):
        raise NotApplicable(f"the model behind the deployment cannot be told: {verdicts or 'no model reported'}")
    field, header = sources["model field"], sources["x-ms-served-model"]
    note = f"; model field {field!r} and x-ms-served-model {header!r} differ" if header and field != header else ""
    return ", ".join(f"{k}: {v}" for k, v in verdicts.items()) + note


def _entry_shape(entry: Any) -> str:
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
        return "invalid"
    keys = set(entry)
    if SPEC_MODEL_FIELDS <= keys:
        return "spec"
    if keys & AZURE_MODEL_FIELDS:
        return "azure"
    return "other"


def check_models_list(ctx: ScenarioContext) -> str:
    resp = ctx.session.get("models")
    listed = ok(resp, "GET /models")
    data = listed.get("data")
    if listed.get("object") != "list" or not isinstance(data, list):
        raise fail(f"GET /models: expected object 'list' with data[], got object={listed.get('object')!r}", resp)
    shapes: dict[str, int] = {}
    for entry in data:
        shape = _entry_shape(entry)
        shapes[shape] = shapes.get(shape, 0) + 1
    if shapes.get("invalid"):
        raise fail(f"GET /models: {shapes['invalid']} entries have no string id", resp)
    ids = {e["id"] for e in data}
    documented = sum(1 for i in ids if ctx.snapshot.supports_model(*split_model_id(i)))
    parts = [f"{len(ids)} models ({documented} documented for {ctx.snapshot.id})"]
    if shapes.get("azure"):
        parts.append(f"{shapes['azure']} in Azure's listing shape (created_at/capabilities), not the spec's "
                     "{id, created, object, owned_by}")
    if shapes.get("other"):
        parts.append(f"{shapes['other']} in neither documented shape")
    served = _probe(ctx).header("x-ms-served-model") if ctx.target.profile == "azure-v1" else None
    if served:
        parts.append(f"served model {served} {'is' if served in ids else 'is not'} listed")
    return "; ".join(parts)


def _feature_check(name: str, summary: str) -> Callable[[ScenarioContext], str]:
    def check(ctx: ScenarioContext) -> str:
        raise Unsupported(f"{name} is listed as unsupported in snapshot {ctx.snapshot.id}")

    check.__name__ = f"feature_{name}"
    return check


def check_snapshot_diff(ctx: ScenarioContext) -> tuple[str, dict[str, Any]]:
    d = diff(OLDER_SNAPSHOT, LATEST)
    changed = ", ".join(f"{f}: {a} → {b}" for f, (a, b) in d.features_changed.items()) or "none"
    message = (f"{d.old} → {d.new}: models added {list(d.models_added)}, removed {list(d.models_removed)}; "
               f"regions added {list(d.regions_added)}, removed {list(d.regions_removed)}; features changed: {changed}")
    return message, {"diff": d.model_dump(mode="json")}


def catalog_checks(snapshot_id: str) -> list[Scenario]:
    snap = catalog_snapshot(snapshot_id)
    checks = [
        Scenario("catalog.region", "the region is documented", REGIONS_RULE, check_region, layer=Layer.catalog),
        Scenario("catalog.model", "the deployment's model and version are documented", MODELS_RULE, check_model,
                 layer=Layer.catalog),
        Scenario("catalog.models-list", "GET /models answers in a documented shape",
                 f"{MODELS_RULE}; GET /models (spec shape or Azure's listing shape)", check_models_list,
                 layer=Layer.catalog),
    ]
    for name, feature in snap.features.items():
        if feature.status == "unsupported":
            checks.append(Scenario(
                f"catalog.feature.{name}", f"{name}: unsupported in {snapshot_id}", f"snapshot {snapshot_id}: "
                f"{feature.summary}", _feature_check(name, feature.summary), feature=name, layer=Layer.catalog,
            ))
    checks.append(Scenario("catalog.snapshot-diff", "what differs between the two doc snapshots",
                           "openapi.catalog.diff of the 2025-12 and 2026-05 pages", check_snapshot_diff,
                           layer=Layer.catalog))
    return checks


def run_catalog_checks(target: Target, *, on_result: Callable[[CheckResult], None] | None = None) -> list[CheckResult]:
    return run_selected(target, catalog_checks(target.snapshot), on_result)
