"""The workspace of this session: opened once per location, and saving as things happen.

Pages call the ``save_*`` functions right after they hand something on in the session (a confirmed
upload, a fit, edited names, recommendations, a built list, a measured lift); each saves once per
thing (keyed on its token) and a problem with the workspace is one warning line, never a crash:
the journey works without a workspace. Reopening stored work is in :mod:`app_pages.workspace_reopen`.

The session's own keys are named ``"workspace:<what>"`` and live here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from app_pages import state
from segmentation import (
    DEMO_NAME,
    NameTakenError,
    SegmentationError,
    StoredItem,
    Workspace,
    combine_split_lists,
    open_workspace,
    workspace_location,
)

LOCATION = "workspace:location"  # a location chosen for this session on the Workspace page
RESTORED = "workspace:restored"  # the last-used work was reopened (or tried) on this session's first run
SAVED = "workspace:saved"  # (kind, token) -> stored id, so each thing is saved once
SESSION_RUNS = "workspace:session_runs"  # data token -> run id fitted in this session (refits replace it)
FROZEN = "workspace:frozen_runs"  # run ids a campaign was saved from: a refit then saves a new run
NAMES_SAVED = "workspace:names_saved"  # run id -> (names, actions) as last stored
PENDING = "workspace:pending"  # a save waiting for "replace?" (kind, name, arguments)
NOTICE = "workspace:notice"  # the last problem with the workspace, shown once
FAILED = "workspace:failed"  # (location setting, reason) of a workspace that could not be opened
#: Tables stored beside an order export's customer table, by the key naming them in its detection.
COMPANIONS = {"purchases_id": "purchases", "catalog_id": "catalog"}
LAST_OPENED = "last_opened"  # the workspace setting naming the work to reopen: "run:12", "dataset:3"


@st.cache_resource(show_spinner="Opening your workspace…", max_entries=8)
def _open(url: str) -> Workspace:
    return open_workspace(url)


def location_setting() -> str | None:
    """The location chosen for this session on the Workspace page, or None for the default."""
    value = st.session_state.get(LOCATION)
    return str(value) if value else None


def use_location(location: str) -> Workspace:
    """Open ``location`` and use it for the rest of the session (a WorkspaceError if it cannot be opened)."""
    workspace = _open(workspace_location(location.strip()))
    st.session_state[LOCATION] = location.strip()
    for key in (SAVED, SESSION_RUNS, FROZEN, NAMES_SAVED, PENDING, FAILED):
        st.session_state.pop(key, None)
    return workspace


def current() -> Workspace | None:
    """The session's workspace, or None when it cannot be opened (the reason: ``unavailable``).

    A location that failed is not tried again in this session (an unreachable server would make
    every page wait for its timeout); choosing a location on the Workspace page tries again.
    """
    failed = st.session_state.get(FAILED)
    if failed is not None and failed[0] == location_setting():
        return None
    try:
        return _open(workspace_location(location_setting()))
    except SegmentationError as exc:
        message = f"The workspace cannot be used, so nothing is saved: {exc}"
        st.session_state[FAILED] = (location_setting(), message)
        st.session_state[NOTICE] = message
        return None


def unavailable() -> str | None:
    """Why the session's workspace cannot be used, or None when it can."""
    failed = st.session_state.get(FAILED)
    return None if failed is None else str(failed[1])


def notice() -> str | None:
    """The last problem with the workspace (once), for the sidebar."""
    return st.session_state.pop(NOTICE, None)


def attempt(what: str, call: Callable[[], Any]) -> Any:
    """Run a save; a workspace problem becomes a notice instead of stopping the page."""
    try:
        return call()
    except SegmentationError as exc:
        st.session_state[NOTICE] = f"{what} was not saved to the workspace: {exc}"
        return None


def saved_id(kind: str, token: str) -> int | None:
    return st.session_state.get(SAVED, {}).get((kind, token))


def mark_saved(kind: str, token: str, item_id: int) -> None:
    saved = dict(st.session_state.get(SAVED, {}))
    saved[(kind, token)] = item_id
    st.session_state[SAVED] = saved


