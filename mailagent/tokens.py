"""Magic-link tokens. PURE apart from the settings' signing key.

A token is signed (Django's signing, with a purpose salt so no other signed value can stand in for
it), carries the draft, the draft's version and the approver, and a random nonce so two links are
never equal. Its age is checked against `max_age` on every use. The database keeps only a SHA-256
of the token: a leaked copy of the database approves nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from django.core import signing

SALT = "portal.approval-link.v1"


class TokenProblem(StrEnum):
    TAMPERED = "tampered"
    EXPIRED = "expired"


@dataclass(frozen=True)
class TokenPayload:
    draft_id: int
    version: int
    approver: str


class TokenInvalid(Exception):
    def __init__(self, problem: TokenProblem, payload: TokenPayload | None = None) -> None:
        super().__init__(problem.value)
        self.problem = problem
        self.payload = payload


def token_make(*, draft_id: int, version: int, approver: str) -> str:
    data = {"d": draft_id, "v": version, "a": approver, "n": secrets.token_urlsafe(12)}
    return signing.dumps(data, salt=SALT, compress=True)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_read(token: str, *, max_age_seconds: int) -> TokenPayload:
    """The payload of an authentic, unexpired token; `TokenInvalid` says which it is not."""
    try:
        data = signing.loads(token, salt=SALT)
        payload = TokenPayload(draft_id=int(data["d"]), version=int(data["v"]), approver=data["a"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid(TokenProblem.TAMPERED) from exc
    try:
        signing.loads(token, salt=SALT, max_age=max_age_seconds)
    except signing.SignatureExpired as exc:
        raise TokenInvalid(TokenProblem.EXPIRED, payload) from exc
    return payload


# An "approve all of these" link from the digest: its own salt, so that neither kind of token
# can stand in for the other.
BATCH_SALT = "portal.approve-all.v1"


@dataclass(frozen=True)
class BatchPayload:
    items: tuple[tuple[int, int], ...]  # (draft id, version), in the order shown
    approver: str


def batch_token_make(*, items: list[tuple[int, int]], approver: str) -> str:
    data = {"i": [list(item) for item in items], "a": approver, "n": secrets.token_urlsafe(12)}
    return signing.dumps(data, salt=BATCH_SALT, compress=True)


def batch_token_read(token: str, *, max_age_seconds: int) -> BatchPayload:
    """The payload of an authentic, unexpired approve-all token; `TokenInvalid` otherwise (an
    expired one carries no payload: it may not act, and needs no renewal)."""
    try:
        data = signing.loads(token, salt=BATCH_SALT, max_age=max_age_seconds)
        items = tuple((int(d), int(v)) for d, v in data["i"])
        payload = BatchPayload(items=items, approver=str(data["a"]))
    except signing.SignatureExpired as exc:
        raise TokenInvalid(TokenProblem.EXPIRED) from exc
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid(TokenProblem.TAMPERED) from exc
    return payload
