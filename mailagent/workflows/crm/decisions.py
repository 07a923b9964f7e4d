"""A person's decisions on the CRM cleanup's suggestions: accept (the change is made, and kept so
that it can be undone), reject, undo. Each in one transaction, audited with who and when.

A merge moves the absorbed customer's invoices, tickets and reminder drafts to the surviving
one, adds its addresses and fills what the survivor lacks, keeps its audit trail reachable from
the survivor (events are append-only: they stay on the absorbed record's id, which the merge
keeps), and deletes the absorbed record. Undo puts every one of those back as it was.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from mailagent.models import Customer, CustomerAlias, Draft, Invoice, Ticket
from mailagent.parsing.accounting import customer_key
from mailagent.services.audit import audit_record
from mailagent.workflows.crm.matching import address_key
from mailagent.workflows.crm.models import CrmSuggestion
from mailagent.workflows.models import WorkflowRun

Kind, Status = CrmSuggestion.Kind, CrmSuggestion.Status
_CUSTOMER_FIELDS = ("key", "name", "emails", "contact_name", "phone", "reminders_paused")
_KEPT = (*_CUSTOMER_FIELDS, "paused_reason", "created_at", "updated_at")


class NotPending(Exception):
    """The suggestion was decided already (a second click) or no longer applies."""


class CannotUndo(Exception):
    """What an accepted suggestion changed has changed again since: undoing would not restore."""


def suggestions_record(*, run: WorkflowRun, suggested: list[dict[str, Any]]) -> dict[str, Any]:
    """Keep the new suggestions for people to decide; those made before are left as they are."""
    known = set(
        CrmSuggestion.objects.filter(
            fingerprint__in=[s["fingerprint"] for s in suggested]
        ).values_list("fingerprint", flat=True)
    )
    new = [s for s in suggested if s["fingerprint"] not in known]
    CrmSuggestion.objects.bulk_create(
        [
            CrmSuggestion(
                run=run,
                kind=s["kind"],
                fingerprint=s["fingerprint"],
                title=s["title"][:500],
                evidence=s["evidence"],
                payload=s["payload"],
            )
            for s in new
        ]
    )
    return {"new": len(new), "already_suggested": len(suggested) - len(new)}


def _snapshot(customer: Customer) -> dict[str, Any]:
    values = {name: getattr(customer, name) for name in _KEPT}
    values["created_at"] = customer.created_at.isoformat()
    values["updated_at"] = customer.updated_at.isoformat()
    return {"id": customer.pk, **values}


def _restore(snapshot: dict[str, Any], customer: Customer | None = None) -> Customer:
    values = {k: v for k, v in snapshot.items() if k != "id"}
    if customer is None:
        customer = Customer.objects.create(pk=snapshot["id"], **values)
    else:
        Customer.objects.filter(pk=customer.pk).update(**values)
    # `update` leaves auto_now alone: the timestamps come back as they were.
    Customer.objects.filter(pk=snapshot["id"]).update(
        created_at=snapshot["created_at"], updated_at=snapshot["updated_at"]
    )
    return Customer.objects.get(pk=snapshot["id"])


def _merge(p: dict[str, Any]) -> dict[str, Any]:
    ids = sorted((p["survivor_id"], p["absorbed_id"]))
    found = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=ids)}
    if len(found) != 2:
        raise NotPending("One of the two customers is no longer in the records.")
    keep, absorb = found[p["survivor_id"]], found[p["absorbed_id"]]
    applied = {
        "survivor": _snapshot(keep),
        "absorbed": _snapshot(absorb),
        "invoices": sorted(absorb.invoices.values_list("pk", flat=True)),
        "tickets": sorted(absorb.tickets.values_list("pk", flat=True)),
        "drafts": sorted(absorb.drafts.values_list("pk", flat=True)),
    }
    Invoice.objects.filter(pk__in=applied["invoices"]).update(customer=keep)
    Ticket.objects.filter(pk__in=applied["tickets"]).update(customer=keep)
    Draft.objects.filter(pk__in=applied["drafts"]).update(customer=keep)
    keep.emails = keep.emails + [e for e in absorb.emails if e not in keep.emails]
    keep.contact_name = keep.contact_name or absorb.contact_name
    keep.phone = keep.phone or absorb.phone
    if absorb.reminders_paused and not keep.reminders_paused:
        keep.reminders_paused, keep.paused_reason = True, absorb.paused_reason
    keep.save()
    absorb.delete()
    # The exports may go on naming the absorbed customer: their invoices come to the survivor.
    CustomerAlias.objects.update_or_create(
        key=applied["absorbed"]["key"], defaults={"customer": keep}
    )
    return applied


def _merge_undo(applied: dict[str, Any]) -> None:
    keep_id, absorbed = applied["survivor"]["id"], applied["absorbed"]
    keep = Customer.objects.select_for_update().filter(pk=keep_id).first()
    if keep is None:
        raise CannotUndo("The surviving customer is no longer in the records.")
    taken = Customer.objects.filter(pk=absorbed["id"]) | Customer.objects.filter(
        key=absorbed["key"]
    )
    if taken.exists():
        raise CannotUndo(
            f"A customer named {absorbed['name']!r} is in the records again (a newer import?)."
        )
    for model, name in ((Invoice, "invoices"), (Ticket, "tickets"), (Draft, "drafts")):
        moved = model.objects.filter(pk__in=applied[name])
        if moved.exclude(customer_id=keep_id).exists() or moved.count() != len(applied[name]):
            raise CannotUndo(f"Some of the {name} it moved have moved again or are gone.")
    CustomerAlias.objects.filter(key=absorbed["key"], customer_id=keep_id).delete()
    customer = _restore(absorbed)
    Invoice.objects.filter(pk__in=applied["invoices"]).update(customer=customer)
    Ticket.objects.filter(pk__in=applied["tickets"]).update(customer=customer)
    Draft.objects.filter(pk__in=applied["drafts"]).update(customer=customer)
    _restore(applied["survivor"], keep)


def _customer(p: dict[str, Any]) -> Customer:
    customer = Customer.objects.select_for_update().filter(pk=p["customer_id"]).first()
    if customer is None:
        raise NotPending("The customer is no longer in the records.")
    return customer


def _email_change(p: dict[str, Any], *, add: bool) -> dict[str, Any]:
    customer = _customer(p)
    before = _snapshot(customer)
    key = address_key(p["email"])
    present = [e for e in customer.emails if address_key(e) == key]
    if add == bool(present):
        raise NotPending(f"{customer.name}'s addresses already say so.")
    customer.emails = (
        [*customer.emails, p["email"]] if add else [e for e in customer.emails if e not in present]
    )
    customer.save(update_fields=["emails", "updated_at"])
    return {"customer": before}


def _link_sender(p: dict[str, Any]) -> dict[str, Any]:
    applied = _email_change(p, add=True)
    tickets = Ticket.objects.filter(pk__in=p["ticket_ids"], customer__isnull=True)
    applied["tickets"] = sorted(tickets.values_list("pk", flat=True))
    tickets.update(customer_id=p["customer_id"])
    return applied


def _new_customer(p: dict[str, Any]) -> dict[str, Any]:
    name = p["name"] or p["email"]
    if Customer.objects.filter(key=customer_key(name)).exists():
        raise NotPending(f"A customer named {name!r} is in the records already.")
    customer = Customer.objects.create(key=customer_key(name), name=name, emails=[p["email"]])
    tickets = Ticket.objects.filter(pk__in=p["ticket_ids"], customer__isnull=True)
    applied = {"created": customer.pk, "tickets": sorted(tickets.values_list("pk", flat=True))}
    tickets.update(customer=customer)
    return applied


def _apply(suggestion: CrmSuggestion) -> dict[str, Any]:
    p = suggestion.payload
    if suggestion.kind == Kind.MERGE:
        return _merge(p)
    if suggestion.kind in (Kind.ADD_EMAIL, Kind.REMOVE_BOUNCED):
        return _email_change(p, add=suggestion.kind == Kind.ADD_EMAIL)
    if suggestion.kind == Kind.LINK_SENDER:
        return _link_sender(p)
    if suggestion.kind == Kind.NEW_CUSTOMER:
        return _new_customer(p)
    return {}  # a follow-up: a person took it on; nothing in the records changes


def _pending(suggestion_id: int) -> CrmSuggestion:
    suggestion = CrmSuggestion.objects.select_for_update().get(pk=suggestion_id)
    if suggestion.status != Status.PENDING:
        raise NotPending(f"This suggestion is {suggestion.get_status_display()} already.")
    return suggestion


@transaction.atomic
def suggestion_accept(*, suggestion_id: int, person: str) -> CrmSuggestion:
    suggestion = _pending(suggestion_id)
    try:
        with transaction.atomic():
            applied = _apply(suggestion)
    except NotPending as exc:
        suggestion.status, suggestion.applied = Status.STALE, {"why": str(exc)}
        suggestion.decided_by, suggestion.decided_at = person, timezone.now()
        suggestion.save()
        audit_record(action="crm.stale", obj=suggestion, actor=person, summary=str(exc))
        raise
    suggestion.status, suggestion.applied = Status.ACCEPTED, applied
    suggestion.decided_by, suggestion.decided_at = person, timezone.now()
    suggestion.save()
    audit_record(
        action="crm.accepted", obj=suggestion, actor=person, summary=suggestion.title, **applied
    )
    if suggestion.kind == Kind.MERGE:
        survivor = Customer.objects.get(pk=suggestion.payload["survivor_id"])
        audit_record(
            action="customer.merged",
            obj=survivor,
            actor=person,
            summary=f"{applied['absorbed']['name']} merged into {survivor.name}: "
            f"{len(applied['invoices'])} invoices, {len(applied['tickets'])} tickets, "
            f"{len(applied['drafts'])} drafts moved",
            suggestion=suggestion.pk,
            absorbed_id=applied["absorbed"]["id"],
        )
    return suggestion


@transaction.atomic
def suggestion_reject(*, suggestion_id: int, person: str) -> CrmSuggestion:
    suggestion = _pending(suggestion_id)
    suggestion.status = Status.REJECTED
    suggestion.decided_by, suggestion.decided_at = person, timezone.now()
    suggestion.save()
    audit_record(action="crm.rejected", obj=suggestion, actor=person, summary=suggestion.title)
    return suggestion


@transaction.atomic
def suggestion_undo(*, suggestion_id: int, person: str) -> CrmSuggestion:
    """Put back exactly what an accepted suggestion changed. Raises `CannotUndo` when that has
    changed again since (then nothing is touched)."""
    suggestion = CrmSuggestion.objects.select_for_update().get(pk=suggestion_id)
    if suggestion.status != Status.ACCEPTED:
        raise CannotUndo(
            f"Only an accepted suggestion can be undone; this one is {suggestion.status}."
        )
    applied = suggestion.applied
    if suggestion.kind == Kind.MERGE:
        _merge_undo(applied)
    elif "customer" in applied:
        customer = Customer.objects.select_for_update().filter(pk=applied["customer"]["id"]).first()
        if customer is None:
            raise CannotUndo("The customer is no longer in the records.")
        Ticket.objects.filter(pk__in=applied.get("tickets", [])).update(customer=None)
        _restore(applied["customer"], customer)
    elif "created" in applied:
        created = Customer.objects.filter(pk=applied["created"]).first()
        if created is not None and created.invoices.exists():
            raise CannotUndo(f"{created.name} has invoices now: delete it by hand if need be.")
        Ticket.objects.filter(pk__in=applied["tickets"]).update(customer=None)
        if created is not None:
            created.delete()
    if suggestion.kind == Kind.MERGE:
        audit_record(
            action="customer.merge_undone",
            obj=Customer.objects.get(pk=applied["absorbed"]["id"]),
            actor=person,
            summary=f"{applied['absorbed']['name']} is apart from "
            f"{applied['survivor']['name']} again, with everything it had",
            suggestion=suggestion.pk,
        )
    suggestion.status = Status.UNDONE
    suggestion.undone_by, suggestion.undone_at = person, timezone.now()
    suggestion.save()
    audit_record(action="crm.undone", obj=suggestion, actor=person, summary=suggestion.title)
    return suggestion


def merged_into(customer: Customer) -> list[int]:
    """The ids of the customers merged into this one (and into those), for its history."""
    ids, frontier = [], [customer.pk]
    while frontier:
        absorbed = [
            s.payload["absorbed_id"]
            for s in CrmSuggestion.objects.filter(kind=Kind.MERGE, status=Status.ACCEPTED)
            if s.payload.get("survivor_id") in frontier
        ]
        frontier = [i for i in absorbed if i not in ids]
        ids += frontier
    return ids
