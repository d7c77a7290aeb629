"""Every page of the app runs on the bundled demo data without an exception (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

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
