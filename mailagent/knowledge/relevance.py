"""When a document answers a question, and when none does: the relevance rule of textindex.py.

bm25 orders documents; it does not say whether the best is any good: it ranks something first for
every question. A hit is kept only when it shares enough of what the question is about, measured
by weight, not by counting words. The question is read as concepts: its words, and the business
topics they name (topics.py: "send them back" and "Rücksendung" name returns). A word that names
a topic is that topic's, not a concept of its own: "ship" and delivery are one thing asked.

- A word weighs w(t) = idf(t) / idf_max, between 0 and 1, where
  idf(t) = ln(1 + (N - n + 0.5) / (n + 0.5)) (n documents of N in that language hold t) and
  idf_max is that of a term no document holds. Words the documents do not know weigh the most
  (1): "parrots" is the point of "do you sell parrots?", and no document has it. Words in every
  document weigh almost nothing. A number no document holds weighs 0: an order number or a date
  says which one, not what is asked (a model number the folder names counts like a word, but a
  hit needs at least one word that is not a number: "4411 12.03.2026" matches a price of 12).
- A subject (a topic that is not an aspect, topics.py) weighs as much as its idf says and at
  least MIN_TOPIC_WEIGHT: it is what the question asks, and outweighs the names of the things it
  asks about, though a common subject's idf is low. A message that names more than
  FULL_SUBJECTS subjects is about none of them as much: the least is shared out among them. A
  subject no document holds weighs 1, like an unknown word: the folder does not speak of it. An
  aspect (a price, a time) weighs its idf: it says what is asked of a subject, not which.
- A hit must carry, in the concepts it holds, at least MIN_SHARE of the question's weight when it
  holds one of them, MIN_SHARE_SEVERAL when it holds several (two concepts of a question in one
  passage say more than one). The question's weight is capped at FULL_QUESTION_WEIGHT (about
  three specific words), so that a long message (a story, a complaint) needs the weight of a
  short question's answer, not a share of everything it says.
- A question that names subjects is answered by a hit about one of them: a document is about the
  subjects its title (and the headings above it) name, or, when they name none, those its text
  names. A price list that names "copy paper" does not answer how to send copy paper back; a
  returns policy that excludes custom-printed cups does not say what printing them costs; and no
  passage answers a request for a safety data sheet because it names the product. A document
  that names no subject at all (the lexicon has none of its words) is a candidate only when no
  document about a subject asked answers. A question that names only aspects needs one of them.
- A message that tells a story around its question (question.py) is read as its question, the
  story's words weighing STORY_SHARE of what they would in what a hit carries, and nothing in
  what a hit must carry (the question's weight), and the story's topics not at all: a
  compliance binder "due" for review asks nothing about payment terms, but "three cases are
  unopened" helps the returns rule for unopened goods rank first.
- A question whose subjects no document holds is about what the folder does not speak of: it
  gets nothing, though a passage about no subject shares its product names ("could you send
  the spec sheet of the nitrile gloves?" is not answered by how to store them).
- A question that names one subject the folder holds, and no word it does not know weighing
  more than that subject, is answered by a passage whose own heading names the subject, when
  no passage carries enough: "could we get samples of your cups and salad boxes?" is answered
  by "Samples", though the cups and boxes are named only in the price list. Not "do you ship
  to Japan?": Japan, which no passage names, is the point.
- A place a delivery question names (a capitalised word after "to", "nach", "à", "a" in the
  question's language, or a country's name) that no document names weighs PLACE_WEIGHT: it
  says where, and the delivery areas answer "do you deliver to Scarborough?", or show by what
  they list that they do not.
  The place is then named on the best hit as a part the folder does not answer, so that a
  person confirms it (textindex.py).
- Searching documents of another language than the question's (the fallback to the folder's
  language), words of the question's own language are unknown by nature and weigh 0 (its topics
  do not: they are the same in every language); the hit must then also carry MIN_FOREIGN_WEIGHT
  (about two specific shared words, a product name, or a subject).

So "can I return it?" finds the returns passage (all its weight), "do you sell parrots?" finds
nothing though a passage says "we sell lamps" (sell: 0.4 of 1.4), "do you ship to Japan?" finds
nothing though the delivery passages are about shipping (Japan is the point), and neither does
"what is the meaning of life". tests/knowledge/test_relevance.py holds the examples the constants
were set on, and tests/knowledge/test_topics.py those of the topics.

PURE: term counts and sets of documents in, weights and sets of documents out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Container, Mapping
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache

from babel import Locale, UnknownLocaleError

from mailagent.knowledge.compounds import COMPOUNDING, with_parts
from mailagent.knowledge.question import asking_split
from mailagent.knowledge.terms import terms
from mailagent.knowledge.topics import (
    ASPECTS,
    NO_SUBJECT,
    is_topic,
    subjects,
    topic_token,
    topics_named,
)

_WHO_PAYS = re.compile(
    r"\b(who|qui|wer|qui[ée]n)\s+(pays?|paie|paye|prend en charge|zahlt|tr[äa]gt|[üu]bernimmt|"
    r"paga|corre con|asume)\b",
    re.IGNORECASE,
)
# "Will we have to pay import VAT?", "Porto zu zahlen", "des droits de douane à payer",
# "pagar aranceles": paying a charge asks about the charge (customs, tax, postage), which its
# own word names, not how to pay.
_CHARGE = (
    r"(?:duty|duties|vat|taxe?s?|customs|postage|fees?|charges?|z[öo]ll\w*|steuer\w*|mwst|"
    r"porto|geb[üu]hr\w*|droits?|douane|tva|frais|aranceles|arancel|aduanas?|impuestos?|iva|"
    r"portes|tasas?)"
)
_PAYS_A_CHARGE = re.compile(
    rf"\b(?:pay|paying|zahlen|bezahlen|payer|pagar)\W+(?:\w+\W+){{0,4}}?{_CHARGE}\b|"
    rf"\b{_CHARGE}\W+(?:\w+\W+){{0,3}}?(?:zu )?(?:zahlen|bezahlen|payer|pagar)\b",
    re.IGNORECASE,
)
# Unless the means are asked too: "can we pay the duties by card?" asks how to pay.
_PAYMENT_MEANS = re.compile(
    r"\b(?:card|cards|transfer|wire|cheque|check|paypal|cash|debit|karte\w*|kreditkarte|"
    r"[üu]berweisung|scheck|lastschrift|bar|carte|virement|ch[èe]que|esp[èe]ces|pr[ée]l[èe]vement|"
    r"tarjeta|transferencia|efectivo|domiciliaci[óo]n)\b",
    re.IGNORECASE,
)
_PAYMENT, _PRICE = topic_token("payment"), topic_token("price")
_DELIVERY = topic_token("delivery")
# "20% off", "15 percent off", "will the 10% come off?": a share off a price is a discount,
# though the word is not written (the other languages' words name it already: topicwords.py).
_SHARE_OFF = re.compile(r"\d\s?(?:%|per ?cent\b|pct\b)[^.?!\n]{0,30}?\boff\b", re.I)
_DISCOUNT = topic_token("discount")
_SHARE = re.compile(r"\b(\d+)(?:[.,]\d+)?\s?(?:%|per ?cent\b|pct\b)", re.I)

#: What a place named in a question weighs when no document names it: a city or a country
#: says where, as a number says which ("do you deliver to Scarborough?" is a delivery question,
#: and the delivery areas answer it, or say by what they list that they do not).
PLACE_WEIGHT = 0.25
# A place: a capitalised word or two after a word that says where ("to Boston", "nach
# Leipzig", "à Lyon", "en Suisse", "a Málaga"), or a country's name in the question's language.
_PLACE = r"(?P<place>[A-ZÀ-ÖØ-Þ][\w'\u2019-]+(?:[ -](?:[A-ZÀ-ÖØ-Þ][\w'\u2019-]+|[A-Z]{2}\b))?)"
#: The words that say where, per language: "a" and "en" are Spanish and French, not English.
_WHERE = {
    language: re.compile(rf"\b(?:{words})\s+{_PLACE}")
    for language, words in {
        "en": "to|in|into|from|near|around",
        "de": "nach|in|aus|bei",
        "fr": "à|au|aux|en|vers|pour|depuis",
        "es": "a|en|hasta|hacia|para|desde",
    }.items()
}


@lru_cache(maxsize=8)
def _countries(language: str) -> dict[str, tuple[tuple[tuple[str, ...], str], ...]]:
    """The countries' names in `language` (babel's territories) as terms, and as written, by
    their first term."""
    try:
        names = Locale.parse(language).territories.values()
    except (UnknownLocaleError, ValueError):
        return {}
    found: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for name in names:
        if parts := tuple(terms(name, language)):
            found.setdefault(parts[0], []).append((parts, name))
    return {first: tuple(named) for first, named in found.items()}


def places_named(
    text: str, language: str, words: list[str] | None = None, *, towns: bool = True
) -> dict[str, str]:
    """The terms of the places `text` names (countries by name and, with `towns`, the pattern
    above), each with the place as written; `words`: `text`'s terms, when the caller has
    them."""
    where = _WHERE.get(language) if towns else None
    found = {
        t: m.group("place")
        for m in (where.finditer(text) if where else ())
        for t in terms(m.group("place"), language)
    }
    words = terms(text, language) if words is None else words
    countries = _countries(language)
    for n, word in enumerate(words):
        for parts, name in countries.get(word, ()):
            if tuple(words[n : n + len(parts)]) == parts:
                found.update((t, name) for t in parts)
    return found


# An amount of money ("$100-120 a week", "100 o 200 dólares", "1.500 €") says how much the
# customer spends, not which product: "box of 100" in a price list is no answer to it.
_MONEY = re.compile(
    r"(?:[$€£]\s*(?P<after>\d[\d.,]*(?:\s*(?:-|\u2013|to|or|o|ou|oder|bis)\s*\d[\d.,]*)?))|"
    r"(?P<before>\d[\d.,]*(?:\s*(?:-|\u2013|to|or|o|ou|oder|bis)\s*\d[\d.,]*)?)\s*"
    r"(?:\$|€|£|usd|eur|gbp|dollars?|d[óo]lares|euros?|pounds)(?!\w)",
    re.IGNORECASE,
)
# A number of an address ("Suite 400", "1 Monument Square", "Hausnummer 12", "3e étage") says
# where, not what: "please deliver to Suite 400" is not the $400 of free shipping.
_ADDRESS_NUMBER = re.compile(
    r"\b(?:suite|unit|apt|apartment|floor|room|building|bldg|po box|box|no|nr|number|"
    r"zimmer|raum|etage|stock|bureau|b[âa]timent|bloc|oficina|piso|planta|local|portal)"
    r"\.?\s*#?\s*(?P<after>\d+)\b|"
    r"\b(?P<before>\d+)\s*(?:[a-z]\s+)?(?:street|st|avenue|ave|road|rd|lane|ln|square|sq|"
    r"drive|dr|boulevard|blvd|way|place|pl|court|ct|stra(?:ss|ß)e|str|weg|platz|gasse|allee|"
    r"rue|avenue|bd|calle|avenida|plaza|paseo)\b",
    re.IGNORECASE,
)
_MEASURE = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*-?\s*(?P<unit>lbs?|oz|kg|g|mg|ml|cl|dl|l|litres?|liters?|gal|"
    r"gallons?|cm|mm|m|in|inch(?:es)?|ft|pcs?|x|gr|gramm?|grammes?|gramos?|kilos?|pounds?|"
    r"ounces?|unzen|onzas?|zoll|pouces?|pulgadas?|st(?:ück|k)?)\b",
    re.IGNORECASE,
)

#: What a word of the story around a question weighs, as a share of its weight in the question
#: (question.py: asking_split).
STORY_SHARE = 0.5
MIN_SHARE = 0.5
MIN_SHARE_SEVERAL = 0.35
FULL_QUESTION_WEIGHT = 3.0
MIN_FOREIGN_WEIGHT = 0.6
MIN_TOPIC_WEIGHT = 0.75
FULL_SUBJECTS = 3
#: At most this many of the query's words the documents hold count, the heaviest, with its
#: aspects and its FULL_SUBJECTS heaviest subjects: a long message's commonest words cost time
#: (they match most rows) and seldom decide anything.
MAX_QUERY_TERMS = 8


def idf_weight(held: int, total: int) -> float:
    """idf(t) / idf_max for a term `held` by that many of `total` documents."""
    idf = math.log(1 + (total - held + 0.5) / (held + 0.5))
    return idf / math.log(1 + (total + 0.5) / 0.5)


@dataclass(frozen=True)
class Question:
    """A query as the rule reads it against one language's documents."""

    #: Its concepts (words and topics), each with its weight.
    weights: dict[str, float]
    #: The concepts the documents hold that count, heaviest first (MAX_QUERY_TERMS).
    known: tuple[str, ...]
    #: Every term of the query the documents hold, concepts and the words that named topics:
    #: what bm25 ranks on (the business's own word scores above its synonym).
    ranked: frozenset[str]
    #: The subjects it names, and the aspects (topics.ASPECTS).
    subjects: frozenset[str]
    aspects: frozenset[str]
    #: What it weighs, capped at FULL_QUESTION_WEIGHT, and the least a hit carries.
    weight: float
    floor: float
    #: The subjects it names that some document holds, and the weight of its words that no
    #: document holds.
    held_subjects: frozenset[str] = frozenset()
    unknown: float = 0.0
    #: Of that, the weight of the words no document holds among those that ask (not the story's).
    asked_unknown: float = 0.0
    #: The places it names that no document holds: a passage about where the business delivers
    #: answers, and a person confirms whether that place is among them.
    unknown_places: tuple[str, ...] = ()
    #: Whether its asking sentences were told apart from a story (question.py): only then are
    #: its subjects what it asks, rather than everything the message mentions.
    focused: bool = False

    @cached_property
    def needed(self) -> tuple[float, float]:
        """What a hit holding one concept carries at least, and one holding several."""
        return (
            max(MIN_SHARE * self.weight, self.floor),
            max(MIN_SHARE_SEVERAL * self.weight, self.floor),
        )

    def within(self, whole: Question) -> Question:
        """A part of `whole` that names no subject, read as asking of the subjects the whole
        names that the documents hold: "how long does it take to get here?" under "what would
        shipping to Cambridge cost?" asks how long shipping takes."""
        added = {s: whole.weights[s] for s in whole.held_subjects if s not in self.weights}
        if not added:
            return self
        weights = {**self.weights, **added}
        return replace(
            self,
            weights=weights,
            known=tuple(sorted({*self.known, *added}, key=lambda t: -weights[t])),
            ranked=self.ranked.union(added),
            subjects=self.subjects.union(added),
            held_subjects=self.held_subjects.union(added),
            weight=min(self.weight + sum(added.values()), FULL_QUESTION_WEIGHT),
        )

    def held_to(self, other: Question) -> Question:
        """The question held to the bar `other` set: its weight, if lighter, and its floor."""
        return replace(self, weight=min(self.weight, other.weight), floor=other.floor)


