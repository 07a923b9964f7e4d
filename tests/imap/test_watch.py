"""A real `manage.py poll` process against a real Dovecot: mail arriving while it idles becomes a
ticket within seconds; a server restart is survived; a `kill -9` loses and duplicates nothing."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from imapclient import IMAPClient

from mailagent.errors import TransientError
from mailagent.integrations.imap import ImapAccount, imap_connect
from tests.conftest import free_port
from tests.imap.conftest import wait_until
from tests.imap.messages import message_id_of, question

TICKETS = "SELECT count(*) FROM mailagent_ticket"


def account_of(mailbox) -> ImapAccount:
    return ImapAccount(
        host=mailbox.host,
        port=mailbox.port,
        user=mailbox.user,
        password=mailbox.password,
        ssl=False,
        timeout=5,
    )


def ticket_for(poller, n: int) -> bool:
    return bool(
        poller.query(
            "SELECT 1 FROM mailagent_inboundemail WHERE message_id = ? AND ticket_id IS NOT NULL",
            message_id_of(n),
        )
    )


def watching(poller) -> bool:
    """the poller has finished its first pass"""
    return bool(poller.query("SELECT 1 FROM mailagent_mailboxfolder WHERE last_synced_at != ''"))


class TestIdle:
    def test_mail_appended_while_poll_idles_becomes_a_ticket_within_seconds(
        self, mailbox, make_poller
    ):
        poller = make_poller(POLL_INTERVAL="600")
        poller.start()
        wait_until(lambda: watching(poller), timeout=20)
        for n in (1, 2, 3):
            appended = time.monotonic()
            mailbox.append(question(n))
            wait_until(lambda n=n: ticket_for(poller, n), timeout=10, every=0.02)
            assert time.monotonic() - appended < 2.0
        assert poller.stop() == 0
        assert "Stopped." in poller.output()

    def test_idle_is_renewed_and_returns_at_once_when_mail_arrives(self, mailbox):
        with imap_connect(account_of(mailbox)) as conn:
            conn.select("INBOX", readonly=True)
            started = time.monotonic()
            assert conn.wait_for_mail(0.5) is False  # time to renew: nothing arrived
            assert 0.4 < time.monotonic() - started < 1.5
            threading.Timer(0.3, mailbox.append, args=(question(1),)).start()
            started = time.monotonic()
            assert conn.wait_for_mail(30) is True
            assert time.monotonic() - started < 2.0
            # The connection is usable again after the IDLE.
            assert conn.uids_after(0) == [1]

    def test_without_idle_the_folder_is_looked_at_every_poll_interval(self, mailbox, monkeypatch):
        real = IMAPClient.has_capability
        monkeypatch.setattr(
            IMAPClient, "has_capability", lambda self, cap: cap != "IDLE" and real(self, cap)
        )
        with imap_connect(account_of(mailbox)) as conn:
            conn.select("INBOX", readonly=True)
            started = time.monotonic()
            assert conn.wait_for_mail(0.3) is True
            assert 0.25 < time.monotonic() - started < 1.0

    def test_a_connection_dropped_without_a_goodbye_is_noticed_while_idling(self, dovecot, mailbox):
        with imap_connect(account_of(mailbox)) as conn:
            conn.select("INBOX", readonly=True)
            (server,) = dovecot.session_pids(mailbox.user)
            # The server process dies (out of memory, say): the socket closes, no BYE is said.
            threading.Timer(0.3, os.kill, args=(server, signal.SIGKILL)).start()
            started = time.monotonic()
            with pytest.raises(TransientError, match="closed the connection while idling"):
                conn.wait_for_mail(60)
            assert time.monotonic() - started < 3.0


class TestReconnect:
    def test_a_server_restart_mid_idle_reconnects_and_catches_up(
        self, dovecot, mailbox, make_poller
    ):
        poller = make_poller(POLL_INTERVAL="600")
        poller.start()
        wait_until(lambda: watching(poller), timeout=20)
        mailbox.append(question(1))
        wait_until(lambda: ticket_for(poller, 1), timeout=10)

        dovecot.stop()
        try:
            # Dovecot says BYE to idling clients as it stops.
            wait_until(lambda: "BYE Server shutting down" in poller.output())
        finally:
            dovecot.start()
        # Delivered while the poller waits to reconnect: found by UID on reconnection.
        mailbox.append(question(2))
        wait_until(lambda: ticket_for(poller, 2), timeout=20)
        # And IDLE works again on the new connection.
        mailbox.append(question(3))
        wait_until(lambda: ticket_for(poller, 3), timeout=10)
        assert poller.scalar(TICKETS) == 3
        assert poller.process.poll() is None

    def test_a_mailbox_out_of_reach_does_not_hold_up_the_others(self, mailbox, make_poller):
        unreachable = f"imap://someone:pw@127.0.0.1:{free_port()}/INBOX"
        poller = make_poller(POLL_INTERVAL="600", IMAP_EXTRA_MAILBOXES=unreachable)
        poller.start()
        wait_until(lambda: watching(poller), timeout=20)
        mailbox.append(question(1))
        wait_until(lambda: ticket_for(poller, 1), timeout=10)
        assert "Cannot reach the IMAP server" in poller.output()
        assert poller.process.poll() is None


class TestKilled:
    def test_kill_9_at_any_point_then_restart_ingests_every_message_exactly_once(
        self, mailbox, make_poller
    ):
        total = 240
        mailbox.append_many([question(n) for n in range(total)])
        poller = make_poller()
        stored = "SELECT count(*) FROM mailagent_inboundemail"
        # Killed three times, at different points of different batches (storing, processing).
        for count in (20, 90, 160):
            poller.start("--once")
            wait_until(lambda count=count: poller.scalar(stored) >= count, timeout=60, every=0.01)
            poller.kill()
        poller.once()

        rows = poller.query("SELECT message_id, status, ticket_id FROM mailagent_inboundemail")
        assert sorted(mid for mid, _, _ in rows) == sorted(message_id_of(n) for n in range(total))
        assert {status for _, status, _ in rows} == {"processed"}
        assert len({ticket for _, _, ticket in rows}) == total
        assert poller.scalar(TICKETS) == total
        assert poller.scalar("SELECT count(*) FROM mailagent_draft") == total
        assert (
            poller.scalar("SELECT count(*) FROM mailagent_auditevent WHERE action='email.received'")
            == total
        )
        assert poller.scalar("SELECT last_uid FROM mailagent_mailboxfolder") == total
