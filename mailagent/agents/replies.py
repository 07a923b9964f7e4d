"""Reply drafts for the rules backend, composed from the business's own facts. PURE.

A draft answers from what the business holds, and from nothing else:

- the customer's account as the records show it (`types.Account`): an invoice question, a
  statement request or "please resend the invoice" gets each open invoice's number, amount, due
  date and days overdue, credits in the customer's favour, what was part paid, what was marked paid
  and when, and the total open per currency (never a sum across currencies);
- a "we paid" names the invoice it matches (by number, else by exact amount) and says what
  happens next; with no match it says so and asks for the remittance reference;
- a question the knowledge folder answers quotes the passage (`types.Passage`), in the
  customer's language where the folder has it, naming the topic;
- where neither answers what was asked, the draft says what happens next and `unanswered` says
  why, so the ticket is marked for a person: nothing is invented.

Every fact is written through `Facts`, which records it by role ("invoice", "amount", "date",
"days", "name"): kept with the draft, the roles let a reply a person approved be reused for a later
message of the same shape, its wording kept and only its facts swapped (`adapted`). What the
customer wrote is never repeated as a fact: an invoice number or a policy only they mention is not
confirmed. The draft validator (`draftcheck`) checks the result against the same context.

Drafts are written in English, German, French and Spanish (`wording.DRAFT_LANGUAGES`); for any
other language `reply_for` returns None and a person answers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import combinations

from mailagent.agents import asks
from mailagent.agents.phrases import ACKNOWLEDGEMENTS, LANGUAGE_NAMES, PHRASES, TONE_OPENERS
from mailagent.knowledge.question import asking_pieces, buys_in_volume, wrong_goods
from mailagent.knowledge.topics import heading_names, is_topic
from mailagent.types import (
    Account,
    Category,
    Example,
    InvoiceFact,
    Passage,
    Tone,
    TriageContext,
)
from mailagent.wording import DRAFT_LANGUAGES, day_in, money_in

# Titles people put in their display name ("Dr. Amara Okafor"): "Hi Dr.," greets nobody.
_TITLES = frozenset(
    {
        "dr",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "prof",
        "sir",
        "dame",
        "rev",
        "herr",
        "frau",
        "m",
        "mme",
    }
)
_TITLES |= {"sr", "sra", "dra", "srta", "mlle"}

#: Categories answered from the account; categories answered from the knowledge folder.
_ACCOUNT_CATEGORIES = frozenset({Category.INVOICE_QUESTION, Category.PAYMENT_CLAIMED})
_KNOWLEDGE_CATEGORIES = frozenset(
    {Category.SUPPORT_QUESTION, Category.SALES_INQUIRY, Category.OTHER}
)
#: Between the headings of a passage's heading path ("Returns \u203a Refund timing").
HEADING_SEPARATOR = "\u203a"
#: A second passage is quoted when it ranks at least this share of the first's score.
_SECOND_PASSAGE_SHARE = 0.3
#: What the words a second passage adds must weigh (relevance.py: about two specific words).
_SECOND_PASSAGE_WORDS = 1.0
#: A draft quotes at most this many passages: one per part of the question.
_MAX_PASSAGES = 3


def first_name(name: str) -> str:
    name = name.strip()
    if "," in name:  # "Moreno, Luis"
        name = name.split(",", 1)[1].strip()
    words = name.split()
    while len(words) > 1 and words[0].rstrip(".").lower() in _TITLES:
        words = words[1:]
    return words[0] if words else ""


@dataclass
class Facts:
    """The facts a draft states, written the language's way and recorded by role."""

    language: str
    slots: list[tuple[str, str]] = field(default_factory=list)

    def _keep(self, role: str, text: str) -> str:
        self.slots.append((role, text))
        return text

    def money(self, amount: Decimal, currency: str) -> str:
        return self._keep("amount", money_in(amount, currency, self.language))

    def day(self, value: date) -> str:
        return self._keep("date", day_in(value, self.language))

    def number(self, number: str) -> str:
        return self._keep("invoice", number)

    def days(self, days: int) -> str:
        return self._keep("days", str(days))

    def name(self, name: str) -> str:
        return self._keep("name", name)


