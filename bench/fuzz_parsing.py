"""A coverage-guided fuzzer (atheris) on the parsing entry points. Run by hand, never by the tests.

    .venv/bin/python bench/fuzz_parsing.py [--target email|export|headers|store|all] [--minutes 10]
    .venv/bin/python bench/fuzz_parsing.py --target email --minimise var/fuzz/crashes/email-ab12.bin

What must hold for any bytes (bench/fuzz_targets.py): `parse_email` returns a message whose text
can be stored or raises `UnparseableEmail`; `parse_export` returns or raises a `UserInputError`;
the header helpers never raise; and raw bytes ingested and processed through the real pipeline
(on a throwaway SQLite database) end stored and processed, or quarantined with a reason.

The corpus starts from the demo mailbox and exports, the test fixtures, bench/mailgen.py's
varied mailbox and inputs built from a grammar of the shapes that break parsers
(bench/fuzz_grammar.py); mutations mix the grammar's structural changes with libFuzzer's byte
mutations. `--target all` runs each target in turn, sharing the minutes. Every distinct finding
is written to var/fuzz/crashes/ (the smallest input seen, and its traceback) and listed at the
end; the corpus grows in var/fuzz/corpus/ across runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VAR = ROOT / "var" / "fuzz"
TARGETS = ("email", "headers", "export", "store")
# How `all` shares the minutes: the message parser has the most code to explore; the database
# path is slow per input, so it gets time rather than inputs.
SHARE = {"email": 0.35, "headers": 0.15, "export": 0.2, "store": 0.3}
MAX_LEN = {"email": 96_000, "store": 96_000, "export": 200_000, "headers": 8_000}
SLOW_SECONDS = 2.0
PROGRESS_EVERY = 5.0
INSTRUMENTED = ["mailagent", "email", "mailparser_reply", "authres", "html2text"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--target", choices=[*TARGETS, "all"], default="all")
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0, help="libFuzzer's seed (0: random)")
    parser.add_argument("--minimise", type=Path, help="shrink a crashing input and print it")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--summary", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.minimise:
        from bench.fuzz_minimise import minimise

        minimise(args.minimise, target=args.target)
    elif args.worker:
        worker(args.target, seconds=args.seconds, summary=args.summary, seed=args.seed)
    else:
        targets = TARGETS if args.target == "all" else (args.target,)
        total = sum(SHARE[t] for t in targets)
        plan = [(t, args.minutes * 60 * SHARE[t] / total) for t in targets]
        report([run(target, seconds=s, seed=args.seed) for target, s in plan])


def run(target: str, *, seconds: float, seed: int) -> dict:
    """Fuzz one target in a worker process for `seconds`; a worker that libFuzzer stops (a
    timeout, out of memory) is started again for the time left."""
    VAR.mkdir(parents=True, exist_ok=True)
    log = VAR / f"{target}.log"
    merged: dict = {"target": target, "inputs": 0, "seconds": 0.0, "findings": {}, "stops": []}
    deadline = time.monotonic() + seconds
    with log.open("w") as err:
        while (left := deadline - time.monotonic()) > 15:
            with tempfile.TemporaryDirectory() as tmp:
                summary = Path(tmp) / "summary.json"
                command = [sys.executable, __file__, "--worker", "--target", target]
                command += ["--seconds", f"{left:.0f}", "--summary", str(summary)]
                command += ["--seed", str(seed)]
                started = time.monotonic()
                try:
                    done = subprocess.run(command, stderr=err, timeout=left + 300, check=False)
                    code = done.returncode
                except subprocess.TimeoutExpired:
                    code = "killed after its time"
                result = json.loads(summary.read_text()) if summary.exists() else None
            if result is not None:
                merged["inputs"] += result["inputs"]
                merged["seconds"] += result["seconds"]
                for signature, finding in result["findings"].items():
                    known = merged["findings"].setdefault(signature, finding)
                    if known is not finding:
                        known["count"] += finding["count"]
            if code == 0 and result is not None:
                break
            stop = f"worker stopped early ({code}) after {time.monotonic() - started:.0f}s"
            merged["stops"].append(stop)
            print(f"[{target}] {stop}; libFuzzer's artifact and log: {VAR}", flush=True)
    return merged


def report(results: list[dict]) -> None:
    print("\n== summary ==")
    for result in results:
        rate = result["inputs"] / max(result["seconds"], 1e-9)
        print(
            f"{result['target']:>8}: {result['inputs']:,} inputs in {result['seconds'] / 60:.1f} "
            f"min ({rate:,.0f}/s), {len(result['findings'])} distinct finding(s)"
        )
        for stop in result["stops"]:
            print(f"          {stop}")
        for signature, finding in sorted(result["findings"].items()):
            print(f"{finding['count']:>16,}x  {signature}\n{'':>19}{finding['file']}")
    if not any(r["findings"] or r["stops"] for r in results):
        print("No findings: every input was parsed, refused, stored or quarantined as promised.")


class Findings:
    """Distinct findings by signature, each with the smallest input seen written to disk."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.folder = VAR / "crashes"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.by_signature: dict[str, dict] = {}
        self.total = 0

    def add(self, exc: BaseException, data: bytes, *, kind: str = "crash") -> None:
        self.total += 1
        signature = f"{kind}: {signature_of(exc)}"
        known = self.by_signature.get(signature)
        if known is None:
            digest = hashlib.sha1(signature.encode()).hexdigest()[:10]
            stem = self.folder / f"{self.target}-{digest}"
            known = {"count": 0, "size": None, "file": f"{stem}.bin"}
            self.by_signature[signature] = known
            print(f"[{self.target}] new finding: {signature}", flush=True)
        known["count"] += 1
        if known["size"] is None or len(data) < known["size"]:
            known["size"] = len(data)
            Path(known["file"]).write_bytes(data)
            trace = "".join(traceback.format_exception(exc))
            Path(known["file"]).with_suffix(".txt").write_text(
                f"{signature}\ninput: {len(data)} bytes, {known['file']}\n\n{trace}"
            )


