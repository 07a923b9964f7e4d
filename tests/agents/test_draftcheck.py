"""A reply draft states only the business's facts: every amount, date, invoice number, link,
address, phone number and bank detail in it is the customer's records', the knowledge folder's or
the settings'. What the customer wrote counts for nothing: a made-up invoice number or amount in
their mail gets no confirmation from the draft.

Drafts are written the way the rules backend writes facts (`wording.money_in`, `wording.day_in`)
in English, German, French and Spanish; the property test at the end does so for random accounts
and perturbs one figure or date at a time.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from itertools import combinations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mailagent.agents.draftcheck import draft_problems
from mailagent.agents.reminders import (
    CustomerFacts,
    InvoiceFacts,
    Schedule,
    reminder_plan,
    reminder_problems,
    reminder_text,
)
from mailagent.types import Account, Address, InvoiceFact, Passage, TriageContext
from mailagent.wording import day_in, money_in

LANGUAGES = ("en", "de", "fr", "es")
TODAY = date(2026, 3, 25)
DUE = date(2026, 3, 5)

ACCOUNT = Account(
    customer_name="Sunrise Bakery",
    invoices=(
        InvoiceFact(
            "INV-1042", "invoice", "EUR", Decimal("1250.00"), DUE, "open",
            total=Decimal("1500.00"), issue_date=date(2026, 2, 3),
        ),
        InvoiceFact("CN-0007", "credit", "EUR", Decimal("-100.00"), date(2026, 2, 20), "open"),
        InvoiceFact(
            "1051", "invoice", "EUR", Decimal("0"), date(2026, 1, 31), "paid",
            total=Decimal("860.00"), paid_on=date(2026, 2, 10),
        ),
    ),
    as_of=TODAY,
)  # fmt: skip
RETURNS = Passage(
    id="returns.md#1",
    file="policies/returns.md",
    heading="Returns",
    text=(
        "Returns are accepted within 30 days. A restocking fee of 15,00 EUR applies. Call "
        "+44 20 7946 0000 (09:00\u201317:30) or write to returns@acme.example; the form is at "
        "https://acme.example/returns. Send parcels to Hauptstraße 5, 10115 Berlin, quoting "
        "RMA-2026-0042. We are closed on 24 December 2026."
    ),
    language="en",
)
PAYMENT_DETAILS = "Bank transfer to Acme GmbH, IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX"


def context(language: str = "en", *, account=ACCOUNT, text: str = "", **kw) -> TriageContext:
    fields = dict(
        subject="Question about my invoice",
        text=text or "Hello, can you tell me what I owe?",
        customer=Address("luis@sunrise.example", "Luis Moreno"),
        business_name="Acme GmbH",
        account=account,
        language=language,
        passages=(RETURNS,),
        payment_details=PAYMENT_DETAILS,
        today=TODAY,
    )
    return TriageContext(**(fields | kw))


_TEMPLATES = {
    "en": (
        "Hello Luis,\n\nInvoice {number}: {balance}, due {due}, {days} days overdue. Of its "
        "{total}, {paid} has been paid. Credit note CN-0007: {credit}. Invoice 1051 for "
        "{paid_total} was marked paid on {paid_on}. Total now due: {net}.\n\n{payment}\n"
        "{contact}\n\nBest regards,\nAcme GmbH"
    ),
    "de": (
        "Hallo Luis,\n\nRechnung {number}: {balance}, fällig am {due}, seit {days} Tagen "
        "überfällig. Von {total} wurden {paid} bezahlt. Gutschrift CN-0007: {credit}. Rechnung "
        "1051 über {paid_total} wurde am {paid_on} als bezahlt verbucht. Jetzt fällig: {net}."
        "\n\n{payment}\n{contact}\n\nViele Grüße\nAcme GmbH"
    ),
    "fr": (
        "Bonjour Luis,\n\nFacture {number} : {balance}, échéance le {due}, {days} jours de "
        "retard. Sur {total}, {paid} ont été payés. Avoir CN-0007 : {credit}. La facture 1051 "
        "de {paid_total} a été marquée payée le {paid_on}. Total dû : {net}.\n\n{payment}\n"
        "{contact}\n\nCordialement,\nAcme GmbH"
    ),
    "es": (
        "Hola Luis:\n\nFactura {number}: {balance}, vencimiento el {due}, {days} días de "
        "retraso. De {total}, se han pagado {paid}. Nota de crédito CN-0007: {credit}. La "
        "factura 1051 de {paid_total} se marcó como pagada el {paid_on}. Total pendiente: {net}."
        "\n\n{payment}\n{contact}\n\nSaludos cordiales,\nAcme GmbH"
    ),
}


def draft(language: str, **changes: str) -> str:
    """The account's facts as the rules backend writes them in `language`; `changes` replaces
    one slot with what a wrong draft would say there."""

    def eur(amount: str) -> str:
        return money_in(Decimal(amount), "EUR", language)

    facts = dict(
        number="INV-1042",
        balance=eur("1250.00"),
        due=day_in(DUE, language),
        days="20",
        total=eur("1500.00"),
        paid=eur("250.00"),
        credit=eur("-100.00"),
        paid_total=eur("860.00"),
        paid_on=day_in(date(2026, 2, 10), language),
        net=eur("1150.00"),
        payment=PAYMENT_DETAILS,
        contact="+44 20 7946 0000, returns@acme.example, https://acme.example/returns",
    )
    return _TEMPLATES[language].format(**(facts | changes))


def plain(text: str) -> str:
    return " ".join(text.split())


def problems_of(text: str, ctx: TriageContext | None = None, **kw) -> list[str]:
    return draft_problems(text, ctx or context(), **kw)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_draft_stating_the_records_facts_as_wording_writes_them_passes(language):
    assert problems_of(draft(language), context(language)) == []


_OTHER = InvoiceFact("INV-2001", "invoice", "EUR", Decimal("3410.00"), DUE, "open")


def _eur(value: str, language: str, currency: str = "EUR") -> str:
    return money_in(Decimal(value), currency, language)


# (slot, what the wrong draft writes there, the reason the validator must give)
_WRONG = {
    "a changed amount": lambda lang: (
        "balance",
        _eur("1205.00", lang),
        f"{plain(_eur('1205.00', lang))} is not one of the customer's amounts",
    ),
    "a wrong currency": lambda lang: (
        "balance",
        _eur("1250.00", lang, "USD"),
        "(the records have that figure in EUR)",
    ),
    "another customer's amount": lambda lang: (
        "net",
        _eur("3410.00", lang),
        f"{plain(_eur('3410.00', lang))} is not one of the customer's amounts",
    ),
    "the customer's made-up invoice number": lambda lang: (
        "number",
        "INV-9999",
        "invoice INV-9999 is not in the customer's records",
    ),
    "a due date off by one day": lambda lang: (
        "due",
        day_in(DUE + timedelta(days=1), lang),
        f"the date {plain(day_in(DUE + timedelta(days=1), lang))} is not in the records",
    ),
    "a wrong count of days overdue": lambda lang: (
        "days",
        "21",
        "no invoice of the customer's is 21 days overdue",
    ),
    "a link not in the folder": lambda lang: (
        "contact",
        "https://acme-payments.example/pay",
        "the link https://acme-payments.example/pay is not in the knowledge folder or settings",
    ),
    "an address not in the folder": lambda lang: (
        "contact",
        "refunds@acme-payments.example",
        "the address refunds@acme-payments.example is not in the knowledge folder or settings",
    ),
    "a phone number not in the folder": lambda lang: (
        "contact",
        "+44 20 7946 0999",
        "the phone number +44 20 7946 0999 is not in the knowledge folder or settings",
    ),
    "an IBAN not in the settings": lambda lang: (
        "payment",
        "IBAN GB29 NWBK 6016 1331 9268 19",
        "the IBAN GB29 NWBK 6016 1331 9268 19 is not in the knowledge folder or settings",
    ),
    "a bare decimal without its currency": lambda lang: (
        "balance",
        _eur("1250.00", lang).replace("EUR", "").strip(),
        "is written without its currency",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("wrong", list(_WRONG))
def test_each_kind_of_wrong_fact_fails_the_draft_in_each_language(language, wrong):
    slot, written, reason = _WRONG[wrong](language)
    ctx = context(language, text="Please confirm that invoice INV-9999 for EUR 99.00 is void.")

    problems = problems_of(draft(language, **{slot: written}), ctx)

    assert any(reason in p for p in problems), problems


def test_an_amount_of_another_customer_is_refused_even_when_both_are_in_the_export():
    theirs = Account("Harbor Dental", (_OTHER,))
    assert problems_of("You owe EUR 3,410.00.", context(account=theirs)) == []

    assert problems_of("You owe EUR 3,410.00.") == [
        "EUR 3,410.00 is not one of the customer's amounts"
    ]


def test_what_the_customer_wrote_is_no_evidence():
    ctx = context(
        text="As agreed, invoice INV-9999 for EUR 99.00 was cancelled on 1 March 2026: see "
        "https://refund-portal.example/claim or call 0800 123 4567."
    )
    confirming = (
        "Yes, invoice INV-9999 for EUR 99.00 was cancelled on 1 March 2026 "
        "(https://refund-portal.example/claim, 0800 123 4567)."
    )

    problems = problems_of(confirming, ctx)

    assert len(problems) == 5, problems


def test_facts_quoted_from_a_passage_are_allowed_and_refused_without_it():
    quoting = (
        "Returns are accepted within 30 days, with a restocking fee of 15,00 EUR. Call "
        "+44 20 7946 0000 (09:00\u201317:30), write to returns@acme.example or use "
        "https://acme.example/returns; send the parcel to Hauptstraße 5, 10115 Berlin quoting "
        "RMA-2026-0042. Please note we are closed on 24 Dec 2026."
    )

    assert problems_of(quoting) == []
    unfounded = problems_of(quoting, passages=())
    assert len(unfounded) == 6, unfounded


def test_the_signature_the_caller_vouches_for_is_allowed():
    signed = (
        "Best regards,\nAcme GmbH\nwww.acmeshop.example | +49 30 1234567 | billing@acme.example"
    )

    assert len(problems_of(signed)) == 3
    assert problems_of(signed, allowed_text=signed) == []


def test_a_draft_with_no_facts_passes_even_with_no_account():
    ack = (
        "Hi Luis,\n\nThank you for getting in touch. We'll check your question against our "
        "records and come back to you within 2 working days.\n\nBest regards,\nAcme GmbH"
    )
    assert problems_of(ack, context(account=None, passages=())) == []
    assert problems_of("Your balance is EUR 1,250.00.", context(account=None)) != []


@pytest.mark.parametrize(
    ("said", "language", "wrong"),
    [
        # Amounts, with the currency before or after, as a code, a symbol or a word.
        ("€1,250.00", "en", False),
        ("€1,205.00", "en", True),
        ("1 250,00 €", "fr", False),
        ("1.205,00 €", "de", True),
        ("1250 euros", "es", False),
        ("$1,250.00", "en", True),  # read as USD: the account has no dollars
        ("EUR 100.00 credit", "en", False),  # a credit's value, unsigned
        ("EUR 1,150.01", "en", True),
        ("EUR 1,2500.00", "en", True),  # a digit too many, however it is grouped
        # Dates, in every shape a draft may write them.
        ("March 5, 2026", "en", False),
        ("March 6, 2026", "en", True),
        ("2026-03-05", "en", False),
        ("2026-03-06", "en", True),
        ("05.03.2026", "de", False),
        ("06.03.2026", "de", True),
        ("05/03/2026", "fr", False),
        ("6 March", "en", True),
        ("le 1er mars 2026", "fr", True),
        ("5 de marzo", "es", False),
        # Invoice numbers, the account's or not.
        ("INV-1042 and #1051", "en", False),
        ("invoice 1051", "en", False),
        ("#4711", "en", True),
        ("Rechnung 4711", "de", True),
        ("facture n° 4711", "fr", True),
        ("factura F-2026/0042", "es", True),
        ("2026-0042", "en", True),
        ("invoices INV-1042 and 9999", "en", True),
        ("CN-7", "en", True),
        # Contact and bank details.
        ("(207) 555-0143", "en", True),
        ("030 1234567", "de", True),
        ("sort code 20-00-00", "en", True),
        ("account number 12345678", "en", True),
        ("BIC DEUTDEFFXXX", "de", True),
        ("www.acme.example/returns", "en", False),
        ("acme-refunds.com", "en", True),
        # Not facts to check: counts, hours, weekdays, months, percentages.
        ("within 30 days, or 2 working days", "en", False),
        ("Monday to Friday, 09:00\u201317:30, and 9.30 am on Saturdays", "en", False),
        ("in March 2026", "en", False),
        ("a 2.5 % discount", "en", False),
        ("ab 1.000 USD 5 % Rabatt", "de", True),  # 1000 dollars, not 5
        ("UK postcode SW1A 1AA", "en", False),
    ],
)
def test_each_shape_of_a_fact_is_recognised(said, language, wrong):
    problems = problems_of(f"Hello, {said}.", context(language))
    assert bool(problems) is wrong, problems


def test_a_passage_quoted_in_other_words_keeps_its_figures():
    prices = Passage(
        id="prices.de.md#2",
        file="prices.de.md",
        heading="Mengenrabatt",
        text="Auf Bestellungen ab 1.000 USD gewähren wir 5 % Rabatt, ab 2.500 USD 8 % und ab "
        "5.000 USD 10 %.",
        language="de",
    )
    ctx = context("en", passages=(prices,))

    assert problems_of("Orders of $2,500 or more get 8% off.", ctx) == []
    assert problems_of("Orders of $2,000 or more get 8% off.", ctx) == [
        "$2,000 is not one of the customer's amounts"
    ]


def test_reminders_read_amounts_and_dates_by_the_same_rules():
    facts = CustomerFacts(
        name="Sunrise Bakery",
        emails=("hello@sunrise.example",),
        invoices=(InvoiceFacts("1051", "USD", Decimal("860.00"), date(2026, 10, 1)),),
    )
    today = date(2026, 10, 20)
    plan = reminder_plan(facts, today=today, schedule=Schedule())
    text = reminder_text(plan, customer_name="Luis", business="Acme", today=today)
    assert reminder_problems(text, plan) == []

    edited = text.replace("Kind regards", "Or pay 1.234,50 USD by 5. März 2026.\n\nKind regards")

    assert reminder_problems(edited, plan) == [
        "USD 1.234,50 is not one of the customer's balances or totals",
        "the date 5. März 2026 is not in the data",
    ]


def test_a_dollar_sign_is_the_accounts_only_dollar_currency():
    canadian = Account(
        "Maple Ltd", (InvoiceFact("1", "invoice", "CAD", Decimal("420"), DUE, "open"),)
    )
    both = Account(
        "Maple Ltd",
        (*canadian.invoices, InvoiceFact("2", "invoice", "USD", Decimal("9"), DUE, "open")),
    )

    assert problems_of("You owe $420.00.", context(account=canadian)) == []
    assert problems_of("You owe $420.00.", context(account=both)) != []
    assert problems_of("You owe US$420.00.", context(account=canadian)) != []


@pytest.mark.parametrize(
    ("said", "language", "wrong"),
    [
        ("JPY 325,000", "en", False),
        ("325.000 JPY", "de", False),
        ("¥325,000", "en", False),
        ("JPY 325,001", "en", True),
        ("BHD 1.234", "en", False),
        ("1,234 BHD", "de", False),
        ("BHD 1,234", "en", True),  # one thousand two hundred and thirty-four dinars
        ("1.234 BHD", "de", True),
    ],
)
def test_currencies_with_no_or_three_decimals_are_read_as_the_draft_language_writes_them(
    said, language, wrong
):
    account = Account(
        "Gulf Trading",
        (
            InvoiceFact("J-1", "invoice", "JPY", Decimal("325000"), DUE, "open"),
            InvoiceFact("B-1", "invoice", "BHD", Decimal("1.234"), DUE, "open"),
        ),
    )
    problems = problems_of(f"Hello, {said}.", context(language, account=account))
    assert bool(problems) is wrong, problems


# The property: random accounts, written out in a random language, then one fact changed.

EXAMPLES = int(os.environ.get("DRAFTCHECK_PROPERTY_EXAMPLES", "60"))
_property = settings(
    max_examples=EXAMPLES,
    derandomize=os.environ.get("DRAFTCHECK_PROPERTY_RANDOM") != "1",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
_UNITS = {
    "EUR": Decimal("0.01"),
    "USD": Decimal("0.01"),
    "JPY": Decimal(1),
    "BHD": Decimal("0.001"),
}
_NUMBERS = ("INV-{n:04d}", "F-2026/{n:04d}", "{n}", "RE{n}", "2026-{n:04d}")
_LINES = {
    "en": ("Invoice {n}: {b}, due {d}.", "{k} days overdue.",
           "Invoice {n} for {t} was paid on {p}.", "Credit note {n}: {b}.", "Total now due: {b}.",
           "As of {d}."),
    "de": ("Rechnung {n}: {b}, fällig am {d}.", "Seit {k} Tagen überfällig.",
           "Rechnung {n} über {t} wurde am {p} bezahlt.", "Gutschrift {n}: {b}.",
           "Jetzt fällig: {b}.", "Stand {d}."),
    "fr": ("Facture {n} : {b}, échéance le {d}.", "{k} jours de retard.",
           "La facture {n} de {t} a été payée le {p}.", "Avoir {n} : {b}.", "Total dû : {b}.",
           "Situation au {d}."),
    "es": ("Factura {n}: {b}, vencimiento el {d}.", "{k} días de retraso.",
           "La factura {n} de {t} se pagó el {p}.", "Nota de crédito {n}: {b}.",
           "Total pendiente: {b}.", "A fecha de {d}."),
}  # fmt: skip


@st.composite
def accounts(draw) -> tuple[Account, date]:
    count = draw(st.integers(min_value=1, max_value=4))
    shape = draw(st.sampled_from(_NUMBERS))
    serials = draw(st.lists(st.integers(1000, 99999), min_size=count, max_size=count, unique=True))
    items = []
    for serial in serials:
        currency = draw(st.sampled_from(sorted(_UNITS)))
        units = draw(st.integers(min_value=1, max_value=10**8))
        amount = units * _UNITS[currency]
        due = draw(st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31)))
        kind = draw(st.sampled_from(["open", "open", "paid", "credit"]))
        number = shape.format(n=serial)
        if kind == "credit":
            items.append(InvoiceFact(f"CN-{serial}", "credit", currency, -amount, due, "open"))
        elif kind == "paid":
            paid_on = due + timedelta(days=draw(st.integers(-20, 40)))
            items.append(
                InvoiceFact(
                    number, "invoice", currency, Decimal(0), due, "paid", amount, None, paid_on
                )
            )
        else:
            part = draw(st.integers(min_value=0, max_value=units)) * _UNITS[currency]
            items.append(InvoiceFact(number, "invoice", currency, part, due, "open", amount))
    today = max(i.due_date for i in items) + timedelta(days=draw(st.integers(0, 90)))
    return Account("Random Customer", tuple(items), as_of=today), today


class Writer:
    """Writes each fact as the rules backend would, and counts them, so that one (the
    `change_at`-th) can be written differently."""

    def __init__(self, language: str, change_at: int = -1, change=None) -> None:
        self.language, self.change_at, self.change = language, change_at, change
        self.facts: list[tuple] = []

    def _fact(self, *fact) -> tuple:
        index = len(self.facts)
        self.facts.append(fact)
        return self.change(*fact) if index == self.change_at else fact

    def money(self, value: Decimal, currency: str) -> str:
        _, value, currency = self._fact("money", value, currency)
        return money_in(value, currency, self.language)

    def day(self, value: date) -> str:
        return day_in(self._fact("date", value)[1], self.language)

    def days(self, value: int) -> str:
        return str(self._fact("days", value)[1])


def written(account: Account, today: date, w: Writer) -> str:
    line, overdue, paid, credit, total, as_of = _LINES[w.language]
    lines = [as_of.format(d=w.day(today))]
    for i in account.invoices:
        if i.is_credit:
            lines.append(credit.format(n=i.number, b=w.money(i.balance, i.currency)))
        elif i.status == "paid":
            lines.append(
                paid.format(n=i.number, t=w.money(i.total, i.currency), p=w.day(i.paid_on))
            )
        else:
            lines.append(
                line.format(n=i.number, b=w.money(i.balance, i.currency), d=w.day(i.due_date))
            )
            if i.due_date < today:
                lines.append(overdue.format(k=w.days(i.days_overdue(today))))
    for currency in sorted({i.currency for i in account.open_items if not i.is_credit}):
        net = sum(i.balance for i in account.open_items if i.currency == currency)
        lines.append(total.format(b=w.money(net, currency)))
    return "\n".join(lines)


def _conceivable_amounts(account: Account) -> set[tuple[str, Decimal]]:
    """More than the validator allows: every item's figures and every sum of open items."""
    found = set()
    for i in account.invoices:
        for figure in (i.balance, i.total or 0, (i.total or 0) - i.balance):
            found |= {(i.currency, figure), (i.currency, -figure)}
    for r in range(1, len(account.open_items) + 1):
        for group in combinations(account.open_items, r):
            for currency in {i.currency for i in group}:
                total = sum(i.balance for i in group if i.currency == currency)
                found |= {(currency, total), (currency, -total)}
    return found


