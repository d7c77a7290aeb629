"""Every page of the app runs on the bundled demo data without an exception (Streamlit AppTest)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_page_data import _mall_like_csv

from app_pages.registry import PAGES, JourneyPage, page

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def _app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.run()
    return at


def test_app_opens_on_the_demo_data() -> None:
    at = _app()
    assert not at.exception
    data = at.session_state["active_data"]
    assert data.source_name.startswith("Demo shop")
    assert len(data.customers) > 4000
    assert data.transactions is not None
    sidebar_text = " ".join(m.value for m in at.sidebar.markdown)
    assert "customers" in sidebar_text


@pytest.mark.parametrize("entry", PAGES, ids=[entry.key for entry in PAGES])
def test_every_page_runs_on_the_demo_data(entry: JourneyPage) -> None:
    at = _app()
    at.switch_page(entry.path)
    at.run()
    assert not at.exception, at.exception
    # The page asked for ran (not the default page), inside the app: its title and the sidebar's
    # progress, which must survive a page that stops early at an empty state.
    assert [title.value for title in at.title] == [entry.name], f"{entry.path} shows another page"
    assert any("Your progress" in m.value for m in at.sidebar.markdown), f"{entry.path}: no progress"
    # Step numbers come from the registry: never "Step 1 of 5" in a journey of six pages.
    steps = [found for c in at.main.caption for found in re.findall(r"Step \d+ of \d+", c.value)]
    assert all(step == entry.step_label for step in steps), steps
    assert steps == [entry.step_label], f"{entry.path}: {steps}"


def test_step_labels_count_the_registered_pages() -> None:
    assert [entry.step_label for entry in PAGES] == [
        f"Step {n} of {len(PAGES)}" for n in range(1, len(PAGES) + 1)
    ]


def test_a_confirmed_upload_is_the_active_data_everywhere() -> None:
    at = _app()
    at.switch_page(page("data").path)
    at.run()
    at.radio(key="data:source").set_value("Upload a file").run()
    at.file_uploader(key="data:upload").set_value(("mall.csv", _mall_like_csv(), "text/csv")).run()
    at.button(key="data:use_customers").click().run()
    assert not at.exception, at.exception
    assert at.session_state["active_data"].source_name == "mall.csv"

    def data_line() -> str:
        return next(m.value for m in at.sidebar.markdown if "**Data**" in m.value)

    assert "mall.csv" in data_line() and "Demo shop" not in data_line()
    # Visiting another page and coming back: the page still says the file is in use, not "Demo shop".
    at.switch_page(page("features").path)
    at.run()
    assert "mall.csv" in data_line()
    at.switch_page(page("data").path)
    at.run()
    assert not at.exception, at.exception
    assert at.radio(key="data:source").value == "Upload a file"
    assert any("mall.csv" in i.value for i in at.info), [i.value for i in at.info]
    assert "mall.csv" in data_line() and "Demo shop" not in data_line()
    # Choosing the demo again names the file in use and offers the switch; the file stays active until then.
    at.radio(key="data:source").set_value("Demo shop").run()
    assert any("mall.csv" in i.value for i in at.info)
    assert at.session_state["active_data"].source_name == "mall.csv"
    at.button(key="data:use_demo").click().run()
    assert at.session_state["active_data"].source_name.startswith("Demo shop")
    assert "Demo shop" in data_line()


def test_sidebar_progress_lists_the_registered_steps_in_order() -> None:
    at = _app()
    sidebar = [m.value for m in at.sidebar.markdown]
    steps = [entry.name for entry in PAGES if entry.progress is not None]
    shown = [next(i for i, text in enumerate(sidebar) if f"**{name}**" in text) for name in steps]
    assert shown == sorted(shown), sidebar
    data_line = sidebar[shown[0]]
    assert ":material/check_circle:" in data_line and "Demo shop" in data_line


def test_links_between_pages_go_through_the_router() -> None:
    # No campaign yet: the results page links to the Campaigns page of the registry.
    at = _app()
    at.switch_page(page("results").path)
    at.run()
    assert not at.exception, at.exception
    links = [link.proto for link in at.get("page_link")]
    assert [(link.page, link.icon) for link in links] == [("campaigns", page("campaigns").icon)]
    # The same page alone (no navigation to link into) names the page as the sidebar shows it.
    alone = AppTest.from_file(str(page("results").file), default_timeout=60).run()
    assert not alone.exception and not alone.get("page_link")
    assert any(page("campaigns").title in m.value for m in alone.markdown)


@pytest.mark.parametrize("entry", PAGES, ids=[entry.key for entry in PAGES])
def test_progress_is_drawn_on_pages_that_stop_at_an_empty_state(entry: JourneyPage) -> None:
    # Without any data every page but Data stops early (st.stop); the sidebar must still show the journey.
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["shell:demo_declined"] = True
    at.run()
    at.switch_page(entry.path)
    at.run()
    assert not at.exception, at.exception
    assert at.info, f"{entry.path}: no empty state saying what to do next"
    sidebar = " ".join(m.value for m in at.sidebar.markdown)
    assert "Your progress" in sidebar and "No data loaded yet" in sidebar, sidebar
    assert not at.error, [e.value for e in at.error]
