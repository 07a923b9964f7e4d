"""With no SMTP_HOST, approved mail lands in the outbox folder as complete .eml files."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from mailagent.integrations.outbox import OutboxTransport
from mailagent.models import Draft, OutboundEmail
from mailagent.services.outbound import compose, draft_send
from tests.conftest import outbox_messages
from tests.factories import CUSTOMER, REPLY_BODY, approved, customer_message, reply_draft


def text_of(message, subtype: str = "plain") -> str:
    """A body part's text; the file keeps the SMTP line ending (CRLF) that the parser passes on."""
    return message.get_body((subtype,)).get_content().replace("\r\n", "\n")


@pytest.mark.django_db
def test_approved_reply_is_written_to_the_outbox_by_default(settings):
    draft = approved(reply_draft(email=customer_message(references="<first@customer.example>")))

    sent = draft_send(draft_id=draft.pk)

    [message] = outbox_messages(settings)
    assert sent.status == Draft.Status.SENT
    assert message["To"] == CUSTOMER
    assert message["Message-ID"] == sent.message_id
    assert message["In-Reply-To"] == "<order-1187@customer.example>"
    assert message["References"] == "<first@customer.example> <order-1187@customer.example>"
    assert message["Auto-Submitted"] == "auto-replied"
    assert text_of(message).strip() == REPLY_BODY
    row = OutboundEmail.objects.get(draft=draft)
    assert row.transport == f"outbox:{settings.OUTBOX_DIR}"
    [path] = settings.OUTBOX_DIR.glob("*.eml")
    assert path.read_bytes() == bytes(row.raw)


def test_outbox_file_is_a_whole_message_and_no_temporary_file_is_left(tmp_path, settings):
    message = compose(
        to=["jane@customer.example"],
        subject="Ihre Bestellung: Lieferung übermorgen",
        body="Grüße aus dem Lager.\n" * 200,
        html="<p>Grüße aus dem Lager.</p>",
        message_id="<outbox-test@acme.example>",
        auto_submitted="auto-generated",
    )

    where = OutboxTransport(tmp_path / "out").deliver(
        bytes(message),
        sender=settings.AGENT_EMAIL,
        recipients=["jane@customer.example"],
        message_id="<outbox-test@acme.example>",
    )

    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == ["outbox-test@acme.example.eml"]
    assert where == str(tmp_path / "out" / "outbox-test@acme.example.eml")
    raw = (tmp_path / "out" / files[0]).read_bytes()
    assert raw.endswith(b"\r\n")
    written = message_from_bytes(raw, policy=policy.default)
    assert written["Subject"] == "Ihre Bestellung: Lieferung übermorgen"
    assert written["From"] == f"{settings.BUSINESS_NAME} <{settings.AGENT_EMAIL}>"
    assert written["Date"] is not None
    assert text_of(written) == "Grüße aus dem Lager.\n" * 200
    assert text_of(written, "html").strip() == "<p>Grüße aus dem Lager.</p>"
