"""Layer 1 (schemathesis) against the emulator and against a tiny endpoint with one defect at a time."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from contracts import cost_control
from contracts.profiles import ProfileError, builtin_document, document_for
from contracts.results import Layer, Outcome
from contracts.schema_layer import run_schema_layer, schemathesis_config
from contracts.target import Target
from tests.contracts.loopback import serve
from tests.contracts.toy_endpoint import KEY, create_app

# ../shared beside the repository, as CI lays it out.
OPEN_RESPONSES_SPEC = str(Path(__file__).resolve().parents[3] / "shared" / "reference" / "openresponses-openapi.json")
# One fuzzing pass: the cheapest way to send a few generated bodies to POST /responses.
FUZZ_ONLY = ((("fuzzing",), 1.0),)


def only_paths(document: dict[str, Any], *paths: str) -> dict[str, Any]:
    """The document with just these paths (components kept), to keep a test run small."""
    small = copy.deepcopy(document)
    small["paths"] = {path: item for path, item in small["paths"].items() if path in paths}
    return small


def toy_target(root: str, **overrides: Any) -> Target:
    fields: dict[str, Any] = dict(base_url=f"{root}/openai/v1", deployment="gpt-4o", credential=KEY, timeout_s=5)
    fields.update(overrides)
    return Target(**fields)


def failed(results: list, check: str) -> list:
    return [r for r in results if r.outcome is Outcome.failed and r.id.startswith(f"schema.{check}[")]


def describe(results: list) -> str:
    return "\n".join(f"{r.id}: {r.message[:300]}\n{r.response[-400:]}" for r in results if r.is_failure)


@pytest.mark.timeout(120)
def test_default_profile_passes_against_the_emulator(target: Target) -> None:
    summary = run_schema_layer(target, max_cases=120)
    assert summary.cases >= 80
    assert {r.layer for r in summary.results} == {Layer.schema}
    assert not [r for r in summary.results if r.is_failure], describe(summary.results)
    # Every documented operation was exercised, by the built-in and by our own checks.
    tested = {r.id.split("[", 1)[1].rstrip("]") for r in summary.results}
    assert {"POST /responses", "GET /responses/{response_id}", "GET /models", "POST /files"} <= tested
    checks = {r.id.split("[", 1)[0] for r in summary.results}
    assert {"schema.response_schema_conformance", "schema.not_a_server_error", "schema.request_id_header"} <= checks


@pytest.mark.timeout(60)
def test_server_error_on_an_invalid_body_is_a_failure_with_request_and_response() -> None:
    document = only_paths(builtin_document(), "/responses")
    with serve(create_app("server_error")) as root:
        # Generation is derandomized: 80 fuzzed cases include invalid bodies for this document on every run.
        summary = run_schema_layer(toy_target(root), max_cases=80, document=document, passes=FUZZ_ONLY)
    failures = failed(summary.results, "not_a_server_error")
    assert failures, describe(summary.results)
    first = failures[0]
    assert first.request.startswith("POST ") and "/openai/v1/responses" in first.request
    assert first.response.startswith("HTTP 500")
    assert "5xx" in first.doc_rule


@pytest.mark.timeout(60)
def test_wrong_error_body_and_non_json_are_flagged_by_the_azure_checks() -> None:
    document = only_paths(builtin_document(), "/models")
    with serve(create_app("wrong_error_body")) as root:
        summary = run_schema_layer(toy_target(root), max_cases=30, document=document)
    assert failed(summary.results, "azure_error_body"), describe(summary.results)
    with serve(create_app("non_json")) as root:
        summary = run_schema_layer(toy_target(root), max_cases=30, document=document)
    assert failed(summary.results, "content_type_conformance"), describe(summary.results)


@pytest.mark.timeout(60)
def test_cost_control_forces_deployment_caps_tokens_and_drops_expensive_parts() -> None:
    app = create_app()
    document = only_paths(builtin_document(), "/responses")
    with serve(app) as root:
        summary = run_schema_layer(
            toy_target(root, deployment="my-deploy"), max_cases=30, document=document, passes=FUZZ_ONLY
        )
    assert summary.cases > 0
    bodies = [b for b in app.state.bodies if isinstance(b, dict)]
    assert len(bodies) >= 10
    for body in bodies:
        if isinstance(body.get("model", ""), str) or body.get("model") is None:
            assert body["model"] == "my-deploy", body
        tokens = body.get("max_output_tokens")
        assert not (type(tokens) is int and tokens > cost_control.MIN_OUTPUT_TOKENS), body
        assert body.get("background") is not True, body
        for tool in body.get("tools") or []:
            assert not (isinstance(tool, dict) and tool.get("type") in cost_control.EXPENSIVE_TOOL_TYPES), body
    # The hook is switched off once the run is over.
    assert cost_control.active() is None


@pytest.mark.timeout(60)
def test_case_budget_stops_the_run() -> None:
    document = only_paths(builtin_document(), "/models", "/files", "/files/{file_id}")
    with serve(create_app()) as root:
        summary = run_schema_layer(toy_target(root), max_cases=15, document=document)
    # The engine notices the stop between cases, so a few in flight may still finish.
    assert 0 < summary.cases <= 25
    assert summary.stop_reason == "budget"


@pytest.mark.timeout(60)
def test_timeouts_and_hung_streams_become_errors_or_failures_not_crashes() -> None:
    document = only_paths(builtin_document(), "/responses")
    for defect in ("slow", "hang_stream"):
        with serve(create_app(defect)) as root:
            summary = run_schema_layer(toy_target(root, timeout_s=1), max_cases=3, document=document, passes=FUZZ_ONLY)
        assert summary.results, defect
        assert any(r.is_failure for r in summary.results), (defect, describe(summary.results))


def test_credentials_go_to_the_documents_security_schemes() -> None:
    document = builtin_document()
    target = Target(base_url="http://127.0.0.1:1/openai/v1", deployment="d", credential="sk-secret")
    config = schemathesis_config(target, document)
    assert config["auth"] == {"openapi": {"ApiKeyHeader": {"api_key": "sk-secret"}}}
    bearer = Target(base_url="http://127.0.0.1:1/v1", deployment="d", credential="tok", auth="bearer")
    assert schemathesis_config(bearer, document)["auth"] == {"openapi": {"BearerAuth": {"bearer": "tok"}}}
    assert config["generation"]["deterministic"] is True and config["generation"]["database"] == "none"


def test_profiles_adapt_the_document() -> None:
    azure = document_for(Target(base_url="http://x", deployment="d"))
    # Discriminators name the members' `type` constants, not their schema names (OpenAPI's implicit default).
    mapping = azure["components"]["schemas"]["ItemField"]["discriminator"]["mapping"]
    assert mapping["compaction"] == "#/components/schemas/CompactionBody"
    assert mapping["message"] == "#/components/schemas/Message"
    purposes = azure["components"]["schemas"]["CreateFileRequest"]["properties"]["purpose"]["enum"]
    assert "user_data" not in purposes and "assistants" in purposes

    openai = document_for(Target(base_url="http://x", deployment="d", profile="openai"))
    names = [
        p.get("name") or p.get("$ref")
        for item in openai["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for p in op.get("parameters", [])
    ]
    assert not [n for n in names if n and ("ApiVersion" in n or n == "api-version")]
    assert openai["security"] == [{"BearerAuth": []}]
    assert "apim-request-id" not in openai["paths"]["/responses"]["post"]["responses"]["200"].get("headers", {})

    with pytest.raises(ProfileError, match="--spec"):
        document_for(Target(base_url="http://x", deployment="d", profile="open-responses"))
    with pytest.raises(ProfileError, match="no such file"):
        document_for(Target(base_url="http://x", deployment="d", spec_path="/nonexistent/spec.json"))


def test_open_responses_profile_loads_the_given_spec() -> None:
    import os

    if not os.path.exists(OPEN_RESPONSES_SPEC):
        pytest.skip(f"{OPEN_RESPONSES_SPEC} is not present on this machine")
    document = document_for(
        Target(base_url="http://x", deployment="d", profile="open-responses", spec_path=OPEN_RESPONSES_SPEC)
    )
    assert "/responses" in " ".join(document["paths"])
