"""Every word and phrase that makes a message high risk. PURE: data only; the readers match.

To add a risk concept: add one entry here (its patterns, in every language customers write it
in, to CONCEPTS; its reason and how close its words must sit, to CONCEPT_RULES) and a case in
tests/agents/test_triage_quality.py: a message it must make high risk, and an everyday sentence
near the same words that it must leave alone.

Three readers compile these tables and keep no risk words of their own:

- `mailagent.riskconcepts` reads CONCEPTS and CONCEPT_RULES, risk by meaning, in a folded copy
  of the text: lower case, accents gone, TYPO_TARGETS put right, LOOK_ALIKES removed.
- `mailagent.policy` reads PHRASES, the phrasings someone already thought of, each with the
  reason it gives, in lower-cased text with POLICY_NAMED taken out first.
- `mailagent.agents.rules` reads BANK_DETAIL_CHANGE, PAYMENT_DESTINATION and REFUND_REQUEST to
  choose the high-risk categories, and where they miss, the reasons the concepts give.

Every pattern is written in lower case (`textpatterns.lower_rx` refuses a capital), and every
alternative of a concept starts with a letter, a digit or a currency sign (`riskconcepts._rx`).
"""

from __future__ import annotations

from mailagent.textpatterns import GAP

# The money named, then "back": "get the difference back", "what we've paid ... back to us".
# Not "get back to me", "call back" or "come back": those are people, not money.
MONEY_BACK = (
    rf"\b(money|paid|amount|difference|charge|fee|deposit|overpayment)\b{GAP}{{0,60}}"
    r"(?<!get )(?<!call )(?<!come )(?<!write )(?<!ring )(?<!getting )\bback\b"
    r"(?=\s*(to\s+(us|me|our|my)\b|on(to)?\s+(our|my|the)\b|into\b|[?.!,;]|$))"
)

# Spanish "devolver" returns goods as often as money: only the money named is a refund ("que me
# devuelvan el dinero", "la devolución del importe"), not "¿cómo puedo devolver las sillas?".
_DEVOLVER_MONEY = (
    rf"\b(devol(ver|verme|vernos|ved|uci[óo]n)|devuelv\w*)\b{GAP}{{0,25}}"
    r"\b(dinero|diferencia|importe|pago|cobro|dep[óo]sito|se[ñn]al)"
)

# Money back without the word: "could you reverse the charge", "have our money returned",
# "pay the £89 back to our account", "return our deposit".
_MONEY_BACK_IN_OTHER_WORDS = (
    rf"\breverse\b{GAP}{{0,30}}\b(charge|payment|transaction)",
    rf"\breturn\b{GAP}{{0,20}}\b(money|deposit|payment)\b",
    rf"\b(pay|put|credit)\b{GAP}{{0,40}}\bback\s+(to|on|onto|into)\s+(us|our|my|the)\b",
    rf"\bsend\b{GAP}{{0,30}}\b(money|payment|amount|deposit|difference)\b{GAP}{{0,15}}\bback\b",
)


# -- PHRASES: read by the policy in lower-cased text ----------------------------------------

# A question about the refund policy is not a request for one; "I'd like my money back under
# your refund policy" still is (the concepts read the rest). In German, French and Spanish too:
# "Ihre Rückgaberichtlinie", "votre politique de remboursement", "su política de devoluciones".
_POLICY_NAMED_ABROAD = (
    r"\b(r[üu]ckgabe|r[üu]ckerstattungs|erstattungs|umtausch)(richtlinien?|bedingungen|recht)\b|"
    r"\bpolitique\s+de\s+(retours?\s+et\s+de\s+)?(remboursement|retour)s?\b|"
    r"\bpol[íi]tica\s+de\s+(devoluciones\s+y\s+)?(reembolsos?|devoluci[óo]n(es)?)\b"
)
POLICY_NAMED = r"\b(refund|returns?)\s+polic(y|ies)\b|" + _POLICY_NAMED_ABROAD

# (pattern, reason): each names money moving or a commitment only a person may make.
PHRASES: tuple[tuple[str, str], ...] = (
    (
        r"\b(bank|banking|account|payment|remittance|wire|ach)\s+(details?|info(rmation)?|"
        r"number|instructions|account)\b|\biban\b|\bswift\b|\bbic\b|\bsort\s*code\b|"
        r"\brouting\s*(number|no)\b",
        "mentions bank or payment details",
    ),
    (
        # The same request in other words: new wiring instructions, a new payee, a new bank,
        # a different card to charge, and the words of European customers.
        # A remittance advice names the payee ("Payee: Acme Supplies"): that is who was paid.
        r"\bwir(e|ing)\s+instructions\b|\bpayee\b(?!\s*:)|\bnow bank with\b|"
        r"\b(switched|changed|moved)\s+(our\s+)?(company\s+|business\s+)?bank(s|ing)?\b|"
        rf"\b(update|change|replace)\b{GAP}{{0,25}}\bcard\b(?!\s+statement)|"
        r"\bnew card (number|details)\b|\bhold (all |any )?payments\b|"
        r"\bbankverbindung|\bkontoverbindung|\bcoordonn[ée]es bancaires|\bdatos bancarios|"
        r"\bcoordinate bancarie|\bnew bank\b(?!\s+holiday)|"
        rf"\b(send|pay|remit|transfer|wire)\b{GAP}{{0,60}}"
        r"\b(to|into)\s+(our|my|this|the|a)\s+([\w-]+\s+){0,2}account\b"
        r"(?!\s+(manager|team|email|address|holder|executive|rep|contact)\b)|"
        rf"\baccount\b{GAP}{{0,40}}\b(from now on|going forward)\b",
        "asks to change bank or payment details",
    ),
    (
        r"\brefund|\breimburse|\bmoney back\b|\bcharge\s?back|\bcredit (it )?back\b",
        "asks for money back",
    ),
    (
        # The hurried "refnd", money back without the word, and in French, Spanish, German
        # and Italian.
        "|".join(
            (
                r"\brefnd",
                r"\bmoney\s+returned\b",
                *_MONEY_BACK_IN_OTHER_WORDS,
                r"\b(rembours|reembols|r[üu]ckerstatt|zur[üu]ckerstatt|rimbors)",
                r"\bgeld zur[üu]ck\b",
                _DEVOLVER_MONEY,
                r"\bcredit\s+(our|my|the|this)\s+(card|account)\b",
                MONEY_BACK,
            )
        ),
        "asks for money back",
    ),
    (
        r"\b(lawyer|attorney|solicitor|legal action|lawsuit|sue you|suing|court|"
        r"small claims|tribunal|trading standards|ombudsman)\b|"
        r"\blegal\s+(advice|proceedings|steps)\b|"
        # The same in the words of European customers; the concepts have their lawyers.
        r"\brechtliche\s+schritte\b|\bklage\s+(einreichen|erheben)\b|\bvor gericht\b|"
        r"\bproc[ée]dure\s+judiciaire\b|\bpoursuites\b|\ben justice\b|\bmise en demeure\b|"
        r"\bacci(ones|[óo]n)\s+(legal(es)?|judicial(es)?)\b|\bv[íi]a\s+judicial\b",
        "threatens legal action",
    ),
    (r"\b(payroll|salary|salaries|wages)\b", "concerns payroll"),
    (
        r"\b(payslips?|pay\s+slips?|pay\s*run|timesheets?|holiday pay|sick pay|final pay|"
        r"p45|p60)\b",
        "concerns payroll",
    ),
    (
        r"\b(contract terms|terminate (the|our|my) contract|cancel (the|our|my) contract|"
        r"change (the|our) contract)\b",
        "concerns contract terms",
    ),
    (
        rf"\b(terminat\w*|cancel\w*|amend\w*|renegotiat\w*|vary|varying|sign\w*|renew\w*)\b"
        rf"{GAP}{{0,40}}"
        rf"\b(contract|agreement|clause)s?\b|\bclause\s+\d+|\bnotice\b{GAP}{{0,40}}\bterminat|"
        r"\b(liability cap|limitation of liability|indemnit\w*|master services agreement)\b",
        "concerns contract terms",
    ),
    (
        r"\b(wire|transfer|send)\s+(the\s+)?(money|funds|payment)\s+to\b|\bgift ?cards?\b|"
        r"\b(pay|paid)\s+(in)?to\s+(a|the|this|our)\s+new\s+account\b",
        "asks to move money",
    ),
    (
        # "We paid INV-10590 to the new account your colleague emailed": the fraud has
        # already worked, or is about to.
        rf"\b(pay|paid|send|sent|transfer\w*|remit\w*|wire[ds]?|collect\w*|use)\b{GAP}{{0,80}}"
        r"\b(to|into|from)\s+(a|the|this|our|your|my)\s+new\s+(bank\s+)?account\b",
        "money to or from a new account",
    ),
)


