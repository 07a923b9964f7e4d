"""Correcting a ticket's triage from its admin page: one click per correction, for staff who may
change tickets, audited with their name like the approval page's, and under the same policy."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from mailagent.models import AuditEvent, Draft, Ticket
from tests.conftest import outbox_messages
from tests.factories import reply_draft
from tests.portal.test_content_security_policy import assert_strict

pytestmark = pytest.mark.django_db

STAFF = "clerk@acme.example"


def user(*, staff: bool, permissions: tuple[str, ...] = ()) -> Client:
    person = get_user_model().objects.create_user(
        username=STAFF, email=STAFF, password="x", is_staff=staff
    )
    person.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    client = Client()
    client.force_login(person)
    return client


def change_page(ticket: Ticket) -> str:
    return reverse("admin:mailagent_ticket_change", args=[ticket.pk])


def correct_url(ticket: Ticket) -> str:
    return reverse("admin:mailagent_ticket_correct", args=[ticket.pk])


def triage_of(ticket: Ticket) -> tuple:
    ticket = Ticket.objects.get(pk=ticket.pk)
    return ticket.category, ticket.urgency, ticket.needs_human, ticket.status, ticket.risk


def corrections() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="ticket.corrected").order_by("id"))


def test_staff_who_may_change_tickets_correct_the_category_with_one_click():
    ticket = reply_draft().ticket
    clerk = user(staff=True, permissions=("view_ticket", "change_ticket"))
    page = clerk.get(change_page(ticket)).content.decode()
    assert f'action="{correct_url(ticket)}" class="one-click"' in page
    assert 'name="value" value="complaint" class="button">complaint</button>' in page

    answer = clerk.post(
        correct_url(ticket), {"field": "category", "value": "complaint", "seen": "support_question"}
    )

    assert answer.status_code == 302 and answer["Location"] == change_page(ticket)
    assert triage_of(ticket)[0] == "complaint"
    [event] = corrections()
    assert (event.actor, event.actor_kind, event.details["via"]) == (STAFF, "person", "admin")
    assert (event.details["before"], event.details["after"]) == ("support_question", "complaint")
    shown = clerk.get(change_page(ticket)).content.decode()
    assert "The category is now complaint (was support question)" in shown
    assert "Corrected the category: support question -&gt; complaint (admin)" in shown


def test_a_high_risk_correction_in_the_admin_withdraws_the_pending_draft(
    admin_client, settings, django_capture_on_commit_callbacks
):
    draft = reply_draft()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            correct_url(draft.ticket), {"field": "category", "value": "refund_request"}
        )

    assert triage_of(draft.ticket)[3:] == ("escalated", "high")
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.REJECTED
    assert [m["Subject"] for m in outbox_messages(settings)] == [
        "[Needs a person] Where is my order?"
    ]


def test_opening_the_correction_address_changes_nothing(admin_client):
    ticket = reply_draft().ticket
    before = triage_of(ticket)

    answer = admin_client.get(correct_url(ticket) + "?field=category&value=refund_request")

    assert answer.status_code == 405
    assert triage_of(ticket) == before and corrections() == []


def test_staff_who_may_only_view_tickets_see_no_buttons_and_are_refused():
    ticket = reply_draft().ticket
    viewer = user(staff=True, permissions=("view_ticket",))
    before = triage_of(ticket)

    page = viewer.get(change_page(ticket))
    answer = viewer.post(correct_url(ticket), {"field": "needs_human", "value": "yes"})

    assert page.status_code == 200 and b'class="one-click"' not in page.content
    assert answer.status_code == 403
    assert triage_of(ticket) == before and corrections() == []


def test_someone_who_is_not_staff_is_sent_to_the_login_and_changes_nothing():
    ticket = reply_draft().ticket
    outsider = user(staff=False, permissions=("view_ticket", "change_ticket"))
    before = triage_of(ticket)

    answer = outsider.post(correct_url(ticket), {"field": "category", "value": "refund_request"})
    anonymous = Client().post(correct_url(ticket), {"field": "category", "value": "refund_request"})

    assert answer.status_code == 302 and answer["Location"].startswith("/admin/login/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/admin/login/")
    assert triage_of(ticket) == before and corrections() == []


def test_a_value_that_does_not_exist_changes_nothing_and_says_so(admin_client):
    ticket = reply_draft().ticket

    answer = admin_client.post(
        correct_url(ticket), {"field": "urgency", "value": "yesterday"}, follow=True
    )

    assert (
        "Nothing changed: &#x27;yesterday&#x27; is not a possible urgency."
        in answer.content.decode()
    )
    assert corrections() == []


class FormFields(HTMLParser):
    """What a browser would submit from the ticket's form as the page shows it."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}
        self._inside = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self._inside = a.get("id") == "ticket_form"
        if not self._inside or "name" not in a:
            if tag == "option" and self._select and "selected" in a:
                self.fields[self._select] = a.get("value", "")
            return
        if tag == "input" and a.get("type") not in ("submit", "checkbox"):
            self.fields[a["name"]] = a.get("value", "")
        elif tag == "input" and "checked" in a:
            self.fields[a["name"]] = "on"
        elif tag == "select":
            self._select = a["name"]
            self.fields.setdefault(a["name"], "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.fields[a["name"]] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea] += data.removeprefix("\n")


def form_fields(page: str) -> dict[str, str]:
    parser = FormFields()
    parser.feed(page)
    return parser.fields


def test_ticking_needs_a_person_in_the_form_is_a_correction_and_other_changes_still_recorded(
    admin_client,
):
    draft = reply_draft()
    ticket = draft.ticket
    fields = form_fields(admin_client.get(change_page(ticket)).content.decode())
    assert "needs_human" not in fields and fields["subject"] == "Where is my order?"

    answer = admin_client.post(
        change_page(ticket), fields | {"subject": "Order 1187 missing", "needs_human": "on"}
    )

    assert answer.status_code == 302, answer.content.decode()[:2000]
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.subject, saved.needs_human, saved.status) == (
        "Order 1187 missing",
        True,
        "escalated",
    )
    assert Draft.objects.get(pk=draft.pk).status == Draft.Status.REJECTED
    [correction] = corrections()
    assert (correction.details["field"], correction.details["after"]) == ("needs_human", True)
    changed = AuditEvent.objects.get(action="ticket.changed", ticket=ticket)
    assert changed.details == {"changed": {"subject": "Order 1187 missing"}}


def test_the_ticket_page_with_its_buttons_keeps_to_the_content_security_policy(admin_client):
    ticket = reply_draft().ticket

    page = admin_client.get(change_page(ticket))

    assert page.status_code == 200 and b'id="corrections"' in page.content
    assert_strict(page)
    assert not re.search(rb"\sstyle=", page.content)
