"""The approval pages. A GET only shows; a POST with the CSRF token acts. Each view checks the
link, calls one service and renders."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mailagent.services.approvals import (
    LinkCheck,
    LinkState,
    approval_decide,
    approval_link_check,
    approval_link_renew,
)
from mailagent.services.corrections import Correction, approval_correct
from portal.forms import CorrectionForm, DecisionForm
from portal.ratelimit import rate_limited
from portal.selectors import review_context, ticket_corrections

# What each problem means for the person holding the link, and the HTTP status that says so.
PROBLEMS: dict[LinkState, tuple[int, str, str]] = {
    LinkState.TAMPERED: (
        400,
        "This link is not valid",
        "The link is incomplete or was changed. Open it again from the email, copying the "
        "whole address, or use the link in the latest approval email or daily digest.",
    ),
    LinkState.FOREIGN: (
        403,
        "This link belongs to another draft",
        "The link was issued for a different draft than the one in the address. Use the link "
        "exactly as it appears in the approval email.",
    ),
    LinkState.EXPIRED: (
        410,
        "This link has expired",
        "Approval links work for {hours}. The draft has not been sent. Ask for a fresh "
        "link below, or use the one in the next daily digest.",
    ),
    LinkState.USED: (
        410,
        "This link has already been used",
        "Each link works once. The draft's current state is shown below; nothing was changed "
        "by opening this page.",
    ),
    LinkState.STALE: (
        409,
        "The draft changed after this link was sent",
        "Someone edited the draft, so this link no longer matches its text. Ask for a fresh "
        "link below to review the current version.",
    ),
    LinkState.DECIDED: (
        409,
        "This draft was already decided",
        "Another approver acted on this draft first. Its current state is shown below; "
        "nothing was changed.",
    ),
    LinkState.UNDELIVERABLE: (
        409,
        "This draft cannot be sent to its address",
        "{detail} Nothing was sent and the link still works for a rejection.",
    ),
    LinkState.SUPERSEDED: (
        409,
        "A newer draft replaced this one",
        "The customer wrote again, so the agent drafted a new reply and this draft will not "
        "be sent. The new draft's link is in the latest approval email.",
    ),
}


def _hours(n: int) -> str:
    return f"{n} hour{pluralize(n)}"


def _problem(request: HttpRequest, check: LinkCheck, token: str) -> HttpResponse:
    status, title, text = PROBLEMS[check.state]
    can_renew = (
        check.state in (LinkState.EXPIRED, LinkState.STALE)
        and check.draft is not None
        and check.draft.status == check.draft.Status.PENDING
    )
    # An absolute address: this page is also shown at .../done/ and .../renew/.
    renew_url = reverse("portal:renew", args=[check.draft.pk, token]) if can_renew else ""
    context = {
        "title": title,
        "text": text.format(
            hours=_hours(settings.APPROVAL_LINK_MAX_AGE_HOURS), detail=check.detail
        ),
        "state": check.state.value,
        "draft": check.draft
        if check.state not in (LinkState.TAMPERED, LinkState.FOREIGN)
        else None,
        "can_renew": can_renew,
        "renew_url": renew_url,
    }
    return render(request, "portal/problem.html", context, status=status)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"business_name": settings.BUSINESS_NAME})


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited
def review(request: HttpRequest, draft_id: int, token: str) -> HttpResponse:
    if request.method == "POST":
        return _decide(request, draft_id, token)
    check = approval_link_check(draft_id=draft_id, token=token)
    if not check.ok:
        return _problem(request, check, token)
    return _review_page(request, check, token)


def _review_page(
    request: HttpRequest,
    check: LinkCheck,
    token: str,
    *,
    form: DecisionForm | None = None,
    correction_errors: list[str] | None = None,
    unchanged: Correction | None = None,
    status: int = 200,
) -> HttpResponse:
    context = review_context(check.draft) | {
        "form": form,
        "correct_url": reverse("portal:correct", args=[check.draft.pk, token]),
        "correction_errors": correction_errors or [],
        "unchanged": unchanged,
    }
    return render(request, "portal/review.html", context, status=status)


def _decide(request: HttpRequest, draft_id: int, token: str) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        check = approval_link_check(draft_id=draft_id, token=token)
        if not check.ok:
            return _problem(request, check, token)
        return _review_page(request, check, token, form=form, status=400)
    data = form.cleaned_data
    decision = approval_decide(
        draft_id=draft_id,
        token=token,
        action=data["action"],
        body=data["body"] if "body" in request.POST else None,
        reason=data["reason"],
    )
    if not decision.check.ok:
        return _problem(request, decision.check, token)
    response = redirect("portal:done", draft_id=draft_id, token=token)
    response.status_code = 303  # See Other: the browser GETs the outcome page
    return response


@require_POST
@rate_limited
def correct(request: HttpRequest, draft_id: int, token: str) -> HttpResponse:
    """One click correcting the ticket's triage; the page then shows the correction (or, when it
    handed the message to a person and withdrew the draft, the draft's outcome)."""
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        check = approval_link_check(draft_id=draft_id, token=token)
        if not check.ok:
            return _problem(request, check, token)
        errors = [e for errors in form.errors.values() for e in errors]
        return _review_page(request, check, token, correction_errors=errors, status=400)
    data = form.cleaned_data
    result = approval_correct(
        draft_id=draft_id, token=token, field=data["field"], value=data["value"], seen=data["seen"]
    )
    if not result.check.ok:
        return _problem(request, result.check, token)
    if result.correction is None:  # a payment reminder: no ticket, nothing to correct
        errors = ["This draft answers no ticket: there is nothing to correct."]
        return _review_page(request, result.check, token, correction_errors=errors, status=400)
    if not result.correction.changed:
        # 409 when someone else's change came first: the page shows theirs, and says so.
        status = 200 if result.correction.before == result.correction.after else 409
        return _review_page(
            request, result.check, token, unchanged=result.correction, status=status
        )
    if draft_id in result.correction.withdrawn:
        response = redirect("portal:done", draft_id=draft_id, token=token)
    else:  # back to the page, at the corrections
        response = redirect(reverse("portal:review", args=[draft_id, token]) + "#triage")
    response.status_code = 303  # See Other: the browser GETs the page with the change
    return response


@require_GET
@rate_limited
def done(request: HttpRequest, draft_id: int, token: str) -> HttpResponse:
    check = approval_link_check(draft_id=draft_id, token=token)
    if check.state is LinkState.OK:
        return redirect("portal:review", draft_id=draft_id, token=token)
    if check.state is not LinkState.USED:
        return _problem(request, check, token)
    ticket = check.draft.ticket
    context = {
        "draft": check.draft,
        "ticket": ticket,
        "corrections": ticket_corrections(ticket) if ticket else [],
    }
    return render(request, "portal/done.html", context)


@require_POST
@rate_limited
def renew(request: HttpRequest, draft_id: int, token: str) -> HttpResponse:
    check = approval_link_check(draft_id=draft_id, token=token)
    result = approval_link_renew(check=check)
    if result is None:
        return _problem(request, check, token)
    status = 503 if result.mail_failed else 200  # the mail server is down: try again later
    return render(request, "portal/renewed.html", {"result": result}, status=status)
