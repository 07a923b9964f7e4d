"""The weekly KPI report's tests share one business: its settings, and five weeks of history
built at fixed moments (`history`)."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from mailagent.conf import Mode
from tests.workflows_kpi.history import accounting_history, sales_folder, support_history

RECIPIENTS = ["owner@acme.example", "bookkeeper@acme.example"]


@pytest.fixture
def kpi(settings, tmp_path):
    settings.TIME_ZONE = "America/New_York"
    settings.KPI_REPORT_MODE = Mode.AUTO
    settings.REPORT_RECIPIENTS = RECIPIENTS
    settings.SALES_EXPORT_DIR = str(sales_folder(tmp_path / "sales"))
    settings.DEFAULT_CURRENCY = "USD"
    settings.MINUTES_SAVED_PER_REPLY = 6
    settings.MINUTES_SAVED_PER_REMINDER = 10
    settings.MINUTES_SAVED_PER_TRIAGE = 2
    return settings


@pytest.fixture
def business(kpi):
    """Six Sunday exports, a week of mail and the shop's orders, as of Monday 30 November."""
    accounting_history()
    support_history()
    return kpi


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_user("owner", password="pw-for-tests", is_staff=True)
    client.force_login(user)
    return client
