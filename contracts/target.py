"""The endpoint under test: base URL, credentials, deployments, region, profile."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Profile = Literal["azure-v1", "openai", "open-responses"]
AuthKind = Literal["api-key", "bearer", "entra", "none"]


@dataclass(frozen=True)
class Target:
    base_url: str  # e.g. https://RES.openai.azure.com/openai/v1 (no trailing slash needed)
    deployment: str  # model/deployment name sent as `model`
    auth: AuthKind = "api-key"
    # The secret: an API key or bearer token. Never printed: use `masked()` / `mask_secrets()`.
    credential: str | None = field(default=None, repr=False)
    image_deployment: str | None = None
    region: str | None = None  # overrides x-ms-region when given
    profile: Profile = "azure-v1"
    snapshot: str = "2026-05"  # catalog doc snapshot the target is checked against
    spec_path: str | None = None  # custom OpenAPI document (e.g. the Open Responses spec)
    timeout_s: float = 30.0

    @property
    def root(self) -> str:
        return self.base_url.rstrip("/")

    def auth_headers(self) -> dict[str, str]:
        if not self.credential or self.auth == "none":
            return {}
        if self.auth == "api-key":
            return {"api-key": self.credential}
        return {"Authorization": f"Bearer {self.credential}"}

    def mask_secrets(self, text: str) -> str:
        """Remove the credential (and anything that looks like a bearer token) from report text."""
        if self.credential:
            text = text.replace(self.credential, "***")
        return re.sub(r"(?i)(bearer\s+)[A-Za-z0-9._\-~+/=]+", r"\1***", text)