def _with_free_name(save: Callable[[str], StoredItem], name: str) -> StoredItem:
    """Save under ``name``, or "name (2)", "name (3)"… when it is taken (for names we made up)."""
    for number in range(1, 100):
        try:
            return save(name if number == 1 else f"{name} ({number})")
        except NameTakenError:
            continue
    return save(f"{name} ({pd.Timestamp.now(tz='UTC'):%Y-%m-%d %H:%M:%S})")


def remember(workspace: Workspace, kind: str, item_id: int) -> None:
    attempt("Your place", lambda: workspace.remember(LAST_OPENED, f"{kind}:{item_id}"))


# ---- datasets --------------------------------------------------------------------------------
def _reading(data: state.ActiveData, **companions: int | None) -> dict[str, Any]:
    return {
        "token": data.token,
        "customer_id_col": data.customer_id_col,
        "roles": dict(data.roles),
        "notes": list(data.notes),
        "kind": data.kind,
        "demo": data.source_name == DEMO_NAME and not data.is_upload,
        "source_bytes_sha256": data.source_bytes_sha256,
        "transaction_columns": dataclasses.asdict(data.transaction_columns)
        if data.transaction_columns is not None
        else None,
        "catalog_columns": dataclasses.asdict(data.catalog_columns)
        if data.catalog_columns is not None
        else None,
        **companions,
    }


def save_dataset(data: state.ActiveData) -> int | None:
    """Store the active dataset (once per token) and make it the work to reopen; its stored id."""
    known = saved_id("dataset", data.token)
    if known is not None:
        return known
    workspace = current()
    if workspace is None:
        return None

    def store() -> int:
        parts: dict[str, int | None] = {"purchases_id": None, "catalog_id": None}
        if data.is_upload and data.transactions is not None and data.transaction_columns is not None:
            # The purchase lines (and catalog) are stored beside the customer table, so a reopened
            # order export still has what recommendations need; only the lines hold customer ids.
            customer_roles = {data.transaction_columns.customer: "customer_id"}
            for part, kind, table, roles in (
                ("purchases_id", "purchase lines", data.transactions, customer_roles),
                ("catalog_id", "catalog", data.catalog, {}),
            ):
                if table is not None:
                    parts[part] = workspace.save_dataset(
                        name=f"{data.source_name} · {kind}",
                        source_name=data.source_name,
                        kind=COMPANIONS[part],
                        table=table,
                        source_sha256=f"{data.token}:{COMPANIONS[part]}",
                        detection={"roles": roles, "part_of": data.token},
                    ).id
        item = workspace.save_dataset(
            name=data.source_name,
            source_name=data.source_name,
            kind=data.kind,
            table=data.customers,
            source_sha256=data.token,
            detection=_reading(data, **parts),
            role_edits=dict(data.roles),
        )
        return item.id

    dataset_id = attempt(f"The data {data.source_name}", store)
    if dataset_id is not None:
        mark_saved("dataset", data.token, dataset_id)
        remember(workspace, "dataset", dataset_id)
    return dataset_id


# ---- runs ------------------------------------------------------------------------------------
def run_id(run: state.SegmentRun | None) -> int | None:
    """The stored id of a segmentation of this session, when it was saved."""
    return None if run is None else saved_id("run", run.token)


