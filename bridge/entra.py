"""Entra ID sign-in for Azure: an async bearer-token provider handed to the openai client as `api_key`.

The openai client awaits the provider before every request (`AsyncOpenAI._refresh_api_key`). We use the
synchronous azure-identity credential (its async twin needs aiohttp, which this project does not ship) and
run it in a worker thread. The azure-core policy behind `get_bearer_token_provider` caches the token and
fetches a new one shortly before it expires. The token only ever goes into the Authorization header;
nothing here logs it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import anyio.to_thread
from azure.core.credentials import TokenCredential

TokenProvider = Callable[[], Awaitable[str]]


def token_provider(scope: str, credential: TokenCredential | None = None) -> TokenProvider:
    """An async callable returning a bearer token for `scope` (DefaultAzureCredential unless one is given)."""
    from azure.identity import DefaultAzureCredential, get_bearer_token_provider

    get_token = get_bearer_token_provider(credential or DefaultAzureCredential(), scope)

    async def bearer_token() -> str:
        return await anyio.to_thread.run_sync(get_token)

    return bearer_token