@dataclass(frozen=True)
class Reply:
    """A composed draft and what it was made from."""

    body: str
    language: str
    #: What kind of answer it is ("invoice:statement", "paid:matched_open", "knowledge:<ids>",
    #: "ack:complaint"): only an approved reply of the same shape is reused for a new message.
    shape: str
    slots: tuple[tuple[str, str], ...] = ()
    passages: tuple[Passage, ...] = ()
    unanswered: str = ""
    example: Example | None = None

    @property
    def facts(self) -> dict:
        return {"shape": self.shape, "slots": [list(s) for s in self.slots]}

    def facts_for(self, context: TriageContext) -> dict:
        """`facts`, and whom the reply was written to: a later reuse of its wording must not
        carry their name to another customer (`adapted`)."""
        names = [context.customer.name, context.account.customer_name if context.account else ""]
        return self.facts | {"names": [n for n in names if n]}


class _Draft:
    """One draft being written: its language's phrases and the facts it states."""

    def __init__(self, context: TriageContext, language: str) -> None:
        self.context = context
        self.language = language
        self.words = PHRASES[language]
        self.facts = Facts(language)
        self.today = context.today or date.today()

    def say(self, key: str, **values: str) -> str:
        return self.words[key].format(**values)

    def invoice_line(self, inv: InvoiceFact) -> str:
        line = self.say(
            "invoice_line",
            number=self.facts.number(inv.number),
            amount=self.facts.money(inv.balance, inv.currency),
            date=self.facts.day(inv.due_date),
        )
        days = inv.days_overdue(self.today)
        if days == 1:
            line += self.say("overdue_one")
        elif days > 1:
            line += self.say("overdue_many", days=self.facts.days(days))
        elif inv.due_date > self.today:
            line += self.say("not_due")
        if inv.total is not None and inv.total > inv.balance > 0:
            line += self.say(
                "part_paid",
                paid=self.facts.money(inv.total - inv.balance, inv.currency),
                total=self.facts.money(inv.total, inv.currency),
            )
        if inv.status == "disputed":
            line += self.say("disputed")
        return line

    def credit_line(self, inv: InvoiceFact) -> str:
        return self.say(
            "credit_line",
            number=self.facts.number(inv.number),
            amount=self.facts.money(abs(inv.balance), inv.currency),
        )

    def paid_line(self, inv: InvoiceFact) -> str:
        number, day = inv.number, inv.paid_on or inv.due_date
        if inv.total:
            return self.say(
                "paid_line_amount",
                number=self.facts.number(number),
                amount=self.facts.money(inv.total, inv.currency),
                date=self.facts.day(day),
            )
        return self.say("paid_line", number=self.facts.number(number), date=self.facts.day(day))

    def statement(self, items: tuple[InvoiceFact, ...], *, totals: bool = True) -> list[str]:
        """The lines for some open items, credits after invoices, then the total per currency."""
        invoices = [i for i in items if not i.is_credit]
        credits = [i for i in items if i.is_credit and i.balance < 0]
        lines = [f"  {self.invoice_line(i)}" for i in invoices]
        lines += [f"  {self.credit_line(c)}" for c in credits]
        sums = _totals(invoices + credits)
        if totals and (len(invoices) + len(credits) > 1) and sums:
            lines.append("")
            for currency, total in sums:
                key, extra = (
                    ("total", {}) if len(sums) == 1 else ("total_in", {"currency": currency})
                )
                lines.append(
                    f"  {self.say(key, amount=self.facts.money(total, currency), **extra)}"
                )
        return lines

    def records_intro(self, account: Account) -> str:
        as_of = self.say("as_of", date=self.facts.day(account.as_of)) if account.as_of else ""
        return self.say("records_intro", as_of=as_of)


def _totals(items: list[InvoiceFact]) -> list[tuple[str, Decimal]]:
    """What is open per currency, credits taken off; a currency with nothing owed drops out."""
    sums: dict[str, Decimal] = {}
    for item in items:
        sums[item.currency] = sums.get(item.currency, Decimal("0")) + item.balance
    return [(c, t) for c, t in sorted(sums.items()) if t > 0]


