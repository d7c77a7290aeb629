"""The whole journey in a real browser: demo → messy upload → segments → personas → recommendations → list.

Screenshots of every step go to ``tests/_artifacts/journey/`` (look at them: charts readable,
nothing cut off).
"""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

pytestmark = pytest.mark.e2e

RENAMED = "Stammkunden VIP"


def messy_orders() -> bytes:
    """A German till export: cp1252, `;`, two preamble lines, day-first dates, decimal commas."""
    rng = np.random.default_rng(7)
    lines = ["Export Kasse Filiale Köln", "Erstellt am 01.11.2026;;;", "Kunde;Datum;Artikel;Betrag"]
    items = ["Müsli", "Käse", "Brötchen", "Kaffee", "Äpfel", "Wein", "Schokolade", "Tee", "Seife", "Blumen"]
    start = pd.Timestamp("2025-01-01")
    for customer in range(1, 181):
        group = customer % 3  # loyal big spenders, occasional, lapsed
        n_orders = {0: 14, 1: 4, 2: 3}[group] + int(rng.integers(0, 3))
        last_day = {0: 660, 1: 600, 2: 250}[group]
        for _ in range(n_orders):
            day = start + pd.Timedelta(days=int(rng.integers(0, last_day)))
            item = items[int(rng.integers(0, 5)) + (5 if group == 0 else 0)]
            amount = rng.gamma(2.0, {0: 40.0, 1: 12.0, 2: 10.0}[group])
            amount_text = f"{amount:.2f}".replace(".", ",")
            lines.append(f"K{customer:04d};{day:%d.%m.%Y};{item};{amount_text}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def settle(page: Any, pause: float = 0.8) -> None:
    """Wait until the app has finished running after an interaction."""
    time.sleep(pause)
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=240_000)
    time.sleep(0.5)


def shot(page: Any, folder: Path, name: str) -> None:
    """Screenshot the whole page: Streamlit scrolls inside its main pane, so grow the window to fit."""
    height = page.evaluate(
        "() => { const m = document.querySelector(\"[data-testid='stMain']\");"
        " return m ? m.scrollHeight : 1000; }"
    )
    page.set_viewport_size({"width": 1440, "height": min(max(int(height) + 40, 1000), 9000)})
    time.sleep(1.5)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 1000})
    time.sleep(0.5)


def go(page: Any, title: str) -> None:
    page.get_by_role("link", name=title).first.click()
    settle(page, 1.5)


def main_text(page: Any) -> str:
    return str(page.locator("[data-testid='stMain']").inner_text())


def test_marketer_journey_from_upload_to_downloaded_list(
    app_url: str, browser: Any, screenshots: Path, tmp_path: Path
) -> None:
    page = browser.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_url)
    page.get_by_text("The customer table the next steps use").wait_for(timeout=120_000)
    settle(page)
    assert "Demo shop" in main_text(page)
    shot(page, screenshots, "01_demo_data")

    # Upload a messy export through the real file uploader and see it understood.
    page.get_by_text("Upload a file", exact=True).click()
    settle(page)
    upload = tmp_path / "kasse_export.csv"
    upload.write_bytes(messy_orders())
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(upload))
    page.get_by_text("What kind of table is this?").wait_for(timeout=120_000)
    settle(page)
    text = main_text(page)
    assert "semicolons" in text and "cp1252" in text
    assert "skipped" in text
    shot(page, screenshots, "02_upload_understood")
    page.get_by_role("button", name="Build the customer table").click()
    settle(page)
    assert "Built 180 customers" in main_text(page)
    shot(page, screenshots, "03_customer_table")

    # Choose features (the defaults) and run the k sweep.
    go(page, "2 · Features & k")
    page.get_by_role("button", name="Find segments").click()
    page.get_by_text("Recommended: k =").wait_for(timeout=240_000)
    settle(page)
    assert "Customers per segment" in main_text(page)
    shot(page, screenshots, "04_k_sweep_and_segments")

    # Rename the first persona.
    go(page, "3 · Personas")
    name_box = page.get_by_role("textbox", name="Segment name").first
    name_box.fill(RENAMED)
    name_box.press("Enter")
    settle(page)
    shot(page, screenshots, "05_personas_renamed")

    # A segment's recommendations.
    go(page, "4 · Recommendations")
    assert "Recommendations" in main_text(page)
    shot(page, screenshots, "06_recommendations")

    # Build the campaign with a control group and download it.
    go(page, "5 · Campaigns")
    waive = page.get_by_text("I have consent another way: do not check consent")
    waive.click()
    settle(page)
    shot(page, screenshots, "07_campaign")
    download_button = page.get_by_role("button", name=re.compile(r"^Download .+\.csv$")).first
    with page.expect_download(timeout=120_000) as download_info:
        download_button.click()
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))

    assert target.suffix == ".csv"
    exported = pd.read_csv(io.BytesIO(target.read_bytes()), dtype=str)
    assert exported.columns[0] == "Kunde"
    assert {"segment", "segment_name", "group"} <= set(exported.columns)
    assert len(exported) == 180
    assert exported["Kunde"].is_unique
    control = (exported["group"] == "control").sum()
    assert abs(control - 18) <= exported["segment"].nunique()
    assert set(exported["group"]) == {"treatment", "control"}
    assert RENAMED in set(exported["segment_name"])
