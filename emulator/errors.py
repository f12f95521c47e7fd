"""Error bodies the emulator returns, in the shapes Azure documents (see AZURE-DIALECT.md)."""

from __future__ import annotations

from typing import Any

from emulator.json_codec import JSONResponse


# What Azure answers for a path it does not serve.
RESOURCE_NOT_FOUND = {"error": {"code": "404", "message": "Resource not found"}}


class EmulatorError(Exception):
    """Raise anywhere in a handler; the app turns it into `{"error": {...}}` with this status.

    `param` names the offending request field (OpenAI-style validation errors); `code` is the
    machine code (e.g. "invalid_value", "DeploymentNotFound", "404").
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        type: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.type = type or _default_type(status)
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        return {"error": {"message": self.message, "type": self.type, "param": self.param, "code": self.code}}

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def _default_type(status: int) -> str:
    if status == 401:
        return "authentication_error"
    if status == 404:
        return "not_found_error"
    if status == 429:
        return "rate_limit_error"
    if status >= 500:
        return "server_error"
    return "invalid_request_error"


def invalid(param: str, message: str, code: str = "invalid_value") -> EmulatorError:
    """400 for a bad request field: the message names the field and the fix."""
    return EmulatorError(400, message, code=code, param=param)


def not_found(kind: str, ident: str, param: str | None = None) -> EmulatorError:
    return EmulatorError(404, f"No {kind} found with id '{ident}'.", code="not_found", param=param)
