"""The magic-link pages refuse a flood, per link and per address, and change nothing doing it."""

from __future__ import annotations

import pytest
from django.test import Client

from mailagent.models import ApprovalLink, Draft
from mailagent.services.approvals import approval_link_issue
from mailagent.services.drafts import draft_create

pytestmark = pytest.mark.django_db


def link_path(settings) -> str:
    draft = draft_create(ticket=None, kind="reply", to=["c@x.example"], subject="Re: x", body="Hi")
    url = approval_link_issue(draft=draft, approver="owner@acme.example").url
    return url.removeprefix(settings.PORTAL_BASE_URL)


def test_one_link_opened_too_often_is_refused_for_a_while(settings):
    settings.PORTAL_RATE_PER_TOKEN = "5/m"
    path = link_path(settings)
    client = Client()
    statuses = [client.get(path).status_code for _ in range(7)]
    assert statuses == [200] * 5 + [429, 429]
    page = client.get(path)
    assert page["Retry-After"] == "60"
    assert b"Too many attempts" in page.content
    # A POST is refused the same way, and acts on nothing.
    assert client.post(path, {"action": "approve"}).status_code == 429
    assert Draft.objects.get().status == Draft.Status.PENDING
    assert not ApprovalLink.objects.filter(used_at__isnull=False).exists()


def test_one_address_probing_many_links_is_refused(settings):
    settings.PORTAL_RATE_PER_ADDRESS = "3/m"
    client = Client()
    statuses = [client.get(f"/review/{n}/not-a-token/").status_code for n in range(5)]
    assert statuses == [400, 400, 400, 429, 429]
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get("/review/1/not-a-token/").status_code == 400
