"""Headless Debian Chromium driven by Playwright, against pytest-django's live server.

These tests run in their own pytest process (`-m browser`): Playwright's sync API keeps an event
loop running for the whole session.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page

from tests.conftest import require_service

CHROMIUM = Path("/usr/bin/chromium")
# No internet on these machines: without these flags Chromium keeps trying to reach it.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    """Playwright's sync API runs an event loop in this thread; the ORM refuses to run beside one
    unless told it is safe, which it is here: nothing else uses the loop."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require_service(CHROMIUM.exists(), f"Chromium is not installed at {CHROMIUM}")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_FLAGS,
    }


@pytest.fixture
def portal_url(live_server, settings) -> str:
    """The live server's address, used in the magic links the tests issue."""
    settings.PORTAL_BASE_URL = live_server.url
    return live_server.url


#: Reports every Content-Security-Policy violation a page meets to the test (`problems`).
RECORD_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.reportViolation(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture
def problems(page: Page) -> list[str]:
    """Policy violations, console errors and uncaught errors of every page the test opens."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # The admin's pages name no icon, so Chromium asks for /favicon.ico, which is not there.
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            found.append(f"{message.text} ({message.location['url']})")

    page.expose_function("reportViolation", lambda text: found.append(text))
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found