def save_run(
    data: state.ActiveData,
    run: state.SegmentRun,
    *,
    model_json: str | None,
    specs: Mapping[str, Any],
    personas: tuple[Mapping[str, Any], ...],
) -> int | None:
    """Store a fit (once per run token). Refits on the same data in this session replace the run
    saved before, until a campaign is saved from it, so trying k = 4, 5, 6 leaves one run, not three."""
    known = saved_id("run", run.token)
    if known is not None:
        return known
    workspace = current()
    if workspace is None:
        return None
    dataset_id = save_dataset(data)
    previous = st.session_state.get(SESSION_RUNS, {}).get(data.token)
    frozen = st.session_state.get(FROZEN, set())
    ids = data.customers.get(data.customer_id_col, data.customers.index)
    arguments: dict[str, Any] = {
        "dataset_id": dataset_id,
        "customer_ids": pd.Series(ids).astype(str),
        "labels": np.asarray(run.labels, dtype="int64"),
        "features": list(run.features),
        "algorithm": run.algorithm,
        "k": run.k,
        "seed": run.seed,
        "specs": specs,
        "model_json": model_json,
        "personas": personas,
        "names": dict(run.default_names),
        "actions": dict(run.default_actions),
    }

    def store() -> StoredItem:
        if previous is not None and previous[1] not in frozen:
            try:  # by its id: the marketer may have renamed it on the Workspace page meanwhile
                current_name = workspace.find("run", previous[1]).name
            except SegmentationError:  # deleted meanwhile: a new run
                current_name = None
            if current_name is not None:
                return workspace.save_run(name=current_name, replace=True, **arguments)
        when = pd.Timestamp.now(tz="UTC")
        name = f"{data.source_name} · {run.k} segments · {when:%Y-%m-%d %H:%M}"
        return _with_free_name(lambda free: workspace.save_run(name=free, **arguments), name)

    item = attempt("The segmentation", store)
    if item is None:
        return None
    mark_saved("run", run.token, item.id)
    st.session_state[SESSION_RUNS] = {
        **st.session_state.get(SESSION_RUNS, {}),
        data.token: (item.name, item.id),
    }
    st.session_state[NAMES_SAVED] = {
        **st.session_state.get(NAMES_SAVED, {}),
        item.id: (dict(run.default_names), dict(run.default_actions)),
    }
    remember(workspace, "run", item.id)
    return int(item.id)


def save_names(run: state.SegmentRun, names: Mapping[int, str], actions: Mapping[int, str]) -> None:
    """Store the persona names and actions when they changed since last stored."""
    stored_id = run_id(run)
    workspace = current()
    if stored_id is None or workspace is None:
        return
    wanted = ({int(k): str(v) for k, v in names.items()}, {int(k): str(v) for k, v in actions.items()})
    if st.session_state.get(NAMES_SAVED, {}).get(stored_id) == wanted:
        return
    done = attempt(
        "The segment names",
        lambda: workspace.update_run_names(stored_id, names=wanted[0], actions=wanted[1]) or True,
    )
    if done:
        st.session_state[NAMES_SAVED] = {**st.session_state.get(NAMES_SAVED, {}), stored_id: wanted}


# ---- recommendations, campaigns, lifts -------------------------------------------------------
def save_recommendations(
    data: state.ActiveData,
    run: state.SegmentRun,
    *,
    token: str,
    name: str,
    model: str,
    settings: Mapping[str, Any],
    table: pd.DataFrame,
) -> None:
    """Store the top-N lists of every customer (once per token)."""
    if saved_id("recommendations", token) is not None:
        return
    workspace = current()
    stored_run = run_id(run)
    if workspace is None:
        return
    item = attempt(
        "The recommendations",
        lambda: workspace.save_recommendations(
            name=name,
            run_id=stored_run,
            dataset_id=saved_id("dataset", data.token),
            model=model,
            settings=settings,
            table=table,
            quality={},
        ),
    )
    if item is not None:
        mark_saved("recommendations", token, item.id)
        if stored_run is not None:
            st.session_state[FROZEN] = {*st.session_state.get(FROZEN, set()), stored_run}


def save_campaign(*, token: str, name: str, arguments: Callable[[], Mapping[str, Any]]) -> None:
    """Store a built list (once per token; ``arguments`` of ``Workspace.save_campaign`` are made only then).

    A name stored before this session asks before replacing (see :func:`replace_prompt`); a list
    built again under a name this session saved replaces it.
    """
    if saved_id("campaign", token) is not None or pending_campaign() == (token, name):
        return
    workspace = current()
    if workspace is None:
        return
    made = attempt("The campaign list", lambda: dict(arguments()))
    if made is None:
        return
    mine = saved_id("campaign-name", name) is not None
    try:
        item = workspace.save_campaign(name=name, replace=mine, **made)
    except NameTakenError:
        st.session_state[PENDING] = (token, name, made)
        return
    except SegmentationError as exc:
        st.session_state[NOTICE] = f"The campaign list was not saved to the workspace: {exc}"
        return
    _campaignsaved_id(token, item, made.get("run_id"))


