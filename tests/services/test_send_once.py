"""An approved draft leaves once, however many workers or clicks try to send it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mailagent.integrations import transport as transport_module
from mailagent.models import Draft, OutboundEmail
from mailagent.services import delivery
from mailagent.services.outbound import draft_send
from tests.factories import approved, customer_message, reply_draft


class HeldTransport:
    """The real transport, held at the moment of hand-over until the test lets it go.

    The test database is SQLite in shared-cache memory, which reports "table is locked" rather
    than waiting when two threads write at once; holding the first worker mid-delivery races the
    second against the claim without racing the test database's locks.
    """

    entered = threading.Event()
    release = threading.Event()

    def __init__(self, **options) -> None:
        self.inner = transport_module.mail_transport(**options)
        self.name = self.inner.name

    def deliver(self, raw, **envelope):
        self.entered.set()
        self.release.wait(timeout=10)
        return self.inner.deliver(raw, **envelope)


def in_thread(
    draft_id: int, results: dict, key: str, start: threading.Barrier | None = None
) -> threading.Thread:
    def work() -> None:
        try:
            if start is not None:
                start.wait(timeout=10)
            results[key] = draft_send(draft_id=draft_id).status
        except Exception as exc:  # reported by the test's assertions
            results[key] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    return thread


@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_draft_deliver_one_message(smtp_server, monkeypatch):
    HeldTransport.entered.clear()
    HeldTransport.release.clear()
    monkeypatch.setattr(delivery, "mail_transport", HeldTransport)
    draft = approved(reply_draft())
    results: dict[str, object] = {}

    first = in_thread(draft.pk, results, "first")
    assert HeldTransport.entered.wait(timeout=10), "the first worker never reached the transport"
    second = in_thread(draft.pk, results, "second")
    second.join(timeout=5)
    HeldTransport.release.set()
    first.join(timeout=10)

    assert results == {"first": Draft.Status.SENT, "second": Draft.Status.SENDING}
    assert len(smtp_server.received) == 1
    assert OutboundEmail.objects.filter(draft=draft).count() == 1
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.SENT


@pytest.mark.django_db(transaction=True)
def test_workers_released_at_the_same_instant_deliver_one_message(smtp_server):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite's shared-cache test database reports locks instead of waiting")
    for n in range(5):
        draft = approved(reply_draft(email=customer_message(message_id=f"<q{n}@customer.example>")))
        start, results = threading.Barrier(4), {}

        workers = [in_thread(draft.pk, results, f"w{i}", start) for i in range(4)]
        for worker in workers:
            worker.join(timeout=15)

        assert not [r for r in results.values() if isinstance(r, Exception)], results
        assert list(results.values()).count(Draft.Status.SENT) >= 1, results
    assert len(smtp_server.received) == 5
    assert OutboundEmail.objects.count() == 5


@pytest.mark.django_db(transaction=True)
def test_a_worker_failing_between_claim_and_record_leaves_the_draft_to_the_next(
    smtp_server, monkeypatch
):
    # The database goes away after the draft is claimed, before what will be sent is stored: the
    # claim must not survive on its own, or the draft would sit "sending" with nothing recorded
    # and no retry would ever find it.
    from django.db import OperationalError

    from mailagent.services import outbound

    draft = approved(reply_draft())

    def lost(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patch:
        patch.setattr(outbound, "compose", lost)
        with pytest.raises(OperationalError):
            draft_send(draft_id=draft.pk)

    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.APPROVED
    assert OutboundEmail.objects.filter(draft=draft).count() == 0
    assert smtp_server.received == []

    assert draft_send(draft_id=draft.pk).status == Draft.Status.SENT
    assert draft_send(draft_id=draft.pk).status == Draft.Status.SENT
    assert len(smtp_server.received) == 1