# -- The high-risk categories: read by the rules backend in lower-cased text ----------------

# Where money is paid: "bank details", "remittance instructions", "card number", "payee details".
_PAYMENT_DETAILS = (
    r"(bank|banking|account|payment|remittance|wire|wiring|payee|card)\s+"
    r"(details?|info|information|account|number|instructions|partner)"
)
_CHANGE = r"(update|updated|change|changed|new|different|amend|amended|moved|switched|closed)"

BANK_DETAIL_CHANGE = (
    rf"\b{_CHANGE}\b{GAP}{{0,60}}\b{_PAYMENT_DETAILS}",
    rf"\b{_PAYMENT_DETAILS}\b{GAP}{{0,40}}\b(changed|updated|new|are changing|will change)\b",
    r"\bchange of (bank|banking|payee|account)",
    # "please use the new account below", "collect the direct debit from our new account"
    rf"\b(use|pay|send|remit|collect|transfer|wire)\b{GAP}{{0,80}}"
    r"\b(to|into|from|on)\s+(our|the|a|this|my)\s+new\s+(bank\s+)?account\b",
    r"\b(now bank with|switched banks?|changed banks?)\b",
    r"\bmoved (our )?(company |business )?bank(ing|s)?\b",
    rf"\b(update|change|replace)\b{GAP}{{0,25}}\bcard\b(?!\s+statement)",
    r"\bhold (all |any )?payments\b",
    r"\biban\b|\bsort\s*code\b|\brouting\s*(number|no\b|:)|\bswift\s*(code|:)",
    r"\b(bankverbindung|kontoverbindung|coordonn[ée]es bancaires|datos bancarios|"
    r"coordinate bancarie)\b",
    r"\b(kontodaten|bankdaten|nouveau rib|nuevos? datos bancarios|nueva cuenta bancaria)\b",
    # "realicen los próximos pagos según los nuevos datos de cobro", "la hemos pagado a la
    # cuenta nueva que nos mandasteis".
    r"\b(nuevos? datos de cobro|(la|una|otra) cuenta nueva)\b",
)

REFUND_REQUEST = (
    r"\brefu?nd(?!s?\s+polic)",  # also the hurried "refnd"; not a question about the policy
    r"\bmoney\s+(back|returned|refunded)\b",
    r"\breimburs",
    r"\bcharge\s?-?backs?\b",
    *_MONEY_BACK_IN_OTHER_WORDS,
    r"\bcredit (it |this |that )?back\b",
    # The word boundary first: a look-behind tried at every position of a long message is slow.
    r"\b(?<!politique de )rembours",
    r"\b(?<!pol[íi]tica de )reembols",
    r"\b(r[üu]ckerstatt|zur[üu]ckerstatt|rimbors)(?!ungs(richtlinie|bedingung))",
    _DEVOLVER_MONEY,
    r"\bgeld zur[üu]ck\b",
    r"\bcredit\s+(our|my|the|this)\s+(card|account)\b",
    MONEY_BACK,
)

# Telling us where money should go from now on is a bank-detail change in all but name.
PAYMENT_DESTINATION = (
    rf"\b(send|pay|remit|transfer|wire)\b{GAP}{{0,60}}"
    r"\b(to|into)\s+(our|my|this|the|a)\s+([\w-]+\s+){0,2}account\b"
    r"(?!\s+(manager|team|email|address|holder|executive|rep|contact)\b)",
    r"\bnew bank\b(?!\s+holiday)",
)


# -- CONCEPTS: read by riskconcepts, by meaning, in folded text -----------------------------

