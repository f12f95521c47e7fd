"""`responses-contracts`: check a Responses-compatible endpoint against the documented contract.

Exit codes: 0 every check passed, 1 a check failed (or could not run), 2 usage error, or the preflight stopped
the run (endpoint unreachable, credential refused, no Responses API at the base URL).
Secrets are read from environment variables only (`--api-key-env`, `--bearer-env`), never from the command line.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

from rich.console import Console

from contracts.profiles import PROFILES, ProfileError, rules_for
from contracts.target import Target

DEFAULT_KEY_ENV = {"azure-v1": "AZURE_OPENAI_API_KEY", "openai": "OPENAI_API_KEY", "open-responses": None}
EMULATOR_DEPLOYMENT = "o4-mini"  # a reasoning model: the encrypted-reasoning scenario applies too
EMULATOR_KEY = "emulator-key"
SNAPSHOTS = ("2026-05", "2025-12")  # the catalog's doc snapshots, newest first
SECRET_FLAGS = ("--api-key", "--bearer", "--token", "--key", "--password")


class UsageError(Exception):
    """Bad arguments or environment; exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="responses-contracts",
        description="Check a Responses-compatible endpoint against the documented contract.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the suite against a target")
    where = run.add_argument_group("target")
    where.add_argument("--base-url", help="endpoint base URL, e.g. https://RES.openai.azure.com/openai/v1")
    where.add_argument("--emulator", action="store_true", help="start the local emulator in-process and target it")
    where.add_argument("--deployment", help=f"deployment/model sent as `model` (emulator default {EMULATOR_DEPLOYMENT})")
    where.add_argument("--image-deployment", help="image generation deployment (x-ms-oai-image-generation-deployment)")
    where.add_argument("--region", help="Azure region to check (default: the x-ms-region answer header)")
    auth = run.add_argument_group("credentials (read from the environment, never from the command line)")
    one = auth.add_mutually_exclusive_group()
    one.add_argument("--api-key-env", metavar="VAR", help="env var holding the key, sent as `api-key:`")
    one.add_argument("--bearer-env", metavar="VAR", help="env var holding a bearer token/key (`Authorization:`)")
    one.add_argument("--entra", action="store_true", help="Entra ID token via azure-identity DefaultAzureCredential")
    what = run.add_argument_group("what to check")
    what.add_argument("--profile", choices=sorted(PROFILES), default="azure-v1")
    what.add_argument("--spec", metavar="PATH", help="OpenAPI document to use instead of the built-in one")
    what.add_argument("--snapshot", choices=SNAPSHOTS, default="2026-05", help="doc snapshot")
    what.add_argument("--layers", default="schema,scenario,catalog", help="comma list of schema,scenario,catalog")
    what.add_argument("--max-cases", type=int, default=None, help="budget of schema-layer requests (default 450)")
    what.add_argument("--timeout", type=float, default=30.0, help="per-request timeout in seconds")
    out = run.add_argument_group("output")
    out.add_argument("--junit", metavar="PATH", help="write JUnit XML here")
    out.add_argument("--json", metavar="PATH", help="write the JSON report here")
    out.add_argument("--no-progress", action="store_true", help="no live progress display")
    diff = sub.add_parser("diff-snapshots", help="what differs between two doc snapshots of the catalog")
    diff.add_argument(
        "--old", default="2025-12", metavar="SNAPSHOT",
        help=f"the earlier doc snapshot to compare from (default %(default)s; known: {', '.join(SNAPSHOTS)})",
    )
    diff.add_argument(
        "--new", default="2026-05", metavar="SNAPSHOT",
        help=f"the later doc snapshot to compare to (default %(default)s; known: {', '.join(SNAPSHOTS)})",
    )
    return parser


def _secret_from_env(var: str) -> str:
    value = os.environ.get(var)
    if not value:
        raise UsageError(f"environment variable {var} is not set (it should hold the credential)")
    return value


def _entra_token(snapshot_id: str) -> str:
    from azure.identity import DefaultAzureCredential

    from openapi.catalog import snapshot

    scope = os.environ.get("CONTRACTS_ENTRA_SCOPE") or snapshot(snapshot_id).entra_scope
    try:
        return DefaultAzureCredential().get_token(scope).token
    except Exception as exc:  # azure-identity raises several credential errors; all mean "no token"
        raise UsageError(f"--entra: no Entra ID token for scope {scope}: {exc}") from None


def _credential(args: argparse.Namespace) -> tuple[str, str | None]:
    """(auth kind, secret) from the flags and the environment."""
    if args.entra:
        return "entra", _entra_token(args.snapshot)
    if args.api_key_env:
        return "api-key", _secret_from_env(args.api_key_env)
    if args.bearer_env:
        return "bearer", _secret_from_env(args.bearer_env)
    if args.emulator:
        return ("api-key" if args.profile == "azure-v1" else "bearer"), EMULATOR_KEY
    default_var = DEFAULT_KEY_ENV.get(args.profile)
    if default_var and os.environ.get(default_var):
        return rules_for(args.profile).default_auth, os.environ[default_var]
    return "none", None


