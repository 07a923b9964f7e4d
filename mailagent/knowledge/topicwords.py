"""The words of each business topic, per language, as people type them (topics.py reads them).

One entry per comma; an entry of several words is a phrase, matched on its words in a row once
stop words are gone ("send them back" is "send back"). German nouns are written capitalised: only
a noun ends a compound (topics.py). Short on purpose, like the stop words: a word wrongly in a
topic finds the wrong passage; one left out only misses a synonym. So words that mean different
things in different messages are left out: "check" (a cheque, or "please check"), "store" (a
shop, or to keep), "print" (custom printing, or printing a label), "take" (how long it takes, or
taking returns), "hours" (opening hours, or within 48 hours; "opening hours" is in), "cher"
(dear, or expensive), "offen" (open, or open invoices), "update" (news, or a change) and "Bank"
or "banco" (a bank, or a bench). So are words whose stem is another word's: "custom"
("customer"), "monthly" ("month": a 12-month warranty), "personalised" ("person"), "suivi"
("suivant"), "ouvre" ("jours ouvrés"), "compte" ("comptez-vous"), "devis" ("devez"), "nettoyer"
("nettoyant", a product), "tarda" ("tarde"), "lagern" ("Lager", the warehouse) and "reinigen"
("Reiniger").

Bank fees are a price ("bank charges", "qui prend en charge les frais bancaires ?", "comisiones
bancarias"), not bank details. A phrase is matched once stop words are gone, so one made of a stop
word and a word ("who pays") would be that word alone: there are none.
"""

from __future__ import annotations

