"""Shared fixtures for the contract-suite tests: a running emulator and a target for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from contracts.target import Target
from emulator.config import EmulatorConfig
from emulator.server import EmulatorServer

EMULATOR_KEY = "emulator-key"
# A reasoning deployment (so the encrypted-reasoning scenario applies) and an image deployment.
DEPLOYMENT = "o4-mini"
IMAGE_DEPLOYMENT = "gpt-image-1"


@pytest.fixture(scope="module")
def emulator_server() -> Iterator[EmulatorServer]:
    """The emulator on a free loopback port, one per test module."""
    with EmulatorServer(EmulatorConfig()) as server:
        yield server


@pytest.fixture
def target(emulator_server: EmulatorServer) -> Target:
    """The default (azure-v1) target for the module's emulator."""
    return Target(
        base_url=emulator_server.base_url,
        deployment=DEPLOYMENT,
        credential=EMULATOR_KEY,
        image_deployment=IMAGE_DEPLOYMENT,
        timeout_s=15,
    )
