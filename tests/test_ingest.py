"""Mail in: stored raw first, processed once, and a bad message never stops the run."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from mailagent.integrations.maildir import FolderSource
from mailagent.models import AuditEvent, InboundEmail, Ticket
from mailagent.services.pipeline import inbox_run_once
from mailagent.services.processing import place as processing

pytestmark = pytest.mark.django_db

QUESTION = b"""From: Luis Moreno <hello@sunrisebakery.example>
To: agent@acme.example
Subject: Opening hours over the holidays?
Message-ID: <q1@sunrisebakery.example>
Date: Tue, 24 Nov 2026 09:00:00 +0000

Hi, are you open on the 26th? We need a delivery.

Luis
"""


def write(folder, name: str, raw: bytes) -> None:
    (folder / name).write_bytes(raw)


def test_second_poll_processes_nothing_twice(settings):
    write(settings.INBOX_DIR, "a.eml", QUESTION)
    first = inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    second = inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    assert (first.stored, second.stored, second.known) == (1, 0, 1)
    assert second.outcomes == [] and second.links == []
    assert Ticket.objects.count() == 1


def test_same_message_id_in_two_files_is_two_messages_when_contents_differ(settings):
    # Message-IDs can be missing or shared by different messages: identity is the source's key.
    write(settings.INBOX_DIR, "a.eml", QUESTION)
    write(settings.INBOX_DIR, "b.eml", QUESTION.replace(b"the 26th", b"the 27th"))
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    assert InboundEmail.objects.count() == 2
    assert Ticket.objects.count() == 2


def test_an_identical_copy_under_another_name_is_recorded_as_duplicate(settings):
    write(settings.INBOX_DIR, "a.eml", QUESTION)
    write(settings.INBOX_DIR, "copy-of-a.eml", QUESTION)
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    statuses = sorted(InboundEmail.objects.values_list("status", flat=True))
    assert statuses == ["duplicate", "processed"]
    assert Ticket.objects.count() == 1


def test_maildir_flag_renames_do_not_reingest(settings):
    for sub in ("new", "cur", "tmp"):
        (settings.INBOX_DIR / sub).mkdir()
    write(settings.INBOX_DIR / "new", "1700000000.M1P1.host", QUESTION)
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    # A mail client reads the message: it moves to cur/ with flags appended to the name.
    (settings.INBOX_DIR / "new" / "1700000000.M1P1.host").rename(
        settings.INBOX_DIR / "cur" / "1700000000.M1P1.host:2,S"
    )
    report = inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    assert report.stored == 0
    assert InboundEmail.objects.count() == 1


def test_unparseable_message_is_quarantined_raw_and_the_run_goes_on(settings):
    write(settings.INBOX_DIR, "a-broken.eml", b"\x00\x01 this is not an email at all")
    write(settings.INBOX_DIR, "b-fine.eml", QUESTION)
    report = inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    broken = InboundEmail.objects.get(source_key="a-broken.eml")
    assert broken.status == InboundEmail.Status.QUARANTINED
    assert bytes(broken.raw) == b"\x00\x01 this is not an email at all"
    assert "sender" in broken.error or "header" in broken.error
    assert report.counts["processed"] == 1
    assert AuditEvent.objects.filter(action="email.quarantined", target_id=broken.pk).exists()


def test_unexpected_failure_quarantines_with_the_error_and_the_run_goes_on(settings, monkeypatch):
    write(settings.INBOX_DIR, "a.eml", QUESTION)
    write(settings.INBOX_DIR, "b.eml", QUESTION.replace(b"q1@", b"q2@"))
    real = processing.ticket_for_thread
    calls = []

    def explode_once(parsed, **lookups):
        calls.append(parsed.message_id)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real(parsed, **lookups)

    monkeypatch.setattr(processing, "ticket_for_thread", explode_once)
    inbox_run_once(source=FolderSource(settings.INBOX_DIR))
    first, second = InboundEmail.objects.order_by("source_key")
    assert first.status == "quarantined" and "database went away" in first.error
    assert second.status == "processed"


def test_poll_command_reports_what_it_did(settings, capsys):
    write(settings.INBOX_DIR, "a.eml", QUESTION)
    call_command("poll", "--once")
    out = capsys.readouterr().out
    assert "1 new message(s) stored" in out
    assert "1 draft(s) waiting for approval" in out
    assert "http://testserver/review/" in out
    call_command("poll", "--once")
    assert "nothing new to do" in capsys.readouterr().out


def test_poll_names_the_setting_when_the_inbox_folder_is_missing(settings):
    from django.core.management.base import CommandError

    settings.INBOX_DIR = settings.INBOX_DIR / "nope"
    with pytest.raises(CommandError, match="INBOX_DIR"):
        call_command("poll", "--once")
