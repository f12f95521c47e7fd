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
