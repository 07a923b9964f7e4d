"""A mailbox whose refresh token is revoked stops alone: the same `poll --once` reads the other
mailboxes, says where to connect it again, the digest names it, its approved mail waits queued;
once it is connected again the next sync catches up with what arrived meanwhile, and the mail
goes, once. The token store is the product's own, refreshing at the tests' token authority."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.utils import timezone

from mailagent.models import Draft, InboundEmail, MailboxConnection, MailboxFolder, OutboundEmail
from mailagent.oauth.client import Grant
from mailagent.oauth.tokens import connection_store
from mailagent.services.delivery import outbound_retry, sends_due
from mailagent.services.digest import digest_send
from mailagent.services.outbound import draft_send
from tests.conftest import outbox_messages
from tests.factories import approved, reply_draft
from tests.imap.messages import question
from tests.oauth_mail.authority import Authority

pytestmark = pytest.mark.django_db


@pytest.fixture
def token_store(settings, authority: Authority):
    """The product's token store, its provider's token endpoint the tests' authority."""
    settings.MAILBOX_TOKEN_KEYS = [Fernet.generate_key().decode()]
    settings.OAUTH_PROVIDER_OVERRIDES = {"google": {"token_endpoint": f"{authority.url}/token"}}
    return authority


def connect(authority: Authority, address: str) -> str:
    """What the consent callback stores for the mailbox; its access token."""
    access, refresh = authority.issue(address)
    connection_store(
        address=address,
        provider="google",
        client_id="client-1234.apps.example",
        client_secret="client-secret",
        grant=Grant(
            access_token=access,
            refresh_token=refresh,
            expires_at=timezone.now() + timedelta(hours=1),
            scopes="https://mail.google.com/",
        ),
        actor="owner@acme.example",
    )
    return access


def poll() -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("poll", "--once", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def stored_from(mailbox) -> int:
    return InboundEmail.objects.filter(source__contains=f"imap:{mailbox.user}@").count()


def test_a_revoked_mailbox_stops_alone_and_catches_up_once_connected_again(
    settings, oauth_dovecot, token_store
):
    oauth_box, password_box = oauth_dovecot.add_user(), oauth_dovecot.add_user()
    settings.IMAP_HOST, settings.IMAP_PORT = oauth_box.host, oauth_box.port
    settings.IMAP_USER, settings.IMAP_AUTH, settings.IMAP_PASSWORD = oauth_box.user, "oauth2", ""
    settings.IMAP_SSL = settings.IMAP_STARTTLS = False
    settings.IMAP_FOLDER, settings.IMAP_PROCESSED_FOLDER = ["INBOX"], ""
    settings.IMAP_EXTRA_MAILBOXES = [
        f"imap://{quote(password_box.user)}:{password_box.password}@{password_box.host}:"
        f"{password_box.port}/INBOX"
    ]
    settings.IMAP_TIMEOUT = 10.0
    access = connect(token_store, oauth_box.user)
    oauth_box.append(question(1))
    password_box.append(question(2))
    poll()
    assert (stored_from(oauth_box), stored_from(password_box)) == (1, 1)
    state = MailboxFolder.objects.get(source__contains=oauth_box.user)

    # The user revokes the app's access; the access token it held runs out too.
    token_store.revoke(oauth_box.user)
    token_store.expire(access)
    oauth_box.append(question(3))
    password_box.append(question(4))
    _, err = poll()

    url = (
        f"http://testserver/admin/mailagent/mailboxconnection/add/?address={quote(oauth_box.user)}"
    )
    assert f"mailbox {oauth_box.user} needs to be connected again: {url}" in err
    assert err.count("needs to be connected again") == 1
    assert (stored_from(oauth_box), stored_from(password_box)) == (1, 2)
    assert MailboxFolder.objects.get(pk=state.pk).last_uid == state.last_uid
    status = MailboxConnection.objects.get(address=oauth_box.user).status
    assert status == MailboxConnection.Status.NEEDS_RECONNECT

    [digest] = digest_send().mails
    text = outbox_messages(settings)[-1].get_body(("plain",)).get_content()
    assert digest.subject.startswith("Acme Supplies daily digest: 1 mailbox(es) to connect again")
    assert f"- mailbox {oauth_box.user} needs to be connected again: {url}" in text

    # Someone connects it again: the next pass fetches the mail that arrived meanwhile.
    connect(token_store, oauth_box.user)
    poll()
    assert (stored_from(oauth_box), stored_from(password_box)) == (2, 2)
    keys = sorted(
        InboundEmail.objects.filter(source=state.source).values_list("source_key", flat=True)
    )
    assert [key.partition(":")[2] for key in keys] == ["1", "2"]


def test_approved_mail_waits_for_a_revoked_mailbox_and_goes_once_it_is_connected_again(
    settings, token_store, xoauth2_smtp
):
    settings.SMTP_USER = "agent@acme.example"
    access = connect(token_store, settings.SMTP_USER)
    token_store.revoke(settings.SMTP_USER)
    token_store.expire(access)
    now = timezone.now()

    draft = draft_send(draft_id=approved(reply_draft()).pk, now=now)

    assert draft.status == Draft.Status.DEFERRED
    assert "needs to be connected again" in draft.error and "stays queued" in draft.error
    outbound = OutboundEmail.objects.get()
    assert outbound.attempts == 0 and outbound.next_attempt_at is not None
    # The revoked token was refused at AUTH, the refresh then refused: no MAIL FROM was sent.
    assert xoauth2_smtp.received == []
    assert xoauth2_smtp.auths == [(settings.SMTP_USER, False)]
    # Looking again while it still needs a person changes nothing and gives nothing up.
    # (The "retry due sends" job: what is due, then one attempt each, at the job's clock.)
    for later in (timedelta(minutes=10), timedelta(hours=30)):
        assert sends_due(now=now + later) == [outbound.pk]
        outbound_retry(outbound_id=outbound.pk, now=now + later)
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.DEFERRED

    connect(token_store, settings.SMTP_USER)
    outbound_retry(outbound_id=outbound.pk, now=now + timedelta(hours=31))

    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.SENT
    assert len(xoauth2_smtp.received) == 1
    assert OutboundEmail.objects.get().attempts == 1
