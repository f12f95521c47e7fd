"""Path confinement for local files named in tool arguments."""

from __future__ import annotations

from pathlib import Path

import pytest

from bridge.local_files import read_local_file, resolve_local_path
from bridge.settings import Settings
from bridge.upstream_errors import ToolInputError


@pytest.fixture
def root(tmp_path: Path) -> Path:
    base = tmp_path / "root"
    base.mkdir()
    (base / "docs").mkdir()
    (base / "docs" / "a.txt").write_bytes(b"hello")
    return base


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_bytes(b"top secret")
    return secret


def settings_for(*roots: Path, max_bytes: int = 1024) -> Settings:
    return Settings(responses_bridge_allowed_roots=list(roots), responses_bridge_max_file_bytes=max_bytes)


def test_relative_path_resolves_against_first_root(root: Path) -> None:
    found = read_local_file("docs/a.txt", settings_for(root), field="attachments[0]")
    assert found.path == (root / "docs" / "a.txt").resolve()
    assert found.data == b"hello"


def test_absolute_path_inside_root_is_accepted(root: Path) -> None:
    assert resolve_local_path(str(root / "docs" / "a.txt"), settings_for(root), field="path") == (
        root / "docs" / "a.txt"
    ).resolve()


def test_dotdot_escape_is_refused_and_names_field_and_fix(root: Path, outside: Path) -> None:
    with pytest.raises(ToolInputError) as err:
        resolve_local_path("../outside/secret.txt", settings_for(root), field="attachments[2]")
    message = str(err.value)
    assert message.startswith("attachments[2]: ../outside/secret.txt is outside the allowed roots")
    assert str(root.resolve()) in message
    assert "RESPONSES_BRIDGE_ALLOWED_ROOTS" in message


def test_dotdot_that_stays_inside_is_fine(root: Path) -> None:
    assert resolve_local_path("docs/../docs/a.txt", settings_for(root), field="path").name == "a.txt"


def test_absolute_path_outside_roots_is_refused(root: Path, outside: Path) -> None:
    with pytest.raises(ToolInputError, match=r"^path: .*secret.txt is outside the allowed roots"):
        resolve_local_path(str(outside), settings_for(root), field="path")


def test_etc_passwd_is_refused(root: Path) -> None:
    with pytest.raises(ToolInputError, match="outside the allowed roots"):
        read_local_file("/etc/passwd", settings_for(root), field="attachments[0]")


def test_missing_file_outside_roots_reports_the_escape_not_the_absence(root: Path) -> None:
    with pytest.raises(ToolInputError, match="outside the allowed roots"):
        resolve_local_path("/no/such/file.pdf", settings_for(root), field="path")


def test_symlink_escape_is_refused(root: Path, outside: Path) -> None:
    link = root / "docs" / "innocent.txt"
    link.symlink_to(outside)
    with pytest.raises(ToolInputError) as err:
        read_local_file("docs/innocent.txt", settings_for(root), field="attachments[0]")
    message = str(err.value)
    assert message.startswith("attachments[0]: docs/innocent.txt is outside the allowed roots")
    assert "links to a location outside them" in message and "RESPONSES_BRIDGE_ALLOWED_ROOTS" in message
    # The target outside the roots is never named: the model must not learn the layout out there.
    assert str(outside.parent) not in message and "secret" not in message


def test_dangling_symlink_out_of_the_roots_is_refused_without_naming_its_target(root: Path, tmp_path: Path) -> None:
    (root / "docs" / "gone.txt").symlink_to(tmp_path / "elsewhere" / "private-name.txt")
    with pytest.raises(ToolInputError) as err:
        resolve_local_path("docs/gone.txt", settings_for(root), field="path")
    message = str(err.value)
    assert message.startswith("path: docs/gone.txt is outside the allowed roots")
    assert "elsewhere" not in message and "private-name" not in message


