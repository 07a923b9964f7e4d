"""The weekly run over real-shaped exports: what it suggests, with what evidence, and what it
leaves alone."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from mailagent.models import Customer, Invoice, Ticket
from mailagent.workflows.crm.models import CrmSuggestion
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.runner import workflow_run

NOW = datetime(2026, 12, 1, 6, 0, tzinfo=ZoneInfo("America/New_York"))


def _run():
    return workflow_run(name="crm_cleanup", now=NOW, trigger="schedule")


def _titles() -> list[str]:
    return list(CrmSuggestion.objects.values_list("title", flat=True))


def test_the_same_person_under_two_spellings_is_suggested_as_a_merge_with_evidence(crm):
    run = _run()
    assert run.status == WorkflowRun.Status.DONE
    merge = CrmSuggestion.objects.get(kind="merge")
    assert merge.title == "Merge Blue Harbour Marina Inc into Blue Harbor Marina"
    evidence = " ".join(merge.evidence)
    assert "the same person's name, spelled differently" in evidence
    assert "the same company domain (blueharbormarina.example)" in evidence
    assert (
        "Blue Harbor Marina (Dana Whitfield): dana.whitfield@blueharbormarina.example; 2 invoices"
        in evidence
    )


def test_different_people_at_the_same_company_are_not_merged(crm):
    _run()
    assert not [t for t in _titles() if "Harbor Dental" in t and t.startswith("Merge")]


def test_missing_unreachable_bounced_and_new_senders_each_get_a_suggestion(crm):
    _run()
    titles = _titles()
    assert "Miller & Sons Hardware owes overdue invoices and no reminder can reach them" in titles
    assert "Sunrise Bakery owes overdue invoices and no reminder can reach them" in titles
    assert "Remove ana@sunrisebakery.example from Sunrise Bakery: mail to it bounced" in titles
    assert "Make Lee Chen a customer" in titles
    assert (
        "Add office@harbordental.example to Harbor Dental Group and file their tickets under it"
        in titles
    )
    # Pine Studio has no address, but a sender signs with its contact's name: one suggestion.
    assert [t for t in titles if "ola@gmail.com" in t] == [
        "Add ola@gmail.com to Pine Studio and file their tickets under it"
    ]
    bounced = CrmSuggestion.objects.get(kind="remove_bounced")
    assert "550 5.1.1 mailbox unavailable" in bounced.evidence[0]
    unreachable = CrmSuggestion.objects.get(title__startswith="Miller")
    assert "1052: USD 410.00, due 2026-11-04" in unreachable.evidence[-1]


def test_a_run_changes_no_record_and_a_second_run_suggests_nothing_twice(crm):
    before = list(Customer.objects.order_by("id").values())
    _run()
    count = CrmSuggestion.objects.count()
    second = _run()
    assert CrmSuggestion.objects.count() == count
    assert second.actions[0]["result"] == {"new": 0, "already_suggested": count}
    assert list(Customer.objects.order_by("id").values()) == before


def test_shadow_mode_lists_the_suggestions_and_keeps_none(crm, tmp_path, capsys):
    from django.core.management import call_command

    before = list(Customer.objects.order_by("id").values())
    tickets = list(Ticket.objects.order_by("id").values())
    call_command("shadow", workflow="crm_cleanup", out=tmp_path)
    out = capsys.readouterr().out
    assert "Nothing was sent and nothing was changed" in out
    assert "Merge Blue Harbour Marina Inc into Blue Harbor Marina" in out
    assert CrmSuggestion.objects.count() == 0
    assert list(Customer.objects.order_by("id").values()) == before
    assert list(Ticket.objects.order_by("id").values()) == tickets
    assert Invoice.objects.filter(customer__name="Blue Harbour Marina Inc").count() == 1
    run = WorkflowRun.objects.get(workflow="crm_cleanup")
    assert run.mode == "shadow" and run.actions[0]["decision"] == "record"
