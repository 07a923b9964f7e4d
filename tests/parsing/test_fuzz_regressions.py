"""Inputs the parsing fuzzer (bench/fuzz_parsing.py) found crashing, minimised, each with what
must happen to it: a message is parsed or refused as `UnparseableEmail`, an export is parsed or
refused as a `UserInputError`, a header helper returns, and nothing takes seconds to read. Any
other exception is a crash: the pipeline would quarantine the message as "Unexpected ..." instead
of reading it. A slow input holds a worker for as long as it takes, and a sender can send many.

A new finding that is not fixed yet goes in with `xfail=` naming where the fix belongs (strict:
the mark must come off with the fix). Every case below was fixed at its cause: the address parser's
half-parsed tokens, bytes-to-bytes codecs and NUL labels, punycode's UnicodeError, and three
quadratic regular expressions (address search, export e-mail cells, the reply splitter's header
patterns over one long line).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mailagent.errors import UnparseableEmail, UserInputError
from mailagent.parsing import headers
from mailagent.parsing.accounting import ParsedExport, parse_export
from mailagent.parsing.email import parse_email
from mailagent.types import ParsedEmail
from tests.parsing.eml import STAFF

PARSES, UNPARSEABLE, REFUSED = "parses", "unparseable", "refused"


def case(name: str, raw: bytes, expected: str, *, xfail: str = ""):
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(raw, expected, id=name, marks=marks)


MAIL = [
    case(
        "rfc2231-filename-charset-nul",
        b"From: a@b.example\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
        b"--b\nContent-Type: text/plain\n\nhi\n--b\nContent-Type: text/csv\n"
        b"Content-Disposition: attachment; filename*=\x00''a.csv\n\nx\n--b--\n",
        PARSES,
    ),
    case(
        "content-disposition-with-8bit-bytes",
        b'From: a@b.example\nContent-Disposition: attachment; filename="a\xff.csv"\n\nhi\n',
        PARSES,
    ),
    # U+001C splits lines for str.splitlines(): flattening the attached message to measure it
    # took the rest of the value for an embedded header (HeaderParseError).
    case(
        "attached-message-header-with-a-file-separator",
        b'From:N@x\nContent-Type:multipart/;boundary="rep"\n--rep\n'
        b"Content-Type:message/rfc822\n\nc:\x1ct:",
        PARSES,
    ),
    case(
        "from-group-then-open-angle",
        b"From::;<",
        UNPARSEABLE,
    ),
    case(
        "from-empty-encoded-word",
        b"From:=??Q??=",
        UNPARSEABLE,
    ),
    # A dotless domain is no address a reply could reach: refused, not guessed.
    case("from-dot-then-open-angle", b"From:.<i@l", UNPARSEABLE),
    case(
        "subject-in-rot13",
        b"From:y@a\nSubject:=?rot13?Q?W?=",
        PARSES,
    ),
    case(
        "body-in-charset-hex",
        b"From: a@b.example\nContent-Type: text/plain; charset=hex\n\nhi\n",
        PARSES,
    ),
    case(
        "body-in-charset-punycode",
        b"Content-Type:charset=punycode\nFrom:o@m\nP",
        PARSES,
    ),
    case(
        "subject-charset-with-nul",
        b"Subject:=?\x00?q??=\nFrom:y@a",
        PARSES,
    ),
]


@pytest.mark.parametrize(("raw", "expected"), MAIL)
def test_fuzzed_mail_is_parsed_or_refused_as_unparseable(raw, expected):
    if expected == UNPARSEABLE:
        with pytest.raises(UnparseableEmail):
            parse_email(raw, staff=STAFF)
        return
    parsed = parse_email(raw, staff=STAFF)
    assert isinstance(parsed, ParsedEmail)
    assert "@" in parsed.sender.email


HEADER_VALUES = [
    case(
        "encoded-word-in-rot13",
        b"=?rot13?q?y?=",
        PARSES,
    ),
    case(
        "encoded-word-in-punycode",
        b"=?punycode?B?TK?=",
        PARSES,
    ),
    case(
        "encoded-word-charset-nul",
        b"=?\x00?Q??=",
        PARSES,
    ),
    case(
        "empty-group-twice",
        b":;;",
        PARSES,
    ),
    case(
        "empty-encoded-word",
        b"=??q??=",
        PARSES,
    ),
    case(
        "dot-then-open-angle",
        b".<i@l",
        PARSES,
    ),
]


@pytest.mark.parametrize(("raw", "expected"), HEADER_VALUES)
def test_fuzzed_header_values_are_read_without_raising(raw, expected):
    # As the stdlib parser hands a header over: raw 8-bit bytes as lone surrogates.
    value = raw.decode("utf-8", "surrogateescape")
    text = headers.decode_value(value)
    assert isinstance(text, str)
    for each in (value, text):
        assert isinstance(headers.parse_addresses(each), tuple)
        headers.message_ids(each)
        headers.parse_date(each)
    assert expected == PARSES


EXPORTS = [
    # "\xb3" is cp1252's superscript three: str.isdigit() says yes, Decimal() says no.
    case(
        "balance-of-a-superscript-digit",
        b',"",,"Num","Customer","DueDate",,"Open Balance"\n,"",,,,"",,\xb3',
        PARSES,
    ),
]


@pytest.mark.parametrize(("raw", "expected"), EXPORTS)
def test_fuzzed_exports_are_parsed_or_refused(raw, expected):
    try:
        parsed = parse_export(raw, default_currency="USD")
    except UserInputError:
        assert expected == REFUSED
        return
    assert expected == PARSES
    assert isinstance(parsed, ParsedExport)


SLOW = [
    case(
        "long-line-starting-with-on",
        b"From: a@b.example\n\nOn " + b"z" * 12_000,
        "email",
    ),
    case(
        "from-header-of-one-long-word",
        b"From: " + b"y" * 20_000 + b"\n\nhi\n",
        "email",
    ),
    case(
        "email-cell-of-one-long-word",
        b"Customer,Email\nSunrise Bakery," + b"y" * 20_000 + b"\n",
        "export",
    ),
]

_TIMED = """
import sys, time
from mailagent.errors import UserInputError
from mailagent.parsing.accounting import parse_export
from mailagent.parsing.email import parse_email
from tests.parsing.eml import STAFF
raw = sys.stdin.buffer.read()
started = time.perf_counter()
try:
    parse_email(raw, staff=STAFF) if sys.argv[1] == "email" else parse_export(raw)
except UserInputError:
    pass
print(time.perf_counter() - started)
"""


@pytest.mark.parametrize(("raw", "target"), SLOW)
def test_fuzzed_input_is_read_in_well_under_a_second(raw, target):
    """In a process of its own, so that a quadratic parse costs the suite seconds, not minutes.
    A fixed parser reads these in milliseconds; the bound leaves room for a loaded machine."""
    root = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run(
            [sys.executable, "-c", _TIMED, target],
            input=raw,
            capture_output=True,
            cwd=root,
            timeout=20,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("reading it took over 20 s")
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert float(done.stdout) < 0.5, f"reading it took {float(done.stdout):.1f} s"
