"""CRM cleanup: suggested merges and fixes of the customers and contacts; every change waits for a
person.

- trigger: weekly (`registry.WORKFLOWS`), and `python manage.py shadow --workflow crm_cleanup`
  (what it would suggest; nothing kept, nothing changed);
- context: the customers and contacts of the accounting exports, the senders of tickets, and
  the mail that bounced (`sources`);
- action: likely duplicates, contacts with no address, customers who owe overdue invoices and
  cannot be reached, addresses that bounced, senders who are not customers yet, each with its
  evidence (`checks`, `matching`);
- tools: one, `suggest` (low risk): the suggestions kept for the portal's page /crm/. Merging
  and fixing are a person's click there (`decisions`), and can be undone from the admin;
- approval and audit: the shared runner (`mailagent.workflows.runner`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.utils import timezone

from mailagent.workflows.shape import Decision, Outcome, Planned

NAME = "crm_cleanup"


def _suggest(planned: Planned, *, run: Any, decision: Decision) -> dict[str, Any]:
    from mailagent.workflows.crm.decisions import suggestions_record

    return suggestions_record(run=run, suggested=list(planned.payload["suggestions"]))


TOOLS = {"suggest": _suggest}


def scheduled() -> int | None:
    """The schedule's entry (a public dotted path: rename with care)."""
    from mailagent.workflows.runner import workflow_scheduled

    return workflow_scheduled(name=NAME)


def options_for(*, now: datetime) -> dict[str, Any]:
    return {"today": timezone.localdate(now).isoformat()}


def shadow_options(*, today: date, last: int) -> list[dict[str, Any]]:
    """Today's records: a cleanup looks at what is there now, not at past weeks."""
    return [{"today": today.isoformat()}]


def gather(*, now: datetime, options: Mapping[str, Any]) -> Outcome:
    from mailagent.workflows.crm.checks import suggestions_for
    from mailagent.workflows.crm.sources import bounces_read, customers_read, senders_read

    today = date.fromisoformat(str(options["today"]))
    customers = customers_read(today=today)
    senders = senders_read(customers)
    bounced = bounces_read()
    suggested = [
        s.as_json() for s in suggestions_for(customers=customers, senders=senders, bounced=bounced)
    ]
    counts: dict[str, int] = {}
    for s in suggested:
        counts[s["kind"]] = counts.get(s["kind"], 0) + 1
    summary = f"{len(suggested)} suggestion{'s' if len(suggested) != 1 else ''}" + (
        " (" + ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items()) + ")"
        if counts
        else ""
    )
    return Outcome(
        key=today.isoformat(),
        summary=summary,
        inputs={
            "today": today.isoformat(),
            "customers": len(customers),
            "senders_not_customers": len(senders),
            "bounced_addresses": sorted(b.address for b in bounced.values()),
        },
        outputs={"counts": counts, "suggestions": suggested},
        planned=[
            Planned(
                "suggest",
                f"keep {summary} for a person to decide on /crm/",
                {"suggestions": suggested},
            )
        ]
        if suggested
        else [],
    )


def shadow_files(run: Any, *, folder: Path) -> list[Path]:
    """The suggestions it would have made, one line each with its evidence, as a text file."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crm_cleanup-{run.key}-run{run.pk}.txt"
    lines = [f"CRM cleanup {run.key} (shadow): {run.summary}", ""]
    for s in run.outputs.get("suggestions", []):
        lines.append(f"- [{s['kind']}] {s['title']}")
        lines += [f"    {e}" for e in s["evidence"]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path]
