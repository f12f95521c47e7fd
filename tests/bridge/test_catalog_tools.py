"""Catalog resources and `check_endpoint` through the real `mcp` client, against a real emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.bridge.media_harness import bridge_client, media_context, structured, text_of
from mcp.shared.exceptions import MCPError
from mcp.types import TextResourceContents

from bridge.tools_catalog import model_finding, normalise_region, region_finding
from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer
from openapi.catalog import LATEST, snapshot

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]


async def read_json(client, uri: str) -> object:  # noqa: ANN001 - mcp Client
    result = await client.read_resource(uri)
    [content] = result.contents
    assert isinstance(content, TextResourceContents) and content.mime_type == "application/json"
    return json.loads(content.text)


async def test_catalog_resources_are_listed_and_readable(emulator: EmulatorServer, tmp_path: Path) -> None:
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        listed = {str(r.uri) for r in (await client.list_resources()).resources}
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        snapshots = await read_json(client, "catalog://snapshots")
        regions = await read_json(client, "catalog://2025-12/regions")
        models = await read_json(client, f"catalog://{LATEST}/models")
        diff = await read_json(client, "catalog://diff")
    assert {"catalog://snapshots", "catalog://diff"} <= listed
    assert {"catalog://{snapshot_id}/regions", "catalog://{snapshot_id}/models"} <= templates
    assert snapshots["latest"] == LATEST  # type: ignore[index]
    assert {s["id"] for s in snapshots["snapshots"]} == {"2026-05", "2025-12"}  # type: ignore[index]
    older = next(s for s in snapshots["snapshots"] if s["id"] == "2025-12")  # type: ignore[index]
    assert older["features"]["compaction"]["status"] == "unsupported"
    assert len(regions["regions"]) == 25  # type: ignore[index]
    assert any(r["name"] == "italynorth" for r in regions["regions"])  # type: ignore[index]
    gpt4o = next(m for m in models["models"] if m["name"] == "gpt-4o")  # type: ignore[index]
    assert set(gpt4o["versions"]) == {"2024-11-20", "2024-08-06", "2024-05-13"}
    assert "gpt-image-1" in models["image_generation_models"]  # type: ignore[index]
    assert diff["features_changed"]["compaction"] == ["unsupported", "supported"]  # type: ignore[index]
    assert "gpt-5.2-chat@2026-02-10" in diff["models_added"]  # type: ignore[index]


async def test_unknown_snapshot_resource_is_a_clear_error(emulator: EmulatorServer, tmp_path: Path) -> None:
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        with pytest.raises(MCPError) as err:
            await client.read_resource("catalog://1999-01/regions")
        assert "1999-01" in str(err.value) and "2026-05" in str(err.value)
        assert (await client.list_tools()).tools  # still serving


async def test_check_endpoint_reports_the_emulators_model_and_region_as_documented(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        result = structured(await client.call_tool("check_endpoint", {}))
        older = structured(await client.call_tool("check_endpoint", {"snapshot_id": "2025-12", "model": "gpt-4o"}))
    annotations = tools["check_endpoint"].annotations
    assert annotations.read_only_hint is True and annotations.idempotent_hint is True
    assert annotations.destructive_hint is False and annotations.open_world_hint is True
    assert result["snapshot"] == LATEST and result["deployment"] == "gpt-4o"
    assert result["region"] == {"value": "swedencentral", "documented": True, "note": "swedencentral is a documented region"}
    assert result["served_model"].startswith("gpt-4o-") and result["model"]["documented"] is True
    assert result["documented"] is True
    assert result["other_snapshots"] == {"2025-12": {"model_documented": True, "region_documented": True}}
    features = {item["feature"]: item["status"] for item in result["limitations"]}
    assert features["image_generation_streaming"] == "unsupported" and "compaction" not in features
    older_features = {item["feature"]: item["status"] for item in older["limitations"]}
    assert older_features["compaction"] == "unsupported"


async def test_check_endpoint_flags_an_undocumented_region(tmp_path: Path) -> None:
    # westindia: an Azure region the Responses page does not list.
    with EmulatorServer(EmulatorConfig(region="westindia")) as emu:
        async with bridge_client(media_context(emu, tmp_path)) as client:
            result = structured(await client.call_tool("check_endpoint", {}))
    assert result["region"]["documented"] is False and result["documented"] is False
    assert "NOT fully documented" in result["summary"]


async def test_check_endpoint_errors_are_clear(emulator: EmulatorServer, tmp_path: Path) -> None:
    async with bridge_client(media_context(emulator, tmp_path)) as client:
        unknown = await client.call_tool("check_endpoint", {"snapshot_id": "1999-01"})
        assert unknown.is_error and "snapshot_id: unknown doc snapshot '1999-01'" in text_of(unknown)
        missing = await client.call_tool("check_endpoint", {"model": "no-such-deployment"})
        assert missing.is_error and "404" in text_of(missing) and "deployment" in text_of(missing)


def test_findings_read_dated_snapshots_names_and_regions() -> None:
    snap = snapshot(LATEST)
    assert model_finding(snap, "gpt-4o", "gpt-4o-2024-08-06").documented is True
    assert model_finding(snap, "gpt-4o-2023-01-01", None).documented is False
    echoed = model_finding(snap, "gpt-4o", None)
    assert echoed.documented is True and "did not say which version" in echoed.note
    assert model_finding(snap, "my-deployment", None).documented is False
    assert model_finding(snap, None, None).documented is None
    assert normalise_region("Sweden Central") == "swedencentral"
    assert region_finding(snap, "Sweden Central").documented is True
    assert region_finding(snap, None).documented is None
