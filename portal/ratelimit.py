"""Rate limits for the magic-link pages, per token and per address.

A token is 256 bits of HMAC and cannot be guessed, but a scanner hammering a leaked link, or a
client probing for valid ones, should still meet a wall. Counting happens in the default cache
(django-ratelimit); share it across processes with CACHE_URL=redis://... in production, or each
process counts alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited

from mailagent.tokens import token_hash


def _token_key(group: str, request: HttpRequest) -> str:
    return token_hash(request.resolver_match.kwargs.get("token", ""))


def rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Refuse with 429 once an address or a token has been used too often in the window."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        by_address = is_ratelimited(
            request,
            group="portal:address",
            key="ip",
            rate=settings.PORTAL_RATE_PER_ADDRESS,
            increment=True,
        )
        by_token = is_ratelimited(
            request,
            group="portal:token",
            key=_token_key,
            rate=settings.PORTAL_RATE_PER_TOKEN,
            increment=True,
        )
        if by_address or by_token:
            response = render(request, "portal/too_many.html", status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    return wrapper
