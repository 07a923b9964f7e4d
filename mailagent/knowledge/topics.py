"""Business topics across languages: the words that say what a message or a passage is about.

A customer who asks how to "send them back" means returns; one who asks about "Versand",
"envío" or "shipping" means delivery, and the passage that answers says "delivered" or
"Lieferung". Stemming does not bring these together, and the passage's own words are not the
customer's. So each topic of a small business's folder (delivery, returns, refunds, opening
hours and holidays, prices, discounts and minimum orders, payment and its terms, accounts,
invoices and statements, order changes, damaged or wrong items, samples, care, ...) has its words
in English, German, French and Spanish (topicwords.py), and a text that holds one of them also
holds the topic's token: query expansion, done on both sides, the same way. The token is the same
in every language, so a German question about "Lieferzeiten" shares a topic with an English
passage on delivery times.

A topic's words are normalised like any text (terms.py), so "delivered" and "deliveries" both
yield delivery. A phrase ("send back", "opening hours", "fiche de données de sécurité") is
matched on its words in a row; its words then yield only the phrase's topics ("bank transfer" is
a payment, not bank details; "open an account" is not opening hours). German joins words: a
German term that starts with a topic word of at least MIN_COMPOUND_PART characters, or ends with
a topic noun (written capitalised in topicwords.py) that long, the rest being as long, holds that
topic too ("Einfuhrumsatzsteuer": customs and tax; "Lieferadresse": delivery and address;
"Versandkosten": delivery and price). Only a noun ends a compound: "ungeöffnet" is no "öffnen".

Four topics are aspects rather than subjects: a price, a time, customs duties and tax
(ASPECTS) are asked of something else ("what would the printing cost and how long would it
take?", "will we pay import VAT or duty on the delivery?"), so they do not say what a passage or
a question is about (relevance.py). A question that names only aspects is answered by a passage
that holds one: the delivery costs that say "import duties and taxes are included", under a
heading that names delivery, answer "will we get hit with import VAT at the door?", which no
heading about customs ever would in a folder that has none.

A passage that states a length of time answers "how long": a number followed by a unit of time
("3 years", "30 Tage", "5 à 10 jours", "48 horas") gives it the timing aspect (`durations`), so
that "how long do the gloves keep?" finds "unopened, they keep for 3 years" though the passage
says no other word of time. Read on the passage's own text (terms.py drops one-digit numbers),
and on passages only: a customer's "3 days ago" says when, not what is asked. The units count
only after a number: "hours" alone is opening hours, or nothing.

Tokens are TOPIC_MARK and the topic's name without spaces: "_delivery". No word can look like
one, because terms.py's words hold letters and digits only.

PURE: no settings, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from mailagent.knowledge.compounds import COMPOUNDING
from mailagent.knowledge.stopwords import fold
from mailagent.knowledge.terms import terms
from mailagent.knowledge.topicwords import ASKED_ONLY, TOPIC_WORDS

TOPIC_MARK = "_"
#: A German compound's part must be this long to count as a topic word, and so must the rest:
#: "Karton" does not start with "Karte".
MIN_COMPOUND_PART = 4


def topic_token(topic: str) -> str:
    """The search token of a topic: "order change" -> "_orderchange"."""
    return TOPIC_MARK + topic.replace(" ", "")


def topic_name(token: str) -> str:
    """A topic token as people read it: "_customprinting" -> "custom printing"."""
    bare = token.removeprefix(TOPIC_MARK)
    return next((t for t in TOPIC_WORDS if t.replace(" ", "") == bare), bare)


def is_topic(term: str) -> bool:
    return term.startswith(TOPIC_MARK)


#: The topics that say what is asked of a subject, not what it is.
TIMING = topic_token("timing")
ASPECTS = frozenset({topic_token("price"), TIMING, topic_token("customs"), topic_token("tax")})


#: A length of time in any of the four languages: a number (or a range of two), then its unit.
_DURATION = re.compile(
    r"\b\d+([.,]\d+)?(\s*(-|\u2013|to|or|à|a|ou|o|bis|oder)\s*\d+)?\s*"
    r"(years?|months?|weeks?|(working |business )?days?|hours?|minutes?|"
    r"jahre?n?|monate?n?|wochen?|(werk|arbeits)?tage?n?|stunden?|minuten?|"
    r"ans?|ann[ée]es?|mois|semaines?|jours?|heures?|"
    r"a[ñn]os?|mes(es)?|semanas?|d[íi]as?|horas?|minutos?)\b",
    re.IGNORECASE,
)


def durations(text: str) -> list[str]:
    """The timing aspect, once for each length of time `text` states ("3 years", "30 Tage")."""
    return [TIMING] * len(_DURATION.findall(text))


#: Held by a document that names no subject: what relevance.py's rule cannot judge by subject.
NO_SUBJECT = TOPIC_MARK + "none"


def subjects(terms_: Iterable[str]) -> frozenset[str]:
    """The topics among `terms_` that are subjects, not aspects."""
    return frozenset(t for t in terms_ if is_topic(t) and t not in ASPECTS and t != NO_SUBJECT)


class _Lexicon:
    """One language's topic words, normalised: single terms and phrases (tuples of terms)."""

    def __init__(self, language: str) -> None:
        singles: dict[str, set[str]] = {}
        nouns: dict[str, set[str]] = {}
        phrases: dict[tuple[str, ...], set[str]] = {}
        surfaces: dict[str, set[str]] = {}
        for topic, words in TOPIC_WORDS.items():
            token = topic_token(topic)
            for entry in words.get(language, "").split(","):
                normalised = tuple(terms(entry, language))
                if len(normalised) == 1:
                    singles.setdefault(normalised[0], set()).add(token)
                    surfaces.setdefault(normalised[0], set()).add(_surface(entry))
                    if entry.strip()[:1].isupper():
                        nouns.setdefault(normalised[0], set()).add(token)
                elif normalised:
                    phrases.setdefault(normalised, set()).add(token)
        self.singles = {word: tuple(sorted(tokens)) for word, tokens in singles.items()}
        #: How each word is written, for a compound's first part as short as a stem can be.
        self.surfaces = {word: tuple(sorted(forms)) for word, forms in surfaces.items()}
        self.nouns = {word: frozenset(tokens) for word, tokens in nouns.items()}
        self.phrases = {phrase: tuple(sorted(tokens)) for phrase, tokens in phrases.items()}
        self.starts = frozenset(phrase[0] for phrase in self.phrases)
        self.longest = max(map(len, self.phrases), default=1)
        self.compounding = language in COMPOUNDING

    def phrase_at(self, words: list[str], n: int) -> int:
        """The length of the longest phrase that starts at words[n], or 0."""
        if words[n] not in self.starts:
            return 0
        for size in range(min(self.longest, len(words) - n), 1, -1):
            if tuple(words[n : n + size]) in self.phrases:
                return size
        return 0

    def single(self, term: str) -> tuple[str, ...]:
        found = self.singles.get(term)
        if found is not None or not self.compounding:
            return found or ()
        return self._compound(term)

    @lru_cache(maxsize=65536)  # noqa: B019 - one lexicon per language, for the process's life
    def _compound(self, term: str) -> tuple[str, ...]:
        found: set[str] = set()
        for cut in range(MIN_COMPOUND_PART, len(term) - MIN_COMPOUND_PART + 1):
            first = term[:cut]
            # A first part as short as MIN_COMPOUND_PART is a stem that starts other words
            # too: it counts when the compound starts as the word is written ("Kartenzahlung"
            # with "Karte") or the rest is a topic word ("Fehllieferung"), not only as it is
            # stemmed ("kartonweise" with "kart": a Karton is a case, not a card).
            rest = term[cut:]
            if (
                cut > MIN_COMPOUND_PART
                or rest in self.singles
                or any(map(term.startswith, self.surfaces.get(first, ())))
            ):
                found.update(self.singles.get(first, ()))
            found |= self.nouns.get(rest, frozenset())
        return tuple(sorted(found))


