"""The admin is the audit trail: what came in, what the agent decided, what people did, what left.

Audit events, sent mail, approval links and raw messages are read-only for everyone: no add,
change or delete, and no bulk delete.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from mailagent.amounts import money
from mailagent.models import (
    ApprovalLink,
    AuditEvent,
    Customer,
    Draft,
    ImportRun,
    InboundEmail,
    Invoice,
    MailboxFolder,
    OutboundEmail,
    Ticket,
)
from mailagent.oauth import admin as _mailbox_connections  # noqa: F401 (registers its admin)
from mailagent.services.audit import audit_record, events_for
from mailagent.services.corrections import (
    Corrected,
    InvalidCorrection,
    Value,
    correction_posted,
    ticket_correct,
    value_label,
)
from mailagent.services.processing.decide import TRIAGE_REASONS
from mailagent.types import Category, Urgency


def _actor(request: HttpRequest) -> str:
    return request.user.email or request.user.get_username()


def admin_link(obj, label: str | None = None) -> str:
    if obj is None:
        return "-"
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


class AuditStyles:
    """The admin's own few styles (wrapped <pre> for raw mail and diffs) come as a stylesheet: the
    Content-Security-Policy refuses inline style attributes."""

    css = {"all": ["mailagent/admin.css"]}


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, searched and filtered; never added to, changed or deleted."""

    Media = AuditStyles

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyInline(admin.TabularInline):
    """Related rows listed with a link to each; added and removed only by the agent."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _events_table(obj, *, also=None) -> str:
    """The object's history, oldest first; an edit shows its diff. `also`: more events to show
    with it (those of customers merged into it)."""
    rows = events_for(obj)
    if also is not None:
        rows = (rows | also).order_by("created_at", "id")
    if not rows:
        return "-"
    return format_html(
        "<table>{}</table>",
        format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td><b>{}</b></td><td>{}{}</td></tr>",
            (
                (
                    f"{e.created_at:%Y-%m-%d %H:%M:%S}",
                    e.actor,
                    e.action,
                    e.summary,
                    format_html('<pre class="wrapped">{}</pre>', e.details["diff"])
                    if e.details.get("diff")
                    else "",
                )
                for e in rows
            ),
        ),
    )


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "from_address", "subject", "status", "ticket_link", "size")
    list_filter = ("status", "source", "received_at")
    search_fields = ("from_address", "customer_email", "subject", "message_id", "source_key")
    date_hierarchy = "received_at"
    exclude = ("raw",)
    readonly_fields = ("ticket_link", "raw_preview", "history")
    actions = ["reprocess"]

    @admin.action(description="Re-process the selected quarantined messages")
    def reprocess(self, request: HttpRequest, queryset) -> None:
        from mailagent.services.processing import email_reprocess

        outcomes = [
            email_reprocess(email_id=pk, actor=_actor(request))
            for pk in queryset.filter(status=InboundEmail.Status.QUARANTINED).values_list(
                "pk", flat=True
            )
        ]
        done = sum(1 for o in outcomes if o.status != InboundEmail.Status.QUARANTINED)
        still = len(outcomes) - done
        for outcome in outcomes:
            if outcome.detail.startswith("only its headers"):
                self.message_user(
                    request, f"Message #{outcome.email_id}: {outcome.detail}", messages.WARNING
                )
        self.message_user(
            request,
            f"{done} message(s) processed again; {still} still quarantined"
            + (" (see the error on each)" if still else "")
            + (
                f"; {queryset.count() - len(outcomes)} were not quarantined"
                if queryset.count() > len(outcomes)
                else ""
            ),
            messages.SUCCESS if not still else messages.WARNING,
        )

    @admin.display(description="ticket")
    def ticket_link(self, obj: InboundEmail) -> str:
        return admin_link(obj.ticket)

    @admin.display(description="raw message (first 20 kB)")
    def raw_preview(self, obj: InboundEmail) -> str:
        text = bytes(obj.raw[:20_000]).decode("utf-8", "replace")
        return format_html('<pre class="wrapped">{}</pre>', text)

    @admin.display(description="history")
    def history(self, obj: InboundEmail) -> str:
        return _events_table(obj)


class MessageInline(ReadOnlyInline):
    model = InboundEmail
    fields = ("received_at", "from_address", "subject", "status")
    readonly_fields = fields


class DraftInline(ReadOnlyInline):
    model = Draft
    fields = ("created_at", "kind", "subject", "status", "decided_by")
    readonly_fields = fields


@admin.register(MailboxFolder)
class MailboxFolderAdmin(ReadOnlyAdmin):
    """Where the poller is in each IMAP folder; its first sync, UIDVALIDITY changes, moves."""

    list_display = ("source", "uidvalidity", "last_uid", "backfill_since", "last_synced_at")
    search_fields = ("source",)
    readonly_fields = ("history",)

    @admin.display(description="history")
    def history(self, obj: MailboxFolder) -> str:
        return _events_table(obj)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    Media = AuditStyles
    list_display = (
        "id",
        "created_at",
        "customer_email",
        "subject",
        "category",
        "risk",
        "status",
        "needs_human",
    )
    list_filter = (
        "status",
        "category",
        "risk",
        "urgency",
        "needs_human",
        "decided_by",
        "created_at",
    )
    search_fields = ("customer_email", "customer_name", "subject", "summary", "category_rule")
    date_hierarchy = "created_at"
    readonly_fields = (
        "customer_email",
        "category",
        "urgency",
        "tone",
        "risk",
        "risk_reasons",
        "why_triaged",
        *TRIAGE_REASONS,
        "summary",
        "human_reason",
        "created_at",
        "updated_at",
        "history",
    )

    @admin.display(description="Why this triage")
    def why_triaged(self, obj: Ticket) -> str:
        """Who decided the category and urgency, and by which rule or how sure the model was:
        'the rules: PAYMENT_CLAIMED #1 ("We have already paid")'."""
        if not obj.decided_by:
            return "not recorded (triaged before the rule was kept)"
        parts = []
        if obj.decided_by.startswith("model"):
            sure = f", {obj.model_confidence:.0%} sure" if obj.model_confidence is not None else ""
            parts.append(f"{obj.decided_by}{sure}, over the rules' {obj.category_rule or 'answer'}")
        else:
            rule = obj.category_rule or "no rule named"
            words = f' ("{obj.category_rule_words}")' if obj.category_rule_words else ""
            parts.append(f"the rules: {rule}{words}")
            if obj.model_version is not None and obj.model_confidence is not None:
                parts.append(
                    f"model v{obj.model_version} was asked ({obj.model_confidence:.0%} sure) "
                    "and changed nothing"
                )
        if obj.urgency_rule:
            parts.append(f"urgency: {obj.urgency_rule}")
        return "; ".join(parts)

    inlines = [MessageInline, DraftInline]

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    change_form_template = "admin/mailagent/ticket/change_form.html"

    def get_urls(self) -> list:
        correct = self.admin_site.admin_view(self.correct_view)
        return [
            path("<path:object_id>/correct/", correct, name="mailagent_ticket_correct"),
            *super().get_urls(),
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        ticket = self.get_object(request, object_id)
        extra = {"corrections": None}
        if ticket is not None and self.has_change_permission(request, ticket):
            extra["corrections"] = {
                "url": reverse("admin:mailagent_ticket_correct", args=[ticket.pk]),
                "category": [(c.value, value_label(c.value)) for c in Category],
                "urgency": [(u.value, value_label(u.value)) for u in Urgency],
            }
        return super().change_view(request, object_id, form_url, extra | (extra_context or {}))

    def correct_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """One click on a correction button of the ticket's page (POST, staff who may change
        tickets), through the same service as the approval page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        ticket = self.get_object(request, object_id)
        if ticket is None:
            raise Http404
        if not self.has_change_permission(request, ticket):
            raise PermissionDenied
        posted = request.POST
        try:
            field, value, seen = correction_posted(
                field=posted.get("field", ""),
                value=posted.get("value", ""),
                seen=posted.get("seen", ""),
            )
        except InvalidCorrection as exc:
            self.message_user(request, f"Nothing changed: {exc}.", messages.ERROR)
        else:
            self._correct(request, ticket.pk, field, value, seen=seen)
        return redirect("admin:mailagent_ticket_change", ticket.pk)

    def _correct(
        self,
        request: HttpRequest,
        ticket_id: int,
        field: Corrected,
        value: Value,
        *,
        seen: Value | None = None,
    ) -> None:
        done = ticket_correct(
            ticket_id=ticket_id,
            field=field,
            value=value,
            actor=_actor(request),
            seen=seen,
            via="admin",
        )
        if not done.changed:
            self.message_user(request, f"Nothing changed: {done.unchanged}.", messages.WARNING)
            return
        handed_over = (
            f"; it waits for a person, {len(done.withdrawn)} pending draft(s) withdrawn"
            if done.escalated
            else ""
        )
        self.message_user(
            request,
            f"The {field.label} is now {value_label(value)} (was {value_label(done.before)})"
            + handed_over,
            messages.SUCCESS,
        )

    def save_model(self, request, obj: Ticket, form, change: bool) -> None:
        # "Needs a person" is a correction like the buttons': through the service, under the
        # policy (ticking it hands the message to a person), audited as `ticket.corrected`.
        corrected = change and "needs_human" in form.changed_data
        if corrected:
            obj.needs_human = form.initial.get("needs_human", False)
        super().save_model(request, obj, form, change)
        changed = [f for f in form.changed_data if not (corrected and f == "needs_human")]
        if changed:
            audit_record(
                action="ticket.changed",
                obj=obj,
                actor=_actor(request),
                summary=f"Changed in the admin: {', '.join(changed)}",
                changed={f: str(form.cleaned_data.get(f)) for f in changed},
            )
        if corrected:
            self._correct(request, obj.pk, Corrected.NEEDS_HUMAN, form.cleaned_data["needs_human"])
            obj.refresh_from_db()

    @admin.display(description="history")
    def history(self, obj: Ticket) -> str:
        return _events_table(obj)


