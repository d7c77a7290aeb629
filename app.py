"""Segmentation studio: the router over the pages of the marketer's journey.

Run with ``streamlit run app.py``. The app opens on the bundled demo data, so every page has
something to show before anyone uploads a file.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from pages import _state
from pages._shell import ensure_demo_loaded, journey_status

# A local file, inlined by Streamlit: a ":material/…:" page icon makes every browser fetch the favicon
# from fonts.gstatic.com, and the app promises no request outside this machine.
PAGE_ICON = Path(__file__).resolve().parent / "static" / "favicon.svg"
st.set_page_config(page_title="Segmentation studio", page_icon=PAGE_ICON, layout="wide")

PAGES = [
    st.Page("pages/data.py", title="1 · Data", icon=":material/upload_file:", default=True),
    st.Page("pages/features.py", title="2 · Features & k", icon=":material/tune:"),
    st.Page("pages/personas.py", title="3 · Personas", icon=":material/groups:"),
    st.Page("pages/recommendations.py", title="4 · Recommendations", icon=":material/shopping_cart:"),
    st.Page("pages/campaigns.py", title="5 · Campaigns", icon=":material/campaign:"),
    st.Page("pages/results.py", title="6 · Campaign results", icon=":material/trending_up:"),
]

ensure_demo_loaded()
st.session_state.setdefault(_state.SEED, _state.DEFAULT_SEED)
page = st.navigation(PAGES)

with st.sidebar:
    progress_box = st.container()
    st.divider()
    st.number_input(
        "Random seed",
        min_value=0,
        max_value=2**31 - 1,
        step=1,
        key=_state.SEED,
        help="Every random step (segmentation, samples, control groups) uses this seed, "
        "so the same data and seed always give the same segments and lists.",
    )

try:
    page.run()
finally:
    # Drawn after the page (even when it stops early) so a step finished on this run shows as done.
    with progress_box:
        st.markdown("### Your progress")
        for step, done, detail in journey_status():
            icon = ":material/check_circle:" if done else ":material/radio_button_unchecked:"
            st.markdown(f"{icon} **{step}**  \n<small>{detail}</small>", unsafe_allow_html=True)
