"""What the parsing fuzzer calls, and what each entry point may do with any bytes.

- `email`: `parse_email` returns a `ParsedEmail` whose text can be stored, or raises
  `UnparseableEmail`;
- `export`: `parse_export` returns a `ParsedExport` or raises a `UserInputError`;
- `headers`: the header helpers return values and never raise;
- `store`: the raw bytes are stored as they came, and processing leaves the message processed
  (a ticket, automatic mail, a duplicate, an imported export) or quarantined with a reason that
  is not an unexpected exception.

Anything else is a finding. Imported by the fuzzer under coverage instrumentation, so that the
standard library's `email` package counts as code to explore too.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import logging
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from mailagent.errors import UnparseableEmail, UserInputError
from mailagent.parsing import headers as header_helpers
from mailagent.parsing.accounting import ParsedExport, parse_export
from mailagent.parsing.email import parse_email
from mailagent.types import ParsedEmail, StaffDirectory

# Imported now, under the fuzzer's instrumentation: the standard library imports some of these
# only on first use (`email.message_from_bytes` imports `email.parser`), and code imported after
# the instrumented import is not instrumented.
for _name in ("parser", "feedparser", "message", "header", "headerregistry", "utils", "_parseaddr",
              "_header_value_parser", "charset", "iterators", "generator", "policy",
              "base64mime", "quoprimime", "_encoded_words", "contentmanager"):  # fmt: skip
    importlib.import_module(f"email.{_name}")

ROOT = Path(__file__).resolve().parents[1]
# Staff is anyone at acme.example; with an authserv-id, only when our server vouches for them.
STAFF = (
    StaffDirectory.of([], ["acme.example"]),
    StaffDirectory.of(["ivy@acme.example"], ["acme.example"], "mx.acme.example"),
)
EXPORT_SENDER = "exports@books.example"


class ContractBroken(AssertionError):
    """An entry point returned, but what it returned breaks its promise."""


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for item in dataclasses.fields(value):
            yield from _texts(getattr(value, item.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item)


def _storable(value: object, what: str) -> None:
    """Text that reaches the database must be valid Unicode: a lone surrogate (an undecoded
    8-bit byte) makes SQLite and PostgreSQL refuse the whole row."""
    for text in _texts(value):
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ContractBroken(f"{what} holds undecoded bytes: {text[:80]!r}") from exc


def check_email(data: bytes) -> str:
    try:
        parsed = parse_email(data, staff=STAFF[len(data) % 2])
    except UnparseableEmail:
        return "unparseable"
    if not isinstance(parsed, ParsedEmail):
        raise ContractBroken(f"parse_email returned {type(parsed).__name__}")
    _storable(parsed, "the ParsedEmail")
    return "parsed"


def check_export(data: bytes) -> str:
    try:
        parsed = parse_export(data, default_currency="USD")
    except UserInputError:
        return "refused"
    if not isinstance(parsed, ParsedExport):
        raise ContractBroken(f"parse_export returned {type(parsed).__name__}")
    return "parsed"


def _address_field() -> Callable | None:
    """The address-header reader being introduced beside `parse_addresses`, when it is there
    with its (name, values) signature."""
    reader = getattr(header_helpers, "address_field", None)
    if reader is None or len(inspect.signature(reader).parameters) != 2:
        return None
    return reader


ADDRESS_FIELD = _address_field()


def check_headers(data: bytes) -> str:
    # As the stdlib parser hands header values over: raw 8-bit bytes as lone surrogates.
    raw = data.decode("utf-8", "surrogateescape")
    text = header_helpers.decode_value(raw)
    _storable(text, "decode_value's text")
    for value in (raw, text):
        found = header_helpers.parse_addresses(value)
        header_helpers.first_address(value)
        header_helpers.message_ids(value)
        header_helpers.message_id(value)
        when = header_helpers.parse_date(value)
        if when is not None and when.tzinfo is None:
            raise ContractBroken("parse_date returned a naive datetime")
        if ADDRESS_FIELD is not None:
            ADDRESS_FIELD("From", [value])
    _storable(header_helpers.parse_addresses(text), "parse_addresses over decoded text")
    return "parsed" if found else "no address"


class _LastError(logging.Handler):
    """Keeps the exception the pipeline logged when it quarantined a message as unexpected."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.exc: BaseException | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.exc = record.exc_info[1]


class StoreTarget:
    """Raw bytes through the real ingestion and processing on a throwaway SQLite database."""

    def __init__(self, workdir: Path) -> None:
        os.environ.update(
            DATABASE_URL=f"sqlite:///{workdir / 'fuzz.sqlite3'}",
            INBOX_DIR=str(workdir / "inbox"),
            OUTBOX_DIR=str(workdir / "outbox"),
            IMAP_HOST="",
            IMAP_EXTRA_MAILBOXES="",
            SMTP_HOST="",
            AGENT_MODEL="rules",
            AGENT_EMAIL="agent@acme.example",
            STAFF_DOMAINS="acme.example",
            TRUSTED_AUTHSERV_ID="",
            ACCOUNTING_EXPORT_SENDERS=EXPORT_SENDER,
            TRIAGE_MODE="draft",
            DEBUG="false",
            LOG_LEVEL="CRITICAL",
        )
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        (workdir / "inbox").mkdir(parents=True, exist_ok=True)
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        self.errors = _LastError()
        logger = logging.getLogger("mailagent")
        logger.addHandler(self.errors)
        logger.setLevel(logging.ERROR)
        logger.propagate = False
        self.count = 0

    def check(self, data: bytes) -> str:
        from mailagent.models import InboundEmail
        from mailagent.services.ingest import email_store
        from mailagent.services.processing import emails_process

        self.count += 1
        stored = email_store(source="fuzz", source_key=f"input-{self.count}", raw=data)
        if stored is None or bytes(InboundEmail.objects.get(pk=stored.pk).raw) != data:
            raise ContractBroken("the raw bytes were not stored as they came")
        self.errors.exc = None
        emails_process(email_ids=[stored.pk])
        stored.refresh_from_db()
        if stored.status == InboundEmail.Status.RECEIVED:
            raise ContractBroken("processing left the message unprocessed")
        if stored.status == InboundEmail.Status.QUARANTINED and stored.error.startswith(
            "Unexpected "
        ):
            if self.errors.exc is not None:
                raise self.errors.exc
            raise ContractBroken(stored.error[:300])
        return stored.status


CHECKS: dict[str, Callable[[bytes], str]] = {
    "email": check_email,
    "export": check_export,
    "headers": check_headers,
}


def check_for(target: str, workdir: Path) -> Callable[[bytes], str]:
    """The check of a target; the store target's on a fresh database under `workdir`."""
    if target != "store":
        return CHECKS[target]
    shutil.rmtree(workdir, ignore_errors=True)
    return StoreTarget(workdir).check
