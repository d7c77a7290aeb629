"""A deep link opened first on a freshly started server goes through the router (``app.py``).

This test gets its own server (each test does), so the link below is the very
first request it serves: the case a legacy ``pages/`` folder got wrong (the page ran alone,
without the demo data, the sidebar or the navigation).
"""

from __future__ import annotations

from typing import Any

import pytest

from app_pages.registry import PAGES, page

pytestmark = pytest.mark.e2e


def test_deep_link_on_a_fresh_server_opens_the_page_inside_the_app(browser: Any, app_url: str) -> None:
    features = page("features")
    tab = browser.new_page()
    tab.set_default_timeout(120_000)
    try:
        tab.goto(f"{app_url}/{features.key}")
        tab.get_by_role("heading", name=features.name, exact=True).first.wait_for()
        sidebar = tab.locator("[data-testid='stSidebar']")
        sidebar.get_by_text("Your progress").wait_for()
        # The router ran: every registered page is in the navigation, the demo data is loaded,
        # and the browser stayed on the page it asked for.
        for entry in PAGES:
            assert sidebar.get_by_role("link", name=entry.title).count() == 1, entry.title
        assert "Demo shop" in str(sidebar.inner_text())
        assert tab.url.rstrip("/").endswith(f"/{features.key}")
    finally:
        tab.close()
