"""The derived OpenAPI document: valid 3.1, reproducible from the reference, prose-free, Azure overlays in place,
SSE events checkable by schemathesis, and ``openapi.spec`` validating real SDK-shaped bodies."""

from __future__ import annotations

import copy
import datetime
import hashlib
import http
import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai.types import FileObject
from openai.types.responses import ResponseCreatedEvent, ResponseTextDeltaEvent
from openapi_spec_validator import validate as validate_openapi

from openapi import derive, overlay, spec
from openapi.walk import objects as walk, resolve

REFERENCE = derive.DEFAULT_REFERENCE
SdkResponse = Callable[..., dict[str, Any]]
needs_reference = pytest.mark.skipif(
    not REFERENCE.is_file(),
    reason=f"reference document {REFERENCE} is absent (CI has ../shared/reference); cannot compare with upstream",
)
SURFACE = {
    ("POST", "/responses"),
    ("GET", "/responses/{response_id}"),
    ("DELETE", "/responses/{response_id}"),
    ("POST", "/responses/{response_id}/cancel"),
    ("GET", "/responses/{response_id}/input_items"),
    ("POST", "/responses/compact"),
    ("GET", "/files"),
    ("POST", "/files"),
    ("GET", "/files/{file_id}"),
    ("DELETE", "/files/{file_id}"),
    ("GET", "/models"),
}


def sse_body(events: list[dict[str, Any]]) -> bytes:
    return "".join(f"event: {e['type']}\ndata: {json.dumps(e)}\n\n" for e in events).encode()


# --- the document itself ---------------------------------------------------------------------------------------


def test_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    assert doc["openapi"] == "3.1.0"
    validate_openapi(doc)


def test_surface_is_exactly_the_seed_operations(doc: dict[str, Any]) -> None:
    assert set(spec.path_operations()) == SURFACE
    assert len(spec.path_operations()) == len(SURFACE)
    assert not [path for path in doc["paths"] if "?" in path or "beta" in path]


def test_retrieve_keeps_stream_resume_and_include_parameters(doc: dict[str, Any]) -> None:
    params = [resolve(doc, p["$ref"]) if "$ref" in p else p
              for p in doc["paths"]["/responses/{response_id}"]["get"]["parameters"]]
    query = {p["name"]: p for p in params if p["in"] == "query"}
    assert {"stream", "starting_after", "include", "api-version"} <= set(query)
    assert query["stream"]["schema"]["type"] == "boolean"
    assert query["starting_after"]["schema"]["type"] == "integer"


def test_every_ref_resolves_and_every_component_is_reachable(doc: dict[str, Any]) -> None:
    refs = {node["$ref"] for _, node, names in walk(doc) if not names and isinstance(node.get("$ref"), str)}
    assert [ref for ref in sorted(refs) if resolve(doc, ref) is None] == []
    # Only the closure ships: every component is reached from the paths (through other components).
    reached = {derive.split_ref(ref) for ref in derive.iter_refs(doc["paths"])}
    pending = list(reached)
    while pending:
        kind, name = pending.pop()
        for ref in derive.iter_refs(doc["components"][kind][name]):
            if derive.split_ref(ref) not in reached:
                reached.add(derive.split_ref(ref))
                pending.append(derive.split_ref(ref))
    declared = {(kind, name) for kind, items in doc["components"].items() for name in items
                if kind != "securitySchemes"}
    assert declared - reached == set()
    assert 300 <= len(doc["components"]["schemas"]) <= 400


@needs_reference
def test_every_schema_reachable_upstream_is_present(doc: dict[str, Any], reference: dict[str, Any]) -> None:
    upstream, dangling = derive.closure(reference, derive.select_paths(reference))
    assert dangling == []
    missing = sorted(set(upstream["schemas"]) - set(doc["components"]["schemas"]))
    assert missing == []
    # The derived document adds only the Azure error body to upstream's schemas.
    assert set(doc["components"]["schemas"]) - set(upstream["schemas"]) == {"AzureErrorResponse"}