TOPIC_WORDS: dict[str, dict[str, str]] = {
    "delivery": {
        "en": "deliver, delivers, delivered, delivering, delivery, deliveries, ship, ships, "
        "shipped, shipping, shipment, dispatch, dispatched, courier, carrier, freight, "
        "delivery time, delivery times, package, packages",
        "de": "liefern, liefert, geliefert, Lieferung, Lieferungen, beliefern, Versand, "
        "versenden, versendet, verschicken, verschickt, Zustellung, zustellen, Spedition, Kurier, "
        "Paket, Pakete",
        "fr": "livrer, livré, livrée, livrés, livraison, livraisons, livrez, livrons, expédier, "
        "expédié, expédition, expéditions, transporteur, coursier, colis",
        "es": "entregar, entrega, entregas, entregan, entregado, entregamos, envío, envíos, "
        "transportista, mensajería, reparto, paquete, paquetes",
    },
    "collection": {
        "en": "collect, collected, collection, pick up, pickup, click and collect",
        "de": "abholen, Abholung, abgeholt, selbst abholen",
        "fr": "retirer, retrait, enlèvement, venir chercher, récupérer",
        "es": "recoger, recogida, recogidas, retirar",
    },
    "timing": {
        "en": "how long, long, arrive, arrives, arrival, quickly, fast, turnaround, lead time, "
        "delivery time, delivery times, working day, working days, business days",
        "de": "dauern, dauert, Dauer, lange, Zeit, Zeiten, schnell, ankommen, eintreffen, Ankunft, "
        "Werktag, Werktage, Werktagen, Arbeitstage",
        "fr": "combien de temps, temps, délai, délais, rapidement, vite, arriver, arrivée, "
        "jour ouvré, jours ouvrés, jours ouvrables",
        "es": "tiempo, plazo, plazos, rápido, llegar, llega, llegada, demora, plazo de entrega, "
        "día laborable, días laborables, días hábiles",
    },
    "tracking": {
        "en": "track, tracking, trace, tracking number, whereabouts",
        "de": "Sendungsverfolgung, verfolgen, Tracking, Sendungsnummer",
        "fr": "numéro de suivi, lien de suivi, suivi de colis, suivre le colis, tracking",
        "es": "seguimiento, rastrear, rastreo, localizar, tracking",
    },
    "damage": {
        "en": "damage, damaged, broken, crushed, dented, torn, ripped, leaking, leaked, wet, "
        "soaked, smashed, shattered, missing",
        "de": "beschädigt, beschädigte, Schaden, Schäden, kaputt, zerbrochen, zerdrückt, "
        "eingedrückt, zerquetscht, nass, fehlt, fehlen, fehlende",
        "fr": "endommagé, endommagés, endommagée, abîmé, abîmés, abîmée, cassé, cassés, écrasé, "
        "écrasée, écrasés, dégât, dégâts, mouillé, manquant, manquants, manque",
        "es": "dañado, dañados, dañada, daño, daños, roto, rota, rotos, aplastado, aplastada, "
        "aplastados, mojado, faltante, faltantes",
    },
    "fault": {
        "en": "faulty, fault, defective, defect, wrong, incorrect, mistake, stopped working",
        "de": "defekt, mangelhaft, Mangel, Mängel, falsch, falsche, falschen, fehlerhaft, Fehler",
        "fr": "défectueux, défectueuse, défaut, panne, erroné, mauvais, mauvaise",
        "es": "defectuoso, defectuosa, defecto, avería, equivocado, equivocada, incorrecto",
    },
    "replacement": {
        "en": "replace, replaced, replacement, exchange, swap",
        "de": "ersetzen, Ersatz, umtauschen, Umtausch, austauschen",
        "fr": "remplacer, remplacement, échanger, échange",
        "es": "reemplazar, reemplazo, reposición, sustituir, sustitución",
    },
    "returns": {
        "en": "return, returns, returned, returning, send back, sent back, take back, RMA, "
        "returnable",
        "de": "zurückgeben, zurückgegeben, Rückgabe, Rücksendung, Rücksendungen, zurücksenden, "
        "zurückschicken, retournieren, Retoure",
        "fr": "retour, retours, retourner, retourné, renvoyer, renvoyé, renvoyés, "
        "renvoyer le colis, politique de retour",
        "es": "devolver, devolución, devoluciones, devuelto, devolvemos, envío de vuelta",
    },
    "refund": {
        "en": "refund, refunds, refunded, money back, reimburse, reimbursed, reimbursement, "
        "credit note",
        "de": "Erstattung, erstatten, erstattet, Rückerstattung, Geld zurück, Gutschrift",
        "fr": "remboursement, rembourser, remboursé, note de crédit",
        "es": "reembolso, reembolsar, reembolsado, nota de crédito",
    },
    "warranty": {
        "en": "warranty, guarantee, guaranteed, repair, repaired",
        "de": "Garantie, Gewährleistung, Reparatur, reparieren",
        "fr": "garantie, garanti, réparation, réparer",
        "es": "garantía, reparación, reparar",
    },
    "hours": {
        "en": "open, opens, opening, opening hours, office hours, business hours, closed, close, "
        "closes, closing",
        "de": "geöffnet, öffnen, Öffnungszeiten, geschlossen, schließen, Bürozeiten, "
        "Geschäftszeiten",
        "fr": "ouvert, ouverts, ouverture, horaires, horaire, fermé, fermés, fermeture, "
        "fermons, fermez",
        "es": "abierto, abiertos, abre, abren, horario, horarios, cerrado, cerrados, cerramos, "
        "cierre, cierran",
    },
    "holidays": {
        "en": "holiday, holidays, Christmas, Xmas, New Year, Easter, Thanksgiving, bank holiday, "
        "public holiday, festive",
        "de": "Feiertag, Feiertage, Feiertagen, Weihnachten, Silvester, Neujahr, Ostern, "
        "Betriebsferien",
        "fr": "férié, fériés, Noël, jour de l'an, nouvel an, Pâques, fêtes, congés",
        "es": "festivo, festivos, Navidad, Nochevieja, Año Nuevo, Semana Santa, fiestas, feriado",
    },
    "contact": {
        "en": "contact, phone, telephone, call, speak to",
        "de": "Kontakt, Kontaktdaten, Telefon, anrufen, telefonisch",
        "fr": "contact, contacter, coordonnées, téléphone, appeler, joindre",
        "es": "contacto, contactar, teléfono, llamar, llámenos",
    },
    "address": {
        "en": "address, addresses, move, moving, relocate, relocating, new premises",
        "de": "Adresse, Adressen, Anschrift, umziehen, Umzug",
        "fr": "adresse, adresses, déménager, déménagement, déménageons",
        "es": "dirección, direcciones, mudar, mudamos, mudanza, trasladar, traslado",
    },
    "account": {
        "en": "account, accounts, open an account, new customer, trade account",
        "de": "Kundenkonto, Konto, registrieren, Registrierung, Neukunde, Neukunden",
        "fr": "ouvrir un compte, créer un compte, compte client, inscription, nouveau client",
        "es": "cuenta, cuentas, registrarse, registro, dar de alta, cliente nuevo, nuevo cliente",
    },
    "statement": {
        "en": "statement, statements, statement of account",
        "de": "Kontoauszug, Kontoauszüge, Saldenbestätigung",
        "fr": "relevé, relevés, relevé de compte",
        "es": "extracto, extractos, estado de cuenta",
    },
    "invoice": {
        "en": "invoice, invoices, invoiced, receipt",
        "de": "Rechnung, Rechnungen, Quittung",
        "fr": "facture, factures, facturation, facturé",
        "es": "factura, facturas, facturación, facturado",
    },
    "payment": {
        "en": "pay, paying, paid, payment, payments, card, credit card, bank transfer, "
        "transfer, wire, cheque, PayPal, cash, direct debit",
        "de": "zahlen, bezahlen, bezahlt, Zahlung, Zahlungen, Karte, Kreditkarte, Überweisung, "
        "überweisen, Scheck, Barzahlung, Lastschrift, PayPal",
        "fr": "payer, payé, paiement, paiements, régler, réglé, règlement, carte, "
        "carte bancaire, virement, chèque, espèces, prélèvement, PayPal",
        "es": "pagar, pagado, pago, pagos, tarjeta, transferencia, cheque, domiciliación, PayPal",
    },
    "terms": {
        "en": "due, due date, net 30, payment terms, terms, overdue, credit limit, reminder, "
        "reminders, late payment, early payment, prompt payment, pay early, credit line, "
        "line of credit",
        "de": "fällig, Fälligkeit, Zahlungsziel, Zahlungsbedingungen, überfällig, Mahnung, "
        "Zahlungserinnerung, Kreditlimit, Kreditrahmen, Skonto",
        "fr": "échéance, conditions de paiement, relance, rappel, limite de crédit, escompte, "
        "paiement anticipé, plafond de crédit",
        "es": "vencimiento, vence, vencida, vencidas, condiciones de pago, recordatorio, "
        "límite de crédito, línea de crédito, pronto pago",
    },
    "remittance": {
        "en": "remittance, remittance advice, payment confirmation, proof of payment",
        "de": "Zahlungsavis, Zahlungsbestätigung, Zahlungsnachweis",
        "fr": "avis de paiement, avis de virement, justificatif, preuve de paiement",
        "es": "aviso de pago, justificante, comprobante",
    },
    "bank": {
        "en": "bank, bank details, bank account, IBAN, sort code, routing number, "
        "account number, SWIFT, BIC",
        "de": "Bankverbindung, Bankdaten, Bankkonto, IBAN, Kontonummer, BIC",
        "fr": "banque, bancaire, coordonnées bancaires, RIB, IBAN, BIC",
        "es": "bancario, bancarios, datos bancarios, cuenta bancaria, IBAN, BIC",
    },
    "currency": {
        "en": "currency, currencies, dollars, euros, pounds, sterling",
        "de": "Währung, Währungen, Dollar, Euro, Pfund",
        "fr": "devise, devises, monnaie, dollars, euros, livres sterling",
        "es": "moneda, monedas, divisa, divisas, dólares",
    },
    "price": {
        "en": "price, prices, priced, pricing, cost, costs, costing, charge, charges, charged, "
        "fee, fees, quote, quotation, price list, catalogue, catalog, rate, rates, expensive, "
        "cheap, free, bank fees, bank charges",
        "de": "Preis, Preise, Preisliste, kosten, kostet, Kosten, kostenlos, Gebühr, Gebühren, "
        "Angebot, Katalog, teuer, günstig, gratis, Bankgebühren",
        "fr": "prix, coût, coûts, coûte, coûtent, tarif, tarifs, frais, catalogue, "
        "gratuit, gratuite, qui prend en charge, frais bancaires",
        "es": "precio, precios, coste, costo, costes, cuesta, cuestan, tarifa, tarifas, gastos, "
        "presupuesto, catálogo, gratis, gratuito, gratuita, gastos bancarios, comisiones bancarias",
    },
    "discount": {
        "en": "discount, discounts, discounted, reduction, rebate, cheaper, bulk, volume, "
        "promotion, promo, coupon, voucher, price break, larger quantities, large quantities",
        "de": "Rabatt, Rabatte, Mengenrabatt, Nachlass, Skonto, Preisnachlass, Gutschein, "
        "Staffel, Staffelpreis, Staffelpreise, Mengenstaffel, größere Mengen, große Mengen",
        "fr": "remise, remises, réduction, réductions, rabais, ristourne, volume, promotion, "
        "dégressif, dégressifs, en gros, grandes quantités, grosses quantités",
        "es": "descuento, descuentos, rebaja, rebajas, bonificación, volumen, promoción, cupón, "
        "al por mayor, grandes cantidades",
    },
    "minimum": {
        "en": "minimum, minimum order, minimum spend, smallest order",
        "de": "Mindestbestellwert, Mindestbestellung, Mindestmenge, mindestens",
        "fr": "minimum, minimale, commande minimum",
        "es": "mínimo, mínima, pedido mínimo",
    },
    "samples": {
        "en": "sample, samples, trial",
        "de": "Muster, Warenprobe",
        "fr": "échantillon, échantillons, essai",
        "es": "muestra, muestras",
    },
    "order change": {
        "en": "change, changes, changed, amend, amendment, modify, modification, add, adding, "
        "cancel, cancelled, canceled, cancellation",
        "de": "ändern, geändert, Änderung, Änderungen, stornieren, storniert, Stornierung, "
        "hinzufügen, abbestellen, aktualisieren",
        "fr": "modifier, modifié, modification, changer, changement, annuler, annulé, "
        "annulation, ajouter, rajouter",
        "es": "modificar, modificación, cambiar, cambio, cambios, cancelar, cancelación, anular, "
        "añadir, agregar, actualizar",
    },
    "standing order": {
        "en": "standing order, regular, recurring, repeat order, subscription",
        "de": "Dauerauftrag, regelmäßig, regelmäßige, Abonnement, Abo",
        "fr": "régulier, régulière, régulières, récurrent, hebdomadaire, mensuel, mensuelle, "
        "abonnement",
        "es": "periódico, periódicos, recurrente, semanal, semanales, mensual, mensuales, "
        "suscripción",
    },
    "care": {
        "en": "storage, shelf life, expiry, expire, care, clean, cleaning, "
        "wash, dishwasher, microwave, heat, heated, descale, maintenance",
        "de": "Lagerung, gelagert, aufbewahren, Haltbarkeit, haltbar, Pflege, pflegen, "
        "Spülmaschine, spülmaschinenfest, Mikrowelle, entkalken, Wartung",
        "fr": "conserver, conservation, stockage, entretien, entretenir, lave-vaisselle, "
        "micro-ondes, détartrer",
        "es": "almacenar, almacenamiento, conservar, caducidad, cuidado, cuidar, limpiar, "
        "limpieza, lavavajillas, microondas, descalcificar, mantenimiento",
    },
    "custom printing": {
        "en": "logo, logos, branded, branding, bespoke, custom printed, custom printing",
        "de": "bedruckt, bedruckte, bedrucken, Aufdruck, Logo, personalisiert, Branding",
        "fr": "personnalisé, personnalisés, personnalisée, personnalisation, logo, marquage, "
        "imprimé, imprimés",
        "es": "personalizado, personalizados, personalizada, personalización, logotipo, logo, "
        "impreso, impresos",
    },
    "documents": {
        "en": "certificate, certificates, certification, certified, data sheet, "
        "safety data sheet, SDS, MSDS, spec sheet, technical specification, "
        "declaration of conformity, test report",
        "de": "Zertifikat, Zertifikate, Zertifizierung, Datenblatt, Sicherheitsdatenblatt, "
        "Bescheinigung, Konformitätserklärung, Spezifikation",
        "fr": "certificat, certificats, certification, fiche technique, "
        "fiche de données de sécurité, FDS, attestation, déclaration de conformité",
        "es": "certificado, certificados, certificación, ficha técnica, "
        "ficha de datos de seguridad, FDS, declaración de conformidad",
    },
    "stock": {
        "en": "in stock, out of stock, stock, availability, available, backorder",
        "de": "vorrätig, lieferbar, Lagerbestand, verfügbar, ausverkauft",
        "fr": "en stock, disponible, disponibles, disponibilité, rupture de stock",
        "es": "en stock, disponible, disponibles, disponibilidad, agotado",
    },
    "customs": {
        "en": "customs duties, customs clearance, duty, duties, import duties, import, imports",
        "de": "Zoll, Zölle, Einfuhr, Einfuhrzoll, Zollgebühren",
        "fr": "douane, douanes, droits de douane, importation",
        "es": "aduana, aduanas, aranceles, arancel, importación",
    },
    "tax": {
        "en": "tax, taxes, VAT, sales tax",
        "de": "Steuer, Steuern, Mehrwertsteuer, Umsatzsteuer, MwSt",
        "fr": "taxe, taxes, TVA",
        "es": "impuesto, impuestos, IVA",
    },
}

#: Words that name a topic in a question but not in a passage: "how long", "when will it
#: arrive?" ask about timing, while a policy's "nothing is due on arrival" or "check each
#: delivery when it arrives" states no time. Read on questions only (topics.passage_topics):
#: a passage is given the timing aspect by a length of time it states (topics.durations) or by
#: the other timing words ("lead time", "working days"). Without this, the delivery costs,
#: which say "on arrival", held the timing of "how long to London?" before the delivery times
#: could, and the draft quoted the payment methods second instead of them.
#: The same for a package: a customer's "where is our package?" asks about a delivery, while a
#: price list's "a case of 10 packages" of copy paper sells a pack.
ASKED_ONLY: dict[str, dict[str, str]] = {
    "delivery": {
        "en": "package, packages",
        "de": "Paket, Pakete",
        "es": "paquete, paquetes",
    },
    "timing": {
        "en": "long, arrive, arrives, arrival",
        "de": "lange, ankommen, eintreffen, Ankunft",
        "fr": "arriver, arrivée",
        "es": "llegar, llega, llegada",
    },
}
