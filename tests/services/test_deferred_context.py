"""Placing a message for the rules backend defers the knowledge retrieval and the approved
replies to the draft that reads them (`place.DeferredContext`): the same context either way,
and no retrieval for a message no draft quotes a passage in."""

from __future__ import annotations

import dataclasses
import gc

import pytest

from mailagent.parsing.email import parse_email
from mailagent.services.processing import place
from mailagent.services.processing.place import DeferredContext, staff_directory, triage_context
from mailagent.services.processing.pool import ProcessingPool


def _parsed(subject: str, body: str):
    raw = (
        f"From: Anna Berg <anna@customer.example>\r\nTo: agent@acme.example\r\n"
        f"Subject: {subject}\r\nMessage-ID: <q1@customer.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()
    return parse_email(raw, staff=staff_directory())


MESSAGES = [
    ("Returns", "Hello, how many days do we have to return an unopened box? Thanks, Anna"),
    ("Lieferung", "Guten Tag, wie lange dauert die Lieferung nach Wien? Danke, Anna"),
    ("Ordine", "Buongiorno, quando arriva il nostro ordine? Grazie mille, Anna"),
]


@pytest.mark.parametrize("subject,body", MESSAGES)
def test_a_deferred_context_holds_what_the_whole_one_holds(subject, body):
    parsed = _parsed(subject, body)
    whole = triage_context(parsed, ticket=None, account=None)
    deferred = triage_context(parsed, ticket=None, account=None, deferred=True)
    assert isinstance(deferred, DeferredContext)
    assert dataclasses.asdict(deferred) == dataclasses.asdict(whole)
    assert dataclasses.replace(deferred, subject="x").passages == whole.passages


def test_the_passages_are_looked_up_once_and_only_when_read(monkeypatch):
    calls = []
    found = place.passages_for

    def counting(text, language, limit=3):
        calls.append(language)
        return found(text, language, limit)

    monkeypatch.setattr(place, "passages_for", counting)
    context = triage_context(_parsed(*MESSAGES[0]), ticket=None, account=None, deferred=True)
    assert calls == []
    first = context.passages
    assert context.passages is first
    assert calls == ["en"]


def test_the_pool_keeps_the_parents_objects_from_the_collector_while_it_runs():
    pool = ProcessingPool(workers=2, process=_nothing, waiting=list)
    with pool:
        pool._ensure_pool()
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


def _nothing(*, email_ids):
    return []


def test_a_share_hands_what_it_freed_back_to_the_system():
    from mailagent.services.processing import pool

    pool._memory_return()  # glibc's malloc_trim where there is one; nothing elsewhere
