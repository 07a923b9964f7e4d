"""Message processing, one way through, read top to bottom:

1. `place`: a stored message read and parsed, an accounting export mailed in imported, and the
   rest put where it belongs (its thread's ticket, its customer) or settled as needing no agent.
   Reads only.
2. `decide`: the model's (or the rules') proposal and the policy's last word, turned into a
   `Plan`: the rows the message will write. No database access.
3. `write`: `plans_write`, the one function that stores plans, for one message or a wave of
   them; drafts through the drafts service; each message claimed so that two workers never both
   write it.
4. `batch`: messages processed in waves, their triage in a thread pool while the next are placed.
   One message is a wave of one (`email_process`).
5. `pool`: worker processes for a backlog, handed the function they run.

`threads` holds the thread keys both the batch and the pool use. What a draft records is decided
in `decide.reply_draft_fields` and written by `write.plans_write`.
"""

from mailagent.services.processing.batch import (
    email_process,
    email_reprocess,
    emails_process,
    emails_waiting,
)
from mailagent.services.processing.place import staff_directory
from mailagent.services.quarantine import Outcome, email_quarantine

__all__ = [
    "Outcome",
    "email_process",
    "email_quarantine",
    "email_reprocess",
    "emails_process",
    "emails_waiting",
    "staff_directory",
]
