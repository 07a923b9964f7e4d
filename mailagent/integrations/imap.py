"""An IMAP folder as a mail source: connect, select, search and fetch by UID, move, IDLE.

I/O only, and thin: the sync logic (UIDVALIDITY, backfill, batches, what is new) lives in
`mailagent.services.imap_sync`. Every server or socket failure leaves this module as one of ours:
a `ConfigurationError` naming the setting to fix (a wrong password, an unknown folder, a refused
TLS handshake) or a `TransientError` (a dropped connection: reconnect and catch up by UID).

Messages are fetched with `BODY.PEEK[]`, never `BODY[]` or `RFC822`, so reading them does not set
`\\Seen` (RFC 3501 section 6.4.5); and the folder is selected read-only (EXAMINE) unless mail is to
be moved out of it, so even a misbehaving server cannot change a flag.

A mailbox connected with OAuth2 (`auth="oauth2"`) logs in with SASL XOAUTH2, or OAUTHBEARER
(RFC 7628) where the server offers only that, using a token from the account's token provider.
A token can be refused before its stated expiry (revoked sessions, a changed password, a clock
off by minutes): the login is tried once more with a freshly refreshed token, and only a second
refusal is a `ConfigurationError`. What the token provider raises (`MailboxNeedsReconnect` when a
person must connect the mailbox again) leaves this module as it is.
"""

from __future__ import annotations

import ast
import contextlib
import imaplib
import logging
import select
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, LoginError
from imapclient.imapclient import SocketTimeout
from imapclient.util import to_unicode

from mailagent.errors import ConfigurationError, MailAgentError, TransientError
from mailagent.integrations.mail_auth import AUTH_OAUTH2, AUTH_PASSWORD, TokenProvider

log = logging.getLogger(__name__)

# IMAP command lines are limited by servers (Dovecot: 64 kB); UID lists are sent in chunks.
_UIDS_PER_COMMAND = 500


