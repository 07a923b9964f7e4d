"""Classes of ordinary mail that cases written without the rules showed the drafting missed
(tests/draft_eval.py, split `fresh`): payment claims said the other way round, invoices named by
their month, a credit note already issued set against a payment, an agreement changed abroad, a
forward from a phone. Each is a class, so each table holds more than the case that showed it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from mailagent import policy
from mailagent.agents import asks
from mailagent.agents.replies import reply_for
from mailagent.agents.rules import classify
from mailagent.types import (
    Account,
    Address,
    Category,
    InvoiceFact,
    Passage,
    Tone,
    TriageContext,
)

TODAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "text",
    [
        "We made the payment this morning, can you confirm receipt?",
        "We've sent a bank transfer for $1,284.50 yesterday.",
        "Our accounts team processed the payment on Friday.",
        "The funds left our account on Monday.",
        "Just to let you know the transfer is done.",
        "I did a transfer of £845.60 today.",
        "Payment has now been made for INV-2101.",
        "Hemos hecho hoy una transferencia de 932,40 €. ¿Pueden confirmar cuando la reciban?",
        "Le enviamos ayer el importe por transferencia bancaria.",
        "Acabamos de transferir 1.250,00 € a su cuenta.",
        "Nous avons effectué le virement de 1 250,00 € ce matin.",
        "Je viens de régler la facture par virement.",
        "Wir haben heute die Überweisung über 1.250,00 € getätigt.",
        "Die Zahlung wurde gestern angewiesen.",
    ],
)
def test_a_payment_said_the_other_way_round_is_a_payment_claim(text):
    assert classify(text) is Category.PAYMENT_CLAIMED


@pytest.mark.parametrize(
    "text",
    [
        "I sent the payment details to Tom last week.",
        "When will the payment be made?",
        "Can we make the payment by card?",
        "We will make the payment next week.",
        "Could you send us the payment link?",
        "Hemos hecho un pedido de vasos.",
        "Nous avons fait une commande hier.",
        "Bitte veranlassen Sie die Zahlung bis Freitag.",
        "¿Podemos hacer el pago con tarjeta?",
        # What must be paid by when.
        "Bis wann muss die Novemberrechnung bezahlt sein?",
        "Die Rechnung soll bis Monatsende bezahlt werden, oder?",
        "Pour quand la facture doit-elle être réglée ?",
        "¿Para cuándo tiene que estar pagada la factura?",
    ],
)
def test_a_payment_to_come_or_its_details_is_no_claim(text):
    assert classify(text) is not Category.PAYMENT_CLAIMED


@pytest.mark.parametrize(
    "text",
    [
        "Da wir die Rechnung bereits bezahlt haben, bitte keine Mahnung mehr.",
        "La facture a été réglée hier.",
        "La factura ya está pagada.",
    ],
)
def test_a_payment_made_is_still_a_claim(text):
    assert classify(text) is Category.PAYMENT_CLAIMED


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("When is the November invoice due?", {11}),
        ("Did our check for the September invoice ever reach you?", {9}),
        ("Et pour la facture de septembre, vous avez bien reçu notre virement ?", {9}),
        ("¿En qué punto está lo de la factura de agosto?", {8}),
        ("Ist die Rechnung vom Oktober schon bezahlt?", {10}),
        ("Die Oktober-Rechnung haben wir überwiesen.", {10}),
        ("The invoice may be late, sorry.", set()),
        ("Is the invoice due in December?", set()),
    ],
)
def test_an_invoice_named_by_its_month_is_read_as_that_month(text, months):
    assert asks.mentioned_months(text) == months


def _invoice(number, balance, due, issued, status="open", paid_on=None):
    return InvoiceFact(
        number=number,
        kind="invoice",
        currency="USD",
        balance=Decimal(balance),
        due_date=due,
        status=status,
        total=Decimal(balance) if status == "open" else Decimal("980.00"),
        issue_date=issued,
        paid_on=paid_on,
    )


ACCOUNT = Account(
    customer_name="Old Port Law Offices",
    invoices=(
        _invoice("INV-2022", "1120.00", date(2026, 12, 9), date(2026, 11, 9)),
        _invoice("INV-2006", "0", date(2026, 10, 8), date(2026, 9, 8), "paid", date(2026, 11, 24)),
        _invoice("INV-1990", "0", date(2025, 10, 8), date(2025, 9, 8), "paid", date(2025, 10, 1)),
    ),
    as_of=TODAY,
)


def _context(text: str) -> TriageContext:
    return TriageContext(
        subject="Two quick ones",
        text=text,
        customer=Address("priya@oldportlaw.example", "Priya Natarajan"),
        business_name="Acme Supplies",
        account=ACCOUNT,
        language="en",
        today=TODAY,
    )


def test_a_reply_about_the_september_invoice_names_this_years_and_when_it_was_paid():
    reply = reply_for(
        Category.INVOICE_QUESTION,
        Tone.NEUTRAL,
        _context(
            "When is the November invoice due? And did our check for the September invoice "
            "ever reach you?"
        ),
    )
    assert "INV-2022" in reply.body and "09 Dec 2026" in reply.body
    assert "INV-2006" in reply.body and "24 Nov 2026" in reply.body
    assert "INV-1990" not in reply.body


def test_a_payment_reply_asked_what_is_outstanding_lists_the_rest_of_the_account():
    reply = reply_for(
        Category.PAYMENT_CLAIMED,
        Tone.NEUTRAL,
        _context("I believe INV-2006 was settled. Could you confirm what's outstanding now?"),
    )
    assert "INV-2006" in reply.body
    assert "INV-2022" in reply.body and "USD 1,120.00" in reply.body


@pytest.mark.parametrize(
    "text",
    [
        "Je vous confirme que nous avons réglé hier par virement la facture d'octobre, en "
        "déduisant l'avoir de 120 € que vous nous aviez fait pour les sacs déchirés.",
        "Bis wann muss die Rechnung beglichen sein? Und wir haben doch noch eine Gutschrift "
        "von Ihnen über 450 Euro - können wir die direkt abziehen?",
        "We paid INV-2201 less the credit note you sent in October.",
        "Or would your driver take cash when he drops off the Tuesday order?",
    ],
)
def test_a_credit_already_issued_set_against_a_payment_is_no_refund_request(text):
    assert "asks for money back" not in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wir möchten eine Gutschrift über 450 Euro für die kaputten Kartons.",
        "Please take 10% off the invoice for the late delivery.",
        "Merci de nous rembourser les 120 € des sacs déchirés.",
    ],
)
def test_asking_for_money_back_is_still_asking(text):
    risks = policy.text_risks(text)
    assert "asks for money back" in risks or "asks for a credit note" in risks


@pytest.mark.parametrize(
    "text",
    [
        "wir möchten unsere bestehende Liefervereinbarung zum 1. Januar anpassen: ein "
        "Zahlungsziel von 45 statt 30 Tagen und feste Preise für 2027.",
        "Bitte schicken Sie uns einen entsprechend geänderten Vertrag zur Unterschrift.",
        "Nous souhaitons modifier notre accord de livraison et passer à un délai de paiement "
        "de 45 jours.",
        "Queremos cambiar las condiciones de nuestro contrato de suministro a partir de enero.",
    ],
)
def test_an_agreement_changed_abroad_concerns_contract_terms(text):
    assert "concerns contract terms" in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Oui, d'accord, je signe le bon de livraison demain.",
        "De acuerdo, cambiamos la entrega al martes.",
        "Bis wann ist das Zahlungsziel für INV-2308?",
        "Können wir die Lieferung auf Dienstag ändern?",
    ],
)
def test_agreeing_or_asking_a_due_date_is_no_contract_matter(text):
    assert "concerns contract terms" not in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        # Another word in the sentence is new, not the card.
        "Our new office assistant would rather not use the company card online. Can we pay "
        "your invoices by check instead?",
        # Buying on credit terms is no change of where money goes.
        "We'd like to buy our supplies from you on account rather than paying by card.",
        # "l'avoir" is "to have it" here, not a credit note.
        "Pouvez-vous nous faire un devis écrit ? En combien de temps peut-on l'avoir ?",
    ],
)
def test_words_near_the_risky_ones_do_not_stop_an_ordinary_draft(text):
    assert policy.text_risks(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        "Please charge our new card from now on.",
        "The card we had on file has been replaced, please use the one ending 4242.",
        "Please update the card on file before the next invoice.",
    ],
)
def test_a_changed_card_still_goes_to_a_person(text):
    assert "changes the card that is charged" in policy.text_risks(text)


def test_a_quote_asked_for_in_french_is_a_sales_inquiry_not_an_invoice_question():
    text = "Pouvez-vous nous faire un devis écrit ? En combien de temps peut-on l'avoir ?"
    assert classify(text) is Category.SALES_INQUIRY


def test_a_draft_quoting_part_of_an_answer_is_marked_for_a_person_to_complete():
    passage = Passage(
        id="prices.md#6",
        file="prices.md",
        heading="Popular items",
        text="- 12 oz double-wall paper cups, kraft, case of 500: $64.00",
        language="en",
        score=9.0,
        unanswered=("custom printing",),
    )
    context = TriageContext(
        subject="Cups with our logo",
        text="What would cups printed with our logo cost?",
        customer=Address("jordan@juicebar.example", "Jordan Blake"),
        business_name="Acme Supplies",
        language="en",
        today=TODAY,
        passages=(passage,),
    )
    reply = reply_for(Category.SALES_INQUIRY, Tone.NEUTRAL, context)
    assert "$64.00" in reply.body
    assert reply.unanswered == "the knowledge folder says nothing about custom printing"


def _prospect(text: str, passages=()) -> TriageContext:
    return TriageContext(
        subject="Ordering from abroad",
        text=text,
        customer=Address("hello@newcafe.example", "Sam Visser"),
        business_name="Acme Supplies",
        account=None,
        language="en",
        today=TODAY,
        passages=passages,
    )


CURRENCIES = Passage(
    id="payment.md#4",
    file="payment.md",
    heading="Currencies",
    text="We invoice in US dollars. Customers in the European Union are invoiced in euros.",
    language="en",
    score=12.0,
)


def test_someone_without_an_account_asking_how_invoicing_works_gets_the_folder_s_answer():
    reply = reply_for(
        Category.INVOICE_QUESTION,
        Tone.NEUTRAL,
        _prospect("Would you invoice us in USD, or can we pay in euros?", (CURRENCIES,)),
    )
    assert "invoiced in euros" in reply.body
    assert "couldn't find an account" not in reply.body
    assert reply.unanswered == ""


def test_someone_without_an_account_asking_for_their_invoice_is_asked_who_they_are():
    reply = reply_for(
        Category.INVOICE_QUESTION,
        Tone.NEUTRAL,
        _prospect("Could you please email me a copy of our most recent invoice?", (CURRENCIES,)),
    )
    assert "couldn't find an account" in reply.body
    assert reply.unanswered == "no account under this address"
