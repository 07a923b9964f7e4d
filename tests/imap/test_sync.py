"""Reading an IMAP folder against a real Dovecot: first sync, incremental sync, UIDVALIDITY,
read mail, big mail, bounded batches, and moving processed mail."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from imapclient import IMAPClient

from mailagent.integrations.imap import ImapConnection
from mailagent.models import AuditEvent, InboundEmail, MailboxFolder, Ticket
from mailagent.services import imap_sync, pipeline
from tests.imap.conftest import poll_once
from tests.imap.messages import message_id_of, question

pytestmark = pytest.mark.django_db


class Killed(BaseException):
    """The process ends here, as with kill -9."""


def stored_keys() -> list[str]:
    return sorted(InboundEmail.objects.values_list("source_key", flat=True))


class TestFirstSync:
    def test_only_mail_from_the_backfill_window_becomes_work(self, imap_settings, mailbox):
        now = timezone.now()
        for n in range(3):
            mailbox.append(question(n), when=now - timedelta(days=30 + n))
        for n in range(3, 5):
            mailbox.append(question(n), when=now - timedelta(days=1))

        out = poll_once()

        assert Ticket.objects.count() == 2
        assert sorted(InboundEmail.objects.values_list("message_id", flat=True)) == [
            message_id_of(3),
            message_id_of(4),
        ]
        assert "3 older message(s) recorded as seen" in out
        event = AuditEvent.objects.get(action="mailbox.first_sync")
        assert (event.details["messages"], event.details["recorded_as_seen"]) == (5, 3)
        assert MailboxFolder.objects.get().last_uid == 5

    def test_old_mail_put_in_the_folder_after_the_first_sync_is_new_mail(
        self, imap_settings, mailbox
    ):
        poll_once()
        # Someone drags a month-old message into the inbox: it keeps its old INTERNALDATE.
        mailbox.append(question(1), when=timezone.now() - timedelta(days=30))
        poll_once()
        assert Ticket.objects.count() == 1

    def test_a_long_first_sync_shows_progress(self, imap_settings, mailbox):
        mailbox.append_many([question(n) for n in range(25)])
        err = io.StringIO()
        call_command("poll", "--once", stdout=io.StringIO(), stderr=err)
        assert "stored 25/25" in err.getvalue()
        assert Ticket.objects.count() == 25


class TestIncrementalSync:
    def test_each_pass_stores_only_what_is_new_and_nothing_twice(self, imap_settings, mailbox):
        mailbox.append(question(1))
        poll_once()
        mailbox.append(question(2))
        mailbox.append(question(3))

        out = poll_once()

        assert "2 new message(s) stored, 0 already known" in out
        assert "nothing new to do" in poll_once()
        assert InboundEmail.objects.count() == Ticket.objects.count() == 3
        validity = MailboxFolder.objects.get().uidvalidity
        assert stored_keys() == [f"{validity}:{uid}" for uid in (1, 2, 3)]

    def test_mail_a_person_already_read_is_ingested_and_no_flag_changes(
        self, imap_settings, mailbox
    ):
        mailbox.append(question(1), flags=(b"\\Seen",))
        mailbox.append(question(2))
        mailbox.append(question(3), flags=(b"\\Flagged", b"\\Answered"))
        before = mailbox.flags()

        poll_once()

        assert Ticket.objects.count() == 3
        assert mailbox.flags() == before
        assert b"\\Seen" not in before[2]

    def test_batches_are_bounded_by_count_and_by_bytes(self, imap_settings, mailbox, monkeypatch):
        body = "Hello!\r\n" + "x" * 3000 + "\r\n"
        mailbox.append_many([question(n, body=body) for n in range(9)])
        monkeypatch.setattr(imap_sync, "BATCH_MESSAGES", 4)
        monkeypatch.setattr(imap_sync, "BATCH_BYTES", 7000)
        fetched: list[list[int]] = []
        real = ImapConnection.bodies

        def spy(self, uids):
            fetched.append(list(uids))
            return real(self, uids)

        monkeypatch.setattr(ImapConnection, "bodies", spy)
        poll_once()
        assert max(len(batch) for batch in fetched) == 2
        assert sorted(uid for batch in fetched for uid in batch) == list(range(1, 10))
        assert InboundEmail.objects.count() == 9


class TestUidvalidityChange:
    def test_a_rebuilt_folder_is_read_again_without_new_tickets_for_mail_already_held(
        self, imap_settings, mailbox
    ):
        imap_settings.IMAP_FOLDER = ["Support"]
        mailbox.create_folder("Support")
        for n in (1, 2, 3):
            mailbox.append(question(n), folder="Support")
        poll_once()
        old_validity = MailboxFolder.objects.get().uidvalidity
        assert Ticket.objects.count() == 3

        mailbox.recreate_folder("Support")
        # The restored folder numbers its mail from 1 again, and a message we never saw takes
        # UID 1; one restored copy gained a header on the way (same Message-ID, same body).
        mailbox.append(question(4), folder="Support")
        mailbox.append(question(1), folder="Support")
        mailbox.append(b"X-Restored-From: backup\r\n" + question(2), folder="Support")
        mailbox.append(question(3), folder="Support")

        out = poll_once()

        state = MailboxFolder.objects.get()
        assert state.uidvalidity != old_validity
        assert "UIDVALIDITY changed" in out
        assert Ticket.objects.count() == 4
        newcomer = InboundEmail.objects.get(message_id=message_id_of(4))
        assert newcomer.source_key == f"{state.uidvalidity}:1"
        assert newcomer.ticket is not None
        known = InboundEmail.objects.filter(source_key__startswith=f"{state.uidvalidity}:")
        assert sorted(known.values_list("status", flat=True)) == ["duplicate"] * 3 + ["processed"]
        assert AuditEvent.objects.filter(action="mailbox.uidvalidity_changed").count() == 1
        assert "nothing new to do" in poll_once()


class TestBigMail:
    def test_a_message_over_the_limit_is_recorded_from_its_headers_and_never_fetched(
        self, imap_settings, mailbox, monkeypatch
    ):
        imap_settings.MAX_MESSAGE_BYTES = 10_000
        big = question(1, subject="Photos of the damage", body="A" * 60_000 + "\r\n")
        mailbox.append(big)
        mailbox.append(question(2))
        fetched: list[int] = []
        real = ImapConnection.bodies
        monkeypatch.setattr(
            ImapConnection, "bodies", lambda self, uids: fetched.extend(uids) or real(self, uids)
        )

        out = poll_once()

        assert fetched == [2]
        row = InboundEmail.objects.get(message_id=message_id_of(1))
        assert row.status == InboundEmail.Status.QUARANTINED
        assert "MAX_MESSAGE_BYTES" in row.error and f"{len(big):,} bytes" in row.error
        assert row.size == len(big)
        assert bytes(row.raw) == big.split(b"\r\n\r\n")[0] + b"\r\n\r\n"
        assert row.subject == "Photos of the damage"
        assert "1 message(s) over MAX_MESSAGE_BYTES recorded and quarantined" in out
        assert Ticket.objects.count() == 1

        # Once the limit allows it, the next pass fetches it whole and processes it.
        imap_settings.MAX_MESSAGE_BYTES = 100_000
        poll_once()
        row.refresh_from_db()
        assert bytes(row.raw) == big
        assert row.status == InboundEmail.Status.PROCESSED
        assert Ticket.objects.count() == 2
        assert "nothing new to do" in poll_once()


class TestProcessedFolder:
    def test_processed_mail_is_moved_and_keeps_its_flags(self, imap_settings, mailbox):
        mailbox.create_folder("Done")
        imap_settings.IMAP_PROCESSED_FOLDER = "Done"
        mailbox.append(question(1))
        mailbox.append(question(2), flags=(b"\\Seen",))

        out = poll_once()

        assert "2 processed message(s) moved" in out
        assert (mailbox.count("INBOX"), mailbox.count("Done")) == (0, 2)
        assert sorted(b"\\Seen" in flags for flags in mailbox.flags("Done").values()) == [
            False,
            True,
        ]
        assert Ticket.objects.count() == 2
        assert "nothing new to do" in poll_once()

    def test_mail_processed_before_a_processed_folder_was_set_is_moved_on_the_next_pass(
        self, imap_settings, mailbox
    ):
        mailbox.append(question(1))
        mailbox.append(question(2))
        poll_once()
        assert mailbox.count("INBOX") == 2

        mailbox.create_folder("Done")
        imap_settings.IMAP_PROCESSED_FOLDER = "Done"
        out = poll_once()

        assert "2 processed message(s) moved" in out
        assert (mailbox.count("INBOX"), mailbox.count("Done")) == (0, 2)
        assert Ticket.objects.count() == 2

    def test_mail_is_moved_only_once_its_processing_has_committed(
        self, imap_settings, mailbox, monkeypatch
    ):
        mailbox.create_folder("Done")
        imap_settings.IMAP_PROCESSED_FOLDER = "Done"
        mailbox.append(question(1))

        # The first pass stores the message, then dies before processing it.
        def die(*, email_ids, **kwargs):
            if list(email_ids):
                raise Killed
            return []

        monkeypatch.setattr(pipeline, "emails_process", die)
        with pytest.raises(Killed):
            poll_once()
        assert InboundEmail.objects.get().status == InboundEmail.Status.RECEIVED
        assert (mailbox.count("INBOX"), mailbox.count("Done")) == (1, 0)

        monkeypatch.undo()
        poll_once()

        assert InboundEmail.objects.get().status == InboundEmail.Status.PROCESSED
        assert (mailbox.count("INBOX"), mailbox.count("Done")) == (0, 1)

    def test_without_move_support_mail_is_copied_flagged_deleted_and_expunged(
        self, imap_settings, mailbox, monkeypatch
    ):
        mailbox.create_folder("Done")
        imap_settings.IMAP_PROCESSED_FOLDER = "Done"
        mailbox.append(question(1))
        mailbox.append(question(2))
        real = IMAPClient.has_capability
        monkeypatch.setattr(
            IMAPClient, "has_capability", lambda self, cap: cap != "MOVE" and real(self, cap)
        )

        poll_once()

        assert (mailbox.count("INBOX"), mailbox.count("Done")) == (0, 2)
        assert all(b"\\Deleted" not in f for f in mailbox.flags("Done").values())


class TestAdmin:
    def test_the_folder_and_its_first_sync_are_shown_in_the_admin(
        self, imap_settings, mailbox, admin_client
    ):
        mailbox.append(question(1))
        poll_once()
        folder = MailboxFolder.objects.get()
        page = admin_client.get(f"/admin/mailagent/mailboxfolder/{folder.pk}/change/")
        assert page.status_code == 200
        assert b"mailbox.first_sync" in page.content
        assert folder.source.encode() in admin_client.get("/admin/mailagent/mailboxfolder/").content