class DeliveryActions:
    """A person resolves a send whose delivery is unknown: they checked it arrived ("mark as
    delivered"), or they decide to send it again, confirmed on a page of its own. Both audited
    with their name; sending again reuses the message's bytes and Message-ID."""

    # How the selected rows lead to their outbound mail: "" when they are that mail, else the
    # field of OutboundEmail that points at them.
    outbound_via = ""

    def outbound_for(self, queryset, statuses: tuple[str, ...]):
        """The outbound mail of the selected rows that is in one of these states."""
        rows = {f"{self.outbound_via}__in": queryset} if self.outbound_via else {"pk__in": queryset}
        return OutboundEmail.objects.filter(**rows, status__in=statuses)

    @admin.action(description="Mark as delivered (you checked that it arrived)")
    def mark_delivered(self, request: HttpRequest, queryset) -> None:
        from mailagent.services.delivery import outbound_mark_delivered

        status = OutboundEmail.Status
        rows = list(self.outbound_for(queryset, (status.DELIVERY_UNKNOWN,)))
        for outbound in rows:
            outbound_mark_delivered(outbound_id=outbound.pk, actor=_actor(request))
        skipped = queryset.count() - len(rows)
        self.message_user(
            request,
            f"{len(rows)} marked as delivered"
            + (f"; {skipped} skipped (their delivery was not unknown)" if skipped else ""),
            messages.SUCCESS if rows else messages.WARNING,
        )

    @admin.action(description="Send again, same Message-ID (delivery unknown or failed)")
    def send_again(self, request: HttpRequest, queryset):
        from mailagent.services.delivery import outbound_send_again

        status = OutboundEmail.Status
        rows = list(self.outbound_for(queryset, (status.DELIVERY_UNKNOWN, status.FAILED)))
        if not rows:
            self.message_user(
                request,
                "Nothing to send again: only a delivery unknown or a failed send.",
                messages.WARNING,
            )
            return None
        if request.POST.get("confirm") != "yes":
            return TemplateResponse(
                request,
                "admin/mailagent/send_again_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Send again?",
                    "messages_to_send": rows,
                    "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
                },
            )
        results = [
            outbound_send_again(outbound_id=o.pk, actor=_actor(request)).status for o in rows
        ]
        self.message_user(
            request,
            f"Sent again: {results.count(status.SENT)} delivered, "
            f"{len(results) - results.count(status.SENT)} not (see each one's status)",
            messages.SUCCESS if results.count(status.SENT) == len(results) else messages.WARNING,
        )
        return None


