"""Start-up configuration of the emulator."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class EmulatorConfig:
    """Everything the emulator can be told at start-up (the CLI maps flags onto this)."""

    # Accepted credentials: `api-key: K` or `Authorization: Bearer K`. Empty tuple = no auth check.
    api_keys: tuple[str, ...] = ("emulator-key",)
    # SQLite path for the store; None keeps everything in memory.
    db_path: str | None = None
    # Region reported in `x-ms-region`; must be a documented canonical name.
    region: str = "swedencentral"
    # Which doc snapshot the emulator imitates (catalog snapshot id); the older one has no compaction.
    snapshot: str = "2026-05"
    # deployment name -> "model" or "model@version"; empty = every catalog model under its own name.
    deployments: dict[str, str] = field(default_factory=dict)
