"""What a customer asks about an invoice, and the invoice numbers and amounts they name: in
English, German, French and Spanish. PURE: text in, values out.

A reply about invoices answers the question asked: the invoice sent again ("resend"), the whole
account ("statement"), or what is owed and when ("due"). The numbers and amounts a customer
writes are what a reply matches against the records, so a phone number, a date, a postcode or
an amount read as an invoice number would point the reply at the wrong thing, and each is taken
out before invoice numbers are looked for.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

# -- The question ---------------------------------------------------------------------------

_DOC = r"(invoices?|bills?|rechnung\w*|factur\w*|fattur\w*)"

# Read in folded text: lower case, no accents ("renvoyer", "ubersicht", "cuanto").
_STATEMENT = re.compile(
    "|".join(
        (
            r"\bstatements?\b|\baccount summary\b|\bsummary of (our|my|the) account\b",
            r"\b(all|list of|every)( (the|our|my))? (open|outstanding|unpaid) (items|invoices)\b",
            r"\bkontoauszug\w*|\bkontoubersicht\b|\boffenen? posten\b|\bsaldenbestatigung\b",
            r"\b(alle|liste der|aufstellung der) (offenen|unbezahlten) rechnungen\b",
            r"\breleves? de compte\b|\betat de compte\b|\bsituation de (notre |mon )?compte\b",
            r"\b(toutes les|liste des) factures (ouvertes|impayees|en attente|non reglees)\b",
            r"\bestados? de cuenta\b|\bextractos?( de cuenta)?\b",
            r"\b(todas las|listado de|lista de|relacion de) facturas (pendientes|abiertas|"
            r"impagadas)\b",
        )
    )
)
_RESEND = re.compile(
    "|".join(
        (
            r"\bre-?send\b|\bsend\b[^.?!\n]{0,40}\bagain\b|\b(a )?(copy|duplicate) of\b",
            rf"\b(duplicate|another) {_DOC}|\bpdf\b",
            rf"\b(can'?t|cannot|couldn'?t) find\b[^.?!\n]{{0,30}}\b{_DOC}|\bre-?issue\b",
            rf"\b(never|not|haven'?t|didn'?t) (yet )?(received|got(ten)?|had)\b[^.?!\n]{{0,20}}"
            rf"\b{_DOC}",
            r"\b(noch ?(ein)?mal|nochmals|erneut|wieder)\b[^.?!\n]{0,40}\b(zu)?(schicken|senden|"
            r"zusenden|zukommen|mailen)\b|\bkopie\b|\brechnungskopie\b|\bduplikat\b|\bals pdf\b",
            r"\b(nicht|nie) (erhalten|bekommen)\b|\bfinde\b[^.?!\n]{0,20}\bnicht\b",
            r"\b(renvoy\w*|reenvoy\w*|reexpedi\w*)\b|\benvoyer (a nouveau|de nouveau)\b|"
            r"\bcopie\b|\bduplicata\b|\ben pdf\b|\bpas (encore )?recu\b|\bretrouve (pas|plus)\b",
            # Not "os reenvío la consulta": forwarding to the business is no request to resend.
            r"\b(?<!os )(?<!te )(?<!les )(?<!le )(reenvi\w*|volver a (enviar|mandar)|"
            r"(enviar|mandar)\w*[^.?!\n]{0,30}\b(otra vez|de nuevo))\b|\bcopia\b|\bduplicado\b|"
            r"\ben pdf\b|\bno (he|hemos) recibido\b|"
            r"\bno la (encuentro|encontramos)\b",
        )
    )
)
_DUE = re.compile(
    "|".join(
        (
            r"\bhow much\b[^.?!\n]{0,30}\b(owe|owing|due|open|outstanding|left|pay)\b",
            r"\bwhat (do|does|did) (we|i|you say we) owe\b|\b(amount|balance) (due|owing|"
            r"outstanding|left)\b|\bwhat'?s?( is)? (the|our|my) balance\b|\bdue date\b|"
            r"\bwhen\b[^.?!\n]{0,40}\bdue\b",
            r"\b(what|which)\b[^.?!\n]{0,30}\b(open|outstanding|unpaid|overdue)\b",
            r"\bwhat('?s| is)( now| still)? (left|remaining|owing)\b|\b(left|remaining) to pay\b|"
            r"\bremaining balance\b|\bwhen is\b[^.?!\n]{0,40}\bdue\b",
            r"\brestbetrag\b|\bnoch zu zahlen\b|\bbis wann\b[^.?!\n]{0,40}\b(zahlen|bezahlt|"
            r"beglichen|uberweisen)\b",
            r"\b(reste|restant) (a payer|du)\b|\bce qui (nous |me )?reste\b|"
            r"\breste (\w+ )?a (regler|payer)\b|"
            r"\bfaire (un |le )?point sur (notre |mon |le )?compte\b|"
            r"\bqu'est-ce qu'il (nous |me )?reste\b|\breste (une|des) factures?\b",
            r"\bqueda por pagar\b|\b(que|cuanto) (nos |me )?queda\b|\bsaldo pendiente\b",
            r"\bwie (viel|hoch)\b[^.?!\n]{0,40}\b(schulde\w*|offen|betrag|saldo|zahlen)\b|"
            r"\bwas schulden\b|\bfallig\w*|\bzahlungsziel\b",
            r"\b(was|welche \w+)\b[^.?!\n]{0,30}\b(noch )?offen\b",
            r"\bcombien\b[^.?!\n]{0,40}\b(dev\w*|doi\w*|reste|restant|payer|du)\b|\becheance\b|"
            r"\bmontant (du|restant|ouvert|impaye)\b|\bquel\w* est (le|notre|mon) solde\b|"
            r"\bquelles? factures? (sont|est|restent|reste)\b",
            r"\bcuanto\b[^.?!\n]{0,40}\b(deb\w*|queda|falta|pendiente|pagar)\b|\bvenc\w*|"
            r"\bimporte pendiente\b|\bcual es (el|nuestro|mi) saldo\b|\bfecha (de pago|limite)\b|"
            r"\bque facturas (tenemos|quedan|estan|hay|siguen)\b",
            # "Is there anything else outstanding?", "noch etwas offen?", "autre chose
            # en attente ?", "¿algo más pendiente?"
            r"\b(anything|something|everything) (else )?(still )?(outstanding|open|owing|owed|"
            r"unpaid|due)\b|\b(other|any more|anymore) (open|outstanding|unpaid) (invoices|items|"
            r"bills)\b|\b(sonst )?(noch )?(etwas|was) (anderes )?(offen|ausstehend)\b|"
            r"\bweitere offene\b|\b(autre chose|quelque chose|d'autres factures) (\w+ )?"
            r"(en attente|impaye\w*|ouvert\w*|a regler|a payer|du)\b|"
            r"\b(algo|alguna otra|otras facturas) (mas )?(pendiente|abierta|por pagar)s?\b",
            # The balance, and what is owed asked the other way round: "our current balance",
            # "on vous doit combien ?", "¿les debemos algo todavía?", "unser Kontostand".
            r"\b(our|my|current|account|outstanding|open) balance\b|"
            r"\bowe (you|u)\b[^.?!\n]{0,20}\b(now|currently|at the moment|at this point)\b",
            r"\bkontostand\b|\b(unser|unseren|mein|meinen|den|der|aktuelle\w*) saldo\b|"
            r"\bschulden (wir|ich) (ihnen|euch|dir)\b",
            r"\b(doit|devons|dois)\b[^.?!\n]{0,30}\bcombien\b|"
            r"\b(notre|mon|le|du) solde( de (notre |mon )?compte)?\b",
            r"\b(debemos|debo|adeudamos)\b[^.?!\n]{0,30}\b(cuanto|algo|todavia|aun)\b|"
            r"\b(nuestro|mi|el) saldo\b",
        )
    )
)


# -- Invoices named by their month: "the November invoice", "la facture de septembre" -------

_MONTHS = {
    1: "january jan januar janner janvier enero",
    2: "february feb februar fevrier febrero",
    3: "march mar marz mars marzo",
    4: "april apr avril abril",
    5: "may mai mayo",
    6: "june jun juni juin junio",
    7: "july jul juli juillet julio",
    8: "august aug aout agosto",
    9: "september sep sept septembre septiembre setiembre",
    10: "october oct oktober octobre octubre",
    11: "november nov novembre noviembre",
    12: "december dec dezember decembre diciembre",
}
_MONTH_OF = {name: n for n, names in _MONTHS.items() for name in names.split()}
_MONTH = "(" + "|".join(sorted(_MONTH_OF, key=len, reverse=True)) + ")"
# The month before the invoice ("the November invoice", "Oktober-Rechnung", "Septemberrechnung")
# or after it with a word that says from when ("the invoice from March", "la facture de
# septembre", "la factura de agosto", "die Rechnung vom Oktober"); not a due date ("the invoice
# due in December") and not the English "may" of "the invoice may be late".
_MONTH_NAMED = re.compile(
    rf"\b{_MONTH}(['\u2019]s)?[\s-]*({_DOC})|"
    rf"\b{_DOC}\s+(\w+\s+)?(of|from|for|dated|de|d'|du|del|vom|von|fur|aus|im)\s*"
    rf"(the\s+|dem\s+|el\s+|mes\s+de\s+)?{_MONTH}\b"
)


def mentioned_months(text: str) -> frozenset[int]:
    """The months (1-12) of the invoices a customer names by their month."""
    found = set()
    for m in _MONTH_NAMED.finditer(folded(text)):
        name = m.group(1) or m.group(m.lastindex or 0)
        if name in _MONTH_OF and not (name == "may" and m.group(1) is None):
            found.add(_MONTH_OF[name])
    return frozenset(found)


def folded(text: str) -> str:
    """Lower case, accents gone: "Rückstände" and "ruckstande" read alike."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower().replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def invoice_ask(text: str) -> str:
    """What a customer asks about their invoices: "resend" (the invoice again, a copy, the PDF),
    "statement" (the whole account, all open items), "due" (how much is owed, when, what is
    still open), or "" for none of them. A statement asked for as a copy is a statement, and an
    invoice asked for again is "resend" even if the message also asks what is owed: the more
    specific request is the one to answer."""
    plain = folded(text)
    for ask, pattern in (("statement", _STATEMENT), ("resend", _RESEND), ("due", _DUE)):
        if pattern.search(plain):
            return ask
    return ""


