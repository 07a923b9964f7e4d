"""Only one poller at a time works a mailbox folder; when it dies, another takes over."""

from __future__ import annotations

import pytest

from mailagent.services.leases import (
    folder_lease_acquire,
    folder_lease_holder,
    folder_lease_release,
)
from tests.imap.conftest import wait_until
from tests.imap.messages import message_id_of, question

LEASE = "SELECT lease_owner FROM mailagent_mailboxfolder WHERE lease_owner != ''"
FAST = {
    "POLL_INTERVAL": "600",
    "IMAP_IDLE_RENEW_SECONDS": "1",
    "IMAP_LEASE_MARGIN_SECONDS": "2",
}


def ticketed(poller, n: int) -> bool:
    return bool(
        poller.query(
            "SELECT 1 FROM mailagent_inboundemail WHERE message_id = ? AND ticket_id IS NOT NULL",
            message_id_of(n),
        )
    )


def test_two_pollers_on_one_folder_one_works_it_and_the_other_takes_over(
    mailbox, make_poller, tmp_path
):
    first = make_poller(**FAST)
    second = make_poller(**FAST)
    second.log = tmp_path / "second.log"
    first.start()
    wait_until(lambda: first.query(LEASE), timeout=20)
    second.start()
    holder = first.query(LEASE)[0][0]
    assert f":{first.process.pid}:" in holder

    for n in range(1, 6):
        mailbox.append(question(n))
    wait_until(lambda: all(ticketed(first, n) for n in range(1, 6)), timeout=20)
    assert first.scalar("SELECT count(*) FROM mailagent_inboundemail") == 5
    assert first.query(LEASE)[0][0] == holder  # the second poller never got the folder
    # The pass prints its summary after its last ticket is committed (and its approval requests
    # sent): wait for it rather than race it.
    wait_until(lambda: "new message(s) stored" in first.output(), timeout=20)
    assert "new message(s) stored" not in second.output()

    first.kill()  # kill -9: its lease is never released, it runs out
    mailbox.append(question(6))
    wait_until(lambda: ticketed(second, 6), timeout=20)
    assert f":{second.process.pid}:" in second.query(LEASE)[0][0]
    assert second.scalar("SELECT count(*) FROM mailagent_inboundemail") == 6
    assert second.scalar("SELECT count(*) FROM mailagent_ticket") == 6
    assert second.stop() == 0


@pytest.mark.django_db
def test_a_lease_is_taken_renewed_refused_and_lapses():
    source = "imap:agent@mail.example:993/INBOX"
    assert folder_lease_acquire(source=source, owner="a", seconds=60)
    assert folder_lease_acquire(source=source, owner="a", seconds=60)  # renewal
    assert not folder_lease_acquire(source=source, owner="b", seconds=60)
    assert folder_lease_holder(source=source) == "a"
    folder_lease_release(source=source, owner="b")  # not b's to release
    assert folder_lease_holder(source=source) == "a"
    folder_lease_release(source=source, owner="a")
    assert folder_lease_acquire(source=source, owner="b", seconds=-1)  # already lapsed
    assert folder_lease_holder(source=source) == ""
    assert folder_lease_acquire(source=source, owner="a", seconds=60)


@pytest.mark.django_db
def test_a_lease_left_by_a_dead_process_on_this_machine_is_taken_at_once():
    import socket
    import subprocess

    gone = subprocess.Popen(["true"])
    gone.wait()
    source = "imap:agent@mail.example:993/INBOX"
    dead = f"{socket.gethostname()}:{gone.pid}:1"
    assert folder_lease_acquire(source=source, owner=dead, seconds=600)
    assert folder_lease_acquire(source=source, owner="me", seconds=60)
    # A live holder elsewhere is respected.
    assert folder_lease_acquire(source=source, owner="other-host:1:1", seconds=-1) is False
