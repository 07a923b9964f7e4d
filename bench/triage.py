"""Triage through an OpenAI-compatible model: bounded concurrency and prompt size (issue 4).

    .venv/bin/python bench/triage.py [-n 200] [--delay 0.3] [--seed 7]

Generates a varied mailbox (bench/mailgen.py), keeps the first N messages that reach the model
(not automatic, not internal), stores them in a fresh SQLite database and runs the pipeline
(`pipeline.emails_process`: read, place, triage, policy, draft or escalate) against the local
stub server of the tests (tests/openai_stub.py), which answers every request after `--delay`
seconds. It prints:

1. messages per second with MODEL_CONCURRENCY (default 8) and one at a time (MODEL_CONCURRENCY=1),
   and their ratio (target at least 6 times);
2. mean prompt tokens per call, counted as the stub counts them (characters / 4), against
   sending the whole raw message the same way (target at most a third);
3. the rules backend's speed: the same messages through the same pipeline, and the backend alone;
   then on one core the rules alone beside the rules with the learned model (trained on the
   bundled labelled set, as `train_triage` does on a fresh installation), messages per second and
   their ratio in the same run, on these messages and on the bundled labelled ones, each read as
   new (as the poller meets them) and, for the labelled ones, as seen before (the policy's
   concepts cached; target for the combination: 2,000 a second; `bench/triage_speed.py`, shared
   with bench/eval_triage.py);
4. language detection (`mailagent.language`): time per message, over these messages and the
   customer-shaped samples of the tests, and the detector's resident memory, measured in a fresh
   process (target: well under the workers' 250 MB together).
5. knowledge retrieval (`mailagent.knowledge`) at 10,000 generated passages in four languages
   (bench/knowledgegen.py): the index's build time, and the median and p95 time per message over
   these messages and as many generated questions in the four languages, against the rules
   backend alone measured above (target: about 1 ms per message, of a 2 ms drafting budget).
6. grounded drafting: what language detection, retrieval from those 10,000 passages and drafting
   from an account (five invoices and a credit note) and the passages add to the rules backend
   per message, against the backend alone on contexts without them, in the same run (target: at
   most 2 ms a message added).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORK = Path(tempfile.mkdtemp(prefix="bench-triage-"))
os.environ.update(
    DATABASE_URL=f"sqlite:///{WORK / 'bench.sqlite3'}",
    OUTBOX_DIR=str(WORK / "outbox"),
    DEBUG="false",
    LOG_LEVEL="ERROR",
    IMAP_HOST="",
    IMAP_EXTRA_MAILBOXES="",
    SMTP_HOST="",
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.knowledgegen import knowledge_folder, knowledge_questions  # noqa: E402
from bench.mailgen import varied_mailbox  # noqa: E402
from bench.triage_speed import (  # noqa: E402
    bundled_labelled,
    bundled_model,
    speeds_lines,
    triage_speeds,
)
from mailagent import riskconcepts  # noqa: E402
from mailagent.agents.rules import RulesBackend  # noqa: E402
from mailagent.errors import UserInputError  # noqa: E402
from mailagent.knowledge import knowledge_build  # noqa: E402
from mailagent.language import detect_language  # noqa: E402
from mailagent.learned.scoring import context_of  # noqa: E402
from mailagent.parsing.email import parse_email  # noqa: E402
from mailagent.services.ingest import email_store  # noqa: E402
from mailagent.services.processing import emails_process, staff_directory  # noqa: E402
from mailagent.types import Account, InvoiceFact  # noqa: E402
from tests.agents.language_samples import SAMPLES  # noqa: E402
from tests.eval_set import triage_context  # noqa: E402
from tests.openai_stub import StubServer  # noqa: E402


def model_bound(count: int, seed: int) -> list[bytes]:
    """The first `count` generated messages that an agent triages."""
    staff = staff_directory()
    chosen: list[bytes] = []
    for raw in varied_mailbox(count * 3, seed=seed):
        try:
            parsed = parse_email(raw, staff=staff)
        except UserInputError:
            continue
        if parsed.is_automatic or (parsed.from_staff and parsed.forwarded_by is None):
            continue
        chosen.append(raw)
        if len(chosen) == count:
            break
    return chosen


def pipeline_run(messages: list[bytes], *, model: str, concurrency: int) -> tuple[float, list]:
    """Seconds for the pipeline to process `messages`, stored in a fresh database."""
    call_command("flush", "--noinput", verbosity=0)
    riskconcepts.concept_risks.cache_clear()  # each run reads its texts afresh
    settings.AGENT_MODEL, settings.MODEL_CONCURRENCY = model, concurrency
    ids = [
        email_store(source="bench", source_key=f"{n}", raw=raw).pk for n, raw in enumerate(messages)
    ]
    started = time.perf_counter()
    outcomes = emails_process(email_ids=ids)
    return time.perf_counter() - started, outcomes


def learned_speed(contexts: list) -> None:
    """The rules alone and with the learned model, on one core, in the same run."""
    model = bundled_model()
    rest, aside = bundled_labelled()
    for name, chosen, new in (
        ("these messages, each new", contexts, True),
        ("the bundled labelled messages, each new", [context_of(e) for e in rest + aside], True),
        ("the same, seen before", [context_of(e) for e in rest + aside], False),
    ):
        print(f"triage on one core, {name} ({len(chosen)}):")
        for line in speeds_lines(*triage_speeds(chosen, model, rounds=5, new=new)):
            print(f"  {line}")


# Run in a fresh interpreter, so that nothing else this benchmark loaded is counted.
_DETECTOR_MEMORY = """
import json
from mailagent.language import detect_language
from tests.agents.language_samples import SAMPLES