def _named_in(text: str, account: Account) -> tuple[InvoiceFact, ...]:
    """The account's invoices whose number the customer wrote (exactly, or its digits when they
    are long enough to be unmistakable), then those named by the month they were issued in
    ("the November invoice", "la facture de septembre": the latest such month's invoices)."""
    found = []
    for inv in account.invoices:
        if re.search(rf"(?<![\w-]){re.escape(inv.number)}(?![\w-])", text, re.IGNORECASE):
            found.append(inv)
            continue
        digits = re.sub(r"\D", "", inv.number)
        if len(digits) >= 4 and re.search(rf"(?<![\d]){digits}(?![\d])", text):
            found.append(inv)
    for month in sorted(asks.mentioned_months(text)):
        issued = [
            i
            for i in account.invoices
            if not i.is_credit and i.issue_date and i.issue_date.month == month
        ]
        latest = max((i.issue_date for i in issued if i.issue_date), default=None)
        found += [
            i
            for i in issued
            if i.issue_date and latest and i.issue_date.year == latest.year and i not in found
        ]
    return tuple(found)


def _unknown_numbers(text: str, account: Account | None) -> bool:
    """Whether the customer names an invoice number the account does not have."""
    ours = {re.sub(r"\W", "", i.number).lower() for i in account.invoices} if account else set()
    digits = {re.sub(r"\D", "", n) for n in ours}
    for number in asks.mentioned_invoice_numbers(text):
        key = re.sub(r"\W", "", number).lower()
        if key not in ours and re.sub(r"\D", "", key) not in digits:
            return True
    return False


#: At most this many open items are tried together for one transfer (2 ** n sets of them).
_MAX_ITEMS_TOGETHER = 10


def _amount_matches(text: str, account: Account) -> tuple[InvoiceFact, ...]:
    """The invoices an amount the customer wrote pays: an open invoice whose balance (or
    total) it is; else the one set of open invoices, less credit notes in the customer's
    favour, that it pays together ("one transfer of 1,685.00 for INV-2502 less the 95.00
    credit"), in one currency; else an invoice the records already show paid for that amount
    (a mistyped number: "Rechnung 2370 über EUR 7.450,00" that is INV-2307)."""
    amounts = set(asks.mentioned_amounts(text))
    if not amounts:
        return ()
    exact = tuple(
        i
        for i in account.open_items
        if not i.is_credit
        and (i.balance in amounts or (i.total is not None and i.total in amounts))
    )
    return (
        exact
        or _paid_together(amounts, account)
        or tuple(
            i
            for i in account.invoices
            if i.status == "paid" and not i.is_credit and (i.total or i.balance) in amounts
        )
    )


def _paid_of_amounts(text: str, account: Account) -> tuple[InvoiceFact, ...]:
    """The invoices the records show paid whose total is an amount the customer wrote that no
    open invoice's is: the amount then says which invoice they mean."""
    amounts = set(asks.mentioned_amounts(text)) - {
        amount for i in account.open_items for amount in (i.balance, i.total)
    }
    if not amounts:
        return ()
    return tuple(
        i
        for i in account.invoices
        if i.status == "paid" and not i.is_credit and (i.total or i.balance) in amounts
    )


def _credits_named(
    text: str, account: Account, paid: tuple[InvoiceFact, ...] = ()
) -> list[InvoiceFact]:
    """The open credit notes the customer names with a payment, by number or by size, or that
    make up the amount they paid with the invoices it paid: "we settled invoice 2401, less the
    credit note, so 1,440.80" is INV-2401's 1,560.80 with the 120.00 credit set against it."""
    amounts = set(asks.mentioned_amounts(text))
    credits = [i for i in account.open_items if i.is_credit and i.balance < 0]
    named = [
        i
        for i in credits
        if abs(i.balance) in amounts
        or re.search(rf"(?<![\w-]){re.escape(i.number)}(?![\w-])", text, re.IGNORECASE)
    ]
    invoices = [i for i in paid if not i.is_credit and i.status != "paid"]
    if named or not invoices or len({i.currency for i in invoices}) != 1:
        return named
    owed = sum((i.balance for i in invoices), Decimal(0))
    currency = invoices[0].currency
    together = [
        chosen
        for size in range(1, min(len(credits), _MAX_ITEMS_TOGETHER) + 1)
        for chosen in combinations([c for c in credits if c.currency == currency], size)
        if owed + sum((c.balance for c in chosen), Decimal(0)) in amounts
    ]
    # Only one way to make it up: two that would are a guess, and the draft makes none.
    return list(together[0]) if len(together) == 1 else []


