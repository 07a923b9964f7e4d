"""The bundled demo folder (the default KNOWLEDGE_DIR) is what a new business sees first: every
file of it is indexed, none skipped, in each language it ships."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from mailagent.knowledge.index import knowledge_build

DEMO = Path(settings.BASE_DIR) / "mailagent" / "demo" / "knowledge"


@pytest.mark.skipif(not DEMO.is_dir(), reason="no demo knowledge folder in this checkout")
def test_the_demo_folder_indexes_every_file_without_a_skip():
    index = knowledge_build(DEMO, default_language="en")
    assert index.messages() == []
    assert index.reading.ignored == ()
    assert len(index.files) == len(list(DEMO.rglob("*.md")))
    assert all(f.passages > 0 for f in index.files)
    assert {"en", "de", "fr"} <= {f.language for f in index.files}


@pytest.mark.skipif(not DEMO.is_dir(), reason="no demo knowledge folder in this checkout")
def test_words_that_only_say_when_or_each_do_not_drown_what_is_asked():
    # "vorher", "bevor", "gleich", "jeweils" are in no passage: read as words, each would weigh
    # the most and leave the samples asked for unanswered.
    text = (
        "Muster vorab?\nHey,\n\nwir eröffnen im Februar ein Bowl-Café in Köln und testen gerade "
        "Verpackungen. Eure\nkompostierbaren Salatboxen und die doppelwandigen Becher klingen "
        "gut \u2013 könnt ihr uns vorher\nMuster schicken, bevor wir gleich kartonweise "
        "bestellen? Und was kostet ein Karton jeweils?\n\nDanke!\nLeonie"
    )
    index = knowledge_build(DEMO, default_language="en")
    found = index.search(text, language="de")
    assert any(p.heading.endswith("Muster") for p in found)
