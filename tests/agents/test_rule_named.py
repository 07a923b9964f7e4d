"""Which rule decided: the rules backend names the pattern behind its category and its urgency,
with the customer's own words it matched, so that the admin can show why a ticket is what it is;
and naming it changes nothing the rules decide."""

from __future__ import annotations

import re

import pytest

from mailagent.agents.rules import RulesBackend, classify, rule_pattern, tone_of, urgency_of
from mailagent.learned.bundled import bundled_messages
from mailagent.types import Address, TriageContext


def triage(text: str, subject: str = ""):
    context = TriageContext(
        subject=subject, text=text, customer=Address("jo@customer.example"), business_name="Acme"
    )
    return RulesBackend().triage(context)


@pytest.mark.parametrize(
    ("text", "category_rule", "words"),
    [
        (
            "We have already paid invoice 1042, please stop the reminders.",
            "payment_claimed: PAYMENT_CLAIMED #1",
            "We have already paid",
        ),
        (
            "Wir haben die Überweisung gestern getätigt.",
            "payment_claimed: PAYMENT_CLAIMED #31",
            "Überweisung gestern getätigt",
        ),
        (
            "Please refund the £240 for the broken kettle.",
            "refund_request: REFUND_REQUEST #",
            "refund",
        ),
        (
            "pls use the new acount numbr for the paymnet on my invoice, sort 40 11 62",
            "bank_detail_change: NEW_DESTINATION: changes where money goes",
            "",
        ),
        (
            "Could you help me descale the coffee machine",
            "support_question: ASKS #2 + SERVICE_TOPIC #4",
            "Could you … descale",
        ),
        (
            "Where is my order?!!",
            "complaint: ANGRY #6, over support_question: ASKS #1 + SERVICE_TOPIC #1",
            "!!",
        ),
        # A question no rule names: a support question, not "other".
        ("Is the car park behind the warehouse?", "support_question: QUESTION_MARK #1", "?"),
        ("Lovely weather today.", "other: no rule matched", ""),
    ],
    ids=["paid", "paid-de", "refund", "concept", "support", "anger", "question", "none"],
)
def test_the_proposal_names_the_rule_behind_its_category_and_the_words_it_matched(
    text, category_rule, words
):
    proposal = triage(text)
    # The high-risk lists are `riskwords`' (numbered there): their name and words are what count.
    if category_rule.endswith("#"):
        assert re.fullmatch(rf"{category_rule}\d+", proposal.category_rule)
    else:
        assert proposal.category_rule == category_rule
    assert proposal.category_rule_words == words
    assert proposal.category_rule.startswith(f"{proposal.category}: ")
    assert proposal.decided_by == "rules"
    assert proposal.model_version is None and proposal.model_confidence is None


@pytest.mark.parametrize(
    ("text", "urgency_rule", "words"),
    [
        ("Could you send the invoice ASAP?", "high: URGENT #2", "ASAP"),
        ("Where is my order?!!", "high: ANGRY #6", "!!"),
        ("No rush, but could you send a quote for 200 cups?", "low: RELAXED #1", "No rush"),
        ("Could you send the invoice?", "normal: no rule matched", ""),
    ],
    ids=["urgent", "angry", "relaxed", "none"],
)
def test_the_proposal_names_the_rule_behind_its_urgency(text, urgency_rule, words):
    proposal = triage(text)
    assert (proposal.urgency_rule, proposal.urgency_rule_words) == (urgency_rule, words)


def test_the_subject_counts_and_long_matches_are_cut():
    proposal = triage("Thanks.", subject="Invoice question")
    assert (proposal.category_rule, proposal.category_rule_words) == (
        "invoice_question: INVOICE_QUESTION #1",
        "Invoice",
    )
    long = "we have paid " + "x" * 300
    assert len(triage(long).category_rule_words) <= 100


LABELLED = [
    pytest.param(
        m.file,
        "\n".join(filter(None, [m.subject, m.text, m.staff_note])),
        m,
        id=f"{m.set}/{m.file}",
    )
    for m in bundled_messages()
]


@pytest.mark.parametrize(("file", "text", "message"), LABELLED)
def test_every_named_pattern_is_the_one_written_there_and_matches_the_message(file, text, message):
    context = TriageContext(
        subject=message.subject,
        text=message.text,
        customer=Address("jo@customer.example"),
        business_name="Acme",
        staff_note=message.staff_note,
    )
    proposal = RulesBackend().triage(context)
    # Naming the rule decides nothing: the category and urgency are the rules' as before.
    tone = tone_of(message.text)
    assert proposal.category == classify(text, tone)
    assert proposal.urgency == urgency_of(text, tone)
    named = re.findall(r"[A-Z_]+ #\d+", proposal.category_rule + " " + proposal.urgency_rule)
    for rule in named:
        pattern = rule_pattern(rule)
        assert pattern is not None, rule
        assert re.search(pattern, text.lower(), re.MULTILINE), (file, rule)
    # The words as the message has them, punctuation aside ("GUILD - MEMBERS' NEWS").
    plain = " ".join(re.findall(r"\w+", text.lower()))
    for words in filter(None, proposal.category_rule_words.split(" … ")):
        assert " ".join(re.findall(r"\w+", words.lower())) in plain, (file, words)


def test_a_name_that_is_no_pattern_stands_for_none():
    assert rule_pattern("PAYMENT_CLAIMED #1").startswith(r"\b(we|i)")
    assert rule_pattern("PAYMENT_CLAIMED #999") is None
    assert rule_pattern("no rule matched") is None


@pytest.mark.parametrize(
    "text",
    [
        "Hiermit avisieren wir Ihnen folgende Zahlung: Betrag 438,90 EUR, RE 2330.",
        "Veuillez trouver ci-joint notre avis de virement pour la facture 2401.",
        "Os adjuntamos el justificante de transferencia de la factura 2505.",
    ],
)
def test_a_payment_advised_in_other_languages_is_a_payment_claim(text):
    assert classify(text).value == "payment_claimed"
