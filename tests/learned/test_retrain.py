"""The nightly retrain of the learned triage: scheduled at TRIAGE_RETRAIN_TIME, it trains only
when a ticket was corrected or approved as drafted since the stored model was, the poller picks
up the new model at its next message, a crash while writing leaves the old model, and a new model
that would do worse on the part kept aside never replaces the stored one."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from io import StringIO
from unittest import mock

import numpy as np
import pytest
from django.core.management import call_command
from django_q.models import Schedule
from django_q.tasks import async_task, fetch

from mailagent.learned.bundled import KEPT_ASIDE, bundled_messages
from mailagent.learned.model import model_read, model_save
from mailagent.learned.store import learned_forget, learned_model
from mailagent.learned.training import Labelled, model_train
from mailagent.models import AuditEvent, Ticket
from mailagent.schedules import schedules_sync
from mailagent.services.audit import audit_record
from mailagent.services.ingest import email_store
from mailagent.services.processing.batch import emails_process
from mailagent.services.triage_retraining import KEPT, RETRAINED, Retrain, triage_model_retrain
from mailagent.services.triage_training import labelled_history_mark, with_rules_reading
from tests.factories import customer_message

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_bundle")]

RETRAIN = "mailagent: retrain the triage model"
NOW = datetime(2026, 12, 4, 2, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def model_path(settings, tmp_path):
    learned_forget()
    settings.TRIAGE_MODEL_PATH = str(tmp_path / "var" / "triage-model.npz")
    yield tmp_path / "var" / "triage-model.npz"
    learned_forget()


def correct(n: int, category: str = "sales_inquiry") -> Ticket:
    """A catering request a person corrected, as the admin or the approval page leaves it."""
    ticket = customer_message(
        subject="Catering", text=f"Could you cater our party for {20 + n} people?",
        message_id=f"<cater-{n}@x>",
    ).ticket  # fmt: skip
    ticket.category = category
    ticket.save(update_fields=["category"])
    audit_record(
        action="ticket.corrected",
        obj=ticket,
        actor="owner@acme.example",
        field="category",
        before="support_question",
        after=category,
    )
    return ticket


def retrain(settings):
    return triage_model_retrain(
        path=settings.TRIAGE_MODEL_PATH, threshold=settings.TRIAGE_MODEL_CONFIDENCE, now=NOW
    )


def test_the_retrain_is_scheduled_nightly_at_the_configured_time(settings):
    schedules_sync()
    assert Schedule.objects.get(name=RETRAIN).cron == "30 2 * * *"
    settings.TRIAGE_RETRAIN_TIME = "23:05"
    assert schedules_sync().updated == [RETRAIN]
    schedule = Schedule.objects.get(name=RETRAIN)
    assert (schedule.func, schedule.cron) == ("mailagent.tasks.retrain_triage", "5 23 * * *")


@pytest.mark.parametrize("off", ["TRIAGE_RETRAIN_TIME", "TRIAGE_MODEL_PATH"])
def test_no_retrain_is_scheduled_without_a_time_or_a_model_path(settings, off):
    schedules_sync()
    setattr(settings, off, "")
    assert schedules_sync().removed == [RETRAIN]


def test_with_nothing_new_nothing_is_trained_and_it_says_so_at_info(settings, model_path, caplog):
    correct(1)
    call_command("train_triage", stdout=StringIO())
    written = model_path.stat().st_mtime_ns
    with caplog.at_level(logging.INFO, logger="mailagent.services"):
        report = retrain(settings)
    assert report.outcome is Retrain.NOTHING_NEW and report.training is None
    assert model_path.stat().st_mtime_ns == written
    assert model_read(model_path).version == 1
    said = [r for r in caplog.records if "no ticket corrected or approved" in r.getMessage()]
    assert [r.levelno for r in said] == [logging.INFO]
    assert not AuditEvent.objects.filter(action__in=[RETRAINED, KEPT]).exists()


def test_an_installation_with_no_labelled_tickets_trains_nothing(settings, model_path):
    assert retrain(settings).outcome is Retrain.NOTHING_NEW
    assert not model_path.exists()


def test_a_new_correction_retrains_and_the_running_poller_reads_the_new_model(settings, model_path):
    correct(1)
    call_command("train_triage", stdout=StringIO())
    assert learned_model(model_path).version == 1  # what the poller holds
    correct(2)

    report = retrain(settings)

    assert report.outcome is Retrain.REPLACED
    stored = model_read(model_path)
    assert (stored.version, stored.labelled_until) == (2, labelled_history_mark())
    assert learned_model(model_path).version == 2
    # The next pass over the inbox triages with it.
    raw = (
        b"From: sam@bakery.example\r\nTo: agent@acme.example\r\nSubject: Catering\r\n"
        b"Message-ID: <next@bakery.example>\r\n\r\nCould you cater our party?\r\n"
    )
    email = email_store(source="test", source_key="next", raw=raw)
    emails_process(email_ids=[email.pk])
    email.refresh_from_db()
    assert email.ticket.model_version == 2
    event = AuditEvent.objects.get(action=RETRAINED)
    assert event.details["model"] == "model v2" and "model v2" in event.summary
    assert retrain(settings).outcome is Retrain.NOTHING_NEW


def test_the_scheduled_task_runs_through_the_queue(settings, model_path):
    correct(1)
    schedules_sync()
    func = Schedule.objects.get(name=RETRAIN).func
    with mock.patch("django_q.conf.Conf.SYNC", True):
        task_id = async_task(func, sync=True)
    assert fetch(task_id).result == "replaced"
    assert model_read(model_path).version == 1


def _beats_everything(path) -> None:
    """A stored model that cannot be beaten on the part kept aside: it was trained on it."""
    aside = [
        with_rules_reading(
            Labelled(subject=m.subject, body=m.text, staff_note=m.staff_note,
                     category=m.category, high_risk=m.high_risk)
        )
        for m in bundled_messages()
        if m.set in KEPT_ASIDE
    ]  # fmt: skip
    model_save(model_train(aside, version=7), path)


def test_a_new_model_that_does_worse_never_replaces_the_stored_one(settings, model_path, caplog):
    _beats_everything(model_path)
    before = model_path.read_bytes()
    correct(1)

    with caplog.at_level(logging.INFO, logger="mailagent.services"):
        report = retrain(settings)

    assert report.outcome is Retrain.KEPT
    assert model_path.read_bytes() == before
    assert learned_model(model_path).version == 7
    event = AuditEvent.objects.get(action=KEPT)
    assert event.summary.startswith("Triage model kept model v7: model v8 would do worse")
    assert event.details["accuracy"] < event.details["accuracy_before"] or (
        event.details["high_risk_recall"] < event.details["high_risk_recall_before"]
    )
    assert any("kept model v7" in r.getMessage() for r in caplog.records)
    # The same history is not tried again the next night; a new correction is.
    assert retrain(settings).outcome is Retrain.NOTHING_NEW
    correct(2)
    assert retrain(settings).outcome is Retrain.KEPT


def test_an_unreadable_stored_model_is_replaced(settings, model_path):
    model_path.parent.mkdir(parents=True)
    model_path.write_bytes(b"PK\x03\x04 truncated")
    correct(1)
    report = retrain(settings)
    assert report.outcome is Retrain.REPLACED
    assert "no readable model to compare with" in report.reason
    assert model_read(model_path).version == 1


def test_a_crash_while_writing_leaves_the_old_model_whole(settings, model_path):
    correct(1)
    call_command("train_triage", stdout=StringIO())
    before = model_path.read_bytes()
    correct(2)

    def half_written(fh, **arrays):
        fh.write(b"PK\x03\x04 half a model")
        raise OSError(28, "No space left on device")

    with mock.patch.object(np, "savez_compressed", half_written), pytest.raises(OSError):
        retrain(settings)

    assert model_path.read_bytes() == before
    assert model_read(model_path).version == 1
    assert sorted(p.name for p in model_path.parent.iterdir()) == [model_path.name]
    assert retrain(settings).outcome is Retrain.REPLACED  # the next night tries again


def test_a_retrain_may_lose_one_answer_kept_aside_but_never_a_high_risk_message():
    from mailagent.learned.scoring import Scored, Scores
    from mailagent.services.triage_retraining import _worse

    def scores(right: int, caught: int) -> Scores:
        examples = [
            Labelled(subject="s", body=f"b{i}", category="complaint", high_risk=i < 4)
            for i in range(10)
        ]
        return Scores(
            "x",
            tuple(
                Scored(e, "complaint" if i < right else "other", to_person=i < caught)
                for i, e in enumerate(examples)
            ),
        )

    assert _worse(scores(9, 4), scores(10, 4)) == ""
    assert "accuracy" in _worse(scores(8, 4), scores(10, 4))
    assert "high-risk recall" in _worse(scores(10, 3), scores(10, 4))
