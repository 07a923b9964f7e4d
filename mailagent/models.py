"""What the agent keeps: every message as received, the tickets they form, the drafts waiting for
a person, what was sent, and an append-only trail of every step.

Models hold data and state names only. Writes happen in `mailagent.services`; nothing here sends
mail or calls a model from `save()`.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from mailagent.types import Category, Tier, Tone, Urgency


def _choices(enum: type) -> list[tuple[str, str]]:
    return [(m.value, m.value.replace("_", " ")) for m in enum]


class InboundEmail(models.Model):
    """One message exactly as a mailbox gave it to us. Stored raw before anything else happens,
    so that nothing is lost even when parsing fails."""

    class Status(models.TextChoices):
        RECEIVED = "received", "received (not yet processed)"
        PROCESSED = "processed", "processed"
        AUTOMATIC = "automatic", "automatic mail (never answered)"
        DUPLICATE = "duplicate", "duplicate of a message already processed"
        QUARANTINED = "quarantined", "quarantined"

    # The source's own identity of the message: a folder and file name, or later a mailbox,
    # UIDVALIDITY and UID. Not the Message-ID: it can be missing, and different messages can
    # share one.
    source = models.CharField(max_length=255)
    source_key = models.CharField(max_length=500)
    # The bytes live in their own table (`RawMessage`, read and written through `raw`): on
    # SQLite an UPDATE rewrites the whole row, and processing updates every message once.
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    from_address = models.CharField(max_length=320, blank=True, db_index=True)
    from_name = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    body_text = models.TextField(blank=True)
    customer_email = models.CharField(max_length=320, blank=True, db_index=True)
    forwarded_by = models.CharField(max_length=320, blank=True)
    automatic_reason = models.CharField(max_length=200, blank=True)
    ticket = models.ForeignKey(
        "Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="messages"
    )

    class Meta:
        verbose_name = "inbound email"
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["source", "source_key"], name="inbound_source_key"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address or '?'}: {self.subject or '(no subject)'}"

    def save(self, *args, **kwargs) -> None:
        # `raw` is not a column of this table: saved (in the same transaction) to its own.
        adding = self._state.adding
        update_fields = kwargs.get("update_fields")
        raw_named = update_fields is not None and "raw" in update_fields
        if raw_named:
            kwargs["update_fields"] = [f for f in update_fields if f != "raw"]
        with transaction.atomic(using=kwargs.get("using")):
            super().save(*args, **kwargs)
            if self.__dict__.get("_raw_unsaved") and (update_fields is None or raw_named):
                raws_save([self], created=adding)

    def refresh_from_db(self, *args, **kwargs) -> None:
        super().refresh_from_db(*args, **kwargs)
        if not self.__dict__.get("_raw_unsaved"):
            self.__dict__.pop("_raw", None)
            self._state.fields_cache.pop("stored", None)

    @property
    def raw(self) -> bytes:
        """The message exactly as the mailbox gave it (b"" when none was kept). Read on first
        use; `InboundEmail.objects.select_related("stored")` reads it with the rows."""
        if "_raw" not in self.__dict__:
            try:
                self._raw = bytes(self.stored.data)
            except RawMessage.DoesNotExist:
                self._raw = b""
        return self._raw

    @raw.setter
    def raw(self, value: bytes) -> None:
        self._raw = bytes(value)
        self._raw_unsaved = True

    def _raw_saved(self) -> None:
        self.__dict__.pop("_raw_unsaved", None)


class RawMessage(models.Model):
    """The bytes of an `InboundEmail`, apart from the row that processing updates."""

    email = models.OneToOneField(
        InboundEmail, primary_key=True, on_delete=models.CASCADE, related_name="stored"
    )
    data = models.BinaryField()

    class Meta:
        verbose_name = "raw message"

    def __str__(self) -> str:
        return f"{len(self.data):,} bytes of message #{self.email_id}"


def raws_save(emails: list[InboundEmail], *, created: bool = False) -> None:
    """Store (or replace) the bytes of saved messages, in one statement for new ones (`created`:
    all of them are). Used by `InboundEmail.save`, and after a bulk insert, which does not call
    it."""
    existing = (
        set()
        if created
        else set(
            RawMessage.objects.filter(email_id__in=[e.pk for e in emails]).values_list(
                "email_id", flat=True
            )
        )
    )
    RawMessage.objects.bulk_create(
        [RawMessage(email_id=e.pk, data=e.raw) for e in emails if e.pk not in existing]
    )
    for email in emails:
        if email.pk in existing:
            RawMessage.objects.filter(email_id=email.pk).update(data=email.raw)
        email._raw_saved()


class MailboxFolder(models.Model):
    """Where the poller is in one IMAP folder (RFC 3501 section 2.3.1.1): every UID up to
    `last_uid` under `uidvalidity` has been stored or deliberately recorded as seen.

    One row per folder, named like `imap:user@host:port/INBOX`; that name is also the `source` of
    the folder's messages, whose `source_key` is `"{uidvalidity}:{uid}"`. A lease (so that only
    one poller works a folder at a time) would live here too.
    """

    source = models.CharField(max_length=255, unique=True)
    uidvalidity = models.PositiveBigIntegerField(null=True, blank=True)
    last_uid = models.PositiveBigIntegerField(default=0)
    # The first sync turns only mail since this day into work: UIDs up to `backfill_until_uid`
    # with an older INTERNALDATE are recorded as seen, not fetched.
    backfill_since = models.DateField(null=True, blank=True)
    backfill_until_uid = models.PositiveBigIntegerField(default=0)
    # After a UIDVALIDITY change, UIDs up to this one may be mail we already hold under the old
    # UIDs: each is recognised by its Message-ID and content before it is stored again.
    resync_until_uid = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    # Only one poller works a folder at a time, across processes and machines: the holder of an
    # unexpired lease. A poller that dies simply lets its lease run out.
    lease_owner = models.CharField(max_length=200, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "mailbox folder"
        ordering = ["source"]

    def __str__(self) -> str:
        return self.source


class Ticket(models.Model):
    """A conversation with one customer about one thing."""

    class Status(models.TextChoices):
        OPEN = "open", "open"
        AWAITING_APPROVAL = "awaiting_approval", "draft awaiting approval"
        ESCALATED = "escalated", "escalated to a person"
        ANSWERED = "answered", "answered"
        CLOSED = "closed", "closed"

    subject = models.CharField(max_length=998, blank=True)
    customer_email = models.CharField(max_length=320, db_index=True)
    customer_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    category = models.CharField(max_length=32, choices=_choices(Category), blank=True)
    urgency = models.CharField(max_length=16, choices=_choices(Urgency), blank=True)
    tone = models.CharField(max_length=16, choices=_choices(Tone), blank=True)
    risk = models.CharField(max_length=8, choices=_choices(Tier), blank=True, db_index=True)
    risk_reasons = models.JSONField(default=list, blank=True)
    summary = models.CharField(max_length=500, blank=True)
    needs_human = models.BooleanField(default=False)
    human_reason = models.TextField(blank=True)
    # The language the customer writes in (ISO 639-1), as last detected: what a short follow-up
    # ("Danke!") that no detector can read is taken to be written in.
    language = models.CharField(max_length=8, blank=True)
    # Why triage decided as it did, for the admin: who decided ("rules", the learned model's
    # "model v3", or a model backend's name); the rule behind the rules' category and urgency,
    # each prefixed with what it gave ("payment_claimed: PAYMENT_CLAIMED #1", where the model
    # decided: the rules' answer it replaced) and the words it matched; the learned model asked
    # and how sure it was of its category.
    decided_by = models.CharField(max_length=40, blank=True)
    category_rule = models.CharField(max_length=200, blank=True, db_index=True)
    category_rule_words = models.CharField(max_length=200, blank=True)
    urgency_rule = models.CharField(max_length=200, blank=True)
    urgency_rule_words = models.CharField(max_length=200, blank=True)
    model_version = models.PositiveIntegerField(null=True, blank=True)
    model_confidence = models.FloatField(null=True, blank=True)
    customer = models.ForeignKey(
        "Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject or '(no subject)'}"


class Draft(models.Model):
    """A message the agent proposes to send. It leaves only after a person approves it.

    States: pending -> approved -> sending -> sent; pending -> rejected | superseded;
    sending -> failed (refused for good, or retries given up); sending -> deferred (the server
    said "not now": tried again later, same message) -> sending; sending -> delivery_unknown (the
    answer to a complete message never came: a person marks it sent, or sends it again).
    The attempts themselves are counted on the draft's OutboundEmail.
    `version` grows with every edit, so a link issued for an older text stops working.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", "reply to a customer"
        REMINDER = "reminder", "payment reminder"
        PURCHASE_ORDER = "purchase_order", "purchase order to a supplier"

    class Status(models.TextChoices):
        PENDING = "pending", "waiting for approval"
        APPROVED = "approved", "approved, queued to send"
        REJECTED = "rejected", "rejected"
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        DEFERRED = "deferred", "sending deferred, will retry"
        DELIVERY_UNKNOWN = "delivery_unknown", "delivery unknown: a person must check"
        FAILED = "failed", "failed to send"
        SUPERSEDED = "superseded", "superseded by a newer draft"

    # Approved and on its way, or possibly arrived: not to be followed by another draft yet.
    IN_FLIGHT = (Status.SENDING, Status.DEFERRED, Status.DELIVERY_UNKNOWN)

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.REPLY)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="drafts"
    )
    customer = models.ForeignKey(
        "Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="drafts"
    )
    invoices = models.ManyToManyField("Invoice", blank=True, related_name="reminders")
    reminder_stage = models.CharField(max_length=16, blank=True)
    to_addresses = models.JSONField(default=list)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    risk = models.CharField(max_length=8, choices=_choices(Tier), default=Tier.MEDIUM)
    flags = models.JSONField(default=list, blank=True)
    # What a reply was written from, shown on the approval page: its language, the knowledge
    # passages it quotes ({"id", "file", "heading", "text"}), the facts it states by role, the
    # customer's text it answers (so that, once approved, it can serve as an example), and the
    # earlier approved reply whose wording it reuses.
    language = models.CharField(max_length=8, blank=True)
    sources = models.JSONField(default=list, blank=True)
    facts = models.JSONField(default=dict, blank=True)
    question = models.TextField(blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reused_by"
    )
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=320, blank=True)
    reject_reason = models.TextField(blank=True)
    message_id = models.CharField(max_length=998, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Draft #{self.pk} ({self.get_status_display()}): {self.subject}"


class ApprovalLink(models.Model):
    """One magic link emailed to one approver for one version of one draft.

    Only a hash of the token is kept: a copy of the database does not let anyone approve.
    """

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="approval_links")
    draft_version = models.PositiveIntegerField()
    approver = models.CharField(max_length=320)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"link for draft #{self.draft_id} v{self.draft_version} to {self.approver}"


