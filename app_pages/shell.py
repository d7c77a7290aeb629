"""What every page shares: the demo dataset on first open, empty states and links between pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

import segmentation
from app_pages import registry, state
from segmentation import (
    CurrencyGuess,
    demo_dataset,
    fingerprint,
)

if TYPE_CHECKING:  # an annotation only: importing it at run time loads scikit-learn (see personas_for)
    from segmentation import Persona

# The demo shop's generator writes its prices in dollars.
DEMO_CURRENCY = CurrencyGuess("USD", 1.0, "the demo shop's prices are in US dollars")


@st.cache_data(show_spinner="Loading the demo shop's customers and orders…")
def _demo_dataset():  # type: ignore[no-untyped-def]
    return demo_dataset()


def load_demo() -> None:
    """Make the bundled demo data the active dataset."""
    dataset = _demo_dataset()
    state.set_active_data(
        state.ActiveData.from_dataset(
            dataset, token=fingerprint("demo", dataset.source_name), currency_guess=DEMO_CURRENCY
        )
    )


def ensure_demo_loaded() -> None:
    """On a session's first run, start on the demo data so every page has something to show."""
    if state.get_active_data() is None and not st.session_state.get("shell:demo_declined"):
        load_demo()


def page_header(key: str, intro: str | None = None) -> None:
    """The title of the page registered under ``key`` and where it sits in the journey ("Step 2 of 6").

    The title and step both come from the registry, so adding or moving a page renumbers every page.
    """
    entry = registry.page(key)
    st.title(entry.name)
    st.caption(f"{entry.step_label} · {intro}" if intro else entry.step_label)


def link_to(key: str, label: str | None = None) -> None:
    """A link to the page registered under ``key``, labelled with its title unless ``label`` is given.

    When a page runs on its own (tests, or a direct ``streamlit run app_pages/x.py``) there is no
    navigation to link into, so a plain hint is shown instead.
    """
    target = registry.page(key)
    try:
        st.page_link(target.path, label=label or target.title, icon=target.icon)
    except StreamlitAPIException:
        st.markdown(f"{target.icon} Open **{target.title}** in the sidebar.")


def require_data(message: str = "Load data on the Data page first.") -> state.ActiveData:
    """The active dataset, or an empty state with a link to the Data page (the run stops)."""
    data = state.get_active_data()
    if data is None:
        st.info(message)
        link_to("data")
        st.stop()
    assert data is not None  # st.stop() ends the run
    return data


def require_segments(message: str) -> tuple[state.ActiveData, state.SegmentRun]:
    """The active dataset and its segmentation, or an empty state linking to the step missing."""
    data = require_data()
    run = state.get_segment_run()
    if run is None:
        st.info(message)
        link_to("features")
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
    currency: str = "",
    column_labels: tuple[tuple[str, str], ...] = (),
) -> tuple[Persona, ...]:
    """Personas of a segmentation, cached on its token (shared by Features & k and Personas).

    ``currency`` and ``column_labels`` (the marketer's, as sorted pairs) only change the wording.
    """
    # Read off the lazy package face when called, not imported at the top: describing segments loads
    # scikit-learn and SciPy (about a second) that pages without segments (Data, Workspace) never need.
    return segmentation.describe_segments(
        _customers,
        _labels,
        features=features,
        money_col=segmentation.guess_money_column(_customers),
        id_col=id_col if id_col in _customers.columns else None,
        seed=seed,
        currency=currency,
        column_labels=dict(column_labels),
    )


def persona_wording() -> dict[str, object]:
    """The keyword arguments of :func:`personas_for` that carry the marketer's currency and labels."""
    return {"currency": state.currency(), "column_labels": tuple(sorted(state.column_labels().items()))}


def wording_key() -> tuple[object, ...]:
    """What :func:`persona_wording` holds, as a key stored on the run (``()`` when nothing is set)."""
    wording = persona_wording()
    return (wording["currency"], wording["column_labels"]) if any(wording.values()) else ()
