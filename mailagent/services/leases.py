"""One poller per mailbox folder at a time, across processes and machines.

A lease is a row-level claim on the folder's MailboxFolder row, taken and renewed with a
conditional UPDATE (atomic on SQLite and PostgreSQL alike): it succeeds when nobody holds the
folder, the lease ran out, or we hold it already. A poller that dies lets its lease run out; no
lock is ever left behind. The lease keeps two pollers from doing the same work; correctness does
not rest on it alone: a message's unique source key and the conditional claim in processing make
a second store or a second ticket impossible even if two pollers overlapped.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from mailagent.models import MailboxFolder


def lease_owner() -> str:
    """Who we are: host, process and thread, so that two threads of one poller differ too."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:200]


def _dead_here(owner: str) -> bool:
    """A holder on this machine whose process is gone (killed, crashed): its lease is void at
    once, so a poller restarted after a kill -9 does not wait for the lease to run out."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def folder_lease_acquire(*, source: str, owner: str, seconds: float) -> bool:
    """Take or renew the folder's lease for `seconds`. False when someone else holds it."""
    folder, _ = MailboxFolder.objects.get_or_create(source=source)
    now = timezone.now()
    free = Q(lease_owner=owner) | Q(lease_owner="") | Q(lease_expires_at__lt=now)
    if folder.lease_owner and folder.lease_owner != owner and _dead_here(folder.lease_owner):
        free |= Q(lease_owner=folder.lease_owner)
    return bool(
        MailboxFolder.objects.filter(source=source)
        .filter(free)
        .update(lease_owner=owner, lease_expires_at=now + timedelta(seconds=seconds))
    )


def folder_lease_release(*, source: str, owner: str) -> None:
    MailboxFolder.objects.filter(source=source, lease_owner=owner).update(
        lease_owner="", lease_expires_at=None
    )


def folder_lease_holder(*, source: str) -> str:
    """Who holds the folder now, or "" when nobody does."""
    row = MailboxFolder.objects.filter(source=source, lease_expires_at__gt=timezone.now()).first()
    return row.lease_owner if row else ""
