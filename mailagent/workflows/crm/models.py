"""One suggestion of the CRM cleanup: a merge or a fix, with its evidence, waiting for a person.

Written by `mailagent.workflows.crm.decisions` only. A suggestion is made once (its
`fingerprint` names what it is about): a rejected one is not suggested again the next week.
`applied` keeps exactly what an accepted one changed, so that it can be undone from the admin.
"""

from __future__ import annotations

from django.db import models


class CrmSuggestion(models.Model):
    class Kind(models.TextChoices):
        MERGE = "merge", "merge two customers"
        ADD_EMAIL = "add_email", "add an address to a customer"
        REMOVE_BOUNCED = "remove_bounced", "remove an address that bounced"
        LINK_SENDER = "link_sender", "add a sender to a customer"
        NEW_CUSTOMER = "new_customer", "make a sender a customer"
        FOLLOW_UP = "follow_up", "a person should look"

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for a person"
        ACCEPTED = "accepted", "accepted"
        REJECTED = "rejected", "rejected"
        UNDONE = "undone", "accepted, then undone"
        STALE = "stale", "no longer applies"

    # By name: the workflows app's models module imports this one to register it.
    run = models.ForeignKey(
        "workflows.WorkflowRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    fingerprint = models.CharField(max_length=200, unique=True)
    title = models.CharField(max_length=500)
    evidence = models.JSONField(default=list, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    decided_by = models.CharField(max_length=320, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    applied = models.JSONField(default=dict, blank=True)
    undone_by = models.CharField(max_length=320, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        app_label = "workflows"
        verbose_name = "CRM suggestion"
        ordering = ["status", "kind", "id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.title} ({self.get_status_display()})"