# -- Amounts ---------------------------------------------------------------------------------

_CODES = "EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|CZK|HUF|CAD|AUD|NZD|JPY|MXN"
_CURRENCY = rf"(?:US\$|[€£$]|(?:{_CODES})(?![A-Za-z]))"
_CURRENCY_WORD = r"(?i:euros?|dollars?|d[óo]lar(?:es)?|pounds?|pfund|livres?|libras?|franken)"
_SEPARATORS = ",.'\u2019\u00a0\u202f "


def _figure(n: int) -> str:
    """Digits grouped in threes by one separator ("1.234", "1 234", "1'234"), or plain digits;
    then perhaps a decimal part."""
    grouped = rf"\d{{1,3}}(?P<sep{n}>[{_SEPARATORS}])\d{{3}}(?:(?P=sep{n})\d{{3}})*"
    return rf"(?:{grouped}|\d+)(?:[.,]\d{{1,2}})?"


_AMOUNT = re.compile(
    rf"(?<![\w.,]){_CURRENCY}\s?(?P<before>{_figure(1)})(?!\d|[.,]\d)"
    rf"|(?<![\w.,])(?P<after>{_figure(2)})\s?(?:{_CURRENCY}|{_CURRENCY_WORD}(?![^\W\d_]))"
)


def _value(figure: str) -> Decimal:
    """The value of a figure as written. Two different separators: the last is the decimal mark
    ("1.234,50", "1,234.50"); a space or an apostrophe only groups thousands ("1 234,50"); one
    separator followed by exactly three digits groups thousands too ("1,234" and "1.234" are
    1234, in every language: customers do not write amounts to a tenth of a cent); followed by
    one or two digits it is the decimal mark ("420,00", "19.9")."""
    seps = [c for c in figure if not c.isdigit()]
    if not seps:
        return Decimal(figure)
    head, last, tail = figure.rpartition(seps[-1])
    grouping = last in "'\u2019\u00a0\u202f " or (len(set(seps)) == 1 and len(tail) == 3)
    if grouping:
        return Decimal(re.sub(r"\D", "", figure))
    whole = re.sub(r"\D", "", head) or "0"
    return Decimal(f"{whole}.{tail}")


