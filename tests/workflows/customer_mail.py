"""A customer's message, as the ingest service stores it, processed by the real pipeline: what
the workflow tests of drafts (the rules' and a model's) send in and read back."""

from __future__ import annotations

from mailagent.models import Draft, Ticket
from mailagent.services.ingest import email_store
from mailagent.services.processing.batch import emails_process


def processed(
    text: str,
    *,
    subject: str = "Frage",
    sender: str = "Anna Berger <anna@hofmann.example>",
    n: int = 1,
) -> tuple[Ticket, Draft | None]:
    """The ticket `text` (from `sender`, under `subject`) lands on, and its reply draft."""
    raw = (
        f"From: {sender}\r\nTo: agent@acme.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <m{n}-{abs(hash(text))}@hofmann.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n"
    ).encode()
    email = email_store(source="test", source_key=f"k{n}-{abs(hash(text))}", raw=raw)
    emails_process(email_ids=[email.pk])
    email.refresh_from_db()
    ticket = Ticket.objects.get(pk=email.ticket_id)
    return ticket, ticket.drafts.filter(kind=Draft.Kind.REPLY).first()