def question_read(
    query: str,
    language: str,
    *,
    query_language: str | None,
    frequency: Mapping[str, int],
    total: int,
    vocabulary: Container[str] | None = None,
) -> Question:
    """`query` read against documents in `language`, of which `total` are indexed and
    `frequency` says how many hold each term; `query_language` is the query's own language when
    it is another. A compound of the query is split at the words of `vocabulary` (compounds.py;
    by default, those `frequency` counts)."""
    foreign = query_language not in (None, language)
    own_language = query_language if foreign and query_language else language
    query, story = asking_split(query, own_language)
    parts = vocabulary if vocabulary is not None else frequency

    def read(text: str) -> tuple[list[str], list[str], set[str]]:
        words = terms(text, language, also_stop=(own_language,) if foreign else ())
        if language in COMPOUNDING:
            words = with_parts(words, parts)
        own = terms(text, own_language) if foreign else words
        found, named = topics_named(own, own_language)
        return words, found, named

    words, found, named = read(query)
    if _WHO_PAYS.search(query):
        # "Who pays the return shipping?" asks what it costs, not how to pay.
        found = [t for t in found if t != _PAYMENT] + [_PRICE]
    elif _PAYS_A_CHARGE.search(query) and not _PAYMENT_MEANS.search(query):
        found = [t for t in found if t != _PAYMENT]
    if _SHARE_OFF.search(query):
        found = [*found, _DISCOUNT]
    # A unit after a number ("5 lb bags", "12 oz cups", "a 2-litre jug") says how much, like
    # the number: it weighs nothing, or a price list would answer any question with a weight.
    measures = {
        t for m in _MEASURE.finditer(f"{query}\n{story}") for t in terms(m.group("unit"), language)
    }
    # So do the numbers of an amount of money and of an address (`_MONEY`, `_ADDRESS_NUMBER`).
    measures.update(
        t
        for pattern in (_MONEY, _ADDRESS_NUMBER)
        for m in pattern.finditer(f"{query}\n{story}")
        for t in terms(m.group("after") or m.group("before"), language)
        if t.isdigit()
    )
    # A share ("20%", "8 %") is no product's number: "the 20% off" is not the 20 lb paper.
    measures.update(m.group(1) for m in _SHARE.finditer(f"{query}\n{story}"))
    asked = [t for t in dict.fromkeys(words) if t not in named and t not in measures]
    about = frozenset(found)
    # The story's words (not its topics, nor those that named them), at STORY_SHARE.
    story_words, _, story_named = read(story) if story else ([], [], set())
    told = [
        t
        for t in dict.fromkeys(story_words)
        if t not in story_named and t not in asked and t not in measures
    ]
    # A message about many things is about none of them as much as a question about one.
    topic_floor = MIN_TOPIC_WEIGHT * min(1.0, FULL_SUBJECTS / max(1, len(subjects(about))))

    # The query's own terms serve the country names, where compounds were not split into them.
    plain = words if not foreign and language not in COMPOUNDING else None
    # A town is read as one in a delivery question only: elsewhere "to Sarah" is no place.
    places = places_named(query, own_language, plain, towns=_DELIVERY in about)

    def weight(term: str) -> float:
        held = frequency.get(term, 0)
        if term in places and not held:
            return PLACE_WEIGHT
        if is_topic(term) and term not in ASPECTS:
            return max(idf_weight(held, total), topic_floor) if held else 1.0
        if (foreign and (term.isdigit() or not held)) or (term.isdigit() and not held):
            return 0.0
        return idf_weight(held, total)

    weights = {t: weight(t) for t in [*asked, *sorted(about)]}
    bar = min(sum(weights.values()), FULL_QUESTION_WEIGHT)
    asked_unknown = sum(w for t, w in weights.items() if not is_topic(t) and t not in frequency)
    weights.update((t, weight(t) * STORY_SHARE) for t in told if t not in weights)
    known = sorted((t for t in weights if t in frequency), key=lambda t: -weights[t])
    words = [t for t in known if not is_topic(t)][:MAX_QUERY_TERMS]
    # The subjects the first line names (the subject line, where the caller put it first) say
    # what the message is about: they count before heavier ones its story happens to name
    # ("Missing napkins from last week's delivery" over the "holiday bake sale").
    headline = set(read(query.partition("\n")[0])[1])
    themes = sorted(
        (t for t in known if is_topic(t) and t not in ASPECTS), key=lambda t: t not in headline
    )[:FULL_SUBJECTS]
    return Question(
        weights=weights,
        known=tuple(t for t in known if t in ASPECTS or t in words or t in themes),
        ranked=frozenset(known).union(t for t in named if t in frequency),
        subjects=subjects(about),
        aspects=about & ASPECTS,
        weight=bar,
        floor=MIN_FOREIGN_WEIGHT if foreign else 0.0,
        held_subjects=frozenset(t for t in subjects(about) if t in frequency),
        unknown=sum(w for t, w in weights.items() if not is_topic(t) and t not in frequency),
        asked_unknown=asked_unknown,
        focused=bool(story),
        unknown_places=tuple(sorted({n for t, n in places.items() if t not in frequency})),
    )


