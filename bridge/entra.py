"""Entra ID sign-in for Azure: an async bearer-token provider handed to the openai client as `api_key`.

The openai client awaits the provider before every request (`AsyncOpenAI._refresh_api_key`). We use the
synchronous azure-identity credential (its async twin needs aiohttp, which this project does not ship) and
run it in a worker thread. The azure-core policy behind `get_bearer_token_provider` caches the token and
fetches a new one shortly before it expires. The token only ever goes into the Authorization header;
nothing here logs it,
and `bridge.redaction` masks each issued token wherever text leaves the bridge.

A failed sign-in becomes `SignInError` (a `ConfigurationError`, so every tool returns it as a tool error)
saying why and what to set, instead of a traceback: the credential chain's own multi-line report would
otherwise reach the client's log twice (azure-identity's warning, then the framework's traceback).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

import anyio.to_thread
from azure.core.credentials import TokenCredential
from azure.core.exceptions import ClientAuthenticationError

from bridge.redaction import redact, register_secret, shorten
from bridge.settings import ConfigurationError

TokenProvider = Callable[[], Awaitable[str]]
logger = logging.getLogger(__name__)
REASON_LIMIT = 600
# How azure-identity words "this credential is not set up here" (as opposed to "it tried and failed").
_UNAVAILABLE = re.compile(
    r"unavailable|not found on path|is not installed|could not be found|package is required|requires the '", re.I
)


class SignInError(ConfigurationError):
    """Entra ID gave no token; the message says why and how to fix it."""


def token_provider(scope: str, credential: TokenCredential | None = None) -> TokenProvider:
    """An async callable returning a bearer token for `scope` (DefaultAzureCredential unless one is given)."""
    from azure.identity import DefaultAzureCredential, get_bearer_token_provider

    # The chain logs its failure as one long WARNING listing every attempt; `SignInError` carries the useful
    # part instead. Only that logger is quietened: azure.identity's other warnings still reach the log.
    logging.getLogger("azure.identity._credentials.chained").setLevel(logging.ERROR)
    get_token = get_bearer_token_provider(credential or DefaultAzureCredential(), scope)

    async def bearer_token() -> str:
        try:
            token = await anyio.to_thread.run_sync(get_token)
        except ClientAuthenticationError as exc:  # CredentialUnavailableError included
            error = sign_in_error(exc, scope)
            logger.warning("Entra ID sign-in failed; the tool call returned the reason and the fix")
            raise error from None
        register_secret(token)  # masked in any error text or log line, should one ever echo it
        return token

    return bearer_token


def sign_in_error(exc: ClientAuthenticationError, scope: str) -> SignInError:
    return SignInError(
        f"Entra ID sign-in failed: {short_reason(exc)}. No AZURE_OPENAI_API_KEY is set, so the bridge asks "
        f"azure-identity (DefaultAzureCredential) for a token with AZURE_OPENAI_SCOPE={scope}. To fix: set "
        "AZURE_OPENAI_API_KEY to the resource's key, or sign in - run `az login`, or use a managed identity "
        "(AZURE_CLIENT_ID picks a user-assigned one), or a service principal (AZURE_TENANT_ID, AZURE_CLIENT_ID, "
        "AZURE_CLIENT_SECRET) - then retry."
    )


def short_reason(exc: ClientAuthenticationError) -> str:
    """The credentials that tried and failed (or, if none did, that none is set up), in one line."""
    message = str(getattr(exc, "message", None) or exc)
    attempts = re.findall(r"^\t(\w+): (.*)$", message, flags=re.M)
    if not attempts:
        reason = " ".join(message.split())
    else:
        failed = [f"{name}: {text.strip()}" for name, text in attempts if not _UNAVAILABLE.search(text)]
        reason = "; ".join(failed) or (
            "no credential is set up on this machine (tried " + ", ".join(name for name, _ in attempts) + ")"
        )
    return shorten(redact(reason.rstrip(".")), REASON_LIMIT)
