"""pytest plugin: gate a CI job on an endpoint's conformance.

With `--contracts-base-url URL` (or `--contracts-emulator`) the suite runs once at collection time and every check
becomes a test item (`responses-contracts::<check id>`, marker `contracts`): failed and error checks fail, checks
that do not apply skip, features the doc snapshot lists as unsupported xfail. `--contracts-only` drops every other
collected test. The session fixture `contracts_run` gives the whole `RunSummary` to hand-written tests.
Without those options the plugin adds nothing and runs nothing.
"""

from __future__ import annotations

import argparse
from typing import Any

import pytest

from contracts.results import CheckResult, Outcome

RUN_KEY = pytest.StashKey["Any"]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contracts", "responses-contracts (conformance gate for a Responses endpoint)")
    group.addoption("--contracts-base-url", help="endpoint base URL to check, e.g. https://RES.openai.azure.com/openai/v1")
    group.addoption("--contracts-emulator", action="store_true", help="check the local emulator (started in-process)")
    group.addoption("--contracts-deployment", help="deployment/model sent as `model`")
    group.addoption("--contracts-image-deployment", help="image generation deployment")
    group.addoption("--contracts-region", help="Azure region to check (default: x-ms-region)")
    group.addoption("--contracts-api-key-env", metavar="VAR", help="env var holding the api-key")
    group.addoption("--contracts-bearer-env", metavar="VAR", help="env var holding a bearer token/key")
    group.addoption("--contracts-entra", action="store_true", help="Entra ID token via DefaultAzureCredential")
    group.addoption("--contracts-profile", default="azure-v1", choices=["azure-v1", "openai", "open-responses"])
    group.addoption("--contracts-spec", metavar="PATH", help="OpenAPI document to use instead of the built-in one")
    group.addoption("--contracts-snapshot", default="2026-05", choices=["2026-05", "2025-12"])
    group.addoption("--contracts-layers", default="schema,scenario,catalog")
    group.addoption("--contracts-max-cases", type=int, default=None, help="schema-layer request budget")
    group.addoption("--contracts-timeout", type=float, default=30.0, help="per-request timeout (s)")
    group.addoption("--contracts-only", action="store_true", help="run only the generated contract checks")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "contracts: a responses-contracts check generated from --contracts-* options")


def enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("contracts_base_url") or config.getoption("contracts_emulator"))


def _namespace(config: pytest.Config) -> argparse.Namespace:
    """The CLI's argument names, so the plugin builds its target exactly as `responses-contracts run` does."""
    option = config.getoption
    return argparse.Namespace(
        base_url=option("contracts_base_url"),
        emulator=option("contracts_emulator"),
        deployment=option("contracts_deployment"),
        image_deployment=option("contracts_image_deployment"),
        region=option("contracts_region"),
        api_key_env=option("contracts_api_key_env"),
        bearer_env=option("contracts_bearer_env"),
        entra=option("contracts_entra"),
        profile=option("contracts_profile"),
        spec=option("contracts_spec"),
        snapshot=option("contracts_snapshot"),
        timeout=option("contracts_timeout"),
        max_cases=option("contracts_max_cases"),
        layers=option("contracts_layers"),
    )


def run_suite(config: pytest.Config) -> Any:
    """Run the suite once per session (cached); usage errors stop pytest with the CLI's message."""
    if RUN_KEY in config.stash:
        return config.stash[RUN_KEY]
    from contracts import runner
    from contracts.cli import UsageError, open_target
    from contracts.profiles import ProfileError

    args = _namespace(config)
    try:
        layers = runner.parse_layers(args.layers)
        with open_target(args) as target:
            summary = runner.run(target, layers=layers, max_cases=args.max_cases)
    except (UsageError, ProfileError, ValueError) as exc:
        raise pytest.UsageError(f"responses-contracts: {exc}") from None
    config.stash[RUN_KEY] = summary
    return summary


class ContractCheckFailed(Exception):
    def __init__(self, result: CheckResult) -> None:
        super().__init__(result.message)
        self.result = result


class ContractItem(pytest.Item):
    def __init__(self, *, result: CheckResult, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.result = result
        self.add_marker("contracts")

    def runtest(self) -> None:
        outcome = self.result.outcome
        if outcome is Outcome.skipped:
            pytest.skip(self.result.message or "not applicable to this target")
        if outcome is Outcome.expected_unsupported:
            pytest.xfail(self.result.message or "listed as unsupported in this doc snapshot")
        if self.result.is_failure:
            raise ContractCheckFailed(self.result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, ContractCheckFailed):
            r = excinfo.value.result
            parts = [f"{r.outcome.value}: {r.title}", r.message, f"rule: {r.doc_rule}"]
            if r.request:
                parts += ["request:", r.request]
            if r.response:
                parts += ["response:", r.response]
            return "\n".join(parts)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Any, int | None, str]:
        return self.path, None, f"contract {self.result.layer.value}: {self.result.id}"


class ContractsCollector(pytest.Collector):
    def collect(self) -> list[pytest.Item]:
        summary = run_suite(self.config)
        return [ContractItem.from_parent(self, name=result.id, result=result) for result in summary.results]


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not enabled(config):
        return
    if config.getoption("contracts_only"):
        config.hook.pytest_deselected(items=list(items))
        items.clear()
    collector = ContractsCollector.from_parent(session, name="responses-contracts")
    items.extend(collector.collect())


def pytest_report_header(config: pytest.Config) -> str | None:
    if not enabled(config):
        return None
    where = "the emulator" if config.getoption("contracts_emulator") else config.getoption("contracts_base_url")
    return f"responses-contracts: {where} (profile {config.getoption('contracts_profile')})"


@pytest.fixture(scope="session")
def contracts_run(pytestconfig: pytest.Config) -> Any:
    """The `RunSummary` of the session's contract run (needs --contracts-base-url or --contracts-emulator)."""
    if not enabled(pytestconfig):
        pytest.skip("no --contracts-base-url / --contracts-emulator given")
    return run_suite(pytestconfig)
