"""Segmentation studio: the router over the pages of the marketer's journey.

Run with ``streamlit run app.py``. The app opens on the bundled demo data, so every page has
something to show before anyone uploads a file.
"""

from __future__ import annotations

import streamlit as st

from pages import _state
from pages._shell import ensure_demo_loaded, journey_status

st.set_page_config(page_title="Segmentation studio", page_icon="🧭", layout="wide")

PAGES = [
    st.Page("pages/data.py", title="1 · Data", icon="📂", default=True),
    st.Page("pages/features.py", title="2 · Features & k", icon="🧮"),
    st.Page("pages/personas.py", title="3 · Personas", icon="🧑‍🤝‍🧑"),
    st.Page("pages/recommendations.py", title="4 · Recommendations", icon="🛒"),
    st.Page("pages/campaigns.py", title="5 · Campaigns", icon="📣"),
    st.Page("pages/results.py", title="6 · Campaign results", icon="📈"),
]

ensure_demo_loaded()
st.session_state.setdefault(_state.SEED, _state.DEFAULT_SEED)
page = st.navigation(PAGES)

with st.sidebar:
    st.markdown("### Your progress")
    for step, done, detail in journey_status():
        st.markdown(f"{'✅' if done else '⬜'} **{step}**  \n<small>{detail}</small>", unsafe_allow_html=True)
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

page.run()
