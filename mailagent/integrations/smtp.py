"""Mail out over SMTP with aiosmtplib. I/O only: the message arrives as its exact stored bytes.

The conversation is driven step by step (connect, EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA) rather
than through aiosmtplib's one-call `send`, because what a failure means depends on when it
happens (RFC 5321 section 4.1.1.4 and section 6.1):

- until the final "." of DATA has been written, the server cannot have accepted the message: a
  timeout or a dropped connection is `TransientError` (safe to try again);
- a 4xx reply at any step is the server saying "not now": `TransientError`;
- a 5xx reply at any step is a refusal for good: `DeliveryRefused`; a refused login is a
  `ConfigurationError` naming the settings;
- once the final "." has been written, a timeout or a dropped connection leaves it unknown
  whether the server took responsibility for the message: `DeliveryUnknown`, never retried.

Recipients are all or nothing. When the server refuses one RCPT of several, the transaction is
reset and nobody gets the message: 4xx (and no 5xx) is retried later for everyone; any 5xx fails
the whole message, naming the address. A message is never delivered to part of its recipients,
so a retry or a person's "send again" can never give someone a second copy.

A mailbox connected with OAuth2 (`auth="oauth2"`) authenticates with SASL XOAUTH2, the token
from the transport's token provider. A refused token (535, after the server's base64 JSON
challenge) is refreshed once and the whole conversation started again on a new connection: the
refusal can only come at AUTH, before MAIL FROM, so the server holds no transaction and nothing
can go twice. A token store that needs a person raises `MailboxNeedsReconnect` before anything
connects; the caller keeps the message queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import re

import aiosmtplib

from mailagent.addresses import wire_address
from mailagent.errors import ConfigurationError, DeliveryRefused, DeliveryUnknown, TransientError
from mailagent.integrations.mail_auth import (
    AUTH_KINDS,
    AUTH_OAUTH2,
    AUTH_PASSWORD,
    TokenProvider,
)

_LONE_LINE_END = re.compile(rb"\r\n|\r|\n")
_LEADING_DOT = re.compile(rb"(?m)^\.")
_HEADER_END = re.compile(rb"\r?\n\r?\n")


class _TokenRefused(Exception):
    """The server refused the access token at AUTH (before any MAIL FROM)."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"{code} {message}")
        self.code, self.message = code, message


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
        auth: str = AUTH_PASSWORD,
        token_provider: TokenProvider | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.starttls, self.timeout = starttls, timeout
        self.auth, self.token_provider = auth, token_provider
        self.name = f"smtp:{host}:{port}"

    def deliver(self, raw: bytes, *, sender: str, recipients: list[str], message_id: str) -> str:
        """Hand the bytes over as they are (never re-flattened, so the wire carries exactly the
        copy kept in OutboundEmail). Returns the server's reply to the end of DATA."""
        if self.auth not in AUTH_KINDS:
            raise ConfigurationError(f"SMTP_AUTH={self.auth!r} should be password or oauth2.")
        if self.auth != AUTH_OAUTH2:
            return _run(self._send(raw, sender, recipients))
        # Tokens are fetched here, outside the event loop: the token store reads and writes the
        # database, which Django allows only in synchronous code.
        try:
            return _run(self._send(raw, sender, recipients, token=self._token()))
        except _TokenRefused:
            pass
        try:
            return _run(self._send(raw, sender, recipients, token=self._token(refresh=True)))
        except _TokenRefused as exc:
            raise ConfigurationError(
                f"The SMTP server {self.host}:{self.port} refused the OAuth2 access token of "
                f"{self.username} twice, the second freshly refreshed ({exc.code} {exc.message}); "
                "nothing was sent. Check that SMTP AUTH is enabled for this mailbox at its "
                "provider and that the OAuth client asks for the SMTP scope, then connect the "
                "mailbox again (SMTP_USER is its address, SMTP_AUTH=oauth2)."
            ) from exc

    def _token(self, *, refresh: bool = False) -> str:
        if self.token_provider is None or not self.username:
            raise ConfigurationError(
                "SMTP_AUTH=oauth2 needs SMTP_USER, the address of a mailbox connected in the admin."
            )
        return self.token_provider(self.username, refresh=refresh)

    def offers(self, extension: str) -> bool:
        """Whether the server announces an ESMTP extension (after STARTTLS, where it is used).
        Connects and says EHLO, nothing more. Raises what connecting raises."""
        return _run(self._offers(extension))

    async def _offers(self, extension: str) -> bool:
        client = self._client()
        try:
            await self._open(client, login=False)
            return client.supports_extension(extension)
        finally:
            await _close(client)

    def _client(self) -> aiosmtplib.SMTP:
        return aiosmtplib.SMTP(
            hostname=self.host, port=self.port, timeout=self.timeout, start_tls=False
        )

    async def _send(
        self, raw: bytes, sender: str, recipients: list[str], *, token: str = ""
    ) -> str:
        envelope = [wire_address(r) for r in recipients]
        sender_wire = wire_address(sender)
        # A UTF-8 local part or UTF-8 headers (RFC 6532) need the server's SMTPUTF8 (RFC 6531).
        utf8 = (
            any(w.needs_smtputf8 for w in [*envelope, sender_wire])
            or not _header_section(raw).isascii()
        )
        client = self._client()
        try:
            await self._open(client, token=token)
            if utf8 and not client.supports_extension("smtputf8"):
                raise DeliveryRefused(
                    f"SMTP_HOST={self.host}:{self.port} does not offer SMTPUTF8, which an address "
                    "with non-ASCII letters before the @ needs; nothing was sent. Answer from a "
                    "mail program whose server offers it, or ask the customer for another address."
                )
            await self._envelope(
                client, sender_wire.envelope, [w.envelope for w in envelope], utf8=utf8
            )
            await self._data_command(client)
            return await self._content(client, raw)
        finally:
            await _close(client)

    async def _open(self, client: aiosmtplib.SMTP, *, login: bool = True, token: str = "") -> None:
        try:
            await client.connect()
            await client.ehlo()
            if self.starttls:
                await client.starttls()
            if token and login:
                await self._xoauth2(client, token)
            elif self.username and login:
                await client.login(self.username, self.password)
        except aiosmtplib.SMTPAuthenticationError as exc:
            raise ConfigurationError(
                f"The SMTP server refused the login ({exc.code}); check SMTP_USER and "
                "SMTP_PASSWORD."
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise _refusal(exc, "connecting") from exc
        except (aiosmtplib.SMTPTimeoutError, aiosmtplib.SMTPServerDisconnected, OSError) as exc:
            raise TransientError(
                f"Could not reach SMTP_HOST={self.host}:{self.port}: {exc}"
            ) from exc
        except aiosmtplib.SMTPException as exc:  # no AUTH offered, no STARTTLS offered
            raise ConfigurationError(
                f"SMTP_HOST={self.host}:{self.port}: {exc} (check SMTP_STARTTLS, SMTP_USER)"
            ) from exc

    async def _xoauth2(self, client: aiosmtplib.SMTP, token: str) -> None:
        if "xoauth2" not in client.server_auth_methods:
            raise ConfigurationError(
                f"SMTP_HOST={self.host}:{self.port} does not offer AUTH XOAUTH2 "
                f"(it offers {', '.join(client.server_auth_methods) or 'no AUTH'}): check "
                "SMTP_HOST and SMTP_STARTTLS, or set SMTP_AUTH=password."
            )
        try:
            await client.auth_xoauth2(self.username, token)
        except aiosmtplib.SMTPAuthenticationError as exc:
            if 400 <= exc.code < 500:  # 454: the server cannot check tokens just now
                raise TransientError(f"SMTP {exc.code} at AUTH: {exc.message}") from exc
            raise _TokenRefused(exc.code, exc.message) from exc

    async def _envelope(
        self, client: aiosmtplib.SMTP, sender: str, recipients: list[str], *, utf8: bool = False
    ) -> None:
        encoding = "utf-8" if utf8 else "ascii"
        try:
            await client.mail(sender, options=["SMTPUTF8"] if utf8 else None, encoding=encoding)
            refused: dict[str, aiosmtplib.SMTPRecipientRefused] = {}
            for address in recipients:
                try:
                    await client.rcpt(address, encoding=encoding)
                except aiosmtplib.SMTPRecipientRefused as exc:
                    refused[address] = exc
        except aiosmtplib.SMTPResponseException as exc:
            raise _refusal(exc, "MAIL FROM") from exc
        except (aiosmtplib.SMTPTimeoutError, aiosmtplib.SMTPServerDisconnected, OSError) as exc:
            raise TransientError(f"SMTP connection lost before DATA: {exc}") from exc
        if refused:
            await _reset(client)
            said = "; ".join(f"{a}: {e.code} {e.message}" for a, e in refused.items())
            if any(e.code >= 500 for e in refused.values()):
                raise DeliveryRefused(f"SMTP refused recipient(s), nothing sent: {said}")
            raise TransientError(f"SMTP deferred recipient(s), nothing sent: {said}")

    async def _data_command(self, client: aiosmtplib.SMTP) -> None:
        try:
            reply = await client.execute_command(b"DATA")
        except (aiosmtplib.SMTPTimeoutError, aiosmtplib.SMTPServerDisconnected, OSError) as exc:
            raise TransientError(f"SMTP connection lost before DATA: {exc}") from exc
        if reply.code != 354:
            raise _refusal(aiosmtplib.SMTPResponseException(reply.code, reply.message), "DATA")

    async def _content(self, client: aiosmtplib.SMTP, raw: bytes) -> str:
        protocol = client.protocol
        if protocol is None:
            raise TransientError("SMTP connection lost before the message was sent")
        try:
            protocol.write(_dot_stuffed(raw))
        except (aiosmtplib.SMTPServerDisconnected, OSError) as exc:
            # write() refuses before queueing anything: none of the message went out.
            raise TransientError(f"SMTP connection lost before the message went: {exc}") from exc
        try:
            reply = await protocol.read_response(timeout=self.timeout)
        except Exception as exc:
            # The final "." is queued for the server. It may have accepted the message and the
            # answer been lost, or not: only a person can find out.
            raise DeliveryUnknown(
                f"The message was handed over but the server's answer never came "
                f"({type(exc).__name__}: {exc}); it may or may not have been delivered."
            ) from exc
        if reply.code != 250:
            refused = aiosmtplib.SMTPResponseException(reply.code, reply.message)
            raise _refusal(refused, "end of DATA")
        return reply.message


def _header_section(raw: bytes) -> bytes:
    end = _HEADER_END.search(raw)
    return raw[: end.start()] if end else raw


def _dot_stuffed(raw: bytes) -> bytes:
    """The DATA payload (RFC 5321 section 4.5.2): CRLF line ends, leading dots doubled, and the
    terminating "." line."""
    data = _LONE_LINE_END.sub(b"\r\n", raw)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return _LEADING_DOT.sub(b"..", data) + b".\r\n"


def _refusal(exc: aiosmtplib.SMTPResponseException, step: str) -> Exception:
    said = f"SMTP {exc.code} at {step}: {exc.message}"
    if 400 <= exc.code < 500:
        return TransientError(said)
    return DeliveryRefused(said)


async def _reset(client: aiosmtplib.SMTP) -> None:
    # The transaction is abandoned either way; QUIT or the close ends it.
    with contextlib.suppress(aiosmtplib.SMTPException, OSError):
        await client.rset()


async def _close(client: aiosmtplib.SMTP) -> None:
    if client.is_connected:
        with contextlib.suppress(TimeoutError, aiosmtplib.SMTPException, OSError):
            await client.quit(timeout=min(client.timeout or 5.0, 5.0))
    client.close()


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