def test_no_prose_survives(doc: dict[str, Any]) -> None:
    phrases = {status.phrase for status in http.HTTPStatus} | {"Error"}
    leftovers = []
    for pointer, node, names in walk(doc):
        if names:
            continue
        for key in node:
            if not derive.is_prose_key(key):
                continue
            is_response = "/responses/" in pointer and "/content" not in pointer and "/headers" not in pointer
            if key == "description" and is_response and node[key] in phrases:
                continue  # 3.1 requires a description on Response Objects: the bare reason phrase
            if pointer == "#/info" and key == "title":
                continue
            leftovers.append(f"{pointer}/{key}")
    assert leftovers == []
    assert "x-oaiMeta" not in json.dumps(doc) and "x-stainless" not in json.dumps(doc)


def test_properties_named_like_prose_keywords_survive(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    assert "description" in schemas["FunctionTool"]["properties"]
    assert "summary" in schemas["ReasoningItem"]["properties"]
    assert "title" in schemas["UrlCitationBody"]["properties"]


def test_no_keywords_outside_the_3_1_dialect(doc: dict[str, Any]) -> None:
    bad = [f"{pointer}/{key}" for pointer, node, names in walk(doc) if not names
           for key in node if key in ("nullable", "$recursiveRef", "$recursiveAnchor")]
    assert bad == []
    assert {"$ref": "#/components/schemas/CompoundFilter"} in doc["components"]["schemas"]["CompoundFilter"][
        "properties"]["filters"]["items"]["oneOf"]


def test_every_schema_default_satisfies_its_schema(doc: dict[str, Any]) -> None:
    # openapi-spec-validator rejects such defaults; the generator drops them (recorded as a deviation).
    assert derive.drop_invalid_defaults(copy.deepcopy(doc)) == []


@needs_reference
def test_regenerates_byte_identically_from_the_reference() -> None:
    committed = resources.files("openapi").joinpath("responses.v1.json").read_text(encoding="utf-8")
    assert derive.render(derive.derive(REFERENCE)) == committed


@needs_reference
def test_check_flag_reports_a_stale_document(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "responses.v1.json"
    assert derive.main(["--out", str(out)]) == 0
    assert derive.main(["--out", str(out), "--check"]) == 0
    out.write_text(out.read_text(encoding="utf-8").replace('"3.1.0"', '"3.1.1"'), encoding="utf-8")
    assert derive.main(["--out", str(out), "--check"]) == 1
    assert "stale" in capsys.readouterr().err


@needs_reference
def test_provenance_matches_the_reference_file(doc: dict[str, Any]) -> None:
    provenance = doc["info"]["x-provenance"]
    assert provenance["sha256"] == hashlib.sha256(REFERENCE.read_bytes()).hexdigest()
    assert provenance["source"] == "openai/openai-openapi"
    assert provenance["commit"] == "f85dbe223d40e1a31cba812ab2d755c7e98a92a3"
    assert provenance["file"] == "openapi.yaml"


def test_deviations_are_recorded(doc: dict[str, Any]) -> None:
    deviations = doc["info"]["x-deviations"]
    assert all(set(d) == {"where", "change", "why"} for d in deviations)
    where = " ".join(d["where"] for d in deviations)
    for expected in ("CompoundFilter", "ModelResponseProperties.user", "Response.usage",
                     "GET /responses/{response_id} 200", "text/event-stream", "DELETE /responses/{response_id} 404",
                     "ListFilesResponse.first_id", "OpenAIFile.status_details", "OpenAIFile.purpose=evals",
                     "#/components/schemas/ItemField", "#/components/schemas/InputItem"):
        assert expected in where


# --- Azure overlays ----------------------------------------------------------------------------------------------


def test_security_schemes_are_global_alternatives(doc: dict[str, Any]) -> None:
    schemes = doc["components"]["securitySchemes"]
    assert schemes == {
        "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "api-key"},
        "BearerAuth": {"type": "http", "scheme": "bearer"},
    }
    assert doc["security"] == [{"ApiKeyHeader": []}, {"BearerAuth": []}]
    assert all("security" not in op for _, _, op in overlay.operations(doc))


def test_servers_offer_azure_v1_and_openai(doc: dict[str, Any]) -> None:
    azure, openai_server = doc["servers"]
    assert azure["url"] == "https://{resource}.openai.azure.com/openai/v1"
    assert "default" in azure["variables"]["resource"]
    assert openai_server["url"] == "https://api.openai.com/v1"


def test_every_operation_has_api_version_and_azure_default_error(doc: dict[str, Any]) -> None:
    for method, path, op in overlay.operations(doc):
        params = [resolve(doc, p["$ref"]) if "$ref" in p else p for p in op["parameters"]]
        version = [p for p in params if p["name"] == "api-version"]
        assert len(version) == 1, (method, path)
        assert version[0]["in"] == "query" and version[0]["required"] is False
        assert version[0]["schema"]["enum"] == ["v1", "preview"]
        default = resolve(doc, op["responses"]["default"]["$ref"])
        schema_ref = default["content"]["application/json"]["schema"]["$ref"]
        assert schema_ref == "#/components/schemas/AzureErrorResponse", (method, path)


def test_every_response_declares_apim_request_id(doc: dict[str, Any]) -> None:
    for method, path, op in overlay.operations(doc):
        for status, response in op["responses"].items():
            response = resolve(doc, response["$ref"]) if "$ref" in response else response
            header = response["headers"]["apim-request-id"]
            header = resolve(doc, header["$ref"]) if "$ref" in header else header
            assert header["required"] is False and header["schema"]["type"] == "string", (method, path, status)


def test_image_generation_deployment_header_only_on_create(doc: dict[str, Any]) -> None:
    def header_names(op: dict[str, Any]) -> set[str]:
        params = [resolve(doc, p["$ref"]) if "$ref" in p else p for p in op.get("parameters", [])]
        return {p["name"] for p in params if p["in"] == "header"}

    for method, path, op in overlay.operations(doc):
        has = "x-ms-oai-image-generation-deployment" in header_names(op)
        assert has == ((method, path) == ("post", "/responses")), (method, path)


def test_azure_error_body_accepts_every_reported_shape() -> None:
    for body in (
        {"error": {"code": "404", "message": "Resource not found"}},
        {"error": {"code": "DeploymentNotFound", "message": "The API deployment for this resource does not exist."}},
        {"error": {"message": "bad", "type": "invalid_request_error", "param": None, "code": None}},
        {"error": {"message": "too small", "type": "invalid_request_error", "param": "max_output_tokens",
                   "code": "integer_below_min_value", "inner_error": {"code": "ResponsibleAIPolicyViolation"}}},
        {"error": {}},
        # wrong token audience: Azure answers without the `error` wrapper (AZURE-DIALECT.md)
        {"statusCode": 401, "message": "Unauthorized. Access token is missing, invalid, audience is incorrect."},
    ):
        spec.validate(body, "AzureErrorResponse")
    with pytest.raises(spec.SchemaValidationError) as failure:
        spec.validate({"error": {"code": "x", "message": 7}}, "AzureErrorResponse")
    assert failure.value.json_path == "$.error.message"


def test_documented_404_bodies_are_the_wrapped_error(doc: dict[str, Any]) -> None:
    body = {"error": {"message": "No response found with id 'resp_x'.", "type": "invalid_request_error",
                      "param": None, "code": None}}
    for method, path in (("delete", "/responses/{response_id}"), ("post", "/responses/{response_id}/cancel")):
        schema = doc["paths"][path][method]["responses"]["404"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorResponse"}
    spec.validate(body, "ErrorResponse")


# --- Server-Sent Events ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method,path", overlay.STREAMING)
def test_sse_media_type_declares_json_data_with_the_event_union(doc: dict[str, Any], method: str, path: str) -> None:
    content = doc["paths"][path][method]["responses"]["200"]["content"]
    assert content["application/json"]["schema"] == {"$ref": "#/components/schemas/Response"}
    data = content["text/event-stream"]["schema"]["properties"]["data"]
    assert data["type"] == "string"
    assert data["contentMediaType"] == "application/json"
    assert data["contentSchema"] == {"$ref": "#/components/schemas/ResponseStreamEvent"}


@pytest.mark.timeout(120)
@pytest.mark.parametrize("method,path", overlay.STREAMING)
def test_schemathesis_validates_each_sse_event(method: str, path: str, sdk_response: SdkResponse) -> None:
    import schemathesis

    operation = schemathesis.openapi.from_dict(spec.load())[path][method.upper()]
    created = ResponseCreatedEvent.model_validate(
        {"type": "response.created", "sequence_number": 0,
         "response": sdk_response(status="in_progress", output=[], usage=None)},
    ).model_dump(mode="json", exclude_unset=True)
    delta = ResponseTextDeltaEvent.model_validate(
        {"type": "response.output_text.delta", "sequence_number": 1, "item_id": "msg_1", "output_index": 0,
         "content_index": 0, "delta": "Hal", "logprobs": []},
    ).model_dump(mode="json", exclude_unset=True)

    def reply(events: list[dict[str, Any]]) -> httpx.Response:
        request = httpx.Request(method.upper(), f"http://127.0.0.1/openai/v1{path}")
        response = httpx.Response(200, headers={"content-type": "text/event-stream"}, content=sse_body(events),
                                  request=request)
        response.elapsed = datetime.timedelta(0)
        return response

    operation.validate_response(reply([created, delta]))
    with pytest.raises(Exception, match="SSE event payload violates content schema"):
        operation.validate_response(reply([created, {**delta, "delta": 5}]))


# --- openapi.spec ------------------------------------------------------------------------------------------------


def test_validate_accepts_sdk_built_response_and_events(sdk_response: SdkResponse) -> None:
    spec.validate(sdk_response(), "Response")
    # A queued background response: usage is null, as the API sends it.
    spec.validate(sdk_response(status="queued", background=True, output=[], usage=None), "Response")
    event = ResponseTextDeltaEvent.model_validate(
        {"type": "response.output_text.delta", "sequence_number": 3, "item_id": "msg_1", "output_index": 0,
         "content_index": 0, "delta": "lo", "logprobs": []},
    ).model_dump(mode="json")
    spec.validate(event, "ResponseStreamEvent")


def test_validate_rejects_a_broken_response_naming_schema_and_path(sdk_response: SdkResponse) -> None:
    body = sdk_response()
    body["output"][0]["content"][0]["text"] = 5
    with pytest.raises(spec.SchemaValidationError) as failure:
        spec.validate(body, "Response")
    assert failure.value.schema_name == "Response"
    assert failure.value.json_path == "$.output[0].content[0].text"
    assert str(failure.value).startswith("Response: $.output[0].content[0].text: 5 is not of type 'string'")


def test_validate_names_the_unknown_event_type() -> None:
    with pytest.raises(spec.SchemaValidationError, match=r"\$: none of the \d+ alternatives .* 'response.nope'"):
        spec.validate({"type": "response.nope", "sequence_number": 1}, "ResponseStreamEvent")


def test_validate_reports_a_missing_required_field_of_the_intended_branch(sdk_response: SdkResponse) -> None:
    body = sdk_response()
    del body["output"][0]["content"][0]["annotations"]
    with pytest.raises(spec.SchemaValidationError) as failure:
        spec.validate(body, "Response")
    assert failure.value.json_path == "$.output[0].content[0]"
    assert "'annotations' is a required property" in failure.value.message


def test_validate_accepts_sdk_built_file_objects_and_empty_pages() -> None:
    # The Azure seed's upload output, re-serialised by the SDK; expiry and status details are null there.
    uploaded = FileObject.model_validate({
        "id": "assistant-KaVLJQTiWEvdz8yJQHHkqJ", "bytes": 4691115, "created_at": 1752174469,
        "filename": "nucleus_sampling.pdf", "object": "file", "purpose": "assistants", "status": "processed",
        "expires_at": None, "status_details": None,
    }).model_dump(mode="json")
    spec.validate(uploaded, "OpenAIFile")
    spec.validate({**uploaded, "purpose": "evals"}, "OpenAIFile")  # a purpose CreateFileRequest accepts
    spec.validate({"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False},
                  "ListFilesResponse")
    with pytest.raises(spec.SchemaValidationError, match=r"OpenAIFile: \$.purpose: 'nonsense' is not one of"):
        spec.validate({**uploaded, "purpose": "nonsense"}, "OpenAIFile")


def test_loader_hands_out_copies_and_helpful_errors() -> None:
    first = spec.load()
    first["paths"].clear()
    assert spec.load()["paths"]
    fragment = spec.schema("Response")
    fragment.clear()
    assert spec.schema("Response")
    with pytest.raises(KeyError, match="did you mean Response"):
        spec.schema("Respons")
    with pytest.raises(KeyError):
        spec.validator_for("NoSuchSchema")
    assert "ResponseStreamEvent" in spec.schema_names()
