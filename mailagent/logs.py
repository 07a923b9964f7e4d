"""Log hygiene: secrets never reach a log line, and addresses are shortened.

Configured in settings.LOGGING as a filter on every handler. Secrets are the values of the
settings that hold them (passwords, keys); they are replaced wherever they appear in a record's
final message, arguments included. Email addresses keep their domain and first letter only:
enough to tell which customer or mailbox, not enough to harvest.
"""

from __future__ import annotations

import logging
import re

SECRET_SETTINGS = (
    "SECRET_KEY",
    "SMTP_PASSWORD",
    "IMAP_PASSWORD",
    "OPENAI_API_KEY",
    "MAILBOX_TOKEN_KEYS",
)
_ADDRESS = re.compile(r"\b([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)\b")


def redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "[redacted]")
    return _ADDRESS.sub(r"\1***@\2", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from django.conf import settings

        secrets = []
        for name in SECRET_SETTINGS:
            value = getattr(settings, name, "") or ""
            secrets += [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
        secrets += [url.split("@")[0] for url in getattr(settings, "IMAP_EXTRA_MAILBOXES", [])]
        message = redact(record.getMessage(), secrets)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, secrets)
        record.msg, record.args = message, ()
        return True
