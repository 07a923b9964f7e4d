"""The customer's language (mailagent.language): what a user notices is a reply in the wrong
language, or a short "Danke" answered in Danish, so that is what is tested, on customer-shaped
messages (tests/agents/language_samples.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from mailagent import language
from mailagent.agents.replies import reply_for
from mailagent.language import DetectedLanguage, detect_language, language_name
from mailagent.types import Address, Category, Tone, TriageContext
from tests.agents.language_samples import NAMES, SAMPLES, UNSURE

#: Messages the detector gets wrong, and what it reads them as; strict, so that a better detector
#: says so. Low-accuracy mode reads letter trigrams only: "gestoría" tips the first to Romanian,
#: and clipped informal English reads as Welsh or Swedish. None lands in a language drafts are
#: written in: each goes to a person without a draft ("no draft: written in Welsh"), never gets a
#: reply in the wrong language.
KNOWN_MISSES = {
    "Necesito una copia de la factura para mi gestoría, por favor.": "ro",
    "pls refnd the broken blender jar, photos attached. order 20677": "cy",
    "Hi, quick one - why has the oat milk gone up on our last bill?": "sv",
}

CASES = [(code, text) for code, texts in SAMPLES.items() for text in texts]


def _case(code: str, text: str):
    if text in KNOWN_MISSES:
        reason = f"detected as {KNOWN_MISSES[text]!r}"
        return pytest.param(code, text, marks=pytest.mark.xfail(strict=True, reason=reason))
    return pytest.param(code, text)


def test_every_language_has_a_dozen_varied_messages():
    assert set(SAMPLES) == {"en", "de", "fr", "es", "it", "pt", "nl", "pl"}
    assert {code: len(texts) for code, texts in SAMPLES.items() if len(texts) < 12} == {}


@pytest.mark.parametrize("code, text", [_case(code, text) for code, text in CASES])
def test_a_customer_message_is_read_in_its_own_language(code, text):
    found = detect_language(text, default="xx")
    assert (found.code, found.name, found.reliable) == (code, NAMES[code], True)
    assert 0.6 <= found.confidence <= 1.0


def test_the_set_is_read_right_at_least_97_percent_of_the_time():
    right = sum(detect_language(text).code == code for code, text in CASES)
    assert right / len(CASES) >= 0.97, f"{right} of {len(CASES)}"


def drafted_in(text: str, *, default: str = "en") -> str | None:
    """The language the rules backend drafts a reply to `text` in; None: no draft, a person."""
    context = TriageContext(
        subject="",
        text=text,
        customer=Address("c@example.com"),
        business_name="Acme Supplies",
        language=detect_language(text, default=default).code,
    )
    reply = reply_for(Category.SUPPORT_QUESTION, Tone.NEUTRAL, context)
    return reply.language if reply else None


def test_a_misread_message_never_gets_a_draft_in_the_wrong_language():
    for text, misread in KNOWN_MISSES.items():
        right = next(code for code, texts in SAMPLES.items() if text in texts)
        assert drafted_in(text) in (None, right), (text, misread)


@pytest.mark.parametrize("text", (*UNSURE, "Danke schön!", "Vielen Dank!", "Merci beaucoup !"))
def test_too_short_to_tell_is_the_default_and_says_so(text):
    found = detect_language(text, default="de")
    assert (found.code, found.name, found.reliable) == ("de", "German", False)


@pytest.mark.parametrize(
    "text, code",
    [
        ("Hallo, die Rechnung INV-1042 ist paid?", "de"),
        ("Hi, die Invoice ist noch nicht da, bitte resend.", "de"),
        ("Wir haben den Payment Link benutzt, aber der Checkout ist kaputt.", "de"),
        ("Guten Tag, unser Account Manager sagt, das Software Update kommt per E-Mail.", "de"),
        ("Bonjour, le tracking number ne marche pas sur votre website.", "fr"),
        ("Hola, el invoice del pedido online no ha llegado, thanks.", "es"),
        ("Ciao, il customer service non risponde da giorni.", "it"),
    ],
)
def test_english_words_of_trade_do_not_turn_a_message_english(text, code):
    assert detect_language(text).code == code


def test_an_english_message_stays_english_without_its_words_of_trade():
    found = detect_language("Hi, the tracking link for order 4471 is not working.", default="de")
    assert (found.code, found.reliable) == ("en", True)


def test_quoted_history_links_and_numbers_are_not_read():
    reply = (
        "Danke, wir haben die Rechnung erhalten und bezahlen sie morgen.\n\n"
        "> Dear customer, please find attached invoice INV-2231 for your order.\n"
        "> Kind regards, the accounts team at https://acme.example/accounts"
    )
    assert detect_language(reply).code == "de"
    only_references = "INV-1042 https://acme.example/invoice/1042 billing@acme.example 12.03.2026"
    assert detect_language(only_references, default="fr") == DetectedLanguage(
        "fr", "French", 0.0, reliable=False
    )


@pytest.mark.parametrize(
    "text, code",
    [
        ("PLEASE SEND THE INVOICE AGAIN ASAP", "en"),
        ("BITTE SCHICKEN SIE DIE RECHNUNG NOCHMAL", "de"),
    ],
)
def test_a_message_in_capitals_is_read_by_its_words(text, code):
    assert detect_language(text).code == code


@pytest.mark.parametrize(
    "text, default, drafted",
    [
        ("Könnten Sie mir bitte die Rechnung noch einmal schicken?", "en", "de"),
        ("¿Cuánto les debemos todavía y cuándo vence el pago?", "en", "es"),
        # Italian is detected, and drafts are not written in it: no draft, a person answers.
        ("Buongiorno, potreste rimandarmi la fattura per favore?", "fr", None),
        # Too short to tell: the thread's or the business's language.
        ("Danke", "es", "es"),
        ("ok", "it", None),
    ],
)
def test_a_reply_is_drafted_in_the_customers_language_when_drafts_are_written_in_it(
    text, default, drafted
):
    assert drafted_in(text, default=default) == drafted


@pytest.mark.parametrize(
    "code, name", [("de", "German"), ("it", "Italian"), ("nb", "Norwegian"), ("xx", "xx")]
)
def test_a_language_is_named_in_english(code, name):
    assert language_name(code) == name


def test_threads_starting_at_once_share_one_detector_and_agree(monkeypatch):
    monkeypatch.setattr(language, "_detector", None)
    texts = [text for _, text in CASES[:40]]
    with ThreadPoolExecutor(max_workers=8) as pool:
        first = list(pool.map(detect_language, texts))
        detectors = set(pool.map(lambda _: id(language._built()), range(16)))
    assert len(detectors) == 1
    assert first == [detect_language(text) for text in texts]