def mentioned_amounts(text: str) -> tuple[Decimal, ...]:
    """Amounts written with a currency, before or after the figure, in any of the four
    languages' conventions: "€1.234,50", "1,234.50 EUR", "$420", "420,00 €", "1 234,50 €",
    "45 euros". A figure without a currency is not read ("200 units", "order 1,500"). In the
    order written, each once; `_value` says how "1,234" is read."""
    found = (_value(m.group("before") or m.group("after")) for m in _AMOUNT.finditer(text or ""))
    return tuple(dict.fromkeys(found))


# -- Invoice numbers ------------------------------------------------------------------------

# What is taken out first, each a number that is not an invoice's: links and addresses, IBANs
# and VAT numbers, dates, times, amounts, postcodes with a country letter ("D-10115 Berlin").
_NOT_INVOICE_NUMBERS = re.compile(
    "|".join(
        (
            r"(?:https?://|www\.)\S+|\S+@\S+",
            r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){3,7}(?: ?[A-Z0-9]{1,3})?\b",
            r"(?i:ust-?id(?:nr)?\.?|vat(?: no\.?| number| reg\w*)?|tva|nif|cif|siret|siren)"
            r"[\s:.#]*[A-Z]{0,3}[\d ]{6,}\d",
            r"(?<![\w/.-])(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})"
            r"|\d{1,2}\.\d{1,2}\.)(?![\w/-]|[.,]\d)",
            r"(?<!\d)\d{1,2}[:h]\d{2}(?!\d)",
            _AMOUNT.pattern,
            r"\b[A-Z]{1,2}-\d{4,5}(?=\s+[A-ZÄÖÜ][a-zäöüéèç])",
        )
    )
)
_REF = r"[A-Za-z0-9]+(?:[-/_.][A-Za-z0-9]+)*"
_KEYWORD = (
    r"(?i:invoices?|inv\.?|bills?|credit notes?|rechnung(?:en|snummer|snr\.?)?|rg\.?|re-?nr\.?"
    r"|gutschrift(?:en)?|factures?|fact\.|avoirs?|facturas?|fra\.|abonos?|fatturas?|fatture)"
)
_NUMBER_WORD = r"(?i:numbers?|nummer|num[ée]ro|n[úu]mero|nos?\.?|nr\.?|n[°º]\.?|n\.º|n[úu]m\.?)"
_AND = r"\s*(?:,|&|/|(?i:and|und|et|y|e|o|or|oder|ou)\b)\s*"
_KEYED = re.compile(
    rf"(?<![\w-]){_KEYWORD}(?![^\W\d_])\s*(?:{_NUMBER_WORD}\s*)?[:#]?\s*"
    rf"(?P<refs>{_REF}(?:{_AND}{_REF})*)"
)
_ONE_REF = re.compile(rf"(?<![\w-]){_REF}")
_HASHED = re.compile(rf"(?<![\w&])#\s?(?P<ref>{_REF})")
# "INV-1042", "F-123", "FA-2291", "RE2026-001", "FV/2026/118"; digits only, "2026-0042".
_SHAPED = re.compile(
    r"(?<![\w/.#-])(?P<ref>[A-Za-z]{1,6}[-_/.]?\d[A-Za-z0-9]*(?:[-_/.][A-Za-z0-9]+)*)(?![\w/-])"
    r"|(?<![\w/.,#-])(?P<digits>\d{4}[-/]\d{3,}(?:[-/]\d+)*)(?![\w/-]|[.,]\d)"
)
# A reference after one of these is an order's, a parcel's, a product's or a ticket's.
_OTHER_REFERENCE = re.compile(
    r"(?i:orders?|po|purchase order|bestell\w*|auftrag\w*|command\w*|pedido\w*|ordine|"
    r"tickets?|case|tracking|sendung\w*|suivi|seguimiento|model\w*|mod[eè]le|art(?:ikel)?\.?"
    r"(?:-?nr\.?)?|sku|serial|serien\w*|part|teil\w*|ref(?:erence)?\.?)[\s:#(]*$"
)
_UNIT = re.compile(r"\s+(?i:days?|tage?n?|jours?|d[íi]as?|units?|st[üu]ck|pi[eè]ces?|unidades)\b")