def test_link_then_dotdot_to_a_missing_file_names_the_file_actually_looked_for(root: Path) -> None:
    # `deep/link/..` is `deep` lexically but `docs` physically (the OS follows the link, then `..`).
    (root / "deep").mkdir()
    (root / "docs" / "sub").mkdir()
    (root / "deep" / "link").symlink_to(root / "docs" / "sub", target_is_directory=True)
    with pytest.raises(ToolInputError) as err:
        resolve_local_path("deep/link/../nope.pdf", settings_for(root), field="attachments[0]")
    message = str(err.value)
    assert message.startswith("attachments[0]: deep/link/../nope.pdf does not exist")
    assert f"(looked for {root.resolve() / 'docs' / 'nope.pdf'})" in message
    assert "give the path of an existing file" in message


def test_link_then_dotdot_that_leaves_the_roots_is_an_escape_not_a_missing_file(root: Path, tmp_path: Path) -> None:
    # Lexically `docs/nope.pdf` (inside); physically a missing file next to the outside directory.
    outside_dir = tmp_path / "outside-dir" / "inner"
    outside_dir.mkdir(parents=True)
    (root / "docs" / "away").symlink_to(outside_dir, target_is_directory=True)
    with pytest.raises(ToolInputError) as err:
        resolve_local_path("docs/away/../nope.pdf", settings_for(root), field="path")
    message = str(err.value)
    assert message.startswith("path: docs/away/../nope.pdf is outside the allowed roots")
    assert "outside-dir" not in message and "looked for" not in message


def test_link_then_dotdot_that_comes_back_inside_is_accepted(root: Path, tmp_path: Path) -> None:
    # Lexically `elsewhere/a.txt` (missing); physically `docs/a.txt`: the OS answer wins.
    (root / "hop").symlink_to(root / "docs" / "sub2", target_is_directory=True)
    (root / "docs" / "sub2").mkdir()
    assert resolve_local_path("hop/../a.txt", settings_for(root), field="path") == (root / "docs" / "a.txt").resolve()


def test_too_long_name_gives_the_reason_in_words_and_a_short_echo(root: Path) -> None:
    name = "n" * 5000 + ".pdf"
    with pytest.raises(ToolInputError) as err:
        resolve_local_path(name, settings_for(root), field="attachments[3]")
    message = str(err.value)
    assert message.startswith("attachments[3]: nnnn")
    assert "File name too long" in message and "OSError" not in message
    assert "more characters cut" in message and len(message) < 600
    assert "check the path" in message


def test_not_a_directory_in_the_middle_is_said_in_words(root: Path) -> None:
    with pytest.raises(ToolInputError, match=r"^path: docs/a.txt/x.pdf cannot be resolved \(Not a directory\)"):
        resolve_local_path("docs/a.txt/x.pdf", settings_for(root), field="path")


@pytest.mark.parametrize("through_link", [False, True])
def test_probing_outside_the_roots_says_nothing_about_what_is_there(
    root: Path, outside: Path, through_link: bool
) -> None:
    """`outside_file/x` would fail with "Not a directory" and so prove that the file exists: outside the roots
    every failure is the same refusal, whatever is on disk there."""
    if through_link:
        (root / "up").symlink_to(outside.parent, target_is_directory=True)
        existing, missing = f"up/{outside.name}/x", "up/nothing-here/x"
    else:
        existing, missing = f"{outside}/x", f"{outside.parent}/nothing-here/x"
    messages = []
    for probe in (existing, missing):
        with pytest.raises(ToolInputError) as err:
            resolve_local_path(probe, settings_for(root), field="path")
        messages.append(str(err.value).replace(probe, "PROBE"))
    assert messages[0] == messages[1] and "outside the allowed roots" in messages[0]
    assert "Not a directory" not in messages[0]


def test_a_huge_escaping_path_is_echoed_shortened(root: Path) -> None:
    huge = "../" * 2000 + "etc/passwd"
    with pytest.raises(ToolInputError) as err:
        resolve_local_path(huge, settings_for(root), field="path")
    message = str(err.value)
    assert "outside the allowed roots" in message and "more characters cut" in message and len(message) < 800


