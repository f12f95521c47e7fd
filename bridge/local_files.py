"""Local paths named in tool arguments, confined to the allowed roots.

A model chooses these paths, so every one is treated as hostile: it is resolved to its real path (following
symlinks and `..`) before it is compared with the resolved roots, and it must be a readable regular file no
larger than the size limit. Every refusal is a `ToolInputError` that names the argument and the fix.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bridge.settings import Settings
from bridge.upstream_errors import ToolInputError

ROOTS_VARIABLE = "RESPONSES_BRIDGE_ALLOWED_ROOTS"
SIZE_VARIABLE = "RESPONSES_BRIDGE_MAX_FILE_BYTES"


@dataclass(frozen=True)
class LocalFile:
    """A file that passed every check; `data` was read once, after the checks."""

    path: Path  # the real path (symlinks resolved)
    data: bytes

    @property
    def name(self) -> str:
        return self.path.name


def _roots(settings: Settings) -> list[Path]:
    # Roots are resolved too: a root that is itself a symlink must compare equal to its target.
    return [Path(root).expanduser().resolve() for root in settings.allowed_roots]


def _roots_text(roots: list[Path]) -> str:
    return os.pathsep.join(str(root) for root in roots)


def resolve_local_path(raw: str, settings: Settings, *, field: str) -> Path:
    """The real path of `raw` if it is a regular file inside an allowed root; `ToolInputError` otherwise.

    Relative paths are taken relative to the first allowed root (the working directory by default), so the
    result does not depend on where an MCP client happened to start the server.
    """
    roots = _roots(settings)
    text = raw.strip()
    if not text:
        raise ToolInputError(f"{field}: the path is empty; give a file path inside {_roots_text(roots)}")
    if "\x00" in text:
        raise ToolInputError(f"{field}: the path contains a NUL byte; give a plain file path")
    given = Path(text).expanduser()
    candidate = given if given.is_absolute() else roots[0] / given
    try:
        real = candidate.resolve(strict=True)
    except FileNotFoundError:
        # Report the escape before the absence: a missing file outside the roots must not leak which exist.
        lexical = Path(os.path.normpath(candidate))
        if not any(lexical.is_relative_to(root) for root in roots):
            raise _outside(field, text, roots) from None
        raise ToolInputError(
            f"{field}: {text} does not exist (looked for {lexical}); give the path of an existing file"
        ) from None
    except (OSError, RuntimeError) as exc:  # symlink loops, permission denied on a parent
        raise ToolInputError(f"{field}: {text} cannot be resolved ({exc.__class__.__name__}); check the path") from None
    if not any(real.is_relative_to(root) for root in roots):
        raise _outside(field, text, roots, real=real)
    if real.is_dir():
        raise ToolInputError(f"{field}: {text} is a directory; name a file inside it")
    if not real.is_file():
        raise ToolInputError(f"{field}: {text} is not a regular file (device, socket or pipe); name a regular file")
    return real


def read_local_file(raw: str, settings: Settings, *, field: str) -> LocalFile:
    """Check `raw` like `resolve_local_path`, enforce the size limit, and read it."""
    real = resolve_local_path(raw, settings, field=field)
    limit = settings.max_file_bytes
    size = real.stat().st_size
    if size > limit:
        raise ToolInputError(
            f"{field}: {raw.strip()} is {size} bytes, above the limit of {limit} bytes; "
            f"use a smaller file or raise {SIZE_VARIABLE}"
        )
    if size == 0:
        raise ToolInputError(f"{field}: {raw.strip()} is empty; give a file with content")
    try:
        with real.open("rb") as handle:
            # Read one byte past the limit: the file may have grown since stat().
            data = handle.read(limit + 1)
    except PermissionError:
        raise ToolInputError(
            f"{field}: {raw.strip()} is not readable by the bridge process; fix its permissions"
        ) from None
    except OSError as exc:
        raise ToolInputError(f"{field}: {raw.strip()} could not be read ({exc.strerror}); check the file") from None
    if len(data) > limit:
        raise ToolInputError(
            f"{field}: {raw.strip()} is above the limit of {limit} bytes; use a smaller file or raise {SIZE_VARIABLE}"
        )
    return LocalFile(path=real, data=data)


def _outside(field: str, text: str, roots: list[Path], *, real: Path | None = None) -> ToolInputError:
    via = f" (it resolves to {real})" if real is not None and str(real) != text else ""
    return ToolInputError(
        f"{field}: {text} is outside the allowed roots ({_roots_text(roots)}){via}; "
        f"set {ROOTS_VARIABLE} to allow it"
    )
