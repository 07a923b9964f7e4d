"""Checks on settings that must hold before anything starts. PURE: no Django imports, so that
`config/settings.py` can call them and refuse to start with a clear message."""

from __future__ import annotations

import base64
import binascii
from enum import StrEnum


class Mode(StrEnum):
    """How far a workflow may go on its own."""

    OFF = "off"  # does not run
    SHADOW = "shadow"  # runs and records what it would do; nothing is pending, nothing is sent
    DRAFT = "draft"  # drafts wait for a person's approval
    AUTO = "auto"  # acts on its own: only for low-risk work


#: Workflows whose output reaches customers: `auto` is refused for them.
CUSTOMER_FACING = {"TRIAGE_MODE": "replies to customers", "REMINDER_MODE": "payment reminders"}


class SettingsError(ValueError):
    """A setting that must not be; the message names it and says what to use instead."""


def workflow_mode(name: str, value: str) -> Mode:
    try:
        mode = Mode(value.strip().lower())
    except ValueError as exc:
        choices = ", ".join(m.value for m in Mode)
        raise SettingsError(f"{name}={value!r} is not a mode; use one of {choices}.") from exc
    if mode is Mode.AUTO and name in CUSTOMER_FACING:
        raise SettingsError(
            f"{name}=auto is refused: {CUSTOMER_FACING[name]} always wait for a person's "
            "approval. Use draft (the default) or shadow."
        )
    return mode


def admins_excluding(addresses: list[str], agent_email: str) -> list[tuple[str, str]]:
    """Django's ADMINS, minus the agent's own address: error mail sent to the watched inbox would
    be read by the agent and could feed on itself."""
    agent = agent_email.strip().lower()
    return [(a.strip(), a.strip()) for a in addresses if a.strip() and a.strip().lower() != agent]


def production_problems(
    *,
    secret_key: str | None,
    debug: bool,
    allowed_hosts: list[str] | None,
    mailbox_token_keys: list[str] | None = None,
) -> list[str]:
    """Why production must not start with these settings; empty when it may. The token keys are
    checked when given (None: not asked about)."""
    problems = []
    if mailbox_token_keys is not None and not mailbox_token_keys:
        problems.append(
            "MAILBOX_TOKEN_KEYS is not set (it encrypts the OAuth tokens of connected "
            f"mailboxes): set it to a key made with {MAKE_A_KEY}"
        )
    if not secret_key:
        problems.append(
            "SECRET_KEY is not set (it signs the approval links): set a long random value"
        )
    elif len(secret_key) < 50 or len(set(secret_key)) < 5 or secret_key.startswith("dev-only"):
        problems.append("SECRET_KEY is too short or too simple: use at least 50 random characters")
    if debug:
        problems.append("DEBUG is on: it shows settings and data to anyone who triggers an error")
    if not allowed_hosts:
        problems.append("ALLOWED_HOSTS is not set: list the host names the portal answers to")
    return problems


# --- Mailbox token keys (issue 15) -------------------------------------------------------------

MAKE_A_KEY = (
    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
)


def mailbox_token_key_problems(keys: list[str]) -> list[str]:
    """Which of MAILBOX_TOKEN_KEYS cannot be a Fernet key (32 bytes, URL-safe base64), by
    position only: a key is never repeated in a message."""
    problems = []
    for position, key in enumerate(keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.strip().encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        if len(raw) != 32:
            problems.append(
                f"MAILBOX_TOKEN_KEYS: key {position} is not a Fernet key (32 bytes in URL-safe "
                f"base64); make one with {MAKE_A_KEY}"
            )
    return problems
