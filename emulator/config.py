"""Start-up configuration of the emulator."""

from __future__ import annotations

from dataclasses import dataclass, field

from openapi.catalog import snapshot as catalog_snapshot

# Entra ID audiences the seeds use: the newer page's scope and the older page's / the Azure spec's.
DEFAULT_ENTRA_AUDIENCES = ("https://ai.azure.com", "https://cognitiveservices.azure.com")


def _default_image_deployments() -> dict[str, str]:
    return {}


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
    # deployment name -> "model" or "model@version"; added to the default deployments (every catalog model
    # of the snapshot under its own name, at its first listed version).
    deployments: dict[str, str] = field(default_factory=dict)
    # Bearer JWTs whose `aud` is one of these (and `exp` in the future) are accepted as Entra tokens.
    # Signatures are not verified: the emulator is offline and has no tenant keys.
    entra_audiences: tuple[str, ...] = DEFAULT_ENTRA_AUDIENCES
    # Principals (the token's `oid`) that hold a data-plane role on the resource; empty = every valid token.
    # A valid token of any other principal gets Azure's 401 PermissionDenied, as a missing role assignment does.
    entra_principals: tuple[str, ...] = ()
    # Secret for the opaque encrypted items (compaction, encrypted reasoning).
    sealing_secret: str = "emulator-sealing-secret"
    # True: Azure dialect (image deployment header required, file purpose `user_data` rejected).
    azure_mode: bool = True
    # image deployment name -> catalog image model; empty = each catalog image model under its own name.
    image_deployments: dict[str, str] = field(default_factory=_default_image_deployments)
    # Fault spec applied to every API request (see emulator.faults for the grammar); None = no faults.
    fault: str | None = None
    # Pacing of generated text: pause between two streamed deltas (also applies to JSON and background
    # responses, which are produced by the same generator). Per request: metadata `emulator_delay_ms`.
    delay_ms: float = 0.0
    # Minimum answer length in words (filler appended); per request: metadata `emulator_words`.
    min_words: int = 0
    # How many recent requests GET /_emulator/requests keeps.
    request_log_size: int = 500

    def __post_init__(self) -> None:
        if not self.image_deployments:
            self.image_deployments = {m: m for m in catalog_snapshot(self.snapshot).image_generation_models}
