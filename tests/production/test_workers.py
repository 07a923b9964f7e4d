"""Several workers on the production path: two `qcluster` processes on Redis and PostgreSQL send
100 approved drafts, queued 300 times, and every draft leaves exactly once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/13"


def _reachable() -> tuple[bool, bool]:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN, connect_timeout=3).close()
        pg = True
    except Exception:
        pg = False
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
        rd = True
    except Exception:
        rd = False
    return pg, rd


@pytest.fixture
def production_db():
    pg, rd = _reachable()
    require_service(pg, "PostgreSQL on 127.0.0.1:5432 is needed for the multi-worker test")
    require_service(rd, "Redis on 127.0.0.1:6379 is needed for the multi-worker test")
    import psycopg
    import redis

    name = f"mailagent_workers_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    redis.Redis.from_url(REDIS_URL).flushdb()
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        redis.Redis.from_url(REDIS_URL).flushdb()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database_url: str, smtp_port: int, tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "IMAP_"))}
    env.update(
        DATABASE_URL=database_url,
        Q_BROKER=REDIS_URL,
        TASKS_INLINE="false",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        SMTP_STARTTLS="false",
        OUTBOX_DIR=str(tmp / "outbox"),
        Q_WORKERS="2",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    return env


def _manage(env, *args: str) -> str:
    run = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return run.stdout


SETUP = """
from mailagent.models import Draft
from mailagent.services.drafts import draft_approve, draft_create
for i in range(100):
    d = draft_create(ticket=None, kind="reply", to=[f"c{i}@customer.example"],
                     subject=f"Re: order {i}", body=f"Hello {i}")
    draft_approve(draft_id=d.pk, approver="owner@acme.example")
print(Draft.objects.filter(status="approved").count())
"""

ENQUEUE = """
from django_q.tasks import async_task
from mailagent.models import Draft
ids = list(Draft.objects.values_list("pk", flat=True))
# Every draft queued three times, interleaved, as double clicks and retries would.
for round in range(3):
    for pk in ids:
        async_task("mailagent.tasks.send_draft", pk)
print(len(ids) * 3)
"""


def test_two_clusters_send_each_of_100_drafts_exactly_once(production_db, smtp_server, tmp_path):
    env = _env(production_db, smtp_server.port, tmp_path)
    _manage(env, "migrate", "--noinput")
    assert _manage(env, "shell", "--no-imports", "-c", SETUP).strip() == "100"
    clusters = [
        subprocess.Popen(
            [sys.executable, "manage.py", "qcluster"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(2)
    ]
    try:
        assert _manage(env, "shell", "--no-imports", "-c", ENQUEUE).strip() == "300"
        import psycopg

        deadline = time.monotonic() + 180
        with psycopg.connect(production_db.replace("postgres://", "postgresql://")) as conn:
            while time.monotonic() < deadline:
                (left,) = conn.execute(
                    "SELECT count(*) FROM mailagent_draft WHERE status <> 'sent'"
                ).fetchone()
                conn.commit()
                if left == 0:
                    break
                time.sleep(0.5)
        time.sleep(2)  # let any duplicate still in flight arrive, if there were one
    finally:
        for proc in clusters:
            proc.terminate()
        for proc in clusters:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
    recipients = Counter(tuple(r.rcpt_tos) for r in smtp_server.received)
    assert len(smtp_server.received) == 100, f"{len(smtp_server.received)} messages received"
    assert all(count == 1 for count in recipients.values())
    message_ids = Counter(r.message["Message-ID"] for r in smtp_server.received)
    assert len(message_ids) == 100
