"""The preflight: a wrong key or a base URL without the API suffix stops the run with exit 2 and the fix, before any
layer runs; endpoints that merely lack or forbid GET /models still run; the schema layer flags all-refused runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from contracts import preflight
from contracts.cli import main
from contracts.schema_layer import run_schema_layer
from contracts.target import Target
from emulator.server import EmulatorServer
from tests.contracts.loopback import serve
from tests.contracts.test_cli import small_spec
from tests.contracts.toy_endpoint import create_app

WRONG_KEY = "sk-wrong-CANARY-91c2e7"


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def cli_run(base_url: str, report: Path, *extra: str) -> list[str]:
    return ["run", "--base-url", base_url, "--deployment", "o4-mini", "--no-progress", "--json", str(report), *extra]


@pytest.mark.timeout(60)
def test_a_wrong_key_stops_the_run_with_exit_2_and_the_endpoints_message(
    emulator_server: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WRONG_KEY_VAR", WRONG_KEY)
    report = tmp_path / "r.json"
    code, out = run_cli(cli_run(emulator_server.base_url, report, "--api-key-env", "WRONG_KEY_VAR"), capsys)
    assert code == 2, out
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [r["id"] for r in data["results"]] == ["target.credential"]
    flat = " ".join(out.split())
    assert "the endpoint rejected the credential (HTTP 401: Access denied due to invalid subscription key" in flat
    assert "check --api-key-env/--bearer-env/--entra" in flat
    assert WRONG_KEY not in out and WRONG_KEY not in report.read_text(encoding="utf-8")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("suffix", ["", "/openai"])
def test_a_base_url_without_openai_v1_stops_the_run_and_suggests_it(
    suffix: str, emulator_server: EmulatorServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = emulator_server.root_url + suffix
    report = tmp_path / "r.json"
    code, out = run_cli(cli_run(base, report), capsys)  # --base-url without --api-key-env: the emulator default
    assert code == 2, out
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [r["id"] for r in data["results"]] == ["target.base-url"]
    flat = " ".join(out.split())
    assert f"no Responses API at {base}" in flat
    assert f"did you mean {emulator_server.root_url}/openai/v1?" in flat


def test_the_suggestion_follows_the_profile() -> None:
    def suggest(url: str, profile: str = "azure-v1") -> str | None:
        return preflight.suggested_base_url(Target(base_url=url, deployment="d", profile=profile))  # type: ignore[arg-type]

    assert suggest("https://res.openai.azure.com") == "https://res.openai.azure.com/openai/v1"
    assert suggest("https://res.openai.azure.com/openai/") == "https://res.openai.azure.com/openai/v1"
    assert suggest("https://res.openai.azure.com/openai/v1/") is None
    assert suggest("https://api.example.com", "openai") == "https://api.example.com/v1"
    assert suggest("https://api.example.com/v1", "openai") is None


def refusing_models_app(models_status: int) -> Starlette:
    """/models answers `models_status`; POST /responses is there and refuses an empty body with 400, as Azure does."""

    async def models(request: Request) -> Response:
        return JSONResponse({"error": {"message": "no", "code": str(models_status)}}, status_code=models_status)

    async def create(request: Request) -> Response:
        body = {"error": {"message": "`model` is required", "type": "invalid_request_error", "param": "model"}}
        return JSONResponse(body, status_code=400)

    return Starlette(routes=[Route("/v1/models", models), Route("/v1/responses", create, methods=["POST"])])


@pytest.mark.timeout(30)
@pytest.mark.parametrize("models_status", [403, 404])
def test_an_endpoint_serving_responses_without_models_passes_the_preflight(models_status: int) -> None:
    # An Open Responses server without /models, or an OpenAI key restricted from listing models.
    with serve(refusing_models_app(models_status)) as root:
        target = Target(base_url=f"{root}/v1", deployment="d", auth="bearer", credential="k", profile="openai")
        assert preflight.check(target) is None


@pytest.mark.timeout(60)
def test_a_schema_layer_whose_every_answer_is_a_refusal_says_so(tmp_path: Path) -> None:
    # The preflight normally stops this; the layer run alone must not report only "passed" either.
    spec = small_spec(tmp_path, "/models", "/responses")
    with serve(create_app()) as root:
        target = Target(base_url=f"{root}/openai/v1", deployment="gpt-4o", credential=WRONG_KEY, spec_path=spec)
        summary = run_schema_layer(target, max_cases=12)
    refused = [r for r in summary.results if r.id == "schema.refused"]
    assert len(refused) == 1 and refused[0].outcome.value == "error", [r.id for r in summary.results]
    assert "HTTP 401" in refused[0].message and "were refusals" in refused[0].message
