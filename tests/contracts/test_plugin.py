"""The pytest plugin gates a CI job: one item per check, failing when a check fails, inert without options."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts.profiles import builtin_document
from tests.contracts.loopback import serve
from tests.contracts.toy_endpoint import KEY, create_app

pytest_plugins = ["pytester"]


def small_spec(path: Path) -> str:
    document = builtin_document()
    document["paths"] = {p: item for p, item in document["paths"].items() if p == "/models"}
    spec = path / "spec.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    return str(spec)


def test_without_options_the_plugin_adds_nothing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_plain():
            assert True

        def test_uses_fixture(contracts_run):
            raise AssertionError("must not run without --contracts-* options")
        """
    )
    outcome = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    outcome.assert_outcomes(passed=1, skipped=1)
    assert "responses-contracts" not in outcome.stdout.str()


@pytest.mark.timeout(120)
def test_emulator_checks_become_items_that_pass(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_gate(contracts_run):
            assert contracts_run.exit_code == 0
            assert {r.layer.value for r in contracts_run.results} == {"scenario", "catalog"}
        """
    )
    outcome = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--contracts-emulator", "--contracts-layers", "scenario,catalog", "-rA"
    )
    text = outcome.stdout.str()
    assert outcome.ret == 0, text
    assert "responses-contracts: the emulator (profile azure-v1)" in text
    assert "PASSED ::responses-contracts::catalog.region" in text
    counts = outcome.parseoutcomes()
    assert counts["passed"] > 20
    # Features a doc snapshot lists as unsupported are expected failures, not defects.
    assert counts.get("xfailed", 0) >= 1


@pytest.mark.timeout(60)
def test_a_failing_check_fails_the_session_and_only_contracts_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile("def test_unrelated():\n    assert True\n")
    monkeypatch.setenv("TOY_KEY", KEY)
    with serve(create_app("wrong_error_body")) as root:
        outcome = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider",
            "--contracts-base-url", f"{root}/openai/v1", "--contracts-deployment", "gpt-4o",
            "--contracts-api-key-env", "TOY_KEY", "--contracts-layers", "schema",
            "--contracts-spec", small_spec(pytester.path), "--contracts-max-cases", "20", "--contracts-only",
        )
    text = outcome.stdout.str()
    assert outcome.ret == 1, text
    assert "FAILED ::responses-contracts::schema.azure_error_body[GET /models]" in text
    assert "rule: 4xx bodies are the documented error object" in text
    assert "1 deselected" in text  # test_unrelated
    assert KEY not in text.replace("TOY_KEY", "")


def test_usage_errors_stop_pytest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_x():\n    pass\n")
    outcome = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "--contracts-base-url", "http://127.0.0.1:1/openai/v1"
    )
    assert outcome.ret == pytest.ExitCode.USAGE_ERROR
    assert "--deployment NAME is required" in outcome.stderr.str()
