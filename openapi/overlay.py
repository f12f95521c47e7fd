"""Azure OpenAI v1 overlays applied to the derived document (see ``openapi/derive.py``).

What is added, and why:

* security schemes ``ApiKeyHeader`` (``api-key`` header) and ``BearerAuth`` (Entra ID token or OpenAI key), applied
  globally as alternatives; the upstream ``ApiKeyAuth`` is dropped (it is the same bearer scheme);
* ``servers``: the Azure v1 base URL (``{resource}`` variable) and OpenAI's;
* the optional ``api-version`` query parameter (``v1`` | ``preview``) on every operation;
* ``AzureErrorResponse`` (``{"error": {"code", "message", "param", "type", "inner_error"}}``, every field optional
  and nullable, extra fields allowed) as a ``default`` response on every operation, because the upstream document
  declares almost no error statuses and real 400/401/404 answers would otherwise be flagged as undocumented;
* the ``apim-request-id`` response header (optional) on every response;
* the optional ``x-ms-oai-image-generation-deployment`` request header on ``POST /responses``;
* Server-Sent Events made checkable (below).

SSE shape. schemathesis 4.32.5 parses a ``text/event-stream`` body into events ``{"data": str, "event": str,
"id"?: str, "retry"?: int}`` (``core/deserialization.py``) and, for OpenAPI 3.0/3.1 documents, treats the media
type's ``schema`` as the schema of *one such event* (``specs/openapi/adapter/responses.py``: without ``itemSchema``
the ``schema`` describes each event). It then validates each event with a custom ``contentMediaType`` keyword
(``specs/openapi/content_keywords.py``): when the same schema object carries ``contentSchema``, the string is
deserialized with the named media type and validated against ``contentSchema``. So each SSE media type gets::

    schema: {type: object, required: [data],
             properties: {data: {type: string, contentMediaType: application/json,
                                 contentSchema: {$ref: "#/components/schemas/ResponseStreamEvent"}},
                          event: {type: string}, id: {type: string}, retry: {type: integer}}}

``itemSchema`` (OpenAPI 3.2) is not used: a 3.1 Media Type Object forbids unknown fields, so the document would
fail ``openapi-spec-validator``. The upstream ``schema`` there named the event union directly, which would have
validated the parsed SSE envelope (``data``/``event``) against the event union and failed on every event.
"""

from __future__ import annotations

from typing import Any

METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
AZURE_SERVER = "https://{resource}.openai.azure.com/openai/v1"
OPENAI_SERVER = "https://api.openai.com/v1"
STREAM_EVENT_SCHEMA = "ResponseStreamEvent"
# Operations that answer with an SSE stream when asked to (``stream: true`` in the body or ``?stream=true``).
STREAMING = (("post", "/responses"), ("get", "/responses/{response_id}"))

ERROR_FIELDS = {
    "code": {"type": ["string", "null"]},
    "message": {"type": ["string", "null"]},
    "param": {"type": ["string", "null"]},
    "type": {"type": ["string", "null"]},
    "inner_error": {"type": ["object", "null"]},
}


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """``(method, path, operation)`` for every operation, in document order."""
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def sse_media_type() -> dict[str, Any]:
    """One SSE event as schemathesis parses it, with its JSON ``data`` validated against the event union."""
    return {
        "schema": {
            "type": "object",
            "required": ["data"],
            "properties": {
                "data": {
                    "type": "string",
                    "contentMediaType": "application/json",
                    "contentSchema": {"$ref": f"#/components/schemas/{STREAM_EVENT_SCHEMA}"},
                },
                "event": {"type": "string"},
                "id": {"type": "string"},
                "retry": {"type": "integer"},
            },
        }
    }


def add_components(components: dict[str, Any]) -> None:
    components["securitySchemes"] = {
        "ApiKeyHeader": {"type": "apiKey", "in": "header", "name": "api-key"},
        "BearerAuth": {"type": "http", "scheme": "bearer"},
    }
    components.setdefault("parameters", {}).update({
        "ApiVersion": {
            "name": "api-version", "in": "query", "required": False,
            "schema": {"type": "string", "enum": ["v1", "preview"]},
        },
        "ImageGenerationDeployment": {
            "name": "x-ms-oai-image-generation-deployment", "in": "header", "required": False,
            "schema": {"type": "string"},
        },
    })
    components.setdefault("headers", {})["ApimRequestId"] = {"required": False, "schema": {"type": "string"}}
    components["schemas"]["AzureErrorResponse"] = {
        "type": "object",
        "properties": {"error": {"type": ["object", "null"], "properties": ERROR_FIELDS}},
    }
    components.setdefault("responses", {})["AzureError"] = {
        "description": "Error",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AzureErrorResponse"}}},
    }


def add_request_id_header(response: dict[str, Any]) -> None:
    if "$ref" not in response:
        response.setdefault("headers", {})["apim-request-id"] = {"$ref": "#/components/headers/ApimRequestId"}


def add_streams(document: dict[str, Any], deviations: list[dict[str, str]]) -> None:
    if STREAM_EVENT_SCHEMA not in document["components"]["schemas"]:
        raise KeyError(f"upstream no longer defines {STREAM_EVENT_SCHEMA}; update openapi/overlay.py")
    for method, path in STREAMING:
        content = document["paths"][path][method]["responses"]["200"]["content"]
        if "text/event-stream" not in content:
            deviations.append({
                "where": f"{method.upper()} {path} 200",
                "change": "text/event-stream response added",
                "why": "the operation streams when ?stream=true (resume with starting_after) but upstream "
                       "declares only application/json",
            })
        content["text/event-stream"] = sse_media_type()
    deviations.append({
        "where": "text/event-stream media types",
        "change": f"schema describes one parsed SSE event whose 'data' is JSON matching {STREAM_EVENT_SCHEMA} "
                  "(contentMediaType + contentSchema)",
        "why": "upstream put the event union where OpenAPI 3.1 tools expect the SSE envelope (data/event/id)",
    })


def apply(document: dict[str, Any]) -> None:
    """Add the Azure overlays to ``document`` in place and record deviations in ``info.x-deviations``."""
    deviations = document["info"]["x-deviations"]
    document["servers"] = [
        {"url": AZURE_SERVER, "variables": {"resource": {"default": "your-resource"}}},
        {"url": OPENAI_SERVER},
    ]
    document["security"] = [{"ApiKeyHeader": []}, {"BearerAuth": []}]
    components = document["components"]
    add_components(components)
    for response in components["responses"].values():
        add_request_id_header(response)
    add_streams(document, deviations)
    for method, path, operation in operations(document):
        operation.pop("security", None)  # upstream per-operation schemes are not defined here
        parameters = operation.setdefault("parameters", [])
        parameters.append({"$ref": "#/components/parameters/ApiVersion"})
        if (method, path) == ("post", "/responses"):
            parameters.append({"$ref": "#/components/parameters/ImageGenerationDeployment"})
        responses = operation["responses"]
        responses["default"] = {"$ref": "#/components/responses/AzureError"}
        for response in responses.values():
            add_request_id_header(response)
