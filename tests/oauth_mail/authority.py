"""A token authority for the mail tests, on 127.0.0.1 in a thread: it issues access and refresh
tokens per mailbox, answers Dovecot's token introspection (RFC 7662, `/introspect`, as Dovecot's
oauth2 passdb asks with `introspection_mode = post`) and refreshes tokens at `/token` (RFC 6749
section 6, refusing a revoked refresh token with invalid_grant, as Google and Microsoft do).
aiosmtpd's XOAUTH2 check asks it too (`active`)."""

from __future__ import annotations

import json
import secrets
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

from tests.jsonhttp import form_read, json_send


@dataclass
class Authority:
    host: str = "127.0.0.1"
    port: int = 0
    lifetime: int = 3600
    # access token -> (address, expires at)
    access: dict[str, tuple[str, float]] = field(default_factory=dict)
    # refresh token -> address; revoked ones are removed
    refresh: dict[str, str] = field(default_factory=dict)
    refreshed: list[str] = field(default_factory=list)
    introspected: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> Authority:
        authority = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                form = form_read(self)
                if self.path == "/introspect":
                    status, body = 200, authority.introspect(form.get("token", ""))
                elif self.path == "/token":
                    status, body = authority.token(form)
                else:
                    status, body = 404, {"error": "not_found"}
                json_send(self, status, body)

        self._httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- the endpoints ------------------------------------------------------------------------

    def introspect(self, token: str) -> dict:
        with self.lock:
            self.introspected.append(token)
            address, expires = self.access.get(token, ("", 0.0))
        if not address or expires <= time.time():
            return {"active": False}
        return {"active": True, "username": address, "scope": "mail"}

    def token(self, form: dict[str, str]) -> tuple[int, dict]:
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}
        with self.lock:
            address = self.refresh.get(form.get("refresh_token", ""))
            if address is None:
                return 400, {"error": "invalid_grant", "error_description": "Token revoked"}
            self.refreshed.append(address)
        access = self._access(address)
        return 200, {"access_token": access, "token_type": "Bearer", "expires_in": self.lifetime}

    # --- what the tests do --------------------------------------------------------------------

    def issue(self, address: str) -> tuple[str, str]:
        """A consent's tokens for `address`: (access token, refresh token)."""
        refresh = "rt-" + secrets.token_urlsafe(16)
        with self.lock:
            self.refresh[refresh] = address
        return self._access(address), refresh

    def _access(self, address: str) -> str:
        token = "at-" + secrets.token_urlsafe(16)
        with self.lock:
            self.access[token] = (address, time.time() + self.lifetime)
        return token

    def expire(self, access_token: str) -> None:
        """The token runs out early (the provider ended the session): servers refuse it."""
        with self.lock:
            address, _ = self.access[access_token]
            self.access[access_token] = (address, 0.0)

    def revoke(self, address: str) -> None:
        """The user revoked the app's access: every refresh token of `address` is refused."""
        with self.lock:
            self.refresh = {t: a for t, a in self.refresh.items() if a != address}

    def active(self, access_token: str, address: str) -> bool:
        return self.introspect(access_token).get("username") == address

    def refreshes(self, address: str) -> int:
        with self.lock:
            return self.refreshed.count(address)


class RefreshingProvider:
    """A token provider as the IMAP and SMTP integrations take it, refreshing over HTTP at the
    authority's token endpoint: the token store's behaviour, without its database."""

    def __init__(self, authority: Authority, address: str) -> None:
        self.authority = authority
        self.address = address
        self.token, self.refresh_token = authority.issue(address)
        self.calls: list[bool] = []

    def __call__(self, address: str, *, refresh: bool = False) -> str:
        assert address == self.address
        self.calls.append(refresh)
        if refresh:
            form = urlencode({"grant_type": "refresh_token", "refresh_token": self.refresh_token})
            request = urllib.request.Request(f"{self.authority.url}/token", data=form.encode())
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    self.token = json.load(response)["access_token"]
            except urllib.error.HTTPError as exc:
                raise LookupError(f"refresh refused: {exc.read().decode()}") from exc
        return self.token
