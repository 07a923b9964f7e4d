"""A shadow run over a real IMAP folder: reads the last N messages, changes nothing anywhere."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command

from mailagent.models import AuditEvent, Draft, InboundEmail, OutboundEmail, Ticket
from tests.conftest import outbox_messages
from tests.imap.messages import question

pytestmark = pytest.mark.django_db


def test_shadow_over_imap_reads_the_last_messages_and_leaves_everything_as_it_was(
    imap_settings, mailbox, smtp_server, tmp_path
):
    for n in range(1, 6):
        mailbox.append(question(n))
    mailbox.create_folder("Archive")
    mailbox.append(question(9), folder="Archive")
    flags_before = mailbox.flags()

    call_command("shadow", "--last", "3", "--out", str(tmp_path))
    (report,) = tmp_path.glob("*.csv")
    rows = [r for r in csv.DictReader(report.open()) if r["workflow"] == "reply"]
    assert [r["key"] for r in rows] == ["3", "4", "5"]  # the last three, oldest first

    call_command("shadow", "--last", "5", "--folder", "Archive", "--out", str(tmp_path / "a"))
    (archive,) = (tmp_path / "a").glob("*.csv")
    assert [r["key"] for r in csv.DictReader(archive.open()) if r["workflow"] == "reply"] == ["1"]

    assert mailbox.flags() == flags_before  # not even \\Seen
    assert smtp_server.received == [] and outbox_messages(imap_settings) == []
    for model in (InboundEmail, Ticket, Draft, OutboundEmail, AuditEvent):
        assert not model.objects.exists(), model


def test_an_unknown_folder_is_named(imap_settings, mailbox, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match=r"There is no folder 'Nope'.*--folder"):
        call_command("shadow", "--last", "3", "--folder", "Nope", "--out", str(tmp_path))
