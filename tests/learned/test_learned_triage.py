"""What a team notices once the triage has learned from its corrections: new mail like the mail
it corrected gets the corrected category, with the model named as what decided; a missing or
broken model file changes nothing but a warning; the model never lowers a high-risk message."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from io import StringIO

import pytest
from django.core.management import call_command

from mailagent import policy
from mailagent.agents.rules import RulesBackend
from mailagent.learned.model import model_save
from mailagent.learned.store import learned_forget
from mailagent.learned.training import Labelled, model_train
from mailagent.models import AuditEvent, Ticket
from mailagent.services.audit import audit_record
from mailagent.services.ingest import email_store
from mailagent.services.processing.batch import emails_process
from mailagent.services.triage_training import triage_model_train
from mailagent.types import Address, Category, Tier, TriageContext
from tests.factories import customer_message

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 4, 2, 30, tzinfo=UTC)

CATERING = [
    ("Catering for our office party", "Could you cater our office party on Friday, 40 people?"),
    ("Event catering", "We would love you to cater the launch of our new shop, 60 guests."),
    ("Team lunch", "Can your kitchen cater a team lunch for 25 people on the 14th?"),
    ("Wedding", "Do you cater weddings? About 90 guests in June, a buffet."),
    ("Christmas do", "We need catering for our Christmas party, 35 people, hot food."),
    ("Board meeting", "Could you cater sandwiches for a board meeting of 12 next Tuesday?"),
]


@pytest.fixture(autouse=True)
def fresh_models():
    learned_forget()
    yield
    learned_forget()


def correct(ticket: Ticket, category: str) -> None:
    """What a person's correction leaves behind: the ticket changed, and the audited change."""
    ticket.category = category
    ticket.save(update_fields=["category"])
    audit_record(
        action="ticket.changed",
        obj=ticket,
        actor="owner@acme.example",
        changed={"category": category},
    )


def raw_mail(subject: str, text: str, n: int, *, answers: int | None = None) -> bytes:
    thread = f"In-Reply-To: <cater-{answers}@bakery.example>\r\n" if answers is not None else ""
    return (
        f"From: Sam Baker <sam@bakery.example>\r\nTo: agent@acme.example\r\n"
        f"Subject: {subject}\r\nMessage-ID: <cater-{n}@bakery.example>\r\n{thread}"
        f"Date: Mon, 30 Nov 2026 09:00:00 +0000\r\n\r\n{text}\r\n"
    ).encode()


def triaged(subject: str, text: str, n: int = 900, *, answers: int | None = None) -> Ticket:
    raw = raw_mail(subject, text, n, answers=answers)
    email = email_store(source="test", source_key=f"k{n}", raw=raw)
    emails_process(email_ids=[email.pk])
    email.refresh_from_db()
    return email.ticket


def test_after_training_on_corrections_new_mail_like_it_gets_the_corrected_category(
    settings, tmp_path, small_bundle
):
    for n, (subject, text) in enumerate(CATERING * 2):
        message = customer_message(subject=subject, text=text, message_id=f"<c{n}@x>")
        correct(message.ticket, "sales_inquiry")
    settings.TRIAGE_MODEL_PATH = str(tmp_path / "triage-model.npz")
    out = StringIO()
    call_command("train_triage", stdout=out)
    assert "Trained model v1" in out.getvalue()

    ticket = triaged("Catering enquiry", "Could you cater a summer party for 50 people?")
    assert ticket.category == "sales_inquiry"
    event = AuditEvent.objects.get(ticket=ticket, action="ticket.triaged")
    assert event.details["decided_by"] == "model v1"
    assert event.details["model_confidence"] >= settings.TRIAGE_MODEL_CONFIDENCE
    # The ticket keeps it for the admin, with the rules' answer the model replaced.
    assert (ticket.decided_by, ticket.model_version) == ("model v1", 1)
    assert ticket.model_confidence == event.details["model_confidence"]
    # (A question no rule names: the rules' fallback is a support question.)
    assert (
        ticket.category_rule
        == event.details["category_rule"]
        == ("support_question: QUESTION_MARK #1")
    )


