"""`responses-contracts`: the conformance run (placeholder until the contract-suite issue lands)."""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="responses-contracts",
        description="Check a Responses-compatible endpoint against the documented contract.",
    )
    sub = parser.add_subparsers(dest="command")
    run = sub.add_parser("run", help="run the suite against a target")
    run.add_argument("--base-url", help="endpoint base URL, e.g. https://RES.openai.azure.com/openai/v1")
    run.add_argument("--emulator", action="store_true", help="start the local emulator and target it")
    return parser


def main(argv: list[str] | None = None) -> int:
    build_parser().parse_args(argv)
    print("responses-contracts: the suite is not built yet", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
