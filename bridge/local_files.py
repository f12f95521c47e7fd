"""Local paths named in tool arguments, confined to the allowed roots.

A model chooses these paths, so every one is treated as hostile: it is resolved to its real path (following
symlinks and `..`) before it is compared with the resolved roots, and it must be a readable regular file no
larger than the size limit. Every refusal is a `ToolInputError` that names the argument and the fix; it
never says where a refused path leads outside the roots, and it repeats at most the start of a long path.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bridge.redaction import shorten
from bridge.settings import ROOTS_VARIABLE, ConfigurationError, Settings
from bridge.upstream_errors import ToolInputError

SIZE_VARIABLE = "RESPONSES_BRIDGE_MAX_FILE_BYTES"
PATH_ECHO_LIMIT = 200  # characters of a refused path repeated in its error message


@dataclass(frozen=True)
class LocalFile:
    """A file that passed every check; `data` was read once, after the checks."""

    path: Path  # the real path (symlinks resolved)
    data: bytes

    @property
    def name(self) -> str:
        return self.path.name


def _roots(settings: Settings, field: str) -> list[Path]:
    try:
        roots = settings.allowed_roots
    except ConfigurationError as exc:  # no root configured and the working directory is too broad
        raise ToolInputError(f"{field}: {exc}") from None
    # Roots are resolved too: a root that is itself a symlink must compare equal to its target.
    return [Path(root).expanduser().resolve() for root in roots]


def _roots_text(roots: list[Path]) -> str:
    return os.pathsep.join(str(root) for root in roots)


def resolve_local_path(raw: str, settings: Settings, *, field: str) -> Path:
    """The real path of `raw` if it is a regular file inside an allowed root; `ToolInputError` otherwise.

    Relative paths are taken relative to the first allowed root (by default the working directory, unless that
    is too broad: see `Settings.allowed_roots`), so the
    result does not depend on where an MCP client happened to start the server.
    """
    roots = _roots(settings, field)
    text = raw.strip()
    if not text:
        raise ToolInputError(f"{field}: the path is empty; give a file path inside {_roots_text(roots)}")
    if "\x00" in text:
        raise ToolInputError(f"{field}: the path contains a NUL byte; give a plain file path")
    shown = _shown(text)
    given = Path(text).expanduser()
    candidate = given if given.is_absolute() else roots[0] / given
    try:
        real = candidate.resolve(strict=True)
    except FileNotFoundError:
        # Resolve the missing path the way the OS would (links first, then `..`), never lexically: for
        # `link/../x` the two differ, and only the physical one says which file is missing and whether
        # it is inside. The escape is reported before the absence, so nothing leaks about what exists outside.
        physical = _physical(candidate)
        if not _inside(physical, roots):
            raise _outside(field, shown, roots, linked=_inside(_lexical(candidate), roots)) from None
        raise ToolInputError(
            f"{field}: {shown} does not exist (looked for {_shown(str(physical))}); give the path of an existing file"
        ) from None
    except (RuntimeError, OSError) as exc:
        # A symlink loop (RuntimeError in Python 3.11), too long a name, a file used as a directory, permission
        # denied on a parent. The reason is said only for a path inside the roots: outside them it would tell
        # what exists there (`outside_file/x` -> "Not a directory").
        if not (_inside(_physical(candidate), roots) and _inside(_lexical(candidate), roots)):
            raise _outside(field, shown, roots, linked=_inside(_lexical(candidate), roots)) from None
        reason = "a symlink loop" if isinstance(exc, RuntimeError) else exc.strerror or exc.__class__.__name__
        raise ToolInputError(f"{field}: {shown} cannot be resolved ({reason}); check the path") from None
    if not _inside(real, roots):
        raise _outside(field, shown, roots, linked=_inside(_lexical(candidate), roots))
    if real.is_dir():
        raise ToolInputError(f"{field}: {shown} is a directory; name a file inside it")
    if not real.is_file():
        raise ToolInputError(f"{field}: {shown} is not a regular file (device, socket or pipe); name a regular file")
    return real


def read_local_file(raw: str, settings: Settings, *, field: str) -> LocalFile:
    """Check `raw` like `resolve_local_path`, enforce the size limit, and read it."""
    real = resolve_local_path(raw, settings, field=field)
    shown = _shown(raw.strip())
    limit = settings.max_file_bytes
    size = real.stat().st_size
    if size > limit:
        raise ToolInputError(
            f"{field}: {shown} is {size} bytes, above the limit of {limit} bytes; "
            f"use a smaller file or raise {SIZE_VARIABLE}"
        )
    if size == 0:
        raise ToolInputError(f"{field}: {shown} is empty; give a file with content")
    try:
        with real.open("rb") as handle:
            # Read one byte past the limit: the file may have grown since stat().
            data = handle.read(limit + 1)
    except PermissionError:
        raise ToolInputError(
            f"{field}: {shown} is not readable by the bridge process; fix its permissions"
        ) from None
    except OSError as exc:
        raise ToolInputError(f"{field}: {shown} could not be read ({exc.strerror}); check the file") from None
    if len(data) > limit:
        raise ToolInputError(
            f"{field}: {shown} is above the limit of {limit} bytes; use a smaller file or raise {SIZE_VARIABLE}"
        )
    return LocalFile(path=real, data=data)


def _inside(path: Path, roots: list[Path]) -> bool:
    return any(path.is_relative_to(root) for root in roots)


def _physical(candidate: Path) -> Path:
    """`candidate` resolved the way the OS would (links, then `..`) as far as it exists."""
    try:
        return Path(os.path.realpath(candidate))
    except (OSError, RuntimeError, ValueError):
        return _lexical(candidate)


def _lexical(candidate: Path) -> Path:
    return Path(os.path.normpath(candidate))


def _shown(path: str) -> str:
    # A model may send a huge path; the message needs only its start.
    return shorten(path, PATH_ECHO_LIMIT)


def _outside(field: str, shown: str, roots: list[Path], *, linked: bool) -> ToolInputError:
    # `linked`: the path names a place inside the roots, but a symlink on the way leads out. Where it leads
    # is never said: the model (and whoever reads the transcript) must not learn the layout outside the roots.
    via = ": it links to a location outside them" if linked else ""
    return ToolInputError(
        f"{field}: {shown} is outside the allowed roots ({_roots_text(roots)}){via}; set {ROOTS_VARIABLE} to allow it"
    )