def test_a_ticket_says_which_rule_decided_and_a_reply_that_changes_it_says_so_again():
    ticket = triaged("Invoice 1042", "We have already paid it, please stop the reminders.", n=10)
    assert ticket.category == "payment_claimed"
    assert ticket.category_rule == "payment_claimed: PAYMENT_CLAIMED #1"
    assert ticket.category_rule_words == "We have already paid"
    assert (ticket.urgency_rule, ticket.decided_by) == ("normal: no rule matched", "rules")
    event = AuditEvent.objects.get(ticket=ticket, action="ticket.triaged")
    assert event.details["category_rule_words"] == "We have already paid"

    reply = triaged("Re: Invoice 1042", "Actually, please refund it urgently.", n=11, answers=10)
    assert reply.pk == ticket.pk
    assert reply.category_rule.startswith("refund_request: REFUND_REQUEST #")
    assert reply.category_rule_words == "refund"
    assert (reply.urgency_rule, reply.urgency_rule_words) == ("high: URGENT #1", "urgent")


def test_without_a_model_file_the_rules_triage_with_one_warning(settings, tmp_path, caplog):
    settings.TRIAGE_MODEL_PATH = str(tmp_path / "none-here.npz")
    with caplog.at_level(logging.WARNING, logger="mailagent.learned"):
        first = triaged(*CATERING[0], n=1)
        second = triaged(*CATERING[1], n=2)
    # The rules alone: a question no rule names is a support question, a statement other.
    assert (first.category, second.category) == ("support_question", "other")
    event = AuditEvent.objects.get(ticket=first, action="ticket.triaged")
    assert event.details["decided_by"] == "rules"
    assert (first.decided_by, first.model_version, first.model_confidence) == ("rules", None, None)
    warnings = [r for r in caplog.records if "No triage model" in r.getMessage()]
    assert len(warnings) == 1


def test_an_installation_that_never_trained_a_model_is_not_warned(settings, tmp_path, caplog):
    # `make run` on a fresh clone: the default path, nothing trained yet, the rules decide.
    settings.VAR_DIR = tmp_path
    settings.TRIAGE_MODEL_PATH = str(tmp_path / "triage-model.npz")
    with caplog.at_level(logging.INFO, logger="mailagent.learned"):
        ticket = triaged(*CATERING[0], n=1)
    assert ticket.category == "support_question"
    noted = [r for r in caplog.records if "No triage model" in r.getMessage()]
    assert [r.levelno for r in noted] == [logging.INFO]


@pytest.mark.parametrize(
    "content",
    [b"not a model at all", b"PK\x03\x04 truncated zip"],
    ids=["garbage", "truncated"],
)
def test_a_corrupt_model_file_is_ignored_and_mail_is_still_triaged(
    settings, tmp_path, caplog, content
):
    path = tmp_path / "triage-model.npz"
    path.write_bytes(content)
    settings.TRIAGE_MODEL_PATH = str(path)
    with caplog.at_level(logging.WARNING, logger="mailagent.learned"):
        ticket = triaged(*CATERING[0], n=3)
    assert ticket.category == "support_question"
    assert ticket.status == Ticket.Status.AWAITING_APPROVAL
    assert any("ignored" in r.getMessage() for r in caplog.records)


def test_a_model_file_of_another_format_is_ignored_with_a_warning(settings, tmp_path, caplog):
    model = model_train(_support_everything(), with_rules=False)
    path = tmp_path / "old.npz"
    model_save(model, path)
    import numpy as np

    with np.load(path) as data:
        arrays = dict(data)
    arrays["header"] = np.array(str(arrays["header"]).replace('"format": 1', '"format": 0'))
    np.savez(path.open("wb"), **arrays)
    settings.TRIAGE_MODEL_PATH = str(path)
    with caplog.at_level(logging.WARNING, logger="mailagent.learned"):
        ticket = triaged(*CATERING[2], n=4)
    assert ticket.category == "support_question"
    assert any("format 0" in r.getMessage() for r in caplog.records)


