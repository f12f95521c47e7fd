"""`responses-emulator`: serve the local Responses-compatible endpoint."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from emulator.app import create_app
from emulator.config import EmulatorConfig


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="responses-emulator",
        description="A local Azure OpenAI / OpenAI Responses-compatible endpoint "
        "(served under /openai/v1/ and /v1/).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    parser.add_argument("--db", metavar="PATH", help="SQLite file for stored responses (default: in memory)")
    parser.add_argument(
        "--api-key", action="append", metavar="KEY",
        help="accepted key (repeatable; default 'emulator-key'); use --no-auth to accept anything",
    )
    parser.add_argument("--no-auth", action="store_true", help="accept requests without credentials")
    parser.add_argument("--region", default="swedencentral", help="value of x-ms-region (a documented region)")
    parser.add_argument("--snapshot", default="2026-05", help="doc snapshot to imitate (2026-05 or 2025-12)")
    parser.add_argument(
        "--deployment", action="append", metavar="NAME=MODEL[@VERSION]", default=[],
        help="map a deployment name to a documented model (repeatable)",
    )
    return parser


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    deployments: dict[str, str] = {}
    for spec in args.deployment:
        name, sep, model = spec.partition("=")
        if not sep or not name or not model:
            raise SystemExit(f"--deployment: expected NAME=MODEL[@VERSION], got {spec!r}")
        deployments[name] = model
    keys: tuple[str, ...] = () if args.no_auth else tuple(args.api_key or ["emulator-key"])
    return EmulatorConfig(
        api_keys=keys, db_path=args.db, region=args.region, snapshot=args.snapshot, deployments=deployments
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config = config_from_args(args)
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    sys.exit(main())
