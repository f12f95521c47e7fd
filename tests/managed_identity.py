"""A loopback stand-in for Azure App Service's managed identity endpoint, for offline Entra ID tests.

azure-identity's DefaultAzureCredential uses managed identity when `IDENTITY_ENDPOINT` and
`IDENTITY_HEADER` are set (API version 2019-08-01: `GET ?api-version=...&resource=R` with the header
`X-IDENTITY-HEADER`), and calls that endpoint over plain HTTP. `token_endpoint` answers like it with an
Entra-style JWT for the requested resource, which the emulator accepts for the audience
`https://ai.azure.com`; so the real credential chain runs, no network needed.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

IDENTITY_HEADER = "identity-header-canary-5f2e9c"
# Variables that would put another credential ahead of managed identity in DefaultAzureCredential's chain.
OTHER_CREDENTIAL_VARIABLES = (
    "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_CLIENT_CERTIFICATE_PATH",
    "AZURE_USERNAME", "AZURE_PASSWORD", "AZURE_FEDERATED_TOKEN_FILE", "MSI_ENDPOINT", "MSI_SECRET",
    "IMDS_ENDPOINT", "IDENTITY_SERVER_THUMBPRINT",
)


def token_endpoint(calls: list[dict[str, Any]], tokens: list[str]) -> Starlette:
    """App Service's managed identity endpoint: GET ?api-version=2019-08-01&resource=R, X-IDENTITY-HEADER."""

    async def token(request: Request) -> JSONResponse:
        calls.append({"params": dict(request.query_params), "header": request.headers.get("x-identity-header")})
        if request.headers.get("x-identity-header") != IDENTITY_HEADER:
            return JSONResponse({"error": "wrong identity header"}, status_code=401)
        resource = request.query_params["resource"]
        expires = int(time.time()) + 3600
        value = jwt.encode({"aud": resource, "exp": expires, "oid": "contracts-test-principal"},
                           "test-signing-key-not-verified-by-the-emulator", algorithm="HS256")
        tokens.append(value)
        return JSONResponse({"access_token": value, "expires_on": str(expires), "resource": resource,
                             "token_type": "Bearer"})

    return Starlette(routes=[Route("/msi/token", token)])


def managed_identity_variables(root: str) -> dict[str, str]:
    """The variables that point DefaultAzureCredential at `token_endpoint` served at `root`."""
    return {"IDENTITY_ENDPOINT": f"{root}/msi/token", "IDENTITY_HEADER": IDENTITY_HEADER}
