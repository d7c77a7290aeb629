"""Segmentation studio: the router over the pages of the marketer's journey.

Run with ``streamlit run app.py``. The app opens on the work used last (kept in the workspace),
or on the bundled demo data the first time, so every page has something to show before anyone
uploads a file.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages import registry, state, workspace_reopen, workspace_session

# A local file, inlined by Streamlit: a ":material/…:" page icon makes every browser fetch the favicon
# from fonts.gstatic.com, and the app promises no request outside this machine.
PAGE_ICON = Path(__file__).resolve().parent / "static" / "favicon.svg"
st.set_page_config(page_title="Segmentation studio", page_icon=PAGE_ICON, layout="wide")

workspace_reopen.restore_last_work()
st.session_state.setdefault(state.SEED, state.DEFAULT_SEED)
page = st.navigation(
    [
        *(
            st.Page(entry.path, title=entry.title, icon=entry.icon, default=entry is registry.PAGES[0])
            for entry in registry.PAGES
        ),
        *(st.Page(entry.path, title=entry.title, icon=entry.icon) for entry in registry.TOOL_PAGES),
    ]
)

with st.sidebar:
    progress_box = st.empty()
    st.divider()
    st.number_input(
        "Random seed",
        min_value=0,
        max_value=2**31 - 1,
        step=1,
        key=state.SEED,
        help="Every random step (segmentation, samples, control groups) uses this seed, "
        "so the same data and seed always give the same segments and lists.",
    )


def draw_progress() -> None:
    """The journey's steps in the sidebar, each done or not, with a one-line detail."""
    with progress_box.container():
        st.markdown("### Your progress")
        for entry, done, detail in registry.journey_status():
            icon = ":material/check_circle:" if done else ":material/radio_button_unchecked:"
            st.markdown(f"{icon} **{entry.name}**  \n<small>{detail}</small>", unsafe_allow_html=True)


# Drawn before the page, because a page that stops early (an empty state's st.stop()) ends the run
# and nothing after it is drawn; and again after the page, so a step finished on this run shows as done.
draw_progress()
try:
    page.run()
finally:
    draw_progress()
    problem = workspace_session.notice()
    if problem:
        st.sidebar.warning(problem)