@dataclass(frozen=True)
class ImapAccount:
    """How to reach and log in to one mailbox. The `*_setting` texts are what an error message
    tells a person to fix: the IMAP_* variables, or the IMAP_EXTRA_MAILBOXES entry. With
    `auth="oauth2"`, `user` is the mailbox's address and `token_provider` gives its tokens."""

    host: str
    port: int
    user: str
    password: str = field(default="", repr=False)
    ssl: bool = True
    starttls: bool = False
    timeout: float = 30.0
    host_setting: str = "IMAP_HOST and IMAP_PORT"
    login_setting: str = "IMAP_USER and IMAP_PASSWORD"
    tls_setting: str = "IMAP_SSL and IMAP_STARTTLS"
    auth: str = AUTH_PASSWORD
    token_provider: TokenProvider | None = field(default=None, repr=False, compare=False)

    @property
    def label(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"


@dataclass(frozen=True)
class FolderStatus:
    uidvalidity: int
    uidnext: int
    exists: int


@dataclass(frozen=True)
class Envelope:
    """What is cheap to know about a message before fetching it."""

    uid: int
    size: int
    message_id: str
    internaldate: datetime | None


def imap_connect(account: ImapAccount) -> ImapConnection:
    """Connect, secure and log in; the connection is ready for `select`."""
    # An OAuth mailbox that needs a person gets no connection at all.
    token = _token(account) if account.auth == AUTH_OAUTH2 else ""
    client = _open(account)
    try:
        if account.auth == AUTH_OAUTH2:
            _oauth2_login(client, account, token)
        else:
            client.login(account.user, account.password)
    except MailAgentError:
        _close_quietly(client)
        raise
    except LoginError as exc:
        _close_quietly(client)
        raise _login_refused(account, exc) from exc
    except CapabilityError as exc:  # LOGINDISABLED: no plaintext login on this connection
        _close_quietly(client)
        raise ConfigurationError(
            f"The IMAP server {account.host}:{account.port} refuses to log in without TLS: "
            f"set {account.tls_setting}."
        ) from exc
    except (OSError, imaplib.IMAP4.abort) as exc:
        _close_quietly(client)
        raise TransientError(
            f"Lost the connection to {account.label} while logging in: {exc}"
        ) from exc
    return ImapConnection(client, account)


def _token(account: ImapAccount, *, refresh: bool = False) -> str:
    if account.token_provider is None:
        raise ConfigurationError(
            f"{account.user} is set to log in with OAuth2 but no token store is wired in: "
            f"check {account.login_setting}."
        )
    return account.token_provider(account.user, refresh=refresh)


def _oauth2_login(client: IMAPClient, account: ImapAccount, token: str) -> None:
    """SASL XOAUTH2 (Google's and Microsoft's), else OAUTHBEARER (RFC 7628); a refused token is
    refreshed and tried once more on the same connection (a failed AUTHENTICATE leaves it in the
    not-authenticated state, ready for another)."""
    if client.has_capability("AUTH=XOAUTH2"):
        login = client.oauth2_login
    elif client.has_capability("AUTH=OAUTHBEARER"):
        login = client.oauthbearer_login
    else:
        raise ConfigurationError(
            f"The IMAP server {account.host}:{account.port} offers neither XOAUTH2 nor "
            f"OAUTHBEARER, so {account.user} cannot log in with OAuth2: check "
            f"{account.login_setting}."
        )
    try:
        login(account.user, token)
    except LoginError as exc:
        log.info("IMAP refused the access token of %s (%s); refreshing it", account.label, exc)
        login(account.user, _token(account, refresh=True))


def _login_refused(account: ImapAccount, exc: LoginError) -> ConfigurationError:
    where = f"{account.host}:{account.port}"
    if account.auth != AUTH_OAUTH2:
        return ConfigurationError(
            f"The IMAP server {where} refused the login of {account.user!r} "
            f"({_server_text(exc)}): check {account.login_setting}."
        )
    return ConfigurationError(
        f"The IMAP server {where} refused the OAuth2 access token of {account.user!r} twice, "
        f"the second freshly refreshed ({_server_text(exc)}): check that IMAP is enabled for "
        "this mailbox at its provider and that the OAuth client asks for the IMAP scope, then "
        f"connect the mailbox again (or check {account.login_setting})."
    )


def _open(account: ImapAccount) -> IMAPClient:
    context = ssl.create_default_context()
    where = f"{account.host}:{account.port}"
    try:
        client = IMAPClient(
            account.host,
            port=account.port,
            ssl=account.ssl,
            ssl_context=context if account.ssl else None,
            timeout=SocketTimeout(connect=account.timeout, read=account.timeout),
        )
    except ssl.SSLError as exc:
        raise ConfigurationError(
            f"The TLS handshake with {where} failed ({exc.reason or exc}). If the server does not "
            f"speak TLS on this port, fix {account.tls_setting} or the port in "
            f"{account.host_setting}."
        ) from exc
    except (OSError, imaplib.IMAP4.error) as exc:
        raise TransientError(
            f"Cannot reach the IMAP server {where} ({exc}): check "
            f"{account.host_setting}, or wait for the server."
        ) from exc
    if account.starttls:
        try:
            client.starttls(context)
        except (CapabilityError, imaplib.IMAP4.error, ssl.SSLError) as exc:
            _close_quietly(client)
            raise ConfigurationError(
                f"The IMAP server {where} refused STARTTLS ({exc}): fix {account.tls_setting}."
            ) from exc
        except OSError as exc:
            _close_quietly(client)
            raise TransientError(f"Lost the connection to {where} during STARTTLS: {exc}") from exc
    return client


def _server_text(exc: Exception) -> str:
    text = exc.args[0] if exc.args else str(exc)
    if isinstance(text, str) and text[:2] in ("b'", 'b"'):
        # imaplib hands some server replies over as the repr() of their bytes.
        with contextlib.suppress(ValueError, SyntaxError):
            text = ast.literal_eval(text)
    return to_unicode(text) if isinstance(text, bytes) else str(text)


def _close_quietly(client: IMAPClient) -> None:
    with contextlib.suppress(Exception):
        client.shutdown()


class ImapConnection:
    """One logged-in connection, working on one selected folder at a time."""

    def __init__(self, client: IMAPClient, account: ImapAccount) -> None:
        self.client = client
        self.account = account
        self.folder = ""
        self.broken = False

    def __enter__(self) -> ImapConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        # A broken connection gets no LOGOUT: waiting for the reply of a server that has gone
        # away would only hold up the reconnection by the read timeout.
        if self.broken:
            _close_quietly(self.client)
            return
        try:
            self.client.logout()
        except Exception:
            _close_quietly(self.client)

    @contextlib.contextmanager
    def _session(self, doing: str) -> Iterator[None]:
        """Socket and protocol failures in mid-session become a TransientError."""
        try:
            yield
        except (OSError, imaplib.IMAP4.abort) as exc:
            self.broken = True
            raise TransientError(
                f"Lost the connection to {self.account.label} while {doing}: {exc}"
            ) from exc
        except imaplib.IMAP4.error as exc:
            # "Unexpected IDLE response: * BYE ...": the server said goodbye as we spoke.
            self.broken = self.broken or "BYE" in str(exc)
            raise TransientError(
                f"The IMAP server {self.account.label} failed while {doing}: {_server_text(exc)}"
            ) from exc

    def has(self, capability: str) -> bool:
        with self._session("reading its capabilities"):
            return self.client.has_capability(capability)

    def folder_exists(self, folder: str) -> bool:
        with self._session(f"looking for the folder {folder!r}"):
            return self.client.folder_exists(folder)

    def select(self, folder: str, *, readonly: bool, setting: str = "IMAP_FOLDER") -> FolderStatus:
        """Open a folder. An unknown folder is a ConfigurationError naming `setting`."""
        try:
            with self._session(f"opening the folder {folder!r}"):
                info = self.client.select_folder(folder, readonly=readonly)
        except TransientError:
            if not self.folder_exists(folder):
                raise ConfigurationError(
                    f"There is no folder {folder!r} in the mailbox {self.account.label}: "
                    f"fix {setting} (folders there: {', '.join(self.folder_names())})."
                ) from None
            raise
        self.folder = folder
        self._forget_updates()
        return FolderStatus(
            uidvalidity=int(info[b"UIDVALIDITY"]),
            uidnext=int(info.get(b"UIDNEXT", 0)),
            exists=int(info.get(b"EXISTS", 0)),
        )

    def folder_names(self) -> list[str]:
        with self._session("listing folders"):
            return [name for _flags, _delim, name in self.client.list_folders()]

    def uids_after(self, last_uid: int) -> list[int]:
        """UIDs above `last_uid`, ascending. (`N:*` always matches the highest UID, even when it
        is below N, so the result is filtered.)"""
        with self._session("searching for new mail"):
            found = self.client.search(["UID", f"{last_uid + 1}:*"])
        return sorted(uid for uid in found if uid > last_uid)

    def uids_since(self, day: date, *, first: int, last: int) -> list[int]:
        """UIDs in first..last whose INTERNALDATE is on or after `day` (RFC 3501 SINCE)."""
        if last < first:
            return []
        with self._session("searching for recent mail"):
            found = self.client.search(["UID", f"{first}:{last}", "SINCE", day])
        return sorted(uid for uid in found if first <= uid <= last)

    def uids_all(self) -> list[int]:
        with self._session("listing the folder"):
            return sorted(self.client.search(["ALL"]))

    def envelopes(self, uids: Sequence[int]) -> dict[int, Envelope]:
        """Size, INTERNALDATE and Message-ID of each message, without its body."""
        items = ["RFC822.SIZE", "INTERNALDATE", "BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"]
        found: dict[int, Envelope] = {}
        for chunk in _chunks(uids, _UIDS_PER_COMMAND):
            with self._session("reading message sizes"):
                response = self.client.fetch(chunk, items)
            for uid, data in response.items():
                header = data.get(b"BODY[HEADER.FIELDS (MESSAGE-ID)]") or b""
                found[uid] = Envelope(
                    uid=uid,
                    size=int(data.get(b"RFC822.SIZE", 0)),
                    message_id=_header_value(header),
                    internaldate=data.get(b"INTERNALDATE"),
                )
        return found

    def bodies(self, uids: Sequence[int]) -> dict[int, bytes]:
        """The exact bytes of each message, flags untouched."""
        with self._session("fetching messages"):
            response = self.client.fetch(list(uids), ["BODY.PEEK[]"])
        return {uid: data[b"BODY[]"] for uid, data in response.items() if b"BODY[]" in data}

    def headers(self, uids: Sequence[int]) -> dict[int, bytes]:
        """The header section of each message only (for mail too big to fetch whole)."""
        with self._session("fetching message headers"):
            response = self.client.fetch(list(uids), ["BODY.PEEK[HEADER]"])
        return {
            uid: data[b"BODY[HEADER]"] for uid, data in response.items() if b"BODY[HEADER]" in data
        }

    def move(self, uids: Sequence[int], folder: str) -> None:
        """Move messages out of the selected folder: MOVE (RFC 6851) where the server has it, else
        COPY, flag \\Deleted and expunge just those UIDs (UID EXPUNGE, RFC 4315) or, on a server
        without UIDPLUS, every message flagged \\Deleted."""
        for chunk in _chunks(uids, _UIDS_PER_COMMAND):
            with self._session(f"moving mail to {folder!r}"):
                if self.client.has_capability("MOVE"):
                    self.client.move(chunk, folder)
                    continue
                self.client.copy(chunk, folder)
                self.client.add_flags(chunk, [b"\\Deleted"], silent=True)
                if self.client.has_capability("UIDPLUS"):
                    self.client.uid_expunge(chunk)
                else:
                    self.client.expunge()

    def wait_for_mail(self, seconds: float, stop: threading.Event | None = None) -> bool:
        """Wait up to `seconds` for the server to announce new mail in the selected folder: IDLE
        (RFC 2177) where the server has it, else simply wait. True when new mail was announced
        (or when IDLE is unavailable and the time is up): time to look for it."""
        if self._updates_pending():
            # The server announced a change while we were busy with other commands.
            return True
        if not self.has("IDLE"):
            if stop is not None:
                stop.wait(seconds)
            else:
                time.sleep(seconds)
            return True
        with self._session("idling"):
            self.client.idle()
        # If the connection breaks while idling, the TransientError goes up as it is: there is
        # no one left to say DONE to.
        announced = self._idle_until(time.monotonic() + seconds, stop)
        with self._session("ending IDLE"):
            self.client.idle_done()
        return announced

    def _idle_until(self, deadline: float, stop: threading.Event | None) -> bool:
        sock = self.client.socket()
        poller = select.poll()
        poller.register(sock.fileno(), select.POLLIN)
        silent_wakeups = 0
        while (remaining := deadline - time.monotonic()) > 0:
            if stop is not None and stop.is_set():
                return False
            # The server's reply to IDLE may have brought an EXISTS along in the same packet:
            # then it already sits in imaplib's buffer, and the socket will not wake us for it.
            lines = self._lines_received()
            if not lines:
                # Short waits, so that a stop request is seen within half a second.
                if not poller.poll(int(min(remaining, 0.5) * 1000)):
                    silent_wakeups = 0
                    continue
                lines = self._lines_received()
            if not lines:
                # Readable but nothing to read, again and again: the server closed the socket.
                silent_wakeups += 1
                if silent_wakeups >= 3:
                    self.broken = True
                    raise TransientError(
                        f"The IMAP server {self.account.label} closed the connection while idling."
                    )
                continue
            silent_wakeups = 0
            for line in lines:
                if line.startswith(b"* BYE"):
                    self.broken = True
                    text = line.decode("ascii", "replace").strip()
                    raise TransientError(
                        f"The IMAP server {self.account.label} ended the session: {text}"
                    )
                if line.rstrip().endswith((b" EXISTS", b" RECENT")):
                    return True
        return False

    def _lines_received(self) -> list[bytes]:
        """The response lines that have arrived, without waiting for more."""
        sock, stream = self.client.socket(), self.client._imap.file
        lines: list[bytes] = []
        with self._session("idling"):
            sock.setblocking(False)
            try:
                while True:
                    try:
                        line = stream.readline()
                    except (BlockingIOError, ssl.SSLWantReadError):
                        break
                    if not line:
                        break
                    if not line.endswith(b"\n"):
                        # Half a line so far: wait for the rest of it.
                        sock.settimeout(self.account.timeout)
                        line += stream.readline()
                        sock.setblocking(False)
                    lines.append(line)
            finally:
                sock.settimeout(self.account.timeout)
        return lines

    # imaplib keeps the untagged responses a command did not ask for until the next SELECT; an
    # EXISTS among them is new mail announced while we were busy, which IDLE would not repeat.
    def _forget_updates(self) -> None:
        for kind in ("EXISTS", "RECENT"):
            self.client._imap.untagged_responses.pop(kind, None)

    def _updates_pending(self) -> bool:
        pending = self.client._imap.untagged_responses
        found = "EXISTS" in pending or "RECENT" in pending
        self._forget_updates()
        return found


def _header_value(header: bytes) -> str:
    _, _, value = header.decode("ascii", "replace").partition(":")
    return " ".join(value.split())


def _chunks(items: Sequence[int], size: int) -> Iterator[list[int]]:
    items = list(items)
    for start in range(0, len(items), size):
        yield items[start : start + size]