@admin.register(Draft)
class DraftAdmin(DeliveryActions, ReadOnlyAdmin):
    outbound_via = "draft"
    list_display = (
        "id",
        "created_at",
        "kind",
        "subject",
        "recipients",
        "risk",
        "status",
        "decided_by",
    )
    list_filter = ("status", "kind", "risk", "language", "created_at")
    search_fields = ("subject", "body", "to_addresses", "message_id", "decided_by")
    date_hierarchy = "created_at"
    readonly_fields = ("ticket_link", "delivery", "history")
    actions = ["resend_approval_link", "mark_delivered", "send_again"]

    @admin.display(description="delivery")
    def delivery(self, obj: Draft) -> str:
        rows = obj.outbound.order_by("id")
        if not rows:
            return "-"
        return format_html_join(
            "",
            "<p>{} · {} attempt(s){}{}</p>",
            (
                (
                    admin_link(o, o.get_status_display()),
                    o.attempts,
                    f" · next {o.next_attempt_at:%Y-%m-%d %H:%M}" if o.next_attempt_at else "",
                    f" · {o.error}" if o.error else "",
                )
                for o in rows
            ),
        )

    @admin.action(description="Email a fresh approval link for the selected pending drafts")
    def resend_approval_link(self, request: HttpRequest, queryset) -> None:
        from mailagent.services.approvals import approval_requests_send

        pending = list(queryset.filter(status=Draft.Status.PENDING).select_related("ticket"))
        links = approval_requests_send(drafts=pending) if pending else []
        sent_to = sorted({link.approver for link in links})
        self.message_user(
            request,
            f"Fresh links for {len(pending)} draft(s) sent to {', '.join(sent_to) or 'nobody'}"
            + (
                f"; {queryset.count() - len(pending)} not pending, skipped"
                if queryset.count() > len(pending)
                else ""
            ),
            messages.SUCCESS if links or not pending else messages.ERROR,
        )

    @admin.display(description="to")
    def recipients(self, obj: Draft) -> str:
        return ", ".join(obj.to_addresses)

    @admin.display(description="ticket")
    def ticket_link(self, obj: Draft) -> str:
        return admin_link(obj.ticket)

    @admin.display(description="history (created, edited, approved, sent)")
    def history(self, obj: Draft) -> str:
        return _events_table(obj)


