"""Every page is sent with a strict Content-Security-Policy, and no page needs more than it allows:
a script or style slipped into a page (say, in an email's text) would not run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mailagent.services.batch_approvals import batch_link_issue
from tests.factories import APPROVER, customer_message, reminder_draft, reply_draft, review_path
from tests.portal.conftest import open_and_post

ROOT = Path(__file__).resolve().parents[2]
STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
# What would let injected markup act anyway: inline script or style, event handlers, javascript:
# links. The email templates are not pages and are not checked.
_INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.IGNORECASE
)

pytestmark = pytest.mark.django_db


def policy(response) -> dict[str, list[str]]:
    """The enforced policy of a response, directive by directive."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def assert_strict(response) -> None:
    found = policy(response)
    assert {name: found.get(name) for name in STRICT} == STRICT
    assert "'unsafe-inline'" not in str(found) and "'unsafe-eval'" not in str(found)


def inline_code(response) -> list[str]:
    return _INLINE.findall(response.content.decode())


def approve_all_path() -> str:
    url = batch_link_issue(drafts=[reply_draft(), reminder_draft()], approver=APPROVER)
    return urlsplit(url).path


def test_the_approval_page_is_sent_with_a_strict_policy_and_needs_nothing_inline(client):
    page = client.get(review_path(reply_draft()))

    assert page.status_code == 200
    assert_strict(page)
    assert inline_code(page) == []
    assert b'src="/static/portal/review.js"' in page.content


def test_the_digests_approve_all_page_is_sent_with_a_strict_policy(client):
    page = client.get(approve_all_path())

    assert page.status_code == 200 and b'id="approve-all"' in page.content
    assert_strict(page)
    assert inline_code(page) == []


def test_the_done_page_a_used_link_and_the_metrics_page_need_nothing_inline(
    browser_client, admin_client
):
    path = review_path(reply_draft())
    answer = open_and_post(browser_client, path, action="approve", body="Fine, thanks.")
    pages = [
        browser_client.get(answer["Location"]),
        browser_client.get(path),  # used: "this link has already been used"
        admin_client.get("/metrics/"),
    ]

    assert [page.status_code for page in pages] == [200, 410, 200]
    for page in pages:
        assert_strict(page)
        assert inline_code(page) == []


def test_the_admin_is_sent_the_same_strict_policy(client, admin_client):
    message = customer_message()

    login = client.get("/admin/login/")
    change = admin_client.get(f"/admin/mailagent/inboundemail/{message.pk}/change/")

    assert (login.status_code, change.status_code) == (200, 200)
    assert_strict(login)
    assert_strict(change)
    assert b'<pre class="wrapped">Message-ID:' in change.content  # the raw message, no style=
    assert not re.search(rb"\sstyle=", change.content)


def test_report_only_sends_the_same_policy_without_enforcing_it():
    show_headers = (
        "import json; from django.test import Client; "
        "r = Client(HTTP_HOST='localhost').get('/'); print(json.dumps(dict(r.headers)))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CSP_", "ENVIRONMENT"))}
    env |= {"CSP_REPORT_ONLY": "true", "CSP_REPORT_URI": "/csp-reports/"}
    run = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", show_headers],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    headers = json.loads(run.stdout.strip().splitlines()[-1])

    assert "Content-Security-Policy" not in headers
    reported = headers["Content-Security-Policy-Report-Only"]
    assert "script-src 'self'" in reported and "report-uri /csp-reports/" in reported
