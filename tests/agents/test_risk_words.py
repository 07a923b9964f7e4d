"""The risk words have one home (`mailagent.riskwords`) and their readers name its entries: what
a user would notice, if a name drifted, is a bank-detail change or a refund request no longer put
in its category, or a concept that never fires, so that is what is tested."""

from __future__ import annotations

import pytest

from mailagent import policy, riskwords
from mailagent.agents import rules
from mailagent.types import Category

CONCEPT_REASONS = {reason for reason, _, _ in riskwords.CONCEPT_RULES}


@pytest.mark.parametrize("name", ["NEW_DESTINATION", "MONEY_RETURNED", "PAY_OR_CONTRACT"])
def test_every_reason_the_rules_turn_into_a_category_is_one_the_concepts_give(name):
    reasons = getattr(rules, name).reasons
    assert reasons <= CONCEPT_REASONS, f"{name}: no concept gives {reasons - CONCEPT_REASONS}"


@pytest.mark.parametrize("reason, needed, where", riskwords.CONCEPT_RULES)
def test_every_concept_a_rule_needs_has_words_and_a_reach(reason, needed, where):
    assert set(needed) <= set(riskwords.CONCEPTS), f"{reason}: unknown concept in {needed}"
    assert where in ("sentence", "window", "message") or (
        where.startswith("near:") and where[5:].isdigit() and len(needed) == 2
    )


@pytest.mark.parametrize(
    "text",
    [
        "If I receive one more I will be reporting Acme Supplies to the ICO.",
        "We'll complain to the data protection authority about this.",
        "They will be contacting you; I've been told not to discuss liability with you.",
        "Nous avons transmis le dossier du four à notre protection juridique.",
        "Wir haben die Sache an unsere Rechtsschutzversicherung übergeben.",
    ],
)
def test_a_regulator_an_insurers_claim_or_legal_protection_insurance_is_a_legal_matter(text):
    assert "threatens legal action" in policy.text_risks(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (
            "Wir werden die Rechnung daher nur abzüglich 10 % begleichen.",
            "makes payment depend on a price cut",
        ),
        (
            "Nous ne réglerons la facture qu'avec une remise de 10 %.",
            "makes payment depend on a price cut",
        ),
        (
            "Solo pagaremos la factura con un descuento del 10 %.",
            "makes payment depend on a price cut",
        ),
        (
            "A partir de enero, domiciliadlas en la cuenta de la sociedad: ES12 0081 0200 2500.",
            "changes where money goes",
        ),
    ],
)
def test_conditions_on_paying_and_a_new_account_for_direct_debits_in_other_languages(text, reason):
    assert reason in policy.text_risks(text)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # Paying made to wait for a price cut, said other ways.
        (
            "Wir werden die Rechnung erst begleichen, wenn Sie uns 10 % Nachlass gewähren.",
            "makes payment depend on a price cut",
        ),
        (
            "Die Rechnung zahlen wir nur, wenn Sie die Pauschale von 60 € streichen.",
            "makes payment depend on a price cut",
        ),
        (
            "Nous réglerons la facture dès que vous aurez appliqué une remise de 15 %.",
            "makes payment depend on a price cut",
        ),
        (
            "Pagaremos la factura cuando nos apliquéis el descuento. Si no, no la pagamos.",
            "makes payment depend on a price cut",
        ),
        # Payment fraud abroad and its opening move.
        (
            "Necesito que hoy mismo gestiones una transferencia. Es confidencial.",
            "asks to pay out money under pressure",
        ),
        (
            "Ich brauche heute eine Überweisung für einen vertraulichen Kauf.",
            "asks to pay out money under pressure",
        ),
        (
            "J'ai besoin que tu achètes des cartes cadeaux, c'est urgent.",
            "asks for vouchers under pressure",
        ),
        (
            "Are you at your desk? I need a small favour, keep it between us.",
            "asks for a secret errand, as payment fraud opens",
        ),
        # Authorities and claims by their names.
        ("Sinon je fais un signalement à la DGCCRF.", "threatens legal action"),
        ("Pongo una hoja de reclamaciones y voy a Consumo.", "threatens legal action"),
        (
            "Ich werde mich beim Landesbeauftragten für Datenschutz beschweren.",
            "threatens legal action",
        ),
        ("£380 to replace it. Pay it or I file a small claim.", "threatens legal action"),
        # Money back and losses to be made good, without the usual words.
        ("Can you sort the money out for the broken one please?", "asks for money back"),
        ("Ich erwarte, dass ihr den Schaden übernehmt.", "asks for money back"),
        ("I'm asking you to cover £750 towards the booking we lost.", "asks for money back"),
        ("¿Me pueden devolver la plata a la misma tarjeta?", "asks for money back"),
        # Put indirectly or politely.
        ("Ten chairs came instead of twelve, so how do we square this up?", "asks for money back"),
        ("On s'arrange comment pour le trop-perçu ?", "asks for money back"),
        ("Solo se instalaron dos campanas: ¿cómo nos lo compensáis?", "asks for money back"),
        ("We are looking to you to cover the stock we threw away.", "asks for money back"),
        ("Nos conseils examinent le dossier.", "threatens legal action"),
        ("Unser Verband prüft das gerade.", "threatens legal action"),
        ("The incident was reported under RIDDOR.", "threatens legal action"),
        (
            "Please pay the open invoice to our provisional account in Lithuania instead.",
            "sends money somewhere else",
        ),
        (
            "La facture sera réglée quand vous aurez retiré les frais de déplacement.",
            "makes payment depend on a price cut",
        ),
        (
            "I need something handled discreetly this afternoon, I can't take calls.",
            "asks for a secret errand, as payment fraud opens",
        ),
        # A card charged from now on, by its brand.
        (
            "Can you take the monthly from the company Amex from now on instead of the Visa?",
            "changes the card that is charged",
        ),
    ],
)
def test_risks_said_the_way_people_write_them_in_four_languages(text, reason):
    assert reason in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Are you available for a call on Tuesday about the new coffee machines?",
        "We'll pay the invoice as soon as it arrives, thanks.",
        "Bitte streichen Sie den Termin am Montag, wir sind geschlossen.",
        "The new menu is confidential until the launch, so no photos please.",
        "The environmental health officer inspects us next week: do you have the declarations?",
        "Please remove the old fryer when you deliver the new one, we'll pay on delivery.",
    ],
)
def test_their_look_alikes_are_not_risks(text):
    assert policy.text_risks(text) == ()


