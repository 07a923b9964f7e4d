"""Which language a customer wrote in, so the reply is written in it. PURE: text in, a value out.

The detector is lingua's, restricted to the 40 languages a small European business hears from and
in its low-accuracy mode (trigram models only): all 75 of its languages at high accuracy take
1.3 GB and seconds to load, far beyond the forked workers' budget, where these take some 40 MB,
load only the models of the scripts a message is written in, and answer in a few hundredths of
a millisecond. It is built once per process, on first use, under a lock, so that threads share
one.

Before it reads the text, what misleads a detector is taken out: quoted history ("> ..."), links,
addresses, anything with a digit in it (invoice numbers, amounts, dates, phone numbers), words in
capitals (SKUs, "PDF", "INV") and the English words of trade customers use in every language
("die Invoice ist paid", "le tracking ne marche pas"). A detector asked about "Danke" or "ok"
still answers, and answers at random; so an answer counts only when there are enough words, the
best language is clearly ahead of the next, and sure enough on its own. Otherwise the caller's
`default` stands: the language of the customer's earlier messages, or the business's own
(settings.DEFAULT_LANGUAGE).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from mailagent.wording import DRAFT_LANGUAGES

#: What the detector chooses from: the EU's languages and its neighbours', and those of the
#: larger communities a European shop serves. Latin and Esperanto are left out on purpose: short
#: business text in any Romance language is often "closest" to them.
LANGUAGES: tuple[Language, ...] = (
    Language.ENGLISH, Language.GERMAN, Language.FRENCH, Language.SPANISH, Language.ITALIAN,
    Language.PORTUGUESE, Language.DUTCH, Language.POLISH, Language.CZECH, Language.SLOVAK,
    Language.SLOVENE, Language.CROATIAN, Language.SERBIAN, Language.HUNGARIAN,
    Language.ROMANIAN, Language.BULGARIAN, Language.GREEK, Language.DANISH, Language.SWEDISH,
    Language.BOKMAL, Language.FINNISH, Language.ESTONIAN, Language.LATVIAN,
    Language.LITHUANIAN, Language.WELSH, Language.CATALAN, Language.ALBANIAN,
    Language.UKRAINIAN, Language.RUSSIAN, Language.TURKISH, Language.ARABIC, Language.HEBREW,
    Language.PERSIAN, Language.URDU, Language.HINDI, Language.CHINESE, Language.JAPANESE,
    Language.KOREAN, Language.VIETNAMESE, Language.INDONESIAN,
)  # fmt: skip

#: Fewer words than this is a greeting or a thank-you: any language's trigrams fit it.
MIN_WORDS = 3
#: The best language's share of the confidence, and its lead over the next, below which the
#: detector is guessing (tuned on tests/agents/language_samples.py).
MIN_CONFIDENCE = 0.6
#: Below this, a reading of a language no draft is written in gets a second opinion
#: (`_second_opinion`): a mistake there costs the customer their draft.
SURE_UNDRAFTED = 0.9
MIN_MARGIN = 0.3
#: The start of a long message says its language; reading more costs time and says nothing new.
MAX_CHARACTERS = 300

_NAMES = {Language.BOKMAL: "Norwegian", Language.SLOVENE: "Slovenian"}

_QUOTED = re.compile(r"^[ \t]*>.*$", re.MULTILINE)
_MISLEADING = re.compile(
    r"(?:https?://|www\.)\S+"  # links
    r"|\S+@\S+"  # addresses
    r"|\S*\.[^\W_]{2,5}\b"  # order.xlsx, acme.example, z.B.
    r"|\S*\d\S*"  # INV-1042, 1.234,50, 2026-03-05, +49 30 1234567, E-04
)
# What `_MISLEADING` matches never spans a space, needs no context beyond its run of
# non-spaces, and holds a digit, ".", "@" or ":": it is looked for only in such runs (found from
# their first character, with no backtracking through the others), three times faster than
# trying its four alternatives at every position of the text, with the same result.
_SUSPECT = re.compile(r"(?<!\S)[^\s\d.@:]*[\d.@:]\S*")
_CAPITALS = re.compile(r"\b[A-Z][A-Z&/-]+\b")  # SKU, PDF, VAT, a company's "BV" or "SARL"
_WORD = re.compile(r"[^\W\d_]+")

#: English words of trade that customers write in any language ("le tracking ne marche pas",
#: "die Invoice ist paid"): read as English, three of them outweigh a short French sentence's
#: own words, so they are not read at all. An English message keeps its grammar without them.
LOANWORDS = frozenset(
    {
        "account", "app", "backup", "booking", "business", "call", "cash", "checkout", "chat",
        "click", "cloud", "customer", "deadline", "delivery", "design", "discount", "download",
        "email", "feedback", "follow", "hardware", "hello", "hi", "invoice", "invoices", "job",
        "laptop", "link", "login", "mail", "manager", "marketing", "meeting", "newsletter",
        "number", "office", "ok", "okay", "online", "order", "paid", "password", "payment",
        "portal", "printer", "refund", "reminder", "sale", "sales", "server", "service",
        "shipping", "shop", "smartphone", "software", "status", "stock", "store", "support",
        "tablet", "team", "thanks", "ticket", "tracking", "update", "updates", "upgrade",
        "upload", "voucher", "website", "weekend",
    }
)  # fmt: skip
_LOANWORDS = re.compile(r"\b(?:" + "|".join(sorted(LOANWORDS)) + r")\b", re.IGNORECASE)
# What `_LOANWORDS` matches is always a whole run of word characters (a word boundary on both
# sides of letters): so each run is looked up in the set instead, about six times faster than
# trying the 75 alternatives at every word boundary. A run with letters beyond ASCII is matched
# by the pattern itself, whose case-blind matching knows more than str.lower (a long s, U+017F).
_RUN = re.compile(r"\w+")
# Scripts written without spaces between words: a word is about two characters there.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


@dataclass(frozen=True)
class DetectedLanguage:
    """A language a text is in: its ISO 639-1 code ("it"), English name ("Italian"), the
    detector's confidence (0..1), and whether it was sure enough to act on. When it was not,
    `code` and `name` are the default the caller gave and `confidence` the detector's best
    (0 when there were too few words to ask it). The confidence is rounded to four places: the
    detector's last digits vary from call to call, and nothing decides on them."""

    code: str
    name: str
    confidence: float
    reliable: bool


