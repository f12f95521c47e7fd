"""Deployments: the names requests put in `model`, mapped onto documented catalog models.

Azure requests name a *deployment*, not a model. By default every model of the configured doc snapshot
is deployed under its own name at its first listed version (e.g. `gpt-4o` -> `gpt-4o@2024-11-20`);
`--deployment NAME=MODEL[@VERSION]` adds more (an unknown model or version is a start-up error). The
response's `model` field and the `x-ms-served-model` header show the dated snapshot `model-version`
(`gpt-4o-2024-11-20`), or the bare name for a model the catalog lists without a version. An unknown
deployment gets Azure's 404 `DeploymentNotFound` body (OpenAI's `model_not_found` in OpenAI mode).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openapi.catalog import Snapshot, snapshot as catalog_snapshot

from emulator.config import EmulatorConfig
from emulator.errors import EmulatorError

# A fixed creation time for listed models so that GET /models is deterministic.
MODELS_CREATED_AT = 1_735_689_600  # 2025-01-01T00:00:00Z


@dataclass(frozen=True)
class Deployment:
    name: str
    model: str
    version: str | None

    @property
    def served_model(self) -> str:
        return f"{self.model}-{self.version}" if self.version else self.model


class DeploymentNotFound(EmulatorError):
    """Azure's gateway body `{"error": {"code", "message"}}`; in OpenAI mode OpenAI's `model_not_found`."""

    def __init__(self, name: str, azure: bool = True) -> None:
        if azure:
            message = ("The API deployment for this resource does not exist. If you created the deployment within "
                       f"the last 5 minutes, please wait a moment and try again. (deployment: '{name}')")
            super().__init__(404, message, code="DeploymentNotFound")
        else:
            message = f"The model `{name}` does not exist or you do not have access to it."
            super().__init__(404, message, code="model_not_found", type="invalid_request_error")
        self.azure = azure

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}} if self.azure else super().body()


class Deployments:
    def __init__(self, config: EmulatorConfig) -> None:
        self.snapshot: Snapshot = catalog_snapshot(config.snapshot)
        self.azure = config.azure_mode
        self._by_name: dict[str, Deployment] = {}
        for m in self.snapshot.models:
            self._by_name[m.name] = Deployment(m.name, m.name, m.versions[0] if m.versions else None)
        for name, spec in config.deployments.items():
            self._by_name[name] = self._parse(name, spec)

    def _parse(self, name: str, spec: str) -> Deployment:
        model, _, version = spec.partition("@")
        known = self.snapshot.model(model)
        if known is None:
            raise ValueError(f"deployment {name!r}: model {model!r} is not in doc snapshot {self.snapshot.id}")
        if version and version not in known.versions:
            raise ValueError(
                f"deployment {name!r}: {model} has no version {version!r}; documented: {', '.join(known.versions)}"
            )
        return Deployment(name, model, version or (known.versions[0] if known.versions else None))

    def resolve(self, name: str) -> Deployment:
        found = self._by_name.get(name)
        if found is None:
            raise DeploymentNotFound(name, self.azure)
        return found

    def models_list(self) -> dict[str, Any]:
        """GET /models: every documented (model, version) of the snapshot, in the spec's shape."""
        data = []
        for m in self.snapshot.models:
            for version in m.versions or (None,):
                ident = f"{m.name}-{version}" if version else m.name
                data.append({"id": ident, "object": "model", "created": MODELS_CREATED_AT, "owned_by": "system"})
        return {"object": "list", "data": data}
