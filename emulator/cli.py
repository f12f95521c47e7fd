"""`responses-emulator`: serve the local Responses-compatible endpoint."""

from __future__ import annotations

import argparse
import errno
import socket
import sys

import uvicorn
from openapi.catalog import is_region_supported, load_catalog

from emulator.app import create_app
from emulator.config import EmulatorConfig
from emulator.model import METADATA_LIMITS
from emulator.faults import parse_fault


def port_number(text: str) -> int:
    """argparse type: a TCP port, 1-65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 1 and 65535, got {port}")
    return port


def check_port_free(host: str, port: int) -> None:
    """SystemExit naming the fix when `port` is taken, before anything says the server is serving."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise SystemExit(f"responses-emulator: port {port} on {host} is in use; choose another with --port") from None
            raise SystemExit(f"responses-emulator: cannot listen on {host}:{port}: {exc.strerror}") from None


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="responses-emulator",
        description="A local Azure OpenAI / OpenAI Responses-compatible endpoint "
        "(served under /openai/v1/ and /v1/).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    # Not 8765: that is the bridge's --http default, and the two often run side by side.
    parser.add_argument("--port", type=port_number, default=8766, help="port (default 8766)")
    parser.add_argument("--db", metavar="PATH", help="SQLite file for stored responses (default: in memory)")
    parser.add_argument(
        "--api-key", action="append", metavar="KEY",
        help="accepted key (repeatable; default 'emulator-key'); use --no-auth to accept anything",
    )
    parser.add_argument("--no-auth", action="store_true", help="accept requests without credentials")
    parser.add_argument("--region", default="swedencentral", help="value of x-ms-region (a documented region)")
    parser.add_argument(
        "--snapshot", default="2026-05", choices=[snap.id for snap in load_catalog().snapshots],
        help="doc snapshot to imitate (default 2026-05; 2025-12 has no compaction)",
    )
    parser.add_argument(
        "--deployment", action="append", metavar="NAME=MODEL[@VERSION]", default=[],
        help="map a deployment name to a documented model (repeatable)",
    )
    parser.add_argument(
        "--fault", metavar="SPEC",
        help="fault applied to every API request, e.g. 'status=429;retry_after=2' (grammar: emulator.faults)",
    )
    parser.add_argument(
        "--openai-mode", action="store_true",
        help="OpenAI dialect: no image-deployment header required, file purpose user_data accepted",
    )
    parser.add_argument("--delay-ms", type=float, default=0.0, help="pause between streamed deltas (default 0)")
    parser.add_argument("--min-words", type=int, default=0, help="minimum answer length in words (default 0)")
    parser.add_argument(
        "--entra-audience", action="append", metavar="AUD",
        help="accepted Entra token audience (repeatable; default https://ai.azure.com and "
        "https://cognitiveservices.azure.com)",
    )
    parser.add_argument(
        "--entra-principal", action="append", metavar="OID",
        help="principal (token `oid`) holding a role on the resource (repeatable; default: any valid token); "
        "other principals get Azure's 401 PermissionDenied",
    )
    parser.add_argument("--sealing-secret", help="secret for encrypted items (compaction, reasoning)")
    return parser


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    deployments: dict[str, str] = {}
    for spec in args.deployment:
        name, sep, model = spec.partition("=")
        if not sep or not name or not model:
            raise SystemExit(f"--deployment: expected NAME=MODEL[@VERSION], got {spec!r}")
        deployments[name] = model
    keys: tuple[str, ...] = () if args.no_auth else tuple(args.api_key or ["emulator-key"])
    if args.fault:
        try:
            parse_fault(args.fault)
        except ValueError as exc:
            raise SystemExit(f"--fault: {exc}") from None
    if not 0 <= args.min_words <= METADATA_LIMITS["emulator_words"]:
        raise SystemExit(f"--min-words: must be between 0 and {METADATA_LIMITS['emulator_words']}")
    if not 0 <= args.delay_ms <= METADATA_LIMITS["emulator_delay_ms"]:
        raise SystemExit(f"--delay-ms: must be between 0 and {METADATA_LIMITS['emulator_delay_ms']}")
    if not is_region_supported(args.region, args.snapshot):
        raise SystemExit(f"--region: {args.region!r} is not a documented region of snapshot {args.snapshot}")
    config = EmulatorConfig(
        api_keys=keys, db_path=args.db, region=args.region, snapshot=args.snapshot, deployments=deployments,
        fault=args.fault, azure_mode=not args.openai_mode, delay_ms=args.delay_ms, min_words=args.min_words,
    )
    if args.entra_audience:
        config.entra_audiences = tuple(args.entra_audience)
    if args.entra_principal:
        config.entra_principals = tuple(args.entra_principal)
    if args.sealing_secret:
        config.sealing_secret = args.sealing_secret
    return config


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config = config_from_args(args)
    try:
        app = create_app(config)
    except (KeyError, ValueError) as exc:  # unknown snapshot, bad --deployment
        raise SystemExit(f"responses-emulator: {exc}") from None
    check_port_free(args.host, args.port)
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"responses-emulator: Azure base URL http://{host}:{args.port}/openai/v1/ "
          f"(OpenAI style: http://{host}:{args.port}/v1/)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
