"""The documented catalog matches what each doc snapshot says (pairs written from reading the seeds)."""

from __future__ import annotations

import pytest

from openapi import catalog

# Canonical Azure names; both pages list the same 25 regions (localised differently).
REGIONS = {
    "australiaeast", "brazilsouth", "canadacentral", "canadaeast", "eastus", "eastus2", "francecentral",
    "germanywestcentral", "italynorth", "japaneast", "koreacentral", "northcentralus", "norwayeast",
    "polandcentral", "southafricanorth", "southcentralus", "southeastasia", "southindia", "spaincentral",
    "swedencentral", "switzerlandnorth", "uaenorth", "uksouth", "westus", "westus3",
}

OLDER_PAIRS = {
    ("gpt-5.1-codex-max", "2025-12-04"), ("gpt-5.1", "2025-11-13"), ("gpt-5.1-chat", "2025-11-13"),
    ("gpt-5.1-codex", "2025-11-13"), ("gpt-5.1-codex-mini", "2025-11-13"), ("gpt-5-pro", "2025-10-06"),
    ("gpt-5-codex", "2025-09-11"), ("gpt-5-codex", "2025-09-15"), ("gpt-5", "2025-08-07"),
    ("gpt-5-mini", "2025-08-07"), ("gpt-5-nano", "2025-08-07"), ("gpt-5-chat", "2025-08-07"),
    ("gpt-5-chat", "2025-10-03"), ("gpt-4o", "2024-11-20"), ("gpt-4o", "2024-08-06"), ("gpt-4o", "2024-05-13"),
    ("gpt-4o-mini", "2024-07-18"), ("computer-use-preview", None), ("gpt-4.1", "2025-04-14"),
    ("gpt-4.1-nano", "2025-04-14"), ("gpt-4.1-mini", "2025-04-14"), ("gpt-image-1", "2025-04-15"),
    ("gpt-image-1-mini", "2025-10-06"), ("o1", "2024-12-17"), ("o3-mini", "2025-01-31"), ("o3", "2025-04-16"),
    ("o4-mini", "2025-04-16"),
}
NEWER_ONLY_PAIRS = {
    ("gpt-chat-latest", "2026-05-05"), ("gpt-5.5", "2026-04-24"), ("gpt-5.4-nano", "2026-03-17"),
    ("gpt-5.4-mini", "2026-03-17"), ("gpt-5.4-pro", "2026-03-05"), ("gpt-5.4", "2026-03-05"),
    ("gpt-5.3-chat", "2026-03-03"), ("gpt-5.3-codex", "2026-02-24"), ("gpt-5.2-codex", "2026-01-14"),
    ("gpt-5.2", "2025-12-11"), ("gpt-5.2-chat", "2025-12-11"), ("gpt-5.2-chat", "2026-02-10"),
    ("gpt-image-1.5", "2025-12-16"),
}
LOCALISED = {"Noord-Italië", "australië-oost", "noorwegenoost", "Polencentral", "Zuid-India", "zwitserlandnoord",
             "Jižní Brazílie", "kanadacentral", "východní Kanada", "Německo – středozápad", "itálie sever",
             "Jižní Afrika – sever"}


def test_two_snapshots_newest_first() -> None:
    assert [s.id for s in catalog.load_catalog().snapshots] == ["2026-05", "2025-12"]
    assert catalog.LATEST == "2026-05"


@pytest.mark.parametrize("snapshot_id", ["2026-05", "2025-12"])
def test_regions_are_the_25_canonical_names(snapshot_id: str) -> None:
    snap = catalog.snapshot(snapshot_id)
    names = [r.name for r in snap.regions]
    assert len(names) == 25 and set(names) == REGIONS
    assert not set(names) & LOCALISED


def test_localised_spellings_are_kept_as_provenance() -> None:
    newer = {r.as_written: r.name for r in catalog.snapshot("2026-05").regions}
    older = {r.as_written: r.name for r in catalog.snapshot("2025-12").regions}
    assert newer["Noord-Italië"] == "italynorth" and newer["zwitserlandnoord"] == "switzerlandnorth"
    assert older["Jižní Brazílie"] == "brazilsouth" and older["východní Kanada"] == "canadaeast"


def test_model_version_pairs_per_snapshot() -> None:
    assert catalog.snapshot("2025-12").model_versions() == OLDER_PAIRS
    assert catalog.snapshot("2026-05").model_versions() == OLDER_PAIRS | NEWER_ONLY_PAIRS


def test_model_with_several_versions_and_model_without() -> None:
    snap = catalog.snapshot("2026-05")
    assert snap.model("gpt-4o").versions == ("2024-11-20", "2024-08-06", "2024-05-13")
    assert snap.model("gpt-5.2-chat").versions == ("2025-12-11", "2026-02-10")
    assert snap.model("computer-use-preview").versions == ()
    assert catalog.is_model_supported("computer-use-preview")
    assert not catalog.is_model_supported("gpt-4o", "2023-01-01")
    assert not catalog.is_model_supported("gpt-5.5", "2026-04-24", snapshot_id="2025-12")


def test_region_lookup_is_case_insensitive_and_rejects_localised() -> None:
    assert catalog.is_region_supported("ItalyNorth")
    assert not catalog.is_region_supported("Noord-Italië")
    assert not catalog.is_region_supported("westeurope")


def test_limitations_per_snapshot() -> None:
    newer, older = catalog.snapshot("2026-05"), catalog.snapshot("2025-12")
    assert newer.features["compaction"].status == "supported" and newer.supports_feature("compaction")
    assert older.features["compaction"].status == "unsupported" and not older.supports_feature("compaction")
    for snap in (newer, older):
        assert snap.features["image_generation_streaming"].status == "unsupported"
        assert snap.features["image_file_reference_input"].status == "unsupported"
        assert snap.features["pdf_purpose_user_data"].status == "known_issue"
        assert snap.features["background_requires_store"].status == "constraint"
        assert snap.features["resume_requires_stream"].status == "constraint"


def test_image_generation_models_and_scopes() -> None:
    assert catalog.snapshot("2026-05").image_generation_models == ("gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5")
    assert catalog.snapshot("2025-12").image_generation_models == ("gpt-image-1", "gpt-image-1-mini")
    assert catalog.snapshot("2026-05").entra_scope == "https://ai.azure.com/.default"
    assert catalog.snapshot("2025-12").entra_scope == "https://cognitiveservices.azure.com/.default"


def test_diff_between_snapshots() -> None:
    d = catalog.diff("2025-12", "2026-05")
    assert d.regions_added == () and d.regions_removed == ()
    assert set(d.models_added) == {f"{n}@{v}" for n, v in NEWER_ONLY_PAIRS}
    assert d.models_removed == ()
    assert d.features_changed == {
        "compaction": ("unsupported", "supported"),
        "server_side_compaction": ("unsupported", "supported"),
    }


def test_unknown_snapshot_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="2026-05, 2025-12"):
        catalog.snapshot("2024-01")


@pytest.mark.parametrize(
    ("model_id", "expected"),
    [
        ("gpt-4o-2024-08-06", ("gpt-4o", "2024-08-06")),
        ("gpt-5.2-chat-2026-02-10", ("gpt-5.2-chat", "2026-02-10")),
        ("computer-use-preview", ("computer-use-preview", None)),
        ("o3", ("o3", None)),
    ],
)
def test_split_model_id(model_id: str, expected: tuple[str, str | None]) -> None:
    assert catalog.split_model_id(model_id) == expected