class SlowInput(Exception):
    """Not raised: the finding for an input that took seconds (a quadratic regex, say)."""


def signature_of(exc: BaseException) -> str:
    """The exception's type with where it was raised in our code and in the code under it: the
    same bug found through many inputs counts once."""
    from bench.fuzz_targets import ContractBroken

    if isinstance(exc, SlowInput):
        return str(exc)
    if isinstance(exc, ContractBroken):
        return f"{type(exc).__name__}: {str(exc).split(':')[0]}"
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/mailagent/" in f.filename]
    where = [f"{Path(f.filename).stem}.{f.name}" for f in (ours[-1:] + frames[-1:])]
    return f"{type(exc).__name__} at {' / '.join(dict.fromkeys(where))}"


def worker(target: str, *, seconds: float, summary: Path, seed: int) -> None:
    import atheris

    with atheris.instrument_imports(include=INSTRUMENTED):
        from bench import fuzz_targets

        # The store target gets a database of its own, thrown away by the next worker.
        check = fuzz_targets.check_for(target, VAR / "database")
    from bench import fuzz_grammar
    from bench.fuzz_seeds import seed_corpus

    corpus = seed_corpus(target, VAR / "corpus" / target)
    findings = Findings(target)
    outcomes: Counter[str] = Counter()
    started = last = time.monotonic()

    def save(elapsed: float) -> None:
        # Also written along the way: what a worker libFuzzer stops had done is kept.
        payload = {"inputs": sum(outcomes.values()), "seconds": elapsed}
        payload["findings"] = findings.by_signature
        partial = summary.with_suffix(".partial")
        partial.write_text(json.dumps(payload))
        partial.replace(summary)

    def finish() -> None:
        elapsed = time.monotonic() - started
        save(elapsed)
        print(f"[{target}] done: {progress_line(elapsed)}", flush=True)
        os._exit(0)

    def progress_line(elapsed: float) -> str:
        inputs = sum(outcomes.values())
        seen = ", ".join(f"{k} {v:,}" for k, v in outcomes.most_common())
        return (
            f"{elapsed / 60:4.1f} min  {inputs:,} inputs  {inputs / max(elapsed, 1e-9):,.0f}/s  "
            f"findings {findings.total:,} ({len(findings.by_signature)} distinct)  [{seen}]"
        )

    def one_input(data: bytes) -> None:
        nonlocal last
        began = time.monotonic()
        try:
            outcomes[check(data)] += 1
        except Exception as exc:  # every escape is a finding; the run goes on
            outcomes["finding"] += 1
            findings.add(exc, data)
        took = time.monotonic() - began
        if took > SLOW_SECONDS:
            findings.add(SlowInput(f"one input took over {SLOW_SECONDS:.0f} s"), data, kind="slow")
        if began - last > PROGRESS_EVERY:
            last = began
            print(f"[{target}] {progress_line(began - started)}", flush=True)
            save(began - started)
        if began - started > seconds:
            finish()

    def mutator(data: bytes, max_size: int, mutation_seed: int) -> bytes:
        rng = random.Random(mutation_seed)
        roll = rng.random()
        if roll < 0.1 or not data:
            return fuzz_grammar.generate(target, rng, max_size=max_size)
        if roll < 0.35:
            return fuzz_grammar.mutate(data, rng, target=target, max_size=max_size)
        return atheris.Mutate(data, max_size)

    options = [
        f"-max_len={MAX_LEN[target]}",
        "-len_control=0",  # the grammar's inputs are full-sized from the start
        "-timeout=120",
        "-rss_limit_mb=3072",
        f"-max_total_time={int(seconds) + 120}",
        f"-artifact_prefix={VAR / 'crashes'}/{target}-",
        "-print_final_stats=0",
    ]
    if seed:
        options.append(f"-seed={seed}")
    atheris.Setup([sys.argv[0], *options, str(corpus)], one_input, custom_mutator=mutator)
    atheris.Fuzz()
    finish()


if __name__ == "__main__":
    main()
