"""Approve-all links in the admin: read-only, like the rest of the trail."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from mailagent.models import BatchApprovalLink


@admin.register(BatchApprovalLink)
class BatchApprovalLinkAdmin(admin.ModelAdmin):
    list_display = ("created_at", "approver", "items", "expires_at", "used_at")
    list_filter = ("approver", "created_at")
    search_fields = ("approver",)
    readonly_fields = ("approver", "items", "token_hash", "created_at", "expires_at", "used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
