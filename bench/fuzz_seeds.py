"""The fuzzer's starting corpus: real-shaped mail and exports, then the grammar's inputs.

Mail: the demo mailbox, the parsing and evaluation fixtures, and a sample of bench/mailgen.py's
varied mailbox. Exports: the demo and fixture CSVs. Header values: every header of that mail.
The database target also gets the exports mailed as attachments by the export sender.
"""

from __future__ import annotations

import email
import hashlib
import random
from pathlib import Path

from bench import fuzz_grammar
from bench.fuzz_targets import EXPORT_SENDER

ROOT = Path(__file__).resolve().parents[1]
GRAMMAR_SEEDS = {"email": 300, "headers": 300, "export": 200, "store": 60}


def mail_seeds() -> list[bytes]:
    from bench.mailgen import varied_mailbox

    folders = [ROOT / "mailagent" / "demo" / "inbox", ROOT / "tests" / "fixtures" / "eml"]
    folders += sorted((ROOT / "tests" / "fixtures").glob("eval*"))
    found = [path.read_bytes() for folder in folders for path in sorted(folder.glob("*.eml"))]
    return found + [m for m in varied_mailbox(80, seed=11) if len(m) < 64_000]


def export_seeds() -> list[bytes]:
    folders = [ROOT / "mailagent" / "demo" / "accounting", ROOT / "tests" / "fixtures" / "exports"]
    return [path.read_bytes() for folder in folders for path in sorted(folder.glob("*.csv"))]


def header_seeds(mails: list[bytes]) -> list[bytes]:
    values: set[bytes] = set()
    for raw in mails:
        for _name, value in email.message_from_bytes(raw).raw_items():
            values.add(str(value).encode("utf-8", "surrogateescape")[:4000])
    return sorted(values)


def seeds(target: str) -> list[bytes]:
    rng = random.Random(1)
    made = [
        fuzz_grammar.generate(target, rng, max_size=150_000) for _ in range(GRAMMAR_SEEDS[target])
    ]
    if target == "export":
        return export_seeds() + made
    mails = mail_seeds()
    if target == "headers":
        return header_seeds(mails) + made
    if target == "store":
        mailed = [
            fuzz_grammar.export_mail(rng, sender=EXPORT_SENDER, csv=csv) for csv in export_seeds()
        ]
        return rng.sample(mails, min(60, len(mails))) + mailed + made
    return mails + made


def seed_corpus(target: str, folder: Path) -> Path:
    """The corpus folder with every seed in it (once; the folder keeps what libFuzzer added)."""
    folder.mkdir(parents=True, exist_ok=True)
    for data in seeds(target):
        path = folder / f"seed-{hashlib.sha1(data).hexdigest()}"
        if not path.exists():
            path.write_bytes(data)
    return folder