# Everyday phrases with a risky word in them: removed before the concepts read the text.
LOOK_ALIKES = (
    r"\bbank holidays?\b|\baccounts? (manager|team|department|dept|executive|rep|contact|"
    r"login|page|settings|password|payable|receivable)s?\b|\bcredit (where|to (you|your|the))\b|"
    r"\b(refund|returns?) polic(y|ies)\b|\bcard (reader|machine|terminal)s?\b|\bpayment links?\b|"
    r"\b(by|with a) card\b|\b(par|avec une) carte\b|\b(mit|per) (der )?karte\b|"
    r"\b(con|por) tarjeta\b|\bopen (a |an )?(new )?(trade )?account\b|"
    # Buying on credit terms: "buy from you on account", "set up a trade account".
    r"\b(on|set up an?|apply for an?) (trade |credit )?account\b|"
    r"\btransfer (the|my|your|our) (call|enquiry|inquiry|line)\b|"
    # The same abroad: a policy, a statement or login "account", "take into account", a bench.
    r"\b(ruckgabe|ruckerstattungs|erstattungs|umtausch)(richtlinien?|bedingungen|recht)\b|"
    r"\bpolitique de (retours? et de )?(remboursement|retour)s?\b|"
    r"\bpolitica de (devoluciones y )?(reembolsos?|devolucion(es)?)\b|"
    r"\b(kontoauszug|kundenkonto|benutzerkonto|nutzerkonto|onlinekonto)\w*|"
    r"\b(releve|espace|compte) (de compte|client)\b|\b(tenir|tenez|tiens|rendre) compte\b|"
    r"\bcompte rendu\b|\ben fin de compte\b|\bestado de cuenta\b|\bcuenta de (usuario|cliente)\b|"
    r"\b(di|dimos|dio|dado|dar|darse|darme|dieron) cuenta\b|\b(tener|tenga|tengan) en cuenta\b|"
    r"\bbancos? de (madera|trabajo|jardin|terraza|exterior)\b|"
    # Keeping the books: "please update your records", "confirm and update our account" after a
    # payment, and the same abroad; a statement "with all open invoices and credit notes".
    r"\bupdate\s+(your|our|the|my)\s+(records?|ledger|books|system|files?|reminder)\b|"
    r"\bupdate\s+(our|my)\s+account\b(?!\s+(details|with|to|so)\b)|"
    r"\bmettre\s+a\s+jour\s+(votre|vos|nos|notre|la|les)\s+(relance|dossiers?|fichiers?|"
    r"comptabilite|registres?|compte)\b(?!\s+(avec|pour))|"
    r"\b(ihre|unsere)\s+(unterlagen|buchhaltung)\s+(zu\s+)?aktualisier\w*|"
    r"\bactualic\w*\s+(sus|nuestros|los)\s+registros\b|"
    r"\b(include|including|list|show|with)\s+((any|all|the|our)\s+)?credit\s+notes?\b|"
    r"\b(rechnungen|posten)\s+und\s+gutschriften\b|"
    r"\b(einschliesslich|inklusive|inkl|samt|sowie)\s+((aller|etwaiger|der|ihrer|allen|etwaigen)"
    r"\s+)?gutschrift\w*\b|"
    # A credit the business gave before: "you also gave us a credit for the torn gloves".
    r"\b(you|they)\s+((also|already)\s+)?(gave|issued|sent|raised)\s+(us|me)\s+a\s+credit\b|"
    r"\bgutschriften\s+und\s+(offenen\s+)?rechnungen\b|"
    r"\b(factures|avoirs)\s+et\s+(des\s+|les\s+)?(avoirs|factures)\b|"
    r"\bfacturas\s+y\s+(los\s+)?abonos\b|\babonos\s+y\s+(las\s+)?facturas\b|"
    # A credit note already issued, named by its number: "l'avoir CN-401", "Gutschrift GS-12".
    r"\b(l'avoir|avoir|gutschrift|abono|credit\s+note)\s+(n[o°]\s+?)?[a-z]{0,4}-?\d{2,}\b|"
    # A credit the business already gave, set against a payment: "paid it less the credit note
    # you sent", "en déduisant l'avoir de 120 €", "wir haben doch noch eine Gutschrift von
    # Ihnen", "descontando el abono". Asking for a new credit note is not among them.
    r"\b(less|minus|net of|deducting|after deducting|applying|offsetting)\s+(the|your|our)\s+"
    r"credit(\s+note)?\b|"
    r"\bthe\s+credit(\s+note)?\s+you\s+(already\s+)?(gave|sent|issued|raised)\b|"
    r"\b(en\s+)?(deduisant|deduction\s+de|deduction\s+faite\s+de|moins)\s+(l'|votre\s+|notre\s+)"
    r"avoir\b|\bl'avoir\s+(de\s+\S+\s+)?(\S+\s+)?que\s+vous\s+(nous\s+)?(aviez|avez)\b|"
    r"\b(abzuglich|abzgl|nach\s+abzug)\s+(der|ihrer|unserer)\s+gutschrift\b|"
    r"\b(wir\s+haben|haben\s+wir)\s+((doch|noch|bereits|schon)\s+)*(eine|die|ihre)\s+"
    r"gutschrift\b|"
    r"\b(descontando|restando|menos|aplicando|deduciendo)\s+(el|su|nuestro)\s+abono\b|"
    # A credit already issued, named by its amount or asked whether it was applied: "ist die
    # Gutschrift über 450 EUR schon berücksichtigt?", "has the credit note been applied?",
    # "l'avoir de 120 € est-il déduit ?", "¿está descontado el abono?".
    r"\b(die|diese|unsere|ihre|eure)\s+gutschrift\s+(uber|von|in\s+hohe\s+von)\s+\S*\d|"
    r"\b(the|your|our|that)\s+credit(\s+note)?\s+(of|for)\s+\S*\d|"
    r"\b(l'avoir|cet\s+avoir|votre\s+avoir)\s+de\s+\S*\d|"
    r"\b(el|ese|su|vuestro)\s+abono\s+(de|por)\s+\S*\d|"
    r"\bgutschrift\b[^.?!\n]{0,40}\b(berucksichtigt|abgezogen|verrechnet|angerechnet)\b|"
    r"\bcredit(\s+note)?\s+(has\s+|have\s+)?(been\s+)?(applied|deducted|taken\s+off)\b|"
    r"\bavoir\b[^.?!\n]{0,30}\b(deduit|pris\s+en\s+compte|applique|impute)\b|"
    r"\babono\b[^.?!\n]{0,30}\b(aplicado|descontado|tenido\s+en\s+cuenta)\b"
)

# Words customers mistype where it matters, matched one slip away (a letter missing, doubled,
# swapped with its neighbour, or for long words changed). Real words one slip away are not typos.
TYPO_TARGETS = (
    "account", "payment", "details", "changed", "change", "refund", "reimburse", "remittance",
    "transfer", "deposit", "solicitor", "lawyer", "salary", "banking", "number", "updated",
    "update", "compensation", "compensate", "chargeback", "beneficiary", "different", "contract",
    "agreement", "payroll", "wages", "overtime",
)  # fmt: skip
NOT_TYPOS = frozenset({"contact", "baking", "hanged", "outing", "amount", "counts", "charged"})

# Money named as a thing: "the difference", "£45", "what we paid".
_MONEY = (
    r"(money|payment|amount|deposit|difference|balance|fees?|charges?|cost|price|funds|cash|sum|"
    r"overpayment|pagos?|importe|montant|betrag|[£€$] ?\d[\d,.]*|"
    r"\d[\d,.]* ?(gbp|eur|usd|pounds|euros|dollars|[£€$])|"
    r"what (i|we|they) (paid|spent))"
)

