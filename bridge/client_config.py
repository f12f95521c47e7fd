"""Ready-to-paste MCP client configuration (Claude Desktop `claude_desktop_config.json`, VS Code `mcp.json`).

Secrets are never printed: the API key and the HTTP token appear as placeholders (VS Code prompts for
them through `inputs`). The file folders are always written out (by default the folder the command runs
in), because a desktop client may start the server anywhere, often in `/`.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

from bridge.settings import OUTPUT_VARIABLE, ROOTS_VARIABLE, ConfigurationError, Settings

SERVER_NAME = "responses-bridge"
KEY_PLACEHOLDER = "<your Azure OpenAI API key, or remove this line to sign in with Entra ID>"
ROOTS_PLACEHOLDER = f"<folder(s) the model may read files from, separated by {os.pathsep!r}>"


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


def _files_env(settings: Settings) -> dict[str, str]:
    """The folders as this command sees them: configured, or the folder it runs in (when not too broad)."""
    try:
        roots = os.pathsep.join(str(root) for root in settings.allowed_roots)
    except ConfigurationError:
        roots = ROOTS_PLACEHOLDER
    return {ROOTS_VARIABLE: roots, OUTPUT_VARIABLE: str(settings.output_dir.expanduser().resolve())}


def _stdio_entry(settings: Settings, emulator: bool, key_value: str) -> dict[str, Any]:
    command, *prefix = _command()
    entry: dict[str, Any] = {"command": command, "args": [*prefix, *(["--emulator"] if emulator else [])]}
    entry["env"] = {**({} if emulator else _env(settings, key_value)), **_files_env(settings)}
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