class _BelowError(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


@contextlib.contextmanager
def quiet_uvicorn_warnings() -> Iterator[None]:
    """Keep uvicorn's warnings out of the report while the CLI's own emulator runs.

    Negative cases send malformed requests on purpose; uvicorn logs "Invalid HTTP request received." for each,
    which is noise in a report about the endpoint. Errors (a traceback from the emulator) still show.
    """
    logger = logging.getLogger("uvicorn.error")
    quiet = _BelowError()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


def _check_url(raw: str) -> None:
    """UsageError naming --base-url when `raw` cannot be parsed (`http://[::1/v1`, `host:notaport`)."""
    example = "e.g. https://RES.openai.azure.com/openai/v1"
    try:
        split = urlsplit(raw)
        split.port  # noqa: B018 - reading the port is what raises for `host:notaport`
    except ValueError as exc:
        raise UsageError(f"--base-url {raw!r} is not a valid URL ({exc}); {example}") from None
    if not split.hostname:
        raise UsageError(f"--base-url {raw!r} names no host; {example}")


@contextlib.contextmanager
def open_target(args: argparse.Namespace) -> Iterator[Target]:
    """The target the flags describe; with --emulator, a running in-process emulator for the block's duration."""
    if args.emulator == bool(args.base_url):
        raise UsageError("give exactly one of --base-url URL or --emulator")
    if args.max_cases is not None and args.max_cases < 1:
        raise UsageError("--max-cases must be at least 1")
    auth, credential = _credential(args)
    deployment = args.deployment or (EMULATOR_DEPLOYMENT if args.emulator else None)
    if not deployment:
        raise UsageError("--deployment NAME is required with --base-url (the deployment/model to send as `model`)")
    common = dict(
        deployment=deployment,
        auth=auth,
        credential=credential,
        image_deployment=args.image_deployment,
        region=args.region,
        profile=args.profile,
        snapshot=args.snapshot,
        spec_path=args.spec,
        timeout_s=args.timeout,
    )
    if not args.emulator:
        if not args.base_url.startswith(("http://", "https://")):
            raise UsageError(f"--base-url {args.base_url!r}: must start with http:// or https://")
        _check_url(args.base_url)
        yield Target(base_url=args.base_url, **common)
        return
    from emulator.config import EmulatorConfig
    from emulator.server import EmulatorServer

    from openapi.catalog import snapshot

    if common["image_deployment"] is None:
        common["image_deployment"] = snapshot(args.snapshot).image_generation_models[0]
    # The emulator speaks the dialect of the profile (OpenAI: no image-deployment header, purpose user_data).
    config = EmulatorConfig(snapshot=args.snapshot, azure_mode=args.profile == "azure-v1")
    with quiet_uvicorn_warnings(), EmulatorServer(config) as server:
        base = server.base_url if args.profile == "azure-v1" else server.openai_base_url
        yield Target(base_url=base, **common)


def _run(args: argparse.Namespace, console: Console) -> int:
    from contracts import report, runner

    try:
        layers = runner.parse_layers(args.layers)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    with open_target(args) as target:
        progress = report.LiveProgress(console, layers, mask=target.mask_secrets)
        live = contextlib.nullcontext() if args.no_progress else progress
        with live:
            try:
                summary = runner.run(
                    target,
                    layers=layers,
                    max_cases=args.max_cases,
                    on_result=None if args.no_progress else progress.on_result,
                    on_progress=None if args.no_progress else progress.on_progress,
                )
            except ProfileError as exc:
                raise UsageError(str(exc)) from None
        report.print_summary(console, summary)
        if args.junit:
            report.write_junit(summary, args.junit)
        if args.json:
            report.write_json(summary, args.json)
        return summary.exit_code


def _diff(args: argparse.Namespace, console: Console) -> int:
    from openapi.catalog import diff

    try:
        changes = diff(args.old, args.new)
    except (KeyError, ValueError) as exc:
        raise UsageError(f"unknown snapshot: {exc}") from None
    console.print(f"[bold]catalog {changes.old} → {changes.new}[/]")
    rows = [
        ("regions added", changes.regions_added),
        ("regions removed", changes.regions_removed),
        ("models added", changes.models_added),
        ("models removed", changes.models_removed),
    ]
    for label, items in rows:
        console.print(f"{label}: " + (", ".join(items) if items else "-"))
    for feature, (old, new) in sorted(changes.features_changed.items()):
        console.print(f"feature {feature}: {old} → {new}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    console = Console(stderr=False, highlight=False)
    for arg in argv:
        if arg.split("=", 1)[0] in SECRET_FLAGS:
            print(
                f"responses-contracts: {arg.split('=', 1)[0]} is not accepted: secrets are read from the environment "
                "(use --api-key-env VAR or --bearer-env VAR)",
                file=sys.stderr,
            )
            return 2
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        if args.command == "diff-snapshots":
            return _diff(args, console)
        return _run(args, console)
    except UsageError as exc:
        print(f"responses-contracts: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
