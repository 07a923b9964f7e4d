"""A private Dovecot for tests and benchmarks: its own config in a temporary folder, a free port on
127.0.0.1, passwd-file users, Maildir storage, no TLS. Debian's `dovecot-imapd` (2.3) is enough.

Run as root, Dovecot refuses to run its login processes or to store mail as root, so it uses the
package's own `dovenull` and `dovecot` users for those; run as anyone else, everything runs as
that user.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
DOVEADM = shutil.which("doveadm") or "/usr/bin/doveadm"

_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
instance_name = mailagent-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login{oauth2_mechanisms}
# Tests log in with wrong passwords on purpose; no need to make them wait.
auth_failure_delay = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
# Dovecot notices new mail through inotify at once; this is only the fallback.
mailbox_idle_check_interval = 1 secs
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users/%u{password_mechanisms}
}}
{oauth2_passdb}userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users/%u
  default_fields = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
# No growing delay for an address after failed logins: tests fail logins on purpose.
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
protocol imap {{
  mail_max_userip_connections = 200
}}
"""

# Dovecot 2.3's oauth2 passdb (https://doc.dovecot.org/2.3/configuration_manual/authentication/
# oauth2/), as it behaved against the tests' own introspection endpoint:
# - The password passdb is limited to PLAIN and LOGIN. Left open to every mechanism it is asked
#   first to check the bearer token as if it were a password, logs "Password mismatch" for every
#   OAuth login, and only then falls through to the oauth2 passdb.
# - With `introspection_mode = post` Dovecot POSTs the form `token=...&client_id=&client_secret=`
#   (empty client fields unless the args file sets them); the JSON answer must carry
#   `username_attribute` equal to the user logging in, and `active_attribute` with `active_value`
#   (a JSON true matches `active_value = true`).
# - A refused token gets the SASL error challenge (base64 JSON `{"status":"401",...}`) and, once
#   the client answers it, a tagged NO [AUTHENTICATIONFAILED]; the connection stays open for
#   another AUTHENTICATE, so a fresh token can be tried on it at once.
# - The oauth2 passdb only says whose token it is: home and mail come from the userdb (here the
#   passwd-file of the password users). Without `tokeninfo_url` every login is introspected, and
#   with auth_cache_size at its default 0 nothing is cached, so a revoked token is refused at once.
_OAUTH2_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/oauth2.conf.ext
}}
"""

_OAUTH2_ARGS = """\
introspection_mode = post
introspection_url = {url}
username_attribute = {username_attribute}
active_attribute = active
active_value = true
"""


def dovecot_available() -> bool:
    return os.path.exists(DOVECOT) and os.path.exists(DOVEADM)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Mailbox:
    """One test user's mailbox, with helpers that act as a mail client or a delivery agent."""

    host: str
    port: int
    user: str
    password: str

    def poller_env(self) -> dict[str, str]:
        """The environment a `manage.py poll` process needs to read this mailbox."""
        return {
            "IMAP_HOST": self.host,
            "IMAP_PORT": str(self.port),
            "IMAP_USER": self.user,
            "IMAP_PASSWORD": self.password,
            "IMAP_SSL": "false",
            "IMAP_STARTTLS": "false",
        }

    @contextmanager
    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        client.login(self.user, self.password)
        try:
            yield client
        finally:
            client.logout()

    def append(
        self,
        raw: bytes,
        *,
        folder: str = "INBOX",
        flags: tuple[bytes, ...] = (),
        when: datetime | None = None,
    ) -> None:
        with self.client() as c:
            c.append(folder, raw, flags=flags, msg_time=when)

    def append_many(self, messages: list[bytes], *, folder: str = "INBOX") -> None:
        with self.client() as c:
            for raw in messages:
                c.append(folder, raw)

    def create_folder(self, name: str) -> None:
        with self.client() as c:
            if not c.folder_exists(name):
                c.create_folder(name)

    def recreate_folder(self, name: str) -> None:
        """Delete and create a folder again: the server gives it a new UIDVALIDITY and starts
        its UIDs again from 1, as after a mailbox restore."""
        with self.client() as c:
            before = c.folder_status(name, [b"UIDVALIDITY"])[b"UIDVALIDITY"]
            c.delete_folder(name)
            c.create_folder(name)
            after = c.folder_status(name, [b"UIDVALIDITY"])[b"UIDVALIDITY"]
        assert after != before, "Dovecot kept the UIDVALIDITY of a recreated folder"

    def flags(self, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        with self.client() as c:
            c.select_folder(folder, readonly=True)
            uids = c.search(["ALL"])
            return {uid: data[b"FLAGS"] for uid, data in c.fetch(uids, ["FLAGS"]).items()}

    def count(self, folder: str = "INBOX") -> int:
        with self.client() as c:
            return c.folder_status(folder, [b"MESSAGES"])[b"MESSAGES"]


class Dovecot:
    """A running private Dovecot. `add_user()` gives each test a mailbox of its own."""

    def __init__(
        self, *, oauth2_introspection_url: str = "", username_attribute: str = "username"
    ) -> None:
        """With `oauth2_introspection_url`, XOAUTH2 and OAUTHBEARER logins are accepted too, for
        the tokens that URL (RFC 7662 token introspection) says are active; password logins
        work as before, and every user added has both."""
        # A short path: Dovecot's unix sockets live under it (108 characters at most).
        self.root = Path(tempfile.mkdtemp(prefix="mailagent-dovecot-"))
        self.root.chmod(0o755)
        self.port = _free_port()
        self.config = self.root / "dovecot.conf"
        self.users = self.root / "users"
        self._names = itertools.count(1)
        login, internal, group, mail_uid, mail_gid = self._accounts()
        (self.root / "mail").mkdir()
        os.chown(self.root / "mail", mail_uid, mail_gid)
        # One passwd-file per user: Dovecot reads a new file at once, whereas it notices changes
        # to one shared file only by its modification time, to the second.
        self.users.mkdir()
        oauth2 = bool(oauth2_introspection_url)
        if oauth2:
            (self.root / "oauth2.conf.ext").write_text(
                _OAUTH2_ARGS.format(
                    url=oauth2_introspection_url, username_attribute=username_attribute
                )
            )
        self.config.write_text(
            _CONFIG.format(
                oauth2_mechanisms=" xoauth2 oauthbearer" if oauth2 else "",
                password_mechanisms="\n  mechanisms = plain login" if oauth2 else "",
                oauth2_passdb=_OAUTH2_PASSDB.format(root=self.root) if oauth2 else "",
                root=self.root,
                port=self.port,
                login_user=login,
                internal_user=internal,
                internal_group=group,
                mail_uid=mail_uid,
                mail_gid=mail_gid,
            )
        )

    @staticmethod
    def _accounts() -> tuple[str, str, str, int, int]:
        if os.geteuid() != 0:
            me = pwd.getpwuid(os.geteuid())
            group = me.pw_name
            try:
                import grp

                group = grp.getgrgid(os.getegid()).gr_name
            except KeyError:
                pass
            return me.pw_name, me.pw_name, group, os.geteuid(), os.getegid()
        mail = pwd.getpwnam("dovecot")
        return "dovenull", "root", "root", mail.pw_uid, mail.pw_gid

    def start(self) -> None:
        # Dovecot forks into the background: its output must not be a pipe we wait on.
        with (self.root / "start.log").open("ab") as out:
            subprocess.run([DOVECOT, "-c", str(self.config)], check=True, stdout=out, stderr=out)
        self._wait_for_port(up=True)

    def stop(self) -> None:
        """Stop the server as an administrator's restart does: clients are told BYE at once (left
        alone, Dovecot's IMAP processes linger for several seconds before saying it)."""
        subprocess.run(
            [DOVEADM, "-c", str(self.config), "kick", "*"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        subprocess.run(
            [DOVEADM, "-c", str(self.config), "stop"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self._wait_for_port(up=False)

    def restart(self) -> None:
        self.stop()
        self.start()

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def session_pids(self, user: str) -> list[int]:
        """The IMAP server processes serving this user's connections."""
        out = subprocess.run(
            [DOVEADM, "-c", str(self.config), "who", "-1", user],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return [int(line.split()[2]) for line in out.splitlines()[1:] if line.strip()]

    def add_user(self, name: str | None = None, password: str = "secret") -> Mailbox:  # noqa: S107
        user = name or f"agent{next(self._names)}@acme.example"
        (self.users / user).write_text(f"{user}:{{PLAIN}}{password}::::::\n")
        return Mailbox(host="127.0.0.1", port=self.port, user=user, password=password)

    def _wait_for_port(self, *, up: bool, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    if up:
                        return
            except OSError:
                if not up:
                    return
            time.sleep(0.02)
        state = "start" if up else "stop"
        raise RuntimeError(f"Dovecot did not {state} on port {self.port}:\n{self.log()[-2000:]}")