def _support_everything() -> list[Labelled]:
    """A model taught, wrongly and insistently, that money matters are support questions."""
    bodies = [
        "Please refund the £240 for the broken kettle, I want my money back.",
        "Our bank details have changed, please pay invoice 1042 to the new account.",
        "My solicitor will be in touch, we are taking legal action.",
        "Where is my order 1187? It has not arrived.",
        "How do I descale the coffee machine?",
        "The printer shows error E4, what should I do?",
    ]
    return [
        Labelled(subject="Hello", body=b, category="support_question", rules_category=r)
        for b in bodies
        for r in ("refund_request", "bank_detail_change", "complaint", "support_question")
    ] + [Labelled(subject="Price", body="How much are paper cups?", category="sales_inquiry")]


def context(text: str) -> TriageContext:
    return TriageContext(
        subject="Hello",
        text=text,
        customer=Address("jo@customer.example"),
        business_name="Acme Supplies",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Please refund the £240 for the broken kettle, I want my money back.",
        "Our bank details have changed, please pay invoice 1042 to the new account.",
        "My solicitor will be in touch, we are taking legal action.",
    ],
    ids=["refund", "bank-details", "legal-threat"],
)
def test_the_model_never_lowers_a_high_risk_message(text):
    backend = RulesBackend(learned=model_train(_support_everything()), threshold=0.0)
    proposal = backend.triage(context(text))
    assert proposal.category is not Category.SUPPORT_QUESTION
    assert proposal.uncertain and "may not" in proposal.uncertain[-1]
    assessment = policy.assess(proposal=proposal, text=f"Hello\n{text}")
    assert assessment.tier is Tier.HIGH
    assert not assessment.may_draft


def test_the_model_decides_where_it_is_sure_and_the_rules_where_it_is_not():
    taught = [
        Labelled(subject=s, body=b, category="sales_inquiry", rules_category="other")
        for s, b in CATERING
    ] + [Labelled(subject="Invoice", body="Please resend invoice 1042.", category="other")]
    model = model_train(taught)
    text = "Could you cater a summer party for 50 people?"
    sure = RulesBackend(learned=model, threshold=0.0).triage(context(text))
    assert (sure.category, sure.decided_by) == (Category.SALES_INQUIRY, "model v1")
    unsure = RulesBackend(learned=model, threshold=1.01).triage(context(text))
    assert (unsure.category, unsure.decided_by) == (Category.SUPPORT_QUESTION, "rules")


def test_the_model_trained_on_the_whole_bundle_does_better_kept_aside_than_the_rules(tmp_path):
    report = triage_model_train(path=tmp_path / "m.npz", threshold=0.3, now=NOW)
    rules, _alone, both = report.scores
    assert (rules.name, both.name) == ("rules alone", "rules + model v1")
    assert report.kept_aside >= 150 and report.model.training_size >= 2000
    assert both.accuracy >= rules.accuracy + 0.05
    assert both.high_risk_recall >= rules.high_risk_recall


def test_train_triage_prints_the_rules_before_and_the_combination_after(tmp_path, small_bundle):
    out = StringIO()
    path = tmp_path / "m.npz"
    call_command("train_triage", "--out", str(path), stdout=out)
    text = out.getvalue()
    assert "messages kept aside" in text
    for line in ("rules alone", "model v1 alone", "rules + model v1", "Before (rules alone): "):
        assert line in text
    assert "After (rules + model v1): " in text
    assert path.exists()
    call_command("train_triage", "--out", str(path), stdout=(out := StringIO()))
    assert "Trained model v2" in out.getvalue()


