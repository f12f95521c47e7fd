"""Streamable HTTP serving: loopback by default, a bearer token off-loopback, Host/Origin checks always.

DNS rebinding: a web page must not reach a local server through a hostname it controls, so every request's
Host (and Origin, when a browser sends one) must name this server; the SDK's TransportSecurityMiddleware
does the check with the lists built here. Off loopback, anyone on the network can connect, so a bearer
token (RESPONSES_BRIDGE_HTTP_TOKEN) is required; it is compared in constant time and never printed.
"""

from __future__ import annotations

import hmac
import ipaddress
import socket

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings
from starlette.types import ASGIApp, Receive, Scope, Send

from bridge.settings import ConfigurationError

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
MCP_PATH = "/mcp"


def is_loopback(host: str) -> bool:
    """A loopback IP literal, or the name `localhost`; a DNS name like `127.example.com` is not loopback."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def security_settings(host: str, extra_hosts: list[str] | tuple[str, ...] = ()) -> TransportSecuritySettings:
    """Which Host and Origin values the server answers to."""
    names = ["127.0.0.1", "localhost", "[::1]"]
    if not is_loopback(host):
        if host in ("0.0.0.0", "::"):
            # Bound to every interface: accept this machine's own names; others via --allow-host.
            names += [socket.gethostname(), socket.getfqdn()]
        else:
            names.append(f"[{host}]" if ":" in host else host)
    names += list(extra_hosts)
    unique = list(dict.fromkeys(name for name in names if name))
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[entry for name in unique for entry in (name, f"{name}:*")],
        allowed_origins=[f"{scheme}://{name}{port}" for name in unique for scheme in ("http", "https") for port in ("", ":*")],
    )


class BearerTokenMiddleware:
    """Reject HTTP requests that lack `Authorization: Bearer <token>`."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            supplied = dict(scope.get("headers") or []).get(b"authorization", b"")
            if not hmac.compare_digest(supplied, self._expected):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"text/plain"), (b"www-authenticate", b'Bearer realm="responses-bridge"')],
                    }
                )
                await send({"type": "http.response.body", "body": b"Missing or wrong bearer token (RESPONSES_BRIDGE_HTTP_TOKEN).\n"})
                return
        await self.app(scope, receive, send)


def build_http_app(
    mcp: MCPServer, *, host: str, token: str | None, extra_hosts: list[str] | tuple[str, ...] = ()
) -> ASGIApp:
    """The ASGI app serving `mcp` at /mcp. Raises ConfigurationError when off-loopback without a token."""
    if not is_loopback(host) and not token:
        raise ConfigurationError(
            f"Serving HTTP on {host} (not loopback) requires a bearer token: set RESPONSES_BRIDGE_HTTP_TOKEN "
            "to a long random value and give it to your MCP client, or bind to 127.0.0.1."
        )
    app: ASGIApp = mcp.streamable_http_app(
        streamable_http_path=MCP_PATH, transport_security=security_settings(host, extra_hosts), host=host
    )
    if token:
        app = BearerTokenMiddleware(app, token)
    return app


def url_for(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else (f"[{host}]" if ":" in host else host)
    return f"http://{shown}:{port}{MCP_PATH}"
