"""Place: a stored message read, parsed and put where it belongs (its thread's ticket, its
customer), or settled as needing no agent. Reads only, except the quarantine of an unreadable
message and the import of an accounting export mailed in (handled here, once)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone

from mailagent.conf import Mode
from mailagent.errors import UserInputError
from mailagent.knowledge import knowledge_index, passages_for, procedures_for
from mailagent.language import detect_language
from mailagent.models import Customer, InboundEmail, Ticket
from mailagent.parsing.email import parse_email
from mailagent.services.examples import ApprovedReplies
from mailagent.services.export_mail import export_mail_import
from mailagent.services.lookups import Lookups, ThreadTickets, lookups_read
from mailagent.services.quarantine import Outcome, email_quarantine
from mailagent.services.tickets import ticket_for_thread
from mailagent.types import (
    Account,
    Example,
    ParsedEmail,
    Passage,
    StaffDirectory,
    TriageContext,
)


def staff_directory() -> StaffDirectory:
    return StaffDirectory.of(
        settings.STAFF_EMAILS, settings.STAFF_DOMAINS, settings.TRUSTED_AUTHSERV_ID
    )


@dataclass(frozen=True)
class Prepared:
    """A message parsed and placed, ready for an agent: everything but the model's answer."""

    email: InboundEmail
    parsed: ParsedEmail
    ticket: Ticket | None
    customer: Customer | None
    answers_reminder: bool
    context: TriageContext


@dataclass(frozen=True)
class Settled:
    """A message that needs no agent (automatic, a duplicate, internal): kept with the reason,
    joined to its thread if it has one."""

    email: InboundEmail
    parsed: ParsedEmail
    status: str
    reason: str
    ticket: Ticket | None


Placed = Prepared | Settled
Read = tuple[InboundEmail, ParsedEmail]


def email_parse(email: InboundEmail) -> Read | Outcome:
    """A stored message and its parse, or why it is not work: already processed, triage switched
    off, unreadable (quarantined here)."""
    if email.status != InboundEmail.Status.RECEIVED:
        return Outcome(email.pk, email.status, email.ticket_id)
    if settings.TRIAGE_MODE is Mode.OFF:
        # Kept raw and unprocessed: turning triage back on picks it up.
        return Outcome(email.pk, email.status, detail="TRIAGE_MODE=off")
    try:
        parsed = parse_email(bytes(email.raw), staff=staff_directory())
    except UserInputError as exc:
        return email_quarantine(email_id=email.pk, error=str(exc))
    return email, parsed


def email_export(read: Read) -> Outcome | None:
    """An accounting export mailed by one of ACCOUNTING_EXPORT_SENDERS, imported; None for any
    other message."""
    return export_mail_import(email=read[0], parsed=read[1])


def email_place(
    email: InboundEmail, parsed: ParsedEmail, *, lookups: Lookups | None = None
) -> Placed:
    """Where a parsed message belongs: its thread's ticket, its customer, and what the agent is
    told; or why no agent is needed. Reads only: what `lookups` (read for a wave of messages)
    already holds, or otherwise what the database says now."""
    if lookups is None:
        lookups = lookups_read([(email, parsed)])
    threads = lookups.threads
    if parsed.sender.email == settings.AGENT_EMAIL.lower():
        return _settled(
            email, parsed, InboundEmail.Status.AUTOMATIC, "sent by the agent itself", threads
        )
    if parsed.is_automatic:
        return _settled(email, parsed, InboundEmail.Status.AUTOMATIC, parsed.automatic, threads)
    duplicate = lookups.duplicate_of(email)
    if duplicate is not None:
        return _settled(
            email, parsed, InboundEmail.Status.DUPLICATE, f"same message as #{duplicate}", threads
        )
    if parsed.forwarded_by is None and parsed.from_staff:
        return _settled(
            email,
            parsed,
            InboundEmail.Status.PROCESSED,
            "from staff and not a forward: left for a person",
            threads,
        )

    ticket = ticket_for_thread(parsed, threads=threads)
    customer = lookups.customer_for(parsed.customer.email)
    return Prepared(
        email=email,
        parsed=parsed,
        ticket=ticket,
        customer=customer,
        answers_reminder=lookups.answers_reminder(parsed),
        context=triage_context(
            parsed,
            ticket=ticket,
            account=lookups.account_of(customer),
            examples=lookups.approved_replies,
            deferred=settings.AGENT_MODEL == "rules",
        ),
    )


