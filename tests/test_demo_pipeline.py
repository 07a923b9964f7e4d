"""The bundled demo mailbox, end to end: what a newcomer sees after `make run`.

Twenty messages go in (mailagent/demo/inbox, read in file-name order); what must come out is
counted exactly, so a change to parsing, triage or policy that changes the demo shows up here.
"""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

import mailagent
from mailagent.models import Draft, InboundEmail, OutboundEmail, Ticket
from mailagent.services.tickets import ticket_conversation
from tests.conftest import outbox_messages

pytestmark = pytest.mark.django_db

DEMO_INBOX = Path(mailagent.__file__).parent / "demo" / "inbox"

TICKETS = 15
PENDING_DRAFTS = 13
ESCALATIONS = 2
AUTOMATIC = 3
QUARANTINED = 1


@pytest.fixture
def demo_run(settings, django_capture_on_commit_callbacks) -> str:
    settings.INBOX_DIR = DEMO_INBOX
    out = StringIO()
    # Escalation notices go out on commit; the test's wrapping transaction never commits.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("poll", "--once", stdout=out)
    return out.getvalue()


def stored(name: str) -> InboundEmail:
    return InboundEmail.objects.get(source_key=name)


def text_body(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def test_demo_mailbox_holds_twenty_messages():
    assert len(list(DEMO_INBOX.glob("*.eml"))) == 20


def test_demo_run_counts_tickets_drafts_escalations_and_machine_mail(demo_run):
    statuses = {s: InboundEmail.objects.filter(status=s).count() for s in InboundEmail.Status}
    assert statuses == {
        "received": 0,
        "processed": 20 - AUTOMATIC - QUARANTINED,
        "automatic": AUTOMATIC,
        "duplicate": 0,
        "quarantined": QUARANTINED,
    }
    assert Ticket.objects.count() == TICKETS
    assert Draft.objects.filter(status=Draft.Status.PENDING).count() == PENDING_DRAFTS
    assert Ticket.objects.filter(status=Ticket.Status.ESCALATED).count() == ESCALATIONS
    assert "20 new message(s) stored, 0 already known" in demo_run
    assert "processed: 3 automatic, 16 processed, 1 quarantined" in demo_run


def test_poll_summary_counts_the_drafts_still_waiting(demo_run):
    assert f"{PENDING_DRAFTS} draft(s) waiting for approval, {ESCALATIONS} escalated" in demo_run


def test_machine_mail_is_recorded_but_gets_no_ticket_and_no_draft(demo_run):
    machine = InboundEmail.objects.filter(status=InboundEmail.Status.AUTOMATIC)
    assert sorted(machine.values_list("source_key", flat=True)) == [
        "05-out-of-office.eml",
        "06-bounce.eml",
        "09-newsletter.eml",
    ]
    assert all(m.automatic_reason for m in machine)
    assert not machine.filter(ticket__isnull=False).exists()
    drafted_to = {a for d in Draft.objects.all() for a in d.to_addresses}
    assert drafted_to.isdisjoint(m.from_address for m in machine)


def test_broken_message_is_quarantined_and_the_run_goes_on(demo_run):
    broken = stored("17-broken.eml")
    assert broken.status == InboundEmail.Status.QUARANTINED
    assert "no readable sender" in broken.error
    assert re.search(rf"quarantined message #{broken.pk}: ", demo_run)
    # Messages after it in the folder were still processed.
    assert stored("16-unknown-charset.eml").status == InboundEmail.Status.PROCESSED


@pytest.mark.parametrize(
    ("name", "category"),
    [("03-refund-request.eml", "refund_request"), ("04-bank-details.eml", "bank_detail_change")],
)
def test_refund_and_bank_detail_change_are_escalated_without_a_draft(
    demo_run, settings, name, category
):
    ticket = stored(name).ticket
    assert ticket.status == Ticket.Status.ESCALATED
    assert ticket.category == category
    assert ticket.risk == "high"
    assert not ticket.drafts.exists()
    escalations = OutboundEmail.objects.filter(ticket=ticket, kind=OutboundEmail.Kind.ESCALATION)
    assert escalations.count() == 1
    notice = [m for m in outbox_messages(settings) if m["Subject"] == escalations[0].subject]
    assert len(notice) == 1
    assert notice[0]["To"] == "owner@acme.example"
    assert ticket.customer_email in text_body(notice[0])


def test_one_escalation_email_per_escalated_ticket(demo_run, settings):
    subjects = [str(m["Subject"]) for m in outbox_messages(settings)]
    needs_person = [s for s in subjects if s.startswith("[Needs a person]")]
    assert sorted(needs_person) == [
        "[Needs a person] Refund for returned pallet of deck screws (RMA 5531)",
        "[Needs a person] Updated bank details for future payments",
    ]


def test_friendly_follow_up_and_delivery_news_are_not_read_as_frustrated_or_urgent(demo_run):
    # "Hi again," and "arrived today" once made these frustrated and urgent.
    assert stored("14-reply-to-support.eml").ticket.tone == "neutral"
    assert stored("10-staff-inline-forward.eml").ticket.urgency == "normal"


def test_drafts_thank_the_customer_once(demo_run):
    for draft in Draft.objects.filter(status=Draft.Status.PENDING):
        assert draft.body.count("Thank you") <= 1, draft.body


def test_angry_complaint_without_legal_threat_gets_a_draft(demo_run):
    ticket = stored("02-angry-complaint.eml").ticket
    assert (ticket.category, ticket.tone, ticket.status) == (
        "complaint",
        "angry",
        "awaiting_approval",
    )
    draft = ticket.drafts.get(status=Draft.Status.PENDING)
    assert draft.body.startswith("Hi Marcus,\n\nI'm sorry about this")


@pytest.mark.parametrize(
    ("name", "customer", "forwarded_by", "subject"),
    [
        (
            "10-staff-inline-forward.eml",
            "greg@blueharbormarina.example",
            "dana@acme.example",
            "Dock line order - wrong diameter?",
        ),
        (
            "11-staff-attached-forward.eml",
            "amara@pinecrestvet.example",
            "sam.ortiz@acme.example",
            "Glove sizes for the new clinic",
        ),
    ],
)
def test_staff_forward_becomes_a_ticket_for_the_original_customer(
    demo_run, name, customer, forwarded_by, subject
):
    email = stored(name)
    assert (email.customer_email, email.forwarded_by) == (customer, forwarded_by)
    ticket = email.ticket
    assert (ticket.customer_email, ticket.subject) == (customer, subject)
    draft = ticket.drafts.get(status=Draft.Status.PENDING)
    assert draft.to_addresses == [customer]
    assert draft.subject == f"Re: {subject}"


def test_attached_forward_draft_answers_the_customer_s_own_message(demo_run):
    draft = stored("11-staff-attached-forward.eml").ticket.drafts.get()
    assert draft.in_reply_to == "<7E1B2C9A-0011-4F3E-9D8A-PINECREST@pinecrestvet.example>"
    assert draft.body.startswith("Hi Amara,")


def test_customer_reply_joins_its_ticket_and_the_conversation_lists_both_in_order(demo_run):
    first, reply = stored("01-support-question.eml"), stored("14-reply-to-support.eml")
    assert reply.ticket_id == first.ticket_id
    ticket = first.ticket
    entries = ticket_conversation(ticket)
    assert [e.pk for e in entries] == [first.pk, reply.pk]
    assert [e.direction for e in entries] == ["in", "in"]
    assert entries[1].text.startswith("Hi again,\n\nOne more detail")
    # The reply's draft replaces the one written for the first message.
    assert list(ticket.drafts.values_list("status", flat=True).order_by("id")) == [
        "superseded",
        "pending",
    ]
    assert ticket.drafts.get(status="pending").in_reply_to == "<cafe-0014@greenleafcafe.example>"


def test_latin1_sender_and_html_only_message_read_as_people_wrote_them(demo_run):
    latin1 = stored("15-latin1-cup-order.eml")
    assert latin1.ticket.customer_name == "José Muñoz"
    assert latin1.subject == "Pedido de tazas para el Café Luna / cup order"
    assert "We\u2019d like to order more" in latin1.body_text
    html = stored("13-html-only.eml")
    assert "move our standing delivery to Tuesday" in html.body_text
    assert "<p>" not in html.body_text


def test_approval_request_lists_one_link_per_pending_draft(demo_run, settings):
    requests = [m for m in outbox_messages(settings) if "waiting for your approval" in m["Subject"]]
    assert len(requests) == 1
    request = requests[0]
    assert request["To"] == "owner@acme.example"
    assert request["Subject"] == f"{PENDING_DRAFTS} drafts waiting for your approval"
    linked = [int(i) for i in re.findall(r"/review/(\d+)/[^/\s]+/", text_body(request))]
    pending = Draft.objects.filter(status=Draft.Status.PENDING).values_list("id", flat=True)
    assert sorted(linked) == sorted(pending)
    assert len(re.findall(r"Approval links sent", demo_run)) == 1


def test_outbox_holds_only_the_escalations_and_the_approval_request(demo_run, settings):
    kinds = sorted(OutboundEmail.objects.values_list("kind", flat=True))
    assert kinds == ["approval_request", "escalation", "escalation"]
    assert len(outbox_messages(settings)) == 3


def test_second_poll_stores_and_processes_nothing_and_sends_no_mail(demo_run, settings):
    before = (
        InboundEmail.objects.count(),
        Ticket.objects.count(),
        Draft.objects.count(),
        OutboundEmail.objects.count(),
        len(outbox_messages(settings)),
    )
    out = StringIO()
    call_command("poll", "--once", stdout=out)
    after = (
        InboundEmail.objects.count(),
        Ticket.objects.count(),
        Draft.objects.count(),
        OutboundEmail.objects.count(),
        len(outbox_messages(settings)),
    )
    assert after == before
    assert "0 new message(s) stored, 20 already known" in out.getvalue()
    assert "nothing new to do" in out.getvalue()


@pytest.fixture
def demo_with_accounts(settings, django_capture_on_commit_callbacks) -> None:
    """As `make run` does it: the demo accounting exports imported, then the mailbox read."""
    exports = sorted(str(p) for p in (DEMO_INBOX.parent / "accounting").glob("*.csv"))
    call_command("import_invoices", *exports, stdout=StringIO())
    settings.INBOX_DIR = DEMO_INBOX
    with django_capture_on_commit_callbacks(execute=True):
        call_command("poll", "--once", stdout=StringIO())


def reply_to(name: str) -> Draft:
    return stored(name).ticket.drafts.get(kind=Draft.Kind.REPLY)


def test_demo_customers_get_drafts_in_their_own_language_from_the_records_and_the_folder(
    demo_with_accounts,
):
    paid = reply_to("18-wir-haben-bezahlt.eml")
    assert paid.language == "de" and "Rechnung 1039" in paid.body
    returns = reply_to("19-politique-de-retour.eml")
    assert returns.language == "fr"
    assert any(s["file"].startswith("returns.fr") for s in returns.sources)
    assert "30 jours" in returns.body
    resend = reply_to("20-reenvio-factura.eml")
    assert resend.language == "es" and "Factura 1051" in resend.body