def answering(
    question: Question,
    *,
    holding: Callable[[str], int],
    about: Callable[[str], int],
    everything: int,
    headed: Callable[[str], int] | None = None,
) -> list[tuple[float, int]]:
    """The documents that answer, by the rule (the module's docstring), grouped by the concepts
    they hold: (the weight they carry, the documents as the bits of an integer), heaviest
    first. Documents are sets of bits too (document n is bit n): `holding(term)` those that
    hold a term, `about(subject)` those about a subject, `everything` all of them. Those about
    a subject asked answer first; when none does, those that name none (NO_SUBJECT) may."""
    if not question.known or question.weight <= 0:
        return []
    if question.subjects:
        if not question.held_subjects:
            return []
        asked = 0
        for subject in question.subjects:
            asked |= about(subject)
        found = _grouped(question, holding, asked) or _grouped(
            question, holding, holding(NO_SUBJECT)
        )
        if headed is None or len(question.held_subjects) != 1:
            return found
        (subject,) = question.held_subjects
        # "Do you ship to Japan?": Japan, which no passage names, is the point. What the story
        # around the question tells ("a friend told me") is not.
        if question.asked_unknown > question.weights[subject]:
            return found
        # The passages whose own heading names the one subject asked answer it, beside those
        # that carry more of the question's words: "can you confirm the discount?" is answered
        # by "Volume discounts", though "Samples" shares more words with the story around it
        # (both sit under a heading that names discounts).
        rows = headed(subject)
        if not rows:
            return found
        rest = [(w, r & ~rows) for w, r in found if r & ~rows]
        return [(question.weights[subject], rows), *rest]
    if question.aspects:
        holders = 0
        for aspect in question.aspects:
            holders |= holding(aspect)
        return _grouped(question, holding, holders)
    return _grouped(question, holding, everything)


