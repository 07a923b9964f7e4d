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

PURE: text in, text out (terms.py counts the words).
"""

from __future__ import annotations

import re

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
_ASKS = re.compile(
    r"[?¿]|"
    r"\b(could|can|would|will) (you|u|someone|anyone)\b|\bplease\b|\bpls\b|\bkindly\b|"
    r"\b(let me know|tell me|wondering|i wonder|do you know|is it possible|"
    r"i'?d like to know|we'?d like to know|i would like to know|we would like to know)\b|"
    # A question word opens a question when a verb follows it ("how long does it take",
    # "when is it due"): "When I rang last week" and "What we need is" tell.
    r"^\s*(how (long|much|many|soon|often|do|does|did|can|could|should|would|is|are)|"
    r"(what|when|where|which|who|why) (is|are|was|were|do|does|did|can|could|should|would|"
    r"will|time|day)|(is|are|do|does|did|can|could|may|should) (you|it|there|we|i|they|this)"
    r")\b|"
    r"\b(k[öo]nnten|k[öo]nnen|w[üu]rden) sie\b|\bbitte\b|\b(ich|wir) (m[öo]chten|w[üu]rden gern"
    r"|w[üu]ssten gern)\b|^\s*(wie (lange|viel|viele|hoch|schnell|kann|k[öo]nnen)|"
    r"(was|wann|wo|welche\w*|wer|warum) (ist|sind|kostet|kosten|dauert|muss|m[üu]ssen|kann|"
    r"k[öo]nnen|wird|werden)|gibt es|haben sie|ist es|sind sie|k[öo]nnen wir)\b|"
    r"\b(pouvez|pourriez|pourrais|pourrions)[- ]vous\b|\bmerci de\b|\best-ce que?\b|"
    r"\b(je voudrais|j'aimerais|nous voudrions|nous aimerions) (savoir|conna[îi]tre)\b|"
    r"\by a-t-il\b|^\s*(combien|quel\w* (est|sont)|(comment|quand|o[ùu]|pourquoi) "
    r"(est|sont|faut|peut|pouvons|puis|dois|devons))\b|"
    r"\b(pueden|podr[íi]an|puede|podr[íi]a|podéis|podeis)\b|\bpor favor\b|"
    r"\b(me|nos) gustar[íi]a saber\b|\bquisi[ée]ramos saber\b|\bquisiera saber\b|"
    r"^\s*(cu[áa]nt[oa]s?|(c[óo]mo|cu[áa]ndo|d[óo]nde|qu[ée]|cu[áa]l\w*|qui[ée]n) (es|son|se|"
    r"puedo|podemos|hay|tarda|cuesta|cuestan))\b",
    re.IGNORECASE | re.MULTILINE,
)


def asking_split(text: str, language: str) -> tuple[str, str]:
    """`text` as (what it asks, the rest): its first line and the sentences that ask
    something, and the sentences around them; (`text`, "") when no sentence asks, every
    sentence does, or the asking ones hold fewer than MIN_ASKING_WORDS words that are not stop
    words in `language` (the module's docstring)."""
    first, _, rest = text.partition("\n")
    sentences = [m.group(0) for m in _SENTENCE.finditer(rest) if m.group(0).strip()]
    asking = [s for s in sentences if _ASKS.search(s)]
    if not asking or len(asking) == len(sentences):
        return text, ""
    if sum(len(terms(s, language)) for s in asking) < MIN_ASKING_WORDS:
        return text, ""
    told = [" ".join(s.split()) for s in sentences if s not in asking]
    return "\n".join([first, *(" ".join(s.split()) for s in asking)]), "\n".join(told)


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
