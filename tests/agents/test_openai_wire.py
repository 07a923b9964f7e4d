"""The OpenAI-compatible backend against a server that answers like a real one, both ways: whole
JSON responses and server-sent event streams, with usage counts, a strict JSON schema, rate
limits and server errors. Every case that the two ways share runs both."""

from __future__ import annotations

import json
import time

import openai
import pytest

from mailagent.agents.openai_backend import OpenAIBackend, TriageOutput, response_format
from mailagent.agents.rules import RulesBackend
from mailagent.types import Address, Category, TriageContext
from tests.openai_stub import GOOD_ANSWER, Reply, StubServer

CONTEXT = TriageContext(
    subject="Grinder timer",
    text="How do I reset the grinder timer?",
    customer=Address("owner@greenleafcafe.example", "Priya Raman"),
    business_name="Acme Supplies",
)

WAYS = pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])


@pytest.fixture
def stub():
    server = StubServer().start()
    yield server
    server.stop()


def backend(stub: StubServer, *, stream: bool, retries: int = 2, **kwargs) -> OpenAIBackend:
    return OpenAIBackend(
        base_url=stub.base_url, api_key="test", model="stub-model", timeout=5.0,
        max_retries=retries, stream=stream, **kwargs,
    )  # fmt: skip


@WAYS
def test_the_answer_becomes_the_proposal_with_the_server_s_token_counts(stub, stream):
    proposal = backend(stub, stream=stream).triage(CONTEXT)
    assert proposal.backend == "openai:stub-model" and proposal.fallback_reason == ""
    assert proposal.category is Category.SUPPORT_QUESTION
    assert proposal.draft_body.startswith("Hi Priya")
    prompt_chars = sum(len(m["content"]) for m in stub.requests[0]["messages"])
    assert proposal.prompt_tokens == prompt_chars // 4
    assert proposal.completion_tokens == len(json.dumps(GOOD_ANSWER | {"unanswered": ""})) // 4


def test_a_streamed_call_asks_for_the_usage_chunk_and_a_whole_one_does_not_stream(stub):
    backend(stub, stream=True).triage(CONTEXT)
    backend(stub, stream=False).triage(CONTEXT)
    streamed, whole = stub.requests
    assert streamed["stream"] is True
    assert streamed["stream_options"] == {"include_usage": True}
    assert not whole.get("stream")


@WAYS
def test_the_strict_schema_sent_is_the_one_the_answer_is_checked_against(stub, stream):
    backend(stub, stream=stream, max_tokens=700).triage(CONTEXT)
    sent = stub.requests[0]
    assert sent["response_format"] == response_format()
    schema = sent["response_format"]["json_schema"]["schema"]
    assert sent["response_format"]["json_schema"]["strict"] is True
    assert set(schema["required"]) == set(TriageOutput.model_fields)
    assert schema["additionalProperties"] is False
    assert sent["temperature"] == 0 and sent["max_tokens"] == 700


@WAYS
def test_a_server_constraining_to_the_schema_drops_what_the_schema_lacks(stub, stream):
    stub.default_answer = GOOD_ANSWER | {"confidence": 0.9}  # not in the schema: never sent
    proposal = backend(stub, stream=stream).triage(CONTEXT)
    assert proposal.backend == "openai:stub-model"


@WAYS
def test_malformed_json_falls_back_and_its_tokens_are_still_counted(stub, stream):
    stub.script.append(Reply(body='{"category": "support_question", "urgency": nor'))
    proposal = backend(stub, stream=stream).triage(CONTEXT)
    assert proposal.backend == "rules" and proposal.draft_body
    assert "does not fit the schema" in proposal.fallback_reason
    assert "Invalid JSON" in proposal.fallback_reason
    assert proposal.prompt_tokens > 0 and proposal.completion_tokens > 0


@WAYS
def test_an_answer_cut_at_the_token_limit_falls_back_saying_so(stub, stream):
    cut = json.dumps(GOOD_ANSWER)[:60]
    stub.script.append(Reply(body=cut, finish_reason="length"))
    proposal = backend(stub, stream=stream).triage(CONTEXT)
    assert proposal.backend == "rules"
    assert "cut at the token limit" in proposal.fallback_reason
    assert proposal.completion_tokens == len(cut) // 4


