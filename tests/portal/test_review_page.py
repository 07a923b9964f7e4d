"""Opening a magic link: the page shows the conversation and the draft, and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from mailagent.models import Draft
from tests.factories import (
    ORDER_QUESTION,
    REPLY_BODY,
    customer_message,
    reply_draft,
    review_path,
)
from tests.portal.conftest import page_text, world

pytestmark = pytest.mark.django_db


def test_link_shows_the_customers_message_and_the_draft(client):
    draft = reply_draft()

    page = client.get(review_path(draft))

    assert page.status_code == 200
    text = page_text(page)
    assert "Re: Where is my order?" in text
    assert "From Jane Doe" in text
    assert " ".join(ORDER_QUESTION.split()) in text
    assert '<textarea id="body" name="body" data-original="' in page.content.decode()
    assert " ".join(REPLY_BODY.split()) in text
    assert "Approve and send" in text
    assert "Reject this draft" in text and "Why? (kept in the audit trail)" in text
    assert page.headers["X-Frame-Options"] == "DENY"


def test_opening_the_link_three_times_and_a_head_request_change_nothing(settings):
    draft = reply_draft()
    path = review_path(draft)
    before = world(settings)

    pages = [Client().get(path) for _ in range(3)]
    head = Client().head(path)

    assert [p.status_code for p in pages] == [200, 200, 200]
    assert head.status_code == 200 and head.content == b""
    assert world(settings) == before
    assert before.drafts[0][1] == "pending"
    assert before.links[0][1] is None


def test_approve_without_the_csrf_token_is_refused_and_changes_nothing(settings, browser_client):
    draft = reply_draft()
    path = review_path(draft)
    before = world(settings)

    refused = browser_client.post(path, {"action": "approve", "body": REPLY_BODY})
    rejected = browser_client.post(path, {"action": "reject", "reason": "No"})

    assert refused.status_code == 403
    assert rejected.status_code == 403
    assert world(settings) == before


def test_approve_with_a_token_from_another_browser_is_refused(settings, browser_client):
    draft = reply_draft()
    path = review_path(draft)
    other = Client(enforce_csrf_checks=True)
    other.get(path)
    before = world(settings)

    browser_client.get(path)
    refused = browser_client.post(
        path,
        {"action": "approve", "csrfmiddlewaretoken": other.cookies["csrftoken"].value},
    )

    assert refused.status_code == 403
    assert world(settings) == before


def test_page_keeps_its_address_to_itself_but_lets_its_forms_say_where_they_come_from(client):
    # With "no-referrer" browsers post forms with "Origin: null", which the CSRF check refuses:
    # no approval could ever be made. "same-origin" still keeps the token from other sites.
    page = client.get(review_path(reply_draft()))

    assert '<meta name="referrer" content="same-origin">' in page.content.decode()
    assert page.headers["Referrer-Policy"] == "same-origin"


def test_the_conversation_shows_our_sent_reply_between_the_customers_messages(client):
    from datetime import timedelta

    from django.utils import timezone

    from mailagent.models import Draft, InboundEmail
    from tests.factories import customer_message

    first = reply_draft()
    ticket = first.ticket
    start = timezone.now() - timedelta(hours=3)
    InboundEmail.objects.filter(ticket=ticket).update(sent_at=start)
    Draft.objects.filter(pk=first.pk).update(
        status=Draft.Status.SENT,
        sent_at=start + timedelta(hours=1),
        decided_by="owner@acme.example",
    )
    later = customer_message(
        ticket=ticket, message_id="<later@customer.example>", text="It came, but one box is torn."
    )
    # A message from the customer whose name we never learnt is shown by its address.
    InboundEmail.objects.filter(pk=later.pk).update(from_name="")
    quarantined = customer_message(ticket=ticket, message_id="<bad@customer.example>", text="?!")
    InboundEmail.objects.filter(pk=quarantined.pk).update(status=InboundEmail.Status.QUARANTINED)
    second = reply_draft(email=later, body="Sorry about the torn box: a new one is on its way.")

    text = page_text(client.get(review_path(second)))

    conversation = text[text.index("The conversation") : text.index("The draft")]
    assert conversation.index("From Jane Doe") < conversation.index("Sent by us")
    assert conversation.index("Sent by us") < conversation.index("From jane@customer.example")
    assert " ".join(REPLY_BODY.split()) in conversation
    assert "It came, but one box is torn." in conversation
    assert "?!" not in conversation


def test_the_page_says_what_a_grounded_draft_was_written_from(client):
    earlier = reply_draft(email=customer_message(message_id="<earlier@customer.example>"))
    earlier.status = Draft.Status.SENT
    earlier.decided_at = timezone.now()
    earlier.save()
    draft = reply_draft()
    draft.language = "fr"
    draft.sources = [
        {
            "id": "returns.fr.md#1",
            "file": "returns.fr.md",
            "heading": "Retours et remboursements \u203a Politique de retour",
            "text": "Vous pouvez retourner les articles non utilisés sous 30 jours.",
        }
    ]
    draft.facts = {"shape": "knowledge:returns.fr.md#1", "slots": [["name", "Jane"]]}
    draft.based_on = earlier
    draft.save()

    page = client.get(review_path(draft))

    text = page_text(page)
    assert "Written in French, the language the customer wrote in." in text
    assert "From the knowledge folder: returns.fr.md" in text
    assert "sous 30 jours" in text
    assert f"an earlier reply a person approved (draft #{earlier.pk}" in text
    assert f'href="/admin/mailagent/draft/{earlier.pk}/change/"' in page.content.decode()
    assert "checked against the records and the passages below" in text


def test_a_draft_marked_for_a_person_says_what_is_left_to_do(client):
    draft = reply_draft()
    draft.ticket.needs_human = True
    draft.ticket.human_reason = "the knowledge folder holds no answer to this question"
    draft.ticket.save()

    text = page_text(client.get(review_path(draft)))

    assert "For a person to complete: the knowledge folder holds no answer" in text
