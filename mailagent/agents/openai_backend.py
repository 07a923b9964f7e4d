"""Triage on any OpenAI-compatible endpoint (OpenAI, a local Ollama or vLLM).

Chat Completions with a strict JSON schema, a timeout, and the `openai` package's own retries with
exponential backoff on 429, 5xx and dropped connections (it honours Retry-After). When the model
still fails, refuses, or answers something that does not validate, the rules backend answers
instead and the proposal says why (`fallback_reason`), so the fall-back is audited.

Whatever the model says, `policy.py` decides the risk tier, and code picks the recipients.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Literal

import openai
import pydantic
from pydantic import BaseModel, ConfigDict

from mailagent.agents.drafting import checked_model_draft
from mailagent.agents.prompt import triage_messages
from mailagent.agents.rules import RulesBackend
from mailagent.types import Category, Proposal, Tier, Tone, TriageContext, Urgency

log = logging.getLogger(__name__)

CategoryName = Literal[
    "invoice_question",
    "payment_claimed",
    "refund_request",
    "bank_detail_change",
    "complaint",
    "support_question",
    "sales_inquiry",
    "automatic",
    "other",
]


class TriageOutput(BaseModel):
    """The structured answer the model must give; sent to it as a strict JSON schema."""

    model_config = ConfigDict(extra="forbid")

    category: CategoryName
    urgency: Literal["low", "normal", "high"]
    tone: Literal["positive", "neutral", "frustrated", "angry"]
    risk: Literal["low", "medium", "high"]
    needs_human: bool
    human_reason: str
    summary: str
    draft_reply: str
    uncertain: list[str]
    #: What was asked that the business's records and knowledge do not answer ("" if nothing).
    unanswered: str = ""


class ModelUnusable(Exception):
    """The model answered, but not with something we can use."""


class OpenAIBackend:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        timeout: float = 30.0,
        max_retries: int = 3,
    ) -> None:
        self.model = model
        self.name = f"openai:{model}"
        self.client = openai.OpenAI(
            base_url=base_url or None,
            api_key=api_key or "not-needed",
            timeout=timeout,
            max_retries=max_retries,
        )
        self.fallback = RulesBackend()

    def triage(self, context: TriageContext) -> Proposal:
        try:
            proposal = self._ask(context)
        except (openai.OpenAIError, pydantic.ValidationError, ModelUnusable, ValueError) as exc:
            reason = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("Model triage failed, rules backend used: %s", type(exc).__name__)
            return replace(self.fallback.triage(context), fallback_reason=reason)
        if not proposal.draft_body:
            return proposal
        # The same facts check as the rules' drafts; a draft that fails is replaced by theirs.
        return checked_model_draft(proposal, context, lambda: self.fallback.triage(context))

    def _ask(self, context: TriageContext) -> Proposal:
        completion = self.client.chat.completions.parse(
            model=self.model,
            messages=triage_messages(context),
            response_format=TriageOutput,
            temperature=0,
        )
        if not completion.choices:
            raise ModelUnusable("the answer had no choices")
        message = completion.choices[0].message
        if getattr(message, "refusal", None):
            raise ModelUnusable(f"the model refused: {message.refusal[:200]}")
        out = message.parsed
        if out is None:
            raise ModelUnusable("the answer had no structured content")
        usage = completion.usage
        return Proposal(
            category=Category(out.category),
            urgency=Urgency(out.urgency),
            tone=Tone(out.tone),
            needs_human=out.needs_human,
            human_reason=out.human_reason[:500],
            summary=out.summary[:300],
            draft_body="" if out.needs_human else out.draft_reply.strip()[:6000],
            backend=self.name,
            model_tier=Tier(out.risk),
            uncertain=tuple(u[:200] for u in out.uncertain[:10]),
            prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
            completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
            language=context.language if out.draft_reply.strip() else "",
            passages=context.passages,
            example=context.examples[0] if context.examples else None,
            unanswered=out.unanswered[:300],
        )