def _grouped(
    question: Question, holding: Callable[[str], int], among: int
) -> list[tuple[float, int]]:
    """The documents of `among` that carry enough, grouped by the concepts they hold: found by
    splitting `among` on each concept in turn (those that hold it, those that do not), heaviest
    first, no further where no document is left or the lighter concepts could not make up what
    is missing. Set operations on integers: a split costs well under a microsecond."""
    known = question.known
    weights = [question.weights[t] for t in known]
    numbers = [t.isdigit() for t in known]
    # rest[m]: what the m-th concept and all lighter ones weigh together.
    rest = [0.0] * (len(known) + 1)
    for m in range(len(known) - 1, -1, -1):
        rest[m] = rest[m + 1] + weights[m]
    alone, several = question.needed
    groups: list[tuple[float, int]] = []

    def split(m: int, carried: float, count: int, words: int, rows: int) -> None:
        if carried + rest[m] < several:
            return
        if m == len(known):
            if words and carried >= (alone if count == 1 else several):
                groups.append((carried, rows))
            return
        held = holding(known[m])
        if rows & held:
            split(m + 1, carried + weights[m], count + 1, words + (not numbers[m]), rows & held)
        if rows & ~held:
            split(m + 1, carried, count, words, rows & ~held)

    if among:
        split(0, 0.0, 0, 0, among)
    groups.sort(key=lambda group: -group[0])
    return groups


def any_of(query_terms: list[str] | tuple[str, ...]) -> str:
    """An FTS5 OR of the terms. They are made of letters and digits only (terms.py), and each
    is still quoted, its quotes doubled, so that no text can ever reach FTS5 as an operator."""
    return " OR ".join('"' + term.replace('"', '""') + '"' for term in query_terms)
