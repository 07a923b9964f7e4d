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
