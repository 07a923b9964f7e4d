"""A model's answers through the whole pipeline, against a server that answers like a real
OpenAI-compatible one: stored message -> prompt with the records and the schema -> the model's
answer, whole or streamed -> the same facts check and policy as the rules' drafts -> a draft
waiting for approval, or the rules' draft with the fallback audited. What a person would notice:
the draft they are shown, why the model's was not used, and what the model calls cost."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mailagent.agents import base
from mailagent.agents.openai_backend import TriageOutput, response_format
from mailagent.agents.prompt import FENCE_OPEN
from mailagent.models import AuditEvent, Customer, Draft, Invoice
from mailagent.services.metrics import metrics_weekly
from mailagent.services.processing import batch, decide
from tests.openai_stub import GOOD_ANSWER, Reply, StubServer
from tests.workflows import customer_mail

pytestmark = pytest.mark.django_db

WAYS = pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])

PAID = (
    "Guten Tag,\n\nwir haben die Rechnung INV-2041 gestern überwiesen. Bitte prüfen Sie den "
    "Zahlungseingang.\n\nMit freundlichen Grüßen\nAnna Berger"
)
GROUNDED_DRAFT = (
    "Hallo Anna,\n\nvielen Dank für Ihre Nachricht. Die Rechnung INV-2041 über "
    "1.250,00\u00a0EUR ist bei uns noch offen; wir prüfen den Zahlungseingang und melden uns."
    "\n\nViele Grüße\nAcme Supplies"
)
INVENTED_DRAFT = (
    "Hallo Anna,\n\nvielen Dank. Die Rechnung INV-2099 über 1.250,00\u00a0EUR ist beglichen."
    "\n\nViele Grüße\nAcme Supplies"
)
PAYMENT_ANSWER = GOOD_ANSWER | {
    "category": "payment_claimed",
    "risk": "medium",
    "summary": "Says INV-2041 was paid yesterday",
}


@pytest.fixture
def account(db):
    customer = Customer.objects.create(
        key="hofmann", name="Hofmann GmbH", emails=["anna@hofmann.example"]
    )
    Invoice.objects.create(
        customer=customer,
        number="INV-2041",
        currency="EUR",
        total=Decimal("1250.00"),
        balance=Decimal("1250.00"),
        due_date=timezone.localdate() - timedelta(days=12),
    )
    return customer


@pytest.fixture
def stream() -> bool:
    """Whole answers unless a test is parametrized with `WAYS`."""
    return False


@pytest.fixture
def model(settings, monkeypatch, stream):
    """The stub as the configured model, read streamed when `stream` says so. Which way is a
    constructor argument of the backend that the settings do not choose, so the backend the
    pipeline builds is adjusted here."""
    server = StubServer().start()
    settings.AGENT_MODEL, settings.OPENAI_MODEL = "openai", "stub-model"
    settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY = server.base_url, "test"
    settings.OPENAI_MAX_RETRIES, settings.MODEL_CONCURRENCY = 2, 1
    real = base.triage_backend

    def configured(name: str):
        backend = real(name)
        backend.stream = stream
        return backend

    monkeypatch.setattr(batch, "triage_backend", configured)
    monkeypatch.setattr(decide, "triage_backend", configured)
    yield server
    server.stop()


def processed(text: str, *, subject: str = "Zahlung", n: int = 1):
    return customer_mail.processed(text, subject=subject, n=n)


def events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


@WAYS
def test_the_prompt_and_the_schema_reach_the_server(account, model, stream):
    model.default_answer = PAYMENT_ANSWER | {"draft_reply": GROUNDED_DRAFT}
    processed(PAID)
    sent = model.requests[0]
    assert sent["model"] == "stub-model" and bool(sent.get("stream")) is stream
    assert sent["response_format"] == response_format()
    assert set(sent["response_format"]["json_schema"]["schema"]["required"]) == set(
        TriageOutput.model_fields
    )
    system, user = (m["content"] for m in sent["messages"])
    assert "a polite, brief reply in German" in system
    ours, fenced = user.split(FENCE_OPEN)
    assert "invoice INV-2041: 1.250,00\u00a0EUR open" in ours
    assert "INV-2041 gestern überwiesen" in fenced


@WAYS
def test_a_model_draft_within_the_facts_waits_for_approval_with_its_tokens_audited(
    account, model, stream
):
    model.default_answer = PAYMENT_ANSWER | {"draft_reply": GROUNDED_DRAFT}
    _ticket, draft = processed(PAID)
    assert draft is not None and draft.body == GROUNDED_DRAFT
    assert draft.status == Draft.Status.PENDING
    assert events("triage.fallback") == []
    triaged = events("ticket.triaged")[0].details
    assert triaged["backend"] == "openai:stub-model"
    assert triaged["prompt_tokens"] > 100 and triaged["completion_tokens"] > 20
    total = metrics_weekly(today=timezone.localdate()).totals["reply"]
    assert total.model_calls == 1
    assert (total.prompt_tokens, total.completion_tokens) == (
        triaged["prompt_tokens"],
        triaged["completion_tokens"],
    )


@WAYS
def test_a_model_draft_with_an_invented_invoice_number_is_replaced_by_the_rules_draft(
    account, model, stream
):
    model.default_answer = PAYMENT_ANSWER | {"draft_reply": INVENTED_DRAFT}
    _ticket, draft = processed(PAID)
    assert "INV-2099" not in draft.body
    assert "INV-2041" in draft.body and "1.250,00\u00a0EUR" in draft.body  # from the records
    fallback = events("triage.fallback")
    assert len(fallback) == 1 and "INV-2099" in fallback[0].details["reason"]
    assert "facts check" in fallback[0].summary
    # The model's triage stands; only its draft was replaced. Its tokens were spent all the same.
    triaged = events("ticket.triaged")[0].details
    assert triaged["backend"] == "openai:stub-model" and triaged["prompt_tokens"] > 0


@WAYS
def test_a_truncated_answer_falls_back_to_the_rules_and_is_audited(account, model, stream):
    cut = json.dumps(PAYMENT_ANSWER | {"draft_reply": GROUNDED_DRAFT})[:120]
    model.script.append(Reply(body=cut, finish_reason="length"))
    _ticket, draft = processed(PAID)
    assert "INV-2041" in draft.body  # the rules' draft
    reason = events("triage.fallback")[0].details["reason"]
    assert "cut at the token limit" in reason
    triaged = events("ticket.triaged")[0].details
    assert triaged["backend"] == "rules" and triaged["completion_tokens"] == len(cut) // 4


@WAYS
def test_malformed_json_falls_back_to_the_rules_and_is_audited(account, model, stream):
    model.script.append(Reply(body='{"category": "payment_claimed", "urgency": "nor'))
    _ticket, draft = processed(PAID)
    assert draft is not None and "INV-2041" in draft.body
    assert "Invalid JSON" in events("triage.fallback")[0].details["reason"]


@WAYS
def test_the_policy_has_the_last_word_over_a_model_that_calls_a_bank_change_low_risk(
    account, model, stream
):
    model.default_answer = GOOD_ANSWER | {
        "category": "support_question",
        "risk": "low",
        "draft_reply": "Hallo Anna,\n\nIhre neuen Bankdaten sind gespeichert.\n\nAcme Supplies",
    }
    ticket, draft = processed(
        "Hallo, bitte überweisen Sie künftig auf unser neues Konto, IBAN DE02 1203 0000 0000 "
        "2020 51. Die alte Bankverbindung ist nicht mehr gültig. Anna",
        subject="Neue Bankverbindung",
    )
    assert draft is None
    assert ticket.needs_human and ticket.risk == "high"
    assert events("policy.escalated")


@WAYS
def test_a_rate_limited_model_is_asked_again_after_its_retry_after(account, model, stream):
    model.default_answer = PAYMENT_ANSWER | {"draft_reply": GROUNDED_DRAFT}
    model.script += [Reply.rate_limited(retry_after="1"), Reply.server_error()]
    _ticket, draft = processed(PAID)
    assert len(model.requests) == 3
    assert model.arrivals[1] - model.arrivals[0] >= 0.95
    assert draft.body == GROUNDED_DRAFT and events("triage.fallback") == []
