"""The distribution installs cleanly: console scripts answer --help, and the wheel carries the data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.mark.parametrize("script", ["responses-bridge", "responses-emulator", "responses-contracts"])
def test_console_script_help(script: str) -> None:
    exe = BIN / script
    assert exe.exists(), f"{script} is not installed next to {sys.executable}; run pip install -e ."
    done = subprocess.run([str(exe), "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"usage: {script}" in done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(out)],
        check=True, capture_output=True, timeout=300,
    )
    (built,) = out.glob("responses_bridge-*.whl")
    return built


def test_wheel_ships_the_document_and_catalog(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "openapi/catalog.json" in names
    assert "openapi/responses.v1.json" in names
    for package in ("openapi", "emulator", "bridge", "contracts"):
        assert f"{package}/__init__.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    for script in ("responses-bridge", "responses-emulator", "responses-contracts"):
        assert f"{script} =" in text


def test_catalog_and_document_load_from_the_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import openapi, openapi.catalog as c, openapi.spec as s;"
        "assert openapi.__file__.startswith(sys.argv[1]), openapi.__file__;"
        "print(len(c.snapshot('2026-05').regions), s.load()['openapi'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(target)], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["25", "3.1.0"]
