"""`responses-bridge`: run the MCP server (stdio by default, `--http` for streamable HTTP).

`responses-bridge config --client claude|vscode` prints client configuration instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import ExitStack
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bridge.settings import ConfigurationError, Settings

if TYPE_CHECKING:
    from mcp.server.mcpserver import MCPServer

DEFAULT_PORT = 8765


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="responses-bridge",
        description="MCP server exposing the Azure OpenAI / OpenAI Responses API as MCP tools. "
        "Configure with AZURE_OPENAI_ENDPOINT (+ AZURE_OPENAI_API_KEY, or Entra ID sign-in), or OPENAI_API_KEY.",
        epilog="Client configuration: responses-bridge config --client claude|vscode [--emulator] [--http URL]",
    )
    parser.add_argument("--emulator", action="store_true", help="start the local emulator in-process and use it")
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default 127.0.0.1; "
                        "any other address requires RESPONSES_BRIDGE_HTTP_TOKEN)")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"HTTP port, 1-65535 (default {DEFAULT_PORT})")
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="extra Host/Origin name accepted over HTTP (repeatable), e.g. a reverse proxy's name")
    parser.add_argument("--time-budget", type=float, default=None, metavar="SECONDS",
                        help="longest upstream wait per tool call (RESPONSES_BRIDGE_TIME_BUDGET, default 45)")
    return parser


def build_config_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="responses-bridge config", description="print MCP client configuration")
    parser.add_argument("--client", choices=("claude", "vscode"), required=True)
    parser.add_argument("--emulator", action="store_true", help="configure the server to run with --emulator")
    parser.add_argument("--http", metavar="URL", default=None, help="VS Code only: connect over HTTP to URL")
    return parser


# Settings fields a command-line flag can set: when the flag was given, errors name it instead of the variable.
FLAGS = {"responses_bridge_time_budget": ("time_budget", "--time-budget")}


def _port(text: str) -> int:
    # The emulator's check (1-65535), imported only when --port is given: it is not needed to start up.
    from emulator.cli import port_number

    return port_number(text)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    config = argv[:1] == ["config"]
    args = build_config_parser().parse_args(argv[1:]) if config else build_parser().parse_args(argv)
    try:
        return _print_config(args) if config else _serve(args)
    except ConfigurationError as exc:
        print(f"responses-bridge: {exc}", file=sys.stderr)
        return 2
    except ValidationError as exc:  # a malformed environment variable or flag (settings validation)
        flags = {field: flag for field, (dest, flag) in FLAGS.items() if getattr(args, dest, None) is not None}
        print(f"responses-bridge: configuration error: {invalid_settings(exc, flags)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def invalid_settings(exc: ValidationError, flags: dict[str, str] | None = None) -> str:
    """Each invalid setting named as the user set it (`flags`: field -> the flag given for it, else the
    environment variable), with the value and the fix."""
    parts = []
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else ""
        info = Settings.model_fields.get(field)
        variable = field.upper()
        flag = (flags or {}).get(field)
        # Never echo a secret (API keys, the HTTP token), even a malformed one.
        secret = info is not None and "SecretStr" in str(info.annotation)
        value = error.get("input") if not secret else None
        if flag:
            name = f"{flag} {value}" if value is not None else flag
        else:
            name = f"{variable}={value!r}" if isinstance(value, str) else variable
        fix = info.description if info is not None and info.description else f"fix {variable} or unset it"
        parts.append(f"{name} is invalid ({error['msg']}); {fix}")
    return "; ".join(parts)


def _print_config(args: argparse.Namespace) -> int:
    from bridge.client_config import client_config

    settings = Settings()
    token = settings.http_token is not None
    print(json.dumps(client_config(args.client, settings, emulator=args.emulator, http_url=args.http, token=token), indent=2))
    return 0


def _serve(args: argparse.Namespace) -> int:
    from bridge.context import build_context
    from bridge.server import build_server

    overrides: dict[str, object] = {}
    if args.time_budget is not None:
        overrides["responses_bridge_time_budget"] = args.time_budget  # named --time-budget in errors (FLAGS)
    with ExitStack() as stack:
        emulator = None
        if args.emulator:
            from emulator.server import EmulatorServer

            emulator = stack.enter_context(EmulatorServer())
            overrides["emulator_base_url"] = emulator.base_url
        settings = Settings(**overrides)
        ctx = build_context(settings, emulator=emulator)
        mcp = build_server(ctx)
        _tune_gc()
        if not args.http:
            import anyio

            from bridge.stdio_pipes import run_stdio

            anyio.run(run_stdio, mcp)
            return 0
        return _serve_http(mcp, settings, args)


def _tune_gc() -> None:
    """Fewer, cheaper garbage collections for a long-running server.

    Measured with 256 concurrent creates over HTTP: the default thresholds (700, 10, 10) ran ~1400
    collections costing 3-4 s of the bridge's ~10 s of CPU, mostly full collections re-scanning the
    hundreds of thousands of objects the imports create (SDK types, pydantic schemas). Freezing what
    exists after start-up takes those out of every collection; larger thresholds collect less often.
    With both: ~340 collections, ~0.6 s. Memory stays bounded (only cyclic garbage waits longer).
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 20, 20)


def _serve_http(mcp: MCPServer, settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from bridge.client_config import client_config
    from bridge.http_app import build_http_app, url_for

    token = settings.http_token.get_secret_value() if settings.http_token else None
    app = build_http_app(mcp, host=args.host, token=token, extra_hosts=args.allow_host)
    url = url_for(args.host, args.port)
    print(f"responses-bridge: serving MCP over streamable HTTP at {url}", flush=True)
    if token:
        print("responses-bridge: clients must send 'Authorization: Bearer <RESPONSES_BRIDGE_HTTP_TOKEN>'", flush=True)
    print("VS Code mcp.json:", flush=True)
    print(json.dumps(client_config("vscode", settings, http_url=url, token=bool(token)), indent=2), flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
