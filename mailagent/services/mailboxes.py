"""Which IMAP folders to watch, read from the settings once: IMAP_HOST and friends for the main
mailbox (one or several folders in IMAP_FOLDER) and IMAP_EXTRA_MAILBOXES for more, as URLs.

Each mailbox logs in with its password, or with OAuth2 (IMAP_AUTH=oauth2, or `?auth=oauth2` in an
extra mailbox's URL): its user is then the mailbox's address, whose tokens come from the token
store (`mailagent.oauth.access_token`). One installation may mix both.

Pure: settings in, frozen values out. A bad value is a ConfigurationError that names the setting.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from mailagent.errors import ConfigurationError
from mailagent.integrations.imap import ImapAccount
from mailagent.integrations.mail_auth import AUTH_KINDS, AUTH_OAUTH2, TokenProvider
from mailagent.oauth import access_token

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class ImapFolder:
    """One folder to watch: its mailbox, what to do with processed mail, and where its settings
    came from (named in error messages)."""

    account: ImapAccount
    folder: str
    processed_folder: str = ""
    backfill_days: int = 7
    max_message_bytes: int = 25 * 1024 * 1024
    folder_setting: str = "IMAP_FOLDER"
    processed_setting: str = "IMAP_PROCESSED_FOLDER"

    @property
    def source(self) -> str:
        """The stable name of this folder: the `source` of its messages for ever."""
        name = f"imap:{self.account.user}@{self.account.host}:{self.account.port}/{self.folder}"
        if len(name) <= 255:
            return name
        # InboundEmail.source holds 255 characters; keep the name unique and recognisable.
        digest = hashlib.sha256(name.encode()).hexdigest()[:16]
        return f"{name[:230]}~{digest}"


def imap_folders_configured(settings: Any) -> list[ImapFolder]:
    """Every folder the settings ask to watch; [] when IMAP is not configured."""
    folders: list[ImapFolder] = []
    if settings.IMAP_HOST:
        folders += _main_mailbox(settings)
    for index, url in enumerate(settings.IMAP_EXTRA_MAILBOXES):
        folders += _extra_mailbox(url, index=index, settings=settings)
    seen: set[str] = set()
    for folder in folders:
        if folder.source in seen:
            raise ConfigurationError(
                f"The folder {folder.source} is configured twice: check IMAP_FOLDER and "
                "IMAP_EXTRA_MAILBOXES."
            )
        seen.add(folder.source)
    return folders


def _main_mailbox(settings: Any) -> list[ImapFolder]:
    if settings.IMAP_SSL and settings.IMAP_STARTTLS:
        raise ConfigurationError(
            "IMAP_SSL and IMAP_STARTTLS are both on: use IMAP_SSL=true for a TLS port (993), or "
            "IMAP_SSL=false with IMAP_STARTTLS=true for a plain port that upgrades (143)."
        )
    if not settings.IMAP_USER:
        raise ConfigurationError("IMAP_HOST is set but IMAP_USER is empty: set IMAP_USER.")
    _check_limits(settings)
    auth = _auth_kind(settings.IMAP_AUTH, where="IMAP_AUTH")
    oauth2 = auth == AUTH_OAUTH2
    account = ImapAccount(
        host=settings.IMAP_HOST,
        port=settings.IMAP_PORT or (993 if settings.IMAP_SSL else 143),
        user=settings.IMAP_USER,
        # With OAuth2 a password left in the environment is never sent anywhere.
        password="" if oauth2 else settings.IMAP_PASSWORD,
        ssl=settings.IMAP_SSL,
        starttls=settings.IMAP_STARTTLS,
        timeout=settings.IMAP_TIMEOUT,
        login_setting=(
            "IMAP_USER (the mailbox's address) and its OAuth2 connection"
            if oauth2
            else "IMAP_USER and IMAP_PASSWORD"
        ),
        auth=auth,
        token_provider=_token_provider(auth),
    )
    names = [name.strip() for name in settings.IMAP_FOLDER if name.strip()] or ["INBOX"]
    return [
        ImapFolder(
            account=account,
            folder=name,
            processed_folder=settings.IMAP_PROCESSED_FOLDER.strip(),
            backfill_days=settings.IMAP_BACKFILL_DAYS,
            max_message_bytes=settings.MAX_MESSAGE_BYTES,
        )
        for name in names
    ]


def _check_limits(settings: Any) -> None:
    if settings.IMAP_BACKFILL_DAYS < 0:
        raise ConfigurationError("IMAP_BACKFILL_DAYS must be 0 or more.")
    if settings.MAX_MESSAGE_BYTES < 1024:
        raise ConfigurationError("MAX_MESSAGE_BYTES must be at least 1024.")


def _auth_kind(value: str, *, where: str) -> str:
    kind = (value or "password").strip().lower()
    if kind not in AUTH_KINDS:
        raise ConfigurationError(f"{where}={value!r} should be password or oauth2.")
    return kind


def _token_provider(auth: str) -> TokenProvider | None:
    return access_token if auth == AUTH_OAUTH2 else None


def _extra_mailbox(url: str, *, index: int, settings: Any) -> list[ImapFolder]:
    """imaps://user:password@host[:port]/Folder[,Folder2][?processed=Done&starttls=true], or
    imaps://address@host/Folder?auth=oauth2 for a mailbox connected with OAuth2."""
    where = f"IMAP_EXTRA_MAILBOXES entry {index + 1} ({_redacted(url)})"
    parts = urlsplit(url.strip())
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise ConfigurationError(
            f"{where} is not an imap:// or imaps:// URL with a host name, like "
            "imaps://user:password@mail.example.com/INBOX."
        )
    if not parts.username:
        raise ConfigurationError(f"{where} has no user name (imaps://USER:password@host/).")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    starttls = _flag(options.get("starttls", ""), where=where, name="starttls")
    if parts.scheme == "imaps" and starttls:
        raise ConfigurationError(f"{where}: use imap:// with starttls=true, or imaps:// alone.")
    try:
        port = parts.port or (993 if parts.scheme == "imaps" else 143)
    except ValueError as exc:
        raise ConfigurationError(f"{where} has an invalid port.") from exc
    _check_limits(settings)
    auth = _auth_kind(options.get("auth", ""), where=f"{where}: auth")
    oauth2 = auth == AUTH_OAUTH2
    account = ImapAccount(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username),
        password="" if oauth2 else unquote(parts.password or ""),
        ssl=parts.scheme == "imaps",
        starttls=starttls,
        timeout=settings.IMAP_TIMEOUT,
        host_setting=f"the host and port of {where}",
        login_setting=(
            f"the user (the mailbox's address) of {where} and its OAuth2 connection"
            if oauth2
            else f"the user and password of {where}"
        ),
        tls_setting=f"the scheme (imaps:// or imap://?starttls=true) of {where}",
        auth=auth,
        token_provider=_token_provider(auth),
    )
    names = [unquote(n).strip() for n in parts.path.lstrip("/").split(",") if n.strip()]
    return [
        ImapFolder(
            account=account,
            folder=name,
            processed_folder=unquote(options.get("processed", "")).strip(),
            backfill_days=settings.IMAP_BACKFILL_DAYS,
            max_message_bytes=settings.MAX_MESSAGE_BYTES,
            folder_setting=f"the folder in {where}",
            processed_setting=f"processed= in {where}",
        )
        for name in names or ["INBOX"]
    ]


def _flag(value: str, *, where: str, name: str) -> bool:
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ConfigurationError(f"{where}: {name}={value!r} should be true or false.")


def _redacted(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.password is None:
        return url.strip()
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
