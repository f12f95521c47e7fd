"""Who may call: API keys (`api-key` header or `Authorization: Bearer KEY`) and Entra-style tokens.

- A configured key in `api-key`, or as a Bearer token, is accepted (kinds `api-key`, `bearer-key`).
- Any other Bearer value that is a JWT is treated as an Entra ID access token (kind `entra`): accepted when
  its `aud` is one of `EmulatorConfig.entra_audiences` (a trailing `/` is ignored) and its `exp` lies in
  the future. The signature is NOT verified — the emulator is offline and has no tenant keys; it exists
  so a client's azure-identity path (token acquisition, refresh) can be exercised locally.
- Failures use the bodies Azure has been reported to send (AZURE-DIALECT.md): a bad or missing key gets
  `{"error": {"code": "401", "message": "Access denied ..."}}`; a bad, expired or wrong-audience token
  gets `{"statusCode": 401, "message": "Unauthorized. Access token is missing, invalid, ..."}`.
- Role assignments: with `EmulatorConfig.entra_principals` set (`--entra-principal OID`), a valid token
  whose `oid` is not listed gets what a principal without a role on the resource gets - 401, not 403:
  `{"error": {"code": "PermissionDenied", "message": "Principal does not have access to API/Operation."}}`.
- With no configured keys (`--no-auth`) every request is accepted (kind `none`).
- In OpenAI mode (`azure_mode=False`, `--openai-mode`) failures use OpenAI's body instead:
  `{"error": {"message": ..., "type": "invalid_request_error", "param": null, "code": "invalid_api_key"}}`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Mapping

import jwt

from emulator.config import EmulatorConfig
from emulator.json_codec import JSONResponse
from emulator.request_log import fingerprint

KEY_MESSAGE = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key "
    "for an active subscription and use a correct regional API endpoint for your resource."
)
MISSING_KEY_MESSAGE = (
    "Access denied due to missing subscription key. Make sure to include subscription key when making "
    "requests to an API."
)
PERMISSION_MESSAGE = "Principal does not have access to API/Operation."
TOKEN_MESSAGE = (
    "Unauthorized. Access token is missing, invalid, audience is incorrect ({audiences}), or have expired."
)


@dataclass(frozen=True)
class Caller:
    kind: str  # api-key | bearer-key | entra | none
    fingerprint: str | None


class AuthFailure(Exception):
    def __init__(self, response: JSONResponse, attempted: Caller) -> None:
        super().__init__(response.status_code)
        self.response = response
        self.attempted = attempted


OPENAI_KEY_MESSAGE = "Incorrect API key provided. You can find your API key in your account's API keys page."
OPENAI_MISSING_MESSAGE = (
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer "
    "auth (i.e. Authorization: Bearer YOUR_KEY)."
)


def _openai_failure(message: str, code: str | None, attempted: Caller) -> AuthFailure:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": code}}
    return AuthFailure(JSONResponse(body, status_code=401), attempted)


def _key_failure(message: str, attempted: Caller, config: EmulatorConfig) -> AuthFailure:
    if not config.azure_mode:
        missing = message == MISSING_KEY_MESSAGE
        return _openai_failure(OPENAI_MISSING_MESSAGE if missing else OPENAI_KEY_MESSAGE,
                               None if missing else "invalid_api_key", attempted)
    return AuthFailure(JSONResponse({"error": {"code": "401", "message": message}}, status_code=401), attempted)


def _token_failure(config: EmulatorConfig, attempted: Caller) -> AuthFailure:
    if not config.azure_mode:
        return _openai_failure(OPENAI_KEY_MESSAGE, "invalid_api_key", attempted)
    message = TOKEN_MESSAGE.format(audiences=" or ".join(config.entra_audiences))
    return AuthFailure(JSONResponse({"statusCode": 401, "message": message}, status_code=401), attempted)


def _permission_failure(attempted: Caller) -> AuthFailure:
    # Azure RBAC's answer in either dialect: role assignments exist only for Entra principals.
    body = {"error": {"code": "PermissionDenied", "message": PERMISSION_MESSAGE}}
    return AuthFailure(JSONResponse(body, status_code=401), attempted)


def _audience_ok(aud: object, allowed: tuple[str, ...]) -> bool:
    wanted = {a.rstrip("/") for a in allowed}
    values = aud if isinstance(aud, list) else [aud]
    return any(isinstance(v, str) and v.rstrip("/") in wanted for v in values)


def authenticate(headers: Mapping[str, str], config: EmulatorConfig) -> Caller:
    """The caller of a request; AuthFailure (with the 401 response to send) when it may not call."""
    key = headers.get("api-key")
    authorization = headers.get("authorization", "")
    scheme, _, bearer = authorization.partition(" ")
    bearer = bearer.strip() if scheme.lower() == "bearer" else ""
    if not config.api_keys:
        credential = key or bearer
        return Caller("none", fingerprint(credential) if credential else None)
    if key is not None:
        caller = Caller("api-key", fingerprint(key))
        if key in config.api_keys:
            return caller
        raise _key_failure(KEY_MESSAGE, caller, config)
    if not bearer:
        raise _key_failure(MISSING_KEY_MESSAGE, Caller("none", None), config)
    if bearer in config.api_keys:
        return Caller("bearer-key", fingerprint(bearer))
    caller = Caller("entra", fingerprint(bearer))
    if bearer.count(".") != 2:
        raise _key_failure(KEY_MESSAGE, Caller("bearer-key", caller.fingerprint), config)
    try:
        claims = jwt.decode(bearer, options={"verify_signature": False, "verify_exp": False, "verify_aud": False})
    except jwt.PyJWTError:
        raise _token_failure(config, caller) from None
    exp = claims.get("exp")
    if not isinstance(exp, (int, float)) or exp <= time.time() or not _audience_ok(claims.get("aud"), config.entra_audiences):
        raise _token_failure(config, caller)
    if config.entra_principals and claims.get("oid") not in config.entra_principals:
        raise _permission_failure(caller)
    return caller
