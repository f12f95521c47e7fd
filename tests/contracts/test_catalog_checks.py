"""Layer 3: region, model and /models checks against the emulator (directly and through a rewriting proxy)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.catalog_checks import _entry_shape, _judge_model, run_catalog_checks
from contracts.results import CheckResult, Layer, Outcome
from contracts.target import Target
from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer
from openapi.catalog import snapshot
from tests.contracts.loopback import serve
from tests.contracts.mutants import Exchange, MutatingProxy, Mutant, on_responses

KEY = "emulator-key"


@pytest.fixture(scope="module")
def proxied() -> Iterator[tuple[MutatingProxy, str]]:
    config = EmulatorConfig(deployments={"my-deploy": "gpt-4o@2024-08-06"})
    with EmulatorServer(config) as emulator:
        proxy = MutatingProxy(emulator.root_url)
        with serve(proxy.app) as root:
            yield proxy, f"{root}/openai/v1/"


def run(base_url: str, **fields: object) -> dict[str, CheckResult]:
    target = Target(**{"base_url": base_url, "deployment": "my-deploy", "credential": KEY, **fields})  # type: ignore[arg-type]
    return {r.id: r for r in run_catalog_checks(target)}


def test_the_emulator_is_in_a_documented_region_with_documented_models(proxied: tuple[MutatingProxy, str]) -> None:
    proxy, base = proxied
    proxy.switch(None)
    results = run(base)
    assert all(r.layer == Layer.catalog for r in results.values())
    assert results["catalog.region"].outcome == Outcome.passed
    assert "swedencentral (from x-ms-region)" in results["catalog.region"].message
    assert results["catalog.model"].outcome == Outcome.passed
    assert "gpt-4o-2024-08-06 (documented)" in results["catalog.model"].message
    assert results["catalog.models-list"].outcome == Outcome.passed
    assert "served model gpt-4o-2024-08-06 is listed" in results["catalog.models-list"].message


def test_unsupported_features_are_expected_unsupported_and_the_snapshot_diff_is_reported(
    proxied: tuple[MutatingProxy, str],
) -> None:
    proxy, base = proxied
    proxy.switch(None)
    for snap_id in ("2026-05", "2025-12"):
        results = run(base, snapshot=snap_id)
        unsupported = {n for n, f in snapshot(snap_id).features.items() if f.status == "unsupported"}
        listed = {i.removeprefix("catalog.feature.") for i, r in results.items() if r.outcome == Outcome.expected_unsupported}
        assert listed == unsupported
    assert "compaction" in listed  # the older page lists compaction as unsupported
    diff = results["catalog.snapshot-diff"]
    assert diff.outcome == Outcome.passed and "gpt-5.4@2026-03-05" in diff.message
    assert diff.details["diff"]["features_changed"]["compaction"] == ["unsupported", "supported"]


def test_region_override_wins_and_an_undocumented_region_fails(proxied: tuple[MutatingProxy, str]) -> None:
    proxy, base = proxied
    proxy.switch(None)
    assert run(base, region="italynorth")["catalog.region"].outcome == Outcome.passed
    failed = run(base, region="atlantis")["catalog.region"]
    assert failed.outcome == Outcome.failed and "'atlantis' (from --region) is not documented" in failed.message


def test_deployment_name_in_model_with_the_snapshot_in_the_header_is_tolerated(proxied: tuple[MutatingProxy, str]) -> None:
    proxy, base = proxied
    proxy.switch(Mutant("echo-deployment", "-", "-", (), response=on_responses(lambda b, ex: b.update(model="my-deploy"))))
    try:
        result = run(base)["catalog.model"]
    finally:
        proxy.switch(None)
    assert result.outcome == Outcome.passed
    assert "my-deploy (deployment-name)" in result.message and "differ" in result.message


def azure_models_shape(ex: Exchange) -> None:
    if ex.path.rstrip("/") == "/models" and isinstance(ex.json, dict):
        ex.json["data"] = [
            {"id": e["id"], "object": "model", "created_at": 1, "status": "succeeded", "capabilities": {},
             "lifecycle_status": "generally-available", "deprecation": {}} for e in ex.json["data"]
        ]


def test_azure_models_listing_shape_is_tolerated_and_reported(proxied: tuple[MutatingProxy, str]) -> None:
    proxy, base = proxied
    proxy.switch(Mutant("azure-models", "-", "-", (), response=azure_models_shape))
    try:
        result = run(base)["catalog.models-list"]
    finally:
        proxy.switch(None)
    assert result.outcome == Outcome.passed
    assert "in Azure's listing shape" in result.message


def test_model_judgement() -> None:
    snap = snapshot("2026-05")
    assert _judge_model("gpt-4o-2024-08-06", snap, "d") == ("documented", None)
    verdict, problem = _judge_model("gpt-4o-2099-01-01", snap, "d")
    assert verdict == "undocumented" and "2024-11-20" in (problem or "")
    assert _judge_model("computer-use-preview", snap, "d") == ("documented", None)
    assert _judge_model("my-deploy", snap, "my-deploy") == ("deployment-name", None)
    assert _judge_model("llama-3", snap, "my-deploy")[0] == "undocumented"
    assert _judge_model("gpt-5.4-2026-03-05", snapshot("2025-12"), "d")[0] == "undocumented"


def test_model_entry_shapes() -> None:
    assert _entry_shape({"id": "a", "object": "model", "created": 1, "owned_by": "system"}) == "spec"
    assert _entry_shape({"id": "a", "created_at": 1, "capabilities": {}}) == "azure"
    assert _entry_shape({"id": "a"}) == "other"
    assert _entry_shape({"name": "a"}) == "invalid"