def _digits(ref: str) -> int:
    return sum(c.isdigit() for c in ref)


def _after_other_word(text: str, start: int) -> bool:
    return bool(_OTHER_REFERENCE.search(text[max(0, start - 30) : start]))


def _shaped(m: re.Match[str], text: str) -> bool:
    ref = m.group("ref") or m.group("digits")
    return _digits(ref) >= 3 and not _after_other_word(text, m.start())


def mentioned_invoice_numbers(text: str) -> tuple[str, ...]:
    """Invoice (and credit-note) numbers a customer writes, as written: after "invoice",
    "Rechnung", "facture n°", "factura" (each of a list: "invoices 1042 and 1051"), after "#",
    or shaped like one: letters then three digits or more ("INV-1042", "F-123", "RE2026-001"),
    or a year and a sequence ("2026-0042"). Phone numbers, dates, times, amounts, IBANs, VAT
    numbers, postcodes and the references of orders, parcels and products are not."""
    plain = _NOT_INVOICE_NUMBERS.sub(lambda m: "\x00" * len(m.group(0)), text or "")
    found: list[tuple[int, str]] = []
    for m in _KEYED.finditer(plain):
        refs = list(_ONE_REF.finditer(plain, m.start("refs"), m.end("refs")))
        if refs and _UNIT.match(plain, m.end()):
            refs.pop()  # "the invoice 100 days ago": a count
        found += [(r.start(), r.group(0)) for r in refs if _digits(r.group(0)) >= 3]
    for m in _HASHED.finditer(plain):
        if _digits(m.group("ref")) >= 3 and not _after_other_word(plain, m.start()):
            found.append((m.start("ref"), m.group("ref")))
    found += [(m.start(), m.group(0)) for m in _SHAPED.finditer(plain) if _shaped(m, plain)]
    unique: dict[str, str] = {}
    for _, ref in sorted(found):
        unique.setdefault(ref.casefold(), ref)
    return tuple(unique.values())
