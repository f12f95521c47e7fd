"""The open-responses profile end to end against the emulator, with the Open Responses document as --spec.

Decided outcome: 4xx answers to requests the endpoint refuses are not "undocumented" when the document lists no
client error at all (OpenAPI does not ask it to), so the only finding is the real dialect difference: the Open
Responses `ResponseResource` requires `presence_penalty` and `frequency_penalty`, which the Azure/OpenAI Response
object (and so the emulator) does not have. It is reported as a failure, named as that difference. The document's
stream schema names the event payload, so it is framed the way schemathesis parses SSE events before the run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contracts.cli import main
from contracts.profiles import (
    allow_undocumented_client_errors,
    builtin_document,
    document_for,
    frame_sse_schemas,
    read_document,
)
from contracts.schema_findings import DIALECT_NOTE
from contracts.schema_layer import run_schema_layer
from contracts.target import Target
from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer
from openapi import derive

OPEN_RESPONSES = derive.DEFAULT_REFERENCE.parent / "openresponses-openapi.json"
needs_document = pytest.mark.skipif(
    not OPEN_RESPONSES.is_file(), reason=f"{OPEN_RESPONSES} is absent (CI has ../shared/reference)"
)
CREATE_SCHEMA = "schema.response_schema_conformance[POST /responses]"
PENALTIES = (
    "missing required properties presence_penalty, frequency_penalty of /components/schemas/ResponseResource"
    + DIALECT_NOTE
)


def statuses(document: dict[str, Any], path: str) -> list[str]:
    return [str(code) for code in document["paths"][path]["post"]["responses"]]


@needs_document
def test_a_document_listing_only_200_gets_a_bare_4xx_and_one_listing_errors_is_left_alone() -> None:
    document = read_document(OPEN_RESPONSES)
    assert statuses(document, "/responses") == ["200"]
    widened = allow_undocumented_client_errors(document)
    assert {"POST /responses", "POST /responses/compact"} <= set(widened)
    assert statuses(document, "/responses") == ["200", "4XX"]
    assert "content" not in document["paths"]["/responses"]["post"]["responses"]["4XX"]
    derived = builtin_document()  # documents its errors with `default`
    assert allow_undocumented_client_errors(derived) == []
    assert derived == builtin_document()


@needs_document
def test_a_stream_schema_naming_the_payload_is_framed_as_schemathesis_parses_events() -> None:
    document = read_document(OPEN_RESPONSES)
    payload = document["paths"]["/responses"]["post"]["responses"]["200"]["content"]["text/event-stream"]["schema"]
    assert frame_sse_schemas(document) == ["POST /responses"]
    frame = document["paths"]["/responses"]["post"]["responses"]["200"]["content"]["text/event-stream"]["schema"]
    assert frame["required"] == ["data"] and frame["properties"]["data"]["contentSchema"] is payload
    assert frame_sse_schemas(document) == []  # already framed, like the derived document
    assert frame_sse_schemas(builtin_document()) == []


@needs_document
@pytest.mark.timeout(120)
def test_a_streamed_answer_is_judged_per_event_and_its_finding_named() -> None:
    # Requests forced to stream=true so that every answer is SSE; the created event's response lacks the penalties.
    with EmulatorServer(EmulatorConfig(azure_mode=False)) as server:
        target = Target(base_url=server.openai_base_url, deployment="o4-mini", auth="bearer", credential="emulator-key",
                        profile="open-responses", spec_path=str(OPEN_RESPONSES))
        document = document_for(target)
        document["paths"] = {"/responses": document["paths"]["/responses"]}
        body = document["paths"]["/responses"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        request = document["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
        request["properties"]["stream"] = {"const": True}
        request.setdefault("required", []).append("stream")
        summary = run_schema_layer(target, max_cases=20, document=document)
    result = next(r for r in summary.results if r.id == CREATE_SCHEMA)
    assert result.outcome.value == "failed"
    assert set(result.details["findings"]) <= {PENALTIES, f"response.created event.response: {PENALTIES}"}
    assert f"response.created event.response: {PENALTIES}" in result.details["findings"]


@needs_document
@pytest.mark.timeout(180)
def test_open_responses_profile_against_the_emulator_reports_only_the_penalty_fields(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "r.json"
    code = main(
        ["run", "--emulator", "--profile", "open-responses", "--spec", str(OPEN_RESPONSES), "--max-cases", "60",
         "--no-progress", "--json", str(report)]
    )
    out = capsys.readouterr().out
    data = json.loads(report.read_text(encoding="utf-8"))
    problems = [r for r in data["results"] if r["outcome"] in ("failed", "error")]
    assert code == 1, out
    assert [r["id"] for r in problems] == [CREATE_SCHEMA], [f"{r['id']}: {r['message'][:300]}" for r in problems]
    finding = problems[0]
    assert finding["outcome"] == "failed"
    assert "openresponses-openapi.json" in finding["doc_rule"]
    # JSON answers, and (when a generated request streams) the created event's response.
    assert PENALTIES in finding["details"]["findings"]
    assert set(finding["details"]["findings"]) <= {PENALTIES, f"response.created event.response: {PENALTIES}"}
    # The refusals of invalid bodies were judged and found fine, on both operations that list only 200.
    by_id = {r["id"]: r for r in data["results"]}
    for operation in ("POST /responses", "POST /responses/compact"):
        conformance = by_id[f"schema.status_code_conformance[{operation}]"]
        assert conformance["outcome"] == "passed" and conformance["details"]["cases"] > 0
        assert by_id[f"schema.negative_data_rejection[{operation}]"]["outcome"] == "passed"
    assert data["summary"]["scenario"]["passed"] > 0 and data["summary"]["catalog"]["passed"] > 0


def test_a_failure_the_namer_cannot_analyse_keeps_the_plain_message() -> None:
    """Naming is decoration: a schema Python's `re` cannot compile (a variable-width look-behind, which the
    Rust validator accepted) must not crash the layer, only fall back to schemathesis' own message."""
    import jsonschema_rs
    from schemathesis.openapi.checks import JsonSchemaError

    from contracts.schema_findings import FindingNamer

    branch = {"type": "object", "required": ["type", "x"],
              "properties": {"type": {"const": "a"}, "x": {"type": "string", "pattern": "(?<=a+)b"}}}
    union = {"anyOf": [branch]}
    with pytest.raises(jsonschema_rs.ValidationError) as raised:
        jsonschema_rs.validator_for(union).validate({"type": "a", "x": "zb"})
    failure = JsonSchemaError.from_exception(operation="POST /responses", exc=raised.value, root_schema=union)
    named = FindingNamer({"components": {"schemas": {"A": branch}}}).name(failure)
    assert named.startswith("Response violates schema") and "anyOf" in named
