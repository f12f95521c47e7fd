"""`responses-bridge`: the MCP server (placeholder until the bridge issue lands)."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="responses-bridge",
        description="MCP server exposing the Azure OpenAI / OpenAI Responses API as MCP tools.",
    )
    parser.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    parser.add_argument("--emulator", action="store_true", help="start the local emulator in-process and use it")
    return parser


def main(argv: list[str] | None = None) -> int:
    build_parser().parse_args(argv)
    print("responses-bridge: the MCP server is not built yet", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
