"""The workflows, declared once: one line each. PURE: no Django, so that `config/settings.py` can
read every workflow's mode from here and refuse to start with a clear message.

A line says what the workflow is called (`python manage.py shadow --workflow NAME`), which
setting holds its mode, when it runs (cron, in TIME_ZONE), the risk tier of every action it may
take, and the module that implements it (`mailagent.workflows.shape.WorkflowModule`). `auto` is
accepted only for a workflow whose every action is low risk (DESIGN.md's risk table): anything
that reaches a customer or moves money waits for a person.

The support triage and the payment reminders predate this table; their modes are checked in
`mailagent.conf` (CUSTOMER_FACING).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from mailagent.conf import Mode, SettingsError, workflow_mode
from mailagent.types import Tier


@dataclass(frozen=True)
class Action:
    """One thing a workflow may do beyond reading: its name in the code, its risk, and what it
    means for the business."""

    name: str
    tier: Tier
    what: str


@dataclass(frozen=True)
class Workflow:
    name: str
    title: str
    mode_setting: str
    default_mode: Mode
    cron: str  # minute hour day month weekday, in TIME_ZONE
    actions: tuple[Action, ...]
    module: str

    def action(self, name: str) -> Action:
        for action in self.actions:
            if action.name == name:
                return action
        raise KeyError(f"the {self.title} declares no action {name!r}")

    @property
    def schedule_name(self) -> str:
        return f"run the {self.title}"

    @property
    def scheduled_func(self) -> str:
        """The dotted path django-q2 calls (a public interface: rename with care)."""
        return f"{self.module}.scheduled"


WORKFLOWS: tuple[Workflow, ...] = (
    Workflow(
        name="kpi_report",
        title="weekly KPI report",
        mode_setting="KPI_REPORT_MODE",
        default_mode=Mode.AUTO,
        cron="0 8 * * 1",  # Mondays at 08:00: the week just ended
        actions=(Action("send_report", Tier.LOW, "email the week's figures to REPORT_RECIPIENTS"),),
        module="mailagent.workflows.kpi",
    ),
    Workflow(
        name="inventory",
        title="inventory exception checks",
        mode_setting="INVENTORY_MODE",
        default_mode=Mode.OFF,  # nothing to read until INVENTORY_EXPORT_DIR is set
        cron="0 7 * * *",  # daily at 07:00: the exports dropped the day before
        actions=(
            Action("send_alert", Tier.LOW, "email the stock exceptions to staff"),
            Action("draft_purchase_order", Tier.MEDIUM, "order stock from a supplier"),
        ),
        module="mailagent.workflows.inventory",
    ),
    Workflow(
        name="crm_cleanup",
        title="CRM cleanup",
        mode_setting="CRM_CLEANUP_MODE",
        default_mode=Mode.DRAFT,  # suggestions are kept; every change is a person's click
        cron="0 6 * * 1",  # Mondays at 06:00: the week's imports and mail looked over
        actions=(
            Action("suggest", Tier.LOW, "keep suggested merges and fixes for staff to decide"),
            Action("merge_customers", Tier.MEDIUM, "merge two customers' invoices and tickets"),
            Action("fix_contact", Tier.MEDIUM, "change a customer's addresses or create one"),
        ),
        module="mailagent.workflows.crm",
    ),
)


class UnknownWorkflow(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def workflow_named(name: str) -> Workflow:
    for workflow in WORKFLOWS:
        if workflow.name == name:
            return workflow
    known = ", ".join(w.name for w in WORKFLOWS)
    raise UnknownWorkflow(f"There is no workflow {name!r}; the workflows are: {known}.")


def mode_checked(workflow: Workflow, value: str) -> Mode:
    """The mode `value` names for `workflow`. Raises `SettingsError` for a typo, and for `auto`
    when any of the workflow's actions is more than low risk."""
    mode = workflow_mode(workflow.mode_setting, value)
    risky = [a for a in workflow.actions if a.tier is not Tier.LOW]
    if mode is Mode.AUTO and risky:
        action = risky[0]
        raise SettingsError(
            f"{workflow.mode_setting}=auto is refused: the {workflow.title} would "
            f"{action.what}, which is {action.tier.value} risk, and only low-risk work runs on "
            "its own. Use draft (a person approves each one) or shadow."
        )
    return mode


def workflow_modes(read: Callable[[str, str], str]) -> dict[str, Mode]:
    """Every workflow's mode setting, read with `read(name, default)` and checked: a dict of
    setting name -> mode, for the settings module."""
    return {
        w.mode_setting: mode_checked(w, read(w.mode_setting, w.default_mode.value))
        for w in WORKFLOWS
    }