class BatchApprovalLink(models.Model):
    """One "approve all of these" link, from one digest to one approver, covering a list of
    drafts each at the version the approver was shown. Works once; only a hash of its token is
    kept."""

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
        # The table the portal app created when the model lived there: moved in state only.
        db_table = "portal_batchapprovallink"

    def __str__(self) -> str:
        ids = ", ".join(f"#{d}" for d, _ in self.items)
        return f"approve-all link for drafts {ids} to {self.approver}"


class OutboundEmail(models.Model):
    """Every message the agent sent (or tried to), with the exact bytes. Every attempt to deliver
    it sends these bytes, under this Message-ID, so a receiving server or client can tell a
    second copy from a new message.

    States: sending -> sent | failed | deferred | delivery_unknown; deferred -> sending when the
    retry is due (claimed by one worker); delivery_unknown and failed move on only by a person's
    decision (marked sent, or sent again).
    """

    class Kind(models.TextChoices):
        REPLY = "reply", "reply to a customer"
        REMINDER = "reminder", "payment reminder"
        APPROVAL_REQUEST = "approval_request", "approval request to staff"
        ESCALATION = "escalation", "escalation to staff"
        DIGEST = "digest", "daily digest"
        REPORT = "report", "weekly report to staff"
        PURCHASE_ORDER = "purchase_order", "purchase order to a supplier"
        INVENTORY_ALERT = "inventory_alert", "inventory alert to staff"

    class Status(models.TextChoices):
        SENDING = "sending", "sending"
        SENT = "sent", "sent"
        DEFERRED = "deferred", "deferred, will retry"
        DELIVERY_UNKNOWN = "delivery_unknown", "delivery unknown"
        FAILED = "failed", "failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    draft = models.ForeignKey(
        Draft, null=True, blank=True, on_delete=models.PROTECT, related_name="outbound"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound"
    )
    message_id = models.CharField(max_length=998, unique=True)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=998)
    raw = models.BinaryField()
    transport = models.CharField(max_length=200)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.SENDING, db_index=True
    )
    error = models.TextField(blank=True)  # the last attempt's
    # Attempts in the current series: the first send and its automatic retries, or a person's
    # "send again" and its retries. The audit trail keeps every one of them.
    attempts = models.PositiveIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sent email"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {', '.join(self.recipients)}: {self.subject}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Audit events are append-only.")

    def delete(self):
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One step the agent, a person or the system took. Append-only: never changed or deleted."""

    class ActorKind(models.TextChoices):
        AGENT = "agent", "agent"
        PERSON = "person", "person"
        SYSTEM = "system", "system"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor_kind = models.CharField(max_length=8, choices=ActorKind.choices, db_index=True)
    actor = models.CharField(max_length=320)
    action = models.CharField(max_length=64, db_index=True)
    summary = models.CharField(max_length=500, blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    details = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit events are append-only.")


class Customer(models.Model):
    """Someone who owes the business money, as the accounting exports name them."""

    # Exports identify customers by name; the key is that name case-folded with single spaces.
    key = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=255)
    emails = models.JSONField(default=list, blank=True)
    contact_name = models.CharField(max_length=255, blank=True)
    phone = models.CharField(max_length=100, blank=True)
    reminders_paused = models.BooleanField(default=False)
    paused_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomerAlias(models.Model):
    """Another name the exports use for a customer: the name of one merged into it (the CRM
    cleanup). An import that names it files the invoices under the customer it was merged into,
    rather than bringing the merged customer back; undoing the merge removes the alias."""

    key = models.CharField(max_length=255, unique=True)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="aliases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "customer aliases"

    def __str__(self) -> str:
        return f"{self.key} -> {self.customer}"


class Invoice(models.Model):
    """One invoice or credit note, as the latest export that listed it described it."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", "invoice"
        CREDIT = "credit", "credit note"

    class Status(models.TextChoices):
        OPEN = "open", "open"
        PAID = "paid", "paid"
        DISPUTED = "disputed", "disputed"
        VOID = "void", "void"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="invoices")
    number = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.INVOICE)
    currency = models.CharField(max_length=3)
    total = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    balance = models.DecimalField(max_digits=14, decimal_places=2)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    reminders_paused = models.BooleanField(default=False)
    # Which kind of export last described it: an invoice that a newer export of the same kind no
    # longer lists has been paid.
    source_kind = models.CharField(max_length=64, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    collected = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "number"]

    def __str__(self) -> str:
        return f"{self.number} ({self.customer}): {self.currency} {self.balance}"


