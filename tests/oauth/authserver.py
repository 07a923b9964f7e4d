"""A small OAuth2 authorization server for the tests, on 127.0.0.1 in a thread.

It does what Google's and Microsoft's do, as far as the product can tell: `/authorize` consents at
once and redirects back with a code and the state (or with `error=access_denied`); `/token`
takes authorization_code (checking the PKCE S256 verifier, RFC 7636 section 4.6, the redirect URI
and the client), refresh_token (refusing a revoked one with invalid_grant) and device_code (RFC
8628, answering from a script: authorization_pending, slow_down, ...); `/device` issues user codes.
Everything it issued or was sent is kept for the tests to look at.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.jsonhttp import form_read, json_send

CLIENT_ID = "client-1234.apps.example"
CLIENT_SECRET = "client-secret-9f8e7d6c"


@dataclass
class Issued:
    client_id: str
    scope: str
    revoked: bool = False


@dataclass
class AuthServer:
    host: str = "127.0.0.1"
    port: int = 0
    access_lifetime: int = 3600
    rotate_refresh_tokens: bool = False
    deny_consent: bool = False
    # What the token endpoint answers to each device_code poll, in order; then tokens.
    device_script: list[str] = field(default_factory=list)
    device_interval: int = 1
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    refresh_tokens: dict[str, Issued] = field(default_factory=dict)
    access_tokens: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def endpoints(self) -> dict[str, str]:
        return {
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "device_authorization_endpoint": f"{self.url}/device",
        }

    def start(self) -> AuthServer:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != "/authorize":
                    return json_send(self, 404, {"error": "not_found"})
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                self.send_response(302)
                self.send_header("Location", server.authorize(query))
                self.end_headers()

            def do_POST(self) -> None:
                form = form_read(self)
                if self.path == "/token":
                    status, body = server.token(form, self.headers.get("Authorization", ""))
                elif self.path == "/device":
                    status, body = server.device(form)
                else:
                    status, body = 404, {"error": "not_found"}
                json_send(self, status, body)

        self._httpd = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- what the endpoints do ----------------------------------------------------------------

    def authorize(self, query: dict[str, str]) -> str:
        with self.lock:
            self.authorize_requests.append(query)
            back = {"state": query.get("state", "")}
            if self.deny_consent:
                back["error"] = "access_denied"
            else:
                code = secrets.token_urlsafe(16)
                self.codes[code] = query
                back["code"] = code
        return f"{query['redirect_uri']}?{urlencode(back)}"

    def token(self, form: dict[str, str], authorization: str) -> tuple[int, dict]:
        with self.lock:
            self.token_requests.append(form)
            client_id = form.get("client_id", "")
            if authorization.startswith("Basic "):
                client_id, _, secret = base64.b64decode(authorization[6:]).decode().partition(":")
            else:
                secret = form.get("client_secret", "")
            if client_id != CLIENT_ID or secret not in ("", CLIENT_SECRET):
                return 401, {"error": "invalid_client"}
            grant = form.get("grant_type")
            if grant == "authorization_code":
                return self._code_grant(form)
            if grant == "refresh_token":
                issued = self.refresh_tokens.get(form.get("refresh_token", ""))
                if issued is None or issued.revoked:
                    return 400, {"error": "invalid_grant", "error_description": "revoked"}
                if self.rotate_refresh_tokens:
                    issued.revoked = True
                return 200, self._tokens(issued.scope, refresh=self.rotate_refresh_tokens)
            if grant == "urn:ietf:params:oauth:grant-type:device_code":
                if self.device_script:
                    return 400, {"error": self.device_script.pop(0)}
                return 200, self._tokens("https://mail.google.com/", refresh=True)
            return 400, {"error": "unsupported_grant_type"}

    def _code_grant(self, form: dict[str, str]) -> tuple[int, dict]:
        asked = self.codes.pop(form.get("code", ""), None)
        if asked is None or asked["redirect_uri"] != form.get("redirect_uri"):
            return 400, {"error": "invalid_grant"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if asked.get("code_challenge_method") != "S256" or challenge.decode() != asked.get(
            "code_challenge"
        ):
            return 400, {"error": "invalid_grant", "error_description": "PKCE check failed"}
        return 200, self._tokens(asked.get("scope", ""), refresh=True)

    def _tokens(self, scope: str, *, refresh: bool) -> dict:
        access = "at-" + secrets.token_urlsafe(24)
        self.access_tokens[access] = time.time() + self.access_lifetime
        answer = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.access_lifetime,
            "scope": scope,
        }
        if refresh:
            token = "rt-" + secrets.token_urlsafe(24)
            self.refresh_tokens[token] = Issued(CLIENT_ID, scope)
            answer["refresh_token"] = token
        return answer

    def device(self, form: dict[str, str]) -> tuple[int, dict]:
        with self.lock:
            self.token_requests.append(form)
            return 200, {
                "device_code": "dc-" + secrets.token_urlsafe(16),
                "user_code": "WDJB-MJHT",
                "verification_uri": f"{self.url}/device-login",
                "expires_in": 900,
                "interval": self.device_interval,
            }

    # --- what the tests do to it --------------------------------------------------------------

    def revoke_all(self) -> None:
        with self.lock:
            for issued in self.refresh_tokens.values():
                issued.revoked = True

    def refreshes(self) -> list[dict[str, str]]:
        with self.lock:
            return [r for r in self.token_requests if r.get("grant_type") == "refresh_token"]

    def valid(self, access_token: str) -> bool:
        with self.lock:
            return self.access_tokens.get(access_token, 0) > time.time()


def serve_for(settings):
    """Start a server, point both providers and a fresh token key at it; yields it (fixtures)."""
    from cryptography.fernet import Fernet

    server = AuthServer().start()
    settings.OAUTH_PROVIDER_OVERRIDES = {
        "google": server.endpoints(),
        "microsoft": server.endpoints(),
    }
    settings.MAILBOX_TOKEN_KEYS = [Fernet.generate_key().decode()]
    try:
        yield server
    finally:
        server.stop()
