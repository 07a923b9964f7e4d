"""Load on the approval page: gunicorn on 127.0.0.1 with PostgreSQL, N concurrent clients.

    .venv/bin/python bench/portal_load.py [--clients 50] [--seconds 30] [--workers CPUs]
                                          [--client wrk|python]

Creates a throw-away PostgreSQL database, fills it with pending drafts made by the pipeline and
their magic links, starts gunicorn on a free port, and has each client GET approval pages for the
given time (gunicorn's sync workers close each connection; the clients reconnect). Prints
requests per second, p50/p90/p99 latency, errors and gunicorn's CPU time per request, and as a
baseline in the same run the same for a static page (`/`, no database, no token) so that the
figures can be compared across machines. Target: no errors, p99 under 100 ms.

The load comes from wrk when it is installed (`apt-get install wrk`), else from Python threads.
Both share the machine's CPUs with gunicorn and PostgreSQL; wrk takes less of them (on 2 CPUs the
Python client used about an eighth), so its figures are the server's more nearly.

The approval pages are rate-limited per address and per link; every client here comes from
127.0.0.1 and reopens the same links, so the bench raises both limits for its own server rather
than measure 429s (the limits themselves are tested in tests/portal/test_rate_limits.py).
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")

# Real drafts: customer questions stored and run through the pipeline (rules model), so that
# each approval page shows a ticket, its risk reasons and the customer's message, as in use.
SETUP = """
from mailagent.models import Draft
from mailagent.services.approvals import approval_link_issue
from mailagent.services.ingest import email_store
from mailagent.services.processing import emails_process
ids = []
for i in range({drafts}):
    raw = (
        f"From: Customer {{i}} <c{{i}}@customer.example>\\r\\nTo: agent@acme.example\\r\\n"
        f"Subject: Delivery of order {{1000 + i}}\\r\\nMessage-ID: <q{{i}}@customer.example>\\r\\n"
        "Content-Type: text/plain; charset=utf-8\\r\\n\\r\\n"
        "Hello,\\r\\n\\r\\nCould you tell me when my order will ship? I ordered it last week\\r\\n"
        "and have not heard anything since. Thanks for your help.\\r\\n\\r\\nBest,\\r\\nSam\\r\\n"
    ).encode()
    ids.append(email_store(source="bench", source_key=str(i), raw=raw).pk)
emails_process(email_ids=ids)
for d in Draft.objects.filter(status=Draft.Status.PENDING).order_by("pk"):
    print(approval_link_issue(draft=d, approver="owner@acme.example").url)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of gunicorn's master and its workers so far."""
    total = 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid, *map(int, children.read_text().split())] if children.exists() else [pid]
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_clients(base: str, paths: list[str], clients: int, seconds: float) -> dict:
    host, port = urlsplit(base).hostname, urlsplit(base).port
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        mine, bad, i = [], [], n
        while time.monotonic() < stop:
            path = paths[i % len(paths)]
            i += clients
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad.append(str(response.status))
            except (OSError, http.client.HTTPException) as exc:
                bad.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=10)
                continue
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()

    def pct(p: float) -> float:
        return (
            latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000 if latencies else 0
        )

    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": pct(0.50),
        "p90": pct(0.90),
        "p99": pct(0.99),
        "mean": statistics.fmean(latencies) * 1000 if latencies else 0,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
    }


# wrk walks the list of paths, one per request, across all its connections.
WRK_SCRIPT = """
paths = {{{paths}}}
n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %f %f %f %f %f %d\\n", summary.requests,
    summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3, latency.mean / 1e3,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end
"""


def run_wrk(base: str, paths: list[str], clients: int, seconds: float) -> dict:
    """The same load from wrk (C, epoll): less CPU taken from the server than Python threads."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT.format(paths=", ".join(f'"{p}"' for p in paths)))
    try:
        out = subprocess.run(
            ["wrk", "-t2", f"-c{clients}", f"-d{seconds:.0f}s", "--timeout", "10s",
             "-s", script.name, base + "/"],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    requests, duration, p50, p90, p99, mean, errors = line.split()[1:]
    return {
        "requests": int(requests),
        "rps": int(requests) / float(duration),
        "p50": float(p50),
        "p90": float(p90),
        "p99": float(p99),
        "mean": float(mean),
        "errors": int(errors),
        "error_kinds": ["non-2xx or socket errors"] if int(errors) else [],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    # One per CPU, as docs/deploy.md advises (its figures come from this bench).
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--drafts", type=int, default=200)
    parser.add_argument(
        "--client",
        choices=["python", "wrk"],
        default="wrk" if shutil.which("wrk") else "python",
        help="wrk when installed (apt-get install wrk), else Python threads",
    )
    args = parser.parse_args()
    load = run_wrk if args.client == "wrk" else run_clients

    import psycopg

    name = f"mailagent_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{name}",
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        PORTAL_BASE_URL=base,
        PORTAL_RATE_PER_ADDRESS="1000000/m",
        PORTAL_RATE_PER_TOKEN="1000000/m",
        OUTBOX_DIR=str(ROOT / "var" / "bench-outbox"),
    )
    server = None
    try:
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        out = subprocess.run(
            [*manage, "shell", "--no-imports", "-c", SETUP.format(drafts=args.drafts)],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        paths = [urlsplit(line.strip()).path for line in out.splitlines() if "/review/" in line]
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        run_clients(base, paths, 4, 2)  # warm-up: imports, connections, template cache
        print(f"gunicorn {args.workers} workers, PostgreSQL, {args.clients} clients "
              f"({args.client}), {args.seconds:.0f} s each")  # fmt: skip
        results = []
        for phase_paths in (["/"], paths):
            cpu = server_cpu_seconds(server.pid)
            result = load(base, phase_paths, args.clients, args.seconds)
            cpu = server_cpu_seconds(server.pid) - cpu
            result["cpu_ms"] = cpu * 1000 / max(1, result["requests"])
            results.append(result)
        baseline, page = results
        header = (
            f"{'':<22}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'errors':>8}"
            f"{'server CPU ms/req':>19}"
        )
        print(header)
        for label, r in (("static page (baseline)", baseline), ("approval page", page)):
            print(f"{label:<22}{r['rps']:>9.0f}{r['p50']:>9.1f}{r['p90']:>9.1f}"
                  f"{r['p99']:>9.1f}{r['errors']:>8}{r['cpu_ms']:>19.2f}")  # fmt: skip
            if r["error_kinds"]:
                print(f"  error kinds: {', '.join(r['error_kinds'])}")
        print(f"approval page / baseline throughput: {page['rps'] / baseline['rps']:.2f}")
        verdict = "met" if page["errors"] == 0 and page["p99"] < 100 else "NOT met"
        print(f"target (no errors, p99 < 100 ms): {verdict}")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