class ImportRun(models.Model):
    """One accounting export read: what it was, and what it changed."""

    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    kind = models.CharField(max_length=64)
    as_of = models.DateField(null=True, blank=True)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    marked_paid = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=list, blank=True)
    # Open invoices of its kind when it was read, and how many of them it does not list (those
    # are marked paid). An export that would mark too many paid at once is held: nothing of it
    # is applied until a person imports it again with --accept-missing.
    open_before = models.PositiveIntegerField(default=0)
    missing = models.PositiveIntegerField(default=0)
    held = models.BooleanField(default=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} from {self.file_name}" + (" (held)" if self.held else "")


# --- Mailboxes connected with OAuth2 (issue 15) ------------------------------------------------


class MailboxConnection(models.Model):
    """A mailbox that logs in to IMAP and SMTP with OAuth2 (XOAUTH2) instead of a password.

    The client secret and both tokens are stored encrypted (Fernet, keys from
    MAILBOX_TOKEN_KEYS): read and written only through `mailagent.oauth`. `reason` is a plain
    sentence for people, never a token.
    """

    class Provider(models.TextChoices):
        GOOGLE = "google", "Google Workspace / Gmail"
        MICROSOFT = "microsoft", "Microsoft 365 / Outlook"

    class Status(models.TextChoices):
        CONNECTED = "connected", "connected"
        NEEDS_RECONNECT = "needs_reconnect", "needs to be connected again"

    address = models.CharField(max_length=320, unique=True)
    provider = models.CharField(max_length=16, choices=Provider.choices)
    client_id = models.CharField(max_length=255)
    client_secret_encrypted = models.TextField(blank=True)
    # Space-separated, as OAuth2 writes them (RFC 6749 section 3.3): what the provider granted.
    scopes = models.TextField(blank=True)
    access_token_encrypted = models.TextField(blank=True)
    refresh_token_encrypted = models.TextField(blank=True)
    access_token_expires_at = models.DateTimeField(null=True, blank=True)
    last_refreshed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.CONNECTED, db_index=True
    )
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "mailbox connection"
        ordering = ["address"]

    def __str__(self) -> str:
        return f"{self.address} ({self.provider})"


class OAuthAuthorization(models.Model):
    """A browser consent a staff user started and the provider has not yet sent back.

    Single-use and short-lived: the callback deletes the row as it reads it. Only a SHA-256 of the
    state is kept, so a copy of the database cannot complete someone's consent; the PKCE verifier
    and the client secret are encrypted like the tokens.
    """

    state_hash = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="+")
    provider = models.CharField(max_length=16, choices=MailboxConnection.Provider.choices)
    address = models.CharField(max_length=320)
    client_id = models.CharField(max_length=255)
    client_secret_encrypted = models.TextField(blank=True)
    code_verifier_encrypted = models.TextField()
    redirect_uri = models.CharField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "OAuth consent in progress"

    def __str__(self) -> str:
        return f"{self.address} ({self.provider}), started {self.created_at:%Y-%m-%d %H:%M}"