def _campaignsaved_id(token: str, item: StoredItem, stored_run: int | None) -> None:
    mark_saved("campaign", token, item.id)
    mark_saved("campaign-name", item.name, item.id)
    st.session_state.pop(PENDING, None)
    if stored_run is not None:
        st.session_state[FROZEN] = {*st.session_state.get(FROZEN, set()), stored_run}


def pending_campaign() -> tuple[str, str] | None:
    """(token, name) of a list waiting for "replace?", or None."""
    pending = st.session_state.get(PENDING)
    return None if pending is None else (pending[0], pending[1])


def resolve_pending(*, replace: bool) -> StoredItem | None:
    """Replace the stored campaign of that name, or keep both (the new one as "name (2)")."""
    pending = st.session_state.get(PENDING)
    workspace = current()
    if pending is None or workspace is None:
        return None
    token, name, arguments = pending
    if replace:
        item = attempt(
            "The campaign list", lambda: workspace.save_campaign(name=name, replace=True, **arguments)
        )
    else:
        item = attempt(
            "The campaign list",
            lambda: _with_free_name(lambda free: workspace.save_campaign(name=free, **arguments), name),
        )
    if item is not None:
        _campaignsaved_id(token, item, arguments.get("run_id"))
    return item


def replace_prompt() -> None:
    """Ask whether a list should replace the stored campaign of the same name, or be kept beside it."""
    pending = pending_campaign()
    if pending is None:
        return
    name = pending[1]
    st.warning(
        f"A campaign called “{name}” is stored in your workspace already. Replace it with this list, "
        "or keep both (this one is saved with a number after its name)?"
    )
    left, right = st.columns(2)
    if left.button(f"Replace the stored “{name}”", key="workspace:replace_campaign"):
        resolve_pending(replace=True)
        st.rerun()
    if right.button("Keep both", key="workspace:keep_both_campaigns"):
        resolve_pending(replace=False)
        st.rerun()


def campaign_frame(stored: Any) -> pd.DataFrame:
    """A stored campaign's treatment and control lists as one list with a ``group`` column."""
    return combine_split_lists(stored.treatment, stored.control)


def save_lift(campaign_id: int, token: str, report: Mapping[str, Any]) -> bool:
    """Store a lift measured on a stored campaign (once per campaign and results); True when stored now."""
    if saved_id("lift", token) is not None:
        return False
    workspace = current()
    if workspace is None:
        return False
    item = attempt("The measured lift", lambda: workspace.save_lift(campaign_id=campaign_id, report=report))
    if item is None:
        return False
    mark_saved("lift", token, item.id)
    return True


def campaign_history(
    campaigns: list[StoredItem], lifts: list[tuple[StoredItem, Mapping[str, Any]]]
) -> pd.DataFrame:
    """One row per stored campaign (newest first) with its last measured lift, for the history table."""
    rows = []
    for campaign in campaigns:
        measured = [(item, report) for item, report in lifts if item.parent_id == campaign.id]
        last = max(measured, key=lambda pair: pair[0].created_at) if measured else None
        overall: Mapping[str, Any] = dict(last[1].get("overall") or {}) if last else {}
        interval = overall.get("ci95") or (None, None)
        rows.append(
            {
                "campaign": campaign.name,
                "built": pd.Timestamp(campaign.created_at).tz_convert(None),
                "contacted": campaign.summary.get("treatment"),
                "control": campaign.summary.get("control"),
                "measured": pd.Timestamp(last[0].created_at).tz_convert(None) if last else pd.NaT,
                "lift": overall.get("absolute_lift"),
                "ci_low": interval[0],
                "ci_high": interval[1],
                "p_value": overall.get("p_value"),
                "extra_conversions": overall.get("incremental_conversions"),
                "extra_revenue": overall.get("incremental_revenue"),
                "measurements": len(measured),
            }
        )
    numbers = [
        "contacted",
        "control",
        "lift",
        "ci_low",
        "ci_high",
        "p_value",
        "extra_conversions",
        "extra_revenue",
    ]
    return pd.DataFrame(rows).astype({column: "float64" for column in numbers})