def _surface(entry: str) -> str:
    """A topic word as a stemmed compound starts with it: folded as terms.py folds."""
    return fold(entry.strip().casefold().replace("ß", "ss"))


@lru_cache(maxsize=64)
def _lexicon(language: str) -> _Lexicon:
    return _Lexicon(language)


@lru_cache(maxsize=64)
def _asked_only(language: str) -> frozenset[str]:
    """The terms of `language` that name a topic in a question only (topicwords.ASKED_ONLY)."""
    found: set[str] = set()
    for words in ASKED_ONLY.values():
        for entry in words.get(language, "").split(","):
            found.update(terms(entry, language))
    return frozenset(found)


def passage_topics(words: list[str], language: str) -> list[str]:
    """The topic tokens of a passage's terms: `topics`, but for the words that name a topic
    only when a customer asks with them (topicwords.ASKED_ONLY: "on arrival" states no time)."""
    asked_only = _asked_only(language)
    return topics([w for w in words if w not in asked_only], language)


def topics(words: Iterable[str], language: str) -> list[str]:
    """The topic tokens of a text's terms (terms.py) in `language`: one per word or phrase that
    names a topic, repeats kept, as bm25 counts them."""
    return topics_named(words, language)[0]


def heading_names(heading: str, topic: str, language: str) -> bool:
    """Whether a passage's own heading (the last of its heading path, after any "\u203a")
    names `topic` ("Volume discounts" names "discount")."""
    own = heading.rsplit("\u203a", 1)[-1]
    return topic_token(topic) in topics_named(terms(own, language), language)[0]


def topics_named(words: Iterable[str], language: str) -> tuple[list[str], set[str]]:
    """The topic tokens of a text's terms, and the terms that named them (alone or in a phrase):
    those whose topic stands for them where a folder does not hold the word itself. The longest
    phrase is read first, and a phrase's words are not read again alone."""
    lexicon = _lexicon(language)
    words = list(words)
    found: list[str] = []
    named: set[str] = set()
    n = 0
    while n < len(words):
        size = lexicon.phrase_at(words, n)
        if size:
            found.extend(lexicon.phrases[tuple(words[n : n + size])])
            named.update(words[n : n + size])
            n += size
            continue
        single = lexicon.single(words[n])
        if single:
            found.extend(single)
            named.add(words[n])
        n += 1
    return found, named