def _paid_together(amounts: set[Decimal], account: Account) -> tuple[InvoiceFact, ...]:
    """The one set of two or more open items of one currency (invoices, and credit notes at
    their negative balance) whose balances add up to one of `amounts`, holding an invoice;
    () when none does or several do (the customer then gives the reference)."""
    found: list[tuple[InvoiceFact, ...]] = []
    for currency in {i.currency for i in account.open_items}:
        items = [i for i in account.open_items if i.currency == currency]
        if len(items) > _MAX_ITEMS_TOGETHER:
            continue
        for size in range(2, len(items) + 1):
            for chosen in combinations(items, size):
                if (
                    any(not i.is_credit for i in chosen)
                    and sum((i.balance for i in chosen), Decimal(0)) in amounts
                ):
                    found.append(chosen)
    return found[0] if len(found) == 1 else ()


def _asks_beyond_account(text: str, language: str) -> bool:
    """Whether a question of the message is not about the account: one of its questions
    (`asking_pieces`) that asks neither what is owed nor for a statement or a copy."""
    return any(not asks.invoice_ask(piece) for piece in asking_pieces(text, language))


def _invoice_reply(d: _Draft, text: str) -> tuple[str, list[str], str, tuple[Passage, ...]]:
    """(shape, body lines, unanswered, passages quoted) for a question about invoices."""
    account = d.context.account
    ask = asks.invoice_ask(text)
    passages: tuple[Passage, ...] = ()
    if account is None:
        if (
            d.context.passages
            and not asks.mentioned_invoice_numbers(text)
            and not asks.invoice_ask(text)
        ):
            # Someone without an account asks how invoicing works ("would you invoice us in
            # euros?", "¿hay que pagar IVA de importación?"): the folder answers, not the records.
            shape_k, quoted, passages = _knowledge_reply(d)
            return f"invoice:prospect:{shape_k}", quoted, _partly(passages), passages
        return "invoice:no_account", [d.say("no_account")], "no account under this address", ()
    named = _named_in(text, account)
    open_items = account.open_items
    lines: list[str] = []
    shape = f"invoice:{ask or 'question'}"
    unanswered = ""
    if _unknown_numbers(text, account):
        lines += [d.say("unknown_number"), ""]
        shape += ":unknown"
        # A number mistyped ("invoice 2060 ($615.75)" for INV-2006): the invoice its amount
        # is, open or already paid, is the one asked about.
        named = named or _amount_matches(text, account)
    focus = tuple(i for i in named if i.status in ("open", "disputed"))
    paid = tuple(i for i in named if i.status == "paid")
    if ask in ("statement", "due") or not named or all(i.is_credit for i in named):
        # What is open on the whole account: asked for, or nothing but a credit note was named.
        focus, paid = open_items, account.paid_items[-3:] if ask == "statement" else paid
    else:
        # The invoices asked about, and the open credits that may be set against them.
        focus += tuple(c for c in open_items if c.is_credit and c not in focus)
    # An invoice named by its amount that the records show paid ("and did our transfer for
    # the other one, the 1,050.00, reach you?"): its payment, as the records hold it.
    paid += tuple(i for i in _paid_of_amounts(text, account) if i not in paid)
    if focus:
        lines += [d.records_intro(account), "", *d.statement(focus)]
    elif not paid:
        lines.append(d.say("no_open"))
    if paid:
        lines += ["", d.say("recently_paid")] if focus else []
        lines += [f"  {d.paid_line(i)}" for i in paid]
    if ask == "resend":
        copies = named or open_items
        lines += ["", d.say("resend_one" if len(copies) <= 1 else "resend_many")]
        unanswered = "asks for a copy of the invoice: attach it to the reply or send it"
    if ask in ("statement", "due", "resend") and _asks_beyond_account(text, d.language):
        # The account and another question in one message ("what do we owe, and do you take
        # cards?", "please resend it; will late fees be added?"): the records, then the
        # folder's answer to the rest, when it has one.
        if d.context.passages:
            shape_k, quoted, passages = _knowledge_reply(d, closing=False)
            lines += ["", *quoted]
            shape += f":{shape_k}"
            unanswered = unanswered or _partly(passages)
    elif not ask:
        if d.context.passages:
            # A question about how invoicing works ("can our accountant get a copy of every
            # invoice?"): the folder's answer, after what the records show.
            shape_k, quoted, passages = _knowledge_reply(d, closing=False)
            lines += ["", *quoted]
            shape += f":{shape_k}"
        if named:
            # A question about an invoice the records show, but not about its balance or due
            # date ("is this line a duplicate?"): the records are stated, a person answers it.
            unanswered = "asks about an invoice beyond what the records show: a person checks it"
    if focus and d.context.payment_details and ask != "resend":
        lines += ["", d.say("how_to_pay"), d.context.payment_details]
    lines += ["", d.say("closing_invoice")]
    return shape, lines, unanswered, passages