_detector: LanguageDetector | None = None
_lock = threading.Lock()


def _built() -> LanguageDetector:
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                # Every model loaded at once (about 0.1 s, 51 MB) rather than one by one under
                # this lock while other threads wait.
                _detector = (
                    LanguageDetectorBuilder.from_languages(*LANGUAGES)
                    .with_low_accuracy_mode()
                    .with_preloaded_language_models()
                    .build()
                )
    return _detector


def detector_load() -> None:
    """Load the detector now: a process about to fork its workers shares it with them."""
    _built()


def language_name(code: str) -> str:
    """The English name of an ISO 639-1 code ("de" -> "German"); the code itself if unknown."""
    if code in DRAFT_LANGUAGES:
        return DRAFT_LANGUAGES[code]
    try:
        language = Language.from_iso_code_639_1(IsoCode639_1.from_str(code))
    except ValueError:
        return code
    return _NAMES.get(language, language.name.title())


def readable_text(text: str) -> str:
    """The words of `text` a detector should read: no quoted history, links, addresses, words
    with digits, words in capitals or English words of trade (`LOANWORDS`)."""
    # Quotes, links and the like are cut from a generous start first, so a long message costs
    # no more than a short one.
    start = (text or "")[: MAX_CHARACTERS * 8]
    plain = _plain(_QUOTED.sub(" ", start))[:MAX_CHARACTERS]
    capitals = sum(map(str.isupper, plain))
    if capitals * 2 > sum(map(str.isalpha, plain)):
        plain = plain.lower()  # a message in capitals: its words, not its acronyms
    else:
        plain = _CAPITALS.sub(" ", plain)
    return _RUN.sub(_without_loanword, plain)


def _plain(text: str) -> str:
    """`text` with what `_MISLEADING` matches replaced by a space (see `_SUSPECT`)."""
    return _SUSPECT.sub(lambda run: _MISLEADING.sub(" ", run.group()), text)


def _without_loanword(run: re.Match[str]) -> str:
    word = run.group()
    if word.isascii():
        return " " if word.lower() in LOANWORDS else word
    return " " if _LOANWORDS.fullmatch(word) else word


def _word_count(text: str) -> int:
    return len(_WORD.findall(text)) + len(_UNSPACED.findall(text)) // 2


