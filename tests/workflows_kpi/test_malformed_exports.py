"""Exports that cannot be read: each is named with the reason under "what needs a person", and
none of it counts; the rest of the report stands."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.management import call_command

from mailagent.models import ImportRun, Invoice
from mailagent.services.invoices import export_folder_import
from mailagent.workflows.models import WorkflowRun
from tests.workflows_kpi import expected
from tests.workflows_kpi.history import SALES, WEEK, at

pytestmark = pytest.mark.django_db


def report(smtp_server) -> dict:
    with time_machine.travel(at("2026-11-30", "08:00"), tick=False):
        call_command("kpi_report", "--week", WEEK)
    return WorkflowRun.objects.latest("started_at").outputs


def figure(outputs: dict, key: str):
    return next(f for f in outputs["figures"] if f["key"] == key)["this"]


def test_a_shop_export_with_one_unreadable_row_counts_for_nothing(business, smtp_server):
    folder = business.SALES_EXPORT_DIR
    text = (SALES / "shopify_orders_export.csv").read_text()
    with open(f"{folder}/shopify_orders_export.csv", "w", encoding="utf-8") as broken:
        broken.write(text.replace(",169.95,", ",169.9S,", 1))

    outputs = report(smtp_server)

    woo = expected.woocommerce_orders(WEEK)
    assert figure(outputs, "orders") == woo[0]  # not one of the Shopify file's orders
    assert "revenue:USD" not in {f["key"] for f in outputs["figures"]}
    assert figure(outputs, "revenue:EUR") == str(woo[1])
    needs = " ".join(outputs["needs_person"])
    assert (
        "Sales export shopify_orders_export.csv: Shopify orders export: "
        "line 12: the amount '169.9S'" in needs
    )
    assert "nothing in this file was counted" in needs
    mail = smtp_server.messages()[-1].get_body(("plain",)).get_content()
    assert "line 12" in mail


def test_a_file_that_is_not_an_order_export_is_named_and_left_out(business, smtp_server):
    folder = business.SALES_EXPORT_DIR
    with open(f"{folder}/orders.csv", "wb") as pdf:
        pdf.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")

    outputs = report(smtp_server)

    needs = " ".join(outputs["needs_person"])
    assert "Sales export orders.csv: This file is a PDF document, not a CSV export" in needs
    shop = expected.shopify_orders(WEEK)[0] + expected.woocommerce_orders(WEEK)[0]
    assert figure(outputs, "orders") == shop


def test_a_refused_accounting_export_changes_nothing_and_is_named(business, smtp_server, tmp_path):
    before = list(Invoice.objects.order_by("number").values_list("number", "balance", "status"))
    folder = tmp_path / "accounting"
    folder.mkdir()
    truncated = "invoice_number,customer,due_d"  # the download broke off in the header
    (folder / "invoices-2026-11-26.csv").write_text(truncated)
    with time_machine.travel(at("2026-11-26", "09:00"), tick=False):
        reports = export_folder_import(folder=folder, today=date(2026, 11, 26))

    assert reports == []
    assert ImportRun.objects.filter(kind="refused").count() == 1
    assert list(Invoice.objects.order_by("number").values_list("number", "balance", "status")) == (
        before
    )
    outputs = report(smtp_server)
    needs = " ".join(outputs["needs_person"])
    assert "Accounting export invoices-2026-11-26.csv was refused:" in needs
    assert figure(outputs, "collected:USD") == "1660.25"  # as if the file had never come
