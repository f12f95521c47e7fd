"""Dialect profiles: which document a target is checked against and which Azure rules apply to it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contracts.target import AuthKind, Profile, Target
from openapi.discriminators import add_mappings
from openapi.overlay import sse_media_type

# Operation parameters and response headers that only Azure defines; the OpenAI profile removes them
# from the document so that generated requests look like OpenAI ones and OpenAI answers are not judged on them.
AZURE_ONLY_PARAMETERS = frozenset({"api-version", "x-ms-oai-image-generation-deployment"})
AZURE_ONLY_RESPONSE_HEADERS = frozenset({"apim-request-id"})
AZURE_UNSUPPORTED_FILE_PURPOSES = frozenset({"user_data"})
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class ProfileError(ValueError):
    """A profile cannot be used as asked (e.g. open-responses without --spec)."""


@dataclass(frozen=True)
class ProfileRules:
    name: Profile
    summary: str
    default_auth: AuthKind
    azure_headers: bool  # expect `apim-request-id` / `x-request-id` on answers
    azure_error_body: bool  # 4xx bodies must be `{"error": {...}}` (Azure/OpenAI style) or Azure's 401 variant
    needs_spec: bool  # the built-in document does not describe this dialect: --spec is required


PROFILES: dict[str, ProfileRules] = {
    "azure-v1": ProfileRules(
        name="azure-v1",
        summary="Azure OpenAI v1 (/openai/v1/): api-key or Entra bearer, Azure error bodies and headers",
        default_auth="api-key",
        azure_headers=True,
        azure_error_body=True,
        needs_spec=False,
    ),
    "openai": ProfileRules(
        name="openai",
        summary="OpenAI (api.openai.com/v1): bearer key, no api-version, no Azure headers",
        default_auth="bearer",
        azure_headers=False,
        azure_error_body=True,
        needs_spec=False,
    ),
    "open-responses": ProfileRules(
        name="open-responses",
        summary="Open Responses implementations, checked against the document given with --spec",
        default_auth="bearer",
        azure_headers=False,
        azure_error_body=False,
        needs_spec=True,
    ),
}


def rules_for(profile: str) -> ProfileRules:
    try:
        return PROFILES[profile]
    except KeyError:
        raise ProfileError(f"unknown profile {profile!r}: use one of {', '.join(PROFILES)}") from None


def read_document(path: str | Path) -> dict[str, Any]:
    """A JSON or YAML OpenAPI document from disk, with a clear error naming the file."""
    file = Path(path)
    if not file.is_file():
        raise ProfileError(f"--spec {path}: no such file")
    text = file.read_text(encoding="utf-8")
    try:
        document = json.loads(text) if file.suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise ProfileError(f"--spec {path}: not a JSON/YAML document ({exc})") from None
    if not isinstance(document, dict) or "paths" not in document:
        raise ProfileError(f"--spec {path}: not an OpenAPI document (no 'paths')")
    return document


def builtin_document() -> dict[str, Any]:
    """The derived document shipped in `openapi/` (a fresh copy: callers may edit it)."""
    try:
        from openapi import spec
    except ImportError:  # the loader module is optional; the JSON file is the contract
        import openapi

        return json.loads((Path(openapi.__file__).parent / "responses.v1.json").read_text(encoding="utf-8"))
    return copy.deepcopy(spec.load())


def document_for(target: Target, *, loader: Callable[[], dict[str, Any]] = builtin_document) -> dict[str, Any]:
    """The OpenAPI document layer 1 runs for this target, adapted to its profile."""
    rules = rules_for(target.profile)
    if target.spec_path:
        document = read_document(target.spec_path)
        # The built-in document's generator maps its discriminators; a given one may leave them to OpenAPI's
        # implicit schema-name rule (the Open Responses document does), which flags every real `type` tag.
        add_mappings(document)
        allow_undocumented_client_errors(document)
        frame_sse_schemas(document)
    elif rules.needs_spec:
        raise ProfileError(
            f"profile {rules.name!r} needs --spec PATH (e.g. the Open Responses document openresponses-openapi.json)"
        )
    else:
        document = loader()
    if rules.name == "azure-v1":
        apply_azure_limits(document)
    else:
        strip_azure(document)
    return document


def allow_undocumented_client_errors(document: dict[str, Any]) -> list[str]:
    """Give operations that document no client error at all a bare `4XX` response, in place; returns their labels.

    OpenAPI asks a document to cover the success response and the errors it knows of, not every status (3.1,
    Responses Object). A document listing only 200 (the Open Responses one) says nothing about 4xx, so a
    400 for an invalid body is the right answer, not an undocumented one. Whether a *valid* request was refused
    stays positive_data_acceptance's call; the answer's body has no schema to be checked against.
    """
    widened = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            responses = item.get(method, {}).get("responses") if isinstance(item.get(method), dict) else None
            if not isinstance(responses, dict) or not responses:
                continue
            codes = [str(code).upper() for code in responses]
            if "DEFAULT" in codes or any(code.startswith("4") for code in codes):
                continue
            responses["4XX"] = {"description": "client error (the document lists none; OpenAPI does not require it)"}
            widened.append(f"{method.upper()} {path}")
    return widened


def frame_sse_schemas(document: dict[str, Any]) -> list[str]:
    """Make `text/event-stream` schemas that describe the event payload describe the SSE event, in place.

    schemathesis validates each parsed event (`{"data": str, "event": str, ...}`) against the media type's
    schema, so a document naming the payload union there (the Open Responses one does) fails every streamed
    answer whatever the endpoint sends. The derived document's shape fixes that (see `openapi.overlay`): the
    payload schema moves to `data`'s `contentSchema`. Returns the labels of the operations changed.
    """
    framed = []
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            for response in (operation.get("responses", {}) if isinstance(operation, dict) else {}).values():
                media = response.get("content", {}).get("text/event-stream") if isinstance(response, dict) else None
                schema = media.get("schema") if isinstance(media, dict) else None
                if not isinstance(schema, dict) or "data" in schema.get("properties", {}):
                    continue
                frame = sse_media_type()["schema"]
                frame["properties"]["data"]["contentSchema"] = schema
                media["schema"] = frame
                framed.append(f"{method.upper()} {path}")
    return framed


def response_properties(document: dict[str, Any], name: str = "Response") -> frozenset[str]:
    """Every property name the document's `name` schema declares, through `allOf` and local `$ref`s."""
    schemas = document.get("components", {}).get("schemas", {})
    names: set[str] = set()
    pending: list[Any] = [schemas.get(name, {})]
    seen: set[str] = set()
    while pending:
        schema = pending.pop()
        if not isinstance(schema, dict):
            continue
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/") and ref not in seen:
            seen.add(ref)
            pending.append(schemas.get(ref.rsplit("/", 1)[-1], {}))
        names.update(schema.get("properties", {}))
        pending.extend(schema.get("allOf", []))
    return frozenset(names)


