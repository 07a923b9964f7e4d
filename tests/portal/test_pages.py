"""What every portal page shows, whatever the page."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.portal.test_rate_limits import link_path

pytestmark = pytest.mark.django_db


def test_no_template_comment_leaks_onto_a_page(settings):
    # Django's {# #} comments end at the line: a comment over several lines is shown as text.
    page = Client().get(link_path(settings))
    assert b"{#" not in page.content and b"#}" not in page.content
