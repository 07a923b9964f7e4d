"""The index is generic: it also finds, among earlier questions a person answered, the ones like a
new message, and none when no earlier question is like it."""

from __future__ import annotations

from mailagent.knowledge import TextIndex

ANSWERED = [
    ("1", "Could you send me a copy of invoice INV-1042? I cannot find it.", "en"),
    ("2", "We paid invoice INV-1017 last week by bank transfer, please check.", "en"),
    ("3", "When will my refund for the returned lamp arrive?", "en"),
    ("4", "Können Sie mir die Rechnung noch einmal schicken?", "de"),
]


def test_earlier_questions_like_a_new_message_come_best_first_as_id_and_score():
    index = TextIndex(ANSWERED)
    hits = index.search("Hi, can you send a copy of my invoice again?", "en")
    assert [hit.id for hit in hits][:1] == ["1"]
    assert all(hit.score > 0 for hit in hits)
    assert len(index) == 4
    assert index.languages == {"en", "de"}


def test_only_questions_in_the_message_s_language_are_searched():
    index = TextIndex(ANSWERED)
    assert [h.id for h in index.search("Bitte schicken Sie die Rechnung.", "de")] == ["4"]
    assert index.search("Bitte schicken Sie die Rechnung.", "fr") == []


def test_no_earlier_question_like_it_gives_nothing():
    index = TextIndex(ANSWERED)
    assert index.search("Do you have the oak table in stock?", "en") == []
    assert TextIndex([]).search("Could you send me a copy of the invoice?", "en") == []
