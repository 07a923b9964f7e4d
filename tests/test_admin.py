"""The admin is a trail people can read and cannot rewrite."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mailagent.models import AuditEvent
from mailagent.services.audit import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return audit_record(action="draft.approved", actor="owner@acme.example", summary="Approved")


def test_events_are_listed_and_readable(admin_client, event):
    page = admin_client.get(reverse("admin:mailagent_auditevent_changelist"))
    assert page.status_code == 200
    assert b"draft.approved" in page.content
    detail = admin_client.get(reverse("admin:mailagent_auditevent_change", args=[event.pk]))
    assert detail.status_code == 200


def test_events_cannot_be_changed_added_or_deleted_from_the_admin(admin_client, event):
    change = reverse("admin:mailagent_auditevent_change", args=[event.pk])
    assert admin_client.post(change, {"action": "forged", "actor": "x"}).status_code == 403
    assert admin_client.get(reverse("admin:mailagent_auditevent_add")).status_code == 403
    delete = reverse("admin:mailagent_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        reverse("admin:mailagent_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    event.refresh_from_db()
    assert event.action == "draft.approved"
    assert AuditEvent.objects.count() == 1


def test_events_cannot_be_rewritten_in_code_either(event):
    event.summary = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()


def test_bulk_updates_and_deletes_of_events_are_refused(event):
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="rewritten")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
