"""The labelled set bundled for training is the tests' labelled sets, parsed as triage parses them.
`.venv/bin/python -m tests.learned.test_bundled_set` rewrites it (`mailagent/learned/`)."""

from __future__ import annotations

from mailagent.learned.bundled import KEPT_ASIDE, BundledMessage, bundled_messages, bundled_write
from mailagent.parsing.email import parse_email
from tests.eval_set import EVAL_DIR, FIXTURES, HOLDOUT_DIR, STAFF, TUNE_DIR, load_examples

SETS = (
    ("eval", EVAL_DIR),
    ("tune", TUNE_DIR),
    ("holdout", HOLDOUT_DIR),
    ("pool", FIXTURES / "eval_pool"),
    ("kept", FIXTURES / "eval_kept"),
    ("train", FIXTURES / "eval_train"),
    ("train2", FIXTURES / "eval_train2"),
    ("train3", FIXTURES / "eval_train3"),
    ("train4", FIXTURES / "eval_train4"),
    ("train5", FIXTURES / "eval_train5"),
    ("train6", FIXTURES / "eval_train6"),
    ("train7", FIXTURES / "eval_train7"),
)


def messages_from_fixtures() -> list[BundledMessage]:
    out = []
    for name, folder in SETS:
        for example in load_examples(folder):
            parsed = parse_email(example.raw, staff=STAFF)
            if parsed.is_automatic:
                continue
            out.append(
                BundledMessage(
                    set=name,
                    file=example.file,
                    category=example.category.value,
                    high_risk=example.high_risk,
                    subject=parsed.subject,
                    text=parsed.text,
                    staff_note=parsed.staff_note,
                )
            )
    return out


def test_bundled_set_is_the_labelled_fixtures_as_parsed():
    assert bundled_messages() == messages_from_fixtures(), (
        "the labelled fixtures changed: run `python -m tests.learned.test_bundled_set`"
    )


def test_the_kept_aside_part_is_bundled_with_its_high_risk_messages():
    aside = [m for m in bundled_messages() if m.set in KEPT_ASIDE]
    assert {m.set for m in aside} == {"holdout", "kept"}
    assert len(aside) >= 170
    assert sum(m.high_risk for m in aside) >= 70


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    bundled_write(messages_from_fixtures())
