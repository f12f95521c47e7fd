"""What every tool needs: the settings, one shared `openai.AsyncOpenAI` client, and the mode."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import openai
from azure.core.credentials import TokenCredential

from bridge.entra import token_provider
from bridge.redaction import install_log_redaction, register_secret
from bridge.settings import Mode, Settings
from bridge.upstream_errors import IMAGE_DEPLOYMENT_HEADER, ToolInputError

if TYPE_CHECKING:
    from emulator.server import EmulatorServer

DEFAULT_IMAGE_DEPLOYMENT = "gpt-image-1"
EMULATOR_KEY = "emulator-key"
# The SDK retries 408/409/429/5xx and connection errors with exponential backoff, honouring
# `retry-after-ms` / `retry-after` (openai/_base_client.py `_calculate_retry_timeout`, capped at 60 s).
MAX_RETRIES = 4


@dataclass
class BridgeContext:
    settings: Settings
    client: openai.AsyncOpenAI
    mode: Mode
    emulator: EmulatorServer | None = None

    def image_headers(self) -> dict[str, str]:
        """Extra headers for requests that may run the image_generation tool (Azure needs the deployment)."""
        if self.mode is Mode.OPENAI:
            return {}
        return {IMAGE_DEPLOYMENT_HEADER: self.settings.azure_openai_image_deployment or DEFAULT_IMAGE_DEPLOYMENT}

    def default_model(self) -> str | None:
        if self.mode is Mode.OPENAI:
            return self.settings.openai_model or self.settings.azure_openai_deployment or None
        return self.settings.default_deployment

    def require_model(self, model: str | None) -> str:
        """`model`, else the configured default; a ToolInputError saying what to set for this mode."""
        chosen = model or self.default_model()
        if chosen:
            return chosen
        if self.mode is Mode.OPENAI:
            raise ToolInputError("model: none given and no default set; pass the OpenAI model name as `model` "
                                 "(e.g. gpt-4o), or set OPENAI_MODEL.")
        raise ToolInputError("model: none given and no default set; pass your deployment's name as `model`, "
                             "or set AZURE_OPENAI_DEPLOYMENT.")

    async def aclose(self) -> None:
        await self.client.close()


def build_context(
    settings: Settings,
    *,
    credential: TokenCredential | None = None,
    emulator: EmulatorServer | None = None,
    max_retries: int = MAX_RETRIES,
    timeout: float | None = None,
) -> BridgeContext:
    """Resolve the mode and build the shared client. Raises `ConfigurationError` when misconfigured."""
    mode = settings.resolve_mode()
    install_log_redaction()
    for secret in (settings.azure_openai_api_key, settings.openai_api_key, settings.http_token):
        register_secret(secret.get_secret_value() if secret is not None else None)
    api_key: Any
    if mode is Mode.EMULATOR:
        api_key = EMULATOR_KEY
    elif mode is Mode.AZURE_KEY:
        assert settings.azure_openai_api_key is not None
        api_key = settings.azure_openai_api_key.get_secret_value()
    elif mode is Mode.AZURE_ENTRA:
        api_key = token_provider(settings.azure_openai_scope, credential)
    else:
        assert settings.openai_api_key is not None
        api_key = settings.openai_api_key.get_secret_value()
    client = openai.AsyncOpenAI(
        api_key=api_key,
        base_url=settings.base_url(),
        max_retries=max_retries,
        timeout=timeout if timeout is not None else openai.DEFAULT_TIMEOUT,
    )
    return BridgeContext(settings=settings, client=client, mode=mode, emulator=emulator)
