"""The report on the portal, with its history, for staff or through the mail's signed link; and
each run on the record in the admin, read-only."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from mailagent.workflows.models import WorkflowRun
from tests.portal.conftest import page_text
from tests.workflows_kpi.history import at

pytestmark = pytest.mark.django_db


def reports_for(*weeks: str, mode: str = "") -> None:
    with time_machine.travel(at("2026-11-30", "08:00"), tick=False):
        for week in weeks:
            call_command("kpi_report", "--week", week)


def link_in(mail) -> str:
    plain = mail.get_body(("plain",)).get_content()
    return urlsplit(re.search(r"http://testserver(/kpi/r/\S+/)", plain).group(0)).path


def test_staff_see_the_latest_report_and_every_earlier_week(business, smtp_server, staff_client):
    reports_for("2026-W47", "2026-W48")

    page = staff_client.get("/kpi/")

    assert page.status_code == 200
    text = page_text(page)
    assert "weekly report, 2026-W48" in text
    for part in ("1. What changed", "2. Why it might have changed", "3. What to watch"):
        assert part in text
    assert "Collected (USD)" in text and "USD 1,660.25" in text
    history = re.findall(r'href="/kpi/(2026-W\d\d)/"', page.content.decode())
    assert history == ["2026-W48", "2026-W47"]
    older = page_text(staff_client.get("/kpi/2026-W47/"))
    assert "weekly report, 2026-W47" in older


def test_the_page_says_what_the_mail_said(business, smtp_server, staff_client):
    reports_for("2026-W48")
    plain = smtp_server.messages()[-1].get_body(("plain",)).get_content()
    page = page_text(staff_client.get("/kpi/2026-W48/"))

    guesses = re.findall(r"^- (Guess: .+?)\s*$", plain, re.MULTILINE)
    assert guesses
    for line in guesses:
        assert line in page


def test_the_signed_link_in_the_mail_opens_that_report_without_a_login(
    business, smtp_server, client
):
    reports_for("2026-W48")
    path = link_in(smtp_server.messages()[-1])

    page = client.get(path)

    assert page.status_code == 200
    assert "weekly report, 2026-W48" in page_text(page)
    assert 'id="history"' not in page.content.decode()  # the history is for staff


def test_a_changed_or_stale_link_opens_nothing(business, smtp_server, client):
    reports_for("2026-W48")
    path = link_in(smtp_server.messages()[-1])

    assert client.get(path[:-3] + "xx/").status_code == 404
    with time_machine.travel(at("2027-01-15", "08:00")):
        assert client.get(path).status_code == 404
    assert client.get("/kpi/").status_code == 302  # staff only
    assert client.get("/kpi/2026-W48/").status_code == 302


def test_anyone_without_staff_rights_is_sent_to_the_login(client):
    client.force_login(get_user_model().objects.create_user("someone", password="pw"))
    answer = client.get("/kpi/")

    assert answer.status_code == 302
    assert answer["Location"].startswith("/admin/login/?next=/kpi/")


def test_before_the_first_monday_the_page_says_how_to_write_one(staff_client, kpi):
    assert "No report has been written yet" in page_text(staff_client.get("/kpi/"))


def test_the_page_needs_no_inline_script_or_style(business, smtp_server, staff_client):
    reports_for("2026-W48")
    body = staff_client.get("/kpi/").content.decode()

    assert not re.findall(r"<script(?![^>]*\bsrc=)|<style\b|\sstyle=|\son[a-z]+=", body)


def test_the_admin_shows_each_run_read_only_with_what_it_read_and_did(
    business, smtp_server, admin_client
):
    reports_for("2026-W48")
    run = WorkflowRun.objects.get()

    listing = page_text(admin_client.get("/admin/workflows/workflowrun/"))
    assert "kpi_report" in listing and "2026-W48" in listing
    page = admin_client.get(f"/admin/workflows/workflowrun/{run.pk}/change/")
    text = page_text(page).lower()
    assert page.status_code == 200
    for seen in ("inputs (what it read)", "outputs (what it concluded)", "send_report", "low"):
        assert seen in text
    assert "owner@acme.example" in text and "mon 23 to sun 29 nov 2026" in text
    assert '<table class="run-data">' in page.content.decode()
    assert 'name="_save"' not in page.content.decode()
    assert admin_client.post(f"/admin/workflows/workflowrun/{run.pk}/delete/").status_code == 403