#: Function words of each drafting language that its neighbours (Italian, Portuguese, Catalan,
#: Dutch, the Scandinavian languages) do not write: the quick first reading.
_OWN_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "and",
            "you",
            "your",
            "our",
            "are",
            "have",
            "has",
            "with",
            "for",
            "this",
            "that",
            "please",
            "would",
            "could",
            "will",
            "what",
            "when",
            "how",
            "there",
            "been",
            "can",
        ]
    ),
    "de": frozenset(
        [
            "und",
            "ich",
            "wir",
            "nicht",
            "ist",
            "das",
            "die",
            "mit",
            "für",
            "auf",
            "bitte",
            "danke",
            "haben",
            "wird",
            "eine",
            "einen",
            "auch",
            "noch",
            "uns",
            "unser",
            "unsere",
            "ihre",
            "bei",
            "zum",
            "zur",
            "können",
            "möchten",
            "sehr",
            "gibt",
            "sie",
            "dem",
        ]
    ),
    "fr": frozenset(
        [
            "des",
            "du",
            "et",
            "est",
            "nous",
            "vous",
            "votre",
            "vos",
            "pour",
            "dans",
            "avec",
            "une",
            "sur",
            "pas",
            "qui",
            "mais",
            "merci",
            "bonjour",
            "notre",
            "nos",
            "au",
            "aux",
            "cette",
            "sont",
            "avons",
            "pouvez",
            "je",
            "ne",
            "le",
            "les",
        ]
    ),
    "es": frozenset(
        [
            "los",
            "las",
            "y",
            "está",
            "usted",
            "muy",
            "pero",
            "gracias",
            "hola",
            "nuestro",
            "nuestra",
            "nuestros",
            "nuestras",
            "hemos",
            "tenemos",
            "podría",
            "podrían",
            "también",
            "cuando",
            "el",
            "es",
            "su",
            "sus",
        ]
    ),
}
#: The quick reading decides alone when the best language has this many of its own words and
#: this many times the next one's; otherwise lingua reads the text.
QUICK_WORDS, QUICK_LEAD = 4, 4


def _quick(readable: str) -> str | None:
    """The drafting language a text is plainly written in, by its function words, or None. Most
    mail is plainly in one of them: the detector (51 MB of models in each worker process, about
    0.2 ms a message) is then not needed at all."""
    words = readable.casefold().split()
    if len(words) < 2 * QUICK_WORDS:
        return None
    counts = sorted(
        ((sum(w.strip(".,;:!?¿¡()\"'") in own for w in words), code)
         for code, own in _OWN_WORDS.items()),
        reverse=True,
    )  # fmt: skip
    (best, code), (second, _) = counts[0], counts[1]
    return code if best >= QUICK_WORDS and best >= QUICK_LEAD * max(second, 1) else None


def detect_language(text: str, *, default: str = "en") -> DetectedLanguage:
    """The language `text` is written in, or `default` (reliable=False) when it cannot be told:
    too few words, or no language clearly ahead. Text plainly in a drafting language is told by
    its function words (`_quick`); any other goes to lingua."""
    default = default.lower()
    readable = readable_text(text)
    quick = _quick(readable)
    if quick is not None:
        return DetectedLanguage(quick, language_name(quick), 1.0, True)
    confidence = 0.0
    if _word_count(readable) >= MIN_WORDS:
        values = _built().compute_language_confidence_values(readable)
        if values:
            best, runner_up = values[0], values[1].value if len(values) > 1 else 0.0
            confidence = best.value
            code = best.language.iso_code_639_1.name.lower()
            if code not in DRAFT_LANGUAGES and confidence < SURE_UNDRAFTED:
                second = _second_opinion(text)
                if second is not None:
                    return second
            if confidence >= MIN_CONFIDENCE and confidence - runner_up >= MIN_MARGIN:
                return DetectedLanguage(code, language_name(code), round(confidence, 4), True)
    return DetectedLanguage(default, language_name(default), round(confidence, 4), False)


def _second_opinion(text: str) -> DetectedLanguage | None:
    """A drafting language read in the text with its English trade words left in, when the first
    reading (without them) found a language no draft is written in and was not sure of it: "Hi,
    are you open on the 26th? We need a delivery. Luis" loses "Hi" and "delivery" and reads as
    Dutch. None when the second reading agrees, or is no surer."""
    start = (text or "")[: MAX_CHARACTERS * 8]
    plain = _CAPITALS.sub(" ", _plain(_QUOTED.sub(" ", start))[:MAX_CHARACTERS])
    values = _built().compute_language_confidence_values(plain)
    if not values:
        return None
    best, runner_up = values[0], values[1].value if len(values) > 1 else 0.0
    code = best.language.iso_code_639_1.name.lower()
    if (
        code in DRAFT_LANGUAGES
        and best.value >= MIN_CONFIDENCE
        and best.value - runner_up >= MIN_MARGIN
    ):
        return DetectedLanguage(code, language_name(code), round(best.value, 4), True)
    return None