def triage_context(
    parsed: ParsedEmail,
    *,
    ticket: Ticket | None,
    account: Account | None,
    examples: ApprovedReplies | None = None,
    deferred: bool = False,
) -> TriageContext:
    """What the triage agent is told about a message: only what the decision needs. The language
    the customer writes in (a short follow-up no detector can read is taken to be in the thread's
    language, else DEFAULT_LANGUAGE), the knowledge passages and approved replies nearest to what
    they ask, the account as the records show it, and the payment details from settings.

    `deferred`: the passages and approved replies are looked up when the agent first reads them
    (`DeferredContext`), not before. The rules backend, which triages inline, reads them only for
    a draft that quotes them: none for a refund or bank-detail change, a payment claim, a
    language no draft is written in. Measured on a generated mailbox, that is about a third of
    the triaged messages, and retrieval was the largest cost grounded drafts added to ingestion.
    A model is shown them all, so its contexts are built whole (and read in its threads)."""
    asked = "\n".join(filter(None, [parsed.subject, parsed.text]))
    detected = detect_language(
        parsed.text or parsed.subject,
        default=(ticket.language if ticket and ticket.language else settings.DEFAULT_LANGUAGE),
    )
    language = detected.code

    def passages() -> tuple[Passage, ...]:
        return translated(passages_for(asked, language), language)

    def procedures() -> tuple[Passage, ...]:
        return translated(procedures_for(language, asked), language)

    def approved() -> tuple[Example, ...]:
        return examples.like(asked, language) if examples else ()

    fields = dict(
        subject=parsed.subject,
        text=parsed.text,
        customer=parsed.customer,
        business_name=settings.BUSINESS_NAME,
        staff_note=parsed.staff_note,
        thread_summary=ticket.summary if ticket else "",
        attachments=tuple(a.filename for a in parsed.attachments),
        account=account,
        language=language,
        language_name=detected.name,
        payment_details=settings.PAYMENT_DETAILS,
        today=timezone.localdate(),
    )
    if deferred:
        return DeferredContext(
            **fields, find_passages=passages, find_procedures=procedures, find_examples=approved
        )
    return TriageContext(
        **fields, passages=passages(), procedures=procedures(), examples=approved()
    )


class _Deferred:
    """A field of `DeferredContext`: its value, or the function that finds it on first read."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = f"_{name}"

    def __get__(self, context: object, owner: type | None = None):
        if context is None:
            return ()
        value = context.__dict__[self.slot]
        if callable(value):
            value = value()
            context.__dict__[self.slot] = value
        return value

    def __set__(self, context: object, value) -> None:
        # The frozen dataclass's __init__ sets its fields with object.__setattr__, which comes
        # here: a data descriptor wins over the instance's own attributes.
        context.__dict__[self.slot] = value


class DeferredContext(TriageContext):
    """A `TriageContext` whose passages and approved replies are looked up on first read, with
    the same values `triage_context` would have given them (`dataclasses.replace` builds one
    whose values are found already)."""

    passages = _Deferred()
    procedures = _Deferred()
    examples = _Deferred()

    def __init__(
        self,
        *,
        find_passages: Callable[[], tuple[Passage, ...]] | None = None,
        find_procedures: Callable[[], tuple[Passage, ...]] | None = None,
        find_examples: Callable[[], tuple[Example, ...]] | None = None,
        **fields,
    ) -> None:
        super().__init__(**fields)
        if find_passages is not None:
            self.__dict__["_passages"] = find_passages
        if find_procedures is not None:
            self.__dict__["_procedures"] = find_procedures
        if find_examples is not None:
            self.__dict__["_examples"] = find_examples


_LANGUAGE_SUFFIX = re.compile(r"\.([a-z]{2})(?=\.[^.]+$)")
_by_id: list = [None, {}]  # the index the table below was made from, and the table


def translated(passages: tuple[Passage, ...], language: str) -> tuple[Passage, ...]:
    """Each passage found in another language (the fallback to KNOWLEDGE_LANGUAGE) replaced by
    the same passage of its file's translation in `language`, where the folder has one with the
    same passages: "delivery.md#5" by "delivery.de.md#5" for a German customer. A draft then
    quotes the business's own words in the customer's language."""
    if all(p.language == language for p in passages):
        return passages
    index = knowledge_index()
    if _by_id[0] is not index:
        table = {p.id: p for p in index.passages}
        counts = {f.path: f.passages for f in index.files}
        _by_id[:] = [index, (table, counts)]
    table, counts = _by_id[1]
    found = []
    for passage in passages:
        file, _, number = passage.id.rpartition("#")
        stem = _LANGUAGE_SUFFIX.sub("", file)
        base, dot, ext = stem.rpartition(".")
        twin = f"{base}.{language}.{ext}" if dot else f"{stem}.{language}"
        other = table.get(f"{twin}#{number}")
        if other is not None and counts.get(twin) == counts.get(file):
            passage = replace(
                other,
                score=passage.score,
                adds=passage.adds,
                unanswered=passage.unanswered,
                answers_part=passage.answers_part,
            )
        found.append(passage)
    return tuple(found)


def _settled(
    email: InboundEmail, parsed: ParsedEmail, status: str, reason: str, threads: ThreadTickets
) -> Settled:
    return Settled(email, parsed, status, reason, ticket_for_thread(parsed, threads=threads))