def _noise(count: int) -> list[Labelled]:
    """Corrections whose categories say nothing about their words: what a model learns from
    them is noise, however sure it is."""
    categories = ["sales_inquiry", "complaint", "invoice_question", "other"]
    return [
        Labelled(
            subject=f"Message {i}",
            body=f"Hello, about order {i}: how much are {i} boxes of paper cups delivered?",
            category=categories[(i * 7) % len(categories)],
            rules_category="sales_inquiry",
        )
        for i in range(count)
    ]


def test_a_model_that_cross_validation_finds_no_better_than_the_rules_decides_nothing():
    # Trained on noise, the model still has favourites; out of fold they are wrong more often
    # than the rules, so its bar is raised until the rules decide (and it raises no risk).
    model = model_train(_noise(40), calibrated_at=0.3)
    assert model.bar > 0.3
    assert model.calibration["0.0"] < model.calibration[f"{model.bar:.1f}"]
    text = "How much are 300 boxes of paper cups delivered?"
    proposal = RulesBackend(learned=model, threshold=0.3).triage(context(text))
    assert (proposal.category, proposal.decided_by) == (Category.SALES_INQUIRY, "rules")


def test_a_model_trained_on_consistent_corrections_keeps_its_say():
    taught = [
        Labelled(subject=s, body=f"{b} ({n})", category="sales_inquiry", rules_category="other")
        for s, b in CATERING
        for n in range(4)
    ] + [
        Labelled(
            subject="Invoice",
            body=f"Please resend invoice {n}.",
            category="invoice_question",
            rules_category="invoice_question",
        )
        for n in range(1040, 1052)
    ]
    model = model_train(taught, calibrated_at=0.3)
    assert model.bar == 0.0 and model.raise_share > 1
    text = "Could you cater a summer party for 50 people?"
    proposal = RulesBackend(learned=model, threshold=0.3).triage(context(text))
    assert (proposal.category, proposal.decided_by) == (Category.SALES_INQUIRY, "model v1")


def test_a_message_the_model_makes_high_risk_tells_the_approver_why(settings, tmp_path):
    # Taught that catering requests are refunds, the model makes one high risk that no rule
    # finds risky: the escalated ticket says the model decided, and what the rules read.
    taught = [
        Labelled(subject=s, body=b, category="refund_request", rules_category="sales_inquiry")
        for s, b in CATERING
    ] + [
        Labelled(subject="Invoice", body=f"Please resend invoice {n}.", category="invoice_question")
        for n in range(1040, 1046)
    ]
    path = tmp_path / "triage-model.npz"
    model_save(model_train(taught, with_rules=False), path)
    settings.TRIAGE_MODEL_PATH = str(path)
    ticket = triaged("Catering enquiry", "Could you cater a summer party for 50 people?", n=5)
    assert ticket.status == Ticket.Status.ESCALATED
    assert ticket.human_reason.startswith("model v1 reads it as refund request")
    assert "the rules read support question" in ticket.human_reason


def test_a_message_the_risk_head_marks_goes_to_a_person_without_a_draft(settings, tmp_path):
    # Taught that these catering requests are a person's (as a team marks mail it must answer
    # itself), the risk head sends the next one to a person; its category stays a sales one.
    taught = [
        Labelled(subject=s, body=b, category="sales_inquiry", high_risk=True) for s, b in CATERING
    ] + [
        Labelled(subject="Invoice", body=f"Please resend invoice {n}.", category="invoice_question")
        for n in range(1040, 1046)
    ]
    model = model_train(taught, with_rules=False)
    model.risk_bar = 0.5
    path = tmp_path / "triage-model.npz"
    model_save(model, path)
    settings.TRIAGE_MODEL_PATH = str(path)
    ticket = triaged("Catering enquiry", "Could you cater a summer party for 50 people?", n=6)
    assert ticket.status == Ticket.Status.ESCALATED
    assert "The model reads it as mail a person must answer" in ticket.human_reason
    assert ticket.category == "sales_inquiry" and not ticket.drafts.exists()
    invoice = triaged("Invoice", "Please resend invoice 1050.", n=7)
    assert invoice.status != Ticket.Status.ESCALATED
