"""The documented catalog: regions, models and limitations, one entry per Azure doc snapshot."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict

FeatureStatus = Literal["supported", "unsupported", "known_issue", "constraint"]
LATEST = "2026-05"


class Region(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str  # canonical Azure name, e.g. "italynorth"
    as_written: str  # how the page spells it, e.g. "Noord-Italië"


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)
    name: str
    versions: tuple[str, ...]  # empty: the page lists the model without a version


class Feature(BaseModel):
    model_config = ConfigDict(frozen=True)
    status: FeatureStatus
    summary: str


class Snapshot(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    language: str
    source: str
    why_this_id: str
    entra_scope: str
    regions: tuple[Region, ...]
    models: tuple[Model, ...]
    image_generation_models: tuple[str, ...]
    image_generation_orchestrators: tuple[str, ...]
    features: dict[str, Feature]

    @property
    def region_names(self) -> frozenset[str]:
        return frozenset(r.name for r in self.regions)

    def model(self, name: str) -> Model | None:
        return next((m for m in self.models if m.name == name), None)

    def model_versions(self) -> frozenset[tuple[str, str | None]]:
        """Every documented (model, version) pair; a model without versions gives (name, None)."""
        pairs: set[tuple[str, str | None]] = set()
        for m in self.models:
            pairs.update((m.name, v) for v in m.versions) if m.versions else pairs.add((m.name, None))
        return frozenset(pairs)

    def supports_region(self, region: str) -> bool:
        return region.strip().lower() in self.region_names

    def supports_model(self, name: str, version: str | None = None) -> bool:
        m = self.model(name)
        if m is None:
            return False
        return version is None or version in m.versions

    def supports_feature(self, feature: str) -> bool:
        """False only where the page lists the feature as unsupported."""
        f = self.features.get(feature)
        return f is None or f.status != "unsupported"


class Catalog(BaseModel):
    model_config = ConfigDict(frozen=True)
    about: str
    snapshots: tuple[Snapshot, ...]

    def snapshot(self, snapshot_id: str = LATEST) -> Snapshot:
        for s in self.snapshots:
            if s.id == snapshot_id:
                return s
        known = ", ".join(s.id for s in self.snapshots)
        raise KeyError(f"unknown doc snapshot {snapshot_id!r}; known snapshots: {known}")


class SnapshotDiff(BaseModel):
    old: str
    new: str
    regions_added: tuple[str, ...]
    regions_removed: tuple[str, ...]
    models_added: tuple[str, ...]  # "name@version" (or "name" without version)
    models_removed: tuple[str, ...]
    features_changed: dict[str, tuple[str | None, str | None]]  # feature -> (old status, new status)


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    text = resources.files("openapi").joinpath("catalog.json").read_text(encoding="utf-8")
    return Catalog.model_validate(json.loads(text))


def snapshot(snapshot_id: str = LATEST) -> Snapshot:
    return load_catalog().snapshot(snapshot_id)


def is_region_supported(region: str, snapshot_id: str = LATEST) -> bool:
    return snapshot(snapshot_id).supports_region(region)


def is_model_supported(name: str, version: str | None = None, snapshot_id: str = LATEST) -> bool:
    return snapshot(snapshot_id).supports_model(name, version)


def split_model_id(model_id: str) -> tuple[str, str | None]:
    """`gpt-4o-2024-08-06` -> (`gpt-4o`, `2024-08-06`); a name without a date suffix -> (name, None)."""
    parts = model_id.rsplit("-", 3)
    if len(parts) == 4 and len(parts[1]) == 4 and parts[1].isdigit() and parts[2].isdigit() and parts[3].isdigit():
        return parts[0], f"{parts[1]}-{parts[2]}-{parts[3]}"
    return model_id, None


def diff(old_id: str = "2025-12", new_id: str = LATEST) -> SnapshotDiff:
    old, new = snapshot(old_id), snapshot(new_id)

    def labels(s: Snapshot) -> set[str]:
        return {f"{n}@{v}" if v else n for n, v in s.model_versions()}

    feats = sorted(set(old.features) | set(new.features))
    changed = {
        f: (old.features[f].status if f in old.features else None, new.features[f].status if f in new.features else None)
        for f in feats
        if (old.features.get(f) and old.features[f].status) != (new.features.get(f) and new.features[f].status)
    }
    return SnapshotDiff(
        old=old_id,
        new=new_id,
        regions_added=tuple(sorted(new.region_names - old.region_names)),
        regions_removed=tuple(sorted(old.region_names - new.region_names)),
        models_added=tuple(sorted(labels(new) - labels(old))),
        models_removed=tuple(sorted(labels(old) - labels(new))),
        features_changed=changed,
    )
