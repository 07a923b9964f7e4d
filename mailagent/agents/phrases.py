"""The words of the rules backend's reply drafts, in each language it drafts in. PURE.

One table per language, the same keys in each (a test holds them to it). Placeholders are filled
by `replies.py` with facts already written the language's way (`wording.money_in`, `day_in`).
German drafts address the customer as "Sie", French as "vous", Spanish as "usted": a business
writing to a customer it may not know.

None of these sentences states a fact of its own: no amount, date, number, link or promise of money
is written here. Facts come from the records and the knowledge folder only, and what happens next
is said as what the business will do ("we'll check it and confirm"), never as an outcome.
"""

from __future__ import annotations

from mailagent.types import Category, Tone

PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "greeting_named": "Hi {name},",
        "greeting": "Hello,",
        "sign_off": "Best regards,",
        "records_intro": "Here is what our records show for your account{as_of}:",
        "as_of": " (as of {date})",
        "invoice_line": "Invoice {number}: {amount}, due {date}",
        "overdue_one": ", 1 day overdue",
        "overdue_many": ", {days} days overdue",
        "not_due": ", not yet due",
        "part_paid": " ({paid} of {total} already paid or credited)",
        "disputed": " (under review after your query)",
        "credit_line": "Credit note {number}: {amount} in your favour",
        "credit_against": "The credit note in your favour, set against it:",
        "paid_line": "Invoice {number}: marked paid on {date}",
        "paid_line_amount": "Invoice {number} ({amount}): marked paid on {date}",
        "recently_paid": "Recently marked paid:",
        "total": "Total open: {amount}",
        "total_in": "Total open in {currency}: {amount}",
        "no_open": "Our records show no open invoices on your account.",
        "no_account": (
            "We couldn't find an account under this email address. Could you reply with the "
            "invoice number, or the company name on the invoice, so that we can look it up?"
        ),
        "unknown_number": (
            "We couldn't find the invoice number you mentioned in our records; the invoices on "
            "your account are listed below."
        ),
        "resend_one": "We'll send you a copy of the invoice by email shortly.",
        "resend_many": "We'll send you copies of the invoices by email shortly.",
        "how_to_pay": "How to pay:",
        "closing_invoice": (
            "If anything here looks wrong, reply to this email and we'll look into it."
        ),
        "paid_thanks": "Thank you for letting us know about your payment.",
        "matched_paid": (
            "Our records show invoice {number} ({amount}) as paid on {date}: there is nothing "
            "more to do."
        ),
        "matched_open": (
            "Invoice {number} ({amount}, due {date}) is still open in our records, which usually "
            "means the payment has not reached us or has not been matched yet. We'll check it "
            "against our bank account and confirm by email once it is applied."
        ),
        "no_match": (
            "We couldn't match this payment to an invoice in our records yet. Could you reply "
            "with the remittance reference, or the invoice number and the amount paid? We'll "
            "confirm as soon as it is applied."
        ),
        "open_for_reference": "For reference, these are the open invoices on your account:",
        "passage_intro": 'From our information on "{heading}":',
        "passage_other_language": " (in {language})",
        "passage_close": "If that doesn't answer your question, just reply and we'll help.",
        "ack_support": (
            "We've received your question and someone on our team is looking into it. If you can "
            "add anything that would help (an order number, a photo or a screenshot), just reply "
            "to this email."
        ),
        "ack_sales": (
            "Thank you for your interest. We'll put together the details you asked about and get "
            "back to you shortly. If you can tell us quantities or dates, we can be more precise."
        ),
        "ack_complaint": (
            "I've passed your message to the person responsible, and we're looking into what "
            "went wrong. We'll be in touch shortly with what we found and what we can do about "
            "it."
        ),
        "ack_other": "We've received your message and will get back to you shortly.",
        "tone_angry": "I'm sorry about this, and I understand why you're upset.",
        "tone_frustrated": "I'm sorry for the trouble, and thank you for your patience.",
        "tone_calm": "Thank you for getting in touch.",
    },
    "de": {
        "greeting_named": "Hallo {name},",
        "greeting": "Guten Tag,",
        "sign_off": "Viele Grüße",
        "records_intro": "Laut unseren Unterlagen{as_of} sieht Ihr Konto so aus:",
        "as_of": " (Stand {date})",
        "invoice_line": "Rechnung {number}: {amount}, fällig am {date}",
        "overdue_one": ", seit 1 Tag überfällig",
        "overdue_many": ", seit {days} Tagen überfällig",
        "not_due": ", noch nicht fällig",
        "part_paid": " ({paid} von {total} bereits bezahlt oder gutgeschrieben)",
        "disputed": " (wird nach Ihrer Rückfrage geprüft)",
        "credit_line": "Gutschrift {number}: {amount} zu Ihren Gunsten",
        "credit_against": "Die Gutschrift zu Ihren Gunsten, die wir damit verrechnen:",
        "paid_line": "Rechnung {number}: am {date} als bezahlt verbucht",
        "paid_line_amount": "Rechnung {number} ({amount}): am {date} als bezahlt verbucht",
        "recently_paid": "Kürzlich als bezahlt verbucht:",
        "total": "Offener Gesamtbetrag: {amount}",
        "total_in": "Offener Gesamtbetrag in {currency}: {amount}",
        "no_open": "Laut unseren Unterlagen sind auf Ihrem Konto keine Rechnungen offen.",
        "no_account": (
            "Unter dieser E-Mail-Adresse haben wir kein Kundenkonto gefunden. Könnten Sie uns die "
            "Rechnungsnummer oder den Firmennamen auf der Rechnung nennen, damit wir nachsehen "
            "können?"
        ),
        "unknown_number": (
            "Die genannte Rechnungsnummer finden wir in unseren Unterlagen nicht; die Rechnungen "
            "auf Ihrem Konto stehen unten."
        ),
        "resend_one": "Wir senden Ihnen in Kürze eine Kopie der Rechnung per E-Mail zu.",
        "resend_many": "Wir senden Ihnen in Kürze Kopien der Rechnungen per E-Mail zu.",
        "how_to_pay": "So können Sie bezahlen:",
        "closing_invoice": (
            "Falls hier etwas nicht stimmt, antworten Sie einfach auf diese E-Mail, und wir "
            "sehen es uns an."
        ),
        "paid_thanks": "Vielen Dank für die Nachricht zu Ihrer Zahlung.",
        "matched_paid": (
            "Laut unseren Unterlagen ist die Rechnung {number} ({amount}) am {date} als bezahlt "
            "verbucht: Sie müssen nichts weiter tun."
        ),
        "matched_open": (
            "Die Rechnung {number} ({amount}, fällig am {date}) ist in unseren Unterlagen noch "
            "offen; meist ist die Zahlung dann noch nicht bei uns eingegangen oder noch nicht "
            "zugeordnet. Wir gleichen sie mit unserem Bankkonto ab und bestätigen Ihnen per "
            "E-Mail, sobald sie verbucht ist."
        ),
        "no_match": (
            "Wir konnten diese Zahlung noch keiner Rechnung in unseren Unterlagen zuordnen. "
            "Könnten Sie uns die Zahlungsreferenz oder die Rechnungsnummer und den gezahlten "
            "Betrag nennen? Wir bestätigen Ihnen, sobald die Zahlung verbucht ist."
        ),
        "open_for_reference": "Zur Übersicht die offenen Rechnungen auf Ihrem Konto:",
        "passage_intro": "Aus unseren Informationen zu „{heading}“:",
        "passage_other_language": " (auf {language})",
        "passage_close": (
            "Falls das Ihre Frage nicht beantwortet, antworten Sie einfach, und wir helfen Ihnen "
            "weiter."
        ),
        "ack_support": (
            "Wir haben Ihre Frage erhalten, und jemand aus unserem Team kümmert sich darum. Wenn "
            "Sie etwas ergänzen können, das uns hilft (eine Bestellnummer, ein Foto oder einen "
            "Screenshot), antworten Sie einfach auf diese E-Mail."
        ),
        "ack_sales": (
            "Vielen Dank für Ihr Interesse. Wir stellen die gewünschten Angaben zusammen und "
            "melden uns in Kürze. Wenn Sie uns Mengen oder Termine nennen, können wir genauer "
            "antworten."
        ),
        "ack_complaint": (
            "Ich habe Ihre Nachricht an die zuständige Person weitergegeben, und wir klären, was "
            "schiefgelaufen ist. Wir melden uns in Kürze mit dem, was wir herausgefunden haben "
            "und was wir tun können."
        ),
        "ack_other": "Wir haben Ihre Nachricht erhalten und melden uns in Kürze.",
        "tone_angry": "Das tut mir leid, und ich verstehe Ihren Ärger.",
        "tone_frustrated": "Entschuldigen Sie die Umstände, und danke für Ihre Geduld.",
        "tone_calm": "Vielen Dank für Ihre Nachricht.",
    },
    "fr": {
        "greeting_named": "Bonjour {name},",
        "greeting": "Bonjour,",
        "sign_off": "Cordialement,",
        "records_intro": "Voici ce que nos registres indiquent pour votre compte{as_of} :",
        "as_of": " (au {date})",
        "invoice_line": "Facture {number} : {amount}, échéance le {date}",
        "overdue_one": ", en retard de 1 jour",
        "overdue_many": ", en retard de {days} jours",
        "not_due": ", pas encore échue",
        "part_paid": " ({paid} sur {total} déjà réglés ou crédités)",
        "disputed": " (en cours de vérification suite à votre demande)",
        "credit_line": "Avoir {number} : {amount} en votre faveur",
        "credit_against": "L'avoir en votre faveur, que nous en déduisons :",
        "paid_line": "Facture {number} : enregistrée comme payée le {date}",
        "paid_line_amount": "Facture {number} ({amount}) : enregistrée comme payée le {date}",
        "recently_paid": "Récemment enregistrées comme payées :",
        "total": "Total restant dû : {amount}",
        "total_in": "Total restant dû en {currency} : {amount}",
        "no_open": "Selon nos registres, aucune facture n'est en attente sur votre compte.",
        "no_account": (
            "Nous n'avons pas trouvé de compte associé à cette adresse e-mail. Pourriez-vous "
            "nous indiquer le numéro de facture, ou le nom de la société figurant sur la facture, "
            "afin que nous puissions vérifier ?"
        ),
        "unknown_number": (
            "Nous ne trouvons pas le numéro de facture mentionné dans nos registres ; les "
            "factures de votre compte figurent ci-dessous."
        ),
        "resend_one": "Nous vous renvoyons très prochainement une copie de la facture par e-mail.",
        "resend_many": "Nous vous renvoyons très prochainement des copies des factures par e-mail.",
        "how_to_pay": "Modalités de paiement :",
        "closing_invoice": (
            "Si quelque chose vous semble inexact, répondez simplement à cet e-mail et nous "
            "vérifierons."
        ),
        "paid_thanks": "Merci de nous avoir informés de votre paiement.",
        "matched_paid": (
            "Selon nos registres, la facture {number} ({amount}) a été enregistrée comme payée le "
            "{date} : vous n'avez rien d'autre à faire."
        ),
        "matched_open": (
            "La facture {number} ({amount}, échéance le {date}) est encore ouverte dans nos "
            "registres, ce qui signifie généralement que le paiement ne nous est pas encore "
            "parvenu ou n'a pas encore été rapproché. Nous allons le vérifier sur notre compte "
            "bancaire et vous confirmerons par e-mail dès qu'il sera enregistré."
        ),
        "no_match": (
            "Nous n'avons pas encore pu rapprocher ce paiement d'une facture de nos registres. "
            "Pourriez-vous nous indiquer la référence du virement, ou le numéro de facture et le "
            "montant payé ? Nous vous confirmerons dès qu'il sera enregistré."
        ),
        "open_for_reference": "Pour information, voici les factures ouvertes sur votre compte :",
        "passage_intro": "Extrait de nos informations « {heading} » :",
        "passage_other_language": " (en {language})",
        "passage_close": (
            "Si cela ne répond pas à votre question, répondez simplement à ce message et nous "
            "vous aiderons."
        ),
        "ack_support": (
            "Nous avons bien reçu votre question et un membre de notre équipe s'en occupe. Si "
            "vous pouvez ajouter un élément utile (un numéro de commande, une photo ou une "
            "capture d'écran), répondez simplement à cet e-mail."
        ),
        "ack_sales": (
            "Merci de votre intérêt. Nous rassemblons les informations demandées et revenons "
            "vers vous très prochainement. Si vous pouvez nous indiquer des quantités ou des "
            "dates, nous pourrons être plus précis."
        ),
        "ack_complaint": (
            "J'ai transmis votre message à la personne responsable et nous examinons ce qui "
            "s'est passé. Nous revenons vers vous très prochainement avec ce que nous avons "
            "constaté et ce que nous pouvons faire."
        ),
        "ack_other": "Nous avons bien reçu votre message et revenons vers vous très prochainement.",
        "tone_angry": "Nous sommes désolés de ce problème et comprenons votre mécontentement.",
        "tone_frustrated": (
            "Nous sommes désolés pour ce désagrément et vous remercions de votre patience."
        ),
        "tone_calm": "Merci pour votre message.",
    },
    "es": {
        "greeting_named": "Hola, {name}:",
        "greeting": "Hola:",
        "sign_off": "Saludos cordiales,",
        "records_intro": "Esto es lo que figura en nuestros registros para su cuenta{as_of}:",
        "as_of": " (a {date})",
        "invoice_line": "Factura {number}: {amount}, vencimiento el {date}",
        "overdue_one": ", vencida hace 1 día",
        "overdue_many": ", vencida hace {days} días",
        "not_due": ", aún no vencida",
        "part_paid": " ({paid} de {total} ya pagados o abonados)",
        "disputed": " (en revisión tras su consulta)",
        "credit_line": "Abono {number}: {amount} a su favor",
        "credit_against": "El abono a su favor, que descontamos:",
        "paid_line": "Factura {number}: registrada como pagada el {date}",
        "paid_line_amount": "Factura {number} ({amount}): registrada como pagada el {date}",
        "recently_paid": "Registradas como pagadas recientemente:",
        "total": "Total pendiente: {amount}",
        "total_in": "Total pendiente en {currency}: {amount}",
        "no_open": "Según nuestros registros, no tiene facturas pendientes.",
        "no_account": (
            "No hemos encontrado ninguna cuenta asociada a esta dirección de correo. ¿Podría "
            "indicarnos el número de factura o el nombre de la empresa que figura en ella para "
            "que podamos comprobarlo?"
        ),
        "unknown_number": (
            "No encontramos en nuestros registros el número de factura que menciona; las "
            "facturas de su cuenta figuran a continuación."
        ),
        "resend_one": "Le enviaremos en breve una copia de la factura por correo electrónico.",
        "resend_many": "Le enviaremos en breve copias de las facturas por correo electrónico.",
        "how_to_pay": "Cómo pagar:",
        "closing_invoice": (
            "Si algo no le parece correcto, responda a este correo y lo revisaremos."
        ),
        "paid_thanks": "Gracias por informarnos de su pago.",
        "matched_paid": (
            "Según nuestros registros, la factura {number} ({amount}) consta como pagada el "
            "{date}: no tiene que hacer nada más."
        ),
        "matched_open": (
            "La factura {number} ({amount}, vencimiento el {date}) sigue abierta en nuestros "
            "registros, lo que suele significar que el pago aún no nos ha llegado o no se ha "
            "conciliado. Lo comprobaremos en nuestra cuenta bancaria y le confirmaremos por "
            "correo electrónico en cuanto quede registrado."
        ),
        "no_match": (
            "Todavía no hemos podido asociar este pago a ninguna factura de nuestros registros. "
            "¿Podría indicarnos la referencia de la transferencia, o el número de factura y el "
            "importe pagado? Le confirmaremos en cuanto quede registrado."
        ),
        "open_for_reference": "Como referencia, estas son las facturas abiertas de su cuenta:",
        "passage_intro": "Según nuestra información sobre «{heading}»:",
        "passage_other_language": " (en {language})",
        "passage_close": (
            "Si esto no responde a su pregunta, responda a este correo y le ayudaremos."
        ),
        "ack_support": (
            "Hemos recibido su pregunta y alguien de nuestro equipo se está ocupando de ella. Si "
            "puede añadir algo que nos ayude (un número de pedido, una foto o una captura de "
            "pantalla), responda a este correo."
        ),
        "ack_sales": (
            "Gracias por su interés. Reuniremos la información que nos pide y le responderemos "
            "en breve. Si nos indica cantidades o fechas, podremos ser más precisos."
        ),
        "ack_complaint": (
            "He transmitido su mensaje a la persona responsable y estamos revisando qué ha "
            "fallado. Nos pondremos en contacto con usted en breve para contarle lo que hemos "
            "averiguado y lo que podemos hacer."
        ),
        "ack_other": "Hemos recibido su mensaje y le responderemos en breve.",
        "tone_angry": "Lamentamos mucho lo ocurrido y entendemos su malestar.",
        "tone_frustrated": "Disculpe las molestias y gracias por su paciencia.",
        "tone_calm": "Gracias por escribirnos.",
    },
}

#: A passage's language named in the draft's language: "(in German)", "(auf Englisch)".
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "en": {"en": "English", "de": "German", "fr": "French", "es": "Spanish"},
    "de": {"en": "Englisch", "de": "Deutsch", "fr": "Französisch", "es": "Spanisch"},
    "fr": {"en": "anglais", "de": "allemand", "fr": "français", "es": "espagnol"},
    "es": {"en": "inglés", "de": "alemán", "fr": "francés", "es": "español"},
}

ACKNOWLEDGEMENTS = {
    Category.SUPPORT_QUESTION: "ack_support",
    Category.SALES_INQUIRY: "ack_sales",
    Category.COMPLAINT: "ack_complaint",
}

TONE_OPENERS = {
    Tone.ANGRY: "tone_angry",
    Tone.FRUSTRATED: "tone_frustrated",
    Tone.POSITIVE: "tone_calm",
    Tone.NEUTRAL: "tone_calm",
}
