"""What every page shares: the demo dataset on first open, and the journey's progress."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from pages import _state
from segmentation.customers.datasets import demo_dataset, fingerprint
from segmentation.personas.describe import Persona, describe_segments, guess_money_column


@st.cache_data(show_spinner="Loading the demo shop's customers and orders…")
def _demo_dataset():  # type: ignore[no-untyped-def]
    return demo_dataset()


def load_demo() -> None:
    """Make the bundled demo data the active dataset."""
    dataset = _demo_dataset()
    _state.set_active_data(
        _state.ActiveData.from_dataset(dataset, token=fingerprint("demo", dataset.source_name))
    )


def ensure_demo_loaded() -> None:
    """On a session's first run, start on the demo data so every page has something to show."""
    if _state.get_active_data() is None and not st.session_state.get("shell:demo_declined"):
        load_demo()


def journey_status() -> list[tuple[str, bool, str]]:
    """(step, done, one-line detail) for each step of the journey, for the sidebar."""
    data = _state.get_active_data()
    run = _state.get_segment_run()
    recs = _state.get(_state.RECOMMENDATIONS)
    campaign = _state.get(_state.CAMPAIGN)
    steps: list[tuple[str, bool, str]] = []
    if data is None:
        steps.append(("Data", False, "No data loaded yet"))
    else:
        steps.append(("Data", True, f"{data.source_name} · {len(data.customers):,} customers"))
    steps.append(
        (
            "Features & k",
            run is not None,
            f"{run.k} segments with {run.algorithm}" if run else "Not segmented yet",
        )
    )
    steps.append(("Personas", run is not None, "Names and traits ready" if run else "Needs segments"))
    if data is not None and not data.has_transactions:
        steps.append(("Recommendations", False, "Needs purchase history"))
    else:
        steps.append(
            ("Recommendations", recs is not None, "Ready for lists" if recs is not None else "Not run yet")
        )
    steps.append(("Campaigns", campaign is not None, "List built" if campaign is not None else "No list yet"))
    return steps


PAGE_ICONS = {
    "pages/data.py": ":material/upload_file:",
    "pages/features.py": ":material/tune:",
    "pages/personas.py": ":material/groups:",
    "pages/recommendations.py": ":material/shopping_cart:",
    "pages/campaigns.py": ":material/campaign:",
    "pages/results.py": ":material/trending_up:",
}


def link_to(page: str, label: str, icon: str | None = None) -> None:
    """A link to another page of the journey.

    When a page runs on its own (tests, or a direct ``streamlit run pages/x.py``) there is no
    navigation to link into, so a plain hint is shown instead.
    """
    icon = PAGE_ICONS.get(page, ":material/arrow_forward:")
    try:
        st.page_link(page, label=label, icon=icon)
    except StreamlitAPIException:
        st.markdown(f"{icon} Open **{label}** in the sidebar.")


def require_router() -> None:
    """Send a page opened by a deep link on a freshly started server through ``app.py``.

    Until ``app.py`` has run once, Streamlit treats ``pages/`` as an old-style page folder and
    runs the page alone (no demo data, no sidebar, helper modules listed as pages). Switching
    to the router once fixes that for every later visitor.
    """
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a Streamlit without it has no old-style page folder to worry about
        return
    if PagesManager.uses_pages_directory:
        st.switch_page("app.py")


def require_data(message: str = "Load data on the Data page first.") -> _state.ActiveData:
    """The active dataset, or an empty state with a link to the Data page (the run stops)."""
    data = _state.get_active_data()
    if data is None:
        st.info(message)
        link_to("pages/data.py", "1 · Data")
        st.stop()
    assert data is not None  # st.stop() ends the run
    return data


def require_segments(message: str) -> tuple[_state.ActiveData, _state.SegmentRun]:
    """The active dataset and its segmentation, or an empty state linking to the step missing."""
    data = require_data()
    run = _state.get_segment_run()
    if run is None:
        st.info(message)
        link_to("pages/features.py", "2 · Features & k")
        st.stop()
    assert run is not None
    return data, run


@st.cache_data(show_spinner="Describing each segment…", max_entries=8)
def personas_for(
    _customers: pd.DataFrame,
    _labels: np.ndarray,
    run_token: str,
    features: tuple[str, ...],
    id_col: str,
    seed: int,
) -> tuple[Persona, ...]:
    """Personas of a segmentation, cached on its token (shared by Features & k and Personas)."""
    return describe_segments(
        _customers,
        _labels,
        features=features,
        money_col=guess_money_column(_customers),
        id_col=id_col if id_col in _customers.columns else None,
        seed=seed,
    )
