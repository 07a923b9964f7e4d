"""Scoring the drafts evaluation set: what a draft states, held against a case's facts.

A case's facts (`required`, `forbidden`) take five shapes (see tests/draft_eval.py). A draft
states an invoice number, an amount or a date when it writes it as the drafts of the case's
language write facts (`wording.money_in`, `wording.day_in`), and a text when any of the case's
strings stands in it as a whole token, case and spacing aside; a passage is used when one of the
knowledge files the draft was written from has that stem. A draft is wrong when it states a
forbidden fact, when the draft validator finds a fact in it the records, the knowledge and the
settings do not hold, or when it exists at all where only a person may answer. It is in the
wrong language when the language detector reads it, reliably, as another than the customer's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from mailagent.wording import day_in, money_in

if TYPE_CHECKING:
    from mailagent.services.invoices import ImportReport
    from tests.draft_eval import Case

Fact = dict


@dataclass(frozen=True)
class Seen:
    """What the pipeline made of one case, read back from the database."""

    status: str  # the stored message's
    ticket: bool
    needs_person: bool
    category: str
    human_reason: str
    draft_body: str = ""
    draft_language: str = ""
    passage_files: tuple[str, ...] = ()
    validator: tuple[str, ...] = ()

    @property
    def drafted(self) -> bool:
        return bool(self.draft_body.strip())


@dataclass(frozen=True)
class Outcome:
    case: Case
    seen: Seen
    found: tuple[Fact, ...]
    missing: tuple[Fact, ...]
    wrong: tuple[str, ...]
    detected_language: str

    @property
    def wrong_language(self) -> bool:
        """A draft the detector reads as another language; one too short to tell is not."""
        return self.seen.drafted and self.detected_language not in ("", self.case.language)

    @property
    def sendable(self) -> bool:
        seen, expect = self.seen, self.case.expect
        if expect == "person":
            return not seen.drafted and seen.needs_person
        clean = seen.drafted and not self.wrong and not self.wrong_language
        if expect == "unanswered":
            return clean and seen.needs_person
        return clean and not self.missing

    def why(self) -> list[str]:
        """What keeps the case from being sendable, in words a person can act on."""
        seen, case = self.seen, self.case
        reasons: list[str] = []
        if not seen.ticket:
            reasons.append(f"no ticket (message {seen.status})")
        if case.expect == "person":
            if seen.drafted:
                reasons.append("drafted although only a person may answer")
            if not seen.needs_person:
                reasons.append("not marked for a person")
        elif not seen.drafted:
            reasons.append(f"no draft ({seen.human_reason or 'no reason given'})")
        elif case.expect == "unanswered" and not seen.needs_person:
            reasons.append("unanswerable, yet not marked for a person")
        reasons += [f"missing {describe(fact)}" for fact in self.missing if seen.drafted]
        reasons += [w for w in self.wrong if not w.startswith("drafted although")]
        if self.wrong_language:
            reasons.append(f"written in {self.detected_language}, not {case.language}")
        return reasons


@dataclass(frozen=True)
class Score:
    """The figures of a group of outcomes."""

    outcomes: tuple[Outcome, ...]

    @property
    def cases(self) -> int:
        return len(self.outcomes)

    @property
    def required(self) -> int:
        return sum(len(o.case.required) for o in self.outcomes)

    @property
    def recall(self) -> float:
        """Required facts stated, over all required facts of the group (1.0 when none)."""
        return sum(len(o.found) for o in self.outcomes) / self.required if self.required else 1.0

    @property
    def drafts(self) -> int:
        return sum(o.seen.drafted for o in self.outcomes)

    @property
    def wrong_fact_drafts(self) -> int:
        """Drafts with a forbidden or unsupported fact, or written where none may be."""
        return sum(o.seen.drafted and bool(o.wrong) for o in self.outcomes)

    @property
    def wrong_language_drafts(self) -> int:
        return sum(o.wrong_language for o in self.outcomes)

    @property
    def sendable(self) -> float:
        return sum(o.sendable for o in self.outcomes) / self.cases if self.cases else 0.0


@dataclass(frozen=True)
class Report:
    outcomes: tuple[Outcome, ...]
    imports: tuple[ImportReport, ...] = ()
    validator: str = ""  # how the draft validator was run, or why it was not

    def where(self, **match: str) -> Report:
        """The outcomes whose case has these values (split=, language=, category=, expect=)."""
        kept = tuple(
            o for o in self.outcomes if all(getattr(o.case, k) == v for k, v in match.items())
        )
        return Report(kept, self.imports, self.validator)

    @property
    def score(self) -> Score:
        return Score(self.outcomes)

    def by(self, attribute: str) -> dict[str, Score]:
        """One score per value of a case attribute, in the order the values first appear."""
        groups: dict[str, list[Outcome]] = {}
        for o in self.outcomes:
            groups.setdefault(getattr(o.case, attribute), []).append(o)
        return {value: Score(tuple(items)) for value, items in groups.items()}

    @property
    def failing(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.sendable)


def fact_kind(fact: Fact) -> str | None:
    """Which of the five shapes a fact has, by its keys; None for none of them."""
    shapes = {
        "invoice": {"invoice"},
        "amount": {"amount", "currency"},
        "date": {"date"},
        "text": {"text"},
        "passage": {"passage"},
    }
    return next((kind for kind, keys in shapes.items() if set(fact) == keys), None)


def describe(fact: Fact) -> str:
    """A fact in a failure line: 'amount EUR 1234.50', "text '30 Tage'"."""
    kind = fact_kind(fact)
    if kind == "amount":
        return f"amount {fact['currency']} {fact['amount']}"
    if kind == "text":
        return "text " + " / ".join(repr(t) for t in fact["text"])
    return f"{kind} {fact[kind]}"


def outcome_of(case: Case, seen: Seen) -> Outcome:
    """One case scored on what the pipeline made of it."""
    found = tuple(f for f in case.required if fact_stated(f, seen, case.language))
    missing = tuple(f for f in case.required if f not in found)
    wrong: list[str] = []
    if seen.drafted:
        if case.expect == "person":
            wrong.append("drafted although only a person may answer")
        wrong += [
            f"states forbidden {describe(f)}"
            for f in case.forbidden
            if fact_stated(f, seen, case.language)
        ]
        wrong += [f"validator: {problem}" for problem in seen.validator]
    return Outcome(case, seen, found, missing, tuple(wrong), _language_of(seen))


def _language_of(seen: Seen) -> str:
    if not seen.drafted:
        return ""
    from mailagent.language import detect_language

    detected = detect_language(seen.draft_body, default="")
    return detected.code if getattr(detected, "reliable", True) else ""


def normalised(text: str) -> str:
    """Case folded, typographic apostrophes plain, every run of spaces (no-break ones too) one."""
    return " ".join(text.replace("\u2019", "'").casefold().split())


def says(text: str, phrase: str) -> bool:
    """`phrase` stands in `text` as a whole token: not inside a longer word or number."""
    needle = normalised(phrase)
    if not needle:
        return False
    start = r"(?<![^\W_])" if needle[0].isalnum() else ""
    end = r"(?![^\W_])" if needle[-1].isalnum() else ""
    return re.search(start + re.escape(needle) + end, normalised(text)) is not None


def fact_renderings(fact: Fact, language: str) -> list[str]:
    """How a draft in `language` writes the fact (`wording.money_in`, `wording.day_in`)."""
    kind = fact_kind(fact)
    if kind == "invoice":
        return [fact["invoice"]]
    if kind == "amount":
        amount = Decimal(fact["amount"])
        return list(
            dict.fromkeys(money_in(a, fact["currency"], language) for a in (amount, abs(amount)))
        )
    if kind == "date":
        return [day_in(date.fromisoformat(fact["date"]), language)]
    if kind == "text":
        return list(fact["text"])
    return []


def fact_stated(fact: Fact, seen: Seen, language: str) -> bool:
    """Whether the draft states the fact; a case without a draft states none."""
    if not seen.drafted:
        return False
    if fact_kind(fact) == "passage":
        return fact["passage"] in {passage_stem(f) for f in seen.passage_files}
    return any(says(seen.draft_body, r) for r in fact_renderings(fact, language))


def passage_stem(file: str) -> str:
    """'policies/returns.de.md' -> 'returns': the file's name without language or extension."""
    return PurePosixPath(file).name.split(".")[0]