# Each concept: its alternatives, any of which names it.
CONCEPTS: dict[str, tuple[str, ...]] = {
    # Where money goes. Banks by name too, but not those that are everyday words.
    "destination": (
        r"bank(s|ing|ed|ers?)?|iban|swift|bic|sort ?codes?|routing|payees?|beneficiar\w*|remit\w*",
        r"direct (deposit|debit)s?|paypal|revolut|venmo|zelle|wir(e|ing) (instructions|details)",
        # A bare "cuenta", "conta" or "conto" is any account (or the bill): "account" below.
        r"wire transfer|konto\w*|bankverbindung|bankdaten|rib|rekening\w*",
        r"cuenta (bancaria|corriente)|numero de (cuenta|conta)|conta bancaria",
        r"conto corrente|numero di conto",
        r"rachun\w*|banco|banque|banca|bancari\w*|bancair\w*|virement\w*|uberweis\w*",
        r"hsbc|barclays|lloyds|natwest|santander|monzo|starling|tsb|halifax|credit union",
        r"building society|sparkasse|volksbank|bnp|factoring|invoice finance|ach",
        # Direct debits: "domiciliadlas en la cuenta de la sociedad", "Lastschrift", "prélèvement".
        r"domicili(ar|ad|en|amos|acion)\w*|lastschrift\w*|prelevement\w*|mandat sepa",
        r"(vendor|supplier) (form|master|details|record)s?",
        # "los datos nuevos para el pago", "hemos cambiado de entidad".
        r"datos (\S+ ){0,2}(bancarios|de pago|para el pago|de la cuenta)|entidad bancaria",
        r"cambi\w* de (banco|entidad)|(otra|nueva) entidad",
    ),
    "card": (
        r"(credit |debit )?cards?|carte|(kredit|debit|bank|ec|giro|visa)?karte|tarjeta|cartao",
        r"amex|american express|visa|mastercard",
    ),
    # A card that runs out is a card about to be replaced: "charge the new one from now on".
    "expiry": (
        r"expir\w*|runs? out|caduc\w*|vence|vencid\w*|lauft (\S+ ){0,3}ab|ablauf\w*|abgelaufen",
        r"perime\w*|arrive a (echeance|expiration)",
    ),
    "account": (
        r"accounts?|acct|acc|a/c|accnt|compte|cuenta|conta|conto|letterhead",
        r"(to|into|on) (the|these|those|our) "
        r"(\S+ )?details|details (below|attached|enclosed)",
    ),
    "change": (
        r"new|newly|chang\w*|updat\w*|switch\w*|mov(e|ed|ing)|different|amend\w*|replac\w*",
        r"instead|rather than|from now on|going forward|with immediate effect|no longer|closed",
        r"effective (immediately|from|today)|closing|old (one|account|bank|details|card)|revised",
        r"alter(ed|ation|ad\w*|acao)|future (payments?|invoices?)|(should|will|must) now",
        r"from (the )?next (invoice|payment|month)|now bank|transferred (our|the) account",
        r"neue?[nmrs]?|geandert|anderung|wechsel\w*|nuev[oa]s?|cambi\w*|nov[oa]s?|nouveau",
        r"nouvelles?|nouvel|changement|mettre a jour|nuov[oa]|aggiorn\w*|nieuwe?|gewijzigd",
        r"wijziging|now(y|e|a|ego|ym)|zmian\w*",
        # From a day on: "a partir de enero", "ab sofort", "désormais". (Not "statt" or "en
        # lugar de": "INV-25899 statt INV-25989" in a payment reference is a typo, not a change.)
        r"a partir de|de ahora en adelante|ab sofort|kunftig|desormais|dorenavant",
        r"gewechselt|aktualisier\w*|ab sofort|ab jetzt|kunftig\w*|zukunftig\w*|in zukunft",
        r"dorenavant|desormais|a l'avenir|a partir de (maintenant|aujourd'hui|ahora|hoy)",
        r"(de ahora )?en adelante|actualic\w*|actualiz\w*|modifi\w*",
        # Not "statt" or "au lieu de": "Dienstag statt Montag" is a delivery, not a bank; but
        # one figure for another is a change ("45 statt 30 Tage").
        r"en (lugar|vez) de|\d+ (\w+ )?(statt|au lieu de|anstatt) \d+",
    ),
    "money_flow": (
        r"pay|pays|paid|paying|payments?|remit\w*|transfer\w*|deposit\w*|salary|wages?|funds?",
        r"pay(check|cheque)s?|money|rebates?|refund\w*|settle\w*|collect\w*|debit\w*|receipts",
        r"commissions?|bonus(es)?|virement\w*|paiements?|vers(er|ez|ement)|uberweis\w*",
        r"pag(o|os|amento|amentos|ar|are)|zahlung\w*|betal\w*|overmak\w*|przelew\w*|wplat\w*",
        r"abbuch\w*|lastschrift\w*|prelevement\w*|cobr(o|os|ar|en|ad\w*)|domiciliacion\w*",
        r"ingres(o|os|ar|en)|abon(o|os|ar|en)|transfier\w*|transfir\w*|pagu(e|en)|pagamos",
    ),
    # "Payments should be made to the following account": an instruction where money goes.
    "pay_to": (
        r"(payments?|remittances?|funds|transfers?) (should|must|will|are to|to) (now |henceforth "
        r"|from now on |in future )?(go|be (made|sent|paid|remitted|transferred|directed))",
    ),
    "redirect": (
        r"sister company|personal (account|bank)|another (company|account|person|business)",
        # Paid to another company of the group: "ausschließlich an die Wolff Holding SE".
        r"(parent|holding|group) company|holding (se|ag|gmbh|sa|sas|sl|ltd|plc|inc|bv|nv)",
        r"muttergesellschaft|konzernmutter|(societe|maison) mere|(sociedad|empresa|casa) matriz",
        r"different (company|account|person|business|entity|name)|third party",
        r"(rather than|instead of) (the|our|my) (business|company|usual|normal|old|current)",
        r"(wife|husband|partner|son|daughter|brother|sister|mum|mom|dad|friend)'?s (account|card)",
        # A stop-gap account: "a provisional account in Lithuania", "cuenta provisional".
        r"(provisional|temporary|interim|temporaire|provisoire|vorlaufig\w*|temporal) (bank )?"
        r"(account|cuenta|compte|konto)|(cuenta|compte|konto) (provisional|temporal|temporaire|"
        r"provisoire)",
    ),
    "money_back": (
        r"refund\w*|refnd\w*|reimburs\w*|compensat\w*|repa(y|id|yment)\w*|charge ?-?backs?",
        r"money[ -]back|writ(e|ten|ing) (it |this |that |\w+ )?off|write-offs?|waive\w*",
        r"revers(e|al|ed|ing)|service credits?|credit back|goodwill (gesture|payment|credit)",
        r"gesture of goodwill|(get|want|need|have) (my|our|the) money",
        r"credit (our|my|the|us|this|it|their) (account|card)|card (company|issuer|provider)",
        r"disput\w* (\w+ ){0,4}(card|bank|issuer|paypal)|(a|partial|full|some) credit (for|on|to)",
        r"credit (on|against|to) (the|our|my) (account|invoice)|(owe|owes) (me|us)|(am|are) owed",
        r"i'm owed|we're owed|(charged|billed) (us |me )?twice|double (charged|charge|billed)",
        r"overcharg\w*|duplicate (charge|payment)|return\w* (\S+ ){0,3}" + _MONEY,
        # Not the van that "drops off the Tuesday order" or the parcel "dropped off".
        r"(knock|take|deduct)\w* (\S+ ){0,6}(?<!drop )(?<!drops )(?<!dropped )(?<!dropping )"
        r"off (the|our|my|this|next) (\S+ )?(invoice|bill|order)",
        # The money named, then "back": not "check back", "call back", "back in stock".
        # Nor a time: "sent $1,000 a couple of weeks back".
        rf"{_MONEY}( \S+){{0,6}} (?<!check )(?<!call )(?<!ring )(?<!get )(?<!be )"
        r"(?<!days )(?<!weeks )(?<!months )(?<!years )(?<!week )(?<!month )(?<!while )back"
        r"(?! (in stock|in touch|on|to (you|normal|work)|up|order|online))",
        rf"back (\S+ ){{0,3}}{_MONEY}|(paid|pay) (me |us |them )?back",
        rf"{_MONEY}( \S+){{0,4}} (returned|refunded|repaid|reimbursed|credited)",
        rf"{_MONEY}( \S+){{0,4}} (taken|knocked|deducted|written) off",
        # "l'avoir" is the credit note ("l'avoir de 120 €") or "to have it" ("peut-on
        # l'avoir ?"): the note when a number, an amount or a verb of issuing follows.
        r"rembours\w*|(un|d'un|cet|votre|notre) avoir|l'avoir (de|d'|du|n|no|cn|que|sur|pour|"
        r"emis|accorde|promis)\b|reembols\w*|rimbors\w*",
        # "un abono" is a credit note asked for ("necesitamos un abono por las tapas rotas"),
        # "abonar" paying the difference back; not "el abono de 95 €" already issued
        # (a look-alike) nor a season ticket.
        r"(?<!enviasteis )(?<!enviaron )(?<!envio )(?<!mandasteis )(?<!mandaron )(?<!mando )"
        r"(?<!emitisteis )(?<!emitieron )(?<!emitio )(?<!hicisteis )(?<!hicieron )(?<!hizo )"
        r"(?<!disteis )(?<!dieron )(?<!dio )(un|otro|nuevo) abono (por|para)\b|"
        r"abon(en|ad|ar|arnos|ennos|eis)( \S+){0,3} (la diferencia|el importe|el dinero|el cobro)",
        # "devolver" is returning goods too ("¿cómo puedo devolver las sillas?"): money named.
        r"(devol(ver|verme|vernos|ved|ucion)|devuelv\w*)( \S+){0,3} (el |la |mi |nuestro |los )?"
        r"(dinero|diferencia|importe|pago|cobro|deposito|senal)",
        r"(doppelt|zweimal) (abgebucht|berechnet|belastet)|(facture|debite|preleve)\w* deux fois",
        # The German verb split around what is paid back ("überweisen Sie uns den Kaufpreis
        # zurück"), a purchase withdrawn from, a chargeback threatened ("lo reclamo al banco
        # como cargo no autorizado"), money to go back where it came from.
        r"(uberweisen|erstatten|zahlen|buchen) sie (uns|mir) (\S+ ){0,6}zuruck\b|"
        r"rucktritt vom (kauf|kaufvertrag)|(treten|trete) (\S+ ){0,3}vom (kauf|kaufvertrag) zuruck",
        r"cargo no autorizado|contracargo|reclam\w* (\S+ ){0,2}al banco|"
        r"(came|come|go|went|sent|send) (\S+ ){0,2}(back|home) to (the|our|my) (account|card)\b|"
        r"to the (account|card) it came from|(rather|prefer) it came back",
        # A credit asked for goods short: "please credit the other 3 cases".
        r"credit (us |me )?(for )?(the )?(other|remaining|missing|short|extra) \S+|"
        r"credit (us |me )?(for )?(the )?\d+ (cases?|boxes|items|units|packs|bottles|cartons)",
        # The loss claimed from the business: "we'll be looking to you to cover it",
        # "den Ausfall werden wir Ihnen in Rechnung stellen".
        r"(looking to|expect|want) you to (cover|pay for|reimburse)\b|"
        r"fur den schaden (\S+ ){0,8}aufkomm\w*|schaden(s)?ersatz|"
        r"zahlung (\S+ ){0,4}zuruck(holen|buchen|fordern)|ruckbuchung|"
        r"(werden|stellen) (wir )?ihnen (\S+ ){0,4}in rechnung (stellen)?|"
        r"vous (le |la |les )?refactur\w*|os (lo |la )?(facturaremos|cobraremos|reclamaremos)",
        r"(cobra|carga)\w* dos veces|(doble|duplicado) cobro|cobro (doble|duplicado)",
        # Paid twice, by the customer: "la factura se pagó dos veces", "doppelt überwiesen".
        r"(pag|abon)\w* dos veces|pagos? (doble|duplicado)s?|(zweimal|doppelt) (\S+ ){0,3}"
        r"(bezahlt|uberwiesen|gezahlt|beglichen)|paye\w* deux fois|(double|doublon de) paiement",
        r"paid (\S+ ){0,3}twice|double payment|duplicate payment",
        r"zuruckuberweis\w*|zuruckbuch\w*",
        # Separable and indirect ways of asking: "buchen Sie den Betrag auf meine Karte zurück",
        # "ich hätte gern mein Geld für das Gerät zurück", "récupérer mon argent", "que me
        # devolváis el dinero", "anular el cargo", "abonarme los 540 €", "stornare l'addebito",
        # "riavere i soldi", a dispute opened with the bank.
        r"buch\w* (\S+ ){0,8}zuruck\b|geld (\S+ ){0,6}zuruck\b",
        r"recuper\w* (mon|notre|l') argent|(rendre|rendez|rendiez) (mon |notre |l')argent",
        r"devolv\w*( \S+){0,3} (el |mi |nuestro )?(dinero|importe)",
        r"anul\w* (el|los|ese|este|esos|estos) (cargos?|cobros?)|"
        r"abon\w* (\S+ ){0,3}(el importe|la diferencia|los \d|\d)",
        r"storn\w* (l'|il |gli )?addebit\w*|riaver\w* (i |il )?(soldi|denaro|importo)|"
        r"restitu\w* (i |il )?(soldi|denaro|importo)",
        r"disputa con (el|mi|nuestro) banco|litige (avec|aupres de) (ma|notre|la) banque",
        r"erstatt\w*|ruckerstatt\w*|ruckzahl\w*|gutschrift\w*|geld zuruck|zuruckzahl\w*",
        r"terugbetal\w*|terugstort\w*|geld terug|zwrot\w*|estorn\w*|ressarc\w*|indemniz\w*",
        r"entschadig\w*|dedommag\w*|risarc\w*",
        # "sort the money out for the broken one", "have back the part we won't use", "la
        # plata", "und wann kommt das Geld?", a card payment to be contested at the bank.
        r"sort (out )?(the |our |my )?money( out)?|(have|get) back the (part|rest|balance|"
        r"months?|unused)",
        r"devol\w* (\S+ ){0,2}(la )?plata|wann kommt (\S+ ){0,2}(das|unser|mein) geld",
        r"(opposition|contest\w*) (\S+ ){0,4}(banque|paiement|prelevement)",
        # Business lost to be paid for: "£750 for the lost business", "den Schaden übernehmt".
        r"(lost|loss of) (business|revenue|income|earnings|trade|sales|bookings)",
        r"(kosten|schaden)( \S+){0,3} (ersetz|ubernehm|erstatt|begleich)\w*",
        r"(cover|make good|contribute) (\S+ ){0,2}" + _MONEY,
        # "how do we square this up", "put it right on our account", not "left as credit", the
        # second payment "sent home", "still waiting to see the money", "le trop-perçu",
        # "reverser", "¿cómo nos lo compensáis?", "reintegrar", "sistemare la differenza".
        r"square (this|it|things) up|put (it|this|that) right on (our|my|the) account",
        r"(leave|keep) (it|the \w+|this) as (a )?credit|(sent|send|pay\w*) (\S+ ){0,3}back home",
        r"(see|seen|get|got) (the|my|our) money|goodwill (adjustment|credit)|trop[- ]percu",
        r"reverser|reintegr\w*|compens(ais|eis|ar|en|ad)\b|sistemare la differenza",
        r"wie kommen wir (\S+ ){0,2}(wieder )?dran|wieder dran",
        # Losses to be paid for: "cover the stock thrown away and the lost takings", "den
        # Ausfall in Rechnung stellen", "faire supporter le coût", "asumáis el coste".
        r"(cover|pay for|make good|looking to you to cover) (\S+ ){0,3}(stock|takings|goods|"
        r"damage|losses?)|lost takings|loss of takings",
        r"(ausfall|schaden|verdienstausfall|umsatzausfall|einnahmen)\w* (\S+ ){0,5}(in rechnung|"
        r"zahl|ersetz|ubernehm|begleich|erstatt)\w*",
        r"(faire )?support(er|iez|ez) (\S+ ){0,3}(le |les )?(cout|couts|frais|perte)|prendre en "
        r"charge (\S+ ){0,2}(le |les )?(cout|couts|pertes?)",
        r"asum(ais|[áa]is|an|ir|a)\b (\S+ ){0,2}(el |los )?(coste|costes|gastos)",
        r"kreditkarten\w* (\S+ ){0,6}zuruck\w*",
        # Back on the card or account it came from: "could the £86.40 go back on the card?"
        r"back (on|onto|to|into) (the|my|our|your) (\S+ )?(card|account|statement)",
        r"re-?credit\w*|recredit\w*|recrediter|gutschreib\w*|gutgeschrieben|"
        r"schreib\w* (\S+ ){0,9}gut(?! \w)",
        # A charge-back threatened: "I'll raise it with Amex", "die Lastschrift zurückgehen
        # lassen".
        r"(raise|take|report|escalate|dispute)\w* (it|this|that|the \w+)( \S+){0,2} with "
        r"(amex|american express|visa|mastercard|paypal|(my|our|the) (bank|card))",
        r"lastschrift\w* (\S+ ){0,5}(zuruck\w*|widerruf\w*|storn\w*)",
        r"(zuruckgehen|zuruckbuchen) lassen",
        r"(devol\w*|devuelv\w*)( \S+){0,3} " + _MONEY,
        # Loss to be made good: "cover the cost of the stock we had to throw away".
        r"(cover|pay for|make good) (\S+ ){0,2}(cost|costs|loss|losses|damage|stock we)",
        r"(kosten|schaden)( \S+){0,3} (ersetzen|ubernehmen|erstatten)|schadenersatz\w*",
        r"(couvrir|prendre en charge|payer) (\S+ ){0,2}(les|le) (frais|couts?|pertes?|dommages?)",
        r"(cubrir|asumir|pagar) (\S+ ){0,2}(el|los|las) "
        r"(coste|costes|costo|costos|gastos|perdidas|danos)",
    ),
    # A deposit to come back: "what happens to the deposit if we cancel", "la fianza de 600 €,
    # ¿cuándo nos la podéis ingresar?"
    "deposit": (
        r"deposits?|fianza|kaution|caution|depot de garantie|deposito|senal|anzahlung|arrhes",
        r"acomptes?",
    ),
    "get_back": (
        r"recover\w*|return\w*|refund\w*|lose|lost|forfeit\w*|what happens|keep|kept",
        r"ingres\w*|devol\w*|devuelv\w*|zuruck\w*|rembours\w*|rendre|restitu\w*|recuper\w*",
        r"verfall\w*|einbehalt\w*|perd\w*",
    ),
    "credit_note": (r"credit notes?|nota de credito|note de credit",),
    "request": (
        r"please|pls|raise|issue|send|need|want|request|can you|could you|would you|expect|like",
        r"wants|wanted|require\w*|asking for",
    ),
    "legal": (
        r"lawyers?|lawer|attorneys?|solicitors?|legally|courts?|sue|suing|sued|lawsuit",
        r"litigation|tribunal|trading standards|ombudsman|small claims|letter before action",
        r"legal (action|team|advice|department|dept|proceedings|steps|route|letter|counsel)",
        r"legal (options|position|remedies|rights|recourse|claim|costs|matter)",
        r"mise en demeure|demandar|anwalt\w*|rechtsanwalt\w*|klage\w*|abogad\w*",
        # A court, not a dish ("das Gericht war kalt").
        r"(vor|zum|ans|beim|vom) gericht|gerichts\w*|gerichtlich\w*",
        r"(seek|claim|sue for|claim for) damages|damages claim|counsel",
        r"avocat\w*|avvocat\w*|tribunale|advocaat|rechtbank|prawni\w*",
        r"rechtlich\w* (schritte|konsequenzen|weg)|juristisch\w*|(amts|land)gericht\w*",
        r"procedure judiciaire|poursuites|en justice|contentieux",
        r"huissier|acci(on|ones) (legal|legales|judicial|judiciales)|via judicial|tribunales",
        # Not "hay mucha demanda" (demand for a product).
        r"(poner|presentar|interponer) (una )?demanda|demanda judicial|juzgado\w*",
        # A regulator, an insurer's claim, legal-protection insurance: "we will report you to
        # the ICO", "notre protection juridique", "Rechtsschutzversicherung", "our insurer will
        # be in touch to recover the cost".
        r"(data[- ]protection|privacy|consumer) (regulator|authority|watchdog|commissioner)",
        r"report\w* (\S+ ){1,3}to (the )?(ico|regulator|authorities|cnil|aepd|ombudsman)\b",
        r"liabilit(y|ies)|(your|their) insurer'?s? details|(our|my) insurers? (says|will|are)",
        r"datenschutzbehorde|verbraucherzentrale|cnil|aepd|garante (della )?privacy",
        r"protection juridique|rechtsschutz\w*|proteccion juridica|tutela legale",
        # Consumer and data-protection authorities by name: the DGCCRF, "hoja de
        # reclamaciones", "Consumo", the Landesbeauftragte für Datenschutz, the ICO; a small
        # claim filed online.
        r"dgccrf|signalconso|mediateur de la consommation|hojas? de reclamaci\w*",
        r"(denuncia|reclamacion)\w* (\S+ ){0,3}(en|a|ante) consumo|oficina del consumidor",
        r"\w*(beauftragte|aufsichtsbehorde)\w* (\S+ ){0,2}datenschutz|datenschutz"
        r"(beauftragte\w*|aufsicht\w*)",
        r"\bico\b|information commissioner|subject access request|small claims?",
        # Put politely: "our advisers are looking at the contract", "nos conseils examinent le
        # dossier", "unser Verband prüft das", "nuestra asesoría jurídica tiene el expediente";
        # RIDDOR, the municipal consumer office.
        r"(our|my) (legal )?advis[eo]rs? (\S+ ){0,3}(look|review|examin|consider)\w*",
        r"legal advis[eo]rs?|nos conseils|notre conseil juridique|asesoria juridica",
        r"(unser|der) verband (pruft|pruefen)",
        # The HSE when a report to it is said, not an inspection mentioned in passing.
        r"(report\w*|complain\w*|contact\w*|involv\w*|go(ing)? to|notif\w*) (\S+ ){0,4}(the )?"
        r"(hse|health and safety executive)\b|riddor|\bomic\b",
        r"oficina (municipal )?de (informacion al )?consumidor|oficina de consumo",
        r"(insurer|insurers|insurance company) (\S+ ){0,6}(recover|claim|subrogat)\w*",
        # A report to an inspectorate threatened: "das melde ich dem Gewerbeaufsichtsamt und der
        # Handwerkskammer", "je le signale à l'inspection du travail", "lo denuncio a
        # Sanidad", "we'll report it to environmental health".
        r"(meld|anzeig|zeig)\w* (\S+ ){0,5}(gewerbeaufsicht|handwerkskammer|ordnungsamt|"
        r"gesundheitsamt|lebensmittelaufsicht|veterinaramt|berufsgenossenschaft|polizei)\w*",
        r"(gewerbeaufsicht|handwerkskammer|ordnungsamt|gesundheitsamt)\w* (\S+ ){0,3}"
        r"(melden|einschalten|informieren|anzeigen)",
        r"(report|contact|inform|notify|call)\w* (\S+ ){0,4}(environmental health|gas safe|"
        r"fire (service|brigade|department|officer)|police|building control|the council)\b",
        r"(signal|denonc|previen)\w* (\S+ ){0,4}(l'inspection|la repression des fraudes|"
        r"la police|la gendarmerie|la mairie|les services d'hygiene)",
        r"(denunci|inform|avis)\w* (\S+ ){0,4}(a|ante) (sanidad|la inspeccion|consumo|la policia|"
        r"trabajo|el ayuntamiento)",
    ),
    "payroll": (
        r"payroll|salary|salaries|wages?|pay ?slips?|pay ?runs?|pay ?(checks?|cheques?)",
        r"direct deposit|overtime|under ?paid|final pay|holiday pay|sick pay|pay period|p45|p60",
        r"timesheets?|my pay|lohn\w*|gehalt\w*|nomina|salario|salaire|stipendio|salaris",
        r"wynagrodzen\w*|(paid|pay) for (\S+ ){0,4}(shifts?|hours|overtime)|hourly rate",
        r"pay (rise|increase)",
        r"fiches? de paie|bulletins? de (paie|salaire)|(ma|la|notre) paie|heures supplementaires",
        r"nominas|horas extras?|uberstunden|(lohn|gehalts)abrechnung\w*",
        # What is owed a leaver: "el finiquito no incluye los días de vacaciones".
        r"finiquito|vacaciones( \S+){0,4} disfrut\w*|urlaubsabgeltung|resturlaub\w*",
        r"solde de tout compte|indemnite (compensatrice )?de conges|conges (payes )?non pris",
        r"(untaken|unused|accrued) (holiday|vacation|leave)\w*|holiday entitlement",
    ),
    "contract": (
        r"contracts?|agreements?|clauses?|terms and conditions|sla|lease|contrat\w*",
        r"(wartungs|miet|leasing|liefer|rahmen|service|arbeits|dienstleistungs|kauf|abo)?vertrag\w*",
        r"contrato\w*|contratto|overeenkomst|umow\w*",
        # An agreement by its other names ("Liefervereinbarung", "accord de livraison"); not
        # the "d'accord" or "de acuerdo" of agreeing.
        r"(liefer|rahmen|service|kooperations|preis|abnahme)?vereinbarung\w*",
        r"accords? (de|cadre|commercial)\w*|accord-cadre|acuerdos? (de|marco|comercial)\w*",
    ),
    "contract_act": (
        r"terminat\w*|cancel\w*|end|ending|exit|renew\w*|notice|amend\w*|vary|variation",
        r"renegotiat\w*|negotiat\w*|sign|signing|breach\w*|prices?|rates?|rise|increase\w*|cap",
        r"fees?|liabilit\w*|indemnit\w*|penalt\w*|terms?|kundig\w*|resili\w*",
        r"rescind\w*|renegoci\w*|neu verhandeln|nachverhandel\w*|verlanger\w*|preavis|preaviso",
        r"vertragsstrafe\w*|penalit\w*|condicion\w*|conditions?|bedingung\w*|laufzeit|plazo",
        r"beend\w*|vorzeitig\w*|mettre fin|terminer|finaliz\w*|anul\w*|dar de baja",
        # Changing or signing it abroad: "anpassen", "geänderten Vertrag zur Unterschrift",
        # "modifier notre contrat", "cambiar las condiciones", "firmar".
        r"anpass\w*|angepasst\w*|(ge)?ander(n|t|te|ten|ung\w*)|unterschr\w*|unterzeichn\w*",
        r"streich\w*|gestrichen|modifi\w*|changer|revoir|signer|signature|resilier\w*",
        r"cambi(ar|o|os|en)|firmar|firma|rescindir|renovar|renovacion",
    ),
    "contract_terms": (
        r"notice period|termination fee|exit fee|break clause|early termination|price cap",
        r"auto(matic)?[- ]?renew\w*|automatically renew\w*|tacite reconduction|renouvellement "
        r"automatique|automatische verlangerung|verlangert sich automatisch|renovacion automatica",
        r"se renueva automaticamente|service level|response times?",
        r"not (be )?renewing|will not renew|won't renew|cap on price",
        r"reconduction tacite|clausula de revision|revision de (los )?precios|disdetta|preavviso",
    ),
    "payment_terms": (
        r"(payment|credit) terms|\d+ days? terms",
        r"zahlungsziel\w*|zahlungsbedingung\w*|zahlungsfrist\w*",
        r"(delais?|conditions) de (paiement|reglement)|(plazos?|condiciones) de pago",
    ),
    # Paying an invoice by instalments, or later than agreed: a person's decision on credit.
    "instalments": (
        r"instal?lments?|payment plan|(pay|paying|split|spread)( \S+){0,4} (in|into|over) "
        r"(two|three|four|2|3|4|several|monthly) (parts|payments|instal\w*|months)",
        # Not "they split every invoice by hand" (into cost centres).
        r"split (\S+ ){0,3}(invoice|bill|payment|balance) (into|in|over) |split (the )?"
        r"(payment|balance)|spread (\S+ ){0,3}(payment|cost)",
        r"ratenzahlung\w*|in (zwei|drei|vier|2|3|4|mehreren|monatlichen) "
        r"(raten|teilbetragen|teilen)",
        # "Stundung", deferral; not "Stunden", hours.
        r"(zahlung|rechnung) (\S+ ){0,3}aufteil\w*|stundung\w*",
        r"en (deux|trois|quatre|2|3|4|plusieurs) (fois|versements|mensualites)|echelonn\w*",
        r"paiement fractionne|(regler|payer) (\S+ ){0,3}en (deux|trois|plusieurs) fois",
        r"(a|en) plazos|en (dos|tres|cuatro|2|3|4|varios) (plazos|pagos|cuotas|veces)",
        r"fraccion\w*",
        r"aplaza\w*|pago (aplazado|fraccionado)",
        # Half now, half later: "pay half now and the other half in mid-December".
        r"(pay|paying|send|transfer)\w* (\S+ ){0,2}half now|half now and|(the other|second) half "
        r"(in|by|at|next|on|later)|pay\w* (\S+ ){0,6}in one go|(halfte|teilbetrag) (jetzt|heute|"
        r"sofort)|(nicht )?auf einmal (zu )?(zahlen|bezahlen|begleichen)|(la )?moitie (maintenant|"
        r"aujourd'hui|ce mois)|pas (\S+ ){0,3}en une (seule )?fois|la mitad (ahora|hoy|este mes)",
        r"no (\S+ ){0,4}de una (sola )?vez",
    ),
    # Someone asks the business to pay out: "I need you to process a transfer", "please wire".
    "pay_out": (
        r"(you|need)( \S+){0,8} (process|handle|send|make|arrange|wire|transfer|release|pay"
        r"|authori[sz]e|approve)( \S+){0,6} (payment|transfer|wire|funds|money|[£€$]\d)",
        r"(please|pls|kindly) (\S+ ){0,2}(wire|transfer|send|make|process|release) (\S+ ){0,3}"
        r"(funds|money|payment|transfer|wire)",
        r"same-?day (transfer|payment)|need (a|the|this) (payment|wire|transfer)|go out today",
        r"(you|need|please)( \S+){0,8} (pay|process|settle|approve|authori[sz]e) (\S+ ){0,4}"
        r"invoices?",
        r"(necesito|necesitamos) que (\S+ ){0,4}(gestion|hag|realic|envi|orden|tramit)\w* "
        r"(\S+ ){0,3}(transferencia|pago)\w*|(hacer|realizar|gestionar) (una |la )?transferencia",
        r"(brauche|benotige|brauchen)( \S+){0,4} (uberweisung|zahlung)\w*|bitte (\S+ ){0,3}"
        r"uberweis\w*",
        r"(besoin|faut) (\S+ ){0,4}(virement|paiement)\w*|(effectuer|faire|passer) (un |le )?"
        r"virement",
        r"(help|ayud\w*|aide\w*|hilf\w*) (\S+ ){0,3}(with |con |avec |bei )?(a |un |une |einer )?"
        r"(payment|pago|paiement|zahlung|transfer|transferencia|virement|uberweisung)",
    ),
    "pressure": (
        r"urgent\w*|asap|immediately|time sensitive|today|confidential\w*|between us|discreet\w*",
        r"(don't|do not|dont) (call|discuss|tell|mention)|(can't|cannot) (take|talk|be reached)",
        r"meetings|airport|on a flight|are you at your desk|favou?r|email only|boarding|plane",
        r"travell?ing|keep (it|this) (quiet|between|to yourself|confidential)|quickly",
        r"are you (free|around|available)|new (supplier|vendor|beneficiary|payee)",
        r"confiden\w*|vertraulich\w*|urgente?|dringend\w*|no lo comentes|con nadie",
        r"mit niemandem|a personne|en reunion|in einer besprechung|hoy mismo",
        r"(es|bist) (tu|du) (dispo\w*|erreichbar)|am platz|(proveedor|lieferant|fournisseur) "
        r"(nuevo|neu\w*|nouveau)",
    ),
    "gift": (
        r"(gift|amazon|itunes|apple|google play|steam) ?(cards?|vouchers?)|vouchers?",
        r"cartes?[- ]cadeaux?|tarjetas? (de )?regalo|gutschein\w*|geschenkkarte\w*",
    ),
    # A fraud's opening: the sender asks whether the reader is there, and for secrecy.
    "reach_probe": (
        r"are you (\S+ ){0,2}(at your desk|free|around|available|in the office)|"
        r"sind sie (\S+ ){0,3}erreichbar|(es|bist) (tu|du) "
        r"(dispo\w*|erreichbar|am platz)|(estas|estas tu) disponible|am platz",
        r"(can't|cannot|can not) (take|talk|be reached|answer)|in (a|back to back) meetings?|"
        r"en reunion|in einer besprechung|(estoy|esta) en una reunion|(est|etes)[- ](vous|tu) "
        r"disponible|sind sie (gerade )?erreichbar",
    ),
    "secrecy": (
        r"between us|(keep|kept) (it|this) (quiet|between|to yourself|confidential)|tell no one",
        r"(don't|do not|dont) (tell|mention|discuss)|mit niemandem|a personne|con nadie|"
        r"no lo comentes",
        r"discreet\w*|not to be discussed|confidential (matter|file|project)|dossier confidentiel|"
        r"vertrauliche\w* (angelegenheit|sache)|asunto confidencial|nicht (zu )?besprechen",
    ),
    # A colleague who forwards a payment request doubts it: "Kommt mir komisch vor, die
    # Absenderadresse ist nicht die übliche. Bitte prüfen, bevor jemand zahlt."
    "suspicion": (
        r"(kommt|kam) (mir|uns) (\S+ ){0,2}(komisch|seltsam|merkwurdig|verdachtig|neu)|"
        r"(wirkt|klingt|sieht) (\S+ ){0,2}(komisch|seltsam|merkwurdig|verdachtig)|"
        r"(adresse|absender\w*) (\S+ ){0,3}(passt nicht|nicht die (ubliche|gewohnte))|"
        r"deutsch ist komisch|phishing|scam\w*|fraud\w*|betrug\w*|"
        r"(looks|seems|sounds) (\S+ ){0,2}(suspicious|fishy|dodgy)|"
        r"not (from )?the usual (address|sender|email|contact)|suspicious|sospechos\w*|"
        r"(parece|me suena) (\S+ ){0,2}(raro|extrano)|louche|arnaque|frauduleu\w*|"
        r"(semble|parait) (\S+ ){0,2}(bizarre|etrange|suspect)",
        r"bitte nichts (andern|zahlen|uberweisen)|please (don't|do not) (pay|change) anything|"
        r"ne (payez|changez) rien|no (pagu|cambi)(e|eis|en) nada",
    ),
    "price_cut": (
        r"discount\w*|reduction|reduc(e|ed|ing)|\d+ ?% (off|less)|knock\w*|take (\S+ ){1,5}off",
        r"off the (invoice|bill|price|total)|waive\w*",
        # "nur abzüglich 10 %", "moins 10 %", "un 10 % menos", a reduction named.
        r"abzuglich|abzug|minderung|preisnachlass|nachlass|rabatt\w*|remise|rabais|"
        r"(moins|minus|menos) (un |el )?\d+ ?%|descuento|rebaja",
        r"streich\w*|gestrichen",
        # Charges taken off: "once the travel charges are removed", "quitadlo", "retirés",
        # "come down by 20%", "den Nachlass berücksichtigt".
        r"(removed?|taken off|take off|struck off|strike off|come down by|comes down by|"
        r"reduced by)\b|quit(ad|ais|[áa]is|eis|en|ar|e)\w*|retir(e|es|ez|er|es)\b|enlev\w*|"
        r"berucksichtig\w*|abgezogen|abzieh\w*|raus(nehm|genomm|nimm)\w*|herausnehm\w*|"
        r"entfern(en|t)\b",
    ),
    "pay_hold": (
        r"only (be )?(pay|release|releasing|settle)\w*|(won't|will not|not) (pay|settle)\w*",
        r"until|unless|once|as soon as|otherwise|on hold|withhold\w*|hold(ing)? (back )?payment",
        r"condition|only if|provided( that)?|as long as",
        r"nur (\S+ ){0,5}(zahlen|bezahlen|begleichen|uberweisen)|erst (wenn|nachdem|nach)|"
        r"nicht (be)?(zahlen|begleichen)|unter der bedingung",
        r"ne (\S+ )?(payerons|reglerons|paierons|payerai|reglerai) ((\S+ ){0,4}qu|pas)\b|"
        r"(seulement|uniquement) (si|apres|quand)|sous reserve",
        r"solo (pagaremos|abonaremos|pagare)|no (pagaremos|abonaremos|pagare)|hasta que|"
        r"siempre que|a condicion de",
        # "erst begleichen, wenn", "begleichen wir nur, wenn", "dès que vous aurez appliqué",
        # "no la pagamos", "pagaremos la factura cuando".
        r"erst (\S+ ){0,4}(wenn|nachdem|sobald)|nur,? (wenn|falls|sofern)|(zahlen|bezahlen|"
        r"begleichen|uberweisen)\w* (wir|ich) (\S+ ){0,2}(nur|erst)",
        r"ne (\S+ )?(payerons|reglerons|paierons|payerai|reglerai) (\S+ ){0,4}que\b|des que|"
        r"une fois que|pas avant|lorsque|quand vous aurez",
        r"ne (\S+ ){0,2}(pai|pay|regl|vers)\w* (\S+ ){0,4}que\b|(pay|settle|transfer)\w* "
        r"(\S+ ){0,3}(when|once|after)\b|\w+ (wir|ich)? ?(uberwiesen|gezahlt|bezahlt) (\S+ ){0,2}"
        r"(wenn|sobald)|mientras (lleve|incluya|tenga)",
        r"no (la |lo |las |los )?(pagamos|pagaremos|abonamos|abonaremos)|(pagaremos|abonaremos)"
        r" (\S+ ){0,5}(cuando|una vez|en cuanto)|si no,? no",
        # "will pay it when you take it off, not before", "vorher nicht", "antes no"; "wir
        # werden die Rechnung begleichen, sobald Sie..."; "cuando nos quitéis los portes".
        r"not before|vorher nicht|antes no\b|(zahl|bezahl|begleich|uberwe?i(s|es))\w*,? (\S+ ){0,3}"
        r"sobald|cuando (nos |me )?(quit|descont|rebaj|corrij|quedeis)\w*",
    ),
    "pay": (
        r"pay\w*|settl\w*|release|releasing|invoices?|bill",
        r"zahl\w*|bezahl\w*|begleich\w*|rechnung\w*|paie\w*|payer\w*|regl\w*|factur\w*|"
        r"pag\w*|abon\w*|uberwe?i(s|es)\w*|transferencia|virement",
    ),
    "withhold": (
        r"(won't|will not|wont|refuse to|not going to) (be )?pay\w*|withh(o|e)ld\w*",
        r"(i'm|im|i am|we're|we are) not paying (for|this|that|the|it|until|unless)",
        r"(stop|stopped|cancel\w*) (the |our |my )?(payment|direct debit|standing order)",
        r"hold(ing)? (back )?(the )?payment|(payment|invoice) (stays |is |remains )?on hold",
    ),
}


