"""The rules backend's reply drafts, composed from the records and the knowledge folder."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from mailagent.agents.drafting import problems_of, rules_draft
from mailagent.agents.phrases import PHRASES
from mailagent.agents.replies import adapted, reply_for
from mailagent.types import Account, Address, Category, Example, InvoiceFact, Tone, TriageContext
from mailagent.wording import DRAFT_LANGUAGES

TODAY = date(2026, 11, 24)


def invoice(number, balance, due, *, currency="EUR", status="open", kind="invoice", total=None):
    return InvoiceFact(
        number=number,
        kind=kind,
        currency=currency,
        balance=Decimal(balance),
        due_date=due,
        status=status,
        total=Decimal(total) if total else None,
    )


ACCOUNT = Account(
    customer_name="Hofmann GmbH",
    invoices=(
        invoice("INV-2041", "1250.00", date(2026, 11, 12), total="1250.00"),
        invoice("INV-2057", "99.50", date(2026, 12, 3), currency="GBP"),
        invoice("CN-7", "-50.00", date(2026, 11, 1), kind="credit"),
    ),
    as_of=TODAY,
)


def context(text: str, language: str = "en", **more) -> TriageContext:
    return TriageContext(
        subject="Question",
        text=text,
        customer=Address("anna@hofmann.example", "Dr. Anna Berger"),
        business_name="Acme Supplies",
        account=more.pop("account", ACCOUNT),
        language=language,
        today=TODAY,
        **more,
    )


def test_every_language_has_every_phrase():
    keys = set(PHRASES["en"])
    assert set(PHRASES) == set(DRAFT_LANGUAGES)
    for language, words in PHRASES.items():
        assert set(words) == keys, language


@pytest.mark.parametrize("language", sorted(DRAFT_LANGUAGES))
def test_a_statement_in_each_language_passes_the_facts_check(language):
    ctx = context("Please send a statement of account.", language)
    reply = reply_for(Category.INVOICE_QUESTION, Tone.NEUTRAL, ctx)
    assert reply.language == language
    assert problems_of(reply.body, ctx) == []
    assert "INV-2041" in reply.body and "CN-7" in reply.body and "INV-2057" in reply.body


def test_totals_are_per_currency_and_credits_are_taken_off_their_own_currency_only():
    reply = reply_for(Category.INVOICE_QUESTION, Tone.NEUTRAL, context("What do we owe?"))
    assert "Total open in EUR: EUR 1,200.00" in reply.body
    assert "Total open in GBP: GBP 99.50" in reply.body
    assert "1,299" not in reply.body and "1,349" not in reply.body


def test_no_draft_is_composed_in_a_language_the_rules_do_not_write():
    assert reply_for(Category.SUPPORT_QUESTION, Tone.NEUTRAL, context("Ciao", "it")) is None


def test_an_address_no_export_lists_is_asked_for_the_invoice_number():
    reply = reply_for(
        Category.INVOICE_QUESTION, Tone.NEUTRAL, context("What is open?", account=None)
    )
    assert "couldn't find an account" in reply.body and reply.unanswered


def test_a_reused_wording_keeps_the_person_s_words_and_takes_the_new_facts():
    first = reply_for(Category.PAYMENT_CLAIMED, Tone.NEUTRAL, context("We paid INV-2041."))
    approved = first.body.replace("Thank you for letting", "Many thanks for letting")
    example = Example(1, 1, "payment_claimed", "en", "We paid INV-2041.", approved, first.facts)
    other = Account(
        customer_name="Ruiz SL",
        invoices=(invoice("F-3001", "99.00", date(2026, 1, 15), total="99.00"),),
    )
    ctx = context("We've paid F-3001.", account=other)
    again = reply_for(Category.PAYMENT_CLAIMED, Tone.NEUTRAL, ctx)
    reused = adapted(again, (example,))
    assert reused.example is example
    assert "Many thanks for letting" in reused.body
    assert "F-3001" in reused.body and "EUR 99.00" in reused.body and "INV-2041" not in reused.body
    assert problems_of(reused.body, ctx) == []


def test_a_reused_wording_whose_facts_were_rewritten_is_not_used():
    first = reply_for(Category.PAYMENT_CLAIMED, Tone.NEUTRAL, context("We paid INV-2041."))
    rewritten = first.body.replace("EUR 1,250.00", "the full amount")
    example = Example(1, 1, "payment_claimed", "en", "We paid INV-2041.", rewritten, first.facts)
    again = reply_for(Category.PAYMENT_CLAIMED, Tone.NEUTRAL, context("We paid INV-2041 today."))
    assert adapted(again, (example,)).example is None


@pytest.mark.parametrize("language", sorted(DRAFT_LANGUAGES))
def test_no_phrase_states_a_fact_of_its_own(language):
    """Drafts that fill no fact are not checked again one by one: their words must pass here."""
    ctx = context("", language, account=None)
    for key, phrase in PHRASES[language].items():
        if key == "overdue_one":  # "1 day overdue": written only beside its invoice, and checked
            continue
        filled = phrase.format(
            name="Anna", as_of="", number="", amount="", date="", days="", paid="", total="",
            currency="", heading="", language="",
        )  # fmt: skip
        assert problems_of(filled, ctx) == [], (key, filled)


def test_a_sender_name_that_is_a_link_is_never_greeted():
    ctx = TriageContext(
        subject="Question",
        text="Hi, how do I descale the machine?",
        customer=Address("x@shady.example", "https://pay.shady.example/now Support"),
        business_name="Acme Supplies",
        account=None,
        language="en",
        today=TODAY,
    )
    fields = rules_draft(Category.SUPPORT_QUESTION, Tone.NEUTRAL, ctx)
    assert "shady" not in fields["draft_body"]
    assert fields["draft_body"].startswith("Hello,")
    assert "facts check" in fields["uncertain"][0]
