"""Stock exports found by what they hold: each shape's quantities, and a malformed file refused
whole with its line and reason."""

from __future__ import annotations

import pytest

from mailagent.parsing.stock import StockFormat, UnreadableStock, parse_stock
from tests.workflows_inventory.conftest import INVENTORY


def _read(name: str):
    return parse_stock((INVENTORY / name).read_bytes())


class TestShapes:
    def test_shopify_inventory_sums_locations_and_skips_where_not_stocked(self):
        stock = _read("inventory_export_evening.csv")
        levels = {level.sku: level for level in stock.levels}
        assert stock.format is StockFormat.SHOPIFY_INVENTORY
        assert levels["PAP-A4-5"].quantity == 8  # 6 in the warehouse, 2 on the shop floor
        assert (levels["CHR-ERG"].quantity, levels["CHR-ERG"].on_hand) == (-1, 2)
        assert levels["RCT-TH10"].quantity == 12
        assert stock.untracked == 2  # the not-stocked location, the gift card without a SKU

    def test_woocommerce_products_export_skips_a_parent_that_does_not_manage_stock(self):
        stock = _read("woocommerce_products_export.csv")
        assert stock.format is StockFormat.WOO_PRODUCTS
        assert {(lv.sku, lv.quantity) for lv in stock.levels} == {
            ("CRN-A5", 25),
            ("AGD-27", -2),
            ("ORD-BR", 3),
        }

    def test_shopify_products_export_reads_variants_not_image_rows(self):
        stock = _read("shopify_products_export.csv")
        assert stock.format is StockFormat.SHOPIFY_PRODUCTS
        assert [(lv.sku, lv.quantity) for lv in stock.levels] == [("MAT-XL", 7), ("MAT-L", 0)]

    def test_a_sku_list_carries_its_supplier_and_a_thousands_separator(self):
        stock = _read("stock_list.csv")
        levels = {level.sku: level for level in stock.levels}
        assert stock.format is StockFormat.SKU_LIST
        assert levels["STP-HD"].quantity == 1200
        assert (levels["PAP-A4-5"].supplier_email, levels["PAP-A4-5"].supplier_name) == (
            "paper@mill.example",
            "The Mill",
        )


class TestMalformed:
    @pytest.mark.parametrize(
        ("name", "reason"),
        [
            (
                "inventory_export_malformed.csv",
                "Shopify inventory export: line 5: the available (not editable) 'lots' is not "
                "a number; nothing in this file was used.",
            ),
            (
                "stock_list_malformed.csv",
                "SKU and quantity list: SKU 'PAP-A4-5' is listed twice (lines 2 and 4); "
                "nothing in this file was used.",
            ),
        ],
    )
    def test_a_bad_row_refuses_the_whole_file_with_its_line(self, name, reason):
        with pytest.raises(UnreadableStock) as refused:
            _read(name)
        assert str(refused.value) == reason

    def test_an_order_export_is_not_taken_for_stock(self):
        with pytest.raises(UnreadableStock, match="not a stock export"):
            _read("orders_export_shopify.csv")
