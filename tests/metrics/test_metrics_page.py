"""The metrics page: staff only, a table and small charts drawn in the page itself."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model

from mailagent.services.drafts import draft_approve
from mailagent.services.outbound import draft_send
from tests.factories import APPROVER, reply_draft
from tests.portal.conftest import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user("owner", password="pw-for-tests", is_staff=True)
    client.force_login(user)
    return client


def test_anyone_else_is_sent_to_the_admin_login(client):
    answer = client.get("/metrics/")

    assert answer.status_code == 302
    assert answer["Location"].startswith("/admin/login/?next=/metrics/")


def test_a_logged_in_customer_account_without_staff_rights_is_refused(client):
    client.force_login(get_user_model().objects.create_user("someone", password="pw"))

    assert client.get("/metrics/").status_code == 302


def test_staff_see_the_weeks_figures_in_a_table_and_charts(staff_client, settings):
    settings.TIME_ZONE = "UTC"
    with time_machine.travel(datetime(2026, 3, 3, 9, tzinfo=UTC), tick=False):
        draft = reply_draft()
    with time_machine.travel(datetime(2026, 3, 3, 9, 30, tzinfo=UTC), tick=False):
        draft_approve(draft_id=draft.pk, approver=APPROVER)
        draft_send(draft_id=draft.pk)

    with time_machine.travel(datetime(2026, 3, 5, 12, tzinfo=UTC), tick=False):
        answer = staff_client.get("/metrics/?weeks=4")

    assert answer.status_code == 200
    page = answer.content.decode()
    assert page.count('<tr data-week="2026-W10"') == 2
    assert "<svg" in page and page.count("<rect") == 4 * 4 * 2
    text = page_text(answer)
    assert "2026-W10 reply 1 1 6 min" in text
    assert "30 min" in text  # draft ready -> decision


def test_the_portal_home_links_to_the_metrics(client):
    assert 'href="/metrics/"' in client.get("/").content.decode()
