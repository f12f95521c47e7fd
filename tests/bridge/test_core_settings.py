"""Settings: which endpoint and credential, and misconfiguration messages that name the variable."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx2
import openai
import pytest

from bridge.client_config import client_config
from bridge.context import IMAGE_DEPLOYMENT_HEADER, build_context
from bridge.result_format import strip_blobs
from bridge.settings import ConfigurationError, Mode, Settings
from bridge.upstream_errors import describe

ENV_NAMES = [
    "AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_DEPLOYMENT", "AZURE_OPENAI_IMAGE_DEPLOYMENT",
    "AZURE_OPENAI_SCOPE", "OPENAI_API_KEY", "OPENAI_BASE_URL", "RESPONSES_BRIDGE_ALLOWED_ROOTS",
    "RESPONSES_BRIDGE_TIME_BUDGET", "RESPONSES_BRIDGE_HTTP_TOKEN",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def test_nothing_configured_names_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMULATOR_BASE_URL", "http://127.0.0.1:9/")  # only --emulator selects the emulator
    with pytest.raises(ConfigurationError) as info:
        Settings().resolve_mode()
    message = str(info.value)
    assert "AZURE_OPENAI_ENDPOINT" in message and "OPENAI_API_KEY" in message and "--emulator" in message


def test_modes_and_base_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com/")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "k-123")
    settings = Settings()
    assert settings.resolve_mode() is Mode.AZURE_KEY
    assert settings.base_url() == "https://res.openai.azure.com/openai/v1/"
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com/openai/v1")
    assert Settings().base_url() == "https://res.openai.azure.com/openai/v1/"
    monkeypatch.delenv("AZURE_OPENAI_API_KEY")
    assert Settings().resolve_mode() is Mode.AZURE_ENTRA
    assert Settings().azure_openai_scope == "https://ai.azure.com/.default"
    monkeypatch.delenv("AZURE_OPENAI_ENDPOINT")
    monkeypatch.setenv("OPENAI_BASE_URL", "https://api.example.test/v1")
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        Settings().resolve_mode()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-abc")
    settings = Settings()
    assert settings.resolve_mode() is Mode.OPENAI and settings.base_url() == "https://api.example.test/v1/"
    assert build_context(settings).image_headers() == {}


def test_bad_endpoint_and_bad_numbers_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "res.openai.azure.com")
    with pytest.raises(ConfigurationError, match="AZURE_OPENAI_ENDPOINT"):
        Settings().resolve_mode()
    monkeypatch.setenv("RESPONSES_BRIDGE_TIME_BUDGET", "-3")
    with pytest.raises(ValueError, match="responses_bridge_time_budget"):
        Settings()


def test_secrets_hidden_and_roots_split(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "super-secret-key-value")
    monkeypatch.setenv("RESPONSES_BRIDGE_ALLOWED_ROOTS", f"{tmp_path}{os.pathsep}{tmp_path / 'b'}")
    settings = Settings()
    assert "super-secret-key-value" not in repr(settings) and "super-secret-key-value" not in str(settings)
    assert settings.allowed_roots == [tmp_path.resolve(), (tmp_path / "b").resolve()]
    assert settings.time_budget == 45 and settings.time_budget < 60
    ctx = build_context(settings)
    assert ctx.image_headers() == {IMAGE_DEPLOYMENT_HEADER: "gpt-image-1"}
    printed = json.dumps([client_config(c, settings) for c in ("claude", "vscode")])
    assert "super-secret-key-value" not in printed and "https://res.openai.azure.com" in printed


def test_client_configs_are_ready_to_paste() -> None:
    claude = client_config("claude", Settings(), emulator=True)
    entry = claude["mcpServers"]["responses-bridge"]
    assert entry["args"][-1] == "--emulator" and Path(entry["command"]).exists()
    http = client_config("vscode", Settings(), http_url="http://127.0.0.1:8765/mcp", token=True)
    server = http["servers"]["responses-bridge"]
    assert server == {
        "type": "http",
        "url": "http://127.0.0.1:8765/mcp",
        "headers": {"Authorization": "Bearer ${input:responses-bridge-token}"},
    }
    assert http["inputs"][0]["password"] is True


def test_strip_blobs_drops_base64_but_keeps_encrypted_content() -> None:
    blob = "A" * 10_000
    item = {"type": "image_generation_call", "result": blob, "encrypted_content": blob, "nested": [{"file_data": blob}]}
    stripped = strip_blobs(item)
    assert stripped["result"].startswith("<omitted") and stripped["nested"][0]["file_data"].startswith("<omitted")
    assert stripped["encrypted_content"] == blob


def test_unreachable_endpoint_is_explained() -> None:
    request = httpx2.Request("POST", "http://127.0.0.1:9/openai/v1/responses")
    text = describe(openai.APIConnectionError(request=request), "resp_1")
    assert "AZURE_OPENAI_ENDPOINT" in text and "resp_1" in text


def test_empty_allowed_roots_is_a_configuration_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    monkeypatch.setenv("RESPONSES_BRIDGE_ALLOWED_ROOTS", ":")
    with pytest.raises(ValueError, match="RESPONSES_BRIDGE_ALLOWED_ROOTS"):
        Settings()
    done = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "--emulator"], capture_output=True, text=True, timeout=60,
        env={**__import__("os").environ, "RESPONSES_BRIDGE_ALLOWED_ROOTS": ":"}, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert "RESPONSES_BRIDGE_ALLOWED_ROOTS" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.5.6.7", True), ("::1", True), ("[::1]", True), ("localhost", True),
     ("127.attacker.example", False), ("127.0.0.1.nip.io", False), ("0.0.0.0", False), ("10.0.0.1", False)],
)
def test_only_loopback_addresses_skip_the_http_token(host: str, loopback: bool) -> None:
    from bridge.http_app import is_loopback

    assert is_loopback(host) is loopback


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("env", "args", "expected"),
    [
        ({"RESPONSES_BRIDGE_TIME_BUDGET": "abc"}, ["--emulator", "--http"],
         "RESPONSES_BRIDGE_TIME_BUDGET='abc' is invalid (Input should be a valid number"),
        ({}, ["--emulator", "--http", "--time-budget", "-1"], "--time-budget -1.0 is invalid (Input should be greater than 0)"),
        ({"RESPONSES_BRIDGE_TIME_BUDGET": "abc"}, ["config", "--client", "claude"], "RESPONSES_BRIDGE_TIME_BUDGET='abc'"),
        ({"RESPONSES_BRIDGE_MAX_FILE_BYTES": "1e3"}, ["config", "--client", "vscode"],
         "RESPONSES_BRIDGE_MAX_FILE_BYTES='1e3' is invalid (Input should be a valid integer"),
        ({}, ["--emulator", "--http", "--port", "99999"], "argument --port: a port is between 1 and 65535, got 99999"),
        ({}, ["--emulator", "--http", "--port", "http"], "argument --port: expected a port number, got 'http'"),
    ],
)
def test_cli_configuration_errors_name_the_variable_or_flag_and_the_fix(
    env: dict[str, str], args: list[str], expected: str
) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "bridge.cli", *args], capture_output=True, text=True, timeout=60,
        env={**os.environ, **env}, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr and "Traceback" not in done.stderr, done.stderr
    if "budget" in expected.lower():
        assert "set it to a number of seconds above 0 and below 3600" in done.stderr