@pytest.mark.parametrize(
    "text",
    [
        # No word of banks: the number says it.
        "Pour les avoirs, merci d'utiliser désormais le compte FR76 3000 4000 0312 3456 7890 143.",
        "La factura pendiente debe abonarse en la cuenta provisional LT12 1000 0111 0100 1000.",
        "Bitte ab sofort auf DE89370400440532013000 überweisen, danke.",
        "Send the balance to GB82 WEST 1234 5698 7654 32 BIC WESTGB22 today please.",
    ],
)
def test_a_bank_account_number_in_the_text_is_a_person_s_decision(text):
    assert policy.GIVES_AN_ACCOUNT in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Our order DE12 3456 7890 1234 5678 90 has not arrived.",  # its check digits fail
        "Invoice INV-2026-1204 for GB12 3456 7890 1234 items.",
        "Reference ES2026 11 24 0001, thanks.",
    ],
)
def test_a_number_shaped_like_an_account_but_not_one_is_not(text):
    assert policy.GIVES_AN_ACCOUNT not in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "We'll pay invoice 3310 as soon as you take the £30 fuel surcharge off it.",
        "gonna pay wen u take the delivery off, not before",
        "Ich zahle erst, wenn Sie die Anfahrtspauschale rausnehmen, vorher nicht.",
        "Die Rechnung wird überwiesen, sobald der Nachlass für die Verspätung drin ist.",
        "Cuando nos quitéis el recargo de la factura, os hacemos la transferencia.",
    ],
)
def test_a_payment_held_until_a_charge_comes_off_is_a_person_s_decision(text):
    assert "makes payment depend on a price cut" in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Could you take the old pallets off our hands? We will pay the invoice on Friday.",
        "Please deliver after 9, not before. The invoice is paid by card.",
    ],
)
def test_everyday_pay_and_take_off_sentences_are_not_conditions(text):
    assert "makes payment depend on a price cut" not in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "FW: Neue Bankverbindung\nKommt mir seltsam vor, der Absender ist nicht der übliche. "
        "Bitte nichts überweisen, ich rufe dort an.\n\nBitte zahlen Sie ab sofort auf unser "
        "neues Konto.",
        "Fwd: urgent payment\nThis looks suspicious to me - can someone check before we pay "
        "the invoice below?",
        "TR: paiement\nÇa me semble bizarre, l'adresse n'est pas la bonne. Ne payez rien pour "
        "l'instant, la facture ci-dessous.",
    ],
)
def test_a_colleague_who_doubts_a_payment_request_sends_it_to_a_person(text):
    assert "a colleague doubts a payment request" in policy.text_risks(text)