@admin.register(ApprovalLink)
class ApprovalLinkAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "draft", "draft_version", "approver", "expires_at", "used_at")
    list_filter = ("approver", "created_at")
    search_fields = ("approver",)
    exclude = ("token_hash",)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(DeliveryActions, ReadOnlyAdmin):
    list_display = ("created_at", "kind", "subject", "to", "status", "attempts", "transport")
    list_filter = ("kind", "status", "created_at")
    search_fields = ("subject", "message_id", "recipients")
    date_hierarchy = "created_at"
    exclude = ("raw",)
    readonly_fields = ("raw_text", "history")
    actions = ["mark_delivered", "send_again"]

    @admin.display(description="history")
    def history(self, obj: OutboundEmail) -> str:
        return _events_table(obj.draft if obj.draft_id else obj)

    @admin.display(description="to")
    def to(self, obj: OutboundEmail) -> str:
        return ", ".join(obj.recipients)

    @admin.display(description="message as sent")
    def raw_text(self, obj: OutboundEmail) -> str:
        return format_html(
            '<pre class="wrapped">{}</pre>', bytes(obj.raw).decode("utf-8", "replace")
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "summary", "target_link", "ticket_link")
    list_filter = ("actor_kind", "action", "created_at")
    search_fields = ("actor", "action", "summary")
    date_hierarchy = "created_at"
    readonly_fields = ("target_link", "ticket_link")

    @admin.display(description="about")
    def target_link(self, obj: AuditEvent) -> str:
        return admin_link(obj.target) if obj.target_id else "-"

    @admin.display(description="ticket")
    def ticket_link(self, obj: AuditEvent) -> str:
        return admin_link(obj.ticket)