def _payment_reply(d: _Draft, text: str) -> tuple[str, list[str], str, tuple[Passage, ...]]:
    """(shape, body lines, unanswered, passages quoted) for a customer who says they paid:
    what the records show of it, then, unless they show it paid, what the folder says about
    how a payment is matched and confirmed (`TriageContext.procedures`): how long a transfer
    takes to reach the business, and the remittance advice that matches it at once."""
    shape, lines, unanswered = _payment_lines(d, text)
    procedure = _procedure(d, "remittance")
    if procedure is None or shape.startswith("paid:matched_paid"):
        return shape, lines, unanswered, ()
    lines += ["", *_passage_lines(d, procedure)]
    return f"{shape}:{procedure.id}", lines[:-1], unanswered, (procedure,)


def _procedure(d: _Draft, topic: str) -> Passage | None:
    """The context's procedure passage on `topic` (`TriageContext.procedures`), if any."""
    return next(
        (p for p in d.context.procedures if heading_names(p.heading, topic, p.language)), None
    )


def _payment_lines(d: _Draft, text: str) -> tuple[str, list[str], str]:
    """(shape, body lines, unanswered) for a customer who says they paid: the records."""
    account = d.context.account
    lines = [d.say("paid_thanks"), ""]
    if account is None:
        return "paid:no_account", [*lines, d.say("no_account")], "no account under this address"
    matched = _named_in(text, account) or _amount_matches(text, account)
    if not matched:
        lines.append(d.say("no_match"))
        if account.open_items:
            lines += ["", d.say("open_for_reference"), "", *d.statement(account.open_items)]
        return "paid:no_match", lines, "the payment matches no invoice in the records"
    for inv in matched:
        if inv.is_credit:
            continue
        if inv.status == "paid":
            lines.append(
                d.say(
                    "matched_paid",
                    number=d.facts.number(inv.number),
                    amount=d.facts.money(inv.total or inv.balance, inv.currency),
                    date=d.facts.day(inv.paid_on or d.today),
                )
            )
        else:
            lines.append(
                d.say(
                    "matched_open",
                    number=d.facts.number(inv.number),
                    amount=d.facts.money(inv.balance, inv.currency),
                    date=d.facts.day(inv.due_date),
                )
            )
        lines.append("")
    # A credit note set against the payment ("less the 95.00 credit"): named, as the records
    # hold it; the credit the customer mentions with a payment that matched by number too.
    credits = [i for i in matched if i.is_credit] or _credits_named(text, account, matched)
    if credits:
        lines += [d.say("credit_against"), *(f"  {d.credit_line(i)}" for i in credits), ""]
    invoices = [i for i in matched if not i.is_credit]
    states = sorted({"paid" if i.status == "paid" else "open" for i in invoices})
    shape = f"paid:matched_{'_'.join(states)}"
    rest = tuple(i for i in account.open_items if i not in matched and i not in credits)
    if states == ["paid"] and rest and not asks.invoice_ask(text):
        # Paid, yet something else is open: most often what the reminder they answer was about.
        lines += [d.say("open_for_reference"), "", *d.statement(rest)]
        return shape + ":rest", lines[:-1] if lines[-1] == "" else lines, ""
    if asks.invoice_ask(text) in ("statement", "due"):
        # "I believe INV-2102 was settled; what's outstanding now?": the payment, then the
        # rest of the account the customer asked about.
        rest = tuple(i for i in account.open_items if i not in matched)
        lines += [d.say("open_for_reference"), "", *d.statement(rest)] if rest else []
        lines += [] if rest else [d.say("no_open"), ""]
        shape += ":statement"
        return shape, lines if rest else lines[:-1], ""
    return shape, lines[:-1], ""


