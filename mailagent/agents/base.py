"""The one small interface every triage backend implements, and how one is chosen."""

from __future__ import annotations

from typing import Protocol

from mailagent.errors import ConfigurationError
from mailagent.types import Proposal, TriageContext


class TriageBackend(Protocol):
    name: str

    def triage(self, context: TriageContext) -> Proposal:
        """Classify one message and propose a reply. Must not raise on odd input."""
        ...


def triage_backend(name: str) -> TriageBackend:
    """The backend named by `AGENT_MODEL`."""
    if name == "rules":
        from mailagent.agents.rules import RulesBackend

        return RulesBackend()
    raise ConfigurationError(f"AGENT_MODEL={name!r} is not a known model backend; use 'rules'.")
