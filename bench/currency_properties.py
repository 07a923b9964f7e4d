"""The currency property tests with many more examples than the suite runs, new ones each time.

    .venv/bin/python bench/currency_properties.py              # 2,000 examples per test
    .venv/bin/python bench/currency_properties.py --examples 20000 --seeded

Runs tests/accounting/test_currency_properties.py (every generated export is read back with
every number, currency and date exact) and prints pytest's summary; a failure prints the
smallest export hypothesis found.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000)
    parser.add_argument("--seeded", action="store_true", help="the suite's fixed examples")
    args = parser.parse_args()
    env = os.environ | {"CURRENCY_PROPERTY_EXAMPLES": str(args.examples)}
    if not args.seeded:
        env["CURRENCY_PROPERTY_RANDOM"] = "1"
    started = time.monotonic()
    command = [sys.executable, "-m", "pytest", "-q", "tests/accounting/test_currency_properties.py"]
    code = subprocess.call(command, cwd=ROOT, env=env)
    print(f"{args.examples} examples per test in {time.monotonic() - started:.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
