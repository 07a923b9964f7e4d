"""Several folders and mailboxes: how they are configured, and each read on its own."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from mailagent.errors import ConfigurationError
from mailagent.models import InboundEmail, MailboxFolder, Ticket
from mailagent.services.mailboxes import imap_folders_configured
from tests.imap.conftest import poll_once
from tests.imap.messages import question


def settings_with(**overrides) -> SimpleNamespace:
    base = {
        "IMAP_HOST": "mail.acme.example",
        "IMAP_PORT": 0,
        "IMAP_USER": "agent@acme.example",
        "IMAP_PASSWORD": "pw",
        "IMAP_AUTH": "password",
        "IMAP_SSL": True,
        "IMAP_STARTTLS": False,
        "IMAP_FOLDER": ["INBOX"],
        "IMAP_PROCESSED_FOLDER": "",
        "IMAP_BACKFILL_DAYS": 7,
        "IMAP_EXTRA_MAILBOXES": [],
        "IMAP_TIMEOUT": 30.0,
        "MAX_MESSAGE_BYTES": 25 * 1024 * 1024,
    }
    return SimpleNamespace(**{**base, **overrides})


class TestConfiguration:
    def test_nothing_configured_means_no_imap(self):
        assert imap_folders_configured(settings_with(IMAP_HOST="")) == []

    def test_the_usual_ports_follow_the_tls_choice(self):
        (tls,) = imap_folders_configured(settings_with())
        (plain,) = imap_folders_configured(settings_with(IMAP_SSL=False, IMAP_STARTTLS=True))
        assert (tls.account.port, plain.account.port) == (993, 143)
        assert tls.source == "imap:agent@acme.example@mail.acme.example:993/INBOX"

    def test_several_folders_are_several_sources(self):
        folders = imap_folders_configured(settings_with(IMAP_FOLDER=["INBOX", " Sales "]))
        assert [f.folder for f in folders] == ["INBOX", "Sales"]
        assert len({f.source for f in folders}) == 2

    def test_extra_mailboxes_are_urls_with_their_own_login_folders_and_processed_folder(self):
        (main, first, second) = imap_folders_configured(
            settings_with(
                IMAP_EXTRA_MAILBOXES=[
                    "imaps://billing%40acme.example:p%3Ass@imap.fastmail.example/Invoices,Receipts"
                    "?processed=Done"
                ]
            )
        )
        assert (first.account.user, first.account.password) == ("billing@acme.example", "p:ss")
        assert (first.account.host, first.account.port, first.account.ssl) == (
            "imap.fastmail.example",
            993,
            True,
        )
        assert [first.folder, second.folder] == ["Invoices", "Receipts"]
        assert first.processed_folder == "Done"
        assert "IMAP_EXTRA_MAILBOXES entry 1" in first.account.login_setting
        assert "p:ss" not in first.account.login_setting
        assert main.account.login_setting == "IMAP_USER and IMAP_PASSWORD"

    def test_password_and_oauth2_mailboxes_mix_in_one_installation(self):
        from mailagent.oauth import access_token

        (main, extra) = imap_folders_configured(
            settings_with(
                IMAP_AUTH="oauth2",
                IMAP_PASSWORD="left-over",
                IMAP_EXTRA_MAILBOXES=[
                    "imaps://billing%40acme.example:pw@imap.fastmail.example/INBOX",
                ],
            )
        )
        assert (main.account.auth, main.account.token_provider) == ("oauth2", access_token)
        assert main.account.password == ""  # a password left in the environment is never sent
        assert "OAuth2 connection" in main.account.login_setting
        assert (extra.account.auth, extra.account.password) == ("password", "pw")
        (_, oauth_extra) = imap_folders_configured(
            settings_with(
                IMAP_EXTRA_MAILBOXES=[
                    "imaps://sales%40acme.example@imap.gmail.com/INBOX?auth=oauth2"
                ]
            )
        )
        assert (oauth_extra.account.user, oauth_extra.account.auth) == (
            "sales@acme.example",
            "oauth2",
        )
        # The folder's name, and so its UID state, does not depend on how it logs in.
        assert oauth_extra.source == "imap:sales@acme.example@imap.gmail.com:993/INBOX"

    @pytest.mark.parametrize(
        ("overrides", "named"),
        [
            ({"IMAP_SSL": True, "IMAP_STARTTLS": True}, "IMAP_SSL and IMAP_STARTTLS"),
            ({"IMAP_USER": ""}, "IMAP_USER"),
            ({"IMAP_BACKFILL_DAYS": -1}, "IMAP_BACKFILL_DAYS"),
            ({"MAX_MESSAGE_BYTES": 10}, "MAX_MESSAGE_BYTES"),
            ({"IMAP_EXTRA_MAILBOXES": ["https://x.example/"]}, "IMAP_EXTRA_MAILBOXES entry 1"),
            ({"IMAP_EXTRA_MAILBOXES": ["imaps://host.example/INBOX"]}, "no user name"),
            ({"IMAP_FOLDER": ["INBOX", "INBOX"]}, "configured twice"),
            ({"IMAP_AUTH": "xoauth"}, "IMAP_AUTH='xoauth' should be password or oauth2"),
            ({"IMAP_EXTRA_MAILBOXES": ["imaps://u@host.example/?auth=token"]}, "entry 1"),
        ],
    )
    def test_a_bad_value_names_the_setting(self, overrides, named):
        with pytest.raises(ConfigurationError, match=named):
            imap_folders_configured(settings_with(**overrides))

    def test_a_password_never_appears_in_an_error(self):
        with pytest.raises(ConfigurationError) as error:
            imap_folders_configured(
                settings_with(
                    IMAP_EXTRA_MAILBOXES=["imaps://u:s3cret@host.example/INBOX?starttls=1"]
                )
            )
        assert "s3cret" not in str(error.value)


@pytest.mark.django_db
class TestSeveralFolders:
    def test_every_folder_of_every_mailbox_is_read_on_its_own(
        self, imap_settings, mailbox, dovecot
    ):
        mailbox.create_folder("Sales")
        imap_settings.IMAP_FOLDER = ["INBOX", "Sales"]
        other = dovecot.add_user()
        imap_settings.IMAP_EXTRA_MAILBOXES = [
            f"imap://{other.user.replace('@', '%40')}:{other.password}@127.0.0.1:{other.port}/INBOX"
        ]
        mailbox.append(question(1))
        mailbox.append(question(2), folder="Sales")
        other.append(question(3))

        out = poll_once()

        assert out.count("1 new message(s) stored") == 3
        assert MailboxFolder.objects.count() == 3
        assert Ticket.objects.count() == 3
        # Each folder numbers its own mail from UID 1: the sources keep them apart.
        assert set(InboundEmail.objects.values_list("source_key", flat=True)) == {
            f"{v}:1" for v in MailboxFolder.objects.values_list("uidvalidity", flat=True)
        }
