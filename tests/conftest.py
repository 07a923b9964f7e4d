"""Shared fixtures: settings pinned to temporary folders, a real SMTP server on 127.0.0.1, and the
rule for servers that are missing (skip on a laptop, fail in CI with REQUIRE_SERVICES=1)."""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def require_service(available: bool, reason: str) -> None:
    """Skip when a real server is missing, unless CI demands it (REQUIRE_SERVICES=1)."""
    if available:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"Required service missing: {reason}")
    pytest.skip(reason)


def dovecot_serving(**options):
    """A private Dovecot (tests/imap/dovecot.py) for as long as the generator runs, its options
    passed through: for the session-wide fixtures of tests/imap and tests/oauth_mail. A missing
    Dovecot skips, or fails under REQUIRE_SERVICES=1."""
    from tests.imap.dovecot import Dovecot, dovecot_available

    require_service(
        dovecot_available(), "Dovecot is not installed (Debian: apt-get install dovecot-imapd)"
    )
    server = Dovecot(**options)
    server.start()
    try:
        yield server
    finally:
        server.remove()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def agent_settings(settings, tmp_path):
    """Every test runs against its own outbox and inbox, with known people."""
    settings.OUTBOX_DIR = tmp_path / "outbox"
    settings.INBOX_DIR = tmp_path / "inbox"
    settings.INBOX_DIR.mkdir()
    # A developer's .env may point at a real mailbox: tests read INBOX_DIR unless they say so.
    settings.IMAP_HOST, settings.IMAP_EXTRA_MAILBOXES = "", []
    settings.SMTP_HOST = ""
    settings.AGENT_EMAIL = "agent@acme.example"
    settings.BUSINESS_NAME = "Acme Supplies"
    settings.APPROVER_EMAILS = ["owner@acme.example"]
    settings.STAFF_EMAILS = []
    settings.STAFF_DOMAINS = ["acme.example"]
    settings.TASKS_INLINE = True
    settings.AGENT_MODEL = "rules"
    # A model a developer trained under var/ must not change what the suite sees: rules alone.
    settings.TRIAGE_MODEL_PATH = ""
    settings.PORTAL_BASE_URL = "http://testserver"
    return settings


#: Of the bundled messages trained on, the one in this many that the `small_bundle` fixture keeps.
SMALL_BUNDLE_EVERY = 8


@pytest.fixture
def small_bundle(monkeypatch):
    """Training on a sample of the bundled labelled set: every message kept aside and one in
    `SMALL_BUNDLE_EVERY` of the rest, the same sample each time.

    For tests of the plumbing around training (what is stored, compared, audited, scheduled,
    read by the poller), where the full bundle's cross-validated training would cost 10 to 20
    seconds a test and show nothing more. What the model is worth on the full bundle is
    measured by `bench/eval_triage.py`; one test trains on all of it
    (tests/learned/test_learned_triage.py)."""
    from mailagent.learned.bundled import KEPT_ASIDE, bundled_messages
    from mailagent.services import triage_training

    sample = [
        m
        for i, m in enumerate(bundled_messages())
        if m.set in KEPT_ASIDE or i % SMALL_BUNDLE_EVERY == 0
    ]
    monkeypatch.setattr(triage_training, "bundled_messages", lambda: list(sample))
    return sample


def outbox_messages(settings) -> list[EmailMessage]:
    folder = Path(settings.OUTBOX_DIR)
    if not folder.exists():
        return []
    return [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    ]


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)


@dataclass
class SmtpServer:
    host: str
    port: int
    received: list[ReceivedMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]


@pytest.fixture
def smtp_server(settings):
    """A real aiosmtpd server on 127.0.0.1 that keeps every message it accepts."""
    yield from _smtp_server(settings, smtputf8=False)


@pytest.fixture
def smtputf8_server(settings):
    """The same server, offering SMTPUTF8 (RFC 6531) as most large providers do."""
    yield from _smtp_server(settings, smtputf8=True)


def _smtp_server(settings, *, smtputf8: bool):
    from aiosmtpd.controller import Controller

    server = SmtpServer(host="127.0.0.1", port=free_port())

    class Handler:
        async def handle_DATA(self, _server, _session, envelope):
            with server.lock:
                server.received.append(
                    ReceivedMail(
                        envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
                    )
                )
            return "250 OK queued"

    controller = Controller(
        Handler(), hostname=server.host, port=server.port, enable_SMTPUTF8=smtputf8
    )
    controller.start()
    settings.SMTP_HOST, settings.SMTP_PORT = server.host, server.port
    settings.SMTP_STARTTLS, settings.SMTP_USER, settings.SMTP_PASSWORD = False, "", ""
    try:
        yield server
    finally:
        controller.stop()


#: What a test touching the database asks for, directly or through its fixtures.
_DATABASE_FIXTURES = frozenset(
    {"db", "transactional_db", "django_db_reset_sequences", "live_server"}
)


def pytest_collection_modifyitems(config, items):
    """Mark the tests that never touch a database `nodb`: the PostgreSQL pass
    (`make test-postgres`) leaves them out, as they would only run a second time unchanged."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if not (fixtures & _DATABASE_FIXTURES) and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.nodb)
