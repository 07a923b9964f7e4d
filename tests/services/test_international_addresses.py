"""Replies to internationalised addresses: delivered where the server can take them, refused up
front where it cannot, never mangled into an address no server delivers."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailagent.models import Draft
from mailagent.services.batch_approvals import ItemState, batch_link_check, batch_link_issue
from mailagent.services.drafts import draft_create
from mailagent.services.outbound import draft_send
from tests.factories import APPROVER, approved, customer_message, review_path

pytestmark = pytest.mark.django_db

UTF8_LOCAL = "jörg@bücher.example"


def reply_to(address: str) -> Draft:
    email = customer_message(message_id=f"<order-{Draft.objects.count()}@customer.example>")
    return draft_create(
        ticket=email.ticket,
        kind=Draft.Kind.REPLY,
        to=[address],
        subject="Re: Bestellung",
        body="Guten Tag Jörg,\n\ndie Tassen sind unterwegs.\n\nAcme",
        in_reply_to=email.message_id,
    )


def to_header(raw: bytes) -> bytes:
    head = raw.split(b"\r\n\r\n", 1)[0]
    return next(line for line in head.split(b"\r\n") if line.lower().startswith(b"to:"))


def test_a_utf8_address_is_delivered_through_a_server_offering_smtputf8(smtputf8_server):
    draft = approved(reply_to(UTF8_LOCAL))

    draft_send(draft_id=draft.pk)

    [received] = smtputf8_server.received
    assert received.rcpt_tos == [UTF8_LOCAL]
    assert to_header(received.raw) == "To: jörg@bücher.example".encode()
    draft.refresh_from_db()
    assert draft.status == Draft.Status.SENT


def test_an_ascii_name_at_an_international_domain_goes_as_idna_without_smtputf8(smtp_server):
    draft = approved(reply_to("ivy@bücher.example"))

    draft_send(draft_id=draft.pk)

    [received] = smtp_server.received
    assert received.rcpt_tos == ["ivy@xn--bcher-kva.example"]
    assert to_header(received.raw) == b"To: ivy@xn--bcher-kva.example"


def test_the_approval_page_says_up_front_that_the_server_cannot_deliver_it(client, smtp_server):
    draft = reply_to(UTF8_LOCAL)
    path = review_path(draft)

    page = client.get(path).content.decode()
    assert "cannot be sent as it is addressed" in page
    assert "SMTPUTF8" in page
    assert 'id="approve"' not in page

    response = client.post(path, {"action": "approve", "body": draft.body})
    assert response.status_code == 409
    assert "cannot be sent to its address" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Draft.Status.PENDING
    assert smtp_server.received == []
    # The link was not spent by the refusal: the approver can still reject the draft.
    response = client.post(path, {"action": "reject", "reason": "answered by phone"})
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.status == Draft.Status.REJECTED


def test_an_approve_all_link_leaves_out_a_draft_that_could_not_be_delivered(smtp_server):
    deliverable, stuck = reply_to("ivy@customer.example"), reply_to(UTF8_LOCAL)
    url = batch_link_issue(drafts=[deliverable, stuck], approver=APPROVER)

    check = batch_link_check(token=url.rstrip("/").rsplit("/", 1)[1])

    states = {item.draft_id: item.state for item in check.items}
    assert states == {deliverable.pk: ItemState.READY, stuck.pk: ItemState.UNDELIVERABLE}


def test_a_send_that_reaches_a_server_without_smtputf8_sends_nothing(smtp_server, settings):
    # Approved while the server could not be asked; by the time it is sent, the server says no.
    draft = approved(reply_to(UTF8_LOCAL))

    draft_send(draft_id=draft.pk)

    assert smtp_server.received == []
    draft.refresh_from_db()
    assert draft.status == Draft.Status.FAILED
    assert "SMTPUTF8" in draft.error


def test_an_address_whose_domain_is_not_a_valid_idn_is_refused_on_the_page(client):
    draft = reply_to("ivy@bad\u200d\u0378domain.example")

    page = client.get(review_path(draft)).content.decode()

    assert "not a valid internationalised domain" in page
    assert 'id="approve"' not in page


def test_the_outbox_keeps_a_utf8_address_readable(settings):
    draft = approved(reply_to(UTF8_LOCAL))

    draft_send(draft_id=draft.pk)

    [written] = Path(settings.OUTBOX_DIR).glob("*.eml")
    assert to_header(written.read_bytes()) == f"To: {UTF8_LOCAL}".encode()
