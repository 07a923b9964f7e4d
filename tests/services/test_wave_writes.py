"""A wave's messages are written together, and the result is what writing them one by one gives:
the same rows, the same audit trail, the same outcomes; and when something goes wrong, they are
written one by one after all."""

from __future__ import annotations

import pytest

from mailagent.models import AuditEvent, Draft, InboundEmail, Ticket
from mailagent.services.ingest import email_store
from mailagent.services.processing import batch, email_process, emails_process, write

pytestmark = pytest.mark.django_db


def mail(tag: str, n: int, *, body: str = "", headers: str = "", answers: str = "") -> bytes:
    thread = f"In-Reply-To: <{answers}@shop.example>\n" if answers else ""
    return (
        f"From: Customer {n} <c{n}-{tag}@shop{n}.example>\nTo: agent@acme.example\n"
        f"Subject: {'Re: ' if answers else ''}Order {n}\nMessage-ID: <{tag}{n}@shop.example>\n"
        f"{thread}{headers}Date: Tue, 24 Nov 2026 09:00:00 +0000\n\n"
        f"{body or f'Hello, when will order 1000{n} ship?'}\n"
    ).encode()


def store(tag: str, raws: list[bytes]) -> list[int]:
    return [
        email_store(source="test", source_key=f"{tag}-{n}", raw=raw).pk
        for n, raw in enumerate(raws)
    ]


def scenario(tag: str) -> tuple[list[int], list[int]]:
    """An earlier pass left a ticket with a pending draft; this pass brings a reply to it, a new
    question, an out-of-office, a refund request (escalated), and a second copy of the
    question."""
    earlier = store(f"{tag}-earlier", [mail(tag, 0)])
    question = mail(tag, 2)
    now = store(
        tag,
        [
            mail(tag, 1, answers=f"{tag}0", body="Any news on my order, please?"),
            question,
            mail(tag, 3, headers="Auto-Submitted: auto-replied\n", body="I am away."),
            mail(tag, 4, body="The cups arrived broken. I want a refund of the full amount."),
            question,
        ],
    )
    return earlier, now


def trail(email_ids: list[int]) -> list[tuple]:
    """The audit events written while processing these messages, as one by one would order
    them, without the ids that differ between two runs."""
    emails = InboundEmail.objects.filter(pk__in=email_ids)
    tickets = set(emails.values_list("ticket_id", flat=True)) - {None}
    events = AuditEvent.objects.filter(ticket_id__in=tickets) | AuditEvent.objects.filter(
        target_id__in=email_ids, action__startswith="email.", ticket__isnull=True
    )
    return [
        (e.action, e.target_type.model, e.actor, sorted(e.details))
        for e in events.exclude(action__in=["email.received", "notice.sent"]).order_by("id")
    ]


def test_a_wave_writes_what_one_by_one_writes(settings, monkeypatch):
    settings.AGENT_MODEL = "rules"
    one_earlier, one_now = scenario("a")
    for email_id in one_earlier + one_now:
        email_process(email_id=email_id)
    wave_earlier, wave_now = scenario("b")

    real_write = write.plans_write
    written: list[int] = []

    def counted(plans):
        written.append(len(plans))
        return real_write(plans)

    monkeypatch.setattr(write, "plans_write", counted)
    emails_process(email_ids=wave_earlier)
    outcomes = emails_process(email_ids=wave_now)
    # The earlier message, then the reply's wave (the reply waits for nothing: its parent was
    # written by the earlier pass) and the second copy's: never one message at a time.
    assert written == [1, 4, 1]

    def rows(ids):
        return [
            (e.status, e.ticket_id is not None)
            for e in InboundEmail.objects.filter(pk__in=ids).order_by("id")
        ]

    assert rows(wave_now) == rows(one_now)
    assert [o.status for o in outcomes] == [s for s, _ in rows(one_now)]
    assert trail(wave_earlier + wave_now) == trail(one_earlier + one_now)
    assert [(o.draft_id is not None, o.escalated) for o in outcomes] == [
        (True, False),
        (True, False),
        (False, False),
        (False, True),
        (False, False),
    ]
    reply_ticket = InboundEmail.objects.get(pk=wave_now[0]).ticket
    assert reply_ticket == InboundEmail.objects.get(pk=wave_earlier[0]).ticket
    assert list(reply_ticket.drafts.values_list("status", flat=True).order_by("id")) == [
        Draft.Status.SUPERSEDED,
        Draft.Status.PENDING,
    ]


def test_a_message_taken_by_another_worker_is_left_to_it_and_the_others_are_written(
    settings, monkeypatch
):
    settings.AGENT_MODEL = "rules"
    ids = store("c", [mail("c", n) for n in range(3)])
    real = batch.email_place

    def taken_meanwhile(email, parsed, **lookups):
        placed = real(email, parsed, **lookups)
        if email.pk == ids[1]:
            InboundEmail.objects.filter(pk=email.pk).update(status=InboundEmail.Status.PROCESSED)
        return placed

    monkeypatch.setattr(batch, "email_place", taken_meanwhile)
    outcomes = emails_process(email_ids=ids)
    assert [o.status for o in outcomes] == ["processed", "claimed elsewhere", "processed"]
    assert Ticket.objects.count() == 2
    assert AuditEvent.objects.filter(action="ticket.opened").count() == 2


def test_when_writing_together_fails_each_message_is_written_alone(settings, monkeypatch):
    settings.AGENT_MODEL = "rules"
    ids = store("d", [mail("d", n) for n in range(3)])

    real_insert = Draft.objects.bulk_create

    def refuse_several(drafts, *args, **kwargs):
        if len(drafts) > 1:
            raise RuntimeError("disk full")
        return real_insert(drafts, *args, **kwargs)

    monkeypatch.setattr(Draft.objects, "bulk_create", refuse_several)
    real_write = write.plans_write

    def fail_second(plans):
        if [p.email.pk for p in plans] == [ids[1]]:
            raise RuntimeError("still full")
        return real_write(plans)

    monkeypatch.setattr(write, "plans_write", fail_second)
    outcomes = emails_process(email_ids=ids)
    assert [o.status for o in outcomes] == ["processed", "quarantined", "processed"]
    assert "still full" in InboundEmail.objects.get(pk=ids[1]).error
    assert Ticket.objects.count() == 2
    assert Draft.objects.count() == 2
    assert AuditEvent.objects.filter(action="draft.created").count() == 2
