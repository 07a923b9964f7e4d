"""Text to search terms: the same normalisation for a passage and for a customer's question.

Retrieval matches words, so the words must meet halfway: lower-cased (case-folded: "ß" is "ss"),
stemmed with the Snowball stemmer of the text's language ("returns", "returned", "returning" are
all "return"; "Lieferung", "Lieferungen" are "lieferung"), then stripped of diacritics so that a
customer who types "Osterreich" finds "Österreich". Stemming comes before folding because the
French and Spanish stemmers read the accents. Stop words (mailagent/knowledge/stopwords.py) are
dropped, and so are one-letter tokens and tokens over MAX_TERM_CHARS (links, base64).

Three things are read before the words are split. Email addresses and links are contact data,
not words: "orders@acme.example" must not make a passage about "orders". A figure's thousands
separators are dropped, so that "5,000" (and the German "5.000") is one number, not a "000" that
every price list holds, and so are its cents: "$8.90" is not a "90" that "90 days" would find.
And a German infinitive with "zu" inside a separable verb loses it ("zurückzusenden" is searched
as "zurücksenden", "abzuholen" as "abholen"): only in a word written in lower case, since a noun
such as "Umzugskosten" is capitalised.

The stemmers are PyStemmer's (Snowball compiled to C, about 0.6 us a word; the pure-Python
snowballstemmer package takes about 39 us, which a long message would turn into milliseconds).
A PyStemmer object is not safe to share between threads, so each thread keeps its own. A language
Snowball has no stemmer for is matched on whole (folded) words.

PURE: no settings, no I/O.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import Stemmer
from babel import Locale, UnknownLocaleError

from mailagent.knowledge.stopwords import fold, stop_words

#: Longer tokens are links, hashes or base64, never words a question and a passage share.
MAX_TERM_CHARS = 40

_TOKEN = re.compile(r"[^\W_]+")
_CONTACT = re.compile(r"\S+@\S+|\b(?:https?://|www\.)\S+", re.IGNORECASE)
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}(?!\d))")
_CENTS = re.compile(r"(?<=\d)[,.]\d{1,2}(?![\d]|[,.]\d)")
#: German separable prefixes; "zu" between one and the verb's infinitive is the infix.
_SEPARABLE = (
    "ab an auf aus bei dar ein fest fort her heraus herein hin hinaus los mit nach vor vorbei "
    "weg weiter wieder zu zurück zurueck zusammen"
)
_ZU_INFIX = re.compile(rf"^({'|'.join(_SEPARABLE.split())})zu(\w{{3,}}(?:en|ern|eln))$")
_ALGORITHMS = frozenset(Stemmer.algorithms())
_local = threading.local()


@lru_cache(maxsize=64)
def stemmer_name(language: str) -> str | None:
    """Snowball's name for an ISO 639-1 code ("de": "german"), or None when it has none."""
    try:
        name = Locale("en").languages.get(language, "") if language else ""
    except UnknownLocaleError:  # pragma: no cover - "en" always exists
        return None
    name = name.lower().split(" ")[0]
    return name if name in _ALGORITHMS else None


def _stemmer(language: str) -> Stemmer.Stemmer | None:
    stemmers: dict[str, Stemmer.Stemmer | None] = getattr(_local, "stemmers", None) or {}
    _local.stemmers = stemmers
    if language not in stemmers:
        name = stemmer_name(language)
        stemmers[language] = Stemmer.Stemmer(name) if name else None
    return stemmers[language]


def terms(text: str, language: str, *, also_stop: tuple[str, ...] = ()) -> list[str]:
    """The search terms of `text` read as `language`, in order, repeats kept. `also_stop`
    names languages whose stop words are dropped too: a German question searched against
    English passages loses "die" and "und" before it is stemmed as English."""
    stops = stop_words(language, *also_stop)
    text = _CENTS.sub("", _THOUSANDS.sub("", _CONTACT.sub(" ", text)))
    words = [
        word
        for word in map(_word(language), _TOKEN.findall(text))
        if 1 < len(word) <= MAX_TERM_CHARS and fold(word) not in stops
    ]
    stemmer = _stemmer(language)
    if stemmer is not None:
        words = stemmer.stemWords(words)
    return [fold(word) for word in words]


def _word(language: str):
    """How a token is read in `language`: case-folded, and in German without a "zu" infix."""
    if language != "de":
        return str.casefold

    def german(token: str) -> str:
        word = token.casefold()
        if token == word and (infix := _ZU_INFIX.match(word)):
            return infix.group(1) + infix.group(2)
        return word

    return german
