"""Risk by meaning rather than by phrase. PURE: text in, reasons out.

The patterns in `mailagent.policy` match phrasings someone already thought of. The concepts here
generalise: a message is high risk when, within a sentence or two, a place money goes meets a
change, or when money coming back, the law, pay or a contract's terms come up in any of their
usual words. They read a folded copy of the text: lower case, accents gone, common typos put right.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

_FOLD = str.maketrans({"ł": "l", "ß": "ss", "ø": "o", "æ": "ae", "\u2019": "'", "\u2018": "'"})

# Everyday phrases with a risky word in them: removed before the concepts read the text.
_LOOK_ALIKES = re.compile(
    r"\bbank holidays?\b|\baccounts? (manager|team|department|dept|executive|rep|contact|"
    r"login|page|settings|password|payable|receivable)s?\b|\bcredit (where|to (you|your|the))\b|"
    r"\b(refund|returns?) polic(y|ies)\b|\bcard (reader|machine|terminal)s?\b|\bpayment links?\b|"
    r"\b(by|with a) card\b|\bopen (a |an )?(new )?(trade )?account\b|"
    r"\btransfer (the|my|your|our) (call|enquiry|inquiry|line)\b"
)

# Words customers mistype where it matters, matched one slip away (a letter missing, doubled,
# swapped with its neighbour, or for long words changed). Real words one slip away are not typos.
_TYPO_TARGETS = (
    "account", "payment", "details", "changed", "change", "refund", "reimburse", "remittance",
    "transfer", "deposit", "solicitor", "lawyer", "salary", "banking", "number", "updated",
    "update", "compensation", "compensate", "chargeback", "beneficiary", "different", "contract",
    "agreement", "payroll", "wages", "overtime",
)  # fmt: skip
_NOT_TYPOS = frozenset({"contact", "baking", "hanged", "outing", "amount", "counts", "charged"})


def _one_slip(word: str, key: str) -> bool:
    if abs(len(word) - len(key)) > 1 or word == key:
        return False
    if len(word) == len(key):
        diff = [i for i, (a, b) in enumerate(zip(word, key, strict=True)) if a != b]
        swapped = len(diff) == 2 and diff[1] == diff[0] + 1 and word[diff[0]] == key[diff[1]]
        return swapped or (len(diff) == 1 and len(key) >= 8)
    short, long = sorted((word, key), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _unslip(match: re.Match[str]) -> str:
    word = match.group(0)
    if len(word) < 5 or word in _NOT_TYPOS:
        return word
    return _corrected(word)


@lru_cache(maxsize=65536)
def _corrected(word: str) -> str:
    # Mail repeats its words: each is compared with every target once per process, not per use.
    return next((key for key in _TYPO_TARGETS if _one_slip(word, key)), word)


def folded(text: str) -> str:
    """Lower case, no accents, typos put right, look-alike phrases removed."""
    text = unicodedata.normalize("NFKD", (text or "").lower().translate(_FOLD))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _LOOK_ALIKES.sub(" ", re.sub(r"[a-z]+", _unslip, text))


def _rx(*alternatives: str) -> re.Pattern[str]:
    # Every alternative starts with a letter, a digit or a currency sign (a test checks): saying
    # so up front lets the matcher pass over spaces and punctuation without trying each one,
    # which halves the time of the longest list.
    return re.compile(r"\b(?=[\w£€$])(?:" + "|".join(alternatives) + r")\b")


# Money named as a thing: "the difference", "£45", "what we paid".
_MONEY = (
    r"(money|payment|amount|deposit|difference|balance|fees?|charges?|cost|price|funds|cash|sum|"
    r"overpayment|[£€$] ?\d[\d,.]*|\d[\d,.]* ?(gbp|eur|usd|pounds|euros|dollars)|"
    r"what (i|we|they) (paid|spent))"
)

CONCEPTS: dict[str, re.Pattern[str]] = {
    # Where money goes. Banks by name too, but not those that are everyday words.
    "destination": _rx(
        r"bank(s|ing|ed|ers?)?|iban|swift|bic|sort ?codes?|routing|payees?|beneficiar\w*|remit\w*",
        r"direct (deposit|debit)s?|paypal|revolut|venmo|zelle|wir(e|ing) (instructions|details)",
        r"wire transfer|konto\w*|bankverbindung|bankdaten|cuenta|conta|rib|conto|rekening\w*",
        r"rachun\w*|banco|banque|banca|bancari\w*|bancair\w*|virement\w*|uberweis\w*",
        r"hsbc|barclays|lloyds|natwest|santander|monzo|starling|tsb|halifax|credit union",
        r"building society|sparkasse|volksbank|bnp|factoring|invoice finance|ach",
        r"(vendor|supplier) (form|master|details|record)s?",
    ),
    "card": _rx(r"(credit |debit )?cards?|carte|karte|tarjeta|cartao"),
    "account": _rx(
        r"accounts?|acct|acc|a/c|accnt|compte|letterhead|(to|into|on) (the|these|those|our) "
        r"(\S+ )?details|details (below|attached|enclosed)"
    ),
    "change": _rx(
        r"new|newly|chang\w*|updat\w*|switch\w*|mov(e|ed|ing)|different|amend\w*|replac\w*",
        r"instead|rather than|from now on|going forward|with immediate effect|no longer|closed",
        r"effective (immediately|from|today)|closing|old (one|account|bank|details|card)|revised",
        r"alter(ed|ation|ad\w*|acao)|future (payments?|invoices?)|(should|will|must) now",
        r"from (the )?next (invoice|payment|month)|now bank|transferred (our|the) account",
        r"neue?[nmrs]?|geandert|anderung|wechsel\w*|nuev[oa]s?|cambi\w*|nov[oa]s?|nouveau",
        r"nouvelles?|nouvel|changement|mettre a jour|nuov[oa]|aggiorn\w*|nieuwe?|gewijzigd",
        r"wijziging|now(y|e|a|ego|ym)|zmian\w*",
    ),
    "money_flow": _rx(
        r"pay|pays|paid|paying|payments?|remit\w*|transfer\w*|deposit\w*|salary|wages?|funds?",
        r"pay(check|cheque)s?|money|rebates?|refund\w*|settle\w*|collect\w*|debit\w*|receipts",
        r"commissions?|bonus(es)?|virement\w*|paiements?|vers(er|ez|ement)|uberweis\w*",
        r"pag(o|os|amento|amentos|ar|are)|zahlung\w*|betal\w*|overmak\w*|przelew\w*|wplat\w*",
    ),
    # "Payments should be made to the following account": an instruction where money goes.
    "pay_to": _rx(
        r"(payments?|remittances?|funds|transfers?) (should|must|will|are to|to) (now |henceforth "
        r"|from now on |in future )?(go|be (made|sent|paid|remitted|transferred|directed))"
    ),
    "redirect": _rx(
        r"sister company|personal (account|bank)|another (company|account|person|business)",
        r"different (company|account|person|business|entity|name)|third party",
        r"(rather than|instead of) (the|our|my) (business|company|usual|normal|old|current)",
        r"(wife|husband|partner|son|daughter|brother|sister|mum|mom|dad|friend)'?s (account|card)",
    ),
    "money_back": _rx(
        r"refund\w*|refnd\w*|reimburs\w*|compensat\w*|repa(y|id|yment)\w*|charge ?-?backs?",
        r"money[ -]back|writ(e|ten|ing) (it |this |that |\w+ )?off|write-offs?|waive\w*",
        r"revers(e|al|ed|ing)|service credits?|credit back|goodwill (gesture|payment|credit)",
        r"gesture of goodwill|(get|want|need|have) (my|our|the) money",
        r"credit (our|my|the|us|this|it|their) (account|card)|card (company|issuer|provider)",
        r"disput\w* (\w+ ){0,4}(card|bank|issuer|paypal)|(a|partial|full|some) credit (for|on|to)",
        r"credit (on|against|to) (the|our|my) (account|invoice)|(owe|owes) (me|us)|(am|are) owed",
        r"i'm owed|we're owed|(charged|billed) (us |me )?twice|double (charged|charge|billed)",
        r"overcharg\w*|duplicate (charge|payment)|return\w* (\S+ ){0,3}" + _MONEY,
        r"(knock|take|deduct)\w* (\S+ ){0,6}off (the|our|my|this|next) (\S+ )?(invoice|bill|order)",
        # The money named, then "back": not "check back", "call back", "back in stock".
        rf"{_MONEY}( \S+){{0,6}} (?<!check )(?<!call )(?<!ring )(?<!get )(?<!be )back"
        r"(?! (in stock|in touch|on|to (you|normal|work)|up|order|online))",
        rf"back (\S+ ){{0,3}}{_MONEY}|(paid|pay) (me |us |them )?back",
        rf"{_MONEY}( \S+){{0,4}} (returned|refunded|repaid|reimbursed|credited)",
        rf"{_MONEY}( \S+){{0,4}} (taken|knocked|deducted|written) off",
        r"rembours\w*|(un|d'un|l') ?avoir|reembols\w*|devol(ver|ucion|vernos)\w*|rimbors\w*",
        r"erstatt\w*|ruckerstatt\w*|ruckzahl\w*|gutschrift\w*|geld zuruck|zuruckzahl\w*",
        r"terugbetal\w*|terugstort\w*|geld terug|zwrot\w*|estorn\w*|ressarc\w*|indemniz\w*",
        r"entschadig\w*|dedommag\w*|risarc\w*",
    ),
    "credit_note": _rx(r"credit notes?|nota de credito|note de credit"),
    "request": _rx(
        r"please|pls|raise|issue|send|need|want|request|can you|could you|would you|expect|like"
    ),
    "legal": _rx(
        r"lawyers?|lawer|attorneys?|solicitors?|legally|courts?|sue|suing|sued|lawsuit",
        r"litigation|tribunal|trading standards|ombudsman|small claims|letter before action",
        r"legal (action|team|advice|department|dept|proceedings|steps|route|letter|counsel)",
        r"legal (options|position|remedies|rights|recourse|claim|costs|matter)",
        r"mise en demeure|demandar|anwalt\w*|rechtsanwalt\w*|gericht\w*|klage\w*|abogad\w*",
        r"(seek|claim|sue for|claim for) damages|damages claim|counsel",
        r"avocat\w*|avvocat\w*|tribunale|advocaat|rechtbank|prawni\w*",
    ),
    "payroll": _rx(
        r"payroll|salary|salaries|wages?|pay ?slips?|pay ?runs?|pay ?(checks?|cheques?)",
        r"direct deposit|overtime|under ?paid|final pay|holiday pay|sick pay|pay period|p45|p60",
        r"timesheets?|my pay|lohn\w*|gehalt\w*|nomina|salario|salaire|stipendio|salaris",
        r"wynagrodzen\w*|(paid|pay) for (\S+ ){0,4}(shifts?|hours|overtime)|hourly rate",
        r"pay (rise|increase)",
    ),
    "contract": _rx(
        r"contracts?|agreements?|clauses?|terms and conditions|sla|lease|vertrag\w*|contrat\w*",
        r"contrato\w*|contratto|overeenkomst|umow\w*",
    ),
    "contract_act": _rx(
        r"terminat\w*|cancel\w*|end|ending|exit|renew\w*|notice|amend\w*|vary|variation",
        r"renegotiat\w*|negotiat\w*|sign|signing|breach\w*|prices?|rates?|rise|increase\w*|cap",
        r"fees?|liabilit\w*|indemnit\w*|penalt\w*|terms?|kundig\w*|resili\w*",
    ),
    "contract_terms": _rx(
        r"notice period|termination fee|exit fee|break clause|early termination|price cap",
        r"not (be )?renewing|will not renew|won't renew|cap on price",
    ),
    "payment_terms": _rx(r"(payment|credit) terms|\d+ days? terms"),
    # Someone asks the business to pay out: "I need you to process a transfer", "please wire".
    "pay_out": _rx(
        r"(you|need)( \S+){0,8} (process|handle|send|make|arrange|wire|transfer|release|pay"
        r"|authori[sz]e|approve)( \S+){0,6} (payment|transfer|wire|funds|money|[£€$]\d)",
        r"(please|pls|kindly) (\S+ ){0,2}(wire|transfer|send|make|process|release) (\S+ ){0,3}"
        r"(funds|money|payment|transfer|wire)",
        r"same-?day (transfer|payment)|need (a|the|this) (payment|wire|transfer)|go out today",
        r"(you|need|please)( \S+){0,8} (pay|process|settle|approve|authori[sz]e) (\S+ ){0,4}"
        r"invoices?",
    ),
    "pressure": _rx(
        r"urgent\w*|asap|immediately|time sensitive|today|confidential\w*|between us|discreet\w*",
        r"(don't|do not|dont) (call|discuss|tell|mention)|(can't|cannot) (take|talk|be reached)",
        r"meetings|airport|on a flight|are you at your desk|favou?r|email only|boarding|plane",
        r"travell?ing|keep (it|this) (quiet|between|to yourself|confidential)|quickly",
        r"are you (free|around|available)|new (supplier|vendor|beneficiary|payee)",
    ),
    "gift": _rx(r"(gift|amazon|itunes|apple|google play|steam) ?(cards?|vouchers?)|vouchers?"),
    "price_cut": _rx(
        r"discount\w*|reduction|reduc(e|ed|ing)|\d+ ?% (off|less)|knock\w*|take (\S+ ){1,3}off",
        r"off the (invoice|bill|price|total)|waive\w*",
    ),
    "pay_hold": _rx(
        r"only (be )?(pay|release|releasing|settle)\w*|(won't|will not|not) (pay|settle)\w*",
        r"until|unless|once|as soon as|otherwise|on hold|withhold\w*|hold(ing)? (back )?payment",
        r"condition|only if|provided( that)?|as long as",
    ),
    "pay": _rx(r"pay\w*|settl\w*|release|releasing|invoices?|bill"),
    "withhold": _rx(
        r"(won't|will not|wont|refuse to|not going to) (be )?pay\w*|withh(o|e)ld\w*",
        r"(stop|stopped|cancel\w*) (the |our |my )?(payment|direct debit|standing order)",
        r"hold(ing)? (back )?(the )?payment|(payment|invoice) (stays |is |remains )?on hold",
    ),
}

# (reason, concepts that must all appear, where): "sentence" for tight pairs, "window" for a
# sentence and the next, "message" for cues that may sit anywhere.
CONCEPT_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("changes where money goes", ("destination", "change"), "window"),
    ("changes the card that is charged", ("card", "change"), "sentence"),
    ("changes where money goes", ("account", "change", "money_flow"), "window"),
    ("sends money somewhere else", ("money_flow", "redirect"), "window"),
    ("says where payments go from now on", ("pay_to",), "sentence"),
    ("asks for money back", ("money_back",), "sentence"),
    ("asks for a credit note", ("credit_note", "request"), "sentence"),
    ("threatens legal action", ("legal",), "sentence"),
    ("concerns payroll", ("payroll",), "sentence"),
    ("concerns contract terms", ("contract", "contract_act"), "window"),
    ("concerns contract terms", ("contract_terms",), "sentence"),
    ("concerns contract terms", ("payment_terms", "change"), "sentence"),
    ("asks to pay out money under pressure", ("pay_out", "pressure"), "message"),
    ("asks for vouchers under pressure", ("gift", "pressure"), "message"),
    ("makes payment depend on a price cut", ("price_cut", "pay_hold", "pay"), "window"),
    ("withholds payment", ("withhold",), "sentence"),
)

_SENTENCE_END = re.compile(r"(?<!\d)[.!?;]+(?!\d)|\n\s*\n|\n\s*[-*•]")


def _sentences(text: str) -> list[str]:
    sentences = (s.strip() for s in _SENTENCE_END.split(text.replace("\r", "")))
    return [re.sub(r"\s+", " ", s) for s in sentences if s]


class _Places:
    """Which sentences each concept appears in, found by one scan of the whole message.

    The sentences are joined by " \n ", which no concept's pattern can match across (they name
    words and the single spaces between them), so each match lies within one sentence, and a
    scan for the leftmost matches finds every sentence a concept appears in: the same answer as
    searching each sentence in turn, at a fraction of the cost (a rule asks about its concepts
    sentence by sentence, and mail runs to dozens of sentences)."""

    def __init__(self, sentences: list[str]) -> None:
        self.count = len(sentences)
        self.message = " \n ".join(sentences)
        self.starts = list(accumulate((len(s) + 3 for s in sentences[:-1]), initial=0))
        self.found: dict[str, frozenset[int]] = {}

    def of(self, concept: str) -> frozenset[int]:
        if concept not in self.found:
            self.found[concept] = frozenset(
                bisect_right(self.starts, match.start()) - 1
                for match in CONCEPTS[concept].finditer(self.message)
            )
        return self.found[concept]

    def together(self, needed: tuple[str, ...], where: str) -> bool:
        """Whether every concept needed appears in one sentence, in one sentence and the next
        ("window"), or anywhere in the message."""
        places = []
        for concept in needed:
            place = self.of(concept)
            if not place:
                return False
            places.append(place)
        if where == "message":
            return True
        if where == "sentence":
            return bool(frozenset.intersection(*places))
        return any(all(i in place or i + 1 in place for place in places) for i in range(self.count))


@lru_cache(maxsize=256)
def concept_risks(text: str) -> tuple[str, ...]:
    """Reasons found by meaning rather than by phrase: see CONCEPTS and CONCEPT_RULES. Cached:
    the triage rules ask about the same text several times, and the policy asks again."""
    places = _Places(_sentences(folded(text)))
    found = (reason for reason, needed, where in CONCEPT_RULES if places.together(needed, where))
    return tuple(dict.fromkeys(found))
