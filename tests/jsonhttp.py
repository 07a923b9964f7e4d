"""What the small HTTP servers the tests run (an OAuth2 authorization server, a token
authority) share: reading a form-encoded POST and answering in JSON."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs


def form_read(handler: BaseHTTPRequestHandler) -> dict[str, str]:
    """The request's application/x-www-form-urlencoded body, one value per field."""
    length = int(handler.headers.get("Content-Length", 0))
    return {k: v[0] for k, v in parse_qs(handler.rfile.read(length).decode()).items()}


def json_send(handler: BaseHTTPRequestHandler, status: int, body: dict) -> None:
    """Answer with `body` as JSON and that status."""
    data = json.dumps(body).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)
