"""Entra ID sign-in for Azure: an async bearer-token provider handed to the openai client as `api_key`.

The openai client awaits the provider before every request (`AsyncOpenAI._refresh_api_key`). We use the
synchronous azure-identity credential (its async twin needs aiohttp, which this project does not ship) and
run it in a worker thread. The azure-core policy behind `get_bearer_token_provider` caches the token and
fetches a new one shortly before it expires. The token only ever goes into the Authorization header;
nothing here logs it,
and `bridge.redaction` masks each issued token wherever text leaves the bridge.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio.to_thread
from azure.core.credentials import TokenCredential

from bridge.redaction import register_secret

TokenProvider = Callable[[], Awaitable[str]]


def token_provider(scope: str, credential: TokenCredential | None = None) -> TokenProvider:
    """An async callable returning a bearer token for `scope` (DefaultAzureCredential unless one is given)."""
    from azure.identity import DefaultAzureCredential, get_bearer_token_provider

    get_token = get_bearer_token_provider(credential or DefaultAzureCredential(), scope)

    async def bearer_token() -> str:
        token = await anyio.to_thread.run_sync(get_token)
        register_secret(token)  # masked in any error text or log line, should one ever echo it
        return token

    return bearer_token