def _partly(passages: tuple[Passage, ...]) -> str:
    """Why a person completes a draft that quotes these passages: the parts of the question the
    folder does not answer (the best passage names them), or "" when it answers all."""
    if not passages or not passages[0].unanswered:
        return ""
    return "the knowledge folder says nothing about " + ", ".join(passages[0].unanswered)


def quoted_passage(text: str) -> str:
    """A passage as a draft quotes it: without its Markdown heading lines and emphasis."""
    kept = [line for line in text.strip().splitlines() if not line.lstrip().startswith("#")]
    quoted = "\n".join(kept).strip()
    return re.sub(r"(\*\*|__)(.+?)\1", r"\2", quoted)


def _passage_lines(d: _Draft, passage: Passage) -> list[str]:
    """A passage as a draft quotes it: an introduction naming its heading, the passage, a
    blank line."""
    heading = passage.heading.split(HEADING_SEPARATOR)[-1].strip()
    heading = heading or passage.file.rsplit("/", 1)[-1]
    intro = d.say("passage_intro", heading=heading)
    if passage.language != d.language and passage.language in LANGUAGE_NAMES[d.language]:
        language = LANGUAGE_NAMES[d.language][passage.language]
        intro = intro.rstrip(": ") + d.say("passage_other_language", language=language) + ":"
    return [intro, "", quoted_passage(passage.text), ""]


def _knowledge_reply(
    d: _Draft, *, closing: bool = True
) -> tuple[str, list[str], tuple[Passage, ...]]:
    passages = d.context.passages
    if not passages:
        return "", [], ()
    used = [passages[0]]
    # A second passage for the question's other half: one that holds a part of the question
    # (a subject or an aspect, topics.py) the first does not ("what is your minimum order, and
    # do you charge for delivery?"), else one of the same file (the other half of "how long to
    # London, and are duties included?" is in the same delivery file), else the next best,
    # when it ranks near enough.
    parts = [p for p in passages[1:] if any(is_topic(concept) for concept, _ in p.adds)]
    # Or one that holds the things asked about that the first does not: the price list for
    # "what does a case of cups cost, and shipping to Leipzig?" after the delivery costs.
    things = [
        p
        for p in passages[1:]
        if sum(w for c, w in p.adds if not is_topic(c)) >= _SECOND_PASSAGE_WORDS
    ]
    others = [p for p in passages[1:] if p.score >= passages[0].score * _SECOND_PASSAGE_SHARE]
    same_file = [p for p in others if p.file == passages[0].file]
    if parts or things or same_file or others:
        used.append((parts or things or same_file or others)[0])
    # A question of three parts ("what would shipping cost, how long does it take, and are
    # duties due?") gets a third passage, when it answers a part the first two do not.
    used += [p for p in parts if p not in used][: _MAX_PASSAGES - len(used)]
    # Or, for a message of several questions (the index searched each: knowledge.question's
    # asking_parts), the next that ranks near enough: "can we send the unopened boxes back, and
    # what would the return shipping cost?" needs the return window beside the two answers.
    if len(used) < _MAX_PASSAGES and any(p.answers_part for p in passages):
        used += [p for p in others if p not in used][: _MAX_PASSAGES - len(used)]
    lines = [line for passage in used for line in _passage_lines(d, passage)]
    if closing:
        lines.append(d.say("passage_close"))
    else:
        lines.pop()
    return "knowledge:" + ",".join(p.id for p in used), lines, tuple(used)


