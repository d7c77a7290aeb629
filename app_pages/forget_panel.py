"""The Workspace page's "Forget a customer" section: a privacy request, answered from the browser.

The workspace does the forgetting (``Workspace.forget_customer``, the same as ``segmentation forget``).
Afterwards this session lets go of what it holds in memory: every session value that is not a plain
widget setting (the active data, the segmentation, predictions, recommendations, lists, fitted results)
is dropped with the app's data caches, and the work used last is reopened from the workspace, which no
longer holds the customer. Filtering the objects in place is not safe: a segmentation's labels, its
fitted result and every cached table are aligned row by row with the data they came from.

The section's keys are named ``"workspace:forget_<what>"``.
"""

from __future__ import annotations

import datetime as dt
import io
from enum import Enum
from typing import Any

import numpy as np
import streamlit as st

from app_pages import state, workspace_session
from segmentation import DEMO_NAME, SegmentationError, Workspace

WHO = "workspace:forget_who"  # the id or email typed (emptied once the request is done)
UNDERSTOOD = "workspace:forget_understood"  # the "cannot be undone" box
DONE = "workspace:forget_done"  # the last request's counts (no personal data), shown once
PROBLEM = "workspace:forget_problem"  # why the last request did nothing, shown once
#: The report's counts, in the order shown, with their words.
COUNTS = (
    ("datasets", "Rows in stored datasets"),
    ("runs", "Segment assignments"),
    ("campaigns", "Rows in campaign lists"),
    ("recommendations", "Recommendation rows"),
    ("payloads_rewritten", "Stored files rewritten"),
)
#: The journey's shared objects, all built from customer rows.
JOURNEY_KEYS = (
    state.ACTIVE_DATA,
    state.SEGMENT_RUN,
    state.SEGMENT_NAMES,
    state.SEGMENT_ACTIONS,
    state.RECOMMENDATIONS,
    state.CAMPAIGN,
    state.PREDICTIONS,
    state.PREDICTIONS_TOKEN,
    state.PREDICTIONS_HORIZON,
)
_PLAIN = (str, bytes, int, float, bool, type(None), dt.date, dt.time, dt.timedelta, Enum, np.generic)
# Uploaded files (a Streamlit UploadedFile is a BytesIO) belong to their upload widgets.
_UPLOADS = (io.BytesIO,)

EXPLANATION = """
The customer with this id or email is removed from everything this workspace keeps:

- **every stored dataset** (uploaded customer tables and the purchase lines of an order export),
  **segmentation** (each customer's segment), **campaign list** (send list and control group) and
  **recommendation table**. The customer is looked up in the id and email columns; the id found beside
  the email (and the email beside the id) is removed too, so tables holding only one of them are covered;
- in stored personas, segment names, campaign rules and manifests and lift reports, any entry that is
  exactly that id or email becomes “[forgotten]”; measured lifts keep their totals;
- each stored file that held the customer is written again without them, and the old file is
  overwritten with zeros before it is deleted; the database's freed space is wiped and compacted;
- an **audit record** keeps only the date, the counts and a salted hash of what you typed: nothing
  that names the customer.

Not covered: files you downloaded or exported earlier (delete those yourself), and other browser
sessions open right now, which keep what they had loaded until they are reloaded.
"""


def _kept(value: Any) -> bool:
    """Whether ``value`` is a widget setting to keep: text, numbers, dates, uploaded files, and lists
    or dicts of them. Tables, arrays and fitted results are not."""
    if isinstance(value, _PLAIN + _UPLOADS):
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return all(_kept(v) for v in value)
    if isinstance(value, dict):
        return all(_kept(k) and _kept(v) for k, v in value.items())
    return False


def _let_go_of_session_data() -> None:
    """Drop what this session holds that was built from customer rows; the app reopens stored work.

    Widget settings and uploaded files stay; every other value goes, with every cached table, so
    nothing reappears from a cache keyed on the same dataset.
    """
    for key in JOURNEY_KEYS:
        st.session_state.pop(key, None)
    for key in list(st.session_state.keys()):
        value = st.session_state[key]
        if not _kept(value):
            del st.session_state[key]
    st.cache_data.clear()
    # The app reopens the work used last, as on a session's first run, now from the forgotten store.
    st.session_state.pop(workspace_session.RESTORED, None)


def _forget(workspace: Workspace) -> None:
    """The button's callback: it runs before the rerun, so the app reopens stored work on that run."""
    who = str(st.session_state.get(WHO) or "").strip()
    if not who:
        st.session_state[PROBLEM] = "Type the customer's id or email first; nothing was changed."
        return
    if not st.session_state.get(UNDERSTOOD):
        st.session_state[PROBLEM] = "Tick “I understand this cannot be undone” first; nothing was changed."
        return
    try:
        report = workspace.forget_customer(who)
    except SegmentationError as exc:
        st.session_state[PROBLEM] = f"The customer could not be forgotten: {exc}"
        return
    counts = report.to_dict()
    found = any(counts[kind] for kind, _ in COUNTS)
    if found:
        _let_go_of_session_data()
    st.session_state[DONE] = {**counts, "found": int(found)}
    # What was typed names the customer: it is not kept in this session either.
    st.session_state[WHO] = ""
    st.session_state[UNDERSTOOD] = False


def _outcome() -> None:
    """The last request's result, once: the counts in plain words, or why nothing happened."""
    problem = st.session_state.pop(PROBLEM, None)
    if problem:
        st.error(problem)
    done = st.session_state.pop(DONE, None)
    if done is None:
        return
    if not done["found"]:
        st.info(
            "No customer with that id or email is stored in this workspace, so nothing was removed. "
            f"The request is recorded in audit record no. {done['audit_id']} (date and a salted hash only)."
        )
        return
    st.success(
        "The customer is forgotten: every stored file that held them was written again without them and "
        f"the old copy overwritten. Audit record no. {done['audit_id']} keeps the date, these counts and "
        "a salted hash."
    )
    columns = st.columns(len(COUNTS))
    for column, (kind, label) in zip(columns, COUNTS, strict=True):
        column.metric(label, f"{done[kind]:,}")
    st.caption(
        "What this means: the first four numbers count the rows removed (one customer can have many "
        "purchase lines and appear in several datasets, segmentations and lists); the last counts the "
        "stored files written again without them. This session's open data, segments, "
        "predictions and lists were dropped and reopened from the workspace, which no longer holds them; "
        "predictions and other results are computed again when you open their pages."
    )
    data = state.get_active_data()
    if data is not None and data.source_name == DEMO_NAME and not data.is_upload:
        st.caption(
            "The demo shop open now is made up and generated afresh each time it opens, so its customers "
            "are all back in it; your own data stays without the forgotten customer."
        )


def draw(workspace: Workspace) -> None:
    """The section: what forgetting does, the id or email, the confirmation, the button, the result."""
    st.header("Forget a customer")
    st.caption(
        f"For a privacy request (the right to be forgotten). It applies to the workspace in "
        f"**{workspace.location}**."
    )
    st.markdown(EXPLANATION)
    _outcome()
    st.text_input(
        "Customer id or email",
        key=WHO,
        placeholder="e.g. C0042 or jane@example.com",
        help="Upper and lower case and spaces around it do not matter.",
    )
    st.checkbox("I understand this cannot be undone", key=UNDERSTOOD)
    st.button(
        "Forget this customer", type="primary", key="workspace:forget", on_click=_forget, args=(workspace,)
    )