# (reason, concepts that must all appear, where): "sentence" for tight pairs, "window" for a
# sentence and the next, "message" for cues that may sit anywhere, "near:N" for two concepts
# at most N words apart in one sentence.
CONCEPT_RULES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("changes where money goes", ("destination", "change"), "window"),
    # The change said of the card, not of anything else in the sentence: "charge our new
    # card", "the card on file has been replaced"; not "our new assistant would rather not use
    # the company card".
    ("changes the card that is charged", ("card", "change"), "near:6"),
    ("changes the card that is charged", ("card", "expiry"), "sentence"),
    ("changes where money goes", ("account", "change", "money_flow"), "window"),
    ("sends money somewhere else", ("money_flow", "redirect"), "window"),
    ("says where payments go from now on", ("pay_to",), "sentence"),
    ("asks for money back", ("money_back",), "sentence"),
    ("asks for a deposit back", ("deposit", "get_back"), "window"),
    ("asks for a credit note", ("credit_note", "request"), "sentence"),
    ("threatens legal action", ("legal",), "sentence"),
    ("concerns payroll", ("payroll",), "sentence"),
    ("concerns contract terms", ("contract", "contract_act"), "window"),
    ("concerns contract terms", ("contract_terms",), "sentence"),
    ("concerns contract terms", ("payment_terms", "change"), "sentence"),
    ("asks to pay out money under pressure", ("pay_out", "pressure"), "message"),
    ("asks for vouchers under pressure", ("gift", "pressure"), "message"),
    ("asks for a secret errand, as payment fraud opens", ("reach_probe", "secrecy"), "message"),
    ("makes payment depend on a price cut", ("price_cut", "pay_hold", "pay"), "window"),
    ("withholds payment", ("withhold",), "sentence"),
    ("a colleague doubts a payment request", ("suspicion", "pay"), "message"),
    ("asks to pay by instalments", ("instalments",), "sentence"),
)
