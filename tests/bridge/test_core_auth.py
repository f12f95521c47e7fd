"""Entra ID through azure-identity's token provider, against the emulator's token checks."""

from __future__ import annotations

import threading
import time
from typing import Any

import jwt
import pytest
from azure.core.credentials import AccessToken
from azure.identity import CredentialUnavailableError

from bridge.settings import Settings
from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer
from tests.bridge.conftest import BridgeHTTPServer, admin, http_session, settings_for

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(60)]


class MintingCredential:
    """A TokenCredential that mints short-lived JWTs (aud https://ai.azure.com), like Entra would."""

    def __init__(self, lifetime: float) -> None:
        self.lifetime = lifetime
        self.scopes: list[tuple[str, ...]] = []
        self.tokens: list[str] = []
        self._lock = threading.Lock()

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        expires = int(time.time() + self.lifetime)
        token = jwt.encode(
            {"aud": "https://ai.azure.com", "exp": expires, "n": len(self.tokens), "oid": "test-principal"},
            "test-signing-key-not-verified-by-the-emulator",
            algorithm="HS256",
        )
        with self._lock:
            self.scopes.append(scopes)
            self.tokens.append(token)
        return AccessToken(token, expires)


async def test_entra_bearer_token_sent_and_refreshed(emulator: EmulatorServer) -> None:
    credential = MintingCredential(lifetime=2)
    admin(emulator, "DELETE", "requests")
    settings = settings_for(emulator, azure_openai_api_key=None)
    with BridgeHTTPServer(settings, credential=credential) as bridge:
        assert bridge.ctx.mode.value == "azure-entra"
        async with http_session(bridge.url) as session:
            first = await session.call_tool("create_response", {"input": "Hello with Entra"})
            assert not first.is_error, first.content[0].text
            time.sleep(2.2)  # the first token has expired now
            second = await session.call_tool("create_response", {"input": "Hello again"})
            assert not second.is_error, second.content[0].text
    assert credential.scopes and all(scopes == ("https://ai.azure.com/.default",) for scopes in credential.scopes)
    log = [entry for entry in admin(emulator, "GET", "requests")["data"] if entry["path"].endswith("/responses")]
    entra = [entry for entry in log if entry["auth"] == "entra"]
    assert len(entra) >= 2 and all(entry["status"] == 200 for entry in entra), log
    fingerprints = {entry["fingerprint"] for entry in entra}
    assert len(fingerprints) >= 2, "a refreshed token should have been sent after the first expired"
    for token in credential.tokens:
        assert token not in str(log)


async def test_openai_mode_against_the_openai_style_path(emulator: EmulatorServer) -> None:
    settings = Settings(openai_api_key="emulator-key", openai_base_url=emulator.openai_base_url, azure_openai_deployment="gpt-4o")
    admin(emulator, "DELETE", "requests")
    with BridgeHTTPServer(settings) as bridge:
        assert bridge.ctx.mode.value == "openai"
        async with http_session(bridge.url) as session:
            result = await session.call_tool("create_response", {"input": "Hello OpenAI style", "model": "gpt-4o"})
    assert not result.is_error, result.content[0].text
    paths = {entry["path"] for entry in admin(emulator, "GET", "requests")["data"]}
    assert "/v1/responses" in paths and "/openai/v1/responses" not in paths


async def test_entra_principal_without_a_role_gets_the_role_advice() -> None:
    """A valid token whose principal has no role assignment: Azure answers 401 PermissionDenied, and the
    tool error says to assign the role (not to check the key or the scope)."""
    with EmulatorServer(EmulatorConfig(entra_principals=("some-other-principal",))) as emulator:
        credential = MintingCredential(lifetime=600)
        with BridgeHTTPServer(settings_for(emulator, azure_openai_api_key=None), credential=credential) as bridge:
            async with http_session(bridge.url) as session:
                result = await session.call_tool("create_response", {"input": "Hello without a role"})
    assert result.is_error
    text = result.content[0].text
    assert text.startswith("Permission denied (HTTP 401: Principal does not have access to API/Operation.")
    assert "'Cognitive Services OpenAI User' role" in text and "AZURE_OPENAI_API_KEY" not in text
    assert all(token not in text for token in credential.tokens)


class UnavailableCredential:
    """A credential chain in which nothing is set up, as DefaultAzureCredential reports it."""

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        raise CredentialUnavailableError(
            "DefaultAzureCredential failed to retrieve a token from the included credentials.\n"
            "Attempted credentials:\n\tEnvironmentCredential: EnvironmentCredential authentication unavailable.\n"
            "\tManagedIdentityCredential: ManagedIdentityCredential authentication unavailable.\n"
            "\tAzureCliCredential: Azure CLI not found on path\nTo mitigate this issue, please refer to ..."
        )


async def test_entra_with_no_credential_set_up_says_what_to_do(emulator: EmulatorServer) -> None:
    settings = settings_for(emulator, azure_openai_api_key=None, azure_openai_scope="api://custom/.default")
    with BridgeHTTPServer(settings, credential=UnavailableCredential()) as bridge:
        async with http_session(bridge.url) as session:
            result = await session.call_tool("create_response", {"input": "Hello"})
            assert (await session.call_tool("retrieve_response", {"response_id": "resp_x"})).is_error
    assert result.is_error and result.structured_content is None
    text = result.content[0].text
    assert text.startswith(
        "Entra ID sign-in failed: no credential is set up on this machine (tried EnvironmentCredential, "
        "ManagedIdentityCredential, AzureCliCredential)."
    ), text
    assert "AZURE_OPENAI_SCOPE=api://custom/.default" in text and "az login" in text and "AZURE_OPENAI_API_KEY" in text
