"""The OAuth2 consent callback: where Google or Microsoft send the browser back.

It checks the state against the consent the signed-in staff user started, calls one service and
either shows the connection in the admin or says, with nothing changed, why it was refused.
Cached nowhere and never framed; the query string (code and state) is single-use.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mailagent.errors import TransientError
from mailagent.oauth.consent import consent_finish
from mailagent.oauth.errors import ConsentRefused, ProviderRefused


@never_cache
@require_GET
def oauth_callback(request: HttpRequest) -> HttpResponse:
    if not (request.user.is_authenticated and request.user.is_staff):
        return _refused(
            request,
            403,
            "Sign in to the admin first",
            "A mailbox is connected by the staff member who started it, signed in to the admin "
            "in this browser. Nothing was changed.",
        )
    try:
        mailbox = consent_finish(
            user=request.user,
            state=request.GET.get("state", ""),
            code=request.GET.get("code", ""),
            error=request.GET.get("error", ""),
        )
    except ConsentRefused as exc:
        return _refused(request, 400, "This connection was refused", str(exc))
    except ProviderRefused as exc:
        return _refused(
            request,
            400,
            "The provider refused to give tokens",
            f"It answered {exc.error}. Nothing was stored. Check the client id, secret and "
            "redirect URI, then start again from the admin.",
        )
    except TransientError:
        return _refused(
            request,
            503,
            "The provider could not be reached",
            "Nothing was stored. Start again from the admin in a moment.",
        )
    messages.success(request, f"Connected: {mailbox.address} now logs in with OAuth2.")
    return redirect(reverse("admin:mailagent_mailboxconnection_change", args=[mailbox.pk]))


def _refused(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    return render(
        request,
        "portal/oauth_refused.html",
        {"title": title, "text": text, "admin_url": reverse("admin:index")},
        status=status,
    )
