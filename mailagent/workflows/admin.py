"""Workflow runs in the admin: read-only, each with what it read, what it concluded and what it
did, shown as tables a person can read rather than as raw JSON."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from mailagent.services.audit import events_for
from mailagent.workflows.models import WorkflowRun

_DEPTH = 4  # deeper than this, a value is shown as its text
_COLUMNS = 6  # a list of wider records is shown one folded record each


def _scalar(value: Any) -> SafeString:
    if value is None or value == "":
        return format_html('<span class="run-muted">{}</span>', "-")
    if isinstance(value, bool):
        return format_html("{}", "yes" if value else "no")
    return format_html("{}", value)


def data_html(value: Any, depth: int = 0) -> SafeString:
    """A JSON value as nested tables: a dict as name | value rows, a list of dicts as a table
    with a column per key, any other list as bullets."""
    if depth > _DEPTH or not isinstance(value, dict | list):
        return _scalar(value)
    if isinstance(value, dict):
        if not value:
            return _scalar(None)
        return format_html(
            '<table class="run-data">{}</table>',
            format_html_join(
                "",
                "<tr><th>{}</th><td>{}</td></tr>",
                ((str(k).replace("_", " "), data_html(v, depth + 1)) for k, v in value.items()),
            ),
        )
    if not value:
        return _scalar(None)
    if all(isinstance(item, dict) for item in value):
        columns = list(dict.fromkeys(k for item in value for k in item))
        if len(columns) > _COLUMNS:
            return _folded(value, depth)
        head = format_html_join("", "<th>{}</th>", ((c.replace("_", " "),) for c in columns))
        rows = format_html_join(
            "",
            "<tr>{}</tr>",
            (
                (
                    format_html_join(
                        "", "<td>{}</td>", ((data_html(i.get(c), depth + 1),) for c in columns)
                    ),
                )
                for i in value
            ),
        )
        return format_html('<table class="run-data"><tr>{}</tr>{}</table>', head, rows)
    return format_html(
        '<ul class="run-data">{}</ul>',
        format_html_join("", "<li>{}</li>", ((data_html(i, depth + 1),) for i in value)),
    )


def _folded(records: list[dict], depth: int) -> SafeString:
    """Wide records one by one, each folded under its name."""
    return format_html_join(
        "",
        "<details><summary>{}</summary>{}</details>",
        (
            (r.get("name") or r.get("key") or next(iter(r.values()), ""), data_html(r, depth + 1))
            for r in records
        ),
    )


@admin.register(WorkflowRun)
class WorkflowRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "workflow", "key", "mode", "status", "trigger", "took", "summary")
    list_filter = ("workflow", "mode", "status", "trigger")
    search_fields = ("key", "summary")
    date_hierarchy = "started_at"
    fields = (
        ("workflow", "key"),
        ("mode", "status", "trigger"),
        ("started_at", "finished_at"),
        "summary",
        "report_link",
        "errors_view",
        "actions_view",
        "options_view",
        "inputs_view",
        "outputs_view",
        "history",
    )
    readonly_fields = tuple(
        name for item in fields for name in (item if isinstance(item, tuple) else (item,))
    )

    class Media:
        css = {"all": ["workflows/runs.css"]}

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_fields(self, request: HttpRequest, obj=None):
        return self.fields

    @admin.display(description="took")
    def took(self, obj: WorkflowRun) -> str:
        return "-" if obj.seconds is None else f"{obj.seconds:.1f} s"

    @admin.display(description="report")
    def report_link(self, obj: WorkflowRun) -> str:
        if obj.workflow != "kpi_report" or obj.status != WorkflowRun.Status.DONE:
            return "-"
        return format_html('<a href="/kpi/{}/">the {} report on the portal</a>', obj.key, obj.key)

    @admin.display(description="errors and notes")
    def errors_view(self, obj: WorkflowRun) -> str:
        return data_html(obj.errors)

    @admin.display(description="actions (risk tier, decision, result)")
    def actions_view(self, obj: WorkflowRun) -> str:
        return data_html(obj.actions)

    @admin.display(description="options")
    def options_view(self, obj: WorkflowRun) -> str:
        return data_html(obj.options)

    @admin.display(description="inputs (what it read)")
    def inputs_view(self, obj: WorkflowRun) -> str:
        return data_html(obj.inputs)

    @admin.display(description="outputs (what it concluded)")
    def outputs_view(self, obj: WorkflowRun) -> str:
        return data_html(obj.outputs)

    @admin.display(description="audit trail")
    def history(self, obj: WorkflowRun) -> str:
        rows = events_for(obj)
        if not rows:
            return "-"
        return format_html(
            '<table class="run-data">{}</table>',
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td><b>{}</b></td><td>{}</td></tr>",
                ((f"{e.created_at:%Y-%m-%d %H:%M:%S}", e.actor, e.action, e.summary) for e in rows),
            ),
        )


# A workflow's own models are registered by its package's admin module.
import mailagent.workflows.crm.admin  # noqa: E402, F401
