"""The one small interface every triage backend implements, and how one is chosen."""

from __future__ import annotations

from typing import Any, Protocol

from mailagent.errors import ConfigurationError
from mailagent.types import Proposal, TriageContext


class TriageBackend(Protocol):
    name: str

    def triage(self, context: TriageContext) -> Proposal:
        """Classify one message and propose a reply. Must not raise on odd input."""
        ...


def triage_backend(name: str) -> TriageBackend:
    """The backend named by `AGENT_MODEL`, configured from the settings."""
    from django.conf import settings

    if name == "rules":
        return _rules(settings)
    if name == "openai":
        from mailagent.agents.openai_backend import OpenAIBackend

        if not settings.OPENAI_MODEL:
            raise ConfigurationError("AGENT_MODEL=openai needs OPENAI_MODEL (e.g. gpt-4o-mini).")
        return OpenAIBackend(
            base_url=settings.OPENAI_BASE_URL,
            api_key=settings.OPENAI_API_KEY,
            model=settings.OPENAI_MODEL,
            timeout=settings.OPENAI_TIMEOUT,
            max_retries=settings.OPENAI_MAX_RETRIES,
            stream=settings.OPENAI_STREAM,
            max_tokens=settings.OPENAI_MAX_TOKENS or None,
            # When the model cannot answer, the rules answer as configured: with the learned
            # triage model where one is trained.
            fallback=_rules(settings),
        )
    raise ConfigurationError(f"AGENT_MODEL={name!r} is not a model backend; use rules or openai.")


def backend_load() -> None:
    """Load what the rules backend reads from disk (the learned triage model, where one is
    trained: numpy and its weights), compile the rules' patterns and read the policy's
    filters. Either backend has the rules (the model backend falls back to them); called
    before the processing workers fork, so that they share it all."""
    from django.conf import settings

    from mailagent.agents.rules import rules_compile
    from mailagent.policy import filters_build

    _rules(settings)
    rules_compile()
    filters_build()


def _rules(settings: Any) -> TriageBackend:
    from mailagent.agents.rules import RulesBackend
    from mailagent.learned.store import learned_model

    path = settings.TRIAGE_MODEL_PATH
    return RulesBackend(
        learned=learned_model(
            path, untrained_ok=path == str(settings.VAR_DIR / "triage-model.npz")
        ),
        threshold=settings.TRIAGE_MODEL_CONFIDENCE,
    )
