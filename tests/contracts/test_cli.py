"""`responses-contracts` exit codes, report files and secret masking, through the real CLI entry point."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contracts.cli import main
from contracts.profiles import builtin_document
from emulator.server import free_port
from tests.contracts.loopback import serve
from tests.contracts.toy_endpoint import create_app

FAKE_KEY = "sk-test-CANARY-7d3f9a1b2c"


def small_spec(tmp_path: Path, *paths: str) -> str:
    """A copy of the derived document limited to `paths`, passed with --spec to keep CLI runs short."""
    document = builtin_document()
    document["paths"] = {p: item for p, item in document["paths"].items() if p in paths}
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    return str(spec)


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.timeout(120)
def test_emulator_run_passes_with_exit_0_and_writes_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junit, report = tmp_path / "r.xml", tmp_path / "r.json"
    code, out = run_cli(
        ["run", "--emulator", "--max-cases", "60", "--no-progress", "--junit", str(junit), "--json", str(report)],
        capsys,
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    failures = [f"{r['id']}: {r['message'][:300]}" for r in data["results"] if r["outcome"] in ("failed", "error")]
    assert code == 0, "\n".join(failures)
    assert data["exit_code"] == 0 and data["schema_cases"] > 0
    assert set(data["summary"]) == {"schema", "scenario", "catalog"}
    assert all(data["summary"][layer]["passed"] > 0 for layer in data["summary"])
    suites = ET.parse(junit).getroot().findall("testsuite")
    assert [s.get("name") for s in suites] == ["contracts.schema", "contracts.scenario", "contracts.catalog"]
    assert sum(int(s.get("tests")) for s in suites) == len(data["results"])
    assert "all checks passed" in out


@pytest.mark.timeout(120)
def test_the_cli_emulator_keeps_uvicorn_warnings_out_of_the_output(capfd: pytest.CaptureFixture[str]) -> None:
    # Negative cases send requests uvicorn cannot parse ("Invalid HTTP request received."); 12 cases include some.
    code = main(["run", "--emulator", "--layers", "schema", "--max-cases", "12", "--no-progress"])
    captured = capfd.readouterr()
    out = captured.out + captured.err
    assert code == 0, out
    assert "schema cases" in out
    assert "Invalid HTTP request" not in out
    assert "WARNING" not in out
    # Only while the CLI's emulator runs: uvicorn's logger is left as it was.
    assert not logging.getLogger("uvicorn.error").filters


@pytest.mark.timeout(60)
def test_a_failing_check_gives_exit_1_and_no_secret_anywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TOY_KEY", FAKE_KEY)
    junit, report = tmp_path / "r.xml", tmp_path / "r.json"
    with serve(create_app("wrong_error_body", key=FAKE_KEY)) as root:
        code, out = run_cli(
            ["run", "--base-url", f"{root}/openai/v1", "--deployment", "gpt-4o", "--api-key-env", "TOY_KEY",
             "--layers", "schema", "--spec", small_spec(tmp_path, "/models"), "--max-cases", "20",
             "--junit", str(junit), "--json", str(report)],
            capsys,
        )
    assert code == 1, out
    data = json.loads(report.read_text(encoding="utf-8"))
    failed = [r for r in data["results"] if r["outcome"] == "failed"]
    assert any(r["id"].startswith("schema.azure_error_body[") for r in failed), out
    assert all(r["doc_rule"] and r["request"] and r["response"] for r in failed)
    root_xml = ET.parse(junit).getroot()
    assert root_xml.findall(".//failure")
    for text in (out, junit.read_text(encoding="utf-8"), report.read_text(encoding="utf-8")):
        assert FAKE_KEY not in text
    # The key was sent (the toy accepted it), and shows masked in the request excerpts.
    assert any("api-key: ***" in r["request"] for r in failed)


def test_usage_errors_give_exit_2(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    cases = [
        (["run"], "exactly one of --base-url"),
        (["run", "--emulator", "--base-url", "http://127.0.0.1:1/openai/v1"], "exactly one of"),
        (["run", "--base-url", "http://127.0.0.1:1/openai/v1"], "--deployment NAME is required"),
        (["run", "--base-url", "ftp://x", "--deployment", "d"], "must start with http"),
        (["run", "--base-url", "http://[::1/v1", "--deployment", "d"], "is not a valid URL (Invalid IPv6 URL)"),
        (["run", "--base-url", "http://127.0.0.1:notaport/v1", "--deployment", "d"], "is not a valid URL (Port"),
        (["run", "--base-url", "http:///openai/v1", "--deployment", "d"], "names no host"),
        (["run", "--emulator", "--layers", "schema,nope"], "unknown layer"),
        (["run", "--emulator", "--max-cases", "0"], "--max-cases must be at least 1"),
        (["run", "--base-url", "http://127.0.0.1:1/v1", "--deployment", "d", "--api-key-env", "NOT_SET_ANYWHERE"],
         "NOT_SET_ANYWHERE is not set"),
        (["run", "--base-url", "http://127.0.0.1:1/v1", "--deployment", "d", f"--api-key={FAKE_KEY}"],
         "secrets are read from the environment"),
        (["run", "--emulator", "--profile", "open-responses"], "needs --spec"),
        (["diff-snapshots", "--old", "1999-01"], "unknown snapshot"),
        (["frobnicate"], "invalid choice"),
    ]
    for argv, expected in cases:
        code, out = run_cli(argv, capsys)
        assert code == 2, (argv, out)
        assert expected in out, (argv, out)
        assert FAKE_KEY not in out


@pytest.mark.timeout(30)
def test_connection_refused_gives_exit_2_with_the_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    port = free_port()  # nothing listens there
    report = tmp_path / "r.json"
    code, out = run_cli(
        ["run", "--base-url", f"http://127.0.0.1:{port}/openai/v1", "--deployment", "d", "--no-progress",
         "--json", str(report)],
        capsys,
    )
    assert code == 2, out
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["connection_error"] and "Connection refused" in data["connection_error"]
    assert [r["id"] for r in data["results"]] == ["target.reachable"]
    assert "cannot reach the endpoint" in out and "stopped before the checks" in out


@pytest.mark.timeout(30)
def test_an_endpoint_that_never_answers_is_reported_not_hung(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as listener:  # accepts connections, never speaks HTTP
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        code, out = run_cli(
            ["run", "--base-url", f"http://127.0.0.1:{port}/openai/v1", "--deployment", "d", "--timeout", "1",
             "--no-progress"],
            capsys,
        )
    assert code == 2, out
    assert "ReadTimeout" in out


def test_diff_snapshots_lists_what_changed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(["diff-snapshots"], capsys)
    assert code == 0
    assert "2025-12 → 2026-05" in out
    assert "feature compaction: unsupported → supported" in out


def test_diff_snapshots_flags_have_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run_cli(["diff-snapshots", "--help"], capsys)
    assert code == 0
    flat = " ".join(out.split())
    assert "--old SNAPSHOT the earlier doc snapshot to compare from (default 2025-12; known: 2026-05, 2025-12)" in flat
    assert "--new SNAPSHOT the later doc snapshot to compare to (default 2026-05; known: 2026-05, 2025-12)" in flat


def test_console_script_is_installed() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "responses-contracts"), "run", "--help"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0
    for flag in ("--api-key-env", "--bearer-env", "--entra", "--profile", "--junit", "--json", "--max-cases"):
        assert flag in done.stdout