def _with_procedure(
    d: _Draft, topic: str, shape: str, body: list[str], passages: tuple[Passage, ...]
) -> tuple[str, list[str], tuple[Passage, ...]]:
    """A knowledge reply with the context's procedure on `topic`, unless it quotes it already:
    the volume discounts for a customer who buys an amount again and again ("40 cases a
    month": the price of that much is the volume's), what returning goods that came wrong or
    faulty costs."""
    procedure = _procedure(d, topic)
    # By id: the passage a search found carries its score, the procedure does not.
    if procedure is None or procedure.id in {p.id for p in passages}:
        return shape, body, passages
    closing = body[-1:]
    lines = [*body[:-1], *_passage_lines(d, procedure), *closing]
    return f"{shape},{procedure.id}", lines, (*passages, procedure)


def _complaint_reply(d: _Draft, text: str) -> tuple[str, list[str], tuple[Passage, ...]]:
    """A complaint: passed on to the person responsible (what happens next), with what the
    folder says about it (how damaged goods are reported) and the records of any invoice of the
    customer's it names. What to offer is a person's decision, never the draft's."""
    lines = [d.say("ack_complaint")]
    account = d.context.account
    named = _named_in(text, account) if account else ()
    if account and account.open_items and asks.invoice_ask(text) in ("statement", "due"):
        # A complaint that asks what is still owed ("...including the one we dispute"): the
        # account's open items, as an invoice question gets them.
        lines += ["", d.records_intro(account), "", *d.statement(account.open_items)]
    elif named:
        lines += ["", d.records_intro(account), "", *d.statement(named, totals=False)]
    shape, quoted, passages = _knowledge_reply(d, closing=False)
    returns = _procedure(d, "returns")
    if returns is not None and returns.id not in {p.id for p in passages} and wrong_goods(text):
        # Goods that came wrong or faulty: first what sending them back costs, whatever the
        # customer asked, then what the folder says of what they asked.
        lines += ["", *_passage_lines(d, returns)[:-1]]
        passages = (returns, *passages)
        shape = f"knowledge:{returns.id}" + (f",{shape}" if shape else "")
    if quoted:
        lines += ["", *quoted]
    kind = "records" if named else "ack"
    return f"complaint:{kind}:{shape or 'none'}", lines, passages


def _opening(d: _Draft, tone: Tone, body: list[str]) -> list[str]:
    """The tone's opening sentence, unless the body thanks the customer itself."""
    key = TONE_OPENERS[tone]
    calm = tone in (Tone.NEUTRAL, Tone.POSITIVE)
    opener = d.say(key)
    # "Thank you for getting in touch. Thank you for your interest.": thanked once is enough.
    if calm and body and body[0].split()[:1] == opener.split()[:1]:
        return []
    return [opener, ""]


#: The categories whose reply answers what the account holds when the message asks it: a
#: question the triage read as another kind ("on vous doit combien ? et vous livrez le
#: samedi ?" reads as a delivery question) still gets the records it asks for.
_ACCOUNT_TOO = frozenset({Category.SUPPORT_QUESTION, Category.SALES_INQUIRY, Category.OTHER})


def _asks_account(category: Category, text: str, context: TriageContext) -> bool:
    """Whether a customer with open items asks what they owe or for a statement
    (`asks.invoice_ask`) in a message triaged as a question of another kind: the reply is
    then the account's, with the folder's answer to the rest (`_invoice_reply`)."""
    account = context.account
    return (
        category in _ACCOUNT_TOO
        and account is not None
        and bool(account.open_items)
        and asks.invoice_ask(text) in ("statement", "due")
    )


