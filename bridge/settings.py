"""Configuration of the bridge, read from the environment (and flags, which the CLI maps onto it)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import Field, PrivateAttr, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict
from typing_extensions import Annotated

DEFAULT_ENTRA_SCOPE = "https://ai.azure.com/.default"
ROOTS_VARIABLE = "RESPONSES_BRIDGE_ALLOWED_ROOTS"
OUTPUT_VARIABLE = "RESPONSES_BRIDGE_OUTPUT_DIR"
OUTPUT_FOLDER = "responses-bridge-output"


class Mode(str, Enum):
    """How the bridge reaches a Responses endpoint."""

    AZURE_KEY = "azure-key"
    AZURE_ENTRA = "azure-entra"
    OPENAI = "openai"
    EMULATOR = "emulator"


class ConfigurationError(RuntimeError):
    """The environment does not describe a usable endpoint; the message names the variable to set."""


class Settings(BaseSettings):
    """Every setting of the bridge. Environment variable names are the field names, upper-cased."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", populate_by_name=True)

    azure_openai_endpoint: str | None = Field(
        default=None, description="Azure resource URL, e.g. https://<resource>.openai.azure.com"
    )
    azure_openai_api_key: SecretStr | None = None
    azure_openai_deployment: str | None = Field(default=None, description="default deployment (model) name")
    azure_openai_image_deployment: str | None = Field(
        default=None, description="image deployment sent as x-ms-oai-image-generation-deployment"
    )
    azure_openai_scope: str = DEFAULT_ENTRA_SCOPE
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    openai_model: str | None = Field(default=None, description="default model name in OpenAI mode")

    # None: the working directory, unless it is too broad (see `too_broad`).
    responses_bridge_allowed_roots: Annotated[list[Path] | None, NoDecode] = Field(
        default=None, description=f"set it to one or more folders separated by {os.pathsep!r}, or unset it"
    )
    responses_bridge_max_file_bytes: int = Field(
        default=50 * 1024 * 1024, gt=0, description="set it to a whole number of bytes above 0 (default 52428800)"
    )
    responses_bridge_inline_pdf_bytes: int = Field(
        default=4 * 1024 * 1024, ge=0, description="set it to a whole number of bytes, 0 or more (default 4194304)"
    )
    # None: ./responses-bridge-output, or a per-user data folder when the working directory is too broad.
    responses_bridge_output_dir: Path | None = None
    # Seconds a tool call may wait upstream before it hands back a job id; under the 60 s many clients allow.
    responses_bridge_time_budget: float = Field(
        default=45.0, gt=0, lt=3600, description="set it to a number of seconds above 0 and below 3600 (default 45)"
    )
    responses_bridge_http_token: SecretStr | None = None

    # Set by `--emulator` (never from the environment): the in-process emulator's v1 base URL.
    emulator_base_url: str | None = Field(default=None, exclude=True)
    # Where the process started: the defaults above derive from it, not from wherever it is later.
    _start_dir: Path = PrivateAttr(default_factory=lambda: Path.cwd().resolve())

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[Callable[[], dict[str, Any]], ...]:
        def environment() -> dict[str, Any]:
            # An unrelated EMULATOR_BASE_URL in the environment must not switch the bridge to an emulator.
            values = env_settings()
            values.pop("emulator_base_url", None)
            return values

        return (init_settings, environment, dotenv_settings, file_secret_settings)

    @field_validator("responses_bridge_allowed_roots", mode="before")
    @classmethod
    def _split_roots(cls, value: object) -> object:
        # os.pathsep-separated, like PATH.
        if isinstance(value, str):
            return [Path(part) for part in value.split(os.pathsep) if part.strip()]
        return value

    @field_validator("responses_bridge_allowed_roots", mode="after")
    @classmethod
    def _resolve_roots(cls, value: list[Path] | None) -> list[Path] | None:
        if value is None:
            return None
        if not value:
            raise ValueError(
                f"{ROOTS_VARIABLE} names no folder; set it to one or more folders separated by "
                f"{os.pathsep!r}, or unset it to allow the working directory"
            )
        return [path.expanduser().resolve() for path in value]

    @field_validator("responses_bridge_output_dir", mode="before")
    @classmethod
    def _empty_output_dir_is_unset(cls, value: object) -> object:
        # An empty value must not mean "." - in a client started in / that is the filesystem root.
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @property
    def allowed_roots(self) -> list[Path]:
        """The folders local files may come from; ConfigurationError when none is set and the working
        directory is too broad to be the default (a desktop client that starts servers in `/`)."""
        if self.responses_bridge_allowed_roots is not None:
            return self.responses_bridge_allowed_roots
        if too_broad(self._start_dir):
            raise ConfigurationError(
                f"local files are off: {ROOTS_VARIABLE} is not set and the bridge was started in "
                f"{self._start_dir}, which is too broad to allow by default (the filesystem root, the home "
                f"folder or above it; desktop MCP clients often start servers in /). Set {ROOTS_VARIABLE} "
                f"to the folder(s) the model may read, separated by {os.pathsep!r} "
                f"(e.g. {ROOTS_VARIABLE}={_example_folder()}); URLs and file ids work without it."
            )
        return [self._start_dir]

    @property
    def output_dir(self) -> Path:
        if self.responses_bridge_output_dir is not None:
            # Relative to where the bridge started, not to whatever the working directory is at each use.
            return self._start_dir / self.responses_bridge_output_dir.expanduser()
        if too_broad(self._start_dir):
            return user_data_dir() / "images"
        return self._start_dir / OUTPUT_FOLDER

    # Short aliases used throughout the bridge.
    @property
    def max_file_bytes(self) -> int:
        return self.responses_bridge_max_file_bytes

    @property
    def inline_pdf_bytes(self) -> int:
        return self.responses_bridge_inline_pdf_bytes

    @property
    def time_budget(self) -> float:
        return self.responses_bridge_time_budget

    @property
    def http_token(self) -> SecretStr | None:
        return self.responses_bridge_http_token

    @property
    def default_deployment(self) -> str | None:
        if self.azure_openai_deployment:
            return self.azure_openai_deployment
        # The emulator serves every catalog model under its own name; give `--emulator` a working default.
        return "gpt-4o" if self.emulator_base_url else None

    def resolve_mode(self) -> Mode:
        """Which endpoint and credential to use; raises ConfigurationError naming what to set."""
        if self.emulator_base_url:
            return Mode.EMULATOR
        if self.azure_openai_endpoint:
            if not self.azure_openai_endpoint.startswith(("https://", "http://")):
                raise ConfigurationError(
                    "AZURE_OPENAI_ENDPOINT must be a URL such as https://<resource>.openai.azure.com "
                    f"(got {self.azure_openai_endpoint!r})."
                )
            if self.azure_openai_api_key is not None and self.azure_openai_api_key.get_secret_value():
                return Mode.AZURE_KEY
            return Mode.AZURE_ENTRA
        if self.openai_api_key is not None and self.openai_api_key.get_secret_value():
            return Mode.OPENAI
        if self.openai_base_url:
            raise ConfigurationError("OPENAI_BASE_URL is set but OPENAI_API_KEY is not: set OPENAI_API_KEY.")
        raise ConfigurationError(
            "No endpoint configured. Set AZURE_OPENAI_ENDPOINT (plus AZURE_OPENAI_API_KEY, or nothing else to "
            "sign in with Entra ID), or set OPENAI_API_KEY for OpenAI, or run `responses-bridge --emulator`."
        )

    def base_url(self) -> str:
        """The Responses v1 base URL for the resolved mode (always ends with `/`)."""
        mode = self.resolve_mode()
        if mode is Mode.EMULATOR:
            assert self.emulator_base_url is not None
            return _with_slash(self.emulator_base_url)
        if mode is Mode.OPENAI:
            return _with_slash(self.openai_base_url or "https://api.openai.com/v1")
        assert self.azure_openai_endpoint is not None
        endpoint = self.azure_openai_endpoint.rstrip("/")
        # Accept the resource URL or the full v1 base URL; the AzureOpenAI class path style is not used.
        if endpoint.endswith("/openai/v1"):
            return endpoint + "/"
        if endpoint.endswith("/openai"):
            return endpoint + "/v1/"
        return endpoint + "/openai/v1/"

    def is_azure(self) -> bool:
        """True when the endpoint speaks the Azure dialect (image deployment header, Entra scope)."""
        return self.resolve_mode() in (Mode.AZURE_KEY, Mode.AZURE_ENTRA, Mode.EMULATOR)


def too_broad(folder: Path) -> bool:
    """Is `folder` too broad to be a default root: the filesystem root, the home folder, or above it?"""
    folder = folder.resolve()
    if folder.parent == folder:
        return True
    try:
        home = Path.home().resolve()
    except (RuntimeError, KeyError):  # no home directory known for this user
        return False
    return home.is_relative_to(folder)


def user_data_dir() -> Path:
    """This user's data folder for the bridge (the platform's usual place, like platformdirs)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "responses-bridge"


def _example_folder() -> Path:
    try:
        return Path.home() / "Documents"
    except RuntimeError:
        return Path("/path/to/documents")


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
