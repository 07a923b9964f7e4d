"""A shop's order exports are read by content, whole or not at all: Shopify's orders export,
WooCommerce's Analytics download and its order export plugin's."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from mailagent.parsing.orders import OrderFormat, UnreadableOrders, parse_orders
from tests.conftest import FIXTURES

SALES = FIXTURES / "sales"
NEW_YORK = ZoneInfo("America/New_York")


def read(name: str, **options):
    return parse_orders((SALES / name).read_bytes(), tz=NEW_YORK, default_currency="USD", **options)


def by_number(parsed):
    return {o.number: o for o in parsed.orders}


class TestShopify:
    def test_an_order_of_several_line_items_is_one_order_with_its_own_total(self):
        parsed = read("shopify_orders_export.csv")

        assert parsed.format is OrderFormat.SHOPIFY
        orders = by_number(parsed)
        assert len(orders) == 11  # 17 rows: six of them further line items of an order
        assert orders["#1048"].revenue == Decimal("169.95")
        assert orders["#1048"].currency == "USD"

    def test_refunds_come_off_and_cancelled_or_voided_orders_do_not_stand(self):
        orders = by_number(read("shopify_orders_export.csv"))

        assert orders["#1043"].revenue == Decimal("167.04") - Decimal("25.98")
        assert orders["#1049"].revenue == 0 and orders["#1049"].counted
        assert not orders["#1047"].counted  # voided
        assert not orders["#1050"].counted and orders["#1050"].status == "cancelled"

    def test_the_time_of_an_order_keeps_its_utc_offset(self):
        late = by_number(read("shopify_orders_export.csv"))["#1044"]

        assert late.placed_at == datetime(2026, 11, 23, 4, 30, tzinfo=ZoneInfo("UTC"))
        assert late.placed_at.astimezone(NEW_YORK).date().isoformat() == "2026-11-22"


class TestWooCommerce:
    def test_the_order_export_names_its_currency_and_a_status_with_its_prefix(self):
        parsed = read("woocommerce_order_export.csv")

        assert parsed.format is OrderFormat.WOO_EXPORT
        orders = by_number(parsed)
        assert {o.currency for o in orders.values()} == {"EUR"}
        assert orders["5524"].revenue == Decimal("104.24")
        assert orders["5527"].counted and orders["5527"].status == "on-hold"
        assert not orders["5526"].counted and not orders["5529"].counted
        assert orders["5523"].placed_at == datetime(2026, 11, 23, 9, 12, 40, tzinfo=NEW_YORK)

    def test_the_analytics_download_is_in_the_default_currency_and_says_so(self):
        parsed = read("woocommerce_analytics_orders.csv")

        assert parsed.format is OrderFormat.WOO_ANALYTICS
        assert parsed.currency_source == "the file names none: DEFAULT_CURRENCY"
        orders = by_number(parsed)
        assert orders["2287"].revenue == Decimal("1038.00")  # written "1,038.00"
        assert not orders["2288"].counted  # refunded
        assert sum(o.revenue for o in orders.values() if o.counted) == Decimal("1142.30")


class TestRefused:
    def test_a_row_that_cannot_be_read_refuses_the_whole_file_naming_its_line(self):
        text = (SALES / "shopify_orders_export.csv").read_text()
        broken = text.replace(",80.08,", ",80.O8,", 1)

        with pytest.raises(UnreadableOrders, match=r"line 2: the amount '80\.O8'.*nothing in this"):
            parse_orders(broken.encode(), tz=NEW_YORK, default_currency="USD")

    def test_an_order_listed_twice_is_refused(self):
        lines = (SALES / "woocommerce_order_export.csv").read_text().splitlines()
        again = "\n".join([*lines, lines[1]]) + "\n"

        with pytest.raises(
            UnreadableOrders, match=r"order '5512' is listed twice \(lines 2 and 9\)"
        ):
            parse_orders(again.encode(), tz=NEW_YORK, default_currency="USD")

    def test_an_accounting_export_is_not_taken_for_an_order_export(self):
        data = (FIXTURES / "exports" / "generic_invoices.csv").read_bytes()

        with pytest.raises(UnreadableOrders, match=r"not a shop order export.*Columns found: "):
            parse_orders(data, tz=NEW_YORK, default_currency="USD")

    def test_a_spreadsheet_saved_as_a_workbook_is_refused_with_what_to_do(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as workbook:
            workbook.writestr("xl/workbook.xml", "<workbook/>")

        with pytest.raises(UnreadableOrders, match=r"Excel workbook \(\.xlsx\).*Save As > CSV"):
            parse_orders(buffer.getvalue(), tz=NEW_YORK, default_currency="USD")

    def test_a_date_the_report_cannot_read_refuses_the_file(self):
        lines = (SALES / "woocommerce_order_export.csv").read_text().splitlines()
        lines[3] = lines[3].replace("2026-11-23 09:12:40", "23rd of November", 1)

        with pytest.raises(UnreadableOrders, match=r"line 4: the date '23rd of November'"):
            parse_orders("\n".join(lines).encode(), tz=NEW_YORK, default_currency="USD")
