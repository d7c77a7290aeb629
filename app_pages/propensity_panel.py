"""The "Who will respond" tab of the Predictions page (response propensity from a yes/no column).

A placeholder until the propensity models land: :func:`draw` is what the Predictions page calls.
"""

from __future__ import annotations

import streamlit as st

from app_pages import state


def draw(data: state.ActiveData) -> None:
    """Draw the propensity tab for ``data``."""
    st.info(
        "Scoring who will respond needs a yes/no column, such as whether each customer answered the last "
        "campaign. This part of the page is coming next."
    )
