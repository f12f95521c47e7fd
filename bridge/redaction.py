"""Keep secrets and echoed payloads out of everything the bridge returns or logs.

An endpoint's error message may echo the request (a whole base64 PDF) or its headers; an exception's text
may carry a header value. `redact` masks the secrets the bridge knows (the configured API key, the HTTP
bearer token, Entra tokens as they are issued) and anything shaped like a credential (`Bearer <token>`,
`Authorization:` / `api-key:` header values - a quoted one whole, spaces included -, JWTs, OpenAI `sk-`
keys); `shorten` keeps the start of a long text and says how much was cut. `install_log_redaction` applies
`redact` to every log record of the process.
"""

from __future__ import annotations

import logging
import re
import threading

MASK = "***"
# Shorter values are not treated as secrets (a one-character key would mask every letter).
MIN_SECRET_LENGTH = 6
DEFAULT_LIMIT = 1000

_known: set[str] = set()
_lock = threading.Lock()
_HEADER_NAME = r"""["']?(?:authorization|api[-_]key|ocp-apim-subscription-key|x-api-key)["']?\s*[:=]\s*"""
# The header name inside a JSON document carried as a string, where every quote is escaped: \"api-key\".
_ESCAPED_NAME = r"""\\?["']?(?:authorization|api[-_]key|ocp-apim-subscription-key|x-api-key)\\?["']?\s*[:=]\s*"""
_PATTERNS = (
    # A quoted header value (JSON, a dict's repr) is masked whole, spaces included, up to its closing quote.
    re.compile(rf"""(?i)({_HEADER_NAME}(["']))(?:\\.|(?!\2)[^\\\n])*(?=\2)"""),
    # The same inside a JSON document carried as a string (`{\"api-key\": \"a b\"}`): escaped quotes.
    re.compile(rf"""(?i)({_ESCAPED_NAME}\\(["']))(?:(?!\\\2).)*(?=\\\2)"""),
    # Authorization / api-key / Ocp-Apim-Subscription-Key header values, in `Name: value` or unquoted form.
    re.compile(rf"""(?i)({_HEADER_NAME}["']?)(?:(?:bearer|basic|digest|token)\s+)?[^\s"',;}}]+"""),
    re.compile(r"(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]+"),
    # A JWT (an Entra access token) anywhere.
    re.compile(r"()\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*"),
    # An OpenAI key anywhere (sk-..., sk-proj-..., sk-svcacct-...), registered or not. Real keys are long and
    # random; 20+ characters after the prefix keeps words such as "sk-learn" readable.
    re.compile(r"()(?<![A-Za-z0-9_-])sk-[A-Za-z0-9_-]{20,}"),
)


def register_secret(value: str | None) -> None:
    """Mask `value` wherever it appears from now on."""
    if value and len(value) >= MIN_SECRET_LENGTH:
        with _lock:
            _known.add(value)


def redact(text: str) -> str:
    """`text` with known secrets and credential-shaped values replaced by `***`."""
    if not text:
        return text
    with _lock:
        known = sorted(_known, key=len, reverse=True)
    for secret in known:
        if secret in text:
            text = text.replace(secret, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(lambda match: match.group(1) + MASK, text)
    return text


def shorten(text: str, limit: int = DEFAULT_LIMIT) -> str:
    """The start of `text` (at most `limit` characters) and how many characters were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters cut)"


def _redacted(record: logging.LogRecord) -> logging.LogRecord:
    try:
        record.msg = redact(record.getMessage())
        record.args = None
    except (TypeError, ValueError):
        pass  # a malformed record: logging reports it itself when it formats the message
    if record.exc_info and record.exc_info[0] is not None:
        # Format the traceback now, redacted; handlers then print exc_text instead of re-formatting it.
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        record.exc_info = None
    return record


_installed = False


def install_log_redaction() -> None:
    """Redact every log record of the process, whichever logger or handler it goes to (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        return _redacted(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