def reply_for(category: Category, tone: Tone, context: TriageContext) -> Reply | None:
    """The draft for a message, in the customer's language; None when the rules backend cannot
    write that language (a person answers)."""
    language = context.language
    if language not in DRAFT_LANGUAGES:
        return None
    d = _Draft(context, language)
    name = first_name(context.customer.name)
    greeting = d.say("greeting_named", name=d.facts.name(name)) if name else d.say("greeting")
    text = "\n".join(filter(None, [context.subject, context.text, context.staff_note]))
    passages: tuple[Passage, ...] = ()
    unanswered = ""
    if category is Category.INVOICE_QUESTION or _asks_account(category, text, context):
        shape, body, unanswered, passages = _invoice_reply(d, text)
    elif category is Category.PAYMENT_CLAIMED:
        shape, body, unanswered, passages = _payment_reply(d, text)
    elif category is Category.COMPLAINT:
        shape, body, passages = _complaint_reply(d, text)
        unanswered = "a complaint: a person decides what to offer"
    else:
        shape, body, passages = (
            _knowledge_reply(d) if category in _KNOWLEDGE_CATEGORIES else ("", [], ())
        )
        if shape and buys_in_volume(text):
            for topic in ("discount", "standing order"):
                shape, body, passages = _with_procedure(d, topic, shape, body, passages)
        if shape and wrong_goods(text):
            shape, body, passages = _with_procedure(d, "returns", shape, body, passages)
        if not shape:
            key = ACKNOWLEDGEMENTS.get(category, "ack_other")
            shape, body = f"ack:{category.value}", [d.say(key)]
            unanswered = "the knowledge folder holds no answer to this question"
        else:
            unanswered = _partly(passages)
    lines = [greeting, "", *_opening(d, tone, body), *body, "", d.say("sign_off")]
    body_text = "\n".join(lines) + "\n" + context.business_name
    return Reply(
        body=body_text,
        language=language,
        shape=shape,
        slots=tuple(d.facts.slots),
        passages=passages,
        unanswered=unanswered,
    )


def adapted(reply: Reply, examples: tuple[Example, ...]) -> Reply:
    """The composed reply, or the wording of an approved earlier reply of the same shape and
    language with its facts swapped for this message's, role by role. An example whose facts do
    not line up one to one with the new ones (another number of invoices, say) is not used."""
    for example in examples:
        facts = example.facts or {}
        old = [tuple(s) for s in facts.get("slots", [])]
        if example.language != reply.language or facts.get("shape") != reply.shape:
            continue
        if [role for role, _ in old] != [role for role, _ in reply.slots]:
            continue
        body = _swapped(example.body, old, list(reply.slots))
        if body is None or _names_left(body, facts.get("names", []), reply):
            continue
        return Reply(
            body=body,
            language=reply.language,
            shape=reply.shape,
            slots=reply.slots,
            passages=reply.passages,
            unanswered=reply.unanswered,
            example=example,
        )
    return reply


def _names_left(body: str, names: list[str], reply: Reply) -> bool:
    """Whether a word of the earlier customer's name or company (three letters or more, not in
    the new draft) is still in a reused wording: a person's edit ("as agreed with Anna's
    husband") is not for someone else."""
    words = {w for n in names for w in re.findall(r"[^\W\d_]{3,}", n)}
    return any(
        re.search(rf"(?<!\w){re.escape(w)}(?!\w)", body) and w not in reply.body for w in words
    )


def _swapped(body: str, old: list[tuple[str, str]], new: list[tuple[str, str]]) -> str | None:
    """`body` with each old fact replaced by the new one in the same role, all in one pass so that
    a new value is never replaced again; None when an old fact is not in the body as written (a
    person rewrote it) or one old text would stand for two different new ones."""
    mapping: dict[str, str] = {}
    for (_, before), (_, after) in zip(old, new, strict=True):
        if mapping.get(before, after) != after or before not in body:
            return None
        mapping[before] = after
    if not mapping:
        return body
    pattern = "|".join(
        rf"(?<![\w.,]){re.escape(k)}(?![\w]|[.,]\d)" for k in sorted(mapping, key=len, reverse=True)
    )
    return re.sub(pattern, lambda m: mapping[m.group(0)], body)
