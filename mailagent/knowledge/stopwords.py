"""Words that say nothing about what a customer asks, per language: left out of retrieval.

Articles, pronouns, auxiliaries and prepositions match every passage, so counting them would let
"what is the meaning of life" find the returns policy. The lists also hold the words of email
itself (greetings, thanks, sign-offs, "please", "question") and those that tell when something
happened ("yesterday", "last", "bought"): nearly every customer message has them, none of them is
the question, and a folder that lacks them must not count that against its answer (a word no
passage holds weighs the most in textindex.py's relevance rule). Written as people type them;
compared after lower-casing and folding diacritics, so "fur" is dropped like "für". Short on
purpose: a word wrongly in a list loses a match for good.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

_EN = """
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can cannot could couldn't did didn't do does doesn't doing don't
down during each either else ever every few for from further get gets got had hadn't has hasn't
have haven't having he her here hers herself him himself his how i if in into is isn't it it's
its itself just let me might more most much must my myself no nor not now of off on once only or
other ought our ours ourselves out over own please same shall she should shouldn't so some such
than that the their theirs them themselves then there these they this those through to too under
until up upon us very was wasn't we were weren't what when where whether which while who whom
whose why will with within without won't would wouldn't yes yet you your yours yourself
you're we're they're i'm i've we've you've they've i'll we'll you'll they'll i'd we'd you'd
yourselves hi hello hey dear thanks thank thx regards best kind kindly cheers sincerely greetings
question questions wondering wonder wanted want like know let ask asking tell anyone someone
something anything morning afternoon evening hope well soon possible ok okay sir madam team
last ago yesterday today tomorrow recently bought purchased guys guy folks
"""

_DE = """
aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes auch
auf aus bei bin bis bist bitte da damit dann das dass dein deine deinem deinen deiner dem den denn
der des dessen dich die dies diese diesem diesen dieser dieses dir doch dort du durch ein eine
einem einen einer eines er es etwas euch euer eure für gegen gewesen hab habe haben hat hatte
hätte ich ihm ihn ihnen ihr ihre ihrem ihren ihrer im in indem ins ist ja jede jedem jeden jeder
jedes jetzt kann kannst kein keine können könnte man manche mein meine meinem meinen meiner mich
mir mit muss musste nach nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen
seiner sich sie sind so solche soll sollte sondern sonst über um und uns unser unsere unter vom
von vor wann war waren warum was weil welche welchem welchen welcher welches wenn wer werde werden
wie wieder will wir wird wo wollen wollte würde würden zu zum zur zwar zwischen hallo liebe lieber
sehr geehrte geehrter geehrten damen herren danke dank vielen gruß grüße grüßen freundlichen mfg
lg vg beste frage fragen wissen gerne gern bzw ca
letzte letzten letzter letztes gestern heute morgen kürzlich neulich gekauft könnten hätten
wären mitteilen mitteilt
bevor vorher vorab gleich jeweils
"""

_FR = """
au aux avec ce ces cet cette dans de des du elle elles en et eux il ils je la le les leur leurs
lui ma mais me même mes moi mon ne nos notre nous on ou où par pas pour qu que qui sa se ses si
son sur ta te tes toi ton tu un une vos votre vous c d j l m n s t y est sont suis es êtes sommes
été être avoir ai as avons avez ont avait étais était serait serais seraient peut peux pouvez
pourriez pourrais voudrais voulez faire fait comment quand quel quelle quels quelles quoi
pourquoi combien ça cela ceci celle celui très aussi alors donc car ni bonjour bonsoir salut
madame monsieur merci cordialement bien cordialement salutations question questions svp plaît
dernier dernière hier aujourd'hui demain récemment acheté achetée pouvons peuvent procéder
procède faut faudrait toujours déjà
avant chaque
"""

_ES = """
a al algo algunas algunos ante antes como con contra cual cuando de del desde donde durante e el
ella ellas ellos en entre era eras es esa esas ese eso esos esta estas este esto estos estoy está
están fue fueron ha han hay la las le les lo los me mi mis mucho muy más nada ni no nos nosotros
o os otra otro para pero poco por porque que quien se sea ser si sin sobre su sus también te
tengo tiene tienen tu tus un una uno unos usted ustedes y ya yo qué cómo cuándo dónde cuánto
cuántos puedo puede pueden podría podrían quiero quería hola buenos buenas días tardes gracias
saludos atentamente estimado estimada estimados señor señora pregunta preguntas favor
pasado pasada ayer hoy mañana recientemente compré comprado comprada
cada mismo misma
"""


def fold(word: str) -> str:
    """`word` without its diacritics: "Österreich" -> "Osterreich", "entrega" unchanged."""
    if word.isascii():
        return word
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _folded(words: str) -> frozenset[str]:
    found: set[str] = set()
    for word in words.split():
        found.add(fold(word))
        found.update(part for part in fold(word).split("'") if part)
    return frozenset(found)


#: The `stop-words` package's lists hold the conjugations and adverbs a short list misses
#: ("todavía", "tenemos", "hemos", "podemos", "jamais", "sans", "dessus", "deshalb"): each weighed
#: as a word no passage holds (the most), and some stemmed onto a real word ("jamais" -> "jam").
#: They are taken for German, French and Spanish, less the words of things a business writes
#: about that they also hold (LIBRARY_CONTENT_WORDS: "tiempo", "cuenta", "trabajo", "pièce"), and
#: the words of a topic (topicwords.py: "ändern" is an order change, "estado de cuenta" a
#: statement; tests/knowledge/test_stopwords.py checks that no other topic word is dropped).
#: Its English list is not taken: it holds "order", "open", "case", "keep", "new" and "long".
LIBRARY_LANGUAGES = {"de": "german", "fr": "french", "es": "spanish"}
LIBRARY_CONTENT_WORDS = {
    "de": "ändern",
    "fr": """
debut personne personnes piece valeur essai parole nomme nommee nommes sujet force droite grande
nouveau nouveaux chose choses point plein
""",
    "es": """
tiempo largo total valor trabajo trabajar trabaja trabajamos trabajan trabajas trabajais lugar
cuenta cosas manera momento verdad verdadera verdadero parte nuevo nueva nuevos nuevas ejemplo
fuerza grandes mayor mejor primer primera primero primeros segundo segunda tercera siete cinco
cuatro ultimo ultima ultimos ultimas ultimar proximo proximos realizar realizado realizo emplear
empleo intentar intento conocer conseguir consigue dicho decir sentido sentir estado estados dar
""",
}


def _library(language: str) -> frozenset[str]:
    name = LIBRARY_LANGUAGES.get(language)
    if name is None:
        return frozenset()
    from stop_words import get_stop_words

    content = _folded(LIBRARY_CONTENT_WORDS[language])
    return frozenset(w for w in _folded(" ".join(get_stop_words(name))) if w not in content)


#: Per language code, folded and lower-cased.
STOP_WORDS: dict[str, frozenset[str]] = {
    "en": _folded(_EN),
    "de": _folded(_DE) | _library("de"),
    "fr": _folded(_FR) | _library("fr"),
    "es": _folded(_ES) | _library("es"),
}


@lru_cache(maxsize=256)
def stop_words(*languages: str) -> frozenset[str]:
    """The stop words of all these languages together."""
    return frozenset().union(*(STOP_WORDS.get(language, frozenset()) for language in languages))
