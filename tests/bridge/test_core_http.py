"""Streamable HTTP transport: DNS-rebinding checks (Host/Origin) and the bearer token off loopback."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from bridge.http_app import build_http_app
from bridge.settings import ConfigurationError
from emulator.request_log import fingerprint
from emulator.server import EmulatorServer
from tests.bridge.conftest import INIT, BridgeHTTPServer, admin, http_session, settings_for

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]

HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


def post(url: str, **headers: str) -> httpx.Response:
    return httpx.post(url, json=INIT, headers={**HEADERS, **headers}, timeout=10)


def test_loopback_server_rejects_foreign_host_and_origin(emulator: EmulatorServer) -> None:
    with BridgeHTTPServer(settings_for(emulator)) as bridge:
        assert post(bridge.url).status_code == 200
        assert post(bridge.url, origin=f"http://localhost:{bridge.port}").status_code == 200
        assert post(bridge.url, host="attacker.example").status_code == 421
        assert post(bridge.url, origin="http://attacker.example").status_code == 403


async def test_off_loopback_requires_the_bearer_token(clean_emulator: EmulatorServer) -> None:
    with pytest.raises(ConfigurationError, match="RESPONSES_BRIDGE_HTTP_TOKEN"):
        build_http_app(object(), host="0.0.0.0", token=None)  # type: ignore[arg-type]
    token = "t0ken-for-tests-0123456789"
    # As the CLI does: the token comes from the settings (RESPONSES_BRIDGE_HTTP_TOKEN) and guards the app.
    settings = settings_for(clean_emulator, responses_bridge_http_token=token)
    with BridgeHTTPServer(settings, bind_as="0.0.0.0", token=token) as bridge:
        missing = post(bridge.url)
        assert missing.status_code == 401 and "Bearer" in missing.headers["www-authenticate"]
        assert post(bridge.url, authorization="Bearer wrong").status_code == 401
        assert post(bridge.url, authorization=f"Bearer {token}").status_code == 200
        # Still checked for DNS rebinding behind the token.
        assert post(bridge.url, authorization=f"Bearer {token}", host="attacker.example").status_code == 421
        async with http_session(bridge.url, headers={"Authorization": f"Bearer {token}"}) as session:
            result = await session.call_tool("create_response", {"input": "Hello over an authenticated link"})
            # An endpoint error that echoes what it was sent (here a bad `include` value) would carry the token.
            echoed = await session.call_tool(
                "retrieve_response", {"response_id": "resp_unknown", "include": [f"extra-{token}"]}
            )
    # The authenticated call really went through to the endpoint and back.
    assert not result.is_error
    assert result.structured_content["status"] == "completed" and result.structured_content["output_text"]
    # The client's token authenticates to the bridge only: upstream saw the bridge's own key, never the token.
    upstream = [e for e in admin(clean_emulator, "GET", "requests")["data"] if "/responses" in e["path"]]
    assert [e["method"] for e in upstream] == ["POST", "GET"]
    assert {e["fingerprint"] for e in upstream} == {fingerprint(clean_emulator.config.api_keys[0])}
    # ... and what comes back never shows it: the echoed value is masked in the tool error.
    assert echoed.is_error and "HTTP 400" in echoed.content[0].text and "'extra-***'" in echoed.content[0].text
    assert token not in echoed.content[0].text and token not in str(echoed.structured_content)


def test_cli_refuses_off_loopback_without_token(emulator: EmulatorServer) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "--http", "--host", "0.0.0.0", "--port", "1"],
        env={"AZURE_OPENAI_ENDPOINT": emulator.root_url, "AZURE_OPENAI_API_KEY": "emulator-key", "PATH": ""},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert run.returncode == 2
    assert "RESPONSES_BRIDGE_HTTP_TOKEN" in run.stderr
