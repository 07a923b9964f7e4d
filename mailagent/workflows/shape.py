"""The five parts every workflow has, as the runner sees them. PURE.

- trigger: `scheduled()` (the schedule's entry, `registry.Workflow.scheduled_func`) and the
  options a command passes (`options_for`);
- context and action: `gather()` reads what the workflow may trust and concludes, changing
  nothing; it returns an `Outcome`: what it read (inputs), what it concluded (outputs), and the
  actions it proposes (`Planned`), each named in the workflow's risk table;
- tools: `TOOLS`, the only things it may do, one function per action name;
- approval: `decision_for` maps an action's risk tier and the mode to what happens: done, drafted
  for a person's click, only recorded (shadow), or handed to a person (high risk);
- audit: the runner records the run (`WorkflowRun`) and an audit event for every action.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mailagent.conf import Mode
from mailagent.types import Tier

if TYPE_CHECKING:
    from mailagent.workflows.models import WorkflowRun


class Decision(StrEnum):
    ACT = "act"  # low risk: done on its own
    WAIT = "wait"  # drafted; goes only after a person approves it
    RECORD = "record"  # shadow: what would have been done is recorded, nothing else
    ESCALATE = "escalate"  # high risk: never done by the agent; a person is told


def decision_for(tier: Tier, mode: Mode) -> Decision:
    """What happens to an action of this risk in this mode. A low-risk action goes in draft
    mode as in auto (like the digest, there is nothing in it for a person to approve); the
    settings refuse auto for workflows with riskier actions, and a medium one waits regardless."""
    if mode is Mode.SHADOW:
        return Decision.RECORD
    if tier is Tier.HIGH:
        return Decision.ESCALATE
    if tier is Tier.MEDIUM:
        return Decision.WAIT
    return Decision.ACT


@dataclass(frozen=True)
class Planned:
    """An action a workflow proposes: its name in the risk table, a sentence for people, and
    what its tool needs (JSON values only: it is kept on the run)."""

    action: str
    summary: str
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class Outcome:
    """What a workflow's `gather` read and concluded. `inputs` and `outputs` are kept on the
    run as JSON: strings, numbers, lists and dicts (money as strings, never floats)."""

    key: str
    summary: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    planned: list[Planned] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


Tool = Callable[..., dict[str, Any]]  # tool(planned, *, run, decision) -> what it did


class WorkflowModule(Protocol):
    """What the module on a workflow's line in `registry.WORKFLOWS` provides."""

    TOOLS: Mapping[str, Tool]

    def scheduled(self) -> int | None: ...

    def options_for(self, *, now: datetime) -> dict[str, Any]: ...

    def shadow_options(self, *, today: date, last: int) -> list[dict[str, Any]]: ...

    def gather(self, *, now: datetime, options: Mapping[str, Any]) -> Outcome: ...

    def shadow_files(self, run: WorkflowRun, *, folder: Path) -> list[Path]: ...