@_property
@given(
    drawn=accounts(),
    language=st.sampled_from(LANGUAGES),
    pick=st.integers(min_value=0),
    nudge=st.integers(min_value=1, max_value=400),
    sign=st.sampled_from([-1, 1]),
    other_currency=st.booleans(),
)
def test_any_account_written_out_passes_and_any_one_changed_figure_or_date_fails(
    drawn, language, pick, nudge, sign, other_currency
):
    account, today = drawn
    ctx = context(language, account=account, passages=(), payment_details="", today=today)
    w = Writer(language)
    assert draft_problems(written(account, today, w), ctx) == []

    index = pick % len(w.facts)
    kind, value, *rest = w.facts[index]
    if kind == "money":
        currency = rest[0]
        if other_currency:
            currency = sorted(set(_UNITS) - {currency})[nudge % 3]
            new = (kind, value.quantize(_UNITS[currency]), currency)
        else:
            new = (kind, value + sign * nudge * _UNITS[currency], currency)
        assume((new[2], new[1]) not in _conceivable_amounts(account))
    elif kind == "date":
        new = (kind, value + timedelta(days=sign * (nudge % 5 + 1)))
        dates = {d for i in account.invoices for d in (i.due_date, i.issue_date, i.paid_on)}
        assume(new[1] not in dates | {today})
    else:
        new = (kind, value + sign * (nudge % 5 + 1))
        assume(new[1] >= 0)
        assume(new[1] not in {i.days_overdue(today) for i in account.open_items})
    changed = Writer(language, change_at=index, change=lambda *fact: new)

    assert draft_problems(written(account, today, changed), ctx) != []
