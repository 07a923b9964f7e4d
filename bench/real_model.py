"""The OpenAI-compatible backend against a real model: llama.cpp's server and a small GGUF model,
both installed from the package registry (how: `tests/agents/test_real_model.py`).

    .venv/bin/python bench/real_model.py [-n 20] [--stream] [--max-tokens 400] [--set holdout]

Starts `llama-server` (tests/llama_server.py) on 127.0.0.1, then triages the first N labelled
messages of a set (tests/eval_set.py) through `OpenAIBackend` and the policy, exactly as the
evaluation does for the rules, and prints:

1. the model's answers used, and the fallbacks to the rules by reason (malformed JSON, cut at the
   token limit, outside the schema, a draft failing the facts check);
2. category accuracy of what was proposed (the model's where used, the rules' otherwise), the
   model's own accuracy on the answers it gave, and high-risk recall after the policy;
3. per call: median and p90 seconds, prompt and completion tokens as the server counted them,
   and completion tokens per second.

It needs no network: the server and the model are local files.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "ERROR")

import django  # noqa: E402

django.setup()

from mailagent.agents.openai_backend import OpenAIBackend  # noqa: E402
from tests.eval_set import EVAL_DIR, HOLDOUT_DIR, TUNE_DIR, evaluate, load_examples  # noqa: E402
from tests.llama_server import llama_server_start, missing  # noqa: E402

SETS = {"eval": EVAL_DIR, "tune": TUNE_DIR, "holdout": HOLDOUT_DIR}


def reason_kind(reason: str) -> str:
    for marker, kind in (
        ("Invalid JSON", "malformed JSON"),
        ("token limit", "cut at the token limit"),
        ("does not fit the schema", "outside the schema"),
        ("facts check", "draft failed the facts check"),
        ("stream ended", "stream broke off"),
        ("Timeout", "timed out"),
    ):
        if marker in reason:
            return kind
    return reason.split(":")[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--stream", action="store_true")
    parser.add_argument("--max-tokens", type=int, default=400)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--set", choices=sorted(SETS), default="holdout")
    args = parser.parse_args()
    if missing():
        sys.exit(f"cannot run: {missing()}")

    log = Path(tempfile.mkdtemp(prefix="bench-real-model-")) / "llama-server.log"
    started = time.perf_counter()
    server = llama_server_start(log=log)
    print(f"llama-server with {server.model.name} ready in {time.perf_counter() - started:.1f} s")
    backend = OpenAIBackend(
        base_url=server.base_url, api_key="local", model=server.model_name,
        timeout=args.timeout, max_retries=0, stream=args.stream, max_tokens=args.max_tokens,
    )  # fmt: skip
    examples = [e for e in load_examples(SETS[args.set])][: args.n]
    try:
        outcomes = [evaluate(example, backend) for example in examples]
    finally:
        server.stop()

    answered = [o for o in outcomes if o.proposal is not None]
    used = [o for o in answered if o.proposal.backend.startswith("openai:")]
    fallbacks = Counter(
        reason_kind(o.proposal.fallback_reason) for o in answered if o.proposal.fallback_reason
    )
    way = "streamed" if args.stream else "whole"
    print(f"\n{len(answered)} messages sent to the model ({way})")
    print(f"model's triage used: {len(used)}/{len(answered)}")
    for kind, count in fallbacks.most_common():
        print(f"  fallback or replaced draft: {kind}: {count}")

    right, total = sum(o.correct for o in outcomes), len(outcomes)
    print(f"\ncategory accuracy, as proposed: {right / total:.0%} ({right}/{total})")
    if used:
        model_right = sum(o.correct for o in used)
        print(f"the model's own answers: {model_right / len(used):.0%} ({model_right}/{len(used)})")
    risky = [o for o in outcomes if o.example.high_risk]
    routed = sum(o.routed_to_person for o in risky)
    print(f"high-risk recall after the policy: {routed}/{len(risky)}")

    seconds = sorted(o.seconds for o in answered)
    prompt = [o.proposal.prompt_tokens for o in answered if o.proposal.prompt_tokens]
    completion = [o.proposal.completion_tokens for o in answered if o.proposal.completion_tokens]
    p90 = seconds[int(0.9 * (len(seconds) - 1))]
    print(f"\nseconds per call: median {statistics.median(seconds):.1f}, p90 {p90:.1f}")
    if prompt and completion:
        print(
            f"tokens per call: prompt median {statistics.median(prompt):.0f}, "
            f"completion median {statistics.median(completion):.0f}; "
            f"{sum(completion) / sum(seconds):.1f} completion tokens a second overall"
        )


if __name__ == "__main__":
    main()