def test_a_stream_that_breaks_off_before_its_end_falls_back(stub):
    stub.script.append(Reply(body=json.dumps(GOOD_ANSWER), break_after_chunks=5))
    proposal = backend(stub, stream=True).triage(CONTEXT)
    assert proposal.backend == "rules"
    assert "stream ended before the answer did" in proposal.fallback_reason


@WAYS
def test_an_answer_outside_the_schema_says_which_field_and_what_it_got(stub, stream):
    stub.script.append(Reply(body=json.dumps(GOOD_ANSWER | {"category": "banana"})))
    proposal = backend(stub, stream=stream).triage(CONTEXT)
    assert proposal.backend == "rules"
    assert "category: got 'banana'" in proposal.fallback_reason


@WAYS
def test_a_429_is_retried_after_the_seconds_its_retry_after_asks(stub, stream):
    stub.script.append(Reply.rate_limited(retry_after="1"))
    proposal = backend(stub, stream=stream).triage(CONTEXT)
    assert proposal.backend == "openai:stub-model"
    assert len(stub.requests) == 2
    assert stub.arrivals[1] - stub.arrivals[0] >= 0.95


@WAYS
def test_a_500_once_is_retried_and_the_second_answer_used(stub, stream):
    stub.script.append(Reply.server_error())
    proposal = backend(stub, stream=stream).triage(CONTEXT)
    assert proposal.backend == "openai:stub-model" and len(stub.requests) == 2


def test_a_server_asking_to_wait_longer_than_two_minutes_is_not_waited_for(stub):
    stub.script.append(Reply.rate_limited(retry_after="600"))
    started = time.monotonic()
    proposal = backend(stub, stream=False, retries=3).triage(CONTEXT)
    assert time.monotonic() - started < 5
    assert len(stub.requests) == 1
    assert proposal.backend == "rules" and "RateLimitError" in proposal.fallback_reason


def test_the_stub_refuses_a_strict_schema_that_openai_would_refuse(stub):
    client = openai.OpenAI(base_url=stub.base_url, api_key="test", max_retries=0)
    loose = response_format()
    loose["json_schema"]["schema"]["required"] = ["category"]
    with pytest.raises(openai.BadRequestError, match="must list every property"):
        client.chat.completions.create(
            model="stub-model", messages=[{"role": "user", "content": "hi"}], response_format=loose
        )


def test_the_stub_streams_the_content_in_delta_pieces_then_usage_then_done(stub):
    client = openai.OpenAI(base_url=stub.base_url, api_key="test", max_retries=0)
    chunks = list(
        client.chat.completions.create(
            model="stub-model",
            messages=[{"role": "user", "content": "x" * 400}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    assert chunks[0].choices[0].delta.role == "assistant"
    pieces = [c.choices[0].delta.content for c in chunks if c.choices]
    assert len(pieces) > 10 and json.loads("".join(p or "" for p in pieces)) == GOOD_ANSWER
    assert chunks[-2].choices[0].finish_reason == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.prompt_tokens == 100
    assert chunks[-1].usage.total_tokens == 100 + chunks[-1].usage.completion_tokens


def test_the_fallback_given_is_the_one_that_answers(stub):
    class CountingRules(RulesBackend):
        calls = 0

        def triage(self, context):
            CountingRules.calls += 1
            return super().triage(context)

    stub.script.append(Reply(body="not json"))
    proposal = backend(stub, stream=False, fallback=CountingRules()).triage(CONTEXT)
    assert proposal.fallback_reason and proposal.draft_body
    assert CountingRules.calls == 1 and len(stub.requests) == 1


def test_the_settings_choose_streaming_the_token_cap_and_the_rules_that_answer_instead(settings):
    from mailagent.agents.base import triage_backend
    from mailagent.agents.rules import RulesBackend

    settings.OPENAI_MODEL, settings.OPENAI_BASE_URL = "small-model", "http://127.0.0.1:9/v1"
    settings.OPENAI_STREAM, settings.OPENAI_MAX_TOKENS = True, 400
    backend = triage_backend("openai")
    assert backend.stream is True and backend.max_tokens == 400
    assert isinstance(backend.fallback, RulesBackend)
    settings.OPENAI_STREAM, settings.OPENAI_MAX_TOKENS = False, 0
    backend = triage_backend("openai")
    assert backend.stream is False and backend.max_tokens is None