def apply_azure_limits(document: dict[str, Any]) -> None:
    """Narrow the document where the Azure pages document a refusal, so valid requests stay acceptable.

    Both seeds: file purpose `user_data` is not supported (upload with `purpose=assistants`).
    """
    purpose = (
        document.get("components", {}).get("schemas", {}).get("CreateFileRequest", {}).get("properties", {})
        .get("purpose", {})
    )
    if isinstance(purpose.get("enum"), list):
        purpose["enum"] = [value for value in purpose["enum"] if value not in AZURE_UNSUPPORTED_FILE_PURPOSES]


def strip_azure(document: dict[str, Any]) -> None:
    """Remove the Azure-only overlays (api-version, image deployment header, apim-request-id) in place."""
    components = document.get("components", {})
    azure_refs = {
        f"#/components/parameters/{name}"
        for name, param in components.get("parameters", {}).items()
        if param.get("name") in AZURE_ONLY_PARAMETERS
    }
    for item in document.get("paths", {}).values():
        holders = [item] + [item[m] for m in METHODS if m in item]
        for holder in holders:
            if "parameters" in holder:
                holder["parameters"] = [
                    p
                    for p in holder["parameters"]
                    if p.get("$ref") not in azure_refs and p.get("name") not in AZURE_ONLY_PARAMETERS
                ]
            for response in holder.get("responses", {}).values():
                for header in AZURE_ONLY_RESPONSE_HEADERS:
                    response.get("headers", {}).pop(header, None)
    for response in components.get("responses", {}).values():
        for header in AZURE_ONLY_RESPONSE_HEADERS:
            response.get("headers", {}).pop(header, None)
    # Only the bearer scheme applies to OpenAI-style endpoints.
    schemes = components.get("securitySchemes", {})
    bearer = [name for name, s in schemes.items() if s.get("type") == "http" and s.get("scheme") == "bearer"]
    if bearer:
        document["security"] = [{name: []} for name in bearer]