def test_a_caller_who_asks_whether_someone_is_free_and_for_secrecy_is_a_fraud_opening():
    text = (
        "Vertraulich\nIch brauche Ihre Hilfe bei einer vertraulichen Angelegenheit. Bitte "
        "sprechen Sie mit niemandem darüber. Sind Sie heute Nachmittag erreichbar?"
    )
    assert "asks for a secret errand, as payment fraud opens" in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Please check your delivery note before we pay the invoice: the quantities look wrong.",
        "Merci de vérifier avant de nous relancer : le chèque est parti le 12.",
    ],
)
def test_checking_before_paying_is_no_doubt_about_who_asks(text):
    assert "a colleague doubts a payment request" not in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Bitte holen Sie die Maschine ab und überweisen Sie uns die 1.200 EUR zurück.",
        "Wir treten hiermit vom Kaufvertrag zurück.",
        "Si no me lo devolvéis esta semana lo reclamo al banco como cargo no autorizado.",
        "You offered to keep the £200 as credit, but we'd rather it came back to our account.",
        "We got 7 boxes, not 10: please credit the other 3 boxes.",
        "That's £900 of stock in the bin and we'll be looking to you to cover it.",
        "Den Umsatzausfall von 1.800 EUR werden wir Ihnen in Rechnung stellen.",
    ],
)
def test_money_back_said_without_the_word_refund(text):
    assert "asks for money back" in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Wir schicken Ihnen die Kartons nächste Woche zurück.",
        "Please send the invoice to our accounts team.",
        "Please credit the photo to our chef when you post it.",
    ],
)
def test_goods_sent_back_and_an_account_named_are_no_money_back(text):
    assert "asks for money back" not in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Das melde ich dem Gewerbeaufsichtsamt und der Handwerkskammer.",
        "If this isn't fixed by Friday we will report it to environmental health.",
        "Je vais le signaler à l'inspection du travail.",
        "Si no lo arregláis, lo denuncio ante Sanidad.",
    ],
)
def test_a_report_to_an_inspectorate_threatened_is_a_legal_matter(text):
    assert "threatens legal action" in policy.text_risks(text)


def test_an_inspection_mentioned_in_passing_is_not():
    text = "The environmental health inspector is in next week, so please deliver the cleaner."
    assert "threatens legal action" not in policy.text_risks(text)


@pytest.mark.parametrize(
    "text",
    [
        "Les rogamos que realicen los próximos pagos según los nuevos datos de cobro.",
        "Ya está pagada, la hemos pagado a la cuenta nueva que nos mandasteis el lunes.",
    ],
)
def test_new_collection_details_and_a_new_account_in_spanish_are_a_bank_detail_change(text):
    assert rules.classify(text) is Category.BANK_DETAIL_CHANGE


@pytest.mark.parametrize(
    "text",
    [
        "Sonst lasse ich die Zahlung über die Kartengesellschaft zurückholen.",
        "Ich erwarte, dass Sie für den Schaden und den Ausfall der Zimmer aufkommen.",
    ],
)
def test_money_claimed_back_in_german_without_the_word(text):
    assert "asks for money back" in policy.text_risks(text)
