"""What is the same for every workflow: its mode, its run on the record, the risk table's word on
each action, and the audit trail. A workflow's own module only reads, concludes and, when told
to, acts (`mailagent.workflows.shape`).

A run is recorded before anything is read, so that a run that dies is still on the record (as
running, or failed with the error). Bad input (a malformed export) ends a run as refused with
the reason, and nothing is acted on; anything else is a bug: recorded on the run, then raised.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mailagent.conf import Mode
from mailagent.errors import UserInputError
from mailagent.services.audit import SYSTEM, audit_record
from mailagent.workflows.models import WorkflowRun
from mailagent.workflows.registry import Workflow, workflow_named
from mailagent.workflows.shape import Decision, Outcome, Planned, WorkflowModule, decision_for


def configured_mode(workflow: Workflow) -> Mode:
    return Mode(getattr(settings, workflow.mode_setting, workflow.default_mode))


def implementation(workflow: Workflow) -> WorkflowModule:
    return importlib.import_module(workflow.module)  # type: ignore[return-value]


def _run_start(workflow: Workflow, *, mode: Mode, trigger: str, options: Mapping) -> WorkflowRun:
    return WorkflowRun.objects.create(
        workflow=workflow.name,
        mode=mode.value,
        trigger=trigger,
        options=dict(options),
        started_at=timezone.now(),
    )


def _run_end(run: WorkflowRun, *, status: str, summary: str, **fields: Any) -> WorkflowRun:
    run.status, run.summary, run.finished_at = status, summary[:500], timezone.now()
    for name, value in fields.items():
        setattr(run, name, value)
    run.save()
    audit_record(
        action=f"workflow.{status}",
        obj=run,
        actor=SYSTEM,
        summary=f"{run.workflow} {run.key} ({run.mode}): {summary}"[:500],
        workflow=run.workflow,
        mode=run.mode,
        key=run.key,
        errors=run.errors,
    )
    return run


def _act(
    workflow: Workflow, module: WorkflowModule, planned: Planned, *, run: WorkflowRun, mode: Mode
) -> dict[str, Any]:
    """One proposed action through the risk table: done, drafted, recorded or escalated."""
    action = workflow.action(planned.action)
    decision = decision_for(action.tier, mode)
    result: dict[str, Any] = {}
    if decision in (Decision.ACT, Decision.WAIT):
        result = module.TOOLS[planned.action](planned, run=run, decision=decision)
    audit_record(
        action=f"workflow.{decision.value}",
        obj=run,
        actor=SYSTEM,
        summary=f"{_verb(decision)} {planned.summary}"[:500],
        workflow=workflow.name,
        step=planned.action,
        tier=action.tier.value,
        result=result,
    )
    return {
        "action": planned.action,
        "tier": action.tier.value,
        "decision": decision.value,
        "summary": planned.summary,
        "result": result,
    }


def _verb(decision: Decision) -> str:
    return {
        Decision.ACT: "Did:",
        Decision.WAIT: "Drafted for approval:",
        Decision.RECORD: "Shadow, would have done:",
        Decision.ESCALATE: "Left to a person (high risk):",
    }[decision]


def workflow_run(
    *,
    name: str,
    now: datetime | None = None,
    mode: Mode | None = None,
    options: Mapping[str, Any] | None = None,
    trigger: str = "command",
) -> WorkflowRun | None:
    """Run one workflow once. Its configured mode unless `mode` is given; None when off."""
    workflow = workflow_named(name)
    mode = mode or configured_mode(workflow)
    if mode is Mode.OFF:
        return None
    now = now or timezone.now()
    module = implementation(workflow)
    options = dict(options if options is not None else module.options_for(now=now))
    run = _run_start(workflow, mode=mode, trigger=trigger, options=options)
    try:
        outcome = module.gather(now=now, options=options)
    except UserInputError as exc:
        return _run_end(run, status=WorkflowRun.Status.REFUSED, summary=str(exc), errors=[str(exc)])
    except Exception as exc:
        _run_end(run, status=WorkflowRun.Status.FAILED, summary=repr(exc), errors=[repr(exc)])
        raise
    return _run_finish(workflow, module, run, outcome, mode=mode)


def _run_finish(
    workflow: Workflow, module: WorkflowModule, run: WorkflowRun, outcome: Outcome, *, mode: Mode
) -> WorkflowRun:
    with transaction.atomic():
        run.key, run.inputs, run.outputs = outcome.key, outcome.inputs, outcome.outputs
        run.errors = list(outcome.problems)
        run.save(update_fields=["key", "inputs", "outputs", "errors"])
    actions = []
    try:
        for planned in outcome.planned:
            actions.append(_act(workflow, module, planned, run=run, mode=mode))
    except Exception as exc:
        _run_end(
            run,
            status=WorkflowRun.Status.FAILED,
            summary=f"{outcome.summary}; then failed: {exc!r}",
            actions=actions,
            errors=[*run.errors, repr(exc)],
        )
        raise
    return _run_end(run, status=WorkflowRun.Status.DONE, summary=outcome.summary, actions=actions)


def workflow_scheduled(*, name: str) -> int | None:
    """The schedule's entry: a run in the configured mode; the run's id, or None when off."""
    run = workflow_run(name=name, trigger="schedule")
    return run.pk if run is not None else None


def workflow_shadow(*, name: str, last: int, folder: Path) -> list[tuple[WorkflowRun, list[Path]]]:
    """The workflow in shadow mode over past data (`last` periods, as the workflow counts them):
    each run recorded, its report written under `folder`; nothing sent, nothing changed."""
    workflow = workflow_named(name)
    module = implementation(workflow)
    done = []
    for options in module.shadow_options(today=timezone.localdate(), last=last):
        run = workflow_run(name=name, mode=Mode.SHADOW, options=options, trigger="shadow command")
        if run is None:  # shadow is never off; a runner that returns nothing wrote nothing
            continue
        files = module.shadow_files(run, folder=folder) if run.status == run.Status.DONE else []
        done.append((run, files))
    return done
