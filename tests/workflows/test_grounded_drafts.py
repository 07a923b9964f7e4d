"""Reply drafts answer from the business's own facts, in the customer's language, through the
whole pipeline: stored message -> triage -> draft. What a person would notice on the approval
page: the invoice it matched, the policy it quoted, that nothing was invented."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mailagent.models import AuditEvent, Customer, Invoice
from mailagent.services.drafts import draft_approve
from tests.workflows.customer_mail import processed

pytestmark = pytest.mark.django_db

RETURNS_EN = """# Returns

## Returning an order

You can return unused items within 30 days of delivery. Email us your order number and we send
a free returns label. Refunds reach your account within 5 working days of the return arriving.
"""
RETURNS_DE = """# Rücksendungen

## Eine Bestellung zurücksenden

Unbenutzte Artikel können Sie innerhalb von 30 Tagen nach der Lieferung zurücksenden. Schicken
Sie uns Ihre Bestellnummer, und wir senden Ihnen ein kostenloses Rücksendeetikett.
"""
HOURS_EN = """# Opening hours

Our office and warehouse are open Monday to Friday, 8:00 to 17:30. We are closed on public
holidays.
"""


@pytest.fixture
def knowledge(tmp_path, settings):
    folder = tmp_path / "knowledge"
    folder.mkdir()
    (folder / "returns.md").write_text(RETURNS_EN, encoding="utf-8")
    (folder / "returns.de.md").write_text(RETURNS_DE, encoding="utf-8")
    (folder / "hours.md").write_text(HOURS_EN, encoding="utf-8")
    settings.KNOWLEDGE_DIR = folder
    return folder


@pytest.fixture
def account(db):
    """Hofmann GmbH: two open invoices, one part paid, and one marked paid last week."""
    today = timezone.localdate()
    customer = Customer.objects.create(
        key="hofmann", name="Hofmann GmbH", emails=["anna@hofmann.example"]
    )
    Invoice.objects.create(
        customer=customer,
        number="INV-2041",
        currency="EUR",
        total=Decimal("1250.00"),
        balance=Decimal("1250.00"),
        due_date=today - timedelta(days=12),
    )
    Invoice.objects.create(
        customer=customer,
        number="INV-2057",
        currency="EUR",
        total=Decimal("600.00"),
        balance=Decimal("400.00"),
        due_date=today + timedelta(days=9),
    )
    Invoice.objects.create(
        customer=customer,
        number="INV-1990",
        currency="EUR",
        total=Decimal("80.00"),
        balance=Decimal("0.00"),
        due_date=today - timedelta(days=30),
        status=Invoice.Status.PAID,
        paid_on=today - timedelta(days=6),
    )
    return customer


def test_a_german_we_paid_gets_a_german_reply_naming_the_invoice_it_matched(account, knowledge):
    ticket, draft = processed(
        "Guten Tag,\n\nwir haben die Rechnung INV-2041 gestern überwiesen. Bitte prüfen Sie den "
        "Zahlungseingang.\n\nMit freundlichen Grüßen\nAnna Berger",
        subject="Zahlung",
    )
    assert draft is not None and draft.language == "de"
    assert "Hallo Anna," in draft.body
    assert "INV-2041" in draft.body and "1.250,00\u00a0EUR" in draft.body
    assert "noch offen" in draft.body  # the records still show it open: what happens next
    assert "INV-2057" not in draft.body  # only the invoice it matched
    assert ticket.language == "de"


def test_a_payment_matched_by_amount_when_no_number_is_given(account, knowledge):
    _ticket, draft = processed(
        "Hi, we paid the 400.00 EUR this morning. Thanks, Anna", subject="Payment"
    )
    assert draft.language == "en"
    assert "INV-2057" in draft.body and "INV-2041" not in draft.body.split("For reference")[0]


def test_an_unmatched_payment_says_so_and_asks_for_the_remittance_reference(account, knowledge):
    ticket, draft = processed(
        "Hello, we have paid invoice INV-7777 last week, please confirm. Anna", subject="Paid"
    )
    assert "remittance reference" in draft.body
    assert "INV-7777" not in draft.body  # a number only the customer wrote is not confirmed
    assert ticket.needs_human and "matches no invoice" in ticket.human_reason


def test_an_invoice_question_states_every_open_invoice_exactly_as_the_records_show(
    account, knowledge
):
    _ticket, draft = processed(
        "Hello, could you tell me which invoices are still open on our account?", subject="Invoices"
    )
    body = draft.body
    today = timezone.localdate()
    assert "Invoice INV-2041: EUR 1,250.00, due" in body and "12 days overdue" in body
    assert f"{today + timedelta(days=9):%d %b %Y}" in body and "not yet due" in body
    assert "EUR 200.00 of EUR 600.00 already paid or credited" in body
    assert "Total open: EUR 1,650.00" in body


def test_a_returns_question_quotes_the_returns_policy_and_the_page_names_the_file(
    account, knowledge
):
    ticket, draft = processed(
        "Hi, how many days do I have to return an unused item, and how do I send it back?",
        subject="Returns",
    )
    assert "within 30 days of delivery" in draft.body
    assert [s["file"] for s in draft.sources] == ["returns.md"]
    assert not ticket.needs_human


def test_a_german_returns_question_quotes_the_german_policy(account, knowledge):
    _ticket, draft = processed(
        "Hallo, wie lange habe ich Zeit, unbenutzte Artikel zurückzusenden?",
        subject="Rücksendung",
    )
    assert draft.language == "de"
    assert "innerhalb von 30 Tagen" in draft.body
    assert draft.sources[0]["file"] == "returns.de.md"


def test_a_question_the_folder_cannot_answer_gets_no_invented_answer(account, knowledge):
    ticket, draft = processed(
        "Hello, do you ship live tropical fish to Iceland, and which insurance covers them?",
        subject="Shipping fish",
    )
    assert draft is not None and draft.sources == []
    assert "30 days" not in draft.body and "8:00" not in draft.body
    assert ticket.needs_human and "no answer" in ticket.human_reason


def test_a_message_in_another_language_gets_no_draft_and_goes_to_a_person(account, knowledge):
    ticket, draft = processed(
        "Buongiorno, vorrei sapere quando arriverà il mio ordine. Grazie mille, Anna",
        subject="Ordine",
    )
    assert draft is None
    assert ticket.needs_human and "no draft: written in Italian" in ticket.human_reason


def test_a_fake_invoice_number_in_a_question_is_not_confirmed(account, knowledge):
    _ticket, draft = processed(
        "Hi, what is the status of invoice INV-9999? Anna", subject="Invoice status"
    )
    assert "INV-9999" not in draft.body
    assert "couldn't find the invoice number you mentioned" in draft.body


def test_an_approved_reply_is_reused_for_a_message_like_it_and_says_so(account, knowledge):
    _ticket, first = processed(
        "Hi, how long do I have to return unused items?", subject="Returns", n=1
    )
    edited = first.body.replace(
        "If that doesn't answer", "Our returns label is free, by the way. If that doesn't answer"
    )
    draft_approve(draft_id=first.pk, approver="owner@acme.example", body=edited)
    _ticket, second = processed(
        "Hello, what is the time limit for returning an unused item?",
        subject="Returning",
        sender="Greg Holt <anna@hofmann.example>",
        n=2,
    )
    assert second.based_on_id == first.pk
    assert "Our returns label is free, by the way." in second.body
    assert "Hi Greg," in second.body and "Anna" not in second.body
    created = AuditEvent.objects.filter(action="draft.created", target_id=second.pk).get()
    assert created.details["based_on"] == first.pk


def test_an_approved_invoice_reply_is_reused_with_the_new_facts(account, knowledge):
    other = Customer.objects.create(key="ruiz", name="Ruiz SL", emails=["luis@ruiz.example"])
    Invoice.objects.create(
        customer=other,
        number="F-3001",
        currency="EUR",
        total=Decimal("99.00"),
        balance=Decimal("99.00"),
        due_date=date(2026, 1, 15),
    )
    _ticket, first = processed("Hi, we paid INV-2041 yesterday.", subject="Paid", n=3)
    draft_approve(
        draft_id=first.pk,
        approver="owner@acme.example",
        body=first.body.replace("Thank you for letting", "Many thanks for letting"),
    )
    _ticket, second = processed(
        "Hello, we've paid invoice F-3001 today.",
        subject="Payment",
        sender="Luis Ruiz <luis@ruiz.example>",
        n=4,
    )
    assert second.based_on_id == first.pk
    assert "Many thanks for letting" in second.body
    assert "F-3001" in second.body and "EUR 99.00" in second.body
    assert "INV-2041" not in second.body and "1,250.00" not in second.body


def test_a_policy_only_the_customer_states_is_not_confirmed(account, knowledge):
    _ticket, draft = processed(
        "Hi, your website says I can return unused items for 90 days, right? How do I do it?",
        subject="Returns",
    )
    assert "within 30 days of delivery" in draft.body
    assert "90" not in draft.body


def test_a_passage_found_in_the_folder_s_language_is_quoted_from_its_translation(knowledge):
    from mailagent.knowledge import knowledge_index
    from mailagent.services.processing.place import translated

    english = next(p for p in knowledge_index(recheck=True).passages if p.file == "returns.md")
    (german,) = translated((english,), "de")
    assert german.file == "returns.de.md" and "30 Tagen" in german.text
    # No translation with the same passages: the passage found stays.
    (hours,) = translated(
        tuple(p for p in knowledge_index().passages if p.file == "hours.md"), "de"
    )
    assert hours.file == "hours.md"


def test_a_reused_wording_never_carries_the_earlier_customer_s_name(account, knowledge):
    _ticket, first = processed(
        "Hi, how long do I have to return unused items?", subject="Returns", n=5
    )
    personal = first.body.replace(
        "If that doesn't answer",
        "Anna, as agreed with your colleague Berger: if that doesn't answer",
    )
    draft_approve(draft_id=first.pk, approver="owner@acme.example", body=personal)
    _ticket, second = processed(
        "Hello, what is the time limit for returning an unused item?",
        subject="Returning",
        sender="Greg Holt <anna@hofmann.example>",
        n=6,
    )
    assert second.based_on_id is None
    assert "Berger" not in second.body and "Anna" not in second.body
