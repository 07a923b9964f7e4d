"""A Dovecot that takes XOAUTH2 and OAUTHBEARER against the tests' token authority, and an
aiosmtpd server that takes XOAUTH2 from the same authority."""

from __future__ import annotations

import base64
import json

import pytest

from tests.conftest import ReceivedMail, SmtpServer, dovecot_serving, free_port
from tests.imap.dovecot import Dovecot, Mailbox
from tests.oauth_mail.authority import Authority


@pytest.fixture(scope="session")
def authority():
    server = Authority().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oauth_dovecot(authority: Authority):
    yield from dovecot_serving(oauth2_introspection_url=f"{authority.url}/introspect")


@pytest.fixture
def oauth_mailbox(oauth_dovecot: Dovecot) -> Mailbox:
    """A user who logs in with a token (the product) or a password (the test, delivering)."""
    return oauth_dovecot.add_user()


@pytest.fixture
def xoauth2_smtp(settings, authority: Authority):
    """aiosmtpd offering AUTH XOAUTH2 only, checking tokens with the authority. A refused token
    gets Google's answer: a 334 challenge with base64 JSON, then 535 after the client's empty
    line. Keeps every message it accepts, and every AUTH it saw."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    server = SmtpServer(host="127.0.0.1", port=free_port())
    server.auths = []  # type: ignore[attr-defined]

    class Handler:
        async def handle_DATA(self, _server, session, envelope):
            with server.lock:
                server.received.append(
                    ReceivedMail(
                        envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
                    )
                )
            return "250 OK queued"

        async def auth_XOAUTH2(self, smtp, args):
            blob = base64.b64decode(args[1]).decode() if len(args) > 1 else ""
            fields = dict(part.split("=", 1) for part in blob.split("\x01") if "=" in part)
            user, token = fields.get("user", ""), fields.get("auth", "").removeprefix("Bearer ")
            ok = authority.active(token, user)
            server.auths.append((user, ok))  # type: ignore[attr-defined]
            if ok:
                return AuthResult(success=True, auth_data=user)
            error = json.dumps({"status": "401", "schemes": "bearer", "scope": "mail"})
            await smtp.challenge_auth(error)
            return AuthResult(success=False, handled=False)

    controller = Controller(
        Handler(),
        hostname=server.host,
        port=server.port,
        auth_require_tls=False,
        auth_exclude_mechanism=["LOGIN", "PLAIN"],
    )
    controller.start()
    settings.SMTP_HOST, settings.SMTP_PORT, settings.SMTP_STARTTLS = server.host, server.port, False
    settings.SMTP_AUTH, settings.SMTP_PASSWORD = "oauth2", ""
    try:
        yield server
    finally:
        controller.stop()
