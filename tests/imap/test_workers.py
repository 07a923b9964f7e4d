"""A backlog processed by worker processes: conversations stay together and in order."""

from __future__ import annotations

from mailagent.services.processing.threads import Stored, thread_chains
from mailagent.services.processing.threads import raw_thread_keys as thread_keys
from tests.imap.messages import message_id_of, question


def reply_to(n: int, parent: int) -> bytes:
    return question(
        n,
        sender=f"customer{parent}@shop{parent}.example",
        subject=f"Re: Question about order {1000 + parent}",
        extra_headers=f"In-Reply-To: {message_id_of(parent)}\r\nReferences: "
        f"{message_id_of(parent)}\r\n",
    )


class TestChains:
    def test_a_message_names_its_own_id_its_parents_and_those_of_attached_mail(self):
        raw = (
            reply_to(2, 1)
            + b"\r\n--b\r\nContent-Type: message/rfc822\r\n\r\nMessage-ID: <in@x>\r\n"
        )
        assert thread_keys(raw) == {message_id_of(2).encode(), message_id_of(1).encode(), b"<in@x>"}

    def test_replies_join_their_parents_chain_and_keep_their_order(self):
        stored = [
            Stored(1, thread_keys(question(1))),
            Stored(2, thread_keys(question(2))),
            Stored(3, thread_keys(reply_to(3, 1))),
            Stored(4, thread_keys(reply_to(4, 3))),
        ]
        assert sorted(thread_chains(stored)) == [[1, 3, 4], [2]]


class TestWorkers:
    def test_replies_in_the_same_backlog_as_their_parents_join_their_tickets(
        self, mailbox, make_poller
    ):
        # Parents and replies interleaved, in batches big enough for the worker processes.
        messages = []
        for n in range(30):
            messages.append(question(n))
            messages.append(reply_to(100 + n, n))
        mailbox.append_many(messages)
        poller = make_poller(INGEST_WORKERS="3")

        poller.once()

        assert poller.scalar("SELECT count(*) FROM mailagent_ticket") == 30
        pairs = poller.query(
            "SELECT r.ticket_id, p.ticket_id FROM mailagent_inboundemail r "
            "JOIN mailagent_inboundemail p ON r.in_reply_to = p.message_id"
        )
        assert len(pairs) == 30
        assert all(mine == parents for mine, parents in pairs)
        assert poller.scalar("SELECT count(*) FROM mailagent_draft WHERE status='pending'") == 30

    def test_replies_in_the_next_batches_wait_for_their_parents_still_being_processed(
        self, mailbox, make_poller
    ):
        # A batch is 100 messages, and up to three are processed at once: the replies of the
        # second and third batch are tied to conversations the workers may still be writing.
        mailbox.append_many(
            [question(n) for n in range(100)]
            + [reply_to(200 + n, n) for n in range(100)]
            + [reply_to(400 + n, 200 + n) for n in range(100)]
        )
        poller = make_poller(INGEST_WORKERS="2")

        poller.once()

        assert poller.scalar("SELECT count(*) FROM mailagent_ticket") == 100
        pairs = poller.query(
            "SELECT r.ticket_id, p.ticket_id FROM mailagent_inboundemail r "
            "JOIN mailagent_inboundemail p ON r.in_reply_to = p.message_id"
        )
        assert len(pairs) == 200
        assert all(mine == parents for mine, parents in pairs)
        assert (
            poller.scalar("SELECT count(*) FROM mailagent_auditevent WHERE action='ticket.opened'")
            == 100
        )
        assert poller.scalar("SELECT count(*) FROM mailagent_draft WHERE status='pending'") == 100

    def test_every_escalation_in_a_backlog_tells_the_approvers_once(self, mailbox, make_poller):
        # The workers leave escalation notices to the poller, which sends them once no worker
        # is writing: none may be lost, none sent twice.
        bank = "Please update our bank details: from now on pay into our new account below."
        mailbox.append_many(
            [question(n, body=bank if n % 5 == 0 else "", subject=f"Order {n}") for n in range(150)]
        )
        poller = make_poller(INGEST_WORKERS="2")

        poller.once()

        escalated = poller.query(
            "SELECT id FROM mailagent_ticket WHERE category='bank_detail_change' ORDER BY id"
        )
        assert len(escalated) == 30
        notices = poller.query(
            "SELECT ticket_id, count(*) FROM mailagent_outboundemail WHERE kind='escalation' "
            "GROUP BY ticket_id ORDER BY ticket_id"
        )
        assert notices == [(ticket_id, 1) for (ticket_id,) in escalated]
