"""The CRM cleanup's suggestions in the admin: read-only, with who decided what and when, what an
accepted one changed, and its undo (an admin action: a POST, CSRF-checked, for staff)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from mailagent.services.audit import events_for
from mailagent.workflows.crm.decisions import CannotUndo, suggestion_undo
from mailagent.workflows.crm.models import CrmSuggestion


def _rows(rows: list[tuple[str, ...]]) -> str:
    """Rows as a small table. (Not the runs' `data_html`: the workflows admin imports this
    module to register it, and importing back would be a cycle.)"""
    if not rows:
        return "-"
    cells = format_html_join(
        "",
        "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((c,) for c in row)),) for row in rows),
    )
    return format_html("<table>{}</table>", cells)


@admin.register(CrmSuggestion)
class CrmSuggestionAdmin(admin.ModelAdmin):
    list_display = ("id", "created_at", "kind", "title", "status", "decided_by", "decided_at")
    list_filter = ("status", "kind")
    search_fields = ("title", "decided_by")
    actions = ["undo"]
    fields = (
        ("kind", "status"),
        "title",
        "evidence_view",
        ("decided_by", "decided_at"),
        ("undone_by", "undone_at"),
        "applied_view",
        "history",
        "run",
    )
    readonly_fields = tuple(
        name for item in fields for name in (item if isinstance(item, tuple) else (item,))
    )

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description="evidence")
    def evidence_view(self, obj: CrmSuggestion) -> str:
        return _rows([(line,) for line in obj.evidence])

    @admin.display(description="what accepting it changed (what undo puts back)")
    def applied_view(self, obj: CrmSuggestion) -> str:
        return _rows([(name, str(value)) for name, value in obj.applied.items()])

    @admin.display(description="audit trail")
    def history(self, obj: CrmSuggestion) -> str:
        return _rows(
            [(f"{e.created_at:%Y-%m-%d %H:%M:%S}", e.actor, e.action) for e in events_for(obj)]
        )

    @admin.action(description="Undo the selected accepted suggestions")
    def undo(self, request: HttpRequest, queryset: QuerySet[CrmSuggestion]) -> None:
        person = request.user.email or f"{request.user.get_username()}@staff"
        for suggestion in queryset.order_by("-decided_at"):
            try:
                suggestion_undo(suggestion_id=suggestion.pk, person=person)
            except CannotUndo as exc:
                self.message_user(request, f"#{suggestion.pk} not undone: {exc}", messages.ERROR)
            else:
                self.message_user(request, f"Undone: {suggestion.title}", messages.SUCCESS)
