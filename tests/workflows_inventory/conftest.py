"""One shop's exports, dropped at fixed moments: two Shopify inventory exports on Monday 30
November 2026 (08:00 and 18:00, New York), Shopify's and WooCommerce's order exports, and the
suppliers file."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from mailagent.conf import Mode
from tests.conftest import FIXTURES

INVENTORY = FIXTURES / "inventory"
TZ = ZoneInfo("America/New_York")
STAFF = ["owner@acme.example", "warehouse@acme.example"]
DAY = "2026-11-30"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def drop(folder: Path, fixture: str, when: str, *, name: str | None = None) -> Path:
    """A fixture copied into the export folder as if dropped at `when` (New York time)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or fixture)
    shutil.copyfile(INVENTORY / fixture, target)
    stamp = at(when).timestamp()
    os.utime(target, (stamp, stamp))
    return target


@pytest.fixture
def shop(settings, tmp_path):
    settings.TIME_ZONE = "America/New_York"
    settings.INVENTORY_MODE = Mode.DRAFT
    settings.INVENTORY_EXPORT_DIR = str(tmp_path / "stock")
    settings.SUPPLIERS_FILE = str(INVENTORY / "suppliers.csv")
    settings.INVENTORY_ALERT_RECIPIENTS = STAFF
    settings.STOCK_COVER_DAYS = 14
    settings.STOCK_SALES_WINDOW_DAYS = 28
    settings.STOCK_DRIFT_UNITS = 5
    settings.DEFAULT_CURRENCY = "USD"
    folder = Path(settings.INVENTORY_EXPORT_DIR)
    drop(folder, "orders_export_shopify.csv", "2026-11-30 07:55")
    drop(folder, "orders_export_woocommerce.csv", "2026-11-30 07:56")
    drop(folder, "inventory_export_morning.csv", "2026-11-30 08:00")
    drop(folder, "inventory_export_evening.csv", "2026-11-30 18:00")
    return folder
