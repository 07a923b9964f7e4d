"""Real-shaped .eml fixtures, parsed the way the pipeline parses them: Acme's staff is anyone at
acme.example."""

from __future__ import annotations

from pathlib import Path

from mailagent.parsing.email import parse_email
from mailagent.types import ParsedEmail, StaffDirectory

EML = Path(__file__).parent.parent / "fixtures" / "eml"
STAFF = StaffDirectory.of([], ["acme.example"])


def raw(name: str) -> bytes:
    return (EML / name).read_bytes()


def parse(name: str) -> ParsedEmail:
    return parse_email(raw(name), staff=STAFF)


def with_header(name: str, line: str) -> bytes:
    """The fixture with one more header line at the top, as a relay or responder would add it."""
    return line.encode() + b"\n" + raw(name)
