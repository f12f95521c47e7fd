"""Opaque encrypted strings for items the client must carry but never read (compaction, reasoning).

Fernet (AES-128-CBC + HMAC-SHA256) with a key derived from the emulator's sealing secret by SHA-256, so a
token sealed before a restart unseals after it when the secret is the same. Fernet tokens start with
`gAAAAA`, like the `encrypted_content` values in OpenAI's published examples.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken


class Sealer:
    """Seal JSON-serialisable values into opaque strings and back."""

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the sealing secret must not be empty")
        key = base64.urlsafe_b64encode(hashlib.sha256(secret.encode("utf-8")).digest())
        self._fernet = Fernet(key)

    def seal(self, obj: Any) -> str:
        payload = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return self._fernet.encrypt(payload).decode("ascii")

    def unseal(self, token: str) -> Any:
        """The sealed value; ValueError if the token was altered or sealed with another secret."""
        if not isinstance(token, str) or not token:
            raise ValueError("sealed content must be a non-empty string")
        try:
            payload = self._fernet.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError) as exc:
            raise ValueError("sealed content was altered or was not produced by this service") from exc
        return json.loads(payload)
