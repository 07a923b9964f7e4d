"""What the portal keeps of its own: the digest's "approve all of these" links.

A single draft's magic link is `mailagent.models.ApprovalLink`. An approve-all link covers a
list of drafts, each at the version the approver was shown; only a hash of its token is kept.
"""

from __future__ import annotations

from django.db import models


class BatchApprovalLink(models.Model):
    """One "approve all of these" link, from one digest to one approver. Works once."""

    approver = models.CharField(max_length=320)
    # [[draft id, version], ...] exactly as the signed token lists them.
    items = models.JSONField(default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "approve-all link"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        ids = ", ".join(f"#{d}" for d, _ in self.items)
        return f"approve-all link for drafts {ids} to {self.approver}"
