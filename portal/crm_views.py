"""The CRM cleanup's suggestions on the portal, for staff: each with its evidence, accepted or
rejected by a POST (CSRF-checked). Looking at the page changes nothing."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from mailagent.workflows.crm.decisions import NotPending, suggestion_accept, suggestion_reject
from mailagent.workflows.crm.models import CrmSuggestion


def _person(request: HttpRequest) -> str:
    user = request.user
    return user.email or f"{user.get_username()}@staff"


@staff_member_required
@require_GET
def crm_suggestions(request: HttpRequest) -> HttpResponse:
    pending = CrmSuggestion.objects.filter(status=CrmSuggestion.Status.PENDING)
    decided = CrmSuggestion.objects.exclude(status=CrmSuggestion.Status.PENDING).order_by(
        "-decided_at", "-id"
    )[:50]
    context = {"business_name": settings.BUSINESS_NAME, "pending": pending, "decided": decided}
    return render(request, "portal/crm.html", context)


@staff_member_required
@require_POST
def crm_decide(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    decide = suggestion_accept if request.POST.get("decision") == "accept" else suggestion_reject
    try:
        suggestion = decide(suggestion_id=suggestion_id, person=_person(request))
    except CrmSuggestion.DoesNotExist:
        return HttpResponse("No such suggestion.", status=404)
    except NotPending as exc:
        messages.warning(request, f"Nothing changed: {exc}")
        return redirect("portal:crm")
    messages.success(request, f"{suggestion.get_status_display().capitalize()}: {suggestion.title}")
    return redirect("portal:crm")
