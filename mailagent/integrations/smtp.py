"""Mail out over SMTP with aiosmtplib. I/O only: the message arrives complete."""

from __future__ import annotations

import asyncio
from email.message import EmailMessage
from email.utils import parseaddr

import aiosmtplib

from mailagent.errors import ConfigurationError, TransientError


class SmtpTransport:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        username: str = "",
        password: str = "",
        starttls: bool = True,
        timeout: float = 30.0,
    ) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout
        self.name = f"smtp:{host}:{port}"

    def deliver(self, message: EmailMessage, recipients: list[str]) -> str:
        return _run(self._send(message, recipients))

    async def _send(self, message: EmailMessage, recipients: list[str]) -> str:
        # Hand over the message's own bytes: given an EmailMessage, aiosmtplib re-flattens it with
        # the 78-column SMTP policy and folds References, undoing the composer's choice, and the
        # bytes on the wire would differ from the copy kept in OutboundEmail.
        sender = parseaddr(str(message["Sender"] or message["From"]))[1]
        try:
            errors, response = await aiosmtplib.send(
                bytes(message),
                sender=sender,
                recipients=recipients,
                hostname=self.host,
                port=self.port,
                username=self.username or None,
                password=self.password or None,
                start_tls=self.starttls,
                timeout=self.timeout,
            )
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise ConfigurationError(
                f"The SMTP server refused the login ({exc.code}); check SMTP_USER and "
                "SMTP_PASSWORD."
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            if 400 <= exc.code < 500:
                raise TransientError(f"SMTP {exc.code}: {exc.message}") from exc
            raise
        except (aiosmtplib.SMTPConnectError, aiosmtplib.SMTPServerDisconnected, OSError) as exc:
            raise TransientError(
                f"Could not reach SMTP_HOST={self.host}:{self.port}: {exc}"
            ) from exc
        refused = {addr: err for addr, err in errors.items()}
        if refused and len(refused) == len(recipients):
            raise TransientError(f"Every recipient was refused: {refused}")
        return response


def _run(coro):
    """Run a coroutine whether or not this thread already has an event loop running (the
    portal under an ASGI server, a Playwright test) by using a worker thread when it does."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
