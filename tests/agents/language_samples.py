"""Customer-shaped messages in the languages small European businesses hear from, by ISO code.

Written as customers write: short and long, with typos, English product and business words, shop
signatures, invoice numbers, order references, phone numbers and the odd link. Shared by
`tests/agents/test_language.py` (each must be detected, reliably) and `bench/triage.py` (the
detector's time per message).
"""

from __future__ import annotations

SAMPLES: dict[str, tuple[str, ...]] = {
    "en": (
        "Hi, could you resend invoice INV-1042? I can't find it anywhere.",
        "We paid this last week by bank transfer, please check your records.",
        "The delivery arrived damaged and nobody has called us back yet.",
        "do you have the Bosch GSR 12V in stock and how long is the lead time",
        "Hello,\n\nPlease send us a statement of account for March.\n\nBest regards,\n"
        "Sarah Jones\nJones & Daughters Ltd\nTel 01632 960123",
        "Can I return the blue chairs if they don't match our kitchen?",
        "What time do you open on Saturdays? We'd like to pick up the order.",
        "Im still waiting for my refund, its been three weeks now",
        "Thanks for the quick reply, the replacement part fits perfectly.",
        "Our accounts team says invoice #20931 is overdue but we never received it.",
        "Could someone from sales get in touch about a bulk order of 500 units?",
        "The printer keeps showing error E-04 after the latest firmware update.",
        "Please see https://example.com/order/8821 for the tracking details we got.",
        "Is there a discount if we pay the whole year upfront?",
        "pls refnd the broken blender jar, photos attached. order 20677",
        "Hi, quick one - why has the oat milk gone up on our last bill?",
    ),
    "de": (
        "Hallo, die Rechnung INV-1042 ist paid?",
        "Wir haben die Rechnung 2026-0042 gestern überwiesen.",
        "Könnten Sie mir bitte die Rechnung noch einmal als PDF schicken?",
        "Die Lieferung ist heute beschädigt angekommen, der Karton war komplett nass.",
        "Guten Tag,\n\nbitte senden Sie uns einen Kontoauszug mit allen offenen Posten.\n\n"
        "Mit freundlichen Grüßen\nKarin Weber\nWeber Bäckerei GmbH\nTel. +49 30 1234567",
        "Wann haben Sie am Samstag geöffnet? Ich möchte die Bestellung abholen.",
        "hab die bestelung noch nicht bekommen, wo bleibt sie denn?",
        "Wir sind sehr unzufrieden mit dem Service, das ist jetzt das dritte Mal.",
        "Haben Sie den Dyson V15 auch in Rot? Was kostet der Versand nach Österreich?",
        "Können wir die Stühle zurückschicken, wenn sie nicht passen?",
        "Der Drucker zeigt nach dem Update immer den Fehler E-04 an, was können wir tun?",
        "Vielen Dank für die schnelle Lieferung, alles ist gut angekommen!",
        "Wie viel schulden wir Ihnen noch und bis wann ist die Zahlung fällig?",
        "Bitte schicken Sie mir ein Angebot für 200 Stück, Lieferung nach München.",
    ),
    "fr": (
        "Bonjour, pourriez-vous me renvoyer la facture FA-2291 ?",
        "Nous avons payé la facture hier par virement.",
        "La livraison est arrivée abîmée, le carton était complètement mouillé.",
        "Bonjour,\n\nMerci de nous envoyer un relevé de compte avec toutes les factures "
        "ouvertes.\n\nCordialement,\nMarie Dubois\nBoulangerie Dubois SARL\n01 23 45 67 89",
        "Quels sont vos horaires d'ouverture le samedi ?",
        "jai toujour pas recu ma commande, vous pouvez verifier svp",
        "Nous sommes très déçus du service, c'est la troisième fois ce mois-ci.",
        "Avez-vous le Dyson V15 en stock ? Quel est le délai de livraison ?",
        "Est-ce que je peux retourner les chaises si elles ne conviennent pas ?",
        "L'imprimante affiche l'erreur E-04 depuis la mise à jour, que faire ?",
        "Merci beaucoup pour la livraison rapide, tout est parfait !",
        "Combien vous devons-nous encore et quelle est la date d'échéance ?",
        "Pourriez-vous nous faire un devis pour 200 pièces livrées à Lyon ?",
        "Comment fonctionne le remboursement si le produit ne me plaît pas ?",
    ),
    "es": (
        "Hola, ¿podrían reenviarme la factura F-123?",
        "Ya hemos pagado la factura por transferencia la semana pasada.",
        "El pedido llegó dañado, la caja estaba completamente mojada.",
        "Buenos días,\n\nPor favor envíennos un estado de cuenta con todas las facturas "
        "pendientes.\n\nSaludos cordiales,\nCarlos García\nPanadería García S.L.\n+34 912 345 678",
        "¿Cuál es su horario de apertura los sábados?",
        "todavia no e recibido mi pedido, me pueden decir donde esta",
        "Estamos muy decepcionados con el servicio, es la tercera vez este mes.",
        "¿Tienen el Dyson V15 en stock? ¿Cuánto tarda el envío a Valencia?",
        "¿Puedo devolver las sillas si no combinan con la cocina?",
        "La impresora muestra el error E-04 desde la última actualización, ¿qué hacemos?",
        "Muchas gracias por la entrega tan rápida, todo perfecto.",
        "¿Cuánto les debemos todavía y cuándo vence el pago?",
        "¿Nos pueden enviar un presupuesto para 200 unidades con entrega en Sevilla?",
        "Necesito una copia de la factura para mi gestoría, por favor.",
    ),
    "it": (
        "Buongiorno, potreste rimandarmi la fattura n. 2291?",
        "Abbiamo già pagato la fattura con bonifico la settimana scorsa.",
        "La consegna è arrivata danneggiata, la scatola era tutta bagnata.",
        "Buongiorno,\n\nvi chiediamo un estratto conto con tutte le fatture aperte.\n\n"
        "Cordiali saluti,\nGiulia Rossi\nPasticceria Rossi Srl\nTel. 02 1234 5678",
        "Qual è il vostro orario di apertura il sabato?",
        "non ho ancora ricevuto il mio ordine, potete controllare per favore",
        "Siamo molto delusi dal servizio, è la terza volta questo mese.",
        "Avete il Dyson V15 disponibile? Quanto tempo ci vuole per la spedizione?",
        "Posso restituire le sedie se non vanno bene con la cucina?",
        "La stampante mostra l'errore E-04 dopo l'aggiornamento, cosa possiamo fare?",
        "Grazie mille per la consegna veloce, tutto perfetto.",
        "Quanto vi dobbiamo ancora e quando scade il pagamento?",
        "Potreste mandarci un preventivo per 200 pezzi consegnati a Milano?",
    ),
    "pt": (
        "Olá, podem reenviar a fatura FT-2026/118?",
        "Já pagámos a fatura por transferência na semana passada.",
        "A encomenda chegou danificada, a caixa estava toda molhada.",
        "Bom dia,\n\nPor favor enviem-nos um extrato de conta com todas as faturas em "
        "aberto.\n\nCumprimentos,\nAna Costa\nPastelaria Costa Lda\nTel. 21 123 4567",
        "Qual é o vosso horário de funcionamento ao sábado?",
        "ainda nao recebi a minha encomenda, podem verificar por favor",
        "Estamos muito desiludidos com o serviço, é a terceira vez este mês.",
        "Têm o Dyson V15 em stock? Quanto tempo demora o envio para o Porto?",
        "Posso devolver as cadeiras se não ficarem bem na cozinha?",
        "A impressora mostra o erro E-04 depois da atualização, o que devemos fazer?",
        "Muito obrigado pela entrega rápida, está tudo perfeito.",
        "Quanto ainda vos devemos e quando vence o pagamento?",
        "Podem enviar-nos um orçamento para 200 unidades entregues em Lisboa?",
    ),
    "nl": (
        "Hallo, kunt u factuur 2026-0042 nog een keer sturen?",
        "Wij hebben de factuur vorige week al overgemaakt.",
        "De levering is beschadigd aangekomen, de doos was helemaal nat.",
        "Goedemiddag,\n\nKunt u ons een rekeningoverzicht sturen met alle openstaande "
        "facturen?\n\nMet vriendelijke groet,\nJan de Vries\nBakkerij De Vries BV\n020 123 4567",
        "Wat zijn jullie openingstijden op zaterdag?",
        "ik heb mijn bestelling nog steeds niet ontvangen, kunnen jullie dat nakijken",
        "Wij zijn erg teleurgesteld in de service, dit is al de derde keer deze maand.",
        "Hebben jullie de Dyson V15 op voorraad? Hoe lang duurt de verzending?",
        "Kan ik de stoelen terugsturen als ze niet bij de keuken passen?",
        "De printer geeft na de update steeds foutmelding E-04, wat moeten we doen?",
        "Hartelijk dank voor de snelle levering, alles is prima aangekomen.",
        "Hoeveel zijn we u nog verschuldigd en wanneer moet het betaald zijn?",
        "Kunt u ons een offerte sturen voor 200 stuks, geleverd in Utrecht?",
    ),
    "pl": (
        "Dzień dobry, czy mogą Państwo ponownie przesłać fakturę FV/2026/118?",
        "Zapłaciliśmy fakturę przelewem w zeszłym tygodniu.",
        "Przesyłka dotarła uszkodzona, karton był całkowicie mokry.",
        "Dzień dobry,\n\nProszę o przesłanie zestawienia wszystkich otwartych faktur.\n\n"
        "Pozdrawiam,\nAnna Nowak\nPiekarnia Nowak sp. z o.o.\ntel. 22 123 45 67",
        "W jakich godzinach są Państwo otwarci w sobotę?",
        "nadal nie dostałem zamowienia, mozecie sprawdzic gdzie jest",
        "Jesteśmy bardzo rozczarowani obsługą, to już trzeci raz w tym miesiącu.",
        "Czy mają Państwo Dyson V15 na stanie? Ile trwa wysyłka do Krakowa?",
        "Czy mogę zwrócić krzesła, jeśli nie będą pasować do kuchni?",
        "Drukarka po aktualizacji pokazuje błąd E-04, co mamy zrobić?",
        "Bardzo dziękuję za szybką dostawę, wszystko w porządku.",
        "Ile jeszcze jesteśmy winni i kiedy mija termin płatności?",
        "Proszę o ofertę na 200 sztuk z dostawą do Poznania.",
    ),
}

NAMES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "pl": "Polish",
}

#: Too short or too plain to tell: the business's language is used instead.
UNSURE = ("Thanks!", "Danke", "ok", "OK 👍", "Merci", "Gracias!", "INV-1042", "", "   ", "?")
