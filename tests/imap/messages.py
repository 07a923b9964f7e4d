"""Messages as they arrive from real clients, built byte by byte (CRLF, 8-bit where real mail has
it), so that each test says exactly what is on the wire."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime


def question(
    n: int,
    *,
    sender: str = "",
    name: str = "",
    subject: str = "",
    body: str = "",
    when: datetime | None = None,
    extra_headers: str = "",
) -> bytes:
    """A customer's question, unique by `n`: its own sender, subject and Message-ID."""
    sender = sender or f"customer{n}@shop{n}.example"
    name = name or f"Customer {n}"
    subject = subject or f"Question about order {1000 + n}"
    body = body or (
        f"Hello,\r\n\r\nCould you tell me when order {1000 + n} will ship? We need it for a "
        f"customer event.\r\n\r\nThanks,\r\n{name}\r\n"
    )
    date = format_datetime(when or datetime(2026, 11, 24, 9, 0, tzinfo=UTC))
    head = (
        f"From: {name} <{sender}>\r\n"
        "To: agent@acme.example\r\n"
        f"Subject: {subject}\r\n"
        f"Date: {date}\r\n"
        f"Message-ID: <q{n}@shop{n}.example>\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        f"{extra_headers}"
    )
    return f"{head}\r\n{body}".encode()


def message_id_of(n: int) -> str:
    return f"<q{n}@shop{n}.example>"