class PauseActions:
    """Pause or resume reminders, audited with who did it."""

    actions = ["pause_reminders", "resume_reminders"]

    def _set(self, request: HttpRequest, queryset, paused: bool) -> None:
        from mailagent.services.reminders import reminders_pause_set

        changed = sum(
            reminders_pause_set(obj=obj, paused=paused, actor=_actor(request)) for obj in queryset
        )
        self.message_user(
            request,
            f"Reminders {'paused' if paused else 'resumed'} for {changed} of {len(queryset)}.",
        )

    @admin.action(description="Pause reminders")
    def pause_reminders(self, request: HttpRequest, queryset) -> None:
        self._set(request, queryset, True)

    @admin.action(description="Resume reminders")
    def resume_reminders(self, request: HttpRequest, queryset) -> None:
        self._set(request, queryset, False)


class InvoiceInline(ReadOnlyInline):
    model = Invoice
    fields = ("number", "kind", "currency", "balance", "due_date", "status", "reminders_paused")
    readonly_fields = fields


@admin.register(Customer)
class CustomerAdmin(PauseActions, ReadOnlyAdmin):
    list_display = ("name", "email_list", "open_balance", "reminders_paused", "paused_reason")
    list_filter = ("reminders_paused",)
    search_fields = ("name", "emails", "contact_name", "invoices__number")
    readonly_fields = ("history",)
    inlines = [InvoiceInline]

    @admin.display(description="emails")
    def email_list(self, obj: Customer) -> str:
        return ", ".join(obj.emails) or "(none)"

    @admin.display(description="open balance")
    def open_balance(self, obj: Customer) -> str:
        totals: dict[str, object] = {}
        for inv in obj.invoices.filter(status=Invoice.Status.OPEN):
            totals[inv.currency] = totals.get(inv.currency, 0) + inv.balance
        return ", ".join(money(v, c) for c, v in sorted(totals.items())) or "-"

    @admin.display(description="history")
    def history(self, obj: Customer) -> str:
        """Its own events, and those of the customers merged into it (the CRM cleanup): their
        events stay on the absorbed record's id, as the audit trail is never rewritten."""
        from mailagent.workflows.crm.decisions import merged_into

        absorbed = merged_into(obj)
        also = (
            AuditEvent.objects.filter(
                target_type=ContentType.objects.get_for_model(Customer), target_id__in=absorbed
            )
            if absorbed
            else None
        )
        return _events_table(obj, also=also)


@admin.register(Invoice)
class InvoiceAdmin(PauseActions, ReadOnlyAdmin):
    list_display = (
        "number",
        "customer",
        "kind",
        "currency",
        "balance",
        "due_date",
        "status",
        "reminders_paused",
        "paid_on",
    )
    list_filter = ("status", "kind", "reminders_paused", "currency", "due_date")
    search_fields = ("number", "customer__name", "customer__emails")
    date_hierarchy = "due_date"
    readonly_fields = ("history",)

    @admin.display(description="history")
    def history(self, obj: Invoice) -> str:
        return _events_table(obj)


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "created_at",
        "file_name",
        "kind",
        "as_of",
        "created",
        "updated",
        "marked_paid",
        "skipped_count",
        "held",
    )
    list_filter = ("held", "kind", "created_at")
    search_fields = ("file_name",)

    @admin.display(description="skipped")
    def skipped_count(self, obj: ImportRun) -> int:
        return len(obj.skipped)
