"""A large shop's knowledge folder, generated: policy passages and customer questions in English,
German, French and Spanish, for bench/triage.py's retrieval figures.

A real folder holds a few dozen passages; a business with a big catalogue (a passage per product
and policy) may reach thousands. The generator writes Markdown files of `SECTIONS_PER_FILE`
sections each, every section one passage: a topic (delivery, returns, payment, warranty, care,
assembly, prices) applied to a product of a generated catalogue, in one of four languages (files
named "*.de.md" and so on). Product names mix a material, an item and a model code, so that the
vocabulary and its word frequencies look like a catalogue's, not like one sentence repeated.
"""

from __future__ import annotations

import random
from pathlib import Path

SECTIONS_PER_FILE = 25
LANGUAGES = ("en", "de", "fr", "es")

MATERIALS = ("Oak", "Walnut", "Birch", "Steel", "Linen", "Rattan", "Marble", "Bamboo", "Teak")
ITEMS = {
    "en": ("Table", "Chair", "Desk", "Lamp", "Shelf", "Bench", "Sofa", "Rug", "Cabinet", "Bed"),
    "de": ("Tisch", "Stuhl", "Schreibtisch", "Lampe", "Regal", "Bank", "Sofa", "Teppich"),
    "fr": ("Table", "Chaise", "Bureau", "Lampe", "Étagère", "Banc", "Canapé", "Tapis"),
    "es": ("Mesa", "Silla", "Escritorio", "Lámpara", "Estante", "Banco", "Sofá", "Alfombra"),
}
COUNTRIES = {
    "en": ("Germany", "Austria", "France", "Spain", "Italy", "the Netherlands", "Belgium"),
    "de": ("Deutschland", "Österreich", "Frankreich", "Spanien", "Italien", "die Schweiz"),
    "fr": ("France", "Belgique", "Suisse", "Allemagne", "Espagne", "Luxembourg"),
    "es": ("España", "Portugal", "Francia", "Alemania", "Italia", "México"),
}
TOPICS = {
    "en": {
        "Delivery": "The {p} ships within {n} working days to {c}. Delivery costs {m} EUR and is "
        "free on orders over {big} EUR. You receive a tracking link by email.",
        "Returns": "You can return the {p} within {n} days of delivery if it is unused. Return "
        "shipping is free; we refund the price within {d} working days of receiving it.",
        "Payment": "The {p} can be paid by card, PayPal or bank transfer. Business customers may "
        "pay by invoice within {n} days.",
        "Warranty": "The {p} has a {d}-year warranty against manufacturing defects. Scratches and "
        "wear from daily use are not covered.",
        "Care": "Clean the {p} with a soft dry cloth. Avoid water and cleaning agents; treat "
        "wooden surfaces with oil every {n} months.",
        "Assembly": "The {p} arrives flat-packed with tools and instructions; assembly takes "
        "about {n} minutes. Our fitters assemble it for {m} EUR.",
        "Price": "The {p} costs {big} EUR including VAT; the matching cushions cost {m} EUR.",
    },
    "de": {
        "Lieferung": "Der {p} wird innerhalb von {n} Werktagen nach {c} geliefert. Der Versand "
        "kostet {m} EUR und ist ab {big} EUR Bestellwert kostenlos.",
        "Rückgabe": "Sie können den {p} innerhalb von {n} Tagen nach der Lieferung zurückgeben, "
        "wenn er unbenutzt ist. Die Erstattung erfolgt innerhalb von {d} Werktagen.",
        "Zahlung": "Den {p} können Sie mit Karte, PayPal oder Überweisung bezahlen. "
        "Geschäftskunden zahlen auf Rechnung innerhalb von {n} Tagen.",
        "Garantie": "Auf den {p} geben wir {d} Jahre Garantie auf Herstellungsfehler. Kratzer "
        "durch den täglichen Gebrauch sind nicht abgedeckt.",
        "Pflege": "Reinigen Sie den {p} mit einem weichen, trockenen Tuch. Holzflächen alle {n} "
        "Monate mit Öl behandeln.",
        "Preis": "Der {p} kostet {big} EUR inklusive Mehrwertsteuer.",
    },
    "fr": {
        "Livraison": "La {p} est livrée en {n} jours ouvrés en {c}. La livraison coûte {m} EUR "
        "et elle est gratuite dès {big} EUR d'achat.",
        "Retours": "Vous pouvez retourner la {p} dans les {n} jours suivant la livraison si elle "
        "n'a pas servi. Le remboursement est effectué sous {d} jours ouvrés.",
        "Paiement": "La {p} se paie par carte, PayPal ou virement. Les professionnels peuvent "
        "payer sur facture à {n} jours.",
        "Garantie": "La {p} est garantie {d} ans contre les défauts de fabrication.",
        "Entretien": "Nettoyez la {p} avec un chiffon doux et sec; huilez le bois tous les {n} "
        "mois.",
        "Prix": "La {p} coûte {big} EUR TTC.",
    },
    "es": {
        "Envío": "La {p} se entrega en {n} días laborables a {c}. El envío cuesta {m} EUR y es "
        "gratuito a partir de {big} EUR.",
        "Devoluciones": "Puede devolver la {p} en un plazo de {n} días desde la entrega si no se "
        "ha usado. El reembolso se realiza en {d} días laborables.",
        "Pago": "La {p} se puede pagar con tarjeta, PayPal o transferencia. Las empresas pueden "
        "pagar con factura a {n} días.",
        "Garantía": "La {p} tiene una garantía de {d} años contra defectos de fabricación.",
        "Cuidado": "Limpie la {p} con un paño suave y seco; trate la madera con aceite cada {n} "
        "meses.",
        "Precio": "La {p} cuesta {big} EUR con IVA incluido.",
    },
}
QUESTIONS = {
    "en": (
        "How long does delivery of the {p} to {c} take?",
        "Can I return the {p} if I don't like it? How long do refunds take?",
        "Hi, is there a warranty on the {p}? Mine has a crack after a year.",
        "How much is the {p}, and can I pay by invoice?",
        "Do you sell parrots?",
        "How do I clean the {p}?",
        "Hello, my order with the {p} has not arrived yet, can you send me the tracking link?",
    ),
    "de": (
        "Wie lange dauert die Lieferung des {p} nach {c}?",
        "Kann ich den {p} zurückgeben? Wann bekomme ich mein Geld?",
        "Gibt es Garantie auf den {p}?",
        "Was kostet der {p}? Kann ich auf Rechnung zahlen?",
        "Haben Sie auch Papageien?",
    ),
    "fr": (
        "Combien de temps prend la livraison de la {p} en {c} ?",
        "Puis-je retourner la {p} ? Quand serai-je remboursé ?",
        "Quel est le prix de la {p} ?",
    ),
    "es": (
        "¿Cuánto tarda el envío de la {p} a {c}?",
        "¿Puedo devolver la {p}? ¿Cuándo recibo el reembolso?",
        "¿Cuál es el precio de la {p}?",
    ),
}


