"""A real Dovecot for the whole session, a mailbox of its own for every test, and a `poll` process
running against a file database for the tests that kill or restart things."""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import dovecot_serving
from tests.imap.dovecot import Dovecot, Mailbox

PROJECT = Path(__file__).resolve().parents[2]


def wait_until(predicate: Callable[[], object], *, timeout: float = 10.0, every: float = 0.05):
    """Poll until `predicate()` is truthy and return its value; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            what = predicate.__doc__ or predicate
            raise AssertionError(f"Still waiting after {timeout} s for {what}")
        time.sleep(every)


@pytest.fixture(scope="session")
def dovecot():
    yield from dovecot_serving()


@pytest.fixture
def mailbox(dovecot: Dovecot) -> Mailbox:
    return dovecot.add_user()


@pytest.fixture
def imap_settings(settings, mailbox: Mailbox):
    """The agent pointed at this test's mailbox, with the defaults a user would have."""
    settings.IMAP_HOST, settings.IMAP_PORT = mailbox.host, mailbox.port
    settings.IMAP_USER, settings.IMAP_PASSWORD = mailbox.user, mailbox.password
    settings.IMAP_SSL = settings.IMAP_STARTTLS = False
    settings.IMAP_FOLDER = ["INBOX"]
    settings.IMAP_PROCESSED_FOLDER = ""
    settings.IMAP_BACKFILL_DAYS = 7
    settings.IMAP_EXTRA_MAILBOXES = []
    settings.IMAP_TIMEOUT = 10.0
    settings.MAX_MESSAGE_BYTES = 25 * 1024 * 1024
    return settings


def poll_once(*args: str) -> str:
    """`manage.py poll --once` in this process; its output."""
    out = io.StringIO()
    call_command("poll", "--once", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- a real `manage.py poll` process on a file database --------------------------------------


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("database") / "template.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{path}"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=PROJECT,
        env=env,
        check=True,
    )
    return path


class Poller:
    """`manage.py poll` as a separate process, and its database, read with plain sqlite3."""

    def __init__(self, *, database: Path, mailbox: Mailbox, folder: Path, **extra: str) -> None:
        self.database = database
        self.log = folder / "poll.log"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("IMAP_", "SMTP_", "DATABASE_URL", "INBOX_DIR", "OUTBOX_DIR"))
        }
        self.env.update(
            DATABASE_URL=f"sqlite:///{database}",
            OUTBOX_DIR=str(folder / "outbox"),
            **mailbox.poller_env(),
            IMAP_TIMEOUT="5",
            SMTP_HOST="",
            AGENT_MODEL="rules",
            TASKS_INLINE="true",
            PYTHONUNBUFFERED="1",
        )
        self.env.update(extra)
        self.process: subprocess.Popen | None = None

    def once(self, *, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", "poll", "--once"],
            cwd=PROJECT,
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def start(self, *args: str) -> subprocess.Popen:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "manage.py", "poll", *args],
                cwd=PROJECT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self.process

    def kill(self) -> None:
        """kill -9: no clean-up, no last commit."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> int:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()
        return self.process.returncode if self.process else 0

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def query(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.database, timeout=10) as db:
            return db.execute(sql, params).fetchall()

    def scalar(self, sql: str, *params):
        return self.query(sql, *params)[0][0]


@pytest.fixture
def make_poller(migrated_database: Path, mailbox: Mailbox, tmp_path: Path):
    database = tmp_path / "mailagent.sqlite3"
    shutil.copy(migrated_database, database)
    made: list[Poller] = []

    def make(**extra: str) -> Poller:
        made.append(Poller(database=database, mailbox=mailbox, folder=tmp_path, **extra))
        return made[-1]

    yield make
    for p in made:
        p.kill()
