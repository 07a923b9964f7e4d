"""A person's accept and reject on the portal (POST with CSRF, staff only, once), and an
accepted merge moving invoices, tickets and history, undone from the admin exactly."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.test import Client

from mailagent.models import AuditEvent, Customer, Draft, Invoice, Ticket
from mailagent.workflows.crm.decisions import merged_into
from mailagent.workflows.crm.models import CrmSuggestion
from tests.workflows_crm.test_suggestions import _run


def _state() -> dict:
    return {
        "customers": list(Customer.objects.order_by("id").values()),
        "invoices": list(Invoice.objects.order_by("id").values("id", "customer_id")),
        "tickets": list(Ticket.objects.order_by("id").values("id", "customer_id")),
        "drafts": list(Draft.objects.order_by("id").values("id", "customer_id")),
    }


def _merge() -> CrmSuggestion:
    return CrmSuggestion.objects.get(kind="merge")


def _decide(client, suggestion, decision="accept"):
    return client.post(f"/crm/{suggestion.pk}/decide/", {"decision": decision})


def test_staff_see_each_suggestion_with_its_evidence_and_looking_changes_nothing(crm, staff_client):
    _run()
    before = _state()
    page = staff_client.get("/crm/").content.decode()
    assert "Merge Blue Harbour Marina Inc into Blue Harbor Marina" in page
    assert "the same company domain (blueharbormarina.example)" in page
    assert "csrfmiddlewaretoken" in page
    assert _state() == before
    assert set(CrmSuggestion.objects.values_list("status", flat=True)) == {"pending"}


def test_anyone_but_staff_is_refused_and_nothing_changes(crm, client):
    _run()
    before = _state()
    assert client.get("/crm/").status_code == 302
    assert _decide(client, _merge()).status_code == 302  # to the login
    client.force_login(get_user_model().objects.create_user("someone", password="pw"))
    assert _decide(client, _merge()).status_code == 302
    assert _merge().status == "pending" and _state() == before


def test_a_post_without_the_csrf_token_is_refused(crm):
    _run()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(get_user_model().objects.create_user("boss", password="pw", is_staff=True))
    assert _decide(strict, _merge()).status_code == 403
    assert _merge().status == "pending"


def test_a_get_on_the_decision_changes_nothing(crm, staff_client):
    _run()
    before = _state()
    assert staff_client.get(f"/crm/{_merge().pk}/decide/?decision=accept").status_code == 405
    assert _merge().status == "pending" and _state() == before


def test_an_accepted_merge_moves_invoices_tickets_drafts_and_history(crm, staff_client):
    _run()
    keep = Customer.objects.get(name="Blue Harbor Marina")
    gone = Customer.objects.get(name="Blue Harbour Marina Inc")
    draft = Draft.objects.create(
        kind=Draft.Kind.REMINDER, customer=gone, subject="Invoice 1061", body="Please pay."
    )
    answer = _decide(staff_client, _merge())
    assert answer.status_code == 302
    assert not Customer.objects.filter(pk=gone.pk).exists()
    assert sorted(keep.invoices.values_list("number", flat=True)) == ["1061", "1062", "1063"]
    assert keep.tickets.get().subject == "Slip 14 invoice"
    draft.refresh_from_db()
    assert draft.customer_id == keep.pk
    keep.refresh_from_db()
    assert keep.emails == [
        "dana.whitfield@blueharbormarina.example",
        "d.whitfield@blueharbormarina.example",
    ]
    assert merged_into(keep) == [gone.pk]  # its history stays reachable from the survivor
    merge = _merge()
    assert (merge.status, merge.decided_by) == ("accepted", "owner@brightline.example")
    assert merge.decided_at is not None
    event = AuditEvent.objects.get(action="customer.merged")
    assert event.actor == "owner@brightline.example" and event.target_id == keep.pk
    page = staff_client.get("/crm/").content.decode()
    assert "owner@brightline.example" in page


def test_a_second_click_changes_nothing(crm, staff_client):
    _run()
    _decide(staff_client, _merge())
    after = _state()
    answer = staff_client.post(f"/crm/{_merge().pk}/decide/", {"decision": "reject"}, follow=True)
    assert "Nothing changed" in answer.content.decode()
    assert _merge().status == "accepted" and _state() == after
    assert AuditEvent.objects.filter(action="crm.accepted").count() == 1


def test_a_rejected_suggestion_changes_nothing_and_is_not_made_again(crm, staff_client):
    _run()
    before = _state()
    _decide(staff_client, _merge(), "reject")
    assert _merge().status == "rejected" and _state() == before
    _run()
    assert CrmSuggestion.objects.filter(kind="merge").count() == 1
    assert AuditEvent.objects.get(action="crm.rejected").actor == "owner@brightline.example"


def test_undo_from_the_admin_restores_the_merge_exactly(crm, staff_client, admin_client):
    _run()
    gone = Customer.objects.get(name="Blue Harbour Marina Inc")
    Draft.objects.create(kind=Draft.Kind.REMINDER, customer=gone, subject="1061", body="Pay.")
    before = _state()
    _decide(staff_client, _merge())
    assert _state() != before
    answer = admin_client.post(
        "/admin/workflows/crmsuggestion/",
        {"action": "undo", "_selected_action": [_merge().pk]},
        follow=True,
    )
    assert "Undone: Merge Blue Harbour Marina Inc" in answer.content.decode()
    assert _state() == before
    assert _merge().status == "undone"
    assert AuditEvent.objects.filter(action="customer.merge_undone", target_id=gone.pk).exists()


def test_undo_refuses_when_the_records_moved_on(crm, staff_client, admin_client):
    _run()
    _decide(staff_client, _merge())
    Customer.objects.create(key="blue harbour marina inc", name="Blue Harbour Marina Inc")
    after = _state()
    answer = admin_client.post(
        "/admin/workflows/crmsuggestion/",
        {"action": "undo", "_selected_action": [_merge().pk]},
        follow=True,
    )
    assert "not undone" in answer.content.decode()
    assert _state() == after and _merge().status == "accepted"


def test_accepting_a_fix_changes_just_that_and_undo_puts_it_back(crm, staff_client, admin_client):
    _run()
    before = _state()
    fix = CrmSuggestion.objects.get(kind="remove_bounced")
    _decide(staff_client, fix)
    assert Customer.objects.get(name="Sunrise Bakery").emails == []
    link = CrmSuggestion.objects.get(kind="link_sender", title__contains="harbordental")
    _decide(staff_client, link)
    dental = Customer.objects.get(name="Harbor Dental Group")
    assert "office@harbordental.example" in dental.emails
    assert dental.tickets.get().subject == "Appointment"
    admin_client.post(
        "/admin/workflows/crmsuggestion/",
        {"action": "undo", "_selected_action": [fix.pk, link.pk]},
    )
    assert _state() == before


def test_the_next_import_after_a_merge_files_the_old_name_under_the_survivor(crm, staff_client):
    from datetime import date

    from mailagent.models import CustomerAlias
    from mailagent.services.invoices import export_import
    from tests.workflows_crm.conftest import AGING, CONTACTS

    _run()
    keep = Customer.objects.get(name="Blue Harbor Marina")
    _decide(staff_client, _merge())
    # The accounting package still has both names: the next exports list the old one.
    for name, text in (("contacts.csv", CONTACTS), ("aging.csv", AGING)):
        export_import(data=text.encode("utf-8"), file_name=name, today=date(2026, 12, 2))
    assert not Customer.objects.filter(name="Blue Harbour Marina Inc").exists()
    assert sorted(keep.invoices.values_list("number", flat=True)) == ["1061", "1062", "1063"]
    assert CustomerAlias.objects.get().customer == keep


def test_undoing_a_merge_lets_the_old_name_stand_for_itself_again(crm, staff_client, admin_client):
    from mailagent.models import CustomerAlias

    _run()
    _decide(staff_client, _merge())
    admin_client.post(
        "/admin/workflows/crmsuggestion/", {"action": "undo", "_selected_action": [_merge().pk]}
    )
    assert not CustomerAlias.objects.exists()
    assert Customer.objects.filter(name="Blue Harbour Marina Inc").exists()


def test_the_survivor_s_admin_page_shows_the_absorbed_customer_s_history(
    crm, staff_client, admin_client
):
    from mailagent.services.audit import audit_record

    _run()
    keep = Customer.objects.get(name="Blue Harbor Marina")
    gone = Customer.objects.get(name="Blue Harbour Marina Inc")
    audit_record(
        action="reminders.paused",
        obj=gone,
        actor="owner@brightline.example",
        summary="Paused while they move office",
    )
    _decide(staff_client, _merge())
    page = admin_client.get(f"/admin/mailagent/customer/{keep.pk}/change/").content.decode()
    assert "Paused while they move office" in page
