"""Every page of the app runs on the bundled demo data without an exception (Streamlit AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.registry import PAGES, JourneyPage

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


@pytest.mark.parametrize("page", PAGES, ids=[entry.key for entry in PAGES])
def test_every_page_runs_on_the_demo_data(page: JourneyPage) -> None:
    at = _app()
    at.switch_page(page.path)
    at.run()
    assert not at.exception, at.exception
    assert at.title, f"{page.path} shows no title"
