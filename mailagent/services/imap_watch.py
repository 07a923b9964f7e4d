"""Stay connected to IMAP folders and react to new mail within seconds.

One thread per folder, each with its own connection, so that a slow or broken mailbox never holds
up another. Each thread: connect, catch up by UID, then IDLE (RFC 2177) until the server announces
mail, renewing the IDLE every few minutes; on a server without IDLE, look again every
POLL_INTERVAL. A dropped connection or a server restart reconnects with capped exponential
backoff and catches up by UID, so nothing that arrived meanwhile is missed.

A mailbox connected with OAuth2 whose grant was revoked (`MailboxNeedsReconnect`) stops only
itself: it is reported once, its folders' UID state is left as it was, and it is looked at again
every `config_retry` until a person has connected it again; then the first sync catches up.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import close_old_connections, connections
from django.utils import timezone

from mailagent.errors import ConfigurationError, MailAgentError, TransientError
from mailagent.integrations.imap import ImapConnection, imap_connect
from mailagent.oauth import MailboxNeedsReconnect
from mailagent.services.imap_sync import processed_folder_check
from mailagent.services.leases import folder_lease_acquire, folder_lease_release, lease_owner
from mailagent.services.mailboxes import ImapFolder
from mailagent.services.pipeline import RunReport, approvals_send, imap_folder_run_once
from mailagent.services.reconnects import MailboxToReconnect, mailbox_to_reconnect

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WatchTiming:
    poll_interval: float = 60.0
    idle_renew: float = 240.0
    backoff_first: float = 0.5
    backoff_cap: float = 60.0
    # A wrong password or a missing folder will not fix itself in a second: look less often.
    config_retry: float = 300.0
    # How long a folder's lease outlasts one wait; also how often a poller without the lease
    # looks whether it has become free.
    lease_margin: float = 60.0


def folder_watch(
    *,
    folder: ImapFolder,
    stop: threading.Event,
    timing: WatchTiming,
    on_report: Callable[[RunReport], None] | None = None,
    on_error: Callable[[ImapFolder, Exception], None] | None = None,
) -> None:
    """Watch one folder until `stop` is set. Never raises: every failure is reported and retried."""
    delay = timing.backoff_first
    disconnected = False
    try:
        while not stop.is_set():
            try:
                with imap_connect(folder.account) as conn:
                    delay = timing.backoff_first
                    disconnected = False
                    _watch_connected(conn, folder, stop, timing, on_report)
            except MailboxNeedsReconnect as exc:
                # Said once, not at every look: a person has been told where to reconnect it.
                if not disconnected:
                    _report_error(folder, ReconnectNeeded(mailbox_to_reconnect(exc)), on_error)
                disconnected = True
                stop.wait(timing.config_retry)
            except ConfigurationError as exc:
                _report_error(folder, exc, on_error)
                stop.wait(timing.config_retry)
            except Exception as exc:
                # TransientError (the connection dropped) or a bug: either way, never let one
                # folder's thread die; wait, reconnect and catch up by UID.
                if not isinstance(exc, MailAgentError):
                    log.exception("Watching %s failed unexpectedly", folder.source)
                _report_error(folder, exc, on_error)
                stop.wait(delay)
                delay = min(delay * 2, timing.backoff_cap)
            finally:
                close_old_connections()
    finally:
        connections.close_all()


def _watch_connected(
    conn: ImapConnection,
    folder: ImapFolder,
    stop: threading.Event,
    timing: WatchTiming,
    on_report: Callable[[RunReport], None] | None,
) -> None:
    has_idle = conn.has("IDLE")
    wait = timing.idle_renew if has_idle else timing.poll_interval
    owner = lease_owner()
    # The lease outlives one wait by a margin: renewed on every wake-up, it only runs out when
    # this poller is gone.
    lease_seconds = wait + timing.lease_margin
    try:
        while not stop.is_set():
            if not folder_lease_acquire(source=folder.source, owner=owner, seconds=lease_seconds):
                # Another poller works this folder; look again later in case it stops.
                stop.wait(min(wait, timing.lease_margin))
                continue
            report = imap_folder_run_once(conn=conn, folder=folder, today=timezone.localdate())
            report.links = approvals_send()
            if on_report:
                on_report(report)
            folder_lease_acquire(source=folder.source, owner=owner, seconds=lease_seconds)
            conn.wait_for_mail(wait, stop)
    finally:
        folder_lease_release(source=folder.source, owner=owner)


def _report_error(folder: ImapFolder, exc: Exception, on_error) -> None:
    if on_error:
        on_error(folder, exc)
    elif isinstance(exc, TransientError | ConfigurationError | ReconnectNeeded):
        log.warning("%s: %s", folder.source, exc)


class ReconnectNeeded(MailAgentError):
    """What a watching thread reports for a mailbox a person must connect again."""

    def __init__(self, mailbox: MailboxToReconnect) -> None:
        super().__init__(mailbox.line)
        self.mailbox = mailbox


@dataclass
class FoldersChecked:
    opened: dict[str, ImapConnection]
    # Folder source -> why its server could not be reached (it may come back: not a setting).
    unreachable: dict[str, str]
    # Folder source -> its mailbox, which a person must connect again (OAuth2 grant revoked).
    to_reconnect: dict[str, MailboxToReconnect] = field(default_factory=dict)

    def mailboxes_to_reconnect(self) -> list[MailboxToReconnect]:
        """One per mailbox, however many of its folders are watched."""
        return list({m.address: m for m in self.to_reconnect.values()}.values())


def folders_check(*, folders: list[ImapFolder], keep_open: bool = True) -> FoldersChecked:
    """Log in to every folder's mailbox and open the folder, before anything is written. A wrong
    setting anywhere is a ConfigurationError listing every setting to fix (and no connection is
    left open); a server out of reach, or a mailbox to connect again, is reported, not raised, so
    the other folders can go on."""
    checked = FoldersChecked(opened={}, unreachable={})
    problems: list[str] = []
    for folder in folders:
        try:
            conn = imap_connect(folder.account)
        except MailboxNeedsReconnect as exc:
            checked.to_reconnect[folder.source] = mailbox_to_reconnect(exc)
            continue
        except ConfigurationError as exc:
            problems.append(str(exc))
            continue
        except TransientError as exc:
            checked.unreachable[folder.source] = str(exc)
            continue
        try:
            conn.select(folder.folder, readonly=True, setting=folder.folder_setting)
            if folder.processed_folder:
                processed_folder_check(conn=conn, folder=folder)
        except ConfigurationError as exc:
            conn.close()
            problems.append(str(exc))
            continue
        except TransientError as exc:
            conn.close()
            checked.unreachable[folder.source] = str(exc)
            continue
        checked.opened[folder.source] = conn
    if problems or not keep_open:
        for conn in checked.opened.values():
            conn.close()
        checked.opened = {}
    if problems:
        raise ConfigurationError("\n".join(dict.fromkeys(problems)))
    return checked


def folders_watch(
    *,
    folders: list[ImapFolder],
    stop: threading.Event,
    timing: WatchTiming,
    on_report: Callable[[RunReport], None] | None = None,
    on_error: Callable[[ImapFolder, Exception], None] | None = None,
) -> list[threading.Thread]:
    """Start one watching thread per folder; they run until `stop` is set."""
    threads = []
    for folder in folders:
        thread = threading.Thread(
            target=folder_watch,
            kwargs={
                "folder": folder,
                "stop": stop,
                "timing": timing,
                "on_report": on_report,
                "on_error": on_error,
            },
            name=f"watch {folder.source}",
            daemon=True,
        )
        thread.start()
        threads.append(thread)
    return threads
