"""Layer 2 against the real emulator: the default profile passes completely; refusals, selection, missing
configuration, unreachable and hung endpoints are reported as the right outcome, never raised."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from contracts.catalog_checks import run_catalog_checks
from contracts.results import CheckResult, Layer, Outcome
from contracts.scenarios import run_scenarios, scenario_ids
from contracts.target import Target
from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer, free_port
from tests.contracts.loopback import serve

KEY = "emulator-key"


def target_for(server: EmulatorServer, **overrides: object) -> Target:
    fields: dict[str, object] = dict(base_url=server.base_url, deployment="o4-mini", credential=KEY,
                                     image_deployment="gpt-image-1", timeout_s=15)
    fields.update(overrides)
    return Target(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig()) as server:
        yield server


def failures(results: list[CheckResult]) -> str:
    return "\n".join(f"{r.id}: {r.outcome.value}: {r.message[:200]}\n  {r.response[:300]}" for r in results if r.is_failure)


@pytest.mark.timeout(120)
def test_default_profile_passes_completely_against_the_emulator(emulator: EmulatorServer) -> None:
    seen: list[str] = []
    results = run_scenarios(target_for(emulator), on_result=lambda r: seen.append(r.id))
    assert seen == [r.id for r in results] == scenario_ids()
    assert not [r for r in results if r.is_failure], failures(results)
    # Every scenario applies to the emulator with a reasoning deployment and an image deployment; the only
    # refusal is the one both doc pages list (the image generation tool in streaming mode).
    not_passed = {r.id: r.outcome for r in results if r.outcome != Outcome.passed}
    assert not_passed == {"images.generation-streaming": Outcome.expected_unsupported}, not_passed
    assert all(r.layer == Layer.scenario and r.doc_rule for r in results)
    catalog = run_catalog_checks(target_for(emulator))
    assert not [r for r in catalog if r.is_failure], failures(catalog)


@pytest.mark.timeout(60)
def test_compaction_refused_by_the_older_snapshot_is_expected_unsupported() -> None:
    with EmulatorServer(EmulatorConfig(snapshot="2025-12")) as old:
        results = run_scenarios(target_for(old, snapshot="2025-12"), select=["compaction.*"])
        assert {r.id: r.outcome for r in results} == {
            "compaction.by-input": Outcome.expected_unsupported,
            "compaction.by-previous-id": Outcome.expected_unsupported,
            "compaction.server-side": Outcome.expected_unsupported,
        }, [r.message for r in results]
        assert all("2025-12" in r.message for r in results)
        # Checked against the newer page, where compaction is documented, the same refusal is a defect.
        newer = run_scenarios(target_for(old, snapshot="2026-05"), select=["compaction.by-input"])
        assert newer[0].outcome == Outcome.failed and "refused a documented feature" in newer[0].message


@pytest.mark.timeout(60)
def test_a_feature_that_works_although_listed_unsupported_passes_with_a_note(emulator: EmulatorServer) -> None:
    results = run_scenarios(target_for(emulator, snapshot="2025-12"), select=["compaction.by-input"])
    assert results[0].outcome == Outcome.passed
    assert "lists 'compaction' as unsupported, yet it works" in results[0].message


def test_select_takes_ids_and_globs_and_names_unknown_ones(emulator: EmulatorServer) -> None:
    results = run_scenarios(target_for(emulator), select=["stream.*", "lifecycle.usage"])
    ids = [r.id for r in results]
    assert ids[0] == "lifecycle.usage" and all(i.startswith("stream.") for i in ids[1:]) and len(ids) >= 8
    with pytest.raises(ValueError, match="known scenario ids: lifecycle.create-retrieve"):
        run_scenarios(target_for(emulator), select=["no-such-check"])


def test_missing_configuration_makes_a_check_not_applicable(emulator: EmulatorServer) -> None:
    results = run_scenarios(target_for(emulator, image_deployment=None, deployment="gpt-4o"),
                            select=["images.generation", "chaining.encrypted-reasoning"])
    assert [(r.outcome, r.message[:40]) for r in results] == [
        (Outcome.skipped, "the deployment returned no reasoning ite"),
        (Outcome.skipped, "no image deployment configured (--image-"),
    ]


def test_azure_only_checks_are_skipped_for_other_profiles(emulator: EmulatorServer) -> None:
    results = run_scenarios(target_for(emulator, profile="openai"), select=["inputs.pdf-user-data-rejected"])
    assert results[0].outcome == Outcome.skipped and "azure-v1" in results[0].message


@pytest.mark.timeout(60)
def test_an_unreachable_endpoint_is_reported_as_errors_not_raised() -> None:
    dead = Target(base_url=f"http://127.0.0.1:{free_port()}/openai/v1/", deployment="gpt-4o", credential=KEY,
                  timeout_s=2)
    results = run_scenarios(dead, select=["lifecycle.*", "stream.framing"]) + run_catalog_checks(dead)
    outcomes = {r.id: r.outcome for r in results}
    assert outcomes["lifecycle.create-retrieve"] == Outcome.error
    assert outcomes["stream.framing"] == Outcome.error
    assert outcomes["catalog.region"] == Outcome.error
    assert "ConnectError" in next(r.message for r in results if r.id == "lifecycle.delete")


def hanging_app() -> Starlette:
    async def responses(request: Request) -> Response:
        async def events():  # one event, then silence: a hung stream
            first = {"type": "response.created", "sequence_number": 0, "response": {"id": "resp_1", "status": "in_progress"}}
            yield f"event: response.created\ndata: {json.dumps(first)}\n\n"
            await asyncio.sleep(3600)

        return StreamingResponse(events(), media_type="text/event-stream")

    return Starlette(routes=[Route("/openai/v1/responses", responses, methods=["POST"])])


@pytest.mark.timeout(30)
def test_a_hung_stream_is_reported_within_the_timeout() -> None:
    with serve(hanging_app()) as root:
        target = Target(base_url=f"{root}/openai/v1", deployment="gpt-4o", credential=KEY, timeout_s=1)
        results = {r.id: r for r in run_scenarios(target, select=["stream.framing", "stream.terminal"])}
    assert results["stream.framing"].outcome == Outcome.failed
    assert "stalled" in results["stream.framing"].message
    assert results["stream.terminal"].outcome == Outcome.failed
    assert "without a terminal event" in results["stream.terminal"].message


@pytest.mark.timeout(60)
def test_secrets_never_appear_in_results() -> None:
    secret = "sk-contracts-secret-value-1234567890"
    with EmulatorServer(EmulatorConfig(api_keys=("another-key",))) as server:
        results = run_scenarios(target_for(server, credential=secret), select=["lifecycle.create-retrieve", "auth.*"])
        bearer = run_scenarios(target_for(server, credential=secret, auth="bearer"), select=["lifecycle.delete"])
    assert results[0].outcome == Outcome.failed and results[0].request
    for r in results + bearer:
        assert secret not in r.model_dump_json(), r.id
