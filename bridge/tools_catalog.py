"""The documented catalog as MCP resources, and a tool that checks the configured endpoint against it.

Resources (JSON): `catalog://snapshots`, `catalog://{snapshot}/regions`, `catalog://{snapshot}/models`,
`catalog://diff`. `check_endpoint` sends one tiny request (`max_output_tokens=16`, the documented minimum,
`store=false`) and reads what Azure reports about the deployment: the `model` field, the `x-ms-served-model`
header (the dated snapshot; field reports say `model` may echo the deployment name instead) and the
`x-ms-region` header.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError
from mcp.types import CallToolResult, ToolAnnotations
from openapi.catalog import LATEST, Snapshot, diff, load_catalog, snapshot, split_model_id
from pydantic import BaseModel, Field

from bridge.context import BridgeContext
from bridge.result_format import structured_result
from bridge.upstream_errors import ToolInputError, tool_errors

JSON = "application/json"


class Finding(BaseModel):
    value: str | None = Field(description="What the endpoint reported (None: it reported nothing)")
    documented: bool | None = Field(description="Listed in the snapshot (None: cannot tell)")
    note: str


class Limitation(BaseModel):
    feature: str
    status: str = Field(description="unsupported, known_issue or constraint")
    summary: str


class EndpointCheck(BaseModel):
    snapshot: str = Field(description="Doc snapshot checked against")
    endpoint: str = Field(description="Base URL of the configured endpoint")
    deployment: str = Field(description="Deployment (model) name the check request used")
    response_id: str
    response_model: str | None = Field(description="`model` field of the response")
    served_model: str | None = Field(description="`x-ms-served-model` header")
    model: Finding
    region: Finding
    documented: bool = Field(description="Both model and region are listed in the snapshot")
    other_snapshots: dict[str, dict[str, bool | None]] = Field(
        description="The same two checks against every other doc snapshot"
    )
    limitations: list[Limitation] = Field(description="What the snapshot lists as unsupported or limited")
    summary: str


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


def _snapshot_or_404(snapshot_id: str) -> Snapshot:
    try:
        return snapshot(snapshot_id)
    except KeyError as exc:
        raise ResourceNotFoundError(str(exc.args[0])) from None


def normalise_region(value: str) -> str:
    """`Sweden Central` / `swedencentral` / `sweden-central` → `swedencentral` (Azure's canonical form)."""
    return "".join(ch for ch in value.lower() if ch.isalnum())


def model_finding(snap: Snapshot, response_model: str | None, served_model: str | None) -> Finding:
    reported = served_model or response_model
    if not reported:
        return Finding(value=None, documented=None, note="the endpoint reported no model")
    name, version = split_model_id(reported)
    if snap.model(name) is None:
        return Finding(value=reported, documented=False, note=f"{name} is not listed in snapshot {snap.id}")
    if version is None:
        # No dated suffix: the deployment name was echoed (or the model has no version), so only the family is known.
        documented_versions = ", ".join(snap.model(name).versions) or "none listed"  # type: ignore[union-attr]
        return Finding(
            value=reported,
            documented=True,
            note=f"{name} is listed (documented versions: {documented_versions}); the endpoint did not say which version",
        )
    if snap.supports_model(name, version):
        return Finding(value=reported, documented=True, note=f"{name} version {version} is listed")
    versions = ", ".join(snap.model(name).versions) or "none"  # type: ignore[union-attr]
    return Finding(
        value=reported, documented=False, note=f"{name} is listed but not version {version} (listed: {versions})"
    )


def region_finding(snap: Snapshot, region: str | None) -> Finding:
    if not region:
        return Finding(
            value=None,
            documented=None,
            note="the endpoint sent no x-ms-region header (not Azure, or a proxy removed it); region not checked",
        )
    canonical = normalise_region(region)
    if snap.supports_region(canonical):
        return Finding(value=region, documented=True, note=f"{canonical} is a documented region")
    return Finding(value=region, documented=False, note=f"{canonical} is not among the {len(snap.regions)} documented regions")


def register(mcp: MCPServer, ctx: BridgeContext) -> None:
    """Register the catalog resources and the `check_endpoint` tool on `mcp`."""

    @mcp.resource(
        "catalog://snapshots",
        name="catalog_snapshots",
        title="Documented doc snapshots",
        description="Every doc snapshot of the Azure Responses page: id, source, scope, counts and feature status",
        mime_type=JSON,
    )
    def snapshots() -> str:
        return _dump(
            {
                "latest": LATEST,
                "snapshots": [
                    {
                        "id": s.id,
                        "language": s.language,
                        "source": s.source,
                        "why_this_id": s.why_this_id,
                        "entra_scope": s.entra_scope,
                        "regions": len(s.regions),
                        "models": len(s.models),
                        "image_generation_models": list(s.image_generation_models),
                        "features": {name: f.model_dump() for name, f in s.features.items()},
                        "resources": [f"catalog://{s.id}/regions", f"catalog://{s.id}/models"],
                    }
                    for s in load_catalog().snapshots
                ],
            }
        )

    @mcp.resource(
        "catalog://{snapshot_id}/regions",
        name="catalog_regions",
        title="Documented regions",
        description="Regions where the snapshot documents the Responses API (canonical Azure names)",
        mime_type=JSON,
    )
    def regions(snapshot_id: str) -> str:
        snap = _snapshot_or_404(snapshot_id)
        return _dump({"snapshot": snap.id, "regions": [r.model_dump() for r in snap.regions]})

    @mcp.resource(
        "catalog://{snapshot_id}/models",
        name="catalog_models",
        title="Documented models",
        description="Models and every documented version for the snapshot, plus the image generation models",
        mime_type=JSON,
    )
    def models(snapshot_id: str) -> str:
        snap = _snapshot_or_404(snapshot_id)
        return _dump(
            {
                "snapshot": snap.id,
                "models": [{"name": m.name, "versions": list(m.versions)} for m in snap.models],
                "image_generation_models": list(snap.image_generation_models),
                "image_generation_orchestrators": list(snap.image_generation_orchestrators),
            }
        )

    @mcp.resource(
        "catalog://diff",
        name="catalog_diff",
        title="Differences between the doc snapshots",
        description="What changed from the older doc snapshot to the newer one: regions, model versions, features",
        mime_type=JSON,
    )
    def snapshot_diff() -> str:
        ids = [s.id for s in load_catalog().snapshots]
        oldest, newest = min(ids), max(ids)
        return _dump(diff(oldest, newest).model_dump(mode="json"))

    @mcp.tool(
        annotations=ToolAnnotations(
            title="Check the endpoint against the docs",
            readOnlyHint=True, destructiveHint=False, idempotentHint=True, openWorldHint=True,
        ),
    )
    @tool_errors
    async def check_endpoint(
        snapshot_id: Annotated[
            str, Field(description=f"Doc snapshot to check against (see catalog://snapshots); latest: {LATEST}")
        ] = LATEST,
        model: Annotated[
            str | None, Field(description="Deployment to check; default: the configured deployment")
        ] = None,
    ) -> Annotated[CallToolResult, EndpointCheck]:
        """Check the configured endpoint's deployment (model and version) and region against a doc snapshot.

        Sends one tiny request (16 output tokens, not stored), reads the reported model (`model` field and
        `x-ms-served-model` header) and region (`x-ms-region` header), and says whether both are documented,
        together with the limitations the snapshot lists.
        """
        known = [s.id for s in load_catalog().snapshots]
        if snapshot_id not in known:
            raise ToolInputError(f"snapshot_id: unknown doc snapshot {snapshot_id!r}; use one of {', '.join(known)}")
        deployment = ctx.require_model(model)
        raw = await ctx.client.responses.with_raw_response.create(
            model=deployment, input="Reply with OK.", max_output_tokens=16, store=False
        )
        response = raw.parse()
        served = raw.headers.get("x-ms-served-model")
        region = raw.headers.get("x-ms-region")
        snap = snapshot(snapshot_id)
        model_check = model_finding(snap, response.model, served)
        region_check = region_finding(snap, region)
        others = {
            other: {
                "model_documented": model_finding(snapshot(other), response.model, served).documented,
                "region_documented": region_finding(snapshot(other), region).documented,
            }
            for other in known
            if other != snapshot_id
        }
        documented = bool(model_check.documented) and bool(region_check.documented)
        verdict = "documented" if documented else "NOT fully documented"
        result = EndpointCheck(
            snapshot=snapshot_id,
            endpoint=str(ctx.client.base_url),
            deployment=deployment,
            response_id=response.id,
            response_model=response.model,
            served_model=served,
            model=model_check,
            region=region_check,
            documented=documented,
            other_snapshots=others,
            limitations=[
                Limitation(feature=name, status=f.status, summary=f.summary)
                for name, f in snap.features.items()
                if f.status != "supported"
            ],
            summary=(
                f"Deployment {deployment} on {ctx.client.base_url} is {verdict} in snapshot {snapshot_id}: "
                f"model: {model_check.note}; region: {region_check.note}."
            ),
        )
        return structured_result(result)
