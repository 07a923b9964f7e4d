"""Production settings: safe to expose, or refusing to start with a reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOOD = {
    "ENVIRONMENT": "production",
    "SECRET_KEY": "q8N2v" + "x7Lk3pR9sT1wZ4yB6cD0eF5gH8jK2mN4qP7rS9tV1wX3yZ5aB7c",
    "ALLOWED_HOSTS": "approvals.acme.example",
    "PORTAL_BASE_URL": "https://approvals.acme.example",
    "MAILBOX_TOKEN_KEYS": "o0Ec1h1cRWOiqmcl9CClpBmk6l4LnPzRTbC1iIU8wYc=",
}


def manage(*args: str, **overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in GOOD and k != "DEBUG"}
    env.update({k: v for k, v in (GOOD | overrides).items() if v is not None})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_production_settings_pass_the_deployment_checklist():
    run = manage("check", "--deploy", "--fail-level", "WARNING")
    assert run.returncode == 0, run.stderr + run.stdout


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
        ({"DEBUG": "true"}, "DEBUG is on"),
        ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS is not set"),
        ({"MAILBOX_TOKEN_KEYS": None}, "MAILBOX_TOKEN_KEYS is not set"),
    ],
)
def test_production_refuses_to_start_and_says_why(overrides, message):
    run = manage("check", **overrides)
    assert run.returncode != 0
    assert "Refusing to start with ENVIRONMENT=production" in run.stderr
    assert message in run.stderr


def test_a_mailbox_token_key_that_is_not_a_fernet_key_is_refused_in_any_environment():
    run = manage("check", ENVIRONMENT="development", MAILBOX_TOKEN_KEYS="not-a-key")
    assert run.returncode != 0
    assert "MAILBOX_TOKEN_KEYS: key 1 is not a Fernet key" in run.stderr
    assert "not-a-key" not in run.stderr
