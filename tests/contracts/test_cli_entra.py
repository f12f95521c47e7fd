"""`responses-contracts run --entra` end to end: azure-identity's real DefaultAzureCredential gets a token.

Offline, the credential chain is pointed at a loopback managed identity endpoint (tests.managed_identity);
a run passes only if the token was fetched for the snapshot's scope and sent as `Authorization: Bearer`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.server import EmulatorServer
from tests.contracts.loopback import serve
from tests.contracts.test_cli import run_cli
from tests.managed_identity import IDENTITY_HEADER, OTHER_CREDENTIAL_VARIABLES, managed_identity_variables, token_endpoint


def entra_environment(monkeypatch: pytest.MonkeyPatch, root: str) -> None:
    for name in OTHER_CREDENTIAL_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in managed_identity_variables(root).items():
        monkeypatch.setenv(name, value)


@pytest.mark.timeout(120)
def test_entra_run_fetches_a_token_for_the_snapshot_scope_and_sends_it_as_bearer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    tokens: list[str] = []
    report = tmp_path / "r.json"
    with serve(token_endpoint(calls, tokens)) as identity, EmulatorServer() as emulator:
        entra_environment(monkeypatch, identity)
        httpx.delete(emulator.root_url + "/_emulator/requests", headers={"api-key": "emulator-key"})
        code, out = run_cli(
            ["run", "--base-url", emulator.base_url, "--deployment", "gpt-4o", "--entra", "--layers", "scenario",
             "--no-progress", "--json", str(report)],
            capsys,
        )
        log = httpx.get(emulator.root_url + "/_emulator/requests", headers={"api-key": "emulator-key"}).json()["data"]
    data = json.loads(report.read_text(encoding="utf-8"))
    failures = [f"{r['id']}: {r['message'][:300]}" for r in data["results"] if r["outcome"] in ("failed", "error")]
    assert code == 0, "\n".join(failures) or out
    assert data["summary"]["scenario"]["passed"] >= 20, data["summary"]
    # The newer snapshot's scope (https://ai.azure.com/.default) became the resource asked for.
    assert calls and all(call["params"].get("resource") == "https://ai.azure.com" for call in calls), calls
    assert all(call["header"] == IDENTITY_HEADER for call in calls)
    # The emulator saw the token as an Entra bearer on the API calls the scenarios made.
    api_calls = [entry for entry in log if entry["path"].startswith("/openai/v1/")]
    assert any(entry["auth"] == "entra" and entry["status"] == 200 for entry in api_calls), api_calls
    # Neither the token nor the identity header shows up in what the run printed or wrote.
    for text in (out, report.read_text(encoding="utf-8")):
        assert IDENTITY_HEADER not in text
        assert all(token not in text for token in tokens)


@pytest.mark.timeout(60)
def test_entra_without_any_credential_is_a_usage_error_naming_the_scope(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []
    with serve(token_endpoint(calls, [])) as identity:
        entra_environment(monkeypatch, identity)
        monkeypatch.setenv("IDENTITY_HEADER", "not-the-header-the-endpoint-expects")
        code, out = run_cli(
            ["run", "--base-url", "http://127.0.0.1:9/openai/v1", "--deployment", "gpt-4o", "--entra",
             "--snapshot", "2025-12", "--no-progress"],
            capsys,
        )
    assert code == 2, out
    # The older snapshot's scope is the one asked for, and the message says so.
    assert calls and calls[0]["params"].get("resource") == "https://cognitiveservices.azure.com"
    assert "--entra: no Entra ID token for scope https://cognitiveservices.azure.com/.default" in out
    assert "not-the-header-the-endpoint-expects" not in out
