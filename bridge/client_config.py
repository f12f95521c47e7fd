"""Ready-to-paste MCP client configuration (Claude Desktop `claude_desktop_config.json`, VS Code `mcp.json`).

Secrets are never printed: the API key and the HTTP token appear as placeholders (VS Code prompts for
them through `inputs`).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Any

from bridge.settings import Settings

SERVER_NAME = "responses-bridge"
KEY_PLACEHOLDER = "<your Azure OpenAI API key, or remove this line to sign in with Entra ID>"


def _command() -> list[str]:
    beside = Path(sys.executable).with_name("responses-bridge")
    found = shutil.which("responses-bridge") or (str(beside) if beside.exists() else None)
    return [found] if found else [sys.executable, "-m", "bridge.cli"]


def _env(settings: Settings, key_value: str) -> dict[str, str]:
    env = {
        "AZURE_OPENAI_ENDPOINT": settings.azure_openai_endpoint or "https://<resource>.openai.azure.com",
        "AZURE_OPENAI_API_KEY": key_value,
        "AZURE_OPENAI_DEPLOYMENT": settings.azure_openai_deployment or "<deployment name>",
    }
    if settings.azure_openai_image_deployment:
        env["AZURE_OPENAI_IMAGE_DEPLOYMENT"] = settings.azure_openai_image_deployment
    return env


def _stdio_entry(settings: Settings, emulator: bool, key_value: str) -> dict[str, Any]:
    command, *prefix = _command()
    entry: dict[str, Any] = {"command": command, "args": [*prefix, *(["--emulator"] if emulator else [])]}
    if not emulator:
        entry["env"] = _env(settings, key_value)
    return entry


def client_config(
    client: str, settings: Settings, *, emulator: bool = False, http_url: str | None = None, token: bool = False
) -> dict[str, Any]:
    """The JSON document for `client` ("claude" or "vscode")."""
    if client == "claude":
        # Claude Desktop starts local servers over stdio.
        return {"mcpServers": {SERVER_NAME: _stdio_entry(settings, emulator, KEY_PLACEHOLDER)}}
    if client == "vscode":
        if http_url:
            server: dict[str, Any] = {"type": "http", "url": http_url}
            doc: dict[str, Any] = {"servers": {SERVER_NAME: server}}
            if token:
                server["headers"] = {"Authorization": "Bearer ${input:responses-bridge-token}"}
                doc["inputs"] = [
                    {"type": "promptString", "id": "responses-bridge-token", "description": "RESPONSES_BRIDGE_HTTP_TOKEN", "password": True}
                ]
            return doc
        entry = {"type": "stdio", **_stdio_entry(settings, emulator, "${input:azure-openai-api-key}")}
        doc = {"servers": {SERVER_NAME: entry}}
        if not emulator:
            doc["inputs"] = [
                {"type": "promptString", "id": "azure-openai-api-key", "description": "Azure OpenAI API key", "password": True}
            ]
        return doc
    raise ValueError(f"unknown client {client!r}: use --client claude or --client vscode")
