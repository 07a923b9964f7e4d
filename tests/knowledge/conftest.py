"""A small shop's knowledge folder, written fresh for each test into its own temporary folder,
and KNOWLEDGE_DIR pointed at it."""

from __future__ import annotations

from pathlib import Path

import pytest

SHOP = {
    "returns.md": """# Returns

You can return any item within 30 days of delivery for a full refund. Items must be unused and
in their original packaging. Sale items cannot be returned.

## How to return an item

Print the return label from your order confirmation email, pack the item securely and drop it
at any post office. Return shipping is free within the EU.

## Refund timing

We refund the purchase price to your original payment method within 5 working days of receiving
the returned item. Bank transfers can take a further 2 to 3 days to show on your statement.
""",
    "delivery.md": """# Delivery

## Delivery times

Orders placed before 2 pm on a working day are dispatched the same day. Delivery within Germany
takes 1 to 2 working days; to Austria, Switzerland and the rest of the EU 3 to 5 working days.

## Delivery costs

Standard delivery costs 4.90 EUR; it is free on orders over 50 EUR. Express delivery costs 12 EUR.

## Tracking your parcel

You receive a tracking link by email as soon as your parcel leaves our warehouse.
""",
    "payment.md": """# Payment methods

We accept Visa, Mastercard, PayPal and bank transfer. Business customers can pay by invoice
within 14 days. We do not accept cheques or cash on delivery.
""",
    "hours.txt": """Opening hours

Our shop at Hauptstraße 5, Berlin, is open Monday to Friday 9:00 to 18:00 and Saturday 10:00 to
14:00. We are closed on Sundays and public holidays.

Customer service answers the phone (+49 30 1234567) Monday to Friday 9:00 to 17:00.
""",
    "products/prices.md": """# Prices

## Furniture

The Oak Table costs 449 EUR; the matching Oak Bench costs 189 EUR. The Walnut Desk costs 599 EUR.

## Lamps

We sell desk lamps from 39 EUR and floor lamps from 89 EUR. All lamps come with an LED bulb.
""",
    "faq.md": """# Frequently asked questions

## Can I change or cancel my order?

You can change or cancel an order until it is dispatched: reply to your order confirmation or
call customer service.

## Do you offer gift wrapping?

Yes, gift wrapping costs 3 EUR per item; choose it at checkout.

## Is the furniture assembled?

Tables and desks are delivered flat-packed with tools and instructions; assembly takes about
30 minutes.
""",
    "lieferung.de.md": """# Lieferung

## Lieferzeiten

Bestellungen, die an einem Werktag vor 14 Uhr eingehen, verschicken wir am selben Tag. Die
Lieferung innerhalb Deutschlands dauert 1 bis 2 Werktage, nach Österreich und in die Schweiz
3 bis 5 Werktage.

## Versandkosten

Der Standardversand kostet 4,90 EUR und ist ab 50 EUR Bestellwert kostenlos.
""",
    "ruecksendung.de.md": """# Rücksendung

Sie können jeden Artikel innerhalb von 30 Tagen nach der Lieferung zurückgeben und erhalten den
vollen Kaufpreis zurück. Die Erstattung erfolgt innerhalb von 5 Werktagen nach Eingang der Ware.
""",
}


def folder_write(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def shop(tmp_path, settings) -> Path:
    """The shop's folder, set as KNOWLEDGE_DIR (English by default)."""
    root = folder_write(tmp_path / "knowledge", SHOP)
    settings.KNOWLEDGE_DIR = root
    settings.KNOWLEDGE_LANGUAGE = "en"
    return root
