"""The quick ways `language.readable_text` takes out what misleads the detector read exactly what
its patterns would: a run of non-spaces is searched only when it could hold a link, an address,
a file name or a figure, and a word of trade is looked up in a set instead of being tried
against 75 alternatives."""

from __future__ import annotations

import random

import pytest

from mailagent import language
from tests.agents.language_samples import SAMPLES

EDGES = [
    "(https://pay.example) and www.acme.example/x, e-mail: anna@acme.example.",
    "Order 20677, INV-1042, 1.234,50 €, +49 30 1234567, 2026-03-05, \uff13 Stück",
    "z.B. order.xlsx acme.example bis zum 3. März: ok?",
    "\u017ftatus STATUS Status statuses e\u0301mail Ünïcode invoice_2 invoice-2 tracking's",
    "foo:bar a::b @ x@ @y .de a.b..c 1.2.3 ٣ ",
    "le tracking ne marche pas, die Invoice ist paid, Hi again",
    "",
]


def _texts() -> list[str]:
    rng = random.Random(7)
    alphabet = "ab.:@1 \t\n-/_\u1e9e\u017f\u212a\u00e9\u0663"
    fuzz = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    samples = [text for texts in SAMPLES.values() for text in texts]
    return EDGES + samples + fuzz


@pytest.mark.parametrize("text", EDGES)
def test_the_misleading_parts_are_taken_out_as_the_pattern_takes_them(text):
    assert language._plain(text) == language._MISLEADING.sub(" ", text)


def test_every_fuzzed_text_is_read_as_the_patterns_read_it():
    words = sorted(language.LOANWORDS)
    rng = random.Random(11)
    odd = ["\u00dcn\u00ef", "\u017ftatus"]
    texts = _texts() + [
        " ".join(rng.choice([*words, w.upper(), "x" + w, w + "s", *odd]) for w in words)
        for _ in range(50)
    ]
    for text in texts:
        assert language._plain(text) == language._MISLEADING.sub(" ", text), text
        assert language._RUN.sub(language._without_loanword, text) == (
            language._LOANWORDS.sub(" ", text)
        ), text
