"""Streamable HTTP transport: DNS-rebinding checks (Host/Origin) and the bearer token off loopback."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from bridge.http_app import build_http_app
from bridge.settings import ConfigurationError
from emulator.server import EmulatorServer
from tests.bridge.conftest import INIT, BridgeHTTPServer, http_session, settings_for

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


async def test_off_loopback_requires_the_bearer_token(emulator: EmulatorServer) -> None:
    with pytest.raises(ConfigurationError, match="RESPONSES_BRIDGE_HTTP_TOKEN"):
        build_http_app(object(), host="0.0.0.0", token=None)  # type: ignore[arg-type]
    token = "t0ken-for-tests-0123456789"
    with BridgeHTTPServer(settings_for(emulator), bind_as="0.0.0.0", token=token) as bridge:
        missing = post(bridge.url)
        assert missing.status_code == 401 and "Bearer" in missing.headers["www-authenticate"]
        assert post(bridge.url, authorization="Bearer wrong").status_code == 401
        assert post(bridge.url, authorization=f"Bearer {token}").status_code == 200
        # Still checked for DNS rebinding behind the token.
        assert post(bridge.url, authorization=f"Bearer {token}", host="attacker.example").status_code == 421
        async with http_session(bridge.url, headers={"Authorization": f"Bearer {token}"}) as session:
            result = await session.call_tool("create_response", {"input": "Hello over an authenticated link"})
        assert not result.is_error and token not in result.content[0].text


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
