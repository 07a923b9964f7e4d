"""A wrong setting stops `poll` before anything is written, with the setting named; a mailbox out
of reach does not stop the others."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from mailagent.models import AuditEvent, InboundEmail, MailboxFolder, Ticket
from tests.conftest import free_port
from tests.imap.conftest import poll_once
from tests.imap.messages import question

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not any(
        model.objects.exists() for model in (InboundEmail, MailboxFolder, Ticket, AuditEvent)
    )


@pytest.fixture
def waiting_mail(imap_settings, mailbox):
    mailbox.append(question(1))
    return imap_settings


class TestEachErrorNamesTheSettingToFix:
    def test_a_wrong_password(self, waiting_mail):
        waiting_mail.IMAP_PASSWORD = "not-the-password"
        with pytest.raises(CommandError, match="check IMAP_USER and IMAP_PASSWORD") as error:
            poll_once()
        assert "not-the-password" not in str(error.value)
        assert "[AUTHENTICATIONFAILED]" in str(error.value)
        assert nothing_written()

    def test_an_unknown_folder_even_next_to_a_good_one(self, waiting_mail):
        waiting_mail.IMAP_FOLDER = ["INBOX", "Suport"]
        with pytest.raises(CommandError, match=r"no folder 'Suport'.*fix IMAP_FOLDER"):
            poll_once()
        assert nothing_written()

    def test_tls_refused_by_a_server_that_does_not_speak_it(self, waiting_mail):
        waiting_mail.IMAP_SSL = True
        with pytest.raises(
            CommandError, match=r"TLS handshake .* failed.*IMAP_SSL and IMAP_STARTTLS"
        ):
            poll_once()
        assert nothing_written()

    def test_starttls_refused_by_a_server_that_does_not_offer_it(self, waiting_mail):
        waiting_mail.IMAP_STARTTLS = True
        with pytest.raises(CommandError, match=r"refused STARTTLS.*IMAP_SSL and IMAP_STARTTLS"):
            poll_once()
        assert nothing_written()

    def test_ssl_and_starttls_both_on(self, waiting_mail):
        waiting_mail.IMAP_SSL = waiting_mail.IMAP_STARTTLS = True
        with pytest.raises(CommandError, match="IMAP_SSL and IMAP_STARTTLS are both on"):
            poll_once()

    def test_a_processed_folder_that_does_not_exist(self, waiting_mail):
        waiting_mail.IMAP_PROCESSED_FOLDER = "Processed"
        with pytest.raises(CommandError, match=r"no folder 'Processed'.*IMAP_PROCESSED_FOLDER"):
            poll_once()
        assert nothing_written()

    def test_a_wrong_password_in_an_extra_mailbox_names_the_entry_not_the_password(
        self, waiting_mail, dovecot
    ):
        other = dovecot.add_user()
        waiting_mail.IMAP_EXTRA_MAILBOXES = [
            f"imap://{other.user.replace('@', '%40')}:hunter2@127.0.0.1:{other.port}/INBOX"
        ]
        with pytest.raises(CommandError, match="IMAP_EXTRA_MAILBOXES entry 1") as error:
            poll_once()
        assert "hunter2" not in str(error.value)
        assert nothing_written()

    def test_the_command_exits_non_zero_with_the_message(self, mailbox, make_poller):
        poller = make_poller(IMAP_PASSWORD="wrong")
        result = poller.once(check=False)
        assert result.returncode == 1
        assert "check IMAP_USER and IMAP_PASSWORD" in result.stderr
        assert poller.scalar("SELECT count(*) FROM mailagent_mailboxfolder") == 0


class TestOneMailboxFailing:
    def test_a_mailbox_out_of_reach_does_not_stop_the_others(self, waiting_mail):
        waiting_mail.IMAP_EXTRA_MAILBOXES = [f"imap://someone:pw@127.0.0.1:{free_port()}/INBOX"]
        with pytest.raises(
            CommandError, match=r"(?s)1 of 2 folder.*could not be read.*Cannot reach"
        ):
            poll_once()
        assert Ticket.objects.count() == 1
