"""What a customer asks about invoices, and the numbers and amounts they write
(mailagent.agents.asks): a user notices a reply that answers another question than the one asked,
or one that quotes a phone number as an invoice, so that is what is tested, in the four
languages drafts are written in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mailagent.agents.asks import invoice_ask, mentioned_amounts, mentioned_invoice_numbers

ASKS = {
    "resend": [
        "Please resend the invoice.",
        "Could you send me a copy of invoice 1042?",
        "Can you send the invoice again? I cannot find it.",
        "We never received the invoice for order 4471.",
        "Could I get the PDF of INV-1042?",
        "Könnten Sie mir bitte die Rechnung noch einmal schicken?",
        "Bitte senden Sie uns eine Kopie der Rechnung 4711.",
        "Wir haben die Rechnung nicht erhalten.",
        "Pourriez-vous me renvoyer la facture FA-2291 ?",
        "Merci de nous envoyer une copie de la facture.",
        "Nous n'avons pas reçu la facture.",
        "¿Podrían reenviarme la factura F-123?",
        "Necesito una copia de la factura, por favor.",
        "¿Me pueden mandar la factura otra vez?",
    ],
    "statement": [
        "Please send us a statement of account.",
        "Can we have a list of all open invoices?",
        "Please send a copy of the statement.",
        "Bitte senden Sie uns einen Kontoauszug mit allen offenen Posten.",
        "Könnten Sie uns eine Aufstellung der offenen Rechnungen schicken?",
        "Merci de nous envoyer un relevé de compte.",
        "Pouvez-vous nous envoyer la liste des factures impayées ?",
        "Por favor envíennos un estado de cuenta.",
        "¿Nos pueden mandar un extracto de cuenta?",
    ],
    "due": [
        "How much do we owe you?",
        "When is invoice 1042 due?",
        "What is still outstanding on our account?",
        "Wie viel schulden wir Ihnen noch?",
        "Wann ist die Rechnung fällig?",
        "Welche Rechnungen sind noch offen?",
        "Combien vous devons-nous encore ?",
        "Quelle est la date d'échéance de la facture ?",
        "Quelles factures sont encore ouvertes ?",
        "¿Cuánto les debemos todavía?",
        "¿Cuándo vence la factura?",
        "¿Qué facturas tenemos todavía pendientes?",
    ],
    "": [
        "The VAT on invoice 1042 is wrong.",
        "We paid the balance yesterday.",
        "Thanks for the quick delivery!",
        "Die Lieferung ist beschädigt angekommen.",
        "Nous avons payé la facture hier.",
        "Ya hemos pagado la factura.",
        "Do you have the oak table in stock?",
        "",
    ],
}


@pytest.mark.parametrize("ask, text", [(ask, t) for ask, texts in ASKS.items() for t in texts])
def test_the_invoice_question_is_read_in_any_of_the_four_languages(ask, text):
    assert invoice_ask(text) == ask


def test_the_more_specific_request_is_the_one_answered():
    assert invoice_ask("Could you resend INV-1042, and how much is still open?") == "resend"
    assert invoice_ask("Please resend the statement with all open items.") == "statement"


@pytest.mark.parametrize(
    "text, numbers",
    [
        ("Hi, could you resend invoice INV-1042?", ("INV-1042",)),
        ("Is #1042 paid?", ("1042",)),
        ("Wir haben die Rechnung 2026-0042 gestern überwiesen.", ("2026-0042",)),
        ("Hola, ¿podrían reenviarme la factura F-123?", ("F-123",)),
        ("Pourriez-vous me renvoyer la facture n° 2291 ?", ("2291",)),
        ("Factura núm. F-2026/118, por favor.", ("F-2026/118",)),
        ("Rechnung Nr. 4711 vom 05.03.2026 über 1.234,50 EUR", ("4711",)),
        ("Invoices 1042 and 1051 are paid; INV-1060 is not.", ("1042", "1051", "INV-1060")),
        ("Rechnungen 4711, 4712 und 4713", ("4711", "4712", "4713")),
        ("FV/2026/118, FT-2026/118 and RE2026-001", ("FV/2026/118", "FT-2026/118", "RE2026-001")),
        ("INV-1042 ... as I said, inv-1042", ("INV-1042",)),
    ],
)
def test_invoice_numbers_are_found_as_customers_write_them(text, numbers):
    assert mentioned_invoice_numbers(text) == numbers


@pytest.mark.parametrize(
    "text",
    [
        # Phone numbers
        "Call me on +49 30 1234567 or 01632 960123, or (030) 123456.",
        "Tel. 01 23 45 67 89 / +34 912 345 678",
        # Dates and times
        "We paid on 05.03.2026 at 14:30, or was it 2026-03-05? Maybe 12/03/2026.",
        # Amounts
        "The total was €1.234,50 (1,234.50 EUR), or EUR1234 with the discount.",
        # Postcodes, IBANs, VAT numbers
        "Weber GmbH, Hauptstr. 5, D-10115 Berlin; F-75001 Paris",
        "IBAN DE89 3704 0044 0532 0130 00, USt-IdNr. DE123456789",
        # Orders, parcels, products, and a count of days
        "Bestellung #4410, order SO-20560, la commande CMD-1182, tracking 00340434",
        "The Dyson V15 shows error E-04; model GSR-1200 works fine.",
        "I got the invoice 100 days ago.",
    ],
)
def test_phone_numbers_dates_amounts_postcodes_and_orders_are_not_invoice_numbers(text):
    assert mentioned_invoice_numbers(text) == ()


@pytest.mark.parametrize(
    "text, amount",
    [
        ("Wir haben €1.234,50 überwiesen.", Decimal("1234.50")),
        ("We sent 1,234.50 EUR yesterday.", Decimal("1234.50")),
        ("I was charged $420 twice.", Decimal("420")),
        ("Nous avons payé 420,00 € hier.", Decimal("420.00")),
        ("Le montant de 1 234,50 € a été viré.", Decimal("1234.50")),
        ("Hemos pagado 1.234,50 € por transferencia.", Decimal("1234.50")),
        ("She paid £45.99 by card.", Decimal("45.99")),
        ("Es waren 45 Euro Versandkosten.", Decimal("45")),
        ("EUR 3.250,00 sind offen.", Decimal("3250.00")),
        ("CHF 1'250.00 per invoice", Decimal("1250.00")),
    ],
)
def test_an_amount_is_read_in_the_convention_it_was_written_in(text, amount):
    assert mentioned_amounts(text) == (amount,)


@pytest.mark.parametrize("text", ["We paid €1,234 on Monday.", "Wir haben 1.234 € bezahlt."])
def test_one_separator_before_three_digits_groups_thousands_in_every_language(text):
    assert mentioned_amounts(text) == (Decimal("1234"),)


def test_several_amounts_come_in_the_order_written_each_once():
    text = "We paid €420 and $1,000.00, not €420 again; the total was 1.420,00 EUR."
    assert mentioned_amounts(text) == (Decimal("420"), Decimal("1000.00"), Decimal("1420.00"))


@pytest.mark.parametrize(
    "text",
    ["Please send 200 units.", "Order 1,500 arrived on 05.03.2026.", "INV-1042", "Call 030 1234"],
)
def test_a_figure_without_a_currency_is_not_an_amount(text):
    assert mentioned_amounts(text) == ()


@pytest.mark.parametrize(
    ("text", "ask"),
    [
        ("Os reenvío la consulta de nuestra gestoría: ¿cuál es el importe pendiente?", "due"),
        ("¿Me reenviáis la factura 2504?", "resend"),
        ("Pouvez-vous me dire ce qui reste exactement à régler ?", "due"),
        ("Il nous reste combien à payer ?", "due"),
    ],
)
def test_forwarding_a_question_is_no_request_to_resend_and_what_is_left_is_asked(text, ask):
    assert invoice_ask(text) == ask
