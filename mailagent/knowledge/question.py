"""What a message asks: its text without the greeting above it and the sign-off under it.

The lines under a customer's last sentence ("Thanks,", "Sophie", "Head Chef, Harbour Bistro")
are names, and no knowledge passage holds a name. The relevance rule (relevance.py) weighs a word
no passage holds the most, so a signature would count against every answer as heavily as the
"parrots" of "do you sell parrots?". They are left out before searching: at most
MAX_SIGNOFF_LINES short lines without a question or an exclamation, under a line that ends a
sentence. A message that ends on a question without its question mark keeps everything: without
a sentence above them, short lines may be the question. The greeting ("Guten Tag,", "Hi Acme
team,", "Buenos días:") is a short line near the top that ends with a comma, a colon or an
exclamation, with a blank line under it: "Guten Tag" is no question about days.

What is asked is then told apart from the story around it (`asking_split`, read by
relevance.py): the first line (the subject, when the caller put it first) and the sentences that
ask something, by a question mark or the words that ask ("could you", "please", "est-ce que",
"könnten Sie", "¿"), are the question; the sentences around them tell the story ("Our OSHA
compliance binder is due for its annual review", "Hemos cerrado la oficina por obras"). The
story's words still help ("three cases are unopened" says which returns rule applies), but
weigh less, and the topics it names are not what is asked: a binder "due" for review does not
ask about payment terms. A message whose asking sentences hold fewer than MIN_ASKING_WORDS words
(not stop words) is all question: "What can you do?" under a story of crushed cups asks about
the story.

PURE: text in, text out (terms.py counts the words). `asking_split` is cached: a message is
read once for its own language and once for the folder's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mailagent.knowledge.terms import terms

MAX_SIGNOFF_LINES = 4
#: A sign-off line is short: a name, a role, a company and its address, a closing.
MAX_SIGNOFF_WORDS = 8
MAX_SIGNOFF_CHARS = 60
#: A greeting is among the first lines (the subject may come first) and this short.
GREETING_LINES = 3
MAX_GREETING_WORDS = 5

_SENTENCE_END = re.compile(r"[.?!]\W*$")


MIN_ASKING_WORDS = 2

# Sentences: up to a full stop, a question or exclamation mark, or a blank line; a single line
# break is the mail's wrapping, inside a sentence.
_SENTENCE = re.compile(r"(?:[^.?!\n]|\n(?![ \t]*\n))+(?:[.?!]+)?")
# What asks, inside a sentence: one leading word boundary shared by every alternative (a pattern
# tried at each position of a long message costs as many tries as it has alternatives there).
_ASKS_IN = re.compile(
    r"\b(?:(?:could|can|would|will) (?:you|u|someone|anyone)|please|pls|kindly|let me know|"
    r"tell me|wondering|i wonder|do you know|is it possible|i'?d like to know|we'?d like to know|"
    r"i would like to know|we would like to know|"
    r"(?:k[öo]nnten|k[öo]nnen|w[üu]rden) sie|bitte|(?:ich|wir) (?:m[öo]chten|w[üu]rden gern|"
    r"w[üu]ssten gern)|"
    r"(?:pouvez|pourriez|pourrais|pourrions)[- ]vous|merci de|est-ce que?|"
    r"(?:je voudrais|j'aimerais|nous voudrions|nous aimerions) (?:savoir|conna[îi]tre)|y a-t-il|"
    r"pueden|podr[íi]an|puede|podr[íi]a|podéis|podeis|por favor|(?:me|nos) gustar[íi]a saber|"
    r"quisi[ée]ramos saber|quisiera saber|"
    # A question asked for someone else: "our accountant asks whether...", "fragt, ob".
    r"(?:asks?|asked|wonders?|wants to know|would like to know) (?:if|whether)|"
    r"fragt(?: auch| noch)?,? ob|m[öo]chte wissen,? ob|"
    r"demande(?:nt)? (?:aussi |[ée]galement )?si|"
    r"pregunta(?:n)? (?:tambi[ée]n )?si|quiere saber si)\b",
    re.IGNORECASE,
)
# A question word opens a question when a verb follows it ("how long does it take", "when is
# it due"): "When I rang last week" and "What we need is" tell. Matched at the sentence's start.
_OPENS = re.compile(
    r"(?:how (?:long|much|many|soon|often|do|does|did|can|could|should|would|is|are)|"
    r"(?:what|when|where|which|who|why) (?:is|are|was|were|do|does|did|can|could|should|would|"
    r"will|time|day)|(?:is|are|do|does|did|can|could|may|should) (?:you|it|there|we|i|they|this)|"
    r"wie (?:lange|viel|viele|hoch|schnell|kann|k[öo]nnen)|"
    r"(?:was|wann|wo|welche\w*|wer|warum) (?:ist|sind|kostet|kosten|dauert|muss|m[üu]ssen|kann|"
    r"k[öo]nnen|wird|werden)|gibt es|haben sie|ist es|sind sie|k[öo]nnen wir|"
    r"combien|quel\w* (?:est|sont)|(?:comment|quand|o[ùu]|pourquoi) "
    r"(?:est|sont|faut|peut|pouvons|puis|dois|devons)|"
    r"cu[áa]nt[oa]s?|(?:c[óo]mo|cu[áa]ndo|d[óo]nde|qu[ée]|cu[áa]l\w*|qui[ée]n) (?:es|son|se|"
    r"puedo|podemos|hay|tarda|cuesta|cuestan))\b",
    re.IGNORECASE,
)


def _asks(sentence: str) -> bool:
    return (
        "?" in sentence
        or "¿" in sentence
        or _OPENS.match(sentence.lstrip()) is not None
        or _ASKS_IN.search(sentence) is not None
    )


@lru_cache(maxsize=512)
def asking_split(text: str, language: str) -> tuple[str, str]:
    """`text` as (what it asks, the rest): its first line and the sentences that ask
    something, and the sentences around them; (`text`, "") when no sentence asks, every
    sentence does, or the asking ones hold fewer than MIN_ASKING_WORDS words that are not stop
    words in `language` (the module's docstring)."""
    first, _, rest = text.partition("\n")
    sentences = [m.group(0) for m in _SENTENCE.finditer(rest) if m.group(0).strip()]
    asking = [s for s in sentences if _asks(s)]
    if not asking or len(asking) == len(sentences):
        return text, ""
    words = 0
    for sentence in asking:
        words += len(terms(sentence, language))
        if words >= MIN_ASKING_WORDS:
            break
    else:
        return text, ""
    told = [" ".join(s.split()) for s in sentences if s not in asking]
    return "\n".join([first, *(" ".join(s.split()) for s in asking)]), "\n".join(told)


# Where one asking sentence holds several questions: at a question mark, at a list item's
# marker on a line of its own ("Could you tell me\n- what a case of cups costs and\n- what
# shipping to Germany costs?"), and at an "and" before a question word.
_PIECE = re.compile(
    r"\?+|\n[ \t]*(?:[-*\u2022\u00b7\u2013]|\d{1,2}[.)])[ \t]+"
    # "What are your payment terms, and when was it due?": a question word after "and".
    r"|,?\s(?:and|und|et|y|e)\s(?=(?:what|when|where|how|which|who|why|wann|was|wie|wo|welche\w*|"
    r"quand|quel\w*|comment|combien|o[uù]|cu[aá]ndo|qu[eé]|c[oó]mo|cu[aá]nt[oa]s?|d[oó]nde|"
    r"cu[aá]l\w*)\b)"
    # "Could you tell me our balance, and confirm that you take checks?": "and" before a
    # request of its own.
    r"|,\s(?:and|und|et|y|e)\s(?:please\s|bitte\s|(?:me|nous|nos)\s)?(?=(?:confirm|tell|let|"
    r"send|advise|explain|best[äa]tig\w*|sag\w*|teil\w*|schick\w*|confirm\w*|indiqu\w*|dire|"
    r"envoy\w*|indic\w*|dec\w*|envi\w*)\b)",
    re.IGNORECASE,
)
# An amount bought again and again: "40 cases a month", "4-5 cases of each a month", "30
# Kartons Kopierpapier im Monat", "25 cajas al mes", "une vingtaine de cartons par semaine".
_VOLUME = re.compile(
    r"\d+\s*(?:-\s*\d+\s*)?(?:cases?|boxes|cartons?|packs?|reams?|rolls?|pallets?|kartons?|"
    r"kisten|pakete|rollen|paletten|caisses?|paquets?|rouleaux|cajas?|paquetes?|rollos?|"
    r"palets?)\b[^.?!\n]{0,40}?\b(?:a|per|each|every|im|pro|je|par|au|al|por|cada)\s+"
    r"(?:month|week|monat|woche|mois|semaine|mes|semana)\b",
    re.IGNORECASE,
)


def buys_in_volume(text: str) -> bool:
    """Whether a message speaks of an amount bought again and again ("40 cases a month"): a
    price asked for that much is a price for a volume, though no discount is asked about."""
    return _VOLUME.search(text) is not None


# Goods that came wrong or faulty: the wrong item, size or colour, "not what we ordered", "don't
# fit", broken or defective, in the four languages drafts are written in.
_WRONG_GOODS = re.compile(
    r"\b(?:wrong|incorrect)\s+(?:\w+\s+){0,2}?(?:items?|products?|size|colou?r|lids?|goods|"
    r"order|cleaner|model|ones?|boxe?s|cases?)\b|\bnot what (?:we|i) ordered\b|"
    r"\b(?:don'?t|doesn'?t|do not|does not) fit\b|\binstead of\b|\b(?:faulty|defective|broken)\b|"
    r"\bfalsch\w*\b|\bnicht bestellt\b|\bstatt\b[^.?!\n]{0,30}\bbekommen\b|\bdefekt\w*\b|"
    r"\bkaputt\w*\b|\bpassen nicht\b|"
    r"\bpas (?:le|la|les) bon(?:ne)?s?\b|\bmauvais(?:e|es)?\s+(?:\w+\s+)?(?:article|produit|taille|"
    r"couleur|r[ée]f[ée]rence|couvercle)s?\b|\berreur dans (?:la|notre) commande\b|"
    r"\bau lieu d[eu']|\bd[ée]fectueu\w*\b|\bcass[ée]e?s?\b|"
    r"\bequivocad[oa]s?\b|\berr[óo]ne[oa]s?\b|\bno (?:es|son) (?:lo|el|la|los|las) que\b|"
    r"\ben (?:vez|lugar) de\b|\bdefectuos[oa]s?\b|\brot[oa]s\b|\bno (?:encajan|sirven)\b",
    re.IGNORECASE,
)


def wrong_goods(text: str) -> bool:
    """Whether a message says goods came wrong or faulty ("the lids you sent don't fit",
    "statt Größe L haben wir Größe S bekommen", "tapas equivocadas"): the business then says
    what returning them costs, whatever the customer asked."""
    return _WRONG_GOODS.search(text) is not None


#: At most this many of a message's questions are read one by one (relevance costs time).
MAX_PARTS = 4


@lru_cache(maxsize=512)
def asking_parts(text: str, language: str) -> tuple[str, ...]:
    """The separate questions `text` asks, when it asks at least two, each with at least
    MIN_ASKING_WORDS words that are not stop words in `language`; () otherwise. A question is
    an asking sentence (`asking_split`), or a piece of one between its question marks and list
    items. The first line (a subject the caller put first) is no part, it names the whole,
    unless it is a question of its own (`asking_pieces`)."""
    pieces = asking_pieces(text, language)
    return pieces[:MAX_PARTS] if len(pieces) >= 2 else ()


@lru_cache(maxsize=512)
def asking_pieces(text: str, language: str) -> tuple[str, ...]:
    """Every question `text` asks (`asking_parts`), one or more; () when it asks none. A first
    line that is a question of its own ("Paiement par carte Amex ?", "Do you ship to Oslo?")
    is one: the subject line then asks what the text around it may only allude to ("est-ce
    que vous l'acceptez ?")."""
    first, _, rest = text.partition("\n")
    pieces: list[str] = []
    first = " ".join(first.split())
    if first.endswith("?") and rest.strip():
        first = first.rstrip("? ")
        if len(terms(first, language)) >= MIN_ASKING_WORDS:
            pieces.append(first)
    for match in _SENTENCE.finditer(rest):
        sentence = match.group(0)
        if not sentence.strip() or not _asks(sentence):
            continue
        for piece in _PIECE.split(sentence):
            piece = " ".join(piece.split())
            if len(terms(piece, language)) >= MIN_ASKING_WORDS:
                pieces.append(piece)
    return tuple(pieces)


def question_of(text: str) -> str:
    """`text` without its greeting and the sign-off lines at its end, when it has them (the
    module's docstring)."""
    return _without_signoff(_without_greeting(text))


def _without_greeting(text: str) -> str:
    lines = text.split("\n")
    seen = 0
    for n, line in enumerate(lines[:-1]):
        if not line.strip():
            continue
        seen += 1
        if seen > GREETING_LINES:
            break
        if _greeting_line(line.strip()) and not lines[n + 1].strip():
            return "\n".join(lines[:n] + lines[n + 1 :])
    return text


def _greeting_line(line: str) -> bool:
    return len(line.split()) <= MAX_GREETING_WORDS and line.endswith((",", ":", "!"))


def _without_signoff(text: str) -> str:
    lines = text.rstrip().split("\n")
    end = len(lines)
    signoff = 0
    while end > 0 and signoff < MAX_SIGNOFF_LINES:
        line = lines[end - 1].strip()
        if line and not _signoff_line(line):
            break
        signoff += bool(line)
        end -= 1
    if not signoff or not _SENTENCE_END.search(_last_line(lines[:end])):
        return text
    return "\n".join(lines[:end])


def _signoff_line(line: str) -> bool:
    return (
        len(line) <= MAX_SIGNOFF_CHARS
        and len(line.split()) <= MAX_SIGNOFF_WORDS
        and not any(mark in line for mark in "?!")
        and not line.endswith((".", ":", ";"))
    )


def _last_line(lines: list[str]) -> str:
    return next((line.strip() for line in reversed(lines) if line.strip()), "")
