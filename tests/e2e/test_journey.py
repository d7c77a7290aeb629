"""The whole journey in a real browser: demo → messy upload → segments → personas → recommendations → list.

The demo is segmented and every page visited; three files go through the real uploader with the
defaults accepted: a messy German till export, a customer table with full-precision decimals and an
``ID`` column, and a movie-ratings file with epoch timestamps. Every request the page makes is
recorded: the app promises to make none outside this machine. Every page of the registry (and
the Workspace page) is shot full-page on the demo and on each uploaded file, to
``tests/_artifacts/journey/`` (look at them: charts readable, nothing cut off), and each shot is
checked for plain text: no Python repr (``np.float64(``, a lone ``nan``/``None``/``NaT``,
``[1, 2, 3]``) and no chart without a title or with an axis without a title.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pytest

from app_pages.registry import PAGES, TOOL_PAGES
from app_pages.registry import page as journey_page

pytestmark = pytest.mark.e2e

RENAMED = "Stammkunden VIP"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
LOCAL_SCHEMES = {"data", "blob"}


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


def decimal_customers(n_customers: int = 300) -> pd.DataFrame:
    """A customer table as analysts export it: unique int ids, full-precision decimals, a gender."""
    rng = np.random.default_rng(11)
    group = np.arange(n_customers) % 3
    frame = pd.DataFrame(
        {
            "ID": rng.choice(np.arange(1_000, 99_999), size=n_customers, replace=False),
            "Gender": rng.choice(["Male", "Female"], size=n_customers),
        }
    )
    for i, name in enumerate(["Age", "Income", "Score", "Balance", "Tenure"]):
        # centres apart per group so segments exist; values like -5.585988 and 8.499794737879839
        frame[name] = rng.normal(loc=(group - 1) * (3.0 + i), scale=2.0 + i, size=n_customers)
    frame["Score"] = frame["Score"].round(6)
    return frame


def movie_ratings(n_users: int = 200) -> pd.DataFrame:
    """A ratings file in the MovieLens layout: userId, movieId, rating, timestamp (epoch seconds)."""
    rng = np.random.default_rng(5)
    per_user = rng.integers(8, 40, size=n_users)
    users = np.repeat(np.arange(1, n_users + 1), per_user)
    taste = users % 2  # two audiences rating two different halves of the catalogue
    movies = rng.integers(1, 150, size=len(users)) + taste * 150
    start = pd.Timestamp("2023-01-01").value // 10**9
    return pd.DataFrame(
        {
            "userId": users,
            "movieId": movies,
            "rating": rng.integers(1, 11, size=len(users)) / 2,
            "timestamp": start + rng.integers(0, 2 * 365 * 86_400, size=len(users)),
        }
    ).drop_duplicates(["userId", "movieId"])


def outside_requests(urls: list[str]) -> list[str]:
    """The requested URLs that leave this machine (anything but the local server, data: and blob:)."""
    return [
        url
        for url in urls
        if urlsplit(url).scheme not in LOCAL_SCHEMES and urlsplit(url).hostname not in LOCAL_HOSTS
    ]


@pytest.fixture()
def requested(browser: Any) -> Iterator[list[str]]:
    """Every URL any page of the browser requests during the test, in order."""
    urls: list[str] = []

    def record(request: Any) -> None:
        urls.append(str(request.url))

    browser.on("request", record)
    try:
        yield urls
    finally:
        browser.remove_listener("request", record)


def settle(page: Any, pause: float = 0.4) -> None:
    """Wait until the app has finished running after an interaction.

    The short pause lets the interaction reach the server; then the app root must report its
    script as not running (as Streamlit's own browser tests wait) and the running-man be gone.
    """
    time.sleep(pause)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", state="attached", timeout=240_000
    )
    page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=240_000)
    time.sleep(0.3)


# Python reprs that must never reach a marketer's screen: numpy scalars, missing-value markers
# as a lone token (a cell, a value after a colon), and bracketed lists of numbers.
REPRS = re.compile(
    r"np\.(?:float|int|bool|str)\w*\("
    r"|\b(?:nan|NaN|NaT)\b"
    r"|(?:^|[\t:=|(]\s*)None\s*(?:$|[\t,;)|])"
    r"|\[\s*-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)+\s*\]",
    re.MULTILINE,
)


def visible_text(page: Any) -> str:
    """The visible text of the main area and the sidebar (dataframe cells are a canvas: not here)."""
    parts = [str(page.locator("[data-testid='stMain']").inner_text())]
    sidebar = page.locator("[data-testid='stSidebar']")
    if sidebar.count():
        parts.append(str(sidebar.first.inner_text()))
    return "\n".join(parts)


def repr_leaks(text: str) -> list[str]:
    """Each line of ``text`` that shows a Python repr instead of plain words."""
    return [line.strip() for line in text.splitlines() if REPRS.search(line)]


def untitled_charts(page: Any) -> int:
    """How many plotly charts on the page have no title (no ``.gtitle`` or an empty one)."""
    return int(
        page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot')).filter(plot => {"
            " const title = plot.querySelector('.gtitle');"
            " return !title || !title.textContent.trim(); }).length"
        )
    )


def charts_without_axis_titles(page: Any) -> list[str]:
    """Titles of charts with x/y axes where an axis has no title (plotly: .g-xtitle, .g-ytitle)."""
    return list(
        page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot')).filter(plot => {"
            " if (!plot.querySelector('.xaxislayer-above')) return false;"
            " const x = plot.querySelector('.g-xtitle'); const y = plot.querySelector('.g-ytitle');"
            " return !x || !x.textContent.trim() || !y || !y.textContent.trim(); })"
            ".map(plot => (plot.querySelector('.gtitle') || {textContent: '?'}).textContent)"
        )
    )


def check_plain(page: Any, name: str) -> None:
    """Fail on a Python repr in the visible text, a chart without a title or an axis without one."""
    leaks = repr_leaks(visible_text(page))
    assert leaks == [], f"{name}: Python reprs on the page: {leaks}"
    assert untitled_charts(page) == 0, f"{name}: {untitled_charts(page)} chart(s) without a title"
    unlabelled = charts_without_axis_titles(page)
    assert unlabelled == [], f"{name}: charts with an axis without a title: {unlabelled}"


def shot(page: Any, folder: Path, name: str) -> None:
    """Screenshot the whole page (then check its text and charts are plain).

    Streamlit scrolls inside its main pane, so the window grows to fit first.
    """
    height = page.evaluate(
        "() => { const m = document.querySelector(\"[data-testid='stMain']\");"
        " return m ? m.scrollHeight : 1000; }"
    )
    page.set_viewport_size({"width": 1440, "height": min(max(int(height) + 40, 1000), 9000)})
    time.sleep(1.0)  # charts re-lay themselves out to the new width
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 1000})
    time.sleep(0.3)
    check_plain(page, name)


def shoot_every_page(page: Any, folder: Path, stem: str) -> None:
    """Visit every page of the registry in order: a full-page screenshot and the plain-text check each."""
    for entry in PAGES:
        go(page, entry.title)
        shot(page, folder, f"{stem}_all_{entry.step}_{entry.key}")
    for tool in TOOL_PAGES:
        go(page, tool.title)
        shot(page, folder, f"{stem}_all_{tool.key}")


def go(page: Any, title: str) -> None:
    page.get_by_role("link", name=title).first.click()
    settle(page, 0.8)


def main_text(page: Any) -> str:
    return str(page.locator("[data-testid='stMain']").inner_text())


def open_app(browser: Any, app_url: str) -> Any:
    """A fresh page (so a fresh Streamlit session) on the Data page, demo loaded."""
    page = browser.new_page()
    page.set_default_timeout(60_000)
    page.goto(app_url)
    page.get_by_text("The customer table the next steps use").wait_for(timeout=120_000)
    settle(page)
    return page


def upload(page: Any, path: Path) -> str:
    """Upload a file through the real file uploader; returns the Data page's text once understood."""
    page.get_by_text("Upload a file", exact=True).click()
    settle(page)
    page.locator("[data-testid='stFileUploaderDropzoneInput']").first.set_input_files(str(path))
    page.get_by_text("What kind of table is this?").wait_for(timeout=120_000)
    settle(page)
    return main_text(page)


def find_segments(page: Any) -> None:
    """Keep the suggested features and k range, run the sweep and accept the recommended k."""
    go(page, journey_page("features").title)
    page.get_by_role("button", name="Find segments").click()
    page.get_by_text(re.compile(r"^\d+ segments: ")).first.wait_for(timeout=240_000)
    settle(page)
    assert "Customers per segment" in main_text(page)


def download_list(page: Any, folder: Path, button: Any = None) -> Path:
    """Download the campaign list (by default the first CSV download button) into ``folder``."""
    download_button = button or page.get_by_role("button", name=re.compile(r"^Download .+\.csv$")).first
    with page.expect_download(timeout=120_000) as download_info:
        download_button.click()
    download = download_info.value
    target = folder / download.suggested_filename
    download.save_as(str(target))
    assert target.suffix == ".csv"
    return target


def list_for_everyone(page: Any, folder: Path) -> pd.DataFrame:
    """Campaigns page: waive consent, no control group (so every customer is on the list), download."""
    go(page, journey_page("campaigns").title)
    page.get_by_text("I have consent another way: do not check consent").click()
    settle(page)
    control = page.locator("[data-testid='stSlider']").filter(has_text="Control group share")
    slider = control.get_by_role("slider")
    slider.focus()
    slider.press("Home")  # to the minimum: 0
    settle(page)
    assert "0.00" in str(control.inner_text())
    target = download_list(page, folder)
    return pd.read_csv(io.BytesIO(target.read_bytes()), dtype=str)


def test_every_page_on_the_demo(browser: Any, app_url: str, screenshots: Path, requested: list[str]) -> None:
    """The demo as it opens: segments found with the defaults, then every page shot and checked."""
    page = open_app(browser, app_url)
    assert "Demo shop" in main_text(page)
    find_segments(page)
    shoot_every_page(page, screenshots, "demo")
    page.close()
    assert outside_requests(requested) == [], "the app asked a host outside this machine"


def test_marketer_journey_from_upload_to_downloaded_list(
    browser: Any, app_url: str, screenshots: Path, tmp_path: Path, requested: list[str]
) -> None:
    page = open_app(browser, app_url)
    assert "Demo shop" in main_text(page)
    shot(page, screenshots, "01_demo_data")

    # Upload a messy export through the real file uploader and see it understood.
    upload_file = tmp_path / "kasse_export.csv"
    upload_file.write_bytes(messy_orders())
    text = upload(page, upload_file)
    assert "semicolons" in text and "cp1252" in text
    assert "skipped" in text
    shot(page, screenshots, "02_upload_understood")
    page.get_by_role("button", name="Build the customer table").click()
    settle(page)
    assert "Built 180 customers" in main_text(page)
    shot(page, screenshots, "03_customer_table")

    # Choose features (the defaults) and run the k sweep.
    find_segments(page)
    shot(page, screenshots, "04_k_sweep_and_segments")

    # Rename the first persona.
    go(page, journey_page("personas").title)
    name_box = page.get_by_role("textbox", name="Segment name").first
    name_box.fill(RENAMED)
    name_box.press("Enter")
    settle(page)
    shot(page, screenshots, "05_personas_renamed")

    # A segment's recommendations.
    go(page, journey_page("recommendations").title)
    assert "Recommendations" in main_text(page)
    shot(page, screenshots, "06_recommendations")

    # Build the campaign with a control group and download it.
    go(page, journey_page("campaigns").title)
    waive = page.get_by_text("I have consent another way: do not check consent")
    waive.click()
    settle(page)
    shot(page, screenshots, "07_campaign")
    target = download_list(page, tmp_path)
    # A page that keeps the control group in its own file offers it on a second button.
    control_button = page.get_by_role("button", name=re.compile(r"^Download .+\(do not contact\)$"))
    control_target = download_list(page, tmp_path, control_button) if control_button.count() else None

    # The last page too, so the request check below has seen every page of the app.
    go(page, journey_page("results").title)
    assert "Campaign results" in main_text(page)
    shot(page, screenshots, "08_campaign_results")
    shoot_every_page(page, screenshots, "kasse")  # every page again, now with the list built
    page.close()

    exported = pd.read_csv(io.BytesIO(target.read_bytes()), dtype=str)
    if control_target is not None:
        # Send file and control file together are the whole list; nobody in the send file is control.
        assert "group" not in exported or set(exported["group"]) == {"treatment"}
        control_list = pd.read_csv(io.BytesIO(control_target.read_bytes()), dtype=str)
        exported = pd.concat(
            [exported.assign(group="treatment"), control_list.assign(group="control")], ignore_index=True
        )
    assert exported.columns[0] == "Kunde"
    assert {"segment", "segment_name", "group"} <= set(exported.columns)
    assert len(exported) == 180
    assert exported["Kunde"].is_unique
    control = (exported["group"] == "control").sum()
    assert abs(control - 18) <= exported["segment"].nunique()
    assert set(exported["group"]) == {"treatment", "control"}
    assert RENAMED in set(exported["segment_name"])

    assert len(requested) > 20, "the request recorder saw nothing: is it still attached?"
    assert outside_requests(requested) == [], "the app asked a host outside this machine"


def segments_personas_and_list(page: Any, folder: Path, screenshots: Path, stem: str) -> pd.DataFrame:
    """From a built customer table: sweep with the defaults, personas shown, list for everyone downloaded."""
    find_segments(page)
    shot(page, screenshots, f"{stem}_2_segments")
    go(page, journey_page("personas").title)
    assert page.get_by_role("textbox", name="Segment name").count() >= 2
    shot(page, screenshots, f"{stem}_3_personas")
    return list_for_everyone(page, folder)


def test_customer_table_with_decimals_and_an_id_column(
    browser: Any, app_url: str, screenshots: Path, tmp_path: Path, requested: list[str]
) -> None:
    frame = decimal_customers()
    path = tmp_path / "customers_decimals.csv"
    frame.to_csv(path, index=False)  # shortest round-trip floats: 8.499794737879839, -5.585988
    traits = ["Age", "Income", "Score", "Balance", "Tenure"]

    page = open_app(browser, app_url)
    upload(page, path)
    shot(page, screenshots, "customers_decimals_1_understood")
    page.get_by_role("button", name="Use this customer table").click()
    settle(page)
    assert "Using 300 customers" in main_text(page)

    # Decimals are traits to segment on (they were once read as phone numbers and left out).
    go(page, journey_page("features").title)
    chosen = page.locator("[data-testid='stMultiSelect']").filter(has_text="Features to segment on")
    chosen_text = str(chosen.inner_text())
    assert [t for t in traits if t not in chosen_text] == [], chosen_text

    exported = segments_personas_and_list(page, tmp_path, screenshots, "customers_decimals")
    shoot_every_page(page, screenshots, "customers_decimals")
    page.close()
    assert exported.columns[0] == "ID"
    assert len(exported) == 300
    assert set(exported["ID"]) == set(frame["ID"].astype(str))
    assert exported["segment"].nunique() >= 2
    assert outside_requests(requested) == [], "the app asked a host outside this machine"


def test_movie_ratings_file(
    browser: Any, app_url: str, screenshots: Path, tmp_path: Path, requested: list[str]
) -> None:
    frame = movie_ratings()
    path = tmp_path / "ratings.csv"
    frame.to_csv(path, index=False)

    page = open_app(browser, app_url)
    upload(page, path)
    shot(page, screenshots, "ratings_1_understood")
    # One row per rating: the user is the customer, the movie the item, the epoch seconds the date.
    picked = {
        label: page.get_by_role("combobox", name=label, exact=True).input_value()
        for label in ["Customer id", "Purchase date", "Item / product (optional)"]
    }
    assert picked == {
        "Customer id": "userId",
        "Purchase date": "timestamp",
        "Item / product (optional)": "movieId",
    }
    page.get_by_role("button", name="Build the customer table").click()
    settle(page)
    assert f"Built {frame['userId'].nunique()} customers" in main_text(page)

    exported = segments_personas_and_list(page, tmp_path, screenshots, "ratings")
    shoot_every_page(page, screenshots, "ratings")
    page.close()
    assert exported.columns[0] == "userId"
    assert len(exported) == frame["userId"].nunique() == 200
    assert set(exported["userId"]) == set(frame["userId"].astype(str))
    assert exported["segment"].nunique() >= 2
    assert outside_requests(requested) == [], "the app asked a host outside this machine"
