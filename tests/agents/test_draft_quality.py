"""Reply drafts against the drafts evaluation set (see tests/draft_eval), through the pipeline.

Issue 14's targets, on the held_out cases (never tuned on): no draft states a wrong or unsupported
fact, none is written in another language than the customer's, at least 90% of the facts a good
reply states are stated, and at least 70% of the cases come out as a person could send them
(the right draft, or none where a person must answer). All hold but recall: 83% when this was
written (94% on the tuning part), so the test holds recall to MIN_RECALL, what is reached, until
retrieval finds the rest (the misses are passages not found: see `bench/eval_drafts.py`). The
set's shape is checked too, so that it stays worth measuring on: four drafting languages with at
least 20 cases each, every category in each split, about a third held out.

`bench/eval_drafts.py` prints the full report, per language and category, with the failing cases.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction

from tests.draft_eval import CATEGORIES, load_cases, run
from tests.draft_scoring import Report

MAX_WRONG_FACT_DRAFTS = 0
MAX_WRONG_LANGUAGE_DRAFTS = 0
#: Issue 14's target is 0.90; reached so far 0.83. A floor against going back, not the goal.
MIN_RECALL = 0.80
MIN_SENDABLE = 0.70

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def held_out(django_db_setup, django_db_blocker, tmp_path_factory) -> Report:
    """The whole set run once for the module, in a transaction rolled back afterwards; the
    held_out part of the report."""
    from django.test.utils import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(OUTBOX_DIR=tmp_path_factory.mktemp("outbox")),
        transaction.atomic(),
    ):
        report = run()
        transaction.set_rollback(True)
    return report.where(split="held_out")


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
