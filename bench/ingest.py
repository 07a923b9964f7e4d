"""IMAP ingestion end to end against a private Dovecot, with a raw baseline from the same run.

    .venv/bin/python bench/ingest.py [-n 2000] [--latency-samples 30] [--seed 7]

Loads N varied messages (bench/mailgen.py) into a fresh Dovecot mailbox, then measures:

1. raw baseline: imapclient batch fetch (BODY.PEEK[], 100 per FETCH) + mail-parser on each
   message, no database: the least any ingestion can cost;
2. `manage.py poll --once` end to end in its own process, on a fresh SQLite database with the
   rules model and DEBUG off (as deployed): store, parse, thread, triage, policy, draft or
   escalate, approval requests; wall-clock time including the process start;
3. the peak memory (max RSS) of that process;
4. latency: `manage.py poll` idles on the folder; one message at a time is APPENDed and timed
   until its ticket is committed (median and 95th percentile).

Targets (issue 3): end to end at least half the baseline rate; peak memory under 250 MB for
10,000 messages; median APPEND-to-ticket under 2 seconds.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import mailparser  # noqa: E402

from bench.mailgen import varied_mailbox  # noqa: E402
from tests.imap.dovecot import Dovecot, Mailbox  # noqa: E402


def load(mailbox: Mailbox, messages: list[bytes]) -> float:
    started = time.perf_counter()
    with mailbox.client() as client:
        for start in range(0, len(messages), 50):
            client.multiappend("INBOX", messages[start : start + 50])
    return time.perf_counter() - started


def baseline(mailbox: Mailbox) -> tuple[float, float]:
    """Seconds to fetch everything in batches, and to fetch and parse it."""
    logging.getLogger("mailparser").setLevel(logging.ERROR)
    results = []
    for parse in (False, True):
        started = time.perf_counter()
        with mailbox.client() as client:
            client.select_folder("INBOX", readonly=True)
            uids = client.search(["ALL"])
            for start in range(0, len(uids), 100):
                fetched = client.fetch(uids[start : start + 100], ["BODY.PEEK[]"])
                if parse:
                    for data in fetched.values():
                        mailparser.parse_from_bytes(data[b"BODY[]"])
        results.append(time.perf_counter() - started)
    return results[0], results[1]


def poll_env(mailbox: Mailbox, work: Path, *, workers: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMAP_", "SMTP_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{work / 'bench.sqlite3'}",
        OUTBOX_DIR=str(work / "outbox"),
        **mailbox.poller_env(),
        AGENT_MODEL="rules",
        DEBUG="false",
        INGEST_WORKERS=str(workers),
        LOG_LEVEL="ERROR",
        PYTHONUNBUFFERED="1",
    )
    return env


def _memory_mb(pid: int, field: str) -> float:
    """Rss (resident) or Pss (resident, pages shared with N processes counted 1/N) in MB."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    for line in rollup.splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def end_to_end(env: dict[str, str], work: Path) -> tuple[float, float, float, str]:
    """Seconds for `poll --once`; the peak memory of its main process (RSS) and of the main
    process and its workers together (PSS: pages the forked workers share are counted once), in
    MB; its output."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    out = (work / "poll-once.log").open("w+")
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "poll", "--once"], cwd=ROOT, env=env, stdout=out, stderr=out
    )
    main_peak = tree_peak = 0.0
    while process.poll() is None:
        main_peak = max(main_peak, _memory_mb(process.pid, "Rss"))
        tree = [process.pid, *_children(process.pid)]
        tree_peak = max(tree_peak, sum(_memory_mb(pid, "Pss") for pid in tree))
        time.sleep(0.05)
    elapsed = time.perf_counter() - started
    out.seek(0)
    if process.returncode != 0:
        raise SystemExit(f"poll --once failed:\n{out.read()[-3000:]}")
    return elapsed, main_peak, tree_peak, out.read()


def latency(env: dict[str, str], mailbox: Mailbox, samples: int, work: Path) -> list[float]:
    """APPEND-to-ticket seconds for `samples` messages, one at a time, while `poll` idles."""
    database = work / "bench.sqlite3"
    log = (work / "poll-idle.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "manage.py", "poll"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    seconds = []
    try:
        with sqlite3.connect(database, timeout=30) as db:
            synced = "SELECT max(last_synced_at) FROM mailagent_mailboxfolder"
            before = db.execute(synced).fetchone()[0]
            _wait(lambda: db.execute(synced).fetchone()[0] != before, process)
            time.sleep(0.5)  # the first IDLE is under way
            for n in range(samples):
                mid = f"<latency-{n}@bench.example>"
                raw = _customer_question(n, mid)
                appended = datetime.now(UTC).replace(tzinfo=None)
                mailbox.append(raw)
                row = _wait(
                    lambda mid=mid: db.execute(
                        "SELECT processed_at FROM mailagent_inboundemail "
                        "WHERE message_id = ? AND ticket_id IS NOT NULL",
                        (mid,),
                    ).fetchone(),
                    process,
                )
                done = datetime.fromisoformat(row[0])
                seconds.append((done - appended).total_seconds())
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=20)
    return seconds


def _customer_question(n: int, mid: str) -> bytes:
    """A plain question with a known Message-ID, so that it becomes a ticket."""
    return (
        f"From: Bench Customer <bench-{n}@customer.example>\r\n"
        f"To: agent@acme.example\r\nSubject: Question {mid}\r\nMessage-ID: {mid}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n"
        "Hello, could you tell me when our order will ship? Thanks, Bench\r\n"
    ).encode()


def _wait(predicate, process: subprocess.Popen, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("poll stopped unexpectedly")
        value = predicate()
        if value:
            return value
        time.sleep(0.005)
    raise SystemExit("timed out waiting for the poller")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=2000)
    parser.add_argument("--latency-samples", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--workers", type=int, default=min(4, os.cpu_count() or 1), help="INGEST_WORKERS"
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=1,
        help="baseline and poll --once this many times each, alternately, on the same mailbox "
        "(each poll on a fresh database); figures are medians (on a shared machine one run "
        "can be off by a fifth)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    dovecot = Dovecot()
    dovecot.start()
    try:
        mailbox = dovecot.add_user()
        messages = varied_mailbox(args.count, seed=args.seed)
        size = sum(map(len, messages))
        print(
            f"{args.count:,} varied messages, {size / 1e6:.1f} MB "
            f"(median {statistics.median(map(len, messages)) / 1e3:.1f} kB)"
        )
        print(f"  loaded into Dovecot in {load(mailbox, messages):.1f} s")
        del messages

        runs = []
        for run in range(max(1, args.runs)):
            fetch_s, base_s = baseline(mailbox)
            if run:
                (work / "bench.sqlite3").unlink()
                for suffix in ("-wal", "-shm"):
                    (work / f"bench.sqlite3{suffix}").unlink(missing_ok=True)
            env = poll_env(mailbox, work, workers=args.workers)
            e2e_s, main_mb, tree_mb, output = end_to_end(env, work)
            runs.append((fetch_s, base_s, e2e_s, main_mb, tree_mb))
            if args.runs > 1:
                print(
                    f"  run {run + 1}: baseline {args.count / base_s:.0f} msg/s, poll --once "
                    f"{args.count / e2e_s:.0f} msg/s, ratio {base_s / e2e_s:.2f}"
                )
        fetch_s, base_s, e2e_s = (statistics.median(r[i] for r in runs) for i in range(3))
        main_mb, tree_mb = max(r[3] for r in runs), max(r[4] for r in runs)
        base_rate, fetch_rate = args.count / base_s, args.count / fetch_s
        print(f"raw fetch alone:            {fetch_rate:8.0f} msg/s")
        print(f"raw baseline (fetch+parse): {base_rate:8.0f} msg/s")

        e2e_rate = args.count / e2e_s
        ratio = statistics.median(r[1] / r[2] for r in runs)
        print(
            f"poll --once end to end:     {e2e_rate:8.0f} msg/s  ({e2e_s:.1f} s, "
            f"{args.workers} worker(s) on {os.cpu_count()} CPUs; "
            f"ratio {ratio:.2f} of baseline; target >= 0.50)"
        )
        print(
            f"peak memory of poll --once: {main_mb:8.0f} MB main process, {tree_mb:.0f} MB with "
            "its workers (target < 250 MB at 10,000)"
        )
        for line in output.splitlines():
            if line.startswith("  processed:") or "draft(s) waiting" in line:
                print(f"  {line.strip()}")

        if args.latency_samples:
            seconds = sorted(latency(env, mailbox, args.latency_samples, work))
            p95 = seconds[min(len(seconds) - 1, round(0.95 * (len(seconds) - 1)))]
            print(
                f"APPEND to ticket while idling ({len(seconds)} samples): "
                f"median {statistics.median(seconds):.2f} s, p95 {p95:.2f} s "
                "(target median < 2 s)"
            )
    finally:
        dovecot.remove()
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
