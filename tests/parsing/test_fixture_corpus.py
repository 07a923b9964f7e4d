"""Every `.eml` under tests/fixtures/ is read the same way tomorrow as today.

Each fixture either parses, and its sender, customer, subject, first line of text and automatic
reason match its row in tests/fixtures/corpus.json, or is quarantined with the reason recorded
there. The table records what the parser says now, reviewed row by row by a person; a change in
any row is a change in what the triage sees, so it has to be made on purpose.

To add a fixture, or to accept a deliberate change in the parser, rewrite the table and read the
diff before committing it:

    python -m tests.parsing.test_fixture_corpus --write
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import pytest

from mailagent.errors import UnparseableEmail
from mailagent.parsing.email import parse_email
from mailagent.types import StaffDirectory

FIXTURES = Path(__file__).parent.parent / "fixtures"
TABLE = FIXTURES / "corpus.json"
STAFF = StaffDirectory.of([], ["acme.example"])
HOW_TO_UPDATE = "python -m tests.parsing.test_fixture_corpus --write"

# Named here as well as in the table, so that a reader sees which fixtures nobody could answer:
# binary junk with no header section, and a message whose From header a relay lost.
QUARANTINED = [
    "eml/garbage.eml",
    "eml/no-from.eml",
]


def fixture_names() -> list[str]:
    return sorted(path.relative_to(FIXTURES).as_posix() for path in FIXTURES.rglob("*.eml"))


def outcome(name: str) -> dict[str, str]:
    """What the pipeline would make of one fixture, in the fields a person triaging it reads."""
    try:
        parsed = parse_email((FIXTURES / name).read_bytes(), staff=STAFF)
    except UnparseableEmail as exc:
        return {"quarantined": str(exc)}
    first_line = next((line.strip() for line in parsed.text.splitlines() if line.strip()), "")
    return {
        "sender": parsed.sender.email,
        "customer": parsed.customer.email,
        "subject": parsed.subject,
        "first_line": first_line,
        "automatic": parsed.automatic or "",
    }


@cache
def expected_table() -> dict[str, dict[str, str]]:
    return json.loads(TABLE.read_text(encoding="utf-8"))


def test_every_fixture_on_disk_has_a_row_and_every_row_a_fixture():
    on_disk, in_table = set(fixture_names()), set(expected_table())
    assert not on_disk - in_table, (
        f"fixtures without a row in {TABLE.name}: {sorted(on_disk - in_table)}; "
        f"add them with `{HOW_TO_UPDATE}` and review the new rows before committing"
    )
    assert not in_table - on_disk, (
        f"rows in {TABLE.name} for fixtures that no longer exist: {sorted(in_table - on_disk)}; "
        f"drop them with `{HOW_TO_UPDATE}`"
    )


@pytest.mark.parametrize("name", fixture_names())
def test_fixture_is_read_as_recorded(name):
    assert outcome(name) == expected_table().get(name), (
        f"{name} no longer parses as recorded in {TABLE.name}; if the change is intended, "
        f"rewrite the table with `{HOW_TO_UPDATE}` and review its diff"
    )


def test_only_the_unanswerable_fixtures_are_quarantined():
    quarantined = sorted(name for name, row in expected_table().items() if "quarantined" in row)
    assert quarantined == QUARANTINED
    assert all(expected_table()[name]["quarantined"] for name in QUARANTINED), "a reason for each"


def write_table() -> None:
    rows = {name: outcome(name) for name in fixture_names()}
    TABLE.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    quarantined = sum("quarantined" in row for row in rows.values())
    print(f"{TABLE.name}: {len(rows)} fixtures, {quarantined} quarantined")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit(f"usage: {HOW_TO_UPDATE}")
    write_table()