def test_symlinked_directory_escape_is_refused(root: Path, outside: Path) -> None:
    (root / "shortcut").symlink_to(outside.parent, target_is_directory=True)
    with pytest.raises(ToolInputError, match="outside the allowed roots"):
        read_local_file("shortcut/secret.txt", settings_for(root), field="path")


def test_symlink_inside_root_is_followed(root: Path) -> None:
    (root / "alias.txt").symlink_to(root / "docs" / "a.txt")
    assert read_local_file("alias.txt", settings_for(root), field="path").data == b"hello"


def test_root_given_through_a_symlink_still_matches(tmp_path: Path, root: Path) -> None:
    linked_root = tmp_path / "linked-root"
    linked_root.symlink_to(root, target_is_directory=True)
    assert read_local_file(str(root / "docs" / "a.txt"), settings_for(linked_root), field="path").data == b"hello"


def test_second_root_allows_its_files(root: Path, outside: Path) -> None:
    found = read_local_file(str(outside), settings_for(root, outside.parent), field="path")
    assert found.data == b"top secret"


def test_too_big_file_names_size_limit_and_variable(root: Path) -> None:
    (root / "big.bin").write_bytes(b"x" * 2048)
    with pytest.raises(ToolInputError) as err:
        read_local_file("big.bin", settings_for(root, max_bytes=1000), field="attachments[1]")
    message = str(err.value)
    assert message.startswith("attachments[1]: big.bin is 2048 bytes, above the limit of 1000 bytes")
    assert "RESPONSES_BRIDGE_MAX_FILE_BYTES" in message


def test_directory_is_refused(root: Path) -> None:
    with pytest.raises(ToolInputError, match=r"^path: docs is a directory; name a file inside it"):
        read_local_file("docs", settings_for(root), field="path")


def test_missing_file_inside_root_says_it_does_not_exist(root: Path) -> None:
    with pytest.raises(ToolInputError, match=r"^path: docs/nope.pdf does not exist"):
        read_local_file("docs/nope.pdf", settings_for(root), field="path")


def test_empty_path_and_nul_byte_are_refused(root: Path) -> None:
    with pytest.raises(ToolInputError, match="the path is empty"):
        read_local_file("  ", settings_for(root), field="path")
    with pytest.raises(ToolInputError, match="NUL byte"):
        read_local_file("docs/a.txt\x00.pdf", settings_for(root), field="path")


def test_empty_file_is_refused(root: Path) -> None:
    (root / "empty.pdf").write_bytes(b"")
    with pytest.raises(ToolInputError, match="is empty"):
        read_local_file("empty.pdf", settings_for(root), field="path")


def test_unreadable_file_is_refused(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = root / "locked.pdf"
    locked.write_bytes(b"%PDF-1.4")
    real_open = Path.open

    # Tests may run as root, which reads any file whatever its mode; deny the open the way the OS would.
    def denying_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == locked:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "open", denying_open)
    with pytest.raises(ToolInputError, match="not readable by the bridge process"):
        read_local_file("locked.pdf", settings_for(root), field="path")


def test_symlink_loop_is_refused(root: Path) -> None:
    (root / "loop").symlink_to(root / "loop")
    with pytest.raises(ToolInputError, match=r"^path: loop cannot be resolved \(a symlink loop\); check the path"):
        read_local_file("loop", settings_for(root), field="path")


def test_default_root_is_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RESPONSES_BRIDGE_ALLOWED_ROOTS", raising=False)
    (tmp_path / "here.txt").write_bytes(b"x")
    settings = Settings()
    assert read_local_file("here.txt", settings, field="path").path == (tmp_path / "here.txt").resolve()
    with pytest.raises(ToolInputError, match="outside the allowed roots"):
        read_local_file("/etc/hostname", settings, field="path")
