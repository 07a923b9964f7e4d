"""The model triage uses: read once from its file, read again when the file changes.

A retrain (`train_triage`, the nightly schedule) renames a new file over the old one, so a
running poller, which asks here at each pass over the inbox, sees a new inode at its next pass
and reads the new model; a file half written is never at the path (`model.model_save`).

A missing, unreadable or other-format file is not an error anywhere: triage goes on with the
rules alone and one warning says why (once per state of the file, not once per message). Each
call costs one `stat` of the file (about 2 microseconds); numpy is imported only when a file is
there to read, so the rules alone cost no memory more than before.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailagent.learned.model import TriageModel

log = logging.getLogger(__name__)

_lock = threading.Lock()
#: path -> (the file's (inode, mtime, size) when read, or None when missing; the model or None).
_read: dict[str, tuple[tuple[int, int, int] | None, TriageModel | None]] = {}


def _state(path: Path) -> tuple[int, int, int] | None:
    # The inode too: a file renamed over the path is a new one even where the clock is coarse
    # and the size the same.
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def learned_model(path: Path | str | None, *, untrained_ok: bool = False) -> TriageModel | None:
    """The model stored at `path`, or None (rules alone) when there is none that can be used.
    An empty `path` switches the learned model off, silently. A missing file is warned about,
    once; with `untrained_ok` (the default path of an installation that never trained one, as
    `make run` is on a fresh clone) it is only noted at INFO."""
    if not path:
        return None
    path = Path(path)
    key, state = str(path), _state(path)
    cached = _read.get(key)
    if cached is not None and cached[0] == state:
        return cached[1]
    with _lock:
        cached = _read.get(key)
        if cached is not None and cached[0] == state:
            return cached[1]
        model = _model_or_warning(path) if state is not None else None
        if state is None:
            (log.info if untrained_ok else log.warning)(
                "No triage model at %s: triage uses the rules alone "
                "(python manage.py train_triage makes one).",
                path,
            )
        _read[key] = (state, model)
        return model


def _model_or_warning(path: Path) -> TriageModel | None:
    try:
        from mailagent.learned.model import model_read

        model = model_read(path)
    except Exception as exc:
        # Whatever is wrong with the file, mail keeps being triaged: by the rules.
        log.warning("Triage model %s ignored, triage uses the rules alone: %s", path, exc)
        return None
    log.info("Triage model %s read: %s, %d messages", path, model.label, model.training_size)
    return model


def learned_forget() -> None:
    """Forget the models read (tests; a retrain is noticed by the file's change anyway)."""
    with _lock:
        _read.clear()
