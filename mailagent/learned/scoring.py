"""Scoring triage on labelled messages: the rules alone, the model alone, the two combined.

Each message goes as the pipeline sends it, without the database: a `TriageContext` of its
subject, text and colleague's note, the backend, then `policy.assess` over the same text. A
high-risk message counts as caught when the policy lets nothing be drafted for it. Shared by
`train_triage` (before and after) and `bench/eval_triage.py`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from mailagent import policy
from mailagent.agents.rules import RulesBackend
from mailagent.learned.model import TriageModel
from mailagent.learned.training import Labelled
from mailagent.types import Address, Category, Proposal, Tier, Tone, TriageContext, Urgency


@dataclass(frozen=True)
class Scored:
    example: Labelled
    predicted: str
    #: The policy let nothing be drafted: a person answers.
    to_person: bool
    decided_by: str = "rules"


@dataclass(frozen=True)
class Scores:
    """How one way of triaging did on a set of labelled messages."""

    name: str
    scored: tuple[Scored, ...]

    @property
    def accuracy(self) -> float:
        right = sum(s.predicted == s.example.category for s in self.scored)
        return right / len(self.scored) if self.scored else 0.0

    @property
    def high_risk_recall(self) -> float:
        risky = [s for s in self.scored if s.example.high_risk]
        return sum(s.to_person for s in risky) / len(risky) if risky else 1.0

    def per_category(self) -> list[tuple[str, int, float, float]]:
        """(category, support, precision, recall) for each category seen or predicted."""
        support = Counter(s.example.category for s in self.scored)
        predicted = Counter(s.predicted for s in self.scored)
        hits = Counter(s.predicted for s in self.scored if s.predicted == s.example.category)
        return [
            (
                c.value,
                support[c.value],
                hits[c.value] / predicted[c.value] if predicted[c.value] else 0.0,
                hits[c.value] / support[c.value] if support[c.value] else 0.0,
            )
            for c in Category
            if support[c.value] or predicted[c.value]
        ]

    @property
    def model_share(self) -> float:
        """Of the messages, the share whose category or urgency the model decided."""
        decided = sum(s.decided_by != "rules" for s in self.scored)
        return decided / len(self.scored) if self.scored else 0.0


def context_of(example: Labelled, business_name: str = "the business") -> TriageContext:
    return TriageContext(
        subject=example.subject,
        text=example.body,
        customer=Address("customer@example.com"),
        business_name=business_name,
        staff_note=example.staff_note,
    )


def risk_text(example: Labelled) -> str:
    return "\n".join(p for p in (example.subject, example.staff_note, example.body) if p)


def score_backend(name: str, backend: RulesBackend, examples: Sequence[Labelled]) -> Scores:
    scored = []
    for example in examples:
        proposal = backend.triage(context_of(example))
        assessment = policy.assess(proposal=proposal, text=risk_text(example))
        scored.append(
            Scored(example, proposal.category.value, not assessment.may_draft, proposal.decided_by)
        )
    return Scores(name, tuple(scored))


def score_model_alone(model: TriageModel, examples: Sequence[Labelled]) -> Scores:
    """The model's category for every message, however unsure; the policy over it as usual."""
    scored = []
    for example in examples:
        guess = model.guess(example.text, example.rules_category)
        category = Category(guess.category)
        proposal = Proposal(
            category=category,
            urgency=Urgency.NORMAL,
            tone=Tone.NEUTRAL,
            needs_human=policy.CATEGORY_TIERS.get(category) is Tier.HIGH,
            human_reason="",
            summary="",
            draft_body="(draft)",
            backend="learned",
        )
        assessment = policy.assess(proposal=proposal, text=risk_text(example))
        scored.append(Scored(example, category.value, not assessment.may_draft, model.label))
    return Scores(f"{model.label} alone", tuple(scored))


def score_all(
    model: TriageModel | None, examples: Sequence[Labelled], *, threshold: float
) -> list[Scores]:
    """The rules alone, then (with a model) the model alone and the combination."""
    out = [score_backend("rules alone", RulesBackend(), examples)]
    if model is not None:
        out.append(score_model_alone(model, examples))
        combination = RulesBackend(learned=model, threshold=threshold)
        out.append(score_backend(f"rules + {model.label}", combination, examples))
    return out
