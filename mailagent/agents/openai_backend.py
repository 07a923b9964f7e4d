"""Triage on any OpenAI-compatible endpoint (OpenAI, a local Ollama, vLLM or llama.cpp's server).

Chat Completions with a strict JSON schema, a timeout, and the `openai` package's own retries with
exponential backoff on 429, 5xx and dropped connections. It honours `Retry-After` (and
`retry-after-ms`) up to two minutes; a server asking for longer is not retried at all, so a
poller is never held for ten minutes by one busy endpoint: the rules answer at once.

Two ways to read the answer, one way to judge it:

- whole (the default): one JSON response; the timeout bounds the wait for the whole answer.
- streamed (`stream=True`): server-sent events, `choices[0].delta` pieces gathered until
  `data: [DONE]`, with `stream_options: {"include_usage": true}` so that the last chunk carries
  the token counts. The timeout then bounds the wait between two chunks, not the whole answer:
  what a slow local model on a CPU needs, since it writes steadily but takes longer than any
  sensible whole-answer timeout. `max_tokens` bounds the length instead.

Either way the content is the JSON string that servers send for a `json_schema` response format,
and it is validated here against `TriageOutput`, not by the client's `parse()` helpers: so the
token counts are known even when the answer is unusable (a model that wrote malformed JSON has
still been paid for), and both ways share one check. An answer cut at the token limit
(`finish_reason: "length"`), a stream that ends before its last chunk, a refusal, or content that
does not fit the schema all make the rules backend answer instead, and the proposal says why
(`fallback_reason`, audited as `triage.fallback`) and what the call cost (`prompt_tokens`,
`completion_tokens`, audited on `ticket.triaged` and summed by `services.metrics`).

Whatever the model says, its draft goes through the same facts check as the rules' drafts
(`drafting.checked_model_draft`), `policy.py` decides the risk tier, and code picks the recipients.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any, Literal

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


#: Doubts the model may list (the schema's `maxItems`).
MAX_UNCERTAIN = 5


def response_format() -> dict[str, Any]:
    """`TriageOutput` as a strict `json_schema` response format. Strict mode (OpenAI's, and the
    grammar that llama.cpp's server and vLLM build from it) wants every property listed as
    required and no others allowed; the model is flat, so pydantic's schema with `required` set
    to all its properties is exactly what `openai`'s own helper sends."""
    schema = TriageOutput.model_json_schema()
    schema["required"] = list(schema["properties"])
    schema["additionalProperties"] = False
    # A bound the grammar enforces: a small local model otherwise repeats one doubt until the
    # token limit cuts the answer (SmolLM2-135M on llama.cpp did, in most answers). Only sent,
    # not checked: a server that ignores it still has its list cut to ten below.
    schema["properties"]["uncertain"]["maxItems"] = MAX_UNCERTAIN
    return {
        "type": "json_schema",
        "json_schema": {"name": "TriageOutput", "schema": schema, "strict": True},
    }


@dataclass(frozen=True)
class Answer:
    """What came back from one model call, however it was read."""

    content: str = ""
    refusal: str = ""
    #: "stop" normally; "length" when the token limit cut it; None when a stream broke off.
    finish_reason: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ModelUnusable(Exception):
    """The model answered, but not with something we can use; the call's cost is kept."""

    def __init__(self, reason: str, answer: Answer | None = None) -> None:
        super().__init__(reason)
        self.answer = answer or Answer()


def _tokens(usage: object) -> tuple[int, int]:
    return (
        getattr(usage, "prompt_tokens", 0) or 0,
        getattr(usage, "completion_tokens", 0) or 0,
    )


def triage_output(answer: Answer, *, streamed: bool) -> TriageOutput:
    """The answer's structured content, or `ModelUnusable` saying why there is none."""
    if answer.refusal:
        raise ModelUnusable(f"the model refused: {answer.refusal[:200]}", answer)
    if answer.finish_reason == "length":
        raise ModelUnusable("the answer was cut at the token limit (finish_reason=length)", answer)
    if answer.finish_reason == "content_filter":
        raise ModelUnusable("the server's content filter stopped the answer", answer)
    if streamed and answer.finish_reason is None:
        raise ModelUnusable("the stream ended before the answer did", answer)
    if not answer.content.strip():
        raise ModelUnusable("the answer had no structured content", answer)
    try:
        return TriageOutput.model_validate_json(answer.content)
    except pydantic.ValidationError as exc:
        raise ModelUnusable(f"the answer does not fit the schema: {_errors(exc)}", answer) from exc


def _errors(exc: pydantic.ValidationError) -> str:
    """pydantic's errors in one short line, the offending value first: a fallback reason is
    cut at 300 characters, and "got 'banana'" says more than the list of allowed values."""
    parts = []
    for error in exc.errors(include_url=False)[:3]:
        where = ".".join(str(p) for p in error["loc"]) or "the answer"
        got = "" if error["type"] == "json_invalid" else f"got {str(error['input'])[:40]!r}, "
        parts.append(f"{where}: {got}{error['msg'][:80]}")
    return "; ".join(parts)


class OpenAIBackend:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        model: str,
        timeout: float = 30.0,
        max_retries: int = 3,
        stream: bool = False,
        max_tokens: int | None = None,
        fallback: RulesBackend | None = None,
    ) -> None:
        """`fallback` answers when the model cannot and drafts when its draft fails the facts
        check: the rules backend as configured (with the learned triage model, where there is
        one) if given, the plain rules otherwise."""
        self.model = model
        self.name = f"openai:{model}"
        self.stream = stream
        self.max_tokens = max_tokens
        self.client = openai.OpenAI(
            base_url=base_url or None,
            api_key=api_key or "not-needed",
            timeout=timeout,
            max_retries=max_retries,
        )
        self.fallback = fallback or RulesBackend()

    def triage(self, context: TriageContext) -> Proposal:
        try:
            proposal = self._ask(context)
        except (openai.OpenAIError, ModelUnusable, ValueError) as exc:
            reason = f"{type(exc).__name__}: {exc}"[:300]
            log.warning("Model triage failed, rules backend used: %s", type(exc).__name__)
            spent = exc.answer if isinstance(exc, ModelUnusable) else Answer()
            return replace(
                self.fallback.triage(context),
                fallback_reason=reason,
                prompt_tokens=spent.prompt_tokens,
                completion_tokens=spent.completion_tokens,
            )
        if not proposal.draft_body:
            return proposal
        # The same facts check as the rules' drafts; a draft that fails is replaced by theirs.
        return checked_model_draft(proposal, context, lambda: self.fallback.triage(context))

    def _request(self, context: TriageContext) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.model,
            "messages": triage_messages(context),
            "response_format": response_format(),
            "temperature": 0,
        }
        if self.max_tokens:
            request["max_tokens"] = self.max_tokens
        return request

    def _whole(self, request: dict[str, Any]) -> Answer:
        completion = self.client.chat.completions.create(**request)
        prompt_tokens, completion_tokens = _tokens(completion.usage)
        if not completion.choices:
            raise ModelUnusable("the answer had no choices", Answer(
                prompt_tokens=prompt_tokens, completion_tokens=completion_tokens
            ))  # fmt: skip
        choice = completion.choices[0]
        return Answer(
            content=choice.message.content or "",
            refusal=getattr(choice.message, "refusal", None) or "",
            finish_reason=choice.finish_reason,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )

    def _streamed(self, request: dict[str, Any]) -> Answer:
        content: list[str] = []
        refusal: list[str] = []
        finish_reason: str | None = None
        usage: object = None
        stream = self.client.chat.completions.create(
            **request, stream=True, stream_options={"include_usage": True}
        )
        with stream:
            for chunk in stream:
                # The usage chunk comes last, with no choices; some servers put it on the
                # chunk that finishes instead.
                usage = chunk.usage or usage
                for choice in chunk.choices:
                    if choice.index != 0:
                        continue
                    content.append(choice.delta.content or "")
                    refusal.append(getattr(choice.delta, "refusal", None) or "")
                    finish_reason = choice.finish_reason or finish_reason
        prompt_tokens, completion_tokens = _tokens(usage)
        return Answer(
            content="".join(content),
            refusal="".join(refusal),
            finish_reason=finish_reason,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
        )

    def answer(self, context: TriageContext) -> Answer:
        """The model's raw answer to the triage prompt, read whole or streamed; not yet judged."""
        request = self._request(context)
        return self._streamed(request) if self.stream else self._whole(request)

    def _ask(self, context: TriageContext) -> Proposal:
        answer = self.answer(context)
        out = triage_output(answer, streamed=self.stream)
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
            prompt_tokens=answer.prompt_tokens,
            completion_tokens=answer.completion_tokens,
            language=context.language if out.draft_reply.strip() else "",
            passages=(*context.passages, *context.procedures),
            example=context.examples[0] if context.examples else None,
            unanswered=out.unanswered[:300],
        )
