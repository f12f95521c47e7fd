"""Default folders when a client starts the bridge somewhere too broad (desktop clients often use `/`): local
files are refused with an error naming RESPONSES_BRIDGE_ALLOWED_ROOTS, and generated images go to a per-user
data folder, never `/responses-bridge-output`. `responses-bridge config` writes both folders out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bridge.local_files import read_local_file
from bridge.settings import Settings
from bridge.upstream_errors import ToolInputError
from emulator.server import EmulatorServer
from tests.bridge.conftest import bridge_env, stdio_session
from tests.bridge.media_harness import structured, text_of

FOLDER_VARIABLES = ("RESPONSES_BRIDGE_ALLOWED_ROOTS", "RESPONSES_BRIDGE_OUTPUT_DIR", "XDG_DATA_HOME")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home" / "me"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    for name in FOLDER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.mark.parametrize("where", ["/", "home", "home-parent"])
def test_a_too_broad_working_directory_is_no_default_root(
    where: str, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = {"/": Path("/"), "home": home, "home-parent": home.parent}[where]
    monkeypatch.chdir(start)
    settings = Settings()
    with pytest.raises(ToolInputError) as info:
        read_local_file("/etc/hostname", settings, field="attachments[0]")
    message = str(info.value)
    assert message.startswith("attachments[0]: local files are off: RESPONSES_BRIDGE_ALLOWED_ROOTS is not set")
    assert f"started in {start.resolve()}" in message and "RESPONSES_BRIDGE_ALLOWED_ROOTS=" in message
    assert settings.output_dir == home / ".local" / "share" / "responses-bridge" / "images"
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    assert Settings().output_dir == home / "data" / "responses-bridge" / "images"


def test_a_project_folder_stays_the_default(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = home / "project"
    project.mkdir()
    (project / "notes.txt").write_text("x")
    monkeypatch.chdir(project)
    settings = Settings()
    assert read_local_file("notes.txt", settings, field="path").path == project / "notes.txt"
    assert settings.output_dir == project / "responses-bridge-output"
    monkeypatch.chdir("/")  # the defaults belong to where the settings were read, not to a later chdir
    assert settings.allowed_roots == [project]


def test_an_empty_output_dir_is_unset_and_a_relative_one_belongs_to_the_start_folder(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")
    monkeypatch.setenv("RESPONSES_BRIDGE_OUTPUT_DIR", "")
    assert Settings().output_dir == home / ".local" / "share" / "responses-bridge" / "images"  # not "." = /
    project = home / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.setenv("RESPONSES_BRIDGE_OUTPUT_DIR", "images")
    settings = Settings()
    monkeypatch.chdir("/")
    assert settings.output_dir == project / "images"


@pytest.mark.anyio
@pytest.mark.timeout(90)
async def test_bridge_started_in_root_refuses_local_files_and_saves_images_per_user(
    emulator: EmulatorServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with (tmp_path / "stderr.log").open("w") as errlog:
        async with stdio_session({**bridge_env(emulator), "HOME": str(home)}, errlog, cwd=Path("/")) as session:
            refused = await session.call_tool(
                "ask_about_files", {"prompt": "What is this?", "attachments": ["/etc/hostname"]}
            )
            generated = structured(await session.call_tool("generate_image", {"prompt": "A lighthouse"}))
    assert refused.is_error
    assert "local files are off: RESPONSES_BRIDGE_ALLOWED_ROOTS is not set" in text_of(refused)
    [image] = generated["images"]
    saved = Path(image["path"])
    assert saved.parent == home / ".local" / "share" / "responses-bridge" / "images" and saved.is_file()


def _config(cwd: Path, home: Path, *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "config", *args], cwd=cwd, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(home)},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.timeout(60)
def test_printed_config_names_the_folders(home: Path) -> None:
    project = home / "project"
    project.mkdir()
    claude = _config(project, home, "--client", "claude")["mcpServers"]["responses-bridge"]["env"]
    assert claude["RESPONSES_BRIDGE_ALLOWED_ROOTS"] == str(project)
    assert claude["RESPONSES_BRIDGE_OUTPUT_DIR"] == str(project / "responses-bridge-output")
    vscode = _config(project, home, "--client", "vscode", "--emulator")["servers"]["responses-bridge"]
    assert vscode["args"] == ["--emulator"] or vscode["args"][-1] == "--emulator"
    assert vscode["env"] == {key: claude[key] for key in ("RESPONSES_BRIDGE_ALLOWED_ROOTS", "RESPONSES_BRIDGE_OUTPUT_DIR")}
    from_root = _config(Path("/"), home, "--client", "claude")["mcpServers"]["responses-bridge"]["env"]
    assert from_root["RESPONSES_BRIDGE_ALLOWED_ROOTS"].startswith("<folder(s) the model may read")
    assert from_root["RESPONSES_BRIDGE_OUTPUT_DIR"] == str(home / ".local" / "share" / "responses-bridge" / "images")
