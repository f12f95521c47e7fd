"""Auth matrix: API key, Bearer key, Entra-style JWTs (good, expired, wrong audience), missing credentials;
the request log shows fingerprints, never credentials."""

from __future__ import annotations

import hashlib
import time
from typing import Iterator

import httpx
import jwt
import openai
import pytest

from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer

from .conftest import KEY, Recorder, make_client

pytestmark = pytest.mark.timeout(60)
BODY = {"model": "gpt-4o", "input": "auth check"}


def token(aud: str = "https://ai.azure.com", exp_in: float = 3600) -> str:
    claims = {"aud": aud, "exp": int(time.time() + exp_in), "iss": "https://sts.windows.net/tenant/", "oid": "x"}
    return jwt.encode(claims, "not-a-real-signing-key-but-long-enough-for-hs256", algorithm="HS256")


def post(server: EmulatorServer, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(server.base_url + "responses", headers=headers, json=BODY)


def test_api_key_header(emulator: EmulatorServer) -> None:
    assert post(emulator, {"api-key": KEY}).status_code == 200


def test_bearer_key(emulator: EmulatorServer) -> None:
    assert post(emulator, {"Authorization": f"Bearer {KEY}"}).status_code == 200


@pytest.mark.parametrize("aud", ["https://ai.azure.com", "https://cognitiveservices.azure.com/"])
def test_entra_token_for_either_documented_audience(emulator: EmulatorServer, aud: str) -> None:
    assert post(emulator, {"Authorization": f"Bearer {token(aud)}"}).status_code == 200


def test_entra_token_via_sdk(emulator: EmulatorServer, recorded: Recorder) -> None:
    client = make_client(emulator, recorded, api_key=token())
    assert client.responses.create(model="gpt-4o", input="This is a test.").status == "completed"


@pytest.mark.parametrize(
    "bad", [token(exp_in=-60), token(aud="https://management.azure.com"), "a.b.c"], ids=["expired", "wrong-aud", "garbage"]
)
def test_bad_entra_token_gets_the_token_body(emulator: EmulatorServer, bad: str) -> None:
    reply = post(emulator, {"Authorization": f"Bearer {bad}"})
    assert reply.status_code == 401
    body = reply.json()
    assert body["statusCode"] == 401 and "error" not in body
    assert body["message"].startswith("Unauthorized. Access token is missing, invalid, audience is incorrect")


@pytest.mark.parametrize(
    "headers", [{}, {"api-key": "wrong"}, {"Authorization": "Bearer wrong"}], ids=["missing", "wrong-key", "wrong-bearer"]
)
def test_missing_or_wrong_key_gets_the_key_body(emulator: EmulatorServer, headers: dict[str, str]) -> None:
    reply = post(emulator, headers)
    assert reply.status_code == 401
    error = reply.json()["error"]
    assert error["code"] == "401" and error["message"].startswith("Access denied due to")


def test_sdk_with_wrong_key_raises_authentication_error(emulator: EmulatorServer, recorded: Recorder) -> None:
    client = make_client(emulator, recorded, api_key="wrong")
    with pytest.raises(openai.AuthenticationError):
        client.responses.create(model="gpt-4o", input="x")


def test_admin_endpoints_need_auth(emulator: EmulatorServer) -> None:
    assert httpx.get(emulator.root_url + "/_emulator/requests").status_code == 401
    assert httpx.get(emulator.root_url + "/_emulator/requests", headers={"api-key": KEY}).status_code == 200
    assert httpx.get(emulator.root_url + "/healthz").status_code == 200


def test_request_log_has_fingerprints_not_credentials(emulator: EmulatorServer) -> None:
    first, refreshed = token(exp_in=600), token(exp_in=1200)
    post(emulator, {"Authorization": f"Bearer {first}"})
    post(emulator, {"Authorization": f"Bearer {refreshed}"})
    reply = httpx.get(emulator.root_url + "/_emulator/requests", headers={"api-key": KEY})
    assert first not in reply.text and refreshed not in reply.text and KEY not in reply.text
    entries = [e for e in reply.json()["data"] if e["auth"] == "entra" and e["status"] == 200]
    prints = [e["fingerprint"] for e in entries[-2:]]
    expected = ["sha256:" + hashlib.sha256(t.encode()).hexdigest()[:16] for t in (first, refreshed)]
    assert prints == expected
    assert entries[-1]["method"] == "POST" and entries[-1]["path"] == "/openai/v1/responses"


@pytest.fixture(scope="module")
def open_server() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig(api_keys=())) as server:
        yield server


def test_no_auth_mode_accepts_anything(open_server: EmulatorServer) -> None:
    assert post(open_server, {}).status_code == 200
    assert post(open_server, {"api-key": "whatever"}).status_code == 200


@pytest.fixture(scope="module")
def openai_mode() -> Iterator[EmulatorServer]:
    with EmulatorServer(EmulatorConfig(azure_mode=False)) as server:
        yield server


def test_openai_mode_uses_openai_error_bodies(openai_mode: EmulatorServer, recorded: Recorder) -> None:
    reply = httpx.post(openai_mode.openai_base_url + "responses", headers={"Authorization": "Bearer sk-wrong"}, json=BODY)
    assert reply.status_code == 401
    assert reply.json()["error"]["code"] == "invalid_api_key" and "sk-wrong" not in reply.text
    client = make_client(openai_mode, recorded, base_url=openai_mode.openai_base_url)
    with pytest.raises(openai.NotFoundError) as caught:
        client.responses.create(model="gpt-nope", input="x")
    assert caught.value.body == {  # type: ignore[comparison-overlap]
        "message": "The model `gpt-nope` does not exist or you do not have access to it.",
        "type": "invalid_request_error", "param": None, "code": "model_not_found",
    }


def principal_token(oid: str) -> str:
    claims = {"aud": "https://ai.azure.com", "exp": int(time.time() + 600), "oid": oid}
    return jwt.encode(claims, "not-a-real-signing-key-but-long-enough-for-hs256", algorithm="HS256")


def test_valid_token_of_a_principal_without_a_role_gets_permission_denied_401() -> None:
    """--entra-principal: the listed principal is let in; any other valid token gets Azure's 401 (not 403)
    PermissionDenied body, which the openai SDK raises as AuthenticationError."""
    with EmulatorServer(EmulatorConfig(entra_principals=("principal-with-role",))) as server:
        assert post(server, {"Authorization": f"Bearer {principal_token('principal-with-role')}"}).status_code == 200
        reply = post(server, {"Authorization": f"Bearer {principal_token('someone-else')}"})
        assert reply.status_code == 401
        assert reply.json() == {"error": {"code": "PermissionDenied",
                                          "message": "Principal does not have access to API/Operation."}}
        # Keys are not principals: they keep working.
        assert post(server, {"api-key": KEY}).status_code == 200
        client = openai.OpenAI(base_url=server.base_url, api_key=principal_token("someone-else"), max_retries=0)
        with pytest.raises(openai.AuthenticationError) as raised:
            client.responses.create(model="gpt-4o", input="x")
        assert raised.value.code == "PermissionDenied"


def test_entra_principal_flag_reaches_the_config() -> None:
    from emulator.cli import build_parser, config_from_args

    config = config_from_args(build_parser().parse_args(["--entra-principal", "a", "--entra-principal", "b"]))
    assert config.entra_principals == ("a", "b")
    assert config_from_args(build_parser().parse_args([])).entra_principals == ()