def rss_mb():
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


before = rss_mb()
for texts in SAMPLES.values():
    for text in texts:
        detect_language(text)
print(json.dumps({"before": before, "after": rss_mb()}))
"""


def language_detection(texts: list[str]) -> None:
    """Time per message of `detect_language`, and the memory its detector adds to a process."""
    samples = [text for of_language in SAMPLES.values() for text in of_language]
    detect_language("Guten Tag, bitte senden Sie uns die Rechnung.")  # the models load here
    for name, chosen in (("generated messages", texts), ("language samples", samples)):
        started = time.perf_counter()
        for text in chosen:
            detect_language(text)
        per_message = (time.perf_counter() - started) / len(chosen)
        print(f"language detection, {name}: {per_message * 1e3:.3f} ms per message")
    measured = subprocess.run(
        [sys.executable, "-c", _DETECTOR_MEMORY], cwd=ROOT, capture_output=True, text=True
    )
    if measured.returncode:
        print(f"language detector memory: not measured ({measured.stderr.strip()[-200:]})")
        return
    rss = json.loads(measured.stdout)
    print(
        f"language detector memory: {rss['after'] - rss['before']:.0f} MB resident once its "
        f"models are loaded ({rss['after']:.0f} MB for the whole process)"
    )


#: Passages in the generated knowledge folder: a large catalogue's worth.
KNOWLEDGE_PASSAGES = 10_000


def knowledge_retrieval(texts: list[str], backend_alone: float, *, seed: int):
    """Build time of a 10,000-passage knowledge index, and its retrieval time per message."""
    root = knowledge_folder(WORK / "knowledge", passages=KNOWLEDGE_PASSAGES, seed=seed)
    started = time.perf_counter()
    index = knowledge_build(root, default_language="en")
    built = time.perf_counter() - started
    mailbox = [(detect_language(text).code, text) for text in texts]
    for language, text in mailbox + knowledge_questions(len(texts), seed=seed):
        index.search(text, language=language)  # warm, as a running poller is: caches, pages
    print(
        f"knowledge index: {len(index.passages):,} passages in {len(index.files)} files, "
        f"built in {built:.2f} s"
    )
    sets = {
        "the generated messages": mailbox,
        "catalogue questions in 4 languages": knowledge_questions(len(texts), seed=seed + 1),
    }
    sets["both"] = [query for queries in sets.values() for query in queries]
    # The worst case: messages of 2,000 characters and more (a question amid others' text).
    sets["long messages"] = [
        ("en", "\n\n".join([*texts[n : n + 6], question, *texts[n + 6 : n + 12]]))
        for n, (_, question) in enumerate(knowledge_questions(len(texts) // 2, seed=seed + 2))
        if len("\n\n".join(texts[n : n + 12])) >= 2000
    ]
    for name, queries in sets.items():
        if not queries:
            continue
        times, answered = [], 0
        for language, text in queries:
            started = time.perf_counter()
            answered += bool(index.search(text, language=language))
            times.append(time.perf_counter() - started)
        times.sort()
        median, p95 = statistics.median(times), times[int(0.95 * len(times))]
        print(
            f"knowledge retrieval, {name}: median {median * 1e3:.3f} ms, p95 "
            f"{p95 * 1e3:.3f} ms per message ({answered} of {len(queries)} got passages); "
            f"{median / backend_alone:.2f}x and {p95 / backend_alone:.2f}x the rules backend "
            "alone (target: about 1 ms)"
        )
    return index


def _bench_account() -> Account:
    due = date(2026, 11, 1)
    items = [
        InvoiceFact(f"INV-{4000 + n}", "invoice", "EUR", Decimal(f"{120 + 37 * n}.50"),
                    due + timedelta(days=9 * n), "open", Decimal(f"{150 + 37 * n}.50"))
        for n in range(5)
    ]  # fmt: skip
    items.append(InvoiceFact("CN-90", "credit", "EUR", Decimal("-40.00"), due, "open"))
    return Account("Bench Customer GmbH", tuple(items), as_of=date(2026, 11, 24))


def grounded_drafting(contexts: list, index) -> None:
    """Per message: the rules backend on a bare context, then detection, retrieval and drafting
    from an account and the passages; the difference is what grounding adds."""
    backend, account, today = RulesBackend(), _bench_account(), date(2026, 11, 24)

    def grounded(context):
        language = detect_language(context.text or context.subject)
        asked = "\n".join(filter(None, [context.subject, context.text]))
        return replace(
            context,
            account=account,
            language=language.code,
            language_name=language.name,
            passages=index.search(asked, language=language.code),
            today=today,
        )

    for context in contexts:  # warm both paths
        backend.triage(context)
        backend.triage(grounded(context))
    bare, full = [], []
    for _ in range(3):
        for context in contexts:
            started = time.perf_counter()
            backend.triage(context)
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            backend.triage(grounded(context))
            full.append(time.perf_counter() - started)
    bare_median, full_median = statistics.median(bare), statistics.median(full)
    bare_mean, full_mean = statistics.mean(bare), statistics.mean(full)
    print(
        f"grounded drafting: median {full_median * 1e3:.3f} ms against {bare_median * 1e3:.3f} ms "
        f"bare ({full_median / bare_median:.2f}x), mean {full_mean * 1e3:.3f} against "
        f"{bare_mean * 1e3:.3f} ms: adds {(full_median - bare_median) * 1e3:.3f} ms (median), "
        f"{(full_mean - bare_mean) * 1e3:.3f} ms (mean) a message (target: at most 2 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--count", type=int, default=200)
    parser.add_argument("--delay", type=float, default=0.3, help="the stub's answer time (s)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--concurrency", type=int, default=settings.MODEL_CONCURRENCY, help="MODEL_CONCURRENCY"
    )
    args = parser.parse_args()
    logging.getLogger("mailagent").setLevel(logging.ERROR)
    call_command("migrate", "--noinput", verbosity=0)

    messages = model_bound(args.count, args.seed)
    print(f"{len(messages)} messages that reach the model; stub answers after {args.delay:.2f} s")
    stub = StubServer(delay=args.delay).start()
    settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY = stub.base_url, "bench"
    settings.OPENAI_MODEL, settings.OPENAI_MAX_RETRIES = "stub-model", 0
    try:
        rates = {}
        for concurrency in (args.concurrency, 1):
            stub.requests.clear()
            stub.max_in_flight = 0
            seconds, outcomes = pipeline_run(messages, model="openai", concurrency=concurrency)
            calls = len(stub.requests)
            rates[concurrency] = len(messages) / seconds
            print(
                f"MODEL_CONCURRENCY={concurrency}: {rates[concurrency]:6.1f} msg/s "
                f"({seconds:.1f} s, {calls} model calls, at most {stub.max_in_flight} at once, "
                f"{sum(1 for o in outcomes if o.status == 'processed')} processed)"
            )
        print(
            f"  concurrency speed-up: {rates[args.concurrency] / rates[1]:.1f}x one at a time "
            "(target >= 6x)"
        )

        sent = [sum(len(m["content"]) for m in r["messages"]) // 4 for r in stub.requests]
        raw = [len(m.decode("utf-8", "replace")) // 4 for m in messages]
        print(
            f"prompt tokens per call: mean {statistics.mean(sent):,.0f}, median "
            f"{statistics.median(sent):,.0f}; the whole raw message: mean "
            f"{statistics.mean(raw):,.0f}, median {statistics.median(raw):,.0f} "
            "(chars / 4, as the stub counts)"
        )
        print(
            f"  prompt / raw: {statistics.mean(sent) / statistics.mean(raw):.2f} of the mean, "
            f"{statistics.median(sent) / statistics.median(raw):.2f} of the median (target <= 0.33)"
        )
    finally:
        stub.stop()

    seconds, _ = pipeline_run(messages, model="rules", concurrency=args.concurrency)
    staff = staff_directory()
    contexts = [triage_context(parse_email(raw, staff=staff)) for raw in messages]
    backend = RulesBackend()
    riskconcepts.concept_risks.cache_clear()
    started = time.perf_counter()
    for context in contexts:
        backend.triage(context)
    alone = (time.perf_counter() - started) / len(contexts)
    print(
        f"rules backend: {len(messages) / seconds:6.0f} msg/s through the pipeline; "
        f"the backend alone {alone * 1e3:.2f} ms per message ({1 / alone:,.0f} msg/s)"
    )
    learned_speed(contexts)
    language_detection([context.text for context in contexts])
    index = knowledge_retrieval([context.text for context in contexts], alone, seed=args.seed)
    grounded_drafting(contexts, index)


if __name__ == "__main__":
    main()
