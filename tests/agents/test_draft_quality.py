"""Reply drafts against the drafts evaluation set (see tests/draft_eval), through the pipeline.

Issue 14's targets, on cases the rules were never tuned on: no draft states a wrong or
unsupported fact, none is written in another language than the customer's, at least 90% of the
facts a good reply states are stated, and at least 70% of the cases come out as a person could
send them (the right draft, or none where a person must answer).

Two parts are held to them. `held_out` (a third of cases.json) meets all four, but its failing
cases were read while the drafting was built, so it flatters. `kept` (cases_kept.json) was
written by another hand without the rules and is never read case by case: on it no draft states
a wrong fact or is in the wrong language, and its sendable share meets the target, but its
recall falls short (74% and 73% on 3 December 2026). The tests hold `kept` to what is reached,
KEPT_MIN_RECALL and KEPT_MIN_SENDABLE: floors against going back, not the goal; and the
development parts to what they reach, less a case or two (DEVELOPMENT_MIN_SENDABLE). The set's
shape is checked too, so that it stays worth measuring on.

`bench/eval_drafts.py` prints the full report, per split, language and category.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction

from tests.draft_eval import CATEGORIES, load_cases, run
from tests.draft_scoring import Report

MAX_WRONG_FACT_DRAFTS = 0
MAX_WRONG_LANGUAGE_DRAFTS = 0
MIN_RECALL = 0.90
MIN_SENDABLE = 0.70
#: What the kept cases reach (0.76 and 0.75), less a case's worth: floors, not the goal.
KEPT_MIN_RECALL = 0.74
KEPT_MIN_SENDABLE = 0.73
#: What the development parts reach as a person could send them, less a case or two.
DEVELOPMENT_MIN_SENDABLE = {"fresh": 0.88, "dev": 0.82, "dev2": 0.90, "dev3": 0.81}

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def report(django_db_setup, django_db_blocker, tmp_path_factory) -> Report:
    """The whole set run once for the module, in a transaction rolled back afterwards."""
    from django.test.utils import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(OUTBOX_DIR=tmp_path_factory.mktemp("outbox")),
        transaction.atomic(),
    ):
        report = run()
        transaction.set_rollback(True)
    return report


@pytest.fixture(scope="module")
def held_out(report) -> Report:
    return report.where(split="held_out")


@pytest.fixture(scope="module")
def kept(report) -> Report:
    return report.where(split="kept")


def failures(report: Report) -> str:
    return "\n".join(f"{o.case.id}: {'; '.join(o.why())}" for o in report.failing)


def test_the_set_covers_four_drafting_languages_every_category_and_holds_a_third_out():
    cases = load_cases()
    assert len(cases) >= 150
    languages = Counter(c.language for c in cases)
    assert {lang: n for lang, n in languages.items() if lang in ("de", "fr", "es") and n < 20} == {}
    assert languages["en"] >= 60
    assert set(languages) >= {"it", "pt", "nl", "pl"}
    for split in ("tune", "held_out"):
        assert {c.category for c in cases if c.split == split} == set(CATEGORIES), split
    first = [c for c in cases if c.split in ("tune", "held_out")]
    assert 0.28 <= sum(c.split == "held_out" for c in first) / len(first) <= 0.40
    kept = [c for c in cases if c.split == "kept"]
    assert len(kept) >= 60 and {"en", "de", "fr", "es"} <= {c.language for c in kept}
    assert len({c.id for c in cases}) == len(cases)


def test_no_held_out_draft_states_a_wrong_or_unsupported_fact(held_out):
    wrong = [o for o in held_out.outcomes if o.seen.drafted and o.wrong]
    assert len(wrong) <= MAX_WRONG_FACT_DRAFTS, "\n".join(
        f"{o.case.id}: {'; '.join(o.wrong)}" for o in wrong
    )


def test_no_held_out_draft_is_written_in_another_language(held_out):
    wrong = [o for o in held_out.outcomes if o.wrong_language]
    assert len(wrong) <= MAX_WRONG_LANGUAGE_DRAFTS, "\n".join(
        f"{o.case.id}: written in {o.detected_language}, not {o.case.language}" for o in wrong
    )


def test_held_out_drafts_state_the_facts_a_good_reply_states(held_out):
    recall = held_out.score.recall
    assert recall >= MIN_RECALL, f"recall {recall:.0%}:\n{failures(held_out)}"


def test_most_held_out_cases_come_out_as_a_person_could_send_them(held_out):
    sendable = held_out.score.sendable
    assert sendable >= MIN_SENDABLE, f"sendable {sendable:.0%}:\n{failures(held_out)}"


@pytest.mark.parametrize("split", ["held_out", "kept"])
def test_no_draft_on_a_part_never_tuned_on_states_a_wrong_fact_or_language(report, split):
    part = report.where(split=split)
    wrong = [o for o in part.outcomes if (o.seen.drafted and o.wrong) or o.wrong_language]
    assert len(wrong) <= MAX_WRONG_FACT_DRAFTS, "\n".join(
        f"{o.case.id}: {'; '.join(o.why())}" for o in wrong
    )


def test_the_kept_cases_do_not_fall_below_what_is_reached(kept):
    # Figures only: listing the kept cases' failures would make them one more tuning set.
    assert kept.score.recall >= KEPT_MIN_RECALL, f"kept recall {kept.score.recall:.0%}"
    assert kept.score.sendable >= KEPT_MIN_SENDABLE, f"kept sendable {kept.score.sendable:.0%}"


@pytest.mark.parametrize("split", sorted(DEVELOPMENT_MIN_SENDABLE))
def test_the_development_parts_do_not_fall_below_what_is_reached(report, split):
    part = report.where(split=split)
    floor = DEVELOPMENT_MIN_SENDABLE[split]
    assert part.score.sendable >= floor, f"{split} sendable {part.score.sendable:.0%}:\n" + (
        failures(part)
    )


def test_no_draft_quotes_a_passage_twice(report):
    # A procedure the reply adds (the volume discounts for a customer who buys every month)
    # was quoted again when the search had found it already.
    repeated = []
    for o in report.outcomes:
        paragraphs = [p for p in o.seen.draft_body.split("\n\n") if len(p) >= 80]
        if len(paragraphs) != len(set(paragraphs)):
            repeated.append(o.case.id)
    assert not repeated, repeated