def catalogue(seed: int, count: int = 900) -> dict[str, list[str]]:
    """Per language, `count` product names: "Oak Table K-042"."""
    rng = random.Random(seed)
    return {
        language: [
            f"{rng.choice(MATERIALS)} {rng.choice(ITEMS[language])} "
            f"{rng.choice('ABCDEFGHKMRT')}-{n:03d}"
            for n in range(count)
        ]
        for language in LANGUAGES
    }


def _fill(rng: random.Random, template: str, language: str, product: str) -> str:
    return template.format(
        p=product,
        c=rng.choice(COUNTRIES[language]),
        n=rng.choice((2, 3, 5, 7, 14, 30)),
        d=rng.choice((2, 3, 5)),
        m=rng.choice((4.9, 9.9, 19, 29, 49)),
        big=rng.choice((50, 99, 149, 249, 499, 899)),
    )


def knowledge_folder(root: Path, *, passages: int = 10_000, seed: int = 7) -> Path:
    """Write `passages` passages (one per Markdown section) under `root`."""
    rng = random.Random(seed)
    products = catalogue(seed)
    written = 0
    files = 0
    while written < passages:
        language = LANGUAGES[files % len(LANGUAGES)]
        topics = TOPICS[language]
        sections = []
        for _ in range(min(SECTIONS_PER_FILE, passages - written)):
            product = rng.choice(products[language])
            topic = rng.choice(list(topics))
            body = _fill(rng, topics[topic], language, product)
            sections.append(f"## {topic}: {product}\n\n{body}\n")
            written += 1
        suffix = "" if language == "en" else f".{language}"
        path = root / f"part{files // 50:02d}" / f"catalogue-{files:04d}{suffix}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# Catalogue {files}\n\n" + "\n".join(sections), encoding="utf-8")
        files += 1
    return root


def knowledge_questions(count: int, *, seed: int = 7) -> list[tuple[str, str]]:
    """`count` customer questions as (language, text), a product of the catalogue in most."""
    rng = random.Random(seed)
    products = catalogue(seed)
    asked = []
    for n in range(count):
        language = LANGUAGES[n % len(LANGUAGES)]
        template = rng.choice(QUESTIONS[language])
        asked.append((language, _fill(rng, template, language, rng.choice(products[language]))))
    return asked
