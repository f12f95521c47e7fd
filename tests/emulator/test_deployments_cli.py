"""Deployments (names -> documented models) and the `responses-emulator` command line."""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Iterator

import httpx
import openai
import pytest

from emulator.cli import build_parser, config_from_args
from emulator.config import EmulatorConfig
from emulator.deployments import Deployments
from emulator.server import EmulatorServer, free_port

from .conftest import KEY, Recorder, make_client

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def deployed(recorded: Recorder) -> Iterator[openai.OpenAI]:
    config = EmulatorConfig(deployments={"chat-prod": "gpt-4o@2024-08-06", "cua": "computer-use-preview"}, region="italynorth")
    with EmulatorServer(config) as server:
        yield make_client(server, recorded)


def test_named_deployment_shows_the_dated_model(deployed: openai.OpenAI) -> None:
    raw = deployed.responses.with_raw_response.create(model="chat-prod", input="which model?")
    response = raw.parse()
    assert response.model == "gpt-4o-2024-08-06"
    assert raw.headers["x-ms-served-model"] == "gpt-4o-2024-08-06"
    assert raw.headers["x-ms-region"] == "italynorth"
    assert deployed.responses.create(model="cua", input="x").model == "computer-use-preview"
    assert deployed.responses.create(model="gpt-5.2-chat", input="x").model == "gpt-5.2-chat-2025-12-11"


def test_unknown_deployment_via_sdk(deployed: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        deployed.responses.create(model="gpt-4o-typo", input="x")
    assert caught.value.body["code"] == "DeploymentNotFound"  # type: ignore[index]


def test_bad_deployment_specs_fail_at_start_up() -> None:
    with pytest.raises(ValueError, match="not in doc snapshot"):
        Deployments(EmulatorConfig(deployments={"x": "gpt-99"}))
    with pytest.raises(ValueError, match="documented: 2024-11-20"):
        Deployments(EmulatorConfig(deployments={"x": "gpt-4o@2020-01-01"}))


def test_cli_flags_map_onto_the_config() -> None:
    args = build_parser().parse_args([
        "--db", "x.db", "--api-key", "k1", "--api-key", "k2", "--region", "eastus2", "--snapshot", "2025-12",
        "--deployment", "prod=gpt-4o@2024-05-13", "--fault", "status=429;retry_after=1", "--openai-mode",
        "--delay-ms", "5", "--min-words", "50",
    ])
    config = config_from_args(args)
    assert config.api_keys == ("k1", "k2") and config.db_path == "x.db" and config.region == "eastus2"
    assert config.snapshot == "2025-12" and config.deployments == {"prod": "gpt-4o@2024-05-13"}
    assert config.fault == "status=429;retry_after=1" and config.azure_mode is False
    assert (config.delay_ms, config.min_words) == (5.0, 50)
    assert config_from_args(build_parser().parse_args(["--no-auth"])).api_keys == ()
    for bad in (["--fault", "status=abc"], ["--region", "atlantis"], ["--deployment", "nomodel"]):
        with pytest.raises(SystemExit):
            config_from_args(build_parser().parse_args(bad))


def test_command_prints_the_base_url_and_serves() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "emulator.cli", "--port", str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/openai/v1/" in line
        for _ in range(100):
            try:
                reply = httpx.get(f"http://127.0.0.1:{port}/openai/v1/models", headers={"api-key": KEY})
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        assert reply.status_code == 200
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--snapshot", "2024-01"], "argument --snapshot: invalid choice: '2024-01'"),
        (["--port", "99999"], "argument --port: a port is between 1 and 65535, got 99999"),
        (["--port", "http"], "argument --port: expected a port number, got 'http'"),
    ],
)
def test_bad_flags_are_usage_errors_naming_the_flag(argv: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    assert exited.value.code == 2 and said in capsys.readouterr().err


def test_a_busy_port_is_refused_before_anything_says_serving() -> None:
    with EmulatorServer() as running:
        port = int(running.root_url.rsplit(":", 1)[1])
        done = subprocess.run([sys.executable, "-m", "emulator.cli", "--port", str(port)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use; choose another with --port" in done.stderr
    assert "Azure base URL" not in done.stdout
