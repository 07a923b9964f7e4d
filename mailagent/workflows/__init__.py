"""Back-office workflows on one shared shape.

Every workflow is a line in `registry.WORKFLOWS` (its name, mode setting, schedule and the risk of
each action it may take) and one module implementing its five parts (`shape.WorkflowModule`):
trigger, context, tools, approval and audit. `runner.workflow_run` does what is the same for all
of them: it reads the mode, records a `WorkflowRun` with its inputs and outputs, asks the risk
table whether each action may go, and writes the audit trail.

Nothing in this package's `__init__` or `registry` touches Django: `config/settings.py` reads the
table to check each mode before anything starts.
"""
