"""What the portal tests share: a browser-like client that enforces CSRF, and a snapshot of
everything a link could change, to prove that it did not."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
from django.test import Client

from mailagent.models import ApprovalLink, AuditEvent, Draft, OutboundEmail
from tests.conftest import outbox_messages

_CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_RENEW_FORM = re.compile(r'<form method="post" action="([^"]+/renew/)"')


@pytest.fixture
def browser_client() -> Client:
    """A client that, like a browser, must carry the CSRF token from the page it was shown."""
    return Client(enforce_csrf_checks=True)


def csrf_token_on(page) -> str:
    found = _CSRF_FIELD.search(page.content.decode())
    assert found, "the page has no form carrying a CSRF token"
    return found.group(1)


def open_and_post(client: Client, path: str, **data: str):
    """Open the page at `path` as a person would, then submit its form with `data`."""
    token = csrf_token_on(client.get(path))
    return client.post(path, {"csrfmiddlewaretoken": token, **data})


def ask_for_fresh_link(client: Client, path: str):
    """Open a link that can no longer act and press "Email me a fresh link"."""
    page = client.get(path)
    found = _RENEW_FORM.search(page.content.decode())
    assert found, f"the page offers no fresh link ({page.status_code})"
    return client.post(found.group(1), {"csrfmiddlewaretoken": csrf_token_on(page)})


@dataclass(frozen=True)
class World:
    drafts: tuple
    links: tuple
    audit_events: int
    outbound: int
    outbox: int


def world(settings) -> World:
    """Everything a click on a magic link could change."""
    return World(
        drafts=tuple(Draft.objects.order_by("pk").values_list("pk", "status", "version", "body")),
        links=tuple(ApprovalLink.objects.order_by("pk").values_list("pk", "used_at")),
        audit_events=AuditEvent.objects.count(),
        outbound=OutboundEmail.objects.count(),
        outbox=len(outbox_messages(settings)),
    )


def page_text(response) -> str:
    """The page as words, without markup, with whitespace collapsed."""
    page = response.content.decode()
    text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
